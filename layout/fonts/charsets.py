"""Character repertoires the committed fonts must cover.

GB 2312 and Big5 come from Python's own codecs (every valid double-byte
code); the 8,105 characters of 通用規範漢字表 (2013) come from Unicode's
Unihan database, field kTGH, stored in ``data/tongyong-guifan-8105.txt``
in the table's own order.
"""

from __future__ import annotations

from functools import cache
import unicodedata

from ..base.paths import DATA



def _double_byte(codec: str, leads: range, trails: list[int]) -> frozenset[str]:
    chars = set()
    for lead in leads:
        for trail in trails:
            try:
                ch = bytes((lead, trail)).decode(codec)
            except UnicodeDecodeError:
                continue
            if len(ch) == 1:
                chars.add(ch)
    return frozenset(chars)


@cache
def gb2312() -> frozenset[str]:
    """All 7,445 graphic characters of GB 2312 (6,763 hanzi and 682 symbols)."""
    return _double_byte("gb2312", range(0xA1, 0xF8), list(range(0xA1, 0xFF)))


@cache
def big5() -> frozenset[str]:
    """Big5: its symbols (A140–A3BF), level 1 (A440–C67E, 5,401 hanzi) and level 2 (C940–F9D5, 7,652 hanzi)."""
    trails = list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF))
    chars = set(_double_byte("big5", range(0xA1, 0xFA), trails))

    def in_standard(ch: str) -> bool:
        code = _big5_code(ch)
        return 0xA140 <= code <= 0xA3BF or 0xA440 <= code <= 0xC67E or 0xC940 <= code <= 0xF9D5

    return frozenset(ch for ch in chars if in_standard(ch))


def _big5_code(ch: str) -> int:
    """A character's two-byte Big5 code as a number (A440 for 一)."""
    b = ch.encode("big5")
    return b[0] << 8 | b[1]


@cache
def big5_levels() -> tuple[frozenset[str], frozenset[str]]:
    """Big5's 常用字 (level 1) and 次常用字 (level 2) hanzi."""
    level1 = frozenset(ch for ch in big5() if 0xA440 <= _big5_code(ch) <= 0xC67E)
    level2 = frozenset(ch for ch in big5() if 0xC940 <= _big5_code(ch) <= 0xF9D5)
    return level1, level2


@cache
def tongyong_guifan() -> str:
    """The 8,105 characters of 通用規範漢字表 in table order."""
    text = (DATA / "tongyong-guifan-8105.txt").read_text("utf-8")
    return text.strip()


def is_han(ch: str) -> bool:
    cp = ord(ch)
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x3FFFF
            or 0xF900 <= cp <= 0xFAFF)


# Beyond the national sets: ASCII and Latin-1, the whole CJK Symbols and
# Punctuation block, the whole CJK Unified Ideographs block (back issues and
# literary text use forms no national set has, such as 鄕), and the
# full-width and half-width forms.
EXTRA_BLOCKS = (
    (0x0020, 0x007E),
    (0x00A0, 0x00FF),
    (0x3000, 0x303F),
    (0x4E00, 0x9FFF),
    (0xFF01, 0xFFEE),
)


@cache
def cjk_punctuation() -> frozenset[str]:
    """The CJK Symbols and Punctuation block and the full-width forms."""
    return frozenset(chr(c) for c in range(0x3000, 0x3040)) | fullwidth_forms()


@cache
def fullwidth_forms() -> frozenset[str]:
    """Full-width ASCII variants and the full-width signs (U+FF01–FF60, U+FFE0–FFE6)."""
    return frozenset(chr(c) for c in [*range(0xFF01, 0xFF61), *range(0xFFE0, 0xFFE7)])


@cache
def newspaper_repertoire() -> frozenset[str]:
    """Everything the default fonts are built to cover."""
    chars = set(gb2312()) | set(big5()) | set(tongyong_guifan())
    for lo, hi in EXTRA_BLOCKS:
        chars.update(chr(c) for c in range(lo, hi + 1))
    # Unassigned code points in those blocks are no character at all.
    return frozenset(ch for ch in chars if unicodedata.category(ch) != "Cn")


def presented(ch: str) -> str:
    """The character a vertical presentation form stands for (︒ → 。, ︵ → （, ︱ → —; an ASCII sign's
    full-width form: ︐ → ，); any other character itself. What a reader sees: the text a vertical head
    reads back as (compose/vertical.py) and a PDF's text gives (pdf/cidfont.py's ToUnicode)."""
    if not ("\ufe10" <= ch <= "\ufe4f"):
        return ch
    decomposition = unicodedata.decomposition(ch)
    if not decomposition.startswith("<vertical>"):
        return ch
    cp = int(decomposition.split()[1], 16)
    return chr(cp + 0xFEE0) if 0x21 <= cp <= 0x7E else chr(cp)
