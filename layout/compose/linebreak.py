"""Line breaking and justification of Chinese paragraphs (W3C clreq).

Paragraph and measure in, lines of positioned glyphs out; nothing here knows
pages or PDF.  The order of work follows clreq §3.8 (line adjustment):

1. adjacent punctuation is set at 1.5 em and a full-width mark at line end is
   trimmed to half width (GB/T 15834 §5.1.10), always;
2. a line is filled to its natural width; where the break would put a
   forbidden mark at a line start or end, the composer first *pushes in*
   (compresses punctuation so one more unit fits), then *pushes out* (carries
   units down and spreads the line);
3. a line too long shrinks in clreq's priority order, a line too short
   expands: Han–Latin gaps first, then evenly between all units;
4. a paragraph's last line never holds a lone character (孤字).
"""

from __future__ import annotations

from enum import Enum, IntEnum
from typing import NamedTuple, Sequence

from . import rules_zh as zh
from .atoms import Align, Atom, Kind, Paragraph, atomise, split_atom
from ..fonts.faces import FontSet
from .lines import Line
from .settings import CompositionSettings, PunctuationPosition, PunctuationStyle

EPS = 1e-6
_PUNCT = (Kind.OPEN, Kind.CLOSE, Kind.PAUSE, Kind.STOP, Kind.MIDDLE)
# Units that do not count as a character of their own when a line is judged a 孤字.
_NOT_SOLID = (*_PUNCT, Kind.SPACE)


def lone_character(units: Sequence[Atom]) -> bool:
    """A line holding one character alone, with or without its punctuation (孤字): the test for a
    paragraph's last line and for a headline's lines."""
    solid = [x for x in units if x.kind not in _NOT_SOLID]
    return len(solid) <= 1 and len(solid[0].text if solid else "") <= 1


class Side(Enum):
    """What a shrink takes from: a unit's left blank, its right blank, or the gap after it."""

    LEFT = "left"
    RIGHT = "right"
    GAP = "gap"


class ShrinkLevel(IntEnum):
    """clreq's order of shrinking a line that is too long (§3.8): earlier levels give first."""

    SPACES = 0         # spaces, down to a quarter em
    MIDDLE_DOTS = 1    # both blanks of a middle dot
    BRACKETS = 2       # the outer blanks of opening and closing marks
    PAUSES = 3         # 、，；
    LATIN_GAPS = 4     # Han–Latin gaps, down to their minimum
    STOPS = 5          # 。：？！ last


class Shrink(NamedTuple):
    """How much one side of one unit (or the gap after it) may still give."""

    side: Side
    index: int         # the unit, or for a gap the unit it follows
    amount: float      # pt


