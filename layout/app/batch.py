"""Batch rendering of many issues (the archive): worker processes that load the fonts once each,
incremental by content hash, one failure never stopping the others. Each issue's folder is replaced
whole (its key of the inputs with it) or not at all, so a batch stopped by any signal leaves every
folder with one complete set; its workers exit quietly and it reports what was finished and what not.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import multiprocessing as mp
import os
import signal
import sys
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Callable, Iterable

from .. import __version__
from ..base import diskcache
from ..base.errors import LayoutError, Stopped, readable_line, stop_on_signals
from ..issue.model import input_files
from ..base.files import check_path_name, is_environmental, os_error, recover, remove_temporary_files
from ..base.paths import DATA, FONT_DIR, PACKAGE

KEY_FILE = ".render-key"


@dataclass(frozen=True)
class Outcome:
    issue: Path
    status: str            # rendered, skipped, failed; stopped (the batch was stopped before it finished)
    pages: int
    seconds: float
    reason: str = ""
    out_dir: Path | None = None


def issue_files(targets: Iterable[Path]) -> list[Path]:
    """The issue files named, or found in the folders named (templates and texts left out)."""
    found: list[Path] = []
    for target in targets:
        check_path_name(target, "issue file or folder's path")
        if target.is_dir():
            found += sorted(p for p in target.glob("*.yaml") if not p.name.startswith((".", "_")))
        elif target.is_file():
            found.append(target)
        else:
            raise LayoutError(f"{target}: no such issue file or folder")
    return found


def engine_files() -> list[Path]:
    """The files whose change can change a render: every module of the package, in every stage
    package (recursively), the package data, and the fonts."""
    files = [p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts]
    files += [p for p in DATA.rglob("*") if p.is_file()]
    files += list(FONT_DIR.glob("*.ttf"))
    return sorted(files)


@cache
def _engine_hash() -> str:
    """The engine's own code and fonts: a change to either renders every issue again."""
    h = hashlib.sha256(__version__.encode())
    for path in engine_files():
        # The path inside its folder, not the bare name: two stage packages may both hold a models.py.
        h.update(str(path.relative_to(FONT_DIR if path.is_relative_to(FONT_DIR) else PACKAGE)).encode())
        h.update(diskcache.file_sha256(path))
    return h.hexdigest()


def _file_digest(path: Path) -> bytes:
    """Read in pieces: a 10 MB font read whole would raise a worker's peak memory by as much."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").digest()


def input_key(issue_path: Path, issue=None, root: Path | None = None) -> str:
    """A content hash of everything an issue's render depends on: its YAML, its templates, story
    texts and images, the engine's code and fonts. Never a file time."""
    from .pipeline import read_issue

    issue = issue or read_issue(issue_path, root=root)
    h = hashlib.sha256(_engine_hash().encode())
    for path in input_files(issue_path, issue):
        h.update(str(path.name).encode())
        h.update(_file_digest(path))
    return h.hexdigest()


# --- the worker side -----------------------------------------------------------------------------

_FONTS = None
_PR_SET_PDEATHSIG = 1


def _init_worker(parent: int, stopping) -> None:
    """Each worker loads the fonts once. Ctrl-C is the parent's to handle (the terminal sends it to
    every process of the batch); SIGTERM and SIGHUP unwind as Ctrl-C would — the fresh folder of the
    issue being written is removed — and end the worker quietly. A worker whose parent is gone (killed,
    even by SIGKILL) is sent SIGTERM by the kernel, so no orphan goes on writing; one that finds the
    pipe to its parent broken dies of SIGPIPE at once, without a word."""
    stop_on_signals()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    prctl = getattr(ctypes.CDLL(None), "prctl", None) if sys.platform.startswith("linux") else None
    if prctl is not None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    # Born as the batch stops: the SIGTERM meant for it may have come before the lines above.
    if os.getppid() != parent or stopping.value:
        raise Stopped(signal.SIGTERM)
    _load_fonts()  # already loaded where the worker was forked from a warmed-up parent


def out_folder(issue, out_root: Path | None) -> Path:
    """Where a batch writes an issue: ROOT/<總期數>/ under ``-o``, else output/<總期數>/."""
    from .pipeline import default_output

    return (out_root / issue.slug) if out_root else default_output(issue)


