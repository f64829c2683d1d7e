"""Issue 21, points 1, 2, 5 and 6: bylines and datelines, photo credits, pull quotes (引語), the front
page's index (導讀) and sidebars (相關鏈接).

Flow and geometry on the test font and the small template of test_flow (10 pt type on a 15 pt pitch,
columns of exactly 5 em): every ideograph 10 pt wide, so lines and rectangles can be worked out by hand.
Whole issues (loader, editions, index pages, copyfit) on the real fonts and template."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from layout.base.errors import LayoutError
from layout.compose.linebreak import Composer
from layout.issue.loader import load_issue
from layout.issue.model import BlockKind, Box, BoxKind, Frame, GridRect, IndexEntry, Photo, PullQuote
from layout.page.assemble import layout_issue
from layout.page.copyfit import report, table
from layout.page.flow import LineKind, flow_story
from layout.page.furniture import column_rules, photo_credit
from layout.page.grid import baseline_of
from layout.page.items import Rule, TextRun
from layout.page.news_elements import index_items, pull_quote_items, story_with_byline
from layout.page.verify import verify_complete

from conftest import ROOT, copy_issues
from test_flow import frame, small_template, story

TEXT = "一二三四五六七八九十" * 3 + "人大中天日月山水"     # 38 ideographs: 8 lines at 5 em with a 2-em indent


def _text(flow, page=None) -> str:
    return "".join(p.line.text for p in flow.lines if page is None or p.page == page)


# --- bylines and datelines ------------------------------------------------------------------------

def test_byline_on_a_line_of_its_own_over_the_text(test_fonts):
    # Line mode: the byline takes grid line 1 of column 1, flush left in the byline style; the 38
    # ideographs take 8 lines after it, 4 more in column 1 (lines 2–5) and 4 in column 2 (lines 1–4).
    t = small_template()
    s = replace(story([TEXT], [frame(1, 1, 2, 1, 5)]), byline="大山 水火")
    set_story = story_with_byline(s, t)
    assert [b.kind for b in set_story.blocks] == [BlockKind.BYLINE, BlockKind.PARA]
    flow = flow_story(set_story, t, Composer(test_fonts))
    verify_complete(flow)          # the byline is text of the story: placed once, whole, in order
    first = flow.lines[0]
    assert (first.kind, first.line.text, first.grid_line, first.x) == (LineKind.BYLINE, "大山 水火", 1, t.column_x(1))
    assert first.line.indent == 0 and first.baseline == pytest.approx(baseline_of(t, 1, 10.0))
    assert [(p.x, p.grid_line) for p in flow.lines[1:]] == \
        [(t.column_x(1), n) for n in (2, 3, 4, 5)] + [(t.column_x(2), n) for n in (1, 2, 3, 4)]
    assert _text(flow) == "大山 水火" + TEXT and flow.overset is None


def test_byline_runs_in_after_the_texts_own_lead_in(test_fonts):
    # Run-in: 本報訊（大山）一二三…, the lead-in in its style, the byline in brackets in the byline style.
    t = small_template()
    s = replace(story(["本報訊 " + TEXT], [frame(1, 1, 3, 1, 10)]), byline="大山", byline_at="run-in")
    set_story = story_with_byline(s, t)
    inlines = set_story.blocks[0].inlines
    assert [(i.text, i.style) for i in inlines] == [("本報訊", "lead_in"), ("（大山）", "byline"), (TEXT, None)]
    flow = flow_story(set_story, t, Composer(test_fonts))
    verify_complete(flow)
    assert _text(flow) == "本報訊（大山）" + TEXT


def test_dateline_runs_in_and_the_byline_follows_it(test_fonts):
    t = small_template()
    s = replace(story([TEXT], [frame(1, 1, 3, 1, 10)]), byline="大山", byline_at="run-in", dateline="九月")
    assert story_with_byline(s, t).blocks[0].text == "九月（大山）" + TEXT
    # Line mode: the byline over the text, the dateline alone run in, parted by an ideographic space.
    lined = story_with_byline(replace(s, byline_at="line"), t)
    assert [b.text for b in lined.blocks] == ["大山", "九月\u3000" + TEXT]
    # The template's choice holds where the story makes none.
    assert story_with_byline(replace(s, byline_at=None), replace(t, byline_at="run-in")).blocks[0].text \
        == "九月（大山）" + TEXT
    # A byline alone, run in: followed by an ideographic space.
    alone = replace(story([TEXT], [frame(1, 1, 3, 1, 10)]), byline="大山", byline_at="run-in")
    assert story_with_byline(alone, t).blocks[0].text == "大山\u3000" + TEXT


def test_a_dateline_takes_the_place_of_the_texts_own_lead_in(test_fonts):
    # The text opens with 本報訊 and the YAML gives a dateline: one lead-in is printed, the dateline
    # (the desk's), in either mode — never 九月（大山）本報訊 ….
    t = small_template()
    s = replace(story(["本報訊 " + TEXT], [frame(1, 1, 3, 1, 10)]), byline="大山", byline_at="run-in", dateline="九月")
    set_story = story_with_byline(s, t)
    assert [(i.text, i.style) for i in set_story.blocks[0].inlines] == \
        [("九月", "lead_in"), ("（大山）", "byline"), (TEXT, None)]
    flow = flow_story(set_story, t, Composer(test_fonts))
    verify_complete(flow)
    assert _text(flow) == "九月（大山）" + TEXT
    assert [b.text for b in story_with_byline(replace(s, byline_at="line"), t).blocks] == ["大山", "九月\u3000" + TEXT]
    assert story_with_byline(replace(s, byline=None), t).blocks[0].text == "九月\u3000" + TEXT
    # Without a dateline the text's own 本報訊 stays, in line mode too.
    assert story_with_byline(replace(s, dateline=None, byline_at="line"), t).blocks[1].text == "本報訊 " + TEXT


def test_copyfit_counts_the_texts_paragraphs_not_the_byline_line(test_fonts):
    # The hints name paragraphs as the editor counts them in the text file: the byline line is not one.
    t = small_template()
    texts = [TEXT, "一二三四五六七八九十人大中天日月山水火木金土上下左右本"]
    plain = story(texts, [frame(1, 1, 1, 1, 9)])
    with_line = story_with_byline(replace(plain, byline="大山"), t)
    composer = Composer(test_fonts)
    fit_plain = report([flow_story(plain, t, composer)], t, composer)[0]
    fit_line = report([flow_story(with_line, t, composer)], t, composer)[0]
    assert fit_line.overset_chars and fit_plain.overset_chars
    assert {h.paragraph for h in fit_line.hints} <= {1, 2}
    assert [h.paragraph for h in fit_line.hints if h.kind == "cut"] == \
        [h.paragraph for h in fit_plain.hints if h.kind == "cut"]


def test_photo_credit_is_printed_as_the_paper_prints_it(real_fonts):
    issue = load_issue(ROOT / "issues" / "1650.yaml")
    t = issue.template
    photo = Photo("p", ROOT / "issues" / "1650" / "sample-photo.jpg", GridRect(1, 1, 2, 20, 12), "居民在社區食堂用餐",
                  "記者 王小明", (0.5, 0.5), False)
    assert photo_credit(photo, t) == "記者 王小明 攝"
    assert photo_credit(replace(photo, credit="記者 王小明 攝"), t) == "記者 王小明 攝"   # not twice
    from layout.page.assemble import composer_for
    from layout.page.furniture import photo_items
    items = photo_items(photo, t, composer_for(t, real_fonts))
    runs = [i for i in items if isinstance(i, TextRun)]
    credit = [r for r in runs if r.text.startswith("記者") or r.text.endswith("攝")]
    caption = [r for r in runs if "居民" in r.text]
    # Under the caption, on the grid's last line of the photo's place, flush right in the credit style.
    assert credit and caption and min(r.baseline for r in credit) > max(r.baseline for r in caption)
    assert credit[-1].baseline == pytest.approx(baseline_of(t, 31, t.styles["credit"].size))
    rect = t.rect(photo.place)
    last = credit[-1]
    width = sum(real_fonts.faces[last.face].advance(ch) for ch in last.text) * last.size
    assert last.x + width == pytest.approx(rect.right, abs=0.5)


# --- pull quotes ----------------------------------------------------------------------------------

def _quote_story(text, place, frames):
    return replace(story([TEXT + "金土" + "上下左右" * 6], frames), pull_quote=PullQuote(text, place))


def test_pull_quote_between_rules_and_its_room_by_hand(test_fonts):
    # A 1-column × 4-line rectangle: 50 pt wide (5 characters of the test font at 10 pt), 60 pt high.
    # Rules 0.3 pitch (4.5 pt) inside its top and foot; the quote 0.35 em (3.5 pt) inside them: 44 pt
    # for lines 14 pt apart, 10 pt each: (44 − 10) // 14 + 1 = 3 lines. 15 characters fit; 16 do not.
    t = small_template()
    place = GridRect(1, 2, 1, 3, 4)
    rect = t.rect(place)
    fits = _quote_story("一二三四五六七八九十人大中天日", place, [frame(1, 1, 3, 1, 10)])
    items, over = pull_quote_items(fits, t, Composer(test_fonts))
    assert over is None
    rules = [i for i in items if isinstance(i, Rule)]
    assert [(r.y1, r.width) for r in rules] == [(pytest.approx(rect.y + 4.5), 1.5), (pytest.approx(rect.bottom - 4.5), 0.5)]
    runs = [i for i in items if isinstance(i, TextRun)]
    assert "".join(r.text for r in runs) == "一二三四五六七八九十人大中天日"
    baselines = sorted({round(r.baseline, 3) for r in runs})
    assert len(baselines) == 3 and baselines[1] - baselines[0] == pytest.approx(14.0)
    # Centred in the 44 pt between the pads: 3 lines take 2 × 14 + 10 = 38 pt, 3 pt above and below.
    assert baselines[0] == pytest.approx(rect.y + 8.0 + 3.0 + 0.88 * 10, abs=0.01)
    over_story = _quote_story("一二三四五六七八九十人大中天日月", place, [frame(1, 1, 3, 1, 10)])
    items, over = pull_quote_items(over_story, t, Composer(test_fonts))
    drawn = "".join(i.text for i in items if isinstance(i, TextRun))
    # Reported in grid lines, as the place is given: the 4 lines need 2 × 4.5 + 2 × 3.5 + 3 × 14 + 10 =
    # 68 pt, 5 grid lines of 15 pt; the place has 4.
    assert over is not None and (over.element, over.page, over.lines, over.available) == ("pull quote", 1, 5, 4)
    assert len(drawn) + over.chars == 16 and "一二三四五六七八九十人大中天日月".startswith(drawn)


def test_a_quote_line_ending_in_a_trimmed_mark_keeps_its_em_inside(test_fonts):
    # 上下左右、 at 10 pt in a 50 pt rectangle: 4.5 em with 、 trimmed to ½ em at the line's end, so
    # the composer centres it 2.5 pt in — but 、 is drawn with its whole em, which then ends at 52.5 pt,
    # past the edge. The line moves in by those 2.5 pt: its em boxes take exactly 0–50 pt. The break
    # stays where 避頭尾 allows it (、 never opens a line): 上下左右、 / 本報訊我區.
    from layout.page.verify import run_extent

    t = small_template()
    place = GridRect(1, 2, 1, 3, 4)
    rect = t.rect(place)
    s = replace(story(["一二三上下左右、本報訊我區四五"], [frame(1, 1, 1, 1, 10)]),
                pull_quote=PullQuote("上下左右、本報訊我區", place))
    items, over = pull_quote_items(s, t, Composer(test_fonts))
    assert over is None
    runs = [i for i in items if isinstance(i, TextRun)]
    assert [r.text for r in runs] == ["上下左右、", "本報訊我區"]
    boxes = [run_extent(r, test_fonts) for r in runs]
    assert [(b.x - rect.x, b.right - rect.x) for b in boxes] == [(0.0, 50.0), (0.0, 50.0)]


def test_a_pull_quote_is_broken_to_fit_across_its_place_real_fonts(tmp_path, real_fonts):
    # The reviewer's case: 經過居民“點單”、部門“接單” in one column: its first line ended in 、 reaching
    # 4.5 pt past the edge and the render failed however many lines the quote had. Every em box drawn
    # is inside now, in each edition.
    from layout.page.verify import run_extent

    body = "區民政局有關負責人介紹，今年的民生實事項目在年初經過居民“點單”、部門“接單”，列入區政府年度計劃。" * 3
    path = _issue(tmp_path, f"""  - id: lead
    headline: 學習討論會
    body: |
      {body}
    head: {{page: 2, col: 1, span: 4, line: 4, lines: 4}}
    frames:
      - {{page: 2, col: 1, span: 3, line: 8, lines: 20}}
    pull_quote:
      text: 經過居民“點單”、部門“接單”
      place: {{page: 2, col: 4, span: 1, line: 8, lines: 8}}
