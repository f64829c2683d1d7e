"""What an editor should know of the page grid that is not an error: pages with nothing on them, a
page count a tabloid cannot print (it prints in fours), and every area of the grid no element covers,
with its place (page, columns, lines) — a single blank line between two elements is their spacing."""

from __future__ import annotations

from ..issue.model import Issue

PRINTS_IN = 4   # a tabloid's pages come off the press in fours (two sheets folded)


def grid_warnings(issue: Issue) -> list[str]:
    t = issue.template
    out = []
    if len(issue.pages) % PRINTS_IN:
        up = -(-len(issue.pages) // PRINTS_IN) * PRINTS_IN
        out.append(f"the issue has {len(issue.pages)} pages; a tabloid prints in fours ({PRINTS_IN}, 8, 12 …): "
                   f"add {up - len(issue.pages)} or take some away")
    covered: dict[int, set[tuple[int, int]]] = {p.number: set() for p in issue.pages}
    elements: dict[int, int] = {p.number: 0 for p in issue.pages}

    def cover(page: int, cells: set[tuple[int, int]]) -> None:
        covered[page] |= cells
        elements[page] += 1

    for story in issue.stories:
        if story.head:
            cover(story.head.page, story.head.cells())
        for frame in story.frames:
            cover(frame.place.page, frame.place.cells())
    for item in (*issue.boxes, *issue.photos):
        cover(item.place.page, item.place.cells())
    for spec in issue.pages:
        n = spec.number
        if not elements[n]:
            out.append(f"page {n} ({spec.section}) is empty: no story, box or photo is placed on it")
            continue
        first = (t.masthead_lines if n == 1 else t.running_head_lines) + 1
        for cols, lines in free_areas(covered[n], t.columns, first, t.lines):
            out.append(f"page {n}: {_span('column', cols)}, {_span('line', lines)} "
                       f"({cols[1] - cols[0] + 1} × {lines[1] - lines[0] + 1} cells) are covered by no element")
    return out


def _span(what: str, bounds: tuple[int, int]) -> str:
    return f"{what} {bounds[0]}" if bounds[0] == bounds[1] else f"{what}s {bounds[0]}–{bounds[1]}"


def free_areas(covered: set[tuple[int, int]], columns: int, first: int, last: int):
    """The free cells as rectangles: runs of free lines in each column, neighbouring columns with the
    same run joined, in reading order (left to right, top to bottom)."""
    runs: dict[tuple[int, int], list[int]] = {}
    for col in range(1, columns + 1):
        line = first
        while line <= last:
            if (col, line) in covered:
                line += 1
                continue
            start = line
            while line <= last and (col, line) not in covered:
                line += 1
            # One blank line between two elements is the space between them (a story's separator
            # rule, a box's border sit in it), not an unfilled area.
            between = start == line - 1 and (start == first or (col, start - 1) in covered) and (col, line) in covered
            if not between:
                runs.setdefault((start, line - 1), []).append(col)
    areas = []
    for lines, cols in runs.items():
        group = [cols[0]]
        for col in cols[1:] + [None]:
            if col is not None and col == group[-1] + 1:
                group.append(col)
                continue
            areas.append(((group[0], group[-1]), lines))
            if col is not None:
                group = [col]
    return sorted(areas, key=lambda a: (a[0][0], a[1][0]))
