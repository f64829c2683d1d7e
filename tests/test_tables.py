"""Data tables in a story (issue 21, point 3), on the test font where the figures are worked out by hand.

The test font: every ideograph 1 em, digits and Latin letters ½ em. At 10 pt an ideograph is 10 pt and a
digit 5 pt; columns are 1 em (10 pt) apart. The small template of test_flow: columns of 5 em (50 pt),
20 grid lines of 15 pt."""

from __future__ import annotations

from dataclasses import replace

import pytest

from layout.base.errors import LayoutError
from layout.compose import rules_zh as zh
from layout.compose.atoms import Span, TextStyle
from layout.compose.linebreak import Composer
from layout.compose.table import ColumnAlign, least_width, set_table
from layout.compose.atoms import Align, Paragraph, atomise
from layout.fonts.faces import Advances, FontSet
from layout.issue.loader import parse_body
from layout.issue.model import BlockKind, Story
from layout.page.copyfit import story_fit
from layout.page.flow import LineKind, flow_story
from layout.page.items import Rule
from layout.page.tables import TABLE_HAIRLINE, TABLE_HEAD_RULE, table_rules
from layout.page.verify import verify_complete

from test_flow import frame, small_template

BODY, HEAD = TextStyle("body", 10.0), TextStyle("sans", 10.0)


def cell(text, style=BODY):
    return (Span(text, style),) if text else ()


def story_of(source: str, frames) -> Story:
    return Story("s", None, None, None, parse_body(source), None, tuple(frames), "test")


def table_lines(flow, kind=LineKind.TABLE):
    return [p for p in flow.lines if p.kind is kind]


# --- widths and figures (compose/table.py) ----------------------------------------------------------

def test_widths_decimal_alignment_and_wrapping_worked_by_hand(test_fonts):
    # Three columns in 100 pt: 80 pt for the columns after two 10 pt gaps.
    #   column 1, text: natural 20 (徐匯, 天下), least 10 (one ideograph);
    #   column 2, figures 12.5 and 1,234: integer parts 10 and 25, fractions .5 = 10 and none → 25 + 10 = 35;
    #   column 3, figures 3% and -0.25%: integer parts 5 (3) and 10 (-0), fractions % = 5 and .25% = 20 → 30.
    # Natural widths 85 > 80; the least (10 + 35 + 30 = 75) fit: column 1 takes all 5 pt left (the
    # figure columns want no more than their least) → 15, 35, 30, at 0, 25, 70.
    head = (cell("區", HEAD), cell("人大", HEAD), cell("中上", HEAD))
    rows = ((cell("徐匯"), cell("12.5"), cell("3%")), (cell("天下"), cell("1,234"), cell("-0.25%")))
    table = set_table(head, rows, (None, None, None), 100.0, Composer(test_fonts), 10.0)
    assert table.widths == pytest.approx((15.0, 35.0, 30.0))
    assert table.xs == pytest.approx((0.0, 25.0, 70.0))
    assert table.align == (ColumnAlign.LEFT, ColumnAlign.DECIMAL, ColumnAlign.DECIMAL)
    # The head is centred: 區 (10 pt) in 15 pt starts at 2.5.
    assert table.head.cells[0].lines[0].xs == pytest.approx((2.5,))
    # 徐匯 (20 pt) wraps in 15 pt: the row takes two grid lines.
    first, second = table.rows
    assert [ln.text for ln in first.cells[0].lines] == ["徐", "匯"] and first.lines == 2
    # Decimal point of column 2 at 35 − 10 = 25: 12.5 starts at 25 − 10 = 15, 1,234 (no point) ends at 25.
    assert first.cells[1].lines[0].xs == pytest.approx((15.0, 20.0, 25.0, 30.0))
    assert second.cells[1].lines[0].xs[0] == pytest.approx(0.0) and second.cells[1].lines[0].width == pytest.approx(25)
    # Decimal point of column 3 at 30 − 20 = 10: 3% starts at 10 − 5 = 5, -0.25% at 10 − 10 = 0; 3% has no
    # point, so its % stands in the suffix slot after the point's place and the fraction, 10 + 5 + 10 = 25,
    # under the % of -0.25%.
    assert first.cells[2].lines[0].xs == pytest.approx((5.0, 25.0))
    assert second.cells[2].lines[0].xs == pytest.approx((0.0, 5.0, 10.0, 15.0, 20.0, 25.0))


