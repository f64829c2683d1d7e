"""layout: the print-layout engine for 徐匯報 (Xuhui Daily).

The Python API, for tools that would rather not run the command::

    import layout
    result = layout.render("issues/1650.yaml", "output/1650")    # PDFs, copyfit.json, reports
    pages = layout.check("issues/1650.yaml")                     # the layout, nothing written

Both raise ``layout.LayoutError`` (one line, naming file, line and key) for anything the issue gets
wrong; the command-line `layout` is a thin shell over them.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .app.pipeline import RenderResult
    from .page.assemble import IssueLayout

__all__ = ["LayoutError", "check", "render", "__version__"]


def render(issue: str | os.PathLike, out_dir: str | os.PathLike | None = None, *, proof: bool = False,
           root: str | os.PathLike | None = None, allow_outside: bool = False) -> RenderResult:
    """Render an issue file to its PDFs (one a page and the whole issue), copyfit.json and the shop's
    reports, replacing ``out_dir`` (default output/<總期數>/ under the current folder) whole; a proof
    goes to its proof/ folder. An issue printed in several editions gets a folder of each in
    ``out_dir`` (``.editions`` of the result: one result each). Raises LayoutError if the issue (any
    edition of it) cannot be printed as it is."""
    from pathlib import Path

    from .app.pipeline import render as run

    return run(Path(issue), Path(out_dir) if out_dir is not None else None, proof=proof,
               root=Path(root) if root is not None else None, allow_outside=allow_outside)


def check(issue: str | os.PathLike, *, root: str | os.PathLike | None = None,
          allow_outside: bool = False, edition: str | None = None) -> IssueLayout:
    """Read and lay out an issue, every edition of it, without writing anything: what `layout check`
    does. The result (of ``edition``, default the issue's first) holds every page's drawing, each
    story's flow (``.flows``: lines, overset) and the grid warnings."""
    from pathlib import Path

    from .app.pipeline import build_layouts, check_edition, overset_message, read_issue
    from .base.errors import LayoutError

    root = Path(root) if root is not None else None
    read = read_issue(Path(issue), allow_outside, root)
    check_edition(read, edition, Path(issue))
    layouts = build_layouts(Path(issue), allow_outside=allow_outside, root=root, issue=read)
    messages = [m for m in map(overset_message, layouts) if m]
    if messages:
        raise LayoutError(f"{issue}: overset: {'; '.join(messages)}")
    return next(x for x in layouts if edition in (None, x.issue.script.code))


def __getattr__(name: str):
    # LayoutError on first use, so `import layout` stays as cheap as it was.
    if name == "LayoutError":
        from .base.errors import LayoutError

        return LayoutError
    raise AttributeError(f"module 'layout' has no attribute {name!r}")
