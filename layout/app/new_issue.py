"""`layout new`: a new issue started from a previous one — same template, pages and boxes, the new
numbers and date, its stories emptied (or kept, with their text files and photos copied to the new
issue's folder). The file is rewritten with a round-trip YAML library (ruamel.yaml), so the editor's
comments, key order and flow style stay as they were."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from ..base.errors import LayoutError
from ..base.files import atomic_write_text


def new_issue(total: int, source: Path, date: dt.date, keep_stories: bool = False,
              number: int | None = None) -> Path:
    """Write issues/<total>.yaml beside ``source`` and return its path; refuse to overwrite."""
    from io import StringIO

    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    from ..issue.loader import load_issue

    old = load_issue(source)                      # the source must be a valid issue: its mistakes named
    target = source.parent / f"{total}.yaml"
    if target.exists():
        raise LayoutError(f"{target}: already exists; choose another number or move it away")
    yaml = YAML()                                 # round-trip: comments and layout kept
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)   # "  - item", as the issue files are written
    yaml.preserve_quotes = True
    try:
        data = yaml.load(source.read_text(encoding="utf-8"))
    except YAMLError as exc:
        raise LayoutError(f"{source}: cannot be rewritten ({str(exc).splitlines()[0]})") from None
    issue = data["issue"]
    issue["total"] = total
    issue["number"] = number if number is not None else old.number + (total - old.total)
    if not 1 <= issue["number"] <= 999:
        raise LayoutError(f"{source}: the new issue's number (期) would be {issue['number']}, counted on from "
                          f"第{old.number}期（總第{old.total}期）; give it with --number")
    issue["date"] = date
    for key in ("sample",):
        if key in issue:
            del issue[key]
    old_folder, new_folder = f"{old.total}/", f"{total}/"
    if keep_stories:
        for kind in ("stories", "photos"):
            for item in data.get(kind) or []:
                key = "text" if kind == "stories" else "file"
                if key in item and str(item[key]).startswith(old_folder):
                    item[key] = _copy_beside(source.parent, str(item[key]), old_folder, new_folder)
    else:
        data["stories"] = []
        if "photos" in data:
            del data["photos"]
    out = StringIO()
    yaml.dump(data, out)
    atomic_write_text(target, out.getvalue())
    return target


def _copy_beside(folder: Path, path: str, old: str, new: str) -> str:
    """A story's text or a photo copied from the old issue's folder to the new one's; its new path."""
    moved = new + path[len(old):]
    (folder / moved).parent.mkdir(parents=True, exist_ok=True)
    if not (folder / moved).exists():
        shutil.copy2(folder / path, folder / moved)
    return moved
