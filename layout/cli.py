"""The `layout` command."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .errors import LayoutError


def _fail(exc: LayoutError) -> None:
    click.echo(f"error: {exc}", err=True)
    sys.exit(1)


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
            click.echo(f"error: internal error ({exc.__class__.__name__}: {exc}); "
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


@main.command()
@click.argument("issue_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the PDFs (default: output/<total issue number>/).")
@click.option("--proof", is_flag=True,
              help="A proof: write the pages even if a story does not fit, mark overset and empty lines "
                   "on the page; file names end in -proof.")
def render(issue_file: Path, out_dir: Path | None, proof: bool) -> None:
    """Render ISSUE_FILE to PDF: one file per page (YYYYMMDD-NN.pdf), the whole issue, and copyfit.json.

    Prints the copyfit table: per story, lines used and available in each frame, and the characters to
    cut or the room left. Fails, writing nothing, if the file is invalid, a character is in no font, or
    a story's text does not fit its frames (unless --proof).
    """
    from .copyfit import table
    from .render import overset_message, render as do_render, resolution_problems, underset_messages

    result = do_render(issue_file, out_dir, proof=proof)
    for path in (*result.files, result.report):
        click.echo(f"wrote {path}")
    click.echo(table(list(result.copyfit)))
    message = overset_message(result.layout)
    if message:
        click.echo(f"warning: overset: {message}", err=True)
    for warning in underset_messages(result.layout):
        click.echo(f"warning: underset: {warning}", err=True)
    for warning in resolution_problems(result.layout)[1]:
        click.echo(f"warning: photo resolution: {warning}", err=True)


@main.command()
@click.argument("issue_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--dump", is_flag=True, help="Also print the layout as text (page, frame, lines).")
def check(issue_file: Path, dump: bool) -> None:
    """Validate ISSUE_FILE and lay it out without writing any PDF.

    Reports mistakes with file, line and key; reports characters no font has
    and text that does not fit. Exit status 0 when the issue would render.
    """
    from .copyfit import report, table
    from .render import build_layout, overset_message, underset_messages

    layout = build_layout(issue_file)
    if dump:
        click.echo(layout.dump())
    click.echo(table(report(layout.flows)))
    for warning in underset_messages(layout):
        click.echo(f"warning: underset: {warning}", err=True)
    message = overset_message(layout)
    if message:
        _fail(LayoutError(f"{issue_file}: overset: {message}"))
    issue = layout.issue
    click.echo(f"ok: {issue_file}: {issue.paper.name} 第{issue.number}期（總第{issue.total}期） {issue.date} "
               f"{issue.weekday}, {len(issue.pages)} pages, {len(issue.stories)} stories")


@main.command("preflight")
@click.argument("pdf_files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON, for tools.")
@click.option("--ink-limit", type=float, default=240.0, show_default=True, help="Maximum total ink, percent.")
@click.option("--warn-ppi", type=float, default=200.0, show_default=True, help="Warn below this image resolution.")
@click.option("--min-ppi", type=float, default=100.0, show_default=True, help="Fail below this image resolution.")
def preflight_command(pdf_files: tuple[Path, ...], as_json: bool, ink_limit: float, warn_ppi: float,
                      min_ppi: float) -> None:
    """Check PDF_FILES (ours or anyone's) against PDF/X-1a:2001 for coldset newsprint.

    Reports each finding with its rule, page, object and what is wrong: PDF version and PDF/X keys,
    the output intent, TrimBox and BleedBox, colour spaces (no RGB), transparency, font embedding,
    total ink, image resolution, and black text and thin rules (100 % K, overprinting).
    Exit status 1 if any file has an error.
    """
    from . import preflight

    settings = preflight.Settings(ink_limit, warn_ppi, min_ppi)
    results = {path: preflight.check(path, settings) for path in pdf_files}
    if as_json:
        click.echo(preflight.report_json(results), nl=False)
    else:
        for path, findings in results.items():
            click.echo(preflight.report_text(path, findings))
    if any(preflight.errors(f) for f in results.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
