"""The studio's hand layout: a story's head or frame, a box or a photo moved or resized in the page,
and its new grid numbers written back into the issue file.

The file stays the source of truth. It is rewritten round-trip (ruamel.yaml, as `layout new` does),
so the editor's comments, key order and flow style stay; a rewrite that would touch any line other
than the numbers of the place being changed is refused rather than written. The new text is checked
by the loader itself — the checks `layout check` runs, so an overlap or an off-grid place is refused
with the very message `check` gives for it — before anything is written. And the studio writes only
if the file is still the one it read: an edit saved in a text editor meanwhile is never lost."""

from __future__ import annotations

import difflib
import hashlib
import os
import tempfile
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from ..base.errors import LayoutError
from .pipeline import read_issue

PLACE_KINDS = ("head", "frame", "box", "photo")


class PlaceRefused(LayoutError):
    """A move or resize the studio did not write: the file is as it was."""


@dataclass(frozen=True)
class Placement:
    """Where an element is to go, in grid units. ``element`` is the story's id (head, frame), the box's
    or the photo's; ``frame`` counts a story's frames from 1."""

    kind: str
    element: str
    frame: int
    col: int
    span: int
    line: int
    lines: int


def issue_digest(data: bytes) -> str:
    """What the studio remembers of the issue file it read: a move is written only onto these bytes."""
    return hashlib.sha256(data).hexdigest()


def _round_trip():
    from ruamel.yaml import YAML

    yaml = YAML()                                 # round-trip: comments and layout kept
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)   # "  - item", as the issue files are written
    yaml.preserve_quotes = True
    return yaml


def _by_id(items, element: str, what: str, path: Path):
    for item in items or []:
        if hasattr(item, "get") and str(item.get("id")) == element:
            return item
    raise PlaceRefused(f"{path}: no {what} '{element}' in the file (it changed since the page was drawn?)")


def _target(data, placement: Placement, path: Path):
    """The mapping in the file that holds the element's place."""
    if placement.kind not in PLACE_KINDS:
        raise PlaceRefused(f"{path}: cannot place a '{placement.kind}'; the studio places {', '.join(PLACE_KINDS)}")
    if placement.kind in ("head", "frame"):
        story = _by_id(data.get("stories"), placement.element, "story", path)
        if placement.kind == "head":
            if "head" not in story:
                raise PlaceRefused(f"{path}: story '{placement.element}' has no head")
            return story["head"]
        frames = story.get("frames") or []
        if not 1 <= placement.frame <= len(frames):
            raise PlaceRefused(f"{path}: story '{placement.element}' has no frame {placement.frame}")
        return frames[placement.frame - 1]
    item = _by_id(data.get(placement.kind + "es" if placement.kind == "box" else "photos"),
                  placement.element, placement.kind, path)
    if "place" not in item:
        raise PlaceRefused(f"{path}: {placement.kind} '{placement.element}' has no place")
    return item["place"]


def _lines_of(node, into: set[int]) -> set[int]:
    """The 0-based source lines a mapping (and what it holds) is written on."""
    lc = getattr(node, "lc", None)
    if lc is None:
        return into
    if lc.line is not None:
        into.add(lc.line)
    items = node.items() if hasattr(node, "items") else enumerate(node)
    for key, value in items:
        with suppress(KeyError, TypeError, AttributeError):
            into.add(lc.key(key)[0] if hasattr(node, "items") else lc.item(key)[0])
        with suppress(KeyError, TypeError, AttributeError):
            if hasattr(node, "items"):
                into.add(lc.value(key)[0])
        if hasattr(value, "lc"):
            _lines_of(value, into)
    return into


def _shift(rect, d_col: int, d_line: int) -> None:
    rect["col"] = int(rect["col"]) + d_col
    rect["line"] = int(rect["line"]) + d_line


