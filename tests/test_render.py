"""Rendering issue 1650 end to end: files, fonts, colour, boxes, text, determinism, the CLI."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from layout.app.cli import main
from layout.issue.editions import edition_issue
from layout.issue.loader import load_issue
from layout.app.pipeline import render

from conftest import ROOT, SAMPLE_EDITIONS, tool
from pdfscan import page_texts, streams

ISSUE = ROOT / "issues" / "1650.yaml"


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_files_named_by_date_and_page(sample_render):
    # 1650 prints in two editions: a folder of each, the edition in every file's name.
    assert [r.layout.issue.script.code for r in sample_render.editions] == ["hans", "hant"]
    for result in sample_render.editions:
        code = result.layout.issue.script.code
        assert [p.name for p in result.files] == [f"20211129-01-{code}.pdf", f"20211129-02-{code}.pdf",
                                                  f"20211129-issue1650-{code}.pdf"]
        assert {p.parent.name for p in result.files} == {code}
        for path in result.files:
            assert path.read_bytes().startswith(b"%PDF-1.")


def test_every_font_embedded_no_helvetica(sample_render):
    for path in sample_render.files:
        data = path.read_bytes()
        fonts = re.findall(rb"/Type /Font\b", data)
        assert fonts, path
        assert data.count(b"/FontFile2") >= 1
        assert b"Helvetica" not in data and b"/Type1" not in data and b"/Type3" not in data


def test_pdffonts_reports_all_embedded(sample_render):
    pdffonts = tool("pdffonts")
    out = subprocess.run([pdffonts, str(sample_render.files[0])], capture_output=True, text=True, check=True).stdout
    rows = out.strip().splitlines()[2:]
    assert rows
    for row in rows:
        assert re.search(r"\byes\s+yes\s+(yes|no)\s+\d+\s+\d+\s*$", row), row  # emb sub uni


def test_colour_is_cmyk_only(sample_render):
    for path in sample_render.files:
        for stream in streams(path.read_bytes()):
            if b"BT" not in stream and b" re" not in stream:
                continue
            assert not re.search(rb"(^|\s)[\d.]+ [\d.]+ [\d.]+ (rg|RG)\b", stream), path
            assert not re.search(rb"/DeviceRGB", stream)
        assert b"/DeviceRGB" not in path.read_bytes()


def test_trim_and_bleed_boxes(sample_render):
    issue = load_issue(ISSUE)
    t = issue.template
    data = sample_render.files[0].read_bytes()
    trim = [float(x) for x in re.search(rb"/TrimBox \[\s*([\d. ]+)\]", data).group(1).split()]
    bleed = [float(x) for x in re.search(rb"/BleedBox \[\s*([\d. ]+)\]", data).group(1).split()]
    media = [float(x) for x in re.search(rb"/MediaBox \[\s*([\d. ]+)\]", data).group(1).split()]
    assert trim[2] - trim[0] == pytest.approx(t.trim_w, abs=0.01)     # 270 mm
    assert trim[3] - trim[1] == pytest.approx(t.trim_h, abs=0.01)     # 390 mm
    assert trim[0] - bleed[0] == pytest.approx(t.bleed, abs=0.01)      # 3 mm
    assert bleed[2] - trim[2] == pytest.approx(t.bleed, abs=0.01)
    assert media[0] <= bleed[0] and media[2] >= bleed[2] and media[3] >= bleed[3]


@pytest.mark.parametrize("edition, jump_out", [("hans", "（下转第2版）"), ("hant", "（下轉第2版）")])
def test_text_complete_and_in_order_with_jump_lines(sample_render, edition, jump_out):
    result = next(r for r in sample_render.editions if r.layout.issue.script.code == edition)
    pages = [squeeze(t) for t in page_texts(result.files[-1])]
    issue = edition_issue(load_issue(ISSUE), edition)     # the text as the edition prints it
    lead = issue.stories[0]
    # The lead's text runs on page 1 up to the jump, then on page 2 after （上接第1版）, in the edition's words.
    p1, p2 = pages
    assert jump_out in p1 and "（上接第1版）" in p2
    lead_text = squeeze("".join(b.text for b in lead.blocks))
    cut = p1.index(jump_out)
    before = p1[p1.index(lead_text[:10]):cut]
    after_start = p2.index("（上接第1版）") + len("（上接第1版）")
    rest = lead_text[len(before):]
    assert lead_text.startswith(before) and p2[after_start:].startswith(rest)
    for story in issue.stories[1:]:
        text = squeeze("".join(b.text for b in story.blocks))
        assert text in p1, story.id


def test_byte_identical_reruns(tmp_path, real_fonts, sample_render):
    again = render(ISSUE, tmp_path, fonts=real_fonts)
    for first, second in zip(sample_render.editions, again.editions, strict=True):
        for a, b in zip(first.files, second.files, strict=True):
            assert a.read_bytes() == b.read_bytes(), a.name


def test_cli_render_and_check(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["render", str(ISSUE), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and (tmp_path / "out" / "hans" / "20211129-01-hans.pdf").is_file()
    assert "edition hant" in result.output and (tmp_path / "out" / "hant" / "20211129-01-hant.pdf").is_file()
    result = runner.invoke(main, ["check", str(ISSUE)])
    assert result.exit_code == 0 and "2021-11-29 星期一" in result.output
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0 and "render" in result.output and "check" in result.output


def _broken_issue(tmp_path, story_text: str):
    shutil.copytree(ROOT / "issues" / "templates", tmp_path / "templates")
    (tmp_path / "s.md").write_text(story_text, encoding="utf-8")
    path = tmp_path / "x.yaml"
    path.write_text(ISSUE.read_text(encoding="utf-8").replace(SAMPLE_EDITIONS, "").split("stories:")[0].replace("1650/", "") +
                    "stories:\n  - id: odd\n    text: s.md\n    frames:\n"
                    "      - {page: 1, col: 1, span: 2, line: 20, lines: 10}\n", encoding="utf-8")
    return path


def test_character_in_no_font_fails_naming_it(tmp_path):
    path = _broken_issue(tmp_path, "徐匯區一位姓𠮷的居民。\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["render", str(path), "-o", str(out)])
    assert result.exit_code == 1
    assert "story 'odd'" in result.output and "U+20BB7" in result.output and "𠮷" in result.output
    assert not out.exists() or not any(out.iterdir()), "no PDF may be written when the render fails"


def test_overset_fails_naming_story_and_sentence(tmp_path):
    path = _broken_issue(tmp_path, "一段很長的文字。" * 200 + "\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["render", str(path), "-o", str(out)])
    assert result.exit_code == 1
    assert "story 'odd'" in result.output and "did not fit" in result.output
    assert not out.exists() or not any(out.iterdir())


def test_bad_yaml_one_line_error_no_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("template: [\n", encoding="utf-8")
    # The command installed beside the interpreter running the tests (PATH's may be another install's).
    command = shutil.which("layout", path=str(Path(sys.executable).parent))
    result = subprocess.run([command, "check", str(bad)], capture_output=True, text=True) if command else None
    if result is None:
        pytest.skip("the layout command is not installed (pip install -e .)")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "bad.yaml" in result.stderr and "Traceback" not in result.stderr


def test_copyfit_json_beside_the_pdfs_and_no_overset(sample_render):
    import json

    assert sample_render.report.parent == sample_render.files[0].parent
    data = json.loads(sample_render.report.read_text(encoding="utf-8"))
    assert [s["story"] for s in data["stories"]] == ["study-session", "government-meeting", "community-spaces"]
    assert all(s["overset"] is None for s in data["stories"])
    lead = data["stories"][0]
    assert [f["page"] for f in lead["frames"]] == [1, 2]


def test_proof_writes_pages_and_marks_the_overset(tmp_path):
    path = _broken_issue(tmp_path, "一段很長的文字。" * 200 + "\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["render", str(path), "-o", str(out), "--proof"])
    assert result.exit_code == 0, result.output
    assert "CUT" in result.output and "overset" in result.output
    proof = out / "proof" / "20211129-01-proof.pdf"
    assert proof.is_file() and not list(out.glob("*.pdf"))
    assert "溢排" in squeeze(page_texts(proof)[0])
