"""A story's data table in the flow of its frames: set at the measure of the column it falls in
(compose/table.py), placed row by row on whole grid lines, its head row repeated at the top of every
column or frame it continues in, and ruled — hairlines between rows and columns, heavier rules at the
top, under the head and at the foot. Where the story's text goes on under the table, the grid line
after the foot rule is left blank (the last row takes it): the next paragraph starts a line lower, clear
of the rule, as papers set it.

A table is a block of the story (a pipe table or a ```csv block in its text, issue/tables.py). The flow
(page/flow.py) takes its rows as it takes a paragraph's lines: a row whose lines do not fit what is left
of a column goes to the next, under the head again; the head is kept with the first row. A table that
does not fit its frames is overset like text (the copyfit and the render's overset error name the row
it stops at); a row that with its head is taller than every column of the chain, or a table too wide
for its column even with every cell wrapped, is an error naming the story and the figures.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..base.errors import LayoutError
from ..compose.atoms import Align, MissingGlyph, Paragraph, Span, TextStyle
from ..compose.lines import Line
from ..compose.linebreak import Composer
from ..compose.table import SetTable, TableTooWide, set_table
from ..issue.model import Block, Story, Template
from .items import BLACK, Item, Rule

TABLE_HEAD_RULE = 0.75     # pt: the rules at the top, under the head and at the foot of the table
TABLE_HAIRLINE = 0.25      # pt: between rows and between columns (above preflight's 0.1 pt warning)
TABLE_SPACE_AFTER = 1      # grid lines left blank under a table's foot rule where the story's text goes on


def table_styles(t: Template) -> tuple[TextStyle, TextStyle]:
    """The table's body and head type: the template's ``table`` and ``table_head`` styles, else the body
    type and the sans role at the body's size."""
    return (t.styles.get("table", t.body), t.styles.get("table_head", TextStyle("sans", t.body.size)))


def _table_cells(block: Block, t: Template):
    body, head = table_styles(t)

    def cell(inlines, style: TextStyle):
        # A cell's bold runs (**…**) in the sans role, as in body text.
        return tuple(Span(i.text, TextStyle("sans", style.size) if i.bold else style) for i in inlines if i.text)

    table = block.table
    return (tuple(cell(c, head) for c in table.head),
            tuple(tuple(cell(c, body) for c in row) for row in table.rows))


def table_paragraph(block: Block, t: Template) -> Paragraph:
    """The table's cells as one run of text (what the overset pages print of a table that did not fit)."""
    head, rows = _table_cells(block, t)
    spans = tuple(s for cell in (*head, *(c for r in rows for c in r)) for s in cell)
    return Paragraph(spans or (Span("", table_styles(t)[0]),), indent_em=0.0, align=Align.LEFT)


OVERSET_CELL_SEPARATOR = "｜"     # between two cells of a row printed as a line of text (the proof's overset pages)


def table_text_rows(block: Block, t: Template, start: int = 0) -> list[Paragraph]:
    """The table's rows from text offset ``start`` (where the overset starts: a row's first cell) as
    paragraphs, a row each, its cells parted by ｜: what the proof's overset pages print of a table that did
    not fit, rows kept as rows. A table cut after its first rows goes on under its head again, as in a
    column; the head is set in its own (sans) type."""
    head, rows = _table_cells(block, t)
    separator = Span(OVERSET_CELL_SEPARATOR, table_styles(t)[0])

    def paragraph(cells) -> Paragraph:
        spans: list[Span] = []
        for k, cell in enumerate(cells):
            spans += ([separator] if k else []) + [s for s in cell if s.text]
        return Paragraph(tuple(spans), indent_em=0.0, align=Align.LEFT)

    out, offset = [], 0
    for number, cells in enumerate((head, *rows)):
        if offset >= start:
            if number and not out and start:
                out.append(paragraph(head))
            out.append(paragraph(cells))
        offset += sum(len(s.text) for cell in cells for s in cell)
    return out


@dataclass(frozen=True)
class TableRow:
    """One row of a table set at a measure, as the flow places it (in place of a paragraph's line)."""

    start: int                        # the row's number, 0 the head: where a table set again resumes
    lines: int                        # grid lines it takes
    cells: tuple[tuple[Line, ...], ...]   # each cell's lines, offsets into the table's text (Block.text)
    xs: tuple[float, ...]             # each cell's left edge from the table's
    text: str                         # its cells' text, in order
    label: str                        # its cells' text with spaces between, for messages
    setting: SetTable = None          # the whole table at this measure: its columns, for the rules
    head: "TableRow | None" = None    # the table's head row at this measure, repeated where it continues
    blank: int = 0                    # of ``lines``, the grid lines left blank under the row (the table's
                                      # foot rule, before the story's text goes on): TABLE_SPACE_AFTER
    drops: tuple[float, ...] = ()     # each cell's lines set this many grid lines lower (the head row's
                                      # cells centred in it, by half lines); none: all at the row's top

    @property
    def end(self) -> int:
        return self.start + 1


