"""The pipeline from an issue file to PDFs, shared by every command."""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from ..page.copyfit import StoryFit, report, to_json
from ..page.assemble import IssueLayout, composer_for, layout_issue
from ..base.errors import LayoutError
from ..base.files import atomic_write_text, check_path_name
from ..fonts.faces import FontSet, default_fontset
from ..issue.photos import effective_ppi
from ..page.items import Picture
from ..issue.loader import load_issue
from ..issue.model import Issue
from .. import __version__
# delivery (the PDF writer, preflight, the folder swap) is imported where a file is written: `layout check`
# lays out without it.


@dataclass(frozen=True)
class RenderResult:
    layout: IssueLayout
    files: tuple[Path, ...]            # the PDFs: pages in order, then the whole issue
    copyfit: tuple[StoryFit, ...]
    report: Path                       # copyfit.json beside the PDFs
    render_id: str = ""                # the digest of the inputs, in every page's slug line
    # Every edition's result, in the issue's order, where it is printed in more than one (this result is
    # the first's); empty for one edition.
    editions: tuple["RenderResult", ...] = ()


def default_output(issue: Issue) -> Path:
    """output/<總期數>/ under the folder the command runs in."""
    return Path.cwd() / "output" / issue.slug


def edition_named(layout: IssueLayout) -> str:
    """"edition hans: " where the issue is printed in several editions (a message names which), else ""."""
    issue = layout.issue
    return f"edition {issue.script.code}: " if issue.script is not None and len(issue.editions) > 1 else ""


def overset_message(layout: IssueLayout) -> str | None:
    problems = [f"story '{f.story.id}' (last frame on page {f.story.frames[-1].place.page}): "
                f"{f.overset.chars} characters ({f.overset.lines} lines) did not fit, "
                f"from 「{f.overset.first_sentence}」" for f in layout.flows if f.overset]
    problems += [f"story '{f.story.id}': its {e.element} (page {e.page}): {e.chars} characters did not fit "
                 f"({e.lines} lines where its place holds {e.available})" for f in layout.flows for e in f.elements_over]
    return edition_named(layout) + "; ".join(problems) if problems else None