def render_one(job: tuple[Path, Path | None, bool, Path | None]) -> Outcome:
    issue_path, out_root, force, root = job
    start = time.perf_counter()
    from .delivery import tidy
    from .pipeline import read_issue, render

    try:
        issue = read_issue(issue_path, root=root)
        out_dir = out_folder(issue, out_root)
        key = input_key(issue_path, issue)
        sets = edition_sets(issue, out_dir)
        if not force and all(_is_current(folder, edition_key(key, code), names) for code, folder, names in sets):
            for _, folder, _ in sets:
                tidy(folder)
            return Outcome(issue_path, "skipped", len(issue.pages), time.perf_counter() - start, out_dir=out_dir)

        def write_key(folder: Path, edition: str) -> None:
            (folder / KEY_FILE).write_text(edition_key(key, edition) + "\n", encoding="utf-8")

        result = render(issue_path, out_dir, fonts=_FONTS, issue=issue, also_write=write_key)
        return Outcome(issue_path, "rendered", len(result.layout.pages), time.perf_counter() - start,
                       out_dir=out_dir)
    except LayoutError as exc:
        return Outcome(issue_path, "failed", 0, time.perf_counter() - start, str(exc))
    except Exception as exc:  # noqa: BLE001 — one broken issue never stops the batch
        reason = (str(os_error(exc, "render the issue")) if is_environmental(exc) else
                  readable_line(f"internal error ({exc.__class__.__name__}: {exc})"))
        return Outcome(issue_path, "failed", 0, time.perf_counter() - start, reason)


def edition_key(key: str, edition: str) -> str:
    """An edition's key: the inputs' with the edition's code (each edition's folder is keyed on its own)."""
    return f"{key} {edition}"


def edition_sets(issue, out_dir: Path) -> list[tuple[str, Path, list[str]]]:
    """Each edition of the issue: its code, the folder its set goes to, and the files the set must have."""
    from ..issue.editions import edition_issue
    from .pipeline import output_folder

    out = []
    for code in issue.editions:
        edition = edition_issue(issue, code)
        out.append((code, output_folder(edition, out_dir, proof=False), _expected(edition)))
    return out


def _is_current(folder: Path, key: str, names: list[str]) -> bool:
    """The folder holds a whole set rendered from these inputs (its key), every file of it there."""
    key_file = folder / KEY_FILE
    try:
        if not key_file.is_file() or key_file.read_text().strip() != key:
            return False
    except OSError:
        return False
    return all((folder / n).is_file() for n in names) and set_is_whole(folder)


def set_is_whole(folder: Path) -> bool:
    """Every file the folder's manifest lists is there with its checksum: a page file damaged or
    replaced by hand since the render is rendered again, never skipped."""
    import hashlib

    from .delivery import read_manifest

    entries = read_manifest(folder)
    if not entries:
        return False
    for name, entry in entries.items():
        try:
            with open(folder / name, "rb") as f:
                if hashlib.file_digest(f, "sha256").hexdigest() != entry.sha256:
                    return False
        except OSError:
            return False
    return True


def _expected(issue) -> list[str]:
    from .delivery import issue_filename, page_filename

    return [page_filename(issue, p.number) for p in issue.pages] + [issue_filename(issue), "copyfit.json"]


# --- the parent side -----------------------------------------------------------------------------

