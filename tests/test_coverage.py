"""Warnings an editor needs that are not errors: an empty page, a page count a tabloid cannot print,
grid areas no element covers, each with its place."""

from __future__ import annotations

import shutil

import pytest

from layout.issue.loader import load_issue
from layout.page.coverage import grid_warnings

from conftest import ROOT


@pytest.fixture()
def issue_copy(tmp_path):
    shutil.copytree(ROOT / "issues", tmp_path / "issues")
    return tmp_path / "issues" / "1650.yaml"


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_sample_front_page_leaves_no_area_empty(issue_copy):
    # 1650 fills its two pages (blank single lines between elements are their spacing); it has two
    # pages, which a tabloid cannot print alone.
    assert grid_warnings(load_issue(issue_copy)) == [
        "the issue has 2 pages; a tabloid prints in fours (4, 8, 12 …): add 2 or take some away"]


def test_an_area_no_element_covers_is_named_by_place(issue_copy):
    # The page-2 notice shortened by 20 lines leaves columns 1–2, lines 53–72 empty.
    edit(issue_copy, "place: {page: 2, col: 1, span: 2, line: 10, lines: 63}",
         "place: {page: 2, col: 1, span: 2, line: 10, lines: 43}")
    warnings = grid_warnings(load_issue(issue_copy))
    assert "page 2: columns 1–2, lines 53–72 (2 × 20 cells) are covered by no element" in warnings


def test_an_empty_page_and_a_count_in_fours(issue_copy):
    edit(issue_copy, "  - {number: 2, section: 要聞}\n",
         "  - {number: 2, section: 要聞}\n  - {number: 3, section: 社區}\n  - {number: 4, section: 副刊}\n")
    warnings = grid_warnings(load_issue(issue_copy))
    assert "page 3 (社區) is empty: no story, box or photo is placed on it" in warnings
    assert "page 4 (副刊) is empty: no story, box or photo is placed on it" in warnings
    assert not any("tabloid prints in fours" in w for w in warnings)


def test_two_blank_lines_are_an_area_one_is_spacing(issue_copy):
    edit(issue_copy, "place: {page: 2, col: 1, span: 2, line: 10, lines: 63}",
         "place: {page: 2, col: 1, span: 2, line: 11, lines: 62}")
    warnings = grid_warnings(load_issue(issue_copy))
    assert "page 2: columns 1–2, lines 9–10 (2 × 2 cells) are covered by no element" in warnings
