"""Styled paragraphs, and their cutting into unbreakable units (atoms).

A paragraph is a sequence of styled spans.  Atomisation turns it into the
units a line may hold: one ideograph or punctuation mark, a ——/…… pair, a
Latin word, number or URL, a space.  Each atom knows its natural width and
how much empty space its glyph box has on either side (from the font's
``halt`` data), which is what punctuation compression may take away.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from . import rules_zh as zh
from ..base.errors import LayoutError
from ..fonts.faces import Face, FontSet
from .settings import Steer


@dataclass(frozen=True)
class TextStyle:
    """A font role and size: what a template's named styles give and a span is set in."""

    role: str            # font role: body, headline, sans, kai (a chain of the font set)
    size: float          # point size


@dataclass(frozen=True)
class Span:
    text: str
    style: TextStyle


class Align(StrEnum):
    JUSTIFY = "justify"
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@dataclass(frozen=True)
class Paragraph:
    spans: tuple[Span, ...]
    indent_em: float = 2.0      # first-line indent
    align: Align = Align.JUSTIFY
    # A head (headline, kicker, deck, subhead, jump head): break between words only where it can, lines
    # balanced in length, no line opening with a particle such as 的.
    wordwise: bool = False
    steer: Steer = Steer.NORMAL     # 緊排 / 鬆排: the editor's one step on this paragraph

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)

    @property
    def size(self) -> float:
        return max(s.style.size for s in self.spans)


class Kind(StrEnum):
    HAN = "han"          # ideographs, kana, full-width letters and signs: 1 em boxes
    OPEN = "open"
    CLOSE = "close"
    PAUSE = "pause"      # 、，；
    STOP = "stop"        # 。：？！
    MIDDLE = "middle"    # ·・
    DASH = "dash"        # —— …… as one 2-em unit
    LATIN = "latin"      # a Latin word, number or URL: proportional, unbreakable
    SPACE = "space"


class Atom(NamedTuple):
    # A tuple, not a dataclass: a page makes thousands and a frozen dataclass is slow to build.
    text: str
    kind: Kind
    faces: tuple[Face, ...]      # one per character
    size: float
    width: float                 # natural advance, pt
    blank_left: float            # empty space the glyph box has on its left, pt (compressible)
    blank_right: float
    hscale: float                # horizontal scale (1 except for dashes drawn to 2 em)
    offset: int                  # index of the first character in the paragraph text


# A URL, or a Latin word or number with its inner separators (1,234.56, 12.8%, 10:30, 2021-11-29), is one
# unit: never split unless it is wider than a whole line (see split_unit).
_LETTER = r"A-Za-z0-9\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF"    # Latin, Greek, Cyrillic letters and digits
_WORD = rf"[{_LETTER}][{_LETTER}\u0300-\u036F]*"              # combining accents ride inside a word
_LATIN_UNIT = re.compile(
    r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+[A-Za-z0-9/]"
    rf"|{_WORD}(?:[.,:/\-'’_@&]{_WORD})*[%‰]?"
)
_PAIRED = re.compile(r"——|……|⋯⋯")


def _is_latin(ch: str) -> bool:
    cp = ord(ch)
    return cp < 0x2000 and not ch.isspace() and ch not in zh.MIDDLE_DOT


def _kind_of(ch: str) -> Kind:
    if ch in zh.OPENING:
        return Kind.OPEN
    if ch in zh.CLOSING:
        return Kind.CLOSE
    if ch in zh.PAUSE:
        return Kind.PAUSE
    if ch in zh.STOP:
        return Kind.STOP
    if ch in zh.MIDDLE_DOT:
        return Kind.MIDDLE
    if ch in zh.DASHES or ch in zh.ELLIPSES:
        return Kind.DASH
    if ch.isspace():
        return Kind.SPACE
    if _is_latin(ch):
        return Kind.LATIN
    return Kind.HAN


# Invisible format characters: kept in the text, set with no width, never drawn (a font's
# .notdef box would show). Zero-width space, non-joiner, joiner, word joiner, BOM, soft hyphen.
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c")


def describe(ch: str) -> str:
    """U+20BB7 (CJK UNIFIED IDEOGRAPH-20BB7), for messages."""
    name = unicodedata.name(ch, "")
    if not name:
        name = {"Cc": "control character", "Co": "private-use character", "Cn": "unassigned code point",
                "Cs": "lone surrogate"}.get(unicodedata.category(ch), "no Unicode name")
    return f"{ch!r} U+{ord(ch):04X} ({name})"