def set_rows(block: Block, index: int, story: Story, t: Template, composer: Composer, measure: float
             ) -> list[TableRow]:
    """The table of ``block`` (the story's block ``index``) set at ``measure``: its head row, then its rows."""
    head, rows = _table_cells(block, t)
    body_style = table_styles(t)[0]
    where = f"{story.source}: story '{story.id}': the table (paragraph {index + 1}, line {block.table.line} of its text)"
    try:
        setting = set_table(head, rows, block.table.align, measure, composer, body_style.size)
    except TableTooWide as exc:
        raise LayoutError(f"{where}: {exc}; give the story a wider frame (a frame's 'columns: 1' sets one text "
                          f"column across its grid columns) or shorten the widest cells") from None
    except MissingGlyph as exc:
        raise LayoutError(f"{where}: {exc}") from None
    out: list[TableRow] = []
    offset = 0
    for number, (cells, set_row) in enumerate(zip((head, *rows), (setting.head, *setting.rows))):
        placed, texts = [], []
        for cell, set_cell in zip(cells, set_row.cells):
            text = "".join(s.text for s in cell)
            placed.append(tuple(replace(ln, start=ln.start + offset, end=ln.end + offset) for ln in set_cell.lines))
            texts.append(text)
            offset += len(text)
        # The head row's cells are centred in it, top to bottom (完成率 beside 養老／床位／（張）), by half
        # a line where the difference is odd: a head's baselines may fall between grid lines, the body's never.
        drops = tuple((set_row.lines - len(c.lines)) / 2 for c in set_row.cells) if number == 0 else ()
        out.append(TableRow(number, set_row.lines, tuple(placed), setting.xs, "".join(texts),
                            " ".join(x for x in texts if x), setting, drops=drops))
    if index + 1 < len(story.blocks):
        # Text goes on under the table: the grid line after its foot rule is left blank, as papers do,
        # so the next paragraph starts a line lower, clear of the rule (a table takes whole grid lines).
        out[-1] = replace(out[-1], lines=out[-1].lines + TABLE_SPACE_AFTER, blank=TABLE_SPACE_AFTER)
    return [out[0]] + [replace(r, head=out[0]) for r in out[1:]]


@dataclass(frozen=True)
class TablePart:
    """The rows of one table placed in one column: what its rules are drawn from."""

    page: int
    frame: int
    x: float                  # the column's left edge
    line: int                 # first grid line
    rows: tuple[int, ...]     # each row's grid lines, top to bottom (the head's first)
    setting: SetTable
    blank: int = 0            # of the last row's lines, those left blank under the foot rule

    @property
    def lines(self) -> int:
        return sum(self.rows)


class TableParts:
    """Collects, while the flow places rows, which rows went into which column."""

    def __init__(self):
        self._parts: dict[tuple[int, int], dict] = {}   # (slot, block) → what is placed there

    def started(self, slot: int, block: int) -> bool:
        return (slot, block) in self._parts

    def add(self, slot: int, block: int, page: int, frame: int, x: float, line: int, row: TableRow) -> None:
        part = self._parts.setdefault((slot, block), {"page": page, "frame": frame, "x": x, "line": line,
                                                      "rows": [], "setting": row.setting, "blank": 0})
        part["rows"].append(row.lines)
        part["blank"] = row.blank

    def parts(self) -> tuple[TablePart, ...]:
        return tuple(TablePart(p["page"], p["frame"], p["x"], p["line"], tuple(p["rows"]), p["setting"], p["blank"])
                     for _, p in sorted(self._parts.items()))


def table_rules(parts, t: Template) -> dict[int, list[Item]]:
    """The rules of every placed part of a story's tables, by page: a heavier rule at the top, under the
    head row and at the foot, hairlines between rows and in the middle of each gap between columns."""
    out: dict[int, list[Item]] = {}
    for part in parts:
        s = part.setting
        left, right = part.x, part.x + s.measure
        ys = [t.line_y(part.line)]
        for lines in part.rows:
            ys.append(ys[-1] + lines * t.pitch)
        items: list[Item] = [Rule(left, ys[0], right, ys[0], TABLE_HEAD_RULE, BLACK),
                             Rule(left, ys[1], right, ys[1], TABLE_HEAD_RULE, BLACK)]
        ys[-1] -= part.blank * t.pitch            # the foot rule over the blank line a table leaves after it
        items += [Rule(left, y, right, y, TABLE_HAIRLINE, BLACK) for y in ys[2:-1]]
        if len(ys) > 2:
            items.append(Rule(left, ys[-1], right, ys[-1], TABLE_HEAD_RULE, BLACK))
        for x, w in zip(s.xs[:-1], s.widths[:-1]):
            mid = part.x + x + w + s.gap / 2
            items.append(Rule(mid, ys[0], mid, ys[-1], TABLE_HAIRLINE, BLACK))
        out.setdefault(part.page, []).extend(items)
    return out


def check_fits_somewhere(story: Story, rows: list[TableRow], block: int, columns: list[int]) -> None:
    """The table rows left unplaced (``rows``, in order), where the first, with the head over it, is taller
    than every column of the chain: it can never be placed, so an error with the figures rather than an
    overset no cut of text can mend."""
    first = rows[0]
    if first.start == 0:                       # the head itself, kept with the first row
        head, row = first, (rows[1] if len(rows) > 1 else None)
    else:
        head, row = first.head, first
    need = head.lines + (row.lines - row.blank if row is not None else 0)
    if need <= max(columns):
        return
    what = f"its row {row.start} 「{row.label[:24]}」" if row is not None else "its head"
    raise LayoutError(f"{story.source}: story '{story.id}': the table (paragraph {block + 1}) does not fit its place: "
                      f"{what} needs "
                      f"{need} lines with the head over it ({head.lines} + {row.lines - row.blank if row else 0}) but the "
                      f"tallest column of the story's frames has {max(columns)}; give the frames more lines or "
                      f"the table a wider column, or shorten the row's cells")