""")
    issue = load_issue(path)
    for edition in issue.editions:
        layout = layout_issue(issue, real_fonts, edition=edition)
        flow = layout.flows[0]
        assert not flow.elements_over
        rect = layout.issue.template.rect(flow.story.pull_quote.place)
        runs = [i for i in layout.pages[1].items if isinstance(i, TextRun) and rect.contains(
            run_extent(i, real_fonts), tolerance=20) and i.size == layout.issue.template.styles["pull_quote"].size]
        assert runs and all(rect.contains(run_extent(r, real_fonts), tolerance=0.01) for r in runs)


def test_the_body_flows_around_a_pull_quote_and_the_column_rules_stop_at_it(test_fonts):
    # The quote spans columns 2–3, lines 3–6 of a 3 × 10 frame: no body line there, and the rule in
    # the gutter between columns 2 and 3 is cut into the part above it and the part below it.
    t = small_template()
    place = GridRect(1, 2, 2, 3, 4)
    f = Frame(GridRect(1, 1, 3, 1, 10), exclude=(place,))
    s = _quote_story("一二三四五", place, [f])
    flow = flow_story(s, t, Composer(test_fonts))
    inside = {(c, ln) for c in (2, 3) for ln in range(3, 7)}
    cols = {t.column_x(c): c for c in (1, 2, 3)}
    assert not {(cols[p.x], p.grid_line) for p in flow.lines} & inside
    verify_complete(flow)
    rules = column_rules(s, t)[1]
    gutter_23 = [r for r in rules if t.column_x(2) + t.measure < r.x1 < t.column_x(3)]
    assert [(round(r.y1, 2), round(r.y2, 2)) for r in gutter_23] == [
        (round(t.line_y(1) + 3, 2), round(t.line_y(3) - 3, 2)), (round(t.line_y(7) + 3, 2), round(t.line_y(11) - 3, 2))]


ISSUE_HEAD = """template: xuhuibao-tabloid
paper: {name: 徐匯報}
issue: {number: 1, total: 9001, date: 2021-09-06}
pages:
  - {number: 1, section: 要聞}
  - {number: 2, section: 社區}
