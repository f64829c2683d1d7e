"""The `layout` command."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from ..base.errors import LayoutError
from ..base.standard import INK_LIMIT, MIN_PPI, WARN_PPI


def _fail(exc: LayoutError) -> None:
    click.echo(click.style("error:", fg="red", bold=True) + f" {exc}", err=True)
    sys.exit(1)


def _warn(kind: str, message: str) -> None:
    # click drops the colour when stderr is not a terminal (a pipe, a log file).
    click.echo(click.style("warning:", fg="yellow", bold=True) + f" {kind}: {message}", err=True)


def _report(layout, as_json: bool, files=()) -> None:
    """The copyfit table and the warnings, or all of it as one JSON document."""
    import json

    from ..page.copyfit import report, table, to_json
    from .pipeline import overset_message, resolution_problems, underset_messages

    fits = report(layout.flows)
    warnings = ([("overset", m) for m in [overset_message(layout)] if m]
                + [("underset", m) for m in underset_messages(layout)]
                + [("photo resolution", m) for m in resolution_problems(layout)[1]])
    if as_json:
        issue = layout.issue
        data = json.loads(to_json(fits, issue.label))
        data["files"] = [str(f) for f in files]
        data["warnings"] = [{"kind": k, "message": m} for k, m in warnings]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for path in files:
        click.echo(f"wrote {path}")
    click.echo(table(fits))
    for kind, message in warnings:
        _warn(kind, message)


class _Group(click.Group):
    """Turns an unexpected exception into the one-line error every failure gets (LAYOUT_DEBUG=1 re-raises)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except LayoutError as exc:
            _fail(exc)
        except Exception as exc:  # the engine's own bug: say so in one line, never a traceback
            if os.environ.get("LAYOUT_DEBUG"):
                raise
            click.echo(click.style("error:", fg="red", bold=True) + f" internal error ({exc.__class__.__name__}: {exc}); "
                       f"run with LAYOUT_DEBUG=1 for details and report it", err=True)
            sys.exit(3)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="layout")
def main() -> None:
    """Lay out 徐匯報 (Xuhui Daily) issues from YAML into print-ready PDFs.

    An issue file (see issues/1650.yaml and the README) names a page template,
    the issue's number and date, its pages and the stories placed on the page
    grid. `layout check` validates it; `layout render` composes the Chinese text,
    flows each story through its frames and writes one PDF per page plus one
    for the whole issue.
    """


@main.command("render")
@click.argument("issue_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the PDFs (default: output/<total issue number>/).")
@click.option("--proof", is_flag=True,
              help="A proof: write the pages even if a story does not fit, mark overset and empty lines "
                   "on the page; file names end in -proof. (`layout proof` also makes PNGs.)")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON, for tools.")
@click.option("--allow-outside", is_flag=True, help="Allow texts and images outside the project folder.")
def render_command(issue_file: Path, out_dir: Path | None, proof: bool, as_json: bool, allow_outside: bool) -> None:
    """Render ISSUE_FILE to PDF/X-1a: one file per page (YYYYMMDD-NN.pdf), the whole issue, and copyfit.json.

    Prints the copyfit table: per story, lines used and available in each frame, and the characters to
    cut or the room left. Fails, writing nothing, if the file is invalid, a character is in no font,
    a photo's resolution is too low, a page fails preflight, or a story's text does not fit its frames
    (unless --proof).
    """
    from .pipeline import render

    result = render(issue_file, out_dir, proof=proof, allow_outside=allow_outside)
    _report(result.layout, as_json, (*result.files, result.report))


@main.command("check")
@click.argument("issue_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--dump", is_flag=True, help="Also print the layout as text (page, frame, lines).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON, for tools.")
@click.option("--allow-outside", is_flag=True, help="Allow texts and images outside the project folder.")
def check_command(issue_file: Path, dump: bool, as_json: bool, allow_outside: bool) -> None:
    """Validate ISSUE_FILE and lay it out without writing any PDF.

    Reports mistakes with file, line and key; characters no font has; text that does not fit (exit
    status 1) and frames left with empty lines. Exit status 0 when the issue would render.
    """
    from .pipeline import build_layout, overset_message

    layout = build_layout(issue_file, allow_outside=allow_outside)
    if dump:
        click.echo(layout.dump())
    _report(layout, as_json)
    message = overset_message(layout)
    if message:
        _fail(LayoutError(f"{issue_file}: overset: {message}"))
    issue = layout.issue
    if not as_json:
        click.echo(f"ok: {issue_file}: {issue.label} {issue.weekday}, {len(issue.pages)} pages, "
                   f"{len(issue.stories)} stories")


def _proof_options(command):
    """The arguments `proof` and `watch` share: the issue, where the proof goes, PNG resolution, grid."""
    for option in reversed((
            click.argument("issue_file", type=click.Path(path_type=Path, dir_okay=False)),
            click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path, file_okay=False),
                         help="Folder for the proof (default: output/<total issue number>/)."),
            click.option("--dpi", type=click.IntRange(20, 600), default=100, show_default=True,
                         help="PNG resolution."),
            click.option("--grid", "show_grid", is_flag=True, help="Draw the page grid (columns, every fifth line)."))):
        command = option(command)
    return command