def test_natural_widths_that_fit_share_what_is_left_equally(test_fonts):
    # 200 pt: 180 for the columns. Natural widths: 徐匯 20; 12.5 = 10 + 10 = 20 under a head of 20;
    # 3% = 5 + 5 = 10 under a head of 20 (中上): 20 each, 60 in all; each column gets (180 − 60) / 3 = 40
    # more: 60 each, and every cell stays on one line.
    head = (cell("區", HEAD), cell("人大", HEAD), cell("中上", HEAD))
    rows = ((cell("徐匯"), cell("12.5"), cell("3%")),)
    table = set_table(head, rows, (None, None, None), 200.0, Composer(test_fonts), 10.0)
    assert table.widths == pytest.approx((60.0, 60.0, 60.0))
    # The figures are flush on the decimal point, now at 60 − 5 in column 3 (its widest fraction, %).
    assert table.rows[0].cells[2].lines[0].xs == pytest.approx((50.0, 55.0))
    assert all(r.lines == 1 for r in table.rows)


def test_a_figure_with_no_point_stands_where_its_point_would_be(test_fonts):
    # 82.5% and 61% (the 完成率 column of 1638 p5): digits, point and % each ½ em, 5 pt at 10 pt. Integer
    # parts 10, point 5, fraction 5, suffix 5: the column needs 25 pt; in 25 pt (the head 人 is 10) the
    # point is at 25 − 15 = 10. 61 ends at the point (0, 5), its % in the suffix slot at 10 + 5 + 5 = 20,
    # under the % of 82.5% — not at 10, under the point.
    rows = ((cell("82.5%"),), (cell("61%"),))
    table = set_table((cell("人", HEAD),), rows, (None,), 25.0, Composer(test_fonts), 10.0)
    assert table.widths == pytest.approx((25.0,))
    with_point, without = (r.cells[0].lines[0] for r in table.rows)
    assert with_point.xs == pytest.approx((0.0, 5.0, 10.0, 15.0, 20.0))
    assert without.xs == pytest.approx((0.0, 5.0, 20.0))
    assert without.text == "61%" and without.width == pytest.approx(with_point.width)


def test_digits_are_tabular_at_the_widest_digits_width(test_fonts, test_face):
    # A face whose 1 is 0.3 em (the others ½ em): every digit is set in a box of ½ em, the 1 centred in
    # it (0.1 em each side), so 11.1 and 00.0 take the same room and line up digit under digit.
    units = test_face.advances.units
    widths = {cp: round(test_face.advances[cp] * units) for cp in test_face.advances}
    widths[ord("1")] = 300
    narrow = replace(test_face, advances=Advances.from_dict(units, widths))
    fonts = FontSet({"test": narrow}, {r: ("test",) for r in ("body", "headline", "sans", "kai")})
    rows = ((cell("11.1"),), (cell("00.0"),))
    table = set_table((cell("人", HEAD),), rows, (None,), 50.0, Composer(fonts), 10.0)
    ones, zeros = (r.cells[0].lines[0] for r in table.rows)
    # Boxes of 5 pt: 1 (3 pt) at box + 1; the point (5 pt) is no digit: its own width.
    start = zeros.xs[0]
    assert zeros.xs == pytest.approx((start, start + 5, start + 10, start + 15))
    assert ones.xs == pytest.approx((start + 1, start + 6, start + 10, start + 16))
    assert ones.width == pytest.approx(zeros.width)


