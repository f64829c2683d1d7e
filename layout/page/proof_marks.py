"""What a proof adds to the pages, for the layout editor's eyes only — never on the text it marks:

- a small 校樣 stamp in the top margin (it may be left off);
- the grid, if asked: columns numbered along the top margin, every fifth line numbered in the side
  margins, so "column 4, line 35" is read off the page;
- every frame and head outlined, its story's name beside its top, turned to run down the gutter (or
  margin) on its left;
- a story's overset or empty lines: its last frame outlined in red and a red note in the gutter (or
  margin) on its right, ending level with the frame's foot; the overset text itself, whole, on proof
  pages of their own at the end of the issue's proof PDF (``overset_pages``);
- holes shaded: the empty lines of frames and the grid areas no element covers;
- the copyfit figures of the page in its bottom margin.

Labels in the gutters share them through ``_Lanes``, so two never sit on one another.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..compose.atoms import Align, Paragraph, Span
from ..compose.linebreak import Composer
from ..compose.lines import Line
from ..issue.model import Block, BlockKind, GridRect, Issue, Template
from .coverage import free_areas
from .flow import JUMP_HEAD_LINES, StoryFlow, block_paragraph, frame_slots
from .furniture import runs_at, set_lines
from .grid import EM_TOP, baseline_in, baseline_of
from .items import BLACK, CMYK, CYAN, MAGENTA, RED, WHITE, Item, Rectangle, Rule, TextRun
from .tables import table_text_rows

WATERMARK = "校樣"
STAMP_SIZE = 11.0            # pt: the 校樣 stamp in the top margin
STAMP_BAND = (0.2, 0.55)     # of the top margin: the band the stamp (and a stale note) sits in
LABEL_SIZE = 7.0             # pt: story names and overset notes in the gutters
LABEL_MIN = 5.0              # pt: a label never smaller (preflight's smallest type)
LABEL_GAP = 3.0              # pt: between two labels in one gutter
GRID_LABEL_SIZE = 7.0        # pt: column and line numbers in the margins
GRID_EVERY = 5               # a line number (and a rule under it) every this many lines
HOLE_TINT: CMYK = (0.0, 0.0, 0.3, 0.0)     # pale yellow under empty lines and uncovered grid areas
GRID_INK: CMYK = (1.0, 0.0, 0.0, 0.25)     # cyan deepened, so the numbers read on a 100 dpi PNG
STALE_SIZE = 8.0             # pt: the stale note of `layout watch`
OVERSET_PAGE_PREFIX = "溢排"  # the overset pages' title starts so: what `layout diff` calls them


# --- the stamp and the grid ----------------------------------------------------------------------

def stamp(t: Template, composer: Composer) -> list[Item]:
    """校樣, small and boxed in red at the right of the top margin: it says what the page is without
    covering any of it."""
    line = set_lines(composer, t.words(WATERMARK), "sans", STAMP_SIZE, 4 * STAMP_SIZE, Align.LEFT)[0]
    top, height = _stamp_band(t)
    pad = 0.4 * STAMP_SIZE
    x = t.type_area.right - line.width - pad
    return [Rectangle(x - pad, top, line.width + 2 * pad, height, stroke=RED, stroke_width=0.8),
            *runs_at(line, x, baseline_in(top, height, STAMP_SIZE), RED)]


def _stamp_band(t: Template) -> tuple[float, float]:
    """The band of the top margin the stamp and the stale note share: (top, height)."""
    return t.margin_top * STAMP_BAND[0], t.margin_top * (STAMP_BAND[1] - STAMP_BAND[0])


def grid(t: Template, composer: Composer) -> list[Item]:
    """The columns and the rule under every fifth line in hairline cyan, under everything; column numbers
    over the columns in the top margin and line numbers (1, 5, 10 …) in both side margins, on the
    baseline of the line they name."""
    items: list[Item] = []
    area = t.type_area
    for col in range(1, t.columns + 1):
        x = t.column_x(col)
        items.append(Rectangle(x, area.y, t.measure, area.h, stroke=CYAN, stroke_width=0.1))
    for line in range(GRID_EVERY, t.lines + 1, GRID_EVERY):
        y = t.line_y(line) + t.pitch
        items.append(Rule(area.x, y, area.right, y, 0.1, CYAN))
    size = GRID_LABEL_SIZE
    for col in range(1, t.columns + 1):
        label = _set(composer, str(col), size)
        items += runs_at(label, t.column_x(col) + (t.measure - label.width) / 2, area.y - 0.5 * size, GRID_INK)
    # The side margins' strips next to the type area are the lanes of the story labels: numbers outside.
    left, right = area.x - t.gutter - 0.3 * size, area.right + t.gutter + 0.3 * size
    for line in (1, *range(GRID_EVERY, t.lines + 1, GRID_EVERY)):
        label = _set(composer, str(line), size)
        baseline = baseline_of(t, line, size)
        items += runs_at(label, left - label.width, baseline, GRID_INK)
        items += runs_at(label, right, baseline, GRID_INK)
    return items


def _set(composer: Composer, text: str, size: float, role: str = "sans") -> Line:
    """A short label on one line, at its natural width."""
    return set_lines(composer, text, role, size, max(1000.0, 2 * size * len(text)), Align.LEFT)[0]


# --- labels in the gutters -----------------------------------------------------------------------

class _Lanes:
    """The strips a proof writes labels in, turned to run down the page: lane g is the gutter right of
    grid column g (lane 0 the strip of the left margin next to the type area, lane ``columns`` that of
    the right margin). A label takes a stretch of its lane; the next one moves along past it."""

    def __init__(self, t: Template):
        self.t = t
        self.taken: dict[int, list[tuple[float, float]]] = {}

    def x(self, lane: int) -> float:
        """The lane's left edge."""
        t = self.t
        return t.column_x(lane) + t.measure if lane else t.type_area.x - t.gutter

    def place(self, lane: int, length: float, lo: float, hi: float, down: bool) -> float:
        """Where a label ``length`` long starts (its top), as near the top ``lo`` (``down``) or the foot
        ``hi`` as the lane's other labels leave room for, inside [lo, hi] if it fits there at all."""
        taken = sorted(self.taken.get(lane, []))
        start = lo if down else hi - length
        for _ in range(len(taken) + 1):
            clash = [(a, b) for a, b in taken if start < b + LABEL_GAP and a - LABEL_GAP < start + length]
            if not clash:
                break
            start = max(b for _, b in clash) + LABEL_GAP if down else min(a for a, _ in clash) - LABEL_GAP - length
        if start < lo - 0.01 or start + length > hi + 0.01:
            start = lo if down else hi - length     # no room: where it belongs, beside the others
        self.taken.setdefault(lane, []).append((start, start + length))
        return start

    def label(self, composer: Composer, text: str, lane: int, lo: float, hi: float, down: bool,
              color: CMYK) -> list[Item]:
        """``text`` turned to read down the lane, inside [lo, hi]: set smaller (to LABEL_MIN) or cut
        short with … if it is longer than that stretch."""
        t = self.t
        size = max(LABEL_MIN, min(LABEL_SIZE, 0.7 * t.gutter))
        room = hi - lo
        line = _set(composer, text, size)
        if line.width > room:
            size = max(LABEL_MIN, size * room / line.width)
            line = _set(composer, text, size)
            while line.width > room and len(text) > 2:
                text = text[:-2] + "…"
                line = _set(composer, text, size)
        top = self.place(lane, line.width, lo, hi, down)
        # Turned 90° clockwise, a glyph's top faces right: centre the em box across the lane.
        left = self.x(lane) + (t.gutter - size) / 2
        x = left + (1 - EM_TOP) * size
        # A white ground under the label: the rule between two stories runs down the same gutter, and the
        # name is read over it, not through it (proofs only; the press file has no labels).
        ground = Rectangle(left, top, size, line.width, fill=WHITE)
        return [ground, *(TextRun(x, top + r.x, r.face, r.size, r.text, r.char_space, r.hscale, color, angle=-90.0)
                          for r in line.runs)]


