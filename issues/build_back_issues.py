"""Writes the sample back issues issues/1639.yaml … issues/1649.yaml (sample data, not real issues).

    python issues/build_back_issues.py

Each is eight pages on one of the two tabloid templates: a front page with the masthead, one of the
seed's three stories as the lead jumping to page 2 or 3, another seed story, a photo and a banner;
inside pages carry 魯迅's 故鄉 and 祝福 (public domain) as a serial, in excerpts of varied length,
with photos and advertisement and notice placeholders. Frames are sized with the engine itself so
that every story fits (no overset) and columns are balanced. Deterministic: the same files every run.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from layout.page.assemble import composer_for  # noqa: E402
from layout.base.errors import LayoutError  # noqa: E402
from layout.page.flow import flow_story  # noqa: E402
from layout.page.furniture import headline_block  # noqa: E402
from layout.page.verify import verify_drawn  # noqa: E402
from layout.fonts.faces import default_fontset  # noqa: E402
from layout.issue.loader import load_template, parse_body  # noqa: E402
from layout.issue.model import Frame, GridRect, Story  # noqa: E402
from layout.issue.yamlnodes import load_yaml, read_text_file  # noqa: E402

SEED_STORIES = [
    ("study-session", "1650/study-session.md", None, "奮進卓越徐匯新征程 書寫趕考路上新答卷", "徐匯區委、區政府舉行學習討論會"),
    ("government-meeting", "1650/government-meeting.md", "鍾曉詠主持召開區政府黨組會議",
     "學習貫徹黨的十九屆六中全會和區第十一次黨代會精神", None),
    ("community-spaces", "1650/community-spaces.md", None, "從“搖籃”到“拐杖”，我區竭力打造老少咸宜的社區空間", None),
]
SERIALS = [("guxiang", "texts/zh-guxiang.txt", "故鄉"), ("zhufu", "texts/zh-zhufu.txt", "祝福")]
SECTIONS = ["要聞", "要聞", "綜合", "社區", "民生", "文化", "副刊", "副刊"]
TEMPLATES = ["xuhuibao-tabloid", "xuhuibao-tabloid-5col"]
CN_NUM = "一二三四五六七八九十"


class Planner:
    """Sizes frames with the engine: the fewest lines that hold a story with no overset."""

    def __init__(self, template_name: str, fonts):
        self.t = load_template(load_yaml(HERE / "templates" / f"{template_name}.yaml", "template"), template_name)
        self.composer = composer_for(self.t, fonts)

    def head_fits(self, seed, page: int, col: int, span: int, line: int, lines: int) -> bool:
        """Whether the seed story's kicker, headline and deck fit their head at the styles' sizes; where
        they do not, the issue file asks for the head to be fitted (fit_headline), as an editor would."""
        sid, _, kicker, headline, deck = seed
        place = GridRect(page, col, span, line, lines)
        story = Story(sid, kicker, headline, deck, (), place, (), "plan")
        rect = self.t.rect(place)
        try:
            verify_drawn("head", [x for x in (kicker, headline, deck) if x],
                         headline_block(story, rect, self.t, self.composer), rect, self.composer.fonts, "")
        except LayoutError:
            return False
        return True

    def fits(self, blocks, frames) -> tuple[bool, int]:
        story = Story("x", None, None, None, tuple(blocks), None, tuple(frames), "plan", balance=True)
        flow = flow_story(story, self.t, self.composer)
        return flow.overset is None, flow.underset_lines

    def lines_needed(self, blocks, before: list[Frame], page: int, col: int, span: int, line: int,
                     limit: int, jump_head: str | None = None) -> int | None:
        """Fewest lines for the last frame so the story fits, or None if `limit` lines are not enough."""
        lo, hi = 1 + (2 if jump_head else 0), limit
        if hi < lo or not self.fits(blocks, before + [Frame(GridRect(page, col, span, line, hi), jump_head)])[0]:
            return None
        while lo < hi:
            mid = (lo + hi) // 2
            if self.fits(blocks, before + [Frame(GridRect(page, col, span, line, mid), jump_head)])[0]:
                hi = mid
            else:
                lo = mid + 1
        return lo


def limit_of(t, line: int, page: int) -> int:
    """Lines a serial excerpt may take below its 4-line head (some pages keep room for a photo)."""
    return t.lines - (line + 4) + 1 - (12 if page % 3 == 0 else 0)


def grid(page, col, span, line, lines) -> str:
    return f"{{page: {page}, col: {col}, span: {span}, line: {line}, lines: {lines}}}"


def build_issue(k: int, fonts) -> str:
    rng = random.Random(1639 + k)
    total, number = 1639 + k, 38 + k
    day = dt.date(2021, 11, 29) - dt.timedelta(days=7 * (11 - k))
    tname = TEMPLATES[k % 2]
    plan = Planner(tname, fonts)
    t = plan.t
    cols = t.columns
    out = [f"# Sample back issue {total} ({day}): SAMPLE DATA, not a real issue of 徐匯報.",
           "# Written by issues/build_back_issues.py from the seed's stories and 魯迅's 故鄉 and 祝福 (public domain).",
           f"template: {tname}",
           "paper:",
           "  name: 徐匯報",
           "  permit: 准印證號(B)0150",
           "  url: http://www.xuhuibao.com",
           f"issue: {{number: {number}, total: {total}, date: {day}, sample: true}}",
           "pages:"]
    out += [f"  - {{number: {n}, section: {SECTIONS[n - 1]}}}" for n in range(1, 9)]
    stories, boxes, photos = [], [], []

    # --- page 1: lead jumping inside, a second seed story, a photo, a banner -------------------
    lead = SEED_STORIES[k % 3]
    second = SEED_STORIES[(k + 1) % 3]
    top = t.masthead_lines + 1
    head_lines = 6
    lead_blocks = parse_body(read_text_file(HERE / lead[1], "text"))
    first_lines = rng.choice([5, 6, 7])
    lead_span = cols - 2
    jump_page = rng.choice([2, 3])
    first = Frame(GridRect(1, 1, lead_span, top + head_lines, first_lines))
    jump_top = t.running_head_lines + 1
    need = plan.lines_needed(lead_blocks, [first], jump_page, 1, 2, jump_top, 30, jump_head=jump_head_of(lead[3]))
    stories.append(story_yaml(lead, grid(1, 1, cols, top, head_lines),
                              [grid(1, 1, lead_span, top + head_lines, first_lines),
                               grid(jump_page, 1, 2, jump_top, need) + f"  # jump_head: {jump_head_of(lead[3])}"],
                              jump_head=jump_head_of(lead[3]), fit=not plan.head_fits(lead, 1, 1, cols, top, head_lines)))
    boxes.append(("banner", "深入貫徹落實\n徐匯區第十一次黨代會精神", grid(1, lead_span + 1, 2, top + head_lines, first_lines)))
    used_top = top + head_lines + first_lines + 1
    second_blocks = parse_body(read_text_file(HERE / second[1], "text"))
    span2 = cols - 2
    need2 = plan.lines_needed(second_blocks, [], 1, 1, span2, used_top + 5, t.lines - used_top - 5 + 1)
    stories.append(story_yaml(second, grid(1, 1, span2, used_top, 5), [grid(1, 1, span2, used_top + 5, need2)],
                              fit=not plan.head_fits(second, 1, 1, span2, used_top, 5)))
    photo_lines = min(18, t.lines - used_top + 1)
    photos.append((grid(1, span2 + 1, 2, used_top, photo_lines), rng.choice([0.3, 0.5, 0.7])))
    rest = used_top + photo_lines + 1
    if t.lines - rest + 1 >= 6:
        boxes.append(("notice", "本版廣告位", grid(1, span2 + 1, 2, rest, t.lines - rest + 1)))
    bottom = used_top + 5 + need2 + 1
    if t.lines - bottom + 1 >= 4:
        boxes.append(("ad", "廣告\n此處為廣告版位", grid(1, 1, span2, bottom, t.lines - bottom + 1)))

    # --- pages 2–8: the serial, in excerpts of varied length --------------------------------
    serial_name, serial_file, serial_title = SERIALS[k % 2]
    serial_blocks = parse_body(read_text_file(HERE / serial_file, "text"))
    para = (k * 7) % max(1, len(serial_blocks) - 40)
    part = 1
    for page in range(2, 9):
        line = t.running_head_lines + 1
        if page == jump_page:
            span, col = cols - 2, 3  # beside the lead's continuation, which sits in columns 1–2
        else:
            span, col = cols, 1
        if para >= len(serial_blocks) - 3:
            para = 0  # the serial starts again from its beginning
        # Take paragraphs until the excerpt fills about a chosen share of the page (varied story lengths),
        # estimating from character counts, then fitting the frame with the engine.
        share = rng.choice([0.45, 0.6, 0.75, 0.9])
        per_row = span * round(t.measure / t.body.size)
        budget = limit_of(t, line, page) * share * per_row * 0.85
        chunk, chars = 0, 0
        while para + chunk < len(serial_blocks) and chars + len(serial_blocks[para + chunk].text) < budget:
            chars += len(serial_blocks[para + chunk].text)
            chunk += 1
        chunk = max(chunk, 1)
        need_s = plan.lines_needed(serial_blocks[para:para + chunk], [], page, col, span, line + 4,
                                   limit_of(t, line, page))
        while need_s is None and chunk > 1:
            chunk -= 1
            need_s = plan.lines_needed(serial_blocks[para:para + chunk], [], page, col, span, line + 4,
                                       limit_of(t, line, page))
        head = 4
        title = f"{serial_title}（連載之{CN_NUM[(part - 1) % 10]}）"
        fit = not plan.head_fits((f"{serial_name}-{page}", "", "副刊·魯迅小說連載", title, None), page, col, span, line,
                                 head)
        stories.append(
            f"  - id: {serial_name}-{page}\n"
            f"    kicker: 副刊·魯迅小說連載\n"
            f"    headline: {title}\n"
            + ("    fit_headline: true\n" if fit else "") +
            f"    text: {serial_file}\n"
            f"    paragraphs: {{from: {para + 1}, to: {para + chunk}}}\n"
            f"    balance: true\n"
            + (f"    box: {rng.choice(['single', 'double', 'thick-thin', 'dashed'])}\n" if page == 8 and span == cols else "")
            + f"    head: {grid(page, col, span, line, head)}\n"
            f"    frames:\n      - {grid(page, col, span, line + head, need_s)}")
        para += chunk
        part += 1
        below = line + head + need_s + 1
        left = t.lines - below + 1
        if left >= 12 and page % 2 == 0:
            photos.append((grid(page, col, min(span, 3), below, min(left, 16)), rng.choice([0.2, 0.5, 0.8])))
            if span > 3 and left >= 4:
                boxes.append(("notice", "啟事\n此處為公告欄位", grid(page, col + 3, span - 3, below, left)))
            if left > 16 and left - 17 >= 4:
                boxes.append(("ad", "廣告\n此處為廣告版位", grid(page, col, min(span, 3), below + 17, left - 17)))
        elif left >= 4:
            boxes.append(("ad", "廣告\n此處為廣告版位", grid(page, col, span, below, left)))
        if page == jump_page:
            under = t.running_head_lines + 1 + 2 + need + 1
            if t.lines - under + 1 >= 4:
                boxes.append(("notice", "啟事\n此處為公告欄位", grid(page, 1, 2, under, t.lines - under + 1)))

    out.append("stories:")
    out += stories
    out.append("photos:")
    for n, (place, fx) in enumerate(photos):
        out.append(f"  - id: photo-{n + 1}\n    file: 1650/sample-photo.jpg\n    place: {place}\n"
                   f"    focus: [{fx}, 0.5]\n    caption: 圖片位置：新聞圖片與圖說待排\n    sample: true")
    out.append("boxes:")
    for n, (kind, text, place) in enumerate(boxes):
        body = "\n".join("      " + ln for ln in text.split("\n"))
        out.append(f"  - id: box-{n + 1}\n    kind: {kind}\n" + ("    sample: true\n" if kind != "banner" else "")
                   + f"    text: |\n{body}\n    place: {place}")
    return "\n".join(out) + "\n"


def jump_head_of(headline: str) -> str:
    """A 續題 from a headline: its first phrase (up to a space or a pause), at most ten characters, its
    quotation marks closed — never a cut inside a quotation (從“搖籃”到“拐杖 is no head)."""
    phrase = re.split(r"[ ，、：；。！？]", headline)[0]
    if len(phrase) > 10:
        phrase = phrase[:8].rstrip("“‘「『（《")
    for opening, closing in ("“”", "‘’", "「」", "『』", "（）", "《》"):
        phrase += closing * (phrase.count(opening) - phrase.count(closing))
    return phrase


def story_yaml(seed, head: str, frames: list[str], jump_head: str | None = None, fit: bool = False) -> str:
    sid, path, kicker, headline, deck = seed
    lines = [f"  - id: {sid}", f"    text: {path}"]
    if kicker:
        lines.append(f"    kicker: {kicker}")
    lines.append(f"    headline: {headline}")
    if deck:
        lines.append(f"    deck: {deck}")
    lines.append("    balance: true")
    if fit:
        lines.append("    fit_headline: true")
    lines.append(f"    head: {head}")
    lines.append("    frames:")
    for k, frame in enumerate(frames):
        frame = frame.split("  #")[0]
        if k and jump_head:
            frame = frame[:-1] + f", jump_head: {jump_head}}}"
        lines.append(f"      - {frame}")
    return "\n".join(lines)


def main() -> None:
    fonts = default_fontset()
    for k in range(11):
        path = HERE / f"{1639 + k}.yaml"
        path.write_text(build_issue(k, fonts), encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
