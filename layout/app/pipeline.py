"""The pipeline from an issue file to PDFs, shared by every command."""

from __future__ import annotations

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
from ..pdf.writer import draw_page, prepare_fonts, write_document
from ..base.files import atomic_write

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
    report_path = out / ("copyfit-proof.json" if proof else "copyfit.json")
    atomic_write_text(report_path, to_json(fits, layout.issue.label))
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


def page_filename(issue, number: int, proof: bool = False) -> str:
    """YYYYMMDD-NN.pdf: the print shop's name for a page (…-proof.pdf for a proof)."""
    return f"{issue.date:%Y%m%d}-{number:02d}{'-proof' if proof else ''}.pdf"


def issue_filename(issue, proof: bool = False) -> str:
    """YYYYMMDD-issueNNNN.pdf: the whole issue in one file, for editors."""
    return f"{issue.date:%Y%m%d}-issue{issue.total}{'-proof' if proof else ''}.pdf"


def _write_file(path: str, write) -> None:
    with open(path, "wb") as f:
        write(f)


def _checked(target: Path, printing, write_pdf) -> None:
    """Write a PDF under a temporary name, preflight it, and only then put it in place."""
    from ..preflight import rules as preflight  # pikepdf: only when a file is written


    def write(tmp: str) -> None:
        _write_file(tmp, write_pdf)
        findings = preflight.errors(preflight.check(Path(tmp), preflight.Limits(
            printing.ink_limit, printing.warn_ppi, printing.min_ppi)))
        if findings:
            first = findings[0]
            raise LayoutError(f"{target.name}: fails preflight rule {first.rule} on page {first.page}: "
                              f"{first.obj}: {first.message} ({len(findings)} errors)")

    atomic_write(target, write)


def write_pdfs(layout: IssueLayout, fonts: FontSet, out_dir: Path, proof: bool = False,
               pages: set[int] | None = None, combined: bool = True) -> list[Path]:
    """One PDF/X-1a file per page (named by date and page) and one combined PDF of the issue, made
    from the same drawn pages; a proof's names end in -proof so it is never mistaken for the print
    file.

    ``pages`` limits the page files written (`layout watch` rewrites only what changed);
    ``combined`` False skips the whole-issue file."""
    issue = layout.issue
    printing = issue.template.printing
    suffix = "-proof" if proof else ""
    wanted = [p for p in layout.pages if combined or pages is None or p.number in pages]
    drawn = {p.number: draw_page(p, layout, fonts) for p in wanted}
    # The page files carry the subsets of all the pages drawn, so each font is made once.
    prepared = prepare_fonts(list(drawn.values()), fonts)
    written = []
    for page in layout.pages:
        target = out_dir / page_filename(issue, page.number, proof)
        if pages is None or page.number in pages:
            title = f"{issue.paper.name} 第{issue.number}期 第{page.number}版{suffix}"
            _checked(target, printing,
                     lambda f, p=drawn[page.number], t=title: write_document(f, [p], prepared, t, layout))
        written.append(target)
    if combined:
        target = out_dir / issue_filename(issue, proof)
        title = f"{issue.paper.name} 第{issue.number}期（總第{issue.total}期）{suffix}"
        _checked(target, printing,
                 lambda f: write_document(f, [drawn[p.number] for p in layout.pages], prepared, title, layout))
        written.append(target)
    return written
