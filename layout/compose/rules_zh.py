"""Chinese composition rules as data and pure functions (W3C clreq, GB/T 15834—2011).

Nothing here knows fonts, pages or PDF.  The line-start and line-end sets
follow clreq §3.1.7 (Prohibition rules for line start and line end); the
levels are clreq's: "basic" (its recommended default), "GB" (the sets named
by GB/T 15834 alone) and "strict" (basic, and no dash or ellipsis at line start).
"""

from __future__ import annotations

from .settings import Strictness

# Punctuation classes, by where the ink sits in the em box (mainland GB style).
OPENING = frozenset("“‘「『（［｛【〔〖《〈〘〚([{")
CLOSING = frozenset("”’」』）］｝】〕〗》〉〙〛)]}")
# Pause and stop marks: ink low-left in GB style, centred in CNS style.
PAUSE_STOP = frozenset("、，。．：；！？,.:;!?")
# 、，； compress before 。？！： in clreq's shrink order.
PAUSE = frozenset("、，；,;")
STOP = frozenset("。．：！？.:!?")
MIDDLE_DOT = frozenset("·・‧")
DASHES = frozenset("—―⸺")
ELLIPSES = frozenset("…⋯")
WAVE = frozenset("～〜")
SOLIDUS = frozenset("／")

BASIC_NO_START = CLOSING | PAUSE_STOP | MIDDLE_DOT | WAVE | SOLIDUS | frozenset("–‼⁇⁈⁉")
# No line may end with an opening mark, at every level.
NO_END = OPENING


def no_start_set(level: Strictness) -> frozenset[str]:
    """Characters that may not begin a line at this level."""
    if level is Strictness.GB:
        # GB/T 15834 §5.1.9 names the marks proper: 。？！，、；：and the closing quotes and brackets.
        return frozenset("。？！，、；：”’」』）】》〉〕") | frozenset(",.;:!?)]}")
    if level is Strictness.STRICT:
        return BASIC_NO_START | DASHES | ELLIPSES
    return BASIC_NO_START


def blank_sides(ch: str) -> tuple[float, float]:
    """The empty part of a full-width mark's em box, (left, right), in em, GB positions.

    Used only where the font gives no ``halt`` data: opening brackets have ink
    on the right, closing brackets and pause/stop marks on the left, middle
    dots in the centre.
    """
    if ch in OPENING:
        return (0.5, 0.0)
    if ch in CLOSING or ch in PAUSE_STOP:
        return (0.0, 0.5)
    if ch in MIDDLE_DOT:
        return (0.25, 0.25)
    return (0.0, 0.0)