def test_cell_text_breaks_under_kinsoku_and_least_width_keeps_marks_with_their_text(test_fonts):
    composer = Composer(test_fonts)
    # 人（大） can break only before （: the least width is （大） = 30 pt.
    atoms = atomise(Paragraph(cell("人（大）"), 0.0, Align.LEFT), test_fonts)
    assert least_width(atoms, composer) == pytest.approx(30.0)
    # A text column of 30 pt: 一二三，四五六。 never starts a line with ， or 。.
    rows = ((cell("一二三，四五六。"), cell("1")),)
    table = set_table((cell("人", HEAD), cell("大", HEAD)), rows, (None, None), 45.0, composer, 10.0)
    # 35 pt for the columns. Least widths: 三， and 六。 (a mark kept with its ideograph) 20, and 大 10 over
    # the figure 1 (5): 30; column 1 wants 75 more (its 8 em less the trimmed 。), column 2 nothing: 25, 10.
    assert table.widths == pytest.approx((25.0, 10.0))
    lines = [ln.text for ln in table.rows[0].cells[0].lines]
    assert "".join(lines) == "一二三，四五六。"
    no_start = zh.no_start_set(composer.settings.strictness)
    assert all(ln[0] not in no_start for ln in lines[1:]) and len(lines) > 1
    assert all(ln.width <= table.widths[0] + 0.01 for ln in table.rows[0].cells[0].lines)


def test_a_head_breaks_between_words_only(test_fonts):
    # 社區空間（人） segments 社區 / 空間 / （ 人 ）. In a column of 30 pt (3 em: the head over the figure 1),
    # the composer alone sets 社區空／間（人） (two lines, one broken inside 空間) rather than a third line
    # holding （人）; a head keeps each word's ideographs together, so it is 社區／空間／（人）, as the
    # hant-tw edition of 1638 p5 sets 養老／床位／（張） and hans now sets 养老／床位／（张）.
    table = set_table((cell("社區空間（人）", HEAD),), ((cell("1"),),), (None,), 30.0, Composer(test_fonts), 10.0)
    assert table.widths == pytest.approx((30.0,))
    assert [ln.text for ln in table.head.cells[0].lines] == ["社區", "空間", "（人）"] and table.head.lines == 3
    # Wide enough for two lines between words: 社區／空間（人）, as before.
    table = set_table((cell("社區空間（人）", HEAD),), ((cell("1"),),), (None,), 40.0, Composer(test_fonts), 10.0)
    assert [ln.text for ln in table.head.cells[0].lines] == ["社區", "空間（人）"]


# --- in the flow (page/tables.py) --------------------------------------------------------------------

LONG = """一二三四五六七八九十
| 區 | 人 |
|---|---|
| 一 | 1.5 |
| 二 | 12 |
| 三四 | 3 |
| 上 | 4.25 |
天日月山水"""


def test_long_table_continues_in_the_next_frame_under_its_head_again(test_fonts):
    # Columns of 50 pt: 40 for the two table columns. Column 2, figures: 12 → 10, .25 → 15: 25;
    # column 1 gets the other 15 (a single ideograph a line), so 三四 takes two lines.
    # Frame 1 (6 lines): the paragraph's 3 lines (2-em indent: 3 + 5 + 2 characters), the head and two rows.
    # Frame 2: the head again, 三四 (2 lines), 上, then the rest of the text.
    t = small_template()
    s = story_of(LONG, [frame(1, 1, 1, 1, 6), frame(1, 2, 2, 1, 5)])
    flow = flow_story(s, t, Composer(test_fonts))
    assert flow.overset is None
    verify_complete(flow)
    cells = table_lines(flow)
    first = [p for p in cells if p.frame == 0]
    assert [(p.grid_line, p.line.text) for p in first] == [
        (4, "區"), (4, "人"), (5, "一"), (5, "1.5"), (6, "二"), (6, "12")]
    repeated = table_lines(flow, LineKind.TABLE_HEAD)
    assert [(p.frame, p.grid_line, p.line.text, p.block) for p in repeated] == [(1, 1, "區", -1), (1, 1, "人", -1)]
    second = [(p.grid_line, p.dx, p.line.text) for p in cells if p.frame == 1]
    assert second == [(2, 0.0, "三"), (3, 0.0, "四"), (2, 25.0, "3"), (4, 0.0, "上"), (4, 25.0, "4.25")]
    # Decimal point at 25 + (25 − 15) = 35 from the column's edge: 4.25 starts at 35 − 5, 3 ends at 35.
    four = next(p for p in cells if p.line.text == "4.25")
    assert four.dx + four.line.xs[0] == pytest.approx(30.0)
    # The frames' lines used: 3 + 3 of 6; then 4 table lines, the blank line under the table's foot rule
    # (the last row's: text goes on), and the text in the next column.
    assert [f.used for f in flow.frames] == [6, 7]
    assert [part.rows for part in flow.tables] == [(1, 1, 1), (1, 2, 2)]
    assert [part.blank for part in flow.tables] == [0, 1]
    text = [(p.x, p.grid_line) for p in flow.lines if p.block == 2]
    assert text[0] == (t.column_x(3), 1)


