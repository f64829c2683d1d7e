"""Units and small frozen geometry types.

All engine geometry is in PostScript points (1/72 in), origin at the top-left
corner of the trimmed page, y growing downwards; the PDF stage (pdf/writer.py) flips to PDF space.
"""

from __future__ import annotations

from dataclasses import dataclass

PT_PER_MM = 72 / 25.4

# 號 (hao) sizes in points, as Chinese printers name them.
HAO = {
    "初號": 42.0, "小初": 36.0, "一號": 26.0, "小一": 24.0, "二號": 22.0, "小二": 18.0,
    "三號": 16.0, "小三": 15.0, "四號": 14.0, "小四": 12.0, "五號": 10.5, "小五": 9.0,
    "六號": 7.5, "小六": 6.5, "七號": 5.5, "八號": 5.0,
}


def mm(value: float) -> float:
    """Millimetres to points."""
    return value * PT_PER_MM


def to_mm(points: float) -> float:
    return points / PT_PER_MM


@dataclass(frozen=True)
class Rect:
    """An axis-aligned rectangle in points, top-left origin."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def contains(self, other: "Rect", tolerance: float = 0.01) -> bool:
        return (other.x >= self.x - tolerance and other.y >= self.y - tolerance
                and other.right <= self.right + tolerance and other.bottom <= self.bottom + tolerance)

    def overlaps(self, other: "Rect", tolerance: float = 0.01) -> bool:
        return (self.x < other.right - tolerance and other.x < self.right - tolerance
                and self.y < other.bottom - tolerance and other.y < self.bottom - tolerance)

    def inset(self, d: float) -> "Rect":
        return Rect(self.x + d, self.y + d, self.w - 2 * d, self.h - 2 * d)

    def outset(self, d: float) -> "Rect":
        return self.inset(-d)