def _story_places(issue: Issue) -> list[tuple[str, GridRect, str]]:
    """(story id, place, label) of every head and frame, in the issue's order."""
    out = []
    for story in issue.stories:
        if story.head:
            out.append((story.id, story.head, f"{story.id} · head"))
        n = len(story.frames)
        out += [(story.id, f.place, f"{story.id} · {k + 1}/{n}") for k, f in enumerate(story.frames)]
    return out


def frames(issue: Issue, page: int, composer: Composer, lanes: _Lanes) -> list[Item]:
    """Every frame and head outlined in magenta, its story's name in the lane on its left, from its top."""
    t = issue.template
    items: list[Item] = []
    for _, place, label in _story_places(issue):
        if place.page != page:
            continue
        rect = t.rect(place)
        items.append(Rectangle(rect.x, rect.y, rect.w, rect.h, stroke=MAGENTA, stroke_width=0.4))
        items += lanes.label(composer, label, place.col - 1, rect.y, rect.bottom, True, MAGENTA)
    return items


def fit_note(flow: StoryFlow, t: Template) -> str | None:
    """What the proof says beside a story's last frame: its overset, or its empty lines."""
    if flow.overset:
        o = flow.overset
        return t.words(f"溢排 {o.chars}字／{o.lines}行 從「") + o.first_sentence[:8] + t.words("…」起 → 見溢排頁")
    if flow.underset_lines:
        return t.words(f"空 {flow.underset_lines}行（約{flow.underset_lines * flow.chars_per_line}字）")
    return None