def test_a_grid_line_is_left_blank_between_the_tables_foot_rule_and_the_text_after_it(test_fonts):
    # 一二三 (one line, indent 2 em) on line 1; the table's head on 2, its rows on 3 and 4; its heavy foot rule
    # at the top of line 5, which is left blank; 天日月 starts on line 6, a whole pitch under the rule.
    t = small_template()
    s = story_of("一二三\n| 區 | 人 |\n|---|---|\n| 一 | 1 |\n| 二 | 2 |\n天日月", [frame(1, 1, 1, 1, 10)])
    flow = flow_story(s, t, Composer(test_fonts))
    after = [p.grid_line for p in flow.lines if p.block == 2]
    assert after == [6]
    assert not any(p.grid_line == 5 for p in flow.lines)
    across = [r for r in table_rules(flow.tables, t)[1] if r.y1 == r.y2]
    assert [(r.y1, r.width) for r in across][-1] == (t.line_y(5), TABLE_HEAD_RULE)
    assert flow.frames[0].used == 6
    # A table that ends the story leaves no line after it.
    s = story_of("一二三\n| 區 | 人 |\n|---|---|\n| 一 | 1 |", [frame(1, 1, 1, 1, 10)])
    flow = flow_story(s, t, Composer(test_fonts))
    assert flow.frames[0].used == 3 and flow.tables[0].blank == 0


def test_every_cells_text_is_drawn_once_in_order(test_fonts):
    # The invariant the render checks: the table's lines (its repeated heads aside), read in order, are
    # its cells' text, head first, row by row, left to right.
    t = small_template()
    s = story_of(LONG, [frame(1, 1, 1, 1, 6), frame(1, 2, 2, 1, 5)])
    flow = flow_story(s, t, Composer(test_fonts))
    table = s.blocks[1]
    assert table.kind is BlockKind.TABLE
    assert "".join(p.line.text for p in flow.lines if p.block == 1) == table.text == "區人一1.5二12三四3上4.25"
    cells = ["".join(i.text for i in c) for c in table.table.cells]
    assert cells == ["區", "人", "一", "1.5", "二", "12", "三四", "3", "上", "4.25"]


def test_head_is_kept_with_the_first_row(test_fonts):
    # The paragraph takes 5 lines of a 6-line column: the head alone would fit, not with a row: both go
    # to the next column; the sixth line stays empty.
    t = small_template()
    source = "一二三四五六七八九十一二三四五六七八九十二\n| 區 | 人 |\n|---|---|\n| 一 | 1 |"
    s = story_of(source, [frame(1, 1, 2, 1, 6)])
    flow = flow_story(s, t, Composer(test_fonts))
    assert flow.overset is None
    heads = [p for p in table_lines(flow) if p.line.text in ("區", "人")]
    assert {(p.x, p.grid_line) for p in heads} == {(t.column_x(2), 1)}
    assert flow.frames[0].used == 5 + 2


