"""The page stage's entry: every page of an issue assembled as a display list of drawing items —
each story flowed and checked complete, its head, jump heads, column rules and border; the
masthead, running heads, boxes and photos; on a proof, the proof marks — and a text dump of it.

This is the last stage that knows typography; the PDF stage only draws what it is given.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..compose.linebreak import Composer
from ..compose.settings import PunctuationPosition
from ..base.errors import LayoutError
from ..base.units import Rect
from .flow import JUMP_HEAD_LINES, StoryFlow, flow_story
from .coverage import grid_warnings
from ..issue.editions import edition_issue
from .script_lint import edition_warnings, script_warnings
from .fpo import fpo_marks
from .verify import verify_complete, verify_drawn
from .tables import table_rules
from ..fonts.faces import FontSet
from .proof_marks import overset_pages, page_marks
from .furniture import (box_items, headline_block, jump_head, masthead, photo_items, running_head, slug_line,
                        column_rules, neighbour_rules, runs_at, story_border, story_separator)
from .items import Item, TextRun
from .news_elements import index_items, pull_quote_items, sidebar_heading, story_starts, story_with_byline
from .vertical_head import vertical_head
from ..issue.model import BoxKind, GridRect, Issue
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
    grid_warnings: tuple[str, ...] = ()   # empty pages, a page count not in fours, grid areas left empty,
                                          # heads fitted at another size (fit_headline)
    # A proof's pages after the issue's, no 版 of it: the overset text in full. Numbered -1, -2 …
    appendix: tuple[PageLayout, ...] = ()
    render_id: str = ""                   # the digest of the inputs the slug lines carry ("" for none)

    def dump(self) -> str:
        """A readable text form: story → every line placed (page, grid line, x, kind, text) → page item
        counts. The golden layouts under tests/golden/ are this text."""
        out = [f"issue {self.issue.number} (total {self.issue.total}) {self.issue.date}"]
        for flow in self.flows:
            over = (f" OVERSET {flow.overset.chars} chars / {flow.overset.lines} lines from "
                    f"「{flow.overset.first_sentence}」" if flow.overset else "")
            out.append(f"story {flow.story.id}: {flow.lines_used}/{flow.lines_available} lines{over}")
            for p in flow.lines:
                out.append(f"  p{p.page} line {p.grid_line:3d} x={p.x + p.dx:7.2f} {p.kind:8s} {p.line.text}")
        for page in self.pages:
            runs = sum(isinstance(i, TextRun) for i in page.items)
            out.append(f"page {page.number}: {len(page.items)} items, {runs} text runs")
        return "\n".join(out)


def composer_for(t, fonts: FontSet) -> Composer:
    """The composer a template asks for: its 避頭尾 level, punctuation style and position, Latin gap."""
    settings = t.composition
    centred = settings.position is PunctuationPosition.CNS
    fonts = fonts.for_region(t.glyph_region)
    return Composer(fonts.with_centred_punctuation() if centred else fonts, settings)


def _story_items(story, t, composer) -> tuple[StoryFlow, dict[int, list[Item]], tuple[str, ...]]:
    """A story's flow, everything it draws, by page (a proof's marks are the page's, not the story's:
    they share the gutters with the other stories' marks), and what to tell the editor of it."""
    per_page: dict[int, list[Item]] = {}
    notes: list[str] = []

    def add(page: int, items) -> None:
        per_page.setdefault(page, []).extend(items)

    story = story_with_byline(story, t)   # a byline and dateline are text of the story, flowed and checked
    try:
        flow = flow_story(story, t, composer)
        if story.pull_quote:
            quote = story.pull_quote
            items, over = pull_quote_items(story, t, composer)
            if over is None:
                verify_drawn(f"story '{story.id}': its pull quote (page {quote.place.page})", [quote.text], items,
                             t.rect(quote.place), composer.fonts, "shorten the quote or give it more lines")
            else:   # reported as an overset is: the render refuses it, a proof shows it
                flow = replace(flow, elements_over=(over,))
            add(quote.place.page, items)
        if story.heading and story.head:
            items, over = sidebar_heading(story, t, composer)
            if over is None:   # checked inside its band, where it is drawn (the tint reaches out to the border)
                verify_drawn(f"story '{story.id}': its heading (page {story.head.page})", [story.heading], items,
                             t.rect(story.head), composer.fonts, "shorten the sidebar's heading")
                used = max(r.size for r in items if isinstance(r, TextRun))
                if used < t.styles["sidebar_heading"].size - 0.05:
                    notes.append(f"story '{story.id}': its heading is set at {used:.1f} pt, "
                                 f"{used / t.styles['sidebar_heading'].size:.0%} of the style's "
                                 f"{t.styles['sidebar_heading'].size:g} pt, to fit its band (fit_headline)")
            else:   # reported as an overset is: the render refuses it, a proof shows it
                flow = replace(flow, elements_over=flow.elements_over + (over,))
            add(story.head.page, items)
        if story.head:
            place = t.rect(story.head)
            if story.vertical_head:   # 直排: set and read back there; a column too long is reported as overset
                head, over = vertical_head(story, place, t, composer)
                flow = replace(flow, elements_over=flow.elements_over + over)
            else:
                head = headline_block(story, place, t, composer)
                verify_drawn(f"story '{story.id}': its head (page {story.head.page})",
                             [x for x in (story.kicker, story.headline, story.deck) if x], head, place,
                             composer.fonts, "shorten the kicker, headline or deck, or give the head more lines")
            add(story.head.page, head)
            if story.fit_headline and story.headline:
                # Fitted as the YAML asked: say at what size, so nobody is surprised by it.
                used, style = max(r.size for r in head if isinstance(r, TextRun)), t.styles["headline"].size
                if abs(used - style) > 0.05:
                    notes.append(f"story '{story.id}': its headline is set at {used:.1f} pt, {used / style:.0%} of "
                                 f"the style's {style:g} pt, to fit its head (fit_headline)")
        for k, frame in enumerate(story.frames):
            if k and frame.jump_head:
                place = t.rect(frame.place)
                jump = jump_head(frame.jump_head, place, t, composer)
                band = Rect(place.x, place.y, place.w, JUMP_HEAD_LINES * t.pitch)
                verify_drawn(f"story '{story.id}': the jump head of frame {k + 1} (page {frame.place.page})",
                             [frame.jump_head], jump, band, composer.fonts,
                             "a jump head (續題) is one line: shorten it")
                add(frame.place.page, jump)
    except MissingGlyph as exc:
        raise LayoutError(f"story '{story.id}' ({story.source}): {exc}") from None
    verify_complete(flow)
    for p in flow.lines:
        add(p.page, runs_at(p.line, p.x + p.dx, p.baseline))
    for page, rules in column_rules(story, t).items():
        add(page, rules)
    for page, rules in table_rules(flow.tables, t).items():
        add(page, rules)
    if story.head:
        add(story.head.page, story_separator(story, t))
    for page in sorted({f.place.page for f in story.frames}):
        add(page, story_border(story, page, t))
    return flow, per_page, tuple(notes)


