"""The newspaper rules a made-up page keeps, each checked on an issue as laid out (any issue: a
proposal of `layout makeup` or a page made by hand). ``MAKEUP_RULES`` states them; the README repeats them.

The checks need to know what the plan says and the issue file does not: each story's priority,
its home page and the page it may jump to, and which photo is whose (``Roles``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..base.units import Rect
from ..compose.linebreak import Composer
from ..issue.model import GridRect, Issue, Story
from ..page.assemble import IssueLayout
from ..page.flow import LineKind
from ..page.furniture import HEAD_LINE_TOP, headline_block
from ..page.grid import EM_TOP
from ..page.items import TextRun
from .makeup_plan import Priority

LEG_MIN = 5           # lines a column of text under a photo holds at least (a shorter one is a stub)
HEAD_TOLERANCE = 0.05  # pt a head's drawn block may pass its rectangle's edge (rounding)

MAKEUP_RULES = {
    "modular": "a story's head, text frames and photo on a page form one rectangle of the grid, or an L the "
               "paper allows: the head across the top and the text (with its photo) under the head's left or "
               "right part",
    "lead": "the lead story's head opens its page (the first line under the masthead or running head), "
            "no story on the page is wider, and no headline on the page is larger than the lead's",
    "headline-order": "headline sizes follow priority: no story's headline is smaller than that of a story "
                      "of lower priority on its page",
    "tombstone": "no two heads on a page share a grid line (headlines side by side at the same height)",
    "head-under-photo": "no head starts in the two grid lines under another story's photo in the same columns",
    "reading-order": "a story's lines read in order: column by column from left to right, each from top to "
                     "bottom, frame after frame, and every frame on the head's page lies under the head",
    "photo-with-story": "a story's photo is on its head's page, inside the story's module, touching its head "
                        "or text",
    "jumps": "a story's text lies on its own page and, only where the plan allows it, on the one page it "
             "may jump to, under a jump head (續題)",
    "head-fits": "a head's drawn block (its lines with their own leading) lies inside its head rectangle, clear "
                 "of the element below",
    "text-start": "a story's text begins at the top left of its text, right under its head (or under its own photo "
                  "set across the text's whole width): a photo goes over the later columns, never where the text "
                  f"begins, and no column of text under a photo is a stub of fewer than {LEG_MIN} lines",
}


@dataclass(frozen=True)
class Roles:
    """What the plan says of each story: priority, home page, the page it may jump to; photos' owners."""

    priority: dict[str, Priority]
    home: dict[str, int]
    jump: dict[str, int | None]
    photo_owner: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Violation:
    rule: str
    page: int
    message: str

    def __str__(self) -> str:
        return f"page {self.page}: {self.rule}: {self.message}"


def headline_size(story: Story, issue: Issue, composer: Composer) -> float:
    """The headline's size as the engine sets it (the largest type in the head)."""
    t = issue.template
    items = headline_block(story, t.rect(story.head), t, composer)
    return max((i.size for i in items if isinstance(i, TextRun)), default=0.0)


def head_overrun(items, rect: Rect) -> float:
    """How far (pt) a head's drawn block passes its rectangle's top or foot (0: inside). The block is each
    line's em box with the head's own leading above and below it (HEAD_LINE_TOP of its size), so a head
    that lies inside keeps a visible gap to the element under its rectangle."""
    over = 0.0
    for run in (i for i in items if isinstance(i, TextRun) and not i.angle):
        top = run.baseline - EM_TOP * run.size - HEAD_LINE_TOP * run.size
        bottom = run.baseline + (1 - EM_TOP) * run.size + HEAD_LINE_TOP * run.size
        over = max(over, rect.y - top, bottom - rect.bottom)
    return over


