"""Stories through chains of frames, on the test font: grid, subheads, jump lines, overset.

The small template: 10 pt type on a 15 pt pitch, columns of exactly 5 em, 20 grid lines."""

from __future__ import annotations

import re

import pytest

from layout.base.errors import LayoutError
from layout.compose.linebreak import Composer
from layout.compose.atoms import TextStyle
from layout.page.flow import flow_story
from layout.page.grid import baseline_of
from layout.issue.loader import DEFAULT_STYLES
from layout.issue.model import Block, BlockKind, Frame, GridRect, Inline, Story, Template
from layout.base.units import mm

from invariants import check_lines


def small_template() -> Template:
    size = 10.0
    styles = {k: TextStyle("body", size) for k in DEFAULT_STYLES}
    return Template(name="small", trim_w=3 * 50 + 2 * 10 + 2 * 20, trim_h=20 * 15 + 40, bleed=mm(3),
                    margin_top=20, margin_bottom=20, margin_left=20, margin_right=20, columns=3,
                    body=TextStyle("body", size), pitch=15.0, min_gutter_em=1.0, masthead_lines=0,
                    running_head_lines=0, styles=styles)


def story(texts, frames, kinds=None) -> Story:
    kinds = kinds or ["para"] * len(texts)
    blocks = tuple(Block(BlockKind(k), (Inline(t),)) for k, t in zip(kinds, texts))
    return Story("s", None, None, None, blocks, None, tuple(frames), "test")


def frame(page, col, span, line, lines, jump_head=None):
    return Frame(GridRect(page, col, span, line, lines), jump_head)


def test_template_grid_is_whole_em():
    t = small_template()
    assert t.measure == 50.0 and t.column_chars == 5 and t.gutter == pytest.approx(10.0) and t.lines == 20


def test_text_fills_columns_top_to_bottom_then_next_frame(test_fonts):
    # 38 ideographs with a 2-em indent at 5 em a line: 3 + 5×7 = 38 → 8 lines.
    # Frame 1 has 2 columns of 3 lines (6 lines), frame 2 takes the last 2.
    t = small_template()
    text = "一二三四五六七八九十" * 3 + "人大中天日月山水"
    s = story([text], [frame(1, 1, 2, 1, 3), frame(1, 3, 1, 5, 10)])
    flow = flow_story(s, t, Composer(test_fonts))
    assert flow.overset is None
    xs = [p.x for p in flow.lines]
    assert [xs.count(t.column_x(c)) for c in (1, 2, 3)] == [3, 3, 2]
    assert "".join(p.line.text for p in flow.lines) == text
    for p in flow.lines:
        # Body lines sit on the grid (a table's head cells, centred in their row, may fall between lines).
        if p.kind == "body":
            assert p.baseline == pytest.approx(baseline_of(t, p.grid_line, 10.0))
    check_lines(text, [p.line for p in flow.lines], 50.0)


def test_subhead_never_alone_at_the_foot_of_a_column(test_fonts):
    # The first paragraph takes 3 lines; the subhead would fall on line 4, the last of the
    # column, with no body line after it: it moves to the top of column 2.
    t = small_template()
    s = story(["一二三四五六七八九十人大", "小標題", "天日月山水火木金土"], [frame(1, 1, 2, 1, 4)],
              ["para", "subhead", "para"])
    flow = flow_story(s, t, Composer(test_fonts))
    sub = next(p for p in flow.lines if p.kind == "subhead")
    assert sub.x == t.column_x(2) and sub.grid_line == 1
    assert flow.overset is None


