"""The composition settings a template chooses, as the composer takes them: 避頭尾 level,
punctuation style and position, the Han–Latin gap. Enums, so a value the composer does not know
cannot reach it (the loader names the allowed values to the editor)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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