@main.command("proof")
@_proof_options
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON, for tools.")
@click.option("--allow-outside", is_flag=True, help="Allow texts and images outside the project folder.")
def proof_command(issue_file: Path, out_dir: Path | None, dpi: int, show_grid: bool, as_json: bool,
                  allow_outside: bool) -> None:
    """Proof ISSUE_FILE: PDFs with a 校樣 watermark, frame outlines and story names, overset and empty
    lines marked where they happen and the copyfit figures in the margin; a PNG of every page and a
    contact sheet of the issue beside them. Writes the pages even when a story does not fit."""
    from .pipeline import proof

    result = proof(issue_file, out_dir, dpi=dpi, show_grid=show_grid, allow_outside=allow_outside)
    files = (*result.render.files, *result.pngs, result.sheet, result.render.report, result.lines)
    _report(result.render.layout, as_json, files)


@main.command()
@_proof_options
@click.option("--interval", type=click.FloatRange(0.05, 10), default=0.3, show_default=True,
              help="Seconds between looks at the files.")
def watch(issue_file: Path, out_dir: Path | None, dpi: int, show_grid: bool, interval: float) -> None:
    """Keep the proof of ISSUE_FILE up to date while you edit it.

    Whenever the issue file, a story text, a template or a photo changes, recomposes the stories that
    changed, rewrites the proof PDF and PNG of the pages that changed, and prints the copyfit summary.
    Errors are printed and the watch goes on. Ctrl-C stops it.
    """
    from ..page.copyfit import table
    from .watch import Watcher

    watcher = Watcher(issue_file, out_dir, dpi=dpi, show_grid=show_grid)
    click.echo(f"watching {issue_file} (Ctrl-C to stop)")

    def on_update(update) -> None:
        pages = ", ".join(map(str, update.pages)) or "none"
        click.echo(click.style(f"[{time.strftime('%H:%M:%S')}]", fg="cyan") +
                   f" pages changed: {pages}; stories composed: {update.stories_composed}; "
                   f"{update.seconds:.2f} s")
        for path in update.files:
            click.echo(f"  wrote {path}")
        click.echo(table(list(update.copyfit)))
        for fit in update.copyfit:
            if fit.overset_chars:
                _warn("overset", f"story '{fit.story}': {fit.overset_chars} characters did not fit, "
                                 f"from 「{fit.overset_from}」")

    def on_error(exc: LayoutError) -> None:
        click.echo(click.style("error:", fg="red", bold=True) + f" {exc}", err=True)

    try:
        watcher.run(on_update, on_error, interval)
    except KeyboardInterrupt:
        click.echo("stopped")