def underset_messages(layout: IssueLayout, fits: list[StoryFit]) -> list[str]:
    """Stories that leave lines of their frames empty, with the room the copyfit worked out by setting
    text into it (exact, not lines times a column's characters)."""
    room = {f.story: f.room_chars for f in fits}
    return [f"story '{f.story.id}' (page {f.story.frames[-1].place.page}): {f.underset_lines} lines of its "
            f"frames are left empty; {room[f.story.id]} more characters would fit"
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


class OversetRefused(LayoutError):
    """A render refused because a story does not fit: the layout comes with it, so the command can
    still print the copyfit table that says what to cut."""

    def __init__(self, message: str, layout: IssueLayout):
        super().__init__(message)
        self.layout = layout


def build_layout(issue_path: Path, fonts: FontSet | None = None, proof: bool = False,
                 show_grid: bool = False, allow_outside: bool = False, issue: Issue | None = None,
                 root: Path | None = None, watermark: bool = True, edition: str | None = None) -> IssueLayout:
    """``issue``: the issue file already read (a batch reads it once for its key and its render).
    ``root``: the project folder (texts and images must lie inside it), else found from the issue's place.
    ``edition``: which of the issue's editions (default its first).
    Supplied PDF pages are preflighted here, on their way in: `check` refuses what `render` would."""
    issue = issue or read_issue(issue_path, allow_outside, root)
    check_edition(issue, edition, issue_path)
    check_supplied_pages(issue)
    layout = layout_issue(issue, fonts or default_fontset(), proof=proof, show_grid=show_grid,
                          render_id=render_id(issue), watermark=watermark, edition=edition)
    low, _ = resolution_problems(layout)
    if low and not proof:
        # check refuses what render refuses; a proof places the photo marked FPO (page/fpo.py).
        raise LayoutError(f"{issue_path}: {edition_named(layout)}photo resolution: {low[0]} "
                          f"(a proof may place it, marked FPO)")
    return layout


def check_edition(issue: Issue, edition: str | None, issue_path: Path) -> None:
    if edition is not None and edition not in issue.editions:
        raise LayoutError(f"{issue_path}: the issue is printed in the editions {', '.join(issue.editions)}, "
                          f"not {edition}")


def build_layouts(issue_path: Path, fonts: FontSet | None = None, proof: bool = False,
                  show_grid: bool = False, allow_outside: bool = False, issue: Issue | None = None,
                  root: Path | None = None) -> list[IssueLayout]:
    """The layout of every edition the issue is printed in, in its order: each fits (or not) on its own."""
    issue = issue or read_issue(issue_path, allow_outside, root)
    fonts = fonts or default_fontset()
    return [build_layout(issue_path, fonts, proof, show_grid, allow_outside, issue, root, edition=code)
            for code in issue.editions]


def read_issue(issue_path: Path, allow_outside: bool = False, root: Path | None = None) -> Issue:
    """The issue file read and checked, after its path (and the project's) are checked as names."""
    check_path_name(issue_path, "issue file's path")
    if root is None:
        return load_issue(issue_path, allow_outside)
    check_path_name(root, "project folder (--root)")
    return load_issue(issue_path, allow_outside, root=root)


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
    from .delivery import preflight_rules

    preflight = preflight_rules()
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
           issue: Issue | None = None, root: Path | None = None,
           also_write: Callable[[Path, str], None] | None = None) -> RenderResult:
    """Lay out every edition and write its PDFs and copyfit.json; overset in any edition fails the render
    (before anything is written) unless it is a proof.

    Each edition's files replace its folder's (or its proof/'s) whole, or, on any failure, nothing: the
    issue's folder for one edition, a folder of each edition's code in it for several.
    ``also_write(folder, edition)`` adds files of the caller's to each set before it is put in place (a
    batch's key of the inputs, which must never sit beside files of another render)."""
    from .delivery import replaced_whole

    fonts = fonts or default_fontset()
    if issue is None:
        issue = read_issue(issue_path, allow_outside, root)
    layouts = [printable_layout(issue_path, fonts, proof, show_grid, allow_outside, issue, root, edition=code)
               for code in issue.editions]
    # Several editions: each set goes into a folder of its own inside the issue's. Every edition's set is
    # written in full before any is put in place, so a failure in one (a write, a stop, a preflight)
    # leaves every edition's folder as it was; a folder made for this render is taken away again.
    made = [f for f in {output_folder(layout.issue, out_dir, proof).parent for layout in layouts}
            if len(layouts) > 1 and not f.exists()]
    staged = []
    try:
        with contextlib.ExitStack() as sets:
            for layout in layouts:
                folder = output_folder(layout.issue, out_dir, proof)
                staging = sets.enter_context(replaced_whole(folder, folder.parent if proof else folder))
                result = _write_set(layout, fonts, staging, proof)
                if also_write is not None:
                    also_write(staging, layout.issue.script.code)
                staged.append((result, folder))
            # Leaving the block puts each set in place, the last edition's first.
    except BaseException:
        for folder in made:
            with contextlib.suppress(OSError):
                folder.rmdir()           # only if empty
        raise
    results = [_moved(result, folder) for result, folder in staged]
    return replace(results[0], editions=tuple(results)) if len(results) > 1 else results[0]


def printable_layout(issue_path: Path, fonts: FontSet, proof: bool, show_grid: bool, allow_outside: bool,
                     issue: Issue | None, root: Path | None, watermark: bool = True,
                     edition: str | None = None) -> IssueLayout:
    """The layout of one edition, refused before anything is written if it must not be printed: overset
    (unless a proof), a photo below the minimum resolution where placed."""
    if issue is None:
        issue = read_issue(issue_path, allow_outside, root)
    layout = build_layout(issue_path, fonts, proof=proof, show_grid=show_grid, issue=issue, watermark=watermark,
                          edition=edition)
    message = overset_message(layout)
    if message and not proof:
        raise OversetRefused(f"{issue_path}: overset: {message}", layout)
    return layout


