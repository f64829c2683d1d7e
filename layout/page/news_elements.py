"""What a news page carries besides heads and body: bylines and datelines, pull quotes (引語), the
front page's index (導讀) and the headings of sidebars (相關鏈接).

A byline and a dateline become text of the story itself (a line of its own over the text, or a run-in
at the start of the first paragraph), so they flow, fit and are checked for nothing lost as the body
is. A pull quote is drawn in a grid rectangle the story's frame excludes (the loader adds it) or
beside the frames; what does not fit its rectangle is reported as an overset. A sidebar is a story of
its own (``<id>-sidebar``, read by the loader): here only its heading band. An index box lists stories
with the page each starts on, taken from the layout, never typed.
"""

from __future__ import annotations

import math
from dataclasses import replace

from ..base.errors import LayoutError
from ..compose.atoms import Align
from ..compose.linebreak import Composer
from ..issue.model import Block, BlockKind, Box, Inline, Story, Template
from .flow import LEAD_INS, ElementOverset, StoryFlow
from .furniture import BOX_INSET, FIT_SCALES, border_outline, fit_headline, runs_at, set_lines
from .grid import EM_TOP, baseline_in, baseline_of
from .items import BLACK, RED, Item, Rectangle, Rule
from .verify import run_extent

RUN_IN_GAP = "\u3000"         # after a run-in byline or dateline: an ideographic space, as the paper sets it

# A pull quote, in pitch (grid lines) or em of its type.
QUOTE_RULE_INSET = 0.3        # pitch: each rule inside its rectangle's top or bottom edge
QUOTE_RULES = (1.5, 0.5)      # pt: the heavy rule over the quote, the thin one under it
QUOTE_PAD = 0.35              # em: between a rule and the quote's em boxes
QUOTE_LEADING = 1.4           # em: baseline to baseline
QUOTE_REBREAKS = 4            # times a quote is broken again, narrower, for an em box past its rectangle's edge
QUOTE_SPILL = 0.25            # pt: an em box past the edge by no more is inside (the check allows 0.5)

SIDEBAR_TINT = (0.0, 0.0, 0.0, 0.12)   # the ground of a sidebar's heading band
SIDEBAR_HEADING_INSET = 0.5   # em of body type: the heading's first character from the band's left edge
SIDEBAR_HEADING_MAX_LINES = 2     # the most lines a heading takes in its band
SIDEBAR_HEADING_LEADING = 1.2  # em: baseline to baseline

INDEX_HEADING_LINES = 2       # grid lines an index box's heading takes
INDEX_HEADING_SIZE = 0.65     # of its band: the heading's size
INDEX_HEADING_RULE = 0.12     # pitch: the rule under the heading, up from its band's foot
INDEX_LABEL_GAP = 1.0         # em: least space between an entry's text and its page


def story_with_byline(story: Story, t: Template) -> Story:
    """The story as it is set, with its byline and dateline as text of its own (flowed, fitted and
    checked for nothing lost as the body is):

    - ``line``: the byline is a line of its own over the text (kept with the first line of text), in the
      byline style; a dateline runs in at the start of the first paragraph, in the lead-in style.
    - ``run-in``: as mainland papers set it, the dateline (or the paragraph's own 本報訊) and then the
      byline in brackets — 本報訊（記者 王小明）11月24日上午… — or, with neither, the byline followed by
      an ideographic space.

    A dateline replaces the 本報訊 the text opens with, in either mode: both are the lead-in (電頭), the
    YAML's the desk's choice for this story, and a story prints one (本報上海9月5日電（記者 王小明）今年…).

    The words are the editor's; the engine adds only the brackets or the space that part them."""
    if not story.byline and not story.dateline:
        return story
    at = story.byline_at or t.byline_at
    blocks = list(story.blocks)
    first = next((k for k, b in enumerate(blocks) if b.kind is BlockKind.PARA), None)
    rest = blocks[first].inlines if first is not None else ()
    run_in: list[Inline] = []
    lead = None
    if rest and rest[0].style is None and not rest[0].bold and rest[0].text.startswith(LEAD_INS) \
            and (story.dateline or (story.byline and at == "run-in")):
        # 本報訊 written by the editor opens the paragraph: the byline follows it in brackets, and a
        # dateline takes its place — both are the story's lead-in (電頭), and a story prints one.
        lead = next(x for x in LEAD_INS if rest[0].text.startswith(x))
        tail = rest[0].text[len(lead):].lstrip()
        rest = ((replace(rest[0], text=tail),) if tail else ()) + rest[1:]
    if story.dateline or lead:
        run_in.append(Inline(story.dateline or lead, style="lead_in"))
    if story.byline and at == "run-in":
        run_in.append(Inline(f"（{story.byline}）" if run_in else story.byline + RUN_IN_GAP, style="byline"))
    elif run_in:
        run_in[-1] = replace(run_in[-1], text=run_in[-1].text + RUN_IN_GAP)
    if run_in:
        if first is None:
            blocks.insert(0, Block(BlockKind.PARA, tuple(run_in)))
        else:
            blocks[first] = replace(blocks[first], inlines=tuple(run_in) + tuple(rest))
    if story.byline and at == "line":
        blocks.insert(0, Block(BlockKind.BYLINE, (Inline(story.byline),)))
    return replace(story, blocks=tuple(blocks))


