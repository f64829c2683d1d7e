"""The pipeline from an issue file to PDFs, shared by every command."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..page.copyfit import StoryFit, report, to_json
from ..page.assemble import IssueLayout, layout_issue
from ..base.errors import LayoutError
from ..base.files import atomic_write_text
from ..fonts.faces import FontSet, default_fontset
from ..issue.photos import effective_ppi
from ..page.items import Picture
from ..issue.loader import load_issue
from ..issue.model import Issue
from .. import __version__
from .delivery import PROOF_FOLDER, page_filename, record_files, write_pdfs


@dataclass(frozen=True)
class RenderResult:
    layout: IssueLayout
    files: tuple[Path, ...]            # the PDFs: pages in order, then the whole issue
    copyfit: tuple[StoryFit, ...]
    report: Path                       # copyfit.json beside the PDFs
    render_id: str = ""                # the digest of the inputs, in every page's slug line


def default_output(issue: Issue) -> Path:
    """output/<總期數>/ under the folder the command runs in."""
    return Path.cwd() / "output" / issue.slug


def overset_message(layout: IssueLayout) -> str | None:
    problems = [f"story '{f.story.id}' (last frame on page {f.story.frames[-1].place.page}): "
                f"{f.overset.chars} characters ({f.overset.lines} lines) did not fit, "
                f"from 「{f.overset.first_sentence}」" for f in layout.flows if f.overset]
    return "; ".join(problems) if problems else None


def underset_messages(layout: IssueLayout) -> list[str]:
    return [f"story '{f.story.id}' (page {f.story.frames[-1].place.page}): {f.underset_lines} lines of its "
            f"frames are left empty (about {f.underset_lines * f.chars_per_line} characters of room)"
            for f in layout.flows if f.underset_lines]


def resolution_problems(layout: IssueLayout) -> tuple[list[str], list[str]]:
    """(errors, warnings) for photos below the print settings' resolutions where placed."""
    printing = layout.issue.template.printing
    errors, warnings = [], []
    for page in layout.pages:
        for item in page.items:
            if isinstance(item, Picture):
                ppi = effective_ppi(item.path, item.w, item.h, item.focus)
                where = f"{item.path.name} on page {page.number}: {ppi:.0f} ppi where placed"
                if ppi < printing.min_ppi:
                    errors.append(f"{where}, below {printing.min_ppi:.0f}: use a larger image or a smaller frame")
                elif ppi < printing.warn_ppi:
                    warnings.append(f"{where}, below {printing.warn_ppi:.0f}")
    return errors, warnings


def build_layout(issue_path: Path, fonts: FontSet | None = None, proof: bool = False,
                 show_grid: bool = False, allow_outside: bool = False, issue: Issue | None = None) -> IssueLayout:
    """``issue``: the issue file already read (a batch reads it once for its key and its render).
    Supplied PDF pages are preflighted here, on their way in: `check` refuses what `render` would."""
    issue = issue or load_issue(issue_path, allow_outside)
    check_supplied_pages(issue)
    return layout_issue(issue, fonts or default_fontset(), proof=proof, show_grid=show_grid,
                        render_id=render_id(issue))


def render_id(issue: Issue) -> str:
    """A short digest of everything the render is made from (the issue's files and the engine's
    version), printed in each page's slug line: two renders of the same inputs share it."""
    h = hashlib.sha256(__version__.encode())
    for path in issue.input_files():
        h.update(path.name.encode())
        with open(path, "rb") as f:
            h.update(hashlib.file_digest(f, "sha256").digest())
    return h.hexdigest()[:12]