class MissingGlyph(LayoutError):
    """A character the engine cannot set: in no font of the chain, a control character, or right-to-left text."""

    def __init__(self, ch: str, role: str, offset: int, reason: str = "", paragraph: int | None = None):
        self.ch, self.role, self.offset, self.reason, self.paragraph = ch, role, offset, reason, paragraph
        where = f"paragraph {paragraph + 1}, character {offset + 1}" if paragraph is not None else \
            f"character {offset + 1}"
        why = reason or f"is in no font of the '{role}' chain (nothing is drawn as an empty box)"
        super().__init__(f"{where}: {describe(ch)} {why}")

    def in_paragraph(self, paragraph: int) -> "MissingGlyph":
        return MissingGlyph(self.ch, self.role, self.offset, self.reason, paragraph)


def _check_char(ch: str, role: str, offset: int) -> None:
    category = unicodedata.category(ch)
    if category == "Cc":
        raise MissingGlyph(ch, role, offset, "is a control character: remove it from the text")
    if ch in BIDI_CONTROLS or unicodedata.bidirectional(ch) in ("R", "AL"):
        raise MissingGlyph(ch, role, offset, "is right-to-left text, which the engine does not set")
    if category in ("Cs", "Cn", "Co"):
        raise MissingGlyph(ch, role, offset, "is no character a font can show")


# Marks that are a Latin word's own (It’s, Xi’an): the CJK faces draw them an em wide, as Chinese
# punctuation; inside a Latin word they take a face that draws them at a letter's width.
_LATIN_MARKS = frozenset("‘’‚‛")


def _proportional_face(fonts: FontSet, ch: str, role: str) -> Face | None:
    for face in fonts.chain(role):
        if face.has(ch) and face.advance(ch) < 0.6:
            return face
    return None


def _face(fonts: FontSet, ch: str, role: str, offset: int, previous: Face | None = None) -> Face:
    face = fonts.face_for(ch, role)
    if face is None:
        if ch in ZERO_WIDTH and previous is not None:
            return previous
        _check_char(ch, role, offset)
        raise MissingGlyph(ch, role, offset)
    if ch not in ZERO_WIDTH:
        _check_char(ch, role, offset)
    return face


def advance_of(face: Face, ch: str) -> float:
    """A character's advance in em: none for invisible format characters."""
    return 0.0 if ch in ZERO_WIDTH else face.advance(ch)


def _atom(unit: str, kind: Kind, faces: tuple[Face, ...], size: float, offset: int) -> Atom:
    natural = sum(advance_of(f, ch) for f, ch in zip(faces, unit)) * size
    blank_l = blank_r = 0.0
    hscale = 1.0
    if kind is Kind.DASH:
        # —— is set as one 2-em unit; fonts with proportional dashes are stretched to fill it.
        target = len(unit) * size if len(unit) <= 2 else 2 * size
        hscale = target / natural if natural else 1.0
        natural = target
    elif kind in (Kind.OPEN, Kind.CLOSE, Kind.PAUSE, Kind.STOP, Kind.MIDDLE):
        ch = unit[0]
        adv = faces[0].advance(ch)
        if adv >= 0.99:  # full-width mark: it has blank space to give
            halt = faces[0].halt.get(ord(ch))
            if halt is not None:
                dx, dadv = halt
                blank_l, blank_r = -dx * size, (dx - dadv) * size
            else:
                # No 'halt' data: take the class's blank side, but never more than the
                # glyph's real side bearing, so compression never cuts ink.
                left, right = zh.blank_sides(ch)
                bear_l, bear_r = faces[0].bearings.get(ord(ch), (0.0, 0.0))
                blank_l, blank_r = min(left, bear_l) * size, min(right, bear_r) * size
    return Atom(unit, kind, faces, size, natural, blank_l, blank_r, hscale, offset)


_PAIR_STARTS = frozenset("—…⋯")
_RIDES: dict[str, bool] = {}


def _rides(ch: str) -> bool:
    """Combining marks, variation selectors and invisible format characters ride on the character before them."""
    rides = _RIDES.get(ch)
    if rides is None:
        rides = _RIDES[ch] = bool(unicodedata.combining(ch) or 0xFE00 <= ord(ch) <= 0xFE0F or ch in ZERO_WIDTH)
    return rides


# Per font set and role: character → (kind, faces, atom at 1 pt) for characters that make a
# one-character atom on their own; None for those that need the general path (dashes, Latin).
_TABLES: dict[int, tuple[FontSet, dict[str, dict[str, tuple | None]]]] = {}


