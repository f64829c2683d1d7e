"""What a proof adds to the pages, for the layout editor's eyes only: a 校樣 watermark, the grid,
frame outlines with story names, overset and empty lines where they happen, and the copyfit
figures of each page in its bottom margin."""

from __future__ import annotations

import math

from ..compose.linebreak import Composer
from .flow import StoryFlow
from .furniture import fit_mark, runs_at, set_lines
from .items import CYAN, MAGENTA, Rectangle, Item, Rule, TextRun
from ..issue.model import GridRect, Issue, Template
from ..compose.atoms import Align

WATERMARK = "校樣"
WATERMARK_GREY = (0.0, 0.0, 0.0, 0.2)


def watermark(t: Template, composer: Composer) -> list[Item]:
    """校樣 across the middle of the page at 30°, pale grey, drawn first so everything stands on it."""
    size = t.trim_w * 0.3
    line = set_lines(composer, WATERMARK, "sans", size, size * 3, Align.LEFT)[0]
    angle = math.radians(30)
    cos, sin = math.cos(angle), math.sin(angle)
    # Centre the text on the page's centre; y grows downwards here, so "up the page" is -y.
    x0 = t.trim_w / 2 - line.width / 2 * cos + 0.35 * size * sin
    y0 = t.trim_h / 2 + line.width / 2 * sin + 0.35 * size * cos
    return [TextRun(x0 + r.x * cos, y0 - r.x * sin, r.face, r.size, r.text, r.char_space, r.hscale,
                    WATERMARK_GREY, angle=30.0) for r in line.runs]


def grid(t: Template) -> list[Item]:
    """The columns and every fifth baseline of the page grid, in hairline cyan."""
    items: list[Item] = []
    area = t.type_area
    for col in range(1, t.columns + 1):
        x = t.column_x(col)
        items.append(Rectangle(x, area.y, t.measure, area.h, stroke=CYAN, stroke_width=0.1))
    for line in range(1, t.lines + 1, 5):
        y = t.line_y(line)
        items.append(Rule(area.x, y, area.right, y, 0.1, CYAN))
    return items


def frames(issue: Issue, page: int, composer: Composer) -> list[Item]:
    """Every frame and head outlined, with its story's name at its top-left corner."""
    t = issue.template
    items: list[Item] = []
    for story in issue.stories:
        rects: list[tuple[GridRect, str]] = [(story.head, f"{story.id} · head")] if story.head else []
        rects += [(f.place, f"{story.id} · {k + 1}/{len(story.frames)}") for k, f in enumerate(story.frames)]
        for place, label in rects:
            if place.page != page:
                continue
            rect = t.rect(place)
            items.append(Rectangle(rect.x, rect.y, rect.w, rect.h, stroke=MAGENTA, stroke_width=0.4))
            line = set_lines(composer, label, "sans", 6.0, rect.w, Align.LEFT)[0]
            items += runs_at(line, rect.x + 1, rect.y + 6.0, MAGENTA)
    return items


def copyfit_margin(flows: list[StoryFlow], page: int, t: Template, composer: Composer) -> list[Item]:
    """The copyfit figures of the stories on this page, in the bottom margin."""
    parts = []
    for flow in flows:
        fits = [f for f in flow.frames if f.page == page]
        if not fits:
            continue
        used, available = sum(f.used for f in fits), sum(f.available for f in fits)
        verdict = (f"溢排{flow.overset.chars}字" if flow.overset else
                   f"空{flow.underset_lines}行" if flow.underset_lines else "合適")
        parts.append(f"{flow.story.id} {used}/{available}行 {verdict}")
    if not parts:
        return []
    text = "排版核對　" + "　｜　".join(parts)
    area = t.type_area
    lines = set_lines(composer, text, "sans", 6.5, area.w, Align.LEFT)[:2]
    items: list[Item] = []
    y = area.bottom + t.pitch * 0.9
    for ln in lines:
        items += runs_at(ln, area.x, y, MAGENTA)
        y += 8.0
    return items


def overset_marks(flow: StoryFlow, t: Template, composer: Composer) -> dict[int, list[Item]]:
    """The overset at the end of the story's last frame, or its empty lines."""
    last = flow.story.frames[-1]
    if flow.overset:
        text = f"溢排 {flow.overset.chars}字 / {flow.overset.lines}行：「{flow.overset.first_sentence[:10]}…」"
    elif flow.underset_lines:
        text = f"空 {flow.underset_lines}行（約{flow.underset_lines * flow.chars_per_line}字）"
    else:
        return {}
    return {last.place.page: fit_mark(text, t.rect(last.place), t, composer)}