def check_supplied_pages(issue: Issue) -> None:
    """Every supplied PDF (an advertisement) passes the same preflight as the engine's own files, or
    the render stops naming the box, the file and what is wrong: nothing non-conforming reaches a page."""
    boxes = [b for b in issue.boxes if b.file is not None]
    if not boxes:
        return
    from ..preflight import rules as preflight

    printing = issue.template.printing
    limits = preflight.Limits(printing.ink_limit, printing.warn_ppi, printing.min_ppi)
    for box in boxes:
        problems = preflight.errors(preflight.check(box.file, limits))
        if problems:
            said = "; ".join(f"rule {f.rule}" + (f" on page {f.page}" if f.page else "") + f": {f.obj}: {f.message}"
                             for f in problems[:3])
            more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
            raise LayoutError(f"{issue.path}: box '{box.id}': supplied PDF {box.file.name} is not PDF/X-1a "
                              f"for this press: {said}{more}")


def render(issue_path: Path, out_dir: Path | None = None, fonts: FontSet | None = None,
           proof: bool = False, show_grid: bool = False, allow_outside: bool = False,
           issue: Issue | None = None) -> RenderResult:
    """Lay out and write the PDFs and copyfit.json; overset fails the render unless it is a proof."""
    fonts = fonts or default_fontset()
    layout = build_layout(issue_path, fonts, proof=proof, show_grid=show_grid, allow_outside=allow_outside,
                          issue=issue)
    message = overset_message(layout)
    if message and not proof:
        raise LayoutError(f"{issue_path}: overset: {message}")
    low, _ = resolution_problems(layout)
    if low:
        raise LayoutError(f"{issue_path}: photo resolution: {low[0]}")
    out = output_folder(layout.issue, out_dir, proof)
    rid = render_id(layout.issue)
    files = write_pdfs(layout, fonts, out, proof=proof, render_id=rid)
    fits = report(layout.flows)
    report_path = out / ("copyfit-proof.json" if proof else "copyfit.json")
    atomic_write_text(report_path, to_json(fits, layout.issue.label))
    record_files(out, layout.issue.label, rid, [report_path])
    return RenderResult(layout, tuple(files), tuple(fits), report_path, rid)


def output_folder(issue: Issue, out_dir: Path | None, proof: bool) -> Path:
    """The issue's folder (``-o``, else output/<總期數>/); a proof's files go to its proof/ folder."""
    folder = out_dir or default_output(issue)
    return folder / PROOF_FOLDER if proof else folder


@dataclass(frozen=True)
class ProofResult:
    render: RenderResult
    pngs: tuple[Path, ...]
    sheet: Path
    lines: Path                        # the layout as JSON (page → story → lines), for `layout diff`


def story_lines(layout: IssueLayout) -> dict:
    """Per page, per story, the text of every line placed: what `layout diff` compares."""
    pages: dict[str, dict[str, list[str]]] = {}
    for flow in layout.flows:
        for p in flow.lines:
            pages.setdefault(str(p.page), {}).setdefault(flow.story.id, []).append(p.line.text)
    return pages


def proof(issue_path: Path, out_dir: Path | None = None, fonts: FontSet | None = None, dpi: float = 100.0,
          show_grid: bool = False, allow_outside: bool = False) -> ProofResult:
    """A proof: PDFs marked as such, a PNG of every page, a contact sheet, the layout as JSON."""
    import json

    from .previews import contact_sheet, render_png

    result = render(issue_path, out_dir, fonts, proof=True, show_grid=show_grid, allow_outside=allow_outside)
    out = result.files[0].parent
    pngs = []
    for page, pdf in zip(result.layout.pages, result.files):
        png = out / Path(page_filename(result.layout.issue, page.number, True)).with_suffix(".png").name
        render_png(pdf, png, dpi)
        pngs.append(png)
    sheet = contact_sheet(pngs, out / f"{result.layout.issue.date:%Y%m%d}-contact-sheet-proof.png")
    lines = out / "layout-proof.json"
    atomic_write_text(lines, json.dumps(story_lines(result.layout), ensure_ascii=False, indent=1) + "\n")
    record_files(out, result.layout.issue.label, result.render_id, [*pngs, sheet, lines])
    return ProofResult(result, tuple(pngs), sheet, lines)