def rewritten(text: str, placement: Placement, path: Path) -> str:
    """The issue file's text with the element at its new place; only the place's own lines change."""
    from io import StringIO

    from ruamel.yaml.error import YAMLError

    yaml = _round_trip()
    try:
        data = yaml.load(text)
    except YAMLError as exc:
        raise PlaceRefused(f"{path}: cannot be rewritten ({str(exc).splitlines()[0]})") from None
    if not hasattr(data, "get"):
        raise PlaceRefused(f"{path}: not an issue file (no mapping at the top)")
    node = _target(data, placement, path)
    if not hasattr(node, "get") or not all(k in node for k in ("col", "span", "line", "lines")):
        raise PlaceRefused(f"{path}: the place of {placement.kind} '{placement.element}' is not a mapping of "
                           f"col, span, line and lines")
    allowed = _lines_of(node, set())
    d_col, d_line = placement.col - int(node["col"]), placement.line - int(node["line"])
    moved = (placement.span, placement.lines) == (int(node["span"]), int(node["lines"]))
    for key in ("col", "span", "line", "lines"):
        node[key] = getattr(placement, key)
    if moved and "exclude" in node and (d_col or d_line):
        # A rectangle the text flows around lies inside its frame: it goes where the frame goes.
        excluded = node["exclude"]
        for rect in (excluded if isinstance(excluded, list) else [excluded]):
            if hasattr(rect, "get") and "col" in rect and "line" in rect:
                _shift(rect, d_col, d_line)
    out = StringIO()
    yaml.dump(data, out)
    new = out.getvalue()
    if "\r\n" in text:
        new = new.replace("\r\n", "\n").replace("\n", "\r\n")
    _only_lines(text, new, allowed, path)
    return new


def _only_lines(old: str, new: str, allowed: set[int], path: Path) -> None:
    """Refuse a rewrite that touches any line but the place's own: the YAML library would reformat
    something the editor wrote, and the file is theirs."""
    a, b = old.splitlines(), new.splitlines()
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        if op != "replace" or i2 - i1 != j2 - j1 or not set(range(i1, i2)) <= allowed:
            raise PlaceRefused(f"{path}: writing the new place would also change line {i1 + 1} of the file "
                               f"(the YAML library formats it differently): nothing written; change the "
                               f"numbers in a text editor")


def check_text(path: Path, text: str, root: Path | None = None) -> None:
    """Load ``text`` as if it were the issue file at ``path``: every check `layout check` runs on the
    file, with its messages naming ``path`` and the lines of ``text``. Read from a hidden file beside it
    (its texts, photos and templates are found as they would be); the file is removed after."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.studio-", suffix=".part", dir=path.parent)
    trial = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        try:
            read_issue(trial, root=root)
        except LayoutError as exc:
            said = str(exc).replace(str(trial), str(path)).replace(trial.name, path.name)
            raise PlaceRefused(said) from None
    finally:
        trial.unlink(missing_ok=True)


def place(path: Path, placement: Placement, read_digest: str, root: Path | None = None) -> str:
    """Write ``placement`` into the issue file, if the file is still the one read (``read_digest``) and
    the result passes `check`'s checks; the digest of the file written."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PlaceRefused(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if issue_digest(data) != read_digest:
        raise PlaceRefused(f"{path}: changed on disk since the studio read it (saved in another editor?): "
                           f"nothing written; the page now shows the file as it is — make the change again")
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PlaceRefused(f"{path}: is not UTF-8 text: nothing written") from None
    new = rewritten(text, placement, path)
    if new == text:
        return read_digest
    check_text(path, new, root)
    payload = (b"\xef\xbb\xbf" if bom else b"") + new.encode("utf-8")
    _replace_if_unchanged(path, payload, read_digest)
    return issue_digest(payload)


def _replace_if_unchanged(path: Path, payload: bytes, read_digest: str) -> None:
    """Put ``payload`` in the file's place (whole: a temporary file renamed), keeping its mode — only if
    the file still holds what was read, looked at again just before the rename."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
        with suppress(OSError):
            os.chmod(name, path.stat().st_mode & 0o7777)
        if issue_digest(path.read_bytes()) != read_digest:
            raise PlaceRefused(f"{path}: changed on disk while the studio was writing it: nothing written; "
                               f"the page now shows the file as it is — make the change again")
        os.replace(name, path)
        name = None
    except OSError as exc:
        raise PlaceRefused(f"{path}: cannot be written ({exc.strerror or exc}): nothing written") from None
    finally:
        if name is not None:
            with suppress(OSError):
                os.unlink(name)
