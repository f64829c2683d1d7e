"""The issue model and its loader: valid issues load; every mistake names file, line and key."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from layout.base.errors import LayoutError
from layout.issue.loader import load_issue, parse_body

from conftest import ROOT

GOOD = """\
template: xuhuibao-tabloid
paper: {name: 徐匯報, permit: 准印證號(B)0150, url: http://www.xuhuibao.com}
issue: {number: 49, total: 1650, date: 2021-11-29}
pages:
  - {number: 1, section: 要聞}
  - {number: 2, section: 綜合, editor: 王編輯}
stories:
  - id: lead
    headline: 奮進卓越徐匯新征程
    body: |
      本報訊 徐匯區委、區政府舉行學習討論會。
      ## 小標題
      第二段，**重點**文字。
    head: {page: 1, col: 1, span: 6, line: 13, lines: 4}
    frames:
      - {page: 1, col: 1, span: 3, line: 17, lines: 10}
      - {page: 2, col: 1, span: 2, line: 4, lines: 10, jump_head: 奮進}
"""


def write_issue(tmp_path: Path, text: str) -> Path:
    (tmp_path / "templates").mkdir(exist_ok=True)
    shutil.copy(ROOT / "issues" / "templates" / "xuhuibao-tabloid.yaml", tmp_path / "templates")
    path = tmp_path / "issue.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(LayoutError) as info:
        load_issue(write_issue(tmp_path, text))
    return str(info.value)


def test_good_issue_loads(tmp_path):
    issue = load_issue(write_issue(tmp_path, GOOD))
    assert (issue.number, issue.total, issue.date) == (49, 1650, dt.date(2021, 11, 29))
    assert issue.weekday == "星期一"
    assert [p.section for p in issue.pages] == ["要聞", "綜合"]
    story = issue.stories[0]
    assert [b.kind for b in story.blocks] == ["para", "subhead", "para"]
    assert story.frames[1].jump_head == "奮進"
    assert story.blocks[2].inlines[1].bold and story.blocks[2].inlines[1].text == "重點"
    t = issue.template
    assert t.columns == 6 and t.column_chars == 11 and t.lines == 72
    assert t.measure == pytest.approx(99.0)


@pytest.mark.parametrize("date,weekday", [
    ("2021-11-29", "星期一"), ("2021-11-28", "星期日"), ("2024-02-29", "星期四"), ("2000-01-01", "星期六"),
])
def test_weekday_is_computed_from_the_date(tmp_path, date, weekday):
    issue = load_issue(write_issue(tmp_path, GOOD.replace("2021-11-29", date)))
    assert issue.weekday == weekday


def test_sample_issue_loads():
    issue = load_issue(ROOT / "issues" / "1650.yaml")
    assert issue.total == 1650 and len(issue.stories) == 3


@pytest.mark.parametrize("change,expected", [
    # a typo in a key: line, key path, and the valid keys with a suggestion
    (("    headline:", "    heading:"), ["issue.yaml:9:", "stories[lead].heading", "did you mean 'headline'", "valid keys"]),
    # wrong type
    (("number: 49", "number: forty-nine"), ["issue.yaml:3:", "issue.number", "expected a whole number"]),
    # a frame outside the page
    (("{page: 1, col: 1, span: 3, line: 17", "{page: 1, col: 5, span: 3, line: 17"),
     ["issue.yaml:16:", "stories[lead].frames[1].span", "run past the page's 6 columns"]),
    (("line: 17, lines: 10}", "line: 70, lines: 10}"), ["stories[lead].frames[1].lines", "past the page's 72 lines"]),
    # a frame on a page the issue does not have
    (("{page: 2, col: 1, span: 2", "{page: 3, col: 1, span: 2"), ["stories[lead].frames[2].page", "page 3 is not"]),
    # overlapping the masthead
    (("line: 13, lines: 4}", "line: 5, lines: 4}"), ["stories[lead].head.line", "masthead"]),
    # unknown template
    (("template: xuhuibao-tabloid", "template: broadsheet"), ["issue.yaml:1:", "unknown template 'broadsheet'",
                                                              "xuhuibao-tabloid"]),
    # a bad date
    (("date: 2021-11-29", "date: 2021-13-40"), ["issue.date", "YYYY-MM-DD"]),
    # a missing required key
    (("paper: {name: 徐匯報, permit: 准印證號(B)0150, url: http://www.xuhuibao.com}\n", ""),
     ["missing key 'paper'"]),
])
def test_mistakes_name_file_line_and_key(tmp_path, change, expected):
    old, new = change
    assert old in GOOD
    message = error_of(tmp_path, GOOD.replace(old, new, 1))
    for part in expected:
        assert part in message, (part, message)
    assert "Traceback" not in message and "\n" not in message


def test_overlapping_frames(tmp_path):
    text = GOOD.replace("      - {page: 2, col: 1, span: 2, line: 4, lines: 10, jump_head: 奮進}",
                        "      - {page: 1, col: 2, span: 2, line: 20, lines: 5}")
    message = error_of(tmp_path, text)
    assert "overlaps story 'lead' frame 1" in message and "page 1" in message and "issue.yaml:17:" in message


def test_missing_text_file(tmp_path):
    text = GOOD.replace("    body: |\n      本報訊 徐匯區委、區政府舉行學習討論會。\n      ## 小標題\n      第二段，**重點**文字。\n",
                        "    text: stories/nothing.md\n")
    message = error_of(tmp_path, text)
    assert "stories[lead].text" in message and "'stories/nothing.md' not found" in message


def test_paths_may_not_escape(tmp_path):
    for bad in ("/etc/passwd", "../../../etc/passwd"):
        text = GOOD.replace("    body: |\n      本報訊 徐匯區委、區政府舉行學習討論會。\n      ## 小標題\n      第二段，**重點**文字。\n",
                            f"    text: {bad}\n")
        message = error_of(tmp_path, text)
        assert "stories[lead].text" in message and ("absolute paths" in message or "outside" in message)


@pytest.mark.parametrize("content,expected", [
    ("template: [unclosed", "not valid YAML"),
    ("", "is empty"),
    ("- just\n- a list\n", "expected a mapping"),
    ("a: &a [*a, *a]\n", "nested deeper"),
    ("\x00\x01binary", "binary"),
])
def test_bad_files_fail_cleanly(tmp_path, content, expected):
    message = error_of(tmp_path, content)
    assert "issue.yaml" in message and expected in message


def test_yaml_bomb_is_refused(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    message = error_of(tmp_path, "\n".join(lines) + "\n")
    assert "too large" in message


def test_light_markdown():
    blocks = parse_body("第一段。\n\n## 小標題\n第二段**加粗**結尾。\n")
    assert [(b.kind, b.text) for b in blocks] == [("para", "第一段。"), ("subhead", "小標題"),
                                                 ("para", "第二段加粗結尾。")]


def test_a_box_may_sit_in_a_frame_s_excluded_rectangle(tmp_path):
    text = GOOD.replace("      - {page: 1, col: 1, span: 3, line: 17, lines: 10}",
                        "      - {page: 1, col: 1, span: 3, line: 17, lines: 10,\n"
                        "         exclude: {col: 2, span: 1, line: 20, lines: 4}}")
    text += ("boxes:\n  - id: photo\n    kind: notice\n    text: 圖\n"
             "    place: {page: 1, col: 2, span: 1, line: 20, lines: 4}\n")
    issue = load_issue(write_issue(tmp_path, text))
    assert issue.stories[0].frames[0].exclude[0].line == 20
    bad = text.replace("place: {page: 1, col: 2, span: 1, line: 20, lines: 4}",
                       "place: {page: 1, col: 2, span: 1, line: 19, lines: 4}")
    assert "overlaps" in error_of(tmp_path, bad)


def test_boxed_story_must_form_a_rectangle(tmp_path):
    boxed = GOOD.replace("  - id: lead\n", "  - id: lead\n    box: double\n")
    # head over 6 columns, frame under 3 of them: an L shape, no border can go round it
    assert "must together form one rectangle" in error_of(tmp_path, boxed)
    square = boxed.replace("{page: 1, col: 1, span: 6, line: 13, lines: 4}", "{page: 1, col: 1, span: 3, line: 13, lines: 4}")
    assert load_issue(write_issue(tmp_path, square)).stories[0].box == "double"
