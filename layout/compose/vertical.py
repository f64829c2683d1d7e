"""Short texts set vertically (直排): top to bottom in columns read right to left, as clreq describes
vertical Chinese — for heads and kickers set vertically (page/vertical_head.py).

- Ideographs, kana and full-width forms stand upright, each on a 1-em advance.
- Punctuation and brackets take their vertical presentation forms (Unicode's Vertical Forms, U+FE10–FE19,
  and CJK Compatibility Forms, U+FE30–FE4F), character for character as Noto CJK SC's ``vert`` feature
  substitutes them (VERTICAL_FORMS; tests/test_vertical.py compares the table with the font where Debian's
  fonts-noto-cjk is installed): ，→︐ 。→︒ 「→﹁ （→︵ ——→︱︱ ……→︙︙, and “ ” ‘ ’ → ﹃ ﹄ ﹁ ﹂ as GB/T 15834
  sets quotation marks in vertical text. In the CNS position (Taiwan, Hong Kong) 。，、：；！？ are centred
  in their em and stand as they are, as Noto CJK TC's ``vert`` leaves them. A mark whose vertical form no
  face of the role has is turned 90° clockwise (a bracket, a dash, ～) or, a GB mark, moved where its
  vertical form sits: ，、。 into the top-right quarter, ：；！？ across to the middle — never dropped.
- Latin letters and digits (clreq §3.4): a single letter or digit stands upright, centred in its em; two
  digits stand side by side in one em (縱中橫), narrowed to fit it where they are wider; a longer run —
  a word, a number of three digits or more, words with spaces between (a Latin word space, even where
  the head's editor typed an ideographic one) — is turned 90° clockwise and runs down the column, the
  template's Han–Latin gap (¼ em) from the ideographs next to it.
- Adjacent marks are set at 1.5 em, as across a horizontal line (clreq): the first gives its blank
  bottom half, or else the second its blank top half; a column ending in a mark gives its blank end
  (GB/T 15834 §5.1.10). The blank is the vertical form's own (VERTICAL_BLANK): ︐ ︑ ︒ and the brackets
  have one, ︕ ︖ ︓ ︔ (centred down their em), ︱ and ︙ none, so ！！ or ？…… keep an em each. —— is one
  line: its two ︱ drawn closer, so their strokes meet. In the CNS position every mark keeps its whole em
  (Taiwan's practice).
- Columns break between units, never before a mark forbidden at a line start nor after one forbidden at
  a line end (the template's 避頭尾 level, a vertical form judged as the mark it stands for), never inside
  ——, …… or a Latin word (a phrase's words may part at a word space); a head breaks between words
  (jieba), in columns of even length, none holding a lone character or opening with a particle such as 的.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum
from itertools import combinations
from typing import NamedTuple

from . import rules_zh as zh
from .atoms import ZERO_WIDTH, Atom, Kind, Paragraph, Span, TextStyle, advance_of, atomise
from .linebreak import Composer
from .settings import PunctuationPosition
from ..fonts.charsets import presented
from ..fonts.faces import Face

# Noto CJK SC's `vert` substitutions that have a code point of their own, and the dashes and leaders
# Unicode gives vertical forms. “ ” ‘ ’ become the corner brackets, double for double (GB/T 15834).
VERTICAL_FORMS: dict[str, str] = {
    "，": "︐", "、": "︑", "。": "︒", "：": "︓", "；": "︔", "！": "︕", "？": "︖", "〖": "︗", "〗": "︘",
    "…": "︙", "⋯": "︙", "‥": "︰", "—": "︱", "―": "︱", "–": "︲", "＿": "︳",
    "（": "︵", "）": "︶", "｛": "︷", "｝": "︸", "〔": "︹", "〕": "︺", "【": "︻", "】": "︼",
    "《": "︽", "》": "︾", "〈": "︿", "〉": "﹀", "「": "﹁", "」": "﹂", "『": "﹃", "』": "﹄",
    "［": "﹇", "］": "﹈", "“": "﹃", "”": "﹄", "‘": "﹁", "’": "﹂",
}
# Centred in their em in the CNS position: upright as they are (Noto CJK TC's `vert` leaves them).
CNS_UPRIGHT = frozenset("，、。：；！？．")
# The vertical forms with a blank half, (top, bottom) in em, as Noto CJK SC draws them: ︐ ︑ ︒ sit in the
# top-right corner (their lower half blank), opening brackets in the lower half, closing ones in the
# upper. Only these give room to a neighbouring mark; every other form — ︓ ︔ ︕ ︖ centred down their
# em, ︱ ︙ running through it — keeps its whole em (tests/test_vertical.py compares this with the faces).
VERTICAL_BLANK: dict[str, tuple[float, float]] = {
    **{form: (0.0, 0.5) for form in "︐︑︒"},
    **{form: (0.5, 0.0) for form in "︗︵︷︹︻︽︿﹁﹃﹇"},
    **{form: (0.0, 0.5) for form in "︘︶︸︺︼︾﹀﹂﹄﹈"},
}
# ︱ leaves this much of its em blank at each end (74 of Noto CJK's 1000 units): in ——, the two are drawn
# closer by twice it, their strokes meeting in the middle of the 2-em unit, so the dash is one line.
DASH_BLANK = 0.074
_MARK_KINDS = frozenset({Kind.OPEN, Kind.CLOSE, Kind.PAUSE, Kind.STOP, Kind.MIDDLE, Kind.DASH})
_DIGITS = re.compile(r"[0-9]{1,2}")


def reads_as(text: str) -> str:
    """A text as its vertical setting reads back: each mark as the form it is set in stands for (“ and 『
    are both set as ﹃), spaces and invisible characters left out. The same for a source text and for
    the characters drawn, so the two can be compared."""
    return "".join(presented(VERTICAL_FORMS.get(ch, ch)) for ch in text
                   if not ch.isspace() and ch not in ZERO_WIDTH)


class Orientation(StrEnum):
    UPRIGHT = "upright"     # drawn as it stands, each character on a 1-em advance down the column
    PAIR = "pair"           # 縱中橫: two digits side by side in one em
    ROTATED = "rotated"     # turned 90° clockwise: its advance runs down the column


class Unit(NamedTuple):
    """What a column holds one of: an ideograph, a mark, ——/……, a digit pair or a turned Latin run."""

    source: str                  # the text's characters it sets
    text: str                    # the characters drawn (vertical forms where they replace marks)
    orientation: Orientation
    faces: tuple[Face, ...]      # one per drawn character
    size: float
    length: float                # natural length down the column, pt
    top: float                   # blank at its top that adjacency may take, pt
    bottom: float                # blank at its bottom
    offset: int                  # the first source character's index in the text
    mark: bool                   # punctuation, ——, …… (never counted as a character of a column)
    latin: bool                  # a turned Latin run: the Han–Latin gap against its neighbours
    hscale: float = 1.0          # across (upright, pair) or along (turned) the glyphs
    dx: float = 0.0              # the glyph drawn this far right of where it would stand (pt)
    dy: float = 0.0              # … and this far down
    step: float = 0.0            # upright, several glyphs: from one's top to the next's (0: its size)

    @property
    def space(self) -> bool:
        return not self.text


@dataclass(frozen=True)
class Column:
    """One vertical line: its units and where each starts down the column (the top of its em box, or
    of a turned run's advance), from the column's top; ``length`` from the top to the last unit's end (a
    mark's blank end given back: what is centred), ``reach`` to the foot of the lowest em box (what must
    fit: nothing is clipped)."""

    units: tuple[Unit, ...]
    ys: tuple[float, ...]
    length: float
    size: float
    reach: float

    @property
    def source(self) -> str:
        return "".join(u.source for u in self.units)


def vertical_units(text: str, role: str, size: float, composer: Composer) -> list[Unit]:
    """``text`` cut into the units a column holds, in ``role`` at ``size``. A character no face of the
    role has raises MissingGlyph, as for horizontal text."""
    fonts = composer.fonts
    cns = composer.settings.position is PunctuationPosition.CNS
    atoms = atomise(Paragraph((Span(text, TextStyle(role, size)),), indent_em=0.0), fonts)
    units: list[Unit] = []
    k = 0
    while k < len(atoms):
        atom = atoms[k]
        if atom.kind is Kind.LATIN:
            # A Latin run: words with single spaces between them go down the column as one.
            end = k + 1
            while (end + 1 < len(atoms) and atoms[end].kind is Kind.SPACE and atoms[end].text == " "
                   and atoms[end + 1].kind is Kind.LATIN):
                end += 2
            if end > k + 1:
                # Words with spaces: turned one by one, a Latin word space between them (not an em), so
                # they run down the column as one phrase and a column may end between two of them.
                units += [_turned(a, size) if a.kind is Kind.LATIN else
                          Unit(a.text, "", Orientation.UPRIGHT, (), size, a.width, 0.0, 0.0, a.offset, False, True)
                          for a in atoms[k:end]]
            else:
                units.append(_latin(atoms[k:end], size))
            k = end
            continue
        units.append(_unit(atom, role, size, fonts, cns))
        k += 1
    return units


def _latin(atoms: list[Atom], size: float) -> Unit:
    source = "".join(a.text for a in atoms)
    faces = tuple(f for a in atoms for f in a.faces)
    offset = atoms[0].offset
    natural = sum(advance_of(f, ch) for f, ch in zip(faces, source)) * size
    if len(source) == 1:
        return Unit(source, source, Orientation.UPRIGHT, faces, size, size, 0.0, 0.0, offset, False, False)
    if _DIGITS.fullmatch(source):
        # 縱中橫: side by side in the em, narrowed where the digits are wider than it.
        return Unit(source, source, Orientation.PAIR, faces, size, size, 0.0, 0.0, offset, False, False,
                    min(1.0, size / natural) if natural else 1.0)
    return Unit(source, source, Orientation.ROTATED, faces, size, natural, 0.0, 0.0, offset, False, True)


def _turned(atom: Atom, size: float) -> Unit:
    """A word of a Latin phrase: turned, however short (a phrase is never 縱中橫)."""
    natural = sum(advance_of(f, ch) for f, ch in zip(atom.faces, atom.text)) * size
    return Unit(atom.text, atom.text, Orientation.ROTATED, atom.faces, size, natural, 0.0, 0.0, atom.offset, False,
                True)


def _unit(atom: Atom, role: str, size: float, fonts, cns: bool) -> Unit:
    text, kind = atom.text, atom.kind
    drawn = "".join(ch for ch in text if ch not in ZERO_WIDTH)
    if kind is Kind.SPACE:
        return Unit(text, "", Orientation.UPRIGHT, (), size, atom.width, 0.0, 0.0, atom.offset, False, False)
    if kind not in _MARK_KINDS:
        faces = tuple(f for f, ch in zip(atom.faces, text) if ch not in ZERO_WIDTH)
        return Unit(text, drawn, Orientation.UPRIGHT, faces, size, size, 0.0, 0.0, atom.offset, False, False)
    if cns and text in CNS_UPRIGHT:
        return Unit(text, drawn, Orientation.UPRIGHT, atom.faces[:1], size, size, 0.0, 0.0, atom.offset, True, False)
    forms = "".join(VERTICAL_FORMS.get(ch, "") for ch in drawn)
    form_faces = tuple(fonts.face_for(ch, role) for ch in forms)
    # A mark's left blank is its top once vertical; in the CNS position every mark keeps its whole em.
    top, bottom = (0.0, 0.0) if cns else (atom.blank_left, atom.blank_right)
    if len(forms) == len(drawn) and forms and all(form_faces):
        # The form's own blank (not the horizontal glyph's): ︕ ︖ have none to give, ︒ ﹂ half their em.
        blank_top, blank_bottom = VERTICAL_BLANK.get(forms, (0.0, 0.0)) if len(forms) == 1 else (0.0, 0.0)
        top, bottom = (0.0, 0.0) if cns else (blank_top * size, blank_bottom * size)
        if kind is Kind.DASH and set(forms) == {"︱"} and len(forms) > 1:
            # ——: the strokes meet, the line centred in its 2 em.
            return Unit(text, forms, Orientation.UPRIGHT, form_faces, size, len(forms) * size, 0.0, 0.0,
                        atom.offset, True, False, dy=(len(forms) - 1) * DASH_BLANK * size,
                        step=(1 - 2 * DASH_BLANK) * size)
        return Unit(text, forms, Orientation.UPRIGHT, form_faces, size, len(forms) * size, top, bottom,
                    atom.offset, True, False)
    if kind is Kind.MIDDLE:
        # · ・ sit in the middle of their em: upright as they are.
        return Unit(text, drawn, Orientation.UPRIGHT, atom.faces[:1], size, size, top, bottom, atom.offset, True, False)
    if kind in (Kind.PAUSE, Kind.STOP) and not cns and drawn in ("，", "、", "。", "．"):
        # No vertical form: the GB mark (ink in its lower left) moved into the top right, where its form sits.
        half = atom.blank_right
        return Unit(text, drawn, Orientation.UPRIGHT, atom.faces[:1], size, size, 0.0, half, atom.offset, True,
                    False, dx=half, dy=-half)
    if kind in (Kind.PAUSE, Kind.STOP) and not cns:
        # ：；！？ without a vertical form: centred across the column, as their forms are, keeping the em.
        return Unit(text, drawn, Orientation.UPRIGHT, atom.faces[:1], size, size, 0.0, 0.0, atom.offset, True,
                    False, dx=(atom.blank_right - atom.blank_left) / 2)
    # Brackets, dashes, ～ without a vertical form: the horizontal glyph turned 90° clockwise.
    return Unit(text, drawn, Orientation.ROTATED, atom.faces, size, atom.width, top, bottom, atom.offset, True,
                False, atom.hscale)


def set_column(units: list[Unit] | tuple[Unit, ...], latin_gap_em: float) -> Column:
    """Where each unit starts down a column: adjacent marks at 1.5 em (the first gives its blank bottom,
    or the second its blank top), a turned Latin run ``latin_gap_em`` from its neighbours, a space at
    either end of the column taking no room, a mark at its end giving its blank bottom."""
    units = tuple(units)
    ys: list[float] = []
    y = 0.0
    n = len(units)
    for i, u in enumerate(units):
        if u.space and (i == 0 or i == n - 1):
            ys.append(y)
            continue
        prev = units[i - 1] if i else None
        if prev is not None and prev.latin != u.latin and not prev.space and not u.space:
            y += latin_gap_em * u.size
        start = y
        if prev is not None and prev.mark and u.mark and prev.bottom <= 0 and u.top > 0:
            start -= u.top
        ys.append(start)
        end = start + u.length
        following = units[i + 1] if i + 1 < n else None
        if u.bottom > 0 and (following is None or (following.mark and not following.space)
                             or (i + 2 == n and following.space)):
            end -= u.bottom
        y = end
    reach = max((top + u.length for u, top in zip(units, ys) if not u.space), default=0.0)
    return Column(units, tuple(ys), y, max((u.size for u in units), default=0.0), max(y, reach))


def _lone(units: tuple[Unit, ...]) -> bool:
    """A column of one character, with or without its marks (孤字)."""
    solid = [u for u in units if not u.mark and not u.space]
    return len(solid) <= 1 and sum(len(u.source) for u in solid) <= 1


def break_columns(units: list[Unit], text: str, composer: Composer, height: float, counts: tuple[int, ...],
                  wordwise: bool) -> list[Column] | None:
    """The units in as few columns as ``counts`` allows, each no longer than ``height``, of even length
    (the least sum of squared shortfalls from the longest), breaking only where clreq allows (and, for
    ``wordwise``, only between words, never before a particle); no column a lone character. None where
    no such break exists."""
    no_start = zh.no_start_set(composer.settings.strictness)
    starts = zh.word_starts(text) if wordwise else None
    gap = composer.settings.latin_gap_em
    legal = []
    for j in range(1, len(units)):
        before, after = units[j - 1], units[j]
        if after.space or after.source[0] in no_start or before.source[-1] in zh.NO_END:
            continue
        if starts is not None and (after.offset not in starts or after.source[0] in zh.PARTICLES):
            continue
        legal.append(j)
    for count in counts:
        best, best_cost = None, math.inf
        for cuts in combinations(legal, count - 1):
            bounds = (0, *cuts, len(units))
            columns = [set_column(units[a:b], gap) for a, b in zip(bounds, bounds[1:])]
            longest = max(c.length for c in columns)
            if max(c.reach for c in columns) > height + 1e-6 or any(_lone(c.units) for c in columns):
                continue
            cost = sum((longest - c.length) ** 2 for c in columns)
            if cost < best_cost - 1e-9:
                best, best_cost = columns, cost
        if best is not None:
            return best
    return None


def _parts(text: str) -> list[str]:
    """The parts of a head the editor marked with spaces. A space between two Latin words is a word
    space inside a turned run (Shanghai Xuhui News), kept as one space, not a part's end."""
    parts: list[str] = []
    for word in text.replace("\u3000", " ").split():
        if parts and _latin_char(parts[-1][-1]) and _latin_char(word[0]):
            parts[-1] += " " + word
        else:
            parts.append(word)
    return parts


