"""Column rules (欄線) where the text columns are: read back from the PDF, no rule crosses a glyph, and
each sits in the middle of the gap between the text columns on either side of it — for frames set in
the grid's columns and for frames whose ``columns:`` sets wider ones over them. And the rules between
neighbours: a story beside another story, a box or a photo is parted from it by a rule in the middle of the
gutter, along the lines both hold (hand-worked on the test font), never through a head or any text."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import replace

import pytest

from layout.app.pipeline import render
from layout.compose.scripts import Edition
from layout.issue.loader import load_issue
from layout.issue.model import (Block, BlockKind, BorderStyle, Box, BoxKind, Frame, GridRect, Inline, Issue,
                                PageSpec, Paper, Photo, Story)
from layout.page.assemble import layout_issue
from layout.page.furniture import column_rules, neighbour_rules
from layout.page.grid import EM_TOP
from layout.page.items import Picture, Rectangle, Rule, TextRun
from layout.page.verify import run_extent

from conftest import ROOT
from test_flow import small_template

GUXIANG = ROOT / "issues" / "texts" / "zh-guxiang.txt"


def _issue(tmp_path):
    """Three stories on page 1: five text columns over the grid's six, two over three, and the grid's own
    three; each frame roomier than its text, so nothing is overset, and balanced, so every column has
    text beside its rules."""
    shutil.copytree(ROOT / "issues" / "templates", tmp_path / "templates")
    paragraphs = [ln for ln in GUXIANG.read_text(encoding="utf-8").splitlines() if ln.strip()]
    (tmp_path / "a.md").write_text("\n".join(paragraphs[:12]) + "\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("\n".join(paragraphs[12:15]) + "\n", encoding="utf-8")
    (tmp_path / "c.md").write_text("\n".join(paragraphs[15:18]) + "\n", encoding="utf-8")
    path = tmp_path / "rules.yaml"
    path.write_text(
        "template: xuhuibao-tabloid\npaper: {name: 徐匯報}\n"
        "issue: {number: 1, total: 2, date: 2021-11-29}\npages:\n  - {number: 1, section: 要聞}\n"
        "stories:\n"
        "  - id: five-over-six\n    text: a.md\n    balance: true\n    frames:\n"
        "      - {page: 1, col: 1, span: 6, line: 14, lines: 30, columns: 5}\n"
        "  - id: two-over-three\n    text: b.md\n    balance: true\n    frames:\n"
        "      - {page: 1, col: 1, span: 3, line: 46, lines: 26, columns: 2}\n"
        "  - id: grid-three\n    text: c.md\n    balance: true\n    frames:\n"
        "      - {page: 1, col: 4, span: 3, line: 46, lines: 26}\n", encoding="utf-8")
    return path


def _rules_and_glyphs(pdf):
    """Vertical rules as (x, bottom, top) and glyph boxes as (left, bottom, right, top), in PDF points."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    doc = pdfium.PdfDocument(str(pdf))
    page = doc[0]
    rules = []
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH]):
        left, bottom, right, top = obj.get_bounds()
        if right - left < 1.0 and top - bottom > 20:
            rules.append(((left + right) / 2, bottom, top))
    tp = page.get_textpage()
    glyphs = [tp.get_charbox(i) for i in range(tp.count_chars()) if tp.get_text_range(i, 1).strip()]
    doc.close()
    return rules, glyphs


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, real_fonts):
    tmp = tmp_path_factory.mktemp("rules")
    result = render(_issue(tmp), tmp / "out", fonts=real_fonts)
    return result, _rules_and_glyphs(result.files[0])


def test_no_rule_crosses_a_glyph(rendered):
    _, (rules, glyphs) = rendered
    # 4 rules between five columns, 1 between two, 2 between the grid's three, and 1 between the two
    # stories side by side under the first (two-over-three in columns 1–3, grid-three in 4–6).
    assert len(rules) == 8, rules
    for x, bottom, top in rules:
        crossing = [g for g in glyphs if g[0] - 0.1 < x < g[2] + 0.1 and g[1] < top and g[3] > bottom]
        assert not crossing, (x, crossing[:3])


