"""Heads set vertically (直排): compose/vertical.py and page/vertical_head.py, worked by hand on the test
font (every ideograph and vertical form 1 em, Latin letters and digits ½ em, marks with their blank
half in 'halt'), and one issue rendered with the real fonts, read back from its PDF."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from layout.base.errors import LayoutError
from layout.compose.linebreak import Composer
from layout.compose.settings import CompositionSettings, PunctuationPosition
from layout.compose.vertical import VERTICAL_FORMS, Orientation, break_columns, fit_vertical, set_column, vertical_units
from layout.fonts.charsets import presented
from layout.fonts.faces import FontSet, load_face
from layout.issue.loader import load_issue
from layout.page.assemble import composer_for
from layout.page.items import TextRun
from layout.page.vertical_head import vertical_head

from conftest import ROOT

SIZE = 10.0   # pt: an ideograph is 10 pt, a Latin letter or digit 5 pt
GAP = 0.25    # em: the template's Han–Latin gap


def _units(text, fonts, cns=False):
    settings = CompositionSettings(position=PunctuationPosition.CNS if cns else PunctuationPosition.GB)
    return vertical_units(text, "headline", SIZE, Composer(fonts, settings))


# --- compose: units, forms, positions down a column ---------------------------------------------

def test_ideographs_stand_on_one_em_and_brackets_take_their_vertical_forms(test_fonts):
    units = _units("徐匯（新聞）", test_fonts)
    assert [u.text for u in units] == ["徐", "匯", "︵", "新", "聞", "︶"]
    assert all(u.orientation is Orientation.UPRIGHT for u in units)
    column = set_column(units, GAP)
    # Each unit 10 pt down the column; the closing bracket's blank lower half is given back at the
    # column's end (it is centred on 55 pt), but its em box still reaches 60 pt (what must fit).
    assert column.ys == (0, 10, 20, 30, 40, 50)
    assert (column.length, column.reach) == (55, 60)


def test_adjacent_marks_take_one_and_a_half_em(test_fonts):
    # 人「大」。」中: 」 gives its lower half to 。, 。 its lower half to 」 (clreq, as across a line).
    column = set_column(_units("人「大」。」中", test_fonts), GAP)
    assert [u.text for u in column.units] == ["人", "﹁", "大", "﹂", "︒", "﹂", "中"]
    assert column.ys == (0, 10, 20, 30, 35, 40, 50)
    assert column.length == 60


def test_quotation_marks_become_corner_brackets_and_dashes_vertical_lines(test_fonts):
    units = _units("“大”‘人’十——九……", test_fonts)
    assert "".join(u.text for u in units) == "﹃大﹄﹁人﹂十︱︱九︙︙"
    dash = next(u for u in units if u.source == "——")
    assert dash.length == 20 and dash.orientation is Orientation.UPRIGHT   # one 2-em unit, never broken


def test_one_or_two_digits_stand_upright_and_longer_latin_is_turned(test_fonts):
    units = _units("第2版12上F1下123人", test_fonts)
    kinds = [(u.source, u.orientation.value) for u in units]
    assert kinds == [("第", "upright"), ("2", "upright"), ("版", "upright"), ("12", "pair"), ("上", "upright"),
                     ("F1", "rotated"), ("下", "upright"), ("123", "rotated"), ("人", "upright")]
    column = set_column(units, GAP)
    # 12 fits its em exactly (two ½-em digits); F1 and 123 run 10 and 15 pt down the column, 2.5 pt
    # (¼ em) from the ideographs on either side.
    assert column.ys == (0, 10, 20, 30, 40, 52.5, 65, 77.5, 95)
    assert column.length == 105
    pair = units[3]
    assert pair.hscale == 1.0


def test_a_latin_phrase_with_spaces_is_one_turned_run(test_fonts):
    units = _units("社區ABC 12a空間", test_fonts)
    # Its words turned one by one (12a too, however short), a Latin word space between them, so a
    # column may end between two words.
    assert [u.source for u in units] == ["社", "區", "ABC", " ", "12a", "空", "間"]
    assert [u.orientation.value for u in units[2:5:2]] == ["rotated", "rotated"]
    # 6 letters of ½ em and a ¼-em space: 32.5 pt, 2.5 pt from 區 and 空.
    assert sum(u.length for u in units[2:5]) == 32.5
    assert set_column(units, GAP).ys == (0, 10, 22.5, 37.5, 40, 57.5, 67.5)


def test_cns_marks_stand_centred_as_they_are(test_fonts):
    units = _units("徐匯，新聞。（大）", test_fonts, cns=True)
    assert "".join(u.text for u in units) == "徐匯，新聞。︵大︶"
    # Centred marks are never cut: 。 keeps its whole em before ︵.
    assert set_column(units, GAP).ys == (0, 10, 20, 30, 40, 50, 60, 70, 80)


def test_without_vertical_forms_brackets_are_turned_and_gb_marks_move_top_right(tmp_path, test_face):
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(test_face.path)
    keep = [cp for cp in font.getBestCmap() if not 0xFE10 <= cp <= 0xFE4F]
    subsetter = subset.Subsetter(subset.Options(layout_features=["halt"]))
    subsetter.populate(unicodes=keep)
    subsetter.subset(font)
    font.save(tmp_path / "plain.ttf")
    plain = load_face(tmp_path / "plain.ttf", "plain")
    fonts = FontSet({"plain": plain}, {r: ("plain",) for r in ("body", "headline", "sans", "kai")})
    units = _units("人（大）。", fonts)
    assert [(u.text, u.orientation.value) for u in units] == [
        ("人", "upright"), ("（", "rotated"), ("大", "upright"), ("）", "rotated"), ("。", "upright")]
    stop = units[-1]
    assert (stop.dx, stop.dy, stop.bottom) == (5.0, -5.0, 5.0)   # its ink from the lower left to the top right
    # ！ ？ ： ； stand centred down the em as their forms do: moved only across, to the middle (its ink
    # is in the left half: 2.5 pt right), keeping the whole em (nothing for a neighbour to take).
    bang = _units("大！", fonts)[-1]
    assert (bang.dx, bang.dy, bang.top, bang.bottom) == (2.5, 0.0, 0.0, 0.0)


def test_columns_never_open_with_a_closing_mark(test_fonts):
    composer = Composer(test_fonts)
    units = _units("一二三四五」六七八九", test_fonts)
    columns = break_columns(units, "一二三四五」六七八九", composer, math.inf, (2,), wordwise=False)
    # The even break (after 五) would open the second column with 」: it stays at the first's foot.
    assert [c.source for c in columns] == ["一二三四五」", "六七八九"]


def test_a_head_takes_one_column_then_the_editors_parts(test_fonts):
    composer = Composer(test_fonts)
    assert [c.source for c in fit_vertical(composer, "徐匯新聞", "headline", SIZE, 40)] == ["徐匯新聞"]
    columns = fit_vertical(composer, "徐匯新聞 故鄉祝福老少", "headline", SIZE, 60)
    assert [c.source for c in columns] == ["徐匯新聞", "故鄉祝福老少"]


def test_marks_whose_vertical_forms_have_no_blank_half_keep_their_em(test_fonts):
    # 大！！？？……——」: ！ and ？ have a blank half across a horizontal line ('halt'), but their forms
    # ︕ ︖ stand centred down their em: nothing is taken from them, so each keeps 10 pt, and …… and
    # —— keep their 2 em each. Only ﹂ gives its blank lower half, at the column's foot.
    units = _units("大！！？？……——」", test_fonts)
    assert [u.text for u in units] == ["大", "︕", "︕", "︖", "︖", "︙︙", "︱︱", "﹂"]
    assert [(u.top, u.bottom) for u in units[1:7]] == [(0.0, 0.0)] * 6
    column = set_column(units, GAP)
    assert column.ys == (0, 10, 20, 30, 40, 50, 70, 90)
    assert (column.length, column.reach) == (95, 100)
    # A form that has a blank half still gives it: ︒ its lower half to ︖ after it (1.5 em for the two).
    assert set_column(_units("大。？大", test_fonts), GAP).ys == (0, 10, 15, 25)


def test_the_two_strokes_of_a_two_em_dash_meet(test_fonts):
    # ︱ is blank for 0.074 em at each end of its em (Noto CJK): in ——, the second is drawn 8.52 pt
    # (1 − 2 × 0.074 em) under the first instead of 10 pt, the pair shifted down 0.74 pt, so the two
    # strokes meet at the unit's middle and the line is centred in its 20 pt.
    from layout.page.vertical_head import unit_runs

    dash = next(u for u in _units("大——大", test_fonts) if u.source == "——")
    runs = unit_runs(dash, 0.0, 100.0)
    assert [r.text for r in runs] == ["︱", "︱"]
    tops = [r.baseline - 0.88 * SIZE for r in runs]
    assert tops == [pytest.approx(100.74), pytest.approx(100.74 + 8.52)]
    stroke = [(top + 0.74, top + SIZE - 0.74) for top in tops]        # each glyph's ink, 0.074 em in
    assert stroke[0][1] == pytest.approx(stroke[1][0]) == pytest.approx(110.0)   # they meet in the middle
    assert (stroke[0][0] - 100, 120 - stroke[1][1]) == (pytest.approx(1.48), pytest.approx(1.48))


def test_the_vertical_forms_blank_halves_are_the_faces(real_fonts):
    # VERTICAL_BLANK against the committed faces: a form said to have a blank half has no ink in it;
    # every other form's ink crosses its em's middle. And ︱ is blank no more than DASH_BLANK at its ends.
    from fontTools.ttLib import TTFont

    from layout.compose.vertical import DASH_BLANK, VERTICAL_BLANK

    forms = set(VERTICAL_FORMS.values())
    checked = 0
    for face in {f.path for f in real_fonts.faces.values()}:
        font = TTFont(face, lazy=True)
        cmap, glyf, upem = font.getBestCmap(), font["glyf"], font["head"].unitsPerEm
        em_top = font["OS/2"].sTypoAscender
        middle = em_top - upem / 2
        for form in forms:
            name = cmap.get(ord(form))
            if name is None or not glyf[name].numberOfContours:
                continue
            g = glyf[name]
            top, bottom = VERTICAL_BLANK.get(form, (0.0, 0.0))
            if top:
                assert g.yMax <= middle + 0.05 * upem, (face.name, form)
            elif bottom:
                assert g.yMin >= middle - 0.05 * upem, (face.name, form)
            else:
                assert g.yMin < middle < g.yMax, (face.name, form)
            if form == "︱":
                assert (em_top - g.yMax) / upem <= DASH_BLANK + 1e-3 and (g.yMin - (em_top - upem)) / upem \
                    <= DASH_BLANK + 1e-3, face.name
            checked += 1
    assert checked > 50


def test_latin_words_of_a_vertical_head_are_parted_by_word_spaces(test_fonts):
    composer = Composer(test_fonts)
    # "AB CD": one turned phrase, a ¼-em word space between the words: 10 + 2.5 + 10 = 22.5 pt, in one
    # column of 25 pt (with an ideographic space it was 30 pt, and the words went into two columns).
    [column] = fit_vertical(composer, "AB CD", "headline", SIZE, 25)
    assert column.source == "AB CD" and column.length == 22.5
    assert column.ys == (0, 10, 12.5)
    # Too long for one column: broken between two words, the space at the first's foot taking no room.
    columns = fit_vertical(composer, "AB CD EF GH", "headline", SIZE, 25)
    assert [c.source for c in columns] == ["AB CD ", "EF GH"] and [c.length for c in columns] == [22.5, 22.5]
    # Between Han and Latin a space still parts the editor's parts.
    assert [c.source for c in fit_vertical(composer, "徐匯新聞 AB", "headline", SIZE, 40)] == ["徐匯新聞", "AB"]


def test_reading_back_folds_marks_to_the_forms_they_are_set_in():
    assert presented("︒") == "。" and presented("︐") == "，" and presented("︵") == "（" and presented("大") == "大"
    assert all(presented(form) in (ch, presented(VERTICAL_FORMS.get(ch, ch)))
               for ch, form in VERTICAL_FORMS.items())


NOTO = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")


@pytest.mark.skipif(not NOTO.is_file(), reason="Debian's fonts-noto-cjk is not installed (CI installs it)")
def test_the_forms_are_noto_cjk_sc_vert_substitutions():
    """Each mark's form is the glyph Noto CJK SC's `vert` feature puts for it (its default, Chinese,
    language system), or — where `vert` leaves the mark (— –) — Unicode's own vertical form of it."""
    from fontTools.ttLib import TTCollection

    font = TTCollection(NOTO, lazy=True).fonts[2]
    cmap = font.getBestCmap()
    gsub = font["GSUB"].table
    script = next(s.Script for s in gsub.ScriptList.ScriptRecord if s.ScriptTag == "hani")
    vert: dict[str, str] = {}
    for index in script.DefaultLangSys.FeatureIndex:
        record = gsub.FeatureList.FeatureRecord[index]
        if record.FeatureTag != "vert":
            continue
        for lookup_index in record.Feature.LookupListIndex:
            lookup = gsub.LookupList.Lookup[lookup_index]
            for sub in lookup.SubTable:
                sub = sub.ExtSubTable if lookup.LookupType == 7 else sub
                vert.update(getattr(sub, "mapping", {}))
    for ch, form in VERTICAL_FORMS.items():
        substituted = vert.get(cmap[ord(ch)])
        if substituted is None:
            assert presented(form) == ch, (ch, form)
        else:
            assert substituted == cmap[ord(form)], (ch, form, substituted)