"""
BODY = "本報訊 徐匯區委、區政府舉行學習討論會，區委書記主持會議並強調，要全面推進各項目標任務，堅持穩中求進工作總基調。"


def _issue(tmp_path, stories: str, boxes: str = "") -> object:
    copy_issues(tmp_path / "issues")
    path = tmp_path / "issues" / "e.yaml"
    path.write_text(ISSUE_HEAD + "stories:\n" + stories + (("boxes:\n" + boxes) if boxes else ""), encoding="utf-8")
    return path


LEAD = f"""  - id: lead
    headline: 學習討論會
    byline: 記者 王小明
    byline_at: run-in
    body: |
      {BODY * 4}
    head: {{page: 2, col: 1, span: 6, line: 4, lines: 4}}
    frames:
      - {{page: 2, col: 1, span: 4, line: 8, lines: 20}}
"""


def test_a_pull_quote_not_in_the_story_is_refused_naming_file_line_and_key(tmp_path):
    path = _issue(tmp_path, LEAD + """    pull_quote:
      text: 這句話不在稿子裏
      place: {page: 2, col: 2, span: 2, line: 12, lines: 5}
""")
    with pytest.raises(LayoutError) as exc:
        load_issue(path)
    message = str(exc.value)
    assert "\n" not in message and "e.yaml" in message and "pull_quote.text" in message
    assert re.search(r"e\.yaml:18: stories\[lead\]\.pull_quote\.text", message) and "does not occur" in message


def test_a_pull_quote_inside_a_frame_is_excluded_and_one_across_its_edge_refused(tmp_path):
    inside = "      place: {page: 2, col: 2, span: 2, line: 12, lines: 5}\n"
    path = _issue(tmp_path, LEAD + "    pull_quote:\n      text: 堅持穩中求進工作總基調\n" + inside)
    issue = load_issue(path)
    lead = issue.stories[0]
    assert lead.frames[0].exclude == (GridRect(2, 2, 2, 12, 5),) == (lead.pull_quote.place,)
    across = "      place: {page: 2, col: 4, span: 2, line: 12, lines: 5}\n"
    path.write_text(path.read_text(encoding="utf-8").replace(inside, across), encoding="utf-8")
    with pytest.raises(LayoutError, match=r"pull_quote\.place.*partly inside"):
        load_issue(path)


def test_a_pull_quote_goes_on_a_page_of_its_story_touching_its_frames(tmp_path):
    # On a page where the story has no frame (its head alone is not enough): refused, naming the page.
    quote = "    pull_quote:\n      text: 堅持穩中求進工作總基調\n"
    path = _issue(tmp_path, LEAD + quote + "      place: {page: 1, col: 1, span: 2, line: 20, lines: 6}\n")
    with pytest.raises(LayoutError) as exc:
        load_issue(path)
    assert re.search(r"e\.yaml:\d+: stories\[lead\]\.pull_quote\.place\.page: .*page 1 holds none of the story's "
                     r"frames", str(exc.value))
    # On its page but touching none of its frames (columns 1–4, lines 8–27): refused.
    path = _issue(tmp_path / "b", LEAD + quote + "      place: {page: 2, col: 6, span: 1, line: 12, lines: 5}\n")
    with pytest.raises(LayoutError, match=r"stories\[lead\]\.pull_quote\.place: .*touches none of its frames"):
        load_issue(path)
    # Beside a frame, touching it (column 5 against column 4): accepted.
    path = _issue(tmp_path / "c", LEAD + quote + "      place: {page: 2, col: 5, span: 1, line: 12, lines: 5}\n")
    assert load_issue(path).stories[0].pull_quote.place == GridRect(2, 5, 1, 12, 5)


def test_a_pull_quote_that_does_not_fit_is_reported_as_an_overset(tmp_path, real_fonts):
    from layout.app.pipeline import overset_message

    path = _issue(tmp_path, LEAD + """    pull_quote:
      text: 區委書記主持會議並強調，要全面推進各項目標任務，堅持穩中求進工作總基調
      place: {page: 2, col: 5, span: 1, line: 8, lines: 3}
