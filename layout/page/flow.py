"""A story's text through its chain of frames, column by column, on the baseline grid.

Each frame of a story's chain is cut into text columns (slots); a rectangle the
frame excludes (a photo, a box) cuts a column into the part above it and the
part below.  Body lines fill a slot top to bottom, then the next slot, then the
next frame, which may be on another page; the composer re-breaks the text
wherever a slot's measure differs from the one it was composed for.  Where two
consecutive frames are on different pages the engine writes the jump lines
itself: （下轉第N版） flush right as the last line the story has on the page it
leaves, （上接第M版） as the first line where it resumes, under an optional jump
head (續題).  What does not fit is returned as overset, never dropped.

The page numbers in jump lines come from the frames in the issue file, and a
jump line always takes exactly one grid line (set smaller if its column is
narrow), so no page number can change the layout: one pass is the fixed point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from ..compose.linebreak import Composer
from ..compose.lines import Line
from ..base.errors import LayoutError
from ..issue.model import Block, BlockKind, BorderStyle, Frame, Story, Template
from ..compose.atoms import Align, Atom, MissingGlyph, Paragraph, Span, TextStyle, atomise
from .grid import baseline_of
from .tables import TablePart, TableParts, TableRow, check_fits_somewhere, set_rows, table_paragraph

LEAD_INS = ("本報訊", "本报讯")
JUMP_HEAD_LINES = 2     # grid lines a 續題 takes at the top of the frame it heads


class LineKind(StrEnum):
    BODY = "body"
    SUBHEAD = "subhead"
    BYLINE = "byline"        # a byline on a line of its own over the text, kept with the first line
    JUMP_OUT = "jump_out"    # （下轉第N版）, the last line a story has on the page it leaves
    JUMP_IN = "jump_in"      # （上接第M版）, the first line where it resumes
    TABLE = "table"          # a line of a table's cell (page/tables.py): several share a grid line
    TABLE_HEAD = "table_head"   # a table's head row repeated where the table continues (not the text's)


@dataclass(frozen=True)
class Slot:
    """One text column of one frame (or the part of it above or below an excluded rectangle)."""

    page: int
    frame: int           # index in the story's chain
    x: float
    line: int            # first grid line (1-based)
    lines: int
    measure: float


@dataclass(frozen=True)
class PlacedLine:
    page: int
    x: float
    baseline: float      # pt from the trim's top edge
    grid_line: int
    line: Line
    kind: LineKind
    block: int           # index of the story block (-1 for jump lines and a table's repeated head)
    frame: int           # index of the frame in the chain
    dx: float = 0.0      # a table cell's left edge from the column's (x): the line is drawn at x + dx


@dataclass(frozen=True)
class Overset:
    chars: int           # characters that did not fit
    lines: int           # lines they would take at the last frame's measure
    first_sentence: str  # where the overset starts


class ElementOverset(NamedTuple):
    """A story's element that does not fit its place (a pull quote): reported as an overset is."""

    element: str         # what it is, as messages name it: "pull quote"
    page: int
    chars: int           # characters that did not fit
    lines: int           # lines it needs
    available: int       # lines its place holds


@dataclass(frozen=True)
class FrameFit:
    page: int
    available: int       # grid lines the frame offers the body (jump lines and heads excluded)
    used: int            # body lines placed in it (jump lines included)
    empty: int           # lines left empty


@dataclass(frozen=True)
class StoryFlow:
    story: Story
    lines: tuple[PlacedLine, ...]
    overset: Overset | None
    frames: tuple[FrameFit, ...]
    chars_per_line: int
    last_frame_columns: int = 1
    elements_over: tuple[ElementOverset, ...] = ()   # the story's elements that do not fit (a pull quote)
    tables: tuple[TablePart, ...] = ()   # the story's tables as placed, column by column: their rules

    @property
    def lines_available(self) -> int:
        return sum(f.available for f in self.frames)

    @property
    def lines_used(self) -> int:
        return sum(f.used for f in self.frames)

    @property
    def underset_lines(self) -> int:
        """Grid lines left empty: a hole on the page (開天窗). Balanced columns may end up to one line
        apart, so a balanced last frame of N columns is allowed N − 1 short lines."""
        if self.overset is not None:
            return 0
        empty = sum(f.empty for f in self.frames)
        if self.story.balance:
            empty -= min(self.frames[-1].empty, self.last_frame_columns - 1)
        return empty


