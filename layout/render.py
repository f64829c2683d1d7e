"""The pipeline from an issue file to PDFs, shared by every command."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .copyfit import StoryFit, report, to_json
from .display import IssueLayout, layout_issue
from .errors import LayoutError
from .files import atomic_write_text
from .fonts import FontSet, default_fontset
from .images import effective_ppi
from .items import Picture
from .loader import load_issue
from .model import Issue
from .pdf import write_pdfs

@dataclass(frozen=True)
class RenderResult:
    layout: IssueLayout
    files: tuple[Path, ...]            # the PDFs: pages in order, then the whole issue
    copyfit: tuple[StoryFit, ...]
    report: Path                       # copyfit.json beside the PDFs


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
    """``issue``: the issue file already read (a batch reads it once for its key and its render)."""
    issue = issue or load_issue(issue_path, allow_outside)
    return layout_issue(issue, fonts or default_fontset(), proof=proof, show_grid=show_grid)


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
    out = out_dir or default_output(layout.issue)
    files = write_pdfs(layout, fonts, out, proof=proof)
    fits = report(layout.flows)
    issue = layout.issue
    report_path = out / ("copyfit-proof.json" if proof else "copyfit.json")
    atomic_write_text(report_path, to_json(fits, f"{issue.paper.name} 第{issue.number}期（總第{issue.total}期） {issue.date}"))
    return RenderResult(layout, tuple(files), tuple(fits), report_path)


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

    from .pdf import page_filename
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
    return ProofResult(result, tuple(pngs), sheet, lines)
