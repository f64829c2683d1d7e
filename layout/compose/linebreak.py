"""Line breaking and justification of Chinese paragraphs (W3C clreq), a whole paragraph at a time.

Paragraph and measure in, lines of positioned glyphs out; nothing here knows pages or PDF.

What a line may be follows clreq's order of work (§3.1.6, §3.1.7, §3.8): adjacent punctuation is
set at 1.5 em and a full-width mark at line end is trimmed to half width (GB/T 15834 §5.1.10),
always; a line may end only where neither a mark forbidden at a line start follows nor one forbidden
at a line end precedes (避頭尾), and after a word space, not before it; a line too long shrinks in
clreq's priority order (spaces, middle dots, brackets, pauses, Han–Latin gaps, stops), never taking
more of a mark than its blank half, and only then, as a last resort, closes its ideographs up by at
most 1/16 em; a line too short grows where Latin text has room first (word spaces by up to ½ em,
then Han–Latin gaps up to ⅓ em), then evenly between its units.

Where the lines end is chosen for the whole paragraph at once, as Knuth and Plass do and as Typst
does for CJK (``linebreak_optimized`` in typst-layout's inline/linebreak.rs): each way of breaking
is a path through the break opportunities, each line costs its demerits, (1 + badness + penalty)²,
and the cheapest path wins, found by dynamic programming. Badness grows with the cube of the space
added between units, with a step where a line reads as letter-spaced (past 0.1 em); with the square
of the blank taken from marks inside a line; and, more steeply, with closing up. A line carried
short because of 避頭尾 (a push-out) pays a little more than one squeezed to take the unit in (a
push-in), clreq's order. A paragraph's last line is not spread and costs nothing, unless it holds
a lone character (孤字); that, a line of nothing but punctuation, and a break 避頭尾 forbids carry
penalties no spacing reaches, so they happen only where nothing else can be done.

The paragraph keeps the number of lines a composer going line by line would give it — an editor's
copyfit holds — unless that count forces a line spread by 0.2 em or more, when one line fewer is
tried too (never one more: that could overset a frame). 緊排 and 鬆排 (Steer) ask for one line fewer
or one more. The work is bounded as Typst bounds it: the line-by-line setting comes first and its
cost bounds the exact pass, which starts a few lines before its first line worse than 0.1 em of
spreading (a paragraph with none is kept as it is) and tries tight bounds before that one.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from enum import Enum, IntEnum
from itertools import accumulate
from operator import itemgetter
from typing import Iterable, NamedTuple, Sequence

from . import rules_zh as zh
from .atoms import Align, Atom, Kind, Paragraph, atomise, split_unit
from ..fonts.faces import FontSet
from .lines import Line
from .settings import CompositionSettings, PunctuationPosition, PunctuationStyle, Steer

EPS = 1e-6
_PUNCT = (Kind.OPEN, Kind.CLOSE, Kind.PAUSE, Kind.STOP, Kind.MIDDLE)
# Units that do not count as a character of their own when a line is judged a 孤字.
_NOT_SOLID = (*_PUNCT, Kind.SPACE)
# Units a line of "nothing but punctuation" may hold: marks, ——/……, spaces.
_NOT_PROSE = (*_PUNCT, Kind.DASH, Kind.SPACE)
_LATIN_OR_SPACE = (Kind.LATIN, Kind.SPACE)
_WIDTH = itemgetter(4)     # an atom's width and size, read in C (Atom is a tuple)
_SIZE = itemgetter(3)

# --- what a line costs (badness, before the line's demerits square it) -------------------------------
LOOSE_EM = 0.1            # space added between units at which a line reads as letter-spaced
STRETCH_BADNESS = 100.0   # badness of a line spread by LOOSE_EM; grows with the cube of the spreading
MOST_BADNESS = 1e6        # past this every line is as bad as another (a spread of over 2 em a gap)
# A line spread past LOOSE_EM reads as letter-spaced: a step more, over the smooth cube, so that fewer lines
# cross that line rather than all being spread a little less.
LOOSE_STEP = 300.0
SQUEEZE_BADNESS = 30.0    # badness of half an em taken from marks inside a line; grows with its square
LATIN_BADNESS = 3.0       # badness of Latin spaces and Han–Latin gaps used to their limit (they give first)
PUSH_OUT = 5.0            # a line carried short of where it could end (推出), over what its spreading costs
UNSPREADABLE = 1e8         # a line of one unit that cannot fill the measure: not flush, worse than any 孤字
ORPHAN = 1e7              # a paragraph's last line of one character (孤字): worse than any spreading
PUNCTUATION_ONLY = 1e7    # a line of nothing but punctuation
ILLEGAL = 1e9             # a break 避頭尾 forbids: only where no line could end otherwise
URL_BREAK = 10.0          # a URL too long for the measure, broken after / . - _ ? & = #
CHARACTER_CUT = 300.0     # a unit broken between two of its characters (only a unit wider than the measure)
NOT_A_WORD_BREAK = 400.0  # a head broken inside a word
PARTICLE_START = 200.0    # a head's line opening with 的, 了, 之 …
RAGGED_BADNESS = 400.0    # a head's line left short by its whole measure (squared share of the measure)
LINE_START_SQUEEZE = 1e4  # an opening mark's blank taken at a line start: the line's left edge moves
INDENT_SQUEEZE = SQUEEZE_BADNESS   # … at the start of an indented first line: the indent is narrowed
SPREAD_LIMIT_EM = 0.2     # lines spread more are tried only where the paragraph cannot do without one
SPACE_STRETCH_EM = 0.5    # how much a Latin word space may grow before ideographs are spread
CLOSE_UP_EM = 1 / 16      # the most units may close up, past every blank, to avoid a loose line or a 孤字
CLOSE_UP_BADNESS = STRETCH_BADNESS   # a gap closed up by x em costs as one spread by CLOSE_UP_AS_SPREAD · x
CLOSE_UP_AS_SPREAD = 1.5
CLOSE_UP_STEP = 50.0      # closing up at all costs this: never for a line only slightly spread otherwise
FIRST_BOUND = 4 * (1.0 + STRETCH_BADNESS) ** 2   # demerits over a perfect paragraph the first exact pass allows
GOOD_ENOUGH = STRETCH_BADNESS   # line by line, no line worse than spread by LOOSE_EM: the paragraph is kept
LOOK_BACK = 4             # lines before the first worse than that, whose breaks are chosen again with it
FEWER_FROM = 8 * STRETCH_BADNESS + LOOSE_STEP   # a line this bad (spread by 2 × LOOSE_EM): one line fewer is tried
TIGHT_SQUEEZE = 0.2       # 緊排: squeezing marks and closing up cost this share of their usual badness
LOOSE_SPREAD_EM = 0.2     # 鬆排: the most a line may be spread to take one line more


def lone_character(units: Sequence[Atom]) -> bool:
    """A line holding one character alone, with or without its punctuation (孤字): the test for a
    paragraph's last line and for a headline's lines."""
    solid = [x for x in units if x.kind not in _NOT_SOLID]
    return len(solid) <= 1 and len(solid[0].text if solid else "") <= 1


def punctuation_only(units: Sequence[Atom]) -> bool:
    """A line of nothing but marks, ——, …… and spaces: never a line of its own where it can be helped."""
    return all(x.kind in _NOT_PROSE for x in units)


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
    STOPS = 5          # 。：？！
    CLOSE_UP = 6       # the space between units, down by CLOSE_UP_EM each: a last resort
    LINE_START = 7     # an opening mark's blank at a line start, last of all: the line's edge moves


class Shrink(NamedTuple):
    """How much one side of one unit (or the gap after it) may still give."""

    side: Side
    index: int  # type: ignore[assignment]  # the unit, or for a gap the unit it follows (a field, not tuple.index)
    amount: float      # pt


class _LineBox:
    """The arithmetic of one line atoms[a:b]: cuts, gaps and widths, and how it is justified."""

    __slots__ = ("atoms", "cut_l", "cut_r", "gaps", "latin_gap", "settings", "track", "cns", "widths", "rigid",
                 "close_up")

    def __init__(self, atoms: list[Atom], settings: CompositionSettings, rigid: Sequence[bool] = (),
                 close_up: float = 0.0):
        self.atoms = atoms
        self.settings = settings
        self.widths: float = sum([a.width for a in atoms])   # the units' own widths: asked for again and again
        n = len(atoms)
        # rigid[i]: the gap after unit i is inside one unit (a URL cut into pieces): it never stretches.
        self.rigid = rigid or [False] * max(n - 1, 0)
        self.close_up = close_up   # pt each gap may lose past every blank (CLOSE_UP)
        self.cut_l = cut_l = [0.0] * n
        self.cut_r = cut_r = [0.0] * n
        self.gaps = gaps = [0.0] * max(n - 1, 0)
        self.latin_gap = latin_gap = [False] * max(n - 1, 0)   # a Han–Latin gap follows unit i
        self.track = 0.0  # letter-spacing inside a lone unit (a word alone on its line)
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
                level = ShrinkLevel.BRACKETS if i else ShrinkLevel.LINE_START
                levels[level].append(Shrink(left, i, self._left_cut_room(i)))
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
        if self.close_up:
            # Never before a unit whose glyph may move left into its blank (an opening mark): the clamp
            # that keeps it from passing the unit before it was worked out without closing up.
            # Only ideographs and marks close up: Latin keeps its own spacing.
            levels[ShrinkLevel.CLOSE_UP] = [Shrink(Side.GAP, i, self.close_up) for i, rigid in enumerate(self.rigid)
                                            if not rigid and atoms[i + 1].blank_left <= 0
                                            and atoms[i].kind not in _LATIN_OR_SPACE
                                            and atoms[i + 1].kind not in _LATIN_OR_SPACE]
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
        """Spread ``extra`` pt: Latin word spaces first (up to SPACE_STRETCH_EM more each), then Han–Latin
        gaps to ⅓ em, then evenly between units (never inside a unit cut into pieces)."""
        s = self.settings
        atoms, gaps = self.atoms, self.gaps
        last = len(atoms) - 1
        spaces = [i for i in range(1, last) if atoms[i].kind is Kind.SPACE]
        if spaces and extra > EPS:
            # A space's own gap after it grows: the space is a unit like any other in the positions.
            each = min(extra / len(spaces), SPACE_STRETCH_EM * max(atoms[i].size for i in spaces))
            for i in spaces:
                gaps[i] += each
            extra -= each * len(spaces)
        latin = [i for i, is_latin in enumerate(self.latin_gap) if is_latin]
        if latin and extra > EPS:
            room = [(i, max(0.0, s.latin_gap_max_em * max(atoms[i].size, atoms[i + 1].size) - gaps[i]))
                    for i in latin]
            avail = sum(r for _, r in room)
            if avail > EPS:
                take = min(extra, avail)
                for i, r in room:
                    gaps[i] += r * take / avail
                extra -= take
        if extra > EPS and gaps:
            # Never the gap before a space ending the line or after one starting it: the space takes no
            # room there, and spreading into it would leave the line's ink short of the edge.
            free = [i for i, rigid in enumerate(self.rigid) if not rigid
                    and not (i == last - 1 and atoms[last].kind is Kind.SPACE)
                    and not (i == 0 and atoms[0].kind is Kind.SPACE)] or range(len(gaps))
            each = extra / len(free)
            for i in free:
                gaps[i] += each
            extra = 0.0
        elif extra > EPS and len(atoms) == 1 and len(atoms[0].text) > 1 and atoms[0].kind is Kind.LATIN:
            self.track = extra / (len(atoms[0].text) - 1)
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


class _Table:
    """Every candidate line atoms[a:e] of one paragraph measured in O(1), from prefix sums.

    A unit inside a line has its inner width (its blanks cut where it meets a mark, a Han–Latin gap
    after it); the unit that starts a line and the one that ends it differ from that by a fix of their
    own (no junction cut at the start, the line-end trim, spaces that take no room at an edge). The
    rules are _LineBox's, applied once to the paragraph instead of once to every line tried. Only the
    units that are not ideographs, and the units just before them, have anything to work out: they are
    the table's ``keys``; what may shrink or grow is summed over them alone, and the fixes are kept by
    unit (a unit not kept has none)."""

    __slots__ = ("n", "width", "end_fix", "keys", "give", "cheap", "room", "gap", "gap_give", "gap_room", "width_first",
                 "width_last", "width_alone", "give_first", "give_last", "give_alone", "cheap_edge", "room_edge",
                 "cut_l", "cut_r", "start_l", "start_r", "end_r", "exact", "edge", "marks", "rigid", "fixed", "size")

    def __init__(self, atoms: list[Atom], settings: CompositionSettings, rigid: frozenset[int]):
        self.n = n = len(atoms)
        self.rigid = sorted(rigid)
        self.gap: dict[int, float] = {}          # the Han–Latin gap after unit i
        self.gap_give: dict[int, float] = {}
        self.gap_room: dict[int, float] = {}
        self.width_first: dict[int, float] = {}  # a unit's width at a line's start, less its inner width
        self.width_last: dict[int, float] = {}   # … at a line's end
        self.width_alone: dict[int, float] = {}  # a unit's width alone on a line
        self.give_first: dict[int, float] = {}   # the same fixes to what a unit may give
        self.give_last: dict[int, float] = {}
        self.give_alone: dict[int, float] = {}
        self.cheap_edge: dict[int, float] = {}   # a space's give, lost at a line's edge
        self.room_edge: dict[int, float] = {}    # a space's room to grow, lost at a line's edge
        self.cut_l: dict[int, float] = {}        # a unit's cuts inside a line
        self.cut_r: dict[int, float] = {}
        self.start_l: dict[int, float] = {}      # … starting a line
        self.start_r: dict[int, float] = {}
        self.end_r: dict[int, float] = {}        # … ending one
        self.edge: dict[int, float] = {}         # what an opening mark gives when it starts a line
        self.exact: set[int] = set()             # lines starting here are measured whole by _LineBox
        han = Kind.HAN
        inner = list(map(_WIDTH, atoms))
        sizes = set(map(_SIZE, atoms))
        self.size = sizes.pop() if len(sizes) == 1 else 0.0    # the paragraph's one size (0: more than one)
        odd = [i for i, a in enumerate(atoms) if a.kind is not han]
        self.marks = [i for i in odd if atoms[i].kind in _NOT_PROSE]
        # Gaps that never close up (before a unit with a blank on its left), merged with the rigid ones.
        latin = [i for i in odd if atoms[i].kind in _LATIN_OR_SPACE]
        self.fixed = sorted(rigid | {i - 1 for i in odd if i and atoms[i].blank_left > 0}
                            | {j for i in latin for j in (i - 1, i) if j >= 0})
        self.keys = keys = sorted({j for i in odd for j in (i - 1, i) if j >= 0})
        give, cheap, room = {}, {}, {}
        if odd:
            self._work_out(atoms, settings, odd, keys, inner, give, cheap, room)
        gap = self.gap
        for i, g in gap.items():
            inner[i] += g
        # width[k]: the first k units inside a line, each with the gap after it; end_fix[i]: what unit i
        # changes by when it ends a line (no gap after it, the line-end trim), so a line atoms[a:e] is
        # width[e] - width[a] + end_fix[e - 1] + the first unit's fix.
        self.width = [0.0, *accumulate(inner)]
        end_fix = [0.0] * n
        for i, fix in self.width_last.items():
            end_fix[i] = fix
        for i, g in gap.items():
            end_fix[i] -= g
        self.end_fix = end_fix
        # Prefix sums over the keys: what a line may give or grow is the difference of two. Spaces and
        # Han–Latin gaps alone give cheaply and have room to grow: without them, nothing does (None).
        gap_give, gap_room = self.gap_give, self.gap_room
        self.give = [0.0, *accumulate([give.get(k, 0.0) + gap_give.get(k, 0.0) for k in keys])]
        has_latin = bool(cheap or gap_give or room or gap_room)
        self.cheap = [0.0, *accumulate([cheap.get(k, 0.0) + gap_give.get(k, 0.0) for k in keys])] if has_latin else None
        self.room = [0.0, *accumulate([room.get(k, 0.0) + gap_room.get(k, 0.0) for k in keys])] if has_latin else None

    def _work_out(self, atoms: list[Atom], settings: CompositionSettings, odd: list[int], keys: list[int],
                  inner: list[float], give: dict[int, float], cheap: dict[int, float], room: dict[int, float]) -> None:
        """The cuts, gaps and fixes of the units that are not ideographs (_LineBox's rules)."""
        n = self.n
        han, space, latin = Kind.HAN, Kind.SPACE, Kind.LATIN
        cns = settings.position is PunctuationPosition.CNS
        punct = not cns
        style = settings.punctuation
        style_l: dict[int, float] = {}
        style_r: dict[int, float] = {}
        if punct and style is not PunctuationStyle.QUANJIAO:
            for i in odd:
                a = atoms[i]
                if style is PunctuationStyle.BANJIAO or a.kind is not Kind.STOP:
                    style_l[i], style_r[i] = a.blank_left, a.blank_right
                elif a.text in "：；":
                    style_r[i] = a.blank_right
        cut_l, cut_r = dict(style_l), dict(style_r)     # inside a line, before the clamp
        gap = self.gap
        for i in keys:
            if i >= n - 1:
                continue
            left, right = atoms[i], atoms[i + 1]
            lk, rk = left.kind, right.kind
            if punct and left.blank_right > 0 and rk in _PUNCT and (right.blank_left > 0 or right.blank_right > 0):
                if style_l.get(i + 1, 0.0) == 0 or right.blank_left == 0:
                    cut_r[i] = left.blank_right
            elif punct and right.blank_left > 0 and lk in _PUNCT and (left.blank_left > 0 or left.blank_right > 0):
                cut_l[i + 1] = right.blank_left
            if (lk is latin and rk is han) or (lk is han and rk is latin):
                size = max(left.size, right.size)
                gap[i] = settings.latin_gap_em * size
                self.gap_give[i] = max(0.0, gap[i] - settings.latin_gap_min_em * size)
                self.gap_room[i] = max(0.0, settings.latin_gap_max_em * size - gap[i])
        # Only what is not nothing is kept (most marks between ideographs have no cut, no fix at a line's
        # start): the readers default to 0, or to the inner cut.
        width_first, width_last, width_alone = self.width_first, self.width_last, self.width_alone
        give_first, give_last, give_alone = self.give_first, self.give_last, self.give_alone
        cut_l_in, cut_r_in, start_l, end_r, exact = self.cut_l, self.cut_r, self.start_l, self.end_r, self.exact
        punctuation = _PUNCT
        opening, middle = Kind.OPEN, Kind.MIDDLE
        for i in odd:
            a = atoms[i]
            _, kind, _, size, w, blank_l, blank_r, _, _ = a
            sl = style_l.get(i, 0.0) if style_l else 0.0
            cr = cut_r.get(i, 0.0)
            cl = want = cut_l.get(i, 0.0)
            room_before = 0.0
            if i:
                # The clamp: a mark's blank is cut only as far as the unit before it reaches.
                room_before = atoms[i - 1].width - cut_r.get(i - 1, 0.0) + gap.get(i - 1, 0.0)
                if want > room_before:
                    cl = max(0.0, room_before)
                    exact.add(i - 1)   # the unit before it, starting a line, changes the clamp
            if kind is space:
                exact.add(i)
                inner[i] = w - cl - cr
                self.start_r[i] = end_r[i] = w
                width_first[i] = width_last[i] = -inner[i]
                width_alone[i] = 0.0
                give[i] = cheap[i] = self.cheap_edge[i] = max(0.0, w - 0.25 * size)
                room[i] = self.room_edge[i] = SPACE_STRETCH_EM * size
                give_first[i] = give_last[i] = -give[i]
                continue
            end_cut = blank_r if punct else cr
            if cl or cr:
                inner[i] = w - cl - cr
                if cl:
                    cut_l_in[i] = cl
                if cr:
                    cut_r_in[i] = cr
            if sl:
                start_l[i] = sl
            if end_cut:
                end_r[i] = end_cut
            if end_cut != cr:
                width_last[i] = cr - end_cut
            if cl != sl:
                width_first[i] = cl - sl
            if sl or end_cut:
                width_alone[i] = w - sl - end_cut
            if cns or kind not in punctuation:
                continue
            room_r = blank_r - cr
            if kind is opening or kind is middle:
                room_l = max(0.0, min(blank_l - cl, room_before - cl)) if i else blank_l - cl
                room_l_first = blank_l - sl
                if kind is opening:
                    give[i] = room_l
                    give_first[i] = room_l_first - room_l
                    give_alone[i] = self.edge[i] = room_l_first
                else:
                    room_r_last = blank_r - end_cut
                    give[i] = room_l + room_r
                    give_first[i], give_last[i] = room_l_first - room_l, room_r_last - room_r
                    give_alone[i] = room_l_first + room_r_last
            else:   # closing, pause and stop marks give their right blank, none of it at a line's end
                give[i] = room_r
                give_last[i] = cr - end_cut
                give_alone[i] = blank_r - end_cut


class _Fit(NamedTuple):
    """How one paragraph is to be broken: its measure and the rules its lines are judged by."""

    measure: float
    indent: float        # the first line's
    em: float            # the paragraph's size: spreading and squeezing are judged in its em
    justify: bool        # lines other than the last are spread to the measure
    balance: bool        # a head: every line, the last too, is judged by how short it falls
    close_up: float      # pt each gap may close up past every blank (a last resort; 緊排 more readily)
    squeeze: float       # badness of half an em squeezed from marks
    close_up_badness: float   # badness of a line closed up by ``close_up`` a gap
    spread_limit: float  # em: lines spread more are tried only while no better line exists


class _Lines(NamedTuple):
    """The lines tried from one position: (end, demerits, breaks where 避頭尾 forbids), longest first,
    and the one a composer going line by line would set."""

    lines: list[tuple[int, float, bool]]
    first_fit: tuple[int, float, bool]


class Composer:
    """Breaks paragraphs into lines for a given measure."""

    def __init__(self, fonts: FontSet, settings: CompositionSettings = CompositionSettings()):
        self.fonts = fonts
        self.settings = settings
        self._no_start = zh.no_start_set(settings.strictness)
        self._no_end = zh.NO_END

    def _legal(self, atoms: list[Atom], j: int) -> bool:
        """May a line end before atoms[j]? (After a word space, not before it.)"""
        if j <= 0 or j >= len(atoms):
            return True
        before, after = atoms[j - 1], atoms[j]
        return not (before.text[-1] in self._no_end or after.text[0] in self._no_start or after.kind is Kind.SPACE)

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
        atoms, rigid, penalties = self._units(atoms, paragraph, measure)
        table = _Table(atoms, self.settings, rigid)
        size = paragraph.size
        indent = paragraph.indent_em * size if first_line else 0.0
        fit = self._fit_rules(paragraph, measure, indent, size)
        ends, illegal_first = self._breaks(atoms, table, penalties, fit)
        if indent and illegal_first:
            # The indented first line has no legal break (a measure barely wider than the indent):
            # the indent gives way, by half and then wholly, before a mark is left at a line's end.
            for smaller in (indent / 2, 0.0):
                trial, illegal = self._breaks(atoms, table, penalties, fit._replace(indent=smaller))
                if not illegal or smaller == 0.0:
                    ends, indent = trial, smaller
                    break
        if paragraph.steer is not Steer.NORMAL:
            ends = self._steer(atoms, table, penalties, fit._replace(indent=indent), ends, paragraph.steer)
        lines = []
        start = 0
        close_up = CLOSE_UP_EM * size if fit.justify else 0.0   # used only by a line chosen closed up
        for k, end in enumerate(ends):
            last = k == len(ends) - 1
            lines.append(self._set_line(atoms, start, end, measure, indent if start == 0 else 0.0, last,
                                        paragraph.align, rigid, close_up, table))
            start = end
        return lines

    def _fit_rules(self, paragraph: Paragraph, measure: float, indent: float, size: float) -> _Fit:
        justify = paragraph.align is Align.JUSTIFY
        return _Fit(measure, indent, size, justify, paragraph.wordwise and not justify,
                    CLOSE_UP_EM * size if justify else 0.0, SQUEEZE_BADNESS, CLOSE_UP_BADNESS, SPREAD_LIMIT_EM)

    def _units(self, atoms: list[Atom], paragraph: Paragraph, measure: float
               ) -> tuple[list[Atom], frozenset[int], dict[int, float]]:
        """The paragraph's units for this measure, with what a break before each one costs beyond its line.

        A unit wider than the whole measure (a long URL) is cut into the pieces a line may end between;
        the gaps between the pieces of one unit never stretch (``rigid``). A head breaks between words."""
        penalties: dict[int, float] = {}
        rigid: set[int] = set()
        if max(map(_WIDTH, atoms)) > measure + EPS:
            units: list[Atom] = []
            for atom in atoms:
                if atom.width > measure + EPS and len(atom.text) > 1:
                    pieces = split_unit(atom, measure)
                    for k, piece in enumerate(pieces):
                        if k:
                            rigid.add(len(units) - 1)
                            whole_char = len(piece.text) == 1 and len(pieces[k - 1].text) == 1
                            penalties[len(units)] = CHARACTER_CUT if whole_char else URL_BREAK
                        units.append(piece)
                else:
                    units.append(atom)
            atoms = units
        else:
            atoms = list(atoms)
        if paragraph.wordwise and len(atoms) > 1 and sum(map(_WIDTH, atoms)) > measure:
            # (a head that fits one line has no break to choose: the segmenter is not even loaded)
            starts = zh.word_starts(paragraph.text)
            for j in range(1, len(atoms)):
                offset = atoms[j].offset
                if offset not in starts:
                    penalties[j] = penalties.get(j, 0.0) + NOT_A_WORD_BREAK
                elif atoms[j].text[0] in zh.PARTICLES:
                    penalties[j] = penalties.get(j, 0.0) + PARTICLE_START
        return atoms, frozenset(rigid), penalties

    def _breaks(self, atoms: list[Atom], table: _Table, penalties: dict[int, float], fit: _Fit,
                lines_wanted: int | None = None) -> tuple[list[int], bool]:
        """The ends of the cheapest lines for the paragraph, and whether its first line had to break
        where 避頭尾 forbids.

        The paragraph keeps the number of lines a composer going line by line gives it (the copyfit an
        editor counts on: a better-looking paragraph never costs a line the frames were not sized for),
        or takes one fewer where that count forces a very loose line, a 孤字 or a line of punctuation;
        ``lines_wanted`` asks for another count (緊排, 鬆排), given where the paragraph can take it."""
        n = table.n
        inf = float("inf")
        lines_from: dict[int, _Lines] = {}   # the lines tried from each position, for every pass below
        # An upper bound first, as Typst does: the lines a composer going line by line would set (each
        # as full as it may be, pushed in before pushed out). No better path can cost more, so the
        # exact pass below skips every line, and every break, that already costs more.
        path: list[tuple[int, float]] = []
        a = 0
        first_illegal = False
        while a < n:
            e, demerits, illegal = self._candidates(atoms, table, penalties, fit, a, True).first_fit
            first_illegal = first_illegal or illegal
            path.append((a, demerits))
            a = e
        count = len(path)
        bound: float = sum(d for _, d in path)
        if lines_wanted is None and all(d <= (1.0 + GOOD_ENOUGH) ** 2 for _, d in path):
            # No line is more than imperceptibly spread or squeezed, and none breaks a rule: another way of
            # breaking could only move a few hundredths of an em about, so the exact pass is spared.
            return [*(p for p, _ in path[1:]), n], first_illegal
        if bound >= ORPHAN ** 2 and count > 1:
            # Line by line ends in a 孤字 or a line of punctuation: the best way of setting the last
            # few lines alone (in as many lines) is a far lower bound, and cheap to find.
            k = max(0, count - 3)
            head: float = sum(d for _, d in path[:k])
            tail = self._counted(atoms, table, penalties, fit, path[k][0], count - k, inf, lines_from)
            if tail:
                bound = min(bound, head + tail[0])
        steered = lines_wanted is not None
        # The lines before the first that is worse than GOOD_ENOUGH, less LOOK_BACK, are kept as line by
        # line sets them: the programme chooses the rest together, from there to the paragraph's end.
        kept = 0
        if not steered:
            worse = next(k for k, (_, d) in enumerate(path) if d > (1.0 + GOOD_ENOUGH) ** 2)
            kept = max(0, worse - LOOK_BACK)
        start = path[kept][0] if kept else 0
        kept_ends = [p for p, _ in path[1:kept + 1]]
        bound = (bound - sum(d for _, d in path[:kept])) * (1 + 1e-9) + EPS
        if not steered:
            lines_wanted = count
        elif lines_wanted != count:
            bound = inf     # another count: no path of this one bounds it
        lines = lines_wanted - kept
        found = None
        for tight in (lines + FIRST_BOUND, lines + 32 * FIRST_BOUND):
            # Tight bounds first: the programme then explores only paths nearly as good as a perfect
            # one, and whatever it finds within a bound is the best there is.
            if found is not None or tight >= bound or steered:
                break
            found = self._counted(atoms, table, penalties, fit, start, lines, tight, lines_from)
        if found is None:
            found = self._counted(atoms, table, penalties, fit, start, lines, bound, lines_from)
        if (not found or found[0] >= ORPHAN ** 2) and fit.spread_limit < inf:
            # A 孤字, a line of punctuation or worse: try the very loose lines the first pass left out,
            # which may be the only way round it.
            lines_from = {}
            fit = fit._replace(spread_limit=inf)
            found = self._counted(atoms, table, penalties, fit, start, lines, bound, lines_from)
        if not steered and fit.balance and (not found or found[3] >= (1.0 + NOT_A_WORD_BREAK) ** 2):
            # A head that breaks inside a word or leaves a lone character in as many lines as line by
            # line: one line more, balanced, may break between words.
            other = self._counted(atoms, table, penalties, fit, start, lines + 1, found[0] if found else inf,
                                  lines_from)
            if other and (not found or other[0] < found[0]):
                found = other
        fewer_from = FEWER_FROM if self.settings.keep_line_count else STRETCH_BADNESS + LOOSE_STEP
        if not steered and lines > 1 and fit.justify and (not found or found[3] >= (1.0 + fewer_from) ** 2):
            # As many lines as line by line still leaves a very loose line or worse: one line fewer, if
            # closing up and squeezing make room for it, is better, and never oversets a frame.
            other = self._counted(atoms, table, penalties, fit, start, lines - 1, found[0] if found else inf,
                                  lines_from)
            if other and (not found or other[0] < found[0]):
                found = other
        if not found:   # no way in that many lines (緊排 or 鬆排 asked too much): the count it has
            return self._breaks(atoms, table, penalties, fit) if lines_wanted != count else (
                [*(p for p, _ in path[1:]), n], first_illegal)
        return kept_ends + found[1], first_illegal if kept else found[2]

    def _counted(self, atoms: list[Atom], table: _Table, penalties: dict[int, float], fit: _Fit, start: int,
                 lines: int, bound: float, lines_from: dict[int, _Lines]
                 ) -> tuple[float, list[int], bool, float] | None:
        """The cheapest way of setting atoms[start:] in exactly ``lines`` lines, costing at most ``bound``
        (None if there is none): their demerits, their ends, whether the first breaks where 避頭尾
        forbids, and the demerits of the worst line. The dynamic programme of Knuth and Plass, with a
        layer of states (positions) per line."""
        n = table.n
        inf = float("inf")
        layers: list[dict[int, tuple[float, int, bool, float]]] = [{start: (0.0, -1, False, 0.0)}]
        for k in range(lines):
            here, after = layers[-1], {}
            final = k == lines - 1
            # Every line still to come costs at least 1 (its demerits are (1 + badness + penalty)²).
            budget = bound - (lines - k - 1)
            for a in sorted(here):
                base, _, _, worst = here[a]
                if a >= n or base > budget:
                    continue
                tried = lines_from.get(a)
                if tried is None:
                    tried = lines_from[a] = self._candidates(atoms, table, penalties, fit, a)
                room = budget - base
                for e, demerits, illegal in tried.lines:
                    if demerits > room or (e == n) != final:
                        continue
                    total = base + demerits
                    if total < after.get(e, (inf,))[0]:
                        after[e] = (total, a, illegal, demerits if demerits > worst else worst)
            layers.append(after)
            if not after:
                return None
        if n not in layers[-1]:
            return None
        ends = []
        e = n
        for k in range(lines, 0, -1):
            ends.append(e)
            e = layers[k][e][1]
        ends.reverse()
        total, _, _, worst = layers[-1][n]
        return total, ends, layers[1][ends[0]][2], worst

    def _candidates(self, atoms: list[Atom], t: _Table, penalties: dict[int, float], fit: _Fit, a: int,
                    first_only: bool = False) -> _Lines:
        """The lines worth trying from atoms[a], longest first, and the one a composer going line by
        line would set (as full as it fits, else pushed in, else pushed out, never closed up).
        ``first_only``: that one line alone (the others are not worked out).

        The composer's hot loop: the table is read inline, not through methods."""
        n = t.n
        avail = fit.measure - (fit.indent if a == 0 else 0.0)
        tolerance = avail + EPS
        if a in t.exact:
            return self._candidates_exact(atoms, penalties, fit, a, avail)
        no_start, no_end = self._no_start, self._no_end
        space = Kind.SPACE
        width, end_fix = t.width, t.end_fix
        origin = width[a] - t.width_first.get(a, 0.0)     # natural(a, e) = width[e] - origin + end_fix[e - 1]
        # The natural end: the most units that fit without shrinking (at least one).
        e = bisect_right(width, origin + tolerance, a + 1) - 1
        if e <= a:
            e = a + 1
        while e < n and width[e + 1] - origin + end_fix[e] <= tolerance:
            e += 1
        natural_end = e
        # Line by line, a line that may end where it fits is the line; nothing else need be worked out.
        plain = first_only and (e == n or not (atoms[e - 1].text[-1] in no_end or atoms[e].text[0] in no_start
                                               or atoms[e].kind is space))
        if plain and e < n and e > a + 1 and fit.justify and t.room is None and not t.rigid and not penalties:
            # The commonest line of all, worked out in short: full but for some spreading, no Latin to grow
            # first, nothing cut into pieces, not the last line (so no 孤字 to weigh).
            slack = avail - (width[e] - origin + end_fix[e - 1])
            joints = e - a - 1
            spread = slack / joints / fit.em if slack > EPS else 0.0
            badness = min(MOST_BADNESS, STRETCH_BADNESS * (spread / LOOSE_EM) ** 3) if spread else 0.0
            if spread > LOOSE_EM + 1e-3:
                badness += LOOSE_STEP
            marks = t.marks
            if (marks and atoms[a].kind in _NOT_PROSE and atoms[e - 1].kind in _NOT_PROSE
                    and bisect_right(marks, e - 1) - bisect_right(marks, a - 1) == e - a):
                badness += PUNCTUATION_ONLY
            line = (e, (1.0 + badness) ** 2, False)
            return _Lines([line], line)
        keys, give_sum, give_last = t.keys, t.give, t.give_last
        give_origin_fix = t.give_first.get(a, 0.0)
        j0 = bisect_left(keys, a)
        close_up = fit.close_up
        rigid, fixed = t.rigid, t.fixed
        gap_give = t.gap_give
        # Push in: as many more units as compressing punctuation (and 緊排's closing up) makes room for.
        top = e
        if (keys or close_up) and not plain:
            while top < n:
                f = top + 1
                natural = width[f] - origin + end_fix[top]
                give = (give_sum[bisect_left(keys, f, j0)] - give_sum[j0] - gap_give.get(top, 0.0) + give_origin_fix
                        + give_last.get(top, 0.0))
                if close_up:
                    give += close_up * (f - a - 1 - bisect_right(fixed, f - 2) + bisect_right(fixed, a - 1))
                if natural - give > tolerance:
                    break
                top = f
        out = []
        # What a composer going line by line sets: the natural end, else the shortest push-in that needs
        # no closing up, else the longest push-out.
        at_natural = push_in = push_out = None
        inf = float("inf")
        best_badness = inf
        em = fit.em
        justify, balance = fit.justify, fit.balance
        orphans = self.settings.avoid_orphans
        marks = t.marks
        cheap_sum, room_sum, cheap_edge, room_edge, gap_room = t.cheap, t.room, t.cheap_edge, t.room_edge, t.gap_room
        alone = t.width_alone.get(a, atoms[a].width)
        if plain:
            order: Sequence[int] = (natural_end,)
        elif first_only:
            order = (natural_end, *range(natural_end + 1, top + 1), *range(natural_end - 1, a, -1))
        else:
            order = range(top, a, -1)
        for e in order:
            if e < n and (atoms[e - 1].text[-1] in no_end or atoms[e].text[0] in no_start
                          or atoms[e].kind is space):   # a line breaks after a word space, not before it
                continue
            last = e == n
            single = e == a + 1
            k = e - 1
            natural = alone if single else width[e] - origin + end_fix[k]
            # How bad the line looks set to the measure, and how far it is spread (em a gap).
            spread = 0.0
            closes_up = False
            if natural > tolerance:
                if single:
                    give, cheap = t.give_alone.get(a, 0.0), 0.0
                else:
                    j1 = bisect_left(keys, e, j0)
                    g = gap_give.get(k, 0.0)
                    give = give_sum[j1] - give_sum[j0] - g + give_origin_fix + give_last.get(k, 0.0)
                    cheap = cheap_sum[j1] - cheap_sum[j0] - g - cheap_edge.get(a, 0.0) - cheap_edge.get(k, 0.0) \
                        if cheap_sum else 0.0
                need = natural - avail
                closed = need - give if need > give else 0.0     # what closing units up must take
                closes_up = closed > EPS
                if closes_up:
                    joints = self._joints(t.fixed, a, e) if close_up else 0
                    if closed > close_up * joints + EPS:
                        continue
                    badness = CLOSE_UP_STEP + fit.close_up_badness * (
                        CLOSE_UP_AS_SPREAD * closed / joints / em / LOOSE_EM) ** 3
                    need = give
                else:
                    badness = 0.0
                squeezed = need - cheap if need > cheap else 0.0
                badness += min(MOST_BADNESS, fit.squeeze * (squeezed / (0.5 * em)) ** 2) + LATIN_BADNESS * (
                    need - squeezed) / em
                if need > give - t.edge.get(a, 0.0) + EPS:
                    # An opening mark's blank taken at the start of an indented first line only narrows
                    # the indent (its ink then starts 2 em in); at any other line start it moves the edge.
                    badness += INDENT_SQUEEZE if a == 0 and fit.indent else LINE_START_SQUEEZE
            elif not justify:
                badness = RAGGED_BADNESS * ((avail - natural) / avail) ** 2 if balance or not last else 0.0
            elif last or natural >= avail - EPS:
                badness = 0.0
            else:
                slack = avail - natural
                room = 0.0
                if room_sum and not single:
                    room = (room_sum[bisect_left(keys, e, j0)] - room_sum[j0] - gap_room.get(k, 0.0)
                            - room_edge.get(a, 0.0) - room_edge.get(k, 0.0))
                if slack <= room + EPS:
                    badness = LATIN_BADNESS * (slack / room) ** 2
                else:
                    joints = self._joints(rigid, a, e) if rigid else e - a - 1
                    if atoms[k].kind is space or atoms[a].kind is space:    # an edge space takes none
                        joints -= (atoms[k].kind is space) + (atoms[a].kind is space and not single)
                    if joints > 0:
                        spread = (slack - room) / joints / em
                        if spread >= fit.spread_limit and best_badness < ORPHAN and e <= natural_end:
                            break   # a better line exists; lines shorter still are only spread more
                        badness = min(MOST_BADNESS, STRETCH_BADNESS * (spread / LOOSE_EM) ** 3) + (
                            LATIN_BADNESS if room else 0.0)
                        if spread > LOOSE_EM + 1e-3:
                            badness += LOOSE_STEP
                    else:
                        badness = UNSPREADABLE
            penalty = penalties.get(e, 0.0) if penalties and e < n else 0.0
            if e < natural_end and not last:
                penalty += PUSH_OUT
            if last and a and justify and orphans and lone_character(atoms[a:e]):
                penalty += ORPHAN
            if (marks and atoms[a].kind in _NOT_PROSE and atoms[k].kind in _NOT_PROSE and (a or not last)
                    and bisect_right(marks, k) - bisect_right(marks, a - 1) == e - a):
                penalty += PUNCTUATION_ONLY
            if balance and not (a == 0 and last) and lone_character(atoms[a:e]):
                penalty += ORPHAN
            demerits = (1.0 + badness + penalty) ** 2
            line = (e, demerits, False)
            if first_only and not (closes_up and e > natural_end):
                return _Lines([line], line)
            out.append(line)
            if e == natural_end:
                at_natural = line
            elif e > natural_end:
                if not closes_up:
                    push_in = line
            elif push_out is None:
                push_out = line
            if badness + penalty < best_badness and not closes_up:
                # (only a line set without closing up may stop the search: a pass that does not close up,
                # the line-by-line one first, must still find its lines)
                best_badness = badness + penalty
        if not out:
            # No line may end here by the rules: break where the line fits, the least harm left.
            out.append((natural_end, (1.0 + ILLEGAL) ** 2, a == 0))
        return _Lines(out, at_natural or push_in or push_out or out[0])

    @staticmethod
    def _joints(rigid: list[int], a: int, e: int) -> int:
        """The gaps between units of the line atoms[a:e] that may be spread (none inside a unit cut
        into pieces)."""
        count = e - a - 1
        if rigid and count > 0:
            count -= bisect_right(rigid, e - 2) - bisect_right(rigid, a - 1)
        return count

    def _candidates_exact(self, atoms: list[Atom], penalties: dict[int, float], fit: _Fit, a: int,
                          avail: float) -> _Lines:
        """_candidates for a line whose first unit changes how the next is cut (a space, a narrow letter
        before a mark): every line measured whole by _LineBox."""
        n = len(atoms)
        settings = self.settings

        def measured(e: int) -> tuple[float, float, float]:
            box = _LineBox(atoms[a:e], settings)
            levels = box._shrink_levels()
            cheap = sum(s.amount for level in (levels[ShrinkLevel.SPACES], levels[ShrinkLevel.LATIN_GAPS])
                        for s in level)
            return box.natural(), box.max_shrink(), cheap

        e = a + 1
        while e < n and measured(e + 1)[0] <= avail + EPS:
            e += 1
        natural_end = top = e
        while top < n and (lambda m: m[0] - m[1])(measured(top + 1)) <= avail + EPS:
            top += 1
        out = []
        at_natural = push_in = push_out = None
        for e in range(top, a, -1):
            if not self._legal(atoms, e):
                continue
            natural, give, cheap = measured(e)
            last = e == n
            badness = self._badness_of(a, e, natural, give, cheap, avail, last, fit)
            if badness == float("inf"):
                continue
            penalty = (penalties.get(e, 0.0) if e < n else 0.0) + (PUSH_OUT if e < natural_end and not last else 0.0)
            if last and a and fit.justify and settings.avoid_orphans and lone_character(atoms[a:e]):
                penalty += ORPHAN
            if (a or not last) and punctuation_only(atoms[a:e]):
                penalty += PUNCTUATION_ONLY
            line = (e, (1.0 + badness + penalty) ** 2, False)
            out.append(line)
            if e == natural_end:
                at_natural = line
            elif e > natural_end:
                push_in = line
            elif push_out is None:
                push_out = line
        if not out:
            out.append((natural_end, (1.0 + ILLEGAL) ** 2, a == 0))
        return _Lines(out, at_natural or push_in or push_out or out[0])

    @staticmethod
    def _badness_of(a: int, e: int, natural: float, give: float, cheap: float, avail: float, last: bool,
                    fit: _Fit) -> float:
        """The badness of a line measured whole (the exact path): as the hot loop works it out."""
        em = fit.em
        if natural > avail + EPS:
            need = natural - avail
            if need > give + EPS:
                return float("inf")
            squeezed = max(0.0, need - cheap)
            return fit.squeeze * (squeezed / (0.5 * em)) ** 2 + LATIN_BADNESS * (need - squeezed) / em
        if not fit.justify:
            return RAGGED_BADNESS * ((avail - natural) / avail) ** 2 if fit.balance or not last else 0.0
        if last or natural >= avail - EPS:
            return 0.0
        joints = e - a - 1
        if not joints:
            return UNSPREADABLE
        spread = (avail - natural) / joints / em
        return min(MOST_BADNESS, STRETCH_BADNESS * (spread / LOOSE_EM) ** 3)

    def _steer(self, atoms: list[Atom], table: _Table, penalties: dict[int, float], fit: _Fit, ends: list[int],
               steer: Steer) -> list[int]:
        """緊排 / 鬆排: the same paragraph in one line fewer or one more, where the composer can."""
        if steer is Steer.TIGHT:
            step = fit._replace(squeeze=SQUEEZE_BADNESS * TIGHT_SQUEEZE,
                                close_up_badness=CLOSE_UP_BADNESS * TIGHT_SQUEEZE)
            trial, _ = self._breaks(atoms, table, penalties, step, lines_wanted=len(ends) - 1)
            return trial if len(trial) < len(ends) and not self._orphaned(atoms, trial) else ends
        step = fit._replace(spread_limit=LOOSE_SPREAD_EM + EPS)
        trial, _ = self._breaks(atoms, table, penalties, step, lines_wanted=len(ends) + 1)
        # The editor's step never buys a line with a 孤字: a line count that only comes with one is refused.
        return trial if len(trial) > len(ends) and not self._orphaned(atoms, trial) else ends

    def _orphaned(self, atoms: list[Atom], ends: list[int]) -> bool:
        """A paragraph's last line, by these line ends, holds one character alone (孤字)."""
        if len(ends) < 2 or not self.settings.avoid_orphans:
            return False
        return lone_character(atoms[ends[-2]:ends[-1]])

    def _set_line(self, atoms: list[Atom], a: int, b: int, measure: float, indent: float, last: bool, align: Align,
                  rigid: frozenset[int] = frozenset(), close_up: float = 0.0, table: _Table | None = None) -> Line:
        avail = measure - indent
        if table is not None and a not in table.exact:
            line = self._set_plain(atoms, table, a, b, measure, indent, avail, last, align)
            if line is not None:
                return line
        flags = [i in rigid for i in range(a, b - 1)] if rigid else ()
        box = _LineBox(atoms[a:b], self.settings, flags, close_up)
        natural = box.natural()
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

    @staticmethod
    def _set_plain(atoms: list[Atom], t: _Table, a: int, b: int, measure: float, indent: float, avail: float,
                   last: bool, align: Align) -> Line | None:
        """A line that needs nothing squeezed and has no Latin spaces or gaps to grow first, set from the
        table's cuts without a _LineBox (most lines); None for any other."""
        keys = t.keys
        j0, j1 = (bisect_left(keys, a), bisect_left(keys, b)) if keys else (0, 0)
        single = b == a + 1
        if single:
            natural = t.width_alone.get(a, atoms[a].width)
        else:
            natural = (t.width[b] - t.width[a] - t.gap.get(b - 1, 0.0) + t.width_first.get(a, 0.0)
                       + t.width_last.get(b - 1, 0.0))
        if natural > avail + EPS or (t.room and j1 > j0 and (t.room[j1] - t.room[j0] > 0 or t.gap_give.get(b - 1))):
            return None
        if t.rigid and bisect_right(t.rigid, b - 2) > bisect_right(t.rigid, a - 1):
            return None
        each = 0.0
        if not last and align is Align.JUSTIFY and natural < avail - EPS:
            if single:
                return None    # a lone unit spreads inside itself: _LineBox knows how
            each = (avail - natural) / (b - a - 1)
        width = natural + each * (b - a - 1)
        x0 = indent
        if align is Align.CENTER:
            x0 = indent + max(0.0, (avail - width) / 2)
        elif align is Align.RIGHT:
            x0 = indent + max(0.0, avail - width)
        units = atoms[a:b]
        # Each unit starts where the one before it ended, less its own left cut; most units have no cuts.
        steps = list(map(_WIDTH, units))
        if each:
            steps = [w + each for w in steps]
        if j1 > j0:
            cut_l, cut_r, gap = t.cut_l, t.cut_r, t.gap
            shifts = {}
            for i in keys[j0:j1]:
                left = t.start_l.get(i, 0.0) if i == a else cut_l.get(i, 0.0)
                right = t.end_r.get(i, 0.0) if i == b - 1 else (
                    t.start_r.get(i, cut_r.get(i, 0.0)) if i == a else cut_r.get(i, 0.0))
                if left:
                    shifts[i - a] = left
                steps[i - a] += gap.get(i, 0.0) - left - right
            xs: Iterable[float] = list(accumulate(steps[:-1], initial=x0))
            for k, left in shifts.items():
                xs[k] -= left
        else:
            xs = accumulate(steps[:-1], initial=x0)
        justified = abs(width - avail) <= 0.01
        end = atoms[b - 1].offset + len(atoms[b - 1].text)
        size = t.size or max([u.size for u in units])
        return Line(tuple(units), tuple(xs), 0.0, x0 + width, measure, atoms[a].offset, end, x0, last, justified,
                    size)
