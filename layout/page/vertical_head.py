"""A story's head set vertically (直排) in its grid rectangle: ``head: {…, vertical: true}``.

The columns read right to left: the kicker (引題) in one column at the right, the headline (主題) in one
or two, the deck (副題, after its dash) in one at the left; each set top to bottom by compose/vertical.py
(upright ideographs, vertical forms of the marks, 縱中橫 digits, turned Latin runs). The block is centred
across the rectangle; the headline's columns are centred down it, the kicker hangs from their top and
the deck stands on their foot, as a paper sets a vertical 眉題 and 主題 beside its story — whose frames
lie beside the head, the text flowing next to it.

Sizes are the template's, as for a horizontal head; ``fit_headline`` lets the head be set smaller to
fit (each text down to 70 %, 60 %, 50 % of its size, then the whole head). A head wider than its
rectangle is an error naming the columns it needs; a column longer than it is reported as an overset
is (ElementOverset: the characters that did not fit, the grid lines needed and held): the render refuses
it, a proof shows the head cut at its place's foot and outlined in red. Nothing is drawn outside the
rectangle, and what is drawn is read back against the YAML's texts (``verify_vertical``).
"""

from __future__ import annotations

import math

from ..base.errors import LayoutError
from ..base.units import Rect
from ..compose.linebreak import Composer
from ..compose.vertical import Column, Orientation, Unit, fit_vertical, reads_as
from ..compose.atoms import ZERO_WIDTH, advance_of
from ..fonts.faces import FontSet
from ..issue.model import Story, Template
from .flow import ElementOverset
from .furniture import DECK_GAP, FIT_SCALES, HEAD_LEADING, HEAD_SCALES, HEADLINE_GAP
from .grid import EM_TOP
from .items import RED, Item, Rectangle, TextRun

KICKER_COLUMNS = 1       # a kicker or a deck stands in one column; a headline in at most two
HEADLINE_COLUMNS = 2
DECK_COLUMNS = 1
CLOCKWISE = -90.0        # a Latin run turned clockwise: TextRun.angle is anticlockwise


def _blocks(story: Story, rect: Rect, t: Template, composer: Composer,
            shrink: float) -> list[tuple[str, str, list[Column], float]]:
    """(element, text, columns, gap before) for the kicker, headline and deck, right to left."""
    fit = story.fit_headline
    scales, last = (FIT_SCALES, (0.6, 0.5)) if fit else ((1.0,), ())
    blocks: list[tuple[str, str, list[Column], float]] = []
    for element, text, style, columns, gap in (
            ("kicker", story.kicker, "kicker", KICKER_COLUMNS, 0.0),
            ("headline", story.headline, "headline", HEADLINE_COLUMNS, HEADLINE_GAP),
            ("deck", story.deck and (story.deck if story.deck.startswith("—") else "——" + story.deck), "deck",
             DECK_COLUMNS, DECK_GAP)):
        if not text:
            continue
        st = t.styles[style]
        size = st.size * shrink
        set_ = fit_vertical(composer, text, st.role, size, rect.h, columns, scales, last)
        blocks.append((element, text, set_, gap * size if blocks else 0.0))
    return blocks


def _across(blocks) -> float:
    return sum(gap + sum(c.size * HEAD_LEADING for c in columns) for _, _, columns, gap in blocks)


def _reach(blocks) -> float:
    """The longest column, to its lowest em box's foot."""
    return max(c.reach for _, _, columns, _ in blocks for c in columns)


def vertical_head(story: Story, rect: Rect, t: Template,
                  composer: Composer) -> tuple[list[Item], tuple[ElementOverset, ...]]:
    """The head's items, in reading order (columns right to left, each top to bottom), and what did not
    fit its rectangle's height, reported as an overset (none when it fits)."""
    assert story.head is not None
    if not (story.kicker or story.headline or story.deck):
        return [], ()
    for shrink in (HEAD_SCALES if story.fit_headline else (1.0,)):
        blocks = _blocks(story, rect, t, composer, shrink)
        if _across(blocks) <= rect.w + 1e-6 and _reach(blocks) <= rect.h + 1e-6:
            break
    what = f"story '{story.id}': its vertical head (page {story.head.page})"
    width = _across(blocks)
    if width > rect.w + 1e-6:
        count = sum(len(columns) for _, _, columns, _ in blocks)
        raise LayoutError(f"{what}: its {count} columns need {width:.1f} pt across, its place is {rect.w:.1f} pt "
                          f"({story.head.span} grid columns): give the head more columns, shorten the headline"
                          + ("" if story.fit_headline else " or let it be fitted (fit_headline: true)"))
    extent = min(max(c.length for _, _, columns, _ in blocks for c in columns), rect.h)
    top = rect.y + (rect.h - extent) / 2
    right = rect.x + (rect.w + width) / 2
    items: list[Item] = []
    cut = 0
    for element, _, columns, gap in blocks:
        right -= gap
        for column in columns:
            band = column.size * HEAD_LEADING
            left = right - band + (band - column.size) / 2
            length = min(column.length, rect.h)
            y0 = top if element == "kicker" else top + extent - length if element == "deck" else \
                top + (extent - length) / 2
            y0 = max(rect.y, min(y0, rect.bottom - column.reach))   # a mark's blank end inside too
            drawn, over = _column_items(column, left, y0, rect.bottom)
            items += drawn
            cut += over
            right -= band
    if not cut:
        # The texts as set: the YAML's, the deck after the dash the engine puts before it.
        verify_vertical(what, [text for _, text, _, _ in blocks], items, rect, composer.fonts)
        return items, ()
    items.append(Rectangle(rect.x, rect.y, rect.w, rect.h, stroke=RED, stroke_width=1.0))
    needs = math.ceil(_reach(blocks) / t.pitch - 1e-6)
    return items, (ElementOverset("vertical head", story.head.page, cut, needs, story.head.lines),)