def block_paragraph(block: Block, t: Template) -> Paragraph:
    body, styles = t.body, t.styles
    if block.kind is BlockKind.TABLE:
        return table_paragraph(block, t)
    if block.kind is BlockKind.SUBHEAD:
        st = styles["subhead"]
        return Paragraph(tuple(Span(i.text, TextStyle(st.role, st.size)) for i in block.inlines),
                         indent_em=0.0, align=Align.CENTER)
    if block.kind is BlockKind.BYLINE:
        st = styles["byline"]
        return Paragraph(tuple(Span(i.text, TextStyle(st.role, st.size)) for i in block.inlines),
                         indent_em=0.0, align=Align.LEFT)
    spans = []
    for k, inline in enumerate(block.inlines):
        if inline.style:
            # A byline or dateline run in at the paragraph's start, in its own style.
            st = styles[inline.style]
            spans.append(Span(inline.text, TextStyle(st.role, st.size)))
            continue
        text, role = inline.text, ("sans" if inline.bold else body.role)
        if k == 0 and text.startswith(LEAD_INS):
            lead = next(x for x in LEAD_INS if text.startswith(x))
            st = styles["lead_in"]
            spans.append(Span(lead, TextStyle(st.role, st.size)))
            text = text[len(lead):]
        if text:
            spans.append(Span(text, TextStyle(role, body.size)))
    return Paragraph(tuple(spans), indent_em=2.0, align=Align.JUSTIFY)


def jump_line(text: str, t: Template, align: Align, measure: float, composer: Composer) -> Line:
    """A jump line on one line of its column: set smaller if the column is too narrow for it."""
    st = t.styles["jump"]
    for scale in (1.0, 0.9, 0.8, 0.7, 0.6):
        para = Paragraph((Span(text, TextStyle(st.role, st.size * scale)),), indent_em=0.0, align=align)
        lines = composer.compose(para, measure)
        if len(lines) == 1:
            return lines[0]
    raise LayoutError(f"a column {measure:.1f} pt wide cannot hold the jump line {text}")


# A boxed story's border (花邊, page/furniture.py's story_border): each style's strokes as (reach outside
# the line it is drawn on, reach inside it) in pt — the outer rule's half weight, and the inner rule's inset
# plus half weight — and the least blank between the strokes and the text inside or a rule outside.
BORDER_REACH = {BorderStyle.SINGLE: (0.25, 0.25), BorderStyle.DOUBLE: (0.25, 1.5 + 0.25),
                BorderStyle.THICK_THIN: (0.75, 2.0 + 0.15), BorderStyle.DASHED: (0.3, 0.3)}
BORDER_CLEAR = 0.5
BORDER_TEXT_CLEAR = 0.25    # em of body type: the blank a boxed story's text keeps from its border's inner stroke


def border_inset(box: BorderStyle, em: float, room: float = math.inf) -> float:
    """How far a boxed story's text keeps inside the type area's edge, so that its border, drawn inside
    the type area, stays clear of the text: the strokes' whole reach and a quarter em, or less where the
    frame has only ``room`` to give up on that side (never less than the least clearance)."""
    out, inside = BORDER_REACH[box]
    return out + inside + max(BORDER_CLEAR, min(BORDER_TEXT_CLEAR * em, room - out - inside))


def frame_slots(t: Template, frame: Frame, index: int, skip_lines: int = 0,
                box: BorderStyle | None = None) -> list[Slot]:
    """The text columns of a frame in reading order, cut around excluded rectangles; a boxed story's
    (``box``) kept inside its border where the frame reaches the type area's edge (``_inside_border``)."""
    slots = _grid_slots(t, frame, index, skip_lines)
    return _inside_border(t, frame, slots, box) if box is not None and slots else slots


