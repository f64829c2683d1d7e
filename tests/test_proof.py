"""Proofs for layout editors: marked proof PDFs, PNGs and a contact sheet, incremental watch, diff."""

from __future__ import annotations

import json
import shutil

import pikepdf
import pytest
from click.testing import CliRunner
from PIL import Image

from layout.app.cli import main
from layout.app.pipeline import proof
from layout.app.watch import Watcher

from conftest import ROOT
from pdfscan import page_texts


@pytest.fixture()
def issue_copy(tmp_path):
    shutil.copytree(ROOT / "issues", tmp_path / "issues")
    return tmp_path / "issues" / "1650.yaml"


def test_proof_files_pngs_and_contact_sheet(issue_copy, tmp_path, real_fonts):
    result = proof(issue_copy, tmp_path / "out", fonts=real_fonts, dpi=50, show_grid=True)
    # Proofs have a folder of their own: never beside the press files of the issue.
    assert not list((tmp_path / "out").glob("*.pdf"))
    names = sorted(p.name for p in (tmp_path / "out" / "proof").iterdir())
    assert "20211129-01-proof.pdf" in names and "20211129-01-proof.png" in names
    assert "20211129-02-proof.png" in names and "20211129-contact-sheet-proof.png" in names
    assert not any(n.endswith(".pdf") and "proof" not in n for n in names), "a proof is never named like a print file"
    with pikepdf.open(result.render.files[0]) as pdf:
        assert pdf.trailer.Info.LayoutProof is True   # what preflight knows a proof by
    text = page_texts(result.render.files[0])[0]
    assert "校樣" in text and "study-session" in text and "排版核對" in text   # watermark, story names, copyfit
    with Image.open(result.pngs[0]) as im:
        assert im.width == round(270 / 25.4 * 50)   # the trimmed page at 50 dpi
    with Image.open(result.sheet) as sheet:
        assert sheet.width > 2 * 300


def test_proof_marks_overset_where_it_happens(issue_copy, tmp_path, real_fonts):
    story = issue_copy.parent / "1650" / "community-spaces.md"
    story.write_text(story.read_text(encoding="utf-8") + "新增段落。" * 40 + "\n", encoding="utf-8")
    result = proof(issue_copy, tmp_path / "proof", fonts=real_fonts, dpi=30)
    assert "溢排" in page_texts(result.render.files[0])[0]
    fits = {f.story: f for f in result.render.copyfit}
    assert fits["community-spaces"].overset_chars >= 200


def test_watch_recomposes_only_what_changed(issue_copy, tmp_path, real_fonts):
    watcher = Watcher(issue_copy, tmp_path / "w", dpi=40, fonts=real_fonts)
    first = watcher.update()
    assert first.pages == (1, 2) and first.stories_composed == 3
    again = watcher.update()
    assert again.pages == () and again.stories_composed == 0 and again.files == ()
    # Edit one story that sits on page 1 only: one story composed again, page 1 rewritten, page 2 not.
    story = issue_copy.parent / "1650" / "government-meeting.md"
    story.write_text(story.read_text(encoding="utf-8").replace("衛嵐、高世昫、", ""), encoding="utf-8")
    edit = watcher.update()
    assert edit.pages == (1,) and edit.stories_composed == 1
    assert {p.name for p in edit.files} == {"20211129-01-proof.pdf", "20211129-01-proof.png"}
    fits = {f.story: f for f in edit.copyfit}
    assert fits["government-meeting"].empty_lines == 1


def test_watch_loop_reports_errors_and_goes_on(issue_copy, tmp_path, real_fonts):
    updates, errors = [], []
    watcher = Watcher(issue_copy, tmp_path / "w", dpi=30, fonts=real_fonts)
    watcher.run(updates.append, errors.append, interval=0.01, cycles=1)
    assert len(updates) == 1 and not errors
    issue_copy.write_text(issue_copy.read_text(encoding="utf-8").replace("headline:", "heading:", 1), encoding="utf-8")
    watcher.run(updates.append, errors.append, interval=0.01, cycles=1)
    assert errors and "heading" in str(errors[0]) and "1650.yaml" in str(errors[0])


def test_diff_lists_pages_and_stories_and_draws_them(issue_copy, tmp_path, real_fonts):
    proof(issue_copy, tmp_path / "old", fonts=real_fonts, dpi=30)
    story = issue_copy.parent / "1650" / "study-session.md"
    story.write_text(story.read_text(encoding="utf-8").replace("暢談思路想法，", ""), encoding="utf-8")
    proof(issue_copy, tmp_path / "new", fonts=real_fonts, dpi=30)
    result = CliRunner().invoke(main, ["diff", str(tmp_path / "old"), str(tmp_path / "new"), "--json"])
    assert result.exit_code == 0, result.output
    pages = {p["page"]: p for p in json.loads(result.output)}
    # the lead's continuation on page 2 changed; its page-1 part did not
    assert pages[2]["changed"] and pages[2]["stories"] == ["study-session"]
    assert (tmp_path / "new" / "diff-02.png").is_file()
    # The proofs are compared, not the press files: a press render beside them changes nothing.
    assert CliRunner().invoke(main, ["render", str(issue_copy), "-o", str(tmp_path / "new")]).exit_code == 0
    again = CliRunner().invoke(main, ["diff", str(tmp_path / "old"), str(tmp_path / "new"), "--json"])
    pages = {p["page"]: p for p in json.loads(again.output)}
    assert not pages[1]["changed"] and pages[2]["changed"]
    same = CliRunner().invoke(main, ["diff", str(tmp_path / "old"), str(tmp_path / "old")])
    assert "no page changed" in same.output


def test_json_report_for_tools(issue_copy):
    result = CliRunner().invoke(main, ["check", str(issue_copy), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert [s["story"] for s in data["stories"]] == ["study-session", "government-meeting", "community-spaces"]
    assert data["warnings"] == []
