"""Backend-neutral drawing primitives, in points from the trim's top-left corner.

Colours are CMYK tuples (0–1); nothing in the engine speaks RGB.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CMYK = tuple[float, float, float, float]
BLACK: CMYK = (0.0, 0.0, 0.0, 1.0)
RED: CMYK = (0.0, 1.0, 1.0, 0.0)          # 200 % ink: within newsprint's 240 % limit
CYAN: CMYK = (1.0, 0.0, 0.0, 0.0)         # proof marks: grid
MAGENTA: CMYK = (0.0, 1.0, 0.0, 0.0)      # proof marks: frames and story names
GREY: CMYK = (0.0, 0.0, 0.0, 0.45)
WHITE: CMYK = (0.0, 0.0, 0.0, 0.0)        # type reversed out of a ground (knocks out)


@dataclass(frozen=True)
class TextRun:
    """Glyphs of one face and size with uniform extra spacing after each (PDF Tc)."""

    x: float
    baseline: float
    face: str
    size: float
    text: str
    char_space: float = 0.0
    hscale: float = 1.0
    color: CMYK = BLACK
    angle: float = 0.0       # degrees anticlockwise about (x, baseline): proofs' marks, Latin turned in a vertical head


@dataclass(frozen=True)
class Rule:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    color: CMYK = BLACK
    dash: tuple[float, ...] = ()   # dash pattern in pt; empty for a solid rule


@dataclass(frozen=True)
class Rectangle:
    """A rectangle drawn: filled, stroked or both."""

    x: float
    y: float
    w: float
    h: float
    fill: CMYK | None = None
    stroke: CMYK | None = None
    stroke_width: float = 0.5


@dataclass(frozen=True)
class Picture:
    """A photo or logo placed in a box: cropped to the box's aspect around the focus point."""

    x: float
    y: float
    w: float
    h: float
    path: Path
    focus: tuple[float, float] = (0.5, 0.5)


@dataclass(frozen=True)
class SuppliedPage:
    """A page of a supplied PDF (an advertisement), its finished box scaled to x, y, w, h."""

    x: float
    y: float
    w: float
    h: float
    path: Path
    page: int                                   # 1-based
    box: tuple[float, float, float, float]      # its finished box in its own PDF units


Item = TextRun | Rule | Rectangle | Picture | SuppliedPage
