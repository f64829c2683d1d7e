"""Every text the YAML gives is set, whole, in order and inside its place, or the command fails
naming it: headlines, kickers, decks, jump heads, banners, notices, captions, credits and the
masthead's words, not only story bodies. Story text is read by a CommonMark parser with only the
constructs the README documents."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from layout.app.cli import main
from layout.issue.loader import parse_body

from conftest import copy_issues
from test_hardening import story_issue
from pdfscan import page_texts


@pytest.fixture()
def issue_copy(tmp_path):
    return copy_issues(tmp_path / "issues")


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def run(args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def squeeze(text: str) -> str:
    return re.sub(r"\s", "", text)


@pytest.mark.parametrize("old, new, needle", [
    # a notice whose text does not fit its box would print over the story below
    ("      啟事\n      此處為公告欄位\n", "      啟事\n" + "      此處為公告欄位，文字很多很多。\n" * 120,
     "box 'page2-notice' (page 2)"),
    # banner lines beyond the red box would print white on white
    ("      深入貫徹落實\n      徐匯區第十一次黨代會精神\n", "      深入貫徹落實\n" * 6 + "      徐匯區第十一次黨代會精神\n",
     "box 'slogan' (page 1)"),
    # a jump head longer than one line was cut to its first line
    ("jump_head: 奮進卓越徐匯新征程}", "jump_head: 奮進卓越徐匯新征程書寫趕考路上新答卷徐匯區委區政府舉行學習討論會}",
     "story 'study-session': the jump head of frame 2 (page 2)"),
    # a headline too long for its head printed over the deck and the body
    ("    headline: 奮進卓越徐匯新征程 書寫趕考路上新答卷\n",
     "    headline: " + "奮進卓越徐匯新征程書寫趕考路上新答卷" * 40 + "\n", "story 'study-session': its head (page 1)"),
    # a caption too long for its photo
    ("caption: ", "caption: " + "很長的圖片說明文字" * 60, "photo '"),
])
def test_text_that_does_not_fit_its_place_fails_naming_it(issue_copy, tmp_path, old, new, needle):
    if old == "caption: ":
        issue_copy = tmp_path / "issues" / "1641.yaml"
    edit(issue_copy, old, new)
    for command in ("check", "render"):
        result = run([command, issue_copy, "-o", tmp_path / "out"] if command == "render" else [command, issue_copy])
        assert result.exit_code == 1, result.output
        assert needle in result.output, result.output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.pdf"))


def test_display_text_needs_a_head(issue_copy):
    edit(issue_copy, "    head: {page: 1, col: 1, span: 3, line: 29, lines: 6}\n", "")
    result = run(["check", issue_copy])
    assert result.exit_code == 1
    assert "1650.yaml:" in result.output and "stories[government-meeting].kicker" in result.output and "head:" in result.output


@pytest.mark.parametrize("line, expected", [
    ("#徐匯# 話題熱議", [("para", "#徐匯# 話題熱議")]),         # a Weibo hashtag is text
    ("#1 號線今日開通", [("para", "#1 號線今日開通")]),
    ("#", [("para", "#")]),                                   # a line of only # is text, not nothing
    ("##", [("para", "##")]),
    ("# 一級標題", [("para", "# 一級標題")]),                   # only ## makes a subhead
    ("### 三級", [("para", "### 三級")]),
    ("## 小標題", [("subhead", "小標題")]),
    ("1. 第一條", [("para", "1. 第一條")]),                    # lists, quotes, rules stay text
    ("> 引文", [("para", "> 引文")]),
    ("---", [("para", "---")]),
    ("C:\\路徑\\*文件*", [("para", "C:\\路徑\\*文件*")]),        # no escapes, no emphasis with one *
    ("他說**很好**。", [("para", "他說很好。")]),
])
def test_story_text_is_commonmark_with_only_the_documented_constructs(line, expected):
    blocks = parse_body(line + "\n")
    assert [(b.kind.value, b.text) for b in blocks] == expected


def test_bold_and_paragraph_per_line():
    blocks = parse_body("本報訊 **記者** 報道\n第二段\n\n## 小標題\n第三段")
    assert [b.text for b in blocks] == ["本報訊 記者 報道", "第二段", "小標題", "第三段"]
    assert [(i.text, i.bold) for i in blocks[0].inlines] == [("本報訊 ", False), ("記者", True), (" 報道", False)]


def test_hashtags_print_whole(tmp_path):
    path = story_issue(tmp_path, "本報訊 今日熱議。\n#徐匯# 話題\n#1 號線今日開通\n#\n## 小標題\n結尾。\n")
    result = run(["render", path, "-o", tmp_path / "out"])
    assert result.exit_code == 0, result.output
    text = squeeze(page_texts(tmp_path / "out" / "20211129-01.pdf")[0])
    assert "今日熱議。#徐匯#話題#1號線今日開通#小標題結尾。" in text


def test_a_head_is_set_smaller_only_where_the_yaml_asks(issue_copy):
    # Without fit_headline the government-meeting head does not fit its five lines at the styles' sizes:
    # an error saying by how much, never a silently smaller head.
    edit(issue_copy, "    fit_headline: true              # kicker and two-line headline set smaller to fit the head "
                     "(reported)\n", "")
    result = run(["check", issue_copy])
    assert result.exit_code == 1
    assert re.search(r"story 'government-meeting': its head \(page 1\): 「.+」 runs \d+\.\d pt outside its place",
                     result.output), result.output
    # Asked for, it is fitted, and the size used is reported.
    edit(issue_copy, "    headline: 學習貫徹", "    fit_headline: true\n    headline: 學習貫徹")
    result = run(["check", issue_copy])
    assert result.exit_code == 0 and "headline is set at 24.0 pt, 80% of the style's 30 pt" in result.output


def test_an_overset_is_said_once_and_a_failed_render_still_prints_the_table(issue_copy, tmp_path):
    story = issue_copy.parent / "1650" / "community-spaces.md"
    story.write_text(story.read_text(encoding="utf-8") + "增補的段落。" * 30 + "\n", encoding="utf-8")
    for command in (["check", issue_copy], ["render", issue_copy, "-o", tmp_path / "out"]):
        result = run(command)
        assert result.exit_code == 1
        assert result.output.count("did not fit, from") == 1, result.output     # the sentence once
        assert re.search(r"community-spaces .*CUT \d+ chars", result.output), result.output   # the table too
