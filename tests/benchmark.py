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

from layout.compose.linebreak import Composer  # noqa: E402
from layout.fonts.faces import default_fontset, load_face  # noqa: E402
from layout.issue.loader import load_issue  # noqa: E402
from layout.app.pipeline import render  # noqa: E402
from layout.compose.atoms import Paragraph, Span, TextStyle  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "zh-guxiang.txt"


def forget_checked() -> None:
    """Preflight remembers content it has checked; a repeated render of one issue would find all its
    pages remembered, which no new issue does. Each timed run starts without that memory."""
    from layout.preflight import rules as preflight

    preflight._CONTENT.clear()
    preflight._INK.clear()


def median_time(fn, runs: int) -> float:
    forget_checked()
    fn()
    times = []
    for _ in range(runs):
        forget_checked()
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

    from layout.app.watch import Watcher

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


def typst_source(issue_path: Path) -> str:
    """The issue's stories as a Typst document on a page of the same size, columns and type."""
    from layout.base.units import to_mm

    issue = load_issue(issue_path)
    t = issue.template
    out = [f"#set page(width: {to_mm(t.trim_w):.1f}mm, height: {to_mm(t.trim_h):.1f}mm, "
           f"margin: (left: {to_mm(t.margin_left):.1f}mm, right: {to_mm(t.margin_right):.1f}mm, "
           f"top: {to_mm(t.margin_top):.1f}mm, bottom: {to_mm(t.margin_bottom):.1f}mm), columns: {t.columns})",
           f'#set text(font: "Noto Serif CJK SC", size: {t.body.size}pt, lang: "zh", region: "cn")',
           f"#set par(justify: true, first-line-indent: (amount: 2em, all: true), leading: {t.pitch - t.body.size:.2f}pt, "
           f"spacing: {t.pitch - t.body.size:.2f}pt)",
           '#show heading: set text(font: "Noto Sans CJK SC")']
    for story in issue.stories:
        if story.headline:
            out.append(f"= {story.headline}")
        for block in story.blocks:
            text = block.text.replace("*", "\\*").replace("#", "\\#").replace("$", "\\$").replace("@", "\\@")
            text = text.replace("<", "\\<").replace("_", "\\_").replace("`", "\\`").replace("[", "\\[")
            out.append(f"== {text}" if block.kind == "subhead" else text)
            out.append("")
    return "\n".join(out) + "\n"


def _run(cmd: list[str], cwd: Path | None = None, env: dict | None = None) -> tuple[float, float]:
    """Wall seconds and peak memory (MB) of a fresh process running cmd."""
    import subprocess

    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed: {err.decode()[-500:]}")
    return wall, _peak_of_last_child()


