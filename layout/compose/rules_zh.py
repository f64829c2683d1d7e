"""Chinese composition rules as data and pure functions (W3C clreq, GB/T 15834—2011).

Nothing here knows fonts, pages or PDF.  The line-start and line-end sets
follow clreq §3.1.7 (Prohibition rules for line start and line end); the
levels are clreq's: "basic" (its recommended default), "GB" (the sets named
by GB/T 15834 alone) and "strict" (basic, and no dash or ellipsis at line start).
"""

from __future__ import annotations

from functools import cache

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


# Particles a head's line should not open with: structural 的地得之, aspect 了着著過过, plural 們们,
# sentence-final 嗎吗呢吧啊麼么嘛.
PARTICLES = frozenset("的地得之了着著過过們们嗎吗呢吧啊麼么嘛")


def word_starts(text: str) -> frozenset[int]:
    """Where in ``text`` a word starts (offsets), as jieba's dictionary segments it: where a head may
    break. Kept in the disk cache (loading the dictionary costs a fresh process 0.1 s), see
    base/diskcache.py HEAD_WORDS."""
    from ..base import diskcache

    return diskcache.remembered_offsets(diskcache.HEAD_WORDS, text, _segmenter_identity, _segmented_starts)


@cache
def _segmenter_identity() -> str:
    """What the segmentation depends on besides the text: rjieba's build and the character table."""
    from ..base import diskcache
    from ..base.paths import DATA

    return diskcache.installed_identity("rjieba", DATA / "traditional-simplified.txt")


def _segmented_starts(text: str) -> frozenset[int]:
    """word_starts computed: the text is segmented in Simplified characters (the dictionary's), mapped one
    to one from Traditional by the Unicode Unihan database's kSimplifiedVariant, so the offsets are the
    text's own."""
    segmenter, simplified = _segmenter()
    words = segmenter.cut(text.translate(simplified), False)
    starts, at = set(), 0
    for word in words:
        starts.add(at)
        at += len(word)
    return frozenset(starts)


@cache
def _segmenter():
    """jieba's segmenter (through rjieba, its Rust port: loading the dictionary takes 0.1 s, once) and the
    Traditional → Simplified character table."""
    import rjieba

    from ..base.paths import DATA

    traditional, simplified = (DATA / "traditional-simplified.txt").read_text("utf-8").split("\n")[:2]
    return rjieba, str.maketrans(traditional, simplified)
