"""Proofs for layout editors: marked proof PDFs, PNGs and a contact sheet, incremental watch, diff."""

from __future__ import annotations

import json
import shutil

import pikepdf
import pytest
from click.testing import CliRunner
from PIL import Image

from layout.app.cli import main
from layout.app.diff import stale_proofs
from layout.app.pipeline import proof
from layout.app.watch import Watcher

from conftest import copy_issues
from pdfscan import page_texts


@pytest.fixture()
def issue_copy(tmp_path):
    return copy_issues(tmp_path / "issues")


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
    # Page 1's PDF and PNG; page 2's not; the issue's files every time, so the folder is one proof.
    assert {p.name for p in edit.files} == {"20211129-01-proof.pdf", "20211129-01-proof.png",
                                            "20211129-issue1650-proof.pdf", "20211129-contact-sheet-proof.png",
                                            "copyfit-proof.json", "layout-proof.json"}
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
    # Two pages: a tabloid prints in fours; two heads fitted as their YAML asks (fit_headline), with their sizes.
    assert [w["kind"] for w in data["warnings"]] == ["page grid", "head fitted", "head fitted"] + ["script"] * 11
    assert "prints in fours" in data["warnings"][0]["message"] and "24.0 pt, 80%" in data["warnings"][1]["message"]


def _manifest_holds(folder) -> set[str]:
    """The names the folder's manifest lists, each checked against the file's checksum."""
    import hashlib

    data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for entry in data["files"]:
        assert hashlib.sha256((folder / entry["name"]).read_bytes()).hexdigest() == entry["sha256"], entry["name"]
    return {e["name"] for e in data["files"]}


def test_watch_keeps_the_whole_proof_current(issue_copy, tmp_path, real_fonts):
    proof(issue_copy, tmp_path / "old", fonts=real_fonts, dpi=30)
    watcher = Watcher(issue_copy, tmp_path / "w", dpi=30, fonts=real_fonts)
    watcher.update()
    story = issue_copy.parent / "1650" / "study-session.md"
    text = story.read_text(encoding="utf-8")
    story.write_text(text.replace("暢談思路想法，", ""), encoding="utf-8")
    assert watcher.update().pages == (2,)
    folder = tmp_path / "w" / "proof"
    # diff after a watch update sees what changed, and the story that did, from the watch's own files.
    result = CliRunner().invoke(main, ["diff", str(tmp_path / "old"), str(tmp_path / "w"), "--json"])
    pages = {p["page"]: p for p in json.loads(result.output)}
    assert not pages[1]["changed"] and pages[2]["changed"] and pages[2]["stories"] == ["study-session"]
    # The issue's PDF shows the new page 2; the copyfit report and the contact sheet are of this update.
    assert page_texts(folder / "20211129-issue1650-proof.pdf")[1] == page_texts(folder / "20211129-02-proof.pdf")[0]
    assert {"20211129-issue1650-proof.pdf", "20211129-contact-sheet-proof.png", "copyfit-proof.json",
            "layout-proof.json", "20211129-02-proof.png"} <= _manifest_holds(folder)
    # An overset: its text on a page at the end of the issue's PDF and in a PNG; fitted again, both go.
    story.write_text(text + "新增段落。" * 200 + "\n", encoding="utf-8")
    watcher.update()
    assert (folder / "20211129-overset-1-proof.png").is_file()
    assert len(page_texts(folder / "20211129-issue1650-proof.pdf")) == 3
    fits = json.loads((folder / "copyfit-proof.json").read_text(encoding="utf-8"))
    assert next(s for s in fits["stories"] if s["story"] == "study-session")["overset"]
    story.write_text(text, encoding="utf-8")
    watcher.update()
    assert not (folder / "20211129-overset-1-proof.png").exists()
    assert "20211129-overset-1-proof.png" not in _manifest_holds(folder)
    assert len(page_texts(folder / "20211129-issue1650-proof.pdf")) == 2


