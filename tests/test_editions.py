"""Simplified and Traditional editions from one source: each converted at render time, in its own
script throughout (text, heads, the engine's own words), laid out and fitted on its own, with the
glyph forms and punctuation position of its region."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from layout.app.cli import main
from layout.base.errors import LayoutError
from layout.compose.scripts import HANS, HANT, Edition, script_of
from layout.fonts.charsets import big5, gb2312, tongyong_guifan
from layout.issue.editions import edition_issue
from layout.issue.loader import load_issue

from conftest import ROOT, SAMPLE_EDITIONS, copy_issues
from pdfscan import page_texts

ISSUE = ROOT / "issues" / "1650.yaml"
# The seed's Simplified-only characters (the script lint finds them: test_script_lint.py).
SEED_STRAYS = "稳长办医养趋势沪宠热个"


# --- conversion, worked by hand ------------------------------------------------------------------

def test_a_traditional_source_keeps_its_own_characters_and_loses_its_strays():
    hant = Edition.named("hant")
    # 稳 长 are Simplified-only: converted. 征 准 干 里 are characters both scripts have, written
    # rightly here: kept (OpenCC alone would give 徵程, 準印, 幹擾, 鄰裏).
    assert hant.convert("做好稳增长，新征程，准印證，干擾鄰里。", HANT) == "做好穩增長，新征程，准印證，干擾鄰里。"


def test_the_script_table_is_what_opencc_and_the_national_sets_say():
    """data/script-only.txt (read to tell scripts apart without OpenCC) is the conversion's own answer
    for every ideograph of U+3400–U+9FFF, so an OpenCC or codec whose tables change fails here."""
    from layout.base.paths import DATA
    from layout.compose.scripts import script_by_conversion, script_only_text

    assert (DATA / "script-only.txt").read_text("utf-8") == script_only_text()
    assert [script_by_conversion(c) for c in "党准里國国稳穩a"] == [None, None, None, HANT, HANS, HANS, HANT, None]
    assert [script_of(c) for c in "党准里國国稳穩a"] == [None, None, None, HANT, HANS, HANS, HANT, None]


def test_a_simplified_source_is_converted_whole_by_phrase():
    hant = Edition.named("hant")
    # From Simplified, OpenCC's phrase tables choose the form: 发展 → 發展 but 头发 → 頭髮, 干部 → 幹部.
    assert hant.convert("发展经济，头发很长，干部", HANS) == "發展經濟，頭髮很長，幹部"


def test_to_simplified_every_traditional_character_goes():
    hans = Edition.named("hans")
    assert hans.convert("徐匯報 第49期（總第1650期）", HANT) == "徐汇报 第49期（总第1650期）"
    # A Simplified text with one stray Traditional character: only that one changes.
    assert hans.convert("徐汇区委召開会议", HANS) == "徐汇区委召开会议"


def test_regions_take_their_variants():
    # OpenCC's standard forms are 羣 and 衛; Taiwan writes 群 and 衛, Hong Kong 羣 and 衞.
    assert Edition.named("hant").convert("群众卫生", HANS) == "羣衆衛生"
    assert Edition.named("hant-tw").convert("群众卫生", HANS) == "群眾衛生"
    assert Edition.named("hant-hk").convert("群众卫生", HANS) == "羣眾衞生"


def test_engine_words_in_the_edition_script():
    assert Edition.named("hans").words("（下轉第2版）責任編輯：") == "（下转第2版）责任编辑："
    assert Edition.named("hant").words("（下轉第2版）責任編輯：") == "（下轉第2版）責任編輯："


def test_quotation_marks_by_nesting_level_not_apostrophes():
    # By level, whatever the source used: the outermost pair gets the edition's outer marks.
    text = "從“搖籃”到‘拐杖’，Xi’an 的“老‘小’”"
    assert Edition.named("hant").quotes(text) == "從「搖籃」到「拐杖」，Xi’an 的「老『小』」"
    assert Edition.named("hans").quotes("「老『小』」") == "“老‘小’”"
    # 魯迅's texts quote with 『』 alone: outer marks in either edition.
    assert Edition.named("hans").quotes("『這好極！他，——怎樣？……』") == "“這好極！他，——怎樣？……”"
    # Marks around Latin words in Latin text stay, as does an apostrophe; a quotation left open keeps its level.
    assert Edition.named("hant").quotes("with “curly quotes” and it’s fine") == "with “curly quotes” and it’s fine"
    assert Edition.named("hant").quotes("“第一段未完") == "「第一段未完"


def test_old_variant_forms_take_the_standard_form_and_the_rest_are_reported(tmp_path):
    # 鄕 躱 偸 (old forms neither national set has) print as 乡 躲 偷 / 鄉 躲 偷; Unicode lists no
    # variant for 靑, so the Simplified edition prints it as written, with a warning naming it.
    assert Edition.named("hans").convert("故鄕躱偸", HANT) == "故乡躲偷"
    assert Edition.named("hant").convert("故鄕躱偸", HANT) == "故鄉躲偷"
    path = copy_issues(tmp_path / "issues", edition="hans")
    story = tmp_path / "issues" / "1650" / "study-session.md"
    story.write_text(story.read_text(encoding="utf-8").replace("11月24日", "11月24日靑年", 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert ("edition hans prints 靑 (U+9751), which 通用規範漢字表 and GB 2312 do not have, 1 time, "
            "first in story 'study-session', paragraph 1") in result.output


# --- the sample in both editions ----------------------------------------------------------------

def test_the_sample_prints_in_both_editions_each_in_its_own_script(sample_render):
    """Read back from the PDFs: no character of the other script anywhere on a page of an edition,
    the seed's strays made Traditional in hant, the engine's words in each edition's script."""
    results = {r.layout.issue.script.code: r for r in sample_render.editions}
    assert set(results) == {"hans", "hant"}
    other = {"hans": HANT, "hant": HANS}
    for code, result in results.items():
        text = re.sub(r"\s", "", "".join(t for f in result.files[:-1] for t in page_texts(f)))
        wrong = sorted({ch for ch in text if script_of(ch) == other[code]})
        assert wrong == [], f"{code}: {''.join(wrong)}"
        assert len(text) > 2000
    hans = re.sub(r"\s", "", "".join(page_texts(results["hans"].files[-1])))
    hant = re.sub(r"\s", "", "".join(page_texts(results["hant"].files[-1])))
    for word in ("徐汇报", "第49期（总第1650期）", "（下转第2版）", "（上接第1版）", "本报讯", "稳增长", "“四个自信”"):
        assert word in hans, word
    for word in ("徐匯報", "第49期（總第1650期）", "（下轉第2版）", "（上接第1版）", "本報訊", "穩增長", "「四個自信」",
                 "醫養", "趨勢", "滬上", "萌寵", "熱潮"):
        assert word in hant, word
    assert not set(SEED_STRAYS) & set(hant)
    # The source is never changed: the strays are still in the story files.
    source = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "issues" / "1650").glob("*.md"))
    assert set(SEED_STRAYS) <= set(source)


