"""`layout new`: a new issue from a previous one, its comments and layout kept."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

from layout.app.cli import main
from layout.issue.loader import load_issue

from conftest import ROOT


def test_new_issue_keeps_the_file_and_moves_the_numbers(tmp_path):
    shutil.copytree(ROOT / "issues", tmp_path / "issues")
    source = tmp_path / "issues" / "1650.yaml"
    result = CliRunner().invoke(main, ["new", "1651", "--from", str(source), "--date", "2021-12-06"])
    assert result.exit_code == 0, result.output
    target = tmp_path / "issues" / "1651.yaml"
    issue = load_issue(target)
    assert (issue.number, issue.total, str(issue.date)) == (50, 1651, "2021-12-06")
    assert issue.stories == () and issue.photos == () and [b.id for b in issue.boxes] == [b.id for b in
                                                                                      load_issue(source).boxes]
    old, new = source.read_text(encoding="utf-8"), target.read_text(encoding="utf-8")
    # Comments and flow style kept: only the issue line and the stories differ before the boxes.
    assert new.splitlines()[:11] == old.splitlines()[:11]
    assert "issue: {number: 50, total: 1651, date: 2021-12-06}" in new
    again = CliRunner().invoke(main, ["new", "1651", "--from", str(source), "--date", "2021-12-06"])
    assert again.exit_code == 1 and "already exists" in again.output


def test_new_issue_can_keep_the_stories_with_their_files(tmp_path):
    shutil.copytree(ROOT / "issues", tmp_path / "issues")
    source = tmp_path / "issues" / "1650.yaml"
    result = CliRunner().invoke(main, ["new", "1651", "--from", str(source), "--date", "2021-12-06",
                                       "--keep-stories"])
    assert result.exit_code == 0, result.output
    issue = load_issue(tmp_path / "issues" / "1651.yaml")
    assert [s.text_file.parent.name for s in issue.stories] == ["1651"] * 3
    assert issue.photos[0].file.parent.name == "1651"
    assert (tmp_path / "issues" / "1651" / "study-session.md").read_bytes() == \
        (tmp_path / "issues" / "1650" / "study-session.md").read_bytes()
    assert CliRunner().invoke(main, ["check", str(tmp_path / "issues" / "1651.yaml")]).exit_code == 0
