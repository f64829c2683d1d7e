"""What a story needs on the grid, from the real composer: its body's lines at the column measure, the
heads it can have at each width, the photo sizes its aspect allows — and, from those, every module
(head, photo, text frame) it can take at a width, with its height in grid lines.

Lines come from composing each paragraph with the template's composer at the measure (cached per
text digest, measure and composition settings, for the life of the measurer). A frame's columns are
then filled as page/flow.py fills them — the same keep-with-next rule for subheads, the same jump
lines and jump-head band, the same balancing of the last frame — in a few microseconds a trial, so
the search can try thousands of frames; every proposal is afterwards laid out by the engine itself.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

from ..base.errors import LayoutError
from ..compose.atoms import Paragraph
from ..compose.linebreak import Composer
from ..issue.model import BlockKind, GridRect, Story, Template
from ..page.flow import JUMP_HEAD_LINES, block_paragraph
from ..page.furniture import CAPTION_GAP, caption_lines, headline_block
from ..page.items import TextRun
from ..page.verify import verify_drawn
from .makeup_plan import PlanStory, Priority

# Headline sizes by priority, as shares of the template's headline size: the lead at the full size or
# grown to fill its width, a second at most that, a brief at most a second's least (a head is set
# smaller by fitting it to fewer lines), so the order holds. At a width where a story's head has no
# size in its band (a very short or long headline) it takes any size no larger than the lead's; the
# page's order of sizes is then kept before the search (makeup.py) and checked (makeup_rules.py).
HEAD_BANDS = {Priority.LEAD: (1.0, 2.0), Priority.SECOND: (0.7, 1.0), Priority.BRIEF: (0.3, 0.7)}
LOOSE_BAND = (0.3, 1.0)
TARGET = {Priority.LEAD: 1.0, Priority.SECOND: 0.8, Priority.BRIEF: 0.6}
HEAD_EXTRA = {Priority.LEAD: 3, Priority.SECOND: 2, Priority.BRIEF: 1}   # lines a head may take beyond its least
MAX_HEAD_LINES = 12
CROP = 0.8            # a photo may lose up to a fifth of its width or height to fit its place
MIN_PPI_SHARE = 1.0   # a photo placed below the template's warn_ppi is not proposed
JUMP_LEAST = 4        # lines a column of a story's first part holds at least before it jumps


@dataclass(frozen=True)
class SimSlot:
    lines: int
    frame: int
    column: int
    jump_in: bool = False
    jump_out: bool = False


@dataclass(frozen=True)
class FrameShape:
    """A text frame relative to its module: span and lines, an excluded rectangle at its top-left
    (columns, lines: a photo and the blank line under it), a jump head."""

    span: int
    lines: int
    exclude: tuple[int, int] | None = None
    jump_head: bool = False


def count_slots(shape: FrameShape, frame: int, jump_in: bool, jump_out: bool) -> list[SimSlot] | None:
    """The frame's columns as page/flow.py cuts them; None where flow would refuse the frame."""
    top = JUMP_HEAD_LINES if shape.jump_head else 0
    slots = []
    for col in range(shape.span):
        start = top
        if shape.exclude and col < shape.exclude[0]:
            start = max(top, shape.exclude[1])
        if start < shape.lines:
            slots.append(SimSlot(shape.lines - start, frame, col))
    if not slots:
        return None
    slots[0] = SimSlot(slots[0].lines, frame, slots[0].column, jump_in, False)
    last = slots[-1]
    slots[-1] = SimSlot(last.lines, frame, last.column, last.jump_in, jump_out)
    if any(s.lines < 1 + s.jump_in + s.jump_out for s in slots):
        return None
    return slots