def _peak_of_last_child() -> float:
    import resource

    # ru_maxrss of children is the largest any child reached so far (kB on Linux).
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def against_typst(runs: int, warm: float) -> None:
    """Cold single-issue render, batch throughput and peak memory: layout against Typst.

    ``warm`` is the warm render of issue 1641 measured by batch_figures: the work a cold render adds
    its start-up to."""
    import importlib.util

    if importlib.util.find_spec("typst") is None:
        print("typst: not installed (pip install typst) — comparison skipped")
        return
    py = sys.executable
    issues = sorted(p for p in (ROOT / "issues").glob("*.yaml"))
    # An installed engine runs from compiled bytecode (pip compiles it at install, Python caches it on
    # first import). A machine with PYTHONDONTWRITEBYTECODE set would compile every module again in
    # every fresh process (~40 ms here), so the bytecode is compiled first, as an install would.
    import compileall

    compileall.compile_dir(ROOT / "layout", quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for path in issues:
            (tmp / f"{path.stem}.typ").write_text(typst_source(path), encoding="utf-8")
        fonts = str(ROOT / "fonts")
        typst_cmd = [py, "-c", "import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2], "
                     "font_paths=[sys.argv[3]], ignore_system_fonts=True)"]
        # Cold single issue: a fresh process each, median of runs; and once with empty caches, as
        # on a machine's first run (font metrics read with fontTools, photos converted for press).
        render_cmd = [py, "-m", "layout", "render", str(ROOT / "issues" / "1641.yaml"), "-o", str(tmp / "ours")]
        ours = statistics.median(_run(render_cmd)[0] for _ in range(runs))
        first = _run(render_cmd, env={**os.environ, "LAYOUT_CACHE_DIR": str(tmp / "empty-cache")})[0]
        theirs = statistics.median(_run(typst_cmd + [str(tmp / "1641.typ"), str(tmp / "1641.pdf"), fonts])[0]
                                   for _ in range(runs))
        # Batch: every issue, ours with 2 workers, Typst one process per issue.
        ours_pages = sum(len(load_issue(p).pages) for p in issues)
        ours_batch = batch_wall(2, tmp, runs)
        typst_times = []
        for _ in range(runs):
            start = time.perf_counter()
            for path in issues:
                _run(typst_cmd + [str(tmp / f"{path.stem}.typ"), str(tmp / f"{path.stem}.pdf"), fonts])
            typst_times.append(time.perf_counter() - start)
        typst_batch = statistics.median(typst_times)
        import pypdfium2 as pdfium
        typst_pages = 0
        for path in issues:
            doc = pdfium.PdfDocument(str(tmp / f"{path.stem}.pdf"))
            typst_pages += len(doc)
            doc.close()
        # Peak memory: our single-issue process and one worker rendering the whole archive;
        # Typst's largest single issue.
        mem_one = _child_peak(render_cmd)
        mem_ours = _child_peak([py, "-m", "layout", "batch", str(ROOT / "issues"), "-j", "1", "--force", "-o",
                                str(tmp / "mem")])
        mem_typst = max(_child_peak(typst_cmd + [str(tmp / f"{p.stem}.typ"), str(tmp / "m.pdf"), fonts])
                        for p in issues)
        # What a cold render is made of: the interpreter and its imports, then the work itself.
        bare = statistics.median(_run([py, "-c", "pass"])[0] for _ in range(runs))
        typst_start = statistics.median(_run([py, "-c", "import typst"])[0] for _ in range(runs))
        our_start = statistics.median(_run([py, "-c", "import layout.app.cli, layout.app.pipeline, layout.preflight.rules"])[0]
                                      for _ in range(runs))
        fontset = default_fontset()
        warm_all = median_time(lambda: [render(p, tmp / "warm-all" / p.stem, fonts=fontset) for p in issues], 1)
    n = len(issues)
    print()
    print("against Typst (PyPI typst, same fonts, same page size, columns and body type; fresh processes)")
    print(f"{'figure':48s} {'layout':>9s} {'typst':>9s} {'ratio':>7s}  goal")
    print(f"{'cold render of one issue (1641), s':48s} {ours:9.2f} {theirs:9.2f} {theirs / ours:6.2f}×  ≥ 1×")
    print(f"{'  the same with empty caches (first run), s':48s} {first:9.2f}")
    print(f"{f'batch of {n} issues, issues/s':48s} {n / ours_batch:9.1f} {n / typst_batch:9.1f} "
          f"{typst_batch / ours_batch:6.2f}×  ≥ 3×")
    print(f"{'  (layout: 2 workers; typst: a process an issue)':48s}")
    print(f"{'  pages produced, pages/s':48s} {ours_pages / ours_batch:9.1f} {typst_pages / typst_batch:9.1f} "
          f"{(ours_pages / ours_batch) / (typst_pages / typst_batch):6.2f}×")
    print(f"{'  pages produced by the whole archive':48s} {ours_pages:9d} {typst_pages:9d}")
    print(f"{'peak memory, one issue in a fresh process, MB':48s} {mem_one:9.0f} {mem_typst:9.0f} "
          f"{mem_typst / mem_one:6.2f}×  ≥ 1×")
    print(f"{'peak memory, one worker over the archive, MB':48s} {mem_ours:9.0f} {mem_typst:9.0f} "
          f"{mem_typst / mem_ours:6.2f}×  ≥ 1×")
    print("  ratio > 1 means layout is faster / lighter; Typst sets the text in its own way (no masthead,")
    print("  furniture, balancing or PDF/X), so its pages are not the same pages: the figures compare work of a kind.")
    print()
    print("what a cold render is made of (fresh processes, median; 'work' = cold minus start-up)")
    print(f"{'  Python interpreter alone (python -c pass), s':48s} {bare:9.3f}")
    print(f"{'  start-up: interpreter and imports, s':48s} {our_start:9.3f} {typst_start:9.3f}")
    print(f"{'  work of one issue (1641), s':48s} {warm:9.3f} {theirs - typst_start:9.3f}   (layout: warm render)")
    print(f"{'  layout with no start-up beyond the interpreter, s':48s} {bare + warm:9.3f} {theirs:9.3f}   "
          f"(still {(bare + warm) / theirs:.1f}× Typst's cold)")
    print(f"{'  work of all issues in one process, per issue, s':48s} {warm_all / n:9.3f}")
    target = typst_batch / 3
    print(f"{'  3× Typst: the whole batch within, s':48s} {target:9.3f}   "
          f"(2 workers: ≤ {2 * target / n * 1000:.0f} ms of work an issue; layout does {warm_all / n * 1000:.0f})")


def _child_peak(cmd: list[str]) -> float:
    """Peak resident memory (MB) of one fresh process, measured by the kernel (GNU time is not needed)."""
    import subprocess

    code = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
            "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code, *cmd], check=True, capture_output=True, text=True).stdout
    return int(out.strip()) / 1024


def batch_wall(jobs: int, tmp: Path, runs: int) -> float:
    """Median wall time of `layout batch issues/ -j N --force`, each run into a new folder."""
    import subprocess

    times = []
    for k in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "layout", "batch", str(ROOT / "issues"), "-j", str(jobs),
                        "--force", "-o", str(tmp / f"batch-{jobs}-{k}")], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def batch_figures(runs: int) -> float:
    """The archive: 8-page issue, and all issues with 1 and 2 workers."""
    import subprocess

    py = sys.executable
    issues = sorted((ROOT / "issues").glob("*.yaml"))
    pages = sum(len(load_issue(p).pages) for p in issues)
    fonts = default_fontset()
    with tempfile.TemporaryDirectory() as tmp:
        one = median_time(lambda: render(ROOT / "issues" / "1641.yaml", Path(tmp) / "one", fonts=fonts), runs)
        print(f"{'render one 8-page issue (1641), warm worker':44s} {one * 1000:9.1f} ms")
        print(f"{'  per page':44s} {one * 1000 / 8:9.1f} ms")
        for jobs in (1, 2):
            wall = batch_wall(jobs, Path(tmp), 3)
            print(f"{f'batch of {len(issues)} issues ({pages} pages), {jobs} worker(s)':44s} {wall:9.2f} s "
                  f"({pages / wall:.1f} pages/s)")
        mem = _child_peak([py, "-m", "layout", "batch", str(ROOT / "issues"), "-j", "1", "--force", "-o",
                           str(Path(tmp) / "mem")])
        print(f"{'peak memory of one worker (whole archive)':44s} {mem:9.0f} MB")
        start = time.perf_counter()
        subprocess.run([py, "-m", "layout", "batch", str(ROOT / "issues"), "-j", "2", "-o",
                        str(Path(tmp) / "batch-2-0")], check=True, capture_output=True)
        print(f"{'second batch, nothing changed (all skipped)':44s} {time.perf_counter() - start:9.2f} s")
    return one


