"""A data table set at a measure: its columns' widths fitted to their content and the measure, every
cell's text broken into lines by the composer (避頭尾 and all, as body text), figures on their decimal
point in tabular digits. Nothing here knows pages: the page stage (page/tables.py) places the rows on
the grid and draws the rules.

How the widths are found, as a browser's automatic table layout does: each column has a least width
(its widest unit that no line may break: an ideograph with the marks 避頭尾 keeps with it, a Latin word,
a number) and a natural width (its widest cell on one line). Where the natural widths fit the measure,
every column gets its natural width and an equal share of what is left. Else the columns start from the
first of these that fits — every body cell on one line with the heads broken between words; every body
cell on one line; the least widths — and share what is left in proportion to how much more each would
like (so a head wraps before a row does, and a row before a word is cut). Where not even the least
widths fit, the table is too wide for the measure: an error with the figures. Columns are
``GAP_EM`` apart (a hairline in the middle); the table spans the whole measure.

A figure column — every body cell a number (1,234.5, −3.2, 12.8%) or a placeholder (—, …) — is set
flush on the decimal point: every digit at the width of the face's widest digit (tabular figures, so
the columns of digits line up whatever the font's own digits), the integer parts flush right against
the point, the fractions after it, a suffix (%, ‰) in a slot of its own after the widest fraction; a
figure with no point stands where its point would be (61% under 82.5%: 61 under 82, % under %). Its
head, like every head, is centred.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from . import rules_zh as zh
from .atoms import Align, Atom, Kind, Paragraph, Span, advance_of, atomise
from .linebreak import EPS, Composer
from .lines import Line
from ..base.errors import LayoutError

GAP_EM = 1.0            # between two columns, in em of the table's body type: half each side of the hairline
DIGITS = "0123456789"
_NUMBER = re.compile(r"[+\-−±]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?[%‰]?")
PLACEHOLDERS = frozenset({"—", "——", "–", "-", "－", "…", "……", "/", "／"})

CellSpans = tuple[Span, ...]


class ColumnAlign(StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"
    DECIMAL = "decimal"      # figures, on their decimal point


def is_number(text: str) -> bool:
    return bool(text) and _NUMBER.fullmatch(text) is not None and any(ch in DIGITS for ch in text)


def is_figure_column(cells: list[str]) -> bool:
    """Every body cell of the column a number or a placeholder, at least one a number."""
    return any(is_number(c) for c in cells) and all(is_number(c) or c in PLACEHOLDERS or not c for c in cells)


@dataclass(frozen=True)
class SetCell:
    lines: tuple[Line, ...]   # offsets (start, end) into the cell's own text; x from the column's left edge


@dataclass(frozen=True)
class SetRow:
    cells: tuple[SetCell, ...]
    lines: int                # grid lines the row takes: its tallest cell's lines, at least one


@dataclass(frozen=True)
class SetTable:
    measure: float
    widths: tuple[float, ...]     # each column's width, pt
    xs: tuple[float, ...]         # each column's left edge from the table's
    gap: float                    # between columns, pt
    align: tuple[ColumnAlign, ...]
    head: SetRow
    rows: tuple[SetRow, ...]


class TableTooWide(LayoutError):
    """The table's columns, each at its least width, do not fit the measure."""

    def __init__(self, least: list[float], gap: float, measure: float, em: float):
        self.least, self.measure = least, measure
        need = sum(least) + gap * (len(least) - 1)
        widths = " + ".join(f"{w / em:.1f}" for w in least)
        super().__init__(f"the table is too wide for its column: its {len(least)} columns need at least "
                         f"{need / em:.1f} em ({widths} em and {len(least) - 1} gap{'s' if len(least) > 2 else ''} "
                         f"of {gap / em:g} em) but the column is {measure / em:.1f} em wide")


def _cell_text(cell: CellSpans) -> str:
    return "".join(s.text for s in cell).strip()


def least_width(atoms: list[Atom], composer: Composer, words: frozenset[int] | None = None) -> float:
    """The widest stretch of a cell that no line may break: between two atoms a line may end only where
    避頭尾 allows (and after a space, not before it), as the composer breaks; with ``words`` (where words
    start), only between words too, as a head breaks where it can."""
    no_start, no_end = zh.no_start_set(composer.settings.strictness), zh.NO_END
    widest = run = 0.0
    for k, atom in enumerate(atoms):
        glued = k > 0 and (atoms[k - 1].text[-1] in no_end or atom.text[0] in no_start or atom.kind is Kind.SPACE
                           or (words is not None and atom.offset not in words))
        run = (run if glued else 0.0) + (0.0 if atom.kind is Kind.SPACE else atom.width)
        widest = max(widest, run)
    return widest