def _write_set(layout: IssueLayout, fonts: FontSet, folder: Path, proof: bool,
               pages: set[int] | None = None) -> RenderResult:
    """The PDFs, the reports and copyfit.json, written into ``folder`` (a fresh one, not yet in place).
    ``pages``: a proof's pages to write (`layout watch`: those that changed); the issue's PDF always is."""
    from .delivery import record_files, write_pdfs

    rid = layout.render_id or render_id(layout.issue)   # worked out once, when the slug lines were set
    files = (proof_pdfs(layout, fonts, folder, rid, pages) if proof
             else write_pdfs(layout, fonts, folder, proof=proof, render_id=rid))
    fits = report(layout.flows, layout.issue.template, composer_for(layout.issue.template, fonts))
    report_path = folder / ("copyfit-proof.json" if proof else "copyfit.json")
    atomic_write_text(report_path, to_json(fits, layout.issue.label, layout.grid_warnings))
    record_files(folder, layout.issue.label, rid, [report_path])
    return RenderResult(layout, tuple(files), tuple(fits), report_path, rid)


def _moved(result: RenderResult, folder: Path) -> RenderResult:
    """The result with its files where they are now: in ``folder``, no longer in the fresh one."""
    return replace(result, files=tuple(folder / f.name for f in result.files), report=folder / result.report.name)


def output_folder(issue: Issue, out_dir: Path | None, proof: bool) -> Path:
    """The issue's folder (``-o``, else output/<總期數>/), and in it a folder of each edition's code where
    it is printed in several; a proof's files go to its proof/ folder."""
    from .delivery import PROOF_FOLDER

    if out_dir is not None:
        check_path_name(out_dir, "output folder's path")
    folder = out_dir or default_output(issue)
    if issue.script is not None and len(issue.editions) > 1:
        folder = folder / issue.script.code
    return folder / PROOF_FOLDER if proof else folder


@dataclass(frozen=True)
class ProofResult:
    render: RenderResult
    pngs: tuple[Path, ...]             # the pages' PNGs written, then the overset pages' (all of them)
    sheet: Path
    lines: Path                        # LINES_FILE: pages, file names and every story's lines, for `layout diff`


LINES_FILE = "layout-proof.json"


def story_lines(layout: IssueLayout) -> dict:
    """Per page, per story, the text of every line placed: what `layout diff` compares."""
    pages: dict[str, dict[str, list[str]]] = {}
    for flow in layout.flows:
        for p in flow.lines:
            pages.setdefault(str(p.page), {}).setdefault(flow.story.id, []).append(p.line.text)
    return pages


def proof_index(layout: IssueLayout) -> dict:
    """What LINES_FILE holds: each page (版) with its files, the issue's PDF and the overset pages at
    its end, and every story's lines by page — so `layout diff` names pages by 版, also in the issue's
    PDF, and lists the stories that changed."""
    from .delivery import issue_filename, page_filename

    issue = layout.issue
    return {"issue": issue.label,
            "pages": [{"page": p.number, "pdf": page_filename(issue, p.number, True),
                       "png": _png_name(issue, p.number)} for p in layout.pages],
            "issue_pdf": issue_filename(issue, proof=True),
            "overset_pages": [_overset_png(issue, k) for k in range(1, len(layout.appendix) + 1)],
            "lines": story_lines(layout)}


def _png_name(issue: Issue, number: int) -> str:
    from .delivery import page_filename

    return Path(page_filename(issue, number, True)).with_suffix(".png").name


def _overset_png(issue: Issue, k: int) -> str:
    return f"{issue.date:%Y%m%d}-overset-{k}-proof.png"


def _sheet_name(issue: Issue) -> str:
    return f"{issue.date:%Y%m%d}-contact-sheet-proof.png"


