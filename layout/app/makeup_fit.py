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
from .makeup_rules import HEAD_TOLERANCE, LEG_MIN, head_overrun

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
    """A text frame relative to its module: span and lines, an excluded rectangle at its top (first
    column offset, columns, lines: a photo over its last columns and the blank line under it), a jump head."""

    span: int
    lines: int
    exclude: tuple[int, int, int] | None = None
    jump_head: bool = False


@dataclass(frozen=True)
class EditionText:
    """One edition the issue prints, as the measurer sets it: its template (script, glyph region,
    punctuation position) and composer, and the plan's stories converted to its script (by id)."""

    code: str | None
    t: Template
    composer: Composer
    stories: dict

    def story(self, story: PlanStory) -> PlanStory:
        return self.stories.get(story.id, story)


def count_slots(shape: FrameShape, frame: int, jump_in: bool, jump_out: bool) -> list[SimSlot] | None:
    """The frame's columns as page/flow.py cuts them; None where flow would refuse the frame."""
    top = JUMP_HEAD_LINES if shape.jump_head else 0
    slots = []
    for col in range(shape.span):
        start = top
        if shape.exclude and shape.exclude[0] <= col < shape.exclude[0] + shape.exclude[1]:
            start = max(top, shape.exclude[2])
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

    def __init__(self, t: Template, composer: Composer, editions: list[EditionText] | None = None):
        """``editions``: every edition the issue prints (default one: the stories as given, set with ``t``);
        a body or head is proposed only where it fits every edition exactly."""
        self.t, self.composer = t, composer
        self.editions = editions or [EditionText(None, t, composer, {})]
        self._lines: dict[tuple, tuple[tuple[int, bool], ...]] = {}
        self._heads: dict[tuple, Head | None] = {}
        self._captions: dict[tuple, int] = {}
        self._bodies: dict[tuple, list[Body]] = {}
        self.composed = 0          # paragraphs composed (the rest came from the memo)

    # --- text -----------------------------------------------------------------------------------
    def block_lines(self, story: PlanStory, edition: EditionText | None = None) -> tuple[tuple[int, bool], ...]:
        """Lines each paragraph and subhead takes at the grid's measure, with whether it is a subhead, in
        ``edition`` (default the first the issue prints)."""
        ed = edition or self.editions[0]
        t, story = ed.t, ed.story(story)
        digest = hashlib.sha256(repr(story.blocks).encode()).hexdigest()
        key = (digest, round(t.measure, 4), repr(t.composition), repr(t.body), repr(t.styles.get("subhead")),
               repr(t.styles.get("lead_in")), t.glyph_region)
        if key not in self._lines:
            out = []
            for block in story.blocks:
                para = block_paragraph(block, t)
                para = Paragraph(para.spans, para.indent_em, para.align,
                                 wordwise=block.kind is BlockKind.SUBHEAD, steer=block.steer)
                out.append((len(ed.composer.compose(para, t.measure)), block.kind is BlockKind.SUBHEAD))
                self.composed += 1
            self._lines[key] = tuple(out)
        return self._lines[key]

    def every_edition(self, story: PlanStory) -> list[tuple[tuple[int, bool], ...]]:
        """The story's block lines in each edition the issue prints (each set of counts once)."""
        return list(dict.fromkeys(self.block_lines(story, ed) for ed in self.editions))

    # --- heads ----------------------------------------------------------------------------------
    def _head_at(self, story: PlanStory, span: int, lines: int, fit: bool) -> float | None:
        """The headline's size in a head of ``span`` columns and ``lines`` lines (in the first edition), or
        None if it does not fit in every edition: drawn whole, its block inside the rectangle with its own
        leading under its last line, so it never touches what lies below (makeup_rules: head-fits)."""
        key = (story.id, story.kicker, story.headline, story.deck, span, lines, fit)
        if key not in self._heads:
            place = GridRect(1, 1, span, 1, lines)
            sizes = []
            for ed in self.editions:
                s = ed.story(story)
                model = Story(s.id, s.kicker, s.headline, s.deck, (), place, (), "plan", fit_headline=fit)
                rect = ed.t.rect(place)
                try:
                    items = headline_block(model, rect, ed.t, ed.composer)
                    verify_drawn("head", [x for x in (s.kicker, s.headline, s.deck) if x], items, rect,
                                 ed.composer.fonts, "")
                except LayoutError:
                    break
                if head_overrun(items, rect) > HEAD_TOLERANCE:
                    break
                sizes.append(max(i.size for i in items if isinstance(i, TextRun)))
            self._heads[key] = sizes[0] if len(sizes) == len(self.editions) else None
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
        """The caption's lines at ``span`` columns: the most any edition takes."""
        photo = story.photo
        key = (story.id, photo.caption, photo.credit, photo.sample, span)
        if key not in self._captions:
            width = self.t.rect(GridRect(1, 1, span, 1, 1)).w
            # Counted as the page draws them (page/furniture.py): the caption, then the credit's own line.
            self._captions[key] = max(
                len(caption_lines(p.caption, p.credit, p.sample, ed.t, ed.composer, width))
                for ed in self.editions for p in (ed.story(story).photo,))
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
        """Every body the story can have at ``span`` columns that holds its text exactly in every edition
        (or, where it may jump, its first part: the frame full and the text going on in every edition).
        Its photo goes across the top of its text or over its last columns with the text round it, never
        where the text begins; a column of text under a photo holds at least LEG_MIN lines."""
        key = (story.id, span, may_jump)
        if key in self._bodies:
            return self._bodies[key]
        texts = self.every_edition(story)
        totals = [sum(c for c, _ in blocks) for blocks in texts]
        total, least = max(totals), min(totals)
        longest = max(len(blocks) for blocks in texts)
        out: list[Body] = []

        def exact(shape_for) -> int | None:
            """The fewest lines that hold the text in every edition with none left empty (beyond
            balancing), or None."""
            start = max(1, math.ceil(least / span))
            for lines in range(start, start + 8 + longest // 3 + (total - least) // span):
                shape = shape_for(lines)
                if shape is None:
                    continue
                sims = [simulate(blocks, [shape]) for blocks in texts]
                if any(sim is None or sim.overset for sim in sims):
                    continue
                return lines if all(sim.underset == 0 for sim in sims) else None
            return None

        def full(shape: FrameShape) -> bool:
            """The frame full in every edition, the text going on."""
            return all(sim is not None and sim.overset for sim in (simulate(b, [shape]) for b in texts))

        plain = exact(lambda n: FrameShape(span, n))
        # A story's photo is always placed with it: only a story without one has bodies of text alone.
        if plain is not None and not story.photo:
            out.append(Body(plain, FrameShape(span, plain), 0, None, 0.0))
        if may_jump and not story.photo:
            for lines in range(JUMP_LEAST, plain or least):
                if full(FrameShape(span, lines)):
                    out.append(Body(lines, FrameShape(span, lines), 0, None, 0.0, continues=True))
        if story.photo:
            # The photo across the body's top, the text under it after a blank line.
            for ph, crop in self.photo_heights(story, span):
                if plain is not None:
                    out.append(Body(ph + 1 + plain, FrameShape(span, plain), ph + 1, (0, span, 0, ph), crop))
                if may_jump:
                    for lines in range(JUMP_LEAST, plain or least):
                        if full(FrameShape(span, lines)):
                            out.append(Body(ph + 1 + lines, FrameShape(span, lines), ph + 1, (0, span, 0, ph), crop,
                                            continues=True))
            # The photo over the last columns, the text round it: from the top left under the head, down
            # the first columns, then under the photo (never fewer than LEG_MIN lines there).
            for k in range(1, span):
                first = span - k
                for ph, crop in self.photo_heights(story, k):
                    n = exact(lambda lines: FrameShape(span, lines, (first, k, ph + 1))
                              if lines >= ph + 1 + LEG_MIN else None)
                    if n is not None:
                        out.append(Body(n, FrameShape(span, n, (first, k, ph + 1)), 0, (first, k, 0, ph), crop))
                    if may_jump:
                        # Its first part: the frame full round the photo, the text going on.
                        for lines in range(ph + 1 + max(JUMP_LEAST, LEG_MIN), n or ph + 2 + least):
                            if span * lines - k * (ph + 1) >= least:
                                break
                            shape = FrameShape(span, lines, (first, k, ph + 1))
                            if full(shape):
                                out.append(Body(lines, shape, 0, (first, k, 0, ph), crop, continues=True))
        self._bodies[key] = out
        return out

    def continuation(self, story: PlanStory, home: FrameShape, span: int) -> Body | None:
        """The rest of a story that jumped from ``home``: its frame at ``span`` columns under a jump head
        (two lines) and （上接第N版）, holding the rest exactly in every edition, or None."""
        texts = self.every_edition(story)
        for lines in range(JUMP_HEAD_LINES + 2, self.t.lines):
            shape = FrameShape(span, lines, None, True)
            sims = [simulate(blocks, [home, shape]) for blocks in texts]
            if any(sim is None or sim.overset for sim in sims):
                continue
            if any(sim.underset for sim in sims):
                return None
            return Body(lines, shape, 0, None, 0.0)
        return None
