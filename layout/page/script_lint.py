"""A script lint: characters of the other script in a story (a Simplified-only character in a
Traditional source, or a Traditional-only one in a Simplified source), with story, paragraph and
position — what an editor wants to know before the paper is printed in one script.

A source's script is the one most of its script-specific characters belong to. A character is
Simplified-only where the Traditional national set (Big5) does not have it and OpenCC's
Simplified→Traditional conversion changes it (稳→穩); Traditional-only where GB 2312 does not have it and
the Traditional→Simplified conversion changes it (穩→稳). Characters both sets share (党, 准, 里) are
never reported."""

from __future__ import annotations

from functools import cache

from ..fonts.charsets import big5, gb2312
from ..issue.model import Issue

HANS, HANT = "Simplified", "Traditional"


@cache
def _converters():
    import opencc

    return opencc.OpenCC("s2t"), opencc.OpenCC("t2s")


@cache
def script_of(ch: str) -> str | None:
    """HANS for a Simplified-only character, HANT for a Traditional-only one, None for any other."""
    if not "\u3400" <= ch <= "\u9fff":
        return None
    to_trad, to_simp = _converters()
    if ch not in big5() and to_trad.convert(ch) != ch:
        return HANS
    if ch not in gb2312() and to_simp.convert(ch) != ch:
        return HANT
    return None


def script_warnings(issue: Issue) -> list[str]:
    """One line for each character of a story that is not in the story's own script."""
    out = []
    for story in issue.stories:
        texts = [story.kicker or "", story.headline or "", story.deck or ""] + [b.text for b in story.blocks]
        counts = {HANS: 0, HANT: 0}
        for text in texts:
            for ch in text:
                kind = script_of(ch)
                if kind:
                    counts[kind] += 1
        if not counts[HANS] or not counts[HANT]:
            continue
        own = HANT if counts[HANT] >= counts[HANS] else HANS
        for k, block in enumerate(story.blocks):
            for i, ch in enumerate(block.text):
                if script_of(ch) not in (None, own):
                    context = block.text[max(0, i - 2):i + 3]
                    out.append(f"script: story '{story.id}', paragraph {k + 1}, character {i + 1}: {ch} "
                               f"(U+{ord(ch):04X}) is {script_of(ch)}-only in a {own} text, in 「{context}」")
    return out