def _fill_counts(blocks: tuple[tuple[int, bool], ...], slots: list[SimSlot], caps: dict[int, int]):
    """page/flow.py's _fill over line counts: the lines each slot takes, and where the text stands."""
    b, done, n = 0, 0, len(blocks)
    used = [0] * len(slots)
    for k, s in enumerate(slots):
        end = s.lines - 1 if s.jump_out else min(s.lines, caps.get(k, s.lines))
        row = 0
        if s.jump_in and b < n:
            used[k] += 1
            row = 1
        while row < end and b < n:
            count, subhead = blocks[b]
            if subhead and row + (count - done) + 1 > end and row > (1 if s.jump_in else 0):
                break
            done += 1
            row += 1
            used[k] += 1
            if done == count:
                b, done = b + 1, 0
        if s.jump_out and b < n:
            used[k] += 1
    return used, b, done


@dataclass(frozen=True)
class SimFlow:
    overset: int          # lines that did not fit (0: the story fits)
    underset: int         # empty lines beyond what a balanced last frame may leave
    used: tuple[int, ...]  # lines taken in each frame


def simulate(blocks: tuple[tuple[int, bool], ...], frames: list[FrameShape]) -> SimFlow | None:
    """The story through a chain of frames (consecutive frames on different pages: jump lines), as
    page/flow.py places it with ``balance: true``; None where flow would refuse a frame."""
    slots: list[SimSlot] = []
    for k, shape in enumerate(frames):
        got = count_slots(shape, k, k > 0, k + 1 < len(frames))
        if got is None:
            return None
        slots += got
    caps: dict[int, int] = {}
    last = len(frames) - 1
    last_slots = [k for k, s in enumerate(slots) if s.frame == last]
    if len(last_slots) >= 2 and not frames[last].exclude:
        _, b, done = _fill_counts(blocks, slots[:last_slots[0]], {})
        remaining = sum(c for c, _ in blocks[b:]) - done + (1 if slots[last_slots[0]].jump_in else 0)
        height = slots[last_slots[0]].lines
        for cap in range(max(1, math.ceil(remaining / len(last_slots))), height + 1):
            trial = {k: cap for k in last_slots}
            if _fill_counts(blocks, slots, trial)[1] >= len(blocks):
                caps = trial
                break
    used, b, done = _fill_counts(blocks, slots, caps)
    over = sum(c for c, _ in blocks[b:]) - done
    per_frame = [0] * len(frames)
    avail = [0] * len(frames)
    for s, u in zip(slots, used):
        per_frame[s.frame] += u
        avail[s.frame] += s.lines
    empty = [a - u for a, u in zip(avail, per_frame)]
    columns = len({s.column for s in slots if s.frame == last})
    under = 0 if over else sum(empty) - min(empty[last], columns - 1)
    return SimFlow(over, under, tuple(per_frame))


@dataclass(frozen=True)
class Head:
    lines: int
    size: float           # the headline's size as set, pt
    fit: bool             # fit_headline asked for
    least: int            # the fewest lines a head of this story takes at this width (for the cost)


@dataclass(frozen=True)
class Body:
    """A story's body at a width: its frame, its photo (relative to the body's top-left), its height."""

    height: int
    frame: FrameShape
    frame_top: int                              # the frame's first line below the body's top
    photo: tuple[int, int, int, int] | None     # col offset, span, line offset, lines
    crop: float                                 # |ln| of the photo's shown aspect over its own
    continues: bool = False                     # the text goes on (a jump) from this frame