def test_jump_lines_name_the_real_pages(test_fonts):
    # Three frames on pages 1, 2 and 3: each page the story leaves ends with （下轉第N版）
    # naming the next frame's page, and each continuation starts with （上接第M版）.
    t = small_template()
    text = "一二三四五六七八九十" * 6
    s = story([text], [frame(1, 1, 1, 1, 4), frame(2, 2, 1, 1, 5, jump_head="續題"), frame(3, 1, 2, 1, 10)])
    flow = flow_story(s, t, Composer(test_fonts))
    outs = [(p.page, p.line.text) for p in flow.lines if p.kind == "jump_out"]
    ins = [(p.page, p.line.text) for p in flow.lines if p.kind == "jump_in"]
    assert outs == [(1, "（下轉第2版）"), (2, "（下轉第3版）")]
    assert ins == [(2, "（上接第1版）"), (3, "（上接第2版）")]
    # 下轉 is the last line of its frame, 上接 the first under the jump head.
    assert [p.grid_line for p in flow.lines if p.kind == "jump_out"] == [4, 5]
    assert [p.grid_line for p in flow.lines if p.kind == "body" and p.page == 2] == [4]   # text between them
    assert [p.grid_line for p in flow.lines if p.kind == "jump_in"] == [3, 1]
    body = "".join(p.line.text for p in flow.lines if p.kind == "body")
    assert body == text


def test_overset_is_reported_not_dropped(test_fonts):
    # 4 lines of 5 em hold 20 - 2 (indent) = 18 ideographs; 60 are given: 42 do not fit.
    t = small_template()
    text = "一二三四五六七八九十" * 6
    flow = flow_story(story([text], [frame(1, 1, 1, 1, 4)]), t, Composer(test_fonts))
    placed = "".join(p.line.text for p in flow.lines)
    assert placed == text[:18]
    assert flow.overset.chars == 42 and flow.overset.lines == 9
    assert flow.overset.first_sentence.startswith("九十一二")


def _jumps_consistent(flow):
    """Every 下轉第N版 has an 上接第M版 on page N naming the page M it left, and the other way round."""
    outs = [p for p in flow.lines if p.kind == "jump_out"]
    ins = [p for p in flow.lines if p.kind == "jump_in"]
    assert len(outs) == len(ins)
    for out, back in zip(outs, ins):
        assert out.line.text == f"（下轉第{back.page}版）"
        assert back.line.text == f"（上接第{out.page}版）"
        assert out.frame + 1 == back.frame


def test_three_pages_frames_of_different_spans_and_widths(test_fonts):
    # Page 1: two grid columns; page 2: one 11-em column over two grid columns (破欄, re-broken
    # at the wider measure); page 3: three grid columns. Text complete and in order, each frame's
    # lines within its own measure, jump lines pointing at the real pages.
    t = small_template()
    text = ("一二三四五六七八九十人大中天日月山水火木金土上下左右。" * 6)
    frames = [frame(1, 1, 2, 1, 4), Frame(GridRect(2, 1, 2, 1, 5), "續題", columns=1), frame(3, 1, 3, 1, 10)]
    s = story([text], frames)
    flow = flow_story(s, t, Composer(test_fonts))
    assert flow.overset is None
    body = [p for p in flow.lines if p.kind == "body"]
    assert "".join(p.line.text for p in body) == text
    wide = [p for p in body if p.frame == 1]
    assert wide and all(p.line.measure == 110.0 for p in wide)
    # Re-broken at the frame's own measure: 11 ems a full line, all from the frame's left edge.
    assert all(p.line.justified and len(p.line.text) == 11 for p in wide[:-1])
    assert {p.x for p in wide} == {t.column_x(1)}
    assert {p.page for p in body} == {1, 2, 3}
    _jumps_consistent(flow)


@pytest.mark.parametrize("extra,over", [(0, 0), (1, 1), (150, 150)])
def test_exactly_fits_one_over_far_over(test_fonts, extra, over):
    # One column of 4 lines at 5 em holds 2 (indent) + 3 + 5 + 5 + 5 = 18 ideographs ending in 。
    # exactly; one more character is overset by one; 150 more are far over.
    t = small_template()
    text = "一二三四五六七八九十人大中天日月山。" + "水" * extra
    flow = flow_story(story([text], [frame(1, 1, 1, 1, 4)]), t, Composer(test_fonts))
    placed = "".join(p.line.text for p in flow.lines)
    if over == 0:
        assert flow.overset is None and placed == text
        assert flow.underset_lines == 0
    else:
        assert flow.overset is not None and flow.overset.chars == len(text) - len(placed)
        assert placed + text[len(placed):] == text
        assert flow.overset.chars >= over