def test_head_cells_are_centred_in_the_head_row_by_half_lines(test_fonts):
    # In a column of 50 pt (40 for the columns after the 10 pt gap): column 1's head 社區空間（人） wants 70,
    # its words at least 30 (（人）); column 2 (the figure 1 under 大) 10. Column 1 takes the other 30 and
    # breaks between words: 社區／空間／（人）, a head row of 3 lines (lines 1–3). 大, one line, is centred in
    # it: on line 2, a whole line down. With the head 社區空間 (社區／空間 in 30 pt: 2 lines), 大 drops half
    # a line: its baseline 7.5 pt (half the pitch) under line 1's, between the grid's lines — a head's
    # cells may sit there; the body's lines stay on the grid.
    from layout.page.grid import baseline_of

    t = small_template()
    for head, lines, drop in (("社區空間（人）", 3, 1.0), ("社區空間", 2, 0.5)):
        s = story_of(f"| {head} | 大 |\n|---|---|\n| 一 | 1 |", [frame(1, 1, 1, 1, 10)])
        flow = flow_story(s, t, Composer(test_fonts))
        verify_complete(flow)
        cells = table_lines(flow)
        tall = [p for p in cells if p.dx == 0.0 and p.grid_line <= lines and p.line.text != "一"]
        assert [p.line.text for p in tall] == ["社區", "空間", "（人）"][:lines]
        assert [p.baseline for p in tall] == pytest.approx([baseline_of(t, k, 10.0) for k in range(1, lines + 1)])
        big = next(p for p in cells if p.line.text == "大")
        assert big.baseline == pytest.approx(baseline_of(t, 1, 10.0) + drop * t.pitch)
        assert big.grid_line == 1 + int(drop)
        # Inside the head row (between its rules, lines 1 to ``lines``), its em box clear of both.
        assert t.line_y(1) < big.baseline - 0.88 * 10 and big.baseline + 0.12 * 10 < t.line_y(1 + lines)
        # The body row under it on the grid, at its top.
        body = [p for p in cells if p.line.text in ("一", "1")]
        assert {p.grid_line for p in body} == {lines + 1}
        assert all(p.baseline == pytest.approx(baseline_of(t, lines + 1, 10.0)) for p in body)


def test_an_overset_table_prints_row_by_row_with_its_cells_parted(test_fonts):
    # The proof's overset pages print what did not fit; a table's rows stay rows, a paragraph each, their
    # cells parted by ｜ — not run together (四4五5). A table cut after its first rows goes on under its
    # head again. In the table's text 區人一1二2三3四4五5, row 4 starts at offset 8.
    from layout.page.tables import table_text_rows

    t = small_template()
    s = story_of("| 區 | 人 |\n|---|---|\n| 一 | 1 |\n| 二 | 2 |\n| 三 | 3 |\n| 四 | 4 |\n| 五 | 5 |",
                 [frame(1, 1, 1, 1, 4)])
    flow = flow_story(s, t, Composer(test_fonts))
    placed = "".join(p.line.text for p in flow.lines if p.block == 0)
    assert placed == "區人一1二2三3"
    rows = table_text_rows(s.blocks[0], t, len(placed))
    assert [r.text for r in rows] == ["區｜人", "四｜4", "五｜5"]
    assert rows[0].spans[0].style.role == "sans" and all(r.indent_em == 0 for r in rows)
    # A table not placed at all: every row, the head first, once.
    assert [r.text for r in table_text_rows(s.blocks[0], t)] == ["區｜人", "一｜1", "二｜2", "三｜3", "四｜4", "五｜5"]


def test_table_too_wide_is_an_error_with_the_widths_in_em(test_fonts):
    # Column 1 cannot break 人（大） (30 pt); column 2's 123.45 is 123 (15) and .45 (15): 30 + 30 + 10 = 70 > 50.
    t = small_template()
    s = story_of("| 人（大） | 人 |\n|---|---|\n| 一 | 123.45 |", [frame(1, 1, 1, 1, 10)])
    with pytest.raises(LayoutError) as exc:
        flow_story(s, t, Composer(test_fonts))
    message = str(exc.value)
    assert "story 's'" in message and "paragraph 1" in message
    assert "need at least 7.0 em (3.0 + 3.0 em and 1 gap of 1 em) but the column is 5.0 em wide" in message


def test_row_taller_than_every_column_is_an_error_with_lines_needed_and_available(test_fonts):
    # Column 2 (the figure 3 under 人) is 10 pt wide, column 1 the other 30: 一二三四五六七八九 takes 3 lines,
    # and with the head 4 > the 3 lines of the story's only column. (The head is kept with its first row.)
    t = small_template()
    s = story_of("| 區 | 人 |\n|---|---|\n| 一二三四五六七八九 | 3 |", [frame(1, 1, 1, 1, 3)])
    with pytest.raises(LayoutError, match=r"row 1 「一二三四五六七八九 3」 needs 4 lines with the head over it "
                                          r"\(1 \+ 3\) but the tallest column of the story's frames has 3"):
        flow_story(s, t, Composer(test_fonts))