class Measurer:
    """Composes stories and heads for the make-up search, once each (memos kept on the measurer)."""

    def __init__(self, t: Template, composer: Composer):
        self.t, self.composer = t, composer
        self._lines: dict[tuple, tuple[tuple[int, bool], ...]] = {}
        self._heads: dict[tuple, Head | None] = {}
        self._captions: dict[tuple, int] = {}
        self._bodies: dict[tuple, list[Body]] = {}
        self.composed = 0          # paragraphs composed (the rest came from the memo)

    # --- text -----------------------------------------------------------------------------------
    def block_lines(self, story: PlanStory) -> tuple[tuple[int, bool], ...]:
        """Lines each paragraph and subhead takes at the grid's measure, with whether it is a subhead."""
        t = self.t
        digest = hashlib.sha256(repr(story.blocks).encode()).hexdigest()
        key = (digest, round(t.measure, 4), repr(t.composition), repr(t.body), repr(t.styles.get("subhead")),
               repr(t.styles.get("lead_in")))
        if key not in self._lines:
            out = []
            for block in story.blocks:
                para = block_paragraph(block, t)
                para = Paragraph(para.spans, para.indent_em, para.align,
                                 wordwise=block.kind is BlockKind.SUBHEAD, steer=block.steer)
                out.append((len(self.composer.compose(para, t.measure)), block.kind is BlockKind.SUBHEAD))
                self.composed += 1
            self._lines[key] = tuple(out)
        return self._lines[key]

    # --- heads ----------------------------------------------------------------------------------
    def _head_at(self, story: PlanStory, span: int, lines: int, fit: bool) -> float | None:
        """The headline's size in a head of ``span`` columns and ``lines`` lines, or None if it does not fit."""
        key = (story.id, story.kicker, story.headline, story.deck, span, lines, fit)
        if key not in self._heads:
            place = GridRect(1, 1, span, 1, lines)
            model = Story(story.id, story.kicker, story.headline, story.deck, (), place, (), "plan",
                          fit_headline=fit)
            rect = self.t.rect(place)
            try:
                items = headline_block(model, rect, self.t, self.composer)
                verify_drawn("head", [x for x in (story.kicker, story.headline, story.deck) if x], items, rect,
                             self.composer.fonts, "")
                self._heads[key] = max(i.size for i in items if isinstance(i, TextRun))
            except LayoutError:
                self._heads[key] = None
        return self._heads[key]

    def heads(self, story: PlanStory, span: int, spans: range | None = None) -> list[Head]:
        """The heads the story may have at this width, by its priority's band of headline sizes (or, where
        it has none in that band at this width, the loose band: the search's cost and the page's order
        of sizes then decide)."""
        heads = self._heads_in(story, span, HEAD_BANDS[story.priority])
        if not heads and story.priority is not Priority.LEAD:
            heads = self._heads_in(story, span, LOOSE_BAND)
        return heads

    def _heads_in(self, story: PlanStory, span: int, band: tuple[float, float]) -> list[Head]:
        style = self.t.styles["headline"].size
        low, high = band
        found: list[tuple[int, float, bool]] = []
        target = TARGET[story.priority] * style
        for lines in range(2, MAX_HEAD_LINES + 1):
            if found and lines > found[0][0] + HEAD_EXTRA[story.priority]:
                break
            best = None
            for fit in (False, True):
                size = self._head_at(story, span, lines, fit)
                if size is not None and low * style - 0.05 <= size <= high * style + 0.05:
                    if best is None or (size > best[1] if story.priority is Priority.LEAD
                                        else abs(size - target) < abs(best[1] - target)):
                        best = (lines, size, fit)
            if best:
                found.append(best)
        return [Head(n, size, fit, found[0][0]) for n, size, fit in found]

    # --- photos ---------------------------------------------------------------------------------
    def caption_lines(self, story: PlanStory, span: int) -> int:
        photo = story.photo
        key = (photo.caption, photo.credit, photo.sample, span)
        if key not in self._captions:
            width = self.t.rect(GridRect(1, 1, span, 1, 1)).w
            # Counted as the page draws them (page/furniture.py): the caption, then the credit's own line.
            self._captions[key] = len(caption_lines(photo.caption, photo.credit, photo.sample, self.t, self.composer,
                                                    width))
        return self._captions[key]

    def photo_heights(self, story: PlanStory, span: int) -> list[tuple[int, float]]:
        """Lines the photo may take at ``span`` columns, each with its crop: its picture shown at an aspect
        within CROP of its own, at no less than the template's warning resolution."""
        from ..issue.photos import effective_ppi

        t, photo = self.t, story.photo
        width = t.rect(GridRect(1, 1, span, 1, 1)).w
        cap = self.caption_lines(story, span)
        out = []
        for lines in range(cap + 3, t.lines):
            picture = lines * t.pitch - cap * t.pitch - CAPTION_GAP * t.pitch
            shown = width / picture
            if shown < photo.aspect * CROP:
                break
            if shown > photo.aspect / CROP:
                continue
            if effective_ppi(photo.file, width, picture, photo.focus) < t.printing.warn_ppi * MIN_PPI_SHARE:
                continue
            out.append((lines, abs(math.log(shown / photo.aspect))))
        return out

    # --- bodies ---------------------------------------------------------------------------------
    def bodies(self, story: PlanStory, span: int, may_jump: bool) -> list[Body]:
        """Every body the story can have at ``span`` columns that holds its text exactly (or, where it may
        jump, its first part: the frame full and the text going on)."""
        key = (story.id, span, may_jump)
        if key in self._bodies:
            return self._bodies[key]
        blocks = self.block_lines(story)
        total = sum(c for c, _ in blocks)
        out: list[Body] = []

        def exact(shape_for) -> int | None:
            """The fewest lines that hold the text with none left empty (beyond balancing), or None."""
            start = max(1, math.ceil(total / span))
            for lines in range(start, start + 8 + len(blocks) // 3):
                shape = shape_for(lines)
                if shape is None:
                    continue
                sim = simulate(blocks, [shape])
                if sim is None or sim.overset:
                    continue
                return lines if sim.underset == 0 else None
            return None

        plain = exact(lambda n: FrameShape(span, n))
        # A story's photo is always placed with it: only a story without one has bodies of text alone.
        if plain is not None and not story.photo:
            out.append(Body(plain, FrameShape(span, plain), 0, None, 0.0))
        if may_jump and not story.photo:
            for lines in range(JUMP_LEAST, plain or total):
                out.append(Body(lines, FrameShape(span, lines), 0, None, 0.0, continues=True))
        if story.photo:
            # The photo across the body's top, the text under it after a blank line.
            for ph, crop in self.photo_heights(story, span):
                if plain is not None:
                    out.append(Body(ph + 1 + plain, FrameShape(span, plain), ph + 1, (0, span, 0, ph), crop))
                if may_jump:
                    for lines in range(JUMP_LEAST, plain or total):
                        out.append(Body(ph + 1 + lines, FrameShape(span, lines), ph + 1, (0, span, 0, ph), crop,
                                        continues=True))
            # The photo in the first columns, the text round it (under it and beside it).
            for k in range(1, span):
                for ph, crop in self.photo_heights(story, k):
                    n = exact(lambda lines: FrameShape(span, lines, (k, ph + 1)) if lines >= ph + 2 + 2 else None)
                    if n is not None:
                        out.append(Body(n, FrameShape(span, n, (k, ph + 1)), 0, (0, k, 0, ph), crop))
                    if may_jump:
                        # Its first part: the frame full round the photo, the text going on.
                        for lines in range(ph + 1 + JUMP_LEAST, n or ph + 2 + total):
                            capacity = span * lines - k * (ph + 1)
                            if capacity >= total:
                                break
                            out.append(Body(lines, FrameShape(span, lines, (k, ph + 1)), 0, (0, k, 0, ph), crop,
                                            continues=True))
        self._bodies[key] = out
        return out

    def continuation(self, story: PlanStory, home: FrameShape, span: int) -> Body | None:
        """The rest of a story that jumped from ``home``: its frame at ``span`` columns under a jump head
        (two lines) and （上接第N版）, holding the rest exactly, or None."""
        blocks = self.block_lines(story)
        for lines in range(JUMP_HEAD_LINES + 2, self.t.lines):
            shape = FrameShape(span, lines, None, True)
            sim = simulate(blocks, [home, shape])
            if sim is None or sim.overset:
                continue
            if sim.underset:
                return None
            return Body(lines, shape, 0, None, 0.0)
        return None