def test_exclusion_text_flows_around_a_photo(test_fonts):
    # A frame of 2 columns × 8 lines excludes column 1, lines 3–5 (a photo): column 1 holds lines
    # 1–2 and 6–8, column 2 all 8; no line is set inside the photo.
    t = small_template()
    text = "一二三四五六七八九十" * 8
    f = Frame(GridRect(1, 1, 2, 1, 8), None, None, (GridRect(1, 1, 1, 3, 3),))
    flow = flow_story(story([text], [f]), t, Composer(test_fonts))
    col1 = sorted(p.grid_line for p in flow.lines if p.x == t.column_x(1))
    assert col1 == [1, 2, 6, 7, 8]
    assert "".join(p.line.text for p in flow.lines) == text[:len("".join(p.line.text for p in flow.lines))]


def test_balanced_last_frame(test_fonts):
    # 7 lines of text in a 3-column frame of 10 lines: balanced as 3 + 3 + 1, not 7 + 0 + 0.
    t = small_template()
    text = "一二三四五六七八九十" * 3 + "人大中"   # 2 + 31 ideographs → 7 lines at 5 em
    s = Story("s", None, None, None, (Block("para", (Inline(text),)),), None, (frame(1, 1, 3, 1, 10),), "t",
              balance=True)
    flow = flow_story(s, t, Composer(test_fonts))
    per_col = [sum(1 for p in flow.lines if p.x == t.column_x(c)) for c in (1, 2, 3)]
    assert per_col == [3, 3, 1]
    assert "".join(p.line.text for p in flow.lines) == text


def test_copyfit_report_numbers(test_fonts):
    from layout.page.copyfit import report, table, to_json
    import json

    t = small_template()
    fits = report([flow_story(story(["一二三四五六七八九十" * 6], [frame(1, 1, 1, 1, 4)]), t, Composer(test_fonts)),
                   flow_story(story(["一二三"], [frame(1, 2, 1, 1, 4)]), t, Composer(test_fonts))])
    over, under = fits
    assert (over.status, over.overset_chars, over.lines_used, over.lines_available) == ("overset", 42, 4, 4)
    assert (under.status, under.empty_lines, under.room_chars) == ("underset", 3, 15)
    data = json.loads(to_json(fits, "test"))
    assert data["stories"][0]["overset"]["characters"] == 42
    assert "CUT 42 chars" in table(fits) and "room 15 chars (3 lines empty)" in table(fits)


def test_jump_lines_only_where_the_text_goes_on(test_fonts):
    # The story ends on page 1: page 2's frame stays empty, with no （上接第1版） over nothing, and
    # page 1 gets no （下轉第2版）.
    t = small_template()
    flow = flow_story(story(["一二三四五六七八九十"], [frame(1, 1, 1, 1, 4), frame(2, 1, 1, 1, 4)]), t,
                      Composer(test_fonts))
    assert {p.kind for p in flow.lines} == {"body"} and {p.page for p in flow.lines} == {1}
    assert flow.frames[1].used == 0 and flow.overset is None


