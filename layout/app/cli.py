"""The `layout` command."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from pathlib import Path


def _stop_before_start(signum, frame) -> None:
    """Until a command runs nothing is written: a stop then needs no cleanup, and gets no traceback."""
    os.write(2, b"stopped\n")
    os._exit(128 + signum)


def _quiet_until_started() -> None:
    """Run as the `layout` program (not imported by tests or tools), a Ctrl-C or SIGTERM while the
    modules load ends the program at once, in one line; the command then installs its own handling."""
    program = sys.argv[0] if sys.argv else ""
    if os.path.basename(program) == "layout" or program.endswith(os.path.join("layout", "__main__.py")):
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(number, _stop_before_start)


_quiet_until_started()

import click  # noqa: E402 — after the handlers, so that a Ctrl-C during the imports is quiet

from ..base.errors import LayoutError, Stopped, readable_line, stop_on_signals  # noqa: E402
from ..base.files import check_path_name, is_environmental, os_error  # noqa: E402
from ..base.standard import INK_LIMIT, MIN_PPI, WARN_PPI  # noqa: E402


def _fail(exc: LayoutError) -> None:
    click.echo(click.style("error:", fg="red", bold=True) + f" {exc}", err=True)
    sys.exit(1)


def _signal_name(exc: BaseException) -> str:
    return signal.Signals(exc.signum).name if isinstance(exc, Stopped) else "Ctrl-C"


def _stopped(exc: BaseException) -> None:
    """One line for a command stopped by Ctrl-C or a signal, after its files have been cleaned up."""
    click.echo(click.style("stopped:", fg="yellow", bold=True) + f" by {_signal_name(exc)}; nothing half-written "
               f"is left: each issue folder holds its previous files or its new ones, whole", err=True)
    sys.exit(exc.code if isinstance(exc, Stopped) else 130)


def _warn(kind: str, message: str) -> None:
    # click drops the colour when stderr is not a terminal (a pipe, a log file).
    click.echo(click.style("warning:", fg="yellow", bold=True) + f" {kind}: {message}", err=True)


def _report(layout, as_json: bool, files=(), failing: bool = False, fits=None, collect: list | None = None,
            shown: set | None = None) -> None:
    """The copyfit table and the warnings, or all of it as one JSON document. ``failing``: the command
    is about to fail on the overset, whose error says it: the warning would say it twice. ``fits``: the
    copyfit the render has already worked out (its room is found by setting text: not done twice).
    ``collect``: a list the JSON document is put in instead of printed (one edition of several);
    ``shown``: the warnings already printed (for an edition before), not printed again."""
    shown = set() if shown is None else shown
    import json

    from ..base import diskcache
    from ..page.copyfit import report, table, to_json
    from .pipeline import overset_message, resolution_problems, underset_messages

    click.echo("".join(f"note: {note}\n" for note in diskcache.notes()), err=True, nl=False)
    if fits is None:
        from ..fonts.faces import default_fontset
        from ..page.assemble import composer_for

        # With the exact room, and where an overset story could give back a line (緊排, a short last line).
        fits = report(layout.flows, layout.issue.template, composer_for(layout.issue.template, default_fontset()))
    warnings = ([("overset", m) for m in [overset_message(layout)] if m and not failing]
                + [("underset", m) for m in underset_messages(layout, fits)]
                + [("photo resolution", m) for m in resolution_problems(layout)[1]]
                + [("head fitted" if "(fit_headline)" in m else "script" if m.startswith("script: ") else "page grid",
                    m.removeprefix("script: ")) for m in layout.grid_warnings])
    if as_json:
        issue = layout.issue
        data = json.loads(to_json(fits, issue.label))
        del data["warnings"]   # the copyfit's own list is the grid's; here every kind is listed
        data["files"] = [str(f) for f in files]
        data["warnings"] = [{"kind": k, "message": m} for k, m in warnings]
        if issue.script is not None:
            data["edition"] = issue.script.code
        if collect is not None:
            collect.append(data)
        else:
            click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for path in files:
        click.echo(f"wrote {path}")
    click.echo(table(fits))
    for kind, message in warnings:
        if (kind, message) not in shown:     # an edition's warning the edition before it gave (the source's)
            _warn(kind, message)
        shown.add((kind, message))


def _edition_printed(issue_file: Path, edition: str | None, root: Path | None) -> None:
    """`watch` and `studio` keep going after a mistake in the file, but an edition the issue does not
    print is a mistake in the command: it stops before starting (where the file can be read at all)."""
    if edition is None:
        return
    from .pipeline import check_edition, read_issue

    try:
        issue = read_issue(issue_file, root=root)
    except LayoutError:
        return                       # the watch shows it, and goes on until the file is put right
    try:
        check_edition(issue, edition, issue_file)
    except LayoutError as exc:
        _fail(exc)


def _report_editions(reports: list[tuple], as_json: bool) -> None:
    """Each edition's report, under its name, as ``_report(layout, as_json, *rest)`` for one; for several,
    a heading for each, or one JSON document listing them (``editions``)."""
    import json

    if len(reports) == 1 and len(reports[0][0].issue.editions) == 1:
        layout, files, kwargs = reports[0]
        _report(layout, as_json, files, **kwargs)
        return
    docs: list = []
    shown: set = set()
    for layout, files, kwargs in reports:
        if not as_json:
            click.echo(click.style(f"edition {layout.issue.script.code}", bold=True) + f": {layout.issue.label}")
        _report(layout, as_json, files, collect=docs if as_json else None, shown=shown, **kwargs)
    if as_json:
        click.echo(json.dumps({"editions": docs}, ensure_ascii=False, indent=2))


class _Refused(click.ClickException):
    """A value refused before the command starts, shown as every other error is: one line, exit 1."""

    exit_code = 1

    def show(self, file=None) -> None:
        click.echo(click.style("error:", fg="red", bold=True) + f" {self.message}", err=True)


class _PathName(click.Path):
    """A path given on the command line; a name no file can have (a NUL, a name over 255 bytes, bytes
    that are not UTF-8) is refused in one line before anything looks for the file. Whether it exists
    and is a file or a folder the command finds out, and says in one line too (click's own checks
    would print a usage screen, exit 2)."""

    def __init__(self, **kwargs):
        super().__init__(path_type=Path, **kwargs)   # file_okay, dir_okay: for the help's metavar

    def convert(self, value, param, ctx):
        if isinstance(value, Path):
            return value
        given = "/".join(param.opts) if isinstance(param, click.Option) else getattr(param, "human_readable_name", "")
        try:
            check_path_name(value, f"path given as {given}" if given else "path")
        except LayoutError as exc:
            raise _Refused(str(exc)) from None
        return Path(value)


@contextlib.contextmanager
def _issue_from(path: Path):
    """``-`` reads the issue from standard input, as if it were a file in the current folder (its texts,
    photos and templates are looked for there); messages call it <stdin>. Any other path is itself."""
    if str(path) != "-":
        yield path
        return
    data = sys.stdin.buffer.read()
    here = Path.cwd() / f".layout-stdin-{os.getpid()}.yaml"
    try:
        here.write_bytes(data)
    except OSError as exc:
        raise LayoutError(f"{Path.cwd()}: cannot hold the issue read from standard input ({exc.strerror})") from None
    try:
        yield here
    except LayoutError as exc:
        raise type(exc)(str(exc).replace(str(here), "<stdin>").replace(here.name, "<stdin>")) from None
    finally:
        here.unlink(missing_ok=True)


class _Group(click.Group):
    """Turns an unexpected exception into the one-line error every failure gets (LAYOUT_DEBUG=1 re-raises)."""

    def invoke(self, ctx: click.Context):
        try:
            before = stop_on_signals()   # SIGTERM unwinds as Ctrl-C does: temporary files go
        except ValueError:               # not the main thread (a tool calling us): its signals are its own
            before = {}
        try:
            return super().invoke(ctx)
        except (KeyboardInterrupt, Stopped) as exc:
            _stopped(exc)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except LayoutError as exc:
            _fail(exc)
        except Exception as exc:  # the engine's own bug: say so in one line, never a traceback
            if is_environmental(exc):   # permissions, space, names: the machine's, not a bug
                _fail(os_error(exc))
            if os.environ.get("LAYOUT_DEBUG"):
                raise
            said = readable_line(f"{exc.__class__.__name__}: {exc}")
            click.echo(click.style("error:", fg="red", bold=True) + f" internal error ({said}); "
                       f"run with LAYOUT_DEBUG=1 for details and report it", err=True)
            sys.exit(3)
        finally:
            for number, handler in before.items():
                signal.signal(number, handler)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="layout")
@click.option("--color/--no-color", "color", default=None,
              help="Colour in messages: on, off, or (default) on for a terminal unless NO_COLOR is set.")
@click.pass_context
def main(ctx: click.Context, color: bool | None) -> None:
    """Lay out 徐匯報 (Xuhui Daily) issues from YAML into print-ready PDFs.

    An issue file (see issues/1650.yaml and the README) names a page template,
    the issue's number and date, its pages and the stories placed on the page
    grid. `layout check` validates it; `layout render` composes the Chinese text,
    flows each story through its frames and writes one PDF per page plus one
    for the whole issue.
    """
    # https://no-color.org: any non-empty NO_COLOR turns colour off unless asked for explicitly.
    if color is None and os.environ.get("NO_COLOR"):
        color = False
    ctx.color = color


def _root_option(command):
    return click.option("--root", type=_PathName(file_okay=False),
                        help="The project folder: texts and images must lie inside it (default: the folder "
                             "that holds the issues/ tree the issue file is in).")(command)


@main.command("render")
@click.argument("issue_file", type=_PathName(dir_okay=False))
@click.option("-o", "--output", "out_dir", type=_PathName(file_okay=False),
              help="Folder for the PDFs (default: output/<total issue number>/).")
@click.option("--proof", is_flag=True,
              help="A proof: write the pages even if a story does not fit, mark overset and empty lines "
                   "on the page; file names end in -proof. (`layout proof` also makes PNGs.)")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON, for tools.")
@click.option("--allow-outside", is_flag=True, help="Allow texts and images outside the project folder.")
@_root_option
def render_command(issue_file: Path, out_dir: Path | None, proof: bool, as_json: bool, allow_outside: bool,
                   root: Path | None) -> None:
    """Render ISSUE_FILE to PDF/X-1a: one file per page (YYYYMMDD-NN.pdf), the whole issue, and copyfit.json.

    Prints the copyfit table: per story, lines used and available in each frame, and the characters to
    cut or the room left. The files replace the issue folder's whole: a render that fails — the file
    is invalid, a character is in no font, a photo's resolution is too low, a page fails preflight, a
    story's text does not fit its frames (unless --proof), the disk is full — or is stopped leaves the
    previous files as they were.
    """
    from .pipeline import OversetRefused, render

    with _issue_from(issue_file) as path:
        try:
            result = render(path, out_dir, proof=proof, allow_outside=allow_outside, root=root)
        except OversetRefused as exc:
            # The table of the edition that does not fit says what to cut; nothing was written.
            _report_editions([(exc.layout, (), {"failing": True})], as_json)
            raise
    reports = []
    for edition in result.editions or (result,):
        folder = edition.report.parent
        extra = [folder / n for n in ("preflight.txt", "preflight.json", "manifest.json", "SHA256SUMS")
                 if (folder / n).is_file()]
        reports.append((edition.layout, (*edition.files, edition.report, *extra), {"fits": edition.copyfit}))
    _report_editions(reports, as_json)


@main.command("check")
@click.argument("issue_file", type=_PathName(dir_okay=False))
@click.option("--dump", is_flag=True, help="Also print the layout as text (page, frame, lines).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON, for tools.")
@click.option("--allow-outside", is_flag=True, help="Allow texts and images outside the project folder.")
@_root_option
def check_command(issue_file: Path, dump: bool, as_json: bool, allow_outside: bool, root: Path | None) -> None:
    """Validate ISSUE_FILE and lay it out without writing any PDF.

    Reports mistakes with file, line and key; characters no font has; text that does not fit (exit
    status 1) and frames left with empty lines. Exit status 0 when the issue would render.
    """
    from .pipeline import build_layouts, overset_message

    with _issue_from(issue_file) as path:
        layouts = build_layouts(path, allow_outside=allow_outside, root=root)
    if dump:
        for layout in layouts:
            click.echo(layout.dump())
    messages = [m for m in map(overset_message, layouts) if m]
    _report_editions([(layout, (), {"failing": bool(messages)}) for layout in layouts], as_json)
    if messages:
        _fail(LayoutError(f"{issue_file}: overset: {'; '.join(messages)}"))
    issue = layouts[0].issue
    if not as_json:
        shown = "<stdin>" if str(issue_file) == "-" else issue_file
        editions = f", editions {', '.join(issue.editions)}" if len(layouts) > 1 else ""
        click.echo(f"ok: {shown}: {issue.label} {issue.weekday}, {len(issue.pages)} pages, "
                   f"{len(issue.stories)} stories{editions}")


def _proof_options(command):
    """The arguments `proof` and `watch` share: the issue, where the proof goes, PNG resolution, grid,
    the 校樣 stamp."""
    for option in reversed((
            click.argument("issue_file", type=_PathName(dir_okay=False)),
            click.option("-o", "--output", "out_dir", type=_PathName(file_okay=False),
                         help="Folder for the proof (default: output/<total issue number>/)."),
            click.option("--dpi", type=click.IntRange(20, 600), default=100, show_default=True,
                         help="PNG resolution."),
            click.option("--grid", "show_grid", is_flag=True,
                         help="Draw the page grid: columns numbered along the top margin, every fifth line "
                              "numbered in the side margins."),
            click.option("--no-watermark", "no_watermark", is_flag=True,
                         help="Leave off the 校樣 stamp in the top margin."),
            click.option("--edition", type=click.Choice(["hans", "hant", "hant-tw", "hant-hk"]),
                         help="Which of the issue's editions (default: the first it lists)."),
            _root_option)):
        command = option(command)
    return command


@main.command("proof")
@_proof_options
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON, for tools.")
@click.option("--allow-outside", is_flag=True, help="Allow texts and images outside the project folder.")
def proof_command(issue_file: Path, out_dir: Path | None, dpi: int, show_grid: bool, no_watermark: bool,
                  edition: str | None, root: Path | None, as_json: bool, allow_outside: bool) -> None:
    """Proof ISSUE_FILE: PDFs marked beside the text, never on it — a small 校樣 stamp, frame outlines,
    story names and overset or empty lines noted in the gutters, holes shaded, the copyfit figures in
    the bottom margin — and the overset text in full on pages at the end of the issue's PDF; a PNG of
    every page and a contact sheet beside them. Writes the pages even when a story does not fit."""
    from .pipeline import proof

    result = proof(issue_file, out_dir, dpi=dpi, show_grid=show_grid, allow_outside=allow_outside, root=root,
                   watermark=not no_watermark, edition=edition)
    files = (*result.render.files, *result.pngs, result.sheet, result.render.report, result.lines)
    _report_editions([(result.render.layout, files, {"fits": result.render.copyfit})], as_json)


@main.command()
@_proof_options
@click.option("--interval", type=click.FloatRange(0.05, 10), default=0.3, show_default=True,
              help="Seconds between looks at the files.")
def watch(issue_file: Path, out_dir: Path | None, dpi: int, show_grid: bool, no_watermark: bool,
          edition: str | None, root: Path | None, interval: float) -> None:
    """Keep the proof of ISSUE_FILE up to date while you edit it.

    Whenever the issue file, a story text, a template or a photo changes, recomposes the stories that
    changed, rewrites the proof PDF and PNG of the pages that changed and the issue's proof PDF,
    contact sheet and JSON (each file written whole, in place), and prints the copyfit summary. After
    an error the proof is the last good one, marked stale on its pages and in STALE.txt; the watch
    goes on. Ctrl-C stops it.
    """
    from ..page.copyfit import table
    from .watch import Watcher

    _edition_printed(issue_file, edition, root)
    watcher = Watcher(issue_file, out_dir, dpi=dpi, show_grid=show_grid, root=root, watermark=not no_watermark,
                      edition=edition)
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

    # Ctrl-C and SIGTERM end it as every command ends: one `stopped:` line, exit 130 or 143.
    watcher.run(on_update, on_error, interval)


@main.command("studio")
@click.argument("issue_file", type=_PathName(dir_okay=False))
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port on 127.0.0.1 (0: any free port). Nothing is served to the network.")
@click.option("-o", "--output", "out_dir", type=_PathName(file_okay=False),
              help="Folder for the proof (default: output/<total issue number>/).")
@click.option("--dpi", type=click.Choice(["72", "100", "150"]), default="100", show_default=True,
              help="Resolution of the page pictures shown; zooming in renders the proof's pages finer.")
@click.option("--interval", type=click.FloatRange(0.05, 10), default=0.1, show_default=True,
              help="Seconds between looks at the files.")
@click.option("--open", "open_browser", is_flag=True, help="Open the studio in the default web browser.")
@click.option("--edition", type=click.Choice(["hans", "hant", "hant-tw", "hant-hk"]),
              help="Which of the issue's editions (default: the first it lists).")
@_root_option
def studio_command(issue_file: Path, port: int, out_dir: Path | None, dpi: str, interval: float,
                   open_browser: bool, edition: str | None, root: Path | None) -> None:
    """The live proof of ISSUE_FILE in a browser, served on this machine (http://127.0.0.1:PORT/).

    Shows the proof's pages side by side, as spreads; keeps them current as `layout watch` does (only
    what changed is recomposed, the browser updates the changed pages by itself); outlines and names
    the frames, shows the grid position under the pointer, shades the holes, gives a story's copyfit,
    overset text and chain on a click, compares with the proof before the last change, and writes a
    frame dragged in the page back into ISSUE_FILE (comments kept; refused as `layout check` would
    refuse it, and never over an edit saved meanwhile). Ctrl-C stops it.
    """
    from ..page.copyfit import table
    from .studio import serve

    _edition_printed(issue_file, edition, root)
    def on_update(update) -> None:
        pages = ", ".join(map(str, update.pages)) or "none"
        click.echo(click.style(f"[{time.strftime('%H:%M:%S')}]", fg="cyan") +
                   f" pages changed: {pages}; stories composed: {update.stories_composed}; {update.seconds:.2f} s")
        click.echo(table(list(update.copyfit)))

    def on_error(exc: LayoutError) -> None:
        click.echo(click.style("error:", fg="red", bold=True) + f" {exc}", err=True)

    # Ctrl-C and SIGTERM end it as every command ends: one `stopped:` line, exit 130 or 143.
    serve(issue_file, out_dir, port, root, int(dpi), interval, open_browser, click.echo, on_update, on_error, edition)


@main.command("diff")
@click.argument("old", type=_PathName())
@click.argument("new", type=_PathName())
@click.option("-o", "--output", "out_dir", type=_PathName(file_okay=False),
              help="Folder for the highlighted PNGs (default: the NEW proof's folder).")
@click.option("--dpi", type=click.IntRange(20, 300), default=72, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON, for tools.")
def diff_command(old: Path, new: Path, out_dir: Path | None, dpi: int, as_json: bool) -> None:
    """Show what changed between two proofs: OLD and NEW are two PDFs or two proof folders.

    Writes diff-NN.png for every page that changed (the new page, changes in red) and lists the
    pages and, for proof folders, the stories whose lines changed. Exit status 0 either way."""
    import json

    from .diff import diff, stale_proofs

    target = out_dir or (new if new.is_dir() else new.parent)
    for note in stale_proofs(old, new):
        _warn("stale proof", note)
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
@click.argument("targets", nargs=-1, required=True, type=_PathName())
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None,
              help="Worker processes (default: one per core).")
@click.option("-o", "--output", "out_root", type=_PathName(file_okay=False),
              help="Root folder; each issue goes to ROOT/<total issue number>/ (default: output/).")
@click.option("--force", is_flag=True, help="Render every issue, even those whose inputs have not changed.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON, for tools.")
@_root_option
def batch(targets: tuple[Path, ...], jobs: int | None, out_root: Path | None, force: bool, as_json: bool,
          root: Path | None) -> None:
    """Render many issues: the YAML files named, or every issue file in the folders named.

    Runs in parallel worker processes that load the fonts once each; shows a progress bar (issues and
    pages done, rate, time left) and a summary table (rendered, skipped, failed, with the reason for
    each failure). An issue whose inputs — YAML, texts, images, templates, fonts — and engine are
    unchanged since its last render is skipped (a content hash, not a file time); --force renders all.
    One bad issue never stops the others; exit status 1 if any failed. Two issue files with the same
    total issue number (one output folder) are refused. Stopped by Ctrl-C or a signal, it reports
    which issues were finished and which not; each folder holds its previous files or its new ones.
    """
    from .batch import (Outcome, check_distinct_folders, issue_files, remove_partial_files, run_batch, settled,
                        summary_json)

    issues = issue_files(targets)
    if not issues:
        raise LayoutError(f"no issue files in {', '.join(map(str, targets))}")
    jobs = jobs or os.cpu_count() or 1
    start, started = time.perf_counter(), time.time()
    folders = check_distinct_folders(issues, out_root, root)
    done: list[Outcome] = []
    interactive = sys.stderr.isatty() and not as_json

    def progress(outcome, count: int, total: int) -> None:
        done.append(outcome)
        pages = sum(o.pages for o in done)
        elapsed = time.perf_counter() - start
        rate = pages / elapsed if elapsed else 0.0
        left = elapsed / count * (total - count)
        bar = "#" * round(20 * count / total) + "-" * (20 - round(20 * count / total))
        line = (f"[{bar}] {count}/{total} issues, {pages} pages, {rate:.1f} pages/s, "
                f"{left:.0f} s left — {readable_line(outcome.issue.name)} {outcome.status}")
        if interactive:
            click.echo("\r" + line.ljust(100), nl=False, err=True)
        elif not as_json:
            click.echo(line, err=True)

    stop = None
    try:
        outcomes = run_batch(issues, out_root, min(jobs, len(issues)), force, progress, root=root, folders=folders)
    except (KeyboardInterrupt, Stopped) as exc:
        stop = exc
        # The workers are gone; what they could not clean up (one killed outright) goes now.
        remove_partial_files(issues, out_root, root)
        reported = {o.issue for o in done}
        signum = exc.signum if isinstance(exc, Stopped) else None
        rest = [settled(p, folders.get(p), started, root, signum) for p in issues if p not in reported]
        outcomes = sorted(done + rest, key=lambda o: issues.index(o.issue))
    if interactive:
        click.echo(err=True)
    if as_json:
        click.echo(summary_json(outcomes), nl=False)
    else:
        width = max(len(readable_line(o.issue.name)) for o in outcomes)
        click.echo(f"{'issue':{width}s}  {'status':8s}  pages  seconds  reason")
        colours = {"failed": "red", "skipped": "cyan", "stopped": "yellow"}
        for o in outcomes:
            status = click.style(f"{o.status:8s}", fg=colours.get(o.status, "green"))
            click.echo(f"{readable_line(o.issue.name):{width}s}  {status}  {o.pages:5d}  {o.seconds:7.2f}  {o.reason}")
        counts = {k: sum(o.status == k for o in outcomes) for k in ("rendered", "skipped", "failed", "stopped")}
        elapsed = time.perf_counter() - start
        click.echo(f"{counts['rendered']} rendered, {counts['skipped']} skipped, {counts['failed']} failed"
                   + (f", {counts['stopped']} not finished" if stop else "")
                   + f" in {elapsed:.1f} s with {min(jobs, len(issues))} workers")
    if stop is not None:
        unfinished = [readable_line(o.issue.name) for o in outcomes if o.status == "stopped"]
        left = f"; not finished: {', '.join(unfinished)} (their folders are as they were)" if unfinished else ""
        click.echo(click.style("stopped:", fg="yellow", bold=True) + f" by {_signal_name(stop)}: "
                   f"{len(outcomes) - len(unfinished)} of {len(outcomes)} issues finished{left}", err=True)
        sys.exit(stop.code if isinstance(stop, Stopped) else 130)
    if any(o.status == "failed" for o in outcomes):
        sys.exit(1)


@main.command("makeup")
@click.argument("plan_file", type=_PathName(dir_okay=False))
@click.option("-o", "--output", "out_file", required=True, type=_PathName(dir_okay=False),
              help="The issue file to write, in a folder that holds templates/ (such as issues/); with "
                   "--proposals N, NAME-1.yaml … NAME-N.yaml, the best first.")
@click.option("--proposals", type=click.IntRange(1, 20), default=1, show_default=True,
              help="How many distinct layouts to write, ranked.")
@click.option("--sheet", "sheet", type=_PathName(dir_okay=False), default=None,
              help="Also proof every proposal (into output/makeup/) and write one PNG of them all, a row each.")
@click.option("--force", is_flag=True, help="Replace issue files of these names that are already there.")
def makeup_command(plan_file: Path, out_file: Path, proposals: int, sheet: Path | None, force: bool) -> None:
    """Make up pages from PLAN_FILE: the engine places the plan's stories (head, text, photo), jumps
    and boxes on the grid around its fixed elements, each story fitting exactly and no grid line left
    empty, keeping the newspaper rules (README, Make-up); writes the issue file(s) and says why."""
    from .makeup import make_up, proposals_sheet

    # An issue file is an editor's work (perhaps the printed issue itself): never replaced unasked.
    names = [out_file] if proposals == 1 else [out_file.with_name(f"{out_file.stem}-{k}{out_file.suffix}")
                                               for k in range(1, proposals + 1)]
    there = [n for n in names if n.exists()]
    if there and not force:
        _fail(LayoutError(f"{there[0]}: a file of this name is already there; make-up never replaces an issue "
                          f"file unasked: give -o another name, or --force"))
    result = make_up(plan_file, out_file, proposals)
    for p in result.proposals:
        click.echo(f"wrote {p.path}  (proposal {p.rank}, cost {p.cost:.2f})")
        for line in p.reasons:
            click.echo(f"  {line}")
    if len(result.proposals) < proposals:
        _warn("makeup", f"{len(result.proposals)} distinct proposals passed, of the {proposals} asked for")
    click.echo(f"made up {len(result.plan.pages)} pages in {result.seconds:.2f} s")
    if sheet is not None:
        made, folders = proposals_sheet(result, sheet, Path.cwd() / "output" / "makeup")
        for folder in folders:
            click.echo(f"wrote {folder}")
        click.echo(f"wrote {made}")


@main.command("new")
@click.argument("total", type=click.IntRange(1, 999_999))
@click.option("--from", "source", required=True, type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="The issue file to start from (its template, pages and boxes are kept).")
@click.option("--date", "date", required=True, type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The new issue's date, YYYY-MM-DD.")
@click.option("--number", type=click.IntRange(1, 999), default=None,
              help="The new issue's number of the year (期); default: counted on from the source's.")
@click.option("--keep-stories", is_flag=True,
              help="Keep the stories and photos, their text files and photos copied to the new issue's folder.")
def new_command(total: int, source: Path, date, number: int | None, keep_stories: bool) -> None:
    """Start issue TOTAL (總期數) from a previous issue file: same template, pages and boxes, the new
    numbers and date, its stories emptied (or kept with --keep-stories). Writes <TOTAL>.yaml beside
    the source, keeping its comments and layout; refuses to overwrite."""
    from .new_issue import new_issue

    target = new_issue(total, source, date.date(), keep_stories, number)
    click.echo(f"wrote {target}")
    click.echo(f"next: {'edit' if keep_stories else 'add'} the stories, then `layout check {target}`")


@main.command("schema")
@click.option("--template", "of_template", is_flag=True, help="The schema of a page template, not of an issue file.")
@click.option("--reference", is_flag=True, help="The reference of every key, as Markdown, instead of JSON Schema.")
@click.option("--write", "write_to", type=click.Path(path_type=Path, file_okay=False), default=None,
              is_flag=False, flag_value="issues",
              help="Write issue.schema.json, template.schema.json and REFERENCE.md into this folder "
                   "(default issues/).")
def schema_command(of_template: bool, reference: bool, write_to: Path | None) -> None:
    """Print the JSON Schema of an issue file (or, with --template, of a page template), written from
    the engine's own table of keys: VS Code's YAML extension uses it for completion and inline errors
    (see the README). --reference prints every key as a Markdown table; --write regenerates the files
    committed in issues/."""
    from ..base.files import atomic_write_text
    from ..issue.reference import json_schema, reference_markdown

    if write_to is not None:
        for name, text in (("issue.schema.json", json_schema("issue file")),
                           ("template.schema.json", json_schema("template")), ("REFERENCE.md", reference_markdown())):
            atomic_write_text(write_to / name, text)
            click.echo(f"wrote {write_to / name}")
        return
    click.echo(reference_markdown() if reference else json_schema("template" if of_template else "issue file"),
               nl=False)


@main.command("preflight")
@click.argument("pdf_files", nargs=-1, required=True, type=_PathName(dir_okay=False))
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

    from .delivery import preflight_rules

    preflight = preflight_rules()
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