def _furniture(issue: Issue, composer: Composer, per_page: dict[int, list[Item]], starts: dict[str, int]) -> None:
    """The masthead, running heads, boxes and photos, each checked to show the words the YAML gives
    it, whole and inside its place."""
    t, paper, fonts = issue.template, issue.paper, composer.fonts
    if t.masthead_lines:
        items = masthead(issue, composer)
        words = ([] if paper.logo else [paper.name]) + [x for x in (paper.permit, paper.url) if x]
        verify_drawn(f"{issue.path}: the masthead", words + [c.label for c in paper.channels], items,
                     t.rect(GridRect(1, 1, t.columns, 1, t.masthead_lines)), fonts,
                     "shorten the paper's name, permit, address or channel labels, or give the masthead more lines")
        per_page[1][:0] = items
    for spec in issue.pages[1:]:
        if t.running_head_lines:
            items = running_head(issue, spec.number, composer)
            verify_drawn(f"{issue.path}: the running head of page {spec.number}",
                         [x for x in (spec.section, spec.editor) if x], items,
                         t.rect(GridRect(spec.number, 1, t.columns, 1, t.running_head_lines)), fonts,
                         "shorten the section or the editor's name")
            per_page[spec.number][:0] = items
    for box in issue.boxes:
        if box.kind is BoxKind.INDEX:   # 導讀: its pages from the layout (where each story starts)
            items, parts = index_items(box, t, composer, starts)
        else:
            items, parts = box_items(box, t, composer), [p for p in box.text.split("\n") if p.strip()]
        verify_drawn(f"box '{box.id}' (page {box.place.page})", parts,
                     items, t.rect(box.place), fonts, "shorten its text or give the box more room")
        per_page[box.place.page].extend(items)
    for photo in issue.photos:
        items = photo_items(photo, t, composer)
        verify_drawn(f"photo '{photo.id}' (page {photo.place.page})",
                     [x for x in (photo.caption, photo.credit) if x], items, t.rect(photo.place), fonts,
                     "shorten the caption or give the photo more lines")
        per_page[photo.place.page].extend(items)