def _inside_border(t: Template, frame: Frame, slots: list[Slot], box: BorderStyle) -> list[Slot]:
    """A boxed story's text columns where its frame reaches the type area's edge: its border cannot go
    into a gutter there, so it is drawn inside the type area and the text keeps ``border_inset`` clear of
    the edge. The columns keep their whole-em measure and the gutters between them give up the room
    (never below the template's least gutter); where they cannot, the text takes a little of the gutter
    on the frame's inner side (the border keeps its place in that gutter, clear of both); where not even
    that holds, the measure is the whole em that fits, the text centred. Slots of one column (cut round
    an excluded rectangle) stay one above the other."""
    p = frame.place
    at_left, at_right = p.col == 1, p.col + p.span - 1 == t.columns
    if not (at_left or at_right):
        return slots
    em = t.body.size
    least_gutter = t.min_gutter_em * em
    xs = sorted({s.x for s in slots})
    n, measure = len(xs), slots[0].measure
    rect = t.rect(p)
    # What the frame can give up at the edges, keeping its measure: its gutters' room above the least, and
    # for a frame at one edge as much again of the gutter on its inner side.
    sides = at_left + at_right
    room = rect.w - n * measure - (n - 1) * least_gutter
    inset = border_inset(box, em, (room + (border_inset(box, em) if sides == 1 else 0.0)) / sides)
    left, right = rect.x + (inset if at_left else 0.0), rect.right - (inset if at_right else 0.0)
    short = n * measure + (n - 1) * least_gutter - (right - left)
    if short > 1e-9 and not (at_left and at_right):
        # Into the inner gutter, no further than the inset (the border there keeps its place between).
        take = min(short, inset)
        left, right = (left, right + take) if at_left else (left - take, right)
    if n * measure + (n - 1) * least_gutter > right - left + 1e-9:
        measure = math.floor((right - left - (n - 1) * least_gutter) / n / em + 1e-9) * em
    gutter = (right - left - n * measure) / (n - 1) if n > 1 else 0.0
    start = left + ((right - left - measure) / 2 if n == 1 else 0.0)
    moved = {x: start + k * (measure + gutter) for k, x in enumerate(xs)}
    return [Slot(s.page, s.frame, moved[s.x], s.line, s.lines, measure) for s in slots]


def _grid_slots(t: Template, frame: Frame, index: int, skip_lines: int) -> list[Slot]:
    p = frame.place
    top = p.line + skip_lines
    bottom = p.line + p.lines  # exclusive
    if top >= bottom:
        return []
    if frame.columns and frame.columns != p.span:
        # Text columns wider than the grid's (破欄): whole-em measures, the rest shared by the gutters.
        width = t.rect(p).w
        n = frame.columns
        measure = math.floor((width - (n - 1) * t.gutter) / n / t.body.size + 1e-9) * t.body.size
        gutter = (width - n * measure) / (n - 1) if n > 1 else 0.0
        x0 = t.column_x(p.col)
        return [Slot(p.page, index, x0 + k * (measure + gutter), top, bottom - top, measure) for k in range(n)]
    slots = []
    for col in range(p.col, p.col + p.span):
        blocked = sorted((r.line, r.line + r.lines) for r in frame.exclude if r.col <= col < r.col + r.span)
        start = top
        for b_top, b_bottom in blocked:
            if b_top > start:
                slots.append(Slot(p.page, index, t.column_x(col), start, min(b_top, bottom) - start, t.measure))
            start = max(start, b_bottom)
        if start < bottom:
            slots.append(Slot(p.page, index, t.column_x(col), start, bottom - start, t.measure))
    return slots


class Pending(NamedTuple):
    """A line composed and waiting for a slot, with what it belongs to."""

    line: Line | TableRow    # a table's row where kind is TABLE
    kind: LineKind       # BODY or SUBHEAD
    block: int           # index of the story block


class PlannedSlot(NamedTuple):
    """A slot of the chain and the jump lines it carries."""

    slot: Slot
    jump_in: str | None      # （上接第M版） as its first line
    jump_out: str | None     # （下轉第N版） as its last line