def proof_pdfs(layout: IssueLayout, fonts: FontSet, folder: Path, rid: str,
               pages: set[int] | None = None) -> list[Path]:
    """A proof's page PDFs (all, or ``pages``) and its issue PDF, with the overset pages at the issue
    PDF's end (pages of the proof, no 版 of the issue: they have no file of their own). The paths of
    every page's PDF, then the issue's."""
    from .delivery import write_pdfs

    numbers = {p.number for p in layout.pages} if pages is None else set(pages)
    written = write_pdfs(replace(layout, pages=layout.pages + layout.appendix), fonts, folder, proof=True,
                         pages=numbers, render_id=rid)
    return written[:len(layout.pages)] + written[-1:]


def write_proof(layout: IssueLayout, fonts: FontSet, folder: Path, dpi: float,
                pages: set[int] | None = None) -> ProofResult:
    """Every file of a proof into ``folder``: the PDF and PNG of every page (or of ``pages``: what
    `layout watch` found changed), and always the issue's PDF, the overset pages' PNGs, the contact
    sheet, copyfit-proof.json, LINES_FILE and the manifest — so the folder is one proof, whole, after
    any update. Files an earlier layout left that this one does not have (a page taken out, an overset
    that now fits) are removed."""
    from .delivery import record_files

    import json

    from .previews import contact_sheet, render_png

    issue = layout.issue
    result = _write_set(layout, fonts, folder, proof=True, pages=pages)
    pdfs, whole = result.files[:-1], result.files[-1]
    pngs = [render_png(pdf, folder / _png_name(issue, page.number), dpi)
            for page, pdf in zip(layout.pages, pdfs) if pages is None or page.number in pages]
    pngs += [render_png(whole, folder / _overset_png(issue, k + 1), dpi, page_index=len(layout.pages) + k)
             for k in range(len(layout.appendix))]
    sheet = contact_sheet([folder / _png_name(issue, p.number) for p in layout.pages], folder / _sheet_name(issue))
    lines = folder / LINES_FILE
    atomic_write_text(lines, json.dumps(proof_index(layout), ensure_ascii=False, indent=1) + "\n")
    current = ({f.name for f in (*result.files, result.report, sheet, lines)}
               | {_png_name(issue, p.number) for p in layout.pages}
               | {_overset_png(issue, k + 1) for k in range(len(layout.appendix))})
    _remove_others(folder, current)
    record_files(folder, issue.label, result.render_id, [*pngs, sheet, lines])
    return ProofResult(result, tuple(pngs), sheet, lines)


def _remove_others(folder: Path, current: set[str]) -> None:
    """Remove the proof files the folder's manifest lists that are not ``current`` (the manifest then
    drops them): what an earlier layout of the issue wrote that this one has not."""
    from .delivery import read_manifest

    for name in read_manifest(folder):
        if name not in current and (name.endswith(("-proof.pdf", "-proof.png"))):
            (folder / name).unlink(missing_ok=True)


def proof(issue_path: Path, out_dir: Path | None = None, fonts: FontSet | None = None, dpi: float = 100.0,
          show_grid: bool = False, allow_outside: bool = False, root: Path | None = None,
          watermark: bool = True, edition: str | None = None) -> ProofResult:
    """A proof: PDFs marked as such (the overset text in full at the end of the issue's), a PNG of
    every page, a contact sheet, the layout as JSON — all of them replacing the issue's proof/ whole.
    ``watermark`` False leaves the 校樣 stamp off."""
    from .delivery import replaced_whole

    fonts = fonts or default_fontset()
    layout = printable_layout(issue_path, fonts, True, show_grid, allow_outside, None, root, watermark, edition)
    folder = output_folder(layout.issue, out_dir, proof=True)
    with replaced_whole(folder, folder.parent) as staging:
        made = write_proof(layout, fonts, staging, dpi)
    return ProofResult(_moved(made.render, folder), tuple(folder / p.name for p in made.pngs),
                       folder / made.sheet.name, folder / made.lines.name)
