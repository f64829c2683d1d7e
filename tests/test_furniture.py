"""Page furniture: masthead QR codes that scan, headline breaking, every element inside its grid
rectangle and inside the page, nothing overlapping."""

from __future__ import annotations

import pytest

from layout.page.assemble import composer_for
from layout.page.furniture import (box_items, fit_headline, headline_block, masthead, photo_items, running_head)
from layout.page.items import Picture, Rectangle, Rule, TextRun
from layout.issue.loader import load_issue
from layout.issue.model import GridRect
from layout.compose.atoms import Align
from layout.base.units import Rect

from conftest import ROOT

ISSUE = ROOT / "issues" / "1650.yaml"


def test_qr_codes_scan_back_to_their_urls(sample_render):
    zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp decodes the QR codes (pip install '.[test]')")
    import pypdfium2 as pdfium

    issue = load_issue(ISSUE)
    doc = pdfium.PdfDocument(str(sample_render.files[0]))
    image = doc[0].render(scale=300 / 72, grayscale=True).to_pil()
    doc.close()
    found = {r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode}
    assert found == {c.url for c in issue.paper.channels}
    assert len(issue.paper.channels) == 4


def _extent(item, fonts) -> Rect:
    if isinstance(item, TextRun):
        face = fonts.faces[item.face]
        width = sum(face.advance(ch) * item.size * item.hscale + item.char_space for ch in item.text)
        return Rect(item.x, item.baseline - 0.88 * item.size, width - item.char_space, item.size)
    if isinstance(item, (Rectangle, Picture)):
        return Rect(item.x, item.y, item.w, item.h)
    if isinstance(item, Rule):
        return Rect(min(item.x1, item.x2), min(item.y1, item.y2), abs(item.x2 - item.x1), abs(item.y2 - item.y1))
    raise TypeError(item)


def _inside(items, rect: Rect, fonts, slack: float = 0.6):
    for item in items:
        e = _extent(item, fonts)
        assert rect.outset(slack).contains(e), (item, rect)


def test_every_element_stays_in_its_grid_rectangle(real_fonts):
    issue = load_issue(ISSUE)
    t = issue.template
    composer = composer_for(issue.template, real_fonts)
    page = Rect(0, 0, t.trim_w, t.trim_h)
    rects = []
    mast = t.rect(GridRect(1, 1, t.columns, 1, t.masthead_lines))
    _inside(masthead(issue, composer), mast, real_fonts)
    rects.append((1, mast))
    head2 = t.rect(GridRect(2, 1, t.columns, 1, t.running_head_lines))
    _inside(running_head(issue, 2, composer), head2, real_fonts)
    rects.append((2, head2))
    for story in issue.stories:
        rect = t.rect(story.head)
        _inside(headline_block(story, rect, t, composer), rect, real_fonts)
        rects.append((story.head.page, rect))
        rects += [(f.place.page, t.rect(f.place)) for f in story.frames]
    for box in issue.boxes:
        _inside(box_items(box, t, composer), t.rect(box.place), real_fonts)
        rects.append((box.place.page, t.rect(box.place)))
    for photo in issue.photos:
        _inside(photo_items(photo, t, composer), t.rect(photo.place), real_fonts)
        rects.append((photo.place.page, t.rect(photo.place)))
    for k, (p, a) in enumerate(rects):
        assert page.contains(a)
        # every element's rectangle starts and ends on grid lines
        assert abs((a.y - t.margin_top) / t.pitch - round((a.y - t.margin_top) / t.pitch)) < 1e-6
        for q, b in rects[k + 1:]:
            assert p != q or not a.overlaps(b), (a, b)


def _lines(test_fonts, text, size, width, **kw):
    from layout.compose.linebreak import Composer

    return fit_headline(Composer(test_fonts), text, "headline", size, width, Align.CENTER, **kw)


def test_headline_breaks_where_the_editor_put_a_space(test_fonts):
    # "奮進卓越 徐匯新聞" does not fit 7 em on one line: it breaks at the space, one part a line.
    lines = _lines(test_fonts, "會議精神 徐匯新聞", 10, 70)
    assert [ln.text for ln in lines] == ["會議精神", "徐匯新聞"]


def test_headline_breaks_after_a_comma(test_fonts):
    lines = _lines(test_fonts, "老少社空間，會議精神大", 10, 70)
    assert [ln.text for ln in lines] == ["老少社空間，", "會議精神大"]


def test_headline_never_leaves_a_lone_character(test_fonts):
    # Nine ideographs at 8 em would leave one alone on line 2; the lines are balanced instead.
    for text in ("一二三四五六七八九", "一二三四五六七八九十人大中天日月山"):
        for width in (60, 80, 100):
            lines = _lines(test_fonts, text, 10, width)
            assert "".join(ln.text for ln in lines) == text
            assert all(len(ln.text) >= 2 for ln in lines), [ln.text for ln in lines]
            assert all(ln.width <= width + 1e-6 for ln in lines)


def test_fit_to_width_fills_the_line(test_fonts):
    # Four ideographs at 10 pt take 40 pt; filling 60 pt sets them at 15 pt.
    lines = _lines(test_fonts, "會議精神", 10, 60, fill=True)
    assert len(lines) == 1 and lines[0].width == pytest.approx(60, abs=0.5)
    assert lines[0].size == pytest.approx(15, abs=0.1)


