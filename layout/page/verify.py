"""The checks that nothing is lost: every character of a story is on the page or reported as overset,
once and in order; every text the YAML gives the furniture (heads, jump heads, boxes, captions, the
masthead's words) is drawn whole, in order and inside its place. They run on every render, not only
in tests."""

from __future__ import annotations

from ..base.errors import LayoutError
from ..base.units import Rect
from ..compose.atoms import ZERO_WIDTH, advance_of
from ..fonts.faces import FontSet
from .flow import StoryFlow
from .grid import EM_TOP
from .items import Item, TextRun


def verify_complete(flow: StoryFlow) -> None:
    """Every character of the story is on the page or reported as overset, once and in order.

    Runs on every render, not only in tests: the placed lines of each paragraph must read back as
    the paragraph's text (or, where the story is overset, as its beginning), and the characters
    placed plus those reported overset must be exactly the story's characters."""
    placed: dict[int, list[str]] = {}
    for p in flow.lines:
        if p.block >= 0:
            placed.setdefault(p.block, []).append(p.line.text)
    total = placed_chars = 0
    for index, block in enumerate(flow.story.blocks):
        got = "".join(placed.get(index, []))
        total += len(block.text)
        placed_chars += len(got)
        if got == block.text or (flow.overset and block.text.startswith(got)):
            continue
        raise LayoutError(f"story '{flow.story.id}': internal check failed: paragraph {index + 1} was placed as "
                          f"「{got[:30]}…」 but reads 「{block.text[:30]}…」")
    overset = flow.overset.chars if flow.overset else 0
    if placed_chars + overset != total:
        raise LayoutError(f"story '{flow.story.id}': internal check failed: {placed_chars} characters placed and "
                          f"{overset} overset, but the story has {total}")


def _visible(text: str) -> str:
    """What a reader can check on the page: the text without spaces (the furniture joins and splits
    parts at spaces and U+3000) and without invisible format characters (kept, never drawn)."""
    return "".join(ch for ch in text if not ch.isspace() and ch not in ZERO_WIDTH)


def run_extent(run: TextRun, fonts: FontSet) -> Rect:
    """The box a horizontal text run's em boxes take on the page."""
    face = fonts.faces[run.face]
    advance = sum(advance_of(face, ch) for ch in run.text) * run.size * run.hscale
    width = advance + run.char_space * max(0, len(run.text) - 1)
    return Rect(run.x, run.baseline - EM_TOP * run.size, width, run.size)


def verify_drawn(what: str, parts: list[str], items: list[Item], place: Rect, fonts: FontSet,
                 advice: str) -> None:
    """Every text the YAML gives to an element (a headline, a jump head, a box, a caption, the
    masthead's words) is drawn whole and in order by the element's text runs, and every run lies
    inside the element's place on the page; otherwise the render stops, naming the element and
    what did not fit. Read back from what is drawn, as the story check is, never from the intent."""
    runs = [i for i in items if isinstance(i, TextRun) and not i.angle]
    drawn = _visible("".join(r.text for r in runs))
    at = 0
    for part in parts:
        want = _visible(part)
        found = drawn.find(want, at)
        if found < 0:
            shown = part if len(part) <= 24 else part[:24] + "…"
            raise LayoutError(f"{what}: 「{shown}」 is not all on the page ({len(want)} characters, not all set); "
                              f"{advice}")
        at = found + len(want)
    for run in runs:
        box = run_extent(run, fonts)
        if not place.contains(box, tolerance=0.5):
            over = max(place.y - box.y, box.bottom - place.bottom, place.x - box.x, box.right - place.right)
            shown = run.text if len(run.text) <= 12 else run.text[:12] + "…"
            raise LayoutError(f"{what}: 「{shown}」 runs {over:.1f} pt outside its place; {advice}")