def test_each_edition_is_verified_on_its_own_text():
    issue = load_issue(ISSUE)
    hans, hant = (edition_issue(issue, code) for code in ("hans", "hant"))
    for story, a, b in zip(issue.stories, hans.stories, hant.stories):
        for blocks in (a.blocks, b.blocks):
            # one character for one: the converted text is what the nothing-lost check holds each edition to
            assert [len(x.text) for x in blocks] == [len(x.text) for x in story.blocks]
    assert hans.paper.name == "徐汇报" and hant.paper.name == "徐匯報"
    assert hans.template.words("責任編輯") == "责任编辑"


def test_an_edition_that_oversets_fails_with_its_name(tmp_path):
    # Taiwan's centred punctuation is never squeezed, so the sample's stories take more lines there.
    path = copy_issues(tmp_path / "issues", edition=None)
    path.write_text(path.read_text(encoding="utf-8").replace(SAMPLE_EDITIONS, "editions: [hans, hant-tw]\n"),
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["render", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    error = result.output.strip().splitlines()[-1]
    assert error.startswith("error:") and "overset: edition hant-tw: story 'government-meeting'" in error
    assert "edition hans" not in error.split("overset:")[1]
    # The copyfit table of the edition that does not fit, under its name; nothing was written for either.
    assert "edition hant-tw: 徐匯報" in result.output and "CUT 7 chars" in result.output
    assert not (tmp_path / "out").exists()


def test_check_and_json_report_every_edition(tmp_path):
    result = CliRunner().invoke(main, ["check", str(ISSUE), "--json"])
    assert result.exit_code == 0, result.output
    import json

    data = json.loads(result.output)
    assert [e["edition"] for e in data["editions"]] == ["hans", "hant"]
    assert all(len(e["stories"]) == 3 for e in data["editions"])
    text = CliRunner().invoke(main, ["check", str(ISSUE)]).output
    assert "editions hans, hant" in text
    # The script lint is the source's: said once, not once an edition.
    assert text.count("稳 (U+7A33)") == 1


def test_an_unknown_or_repeated_edition_is_a_one_line_error(tmp_path):
    path = copy_issues(tmp_path / "issues", edition=None)
    for bad, said in (("[hans, hans]", "edition hans is listed twice"), ("[hant-cn]", "hant-cn"), ("[]", "at least")):
        path.write_text(re.sub(r"editions: \[.*\]", f"editions: {bad}", path.read_text(encoding="utf-8")),
                        encoding="utf-8")
        result = CliRunner().invoke(main, ["check", str(path)])
        assert result.exit_code == 1 and said in result.output and "editions" in result.output, result.output
        assert result.output.count("\n") == 1


def test_without_editions_an_issue_prints_in_its_source_script(tmp_path):
    path = copy_issues(tmp_path / "issues", edition=None)
    path.write_text(path.read_text(encoding="utf-8").replace(SAMPLE_EDITIONS, ""), encoding="utf-8")
    assert load_issue(path).editions == ("hant",)     # the seed is written in Traditional


# --- faces: every edition's repertoire in its own glyph forms ------------------------------------

def _chars(kind: str) -> list[str]:
    if kind == "hans":
        return sorted(set(gb2312()) | set(tongyong_guifan()))
    return sorted(c for c in big5() if "\u4e00" <= c <= "\u9fff")


@pytest.mark.parametrize("code", ["hans", "hant", "hant-tw", "hant-hk"])
def test_every_edition_has_its_characters_in_its_own_faces(real_fonts, code):
    edition = Edition.named(code)
    fonts = real_fonts.for_region(edition.region)
    chars = [c for c in _chars(edition.script) if "\u4e00" <= c <= "\u9fff"]
    assert len(chars) > 6000
    for role in ("body", "headline", "sans"):
        own = {"body": "song", "headline": "biaosong", "sans": "hei"}[role]
        allowed = {own} | ({f"{own}-tw"} if edition.region else set()) | ({f"{own}-hk"} if edition.region == "hk" else set())
        missing = [c for c in chars if (fonts.face_for(c, role) or _NONE).key not in allowed]
        assert missing == [], f"{code} {role}: {len(missing)} characters from another face, e.g. {''.join(missing[:10])}"


class _NONE:
    key = None


NOTO = Path("/usr/share/fonts/opentype/noto")


@pytest.mark.skipif(not (NOTO / "NotoSerifCJK-Regular.ttc").is_file(),
                    reason="Debian's fonts-noto-cjk is not installed (CI installs it): the original faces to compare with")
@pytest.mark.parametrize("region, face_index", [("tw", 3), ("hk", 4)])
def test_a_region_draws_the_glyph_its_own_noto_face_draws(real_fonts, region, face_index):
    """Against the original collections: every character of the repertoire whose TC (HK) glyph is not
    the SC one is drawn from the regional face, and only those — so the chain draws each character as
    Noto CJK TC (HK) does."""
    from fontTools.ttLib import TTCollection

    for collection, role, own in (("NotoSerifCJK-Regular.ttc", "body", "song"),
                                  ("NotoSerifCJK-Bold.ttc", "headline", "biaosong"),
                                  ("NotoSansCJK-Bold.ttc", "sans", "hei")):
        fonts = TTCollection(NOTO / collection, lazy=True).fonts
        sc, tc, target = fonts[2].getBestCmap(), fonts[3].getBestCmap(), fonts[face_index].getBestCmap()
        chain = real_fonts.for_region(region)
        for ch in _chars(HANT):
            cp = ord(ch)
            if cp not in target:
                continue
            face = chain.face_for(ch, role).key
            expected = (f"{own}-hk" if region == "hk" and target[cp] != tc.get(cp)
                        else f"{own}-tw" if target[cp] != sc.get(cp) else own)
            assert face == expected, (collection, ch, face, expected)


def test_a_taiwan_edition_embeds_the_tc_faces_and_centres_its_marks(tmp_path):
    path = copy_issues(tmp_path / "issues", edition="hant-tw")
    # The Taiwan edition needs more lines (unsqueezed marks): let the stories run into a proof.
    result = CliRunner().invoke(main, ["proof", str(path), "-o", str(tmp_path / "out"), "--dpi", "30"])
    assert result.exit_code == 0, result.output
    pdf = next((tmp_path / "out" / "proof").glob("*-01-proof.pdf")).read_bytes()
    assert b"NotoSerifCJKtc" in pdf and b"NotoSansCJKtc" in pdf
    issue = edition_issue(load_issue(path), "hant-tw")
    assert issue.template.composition.position.value == "CNS" and issue.template.glyph_region == "tw"


def test_proofs_of_editions_live_apart_and_diff_says_which_to_give(tmp_path):
    out = tmp_path / "out"
    for extra in ([], ["--edition", "hant"]):
        result = CliRunner().invoke(main, ["proof", str(ISSUE), "-o", str(out), "--dpi", "20", *extra])
        assert result.exit_code == 0, result.output
    assert (out / "hans" / "proof" / "20211129-01-hans-proof.pdf").is_file()
    assert (out / "hant" / "proof" / "20211129-01-hant-proof.pdf").is_file()
    said = CliRunner().invoke(main, ["diff", str(out), str(out)]).output
    assert "(hans, hant): give one of them" in said and said.count("\n") == 1
    same = CliRunner().invoke(main, ["diff", str(out / "hant"), str(out / "hant")])
    assert same.exit_code == 0, same.output


def test_a_bold_run_is_converted_with_the_words_around_it(tmp_path):
    # 头发 is one word (頭髮); split by bold markup it must still read as one (not 頭發).
    path = copy_issues(tmp_path / "issues", edition=None)
    path.write_text(path.read_text(encoding="utf-8").replace(SAMPLE_EDITIONS, "editions: [hant]\n"),
                    encoding="utf-8")
    story = tmp_path / "issues" / "1650" / "study-session.md"
    story.write_text("她的**头**发很长。\n\n" + story.read_text(encoding="utf-8"), encoding="utf-8")
    issue = edition_issue(load_issue(path), "hant")
    first = issue.stories[0].blocks[0]
    assert [(i.text, i.bold) for i in first.inlines] == [("她的", False), ("頭", True), ("髮很長。", False)]


def test_a_render_failing_in_one_edition_leaves_every_edition_as_it_was(tmp_path, monkeypatch, real_fonts):
    import layout.app.pipeline as pipeline

    path = copy_issues(tmp_path / "issues", edition=None)
    out = tmp_path / "out"
    pipeline.render(path, out, fonts=real_fonts)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    # The caption changes (every edition's pages would change); the second edition's write fails.
    path.write_text(path.read_text(encoding="utf-8").replace("圖片位置", "圖片說明"), encoding="utf-8")
    write_set = pipeline._write_set

    def failing(layout, *args, **kwargs):
        if layout.issue.script.code == "hant":
            raise OSError(28, "No space left on device (simulated)")
        return write_set(layout, *args, **kwargs)

    monkeypatch.setattr(pipeline, "_write_set", failing)
    with pytest.raises(LayoutError, match="no space left"):
        pipeline.render(path, out, fonts=real_fonts)
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in out.rglob(".*")]


def test_watch_of_an_edition_the_issue_does_not_print_stops_at_once(tmp_path):
    result = CliRunner().invoke(main, ["watch", str(ISSUE), "--edition", "hant-tw", "-o", str(tmp_path / "o")])
    assert result.exit_code == 1 and "printed in the editions hans, hant, not hant-tw" in result.output
    assert not (tmp_path / "o").exists()