def test_qr_modules_from_the_disk_cache_are_segnos(tmp_path, monkeypatch):
    import segno

    from layout.page import furniture as furniture

    monkeypatch.setenv("LAYOUT_CACHE_DIR", str(tmp_path))
    url = "http://www.xuhuibao.com/weixin"
    expected = [bytes(1 if m else 0 for m in row) for row in segno.make(url, error="m", micro=False).matrix]
    assert furniture._qr_matrix(url) == expected                  # encoded, then kept
    [kept] = (tmp_path / "qr").iterdir()
    assert furniture._qr_matrix(url) == expected                  # read back
    kept.write_bytes(b"\x01\x00\n\x07")                           # damaged: encoded again
    assert furniture._qr_matrix(url) == expected


def test_a_filled_headline_never_runs_past_its_head(test_fonts):
    """fit_headline grows a one-line headline to fill its width; where that size is too tall for the
    head's rectangle, the headline is set smaller instead of running into what lies under it."""
    from dataclasses import replace

    from layout.base.units import Rect
    from layout.compose.linebreak import Composer
    from layout.issue.model import Story
    from layout.page.furniture import HEAD_LEADING

    t = load_issue(ISSUE).template
    story = Story("s", None, "會議", None, (), None, (), "test", fit_headline=True)
    composer = Composer(test_fonts)
    # Two ideographs filling 200 pt would be 100 pt tall; the head is 2 grid lines.
    rect = Rect(0, 0, 200, 2 * t.pitch)
    items = headline_block(story, rect, t, composer)
    sizes = {round(i.size, 2) for i in items if hasattr(i, "size")}
    assert sizes and max(sizes) * HEAD_LEADING <= rect.h + 1e-6
    # Where the grown size fits, it is still used: larger than the style's 30 pt.
    tall = Rect(0, 0, 200, 20 * t.pitch)
    filled = [i for i in headline_block(replace(story), tall, t, composer) if hasattr(i, "size")]
    assert max(i.size for i in filled) > t.styles["headline"].size


def test_a_story_border_stays_under_the_running_head_rule_and_clear_of_the_text(real_fonts):
    # Issue 1638 p8: guxiang-8 (box: double) has its head on line 4, right under the 報眉 (lines 1–3),
    # and its frames across all six columns. Its border's outer rule was 0.4 pitch above line 4 (over the
    # running head's rule, which is 0.25 pitch above line 4, 1 pt) and half a gutter past the type area.
    from dataclasses import replace

    from layout.page.furniture import BORDER_CLEAR, BOX_GAP, RUNNING_HEAD_RULE, border_outline, story_border

    issue = load_issue(ROOT / "issues" / "1638.yaml")
    t = issue.template
    story = next(s for s in issue.stories if s.id == "guxiang-8")
    area, top = t.type_area, t.line_y(4)
    rule_foot = top - RUNNING_HEAD_RULE * t.pitch + 0.5
    outline = border_outline(story, 8, t)
    # Below the rule (the outer stroke's half weight 0.25 and the clearance), and the inner rule (1.5 in,
    # 0.5 pt) still above the head's grid line, clear of its type.
    assert outline.y == pytest.approx(rule_foot + BORDER_CLEAR + 0.25)
    assert outline.y + 1.5 + 0.25 <= top
    # Its text keeps inside the type area's edges by the border's reach and ¼ em (0.25 + 1.75 + 2.25 =
    # 4.25 pt), its columns still 11 em (the gutters give up the room): the border is drawn inside the type
    # area, its outer stroke's half weight in from its edges — it was 2.25 pt outside them, on the text's
    # edge — and its inner stroke 2.25 pt clear of the text.
    from layout.page.flow import flow_story

    assert outline.x == pytest.approx(area.x + 0.25)
    assert outline.right == pytest.approx(area.right - 0.25)
    flow = flow_story(story, t, composer_for(t, real_fonts))
    xs = sorted({p.x for p in flow.lines})
    assert len(xs) == 6 and {p.line.measure for p in flow.lines} == {t.measure}
    assert xs[0] == pytest.approx(area.x + 4.25) and xs[-1] + t.measure == pytest.approx(area.right - 4.25)
    assert xs[0] - (outline.x + 1.75) == pytest.approx(0.25 * t.body.size)
    # A boxed story inside the type area: half a gutter outside its columns, as before; below, into the
    # blank line under it, but never past the type area's foot.
    narrow = replace(story, frames=tuple(replace(f, place=replace(f.place, col=2, span=4, lines=t.lines - 7))
                                         for f in story.frames),
                     head=replace(story.head, col=2, span=4))
    inner = border_outline(narrow, 8, t)
    assert inner.x == pytest.approx(t.column_x(2) - t.gutter * BOX_GAP)
    assert inner.bottom <= area.bottom - 0.25 + 1e-9
    assert story_border(story, 7, t) == []


def test_a_border_at_the_foot_of_the_type_area_stays_clear_of_the_last_line():
    """A thick-thin border round a frame ending on the page's last grid line: its inner rule runs under
    the last line's em box, not through it (the border goes into the bottom margin where it must)."""
    from layout.issue.model import BorderStyle, Frame, Story
    from layout.page.flow import BORDER_CLEAR, BORDER_REACH
    from layout.page.furniture import border_outline

    t = load_issue(ISSUE).template
    for style in BorderStyle:
        frame = Frame(GridRect(2, 1, 1, 14, t.lines - 13))
        story = Story("s", None, None, None, (), None, (frame,), "test", box=style)
        outline = border_outline(story, 2, t)
        out, inside = BORDER_REACH[style]
        text_foot = t.rect(frame.place).bottom - (t.pitch - t.body.size) / 2
        assert outline.bottom - inside >= text_foot + BORDER_CLEAR - 1e-6, style
