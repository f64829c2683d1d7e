"""The copyfit report: per story, what fits where, and what to cut or how much room is left.

Printed as a table after every render or check, and written as JSON beside the PDFs, so an editor
knows at once what to change."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple, Sequence

from ..compose.atoms import Kind, Paragraph
from ..compose.linebreak import Composer
from ..compose.settings import Steer
from ..issue.model import BlockKind, Template
from .flow import LineKind, StoryFlow, block_paragraph


class HintKind(StrEnum):
    TIGHTEN = "tighten"   # {緊} at the paragraph's start sets it one line shorter
    CUT = "cut"           # cutting ``chars`` characters frees the paragraph's short last line


class ParagraphHint(NamedTuple):
    """Where a line can be saved in a story: a paragraph to tighten, or one whose last line is short."""

    kind: HintKind
    paragraph: int       # 1-based, as an editor counts the story's paragraphs and subheads
    chars: int           # characters to cut (CUT); 0 for TIGHTEN
    text: str            # the paragraph's opening words, to find it by


HINTS_SHOWN = 6     # in the table; copyfit.json has them all
# Marks, ——/……, spaces: not characters an editor cuts to free a line.
_NOT_CUT = frozenset({Kind.OPEN, Kind.CLOSE, Kind.PAUSE, Kind.STOP, Kind.MIDDLE, Kind.DASH, Kind.SPACE})


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
    hints: tuple[ParagraphHint, ...] = ()
    # The story's elements that do not fit their places (a pull quote): what, page, characters, lines
    # needed and held. Reported as an overset is.
    elements_over: tuple[tuple[str, int, int, int, int], ...] = ()

    @property
    def status(self) -> str:
        if self.overset_chars or self.elements_over:
            return "overset"
        if self.empty_lines:
            return "underset"
        return "fits"


# The character an editor's added text is counted in: one em of body type, as a column's characters are.
FILLER = "國"


def exact_room(flow: StoryFlow, t: Template, composer: Composer) -> int:
    """How many more characters of body text the story takes without oversetting, worked out by
    setting them: the most characters that, added to its last paragraph, still fit. Not the empty
    lines times a column's characters — a hole left by keeping a subhead with the next line is a line
    no added text reaches, and a short last line has room of its own."""
    from dataclasses import replace

    from ..issue.model import Inline
    from .flow import flow_story

    story = flow.story
    if flow.overset or not story.blocks:
        return 0
    last = story.blocks[-1]
    # An ideograph the body face has (a face of few characters, the tests', may lack 國).
    filler = FILLER if composer.fonts.face_for(FILLER, t.body.role) else next(
        (ch for b in story.blocks for ch in b.text if "\u4e00" <= ch <= "\u9fff"), None)
    if filler is None:
        return flow.underset_lines * flow.chars_per_line

    # Every block but the one the text is added to is the same in every trial: its atoms and lines are
    # set once and kept (flow_story's memo, by block index), so a trial sets one paragraph, not the story.
    kept: dict = {}

    def fits(extra: int) -> bool:
        # Added text continues the last paragraph; after a subhead it is a paragraph of its own.
        if last.kind is BlockKind.PARA:
            blocks = story.blocks[:-1] + (replace(last, inlines=last.inlines + (Inline(filler * extra),)),)
        else:
            blocks = story.blocks + (replace(last, kind=BlockKind.PARA, inlines=(Inline(filler * extra),)),)
        changed = len(blocks) - 1
        memo = dict(kept)
        fitted = flow_story(replace(story, blocks=blocks), t, composer, memo).overset is None
        kept.update((key, value) for key, value in memo.items() if key[1] != changed)
        return fitted

    # A doubling search, then halving: about 2 log2(room) layouts of the story, for stories with room.
    lo, hi = 0, max(1, flow.chars_per_line)
    while fits(hi):
        lo, hi = hi, hi * 2
        if hi > 100_000:
            return lo
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if fits(mid) else (lo, mid)
    return lo


def story_fit(flow: StoryFlow, hints: tuple[ParagraphHint, ...] = (), room: int | None = None) -> StoryFit:
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
        room_chars=room if room is not None else empty * flow.chars_per_line,
        hints=hints,
        elements_over=tuple(tuple(e) for e in flow.elements_over),
    )


def report(flows, t: Template | None = None, composer: Composer | None = None) -> list[StoryFit]:
    """Every story's fit; with the template and the composer, also where each overset story could save a
    line (worked out for overset stories only: composing every paragraph again has its cost)."""
    if t is None or composer is None:
        return [story_fit(f) for f in flows]
    return [story_fit(f, paragraph_hints(f, t, composer) if f.overset else (),
                      exact_room(f, t, composer) if f.underset_lines else None) for f in flows]


def paragraph_hints(flow: StoryFlow, t: Template, composer: Composer) -> tuple[ParagraphHint, ...]:
    """The paragraphs of a story that would each give back a line: set one step tighter ({緊}), or with
    one to three characters cut where their last line holds no more. Each is tried with the composer at
    the measure the paragraph was set at, so every hint is one that holds."""
    placed: dict[int, list] = {}
    for p in flow.lines:
        if p.kind is LineKind.BODY:
            placed.setdefault(p.block, []).append(p.line)
    hints: list[ParagraphHint] = []
    blocks = flow.story.blocks
    for index, lines in sorted(placed.items()):
        block = blocks[index]
        # An editor counts the paragraphs of the text, not the byline line the engine put over them.
        number = index + 1 - sum(1 for b in blocks[:index] if b.kind is BlockKind.BYLINE)
        measures = {round(ln.measure, 3) for ln in lines}
        if block.kind is not BlockKind.PARA or len(lines) < 2 or len(measures) > 1 or lines[0].start != 0 \
                or lines[-1].end != len(block.text):
            continue    # a subhead, a one-line paragraph, one set across measures or not wholly placed
        measure = lines[0].measure
        para = block_paragraph(block, t)
        opening = block.text[:12]
        short = sum(len(u.text) for u in lines[-1].units if u.kind not in _NOT_CUT)
        if 1 <= short <= 3 and _fewer_lines_cut(composer, para, measure, short, len(lines)):
            hints.append(ParagraphHint(HintKind.CUT, number, short, opening))
        if block.steer is not Steer.TIGHT and _tightening_may_save(lines):
            tight = Paragraph(para.spans, para.indent_em, para.align, para.wordwise, Steer.TIGHT)
            if len(composer.compose(tight, measure)) < len(lines):
                hints.append(ParagraphHint(HintKind.TIGHTEN, number, 0, opening))
    return tuple(hints)


def _fewer_lines_cut(composer: Composer, para: Paragraph, measure: float, chars: int, count: int) -> bool:
    """Does the paragraph lose a line with ``chars`` characters cut before its closing punctuation?"""
    text = para.text
    end = len(text.rstrip("。！？；，、：”’」』）》…—.!?;,:)"))
    if end < chars:
        return False
    shorter = text[:end - chars] + text[end:]
    spans, at = [], 0
    for span in para.spans:   # the same spans (a lead-in keeps its face), the cut taken from the last
        piece = shorter[at:at + len(span.text)] if span is not para.spans[-1] else shorter[at:]
        at += len(span.text)
        if piece:
            spans.append(type(span)(piece, span.style))
    cut = Paragraph(tuple(spans), para.indent_em, para.align, para.wordwise, para.steer)
    return len(composer.compose(cut, measure)) < count


def _tightening_may_save(lines) -> bool:
    """Could closing up and squeezing, at most, make room for the last line's units in the lines before
    (with whatever room those lines have spare)? A cheap bound, so that only paragraphs that may save a
    line are composed again."""
    last = lines[-1]
    need = last.width - last.indent
    room = 0.0
    for ln in lines[:-1]:
        marks = sum(1 for u in ln.units if u.blank_right + u.blank_left > 0)    # marks with a blank to give
        spare = ln.measure - ln.indent - sum(u.width for u in ln.units)
        room += 0.5 * ln.size * marks + ln.size / 16 * max(0, len(ln.units) - 1) + max(0.0, spare)
    return room >= need


def to_json(fits: list[StoryFit], issue_label: str, grid_warnings: Sequence[str] = ()) -> str:
    """The copyfit as JSON, with the page grid's warnings (empty pages, a page count not in fours, grid
    areas no element covers)."""
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
                "hints": [{"kind": h.kind.value, "paragraph": h.paragraph, "characters": h.chars, "from": h.text}
                          for h in f.hints],
                "elements_overset": [{"element": e, "page": p, "characters": c, "lines": n, "lines_available": a}
                                     for e, p, c, n, a in f.elements_over],
            }
            for f in fits
        ],
    }
    data["warnings"] = [{"kind": "page grid", "message": m} for m in grid_warnings]
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def table(fits: list[StoryFit]) -> str:
    """A plain-text table; CJK characters are counted two columns wide so it lines up in a terminal."""
    head = ["story", "chars", "frames (page: used/available lines)", "lines", "to cut / room"]
    rows = []
    for f in fits:
        frames = "  ".join(f"p{p}: {u}/{a}" for p, u, a in f.frames)
        if f.overset_chars:
            verdict = f"CUT {f.overset_chars} chars ({f.overset_lines} lines) from 「{f.overset_from[:12]}」"
        elif f.elements_over:
            verdict = "CUT " + ", ".join(f"{c} chars of its {e}" for e, _, c, _, _ in f.elements_over)
        elif f.empty_lines:
            verdict = f"room {f.room_chars} chars ({f.empty_lines} lines empty)"
        else:
            verdict = "fits"
        rows.append([f.story, str(f.chars), frames, f"{f.lines_used}/{f.lines_available}", verdict])
    widths = [max(_width(r[i]) for r in [head] + rows) for i in range(len(head))]
    lines = ["  ".join(_pad(c, w) for c, w in zip(head, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for f, r in zip(fits, rows):
        lines.append("  ".join(_pad(c, w) for c, w in zip(r, widths)).rstrip())
        for element, page, chars, needs, holds in f.elements_over:
            lines.append(f"  {element} (p{page}): CUT {chars} chars — it needs {needs} lines, its place holds {holds}")
        if f.hints:
            shown = "; ".join(_hint(h) for h in f.hints[:HINTS_SHOWN])
            more = f" … and {len(f.hints) - HINTS_SHOWN} more (copyfit.json)" if len(f.hints) > HINTS_SHOWN else ""
            lines.append(f"  a line each: {shown}{more}")
    return "\n".join(lines)


def _hint(h: ParagraphHint) -> str:
    where = f"¶{h.paragraph} 「{h.text[:8]}」"
    if h.kind is HintKind.TIGHTEN:
        return f"{{緊}} {where}"
    return f"cut {h.chars} char{'s' if h.chars > 1 else ''} {where}"


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