@pytest.mark.parametrize("frames, needs", [
    # a one-line middle frame would print （上接） and （下轉） on one line over nothing
    ([(1, 1, 1, 1, 4), (2, 1, 1, 1, 1), (3, 1, 1, 1, 4)], "frame 2 (page 2): a column of 1 line cannot hold"),
    # a jump head taking every line of its frame
    ([(1, 1, 1, 1, 4), (2, 1, 1, 1, 2, "續題")], "frame 2 (page 2): its jump head takes all its 2 lines"),
    # a two-line first frame: （下轉） and one line of text fit, nothing is wrong
    ([(1, 1, 1, 1, 2), (2, 1, 1, 1, 10)], None),
])
def test_a_frame_too_short_for_its_jump_lines_is_named(test_fonts, frames, needs):
    chain = [frame(*f[:5], jump_head=f[5]) if len(f) > 5 else frame(*f) for f in frames]
    s = story(["一二三四五六七八九十" * 3], chain)
    if needs is None:
        assert flow_story(s, small_template(), Composer(test_fonts)).overset is None
        return
    with pytest.raises(LayoutError, match=re.escape(f"story 's': {needs}")):
        flow_story(s, small_template(), Composer(test_fonts))


# --- a boxed story's text inside its border -----------------------------------------------------------

def wide_gutter_template() -> Template:
    """The small template with gutters of 16 pt: trim 3 × 50 + 2 × 16 + 2 × 20 = 222 pt wide, the type
    area from 20 to 202; columns at 20, 86 and 152, still 5 em (the least gutter is 1 em, 10 pt)."""
    from dataclasses import replace

    t = replace(small_template(), trim_w=3 * 50 + 2 * 16 + 2 * 20)
    assert (t.measure, t.gutter, t.column_x(3)) == (50.0, pytest.approx(16.0), pytest.approx(152.0))
    return t


def test_a_boxed_storys_text_keeps_inside_its_border_at_whole_em(test_fonts):
    # A double border (花邊) reaches 0.25 pt outside the line it is drawn on and 1.5 + 0.25 inside; the text
    # keeps ¼ em (2.5 pt) clear of it: 4.5 pt in all. The text of a frame across the type area (20 … 202)
    # is set in 24.5 … 197.5 = 173 pt. Three columns of 5 em (150) fit there with gutters of
    # (173 − 150) / 2 = 11.5 (the least is 10): x = 24.5, 86, 147.5, every line 5 characters as unboxed,
    # so the story takes the lines it took unboxed. Its border is drawn inside the type area, on 20.25 and
    # 201.75 (it was 2.25 outside it, on the text's edge), its inner rule reaching 20.25 + 1.75 = 22.0,
    # 2.5 clear of the text.
    from dataclasses import replace

    from layout.issue.model import BorderStyle
    from layout.page.furniture import border_outline
    from layout.page.verify import verify_complete

    t = wide_gutter_template()
    text = "一二三四五六七八九十" * 4 + "人大中"    # 2 + 41 ideographs: 9 lines of at most 5
    plain = story([text], [frame(1, 1, 3, 1, 3)])
    boxed = replace(plain, box=BorderStyle.DOUBLE)
    flow, before = (flow_story(s, t, Composer(test_fonts)) for s in (boxed, plain))
    verify_complete(flow)
    assert sorted({p.x for p in flow.lines}) == pytest.approx([24.5, 86.0, 147.5])
    assert [(p.grid_line, p.line.text) for p in flow.lines] == [(p.grid_line, p.line.text) for p in before.lines]
    assert all(p.line.width <= 50.0 + 1e-6 for p in flow.lines) and flow.chars_per_line == 5
    outline = border_outline(boxed, 1, t)
    assert (outline.x, outline.right) == (pytest.approx(20.25), pytest.approx(201.75))
    assert outline.x + 1.75 + 2.5 == pytest.approx(min(p.x for p in flow.lines))
    assert outline.right - 1.75 - 2.5 == pytest.approx(max(p.x for p in flow.lines) + 50)
    # A frame inside the type area (column 2 only) keeps its column: its border goes in the gutters.
    inner = flow_story(replace(boxed, frames=(frame(1, 2, 1, 1, 10),)), t, Composer(test_fonts))
    assert {p.x for p in inner.lines} == {86.0}