def story_key(story, t, proof: bool) -> tuple:
    """What a story's composed result is kept under in a caller's cache (``layout_issue(cache=…)``): its
    whole description, its edition's template (script, region, settings) and whether it is a proof."""
    return (repr(story), repr(t), proof)


def layout_issue(issue: Issue, fonts: FontSet, proof: bool = False, show_grid: bool = False,
                 cache: dict | None = None, render_id: str = "", watermark: bool = True,
                 edition: str | None = None) -> IssueLayout:
    """Every page as drawing primitives; a proof adds its marks beside the text, never on it (see
    proof_marks): the 校樣 stamp (unless ``watermark`` is False), frame outlines and story names, overset
    and empty lines, holes shaded, the copyfit figures, the grid if asked; and the overset text in full
    on pages of its own (``appendix``).

    ``cache`` (a dict kept by the caller, as `layout watch` does) holds each story's result under its
    full description, so a story that did not change is not composed again.

    ``issue`` as read is set in ``edition`` (default: its first): its texts converted to the edition's
    script (issue/editions.py); the script lint reads the source."""
    source = issue
    if issue.script is None:
        issue = edition_issue(issue, edition or issue.editions[0])
    t = issue.template
    composer = composer_for(t, fonts)
    flows = []
    per_page: dict[int, list[Item]] = {p.number: [] for p in issue.pages}
    fit_notes: list[str] = []
    for story in issue.stories:
        key = story_key(story, t, proof)
        if cache is not None and key in cache:
            flow, items, notes = cache[key]
        else:
            flow, items, notes = _story_items(story, t, composer)
            if cache is not None:
                cache[key] = (flow, items, notes)
        fit_notes.extend(notes)
        flows.append(flow)
        for page, page_items in items.items():
            per_page[page].extend(page_items)
    try:
        _furniture(issue, composer, per_page, story_starts(flows))
    except MissingGlyph as exc:
        raise LayoutError(f"{issue.path}: page furniture: {exc}") from None
    for page, rules in neighbour_rules(issue).items():   # 欄線 between neighbouring stories, boxes, photos
        per_page[page].extend(rules)
    appendix: tuple[PageLayout, ...] = ()
    if proof:
        for spec in issue.pages:
            marks = page_marks(issue, flows, spec.number, composer, show_grid, watermark)
            per_page[spec.number][:0] = marks.under
            per_page[spec.number].extend(marks.over)
        appendix = tuple(PageLayout(-k, tuple(items))
                         for k, items in enumerate(overset_pages(issue, flows, composer, watermark), 1))
    if proof:
        for n, items in per_page.items():
            items.extend(fpo_marks(issue, items, composer))
    slugs = {p.number: tuple(slug_line(issue, p.number, render_id, composer)) for p in issue.pages}
    pages = tuple(PageLayout(p.number, tuple(per_page[p.number]), slugs[p.number]) for p in issue.pages)
    lint = script_warnings(source) if t.script_lint != "off" else []
    if lint and t.script_lint == "error":
        raise LayoutError(f"{issue.path}: {lint[0]} ({len(lint)} such characters; the template asks for one "
                          f"script: script_lint: error)")
    if t.script_lint != "off":
        lint += edition_warnings(issue)
    warnings = tuple(grid_warnings(issue)) + tuple(fit_notes) + tuple(lint)
    return IssueLayout(issue, pages, tuple(flows), warnings, appendix, render_id)