def test_each_rule_is_in_the_middle_of_its_gutter(rendered):
    result, (rules, glyphs) = rendered
    t = result.layout.issue.template
    for x, bottom, top in rules:
        # The nearest ink on either side, over the rule's height: the text columns' edges.
        beside = [g for g in glyphs if g[1] < top and g[3] > bottom]
        left = max(g[2] for g in beside if g[2] <= x)
        right = min(g[0] for g in beside if g[0] >= x)
        gap = right - left
        assert gap > 0.5 * t.gutter, (x, left, right)
        # Glyph boxes are ink, not em boxes: the rule is within a point of the middle of the gap.
        assert abs(x - (left + right) / 2) < 1.5, (x, left, right)


# --- rules between neighbours, hand-worked on the test font ----------------------------------------

TEXT = "一二三四五六七八九十人大中天日月山水火木金土上下左右本報訊我"     # 30 ideographs


def _story(sid, frames, head=None, headline=None, box=None) -> Story:
    blocks = (Block(BlockKind.PARA, (Inline(TEXT),)),)
    return Story(sid, None, headline, None, blocks, head, tuple(frames), "test", box=box)


def _neighbours() -> Issue:
    """The small template (3 columns of 50 pt, 10 pt gutters, from x = 20; 20 lines of 15 pt from y = 20).

    Page 1: story a in column 1, lines 1–9, beside story b (head over columns 2–3 in lines 1–2, text
    under it in lines 3–9); story c's head across all three columns in lines 10–11, its text in columns
    1–2, lines 12–20, beside a notice box in column 3.
    Page 2: a bordered story d in column 1 beside story e in column 2, lines 1–10; story f in column 3,
    lines 1–10, its lines 4–6 excluded and empty; a box in column 1 beside a photo over columns 2–3, lines
    12–20. Page 3: story g over columns 1–2, lines 1–10, a photo in the rectangle it excludes in column 2,
    lines 1–4. Page 4: story h in column 1 beside story i in column 2, lines 1–10, over a bordered story j
    across both, lines 11–20. No marks, so no slug line (the test font has no 期)."""
    t = small_template()
    t = replace(t, printing=replace(t.printing, marks=False))
    stories = (
        _story("a", [Frame(GridRect(1, 1, 1, 1, 9))]),
        _story("b", [Frame(GridRect(1, 2, 2, 3, 7))], GridRect(1, 2, 2, 1, 2), "會議精神"),
        _story("c", [Frame(GridRect(1, 1, 2, 12, 9))], GridRect(1, 1, 3, 10, 2), "徐匯新聞"),
        _story("d", [Frame(GridRect(2, 1, 1, 1, 10))], box=BorderStyle.SINGLE),
        _story("e", [Frame(GridRect(2, 2, 1, 1, 10))]),
        _story("f", [Frame(GridRect(2, 3, 1, 1, 10), exclude=(GridRect(2, 3, 1, 4, 3),))]),
        _story("g", [Frame(GridRect(3, 1, 2, 1, 10), exclude=(GridRect(3, 2, 1, 1, 4),))]),
        _story("h", [Frame(GridRect(4, 1, 1, 1, 10))]),
        _story("i", [Frame(GridRect(4, 2, 1, 1, 10))]),
        _story("j", [Frame(GridRect(4, 1, 2, 11, 10))], box=BorderStyle.SINGLE),
    )
    boxes = (Box("x", BoxKind.NOTICE, "本報", GridRect(1, 3, 1, 12, 9), False),
             Box("y", BoxKind.NOTICE, "本報", GridRect(2, 1, 1, 12, 9), False))
    photo = ROOT / "issues" / "1650" / "sample-photo.jpg"
    photos = (Photo("p", photo, GridRect(2, 2, 2, 12, 9), None, None, (0.5, 0.5), False),
              Photo("q", photo, GridRect(3, 2, 1, 1, 4), None, None, (0.5, 0.5), False))
    return Issue(ROOT / "issues" / "x.yaml", t, Paper("報", None, None), 1, 1, dt.date(2021, 1, 4),
                 tuple(PageSpec(n, "要聞", None) for n in (1, 2, 3, 4)), stories, boxes, photos,
                 script=Edition.named("hant"))