class _LineBox:
    """The arithmetic of one candidate line atoms[a:b]: cuts, gaps and widths."""

    __slots__ = ("atoms", "cut_l", "cut_r", "gaps", "latin_gap", "settings", "track", "cns", "widths")

    def __init__(self, atoms: list[Atom], settings: CompositionSettings):
        self.atoms = atoms
        self.settings = settings
        self.widths = sum([a.width for a in atoms])   # the units' own widths: asked for again and again
        n = len(atoms)
        self.cut_l = cut_l = [0.0] * n
        self.cut_r = cut_r = [0.0] * n
        self.gaps = gaps = [0.0] * max(n - 1, 0)
        self.latin_gap = latin_gap = [False] * max(n - 1, 0)   # a Han–Latin gap follows unit i
        self.track = 0.0  # letter-spacing inside a lone unit (a cut URL alone on its line)
        style = settings.punctuation
        # CNS (centred) marks keep their full em: no cuts, no adjacency compression, no line-end trim.
        self.cns = settings.position is PunctuationPosition.CNS
        punct = not self.cns
        if punct and style is not PunctuationStyle.QUANJIAO:
            for i, atom in enumerate(atoms):
                if style is PunctuationStyle.BANJIAO or atom.kind is not Kind.STOP:
                    cut_l[i], cut_r[i] = atom.blank_left, atom.blank_right
                elif atom.text in "：；":
                    cut_r[i] = atom.blank_right
        han, latin = Kind.HAN, Kind.LATIN
        for i in range(n - 1):
            left, right = atoms[i], atoms[i + 1]
            lk, rk = left.kind, right.kind
            if lk is han and rk is han:
                continue  # most pairs: nothing to compress, no gap
            # Adjacent full-width marks are set at 1.5 em: the blank at their junction goes once.
            if punct and left.blank_right > 0 and rk in _PUNCT and (right.blank_left > 0 or right.blank_right > 0):
                if cut_l[i + 1] == 0 or right.blank_left == 0:
                    cut_r[i] = left.blank_right
            elif punct and right.blank_left > 0 and lk in _PUNCT and (left.blank_left > 0 or left.blank_right > 0):
                cut_l[i + 1] = right.blank_left
            if (lk is latin and rk is han) or (lk is han and rk is latin):
                gaps[i] = settings.latin_gap_em * max(left.size, right.size)
                latin_gap[i] = True
        if n:
            if punct:
                # A full-width mark at line end is trimmed to half width (GB/T 15834 §5.1.10).
                cut_r[-1] = atoms[-1].blank_right
            # Spaces at either edge of a line take no room.
            for i in (0, n - 1):
                if atoms[i].kind is Kind.SPACE:
                    cut_r[i] = atoms[i].width
        # A mark's blank is cut only as far as the unit before it reaches: after a narrow Latin
        # letter or digit the mark's glyph must not start before that unit does.
        for i in range(1, n):
            if cut_l[i] > 0:
                cut_l[i] = max(0.0, min(cut_l[i], self._room_left(i)))

    def _room_left(self, i: int) -> float:
        """How far unit i's glyph may move left before it starts where unit i - 1 starts."""
        return self.atoms[i - 1].width - self.cut_r[i - 1] + self.gaps[i - 1]

    def natural(self) -> float:
        track = self.track * (len(self.atoms[0].text) - 1) if self.track else 0.0
        return self.widths - sum(self.cut_l) - sum(self.cut_r) + sum(self.gaps) + track

    def _shrink_levels(self) -> list[list[Shrink]]:
        """What may still shrink, by ``ShrinkLevel`` (clreq's priority order)."""
        atoms = self.atoms
        levels: list[list[Shrink]] = [[] for _ in ShrinkLevel]
        left, right = Side.LEFT, Side.RIGHT
        for i, a in enumerate(atoms):
            if self.cns and a.kind is not Kind.SPACE:
                continue
            if a.kind is Kind.SPACE:
                levels[ShrinkLevel.SPACES].append(Shrink(right, i, max(0.0, a.width - self.cut_r[i] - 0.25 * a.size)))
            elif a.kind is Kind.MIDDLE:
                levels[ShrinkLevel.MIDDLE_DOTS].append(Shrink(left, i, self._left_cut_room(i)))
                levels[ShrinkLevel.MIDDLE_DOTS].append(Shrink(right, i, a.blank_right - self.cut_r[i]))
            elif a.kind is Kind.OPEN:
                levels[ShrinkLevel.BRACKETS].append(Shrink(left, i, self._left_cut_room(i)))
            elif a.kind is Kind.CLOSE:
                levels[ShrinkLevel.BRACKETS].append(Shrink(right, i, a.blank_right - self.cut_r[i]))
            elif a.kind is Kind.PAUSE:
                levels[ShrinkLevel.PAUSES].append(Shrink(right, i, a.blank_right - self.cut_r[i]))
            elif a.kind is Kind.STOP:
                levels[ShrinkLevel.STOPS].append(Shrink(right, i, a.blank_right - self.cut_r[i]))
        s = self.settings
        for i, latin in enumerate(self.latin_gap):
            if latin:
                size = max(self.atoms[i].size, self.atoms[i + 1].size)
                room = max(0.0, self.gaps[i] - s.latin_gap_min_em * size)
                levels[ShrinkLevel.LATIN_GAPS].append(Shrink(Side.GAP, i, room))
        return levels

    def _left_cut_room(self, i: int) -> float:
        left = self.atoms[i].blank_left - self.cut_l[i]
        return max(0.0, min(left, self._room_left(i) - self.cut_l[i])) if i else left

    def max_shrink(self) -> float:
        return sum(shrink.amount for level in self._shrink_levels() for shrink in level)

    def shrink(self, need: float) -> float:
        """Shrink by up to ``need`` pt, level by level, evenly within a level; return what is left."""
        for level in self._shrink_levels():
            avail = sum(shrink.amount for shrink in level)
            if avail <= EPS:
                continue
            take = min(need, avail)
            frac = take / avail
            for side, i, amount in level:
                if side is Side.LEFT:
                    self.cut_l[i] += amount * frac
                elif side is Side.RIGHT:
                    self.cut_r[i] += amount * frac
                else:
                    self.gaps[i] -= amount * frac
            need -= take
            if need <= EPS:
                return 0.0
        return need

    def expand(self, extra: float) -> float:
        """Spread ``extra`` pt: Han–Latin gaps to ⅓ em first, then evenly between units."""
        s = self.settings
        latin = [i for i, is_latin in enumerate(self.latin_gap) if is_latin]
        if latin:
            room = [(i, max(0.0, s.latin_gap_max_em * max(self.atoms[i].size, self.atoms[i + 1].size) - self.gaps[i]))
                    for i in latin]
            avail = sum(r for _, r in room)
            if avail > EPS:
                take = min(extra, avail)
                for i, r in room:
                    self.gaps[i] += r * take / avail
                extra -= take
        if extra > EPS and self.gaps:
            each = extra / len(self.gaps)
            for i in range(len(self.gaps)):
                self.gaps[i] += each
            extra = 0.0
        elif extra > EPS and len(self.atoms) == 1 and len(self.atoms[0].text) > 1 and self.atoms[0].kind is Kind.LATIN:
            self.track = extra / (len(self.atoms[0].text) - 1)
            extra = 0.0
        return extra

    def positions(self, x0: float) -> tuple[tuple[float, ...], float]:
        """Where each unit's first glyph starts, and the line's width from x0."""
        xs: list[float] = []
        pen = x0
        cut_l, cut_r, gaps, track = self.cut_l, self.cut_r, self.gaps, self.track
        last = len(self.atoms) - 1
        for i, atom in enumerate(self.atoms):
            xs.append(pen - cut_l[i])
            pen += atom.width - cut_l[i] - cut_r[i]
            if track:
                pen += track * (len(atom.text) - 1)
            if i < last:
                pen += gaps[i]
        return tuple(xs), pen - x0