def test_table_that_does_not_fit_is_reported_like_an_overset(test_fonts):
    # Five rows and a head in 4 lines: head + 3 rows placed; rows 4 and 5 are overset, named by the
    # row they start at, and need 1 + 2 lines (the head again) at the copyfit.
    t = small_template()
    source = "| 區 | 人 |\n|---|---|\n| 一 | 1 |\n| 二 | 2 |\n| 三 | 3 |\n| 四 | 4 |\n| 五 | 5 |"
    s = story_of(source, [frame(1, 1, 1, 1, 4)])
    flow = flow_story(s, t, Composer(test_fonts))
    assert flow.overset is not None
    assert flow.overset.first_sentence == "四 4" and flow.overset.chars == 4 and flow.overset.lines == 3
    verify_complete(flow)
    fit = story_fit(flow)
    assert fit.status == "overset" and fit.overset_from == "四 4"


def test_rules_heavier_at_the_top_under_the_head_and_at_the_foot(test_fonts):
    t = small_template()
    s = story_of(LONG, [frame(1, 1, 1, 1, 6), frame(1, 2, 2, 1, 5)])
    flow = flow_story(s, t, Composer(test_fonts))
    rules = table_rules(flow.tables, t)[1]
    first = [r for r in rules if r.x1 == t.column_x(1)]
    across = [r for r in first if r.y1 == r.y2]
    # Rows of 1, 1, 1 from line 4: rules at the tops of lines 4, 5, 6 and 7.
    assert [(r.y1, r.width) for r in across] == [
        (t.line_y(4), TABLE_HEAD_RULE), (t.line_y(5), TABLE_HEAD_RULE), (t.line_y(6), TABLE_HAIRLINE), (t.line_y(7), TABLE_HEAD_RULE)]
    down = [r for r in rules if isinstance(r, Rule) and r.x1 == r.x2]
    # One hairline down the middle of the gap of each part: 15 + 5 from the column's edge.
    assert sorted(r.x1 for r in down) == pytest.approx([t.column_x(1) + 20, t.column_x(2) + 20])
    assert all(r.width == TABLE_HAIRLINE for r in down)


# --- the story text (issue/tables.py through the loader) ------------------------------------------

def test_pipe_table_and_csv_block_read_with_alignment_and_bold():
    blocks = parse_body("前言。\n| 區 | 人口 |\n|:---|---:|\n| **徐匯** | 1,234 |\n後記。\n```csv\n區,人口\n\"天平, 湖南\",12\n```")
    kinds = [b.kind for b in blocks]
    assert kinds == [BlockKind.PARA, BlockKind.TABLE, BlockKind.PARA, BlockKind.TABLE]
    pipe, csv = blocks[1].table, blocks[3].table
    assert pipe.align == ("left", "right") and pipe.line == 2
    assert pipe.rows[0][0][0].bold and pipe.rows[0][0][0].text == "徐匯"
    assert blocks[2].text == "後記。"        # the next line is a paragraph, not one more row
    assert ["".join(i.text for i in c) for c in csv.cells] == ["區", "人口", "天平, 湖南", "12"]


@pytest.mark.parametrize("source, message", [
    ("| a | b |\n|---|---|\n| 1 | 2 | 3 |", "line 3: this table row has 3 cells but the table's head has 2"),
    ("| a | b |\n|---|---|", "line 1: a table needs at least one row under its head and delimiter row"),
    ("```csv\na,b\n1,2\n", "line 1: the ```csv table has no closing ``` line"),
    ("```csv\na,b\n1,2,3\n```", "line 3: this CSV row has 3 cells but the table's head has 2"),
    ("```csv\na,b\n```", "line 2: a CSV table needs a head row and at least one row under it"),
])
def test_table_mistakes_name_the_line(source, message):
    from layout.issue.tables import TableSourceError

    with pytest.raises(TableSourceError) as exc:
        parse_body(source)
    assert str(exc.value).startswith(message)


def test_other_fenced_blocks_stay_text():
    # The fence lines print as written; between them, story text as anywhere (a subhead, bold), also when
    # the fence is never closed.
    assert [b.text for b in parse_body("```\n代碼\n```")] == ["```", "代碼", "```"]
    blocks = parse_body("~~~ 注\n## 小標題\n**粗**體")
    assert [(b.kind, b.text) for b in blocks] == [(BlockKind.PARA, "~~~ 注"), (BlockKind.SUBHEAD, "小標題"),
                                                 (BlockKind.PARA, "粗體")]
    assert blocks[2].inlines[0].bold


