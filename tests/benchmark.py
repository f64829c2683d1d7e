"""Benchmark: prints how fast the engine composes and renders on this machine, and how its lines
compare with Typst's on texts the tests never tuned to.

    python tests/benchmark.py [--runs N] [--quick] [--quality] [--makeup] [--typst] [--studio]

Not a test (pytest does not collect it): speed and quality are measured here, never asserted in the
suite. Each speed figure is the median of N runs after one warm-up run, in one process (fonts loaded
once). ``--quality`` prints only the comparison of lines (see ``quality_table``); ``--makeup`` only the
make-up figures (see ``makeup_figures``).
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
# The checkout's engine; with PYTHONSAFEPATH=1 (python -P) the installed package instead, here and in
# the fresh processes started below, which inherit it: how the compiled build is measured (README.md
# "Compiled build").
if not sys.flags.safe_path:
    sys.path.insert(0, str(ROOT))

from layout.compose.linebreak import Composer  # noqa: E402
from layout.fonts.faces import default_fontset, load_face  # noqa: E402
from layout.issue.loader import load_issue  # noqa: E402
from layout.app.pipeline import render  # noqa: E402
from layout.compose.atoms import Paragraph, Span, TextStyle  # noqa: E402

import layout  # noqa: E402

# What a fresh `python -m layout` process is given on PYTHONPATH: the folder of the package measured
# (the checkout's, or the installed build's), never the checkout's where the installed one is measured.
ENGINE_PATH = str(Path(layout.__file__).resolve().parent.parent)

CORPUS = ROOT.parent / "shared" / "corpus" / "zh-guxiang.txt"
# The texts whose lines are compared with Typst's: two stories dense in dialogue, a statute dense in numbers.
QUALITY_TEXTS = (("故鄉", ROOT / "issues" / "texts" / "zh-guxiang.txt"),
                 ("祝福", ROOT / "issues" / "texts" / "zh-zhufu.txt"),
                 ("所得稅條例", ROOT / "tests" / "corpus" / "zh-enterprise-income-tax-regulations.txt"))
QUALITY_MEASURES = (7, 9, 11, 13, 17)    # characters a line, at 9 pt
QUALITY_SIZE = 9.0


def engine_build() -> str:
    """Which engine is measured: where it is imported from, and how many of the optional compiled
    build's modules (pyproject.toml's [tool.layout.compiled]) are C extensions there."""
    import importlib
    import tomllib

    import layout

    listed = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["layout"]["compiled"]["modules"]
    compiled = [name for name in listed if not importlib.import_module(name).__file__.endswith(".py")]
    build = f"compiled ({len(compiled)} of {len(listed)} listed modules)" if compiled else "pure Python"
    return f"engine: {Path(layout.__file__).parent}, {build}"


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


TYPST_WORKER = ("import sys, typst\n"
                "fonts, pairs = sys.argv[1], sys.argv[2:]\n"
                "for source, pdf in zip(pairs[0::2], pairs[1::2]):\n"
                "    typst.compile(source, output=pdf, font_paths=[fonts], ignore_system_fonts=True)\n")


def _typst_batch(groups: list[list[Path]], tmp: Path, fonts: str) -> float:
    """Wall seconds of Typst setting every source, with one process per group running at once (the
    engine's batch: one worker process per core, each setting many issues without starting again)."""
    import subprocess

    start = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", TYPST_WORKER, fonts,
                               *[str(x) for src in group for x in (src, tmp / f"{src.stem}.pdf")]])
             for group in groups if group]
    for proc in procs:
        if proc.wait():
            raise SystemExit("typst failed")
    return time.perf_counter() - start


def _goal(met: bool) -> str:
    return "met" if met else "NOT MET"