def test_neighbours_are_parted_by_a_rule_in_the_middle_of_their_gutter():
    """Gutter 1|2 is x = 20 + 50 + 10/2 = 75, gutter 2|3 is 135. A rule runs from 0.2 pitch (3 pt) below
    the top of the first line both sides hold to 3 pt above the foot of the last: a|b from line 1 (y 20 +
    3 = 23), stopping short of c's head across both in line 10 and of the hairline over that head, which
    crosses the gutter in line 9 (y 155 − 7.5 = 147.5): down to the foot of line 8 (20 + 8 × 15 − 3 =
    137); c|the notice over lines 12–20 (y 20 + 11 × 15 + 3 = 188 to 20 + 20 × 15 − 3 = 317). None in
    b's and c's own gutters (their column rules are there), none through c's head. On page 2: none beside
    the bordered d (its border parts it), e|f cut round f's empty excluded lines 4–6 (y 23 to 62 and 113
    to 167), and none between the box and the photo (neither is a story). On page 3 none: g's text beside
    the photo in its own excluded rectangle is in g's own gutter, which has g's column rule (test below).
    On page 4 h|i from y 23, stopping short of j's border, whose top (0.4 pitch over j's first line:
    170 − 6 = 164) crosses the gutter in line 10: down to the foot of line 9 (20 + 9 × 15 − 3 = 152)."""
    rules = neighbour_rules(_neighbours())
    assert rules == {1: [Rule(75, 23, 75, 137, 0.3), Rule(135, 188, 135, 317, 0.3)],
                     2: [Rule(135, 23, 135, 62, 0.3), Rule(135, 113, 135, 167, 0.3)],
                     4: [Rule(75, 23, 75, 152, 0.3)]}


def test_a_frames_own_gutter_keeps_its_one_rule(test_fonts):
    """c's frame over columns 1–2 has its own column rule in gutter 1|2 (lines 12–20); its neighbour's rule
    is not drawn over it a second time, and b's own gutter 2|3 has only b's rule. On page 3, g's text and
    the photo in its excluded rectangle are parted by g's own rule (lines 1–10: y 23 to 167), once."""
    issue = _neighbours()
    layout = layout_issue(issue, test_fonts)
    page1 = [i for i in layout.pages[0].items if isinstance(i, Rule) and i.x1 == i.x2]
    own = column_rules(issue.stories[2], issue.template)[1] + column_rules(issue.stories[1], issue.template)[1]
    assert sorted((r.x1, r.y1, r.y2) for r in page1) == sorted(
        [(75, 23, 137), (135, 188, 317)] + [(r.x1, r.y1, r.y2) for r in own])
    assert [(r.x1, r.y1, r.y2) for r in own] == [(75, 188, 317), (135, 53, 152)]
    page3 = [(i.x1, i.y1, i.y2) for i in layout.pages[2].items if isinstance(i, Rule) and i.x1 == i.x2]
    assert page3 == [(75, 23, 167)]     # g's own rule, beside the photo too (its rectangle is not across it)


def _extent(item, fonts):
    """(left, top, right, bottom) of what an item draws: a text run's em boxes (turned ones too), a
    rectangle, a picture, a rule."""
    if isinstance(item, TextRun):
        box = run_extent(item, fonts)
        if item.angle == -90.0:     # turned clockwise about (x, baseline): it reads down the page
            return (item.x - (1 - EM_TOP) * item.size, item.baseline, item.x + EM_TOP * item.size,
                    item.baseline + box.w)
        assert not item.angle, item
        return (box.x, box.y, box.right, box.bottom)
    if isinstance(item, (Rectangle, Picture)):
        return (item.x, item.y, item.x + item.w, item.y + item.h)
    if isinstance(item, Rule):
        return (min(item.x1, item.x2), min(item.y1, item.y2), max(item.x1, item.x2), max(item.y1, item.y2))
    return None


def _crossings(layout, fonts):
    """Every neighbour rule of the layout, and what drawn on its page it touches (its own rule aside)."""
    found, count = [], 0
    for page in layout.pages:
        rules = neighbour_rules(layout.issue).get(page.number, [])
        count += len(rules)
        for rule in rules:
            assert rule in page.items
            for item in page.items:
                e = _extent(item, fonts)
                if item == rule or e is None:
                    continue
                if e[0] - 0.2 < rule.x1 < e[2] + 0.2 and e[1] < rule.y2 and e[3] > rule.y1:
                    found.append((page.number, rule, item))
    return count, found


