"""Page furniture: masthead, running heads, headline blocks and boxes.

Every element is composed with the same composer as the body, so headlines
obey the same line-start and line-end rules, and is set inside its grid
rectangle.
"""

from __future__ import annotations

import re

from .compose import Composer, Line, line_runs
from .items import BLACK, CMYK, GREY, RED, Box as BoxItem, Item, Rule, TextRun
from .model import Box, GridRect, Issue, Story, Template
from .text import Align, Paragraph, Span, TextStyle
from .units import Rect

WHITE: CMYK = (0.0, 0.0, 0.0, 0.0)
EM_TOP = 0.88


def runs_at(line: Line, x: float, baseline: float, color: CMYK = BLACK) -> list[TextRun]:
    return [TextRun(x + r.x, baseline, r.face, r.size, r.text, r.char_space, r.hscale, color)
            for r in line_runs(line)]


def set_lines(composer: Composer, text: str, role: str, size: float, width: float,
              align: Align = Align.LEFT) -> list[Line]:
    para = Paragraph((Span(text, TextStyle(role, size)),), kind="headline", indent_em=0.0, align=align)
    return composer.compose(para, width)


def fit_headline(composer: Composer, text: str, role: str, size: float, width: float,
                 align: Align) -> list[Line]:
    """A headline's lines: one line if it fits; else break where the editor put spaces;
    shrink to fit the width down to 70 %; balance the rest so no line holds a lone character."""
    parts = [p for p in text.replace("\u3000", " ").split() if p]
    joined = "\u3000".join(parts)
    if len(parts) == 1:
        # No break marked by the editor: prefer breaking after a comma or colon (從“搖籃”到“拐杖”，/ 我區…).
        parts = [p for p in re.split(r"(?<=[，：；])", parts[0]) if p]
    for candidate in (joined,):
        lines = set_lines(composer, candidate, role, size, width, align)
        if len(lines) == 1:
            return lines
    if len(parts) > 1:
        for scale in (1.0, 0.9, 0.8, 0.7):
            lines = [ln for p in parts for ln in set_lines(composer, p, role, size * scale, width, align)]
            if len(lines) == len(parts):
                return lines
    for scale in (0.9, 0.8, 0.7):
        lines = set_lines(composer, joined, role, size * scale, width, align)
        if len(lines) == 1:
            return lines
    # Balanced lines: the measure that gives the same number of lines with the most even lengths.
    lines = set_lines(composer, joined, role, size * 0.7, width, align)
    count = len(lines)
    chars = len(joined)
    even = ((chars + count - 1) // count + 1) * size * 0.7
    balanced = set_lines(composer, joined, role, size * 0.7, min(width, even), align)
    return balanced if len(balanced) == count else lines


def headline_block(story: Story, rect: Rect, t: Template, composer: Composer) -> list[Item]:
    """引題 kicker, 主題 headline, 副題 deck, centred as a block in the head's grid rectangle."""
    styles = t.styles
    blocks: list[tuple[list[Line], float]] = []  # lines, gap before
    if story.kicker:
        st = styles["kicker"]
        blocks.append((fit_headline(composer, story.kicker, st.role, st.size, rect.w, Align.CENTER), 0.0))
    if story.headline:
        st = styles["headline"]
        blocks.append((fit_headline(composer, story.headline, st.role, st.size, rect.w, Align.CENTER),
                       0.25 * st.size if blocks else 0.0))
    if story.deck:
        st = styles["deck"]
        blocks.append((fit_headline(composer, "——" + story.deck if not story.deck.startswith("—") else story.deck,
                                    st.role, st.size, rect.w, Align.CENTER), 0.35 * st.size))
    heights = [gap + sum(ln.size * 1.2 for ln in lines) for lines, gap in blocks]
    total = sum(heights)
    y = rect.y + max(0.0, (rect.h - total) / 2)
    items: list[Item] = []
    for lines, gap in blocks:
        y += gap
        for ln in lines:
            baseline = y + 0.1 * ln.size + EM_TOP * ln.size
            items.extend(runs_at(ln, rect.x, baseline))
            y += ln.size * 1.2
    return items


def jump_head(text: str, rect: Rect, t: Template, composer: Composer) -> list[Item]:
    """續題: a short headline over the continuation of a story, in its two reserved grid lines."""
    st = t.styles["kicker"]
    size = min(st.size, 2 * t.pitch * 0.6)
    lines = fit_headline(composer, text, "headline", size, rect.w, Align.LEFT)[:1]
    height = 2 * t.pitch
    baseline = rect.y + (height - size) / 2 + EM_TOP * size
    items: list[Item] = []
    for ln in lines:
        items.extend(runs_at(ln, rect.x, baseline))
    items.append(Rule(rect.x, rect.y + height - 0.15 * t.pitch, rect.right, rect.y + height - 0.15 * t.pitch, 0.5))
    return items


def fit_mark(text: str, rect: Rect, t: Template, composer: Composer) -> list[Item]:
    """A proof mark: the frame outlined in red, a red label under its bottom edge."""
    size = 7.5
    items: list[Item] = [BoxItem(rect.x, rect.y, rect.w, rect.h, stroke=RED, stroke_width=1.0)]
    label = set_lines(composer, text, "sans", size, max(rect.w, 6 * t.measure), Align.LEFT)[:1]
    if label:
        ln = label[0]
        items.append(BoxItem(rect.right - ln.width - 4, rect.bottom - size - 4, ln.width + 4, size + 4, fill=RED))
        items.extend(runs_at(ln, rect.right - ln.width - 2, rect.bottom - 2 - (1 - EM_TOP) * size, WHITE))
    return items


def _single(composer: Composer, text: str, role: str, size: float, x: float, baseline: float, width: float,
            align: Align, color: CMYK = BLACK) -> list[Item]:
    lines = set_lines(composer, text, role, size, width, align)
    items: list[Item] = []
    for k, ln in enumerate(lines):
        items.extend(runs_at(ln, x, baseline + k * size * 1.3, color))
    return items


def date_line(issue: Issue) -> str:
    d = issue.date
    return f"{d.year}年{d.month}月{d.day}日 {issue.weekday}"


def masthead(issue: Issue, composer: Composer) -> list[Item]:
    """報頭: the paper's name large, its permit, issue numbers, date with weekday and URL."""
    t = issue.template
    area = t.rect(GridRect(1, 1, t.columns, 1, t.masthead_lines))
    items: list[Item] = []
    name_size = min(area.h * 0.55, 96.0)
    name_w = t.rect(GridRect(1, 1, 3, 1, 1)).w
    items += _single(composer, issue.paper.name, "headline", name_size, area.x,
                     area.y + 0.15 * area.h + EM_TOP * name_size, name_w, Align.LEFT, RED)
    if issue.paper.url:
        items += _single(composer, f"《{issue.paper.name}》數字報 {issue.paper.url}", "sans", 9.0, area.x,
                         area.bottom - 0.12 * area.h, name_w, Align.LEFT)
    right = t.rect(GridRect(1, 4, t.columns - 3, 1, 1))
    info = [
        (issue.paper.permit or "", 9.0),
        (f"第{issue.number}期（總第{issue.total}期）", 12.0),
        (date_line(issue), 12.0),
        (f"今日{len(issue.pages)}版", 9.0),
    ]
    y = area.y + 0.22 * area.h
    for text, size in info:
        if text:
            items += _single(composer, text, "sans" if size > 10 else "body", size, right.x, y, right.w, Align.RIGHT)
        y += size * 1.9
    # A heavy rule over a thin one closes the masthead.
    items.append(Rule(area.x, area.bottom - 3.0, area.right, area.bottom - 3.0, 2.0, RED))
    items.append(Rule(area.x, area.bottom - 0.2, area.right, area.bottom - 0.2, 0.5, RED))
    return items


def running_head(issue: Issue, page: int, composer: Composer) -> list[Item]:
    """報眉: paper name, date, page number and section, editor, over a rule."""
    t = issue.template
    area = t.rect(GridRect(page, 1, t.columns, 1, t.running_head_lines))
    spec = issue.page(page)
    baseline = area.bottom - 0.6 * t.pitch
    size = 9.0
    items: list[Item] = []
    left = f"{issue.paper.name}　{date_line(issue)}"
    items += _single(composer, left, "sans", size, area.x, baseline, area.w / 2, Align.LEFT)
    middle = f"第{page}版　{spec.section}"
    items += _single(composer, middle, "sans", 12.0, area.x, baseline, area.w, Align.CENTER)
    if spec.editor:
        items += _single(composer, f"責任編輯：{spec.editor}", "body", size, area.x + area.w / 2, baseline,
                         area.w / 2, Align.RIGHT)
    items.append(Rule(area.x, area.bottom - 0.25 * t.pitch, area.right, area.bottom - 0.25 * t.pitch, 1.0))
    return items


def box_items(box: Box, t: Template, composer: Composer) -> list[Item]:
    """Banners (reversed out of red), notices and advertisement placeholders (ruled boxes)."""
    rect = t.rect(box.place)
    inner = rect.inset(0.5 * t.body.size)
    items: list[Item] = []
    if box.kind == "banner":
        st = t.styles["banner"]
        items.append(BoxItem(rect.x, rect.y, rect.w, rect.h, fill=RED))
        color = WHITE
        role, size = st.role, st.size
    else:
        st = t.styles["notice"]
        items.append(BoxItem(rect.x, rect.y, rect.w, rect.h, stroke=GREY if box.sample else BLACK,
                             stroke_width=0.75))
        color = BLACK
        role, size = st.role, st.size
    paragraphs = [p.strip() for p in box.text.split("\n") if p.strip()]
    if box.sample:
        paragraphs.append("（樣例內容，非新聞稿件）")
    lines = []
    for k, text in enumerate(paragraphs):
        is_note = box.sample and k == len(paragraphs) - 1
        s = size * (0.75 if is_note else 1.0)
        lines += fit_headline(composer, text, role, s, inner.w, Align.CENTER) if box.kind == "banner" else \
            set_lines(composer, text, "sans" if is_note else role, s, inner.w, Align.CENTER)
    total = sum(ln.size * 1.45 for ln in lines)
    y = inner.y + max(0.0, (inner.h - total) / 2)
    for ln in lines:
        items.extend(runs_at(ln, inner.x, y + 0.225 * ln.size + EM_TOP * ln.size, color))
        y += ln.size * 1.45
    return items