def _below(issue: Issue, story: Story) -> str:
    """What starts on the grid line under a story's head, in its columns (for a message)."""
    h = story.head
    line, cols = h.line + h.lines, set(range(h.col, h.col + h.span))
    places = [(f"story '{s.id}'", f.place) for s in issue.stories for f in s.frames]
    places += [(f"photo '{p.id}'", p.place) for p in issue.photos] + [(f"box '{b.id}'", b.place) for b in issue.boxes]
    for name, r in places:
        if r.page == h.page and r.line == line and cols & set(range(r.col, r.col + r.span)):
            return "its own text" if name == f"story '{story.id}'" else name
    return "the grid line below"


def _cells(rect: GridRect) -> set[tuple[int, int]]:
    return rect.cells()


def _bbox(cells: set[tuple[int, int]]) -> tuple[int, int, int, int]:
    cols = [c for c, _ in cells]
    lines = [ln for _, ln in cells]
    return min(cols), max(cols), min(lines), max(lines)


def _full(box: tuple[int, int, int, int]) -> set[tuple[int, int]]:
    c0, c1, l0, l1 = box
    return {(c, ln) for c in range(c0, c1 + 1) for ln in range(l0, l1 + 1)}


def _text_start(story: Story, photos: list, n: int) -> list[Violation]:
    """The story's text begins at the top left of its first frame on its head's page, right under the head
    (or under its own photo across the frame's width); no column under a photo is a stub."""
    out = []
    frames = [f for f in story.frames if f.place.page == n]
    if not frames:
        return out
    f, h = frames[0].place, story.head
    under = h.line + h.lines
    corner = (f.col, f.line)
    own = [p.place for p in photos if p.place.page == n]
    on_top = [r for r in own if r.col == f.col and r.span == f.span and r.line == under
              and f.line == r.line + r.lines + 1]
    if any(corner in r.cells() for r in (*frames[0].exclude, *own)) or (f.line != under and not on_top):
        out.append(Violation("text-start", n, f"story '{story.id}': its text does not begin at the top left under "
                                              f"its head (frame column {f.col}, line {f.line}; head ends on line "
                                              f"{under - 1})"))
    for frame in frames:
        p = frame.place
        for r in (r for r in frame.exclude if any(ph.cells() <= r.cells() for ph in own)):
            below = p.line + p.lines - (r.line + r.lines)
            if 0 < below < LEG_MIN:
                out.append(Violation("text-start", n, f"story '{story.id}': columns {r.col}–{r.col + r.span - 1} "
                                                      f"under its photo hold {below} lines, a stub (fewer than "
                                                      f"{LEG_MIN})"))
    return out