class _LineSource:
    """The story's lines in order, composed lazily at the measure of the slot that takes them.

    When a slot's measure differs from the one the pending lines were composed for, the rest of the
    paragraph is re-broken from where it stands, as a continuation (no indent)."""

    def __init__(self, story: Story, t: Template, composer: Composer, memo: dict | None = None):
        self.story, self.t, self.composer = story, t, composer
        self.next_block = 0
        self.pending: list[Pending] = []
        self.measure: float | None = None
        # Atoms and composed lines, shared by the trial layouts of one story (balancing tries several).
        self._memo = memo if memo is not None else {}

    def _paragraph(self, index: int) -> tuple[Paragraph, list[Atom]]:
        key = ("atoms", index)
        if key not in self._memo:
            block = self.story.blocks[index]
            para = block_paragraph(block, self.t)
            # A subhead breaks between words, in lines of even length; any paragraph carries the editor's
            # 緊排 or 鬆排.
            para = Paragraph(para.spans, para.indent_em, para.align,
                             wordwise=block.kind in (BlockKind.SUBHEAD, BlockKind.BYLINE),
                             steer=block.steer)
            try:
                self._memo[key] = (para, atomise(para, self.composer.fonts))
            except MissingGlyph as exc:
                raise exc.in_paragraph(index) from None
        return self._memo[key]

    def _compose(self, index: int, measure: float, start: int = 0) -> list[Pending]:
        key = ("lines", index, round(measure, 4), start)
        if self.story.blocks[index].kind is BlockKind.TABLE:
            # A table's "lines" are its rows, set at this measure; ``start`` is the row it resumes from.
            rows_key = ("table", index, round(measure, 4))
            if rows_key not in self._memo:
                self._memo[rows_key] = set_rows(self.story.blocks[index], index, self.story, self.t, self.composer,
                                                measure)
            return [Pending(row, LineKind.TABLE, index) for row in self._memo[rows_key] if row.start >= start]
        if key not in self._memo:
            para, atoms = self._paragraph(index)
            kind = {BlockKind.SUBHEAD: LineKind.SUBHEAD, BlockKind.BYLINE: LineKind.BYLINE}.get(
                self.story.blocks[index].kind, LineKind.BODY)
            if start == 0:
                lines = self.composer.compose_atoms(atoms, para, measure, first_line=True)
            else:
                rest = [a for a in atoms if a.offset >= start]
                lines = self.composer.compose_atoms(rest, para, measure, first_line=False)
            self._memo[key] = [Pending(line, kind, index) for line in lines]
        return list(self._memo[key])

    def peek(self, measure: float) -> Pending | None:
        if self.pending and self.measure is not None and abs(self.measure - measure) > 1e-6:
            line, _, index = self.pending[0]
            tail = [p for p in self.pending if p.block != index]
            self.pending = self._compose(index, measure, line.start) + tail
        if not self.pending:
            if self.next_block >= len(self.story.blocks):
                return None
            self.pending = self._compose(self.next_block, measure)
            self.next_block += 1
        self.measure = measure
        return self.pending[0]

    def block_lines(self, index: int) -> int:
        return sum(1 for p in self.pending if p.block == index)

    def pop(self) -> Pending:
        return self.pending.pop(0)

    def exhausted(self) -> bool:
        return not self.pending and self.next_block >= len(self.story.blocks)

    def remaining_lines(self, measure: float) -> int:
        """How many lines everything not yet placed would take at this measure."""
        count = 0
        if self.pending:
            line, kind, index = self.pending[0]
            count += _height(self._compose(index, measure, line.start)) if line.start else _height(
                self._compose(index, measure))
            if kind is LineKind.TABLE and line.head is not None:
                count += line.head.lines     # a table that goes on does so under its head again
            count += _height(p for p in self.pending if p.block != index)
        for index in range(self.next_block, len(self.story.blocks)):
            count += _height(self._compose(index, measure))
        return count

    def overset(self) -> Overset | None:
        if self.exhausted():
            return None
        measure = self.measure or self.t.measure
        chars, first = 0, ""
        if self.pending:
            line, kind, index = self.pending[0]
            # A table names the row it stops at.
            first = line.label if kind is LineKind.TABLE else self.story.blocks[index].text[line.start:]
            chars += sum(len(p.line.text) for p in self.pending)
        for index in range(self.next_block, len(self.story.blocks)):
            chars += len(self.story.blocks[index].text)
            first = first or self.story.blocks[index].text
        sentence = first.split("。")[0][:40]
        return Overset(chars, self.remaining_lines(measure), sentence)


