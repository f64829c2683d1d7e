"""The copyfit report: per story, what fits where, and what to cut or how much room is left.

Printed as a table after every render or check, and written as JSON beside the PDFs, so an editor
knows at once what to change."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import NamedTuple

from .flow import StoryFlow


class FrameLines(NamedTuple):
    page: int
    used: int            # lines placed in the frame
    available: int       # lines it offers


@dataclass(frozen=True)
class StoryFit:
    story: str
    chars: int
    frames: tuple[FrameLines, ...]
    lines_used: int
    lines_available: int
    overset_chars: int
    overset_lines: int
    overset_from: str
    empty_lines: int
    room_chars: int

    @property
    def status(self) -> str:
        if self.overset_chars:
            return "overset"
        if self.empty_lines:
            return "underset"
        return "fits"


def story_fit(flow: StoryFlow) -> StoryFit:
    over = flow.overset
    empty = flow.underset_lines
    return StoryFit(
        story=flow.story.id,
        chars=sum(len(b.text) for b in flow.story.blocks),
        frames=tuple(FrameLines(f.page, f.used, f.available) for f in flow.frames),
        lines_used=flow.lines_used,
        lines_available=flow.lines_available,
        overset_chars=over.chars if over else 0,
        overset_lines=over.lines if over else 0,
        overset_from=over.first_sentence if over else "",
        empty_lines=empty,
        room_chars=empty * flow.chars_per_line,
    )


def report(flows) -> list[StoryFit]:
    return [story_fit(f) for f in flows]


def to_json(fits: list[StoryFit], issue_label: str) -> str:
    data = {
        "issue": issue_label,
        "stories": [
            {
                "story": f.story, "status": f.status, "characters": f.chars,
                "frames": [{"page": p, "lines_used": u, "lines_available": a} for p, u, a in f.frames],
                "lines_used": f.lines_used, "lines_available": f.lines_available,
                "overset": {"characters": f.overset_chars, "lines": f.overset_lines, "from": f.overset_from}
                if f.overset_chars else None,
                "empty_lines": f.empty_lines, "room_characters": f.room_chars,
            }
            for f in fits
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def table(fits: list[StoryFit]) -> str:
    """A plain-text table; CJK characters are counted two columns wide so it lines up in a terminal."""
    head = ["story", "chars", "frames (page: used/available lines)", "lines", "to cut / room"]
    rows = []
    for f in fits:
        frames = "  ".join(f"p{p}: {u}/{a}" for p, u, a in f.frames)
        if f.overset_chars:
            verdict = f"CUT {f.overset_chars} chars ({f.overset_lines} lines) from 「{f.overset_from[:12]}」"
        elif f.empty_lines:
            verdict = f"room {f.empty_lines} lines (~{f.room_chars} chars)"
        else:
            verdict = "fits"
        rows.append([f.story, str(f.chars), frames, f"{f.lines_used}/{f.lines_available}", verdict])
    widths = [max(_width(r[i]) for r in [head] + rows) for i in range(len(head))]
    lines = ["  ".join(_pad(c, w) for c, w in zip(head, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(c, w) for c, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join(lines)


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