# --- the sample issue --------------------------------------------------------------------------------

def test_sample_page_5_table_continues_ruled_and_converts_to_simplified(real_fonts):
    from pathlib import Path

    from layout.issue.loader import load_issue
    from layout.page.assemble import layout_issue

    issue = load_issue(Path(__file__).parent.parent / "issues" / "1638.yaml")
    layout = layout_issue(issue, real_fonts, edition="hans")
    flow = next(f for f in layout.flows if f.story.id == "livelihood-figures")
    assert flow.overset is None and len(flow.tables) == 2          # continued in the frame's second column
    assert table_lines(flow, LineKind.TABLE_HEAD)                   # under its head again
    texts = {p.line.text for p in table_lines(flow)}
    assert "徐家汇街道" in texts and "全区合计" in texts           # the cells in the edition's script
    page5 = next(p for p in layout.pages if p.number == 5)
    heavy = [i for i in page5.items if isinstance(i, Rule) and i.width == TABLE_HEAD_RULE]
    assert len(heavy) == 3 * 2                                      # top, head, foot of each part
    # Its head cells centred in the head row: 完成率 (one line) level with 床位, the middle of
    # 養老／床位／（張）, and 助餐點／（家） half a line lower than 養老／床位 — in both parts. Every body line
    # (cells and text) on the grid; every head cell inside the head row, between its rules.
    from layout.page.grid import baseline_of

    t = issue.template
    for part in flow.tables:
        head = [p for p in flow.lines if p.kind in (LineKind.TABLE, LineKind.TABLE_HEAD) and p.x == part.x
                and part.line <= p.grid_line < part.line + part.rows[0]]
        at = {p.line.text: p.baseline for p in head}
        assert part.rows[0] == 3 and at["完成率"] == pytest.approx(at["床位"])
        assert at["助餐点"] - at["养老"] == pytest.approx(t.pitch / 2) and at["（家）"] - at["床位"] == pytest.approx(t.pitch / 2)
        top, foot = t.line_y(part.line), t.line_y(part.line + part.rows[0])
        assert all(top < p.baseline - 0.88 * p.line.size and p.baseline + 0.12 * p.line.size < foot for p in head)
    heads = {(p.x, p.grid_line, p.dx) for part in flow.tables for p in flow.lines if p.x == part.x
             and part.line <= p.grid_line < part.line + part.rows[0]}
    body = [p for p in flow.lines if (p.x, p.grid_line, p.dx) not in heads]
    assert len(body) > 100
    assert all(p.baseline == pytest.approx(baseline_of(t, p.grid_line, p.line.size)) for p in body)


def test_a_table_mistake_in_a_story_file_names_the_file_and_line(tmp_path):
    from conftest import copy_issues
    from layout.issue.loader import load_issue

    copy_issues(tmp_path / "issues")
    text = tmp_path / "issues" / "1638" / "livelihood-figures.md"
    lines = text.read_text(encoding="utf-8").split("\n")
    row = next(k for k, line in enumerate(lines) if line.startswith("| 天平路街道"))
    lines[row] += " 9 |"
    text.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(LayoutError) as exc:
        load_issue(tmp_path / "issues" / "1638.yaml")
    assert str(exc.value) == (f"{text}:{row + 1}: this table row has 6 cells but the table's head has 5: give "
                              f"every row as many cells as the head")


def test_markers_inside_a_plain_fence_are_read_once():
    # The inside of a fence that is not a table is story text: read from the lines as written, so an
    # escaped \{緊} prints as {緊} and a {緊} steers its paragraph, as anywhere else.
    from layout.compose.settings import Steer
    from layout.issue.loader import parse_body

    blocks = parse_body("```\n\\{緊}結語\n{緊}段落一。\n```")
    assert [(b.text, b.steer) for b in blocks] == [("```", Steer.NORMAL), ("{緊}結語", Steer.NORMAL),
                                                   ("段落一。", Steer.TIGHT), ("```", Steer.NORMAL)]