def _plan(story: Story, t: Template) -> list[PlannedSlot]:
    """Every slot of the chain with the jump-in and jump-out text it carries."""
    chain = story.frames
    plan = []
    for k, frame in enumerate(chain):
        slots = frame_slots(t, frame, k, JUMP_HEAD_LINES if k > 0 and frame.jump_head else 0, story.box)
        jump_in = (t.words(f"（上接第{chain[k - 1].place.page}版）")
                   if k > 0 and chain[k - 1].place.page != frame.place.page else None)
        jump_out = (t.words(f"（下轉第{chain[k + 1].place.page}版）")
                    if k + 1 < len(chain) and chain[k + 1].place.page != frame.place.page else None)
        where = f"story '{story.id}': frame {k + 1} (page {frame.place.page})"
        if not slots:
            why = ("its jump head takes all its" if frame.jump_head and not frame.exclude
                   else "its jump head and excluded rectangles take all its" if frame.jump_head
                   else "its excluded rectangles take all its")
            raise LayoutError(f"{where}: {why} {frame.place.lines} lines and leave none for text; give the frame "
                              f"more lines")
        for i, slot in enumerate(slots):
            planned = PlannedSlot(slot, jump_in if i == 0 else None, jump_out if i == len(slots) - 1 else None)
            # Each jump line takes a grid line of its own: a column holding both needs a line of text
            # between them, or they would be printed on top of each other over nothing.
            need = 1 + (planned.jump_in is not None) + (planned.jump_out is not None)
            if slot.lines < need:
                jumps = " and ".join(j for j in (planned.jump_in, planned.jump_out) if j)
                raise LayoutError(f"{where}: a column of {slot.lines} line{'s' if slot.lines > 1 else ''} cannot hold "
                                  f"{jumps} and a line of text; give the frame at least {need} lines")
            plan.append(planned)
    return plan


def _height(pending) -> int:
    """Grid lines these pending items take: a line one, a table's row its own."""
    return sum(p.line.lines if p.kind is LineKind.TABLE else 1 for p in pending)


def _table_row(t: Template, slot: Slot, row: int, table_row, kind: LineKind, block: int) -> list[PlacedLine]:
    """A table row's cells' lines from grid line ``row``, each cell at its place across the column and as
    far down as the row sets it (a head's cells centred in the head row, maybe by half a line: the line's
    grid line is then the one its em box starts in)."""
    drops = table_row.drops or (0.0,) * len(table_row.cells)
    return [PlacedLine(slot.page, slot.x, baseline_of(t, row + i, ln.size) + drop * t.pitch, row + i + int(drop), ln,
                       kind, block, slot.frame, dx)
            for cell, dx, drop in zip(table_row.cells, table_row.xs, drops) for i, ln in enumerate(cell)]


def _fill(source: _LineSource, t: Template, composer: Composer, plan: list[PlannedSlot],
          caps: dict[int, int], tables: TableParts | None = None) -> list[PlacedLine]:
    placed: list[PlacedLine] = []
    tables = tables if tables is not None else TableParts()
    for k, (slot, jump_in, jump_out) in enumerate(plan):
        row = slot.line
        end = slot.line + min(slot.lines, caps.get(k, slot.lines))
        if jump_out:
            end = slot.line + slot.lines - 1
        if jump_in and not source.exhausted():   # （上接） only where the story really goes on
            jump = jump_line(jump_in, t, Align.LEFT, slot.measure, composer)
            placed.append(PlacedLine(slot.page, slot.x, baseline_of(t, row, jump.size), row, jump, LineKind.JUMP_IN, -1,
                                     slot.frame))
            row += 1
        while row < end:
            item = source.peek(slot.measure)
            if item is None:
                break
            line, kind, index = item
            if kind is LineKind.TABLE:
                # A row takes whole grid lines; where the table goes on in a new column its head comes
                # first again, and the head is kept with the first row.
                repeat = line.head if line.head is not None and not tables.started(k, index) else None
                after = source.pending[1].line.lines if line.start == 0 and len(source.pending) > 1 else 0
                if row + line.lines + (repeat.lines if repeat else 0) + after > end:
                    break
                source.pop()
                for part, part_kind, part_block in ((repeat, LineKind.TABLE_HEAD, -1), (line, kind, index)):
                    if part is not None:
                        placed += _table_row(t, slot, row, part, part_kind, part_block)
                        tables.add(k, index, slot.page, slot.frame, slot.x, row, part)
                        row += part.lines
                continue
            if kind in (LineKind.SUBHEAD, LineKind.BYLINE):
                # A subhead (or a byline) is never left alone at the foot of a column (背題): it needs its
                # lines and one body line after it in the same column.
                if row + source.block_lines(index) + 1 > end and row > slot.line + (1 if jump_in else 0):
                    break
            source.pop()
            placed.append(PlacedLine(slot.page, slot.x, baseline_of(t, row, line.size), row, line, kind, index,
                                     slot.frame))
            row += 1
        if jump_out and not source.exhausted():
            jump = jump_line(jump_out, t, Align.RIGHT, slot.measure, composer)
            placed.append(PlacedLine(slot.page, slot.x, baseline_of(t, end, jump.size), end, jump, LineKind.JUMP_OUT,
                                     -1, slot.frame))
    return placed