""")
    layout = layout_issue(load_issue(path), real_fonts)
    flow = next(f for f in layout.flows if f.story.id == "lead")
    [over] = flow.elements_over
    assert over.element == "pull quote" and over.lines > over.available and over.chars > 0
    assert "its pull quote (page 2)" in overset_message(layout)
    fit = report(layout.flows)[0]
    assert fit.status == "overset" and "pull quote" in table([fit])


# --- sidebars and the index ------------------------------------------------------------------------

SIDEBAR = """    sidebar:
      heading: 相關鏈接
      body: |
        徐匯區委、區政府舉行學習討論會。
      frames:
        - {page: 2, col: 5, span: 2, line: 8, lines: 6}
"""


def test_a_sidebar_is_a_story_of_its_own_with_its_heading_and_border(tmp_path, real_fonts):
    path = _issue(tmp_path, LEAD + SIDEBAR)
    issue = load_issue(path)
    side = issue.stories[1]
    # Its heading takes the first two grid lines of its first frame; the text the four under them.
    assert (side.id, side.sidebar_of, side.heading) == ("lead-sidebar", "lead", "相關鏈接")
    assert side.head == GridRect(2, 5, 2, 8, 2) and side.frames[0].place == GridRect(2, 5, 2, 10, 4)
    layout = layout_issue(issue, real_fonts)
    flow = next(f for f in layout.flows if f.story.id == "lead-sidebar")
    assert {p.grid_line for p in flow.lines} <= set(range(10, 14)) and flow.overset is None
    assert "lead-sidebar" in {f.story for f in report(layout.flows)}
    t = issue.template
    page2 = layout.pages[1].items
    heading = [i for i in page2 if isinstance(i, TextRun) and "相關" in i.text]
    band = t.rect(side.head)
    assert heading and band.y < heading[0].baseline < band.bottom
    # The border on the grid lines' edges: from the heading band's top to the frame's foot.
    border = [i for i in page2 if type(i).__name__ == "Rectangle" and i.stroke is not None
              and abs(i.y - band.y) < 0.01]
    assert border and border[0].y + border[0].h == pytest.approx(t.line_y(14))


def test_a_sidebar_heading_is_set_smaller_to_fit_its_band_by_hand(test_fonts):
    # The band: 1 column × 2 grid lines, 50 × 30 pt; the heading 0.5 em (5 pt) in: 45 pt for it.
    # 一二三四五六七八九 at 10 pt: 4 a line, 3 lines, where the band holds 2 (12 pt apart: 12 + 10 ≤ 30).
    # At 90 % (9 pt): 5 a line, 2 lines 10.8 pt apart, 19.8 pt centred in the 30: em tops 5.1 and 15.9.
    from layout.page.news_elements import sidebar_heading

    t = small_template()
    s = replace(story(["一二三"], [frame(1, 1, 1, 3, 5)]), head=GridRect(1, 1, 1, 1, 2), heading="一二三四五六七八九")
    items, over = sidebar_heading(s, t, Composer(test_fonts))
    band = t.rect(s.head)
    runs = [i for i in items if isinstance(i, TextRun)]
    assert over is None and [(r.text, r.size) for r in runs] == [("一二三四五", 9.0), ("六七八九", 9.0)]
    assert [round(r.baseline - 0.88 * r.size - band.y, 2) for r in runs] == [5.1, 15.9]
    assert all(r.x == band.x + 5 for r in runs)
    # Too long even at 70 %: two lines drawn in the band, the rest reported as an overset, the band in red.
    s = replace(s, heading="徐匯新聞社區老少故鄉上下左右本報")
    items, over = sidebar_heading(s, t, Composer(test_fonts))
    runs = [i for i in items if isinstance(i, TextRun)]
    assert (over.element, over.page, over.chars, over.lines, over.available) == ("heading", 1, 6, 3, 2)
    assert [r.text for r in runs] == ["徐匯新聞", "社區老少故鄉"] and {r.size for r in runs} == {7.0}
    assert all(band.y <= r.baseline - 0.88 * r.size and r.baseline + 0.12 * r.size <= band.bottom for r in runs)


def test_a_sidebar_heading_too_long_for_its_band_fails_the_render_naming_it(tmp_path, real_fonts):
    from layout.app.pipeline import overset_message
    from layout.page.verify import run_extent

    # One column: the long heading takes two lines at 90 % in its band, drawn inside it, and is noted.
    one_col = SIDEBAR.replace("heading: 相關鏈接", "heading: 這是一個非常長的相關鏈接標題文字要換行") \
        .replace("col: 5, span: 2", "col: 5, span: 1")
    layout = layout_issue(load_issue(_issue(tmp_path, LEAD + one_col)), real_fonts)
    side = next(f for f in layout.flows if f.story.id == "lead-sidebar")
    band = layout.issue.template.rect(side.story.head)
    heading = [i for i in layout.pages[1].items if isinstance(i, TextRun)
               and band.y <= i.baseline <= band.bottom + 5 and band.x - 1 <= i.x <= band.right
               and i.size < layout.issue.template.styles["sidebar_heading"].size]
    assert "".join(r.text for r in heading) == "這是一個非常長的相關鏈接標題文字要換行"
    assert all(band.contains(run_extent(r, real_fonts), tolerance=0.01) for r in heading)
    assert not side.elements_over and any("its heading is set at" in w for w in layout.grid_warnings)
    # Longer still: the render refuses it, naming the story and its heading, as an overset.
    longer = one_col.replace("標題文字要換行", "標題文字要換行還有更多的字數讓它放不下去了吧")
    layout = layout_issue(load_issue(_issue(tmp_path / "b", LEAD + longer)), real_fonts)
    message = overset_message(layout)
    assert message and "story 'lead-sidebar': its heading (page 2)" in message


def test_a_sidebar_too_short_for_its_heading_is_refused(tmp_path):
    path = _issue(tmp_path, LEAD + SIDEBAR.replace("line: 8, lines: 6", "line: 8, lines: 2"))
    with pytest.raises(LayoutError, match=r"sidebar\.frames.*at least 3 lines"):
        load_issue(path)


def test_index_lists_the_page_each_story_starts_on_from_the_layout(tmp_path, real_fonts):
    index = """  - id: inside
    kind: index
    entries:
      - {story: lead, text: 學習討論會召開}
    place: {page: 1, col: 1, span: 2, line: 13, lines: 6}
