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
