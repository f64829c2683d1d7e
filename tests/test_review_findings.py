"""Defects a review of the whole change found, each kept fixed by a test."""

from __future__ import annotations

import json

from click.testing import CliRunner

from layout.app.cli import main
from layout.app.pipeline import build_layout, render
from layout.issue.loader import load_issue
from layout.page.assemble import composer_for
from layout.page.copyfit import FILLER, report

from conftest import copy_issues


def test_a_moved_project_does_not_mark_unchanged_pages_corrected(tmp_path):
    # The same project rendered from two places into one folder: what the pages show is the same, so
    # their revisions (and ModDates) stay; a photo counts by its content, not its path.
    for where in ("a", "b"):
        copy_issues(tmp_path / where / "issues")
    out = tmp_path / "out"
    render(tmp_path / "a" / "issues" / "1650.yaml", out)
    render(tmp_path / "b" / "issues" / "1650.yaml", out)
    revisions = {f["name"]: f.get("revision") for f in json.loads((out / "manifest.json").read_text())["files"]}
    assert revisions["20211129-01.pdf"] == revisions["20211129-02.pdf"] == revisions["20211129-issue1650.pdf"] == 0


def test_room_after_a_closing_subhead_is_room_for_a_paragraph(tmp_path, real_fonts):
    copy_issues(tmp_path / "issues")
    story = tmp_path / "issues" / "1650" / "community-spaces.md"
    text = story.read_text(encoding="utf-8").rstrip("\n")
    story.write_text(text[:-200] + "\n## 結語\n", encoding="utf-8")
    path = tmp_path / "issues" / "1650.yaml"

    def fit():
        layout = build_layout(path, real_fonts, proof=True)
        issue = load_issue(path)
        fits = report(layout.flows, issue.template, composer_for(issue.template, real_fonts))
        flow = next(f for f in layout.flows if f.story.id == "community-spaces")
        return next(f for f in fits if f.story == "community-spaces"), flow

    room, flow = fit()
    assert room.room_chars > 0
    story.write_text(text[:-200] + "\n## 結語\n" + FILLER * room.room_chars + "\n", encoding="utf-8")
    assert fit()[0].overset_chars == 0
    story.write_text(text[:-200] + "\n## 結語\n" + FILLER * (room.room_chars + flow.chars_per_line) + "\n",
                     encoding="utf-8")
    assert fit()[0].overset_chars > 0


def test_a_jump_head_on_a_first_frame_is_an_error_not_dropped(tmp_path):
    copy_issues(tmp_path / "issues")
    path = tmp_path / "issues" / "1650.yaml"
    text = path.read_text(encoding="utf-8")
    old = "      - {page: 1, col: 1, span: 4, line: 20, lines: 8}\n"
    assert old in text
    path.write_text(text.replace(old, "      - {page: 1, col: 1, span: 4, line: 20, lines: 8, jump_head: 續}\n", 1),
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1 and "stories[study-session].frames[1].jump_head" in result.output


def test_layout_new_never_writes_an_issue_check_refuses(tmp_path):
    copy_issues(tmp_path / "issues")
    result = CliRunner().invoke(main, ["new", "1600", "--from", str(tmp_path / "issues" / "1650.yaml"),
                                       "--date", "2021-01-04"])
    assert result.exit_code == 1 and "give it with --number" in result.output
    assert not (tmp_path / "issues" / "1600.yaml").exists()
    ok = CliRunner().invoke(main, ["new", "1600", "--from", str(tmp_path / "issues" / "1650.yaml"),
                                   "--date", "2021-01-04", "--number", "1"])
    assert ok.exit_code == 0 and load_issue(tmp_path / "issues" / "1600.yaml").number == 1