def check_rules(issue: Issue, roles: Roles, composer: Composer, layout: IssueLayout | None = None) -> list[Violation]:
    """Every rule of MAKEUP_RULES on every page of the issue; the stories the roles do not name (no plan
    placed them) are held to the geometric rules only."""
    t = issue.template
    out: list[Violation] = []
    photos_of: dict[str, list] = {}
    for photo in issue.photos:
        owner = roles.photo_owner.get(photo.id)
        if owner:
            photos_of.setdefault(owner, []).append(photo)
    drawn = {s.id: headline_block(s, t.rect(s.head), t, composer) for s in issue.stories if s.head}
    sizes = {sid: max((i.size for i in items if isinstance(i, TextRun)), default=0.0)
             for sid, items in drawn.items() if next(s for s in issue.stories if s.id == sid).headline}

    for spec in issue.pages:
        n = spec.number
        top = (t.masthead_lines if n == 1 else t.running_head_lines) + 1
        on_page = [s for s in issue.stories if s.head and s.head.page == n]

        # modular
        for story in issue.stories:
            cells = set()
            head = story.head if story.head and story.head.page == n else None
            if head:
                cells |= _cells(head)
            frames = [f for f in story.frames if f.place.page == n]
            body = set().union(*(_cells(f.place) for f in frames)) if frames else set()
            own = [p for p in photos_of.get(story.id, []) if p.place.page == n]
            for p in own:
                body |= _cells(p.place)
            if body:
                # The one blank line between the story's own photo and its text is part of its module.
                bc0, bc1, bl0, bl1 = _bbox(body)
                for c in range(bc0, bc1 + 1):
                    for ln in range(bl0, bl1 + 1):
                        if (c, ln) not in body and (c, ln - 1) in body and (c, ln + 1) in body:
                            body.add((c, ln))
            cells |= body
            if not cells:
                continue
            box = _bbox(cells)
            if cells == _full(box):
                continue
            ok = False
            if head and body:
                b0, b1, bl0, bl1 = _bbox(body)
                h0, h1, hl0, hl1 = _bbox(_cells(head))
                ok = (body == _full((b0, b1, bl0, bl1)) and bl0 == hl1 + 1 and h0 <= b0 and b1 <= h1
                      and (b0 == h0 or b1 == h1))
            if not ok:
                out.append(Violation("modular", n, f"story '{story.id}': its head, frames and photo do not form a "
                                                   f"rectangle or an L (columns {box[0]}–{box[1]}, lines {box[2]}–{box[3]})"))

        # lead, headline-order
        ranked = [s for s in on_page if s.id in roles.priority]
        leads = [s for s in ranked if roles.priority[s.id] is Priority.LEAD]
        for lead in leads:
            if lead.head.line != top:
                out.append(Violation("lead", n, f"lead '{lead.id}': its head starts at line {lead.head.line}, not "
                                                f"at the page's first line {top}"))
            width = lead.head.span
            for other in issue.stories:
                if other.id == lead.id:
                    continue
                spans = [f.place.span for f in other.frames if f.place.page == n]
                if other.head and other.head.page == n:
                    spans.append(other.head.span)
                if spans and max(spans) > width:
                    out.append(Violation("lead", n, f"story '{other.id}' ({max(spans)} columns) is wider than the "
                                                    f"lead '{lead.id}' ({width})"))
            for other in on_page:
                if other.id != lead.id and other.id in sizes and lead.id in sizes and \
                        sizes[other.id] > sizes[lead.id] + 0.05:
                    out.append(Violation("lead", n, f"story '{other.id}' has a headline of {sizes[other.id]:.1f} pt, "
                                                    f"larger than the lead's {sizes[lead.id]:.1f} pt"))
        for a in ranked:
            for b in ranked:
                if roles.priority[a.id] < roles.priority[b.id] and a.id in sizes and b.id in sizes \
                        and sizes[a.id] < sizes[b.id] - 0.05:
                    out.append(Violation("headline-order", n, f"'{a.id}' ({roles.priority[a.id].name.lower()}) has a "
                                                              f"{sizes[a.id]:.1f} pt headline, smaller than "
                                                              f"'{b.id}' ({roles.priority[b.id].name.lower()}, "
                                                              f"{sizes[b.id]:.1f} pt)"))

        # tombstone
        for k, a in enumerate(on_page):
            for b in on_page[k + 1:]:
                ha, hb = a.head, b.head
                if ha.line <= hb.line + hb.lines - 1 and hb.line <= ha.line + ha.lines - 1:
                    shared = max(ha.line, hb.line)
                    out.append(Violation("tombstone", n, f"the heads of '{a.id}' and '{b.id}' stand side by side "
                                                         f"(both on line {shared})"))

        # head-fits
        for story in on_page:
            over = head_overrun(drawn[story.id], t.rect(story.head))
            if over > HEAD_TOLERANCE:
                h = story.head
                out.append(Violation("head-fits", n, f"the head of '{story.id}' (lines {h.line}–{h.line + h.lines - 1}) "
                                                     f"draws {over:.1f} pt past its rectangle, touching "
                                                     f"{_below(issue, story)}"))

        # text-start
        for story in on_page:
            out += _text_start(story, photos_of.get(story.id, []), n)

        # head-under-photo
        for photo in (p for p in issue.photos if p.place.page == n):
            foot = photo.place.line + photo.place.lines - 1
            cols = set(range(photo.place.col, photo.place.col + photo.place.span))
            for story in on_page:
                if roles.photo_owner.get(photo.id) == story.id:
                    continue
                h = story.head
                if foot < h.line <= foot + 2 and cols & set(range(h.col, h.col + h.span)):
                    out.append(Violation("head-under-photo", n, f"the head of '{story.id}' starts on line {h.line}, "
                                                                f"right under photo '{photo.id}'"))

        # photo-with-story
        for sid, photos in photos_of.items():
            story = next((s for s in issue.stories if s.id == sid), None)
            for photo in photos:
                if photo.place.page != n:
                    continue
                if story is None or not story.head or story.head.page != n:
                    out.append(Violation("photo-with-story", n, f"photo '{photo.id}' is not on the page of its "
                                                                f"story's head"))
                    continue
                module = _cells(story.head) | set().union(*(_cells(f.place) for f in story.frames
                                                             if f.place.page == n))
                mc0, mc1, ml0, ml1 = _bbox(module | _cells(photo.place))
                mb = _bbox(module)
                touching = any((c + dc, ln + dl) in module for c, ln in _cells(photo.place)
                               for dc, dl in ((1, 0), (-1, 0), (0, 1), (0, -1), (0, 2)))
                inside = (mc0, mc1, ml0, ml1) == mb
                if not (touching and inside):
                    out.append(Violation("photo-with-story", n, f"photo '{photo.id}' is not inside the module of "
                                                                f"story '{sid}', touching its head or text"))

    # jumps (whole issue)
    for story in issue.stories:
        if story.id not in roles.home:
            continue
        home, allowed = roles.home[story.id], roles.jump.get(story.id)
        pages = [f.place.page for f in story.frames]
        for k, frame in enumerate(story.frames):
            p = frame.place.page
            if p != home and p != allowed:
                out.append(Violation("jumps", p, f"story '{story.id}' has a frame on page {p}; the plan allows "
                                                 f"only page {home}" + (f" and page {allowed}" if allowed else "")))
            if k and p != story.frames[k - 1].place.page and not frame.jump_head:
                out.append(Violation("jumps", p, f"story '{story.id}' continues on page {p} without a jump head"))
        if pages != sorted(pages):
            out.append(Violation("jumps", pages[0], f"story '{story.id}' goes back a page ({pages})"))

    # reading-order: frames on a page follow each other to the right or below; within a frame, as laid out
    for story in issue.stories:
        for a, b in zip(story.frames, story.frames[1:]):
            pa, pb = a.place, b.place
            if pb.page < pa.page or (pb.page == pa.page and not (pb.col >= pa.col + pa.span
                                                                 or pb.line >= pa.line + pa.lines)):
                out.append(Violation("reading-order", pb.page, f"story '{story.id}': a frame on page {pb.page} "
                                                               f"(column {pb.col}, line {pb.line}) is neither right "
                                                               f"of nor below the frame it follows"))
        if story.head:
            for f in story.frames:
                if f.place.page == story.head.page and f.place.line <= story.head.line + story.head.lines - 1:
                    out.append(Violation("reading-order", f.place.page, f"story '{story.id}': a frame starts "
                                                                        f"beside or above its head"))
    if layout is not None:
        for flow in layout.flows:
            body = [p for p in flow.lines if p.kind in (LineKind.BODY, LineKind.SUBHEAD)]
            for a, b in zip(body, body[1:]):
                if a.frame == b.frame and (b.x, b.baseline) <= (a.x, a.baseline):
                    out.append(Violation("reading-order", b.page, f"story '{flow.story.id}': a line on page "
                                                                  f"{b.page} (grid line {b.grid_line}) is read "
                                                                  f"before the one it follows"))
                    break
    return sorted(set(out), key=lambda v: (v.page, v.rule, v.message))
