"""The composition settings a template chooses, as the composer takes them: 避頭尾 level,
punctuation style and position, the Han–Latin gap. Enums, so a value the composer does not know
cannot reach it (the loader names the allowed values to the editor)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum


class Strictness(StrEnum):
    """Line-start and line-end prohibition levels (clreq §3.1.7)."""

    BASIC = "basic"     # clreq's recommended default
    GB = "GB"           # the marks GB/T 15834 names, and no others
    STRICT = "strict"   # basic, and no dash or ellipsis at a line start


class PunctuationStyle(StrEnum):
    QUANJIAO = "quanjiao"   # 全角: full-width marks, compressed only where rules say
    KAIMING = "kaiming"     # 開明: 。？！ full, the other marks half
    BANJIAO = "banjiao"     # 半角: every mark half width


class PunctuationPosition(StrEnum):
    """Where a mark's ink sits in its em box."""

    GB = "GB"      # mainland: 。， low-left, compressed by cutting their blank half
    CNS = "CNS"    # Taiwan/Hong Kong: centred, never compressed by cutting


@dataclass(frozen=True)
class CompositionSettings:
    """Composition settings an issue or template may choose."""

    strictness: Strictness = Strictness.BASIC
    punctuation: PunctuationStyle = PunctuationStyle.QUANJIAO
    position: PunctuationPosition = PunctuationPosition.GB
    latin_gap_em: float = 0.25       # space between ideographs and Latin letters or digits
    latin_gap_min_em: float = 0.125
    latin_gap_max_em: float = 1 / 3
    avoid_orphans: bool = True
    # A paragraph keeps the line count a line-by-line composer gives it unless that forces a line spread
    # by 0.2 em or more (the copyfit holds). False: one line fewer wherever that avoids a letter-spaced
    # line (past 0.1 em): stories set a little shorter, far fewer loose lines (README, tests/benchmark.py).
    keep_line_count: bool = True


class Steer(IntEnum):
    """An editor's step on one paragraph (緊排/鬆排, as Founder FIT offers them): set it one line shorter
    by closing it up, or one line longer by opening it out, where the composer can within its limits."""

    TIGHT = -1     # 緊排: marks may all be squeezed to half width, ideographs close up by at most 1/16 em
    NORMAL = 0
    LOOSE = 1      # 鬆排: lines may be spread by up to 0.2 em between units to take one more line
