"""`layout watch`: re-render the proof whenever the issue file, a story text, a template or an image
changes, recomposing only the stories that changed and rewriting the PDF and PNG of only the pages
that changed — and, at every update, the issue's proof PDF, the contact sheet, copyfit-proof.json,
layout-proof.json and the manifest, so the proof folder is always one proof (`layout diff` reads it).

Unlike a render, which replaces the proof/ folder whole, watch rewrites files in place: each file is
still written whole (a temporary name renamed into place), under the issue folder's lock, so a
render or proof of the same issue never runs between its files.

When an update fails (a mistake in the YAML, a character no font has …) the proof on disk is the last
good one, and says so: every page gets a red band in its top margin naming the error and its time,
and ``STALE_FILE`` in proof/ says the same; the next good update takes both away."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from ..page.copyfit import StoryFit, report
from ..page.assemble import IssueLayout, composer_for, layout_issue, story_key
from ..page.proof_marks import stale_band
from ..base.errors import LayoutError
from ..fonts.faces import FontSet, default_fontset
from ..base.files import atomic_write_text, os_error, recover, remove_temporary_files, signals_deferred
from ..issue.model import Issue, input_files
from .delivery import issue_folder_held, record_files
from .pipeline import check_edition, output_folder, proof_index, read_issue, render_id, write_proof

STALE_FILE = "STALE.txt"


@dataclass(frozen=True)
class Update:
    pages: tuple[int, ...]          # pages rewritten
    files: tuple[Path, ...]         # every file written: pages' PDFs and PNGs, then the issue's files
    copyfit: tuple[StoryFit, ...]
    stories_composed: int           # stories that had to be composed again
    seconds: float                  # wall-clock work for this update
    cpu_seconds: float


@dataclass(frozen=True)
class Stale:
    """The proof on disk is the last good one: the update after it failed."""

    error: str
    at: str                         # when the update failed (HH:MM:SS)
    good: str                       # when the proof on disk was made
    note: Path | None               # STALE_FILE, if it could be written


def snapshot(files: list[Path]) -> dict[Path, int | None]:
    out = {}
    for f in files:
        try:
            out[f] = f.stat().st_mtime_ns
        except OSError:
            out[f] = None
    return out


class Watcher:
    """Keeps fonts, composed stories, the last good layout and what was written between updates."""

    def __init__(self, issue_path: Path, out_dir: Path | None = None, dpi: float = 100.0,
                 show_grid: bool = False, fonts: FontSet | None = None, root: Path | None = None,
                 watermark: bool = True, edition: str | None = None):
        self.issue_path = issue_path
        self.edition = edition                # which of the issue's editions (None: its first)
        self.root = root
        self.out_dir = out_dir
        self.dpi = dpi
        self.show_grid = show_grid
        self.watermark = watermark
        self.fonts = fonts or default_fontset()
        self.cache: dict = {}
        self.pages: dict[int, tuple] = {}     # what each page file on disk shows
        self.shown: tuple = ()                # what the issue's files on disk show (see _issue_state)
        self.issue: Issue | None = None
        self.layout: IssueLayout | None = None     # the last good layout, the one on disk
        self.written_at = ""
        self.stale: Stale | None = None

    def update(self) -> Update:
        start, cpu = time.perf_counter(), time.process_time()
        issue = read_issue(self.issue_path, root=self.root)
        check_edition(issue, self.edition, self.issue_path)
        self.issue = issue
        before = set(self.cache)
        # No render id in the slug lines: it changes with every edit, and would make every page "changed".
        layout = layout_issue(issue, self.fonts, proof=True, show_grid=self.show_grid, cache=self.cache,
                              watermark=self.watermark, edition=self.edition)
        # The cache holds the edition's stories (their texts converted), under the edition's template.
        used = {story_key(s, layout.issue.template, True) for s in layout.issue.stories}
        composed = len(used - before)
        for key in set(self.cache) - used:  # forget stories that are gone
            del self.cache[key]
        changed = {p.number for p in layout.pages if self.pages.get(p.number) != p.items}
        state = _issue_state(layout)
        files: list[Path] = []
        if changed or state != self.shown or self.stale:
            files = self._write(layout, changed)
        self.layout, self.pages, self.shown = layout, {p.number: p.items for p in layout.pages}, state
        self.written_at, self.stale = time.strftime("%H:%M:%S"), None
        return Update(tuple(sorted(changed)), tuple(files), tuple(report(layout.flows)), composed,
                      time.perf_counter() - start, time.process_time() - cpu)

    def _write(self, layout: IssueLayout, pages: set[int]) -> list[Path]:
        """The changed pages' files and all of the issue's, in place; a stale note goes."""
        out = output_folder(layout.issue, self.out_dir, proof=True)
        with issue_folder_held(out.parent):
            try:
                recover(out)
                remove_temporary_files(out)      # what a watch killed mid-write left
                out.mkdir(parents=True, exist_ok=True)
                # A stop waits for the update to finish writing: proof/ is one proof, never a mix.
                with signals_deferred():
                    made = write_proof(layout, self.fonts, out, self.dpi, pages)
                if (out / STALE_FILE).exists():
                    (out / STALE_FILE).unlink()
                    record_files(out, layout.issue.label, made.render.render_id, [])
            except OSError as exc:
                raise os_error(exc, "write the proof") from None
        return [*(f for p, f in zip(layout.pages, made.render.files) if p.number in pages), *made.pngs,
                made.render.files[-1], made.sheet, made.render.report, made.lines]

    def mark_stale(self, error: LayoutError) -> Stale | None:
        """After a failed update: the last good proof, on disk, marked as no longer current — a red band
        on every page (PDFs and PNGs) and STALE_FILE, both naming the error and the time. Nothing if
        there is no good proof yet; a second failure with the same error only updates the note."""
        if self.layout is None:
            return None
        at = time.strftime("%H:%M:%S")
        said = str(error).splitlines()[0] if str(error) else type(error).__name__
        out = output_folder(self.layout.issue, self.out_dir, proof=True)
        note = out / STALE_FILE
        again = self.stale is not None and self.stale.error == said
        # What matters first: that the page is old, and how old; the error may be cut short.
        text = (f"過期校樣 STALE: the proof of {self.written_at}; {at} 更新失敗 the update failed: {said}")
        try:
            with issue_folder_held(out.parent):
                recover(out)
                atomic_write_text(note, f"stale: the proof in this folder is the last good one, made at "
                                        f"{self.written_at}\nupdate failed at {at}: {said}\n")
                if not again:
                    composer = composer_for(self.layout.issue.template, self.fonts)
                    band = tuple(stale_band(self.layout.issue.template, composer, text))
                    marked = replace(self.layout,
                                     pages=tuple(replace(p, items=p.items + band) for p in self.layout.pages),
                                     appendix=tuple(replace(p, items=p.items + band) for p in self.layout.appendix))
                    write_proof(marked, self.fonts, out, self.dpi)
                record_files(out, self.layout.issue.label, render_id(self.layout.issue), [note])
        except (OSError, LayoutError):
            # The folder cannot be written (full, gone, read-only): the watcher's message still says it.
            note = None
        self.pages = {}          # the pages on disk carry the band: the next good update rewrites them all
        self.stale = Stale(said, at, self.written_at, note)
        return self.stale

    def run(self, on_update: Callable[[Update], None], on_error: Callable[[LayoutError], None],
            interval: float = 0.3, cycles: int | None = None) -> None:
        """Poll the inputs; update on every change (and once at the start). Ctrl-C stops it. A failed
        update marks the proof on disk stale, and its error says so."""
        seen: dict | None = None
        count = 0
        while cycles is None or count < cycles:
            count += 1
            state = snapshot(input_files(self.issue_path, self.issue))
            if state != seen:
                # What the update reads is what the files were before it began: a save made while it
                # runs is newer than ``seen`` and starts the next update.
                seen = state
                began = time.time_ns()
                try:
                    on_update(self.update())
                except LayoutError as exc:
                    on_error(_with_stale(exc, self.mark_stale(exc)))
                # The update may have named files the look before it did not know (the first update
                # reads the story texts): one changed since the update began counts as not yet seen.
                after = snapshot(input_files(self.issue_path, self.issue))
                seen = {path: state[path] if path in state else
                        (when if when is not None and when < began else None) for path, when in after.items()}
            time.sleep(interval)


def _issue_state(layout: IssueLayout) -> tuple:
    """What the issue's own proof files show besides the pages: the overset pages, the copyfit
    figures and warnings, the index of pages and lines. When none of it nor any page changed, there
    is nothing to write."""
    return (tuple(p.items for p in layout.appendix), repr(report(layout.flows)), layout.grid_warnings,
            repr(proof_index(layout)))


def _with_stale(error: LayoutError, stale: Stale | None) -> LayoutError:
    """The error, saying what became of the proof on disk."""
    if stale is None:
        return error
    where = f", marked stale on its pages and in {stale.note}" if stale.note else ""
    return LayoutError(f"{error} — the proof on disk is the last good one, of {stale.good}{where}")