def _latin_char(ch: str) -> bool:
    """As compose/atoms.py reads a Latin character (a letter, a digit, an ASCII sign)."""
    return ord(ch) < 0x2000 and not ch.isspace() and ch not in zh.MIDDLE_DOT


def fit_vertical(composer: Composer, text: str, role: str, size: float, height: float, max_columns: int = 2,
                 scales: tuple[float, ...] = (1.0,), last_resort: tuple[float, ...] = ()) -> list[Column]:
    """A head's columns of at most ``height``, in this order of preference, each tried at every scale of
    ``scales`` (of ``size``): one column; one column per part where the editor put a space (or after a
    comma or colon), at most ``max_columns``; then columns of even length broken between words (also at
    the ``last_resort`` scales). Where nothing fits, the text at the smallest scale tried in
    ``max_columns`` columns of even length however long they are: the caller says what did not fit."""
    parts = _parts(text)
    joined = "\u3000".join(parts)
    if len(parts) == 1:
        parts = [p for p in re.split(r"(?<=[，：；])", parts[0]) if p]
    gap = composer.settings.latin_gap_em
    for scale in scales:
        s = size * scale
        units = vertical_units(joined, role, s, composer)
        column = set_column(units, gap)
        if column.reach <= height + 1e-6:
            return [column]
        if 1 < len(parts) <= max_columns:
            columns = [set_column(vertical_units(p, role, s, composer), gap) for p in parts]
            if all(c.reach <= height + 1e-6 and not _lone(c.units) for c in columns):
                return columns
    for scale in scales + last_resort:
        units = vertical_units(joined, role, size * scale, composer)
        columns = break_columns(units, joined, composer, height, tuple(range(2, max_columns + 1)), True)
        if columns:
            return columns
    units = vertical_units(joined, role, size * (scales + last_resort)[-1], composer)
    for wordwise in (True, False):
        columns = break_columns(units, joined, composer, math.inf, (min(max_columns, len(units)),), wordwise)
        if columns:
            return columns
    return [set_column(units, gap)]