def _table(fonts: FontSet, role: str) -> dict[str, tuple | None]:
    entry = _TABLES.get(id(fonts))
    if entry is None or entry[0] is not fonts:
        if len(_TABLES) > 16:
            _TABLES.clear()
        entry = _TABLES[id(fonts)] = (fonts, {})
    return entry[1].setdefault(role, {})


def _unit_entry(fonts: FontSet, ch: str, role: str, offset: int) -> tuple | None:
    """The table entry of a character that makes a unit by itself, at 1 pt; None if it needs the
    general path (a dash, a Latin letter)."""
    if ch in _PAIR_STARTS or _is_latin(ch):
        return None
    kind = _kind_of(ch)
    if kind is Kind.DASH:
        return None
    face = _face(fonts, ch, role, offset)
    unit = _atom(ch, kind, (face,), 1.0, 0)
    return kind, unit.faces, unit.width, unit.blank_left, unit.blank_right


def atomise(paragraph: Paragraph, fonts: FontSet) -> list[Atom]:
    """Cut a paragraph into atoms with their natural widths and compressible blanks."""
    atoms: list[Atom] = []
    append = atoms.append
    new = tuple.__new__   # Atom(...) without the named tuple's Python-level __new__
    rides_memo = _RIDES
    base = 0
    missing = object()
    for span in paragraph.spans:
        size, role = span.style.size, span.style.role
        table = _table(fonts, role)
        text = span.text
        i, n = 0, len(text)
        while i < n:
            ch = text[i]
            info = table.get(ch, missing)
            if info is missing:
                info = table[ch] = _unit_entry(fonts, ch, role, base + i)
            if info is not None:
                rides = i + 1 < n and rides_memo.get(text[i + 1])
                if rides is None:
                    rides = _rides(text[i + 1])
                if not rides:
                    # The common case, a character that is a unit by itself: from the table.
                    kind, entry_faces, width, blank_l, blank_r = info
                    append(new(Atom, (ch, kind, entry_faces, size, width * size, blank_l * size, blank_r * size, 1.0,
                                      base + i)))
                    i += 1
                    continue
            m = _PAIRED.match(text, i)
            if m:
                end, kind = m.end(), Kind.DASH
            elif _is_latin(ch) and not ch.isspace() and (m := _LATIN_UNIT.match(text, i)):
                end, kind = m.end(), Kind.LATIN
                while end < n and _rides(text[end]):   # e + U+0301: the accent rides on its word
                    end += 1
            else:
                end = i + 1
                while end < n and _rides(text[end]):
                    end += 1
                kind = _kind_of(ch)
            start, unit = i, text[i:end]
            faces: list[Face] = []
            for k, c in enumerate(unit):
                if kind is Kind.LATIN and c in _LATIN_MARKS:
                    faces.append(_proportional_face(fonts, c, role) or _face(fonts, c, role, base + start + k))
                    continue
                faces.append(_face(fonts, c, role, base + start + k, faces[-1] if faces else None))
            append(_atom(unit, kind, tuple(faces), size, base + start))
            i = end
        base += len(text)
    return atoms


# A URL that cannot fit whole on a line breaks after one of these, never inside a word and never with a
# hyphen added (after a run of them: https:// is one piece, not https:/ and /).
URL_BREAKS = frozenset("/.-_?&=#")


def is_url(atom: Atom) -> bool:
    return atom.kind is Kind.LATIN and ("://" in atom.text or atom.text.startswith("www.") or "/" in atom.text)


def _piece(atom: Atom, start: int, end: int, widths: list[float]) -> Atom:
    return Atom(atom.text[start:end], atom.kind, atom.faces[start:end], atom.size, sum(widths[start:end]), 0, 0,
                atom.hscale, atom.offset + start)


def split_unit(atom: Atom, measure: float) -> list[Atom]:
    """A unit wider than a whole line, in the pieces a line may end between: a URL after ``URL_BREAKS``
    (and any piece still too wide, between its characters), anything else between its characters.
    Nothing narrower than the measure is ever split (a number such as 1,234.56 or 2021-11-29 stays
    whole)."""
    widths = [advance_of(f, ch) * atom.size * atom.hscale for f, ch in zip(atom.faces, atom.text)]
    text = atom.text
    cuts = [0]
    if is_url(atom):
        for k in range(1, len(text)):
            if text[k - 1] in URL_BREAKS and text[k] not in URL_BREAKS:
                cuts.append(k)
    cuts.append(len(text))
    pieces = []
    for start, end in zip(cuts, cuts[1:]):
        if sum(widths[start:end]) <= measure + 1e-6:
            pieces.append(_piece(atom, start, end, widths))
        else:
            pieces.extend(_piece(atom, k, k + 1, widths) for k in range(start, end))
    return pieces
