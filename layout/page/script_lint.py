"""A script lint: characters of the other script in a story (a Simplified-only character in a
Traditional source, or a Traditional-only one in a Simplified source), with story, paragraph and
position — what an editor wants to know before the paper is printed in one script.

A source's script is the one most of its script-specific characters belong to. A character is
Simplified-only where the Traditional national set (Big5) does not have it and OpenCC's
Simplified→Traditional conversion changes it (稳→穩); Traditional-only where GB 2312 does not have it and
the Traditional→Simplified conversion changes it (穩→稳). Characters both sets share (党, 准, 里) are
never reported."""

from __future__ import annotations

from ..compose.scripts import HANS, HANT, SCRIPT_NAMES, other_script_at, outside_standard, script_counts, script_of
from ..issue.model import Issue


def script_warnings(issue: Issue) -> list[str]:
    """One line for each character of a story that is not in the story's own script."""
    out = []
    for story in issue.stories:
        texts = [story.kicker or "", story.headline or "", story.deck or ""] + [b.text for b in story.blocks]
        counts = script_counts(texts)
        if not counts[HANS] or not counts[HANT]:
            continue
        own = HANT if counts[HANT] >= counts[HANS] else HANS
        for k, block in enumerate(story.blocks):
            for i in other_script_at(block.text, own):
                ch, context = block.text[i], block.text[max(0, i - 2):i + 3]
                out.append(f"script: story '{story.id}', paragraph {k + 1}, character {i + 1}: {ch} "
                           f"(U+{ord(ch):04X}) is {SCRIPT_NAMES[script_of(ch)]}-only in a {SCRIPT_NAMES[own]} text, "
                           f"in 「{context}」")
    return out


def edition_warnings(issue: Issue) -> list[str]:
    """For a Simplified edition (its texts converted): each ideograph it would print that the
    通用規範漢字表 and GB 2312 do not have — a variant no table maps (靑 for 青) — with how often and
    where first, so it is never printed unnoticed."""
    if issue.script is None or issue.script.script != HANS:
        return []
    found: dict[str, list] = {}
    for story in issue.stories:
        for k, block in enumerate(story.blocks):
            for ch in outside_standard(block.text, HANS):
                found.setdefault(ch, [0, story.id, k + 1])[0] += 1
    return [f"script: edition {issue.script.code} prints {ch} (U+{ord(ch):04X}), which 通用規範漢字表 and GB 2312 "
            f"do not have, {n} time{'s' if n > 1 else ''}, first in story '{sid}', paragraph {para}: write the "
            f"standard form in the source if it is meant" for ch, (n, sid, para) in sorted(found.items())]