def test_no_neighbour_rule_touches_anything_drawn(test_fonts):
    count, found = _crossings(layout_issue(_neighbours(), test_fonts), test_fonts)
    assert count == 5 and not found, found


@pytest.mark.parametrize("name, edition, expected", [("1638", None, 6), ("1650", "hans", 4)])
def test_the_sample_issues_neighbour_rules_cross_no_text(real_fonts, name, edition, expected):
    """1638 page 3: community-spaces (columns 1–2) and guxiang-3 (3–5) are parted, lines 4–24, then
    community-spaces and the advertisement under guxiang-3, lines 26–30 (line 25 is blank on the right);
    1650 page 1: the two stories under the lead, heads and text, lines 29–55, then the photo and
    community-spaces, lines 57–58 (line 56 is blank on the left). No rule touches a glyph, a picture, a
    box or a rule."""
    layout = layout_issue(load_issue(ROOT / "issues" / f"{name}.yaml"), real_fonts, edition=edition)
    count, found = _crossings(layout, real_fonts)
    assert count == expected and not found, found[:3]
    t = layout.issue.template
    col, page = (3, 1) if name == "1650" else (2, 3)
    x = t.column_x(col) + t.measure + t.gutter / 2
    spans = [(round((r.y1 - t.margin_top) / t.pitch + 1, 1), round((r.y2 - t.margin_top) / t.pitch + 1, 1))
             for r in neighbour_rules(layout.issue)[page] if r.x1 == x]
    assert spans == ([(29.2, 55.8), (57.2, 58.8)] if name == "1650" else [(4.2, 24.8), (26.2, 30.8)])


def test_a_boxed_storys_column_rules_sit_between_its_text_columns(test_fonts):
    """A single-bordered story across the small template's three columns keeps its text 0.25 + 0.25 + 0.5
    = 1 pt inside the type area's edges (flow.frame_slots): 168 pt for three columns and two gutters of
    at least 10 pt, so columns of 4 em (40 pt) from x = 21, 85 and 149, gutters of 24 pt. Its rules sit in
    those gutters' middles, x = 61 + 12 = 73 and 125 + 12 = 137 (not the grid's 75 and 135), lines 1–10."""
    t = small_template()
    s = _story("boxed", [Frame(GridRect(1, 1, 3, 1, 10))], box=BorderStyle.SINGLE)
    assert [(r.x1, r.y1, r.y2) for r in column_rules(s, t)[1]] == [(73, 23, 167), (137, 23, 167)]


def test_a_photo_in_a_storys_excluded_rectangle_is_parted_from_a_box_as_the_story_is():
    """The photo stands in its story's frame (an excluded rectangle): beside a box it is the story's, so
    the gutter between them is ruled; beside its own story's text it is not."""
    from layout.issue.model import Box, BoxKind, Frame, GridRect, Photo, Story
    from layout.page.furniture import _owners, _parted
    from dataclasses import replace
    from pathlib import Path

    from layout.issue.loader import load_issue
    from conftest import ROOT

    issue = load_issue(ROOT / "issues" / "1650.yaml")
    photo_rect = GridRect(2, 3, 1, 10, 8)
    story = Story("s", None, None, None, (), None, (Frame(GridRect(2, 1, 3, 10, 20), exclude=(photo_rect,)),), "t")
    photo = Photo("p", Path("x.jpg"), photo_rect, None, None, (0.5, 0.5), False)
    box = Box("b", BoxKind.NOTICE, "啟事", GridRect(2, 4, 2, 10, 8), False)
    issue = replace(issue, stories=(story,), photos=(photo,), boxes=(box,))
    cells, _ = _owners(issue, 2)
    assert cells[(3, 12)][1] == "s"                              # the photo's cells are the story's
    assert _parted(cells[(3, 12)], cells[(4, 12)])              # photo | box: ruled
    assert not _parted(cells[(2, 12)], cells[(3, 12)])          # the story's text | its photo: not
