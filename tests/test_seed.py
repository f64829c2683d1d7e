"""The sample issue's text is the seed's, character for character."""

from __future__ import annotations

import re

import pytest

from layout.issue.loader import load_issue

from conftest import ROOT, SHARED

SEED = SHARED / "seeds" / "000_4ea7fffd9326e4f5.txt"


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def seed_text() -> str:
    if not SEED.is_file():
        pytest.skip(f"{SEED} is not beside the project")
    return _squeeze(SEED.read_text(encoding="utf-8"))


def test_every_story_paragraph_is_in_the_seed(seed_text):
    # Paragraphs cut by a printed column end are rejoined in the story files; with the seed's
    # line breaks squeezed out, each paragraph must appear in it exactly as written.
    issue = load_issue(ROOT / "issues" / "1650.yaml")
    for story in issue.stories:
        for block in story.blocks:
            assert _squeeze(block.text) in seed_text, (story.id, block.text[:20])
        for head in (story.kicker, story.headline, story.deck):
            if head:
                assert _squeeze(head) in seed_text, head


def test_the_whole_seed_body_is_used(seed_text):
    # Every paragraph of the three stories is present: the total count of their characters
    # equals the seed's text between the headlines, less the printed jump line.
    issue = load_issue(ROOT / "issues" / "1650.yaml")
    used = sum(len(_squeeze(b.text)) for s in issue.stories for b in s.blocks)
    assert used == 370 + 675 + 741  # lead, 鍾曉詠 story, 從“搖籃”到“拐杖” story (its two subheads included)
    assert "下轉" not in "".join(b.text for s in issue.stories for b in s.blocks)
