"""Issue 1650's body text checked on the PDF itself, from the character positions pdfium reads back:
every story's text complete and in order across its frames, no line starting or ending with a
forbidden mark, every non-last line flush on both edges, every baseline on the grid."""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass

import pytest

from layout.compose import rules_zh as zh
from layout.page.grid import EM_TOP
from layout.issue.editions import edition_issue
from layout.issue.loader import load_issue

from conftest import ROOT

ISSUE = ROOT / "issues" / "1650.yaml"
TOL = 0.05  # pt: PDF coordinates are written to two decimals


@dataclass
class PdfChar:
    ch: str
    x: float        # origin, pt from the trim's left edge
    baseline: float  # pt from the trim's top edge
    right: float    # origin + advance
    size: float


def read_chars(path, t):
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    import pikepdf

    with pikepdf.open(path) as pdf:
        trims = [[float(v) for v in p.obj.TrimBox] for p in pdf.pages]
    doc = pdfium.PdfDocument(str(path))
    pages = []
    for page, trim in zip(doc, trims):
        left, top = trim[0], trim[3]
        tp = page.get_textpage()
        chars = []
        for i in range(tp.count_chars()):
            ch = tp.get_text_range(i, 1)
            if not ch.strip():
                continue
            x, y = ctypes.c_double(), ctypes.c_double()
            raw.FPDFText_GetCharOrigin(tp.raw, i, ctypes.byref(x), ctypes.byref(y))
            box = tp.get_charbox(i, loose=True)
            # positions from the trimmed page's top-left corner, as the engine measures them
            chars.append(PdfChar(ch, x.value - left, top - y.value, box[2] - left,
                                 raw.FPDFText_GetFontSize(tp.raw, i)))
        pages.append(chars)
    doc.close()
    return pages


def column_lines(chars, x0, x1, top, bottom):
    """The lines of one column: characters inside the column's box grouped by baseline, left to right."""
    rows: dict[float, list[PdfChar]] = {}
    for c in chars:
        if x0 - 0.5 <= c.x <= x1 + 0.5 and top <= c.baseline <= bottom:
            rows.setdefault(round(c.baseline, 1), []).append(c)
    return [sorted(rows[k], key=lambda c: c.x) for k in sorted(rows)]


@pytest.fixture(scope="module", params=["hans", "hant"])
def story_lines(sample_render, request):
    """Each edition's lines, beside the edition's own text (the source converted to its script)."""
    issue = edition_issue(load_issue(ISSUE), request.param)
    t = issue.template
    result = next(r for r in sample_render.editions if r.layout.issue.script.code == request.param)
    pages = read_chars(result.files[-1], t)
    out = {}
    for story in issue.stories:
        lines = []
        for k, frame in enumerate(story.frames):
            p = frame.place
            skip = 2 if k and frame.jump_head else 0
            for col in range(p.col, p.col + p.span):
                x0 = t.column_x(col)
                top = t.line_y(p.line + skip)
                bottom = t.line_y(p.line + p.lines)
                for row in column_lines(pages[p.page - 1], x0, x0 + t.measure, top, bottom):
                    lines.append((col, row))
        out[story.id] = (story, lines)
    return issue, out


def _is_jump(text: str) -> bool:
    return bool(re.fullmatch(r"（(下轉|下转|上接)第\d+版）", text))


def test_text_complete_and_in_order(story_lines):
    issue, stories = story_lines
    for story, lines in stories.values():
        body = "".join("".join(c.ch for c in row) for _, row in lines
                       if not _is_jump("".join(c.ch for c in row)))
        assert body == "".join(b.text for b in story.blocks).replace(" ", ""), story.id


def test_no_forbidden_line_start_or_end(story_lines):
    issue, stories = story_lines
    no_start, no_end = zh.no_start_set(zh.Strictness.BASIC), zh.NO_END
    count = 0
    for story, lines in stories.values():
        for _, row in lines:
            text = "".join(c.ch for c in row)
            assert text[0] not in no_start, (story.id, text)
            assert text[-1] not in no_end, (story.id, text)
            count += 1
    assert count > 150


def test_baselines_on_the_grid(story_lines):
    issue, stories = story_lines
    t = issue.template
    for story, lines in stories.values():
        for _, row in lines:
            size = max(c.size for c in row)
            offset = (t.pitch - size) / 2 + EM_TOP * size
            grid = (row[0].baseline - t.margin_top - offset) / t.pitch
            assert abs(grid - round(grid)) * t.pitch < TOL, (story.id, "".join(c.ch for c in row), grid)
            assert all(abs(c.baseline - row[0].baseline) < TOL for c in row)


def test_non_last_lines_flush_on_both_edges(story_lines):
    issue, stories = story_lines
    t = issue.template
    checked = 0
    for story, lines in stories.values():
        paragraph_ends = set()
        subhead_spans = []    # a subhead's lines are centred, balanced: none of them is flush
        pos = 0
        for b in story.blocks:
            start = pos
            pos += len(b.text.replace(" ", ""))
            paragraph_ends.add(pos)
            if b.kind == "subhead":
                subhead_spans.append((start, pos))
        pos = 0
        for col, row in lines:
            text = "".join(c.ch for c in row)
            if _is_jump(text):
                continue
            pos += len(text)
            if pos in paragraph_ends or any(start < pos <= end for start, end in subhead_spans):
                continue
            x0 = t.column_x(col)
            first, last = row[0], row[-1]
            # Left edge: the column, or the 2-em first-line indent (the first line of a paragraph).
            left = first.x - x0
            assert left < TOL or abs(left - 2 * t.body.size) < TOL, (story.id, text, left)
            # Right edge: the last character's box; a mark trimmed at line end counts half an em.
            right = last.right
            if last.ch in zh.CLOSING or last.ch in zh.PAUSE_STOP:
                right = last.x + 0.5 * last.size
            assert abs(right - (x0 + t.measure)) < TOL, (story.id, text, right - x0)
            checked += 1
    assert checked > 120
