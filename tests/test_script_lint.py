"""The script lint (issue 19, point 4): characters of the other script in a story, with story,
paragraph and position; a warning by default, an error where the template says so."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

from layout.app.cli import main
from layout.issue.loader import load_issue
from layout.page.script_lint import HANS, HANT, script_of, script_warnings

from conftest import ROOT


def test_the_seeds_stray_simplified_characters_are_found():
    warnings = script_warnings(load_issue(ROOT / "issues" / "1650.yaml"))
    found = "".join(w.split(": ")[2][0] for w in warnings)
    # The seed mixes in exactly these Simplified-only characters (稳增长, 办好, 医养, 趋势, 沪上, 萌宠, 热潮, 四个).
    assert sorted(found) == sorted("稳长热个办医养趋势沪宠")
    assert "story 'study-session', paragraph 1, character 118: 稳 (U+7A33) is Simplified-only" in warnings[0]


def test_shared_characters_are_never_reported():
    # 党, 准, 里 are in both national sets: a Traditional text may hold them.
    assert [script_of(c) for c in "党准里國国"] == [None, None, None, HANT, HANS]


def test_warning_by_default_error_where_the_template_says(tmp_path):
    shutil.copytree(ROOT / "issues", tmp_path / "issues")
    issue = tmp_path / "issues" / "1650.yaml"
    result = CliRunner().invoke(main, ["check", str(issue)])
    assert result.exit_code == 0 and result.output.count("warning: script:") == 11
    template = tmp_path / "issues" / "templates" / "xuhuibao-tabloid.yaml"
    template.write_text(template.read_text(encoding="utf-8") + "script_lint: error\n", encoding="utf-8")
    refused = CliRunner().invoke(main, ["check", str(issue)])
    assert refused.exit_code == 1 and "稳 (U+7A33) is Simplified-only" in refused.output and "11 such" in refused.output
    template.write_text(template.read_text(encoding="utf-8").replace("script_lint: error", "script_lint: off"),
                        encoding="utf-8")
    assert "warning: script" not in CliRunner().invoke(main, ["check", str(issue)]).output
