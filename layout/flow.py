"""A story's text through its chain of frames, column by column, on the baseline grid.

Each frame of a story's chain is cut into its grid columns (slots); body
lines fill a slot top to bottom, then the next slot, then the next frame,
which may be on another page.  Where two consecutive frames are on different
pages the engine writes the jump lines itself: （下轉第N版） as the last line
the story has on the page it leaves, （上接第M版） as the first line where it
resumes, with an optional jump head (續題) above.  What does not fit is
returned as overset, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from .compose import Composer, Line
from .errors import LayoutError
from .model import Block, Frame, Story, Template
from .text import Align, Paragraph, Span, TextStyle

LEAD_INS = ("本報訊", "本报讯")
# Ideographic em box: top at 0.88 em above the baseline (Noto CJK / Source Han metrics).
EM_TOP = 0.88


@dataclass(frozen=True)
class Slot:
    """One column of one frame: where lines of a story may go."""

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
    kind: str            # body, subhead, jump_out, jump_in, jump_head
    block: int           # index of the story block (-1 for jump lines)


@dataclass(frozen=True)
class Overset:
    chars: int           # characters that did not fit
    lines: int           # lines they would take at the last frame's measure
    first_sentence: str  # where the overset starts


@dataclass(frozen=True)
class StoryFlow:
    story: Story
    lines: tuple[PlacedLine, ...]
    overset: Overset | None
    lines_available: int
    lines_used: int


def baseline_of(t: Template, grid_line: int, size: float) -> float:
    """The baseline of a grid line: the em box sits in the middle of the line pitch."""
    top = t.line_y(grid_line)
    return top + (t.pitch - size) / 2 + EM_TOP * size


def block_paragraph(block: Block, t: Template) -> Paragraph:
    body, styles = t.body, t.styles
    if block.kind == "subhead":
        st = styles["subhead"]
        return Paragraph(tuple(Span(i.text, TextStyle(st.role, st.size)) for i in block.inlines),
                         kind="subhead", indent_em=0.0, align=Align.CENTER)
    spans = []
    for k, inline in enumerate(block.inlines):
        text, role = inline.text, ("sans" if inline.bold else body.role)
        if k == 0 and text.startswith(LEAD_INS):
            lead = next(x for x in LEAD_INS if text.startswith(x))
            st = styles["lead_in"]
            spans.append(Span(lead, TextStyle(st.role, st.size)))
            text = text[len(lead):]
        if text:
            spans.append(Span(text, TextStyle(role, body.size)))
    return Paragraph(tuple(spans), kind="body", indent_em=2.0, align=Align.JUSTIFY)


def jump_line(text: str, t: Template, align: Align, measure: float, composer: Composer) -> Line:
    """A jump line on one line of its column: set smaller if the column is too narrow for it."""
    st = t.styles["jump"]
    for scale in (1.0, 0.9, 0.8, 0.7, 0.6):
        para = Paragraph((Span(text, TextStyle(st.role, st.size * scale)),), kind="jump", indent_em=0.0, align=align)
        lines = composer.compose(para, measure)
        if len(lines) == 1:
            return lines[0]
    raise LayoutError(f"a column {measure:.1f} pt wide cannot hold the jump line {text}")


def frame_slots(t: Template, frame: Frame, index: int, skip_lines: int = 0) -> list[Slot]:
    p = frame.place
    return [Slot(p.page, index, t.column_x(c), p.line + skip_lines, p.lines - skip_lines, t.measure)
            for c in range(p.col, p.col + p.span)] if p.lines > skip_lines else []


def jump_head_lines(frame: Frame) -> int:
    return 2 if frame.jump_head else 0


def flow_story(story: Story, t: Template, composer: Composer) -> StoryFlow:
    """Place a story's lines in its frames; report what did not fit."""
    chain = story.frames
    # Slots grouped by frame; jump lines take the last line of a frame that leaves its page
    # and the first line(s) of the frame where the story resumes.
    plan: list[tuple[Slot, str | None, str | None]] = []  # slot, jump-in text, jump-out text
    for k, frame in enumerate(chain):
        slots = frame_slots(t, frame, k, jump_head_lines(frame) if k > 0 else 0)
        jump_in = (f"（上接第{chain[k - 1].place.page}版）"
                   if k > 0 and chain[k - 1].place.page != frame.place.page else None)
        jump_out = (f"（下轉第{chain[k + 1].place.page}版）"
                    if k + 1 < len(chain) and chain[k + 1].place.page != frame.place.page else None)
        for i, slot in enumerate(slots):
            plan.append((slot, jump_in if i == 0 else None, jump_out if i == len(slots) - 1 else None))

    placed: list[PlacedLine] = []
    # The queue of lines still to place: (line, kind, block index), composed lazily at each slot's measure.
    pending: list[tuple[Line, str, int]] = []
    next_block = 0
    composed_measure = None
    available = sum(s.lines for s, _, _ in plan)

    def refill(measure: float) -> bool:
        nonlocal composed_measure, next_block
        if next_block >= len(story.blocks):
            return False
        index, block = next_block, story.blocks[next_block]
        next_block += 1
        para = block_paragraph(block, t)
        kind = "subhead" if block.kind == "subhead" else "body"
        pending.extend((line, kind, index) for line in composer.compose(para, measure))
        composed_measure = measure
        return True

    for slot, jump_in, jump_out in plan:
        row = slot.line
        end = slot.line + slot.lines  # exclusive
        if jump_out:
            end -= 1
        if jump_in:
            line = jump_line(jump_in, t, Align.LEFT, slot.measure, composer)
            placed.append(PlacedLine(slot.page, slot.x, baseline_of(t, row, line.size), row, line, "jump_in", -1))
            row += 1
        while row < end:
            if not pending and not refill(slot.measure):
                break
            line, kind, index = pending[0]
            if kind == "subhead":
                # A subhead is never left alone at the foot of a column (背題): it needs its lines
                # and one body line after it in the same column.
                sub_lines = [p for p in pending if p[2] == index]
                if row + len(sub_lines) + 1 > end and row > slot.line + (1 if jump_in else 0):
                    break
            pending.pop(0)
            placed.append(PlacedLine(slot.page, slot.x, baseline_of(t, row, line.size), row, line, kind, index))
            row += 1
        if jump_out:
            if pending or next_block < len(story.blocks):
                line = jump_line(jump_out, t, Align.RIGHT, slot.measure, composer)
                placed.append(PlacedLine(slot.page, slot.x, baseline_of(t, end, line.size), end, line,
                                         "jump_out", -1))

    overset = _overset(story, pending, next_block, composer, composed_measure or t.measure, t)
    used = sum(1 for p in placed)
    return StoryFlow(story, tuple(placed), overset, available, used)


def _overset(story: Story, pending, next_block: int, composer: Composer, measure: float,
             t: Template) -> Overset | None:
    rest = list(enumerate(story.blocks))[next_block:]
    if not pending and not rest:
        return None
    chars = 0
    first = ""
    lines = len(pending)
    if pending:
        line, _, index = pending[0]
        text = story.blocks[index].text
        first = text[line.start:]
        chars += sum(len(p[0].text) for p in pending)
    for _, block in rest:
        para_lines = composer.compose(block_paragraph(block, t), measure)
        lines += len(para_lines)
        chars += len(block.text)
        if not first:
            first = block.text
    sentence = first.split("。")[0][:40]
    return Overset(chars, lines, sentence)
