"""Layout invariants checked on every composed result (see GUIDE.md, 'Tests that mean something')."""

from __future__ import annotations

import re

from layout.compose import rules_zh as zh
from layout.compose.lines import Line
from layout.compose.atoms import ZERO_WIDTH

TOL = 0.01
SOLID_EXEMPT = zh.CLOSING | zh.PAUSE_STOP | zh.MIDDLE_DOT | frozenset(" ")


def check_lines(text: str, lines: list[Line], measure: float, level=zh.Strictness.BASIC,
                strict_orphans: bool = True) -> None:
    assert "".join(line.text for line in lines) == text, "text lost, duplicated or reordered"
    no_start, no_end = zh.no_start_set(level), zh.NO_END
    for k, line in enumerate(lines):
        assert line.text, f"line {k} is empty"
        assert line.width <= measure + TOL, f"line {k} {line.text!r} is {line.width:.3f} pt, wider than {measure}"
        # Invisible format characters are never drawn: where they sit does not matter.
        xs = [g.x for g in line.glyphs if g.ch not in ZERO_WIDTH]
        # Two glyphs may start at the same place (a mark whose whole blank is cut after another);
        # one never starts before the glyph ahead of it, beyond rounding.
        assert all(b >= a - 1e-6 for a, b in zip(xs, xs[1:])), f"line {k} glyphs out of order"
        # A line of nothing but opening (or closing) marks, longer than the measure allows with the
        # unit after (before) it, has no legal break at all: the composer breaks where it fits.
        if k > 0 and not all(ch in no_start for ch in line.text):
            assert line.text[0] not in no_start, f"line {k} starts with {line.text[0]!r}: {line.text!r}"
        if k < len(lines) - 1:
            if not all(ch in no_end for ch in line.text):
                assert line.text[-1] not in no_end, f"line {k} ends with {line.text[-1]!r}: {line.text!r}"
            # A line holding one unit (an ideograph before a Latin word too long to join it)
            # has nothing to spread; every other line is flush on both edges.
            if len(_UNIT.findall(_visible(line.text))) > 1:
                assert line.justified, f"line {k} {line.text!r} is {line.width:.3f} pt, not flush to {measure}"
                assert abs(line.width - measure) <= TOL
    # A URL cut across lines can leave no legal way to pull a unit down (strict level, 6-em
    # columns); the 孤字 rule is asserted for every paragraph without one.
    if strict_orphans and len(lines) > 1 and is_orphan(lines[-1].text) and "://" not in text:
        # Tolerated only where pulling a unit down would leave the line before with one unit, or
        # where no break in it that keeps two units there is legal.
        before = lines[-2].text
        assert len(units(before)) <= 2 or not _can_pull_down(before, no_start, no_end), \
            f"orphan last line {lines[-1].text!r} after {before!r}"


def _can_pull_down(text: str, no_start, no_end) -> bool:
    """Is there a legal break in this line that leaves at least two units before it?"""
    parts = _UNIT.findall(_visible(text))
    return any(parts[j - 1][-1] not in no_end and parts[j][0] not in no_start for j in range(2, len(parts)))


def _visible(text: str) -> str:
    """The text without invisible format characters: they ride on a unit and are never one."""
    return "".join(ch for ch in text if ch not in ZERO_WIDTH)


_UNIT = re.compile(r"——|……|[A-Za-z0-9%./:]+|.", re.S)


def units(text: str) -> list[str]:
    return [u for u in _UNIT.findall(text) if u not in SOLID_EXEMPT and u not in zh.OPENING]


def is_orphan(text: str) -> bool:
    """One character, or one character with its punctuation, alone on a paragraph's last line (孤字)."""
    solid = units(text)
    return len(solid) <= 1 and len(solid[0] if solid else "") <= 1
