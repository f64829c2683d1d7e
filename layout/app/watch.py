"""`layout watch`: re-render the proof whenever the issue file, a story text, a template or an image
changes, recomposing only the stories that changed and rewriting only the pages that changed."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..page.copyfit import StoryFit, report
from ..page.assemble import layout_issue
from ..base.errors import LayoutError
from ..fonts.faces import FontSet, default_fontset
from ..issue.loader import load_issue
from ..issue.model import Issue, input_files
from .delivery import page_filename, write_pdfs
from .previews import render_png
from .pipeline import output_folder


@dataclass(frozen=True)
class Update:
    pages: tuple[int, ...]          # pages rewritten
    files: tuple[Path, ...]         # PDFs and PNGs written
    copyfit: tuple[StoryFit, ...]
    stories_composed: int           # stories that had to be composed again
    seconds: float                  # wall-clock work for this update
    cpu_seconds: float


def snapshot(files: list[Path]) -> dict[Path, int | None]:
    out = {}
    for f in files:
        try:
            out[f] = f.stat().st_mtime_ns
        except OSError:
            out[f] = None
    return out


class Watcher:
    """Keeps fonts, composed stories and the last pages between updates."""

    def __init__(self, issue_path: Path, out_dir: Path | None = None, dpi: float = 100.0,
                 show_grid: bool = False, fonts: FontSet | None = None):
        self.issue_path = issue_path
        self.out_dir = out_dir
        self.dpi = dpi
        self.show_grid = show_grid
        self.fonts = fonts or default_fontset()
        self.cache: dict = {}
        self.pages: dict[int, tuple] = {}
        self.issue: Issue | None = None

    def update(self) -> Update:
        start, cpu = time.perf_counter(), time.process_time()
        issue = load_issue(self.issue_path)
        self.issue = issue
        before = set(self.cache)
        layout = layout_issue(issue, self.fonts, proof=True, show_grid=self.show_grid, cache=self.cache)
        used = {(repr(s), repr(issue.template), True) for s in issue.stories}
        composed = len(used - before)
        for key in set(self.cache) - used:  # forget stories that are gone
            del self.cache[key]
        changed = {p.number for p in layout.pages if self.pages.get(p.number) != p.items}
        out = output_folder(issue, self.out_dir, proof=True)
        files: list[Path] = []
        if changed:
            pdfs = write_pdfs(layout, self.fonts, out, proof=True, pages=changed, combined=False)
            for page, pdf in zip(layout.pages, pdfs):
                if page.number in changed:
                    png = out / Path(page_filename(issue, page.number, True)).with_suffix(".png").name
                    files += [pdf, render_png(pdf, png, self.dpi)]
        self.pages = {p.number: p.items for p in layout.pages}
        return Update(tuple(sorted(changed)), tuple(files), tuple(report(layout.flows)), composed,
                      time.perf_counter() - start, time.process_time() - cpu)

    def run(self, on_update: Callable[[Update], None], on_error: Callable[[LayoutError], None],
            interval: float = 0.3, cycles: int | None = None) -> None:
        """Poll the inputs; update on every change (and once at the start). Ctrl-C stops it."""
        seen: dict | None = None
        count = 0
        while cycles is None or count < cycles:
            count += 1
            state = snapshot(input_files(self.issue_path, self.issue))
            if state != seen:
                seen = state
                try:
                    on_update(self.update())
                except LayoutError as exc:
                    on_error(exc)
                seen = snapshot(input_files(self.issue_path, self.issue))
            time.sleep(interval)
