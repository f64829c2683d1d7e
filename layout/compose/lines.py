"""A set line: its units and where each starts, and what is drawn of it — its glyphs, and its runs
(stretches of one face, size and uniform spacing, each one PDF text operation)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from .atoms import ZERO_WIDTH, Atom, advance_of


class Glyph(NamedTuple):
    # A tuple, not a dataclass: a page sets thousands and a frozen dataclass is slow to build.
    ch: str          # one character
    face: str        # face key
    size: float
    x: float         # glyph origin, from the line's left edge
    advance: float   # the glyph's natural advance, pt (before any compression)
    hscale: float = 1.0


@dataclass(frozen=True)
class Line:
    """One set line. It keeps its units and where each starts; its glyphs and its runs (what is
    drawn) are worked out from them when first asked for, not for every line composed."""

    units: tuple[Atom, ...] = field(repr=False)
    xs: tuple[float, ...] = field(repr=False)   # where each unit's first glyph starts
    track: float = field(repr=False)            # letter-spacing inside a lone unit (a cut URL)
    width: float         # from the left edge to the end of the last unit's box
    measure: float
    start: int           # offsets into the paragraph text: [start, end)
    end: int
    indent: float
    last: bool           # last line of its paragraph
    justified: bool      # filled the measure exactly
    size: float
    shift: float = 0.0   # moved right as a whole (a headline line recentred)

    @property
    def text(self) -> str:
        return "".join([u.text for u in self.units])

    def _glyph_stream(self):
        """(ch, face key, size, x, advance, hscale) of every glyph, left to right."""
        track, shift = self.track, self.shift
        for atom, x in zip(self.units, self.xs):
            text = atom.text
            if atom.hscale == 1.0 and len(text) == 1:
                # One character at its own width: the unit's width is the glyph's advance.
                yield text, atom.faces[0].key, atom.size, x + shift, atom.width, 1.0
            else:
                x += shift
                for face, ch in zip(atom.faces, text):
                    adv = advance_of(face, ch) * atom.size
                    yield ch, face.key, atom.size, x, adv, atom.hscale
                    x += adv * atom.hscale + track

    @cached_property
    def glyphs(self) -> tuple[Glyph, ...]:
        return tuple(Glyph(*g) for g in self._glyph_stream())

    @cached_property
    def runs(self) -> tuple["Run", ...]:
        """The glyphs grouped into runs: one run per stretch of one face, size and uniform spacing."""
        runs: list[Run] = []
        chars: list[str] = []
        face, size, hscale = "", 0.0, 1.0     # the run's, set by its first glyph (no run before one)
        x0 = end = 0.0
        space: float | None = None

        def close():
            text = "".join(chars)
            # Invisible format characters (zero width) are kept in the line's text but never drawn.
            if not ZERO_WIDTH.isdisjoint(text):
                text = "".join(c for c in text if c not in ZERO_WIDTH)
            if text:
                runs.append(Run(x0, face, size, text, space or 0.0, hscale))

        for ch, f, sz, x, adv, hs in self._glyph_stream():
            if chars and f == face and sz == size and hs == hscale:
                gap = x - end
                if space is None:
                    space = gap
                    chars.append(ch)
                    end = x + adv * hs
                    continue
                if abs(gap - space) <= 1e-4:
                    chars.append(ch)
                    end = x + adv * hs
                    continue
            if chars:
                close()
            chars, face, size, hscale, x0, space = [ch], f, sz, hs, x, None
            end = x + adv * hs
        if chars:
            close()
        return tuple(runs)


@dataclass(frozen=True)
class Run:
    """A stretch of glyphs of one face and size with uniform spacing after each glyph."""

    x: float             # from the line's left edge
    face: str
    size: float
    text: str
    char_space: float    # extra space after every glyph, pt (PDF Tc)
    hscale: float

