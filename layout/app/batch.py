"""Batch rendering of many issues (the archive): worker processes that load the fonts once each,
incremental by content hash, one failure never stopping the others, Ctrl-C leaving no partial file.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing as mp
import os
import signal
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Callable, Iterable

from .. import __version__
from ..base.errors import LayoutError
from ..issue.model import input_files
from ..base.files import atomic_write_text
from ..base.paths import DATA, FONT_DIR, PACKAGE

KEY_FILE = ".render-key"


@dataclass(frozen=True)
class Outcome:
    issue: Path
    status: str            # rendered, skipped, failed
    pages: int
    seconds: float
    reason: str = ""
    out_dir: Path | None = None


def issue_files(targets: Iterable[Path]) -> list[Path]:
    """The issue files named, or found in the folders named (templates and texts left out)."""
    found: list[Path] = []
    for target in targets:
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
        h.update(_file_digest(path))
    return h.hexdigest()


def _file_digest(path: Path) -> bytes:
    """Read in pieces: a 10 MB font read whole would raise a worker's peak memory by as much."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").digest()


def input_key(issue_path: Path, issue=None) -> str:
    """A content hash of everything an issue's render depends on: its YAML, its templates, story
    texts and images, the engine's code and fonts. Never a file time."""
    from ..issue.loader import load_issue

    issue = issue or load_issue(issue_path)
    h = hashlib.sha256(_engine_hash().encode())
    for path in input_files(issue_path, issue):
        h.update(str(path.name).encode())
        h.update(_file_digest(path))
    return h.hexdigest()


# --- the worker side -----------------------------------------------------------------------------

_FONTS = None


def _exit_on_term(signum, frame) -> None:
    raise SystemExit(1)  # unwinds through the atomic writer, which removes its temporary file


def _init_worker() -> None:
    """Each worker loads the fonts once; Ctrl-C is the parent's to handle; SIGTERM unwinds cleanly
    so that a half-written file is removed by the atomic writer."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_on_term)
    _load_fonts()  # already loaded where the worker was forked from a warmed-up parent


def render_one(job: tuple[Path, Path | None, bool]) -> Outcome:
    issue_path, out_root, force = job
    start = time.perf_counter()
    from .pipeline import default_output, render

    try:
        from ..issue.loader import load_issue

        issue = load_issue(issue_path)
        out_dir = (out_root / issue.slug) if out_root else default_output(issue)
        key = input_key(issue_path, issue)
        key_file = out_dir / KEY_FILE
        if (not force and key_file.is_file() and key_file.read_text().strip() == key
                and all((out_dir / n).is_file() for n in _expected(issue))):
            return Outcome(issue_path, "skipped", len(issue.pages), time.perf_counter() - start, out_dir=out_dir)
        result = render(issue_path, out_dir, fonts=_FONTS, issue=issue)
        atomic_write_text(key_file, key + "\n")
        return Outcome(issue_path, "rendered", len(result.layout.pages), time.perf_counter() - start,
                       out_dir=out_dir)
    except LayoutError as exc:
        return Outcome(issue_path, "failed", 0, time.perf_counter() - start, str(exc))
    except Exception as exc:  # noqa: BLE001 — one broken issue never stops the batch
        return Outcome(issue_path, "failed", 0, time.perf_counter() - start,
                       f"internal error ({exc.__class__.__name__}: {exc})")


def _expected(issue) -> list[str]:
    from .delivery import issue_filename, page_filename

    return [page_filename(issue, p.number) for p in issue.pages] + [issue_filename(issue), "copyfit.json"]


# --- the parent side -----------------------------------------------------------------------------

def run_batch(issues: list[Path], out_root: Path | None, jobs: int, force: bool,
              progress: Callable[[Outcome, int, int], None]) -> list[Outcome]:
    """Render every issue; ``progress`` is called after each one (outcome, done, total)."""
    outcomes: list[Outcome] = []
    todo = [(p, out_root, force) for p in issues]
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
    ctx = mp.get_context("fork" if fork else "spawn")
    pool = ctx.Pool(jobs, initializer=_init_worker)
    try:
        for outcome in pool.imap_unordered(render_one, todo):
            outcomes.append(outcome)
            progress(outcome, len(outcomes), len(todo))
        pool.close()
    except KeyboardInterrupt:
        pool.terminate()
        raise
    finally:
        pool.join()
    order = {p: k for k, p in enumerate(issues)}
    return sorted(outcomes, key=lambda o: order[o.issue])


def _warm_up_for_fork() -> None:
    """Import the whole rendering pipeline and load the fonts in the parent, once: forked workers
    inherit both and start rendering at once instead of each spending ~0.1 s on the same imports."""
    from . import pipeline as render  # noqa: F401 — imported for the workers' sake

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


def remove_partial_files(issues: list[Path], out_root: Path | None) -> int:
    """After an interrupted batch: any temporary file a killed worker left in an output folder.
    Finished files are never touched: they were renamed into place whole."""
    from ..issue.loader import load_issue
    from .pipeline import default_output

    removed = 0
    for path in issues:
        try:
            issue = load_issue(path)
        except LayoutError:
            continue
        folder = (out_root / issue.slug) if out_root else default_output(issue)
        for tmp in folder.glob(".*.part*") if folder.is_dir() else []:
            tmp.unlink(missing_ok=True)
            removed += 1
    return removed


def summary_json(outcomes: list[Outcome]) -> str:
    return json.dumps([{"issue": str(o.issue), "status": o.status, "pages": o.pages,
                        "seconds": round(o.seconds, 3), "reason": o.reason} for o in outcomes],
                      ensure_ascii=False, indent=2) + "\n"
