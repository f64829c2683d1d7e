"""Benchmark: prints how fast the engine composes and renders on this machine.

    python tests/benchmark.py [--runs N]

Not a test (pytest does not collect it): speed is measured here, never asserted in the suite.
Each figure is the median of N runs after one warm-up run, in one process (fonts loaded once).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from layout.compose import Composer  # noqa: E402
from layout.fonts import default_fontset, load_face  # noqa: E402
from layout.model import load_issue  # noqa: E402
from layout.render import render  # noqa: E402
from layout.text import Paragraph, Span, TextStyle  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "zh-guxiang.txt"


def median_time(fn, runs: int) -> float:
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def page_of_text(chars: int = 5000) -> list[Paragraph]:
    """About one tabloid page of body text: 魯迅's 故鄉 if it is beside the project, else the sample issue."""
    if CORPUS.is_file():
        lines = [ln for ln in CORPUS.read_text(encoding="utf-8").splitlines() if ln.strip()]
    else:
        issue = load_issue(ROOT / "issues" / "1650.yaml")
        lines = [b.text for s in issue.stories for b in s.blocks] * 3
    out, total = [], 0
    style = TextStyle("body", 9.0)
    for line in lines:
        out.append(Paragraph((Span(line, style),)))
        total += len(line)
        if total >= chars:
            break
    return out


def watch_one_page(fonts, runs: int) -> tuple[float, float]:
    """`layout watch` after an edit to one story on page 1: median wall and CPU time of the update."""
    import shutil

    from layout.watch import Watcher

    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(ROOT / "issues", Path(tmp) / "issues")
        issue = Path(tmp) / "issues" / "1650.yaml"
        story = issue.parent / "1650" / "government-meeting.md"
        original = story.read_text(encoding="utf-8")
        watcher = Watcher(issue, Path(tmp) / "out", dpi=100, fonts=fonts)
        watcher.update()
        walls, cpus = [], []
        for k in range(runs + 1):
            story.write_text(original if k % 2 else original.replace("衛嵐、", ""), encoding="utf-8")
            update = watcher.update()
            assert update.pages == (1,) and update.stories_composed == 1
            if k:
                walls.append(update.seconds)
                cpus.append(update.cpu_seconds)
        return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    start = time.perf_counter()
    fonts = default_fontset()
    font_load = time.perf_counter() - start
    load_face.cache_clear()

    composer = Composer(fonts)
    paragraphs = page_of_text()
    chars = sum(len(p.text) for p in paragraphs)
    compose_t = median_time(lambda: [composer.compose(p, 99.0) for p in paragraphs], args.runs)

    issue_path = ROOT / "issues" / "1650.yaml"
    pages = len(load_issue(issue_path).pages)
    with tempfile.TemporaryDirectory() as tmp:
        render_t = median_time(lambda: render(issue_path, Path(tmp), fonts=fonts), args.runs)
        sizes = [p.stat().st_size for p in Path(tmp).glob("*-0*.pdf")]

    watch_t, watch_cpu = watch_one_page(fonts, args.runs)

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{time.strftime('%Y-%m-%d')}")
    print(f"method: median of {args.runs} runs after one warm-up, one process, fonts loaded once")
    print(f"{'figure':44s} {'value':>12s}")
    print(f"{'load the default fonts (cold, once a process)':44s} {font_load * 1000:9.1f} ms")
    print(f"{f'compose one page of body text ({chars} chars)':44s} {compose_t * 1000:9.1f} ms")
    print(f"{'  per 1,000 characters':44s} {compose_t * 1e6 / chars:9.1f} ms")
    print(f"{f'render issue 1650 ({pages} pages, PDFs written)':44s} {render_t * 1000:9.1f} ms")
    print(f"{'  per page':44s} {render_t * 1000 / pages:9.1f} ms")
    print(f"{'PDF size per page (median)':44s} {statistics.median(sizes) / 1024:9.1f} KB")
    print(f"{'watch: one story edited, its page re-proofed':44s} {watch_t * 1000:9.1f} ms")
    print(f"{'  (PDF + preflight + 100 dpi PNG), CPU':44s} {watch_cpu * 1000:9.1f} ms")


if __name__ == "__main__":
    main()