def words_kept(atoms: list[Atom], starts: frozenset[int]) -> list[Atom]:
    """A head's atoms with the ideographs of each word (``starts``: where words start) joined into one
    unit, so the composer breaks the head only between words — 養老／床位／（張）, never 養老床／位（張）,
    whatever the widths and the edition's punctuation make the cheaper setting. A word wider than the
    whole column is still cut between its characters (the composer's split_unit); marks stay units of
    their own, compressed and kept with their ideographs as ever."""
    out: list[Atom] = []
    for atom in atoms:
        prev = out[-1] if out else None
        if (prev is not None and atom.offset not in starts and atom.kind is Kind.HAN and prev.kind is Kind.HAN
                and atom.size == prev.size and atom.hscale == prev.hscale == 1.0):
            out[-1] = Atom(prev.text + atom.text, Kind.HAN, prev.faces + atom.faces, prev.size,
                           prev.width + atom.width, prev.blank_left, atom.blank_right, 1.0, prev.offset)
        else:
            out.append(atom)
    return out


def digit_box(cell: CellSpans, composer: Composer) -> float:
    """The width each digit is set at in a figure cell: the widest digit of the face its digits come from."""
    style = cell[0].style
    widest = 0.0
    for d in DIGITS:
        face = composer.fonts.face_for(d, style.role)
        if face is not None:
            widest = max(widest, advance_of(face, d))
    return widest * style.size


class _Figure:
    """A number cut into characters, each in its box (a digit's box the tabular width), in four parts set
    in four slots of its column: the integer part flush right against the decimal point, the point, the
    fraction's digits after it, and a suffix (%, ‰) in a slot of its own after the widest fraction. A
    figure with no point is placed where its point would be: 61% sets 61 under the 82 of 82.5% and its %
    under the other's %, not under the point."""

    def __init__(self, cell: CellSpans, composer: Composer):
        para = Paragraph(cell, indent_em=0.0, align=Align.LEFT)
        text = para.text
        lead = len(text) - len(text.lstrip())
        self.chars: list[tuple[Atom, float, float]] = []     # one-character atom, box width, glyph advance
        box = digit_box(cell, composer) if cell else 0.0
        for atom in atomise(para, composer.fonts):
            if atom.kind is Kind.SPACE:
                continue
            for k, (face, ch) in enumerate(zip(atom.faces, atom.text)):
                adv = advance_of(face, ch) * atom.size * atom.hscale
                one = Atom(ch, atom.kind, (face,), atom.size, adv, 0.0, 0.0, atom.hscale, atom.offset + k)
                self.chars.append((one, box if ch in DIGITS and box else adv, adv))
        body = text.strip()
        digits = [k for k, ch in enumerate(body) if ch in DIGITS]
        point = body.find(".")
        # The parts' ends: the integer part up to the point (else to the last digit), the point, the
        # fraction's digits, and the suffix (what follows the last digit).
        int_end = point if point >= 0 else (digits[-1] + 1 if digits else len(body))
        point_end = int_end + (1 if point >= 0 else 0)
        frac_end = max(point_end, digits[-1] + 1) if digits else point_end
        widths = [b for _, b, _ in self.chars]
        self.start, self.end = lead, lead + len(body)
        self._ends = (int_end, point_end, frac_end)
        self.int_width = sum(widths[:int_end])
        self.point_width = sum(widths[int_end:point_end])
        self.frac_width = sum(widths[point_end:frac_end])
        self.suffix_width = sum(widths[frac_end:])

    def line(self, decimal_x: float, point_slot: float, frac_slot: float, measure: float) -> Line | None:
        """The figure's line: its point at ``decimal_x``, its fraction's digits after ``point_slot``, its
        suffix after ``frac_slot`` more (the column's widest point and fraction)."""
        if not self.chars:
            return None
        int_end, point_end, frac_end = self._ends
        xs, units = [], []
        x = decimal_x - self.int_width
        for k, (atom, box, adv) in enumerate(self.chars):
            if k == point_end:
                x = decimal_x + point_slot
            if k == frac_end:
                x = decimal_x + point_slot + frac_slot
            units.append(atom)
            xs.append(x + (box - adv) / 2)      # a digit centred in its tabular box
            x += box
        size = max(a.size for a in units)
        return Line(tuple(units), tuple(xs), 0.0, x, measure, self.start, self.end, 0.0, True, False, size)


def _column_align(given: str | None, figures: bool) -> ColumnAlign:
    if figures:
        return ColumnAlign.DECIMAL
    return ColumnAlign(given) if given in ("left", "center", "right") else ColumnAlign.LEFT


_PARA_ALIGN = {ColumnAlign.LEFT: Align.LEFT, ColumnAlign.CENTER: Align.CENTER, ColumnAlign.RIGHT: Align.RIGHT}