def overset_marks(flow: StoryFlow, page: int, t: Template, composer: Composer, lanes: _Lanes) -> list[Item]:
    """A story that does not fit its frames (or leaves lines empty): its last frame outlined in red,
    and the note in the lane on its right, ending level with the frame's foot."""
    last = flow.story.frames[-1].place
    note = fit_note(flow, t)
    if note is None or last.page != page:
        return []
    rect = t.rect(last)
    return [Rectangle(rect.x, rect.y, rect.w, rect.h, stroke=RED, stroke_width=1.0),
            *lanes.label(composer, note, last.col + last.span - 1, rect.y, rect.bottom, False, RED)]


# --- holes ---------------------------------------------------------------------------------------

def holes(issue: Issue, flows: list[StoryFlow], page: int) -> list[Item]:
    """A pale tint over every empty line of a frame (a balanced frame's short last columns aside, which
    are meant) and over every grid area no element covers (``coverage``'s areas)."""
    t = issue.template
    items: list[Item] = []
    for flow in flows:
        items += _empty_lines(flow, page, t)
    covered: set[tuple[int, int]] = set()
    for story in issue.stories:
        if story.head and story.head.page == page:
            covered |= story.head.cells()
        covered |= {c for f in story.frames if f.place.page == page for c in f.place.cells()}
    for item in (*issue.boxes, *issue.photos):
        if item.place.page == page:
            covered |= item.place.cells()
    if not covered:
        return items    # an empty page: the whole page is the warning, not a tint over all of it
    first = (t.masthead_lines if page == 1 else t.running_head_lines) + 1
    for (c0, c1), (l0, l1) in free_areas(covered, t.columns, first, t.lines):
        x0, x1 = t.column_x(c0), t.column_x(c1) + t.measure
        items.append(Rectangle(x0, t.line_y(l0), x1 - x0, (l1 - l0 + 1) * t.pitch, fill=HOLE_TINT))
    return items


def _empty_lines(flow: StoryFlow, page: int, t: Template) -> list[Item]:
    story = flow.story
    last = len(story.frames) - 1
    items: list[Item] = []
    for k, frame in enumerate(story.frames):
        if frame.place.page != page or (k == last and story.balance and not flow.underset_lines):
            continue
        skip = JUMP_HEAD_LINES if k and frame.jump_head else 0
        for slot in frame_slots(t, frame, k, skip, story.box):
            used = {p.grid_line for p in flow.lines if p.frame == k and abs(p.x - slot.x) < 0.01}
            run: list[int] = []
            for line in [*range(slot.line, slot.line + slot.lines), None]:
                if line is not None and line not in used:
                    run.append(line)
                    continue
                if run:
                    items.append(Rectangle(slot.x, t.line_y(run[0]), slot.measure, len(run) * t.pitch,
                                           fill=HOLE_TINT))
                    run = []
    return items


# --- the bottom margin ---------------------------------------------------------------------------

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
    text = t.words("排版核對　" + "　｜　".join(parts))
    area = t.type_area
    lines = set_lines(composer, text, "sans", 6.5, area.w, Align.LEFT)[:2]
    items: list[Item] = []
    y = area.bottom + t.pitch * 0.9
    for ln in lines:
        items += runs_at(ln, area.x, y, MAGENTA)
        y += 8.0
    return items


# --- a page's marks ------------------------------------------------------------------------------

@dataclass(frozen=True)
class PageMarks:
    under: list[Item]     # drawn before the page's own items: tints and the grid
    over: list[Item]      # drawn after them: outlines, labels, the stamp, the copyfit figures


def page_marks(issue: Issue, flows: list[StoryFlow], page: int, composer: Composer, show_grid: bool,
               watermark: bool) -> PageMarks:
    """Everything a proof adds to one page."""
    t = issue.template
    lanes = _Lanes(t)
    under = holes(issue, flows, page) + (grid(t, composer) if show_grid else [])
    over = frames(issue, page, composer, lanes)
    for flow in flows:
        over += overset_marks(flow, page, t, composer, lanes)
    over += copyfit_margin(flows, page, t, composer) + (stamp(t, composer) if watermark else [])
    return PageMarks(under, over)


def stale_band(t: Template, composer: Composer, text: str) -> list[Item]:
    """`layout watch`'s note on a proof that is no longer current: a red band across the top margin,
    left of the stamp, in white type, cut short to one line."""
    area = t.type_area
    top, height = _stamp_band(t)
    width = area.w - 6 * STAMP_SIZE
    lines = set_lines(composer, text, "sans", STALE_SIZE, width - STALE_SIZE, Align.LEFT)
    line = lines[0]
    if len(lines) > 1:
        line = set_lines(composer, line.text[:-1] + "…", "sans", STALE_SIZE, 2 * width, Align.LEFT)[0]
    return [Rectangle(area.x, top, width, height, fill=RED),
            *runs_at(line, area.x + STALE_SIZE / 2, baseline_in(top, height, STALE_SIZE), WHITE)]


