"""The check that nothing is lost: every character of a story is on the page or reported as overset,
once and in order. Runs on every render, not only in tests."""

from __future__ import annotations

from ..base.errors import LayoutError
from .flow import StoryFlow


def verify_complete(flow: StoryFlow) -> None:
    """Every character of the story is on the page or reported as overset, once and in order.

    Runs on every render, not only in tests: the placed lines of each paragraph must read back as
    the paragraph's text (or, where the story is overset, as its beginning), and the characters
    placed plus those reported overset must be exactly the story's characters."""
    placed: dict[int, list[str]] = {}
    for p in flow.lines:
        if p.block >= 0:
            placed.setdefault(p.block, []).append(p.line.text)
    total = placed_chars = 0
    for index, block in enumerate(flow.story.blocks):
        got = "".join(placed.get(index, []))
        total += len(block.text)
        placed_chars += len(got)
        if got == block.text or (flow.overset and block.text.startswith(got)):
            continue
        raise LayoutError(f"story '{flow.story.id}': internal check failed: paragraph {index + 1} was placed as "
                          f"「{got[:30]}…」 but reads 「{block.text[:30]}…」")
    overset = flow.overset.chars if flow.overset else 0
    if placed_chars + overset != total:
        raise LayoutError(f"story '{flow.story.id}': internal check failed: {placed_chars} characters placed and "
                          f"{overset} overset, but the story has {total}")