def test_a_boxed_one_column_frame_at_the_edge_takes_a_little_of_its_inner_gutter(test_fonts):
    # Column 3 of the wide-gutter template (152 … 202), boxed double: 4.5 pt off the type area's right
    # edge leaves 45.5 pt, short of 5 em by 4.5; the column moves 4.5 pt into the gutter on its left
    # (147.5 … 197.5), keeping its 5 em. The border's left side stays in that gutter, at 152 − 0.45 × 16 =
    # 144.8 (its inner stroke 0.95 clear of the text, 7.55 from column 2's text at 136), its right side on
    # 201.75, inside the type area.
    from dataclasses import replace

    from layout.issue.model import BorderStyle
    from layout.page.furniture import border_outline

    t = wide_gutter_template()
    boxed = replace(story(["一二三四五六七八九十" * 2], [frame(1, 3, 1, 1, 10)]), box=BorderStyle.DOUBLE)
    flow = flow_story(boxed, t, Composer(test_fonts))
    assert {p.x for p in flow.lines} == {147.5} and [len(p.line.text) for p in flow.lines] == [3, 5, 5, 5, 2]
    outline = border_outline(boxed, 1, t)
    assert outline.x == pytest.approx(152 - 0.45 * 16) and outline.right == pytest.approx(201.75)


def test_a_boxed_frame_with_no_room_in_its_gutters_is_set_at_the_whole_em_that_fits(test_fonts):
    # The small template's gutters are the least (10 pt): across its type area (20 … 190) a double-boxed
    # frame's text keeps only the least clearance, 0.25 + 1.75 + 0.5 = 2.5 pt, from each edge: 22.5 … 187.5
    # = 165 pt, too little for 3 × 50 + 2 × 10. Each column is set at the whole em that fits,
    # floor((165 − 20) / 3 / 10) = 4 em, the gutters sharing the rest ((165 − 120) / 2 = 22.5): x = 22.5,
    # 85, 147.5. The copyfit counts 4 characters a line and is worked out at that measure: 2 + 4 + 4 = 10
    # ideographs fill the 3 lines of a 1-line frame; 7 leave room for exactly 3.
    from dataclasses import replace

    from layout.issue.model import BorderStyle
    from layout.page.copyfit import exact_room

    t = small_template()
    boxed = replace(story(["一二三四五六七八九十"], [frame(1, 1, 3, 1, 1)]), box=BorderStyle.DOUBLE)
    flow = flow_story(boxed, t, Composer(test_fonts))
    assert [(p.x, p.line.text) for p in flow.lines] == [(22.5, "一二"), (85.0, "三四五六"), (147.5, "七八九十")]
    assert flow.chars_per_line == 4 and flow.overset is None
    short = replace(boxed, blocks=(Block(BlockKind.PARA, (Inline("一二三四五六七"),)),))
    assert exact_room(flow_story(short, t, Composer(test_fonts)), t, Composer(test_fonts)) == 3


def test_a_boxed_frame_keeps_its_measure_with_less_clearance_where_the_gutters_are_tight(test_fonts):
    # Gutters of 13 pt (trim 3 × 50 + 2 × 13 + 2 × 20 = 216, type area 20 … 196) can give up 2 × (13 − 10)
    # = 6 pt, 3 a side: less than a double border's reach and ¼ em (2 + 2.5), more than its reach and the
    # least clearance (2 + 0.5). The text keeps its columns of 5 em, 3 pt in from each edge (1 pt clear of
    # the inner stroke), the gutters at the least: x = 23, 83, 143, every line as unboxed.
    from dataclasses import replace

    from layout.issue.model import BorderStyle

    t = replace(small_template(), trim_w=3 * 50 + 2 * 13 + 2 * 20)
    boxed = replace(story(["一二三四五六七八九十" * 3], [frame(1, 1, 3, 1, 3)]), box=BorderStyle.DOUBLE)
    flow = flow_story(boxed, t, Composer(test_fonts))
    assert sorted({p.x for p in flow.lines}) == pytest.approx([23.0, 83.0, 143.0])
    assert {p.line.measure for p in flow.lines} == {50.0} and flow.chars_per_line == 5