def _column_items(column: Column, left: float, top: float, foot: float) -> tuple[list[Item], int]:
    """One column's text runs from its em box's left edge and its top; units that would reach below
    ``foot`` are not drawn but counted (the characters that did not fit)."""
    items: list[Item] = []
    over = 0
    for unit, y in zip(column.units, column.ys):
        y += top
        if y + unit.length > foot + 0.5 or over:
            over += sum(1 for ch in unit.source if not ch.isspace() and ch not in ZERO_WIDTH)
            continue
        items += unit_runs(unit, left, y)
    return items, over


def unit_runs(unit: Unit, left: float, y: float) -> list[TextRun]:
    """A unit's runs, its column's em box ``left`` on the page and its top at ``y``."""
    size = unit.size
    x0, y0 = left + unit.dx, y + unit.dy
    if unit.orientation is Orientation.ROTATED:
        # Turned clockwise about its origin: its advance runs down, its ascent to the right, its em box
        # across the column (the baseline 1 − EM_TOP of the em in from the column's left edge).
        runs, at = [], y0
        for face, text in _by_face(unit):
            runs.append(TextRun(x0 + (1 - EM_TOP) * size, at, face.key, size, text, hscale=unit.hscale,
                                angle=CLOCKWISE))
            at += sum(advance_of(face, ch) for ch in text) * size * unit.hscale
        return runs
    if unit.orientation is Orientation.PAIR:
        natural = sum(advance_of(f, ch) for f, ch in zip(unit.faces, unit.text)) * size * unit.hscale
        x, runs = x0 + (size - natural) / 2, []
        for face, text in _by_face(unit):
            runs.append(TextRun(x, y0 + EM_TOP * size, face.key, size, text, hscale=unit.hscale))
            x += sum(advance_of(face, ch) for ch in text) * size * unit.hscale
        return runs
    runs = []
    step = unit.step or size   # —— drawn closer than an em, so its strokes meet
    for k, (face, ch) in enumerate(zip(unit.faces, unit.text)):
        # Upright, centred across the column (a proportional glyph — a digit, a middle dot — too).
        advance = advance_of(face, ch) * size
        runs.append(TextRun(x0 + (size - advance) / 2, y0 + k * step + EM_TOP * size, face.key, size, ch))
    return runs


def _by_face(unit: Unit):
    """The unit's drawn text in stretches of one face (invisible characters left out)."""
    out: list[tuple] = []
    for face, ch in zip(unit.faces, unit.text):
        if ch in ZERO_WIDTH:
            continue
        if out and out[-1][0] is face:
            out[-1] = (face, out[-1][1] + ch)
        else:
            out.append((face, ch))
    return out


def run_box(run: TextRun, fonts: FontSet) -> Rect:
    """The box a run's em boxes take on the page, upright or turned clockwise."""
    face = fonts.faces[run.face]
    advance = sum(advance_of(face, ch) for ch in run.text) * run.size * run.hscale
    advance += run.char_space * max(0, len(run.text) - 1)
    if run.angle == CLOCKWISE:
        return Rect(run.x - (1 - EM_TOP) * run.size, run.baseline, run.size, advance)
    return Rect(run.x, run.baseline - EM_TOP * run.size, advance, run.size)


def verify_vertical(what: str, parts: list[str], items: list[Item], place: Rect, fonts: FontSet) -> None:
    """The head's texts are drawn whole and in order — read back from the runs drawn, each mark as the
    form it is set in stands for — and every run lies inside the head's place; otherwise the render
    stops naming the element. Read from what is drawn, as every other text is (page/verify.py)."""
    runs = [i for i in items if isinstance(i, TextRun)]
    drawn = reads_as("".join(r.text for r in runs))
    want = reads_as("".join(parts))
    if drawn != want:
        at = next((k for k, (a, b) in enumerate(zip(drawn, want)) if a != b), min(len(drawn), len(want)))
        raise LayoutError(f"{what}: internal check failed: it reads 「{drawn[max(0, at - 6):at + 12]}」 where "
                          f"the YAML has 「{want[max(0, at - 6):at + 12]}」")
    for run in runs:
        box = run_box(run, fonts)
        if not place.contains(box, tolerance=0.5):
            over = max(place.y - box.y, box.bottom - place.bottom, place.x - box.x, box.right - place.right)
            raise LayoutError(f"{what}: 「{run.text[:12]}」 runs {over:.1f} pt outside its place; shorten it or "
                              f"give the head more room")