@main.command("diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the highlighted PNGs (default: the NEW proof's folder).")
@click.option("--dpi", type=click.IntRange(20, 300), default=72, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON, for tools.")
def diff_command(old: Path, new: Path, out_dir: Path | None, dpi: int, as_json: bool) -> None:
    """Show what changed between two proofs: OLD and NEW are two PDFs or two proof folders.

    Writes diff-NN.png for every page that changed (the new page, changes in red) and lists the
    pages and, for proof folders, the stories whose lines changed. Exit status 0 either way."""
    import json

    from .diff import diff

    target = out_dir or (new if new.is_dir() else new.parent)
    results = diff(old, new, target, dpi)
    if as_json:
        click.echo(json.dumps([{"page": r.page, "changed": r.changed, "picture": str(r.picture) if r.picture else None,
                                "stories": list(r.stories)} for r in results], ensure_ascii=False, indent=2))
        return
    changed = [r for r in results if r.changed or r.stories]
    if not changed:
        click.echo("no page changed")
    for r in changed:
        stories = f"; stories changed: {', '.join(r.stories)}" if r.stories else ""
        picture = f" → {r.picture}" if r.picture else ""
        click.echo(f"page {r.page} changed{stories}{picture}")


@main.command()
@click.argument("targets", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None,
              help="Worker processes (default: one per core).")
@click.option("-o", "--output", "out_root", type=click.Path(path_type=Path, file_okay=False),
              help="Root folder; each issue goes to ROOT/<total issue number>/ (default: output/).")
@click.option("--force", is_flag=True, help="Render every issue, even those whose inputs have not changed.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON, for tools.")
def batch(targets: tuple[Path, ...], jobs: int | None, out_root: Path | None, force: bool, as_json: bool) -> None:
    """Render many issues: the YAML files named, or every issue file in the folders named.

    Runs in parallel worker processes that load the fonts once each; shows a progress bar (issues and
    pages done, rate, time left) and a summary table (rendered, skipped, failed, with the reason for
    each failure). An issue whose inputs — YAML, texts, images, templates, fonts — and engine are
    unchanged since its last render is skipped (a content hash, not a file time); --force renders all.
    One bad issue never stops the others; exit status 1 if any failed. Ctrl-C stops cleanly.
    """
    from .batch import issue_files, remove_partial_files, run_batch, summary_json

    issues = issue_files(targets)
    if not issues:
        raise LayoutError(f"no issue files in {', '.join(map(str, targets))}")
    jobs = jobs or os.cpu_count() or 1
    start = time.perf_counter()
    pages_done = [0]
    interactive = sys.stderr.isatty() and not as_json

    def progress(outcome, done: int, total: int) -> None:
        pages_done[0] += outcome.pages
        elapsed = time.perf_counter() - start
        rate = pages_done[0] / elapsed if elapsed else 0.0
        left = elapsed / done * (total - done)
        bar = "#" * round(20 * done / total) + "-" * (20 - round(20 * done / total))
        line = (f"[{bar}] {done}/{total} issues, {pages_done[0]} pages, {rate:.1f} pages/s, "
                f"{left:.0f} s left — {outcome.issue.name} {outcome.status}")
        if interactive:
            click.echo("\r" + line.ljust(100), nl=False, err=True)
        elif not as_json:
            click.echo(line, err=True)

    try:
        outcomes = run_batch(issues, out_root, min(jobs, len(issues)), force, progress)
    except KeyboardInterrupt:
        removed = remove_partial_files(issues, out_root)
        click.echo(f"\nstopped: no partial file left ({removed} temporary files removed)", err=True)
        sys.exit(130)
    if interactive:
        click.echo(err=True)
    if as_json:
        click.echo(summary_json(outcomes), nl=False)
    else:
        width = max(len(o.issue.name) for o in outcomes)
        click.echo(f"{'issue':{width}s}  {'status':8s}  pages  seconds  reason")
        for o in outcomes:
            status = click.style(f"{o.status:8s}", fg={"failed": "red", "skipped": "cyan"}.get(o.status, "green"))
            click.echo(f"{o.issue.name:{width}s}  {status}  {o.pages:5d}  {o.seconds:7.2f}  {o.reason}")
        counts = {k: sum(o.status == k for o in outcomes) for k in ("rendered", "skipped", "failed")}
        elapsed = time.perf_counter() - start
        click.echo(f"{counts['rendered']} rendered, {counts['skipped']} skipped, {counts['failed']} failed "
                   f"in {elapsed:.1f} s with {min(jobs, len(issues))} workers")
    if any(o.status == "failed" for o in outcomes):
        sys.exit(1)


@main.command("preflight")
@click.argument("pdf_files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON, for tools.")
@click.option("--ink-limit", type=float, default=INK_LIMIT, show_default=True, help="Maximum total ink, percent.")
@click.option("--warn-ppi", type=float, default=WARN_PPI, show_default=True, help="Warn below this image resolution.")
@click.option("--min-ppi", type=float, default=MIN_PPI, show_default=True, help="Fail below this image resolution.")
@click.option("--no-house-rules", "no_house", is_flag=True,
              help="Check ISO 15930-1 only: leave out the house's rules (ink limit, resolution, overprint, "
                   "registration, hairlines, small text, Type 3 fonts, TrimBox, embedded profile).")
@click.option("--figures", is_flag=True,
              help="Also print each page's figures: highest total ink and where, lowest image resolution, "
                   "fonts and boxes.")
def preflight_command(pdf_files: tuple[Path, ...], as_json: bool, ink_limit: float, warn_ppi: float,
                      min_ppi: float, no_house: bool, figures: bool) -> None:
    """Check PDF_FILES (ours or anyone's) against PDF/X-1a:2001 (ISO 15930-1) for coldset newsprint.

    Reports each finding with its rule (iso/… or house/…), page, object, position on the page and what
    is wrong: PDF version and newer features, PDF/X keys, trailer ID, the output intent and its profile,
    page boxes, colour spaces (no RGB, ICC or Lab anywhere), transparency, fonts, annotations, actions,
    JavaScript, embedded files, transfer functions, halftones, PostScript, OPI; and the house's: total
    ink, image resolution, black overprint, white overprint, registration colour inside the trim,
    hairlines and small text. Exit status 1 if any file has an error.
    """
    import json
    from dataclasses import asdict

    from ..preflight import rules as preflight

    limits = preflight.Limits(ink_limit, warn_ppi, min_ppi, house=not no_house)
    results = {path: preflight.check(path, limits) for path in pdf_files}
    pages = {path: preflight.page_figures(path, limits) for path in pdf_files} if figures else {}
    if as_json:
        report = json.loads(preflight.report_json(results))
        for entry, path in zip(report, results):
            if figures:
                entry["pages"] = [asdict(p) for p in pages[path]]
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for path, findings in results.items():
            click.echo(preflight.report_text(path, findings))
            for p in pages.get(path, []):
                click.echo("  " + preflight.figures_text(p))
    if any(preflight.errors(f) for f in results.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
