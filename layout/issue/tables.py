"""A story's data tables read from its text: a Markdown pipe table (markdown-it-py's ``table`` rule) or a
fenced ```` ```csv ```` block, each into the model's ``Table``; every mistake is an error naming the
text's line, never a cell dropped or a paragraph taken into a table.

The two forms, as an editor writes them in a story's text::

    | 街道 | 常住人口（萬） | 增長 |        a pipe table: every line starts with |, the second line
    |:---|---:|---:|                       is the delimiter row (:--- left, :---: centre, ---: right)
    | 徐家匯街道 | 12.5 | 3.1% |

    ```csv                                 a CSV block (RFC 4180 quoting): the first row is the head
    街道,常住人口（萬）,增長
    徐家匯街道,12.5,3.1%
    ```
"""

from __future__ import annotations

import csv

from ..base.errors import LayoutError
from .model import Inline, Table

_ALIGN = {"text-align:left": "left", "text-align:center": "center", "text-align:right": "right"}


class TableSourceError(LayoutError):
    """A mistake in a table of a story's text, at ``line`` (1-based) of the text."""

    def __init__(self, line: int, message: str):
        self.line, self.message = line, message
        super().__init__(f"line {line}: {message}")


def pipe_lines(lines: list[str]) -> tuple[list[str], list[int]]:
    """The text's lines with a blank line put after the last line of every run of pipe-table lines, and
    for each line its number in the source (1-based). Without it CommonMark's table rule would take the
    paragraph written on the next line as one more row of the table."""
    out, where = [], []
    for k, line in enumerate(lines):
        out.append(line)
        where.append(k + 1)
        if line.lstrip().startswith("|") and k + 1 < len(lines) and lines[k + 1].strip() \
                and not lines[k + 1].lstrip().startswith("|"):
            out.append("")
            where.append(k + 1)
    return out, where


def _cell_count(source_line: str) -> int:
    """How many cells a pipe-table line holds as written (an escaped ``\\|`` is no cell boundary)."""
    body = source_line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    count, k = 1, 0
    while k < len(body):
        if body[k] == "\\":
            k += 2
            continue
        count += body[k] == "|"
        k += 1
    return count


def _cell(children) -> tuple[Inline, ...]:
    """A cell's inline tokens as runs, bold where ``**`` says (a single ``*`` keeps its asterisk)."""
    runs: list[Inline] = []
    bold = False
    for child in children or []:
        if child.type in ("strong_open", "strong_close"):
            bold = child.type == "strong_open"
            continue
        text = child.markup if child.type in ("em_open", "em_close") else child.content
        if not text:
            continue
        if runs and runs[-1].bold == bold:
            runs[-1] = Inline(runs[-1].text + text, bold)
        else:
            runs.append(Inline(text, bold))
    if runs:
        runs[0] = Inline(runs[0].text.lstrip(), runs[0].bold)
        runs[-1] = Inline(runs[-1].text.rstrip(), runs[-1].bold)
    return tuple(r for r in runs if r.text)


def pipe_table(tokens, start: int, lines: list[str], where: list[int]) -> tuple[Table, int]:
    """The table whose ``table_open`` token is ``tokens[start]``; returns it and the index after its
    ``table_close``. ``lines`` are the parsed lines, ``where`` their numbers in the source."""
    head: list[tuple[Inline, ...]] = []
    rows: list[list[tuple[Inline, ...]]] = []
    align: list[str | None] = []
    first = where[tokens[start].map[0]]
    in_head, row, row_line = False, None, 0
    k = start + 1
    while tokens[k].type != "table_close":
        tok = tokens[k]
        if tok.type == "thead_open":
            in_head = True
        elif tok.type == "thead_close":
            in_head = False
        elif tok.type == "tr_open":
            row, row_line = [], tok.map[0]
        elif tok.type in ("th_open", "td_open"):
            if in_head:
                align.append(_ALIGN.get(str(tok.attrs.get("style", ""))))
        elif tok.type == "inline" and row is not None:
            row.append(_cell(tok.children))
        elif tok.type == "tr_close":
            written = _cell_count(lines[row_line])
            if written != len(row):
                raise TableSourceError(where[row_line], f"this table row has {written} cells but the table's head "
                                                        f"has {len(row)}: give every row as many cells as the head")
            if in_head:
                head = row
            else:
                rows.append(row)
            row = None
        k += 1
    if not rows:
        raise TableSourceError(first, "a table needs at least one row under its head and delimiter row")
    return Table(tuple(head), tuple(tuple(r) for r in rows), tuple(align), first), k + 1


def csv_table(text: str, first: int) -> Table:
    """A ```` ```csv ```` block's text (its first row the head) as a table; ``first`` is the source line
    of its first row."""
    records: list[tuple[int, list[str]]] = []
    reader = csv.reader(text.splitlines(keepends=True), strict=True)
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                records.append((first + reader.line_num - 1, record))
    except csv.Error as exc:
        raise TableSourceError(first + reader.line_num - 1, f"the CSV table cannot be read: {exc}") from None
    if len(records) < 2:
        raise TableSourceError(first, "a CSV table needs a head row and at least one row under it")
    width = len(records[0][1])
    for line, record in records:
        if len(record) != width:
            raise TableSourceError(line, f"this CSV row has {len(record)} cells but the table's head has {width}: "
                                         f"give every row as many cells as the head")
        for cell in record:
            if "\n" in cell or "\r" in cell:
                raise TableSourceError(line, "a table cell holds a line break: a cell is one paragraph; the "
                                             "column's width wraps it")

    def cell(text: str) -> tuple[Inline, ...]:
        text = text.strip()
        return (Inline(text),) if text else ()

    head = tuple(cell(c) for c in records[0][1])
    rows = tuple(tuple(cell(c) for c in record) for _, record in records[1:])
    return Table(head, rows, (None,) * width, first)