def run_batch(issues: list[Path], out_root: Path | None, jobs: int, force: bool,
              progress: Callable[[Outcome, int, int], None], root: Path | None = None,
              folders: dict[Path, Path] | None = None) -> list[Outcome]:
    """Render every issue; ``progress`` is called after each one (outcome, done, total).
    ``folders``: what ``check_distinct_folders`` returned, if the caller has called it.

    Stopped by Ctrl-C (KeyboardInterrupt) or a signal (Stopped), the workers are stopped too, each
    removing what it had half written, and the exception goes on to the caller, which knows from
    ``progress`` what was finished."""
    if folders is None:
        check_distinct_folders(issues, out_root, root)
    outcomes: list[Outcome] = []
    todo = [(p, out_root, force, root) for p in issues]
    if jobs <= 1:
        _load_fonts()
        for job in todo:
            outcome = render_one(job)
            outcomes.append(outcome)
            progress(outcome, len(outcomes), len(todo))
        return outcomes
    _engine_hash()  # once, here: forked workers inherit it instead of each reading the fonts again
    fork = hasattr(os, "fork")
    if fork:
        _warm_up_for_fork()
    # The biggest issues first, so that no worker is left alone with a long one at the end.
    todo.sort(key=lambda job: -_work_estimate(job[0]))
    crew = _Crew(mp.get_context("fork" if fork else "spawn"))
    try:
        for outcome in crew.run(todo, jobs):
            outcomes.append(outcome)
            progress(outcome, len(outcomes), len(todo))
    except BaseException:
        crew.stop()
        raise
    order = {p: k for k, p in enumerate(issues)}
    return sorted(outcomes, key=lambda o: order[o.issue])


# Seconds a stopped worker has to unwind (a cleanup takes milliseconds) before it is killed.
STOP_GRACE = 5.0


class _Crew:
    """Worker processes, each with a pipe of its own to the parent: one job out, one outcome back.
    Nothing is shared between them (multiprocessing.Pool's shared queue locks can be left held by a
    worker a signal ends, and its terminate() then waits for ever), so a worker can be stopped or die
    at any moment: the batch sees its pipe close and goes on, or stops."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.stopping = ctx.RawValue("b", 0)   # no lock: a worker killed mid-read cannot hold one
        self.workers: dict = {}                # the parent's end of each pipe → (process, job)

    def _start(self) -> object:
        here, there = self.ctx.Pipe()
        process = self.ctx.Process(target=_serve, args=(there, os.getpid(), self.stopping), daemon=True)
        # Born ignoring Ctrl-C: one pressed as a worker starts must not give it a traceback.
        handler = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            process.start()
        finally:
            signal.signal(signal.SIGINT, handler)
        there.close()
        self.workers[here] = (process, None)
        return here

    def run(self, todo: list, jobs: int) -> Iterable[Outcome]:
        """Each job's outcome, as the jobs finish."""
        from multiprocessing.connection import wait

        pending = list(reversed(todo))
        for _ in range(min(jobs, len(todo))):
            self._give(self._start(), pending)
        while self.workers:
            for pipe in wait(list(self.workers)):
                process, job = self.workers[pipe]
                try:
                    outcome = pipe.recv()
                except (EOFError, OSError):        # the worker died (killed, out of memory)
                    process.join()
                    del self.workers[pipe]
                    pipe.close()
                    if job is not None:
                        yield Outcome(job[0], "failed", 0, 0.0, f"its worker process died ({_death(process)})")
                    if pending:
                        self._give(self._start(), pending)
                    continue
                yield outcome
                self._give(pipe, pending)

    def _give(self, pipe, pending: list) -> None:
        process, _ = self.workers[pipe]
        if pending:
            job = pending.pop()
            self.workers[pipe] = (process, job)
            pipe.send(job)
        else:
            pipe.send(None)                         # no more work: the worker ends
            process.join()
            del self.workers[pipe]
            pipe.close()

    def stop(self) -> None:
        """SIGTERM to every worker (each unwinds, removing the fresh folder it was writing), then
        SIGKILL to any still there after STOP_GRACE (what it leaves, the next run cleans up)."""
        self.stopping.value = 1
        processes = [process for process, _ in self.workers.values()]
        for process in processes:
            if process.is_alive():
                process.terminate()
        deadline = time.monotonic() + STOP_GRACE
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()


def _serve(pipe, parent: int, stopping) -> None:
    """A worker: jobs in, outcomes out, until told there is no more (or the parent is gone)."""
    _init_worker(parent, stopping)
    while True:
        try:
            job = pipe.recv()
        except EOFError:                            # the parent is gone
            return
        if job is None:
            return
        pipe.send(render_one(job))


def _death(process) -> str:
    code = process.exitcode
    return f"killed by {signal.Signals(-code).name}" if code is not None and code < 0 else f"exit status {code}"


