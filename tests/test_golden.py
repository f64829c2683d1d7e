"""Golden layouts: the text dump of every sample issue's layout (``layout check ISSUE --dump``)
is committed under tests/golden/ and compared line by line, so no line break changes silently.

A deliberate change is accepted by rewriting the golden files, then reviewing their diff:

    python3 -m pytest tests/test_golden.py --update-golden
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from layout.app.pipeline import build_layout

from conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"
ISSUES = sorted((ROOT / "issues").glob("*.yaml"))
ACCEPT = "python3 -m pytest tests/test_golden.py --update-golden"
DIFF_LINES = 80


def golden_path(issue: Path) -> Path:
    return GOLDEN / f"{issue.stem}.txt"


def readable_diff(want: str, got: str, name: str, limit: int = DIFF_LINES) -> str:
    lines = list(difflib.unified_diff(want.splitlines(), got.splitlines(), f"{name} (golden)",
                                      f"{name} (this layout)", lineterm=""))
    shown = "\n".join(lines[:limit])
    if len(lines) > limit:
        shown += f"\n… and {len(lines) - limit} more lines of diff"
    return shown


def test_issues_are_there():
    assert len(ISSUES) >= 12, [p.name for p in ISSUES]


@pytest.mark.parametrize("issue", ISSUES, ids=lambda p: p.stem)
def test_layout_matches_golden(issue, real_fonts, request):
    got = build_layout(issue, real_fonts).dump() + "\n"
    golden = golden_path(issue)
    name = golden.relative_to(ROOT).as_posix()
    if request.config.getoption("--update-golden"):
        GOLDEN.mkdir(exist_ok=True)
        if not golden.exists() or golden.read_text(encoding="utf-8") != got:
            golden.write_text(got, encoding="utf-8")
        return
    if not golden.exists():
        pytest.fail(f"{name} does not exist: the layout of {issue.name} has no golden file.\n"
                    f"Write it with: {ACCEPT}", pytrace=False)
    want = golden.read_text(encoding="utf-8")
    if got != want:
        pytest.fail(f"the layout of issues/{issue.name} differs from {name} (- golden, + now):\n"
                    f"{readable_diff(want, got, name)}\n"
                    f"If the change is deliberate, accept it with: {ACCEPT}", pytrace=False)


def test_no_golden_file_without_its_issue(request):
    stems = {p.stem for p in ISSUES}
    stale = sorted(p for p in GOLDEN.glob("*.txt") if p.stem not in stems)
    if request.config.getoption("--update-golden"):
        for path in stale:
            path.unlink()
        return
    assert not stale, (f"golden files of issues that no longer exist: {[p.name for p in stale]}; "
                       f"remove them with: {ACCEPT}")


def test_diff_is_limited_and_says_how_much_more():
    want = "\n".join(f"line {i}" for i in range(200))
    got = "\n".join(f"line {i}" if i % 2 else f"LINE {i}" for i in range(200))
    shown = readable_diff(want, got, "tests/golden/x.txt", limit=10)
    assert shown.splitlines()[0] == "--- tests/golden/x.txt (golden)"
    assert len(shown.splitlines()) == 11 and shown.endswith("more lines of diff")
