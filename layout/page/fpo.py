"""For position only (FPO): on a proof, a photo below the press's resolution is placed all the same,
so the layout can go on while the real photo is awaited, and marked on the page for what it is.
`render` still refuses it (app/pipeline.py)."""

from __future__ import annotations

from ..compose.atoms import Align
from ..compose.linebreak import Composer
from ..issue.model import Issue
from ..issue.photos import effective_ppi
from .furniture import runs_at, set_lines
from .items import RED, WHITE, Item, Picture, Rectangle

FPO_SIZE = 9.0          # pt: the mark's type


def fpo_marks(issue: Issue, items: list[Item], composer: Composer) -> list[Item]:
    """A red band across every photo on the page that the press would refuse, saying so."""
    printing = issue.template.printing
    marks: list[Item] = []
    for item in items:
        if not isinstance(item, Picture):
            continue
        ppi = effective_ppi(item.path, item.w, item.h, item.focus)
        if ppi >= printing.min_ppi:
            continue
        text = issue.words(f"FPO 只供排版 · {ppi:.0f} ppi · 付印需 {printing.min_ppi:.0f} ppi 以上")
        line = set_lines(composer, text, "sans", FPO_SIZE, 10 * item.w, Align.LEFT)[0]
        size = FPO_SIZE * min(1.0, (item.w - 8) / line.width)
        line = set_lines(composer, text, "sans", size, 10 * item.w, Align.LEFT)[0]
        band = size * 2
        y = item.y + (item.h - band) / 2
        marks.append(Rectangle(item.x, y, item.w, band, fill=RED))
        marks.extend(runs_at(line, item.x + (item.w - line.width) / 2, y + band / 2 + 0.38 * size, WHITE))
    return marks