# --- the overset text, on pages of its own -------------------------------------------------------

def overset_blocks(flow: StoryFlow) -> list[tuple[Block, int]]:
    """The story's text that did not fit: (block, offset in its text where the overset starts), in order."""
    if flow.overset is None:
        return []
    blocks = flow.story.blocks
    placed = [p for p in flow.lines if p.block >= 0]
    if not placed:
        return [(b, 0) for b in blocks]
    index = max(p.block for p in placed)
    end = max(p.line.end for p in placed if p.block == index)
    rest = [(b, 0) for b in blocks[index + 1:]]
    return ([(blocks[index], end)] if end < len(blocks[index].text) else []) + rest


def overset_text(flow: StoryFlow, t: Template | None = None) -> str:
    """The overset as plain text, a paragraph a line; with the template, a table's rows a line each, their
    cells parted by ｜ (as the overset pages print them: for reading, not counting)."""
    out = []
    for block, start in overset_blocks(flow):
        if t is not None and block.kind is BlockKind.TABLE:
            out += ["".join(s.text for s in row.spans) for row in table_text_rows(block, t, start)]
        else:
            out.append(block.text[start:])
    return "\n".join(out)


def _tail(block: Block, start: int, t: Template) -> Paragraph:
    """The block's paragraph from ``start`` on, in its own styles (a continuation has no indent)."""
    para = block_paragraph(block, t)
    if not start:
        return para
    spans, at = [], 0
    for span in para.spans:
        cut = max(0, start - at)
        if cut < len(span.text):
            spans.append(Span(span.text[cut:], span.style))
        at += len(span.text)
    return Paragraph(tuple(spans), 0.0, para.align, para.wordwise, para.steer)


def overset_pages(issue: Issue, flows: list[StoryFlow], composer: Composer, watermark: bool) -> list[list[Item]]:
    """Every overset story's text that did not fit, whole, in two columns on pages of the issue's size
    (as many as it takes), each story under a red head saying where it belongs. None if nothing is
    overset."""
    t = issue.template
    over = [f for f in flows if f.overset]
    if not over:
        return []
    half = t.columns // 2 or 1
    columns = [(t.column_x(1), t.rect(GridRect(0, 1, half, 1, 1)).w)]
    if t.columns > 1:
        columns.append((t.column_x(half + 1), t.rect(GridRect(0, half + 1, t.columns - half, 1, 1)).w))
    # The column of each line does not matter for its composing: compose at the narrower measure.
    measure = min(w for _, w in columns)
    entries: list[tuple[Line | None, CMYK]] = []     # None: a blank line, between two stories
    for flow in over:
        last, o = flow.story.frames[-1].place, flow.overset
        cols = f"第{last.col}欄" if last.span == 1 else f"第{last.col}–{last.col + last.span - 1}欄"
        head = t.words(f"{OVERSET_PAGE_PREFIX} — {flow.story.id}：{o.chars}字，約{o.lines}行；接在第{last.page}版 {cols} "
                       f"第{last.line}–{last.line + last.lines - 1}行的末框之後")
        if entries:
            entries.append((None, BLACK))
        entries += [(ln, RED) for ln in set_lines(composer, head, "sans", t.body.size, measure, Align.LEFT)]
        for block, start in overset_blocks(flow):
            # A table's rows stay rows, their cells parted (tables.table_text_rows).
            paragraphs = (table_text_rows(block, t, start) if block.kind is BlockKind.TABLE
                          else [_tail(block, start, t)])
            entries += [(ln, BLACK) for para in paragraphs for ln in composer.compose(para, measure)]
    first = 3        # grid lines 1–2: the page's title
    per_column = t.lines - first + 1
    pages: list[list[Item]] = []
    per_page = per_column * len(columns)
    chunks = [entries[k:k + per_page] for k in range(0, len(entries), per_page)]
    for number, chunk in enumerate(chunks, 1):
        title = t.words(f"{OVERSET_PAGE_PREFIX}頁 {number}/{len(chunks)} — 排不下的文字全文（校樣專用，不印）")
        items: list[Item] = runs_at(_set(composer, title, 12.0), t.type_area.x, baseline_of(t, 1, 12.0), RED)
        for k, (line, color) in enumerate(chunk):
            if line is None:
                continue
            x, _ = columns[k // per_column]
            row = first + k % per_column
            items += runs_at(line, x, baseline_of(t, row, line.size), color)
        items += stamp(t, composer) if watermark else []
        pages.append(items)
    return pages