# --- page: the head in its grid rectangle ---------------------------------------------------------

HEAD = "{page: 1, col: 1, span: 1, line: 13, lines: 20, vertical: true}"


def _issue(tmp_path, head: str = HEAD, extra: str = "", template_edit=None) -> Path:
    shutil.copytree(ROOT / "issues" / "templates", tmp_path / "templates")
    if template_edit:
        path = tmp_path / "templates" / "xuhuibao-tabloid.yaml"
        path.write_text(template_edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    path = tmp_path / "v.yaml"
    path.write_text(
        "template: xuhuibao-tabloid\npaper: {name: 徐匯報}\nissue: {number: 1, total: 9001, date: 2021-09-06}\n"
        "pages:\n  - {number: 1, section: 要聞}\n  - {number: 2, section: 要聞}\n  - {number: 3, section: 要聞}\n"
        "  - {number: 4, section: 要聞}\n"
        f"stories:\n  - id: v\n{extra}    head: {head}\n    body: |\n      本報訊 徐匯新聞社區空間。\n"
        "    frames:\n      - {page: 1, col: 2, span: 2, line: 13, lines: 20}\n", encoding="utf-8")
    return path


def _head(tmp_path, fonts, extra, head=HEAD, template_edit=None):
    issue = load_issue(_issue(tmp_path, head, extra, template_edit))
    story, t = issue.stories[0], issue.template
    items, over = vertical_head(story, t.rect(story.head), t, composer_for(t, fonts))
    return items, over, t.rect(story.head), t


def test_kicker_right_of_the_headline_hanging_from_its_top(tmp_path, test_fonts):
    items, over, rect, _ = _head(tmp_path, test_fonts, "    kicker: 社區\n    headline: 徐匯新聞\n")
    assert over == ()
    runs = [r for r in items if isinstance(r, TextRun)]
    assert "".join(r.text for r in runs) == "社區徐匯新聞"       # read right to left, each column top to bottom
    # The template: kicker 14 pt, headline 30 pt; a column takes 1.2 em across, the headline 0.25 em of
    # its size from the kicker. Across: 16.8 + 7.5 + 36 = 60.3 pt, centred in the 99-pt column: the
    # block's right edge at 79.65; the kicker's em at 79.65 − 16.8 + 1.4, the headline's at
    # 79.65 − 24.3 − 36 + 3. Down: the headline's 120 pt centred in 280 pt (from 80 pt); the kicker
    # hangs from the same top. Baselines 0.88 em under each em box's top.
    xs = [round(r.x - rect.x, 2) for r in runs]
    ys = [round(r.baseline - rect.y, 2) for r in runs]
    assert xs == [64.25, 64.25, 22.35, 22.35, 22.35, 22.35]
    assert ys == [92.32, 106.32, 106.4, 136.4, 166.4, 196.4]


def test_forms_and_paired_digits_in_a_headline(tmp_path, test_fonts):
    items, over, rect, _ = _head(tmp_path, test_fonts, "    headline: 第12版（上下）\n")
    runs = [r for r in items if isinstance(r, TextRun)]
    assert [r.text for r in runs] == ["第", "12", "版", "︵", "上", "下", "︶"]
    # One 36-pt band centred in 99 pt: the em from 34.5 pt. The column is 195 pt (︶ gives its blank
    # lower half): it starts at (280 − 195) / 2 = 42.5 pt. The digits fill their em side by side.
    assert {round(r.x - rect.x, 2) for r in runs} == {34.5}
    assert [round(r.baseline - rect.y, 2) for r in runs] == [68.9, 98.9, 128.9, 158.9, 188.9, 218.9, 248.9]
    assert runs[1].hscale == 1.0 and runs[1].angle == 0


def test_a_latin_run_is_turned_clockwise_down_its_column(tmp_path, test_fonts):
    items, _, rect, _ = _head(tmp_path, test_fonts, "    headline: 上下ABC大人\n")
    runs = [r for r in items if isinstance(r, TextRun)]
    latin = next(r for r in runs if r.text == "ABC")
    # 30 + 30 + 7.5 + 45 + 7.5 + 30 + 30 = 180 pt from 50 pt; ABC starts 67.5 pt down, its baseline
    # 0.12 em in from the em's left edge (34.5 + 3.6), turned −90° (clockwise).
    assert latin.angle == -90.0
    assert (round(latin.x - rect.x, 2), round(latin.baseline - rect.y, 2)) == (38.1, 117.5)
    assert [round(r.baseline - rect.y, 2) for r in runs if r.text != "ABC"] == [76.4, 106.4, 196.4, 226.4]


def test_a_long_headline_takes_two_even_columns_right_to_left(tmp_path, test_fonts):
    items, over, rect, _ = _head(tmp_path, test_fonts, "    headline: 徐匯新聞故鄉祝福老少社區空間說道\n"
                                 "    fit_headline: true\n")
    assert over == ()
    runs = [r for r in items if isinstance(r, TextRun)]
    assert "".join(r.text for r in runs) == "徐匯新聞故鄉祝福老少社區空間說道"
    columns = sorted({r.x for r in runs}, reverse=True)
    assert len(columns) == 2 and all(r.size == 30 for r in runs)         # 16 × 30 pt > 280: two columns
    first = [r for r in runs if r.x == columns[0]]
    assert runs[:len(first)] == first                                     # the right-hand column read first
    assert "".join(r.text for r in first) == "徐匯新聞故鄉祝福"               # even: 8 and 8, between words
    assert all(rect.y <= r.baseline - 0.88 * r.size and r.baseline + 0.12 * r.size <= rect.bottom for r in runs)


def test_a_head_too_long_for_its_place_is_reported_as_overset(tmp_path, test_fonts):
    items, over, rect, t = _head(tmp_path, test_fonts, "    headline: 徐匯新聞故鄉祝福老少社區空間說道\n",
                                 head="{page: 1, col: 1, span: 1, line: 13, lines: 5, vertical: true}")
    # 70 pt holds two 30-pt characters a column: 4 of 16 drawn, 12 reported, none outside the place.
    runs = [r for r in items if isinstance(r, TextRun)]
    assert len(runs) == 4
    assert all(rect.y <= r.baseline - 0.88 * r.size and r.baseline + 0.12 * r.size <= rect.bottom + 0.5 for r in runs)
    (element,) = over
    assert (element.element, element.page, element.chars, element.available) == ("vertical head", 1, 12, 5)
    # Its two columns (徐匯新聞故鄉祝福 | 老少社區空間說道, 2-character words) need 8 × 30 = 240 pt: 18 lines of 14 pt.
    assert element.lines == math.ceil(240 / t.pitch) == 18


def test_a_head_wider_than_its_place_is_an_error(tmp_path, test_fonts):
    with pytest.raises(LayoutError, match=r"its vertical head \(page 1\): its 4 columns need 119\.5 pt across"):
        _head(tmp_path, test_fonts, "    kicker: 社區\n    headline: 徐匯新聞故鄉祝福老少社區空間說道\n"
              "    deck: 老少\n")


def test_the_key_is_read_and_checked(tmp_path):
    issue = load_issue(_issue(tmp_path, extra="    headline: 徐匯\n"))
    assert issue.stories[0].vertical_head is True
    bad = _issue(tmp_path / "b", head="{page: 1, col: 1, span: 1, line: 13, lines: 20, vertical: sure}",
                 extra="    headline: 徐匯\n")
    with pytest.raises(LayoutError, match="vertical"):
        load_issue(bad)


# --- the whole way to the PDF, real fonts ---------------------------------------------------------

def test_rendered_vertical_head_reads_in_order_and_passes_preflight(tmp_path, real_fonts):
    import pypdfium2 as pdfium

    from layout.app.pipeline import render

    path = _issue(tmp_path, extra="    kicker: 社區·報道\n    headline: 徐匯新聞，社區空間（第12版）\n"
                                  "    fit_headline: true\n")
    result = render(path, tmp_path / "out", fonts=real_fonts)   # preflighted before it is written
    page = next(f for f in result.files if f.name.endswith("-01.pdf"))
    data = page.read_bytes()
    assert b"/F-biaosong-vert" in data                       # ︐ from the bold face's vertical forms
    doc = pdfium.PdfDocument(str(page))
    text = "".join(doc[0].get_textpage().get_text_range().split())   # pdfium puts a space between columns
    doc.close()
    # Copied from the PDF as written: the vertical forms give back the marks they stand for.
    assert "社區·報道徐匯新聞，社區空間（第12版）" in text


def test_the_rule_over_a_vertical_head_runs_over_the_text_beside_it(tmp_path, test_fonts):
    from layout.page.furniture import story_separator

    path = _issue(tmp_path, head="{page: 2, col: 4, span: 1, line: 10, lines: 20, vertical: true}",
                  extra="    headline: 徐匯新聞\n")
    path.write_text(path.read_text(encoding="utf-8").replace("{page: 1, col: 2, span: 2, line: 13, lines: 20}",
                                                             "{page: 2, col: 1, span: 3, line: 10, lines: 20}"),
                    encoding="utf-8")
    issue = load_issue(path)
    story, t = issue.stories[0], issue.template
    (rule,) = story_separator(story, t)
    # Over columns 1–4: from the frame's left edge to the head's right edge, half a line above both.
    assert (rule.x1, rule.x2) == (t.column_x(1), t.rect(story.head).right)
    assert rule.y1 == t.line_y(10) - 0.5 * t.pitch


def test_render_refuses_an_overset_vertical_head_naming_it(tmp_path, real_fonts):
    from layout.app.pipeline import render

    path = _issue(tmp_path, head="{page: 1, col: 1, span: 1, line: 13, lines: 5, vertical: true}",
                  extra="    headline: 徐匯新聞故鄉祝福老少社區空間說道\n")
    with pytest.raises(LayoutError, match=r"story 'v': its vertical head \(page 1\): 12 characters did not fit "
                                          r"\(18 lines where its place holds 5\)"):
        render(path, tmp_path / "out", fonts=real_fonts)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
