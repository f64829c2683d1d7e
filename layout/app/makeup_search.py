"""The make-up search: a page's stories and boxes as modules cut from the grid.

A page is filled by guillotine cuts, as a newspaper page is made up: a region (columns × lines) is
either one module, or a module across its whole width on top of the rest of the region (one blank
grid line between them), or two regions side by side (a vertical cut at a column boundary). The
lead may also take an L: its head across the region and its text under the head's left part, the
space beside the text filled by other modules. Every module's height comes from makeup_fit (the
real composer), so a region is filled only where its modules' heights add up to it exactly: no
line left empty. Each arrangement has a cost (lower is better: the lead wide and on top, higher
priorities higher and larger, little cropping, legs of text neither stubby nor endless, boxes low and
to the right); the search keeps the cheapest few arrangements of every region it has solved.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations

from .makeup_fit import TARGET, Body, Head, Measurer
from .makeup_plan import PlanBox, PlanPage, PlanStory, Priority

KEEP = 10                 # arrangements kept per region and set of modules
KEEP_PAGE = 80           # arrangements of a whole page kept for the rule checks and the engine's layout
LEG_SHORT, LEG_LONG = 6, 32     # a column of text under 6 lines is stubby, over 32 a long leg


@dataclass(frozen=True)
class Module:
    """What one element takes: ``span`` columns, ``height`` lines; for a story its head and body."""

    item: str
    kind: str                 # story, box, cont (a story's continuation after a jump)
    span: int
    height: int
    cost: float
    head: Head | None = None
    body: Body | None = None
    body_span: int = 0        # an L: the body narrower than the head (0: as wide)


@dataclass(frozen=True)
class Placed:
    module: Module
    col: int
    line: int

    @property
    def bottom(self) -> int:
        return self.line + self.module.height - 1

    def head_lines(self) -> tuple[int, int] | None:
        head = self.module.head
        return (self.line, self.line + head.lines - 1) if head else None


Arrangement = tuple[float, tuple[Placed, ...]]


@dataclass
class PageProblem:
    """One page to fill: its modules by item and width, its fixed boxes, its first and last lines."""

    page: PlanPage
    columns: int
    top: int
    bottom: int
    modules: dict[str, dict[int, dict[int, Module]]]   # item → span → height → the cheapest module
    fixed: tuple[PlanBox, ...]
    lead: str | None
    l_bodies: dict[int, dict[int, Module]] | None = None  # the lead's bodies for an L: span → height → module

    def __post_init__(self):
        self._memo: dict = {}
        self._bounds: dict = {}

    def bounds(self, item: str, width: int) -> tuple[int, int]:
        """The fewest and the most cells the item can take in a region ``width`` columns wide."""
        key = (item, width)
        if key not in self._bounds:
            spans = {s: hs for s, hs in self.modules[item].items() if s <= width and hs}
            low = min((s * min(hs) for s, hs in spans.items()), default=math.inf)
            high = max((s * (max(hs) + 1) for s, hs in spans.items()), default=-1)
            self._bounds[key] = (low, high)
        return self._bounds[key]

    # --- the search ----------------------------------------------------------------------------
    def solve(self) -> list[Arrangement]:
        items = frozenset(self.modules)
        found = self._fill_counts(1, self.columns + 1, self.top, self.bottom, items, False, KEEP_PAGE)
        return sorted(found, key=_order)

    def _fixed_in(self, c0: int, c1: int, l0: int, l1: int) -> list[PlanBox] | None:
        """The fixed boxes inside the region; None if one lies across its edge."""
        inside = []
        for box in self.fixed:
            p = box.place
            cols = max(0, min(c1, p.col + p.span) - max(c0, p.col))
            lines = max(0, min(l1, p.line + p.lines - 1) - max(l0, p.line) + 1)
            if cols * lines == 0:
                continue
            if cols != p.span or lines != p.lines:
                return None
            inside.append(box)
        return inside

    def _fill_counts(self, c0: int, c1: int, l0: int, l1: int, items: frozenset, left: bool, keep: int = KEEP
              ) -> list[Arrangement]:
        key = (c0, c1, l0, l1, items, left)
        if key in self._memo:
            return self._memo[key]
        self._memo[key] = []       # a region never contains itself
        result = self._solve_region(c0, c1, l0, l1, items, left, keep)
        result = _best(result, keep)
        self._memo[key] = result
        return result

    def _solve_region(self, c0, c1, l0, l1, items, left, keep) -> list[Arrangement]:
        width, height = c1 - c0, l1 - l0 + 1
        fixed = self._fixed_in(c0, c1, l0, l1)
        if fixed is None:
            return []
        if height <= 0:
            return [(0.0, ())] if not items and not fixed else []
        if not items and not fixed:
            return []            # a hole
        area = width * height - sum(b.place.span * b.place.lines for b in fixed)
        low = sum(self.bounds(i, width)[0] for i in items)
        high = sum(self.bounds(i, width)[1] for i in items) + sum(b.place.span for b in fixed)
        if low > area or high < area:
            return []
        out: list[Arrangement] = []
        # A fixed box across the region's whole width at its foot or its top is cut off first.
        for box in fixed:
            p = box.place
            if p.col == c0 and p.span == width:
                fixed_module = Module(box.id, "fixed", p.span, p.lines, 0.0)
                if p.line + p.lines - 1 == l1:
                    if p.line == l0:
                        rest = [(0.0, ())] if not items and len(fixed) == 1 else []
                    elif p.line - l0 < 2:
                        rest = []      # a blank line over the box, with nothing above it: a hole
                    else:
                        rest = self._fill_counts(c0, c1, l0, p.line - 2, items, left)
                    return [(c, arr + (Placed(fixed_module, c0, p.line),)) for c, arr in rest]
                if p.line == l0:
                    if l1 - (p.line + p.lines - 1) < 2:
                        return []
                    rest = self._fill_counts(c0, c1, p.line + p.lines + 1, l1, items, left)
                    return [(c, (Placed(fixed_module, c0, p.line),) + arr) for c, arr in rest]
        # One module across the region's width on top of the rest.
        for item in sorted(items):
            if item == self.lead and l0 != self.top:
                continue          # the lead's head opens the page
            for h, module in sorted(self.modules[item].get(width, {}).items()):
                placed = Placed(module, c0, l0)
                cost = module.cost + self.place_cost(placed)
                if h == height:
                    if len(items) == 1 and not fixed:
                        out.append((cost, (placed,)))
                    continue
                if h > height - 2 or any(b.place.line <= l0 + h for b in fixed):
                    continue
                for c, arr in self._fill_counts(c0, c1, l0 + h + 1, l1, items - {item}, False):
                    out.append((cost + c, (placed,) + arr))
            if item == self.lead and self.l_bodies and width >= 3:
                out += self._l_shapes(c0, c1, l0, l1, items, fixed)
        # Two regions side by side.
        if not left:
            out += self._side_by_side(c0, c1, l0, l1, items, fixed)
        return out

    def _l_shapes(self, c0, c1, l0, l1, items, fixed) -> list[Arrangement]:
        """The lead's head across the region, its text under the head's left part, other modules
        beside the text filling its height exactly, the rest of the region below."""
        out: list[Arrangement] = []
        width = c1 - c0
        rest_items = items - {self.lead}
        heads = self.modules[self.lead].get(width, {})
        head_set = {m.head for m in heads.values() if m.head}
        for head in sorted(head_set, key=lambda h: h.lines):
            for span in range(math.ceil(width / 2), width):
                for hb, body in sorted(self.l_bodies.get(span, {}).items()):
                    total = head.lines + hb
                    if total > l1 - l0 + 1 or any(b.place.line < l0 + total + 1 and b.place.col < c0 + span
                                                  for b in fixed):
                        continue
                    module = Module(self.lead, "story", width, total, body.cost + _head_cost(head, Priority.LEAD, 1.0),
                                    head, body.body, span)
                    placed = Placed(module, c0, l0)
                    cost = module.cost + self.place_cost(placed)
                    for n in range(1, len(rest_items) + 1):
                        for beside in combinations(sorted(rest_items), n):
                            side = self._fill_counts(c0 + span, c1, l0 + head.lines, l0 + total - 1, frozenset(beside), False)
                            if not side:
                                continue
                            below_items = rest_items - frozenset(beside)
                            if total == l1 - l0 + 1:
                                below = [(0.0, ())] if not below_items else []
                            elif total > l1 - l0 - 1:
                                continue
                            else:
                                below = self._fill_counts(c0, c1, l0 + total + 1, l1, below_items, False)
                            for sc, sarr in side[:3]:
                                for bc, barr in below[:3]:
                                    out.append((cost + sc + bc, (placed,) + sarr + barr))
        return out

    def _side_by_side(self, c0, c1, l0, l1, items, fixed) -> list[Arrangement]:
        out: list[Arrangement] = []
        ordered = sorted(items)
        for cut in range(c0 + 1, c1):
            if any(b.place.col < cut < b.place.col + b.place.span for b in fixed):
                continue
            for n in range(0, len(ordered) + 1):
                for chosen in combinations(ordered, n):
                    left_items = frozenset(chosen)
                    if not left_items and not any(b.place.col < cut for b in fixed):
                        continue
                    if left_items == items and not any(b.place.col >= cut for b in fixed):
                        continue
                    if self.lead in items and self.lead not in left_items:
                        continue      # the lead opens the page: it is in the first group of columns
                    left = self._fill_counts(c0, cut, l0, l1, left_items, True)
                    if not left:
                        continue
                    right = self._fill_counts(cut, c1, l0, l1, items - left_items, False)
                    for lc, larr in left:
                        for rc, rarr in right:
                            if _tombstones(larr, rarr):
                                continue
                            out.append((lc + rc, larr + rarr))
        return out

    # --- costs ---------------------------------------------------------------------------------
    def place_cost(self, placed: Placed) -> float:
        """What a module's place costs: higher priorities belong higher, boxes low and to the right,
        continuations at the top left of their page."""
        m = placed.module
        down = placed.line - self.top
        if m.kind == "story":
            prio = self.priority(m.item)
            if prio is Priority.LEAD:
                return -2.0 * m.span + 0.02 * (placed.col - 1)
            return (0.05 if prio is Priority.SECOND else 0.02) * down + 0.01 * (placed.col - 1)
        if m.kind == "cont":
            return 0.03 * down + 0.05 * (placed.col - 1)
        right = self.columns - (placed.col + m.span - 1)
        return 0.03 * (self.bottom - placed.bottom) + 0.05 * right

    def priority(self, item: str) -> Priority:
        return next(s.priority for s in self.page.stories if s.id == item)


def _order(a: Arrangement):
    return (round(a[0], 6), _geometry(a[1]))


def _geometry(arr: tuple[Placed, ...]) -> tuple:
    return tuple(sorted((p.module.item, p.col, p.line, p.module.span, p.module.height, p.module.body_span)
                        for p in arr))


def _best(found: list[Arrangement], keep: int) -> list[Arrangement]:
    """The ``keep`` cheapest arrangements, one of each geometry."""
    out, seen = [], set()
    for a in sorted(found, key=_order):
        sig = _geometry(a[1])
        if sig in seen:
            continue
        seen.add(sig)
        out.append(a)
        if len(out) == keep:
            break
    return out


def _tombstones(left: tuple[Placed, ...], right: tuple[Placed, ...]) -> bool:
    """Two heads side by side sharing a grid line (tombstoning)."""
    for a in left:
        ha = a.head_lines()
        if not ha:
            continue
        for b in right:
            hb = b.head_lines()
            if hb and ha[0] <= hb[1] and hb[0] <= ha[1]:
                return True
    return False


def _head_cost(head: Head, priority: Priority, style: float) -> float:
    cost = 0.4 * (head.lines - head.least)
    if priority is Priority.LEAD:
        cost -= 0.05 * head.size
    else:
        cost += 4.0 * abs(head.size / style - TARGET[priority])
    return cost


def _body_cost(body: Body, story: PlanStory, measurer: Measurer) -> float:
    # The shortest leg: a column's lines, or under a photo what the photo leaves of it.
    legs = body.frame.lines - (body.frame.exclude[2] if body.frame.exclude else 0)
    cost = 0.0
    if legs < LEG_SHORT:
        cost += 0.6 * (LEG_SHORT - legs) * body.frame.span / 2
    if legs > LEG_LONG:
        cost += 0.08 * (legs - LEG_LONG)
    cost += 6.0 * body.crop
    if body.continues:
        total = sum(c for c, _ in measurer.block_lines(story))
        share = body.frame.span * body.frame.lines / max(1, total)
        cost += 0.3 + 3.0 * max(0.0, 0.3 - share)
    if body.photo and story.priority is not Priority.BRIEF:
        cost -= 0.004 * body.photo[1] * body.photo[3]      # a larger photo for a larger story
    return cost


def story_modules(story: PlanStory, measurer: Measurer, columns: int, may_jump: bool, overset_ok: bool = False
                  ) -> tuple[dict[int, dict[int, Module]], dict[int, dict[int, Module]]]:
    """The story's modules by span and height (the cheapest of each), and its bodies alone by span and
    height (for the lead's L). ``overset_ok``: its text may also overrun its frame (to find, when nothing
    fits, which story is too long and by how much), at a cost that grows with what does not fit."""
    spans = {Priority.LEAD: range(max(2, math.ceil(columns / 2)), columns + 1),
             Priority.SECOND: range(2, columns + 1),
             Priority.BRIEF: range(1, min(3, columns) + 1)}[story.priority]
    modules: dict[int, dict[int, Module]] = {}
    bodies: dict[int, dict[int, Module]] = {}
    style = measurer.t.styles["headline"].size
    for span in range(1, columns + 1):
        body_list = measurer.bodies(story, span, may_jump)
        by_height: dict[int, Module] = {}
        for body in body_list:
            cost = _body_cost(body, story, measurer)
            if overset_ok and body.continues:
                total = sum(c for c, _ in measurer.block_lines(story))
                cost += 1000.0 + 10.0 * max(0, total - body.frame.span * body.frame.lines)
            m = Module(story.id, "story", span, body.height, cost, None, body)
            if body.height not in by_height or m.cost < by_height[body.height].cost:
                by_height[body.height] = m
        bodies[span] = by_height
        if span not in spans:
            continue
        out: dict[int, Module] = {}
        for head in measurer.heads(story, span, spans):
            for hb, body_module in by_height.items():
                h = head.lines + hb
                cost = body_module.cost + _head_cost(head, story.priority, style)
                m = Module(story.id, "story", span, h, cost, head, body_module.body)
                if h not in out or m.cost < out[h].cost:
                    out[h] = m
        modules[span] = out
    return modules, bodies


def box_modules(box: PlanBox, top: int, bottom: int) -> dict[int, dict[int, Module]]:
    low, high = box.lines
    return {span: {h: Module(box.id, "box", span, h, 0.0) for h in range(low, min(high, bottom - top + 1) + 1)}
            for span in box.spans}


def continuation_modules(story: PlanStory, home, measurer: Measurer, columns: int) -> dict[int, dict[int, Module]]:
    out: dict[int, dict[int, Module]] = {}
    for span in range(1, columns + 1):
        body = measurer.continuation(story, home, span)
        if body is not None:
            legs = body.frame.lines - 2
            cost = 0.6 * max(0, LEG_SHORT - legs) + 0.08 * max(0, legs - LEG_LONG)
            out[span] = {body.height: Module("cont:" + story.id, "cont", span, body.height, cost, None, body)}
    return out