class Composer:
    """Breaks paragraphs into lines for a given measure."""

    def __init__(self, fonts: FontSet, settings: CompositionSettings = CompositionSettings()):
        self.fonts = fonts
        self.settings = settings
        self._no_start = zh.no_start_set(settings.strictness)
        self._no_end = zh.NO_END

    def _legal(self, atoms: list[Atom], j: int) -> bool:
        """May a line end before atoms[j]?"""
        if j <= 0 or j >= len(atoms):
            return True
        before, after = atoms[j - 1], atoms[j]
        return not (before.text[-1] in self._no_end or after.text[0] in self._no_start)

    def _box(self, atoms: list[Atom], a: int, b: int) -> _LineBox:
        return _LineBox(atoms[a:b], self.settings)

    def _natural_end(self, atoms: list[Atom], a: int, measure: float) -> int:
        """The largest b such that atoms[a:b] fits at natural width (at least a+1)."""
        n = len(atoms)
        # First guess from the plain widths (compression only shortens a line, gaps lengthen it
        # a little), then step to the exact answer with one or two full measurements.
        total, b = 0.0, a
        while b < n and total + atoms[b].width <= measure + EPS:
            total += atoms[b].width
            b += 1
        b = max(b, a + 1)
        # Exact measurements only where bounds cannot decide: a line is never narrower than its
        # units less all their blanks (edge spaces count nothing), never wider than its units plus
        # a Han–Latin gap at every Han–Latin junction. Plain Han text needs no measurement at all.
        while b < n and self._min_width(atoms, a, b + 1) <= measure + EPS \
                and self._box(atoms, a, b + 1).natural() <= measure + EPS:
            b += 1
        while b > a + 1 and self._max_width(atoms, a, b) > measure + EPS \
                and self._box(atoms, a, b).natural() > measure + EPS:
            b -= 1
        return b

    @staticmethod
    def _min_width(atoms: list[Atom], a: int, b: int) -> float:
        space = Kind.SPACE
        return sum(0.0 if x.kind is space else x.width - x.blank_left - x.blank_right for x in atoms[a:b])

    def _max_width(self, atoms: list[Atom], a: int, b: int) -> float:
        total = 0.0
        han, latin = Kind.HAN, Kind.LATIN
        prev = None
        gap = self.settings.latin_gap_em
        for x in atoms[a:b]:
            total += x.width
            if prev is not None and ((prev.kind is han and x.kind is latin) or (prev.kind is latin and x.kind is han)):
                total += gap * max(prev.size, x.size)
            prev = x
        return total

    def _choose_end(self, atoms: list[Atom], a: int, measure: float, may_cut: bool = True) -> int:
        b = self._natural_end(atoms, a, measure)
        if b >= len(atoms) or self._legal(atoms, b):
            return b
        # Push in: one or two more units if compressing punctuation makes room.
        for extra in (1, 2):
            c = b + extra
            if c > len(atoms):
                break
            box = self._box(atoms, a, c)
            if box.natural() - box.max_shrink() <= measure + EPS and self._legal(atoms, c):
                return c
        # Push out: carry units down to the nearest legal break.
        for c in range(b - 1, a, -1):
            if self._legal(atoms, c):
                return c
        # No legal break within the line: in a very narrow measure an opening mark may stand before
        # a Latin word or number too long to join it. The word is cut where it must be, as an
        # over-long URL is, rather than leave the mark at the line's end.
        c = self._cut_to_join(atoms, a, b, measure) if may_cut else None
        return c or b  # still none (a line of nothing but closing marks): break where it fits

    def _cut_to_join(self, atoms: list[Atom], a: int, b: int, measure: float) -> int | None:
        if b >= len(atoms) or atoms[b].kind is not Kind.LATIN or len(atoms[b].text) < 2:
            return None
        box = self._box(atoms, a, b)
        room = measure - (box.natural() - box.max_shrink())
        if room <= EPS:
            return None
        head, tail = split_atom(atoms[b], room)
        trial = _LineBox(atoms[a:b] + [head], self.settings)
        if trial.natural() - trial.max_shrink() > measure + EPS or tail.text[0] in self._no_start:
            return None
        atoms[b:b + 1] = [head, tail]
        return b + 1

    def _set_line(self, atoms: list[Atom], a: int, b: int, measure: float, indent: float,
                  last: bool, align: Align) -> Line:
        box = self._box(atoms, a, b)
        natural = box.natural()
        avail = measure - indent
        if natural > avail + EPS:
            box.shrink(natural - avail)
        elif not last and align is Align.JUSTIFY and natural < avail - EPS:
            box.expand(avail - natural)
        width = box.natural()
        x0 = indent
        if align is Align.CENTER:
            x0 = indent + max(0.0, (avail - width) / 2)
        elif align is Align.RIGHT:
            x0 = indent + max(0.0, avail - width)
        xs, width = box.positions(x0)
        justified = abs(width - avail) <= 0.01
        end = atoms[b - 1].offset + len(atoms[b - 1].text)
        size = max(atom.size for atom in atoms[a:b])
        return Line(tuple(box.atoms), xs, box.track, x0 + width, measure, atoms[a].offset, end, x0, last, justified,
                    size)

    def _breaks(self, atoms: list[Atom], measure: float, first_indent: float,
                forced: dict[int, int]) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        a = 0
        while a < len(atoms):
            indent = first_indent if a == 0 else 0.0
            avail = measure - indent
            # An indented first line cuts no word: its indent gives way first (compose_atoms).
            b = forced.get(a) or self._choose_end(atoms, a, avail, may_cut=not indent)
            if a not in forced:
                b = self._cut_wide_unit(atoms, a, b, avail, measure)
            spans.append((a, b))
            a = b
        return spans

    def _cut_wide_unit(self, atoms: list[Atom], a: int, b: int, avail: float, measure: float) -> int:
        """A unit wider than a whole line (a long URL) is cut to fill the line it starts on.

        Cutting changes ``atoms`` in place; the pieces then fit, so later passes cut nothing.
        """
        if b == a + 1 and atoms[a].width > avail + EPS and len(atoms[a].text) > 1:
            head, tail = split_atom(atoms[a], avail)
            atoms[a:a + 1] = [head, tail]
            return a + 1
        if b < len(atoms) and atoms[b].width > measure + EPS and len(atoms[b].text) > 1:
            gap = self.settings.latin_gap_em * atoms[b].size
            room = avail - self._box(atoms, a, b).natural() - gap
            if room >= atoms[b].size and self._legal(atoms, b):
                head, tail = split_atom(atoms[b], room)
                if head.width <= room + EPS:
                    atoms[b:b + 1] = [head, tail]
                    return b + 1
        return b

    def _fix_orphan(self, atoms: list[Atom], measure: float, indent: float,
                    spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Pull a unit down from the line before a 孤字 last line; if that line has no
        legal break left, from the line before it (up to three lines back)."""
        if len(spans) < 2 or not lone_character(atoms[spans[-1][0]:spans[-1][1]]):
            return spans
        for depth in (2, 3, 4):
            if len(spans) < depth:
                break
            a, b = spans[-depth]
            forced = {x: y for x, y in spans[:-depth]}
            # The line keeps at least two units, so it can still be justified.
            for new_b in range(b - 1, a + 1, -1):
                if not self._legal(atoms, new_b):
                    continue
                trial = self._breaks(atoms, measure, indent, {**forced, a: new_b})
                if not lone_character(atoms[trial[-1][0]:trial[-1][1]]) or len(trial) < 2:
                    return trial
        return spans

    def compose(self, paragraph: Paragraph, measure: float, first_line: bool = True) -> list[Line]:
        """All lines of a paragraph at one measure.

        ``first_line`` False composes a continuation: no first-line indent.
        """
        atoms = atomise(paragraph, self.fonts)
        return self.compose_atoms(atoms, paragraph, measure, first_line)

    def compose_atoms(self, atoms: list[Atom], paragraph: Paragraph, measure: float,
                      first_line: bool = True) -> list[Line]:
        if not atoms:
            return []
        size = paragraph.size
        indent = paragraph.indent_em * size if first_line else 0.0
        atoms = list(atoms)
        forced: dict[int, int] = {}
        spans = self._breaks(atoms, measure, indent, forced)
        if indent and len(spans) > 1 and not self._legal(atoms, spans[0][1]):
            # The indented first line has no legal break (a measure barely wider than the indent):
            # the indent gives way, by half and then wholly, before a mark is left at a line's end.
            for smaller in (indent / 2, 0.0):
                trial = self._breaks(atoms, measure, smaller, forced)
                if len(trial) == 1 or self._legal(atoms, trial[0][1]):
                    spans, indent = trial, smaller
                    break
        if self.settings.avoid_orphans and paragraph.align is Align.JUSTIFY:
            spans = self._fix_orphan(atoms, measure, indent, spans)
        lines = []
        for k, (a, b) in enumerate(spans):
            last = k == len(spans) - 1
            lines.append(self._set_line(atoms, a, b, measure, indent if a == 0 else 0.0, last, paragraph.align))
        return lines
