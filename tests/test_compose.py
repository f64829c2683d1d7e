"""The composer, on the hand-checkable test font: every ideograph 1 em, 10 pt text.

Expected lines are worked out by hand in each test's sentence."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from layout.compose import rules_zh as zh
from layout.compose.linebreak import Composer
from layout.compose.settings import CompositionSettings, PunctuationPosition, PunctuationStyle
from layout.compose.atoms import Align, Paragraph, Span, TextStyle

from invariants import check_lines

SIZE = 10.0


def para(text: str, indent: float = 0.0, align: Align = Align.JUSTIFY) -> Paragraph:
    return Paragraph((Span(text, TextStyle("body", SIZE)),), indent_em=indent, align=align)


def compose(fonts, text, em, indent=0.0, **kw):
    lines = Composer(fonts, CompositionSettings(**kw)).compose(para(text, indent), em * SIZE)
    return lines


def test_plain_ideographs_fill_whole_em_lines(test_fonts):
    # 10 ideographs at 4 em: 4 + 4 + 2, every full line exactly 40 pt.
    lines = compose(test_fonts, "一二三四五六七八九十", 4)
    assert [ln.text for ln in lines] == ["一二三四", "五六七八", "九十"]
    assert [round(ln.width, 3) for ln in lines[:2]] == [40.0, 40.0]
    check_lines("一二三四五六七八九十", lines, 40)


def test_first_line_indent_two_em(test_fonts):
    # The first line starts 2 em in and so holds 2 ideographs at 4 em.
    lines = compose(test_fonts, "一二三四五六七八", 4, indent=2)
    assert [ln.text for ln in lines] == ["一二", "三四五六", "七八"]
    assert lines[0].glyphs[0].x == pytest.approx(20.0)


def test_comma_pushed_in_when_punctuation_can_shrink(test_fonts):
    # "一、二三，" is 5 em wide; at 4.5 em the line-end comma is trimmed to ½ em (4.5 em)
    # so the comma joins its line instead of starting the next.
    text = "一、二三，四五"
    lines = compose(test_fonts, text, 4.5)
    assert lines[0].text == "一、二三，"
    check_lines(text, lines, 45)


def test_comma_never_starts_a_line_push_out(test_fonts):
    # 一二三四 fills 4 em; the comma may not start line 2 and cannot be pushed in
    # (4 ideographs + ½-em comma = 4.5 em), so 四 is carried down with it; 六 goes down too so that
    # 七 is not alone on the last line (孤字).
    text = "一二三四，五六七"
    lines = compose(test_fonts, text, 4)
    assert [ln.text for ln in lines] == ["一二三", "四，五", "六七"]
    assert lines[0].justified and lines[0].width == pytest.approx(40.0)
    check_lines(text, lines, 40)


def test_opening_quote_never_ends_a_line(test_fonts):
    # 「 would end line 1; it is carried down with the word it opens.
    text = "一二三「四五」六七八"
    lines = compose(test_fonts, text, 4)
    assert lines[0].text == "一二三"
    assert lines[1].text.startswith("「")
    check_lines(text, lines, 40)


def test_adjacent_punctuation_is_one_and_a_half_em(test_fonts):
    # 。」 together take 1.5 em, not 2: the full stop loses its blank right half.
    lines = compose(test_fonts, "一二。」三", 10)
    g = {x.ch: x for x in lines[0].glyphs}
    assert g["」"].x - g["。"].x == pytest.approx(5.0)
    assert g["三"].x - g["。"].x == pytest.approx(15.0)


def test_line_end_full_stop_trimmed_to_half(test_fonts):
    # A line ending in 。 is measured with the full stop at ½ em (GB/T 15834 §5.1.10):
    # 三四五六。 fits 4.5 em exactly.
    lines = compose(test_fonts, "三四五六。七八", 4.5)
    assert lines[0].text == "三四五六。"
    assert lines[0].width == pytest.approx(45.0)


def test_dash_and_ellipsis_are_unbreakable_two_em_units(test_fonts):
    text = "一二三——四五……六七八九"
    for em in range(3, 9):
        lines = compose(test_fonts, text, em)
        for ln in lines:
            assert ln.text.count("—") % 2 == 0 and ln.text.count("…") % 2 == 0, (em, ln.text)
        check_lines(text, lines, em * SIZE)


def test_latin_word_and_number_never_split(test_fonts):
    # "Xuhui" is 2.5 em, "6845" 2 em; with ¼-em gaps to ideographs neither is cut.
    text = "一二Xuhui三四6845五六七八九十"
    for em in range(4, 9):
        lines = compose(test_fonts, text, em)
        joined = "|".join(ln.text for ln in lines)
        # Each word is whole on one line (the text is complete, so it is nowhere split).
        assert any("Xuhui" in ln.text for ln in lines) and any("6845" in ln.text for ln in lines), joined
        assert not any(ln.text.startswith(("uhui", "hui", "ui", "i", "845", "45")) for ln in lines), joined
        check_lines(text, lines, em * SIZE)


def test_han_latin_gap_quarter_em_and_zero(test_fonts):
    lines = compose(test_fonts, "一AB二", 20)
    g = [x.x for x in lines[0].glyphs]
    assert g[1] - g[0] == pytest.approx(10 + 2.5)     # 1 em ideograph + ¼ em gap
    lines0 = compose(test_fonts, "一AB二", 20, latin_gap_em=0.0)
    g0 = [x.x for x in lines0[0].glyphs]
    assert g0[1] - g0[0] == pytest.approx(10.0)


def test_no_orphan_last_line(test_fonts):
    # Nine ideographs and a full stop at 4 em would leave "九。" alone on line 3;
    # the composer pulls 八 down so the last line holds two ideographs.
    text = "一二三四五六七八九。"
    lines = compose(test_fonts, text, 4)
    assert lines[-1].text == "八九。"
    check_lines(text, lines, 40)


def test_kaiming_sets_commas_half_and_stops_full(test_fonts):
    line = compose(test_fonts, "一，二。三", 20, punctuation=PunctuationStyle.KAIMING)[0]
    x = {g.ch: g.x for g in line.glyphs}
    assert x["二"] - x["，"] == pytest.approx(5.0)
    assert x["三"] - x["。"] == pytest.approx(10.0)


def test_strict_forbids_dash_at_line_start(test_fonts):
    text = "一二三四——五六"
    lines = compose(test_fonts, text, 4, strictness=zh.Strictness.STRICT)
    assert not any(ln.text.startswith("—") for ln in lines)
    check_lines(text, lines, 40, zh.Strictness.STRICT)


# --- property tests -------------------------------------------------------------

HAN = "一二三四五六七八九十人大中天日月山水火木金土上下左右本報我區有的是在不了和"
han_run = st.text(alphabet=HAN, min_size=1, max_size=8)
opening = st.sampled_from("“「『（《")
closing = st.sampled_from("”」』）》")
pause = st.sampled_from("、，。：；！？")
latin = st.from_regex(r"[A-Za-z]{1,7}|[0-9]{1,5}(\.[0-9]{1,2})?%?|https://x\.cn/[a-z]{1,6}", fullmatch=True)


@st.composite
def segment(draw):
    parts = []
    if draw(st.booleans()) and draw(st.booleans()):
        parts.append(draw(opening))
    parts.append(draw(han_run))
    if draw(st.integers(0, 5)) == 0:
        parts.append(draw(latin))
        parts.append(draw(han_run))
    if draw(st.integers(0, 8)) == 0:
        parts.append(draw(st.sampled_from(["——", "……"])))
        parts.append(draw(han_run))
    if parts[0] in "“「『（《" or draw(st.integers(0, 3)) == 0:
        parts.append(draw(closing))
    if draw(st.booleans()):
        parts.append(draw(pause))
    return "".join(parts)


texts = st.lists(segment(), min_size=1, max_size=25).map("".join)


@given(text=texts, em=st.integers(min_value=6, max_value=24), indent=st.sampled_from([0.0, 2.0]),
       level=st.sampled_from(list(zh.Strictness)),
       style=st.sampled_from(list(PunctuationStyle)))
def test_invariants_hold_for_random_text(test_fonts, text, em, indent, level, style):
    lines = Composer(test_fonts, CompositionSettings(strictness=level, punctuation=style)).compose(para(text, indent),
                                                                                        em * SIZE)
    check_lines(text, lines, em * SIZE, level)


def test_shrink_order_pause_marks_before_full_stops(test_fonts):
    # A line "一，二。三四五" (7 em) that must lose ¾ em: the comma gives its ½ em first
    # (clreq: 、，； before 。？！), the full stop only the remaining ¼ em.
    from layout.compose.linebreak import _LineBox
    from layout.compose.atoms import atomise

    atoms = atomise(para("一，二。三四五"), test_fonts)
    box = _LineBox(atoms, CompositionSettings())
    assert box.natural() == pytest.approx(70.0)
    assert box.shrink(7.5) == pytest.approx(0.0)
    assert box.natural() == pytest.approx(62.5)
    assert box.cut_r[1] == pytest.approx(5.0) and box.cut_r[3] == pytest.approx(2.5)


def test_push_in_compresses_a_comma_to_keep_the_next_off_the_line_start(test_fonts):
    # At 5.25 em "一，二。三" fits, but the comma after 三 may not start line 2: the composer
    # pushes it in, shrinking the first comma by ¼ em (the line-end comma is already ½ em).
    lines = compose(test_fonts, "一，二。三，四五六七", 5.25)
    assert lines[0].text == "一，二。三，"
    x = [g.x for g in lines[0].glyphs]
    assert x[2] - x[1] == pytest.approx(7.5)       # 二 after the first comma
    assert lines[0].width == pytest.approx(52.5)


def test_no_han_latin_gap_at_line_edges(test_fonts):
    # 一二三四五 fill 5 em exactly; "ABCD" (2 em) starts line 2 flush at the left edge, no ¼-em gap
    # before it, and the ¼-em gap after it stays (ABCD 20 pt + 2.5 + 六七 20 pt = 42.5 pt, the last line).
    lines = compose(test_fonts, "一二三四五ABCD六七", 5)
    assert [ln.text for ln in lines] == ["一二三四五", "ABCD六七"]
    assert lines[1].glyphs[0].x == pytest.approx(0.0) and lines[1].glyphs[4].x == pytest.approx(22.5)
    assert lines[0].width == pytest.approx(50.0)


def test_cns_marks_are_never_cut(test_fonts):
    # Taiwan/Hong Kong style: 。」 keep 2 em and a line-end mark keeps its full em.
    line = compose(test_fonts, "一二。」三", 10, position=PunctuationPosition.CNS)[0]
    x = {g.ch: g.x for g in line.glyphs}
    assert x["」"] - x["。"] == pytest.approx(10.0) and x["三"] - x["」"] == pytest.approx(10.0)
    # 三四五。 is 4 em with the line-end 。 kept whole: it fills the 4-em measure as set, nothing spread
    # (GB trims the 。 to ½ em and spreads the line to fill, so 四 would start at 11.67 pt).
    lines = compose(test_fonts, "三四五。六七", 4, position=PunctuationPosition.CNS)
    assert [ln.text for ln in lines] == ["三四五。", "六七"]
    assert [g.x for g in lines[0].glyphs] == pytest.approx([0.0, 10.0, 20.0, 30.0])
    check_lines("三四五。六七", lines, 40)


def test_curly_quotes_are_full_width_in_the_real_fonts(real_fonts):
    # “ ” ‘ ’ in Chinese text take the CJK font's full-width glyphs (1 em), not Latin ones.
    face = real_fonts.face_for("“", "body")
    for ch in "“”‘’":
        assert real_fonts.face_for(ch, "body").advance(ch) == pytest.approx(1.0), ch
    assert face.halt.get(ord("“")) == (-0.5, -0.5)


def test_real_fonts_cns_positions_centre_the_full_stop(real_fonts):
    cns = real_fonts.with_centred_punctuation()
    face = cns.face_for("。", "body")
    assert face.key == "song-cns"
    assert real_fonts.face_for("。", "body").key == "song"


def test_indent_gives_way_where_the_first_line_has_no_legal_break(test_fonts):
    # At 3 em with a 2-em indent the first line has 10 pt: “ (10 pt, 5 blank) and the number 12345
    # (5 × 5 pt) cannot share it, and “ may not end a line. Half the indent (15 pt) is not enough
    # (35 − 5 = 30 pt); without it the line holds all 30 pt: one line, no number cut.
    lines = compose(test_fonts, "“12345", 3, indent=2)
    assert [ln.text for ln in lines] == ["“12345"]
    assert lines[0].indent == 0.0 and lines[0].width == pytest.approx(30.0)


def test_a_number_wider_than_the_measure_is_cut_where_it_fits_best(test_fonts):
    # At 2 em (20 pt), no indent: 一二 fill line 1. “12345 (10 + 25 pt) is wider than the whole
    # measure, so the number must be cut, between any two digits alike; “ may not end a line, so
    # it starts line 2 with digits after it. “12 fills 20 pt exactly (“ keeps its blank at a line
    # start); “123 would need 5 pt squeezed from the mark: so “12, then 345.
    text = "一二“12345"
    lines = compose(test_fonts, text, 2)
    assert [ln.text for ln in lines] == ["一二", "“12", "345"]
    check_lines(text, lines, 20, strict_orphans=False)


def test_a_mark_never_moves_back_past_a_narrower_glyph(real_fonts):
    # The digit 1 is 0.471 em wide, narrower than the 0.5-em blank of “ after it. Cutting the whole
    # blank would start “ before 1; so “01 cannot join 1 in the 18 pt left by the indent (4.24 + 9 −
    # 4.24 + 9.25 = 18.25 pt) and goes down. Found by the fuzzer.
    para_ = Paragraph((Span("1“01", TextStyle("body", 9.0)),))
    lines = Composer(real_fonts).compose(para_, 36.0)
    assert [ln.text for ln in lines] == ["1", "“01"]
    check_lines("1“01", lines, 36.0, strict_orphans=False)


# --- whole-paragraph breaking (issue 17) ----------------------------------------------------------

def test_a_line_is_filled_by_squeezing_marks_rather_than_letter_spaced(test_fonts):
    # Line by line, 一二、六。 would end line 1: 4.5 em (the 。 at the line end trimmed to half), spread
    # 0.5 em over 4 gaps, 0.125 em each: letter-spaced. Taking 三 in makes 6 em with 、 and 。 inside at
    # full width; each gives its blank half, 5 em exactly: 二 at 10, 、 20 (then half), 六 25, 。 35, 三 40.
    text = "一二、六。三四一二。"
    lines = compose(test_fonts, text, 5)
    assert [ln.text for ln in lines] == ["一二、六。三", "四一二。"]
    assert [g.x for g in lines[0].glyphs] == pytest.approx([0.0, 10.0, 20.0, 25.0, 35.0, 40.0])
    check_lines(text, lines, 50)


def test_punctuation_is_never_a_line_of_its_own(test_fonts):
    # Four ideographs a line would leave ……」 alone on the last line: 八 goes down with it, and the
    # unit short on a line before is spread there (at 4 em there is nothing else to do).
    text = "一二三四五六七八……」"
    lines = compose(test_fonts, text, 4)
    assert lines[-1].text == "八……」"
    assert not any(all(u.kind.value in ("open", "close", "pause", "stop", "dash") for u in ln.units) for ln in lines)
    check_lines(text, lines, 40)


def test_a_lone_last_line_is_avoided_by_closing_up(test_fonts):
    # 2-em indent at 11 em leaves 9 em: 一…九 and 。 (trimmed at the line end) take 9.5 em. Two lines
    # would leave 九。 alone (孤字) or spread 一…七 by a third of an em; closing the nine gaps up by 5/9 pt
    # each (0.056 em, under the 1/16 em allowed) sets it in one line: each glyph 9.44 pt after the last.
    text = "一二三四五六七八九。"
    lines = compose(test_fonts, text, 11, indent=2)
    assert [ln.text for ln in lines] == [text]
    xs = [g.x for g in lines[0].glyphs]
    assert xs[0] == pytest.approx(20.0) and all(b - a == pytest.approx(10 - 5 / 9) for a, b in zip(xs, xs[1:]))
    assert lines[0].width == pytest.approx(110.0)


def test_tighten_saves_a_line_and_loosen_adds_one(test_fonts):
    # At 8 em the paragraph takes 4 lines. 緊排 sets it in 3 (its commas squeezed, ideographs closed up
    # by at most 1/16 em), 鬆排 in 5 (no line spread by more than 0.2 em); nothing lost either way.
    from layout.compose.settings import Steer

    text = "一二三四五，六七八九十一二三，四五六七八九十一二。"
    composer = Composer(test_fonts)
    counts = {}
    for steer in Steer:
        paragraph = Paragraph((Span(text, TextStyle("body", SIZE)),), indent_em=0.0, steer=steer)
        lines = composer.compose(paragraph, 80)
        check_lines(text, lines, 80)
        counts[steer] = len(lines)
    assert counts == {Steer.TIGHT: 3, Steer.NORMAL: 4, Steer.LOOSE: 5}


def test_a_url_breaks_only_after_its_separators(test_fonts):
    # The URL is 41 characters of 5 pt, wider than the 8-em line: it is cut only after / . - _ ? & = #
    # (after // as one), never inside a word such as govPortals, and no hyphen is added.
    url = "https://www.gov.cn/govPortals/index.html"
    text = "見" + url + "一二"
    lines = compose(test_fonts, text, 8)
    check_lines(text, lines, 80, strict_orphans=False)
    offset = 0
    for ln in lines[:-1]:
        offset += len(ln.text)
        if 1 < offset < 1 + len(url):    # a break inside the URL
            assert text[offset - 1] in "/.-_?&=#" and text[offset] not in "/.-_?&=#", [ln.text for ln in lines]
    assert "-" not in "".join(ln.text for ln in lines).replace(url, "")


def test_a_url_that_fits_a_line_is_not_broken(test_fonts):
    # x.cn/abc is 8 characters, 40 pt: it fits a 6-em line whole, so it goes down whole.
    text = "一二三四五x.cn/abc六"
    lines = compose(test_fonts, text, 6)
    assert any("x.cn/abc" in ln.text for ln in lines), [ln.text for ln in lines]
    check_lines(text, lines, 60)


def test_numbers_with_separators_are_never_split(test_fonts):
    text = "大人1,234.56日，本12.8%，10:30了，2021-11-29在大人日月。"
    for em in range(5, 12):
        lines = compose(test_fonts, text, em)
        for number in ("1,234.56", "12.8%", "10:30", "2021-11-29"):
            assert any(number in ln.text for ln in lines), (em, [ln.text for ln in lines])
        check_lines(text, lines, em * SIZE)


def test_a_line_broken_at_a_latin_space_is_flush_and_its_spaces_stretch_first(test_fonts):
    # At 7 em, line 1 is 一 二 ␣ Xuhui ␣: 47.5 pt (the space at its end takes no room), 22.5 pt short.
    # The word space inside it grows first, by its ½ em (5 pt); the other 17.5 pt go evenly into the
    # gaps between its units — not into the gap before the space at its end, which would leave the
    # word short of the edge: 3 gaps, 35/6 pt each. Xuhui ends at the measure; line 2 starts District.
    text = "一二 Xuhui District 三四"
    lines = compose(test_fonts, text, 7)
    assert [ln.text for ln in lines] == ["一二 Xuhui ", "District 三四"]
    first = lines[0]
    assert first.justified and first.width == pytest.approx(70.0)
    g = first.glyphs
    assert g[1].x - g[0].x == pytest.approx(10 + 35 / 6)                 # 一 二: the even share only
    assert g[3].x - g[2].x == pytest.approx(2.5 + 5 + 35 / 6)            # the space: its ½ em, then its share
    assert g[7].ch == "i" and g[7].x + 5 == pytest.approx(70.0)          # the word's ink ends at the edge
    check_lines(text, lines, 70)


words = st.lists(st.from_regex(r"[A-Za-z]{1,6}", fullmatch=True), min_size=2, max_size=4).map(" ".join)
urls = st.from_regex(r"https://[a-z]{2,8}\.(cn|com)(/[a-zA-Z]{1,9}){1,4}(\?[a-z]=[0-9]{1,3})?", fullmatch=True)
numbers = st.sampled_from(["1,234.56", "12.8%", "10:30", "2021-11-29", "3.5", "90%"])


@st.composite
def mixed_text(draw):
    """Chinese with what news text carries: Latin words with spaces, URLs, numbers with separators."""
    parts = []
    for _ in range(draw(st.integers(2, 8))):
        parts.append(draw(segment()))
        extra = draw(st.integers(0, 5))
        if extra == 0:
            parts.append(draw(words))
        elif extra == 1:
            parts.append(draw(urls))
        elif extra == 2:
            parts.append(draw(numbers))
    return "".join(parts) + draw(han_run) + "。"


@given(text=mixed_text(), em=st.integers(min_value=7, max_value=17), indent=st.sampled_from([0.0, 2.0]),
       steer=st.sampled_from(["NORMAL", "TIGHT", "LOOSE"]))
def test_whole_paragraph_breaking_properties(test_fonts, text, em, indent, steer):
    # Nothing lost, no forbidden start or end, every line but the last flush, no 孤字 (check_lines); and
    # no line of nothing but punctuation, no URL broken but after / . - _ ? & = #, no number split.
    from layout.compose.settings import Steer

    paragraph = Paragraph((Span(text, TextStyle("body", SIZE)),), indent_em=indent, steer=Steer[steer])
    lines = Composer(test_fonts).compose(paragraph, em * SIZE)
    check_lines(text, lines, em * SIZE)
    punctuation = zh.OPENING | zh.CLOSING | zh.PAUSE_STOP | zh.DASHES | zh.ELLIPSES
    assert not any(all(ch in punctuation for ch in ln.text) for ln in lines), [ln.text for ln in lines]
    ends = set()
    at = 0
    for ln in lines[:-1]:
        at += len(ln.text)
        ends.add(at)
    for m in __import__("re").finditer(r"https://\S+?(?=[^\x21-\x7e]|$)|\d[\d,.:%-]*\d%?", text):
        inside = [e for e in ends if m.start() < e < m.end()]
        if m.group().startswith("https://"):
            assert all(text[e - 1] in "/.-_?&=#" for e in inside), (m.group(), [ln.text for ln in lines])
        else:
            assert not inside, (m.group(), [ln.text for ln in lines])


def test_an_apostrophe_in_a_latin_word_is_set_at_a_letters_width(real_fonts):
    # The CJK faces draw ’ an em wide (as Chinese punctuation); inside It’s it takes the Latin face.
    from layout.compose.atoms import Paragraph, Span, TextStyle, atomise

    atoms = atomise(Paragraph((Span("It’s 的", TextStyle("body", 10.0)),)), real_fonts)
    word = atoms[0]
    assert word.text == "It’s" and word.faces[2].key == "latin"
    assert word.width < 2.5 * 10.0