def check_distinct_folders(issues: list[Path], out_root: Path | None, root: Path | None = None) -> dict[Path, Path]:
    """Two issue files that would be written to one folder (the same 總期數) are refused before anything
    is written, naming both: each render would replace the other's files whole. Returns each issue
    file's folder (those that can be read: a worker reports the others, one failure among the rest)."""
    from .pipeline import read_issue

    seen: dict[Path, Path] = {}
    for path in issues:
        try:
            folder = Path(os.path.abspath(out_folder(read_issue(path, root=root), out_root)))
        except LayoutError:
            continue
        if folder in seen:
            raise LayoutError(f"{seen[folder]} and {path} would both be written to {folder} (the same total "
                              f"issue number): render them one at a time, or correct the number")
        seen[folder] = path
    return {path: folder for folder, path in seen.items()}


def settled(issue_path: Path, folder: Path | None, since: float, root: Path | None, signum: int | None) -> Outcome:
    """An issue a stopped batch had not reported: rendered after all (the stop came as its set was being
    put in place: its folder's key, written since ``since`` (a time.time()), is of these inputs), or
    stopped, its folder as it was."""
    from .pipeline import read_issue

    name = signal.Signals(signum).name if signum else "Ctrl-C"
    stopped = Outcome(issue_path, "stopped", 0, 0.0, f"not finished: stopped by {name}; its folder is as it was")
    try:
        if folder is None:
            return stopped
        issue = read_issue(issue_path, root=root)
        key = input_key(issue_path, issue)
        # Rendered only if every edition's set was put in place by this batch, of these inputs.
        for code, edition_folder, _ in edition_sets(issue, folder):
            key_file = edition_folder / KEY_FILE
            if key_file.stat().st_mtime < since or key_file.read_text().strip() != edition_key(key, code):
                return stopped
        return Outcome(issue_path, "rendered", len(issue.pages), 0.0, out_dir=folder)
    except (LayoutError, OSError):
        pass
    return stopped


def _warm_up_for_fork() -> None:
    """Import the whole rendering pipeline and load the fonts in the parent, once: forked workers
    inherit both and start rendering at once instead of each spending ~0.1 s on the same imports
    (and none is stopped in the middle of initialising pikepdf, which it would not survive)."""
    from . import pipeline as render  # noqa: F401 — imported for the workers' sake
    from .delivery import preflight_rules

    preflight_rules()
    _load_fonts()


def _work_estimate(issue_path: Path) -> int:
    """The size of the issue's YAML: more pages and stories make a longer file; cheap to get."""
    try:
        return issue_path.stat().st_size
    except OSError:
        return 0


def _load_fonts() -> None:
    """The fonts, once per process (a forked worker inherits the parent's)."""
    global _FONTS
    if _FONTS is None:
        from ..fonts.faces import default_fontset

        _FONTS = default_fontset()


def remove_partial_files(issues: list[Path], out_root: Path | None, root: Path | None = None) -> int:
    """After an interrupted batch: anything a killed worker left — a fresh folder not swapped in, a
    previous set moved aside and not put back (it is put back), a temporary file. Finished files are
    never touched: they were put in place whole."""
    from ..base.files import leftovers
    from .delivery import PROOF_FOLDER, issue_folder_held
    from .pipeline import read_issue

    removed = 0
    for path in issues:
        try:
            issue = read_issue(path, root=root)
            folders = [folder for _, folder, _ in edition_sets(issue, out_folder(issue, out_root))]
        except LayoutError:
            continue
        for folder in folders:
            if not folder.parent.is_dir():
                continue
            removed += len(leftovers(folder))
            with issue_folder_held(folder):      # which puts back or removes those
                removed += recover(folder / PROOF_FOLDER) if folder.is_dir() else 0
                removed += remove_temporary_files(folder) + remove_temporary_files(folder / PROOF_FOLDER)
    return removed


def summary_json(outcomes: list[Outcome]) -> str:
    return json.dumps([{"issue": readable_line(str(o.issue)), "status": o.status, "pages": o.pages,
                        "seconds": round(o.seconds, 3), "reason": o.reason} for o in outcomes],
                      ensure_ascii=False, indent=2) + "\n"
