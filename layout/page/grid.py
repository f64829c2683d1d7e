"""Where type sits on the page grid: the baseline of a line of type in a band of the page.

Every line of the engine (body, jump lines, captions, heads) finds its baseline here, so type of
any size sits the same way on the grid."""

from __future__ import annotations

from ..issue.model import Template

# The ideographic em box's top, 0.88 em above the baseline (Noto CJK / Source Han metrics).
EM_TOP = 0.88


def baseline_in(top: float, height: float, size: float) -> float:
    """The baseline of type of ``size`` whose em box is centred in a band ``height`` tall from ``top``."""
    return top + (height - size) / 2 + EM_TOP * size


def baseline_of(t: Template, grid_line: int, size: float) -> float:
    """The baseline of a grid line: the em box sits in the middle of the line pitch."""
    return baseline_in(t.line_y(grid_line), t.pitch, size)