def against_typst(runs: int, warm: float) -> None:
    """The engine against Typst (issue 23), every figure in one run, each with its goal and whether it is
    met: start-up, a cold render of issue 1650 against Typst setting the same stories, the batch with
    both on the same number of worker processes (compared on the same pages and on the same stories),
    first-run memory, the disk cache's growth, and what bytecode compilation costs where
    PYTHONDONTWRITEBYTECODE is set. ``warm``: the warm render of 1641 measured by batch_figures."""
    import importlib.util
    import shutil

    if importlib.util.find_spec("typst") is None:
        print("typst: not installed (pip install typst) — comparison skipped")
        return
    import pypdfium2 as pdfium

    py = sys.executable
    jobs = 2
    issues = sorted((ROOT / "issues").glob("*.yaml"))
    import compileall

    # An install compiles the bytecode (pip at install; Python on a first import where it may write).
    compileall.compile_dir(ROOT / "layout", quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # Issue 1650 in one edition (its source's, Traditional): the 2-page render the goal names.
        one = tmp / "one" / "issues"
        shutil.copytree(ROOT / "issues", one)
        text = (one / "1650.yaml").read_text(encoding="utf-8")
        (one / "1650.yaml").write_text(text.replace("editions: [hans, hant]", "editions: [hant]"), encoding="utf-8")
        for path in issues:
            (tmp / f"{path.stem}.typ").write_text(typst_source(path), encoding="utf-8")
        fonts = str(ROOT / "fonts")
        typst_one = [py, "-c", TYPST_WORKER, fonts]

        def median_run(cmd, env=None) -> float:
            return statistics.median(_run(cmd, env=env)[0] for _ in range(runs))

        bare = median_run([py, "-c", "pass"])
        help_t = median_run([py, "-m", "layout", "--help"])
        check_t = median_run([py, "-m", "layout", "check", str(one / "1650.yaml")])
        # The same with one story's text just edited (a character changed, never the same twice), so its
        # parse, conversion and head words are not in the disk cache: what a check after an edit costs.
        story = one / "1650" / "community-spaces.md"
        source = story.read_text(encoding="utf-8")
        places = [i for i, ch in enumerate(source) if ch == "的"]

        # The cache a check of the issue as it is fills, copied afresh for each edit, so the edit is new to
        # it however often this runs.
        check_cache = {**os.environ, "LAYOUT_CACHE_DIR": str(tmp / "check-cache")}
        _run([py, "-m", "layout", "check", str(one / "1650.yaml")], env=check_cache)

        def edited_check(k: int) -> float:
            cache = tmp / f"edited-cache-{k}"
            shutil.copytree(tmp / "check-cache", cache)
            story.write_text(source[:places[k]] + "之" + source[places[k] + 1:], encoding="utf-8")
            return _run([py, "-m", "layout", "check", str(one / "1650.yaml")],
                        env={**os.environ, "LAYOUT_CACHE_DIR": str(cache)})[0]

        check_edited = statistics.median(edited_check(k) for k in range(runs))
        story.write_text(source, encoding="utf-8")
        cold_1650 = median_run([py, "-m", "layout", "render", str(one / "1650.yaml"), "-o", str(tmp / "o1")])
        cold_both = median_run([py, "-m", "layout", "render", str(ROOT / "issues" / "1650.yaml"), "-o", str(tmp / "o2")])
        typst_1650 = median_run(typst_one + [str(tmp / "1650.typ"), str(tmp / "1650.pdf")])
        typst_1650_pages = len(pdfium.PdfDocument(str(tmp / "1650.pdf")))
        typst_start = median_run([py, "-c", "import typst"])
        # Without bytecode (PYTHONDONTWRITEBYTECODE set and no __pycache__ written: an editable install
        # run from a read-only or never-compiled checkout): every fresh process compiles every module.
        nobytecode = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": str(tmp / "no-pyc")}
        cold_nobytecode = median_run([py, "-m", "layout", "render", str(one / "1650.yaml"), "-o", str(tmp / "o3")],
                                     env=nobytecode)
        # Batch: both on `jobs` processes. The engine's batch; Typst's sources split over as many processes.
        ours_pages = sum(len(load_issue(p).pages) * len(load_issue(p).editions) for p in issues)
        ours_batch = batch_wall(jobs, tmp, runs)
        sources = sorted((tmp / f"{p.stem}.typ" for p in issues), key=lambda p: -p.stat().st_size)
        groups = [sources[k::jobs] for k in range(jobs)]
        typst_batch = statistics.median(_typst_batch(groups, tmp, fonts) for _ in range(runs))
        typst_pages = 0
        for path in issues:
            doc = pdfium.PdfDocument(str(tmp / f"{path.stem}.pdf"))
            typst_pages += len(doc)
            doc.close()
        # Memory: a first run (empty cache: fonts read with fontTools, photos pressed) and a warm one,
        # one issue in a fresh process; Typst's largest issue.
        mem_first = _child_peak([py, "-m", "layout", "render", str(one / "1650.yaml"), "-o", str(tmp / "m1")],
                                env={**os.environ, "LAYOUT_CACHE_DIR": str(tmp / "first-cache")})
        mem_warm = _child_peak([py, "-m", "layout", "render", str(one / "1650.yaml"), "-o", str(tmp / "m2")])
        mem_typst = max(_child_peak(typst_one + [str(tmp / f"{p.stem}.typ"), str(tmp / "m.pdf")]) for p in issues)
        # The disk cache a whole archive leaves, from empty: its growth per issue.
        cache = tmp / "archive-cache"
        import subprocess

        subprocess.run([py, "-m", "layout", "batch", str(ROOT / "issues"), "-j", str(jobs), "--force", "-o",
                        str(tmp / "cache-batch")], check=True, capture_output=True,
                       env={**os.environ, "LAYOUT_CACHE_DIR": str(cache)})
        cache_bytes = sum(p.stat().st_size for p in cache.rglob("*") if p.is_file())
    from layout.base import diskcache

    n = len(issues)
    pages_ratio = (ours_pages / ours_batch) / (typst_pages / typst_batch)
    issues_ratio = typst_batch / ours_batch
    print()
    print(f"against Typst (PyPI typst, the same fonts, page size, columns and body type; fresh processes, "
          f"median of {runs}; ratio: layout's figure over Typst's — for times and memory lower is better, for "
          f"pages/s and issues/s higher)")
    print(f"{'figure':58s} {'layout':>9s} {'typst':>9s} {'ratio':>7s}  goal")
    print(f"{'Python interpreter alone (python -c pass), s':58s} {bare:9.3f}")
    print(f"{'layout --help, s':58s} {help_t:9.3f} {'':9s} {'':7s}  < 0.15 s: {_goal(help_t < 0.15)}")
    print(f"{'layout check 1650 (one edition, 2 pages), s':58s} {check_t:9.3f} {'':9s} {'':7s}  < 0.15 s: "
          f"{_goal(check_t < 0.15)}")
    print(f"{'  the same, a story just edited (its text not in the cache), s':58s} {check_edited:9.3f}")
    print(f"{'start-up: interpreter and imports (import typst), s':58s} {'':9s} {typst_start:9.3f}")
    print(f"{f'cold render of 1650, one edition (Typst: its stories, {typst_1650_pages} p.), s':58s} "
          f"{cold_1650:9.3f} {typst_1650:9.3f} {cold_1650 / typst_1650:6.2f}×  ≤ 1.3×: "
          f"{_goal(cold_1650 <= 1.3 * typst_1650)}")
    print(f"{'  both editions (4 pages), s':58s} {cold_both:9.3f} {typst_1650:9.3f} {cold_both / typst_1650:6.2f}×")
    print(f"{'  one edition, no bytecode (PYTHONDONTWRITEBYTECODE, no cache), s':58s} {cold_nobytecode:9.3f} "
          f"{'':9s} {'':7s}  (+{(cold_nobytecode - cold_1650) * 1000:.0f} ms compiling)")
    print(f"{f'batch of {n} issues, both on {jobs} processes, wall s':58s} {ours_batch:9.2f} {typst_batch:9.2f}")
    print(f"{'  same pages: pages/s (each its own page count)':58s} {ours_pages / ours_batch:9.1f} "
          f"{typst_pages / typst_batch:9.1f} {pages_ratio:6.2f}×  ≥ 3× Typst: {_goal(pages_ratio >= 3)}")
    print(f"{'  same stories: issues/s':58s} {n / ours_batch:9.1f} {n / typst_batch:9.1f} {issues_ratio:6.2f}×  "
          f"≥ 0.5× Typst: {_goal(issues_ratio >= 0.5)}")
    print(f"{'  pages the archive makes (layout: every edition)':58s} {ours_pages:9d} {typst_pages:9d}")
    print(f"{'peak memory, first run (empty cache), one issue, MiB':58s} {mem_first:9.0f} {mem_typst:9.0f} "
          f"{mem_first / mem_typst:6.2f}×  ≤ Typst: {_goal(mem_first <= mem_typst)}")
    print(f"{'peak memory, cache filled, one issue, MiB':58s} {mem_warm:9.0f} {mem_typst:9.0f} "
          f"{mem_warm / mem_typst:6.2f}×  ≤ Typst: {_goal(mem_warm <= mem_typst)}")
    print(f"{f'disk cache after the archive from empty, MiB ({n} issues)':58s} {cache_bytes / 2**20:9.1f}")
    print(f"{'  per issue, MiB':58s} {cache_bytes / 2**20 / n:9.2f}   (budget "
          f"{diskcache.CACHE_MAX_BYTES / 2**20:.0f} MiB, entries unused {diskcache.CACHE_MAX_AGE / 86400:.0f} days "
          f"go: bounded: {_goal(diskcache.CACHE_MAX_BYTES <= 2**30)})")
    print(f"{'work of one 8-page issue (1641) in a warm worker, s':58s} {warm:9.3f}")
    print("  Typst sets the stories in its own way (no masthead, furniture, balancing, PDF/X or preflight): its")
    print("  pages are not the same pages. 'Same pages' compares pages made per second, each engine its own count;")
    print("  'same stories' compares issues per second, the same stories in each.")


# --- the lines against Typst's ---------------------------------------------------------------------------

def _quality_paragraphs(path: Path) -> list[str]:
    return [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]


def engine_pdf(paragraphs: list[str], chars: int, out: Path, fonts, settings=None) -> float:
    """The paragraphs set by the engine at ``chars`` characters a line (2-em indent, 9 pt on a 14 pt pitch),
    in columns on the template's pages, written by its own PDF writer; returns the seconds composing took.
    ``settings``: the composition settings, else the defaults."""
    from layout.compose.atoms import Paragraph, Span, TextStyle
    from layout.page.assemble import IssueLayout, PageLayout
    from layout.page.furniture import runs_at
    from layout.pdf.writer import draw_page, prepare_fonts, write_document

    issue = load_issue(ROOT / "issues" / "1650.yaml")
    t = issue.template
    measure, pitch, gutter = chars * QUALITY_SIZE, 14.0, 18.0
    composer = Composer(fonts, settings) if settings else Composer(fonts)
    style = TextStyle("body", QUALITY_SIZE)
    start = time.perf_counter()
    composed = [composer.compose(Paragraph((Span(text, style),)), measure) for text in paragraphs]
    took = time.perf_counter() - start
    columns = int((t.trim_w - 72 + gutter) // (measure + gutter))
    rows = int((t.trim_h - 72) // pitch)
    pages, items, slot = [], [], 0
    for lines in composed:
        for line in lines:
            if slot == columns * rows:
                pages.append(PageLayout(len(pages) + 1, tuple(items)))
                items, slot = [], 0
            col, row = divmod(slot, rows)
            items.extend(runs_at(line, 36 + col * (measure + gutter), 36 + (row + 1) * pitch))
            slot += 1
    pages.append(PageLayout(len(pages) + 1, tuple(items)))
    layout = IssueLayout(issue, tuple(pages), ())
    drawn = [draw_page(p, layout, fonts) for p in layout.pages]
    with open(out, "wb") as f:
        write_document(f, drawn, prepare_fonts(drawn, fonts), "quality", layout)
    return took


def typst_pdf(paragraphs: list[str], chars: int, out: Path) -> None:
    """The same paragraphs set by Typst (justified, optimized line breaking, the same font, size, indent and
    measure), one column a page."""
    import typst

    measure = chars * QUALITY_SIZE
    escaped = []
    for text in paragraphs:
        for ch in "\\*#$@<_`[]~=/-+":
            text = text.replace(ch, "\\" + ch)
        escaped.append(text)
    source = (f"#set page(width: {measure + 20}pt, height: 1000pt, margin: 10pt)\n"
              f'#set text(font: "Noto Serif CJK SC", size: {QUALITY_SIZE}pt, lang: "zh", region: "cn")\n'
              f"#set par(justify: true, first-line-indent: (amount: 2em, all: true), leading: 5pt, spacing: 5pt)\n\n"
              + "\n\n".join(escaped) + "\n")
    src = out.with_suffix(".typ")
    src.write_text(source, encoding="utf-8")
    typst.compile(str(src), output=str(out), font_paths=[str(ROOT / "fonts")], ignore_system_fonts=True)


def pdf_lines(path: Path, column: float, margin: float) -> list[tuple[float, list[tuple[str, float, float]]]]:
    """The lines of a PDF as pdfium reads them back, in reading order: each its column's left edge and its
    (character, origin x, size); columns ``column`` pt apart (measure and gutter), ``margin`` pt in from
    the trim, taken one after another on each page."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    doc = pdfium.PdfDocument(str(path))
    out = []
    for page in doc:
        tp = page.get_textpage()
        height = page.get_height()
        left = page.get_trimbox()[0] + margin
        rows: dict[tuple[int, float], list[tuple[str, float, float]]] = {}
        for i in range(tp.count_chars()):
            ch = tp.get_text_range(i, 1)
            if not ch or ch.isspace() or raw.FPDFText_IsGenerated(tp.raw, i):
                continue
            x, y = ctypes.c_double(), ctypes.c_double()
            raw.FPDFText_GetCharOrigin(tp.raw, i, ctypes.byref(x), ctypes.byref(y))
            col = int((x.value - left + 9.0) // column) if column else 0
            rows.setdefault((col, round(height - y.value, 1)), []).append(
                (ch, x.value, raw.FPDFText_GetFontSize(tp.raw, i)))
        out.extend((left + k[0] * column, sorted(rows[k], key=lambda c: c[1])) for k in sorted(rows))
    doc.close()
    return out


QUALITY_HEADS = ("lines", "loose", "very loose", "closed up", "squeezed", "punct only", "孤字", "避頭尾", "ragged",
                 "overfull")


def line_figures(lines, paragraphs: list[str], measure: float, fonts) -> dict[str, int]:
    """What a reader sees in a setting's lines: letter-spaced lines (median added space between ideographs
    over 0.1 em, over 0.2 em), lines closed up (that median under -0.01 em), marks squeezed inside a line
    (half ems taken from marks beyond the 1.5 em of adjacent marks), lines of nothing but punctuation, 孤字
    last lines, 避頭尾 at the basic level, lines not flush to the measure (not a paragraph's last) and lines
    over it (more than 0.5 pt either)."""
    import statistics
    import unicodedata

    from layout.compose import rules_zh as zh

    sys.path.insert(0, str(ROOT / "tests"))
    from invariants import is_orphan

    marks = zh.OPENING | zh.CLOSING | zh.PAUSE_STOP | zh.MIDDLE_DOT
    punctuation = marks | zh.DASHES | zh.ELLIPSES
    no_start, no_end = zh.no_start_set(zh.Strictness.BASIC), zh.NO_END
    texts = ["".join(ch for ch in p if not ch.isspace()) for p in paragraphs]
    ends, at = set(), 0
    starts = set()
    for text in texts:
        starts.add(at)
        at += len(text)
        ends.add(at)
    got = sum(len(line) for _, line in lines)
    if got != at:
        raise SystemExit(f"read back {got} characters, the texts have {at}")

    def advance(ch: str, size: float) -> float:
        if ch in zh.DASHES or ch in zh.ELLIPSES:
            return size       # ——, ……: each half of a 2-em unit, however wide the font's glyph
        face = fonts.face_for(ch, "body")
        return face.advance(ch) * size if face else size

    def ideograph(ch: str) -> bool:
        return ord(ch) >= 0x2E80 and unicodedata.category(ch) == "Lo"

    def full_mark(ch: str) -> bool:
        return ch in marks and advance(ch, 1.0) > 0.99

    fig = dict.fromkeys(QUALITY_HEADS, 0)
    pos = 0
    for left, line in lines:
        text = "".join(c[0] for c in line)
        first, last = pos in starts, pos + len(text) in ends
        pos += len(text)
        fig["lines"] += 1
        em = max(c[2] for c in line)
        if all(ch in punctuation for ch in text):
            fig["punct only"] += 1
        if last and not first and is_orphan(text):
            fig["孤字"] += 1
        if (not first and text[0] in no_start) or (not last and text[-1] in no_end):
            fig["避頭尾"] += 1
        end = line[-1][1] + advance(line[-1][0], line[-1][2])
        if line[-1][0] in zh.CLOSING | zh.PAUSE_STOP and advance(line[-1][0], 1.0) > 0.99:
            end -= 0.5 * line[-1][2]     # a full-width mark ends a line at half width
        fig["overfull"] += end > left + measure + 0.5
        if not last:
            fig["ragged"] += end < left + measure - 0.5
            added = [(b[1] - a[1] - advance(a[0], a[2])) / em for a, b in zip(line, line[1:])
                     if ideograph(a[0]) and ideograph(b[0])]
            if added:
                median = statistics.median(added)
                # PDF positions are written to 0.01 pt: a line spread by exactly 0.1 em does not exceed it.
                fig["loose"] += median > 0.1 + 0.002
                fig["very loose"] += median > 0.2 + 0.002
                fig["closed up"] += median < -0.01
        # Runs of full-width marks strictly inside the line: the room they take against their natural
        # width (1 em each, less ½ em where two meet).
        k = 1
        while k < len(line) - 1:
            if not full_mark(line[k][0]):
                k += 1
                continue
            j = k
            while j < len(line) - 1 and full_mark(line[j][0]):
                j += 1
            if j < len(line) - 1 or not full_mark(line[j][0]):
                before, after = line[k - 1], line[j]
                size = line[k][2]
                taken = after[1] - before[1] - advance(before[0], before[2])
                natural = (j - k) * size - 0.5 * size * (j - k - 1)
                deficit = natural - taken
                if deficit > 0.2 * size:
                    fig["squeezed"] += round(deficit / (0.5 * size))
            k = j + 1
    return fig


def quality_table() -> None:
    """Point 2 of issue 17: per text and measure, the engine's lines against Typst's on the same text and
    measure, both read back from their PDFs the same way; then the totals per measure against the goals."""
    import importlib.util

    from layout.compose.settings import CompositionSettings

    have_typst = importlib.util.find_spec("typst") is not None
    fonts = default_fontset()
    # The same engine letting a paragraph lose a line wherever that avoids a loose line (README).
    saving = CompositionSettings(keep_line_count=False)
    heads = QUALITY_HEADS
    print()
    print("lines against Typst's (read back from each PDF; loose: median added space between ideographs over")
    print("0.1 em, very loose: over 0.2 em; squeezed: half ems taken from marks inside a line; 避頭尾 at basic)")
    print(f"{'text':12s} {'chars':>5s} {'setter':7s} " + " ".join(f"{h:>9s}" for h in heads))
    totals: dict[tuple[int, str], dict[str, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, path in QUALITY_TEXTS:
            paragraphs = _quality_paragraphs(path)
            for chars in QUALITY_MEASURES:
                measure = chars * QUALITY_SIZE
                ours = Path(tmp) / f"ours-{chars}.pdf"
                engine_pdf(paragraphs, chars, ours, fonts)
                rows = [("layout", line_figures(pdf_lines(ours, measure + 18.0, 36.0), paragraphs, measure, fonts))]
                engine_pdf(paragraphs, chars, ours, fonts, saving)
                rows.append(("saving", line_figures(pdf_lines(ours, measure + 18.0, 36.0), paragraphs, measure, fonts)))
                if have_typst:
                    theirs = Path(tmp) / f"typst-{chars}.pdf"
                    typst_pdf(paragraphs, chars, theirs)
                    rows.append(("typst", line_figures(pdf_lines(theirs, 0.0, 10.0), paragraphs, measure, fonts)))
                for setter, fig in rows:
                    total = totals.setdefault((chars, setter), dict.fromkeys(heads, 0))
                    for h in heads:
                        total[h] += fig[h]
                    label = name if setter == "layout" else ""
                    print(f"{label:12s} {chars:5d} {setter:7s} " + " ".join(f"{fig[h]:9d}" for h in heads))
    print()
    print("all three texts, per measure, and the goals (loose ≤ Typst's, very loose ≤ half Typst's, squeezed")
    print("≤ Typst's, no line of punctuation, no 孤字, no 避頭尾)")
    print(f"{'chars':>5s} {'setter':7s} " + " ".join(f"{h:>9s}" for h in heads) + "  goals")
    for chars in QUALITY_MEASURES:
        ours = totals[(chars, "layout")]
        theirs = totals.get((chars, "typst"))
        met = ""
        if theirs:
            checks = [ours["loose"] <= theirs["loose"], ours["very loose"] <= theirs["very loose"] / 2,
                      ours["squeezed"] <= theirs["squeezed"], ours["punct only"] == 0, ours["孤字"] == 0,
                      ours["避頭尾"] == 0]
            met = "met" if all(checks) else "MISSED: " + ", ".join(
                h for h, ok in zip(["loose", "very loose", "squeezed", "punct only", "孤字", "避頭尾"], checks)
                if not ok)
        print(f"{chars:5d} {'layout':7s} " + " ".join(f"{ours[h]:9d}" for h in heads) + f"  {met}")
        saved = totals[(chars, "saving")]
        print(f"{'':5s} {'saving':7s} " + " ".join(f"{saved[h]:9d}" for h in heads)
              + "  (keep_line_count=False)")
        if theirs:
            print(f"{'':5s} {'typst':7s} " + " ".join(f"{theirs[h]:9d}" for h in heads))


def _child_peak(cmd: list[str], env: dict | None = None) -> float:
    """Peak resident memory (MiB) of one fresh process, measured by the kernel (GNU time is not needed)."""
    import subprocess

    code = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
            "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code, *cmd], check=True, capture_output=True, text=True,
                         env=env).stdout
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


def makeup_figures(runs: int) -> None:
    """`layout makeup` (issue 22): a front page of 5 stories, 2 photos and an advertisement proposed
    (issues/plans/1641.yaml's page 1: the search, its candidates laid out by the engine and checked),
    and whole 8-page issues proposed and written (every proposal laid out again from its file), each
    from a new measurer (nothing composed yet); median of ``runs`` after a warm-up, fonts loaded once;
    then one cold run of the command in a fresh process."""
    import shutil
    import subprocess

    from layout.app.makeup import IssueSoFar, extend, issue_model, make_up, page_fails, page_problem, plan_editions, plan_roles
    from layout.app.makeup_fit import Measurer
    from layout.app.makeup_plan import load_plan

    fonts = default_fontset()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        shutil.copytree(ROOT / "issues", project / "issues", ignore=lambda d, names: [
            n for n in names if n.endswith(".yaml") and Path(d).name == "issues"])
        plans = project / "issues" / "plans"
        plan = load_plan(plans / "1641.yaml")
        front = plan.pages[0]
        roles = plan_roles(plan)

        def front_page() -> int:
            # As `layout makeup` does: every edition the plan prints measured and checked.
            editions = plan_editions(plan, fonts)
            measurer = Measurer(plan.template, editions[0].composer, editions)
            codes = tuple(ed.code for ed in editions)
            problem = page_problem(plan, front, IssueSoFar(0.0), measurer)
            passed = 0
            for cost, arrangement in problem.solve():
                state = extend(IssueSoFar(0.0), 1, arrangement, cost)
                if not page_fails(issue_model(plan, state, plans / "x.yaml", upto=1, editions=codes), front, roles,
                                  editions, state):
                    passed += 1
                    if passed == 3:
                        break
            return passed

        photos = sum(1 for st in front.stories if st.photo)
        ads = sum(1 for b in front.boxes if b.kind.value == "ad")
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"{time.strftime('%Y-%m-%d')}; median of {runs} runs after one warm-up")
        print(f"{'figure':60s} {'value':>10s}")
        print(f"{f'front page: {len(front.stories)} stories, {photos} photos, {ads} ad (3 proposals)':60s} "
              f"{median_time(front_page, runs):8.2f} s")
        for name in ("1650-front.yaml", "1641.yaml", "1642.yaml"):
            pages = len(load_plan(plans / name).pages)
            t = median_time(lambda: make_up(plans / name, project / "issues" / "bench.yaml", 1, fonts), runs)
            print(f"{f'{name}: {pages} pages proposed, written and laid out again':60s} {t:8.2f} s")
        cold = time.perf_counter()
        subprocess.run([sys.executable, "-m", "layout", "makeup", str(plans / "1641.yaml"), "-o",
                        str(project / "issues" / "cold.yaml"), "--proposals", "3"], cwd=project, check=True,
                       capture_output=True, env={**os.environ, "PYTHONPATH": ENGINE_PATH})
        print(f"{'layout makeup 1641.yaml --proposals 3, a fresh process':60s} {time.perf_counter() - cold:8.2f} s")


# --- the studio: from a save to the page shown in the browser (issue 20) -----------------------------

def studio_latency(runs: int) -> None:
    """`layout studio` (issue 20): from a story file saved to its page's new picture shown in headless
    Chromium, for a one-story edit on issue 1650 (2 pages) and on the 8-page back issue 1641 — measured
    with the clock both sides share: the time just before the save, and the time the page's image
    finished loading (its load event, recorded by the page). Median and worst of ``runs`` edits after
    one warm-up edit, the studio a fresh process (`layout studio --port 0`) looking every 0.1 s."""
    import shutil
    import subprocess

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if chromium is None or sync_playwright is None:
        print("studio: skipped (needs Debian's chromium and Playwright: pip install -e '.[test]')")
        return
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{time.strftime('%Y-%m-%d')}; median (worst) of {runs} edits after one warm-up")
    print(f"load average {os.getloadavg()[0]:.2f} (other work on the machine slows every figure)")
    print(f"{'layout studio: a story saved -> its page shown':60s} {'median':>8s} {'worst':>8s}")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        project = Path(tmp)
        shutil.copytree(ROOT / "issues", project / "issues")
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"])
        for name, story, page_number in (("1650", "1650/community-spaces.md", 1),
                                         ("1641", "1650/community-spaces.md", 1)):
            issue = project / "issues" / f"{name}.yaml"
            studio = subprocess.Popen([sys.executable, "-m", "layout", "studio", str(issue), "--port", "0", "-o",
                                       str(project / "out" / name)], cwd=project, stdout=subprocess.PIPE,
                                      stderr=subprocess.DEVNULL, text=True,
                                      env={**os.environ, "PYTHONPATH": ENGINE_PATH, "NO_COLOR": "1"})
            url = studio.stdout.readline().split()[1]
            # What the studio prints after each update is read away, so that its pipe never fills.
            import threading
            threading.Thread(target=lambda out=studio.stdout: [None for _ in out], daemon=True).start()
            page = browser.new_page(viewport={"width": 1500, "height": 950})
            page.goto(url)
            selector = f".page[data-page='{page_number}']"
            page.wait_for_selector(f"{selector}[data-shown-rev]", timeout=60_000)
            text_file = project / "issues" / story
            original = text_file.read_text(encoding="utf-8")
            latencies, updates = [], []
            for k in range(runs + 1):
                rev = int(page.locator(selector).get_attribute("data-shown-rev"))
                time.sleep(0.35)                           # the studio idle, as between an editor's saves
                edited = original.replace("。", "，", 1 + k % 3) if k % 2 == 0 else original
                saved = time.time()
                text_file.write_text(edited, encoding="utf-8")
                page.wait_for_function(f"document.querySelector(\"{selector}\").dataset.shownRev > {rev}",
                                       timeout=60_000)
                shown = int(page.locator(selector).get_attribute("data-shown-at")) / 1000
                if k:
                    latencies.append(shown - saved)
                    updates.append(page.evaluate("window.__studio.state.seconds"))
            pages = len(page.evaluate("window.__studio.state.pages"))
            print(f"{f'  issue {name} ({pages} pages): one story edited':60s} "
                  f"{statistics.median(latencies):7.2f}s {max(latencies):7.2f}s")
            print(f"{'    of which the update (layout, proof PDF, PNG, issue files)':60s} "
                  f"{statistics.median(updates):7.2f}s {max(updates):7.2f}s")
            page.close()
            studio.terminate()
            studio.wait(30)
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="Skip the batch, Typst and profile parts.")
    parser.add_argument("--quality", action="store_true", help="Only the lines against Typst's (issue 17).")
    parser.add_argument("--makeup", action="store_true", help="Only the make-up figures (issue 22).")
    parser.add_argument("--typst", action="store_true", help="Only the figures against Typst (issue 23).")
    parser.add_argument("--studio", action="store_true",
                        help="Only the studio's latency, from a save to the page shown in a browser (issue 20).")
    args = parser.parse_args()
    print(engine_build())
    if args.studio:
        studio_latency(args.runs)
        return
    if args.quality:
        quality_table()
        return
    if args.makeup:
        makeup_figures(args.runs)
        return
    if args.typst:
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"{time.strftime('%Y-%m-%d')}, load {os.getloadavg()[0]:.2f}")
        fonts = default_fontset()
        with tempfile.TemporaryDirectory() as tmp:
            warm = median_time(lambda: render(ROOT / "issues" / "1641.yaml", Path(tmp), fonts=fonts), args.runs)
        against_typst(max(3, args.runs // 2), warm)
        return

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
    sample = load_issue(issue_path)
    pages = len(sample.pages) * len(sample.editions)     # every edition's pages are laid out and written
    with tempfile.TemporaryDirectory() as tmp:
        render_t = median_time(lambda: render(issue_path, Path(tmp), fonts=fonts), args.runs)
        sizes = [p.stat().st_size for p in Path(tmp).rglob("*-0*.pdf")]

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
    print(f"{f'render issue 1650 ({pages} pages: {len(sample.editions)} editions, PDFs written)':44s} {render_t * 1000:9.1f} ms")
    print(f"{'  per page':44s} {render_t * 1000 / pages:9.1f} ms")
    print(f"{'PDF size per page (median)':44s} {statistics.median(sizes) / 1024:9.1f} KB")
    print(f"{'watch: one story edited, its page re-proofed':44s} {watch_t * 1000:9.1f} ms")
    print(f"{'  (PDF + preflight + 100 dpi PNG), CPU':44s} {watch_cpu * 1000:9.1f} ms")
    if args.quick:
        return
    warm = batch_figures(max(3, args.runs // 2))
    against_typst(3, warm)
    quality_table()
    profile_summary()


if __name__ == "__main__":
    main()