def set_table(head: tuple[CellSpans, ...], rows: tuple[tuple[CellSpans, ...], ...], align: tuple[str | None, ...],
              measure: float, composer: Composer, em: float) -> SetTable:
    """The table set at ``measure`` (see the module's note); ``em`` is its body type's size, the unit of the
    gap and of the error's figures."""
    n = len(head)
    gap = GAP_EM * em
    figures = [is_figure_column([_cell_text(r[j]) for r in rows]) for j in range(n)]
    aligns = tuple(_column_align(align[j] if j < len(align) else None, figures[j]) for j in range(n))
    least, natural = [0.0] * n, [0.0] * n
    body = [0.0] * n            # the widest body cell on one line: a head wraps before a body cell does
    head_words = [0.0] * n      # the head's widest word: a head wraps between words before inside one
    paragraphs: dict[tuple[int, int], Paragraph] = {}
    numbers: dict[tuple[int, int], _Figure] = {}
    head_atoms: dict[int, list[Atom]] = {}     # a head's atoms, each word's ideographs one unit
    for i, row in enumerate((head, *rows)):
        for j, cell in enumerate(row):
            if not _cell_text(cell):
                continue
            if i and figures[j]:
                fig = numbers[i, j] = _Figure(cell, composer)
                continue
            para_align = Align.CENTER if i == 0 else _PARA_ALIGN.get(aligns[j], Align.RIGHT)
            # A head breaks between words (養老／床位／（張）, not 養老床／位（張）), as every head does.
            para = paragraphs[i, j] = Paragraph(cell, indent_em=0.0, align=para_align, wordwise=i == 0)
            atoms = atomise(para, composer.fonts)
            least[j] = max(least[j], least_width(atoms, composer))
            if i == 0 and len(atoms) > 1:
                starts = zh.word_starts(para.text)
                head_words[j] = least_width(atoms, composer, starts)
                head_atoms[j] = words_kept(atoms, starts)
            one_line = max(ln.width - ln.indent for ln in composer.compose_atoms(atoms, para, 1e6))
            natural[j] = max(natural[j], one_line)
            if i:
                body[j] = max(body[j], one_line)
    # A figure column is as wide as its widest integer part, point, fraction and suffix, side by side.
    integers, points, fractions, suffixes = ([0.0] * n for _ in range(4))
    for (_, j), fig in numbers.items():
        integers[j] = max(integers[j], fig.int_width)
        points[j] = max(points[j], fig.point_width)
        fractions[j] = max(fractions[j], fig.frac_width)
        suffixes[j] = max(suffixes[j], fig.suffix_width)
    after = [p + f + s for p, f, s in zip(points, fractions, suffixes)]   # the column's room after its point
    for j in range(n):
        least[j] = max(least[j], integers[j] + after[j])
        natural[j] = max(natural[j], integers[j] + after[j])
        body[j] = max(body[j], integers[j] + after[j])
    natural = [max(a, b) for a, b in zip(natural, least)]
    body = [max(a, b) for a, b in zip(body, least)]
    room = measure - gap * (n - 1)
    if sum(natural) <= room + EPS:
        widths = [w + (room - sum(natural)) / n for w in natural]
    else:
        # Wrapping the heads first keeps every row on as few lines as it can: from the body cells'
        # widths where they fit, else from the least widths, the rest shared in proportion to what
        # each column would still like.
        worded = [max(a, b) for a, b in zip(body, head_words)]
        low = next((w for w in (worded, body, least) if sum(w) <= room + EPS), None)
        if low is None:
            raise TableTooWide(least, gap, measure, em)
        want = sum(b - a for a, b in zip(low, natural))
        widths = [a + (room - sum(low)) * (b - a) / want for a, b in zip(low, natural)]
    xs = tuple(sum(widths[:j]) + gap * j for j in range(n))

    def set_row(i: int, row: tuple[CellSpans, ...]) -> SetRow:
        cells = []
        for j in range(n):
            if (i, j) in numbers:
                line = numbers[i, j].line(widths[j] - after[j], points[j], fractions[j], widths[j])
                cells.append(SetCell((line,) if line else ()))
            elif i == 0 and j in head_atoms:
                cells.append(SetCell(tuple(composer.compose_atoms(head_atoms[j], paragraphs[i, j], widths[j]))))
            elif (i, j) in paragraphs:
                cells.append(SetCell(tuple(composer.compose(paragraphs[i, j], widths[j]))))
            else:
                cells.append(SetCell(()))
        return SetRow(tuple(cells), max(1, *(len(c.lines) for c in cells)))

    return SetTable(measure, tuple(widths), xs, gap, aligns, set_row(0, head),
                    tuple(set_row(i, row) for i, row in enumerate(rows, 1)))