def pull_quote_items(story: Story, t: Template, composer: Composer) -> tuple[list[Item], ElementOverset | None]:
    """引語: the quote in the pull-quote style, centred between a heavy rule and a thin one in its
    rectangle, its lines broken between words where 避頭尾 allows. Every em box drawn lies inside the
    rectangle: a line ending in a mark whose blank half is trimmed (、 ，) still has its whole em drawn, so
    where one would reach past the edge the line moves in by as much, and where it is wider than the
    rectangle the quote is broken again at a narrower measure (centred), up to QUOTE_REBREAKS times.
    Lines that do not fit — below its foot, or too wide even so (a word longer than the place is wide) —
    are not drawn but reported (the characters from the first of them on, and the grid lines the place
    would need), and the rectangle is outlined in red, as an overset story's frame is: the render
    refuses it, naming the edition where the issue has several, and the copyfit says what to cut."""
    quote = story.pull_quote
    assert quote is not None
    if not any(quote.text in b.text for b in story.blocks):
        # The loader checked the source; an edition's conversion must have kept the words the same.
        raise LayoutError(f"story '{story.id}': internal check failed: its pull quote 「{quote.text[:24]}」 is not "
                          f"words of its text in this edition")
    rect = t.rect(quote.place)
    st = t.styles["pull_quote"]
    top_rule = rect.y + QUOTE_RULE_INSET * t.pitch
    bottom_rule = rect.bottom - QUOTE_RULE_INSET * t.pitch
    inner_top = top_rule + QUOTE_PAD * st.size
    inner_h = bottom_rule - QUOTE_PAD * st.size - inner_top
    step = st.size * QUOTE_LEADING
    width = rect.w
    for _ in range(QUOTE_REBREAKS + 1):
        lines = set_lines(composer, quote.text, st.role, st.size, width, Align.CENTER, words=True)
        left = (rect.w - width) / 2      # a narrower measure centred in the rectangle
        boxes = [(left + first, left + right) for first, right in (_em_boxes(ln, composer) for ln in lines)]
        spills = [right - first - rect.w for first, right in boxes]
        spill = max(spills, default=0.0)
        if spill <= QUOTE_SPILL or width - spill < st.size:
            break
        width -= spill
    # A line whose em boxes reach past an edge (a trimmed mark's) but fit across moves in by as much.
    xs = [rect.x + left + min(0.0, rect.w - right) + max(0.0, -first) for first, right in boxes]
    room = max(0, int((inner_h - st.size) // step) + 1) if inner_h >= st.size else 0
    inside = next((k for k, x in enumerate(spills) if x > QUOTE_SPILL), len(lines))
    shown = lines[:min(room, inside)]
    height = (len(shown) - 1) * step + st.size if shown else 0.0
    y = inner_top + (inner_h - height) / 2
    items: list[Item] = [Rule(rect.x, top_rule, rect.right, top_rule, QUOTE_RULES[0]),
                         Rule(rect.x, bottom_rule, rect.right, bottom_rule, QUOTE_RULES[1])]
    for k, ln in enumerate(shown):
        items.extend(runs_at(ln, xs[k], y + k * step + EM_TOP * ln.size))
    if len(shown) == len(lines):
        return items, None
    items.append(Rectangle(rect.x, rect.y, rect.w, rect.h, stroke=RED, stroke_width=1.0))
    # In grid lines, as the place is given: the lines it needs to hold the whole quote, and its own.
    whole = 2 * QUOTE_RULE_INSET * t.pitch + 2 * QUOTE_PAD * st.size + (len(lines) - 1) * step + st.size
    needs = max(math.ceil(whole / t.pitch - 1e-6), quote.place.lines + (len(lines) > room))
    over = ElementOverset("pull quote", quote.place.page, sum(len(ln.text) for ln in lines[len(shown):]),
                          needs, quote.place.lines)
    return items, over


def _em_boxes(line, composer: Composer) -> tuple[float, float]:
    """Where a set line's em boxes begin and end, from its origin: a trimmed mark's whole em counted."""
    boxes = [run_extent(r, composer.fonts) for r in runs_at(line, 0.0, 0.0)]
    return min((b.x for b in boxes), default=0.0), max((b.right for b in boxes), default=0.0)


def sidebar_heading(story: Story, t: Template, composer: Composer) -> tuple[list[Item], ElementOverset | None]:
    """相關鏈接: a sidebar's heading on a tinted band across its head (the first two grid lines of its
    first frame, reaching out to its border), in the sidebar-heading style, flush left, in at most
    SIDEBAR_HEADING_MAX_LINES lines inside the band: set smaller where it must be, as fit_headline does
    (down to 70 %). A heading that does not fit even so is not drawn past the band but reported, with
    the characters left out, as an overset is, and the band is outlined in red."""
    assert story.head is not None and story.heading
    rect = t.rect(story.head)
    border = border_outline(story, story.head.page, t)     # the band reaches out to the border
    st = t.styles["sidebar_heading"]
    inset = SIDEBAR_HEADING_INSET * t.body.size
    for scale in FIT_SCALES:
        size = st.size * scale
        step = size * SIDEBAR_HEADING_LEADING
        room = min(SIDEBAR_HEADING_MAX_LINES, int((rect.h - size) // step) + 1) if rect.h >= size else 0
        lines = fit_headline(composer, story.heading, st.role, size, rect.w - inset, Align.LEFT,
                             max_lines=max(room, 1), shrink=False)
        if len(lines) <= room:
            break
    shown = lines[:room]
    band_x, band_right = (border.x, border.right) if border is not None else (rect.x, rect.right)
    items: list[Item] = [Rectangle(band_x, rect.y, band_right - band_x, rect.h, fill=SIDEBAR_TINT)]
    top = rect.y + (rect.h - (len(shown) - 1) * step - size) / 2
    for k, ln in enumerate(shown):
        items.extend(runs_at(ln, rect.x + inset, top + k * step + EM_TOP * ln.size))
    if len(lines) <= room:
        return items, None
    items.append(Rectangle(rect.x, rect.y, rect.w, rect.h, stroke=RED, stroke_width=1.0))
    return items, ElementOverset("heading", story.head.page, sum(len(ln.text) for ln in lines[room:]),
                                 len(lines), room)


def story_starts(flows: list[StoryFlow]) -> dict[str, int]:
    """The page each story starts on, from the layout: its head's page, else the page of its first line."""
    starts = {}
    for flow in flows:
        story = flow.story
        if story.head is not None and (story.kicker or story.headline or story.deck or story.heading):
            starts[story.id] = story.head.page
        elif flow.lines:
            starts[story.id] = flow.lines[0].page
        else:
            starts[story.id] = story.frames[0].place.page
    return starts


def index_label(t: Template, page: int) -> str:
    return t.words(f"第{page}版")


def index_items(box: Box, t: Template, composer: Composer, starts: dict[str, int]) -> tuple[list[Item], list[str]]:
    """導讀: a ruled box, its heading (導讀) over a rule in its first two grid lines, then each entry
    on the grid lines below — its text flush left, broken to leave room for its page, which is set flush
    right on the entry's first line in the sans role ("第2版", the page where the story starts, from
    the layout) — entries parted by hairlines. Returns the items and the texts they must show, in order
    (for the check that they are all drawn, inside the box)."""
    rect = t.rect(box.place)
    inset = BOX_INSET * t.body.size
    inner_x, inner_w = rect.x + inset, rect.w - 2 * inset
    st = t.styles["index"]
    heading = box.heading or t.words("導讀")
    items: list[Item] = [Rectangle(rect.x, rect.y, rect.w, rect.h, stroke=BLACK, stroke_width=0.75)]
    band = INDEX_HEADING_LINES * t.pitch
    size = band * INDEX_HEADING_SIZE
    for ln in fit_headline(composer, heading, "headline", size, inner_w, Align.LEFT, shrink=False)[:1]:
        items.extend(runs_at(ln, inner_x, baseline_in(rect.y, band, size)))
    rule_y = rect.y + band - INDEX_HEADING_RULE * t.pitch
    items.append(Rule(inner_x, rule_y, inner_x + inner_w, rule_y, 1.0))
    parts = [heading]
    line = box.place.line + INDEX_HEADING_LINES
    for k, entry in enumerate(box.entries):
        label = index_label(t, starts[entry.story])
        label_line = set_lines(composer, label, "sans", st.size, inner_w, Align.RIGHT)[0]
        label_w = label_line.width - label_line.indent
        text_w = inner_w - label_w - INDEX_LABEL_GAP * st.size
        if text_w < 2 * st.size:
            raise LayoutError(f"box '{box.id}' (page {box.place.page}): too narrow for its entries and their pages; "
                              f"give the box more columns")
        if k:
            y = t.line_y(line)
            items.append(Rule(inner_x, y, inner_x + inner_w, y, 0.25))
        text_lines = set_lines(composer, entry.text, st.role, st.size, text_w, Align.LEFT)
        for j, ln in enumerate(text_lines):
            items.extend(runs_at(ln, inner_x, baseline_of(t, line + j, ln.size)))
        items.extend(runs_at(label_line, inner_x, baseline_of(t, line, label_line.size)))
        parts += [entry.text, label]
        line += len(text_lines)
    return items, parts
