"""The page stage's entry: every page of an issue assembled as a display list of drawing items —
each story flowed and checked complete, its head, jump heads, column rules and border; the
masthead, running heads, boxes and photos; on a proof, the proof marks — and a text dump of it.

This is the last stage that knows typography; the PDF stage only draws what it is given.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..compose.linebreak import Composer
from ..compose.settings import PunctuationPosition
from ..base.errors import LayoutError
from .flow import StoryFlow, flow_story
from .verify import verify_complete
from ..fonts.faces import FontSet
from .proof_marks import copyfit_margin, frames, grid, overset_marks, watermark
from .furniture import (box_items, headline_block, jump_head, masthead, photo_items, running_head, slug_line,
                        column_rules, runs_at, story_border, story_separator)
from .items import Item, TextRun
from ..issue.model import Issue
from ..compose.atoms import MissingGlyph


@dataclass(frozen=True)
class PageLayout:
    number: int
    items: tuple[Item, ...]
    slug: tuple[Item, ...] = ()      # outside the page, for the shop: what the page is and which render

@dataclass(frozen=True)
class IssueLayout:
    issue: Issue
    pages: tuple[PageLayout, ...]
    flows: tuple[StoryFlow, ...]

    def dump(self) -> str:
        """A readable text form: story → every line placed (page, grid line, x, kind, text) → page item
        counts. The golden layouts under tests/golden/ are this text."""
        out = [f"issue {self.issue.number} (total {self.issue.total}) {self.issue.date}"]
        for flow in self.flows:
            over = (f" OVERSET {flow.overset.chars} chars / {flow.overset.lines} lines from "
                    f"「{flow.overset.first_sentence}」" if flow.overset else "")
            out.append(f"story {flow.story.id}: {flow.lines_used}/{flow.lines_available} lines{over}")
            for p in flow.lines:
                out.append(f"  p{p.page} line {p.grid_line:3d} x={p.x:7.2f} {p.kind:8s} {p.line.text}")
        for page in self.pages:
            runs = sum(isinstance(i, TextRun) for i in page.items)
            out.append(f"page {page.number}: {len(page.items)} items, {runs} text runs")
        return "\n".join(out)


def composer_for(t, fonts: FontSet) -> Composer:
    """The composer a template asks for: its 避頭尾 level, punctuation style and position, Latin gap."""
    settings = t.composition
    centred = settings.position is PunctuationPosition.CNS
    return Composer(fonts.with_centred_punctuation() if centred else fonts, settings)


def _story_items(story, t, composer, proof: bool) -> tuple[StoryFlow, dict[int, list[Item]]]:
    """A story's flow and everything it draws, by page."""
    per_page: dict[int, list[Item]] = {}

    def add(page: int, items) -> None:
        per_page.setdefault(page, []).extend(items)

    try:
        flow = flow_story(story, t, composer)
        if story.head:
            add(story.head.page, headline_block(story, t.rect(story.head), t, composer))
        for k, frame in enumerate(story.frames):
            if k and frame.jump_head:
                add(frame.place.page, jump_head(frame.jump_head, t.rect(frame.place), t, composer))
    except MissingGlyph as exc:
        raise LayoutError(f"story '{story.id}' ({story.source}): {exc}") from None
    verify_complete(flow)
    for p in flow.lines:
        add(p.page, runs_at(p.line, p.x, p.baseline))
    for page, rules in column_rules(story, t).items():
        add(page, rules)
    if story.head:
        add(story.head.page, story_separator(story, t))
    for page in sorted({f.place.page for f in story.frames}):
        add(page, story_border(story, page, t))
    if proof:
        for page, marks in overset_marks(flow, t, composer).items():
            add(page, marks)
    return flow, per_page


def layout_issue(issue: Issue, fonts: FontSet, proof: bool = False, show_grid: bool = False,
                 cache: dict | None = None, render_id: str = "") -> IssueLayout:
    """Every page as drawing primitives; a proof adds its watermark, frame outlines and story names,
    overset and empty lines where they happen, the copyfit figures, and the grid if asked.

    ``cache`` (a dict kept by the caller, as `layout watch` does) holds each story's result under its
    full description, so a story that did not change is not composed again."""
    t = issue.template
    composer = composer_for(t, fonts)
    flows = []
    per_page: dict[int, list[Item]] = {p.number: [] for p in issue.pages}
    for story in issue.stories:
        key = (repr(story), repr(t), proof)
        if cache is not None and key in cache:
            flow, items = cache[key]
        else:
            flow, items = _story_items(story, t, composer, proof)
            if cache is not None:
                cache[key] = (flow, items)
        flows.append(flow)
        for page, page_items in items.items():
            per_page[page].extend(page_items)
    try:
        per_page[1][:0] = masthead(issue, composer) if t.masthead_lines else []
        for page in issue.pages[1:]:
            if t.running_head_lines:
                per_page[page.number][:0] = running_head(issue, page.number, composer)
        for box in issue.boxes:
            per_page[box.place.page].extend(box_items(box, t, composer))
        for photo in issue.photos:
            per_page[photo.place.page].extend(photo_items(photo, t, composer))
    except MissingGlyph as exc:
        raise LayoutError(f"{issue.path}: page furniture: {exc}") from None
    if proof:
        for spec in issue.pages:
            n = spec.number
            per_page[n][:0] = watermark(t, composer) + (grid(t) if show_grid else [])
            per_page[n].extend(frames(issue, n, composer) + copyfit_margin(flows, n, t, composer))
    slugs = {p.number: tuple(slug_line(issue, p.number, render_id, composer)) for p in issue.pages}
    pages = tuple(PageLayout(p.number, tuple(per_page[p.number]), slugs[p.number]) for p in issue.pages)
    return IssueLayout(issue, pages, tuple(flows))
