"""A fuzz campaign against the promises "nothing is lost" and "bad input gets one line": thousands
of mutated issue files and story texts through the whole layout (not in CI's time budget).

    python3 tests/fuzz_campaign.py [--cases 10000] [--seed 1] [--render-every 200]

Every case must end in one of two ways: the engine's own one-line error (LayoutError), or a layout
whose every story character is placed or reported overset and whose every furniture text is drawn
whole inside its place (the engine checks both on every layout; this script checks again from the
drawn items, independently). Every ``--render-every``-th successful case is also written as PDFs and
its text read back from the files. Anything else — a traceback, a multi-line error, a lost
character — is printed with its seed and counted; the exit status is 1 if there is any.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from layout.app.pipeline import build_layout, render  # noqa: E402
from layout.base.errors import LayoutError  # noqa: E402
from layout.fonts.faces import default_fontset  # noqa: E402
from layout.page.items import TextRun  # noqa: E402

# Text a newsroom and a careless hand produce: ideographs both scripts, punctuation at every place,
# Latin, numbers, URLs, Markdown-looking lines, hashtags, stray controls, emoji, invisible marks.
PIECES = ["徐匯區", "居民", "本報訊", "記者", "“", "”", "「", "」", "，", "。", "、", "：", "；", "？", "！", "——", "……",
          "（", "）", "《", "》", "·", " ", "\u3000", "2021年11月29日", "12.8%", "1,234.56", "10:30",
          "https://www.xuhuibao.com/news/2021/11/29/index.html", "Xuhui", "COVID-19", "#徐匯#", "#1 號線",
          "**", "**加粗**", "*", "## ", "# ", "> ", "1. ", "- ", "\\", "\u200b", "\ufeff", "\u0301", "😀", "𠮷",
          "\x07", "\t", "稳增长", "办好", "医养", "鄕", "ｱ", "①", "~", "&amp;", "<b>", "{緊}", "​"]


def random_text(rng: random.Random, paragraphs: int) -> str:
    lines = []
    for _ in range(paragraphs):
        n = rng.randint(0, 40)
        lines.append("".join(rng.choice(PIECES) if rng.random() < 0.5 else rng.choice("我們的城市街道社區服務")
                             for _ in range(n)))
    return "\n".join(lines) + rng.choice(["", "\n", "\r\n", "\n\n"])


def mutate_yaml(rng: random.Random, text: str) -> str:
    """One to three edits of the issue file's text: numbers changed, keys dropped or misspelt, values
    replaced with strange ones, lines duplicated or cut."""
    lines = text.split("\n")
    for _ in range(rng.randint(1, 3)):
        k = rng.randrange(len(lines))
        line = lines[k]
        choice = rng.random()
        if choice < 0.35 and re.search(r"\d+", line):
            lines[k] = re.sub(r"\d+", lambda m: str(rng.choice([0, 1, 2, 3, 5, 8, 13, 72, 73, 99, 10**9, -1])), line,
                              count=1)
        elif choice < 0.5:
            del lines[k]
        elif choice < 0.6:
            lines.insert(k, line)
        elif choice < 0.7 and ":" in line:
            key, _, value = line.partition(":")
            lines[k] = key + ": " + rng.choice(["", "null", "~", "[]", "{}", "'" + "字" * rng.randint(1, 400) + "'",
                                                "\"\\x00\"", "yes", "3.5", "-2", "&a", "*a", "!!python/object:x {}",
                                                "..", "/etc/passwd", "../../x.md", "😀"])
        elif choice < 0.8:
            lines[k] = line.replace("page", rng.choice(["pgae", "Page", "page"]), 1)
        elif choice < 0.9:
            lines[k] = line[: rng.randrange(len(line) + 1)]
        else:
            lines[k] = line + rng.choice([" #", "  x: 1", "\t", "]", "}", ":"])
    return "\n".join(lines)


def drawn_text(layout) -> str:
    return "".join(i.text for page in layout.pages for i in page.items if isinstance(i, TextRun))


def squeeze(text: str) -> str:
    """Text as a reader checks it: no spaces, no invisible marks, and no jump lines (a paragraph
    continued on another page is interrupted by them)."""
    text = re.sub(r"（[下上][轉接转]第\d+版）", "", text)
    return re.sub(r"[\s\u200b\u200c\u200d\u2060\ufeff\u00ad]", "", text)


def drawn_in_order(want: str, drawn: str) -> bool:
    """``want`` is drawn, in order, in one or more pieces (a paragraph continued on another page is
    split by whatever comes between): greedily the longest prefix found after the last piece."""
    pos = 0
    while want:
        lo, hi = 0, len(want)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if drawn.find(want[:mid], pos) >= 0:
                lo = mid
            else:
                hi = mid - 1
        if lo == 0:
            return False
        pos = drawn.find(want[:lo], pos) + lo
        want = want[lo:]
    return True


def check_nothing_lost(layout) -> str | None:
    """Independently of the engine's own checks: every story paragraph's visible text is drawn, in
    order, unless the story is reported overset; every box's and caption's text is drawn."""
    drawn = squeeze(drawn_text(layout))
    for flow in layout.flows:
        if flow.overset:
            continue
        for block in flow.story.blocks:
            if not drawn_in_order(squeeze(block.text), drawn):
                return f"story '{flow.story.id}': 「{block.text[:20]}」 not drawn and not reported overset"
    for box in layout.issue.boxes:
        for part in box.text.split("\n"):
            if squeeze(part) and squeeze(part) not in drawn:
                return f"box '{box.id}': 「{part[:20]}」 not drawn"
    for story in layout.issue.stories:
        for part in (story.kicker, story.headline, story.deck):
            if part and squeeze(part) not in drawn:
                return f"story '{story.id}': head text 「{part[:20]}」 not drawn"
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--render-every", type=int, default=200)
    args = parser.parse_args()
    fonts = default_fontset()
    work = Path(tempfile.mkdtemp(prefix="layout-fuzz-"))
    shutil.copytree(ROOT / "issues", work / "issues")
    source = (work / "issues" / "1650.yaml").read_text(encoding="utf-8")
    texts = {p: p.read_text(encoding="utf-8") for p in (work / "issues" / "1650").glob("*.md")}
    counts = {"error": 0, "laid out": 0, "rendered": 0, "traceback": 0, "lost": 0, "multi-line": 0}
    start = time.perf_counter()
    for case in range(args.cases):
        rng = random.Random(args.seed * 1_000_003 + case)
        issue = work / "issues" / "1650.yaml"
        kind = rng.random()
        for path, text in texts.items():
            path.write_text(text, encoding="utf-8")
        if kind < 0.5:
            issue.write_text(mutate_yaml(rng, source), encoding="utf-8")
        else:
            issue.write_text(source, encoding="utf-8")
            target = rng.choice(sorted(texts))
            target.write_text(random_text(rng, rng.randint(0, 12)), encoding="utf-8")
        try:
            layout = build_layout(issue, fonts, proof=rng.random() < 0.3)
        except LayoutError as exc:
            counts["error"] += 1
            if "\n" in str(exc):
                counts["multi-line"] += 1
                print(f"case {case}: multi-line error: {str(exc)[:200]!r}")
            continue
        except Exception:  # noqa: BLE001 — what the campaign is looking for
            counts["traceback"] += 1
            print(f"case {case}: traceback\n{traceback.format_exc()}")
            continue
        counts["laid out"] += 1
        lost = check_nothing_lost(layout)
        if lost:
            counts["lost"] += 1
            print(f"case {case}: lost: {lost}")
        if args.render_every and counts["laid out"] % args.render_every == 0:
            try:
                result = render(issue, work / "out", fonts=fonts, proof=True)
                counts["rendered"] += 1
                from pdfscan import page_texts

                text = squeeze("".join(t for f in result.files[:-1] for t in page_texts(f)))
                for flow in result.layout.flows:
                    if not flow.overset:
                        for block in flow.story.blocks:
                            if not drawn_in_order(squeeze(block.text), text):
                                counts["lost"] += 1
                                print(f"case {case}: lost in the PDF: 「{block.text[:20]}」")
            except LayoutError:
                pass
            except Exception:  # noqa: BLE001
                counts["traceback"] += 1
                print(f"case {case}: traceback while rendering\n{traceback.format_exc()}")
        if (case + 1) % 1000 == 0:
            print(f"{case + 1} cases, {time.perf_counter() - start:.0f} s: {counts}", flush=True)
    print(f"done: {args.cases} cases in {time.perf_counter() - start:.0f} s: {counts}")
    shutil.rmtree(work, ignore_errors=True)
    return 1 if counts["traceback"] or counts["lost"] or counts["multi-line"] else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