"""
    path = _issue(tmp_path, LEAD, index)
    layout = layout_issue(load_issue(path), real_fonts)
    drawn = "".join(i.text for i in layout.pages[0].items if isinstance(i, TextRun))
    assert "導讀" in drawn and "學習討論會召開" in drawn and "第2版" in drawn.replace(" ", "")
    # Move the story's head and text to page 1: the index follows, nothing typed changes.
    moved = path.read_text(encoding="utf-8").replace("page: 2, col: 1, span: 6, line: 4", "page: 1, col: 3, span: 4, line: 13") \
        .replace("{page: 2, col: 1, span: 4, line: 8, lines: 20}", "{page: 1, col: 3, span: 4, line: 17, lines: 40}")
    path.write_text(moved, encoding="utf-8")
    layout = layout_issue(load_issue(path), real_fonts)
    drawn = "".join(i.text for i in layout.pages[0].items if isinstance(i, TextRun)).replace(" ", "")
    assert "第1版" in drawn and "第2版" not in drawn


def test_index_entry_naming_no_story_is_refused(tmp_path):
    index = """  - id: inside
    kind: index
    entries:
      - {story: nobody, text: 學習討論會召開}
    place: {page: 1, col: 1, span: 2, line: 13, lines: 6}
"""
    with pytest.raises(LayoutError, match=r"entries\[1\]\.story.*no story 'nobody'"):
        load_issue(_issue(tmp_path, LEAD, index))


def test_index_box_geometry_by_hand(test_fonts):
    # A 2-column box (50 + 10 + 50 = 110 pt), inset 0.5 em (5 pt) each side: 100 pt inside. 第2版 is
    # 2 ideographs and a digit with ¼-em gaps: 10 + 2.5 + 5 + 2.5 + 10 = 30 pt, flush right at 105 pt;
    # the text gets 100 − 30 − 10 = 60 pt: six characters a line, on the grid lines under the heading.
    t = small_template()
    box = Box("i", BoxKind.INDEX, "", GridRect(1, 1, 2, 1, 8), False, heading="新聞",
              entries=(IndexEntry("a", "一二三四五六七八九"), IndexEntry("b", "十人大")))
    items, parts = index_items(box, t, Composer(test_fonts), {"a": 2, "b": 7})
    assert parts == ["新聞", "一二三四五六七八九", "第2版", "十人大", "第7版"]
    runs = [i for i in items if isinstance(i, TextRun)]
    rect = t.rect(box.place)
    entry_lines = [(r.text, round(r.baseline, 2)) for r in runs if r.text in ("一二三四五六", "七八九", "十人大")]
    assert entry_lines == [("一二三四五六", round(baseline_of(t, 3, 10), 2)), ("七八九", round(baseline_of(t, 4, 10), 2)),
                           ("十人大", round(baseline_of(t, 5, 10), 2))]
    label = "".join(r.text for r in runs if round(r.baseline, 2) == round(baseline_of(t, 3, 10), 2) and r.text not in
                    ("一二三四五六",))
    assert label.replace(" ", "") == "第2版"
    from layout.page.verify import run_extent
    ends = [run_extent(r, test_fonts) for r in runs if round(r.baseline, 2) == round(baseline_of(t, 3, 10), 2)]
    label_box = max(ends, key=lambda e: e.right)
    assert label_box.right == pytest.approx(rect.right - 5, abs=0.01)   # 版 ends at the inset
    assert min(e.x for e in ends if e.x > rect.x + 60) == pytest.approx(rect.right - 5 - 30, abs=0.01)   # 第 at 95


# --- the sample and the editions ---------------------------------------------------------------------

def test_sample_1638_carries_every_element_and_its_simplified_edition_converts_them(real_fonts):
    issue = load_issue(ROOT / "issues" / "1638.yaml")
    stories = {s.id: s for s in issue.stories}
    assert stories["study-session"].byline and stories["study-session"].pull_quote
    assert stories["guxiang-4"].byline and "guxiang-4-sidebar" in stories
    assert any(b.kind is BoxKind.INDEX for b in issue.boxes) and any(p.credit for p in issue.photos)
    layout = layout_issue(issue, real_fonts, edition="hans")
    page1 = "".join(i.text for i in layout.pages[0].items if isinstance(i, TextRun))
    page4 = "".join(i.text for i in layout.pages[3].items if isinstance(i, TextRun))
    assert "导读" in page1 and "记者 王小明 摄" in page1 and "（记者 王小明 通讯员 徐汇宣）" in page1.replace("\n", "")
    assert "相关链接" in page4
    study = next(f for f in layout.flows if f.story.id == "study-session")
    assert study.story.pull_quote.text in "".join(b.text for b in study.story.blocks)
    assert not study.elements_over and study.overset is None


def test_sample_1638_no_frame_of_a_story_sits_under_another_on_its_page():
    # 1638 p4 had guxiang-4's frame 1 across six columns right over its frame 2 across five: reading down
    # column 1 ran from frame 1 into frame 2, which goes on from column 6. A later frame on the same page
    # sits beside the earlier ones (or on other columns), never under their columns.
    from pathlib import Path

    from layout.issue.loader import load_issue

    issue = load_issue(Path(__file__).parent.parent / "issues" / "1638.yaml")
    for placed in issue.stories:
        for k, later in enumerate(placed.frames):
            for earlier in placed.frames[:k]:
                a, b = earlier.place, later.place
                if a.page != b.page:
                    continue
                shared = set(range(a.col, a.col + a.span)) & set(range(b.col, b.col + b.span))
                assert not (shared and b.line >= a.line + a.lines), (placed.id, a, b)