def _balance_caps(story: Story, t: Template, composer: Composer, plan: list[PlannedSlot], memo: dict) -> dict[int, int]:
    """Column heights for the last frame so its columns end level (or nearly: the first ones longer)."""
    last = len(story.frames) - 1
    last_slots = [k for k, planned in enumerate(plan) if planned.slot.frame == last]
    if len(last_slots) < 2 or story.frames[last].exclude:
        return {}
    # Lay out everything before the last frame to know what is left for it.
    source = _LineSource(story, t, composer, memo)
    _fill(source, t, composer, plan[:last_slots[0]], {})
    first_slot = plan[last_slots[0]].slot
    remaining = source.remaining_lines(first_slot.measure) + (1 if plan[last_slots[0]].jump_in else 0)
    height = first_slot.lines
    for cap in range(max(1, math.ceil(remaining / len(last_slots))), height + 1):
        caps = {k: cap for k in last_slots}
        trial = _LineSource(story, t, composer, memo)
        _fill(trial, t, composer, plan, caps)
        if trial.exhausted():
            return caps
    return {}


def flow_story(story: Story, t: Template, composer: Composer, memo: dict | None = None) -> StoryFlow:
    """Place a story's lines in its frames; report what did not fit and what was left empty.
    ``memo``: atoms and composed lines by block index (keys ``(what, index, …)``), filled as the story
    is set; a caller laying out the same story again with some blocks changed passes what it kept of
    the unchanged ones."""
    plan = _plan(story, t)
    memo = memo if memo is not None else {}
    caps = _balance_caps(story, t, composer, plan, memo) if story.balance else {}
    source = _LineSource(story, t, composer, memo)
    tables = TableParts()
    placed = _fill(source, t, composer, plan, caps, tables)
    if source.pending and source.pending[0].kind is LineKind.TABLE:
        check_fits_somewhere(story, [p.line for p in source.pending if p.kind is LineKind.TABLE],
                             source.pending[0].block,
                             [p.slot.lines - (p.jump_in is not None) - (p.jump_out is not None) for p in plan])
    parts = tables.parts()
    fits = []
    for k, frame in enumerate(story.frames):
        available = sum(p.slot.lines for p in plan if p.slot.frame == k)
        # Grid lines used, not lines set: a table's cells share their grid lines, and a row's lines
        # count even where no cell reaches them.
        used = len({(p.x, p.grid_line) for p in placed if p.frame == k}
                   | {(part.x, ln) for part in parts if part.frame == k for ln in range(part.line, part.line + part.lines)})
        fits.append(FrameFit(frame.place.page, available, used, available - used))
    last_columns = len({p.slot.x for p in plan if p.slot.frame == len(story.frames) - 1})
    # A line's characters: a column's, or fewer where a boxed story's text is set narrower inside its border.
    chars = t.column_chars
    if story.box is not None:
        chars = min(chars, math.floor(min(p.slot.measure for p in plan) / t.body.size + 1e-9))
    return StoryFlow(story, tuple(placed), source.overset(), tuple(fits), chars,
                     last_columns, tables=parts)