def profile_summary() -> None:
    """Where the time of one 8-page issue goes: the functions with the most time of their own."""
    import cProfile
    import io
    import pstats

    fonts = default_fontset()
    with tempfile.TemporaryDirectory() as tmp:
        render(ROOT / "issues" / "1641.yaml", Path(tmp), fonts=fonts)
        forget_checked()
        profiler = cProfile.Profile()
        profiler.enable()
        render(ROOT / "issues" / "1641.yaml", Path(tmp), fonts=fonts)
        profiler.disable()
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream).sort_stats("cumulative")
    print()
    print("where the time goes (one 8-page issue, warm; cumulative seconds of the main stages)")
    stages = ["load_issue", "layout_issue", "flow_story", "compose_atoms", "atomise", "write_pdfs", "draw_page",
              "prepare_fonts", "subset", "write_document", "check", "_content_findings", "_decoded_ink"]
    for (file, _, name), (cc, nc, tt, ct, _) in sorted(stats.stats.items(), key=lambda kv: -kv[1][3]):
        if name in stages and "layout" in file:
            print(f"  {name:24s} {ct:7.3f} s  ({Path(file).name})")
            stages.remove(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="Skip the batch, Typst and profile parts.")
    args = parser.parse_args()

    # Fonts cold (no metrics cache: a new machine's first run) and from the metrics cache.
    with tempfile.TemporaryDirectory() as empty:
        os.environ["LAYOUT_CACHE_DIR"] = empty
        start = time.perf_counter()
        default_fontset()
        font_cold = time.perf_counter() - start
        load_face.cache_clear()
        start = time.perf_counter()
        fonts = default_fontset()
        font_load = time.perf_counter() - start
        del os.environ["LAYOUT_CACHE_DIR"]

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
    print(f"method: median of {args.runs} runs after one warm-up, one process, fonts loaded once; "
          f"batches and fresh processes: median of 3")
    print(f"{'figure':44s} {'value':>12s}")
    print(f"{'load the fonts, first run on a machine':44s} {font_cold * 1000:9.1f} ms")
    print(f"{'load the fonts, from the metrics cache':44s} {font_load * 1000:9.1f} ms")
    print(f"{f'compose one page of body text ({chars} chars)':44s} {compose_t * 1000:9.1f} ms")
    print(f"{'  per 1,000 characters':44s} {compose_t * 1e6 / chars:9.1f} ms")
    print(f"{f'render issue 1650 ({pages} pages, PDFs written)':44s} {render_t * 1000:9.1f} ms")
    print(f"{'  per page':44s} {render_t * 1000 / pages:9.1f} ms")
    print(f"{'PDF size per page (median)':44s} {statistics.median(sizes) / 1024:9.1f} KB")
    print(f"{'watch: one story edited, its page re-proofed':44s} {watch_t * 1000:9.1f} ms")
    print(f"{'  (PDF + preflight + 100 dpi PNG), CPU':44s} {watch_cpu * 1000:9.1f} ms")
    if args.quick:
        return
    warm = batch_figures(max(3, args.runs // 2))
    against_typst(3, warm)
    profile_summary()


if __name__ == "__main__":
    main()
