"""The copyfit's room is exact: adding exactly the characters it reports still fits, one line's worth
more oversets (worked out by setting text into the frames, not lines times a column's characters)."""

from __future__ import annotations

import shutil

import pytest

from layout.app.pipeline import build_layout
from layout.issue.loader import load_issue
from layout.page.assemble import composer_for
from layout.page.copyfit import FILLER, report

from conftest import ROOT


def _fit(path, real_fonts, story_id):
    layout = build_layout(path, real_fonts, proof=True)
    issue = load_issue(path)
    fits = report(layout.flows, issue.template, composer_for(issue.template, real_fonts))
    return next(f for f in fits if f.story == story_id), next(fl for fl in layout.flows if fl.story.id == story_id)


@pytest.mark.parametrize("cut", [40, 75, 130])
def test_reported_room_fits_exactly(tmp_path, real_fonts, cut):
    shutil.copytree(ROOT / "issues", tmp_path / "issues")
    path = tmp_path / "issues" / "1650.yaml"
    story = tmp_path / "issues" / "1650" / "community-spaces.md"
    text = story.read_text(encoding="utf-8")
    # Cut the last paragraph's end so the story leaves room (and a short last line).
    story.write_text(text.rstrip("\n")[:-cut] + "\n", encoding="utf-8")
    fit, flow = _fit(path, real_fonts, "community-spaces")
    assert fit.empty_lines > 0 and fit.room_chars > 0
    base = story.read_text(encoding="utf-8").rstrip("\n")
    story.write_text(base + FILLER * fit.room_chars + "\n", encoding="utf-8")
    full, _ = _fit(path, real_fonts, "community-spaces")
    assert full.overset_chars == 0, "the reported room must fit"
    story.write_text(base + FILLER * (fit.room_chars + flow.chars_per_line) + "\n", encoding="utf-8")
    over, _ = _fit(path, real_fonts, "community-spaces")
    assert over.overset_chars > 0, "a line more than the room must overset"