def test_a_failed_update_leaves_the_last_good_proof_marked_stale(issue_copy, tmp_path, real_fonts):
    updates, errors = [], []
    watcher = Watcher(issue_copy, tmp_path / "w", dpi=30, fonts=real_fonts)
    watcher.run(updates.append, errors.append, interval=0.01, cycles=1)
    folder = tmp_path / "w" / "proof"
    good = issue_copy.read_text(encoding="utf-8")
    issue_copy.write_text(good.replace("headline:", "heading:", 1), encoding="utf-8")
    watcher.run(updates.append, errors.append, interval=0.01, cycles=1)
    said = str(errors[-1])
    assert "heading" in said and "last good one" in said and "STALE.txt" in said and "\n" not in said
    assert "heading" in (folder / "STALE.txt").read_text(encoding="utf-8")
    # On every page of the proof, PDFs and PNGs alike, and listed in the folder's manifest.
    for pdf in sorted(folder.glob("*-proof.pdf")):
        assert all("STALE" in text for text in page_texts(pdf)), pdf.name
    assert "STALE.txt" in _manifest_holds(folder)
    notes = stale_proofs(tmp_path / "w", folder / "20211129-01-proof.pdf")     # for `layout diff` to warn
    assert len(notes) == 2 and notes[0].startswith("OLD proof") and "heading" in notes[1]
    # Put right: the next update takes the note and the bands away, on every page.
    issue_copy.write_text(good, encoding="utf-8")
    watcher.run(updates.append, errors.append, interval=0.01, cycles=1)
    assert updates[-1].pages == (1, 2) and not (folder / "STALE.txt").exists()
    assert not any("STALE" in text for pdf in folder.glob("*-proof.pdf") for text in page_texts(pdf))
    assert "STALE.txt" not in _manifest_holds(folder)
    # A proof replacing a stale folder never keeps the note.
    issue_copy.write_text(good.replace("headline:", "heading:", 1), encoding="utf-8")
    watcher.run(updates.append, errors.append, interval=0.01, cycles=1)
    assert (folder / "STALE.txt").exists()
    issue_copy.write_text(good, encoding="utf-8")
    proof(issue_copy, tmp_path / "w", fonts=real_fonts, dpi=30)
    assert not (folder / "STALE.txt").exists()


def test_diff_names_pages_by_their_number_and_compares_proofs_only(issue_copy, tmp_path, real_fonts):
    proof(issue_copy, tmp_path / "old", fonts=real_fonts, dpi=30)
    story = issue_copy.parent / "1650" / "study-session.md"
    story.write_text(story.read_text(encoding="utf-8").replace("暢談思路想法，", ""), encoding="utf-8")
    proof(issue_copy, tmp_path / "new", fonts=real_fonts, dpi=30)
    old, new = tmp_path / "old" / "proof", tmp_path / "new" / "proof"

    def run(*args):
        result = CliRunner().invoke(main, ["diff", *map(str, args), "-o", str(tmp_path / "pictures"), "--json"])
        return result if result.exit_code else {p["page"]: p for p in json.loads(result.output)}

    # The issue's PDFs, page by page, with the stories from the proofs' index.
    pages = run(old / "20211129-issue1650-proof.pdf", new / "20211129-issue1650-proof.pdf")
    assert not pages[1]["changed"] and pages[2]["changed"] and pages[2]["stories"] == ["study-session"]
    # One page: named by its 版 (it is the first page of its PDF), compared with that page of the other.
    assert list(run(old / "20211129-02-proof.pdf", tmp_path / "new")) == [2]
    assert list(run(old / "20211129-02-proof.pdf", new / "20211129-issue1650-proof.pdf")) == [2]
    # A press PDF is refused, in one line.
    assert CliRunner().invoke(main, ["render", str(issue_copy), "-o", str(tmp_path / "press")]).exit_code == 0
    refused = run(tmp_path / "press" / "20211129-02.pdf", new / "20211129-02-proof.pdf")
    assert refused.exit_code == 1 and "not a proof" in refused.output
    # A folder holding proofs and press files beside them (with or without the proof's index): the
    # proofs only, so nothing changed.
    for index in (True, False):
        flat = tmp_path / f"flat-{index}"
        shutil.copytree(old, flat)
        for pdf in (tmp_path / "press").glob("*.pdf"):
            shutil.copy(pdf, flat / pdf.name)
        if not index:
            (flat / "layout-proof.json").unlink()
        pages = run(flat, tmp_path / "old")
        assert not any(p["changed"] for p in pages.values()) and sorted(pages) == [1, 2]


def test_watch_takes_a_save_made_during_an_update(issue_copy, tmp_path, real_fonts, monkeypatch):
    """A save made while an update runs is newer than what the update read: the next look takes it."""
    watcher = Watcher(issue_copy, tmp_path / "w", dpi=20, fonts=real_fonts)
    story = issue_copy.parent / "1650" / "government-meeting.md"
    original = watcher.update
    saved = []

    def update_with_a_save_meanwhile():
        result = original()
        if not saved:                      # the editor saves while the first update is being written
            story.write_text(story.read_text(encoding="utf-8").replace("衛嵐、高世昫、", ""), encoding="utf-8")
            import os
            import time as clock
            stamp = clock.time() + 5
            os.utime(story, (stamp, stamp))
            saved.append(True)
        return result

    monkeypatch.setattr(watcher, "update", update_with_a_save_meanwhile)
    updates = []
    watcher.run(updates.append, lambda exc: None, interval=0.01, cycles=2)
    assert len(updates) == 2 and updates[1].pages == (1,)     # the second look composed the saved text
