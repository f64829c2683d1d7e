"""Page furniture: masthead, running heads, headline blocks and boxes.

Every element is composed with the same composer as the body, so headlines
obey the same line-start and line-end rules, and is set inside its grid
rectangle.
"""

from __future__ import annotations

import re

from ..compose import rules_zh as zh
from ..compose.linebreak import Composer, lone_character
from ..compose.lines import Line
from ..base.errors import LayoutError
from .flow import BORDER_CLEAR, BORDER_REACH, JUMP_HEAD_LINES, frame_slots
from .grid import EM_TOP, baseline_in, baseline_of
from .items import BLACK, CMYK, GREY, RED, WHITE, Rectangle, Item, Picture, Rule, SuppliedPage, TextRun
from ..issue.model import BorderStyle, Box, BoxKind, GridRect, Issue, Photo, Story, Template
from ..compose.atoms import Align, Paragraph, Span, TextStyle
from ..base.units import Rect, mm

# Spacing of the furniture, in em of the type it spaces unless marked pt or pitch (grid lines).
HEAD_LEADING = 1.2            # a head's lines: baseline to baseline
HEAD_LINE_TOP = 0.1           # blank above a head line's em box
HEADLINE_GAP = 0.25           # 主題 under 引題
DECK_GAP = 0.35               # 副題 under 主題
HEAD_SCALES = (1.0, 0.9, 0.8, 0.7, 0.6)   # a head block too tall for its place is set smaller as a whole
FIT_SCALES = (1.0, 0.9, 0.8, 0.7)         # a headline too long for its width tries these sizes
FILL_MAX = 1.6                # a one-line headline scaled up to fill its width grows at most this much
FILL_SAFETY = 0.995           # … and is kept this far inside its width
FILL_SLACK = 0.98             # a one-line headline narrower than this share of its width is filled
LINE_LEADING = 1.3            # lines of small furniture text (masthead, running head)
BOX_LEADING = 1.45            # lines in a banner or notice
BOX_LINE_TOP = 0.225          # blank above a box line's em box
BOX_INSET = 0.5               # a box's text inside its edge, em of body type
SAMPLE_NOTE = 0.75            # the 樣例 note under a sample box's text, of its size
JUMP_HEAD_RULE = 0.15         # pitch: the rule under a 續題, up from the bottom of its two lines
JUMP_HEAD_SIZE = 0.6          # of its band: largest size of a 續題
CAPTION_GAP = 0.3             # pitch: between a photo and its caption

# The masthead (報頭), in pt unless marked: the name in the first three columns, QR codes to the right.
NAME_SHARE = 0.5              # of the masthead's height: the largest the name may be
NAME_FIT = 0.95               # of a column-width per character: the name never fills its width
NAME_TOP = 0.04               # of the masthead's height: blank above the name
NAME_LEADING = 1.1            # em of the name: its line, or the logo's height
ISSUE_LINE_SIZE = 12.0        # 第49期（總第1650期） and the date
ISSUE_LINE_GAP = 16.0         # from the name's line to the issue line, and on to the permit line
PERMIT_SIZE = 7.5             # 准印證號 and the web address
QR_MAX = 58.0                 # a QR code's largest side
QR_GAP = 14.0                 # least space between two QR codes
QR_TOP = 0.08                 # of the masthead's height: blank above the QR codes
QR_LABEL_SIZE = 7.0
QR_LABEL_GAP = 8.0            # from a QR code's foot to its label's em box
QR_LABEL_OVERHANG = 10.0      # a label may reach this far beyond each side of its code
MASTHEAD_RULES = ((3.0, 2.0), (0.2, 0.5))   # (height above the masthead's foot, weight): heavy over thin

# The slug line, outside the bleed under the page, in pt.
SLUG_LINE_SIZE = 6.0
SLUG_LINE_X = mm(10)          # from the trim's left edge
SLUG_LINE_BELOW = mm(4.5)     # the baseline below the bleed's foot, level with the middle of the crop marks

# The running head (報眉), in pt unless marked.
RUNNING_HEAD_SIZE = 9.0       # paper, date and editor
SECTION_SIZE = 12.0           # 第2版　要聞, centred
RUNNING_HEAD_BASELINE = 0.6   # pitch above the band's foot
RUNNING_HEAD_RULE = 0.25      # pitch above the band's foot: the rule under it


def runs_at(line: Line, x: float, baseline: float, color: CMYK = BLACK) -> list[TextRun]:
    return [TextRun(x + r.x, baseline, r.face, r.size, r.text, r.char_space, r.hscale, color)
            for r in line.runs]


def set_lines(composer: Composer, text: str, role: str, size: float, width: float,
              align: Align = Align.LEFT, words: bool = False) -> list[Line]:
    """``text`` in lines of ``width``. ``words``: a head's text, broken between words where it can and in
    lines of even length (see Paragraph.wordwise)."""
    para = Paragraph((Span(text, TextStyle(role, size)),), indent_em=0.0, align=align, wordwise=words)
    return composer.compose(para, width)


def fit_headline(composer: Composer, text: str, role: str, size: float, width: float,
                 align: Align, fill: bool = False, max_lines: int = 2, shrink: bool = True) -> list[Line]:
    """A headline's lines, in this order of preference, each tried from full size down to 70 %:
    one line; one line per part where the editor put a space (or after a comma or colon); then
    lines of even length broken between words (at most ``max_lines``). No line ever holds a lone
    character or opens with a particle such as 的. ``fill`` scales a one-line headline up to fill its
    width. ``shrink`` False keeps the size: the lines are what they are at it (a head that does not
    fit is then the caller's error to report, not a smaller head)."""
    scales = FIT_SCALES if shrink else (1.0,)
    parts = [p for p in text.replace("\u3000", " ").split() if p]
    joined = "\u3000".join(parts)
    if len(parts) == 1:
        parts = [p for p in re.split(r"(?<=[，：；])", parts[0]) if p]
    for scale in scales:
        s = size * scale
        lines = set_lines(composer, joined, role, s, width, align)
        if len(lines) == 1:
            if fill and scale == 1.0 and lines[0].width - lines[0].indent < width * FILL_SLACK:
                natural = lines[0].width - lines[0].indent
                bigger = set_lines(composer, joined, role, min(s * FILL_MAX, s * width / natural * FILL_SAFETY),
                                   width, align)
                if len(bigger) == 1:
                    return bigger
            return lines
        if 1 < len(parts) <= max_lines:
            lines = [ln for p in parts for ln in set_lines(composer, p, role, s, width, align)]
            if len(lines) == len(parts) and not any(lone_character(ln.units) for ln in lines):
                return lines
    for scale in (scales + (0.6, 0.5) if shrink else scales):
        balanced = _balanced(composer, joined, role, size * scale, width, align, max_lines)
        if balanced:
            return balanced
    return set_lines(composer, joined, role, size * (0.5 if shrink else 1.0), width, align, words=True)


def _balanced(composer: Composer, text: str, role: str, size: float, width: float, align: Align,
              max_lines: int) -> list[Line] | None:
    """Lines broken between words and of even length (the composer weighs every line's shortfall, the
    last one's too), none with a lone character or opening with a particle; None if more than max_lines
    are needed or a word would be broken at this size."""
    lines = set_lines(composer, text, role, size, width, align, words=True)
    if len(lines) > max_lines or any(lone_character(ln.units) for ln in lines):
        return None
    starts = zh.word_starts(text)
    if any(ln.end not in starts or text[ln.end] in zh.PARTICLES for ln in lines[:-1]):
        return None
    return lines


def headline_block(story: Story, rect: Rect, t: Template, composer: Composer) -> list[Item]:
    """引題 kicker, 主題 headline, 副題 deck, centred as a block in the head's grid rectangle. Set
    smaller to fit only where the story asks for it (``fit_headline``: then up to fill a one-line
    headline's width, or down as a whole to fit the head); otherwise at the template's sizes, and a
    head that does not fit is an error (page/verify.py), never silently smaller."""
    # A one-line headline grown to fill its width may then be too tall for the head: try it grown first
    # (the scale does not change a grown line), then not grown at each scale, so a fitted head never runs
    # past its rectangle.
    tries = ([(1.0, True)] + [(shrink, False) for shrink in HEAD_SCALES] if story.fit_headline
             else [(1.0, False)])
    for shrink, fill in tries:
        blocks = _head_blocks(story, rect, t, composer, shrink, fill)
        total = sum(gap + sum(ln.size * HEAD_LEADING for ln in lines) for lines, gap in blocks)
        if total <= rect.h:
            break
    y = rect.y + max(0.0, (rect.h - total) / 2)
    items: list[Item] = []
    for lines, gap in blocks:
        y += gap
        for ln in lines:
            baseline = y + HEAD_LINE_TOP * ln.size + EM_TOP * ln.size
            items.extend(runs_at(ln, rect.x, baseline))
            y += ln.size * HEAD_LEADING
    return items


def _head_blocks(story: Story, rect: Rect, t: Template, composer: Composer,
                 shrink: float, fill: bool = False) -> list[tuple[list[Line], float]]:
    styles = t.styles
    blocks: list[tuple[list[Line], float]] = []  # lines, gap before
    if story.kicker:
        st = styles["kicker"]
        blocks.append((fit_headline(composer, story.kicker, st.role, st.size * shrink, rect.w, Align.CENTER,
                                    shrink=story.fit_headline), 0.0))
    if story.headline:
        st = styles["headline"]
        blocks.append((fit_headline(composer, story.headline, st.role, st.size * shrink, rect.w, Align.CENTER,
                                    fill=fill, shrink=story.fit_headline),
                       HEADLINE_GAP * st.size * shrink if blocks else 0.0))
    if story.deck:
        st = styles["deck"]
        deck = story.deck if story.deck.startswith("—") else "——" + story.deck
        blocks.append((fit_headline(composer, deck, st.role, st.size * shrink, rect.w, Align.CENTER,
                                    shrink=story.fit_headline), DECK_GAP * st.size * shrink))
    return blocks


def jump_head(text: str, rect: Rect, t: Template, composer: Composer) -> list[Item]:
    """續題: a short headline over the continuation of a story, in its two reserved grid lines."""
    st = t.styles["kicker"]
    height = JUMP_HEAD_LINES * t.pitch
    size = min(st.size, height * JUMP_HEAD_SIZE)
    lines = fit_headline(composer, text, "headline", size, rect.w, Align.LEFT)[:1]
    baseline = baseline_in(rect.y, height, size)
    items: list[Item] = []
    for ln in lines:
        items.extend(runs_at(ln, rect.x, baseline))
    rule_y = rect.y + height - JUMP_HEAD_RULE * t.pitch
    items.append(Rule(rect.x, rule_y, rect.right, rule_y, 0.5))
    return items


def _text_at(composer: Composer, text: str, role: str, size: float, x: float, baseline: float, width: float,
             align: Align, color: CMYK = BLACK) -> list[Item]:
    """A short text set at ``width`` from a first baseline, its lines LINE_LEADING apart."""
    lines = set_lines(composer, text, role, size, width, align)
    items: list[Item] = []
    for k, ln in enumerate(lines):
        items.extend(runs_at(ln, x, baseline + k * size * LINE_LEADING, color))
    return items


def date_line(issue: Issue) -> str:
    d = issue.date
    return f"{d.year}年{d.month}月{d.day}日 {issue.weekday}"


QR_VERSION = 2   # bump when the encoding below or what is kept changes (2: in diskcache's envelope)


def _qr_matrix(url: str) -> list[bytes]:
    """The QR symbol's modules, a row of 0/1 bytes each; kept on disk by URL, since a masthead's
    channels rarely change (and encoding them is most of the time of importing segno)."""
    import hashlib

    from ..base import diskcache

    name = f"{hashlib.sha256(url.encode()).hexdigest()[:32]}-v{QR_VERSION}"
    known = diskcache.read(diskcache.QR_SYMBOLS, name)
    if known is not None:
        rows = known.split(b"\n")
        # A symbol is square, 21 to 177 modules a side in steps of 4 (versions 1 to 40), of 0s and 1s.
        if (21 <= len(rows) <= 177 and len(rows) % 4 == 1
                and all(len(r) == len(rows) and not r.strip(b"\0\1") for r in rows)):
            return rows
        diskcache.reject(diskcache.QR_SYMBOLS, name, "not a square of 0/1 modules of a QR symbol's size")
    import segno

    rows = [bytes(1 if m else 0 for m in row) for row in segno.make(url, error="m", micro=False).matrix]
    diskcache.write(diskcache.QR_SYMBOLS, name, b"\n".join(rows))
    return rows


def qr_items(url: str, x: float, y: float, size: float) -> list[Item]:
    """A QR code of the URL as black squares (vector, 100 % K), dark modules merged into row runs.

    ``size`` is the symbol without its quiet zone; keep four modules of white around it."""
    matrix = _qr_matrix(url)
    n = len(matrix)
    module = size / n
    items: list[Item] = []
    for r, row in enumerate(matrix):
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                items.append(Rectangle(x + start * module, y + r * module, (c - start) * module, module, fill=BLACK))
            else:
                c += 1
    return items


def masthead(issue: Issue, composer: Composer) -> list[Item]:
    """報頭: the paper's name large (or its logo image), issue numbers, date with weekday, permit and
    URL on the left; QR codes of the paper's channels with their labels on the right; a red double rule."""
    t = issue.template
    area = t.rect(GridRect(1, 1, t.columns, 1, t.masthead_lines))
    left = t.rect(GridRect(1, 1, 3, 1, 1))
    items: list[Item] = []
    name_size = min(area.h * NAME_SHARE, left.w / max(1, len(issue.paper.name)) * NAME_FIT)
    name_top = area.y + NAME_TOP * area.h
    if issue.paper.logo:
        items.append(Picture(left.x, name_top, left.w, name_size * NAME_LEADING, issue.paper.logo))
    else:
        items += _text_at(composer, issue.paper.name, "headline", name_size, left.x,
                         name_top + EM_TOP * name_size, left.w, Align.LEFT, RED)
    y = name_top + name_size * NAME_LEADING + ISSUE_LINE_GAP
    sample = "　樣例資料" if issue.sample else ""
    items += _text_at(composer, issue.words(f"第{issue.number}期（總第{issue.total}期）　{date_line(issue)}{sample}"),
                      "sans",
                     ISSUE_LINE_SIZE, left.x, y, left.w + t.gutter + t.measure, Align.LEFT)
    small = "　".join(x for x in (issue.paper.permit,
                                  issue.words(f"《{issue.paper.name}》數字報 {issue.paper.url}") if issue.paper.url else None) if x)
    if small:
        items += _text_at(composer, small, "body", PERMIT_SIZE, left.x, y + ISSUE_LINE_GAP,
                          left.w + t.gutter + t.measure, Align.LEFT)
    channels = issue.paper.channels
    if channels:
        right = t.rect(GridRect(1, 4, t.columns - 3, 1, 1))
        qr = min(QR_MAX, (right.w - (len(channels) - 1) * QR_GAP) / len(channels))
        step = (right.w - qr) / (len(channels) - 1) if len(channels) > 1 else 0.0
        top = area.y + QR_TOP * area.h
        for k, channel in enumerate(channels):
            x = right.x + k * step if len(channels) > 1 else right.right - qr
            items += qr_items(channel.url, x, top, qr)
            items += _text_at(composer, channel.label, "sans", QR_LABEL_SIZE, x - QR_LABEL_OVERHANG,
                              top + qr + QR_LABEL_GAP + EM_TOP * QR_LABEL_SIZE, qr + 2 * QR_LABEL_OVERHANG,
                              Align.CENTER)
    # A heavy rule over a thin one closes the masthead.
    for above, weight in MASTHEAD_RULES:
        items.append(Rule(area.x, area.bottom - above, area.right, area.bottom - above, weight, RED))
    return items


def photo_credit(photo: Photo, t: Template) -> str | None:
    """記者 王小明 攝: the credit as the paper prints it, 攝 added unless the editor wrote it."""
    return credit_text(photo.credit, t)


def credit_text(credit: str | None, t: Template) -> str | None:
    if not credit or not credit.strip():
        return None
    credit = credit.strip()
    return credit if credit.endswith(("攝", "摄")) else f"{credit} {t.words('攝')}"


def caption_lines(caption: str | None, credit: str | None, sample: bool, t: Template, composer: Composer,
                  width: float) -> list[Line]:
    """A photo's lines under it: its caption (楷體, and 樣例圖片 for a placeholder), then its credit flush
    right in the credit style (記者 王小明 攝), each on grid lines of its own. Make-up counts them here too."""
    text = (caption or "") + (t.words("（樣例圖片）") if sample else "")
    lines = set_lines(composer, text, "kai", t.body.size, width, Align.LEFT) if text else []
    shown = credit_text(credit, t)
    if shown:
        st = t.styles["credit"]
        lines += set_lines(composer, shown, st.role, st.size, width, Align.RIGHT, words=True)
    return lines


def photo_items(photo: Photo, t: Template, composer: Composer) -> list[Item]:
    """A photo cropped to its grid rectangle, its caption (楷體) on the grid lines below, and its credit
    (記者 王小明 攝, the credit style) flush right on the grid line under the caption."""
    rect = t.rect(photo.place)
    lines = caption_lines(photo.caption, photo.credit, photo.sample, t, composer, rect.w)
    picture_h = rect.h - len(lines) * t.pitch
    if picture_h < t.pitch * 2:
        raise LayoutError(f"photo '{photo.id}': its caption takes {len(lines)} lines of its {photo.place.lines}; "
                          f"give the photo more lines")
    items: list[Item] = [Picture(rect.x, rect.y, rect.w, picture_h - CAPTION_GAP * t.pitch, photo.file, photo.focus)]
    for k, ln in enumerate(lines):
        grid_line = photo.place.line + photo.place.lines - len(lines) + k
        items.extend(runs_at(ln, rect.x, baseline_of(t, grid_line, ln.size)))
    return items


BOX_GAP = 0.45  # of a gutter: how far a story's border sits outside its grid rectangles
# BORDER_CLEAR (pt: the least blank between a border's strokes and the text inside or a rule outside it) and
# BORDER_REACH (each style's strokes: reach outside its line, reach inside it) are flow.py's: the text of a
# boxed story keeps inside its border by them.


def _above_type(page: int, t: Template) -> float:
    """The foot of the lowest rule over the page's text: the masthead's thin rule on page 1, the running
    head's rule on the others (nothing drawn may cross it)."""
    if page == 1 and t.masthead_lines:
        bottom = t.line_y(t.masthead_lines + 1)
        return max(bottom - above + weight / 2 for above, weight in MASTHEAD_RULES)
    if page != 1 and t.running_head_lines:
        return t.line_y(t.running_head_lines + 1) - RUNNING_HEAD_RULE * t.pitch + 0.5    # its rule is 1 pt
    return t.type_area.y


def border_outline(story: Story, page: int, t: Template) -> Rect | None:
    """The line a story's border is drawn on (its outer rule's), around everything the story has on the
    page: half a gutter outside its grid rectangles at the sides, into the blank grid line above and below
    (a sidebar's on the grid lines' edges, its heading band being its top's blank) — but clamped: never
    over the masthead or the running head's rule, never past the type area. Where a frame reaches the
    type area's edge its text keeps inside it by the border's reach (flow.frame_slots), so the border is
    drawn there, inside the type area and clear of the text; it always stays clear of the text (at the
    foot, where the type area leaves no room, it goes into the bottom margin)."""
    rects = [t.rect(story.head)] if story.head and story.head.page == page else []
    rects += [t.rect(f.place) for f in story.frames if f.place.page == page]
    if not rects or not story.box:
        return None
    x0, y0 = min(r.x for r in rects), min(r.y for r in rects)
    x1, y1 = max(r.right for r in rects), max(r.bottom for r in rects)
    # The text's own edges: a boxed story's columns keep inside the type area's edge (flow.frame_slots),
    # so the border is drawn inside the type area there, clear of the text.
    slots = [s for k, f in enumerate(story.frames) if f.place.page == page
             for s in frame_slots(t, f, k, box=story.box)]
    text0 = min([s.x for s in slots], default=x0)
    text1 = max([s.x + s.measure for s in slots], default=x1)
    out, inside = BORDER_REACH[story.box]
    area = t.type_area
    d, dy = t.gutter * BOX_GAP, (0.0 if story.sidebar_of else 0.4) * t.pitch
    # The text is flush with its columns' edges at the sides; above and below, a grid line's type never
    # reaches its edges (the em box is centred in the pitch), so there the rule above decides.
    left = min(max(x0 - d, area.x + out), text0 - inside - BORDER_CLEAR)
    right = max(min(x1 + d, area.right - out), text1 + inside + BORDER_CLEAR)
    top = max(y0 - dy, _above_type(page, t) + BORDER_CLEAR + out)
    # At the foot the last line's em box ends (pitch − size) / 2 above the grid line's edge: where the
    # type area's edge leaves the border's inner rule no room under it (a thick-thin border on a frame
    # ending on the last line), the text wins and the border sits that much into the bottom margin.
    text_foot = y1 - (t.pitch - t.body.size) / 2
    bottom = max(min(y1 + dy, area.bottom - out), text_foot + inside + BORDER_CLEAR)
    return Rect(left, top, right - left, bottom - top)


def story_border(story: Story, page: int, t: Template) -> list[Item]:
    """花邊: a border around everything a story has on a page (head and frames), in one of a few styles,
    on the line border_outline gives."""
    outer = border_outline(story, page, t)
    if outer is None:
        return []
    style = story.box
    items: list[Item] = []
    if style is BorderStyle.SINGLE:
        items.append(Rectangle(outer.x, outer.y, outer.w, outer.h, stroke=BLACK, stroke_width=0.5))
    elif style is BorderStyle.DOUBLE:
        items.append(Rectangle(outer.x, outer.y, outer.w, outer.h, stroke=BLACK, stroke_width=0.5))
        inner = outer.inset(1.5)
        items.append(Rectangle(inner.x, inner.y, inner.w, inner.h, stroke=BLACK, stroke_width=0.5))
    elif style is BorderStyle.THICK_THIN:
        items.append(Rectangle(outer.x, outer.y, outer.w, outer.h, stroke=BLACK, stroke_width=1.5))
        inner = outer.inset(2.0)
        items.append(Rectangle(inner.x, inner.y, inner.w, inner.h, stroke=BLACK, stroke_width=0.3))
    else:  # dashed
        for x1_, y1_, x2_, y2_ in ((outer.x, outer.y, outer.right, outer.y), (outer.right, outer.y, outer.right, outer.bottom),
                                   (outer.right, outer.bottom, outer.x, outer.bottom), (outer.x, outer.bottom, outer.x, outer.y)):
            items.append(Rule(x1_, y1_, x2_, y2_, 0.6, BLACK, dash=(3.0, 2.0)))
    return items


def story_separator(story: Story, t: Template) -> list[Item]:
    """A hairline over a story's head, across its width, where it does not start right under the masthead."""
    if not story.head:
        return []
    reserved = t.masthead_lines if story.head.page == 1 else t.running_head_lines
    if story.head.line <= reserved + 1 or story.box:
        return []
    rect = t.rect(story.head)
    # A vertical head stands beside its text: the rule runs over both, across the module's top.
    beside = [t.rect(f.place) for f in story.frames if story.vertical_head and f.place.page == story.head.page
              and f.place.line == story.head.line]
    x0, x1 = min([rect.x] + [r.x for r in beside]), max([rect.right] + [r.right for r in beside])
    return [Rule(x0, rect.y - 0.5 * t.pitch, x1, rect.y - 0.5 * t.pitch, 0.5)]


def slug_line(issue: Issue, page: int, render_id: str, composer: Composer) -> list[TextRun]:
    """The slug line, outside the bleed under the page's foot (only where the slug has room, with the
    marks): paper, issue, date, page, edition and render id, so a plate or a page file in the shop can
    always be told apart from another version of it."""
    t = issue.template
    if not t.printing.marks:
        return []
    parts = [issue.paper.name, issue.words(f"第{issue.number}期（總第{issue.total}期）"), f"{issue.date}", f"第{page}版"]
    parts += [issue.words(f"版本 {issue.edition}")] if issue.edition else []
    parts += [f"render {render_id}"] if render_id else []
    width = t.trim_w / 2 - 2 * SLUG_LINE_X      # clear of the crop mark and the registration target
    line = set_lines(composer, "　".join(parts), "sans", SLUG_LINE_SIZE, 10 * width, Align.LEFT)[0]
    size = SLUG_LINE_SIZE * min(1.0, width / line.width)
    line = set_lines(composer, "　".join(parts), "sans", size, 10 * width, Align.LEFT)[0]
    return runs_at(line, SLUG_LINE_X, t.trim_h + t.bleed + SLUG_LINE_BELOW)


def running_head(issue: Issue, page: int, composer: Composer) -> list[Item]:
    """報眉: paper name, date, page number and section, editor, over a rule."""
    t = issue.template
    area = t.rect(GridRect(page, 1, t.columns, 1, t.running_head_lines))
    spec = issue.page(page)
    baseline = area.bottom - RUNNING_HEAD_BASELINE * t.pitch
    size = RUNNING_HEAD_SIZE
    items: list[Item] = []
    left = f"{issue.paper.name}　{date_line(issue)}"
    items += _text_at(composer, left, "sans", size, area.x, baseline, area.w / 2, Align.LEFT)
    middle = f"第{page}版　{spec.section}" + issue.words("　（樣例資料）" if issue.sample else "")
    items += _text_at(composer, middle, "sans", SECTION_SIZE, area.x, baseline, area.w, Align.CENTER)
    if spec.editor:
        items += _text_at(composer, issue.words("責任編輯：") + spec.editor, "body", size, area.x + area.w / 2, baseline,
                         area.w / 2, Align.RIGHT)
    rule_y = area.bottom - RUNNING_HEAD_RULE * t.pitch
    items.append(Rule(area.x, rule_y, area.right, rule_y, 1.0))
    return items


def box_items(box: Box, t: Template, composer: Composer) -> list[Item]:
    """Banners (reversed out of red), notices and advertisement placeholders (ruled boxes); a supplied
    PDF page (an advertisement as delivered) fitted whole into the box, centred."""
    rect = t.rect(box.place)
    if box.file is not None and box.file_box is not None:
        x0, y0, x1, y1 = box.file_box
        scale = min(rect.w / (x1 - x0), rect.h / (y1 - y0))
        w, h = (x1 - x0) * scale, (y1 - y0) * scale
        return [SuppliedPage(rect.x + (rect.w - w) / 2, rect.y + (rect.h - h) / 2, w, h, box.file, box.file_page,
                             box.file_box)]
    inner = rect.inset(BOX_INSET * t.body.size)
    items: list[Item] = []
    if box.kind is BoxKind.BANNER:
        st = t.styles["banner"]
        items.append(Rectangle(rect.x, rect.y, rect.w, rect.h, fill=box.color or RED))
        color = WHITE
        role, size = st.role, st.size
    else:
        st = t.styles["notice"]
        items.append(Rectangle(rect.x, rect.y, rect.w, rect.h, stroke=GREY if box.sample else BLACK,
                             stroke_width=0.75))
        color = BLACK
        role, size = st.role, st.size
    paragraphs = [p.strip() for p in box.text.split("\n") if p.strip()]
    if box.sample:
        paragraphs.append(t.words("（樣例內容，非新聞稿件）"))
    lines = []
    for k, text in enumerate(paragraphs):
        is_note = box.sample and k == len(paragraphs) - 1
        s = size * (SAMPLE_NOTE if is_note else 1.0)
        lines += fit_headline(composer, text, role, s, inner.w, Align.CENTER) if box.kind is BoxKind.BANNER else \
            set_lines(composer, text, "sans" if is_note else role, s, inner.w, Align.CENTER)
    total = sum(ln.size * BOX_LEADING for ln in lines)
    y = inner.y + max(0.0, (inner.h - total) / 2)
    for ln in lines:
        items.extend(runs_at(ln, inner.x, y + BOX_LINE_TOP * ln.size + EM_TOP * ln.size, color))
        y += ln.size * BOX_LEADING
    return items


RULE_CLEAR = 0.2       # pitch: a column rule stops this far short of the edge of the lines it runs along
RULE_WEIGHT = 0.3      # pt: a column rule, within a story or between neighbours


def column_rules(story: Story, t: Template) -> dict[int, list[Item]]:
    """Column rules (欄線) in the middle of the gutters between the text columns of a story's frames:
    the frame's own columns, which are the grid's unless ``columns:`` sets it in wider ones."""
    per_page: dict[int, list[Item]] = {}
    for k, frame in enumerate(story.frames):
        p = frame.place
        skip = JUMP_HEAD_LINES if k and frame.jump_head else 0
        # A column cut round an excluded rectangle gives two slots of the same edges: one rule. A boxed
        # story's columns are where its text is, kept inside its border at the type area's edge.
        columns = sorted({(slot.x, slot.x + slot.measure) for slot in frame_slots(t, frame, k, skip, box=story.box)})
        top = t.line_y(p.line + skip) + RULE_CLEAR * t.pitch
        bottom = t.line_y(p.line + p.lines) - RULE_CLEAR * t.pitch
        for k, ((_, right), (left, _)) in enumerate(zip(columns, columns[1:])):
            x = (right + left) / 2
            # No rule across an excluded rectangle that spans this gutter (a pull quote, a photo): it
            # stops short of it and goes on under it. (A frame that excludes has the grid's columns.)
            cuts = sorted((r.line, r.line + r.lines) for r in frame.exclude
                          if r.col <= p.col + k and p.col + k + 1 < r.col + r.span)
            y = top
            for first, end in cuts:
                above = t.line_y(first) - RULE_CLEAR * t.pitch
                if above > y:
                    per_page.setdefault(p.page, []).append(Rule(x, y, x, above, RULE_WEIGHT))
                y = max(y, t.line_y(end) + RULE_CLEAR * t.pitch)
            if bottom > y:
                per_page.setdefault(p.page, []).append(Rule(x, y, x, bottom, RULE_WEIGHT))
    return per_page


def _owners(issue: Issue, page: int) -> tuple[dict[tuple[int, int], tuple[str, str | None, bool]],
                                                set[tuple[int, int]]]:
    """Who holds each grid cell of a page: (element, its story or None, whether the story is bordered);
    and the gutters, as (column left of it, line), where no rule between neighbours may run: a frame's
    own gutters (its column rules are there) and the lines a rule across a gutter's middle lies in (the
    separator over a head, a border's top or foot)."""
    t = issue.template
    cells: dict[tuple[int, int], tuple[str, str | None, bool]] = {}
    closed: set[tuple[int, int]] = set()

    def across(x0: float, x1: float, y0: float, y1: float) -> None:
        lines = range(int((y0 - t.margin_top) // t.pitch) + 1, int((y1 - t.margin_top) // t.pitch) + 2)
        closed.update((c, ln) for c in range(1, t.columns) for ln in lines
                      if x0 - 0.5 <= t.column_x(c) + t.measure + t.gutter / 2 <= x1 + 0.5)

    for story in issue.stories:
        owner = (f"story {story.id}", story.id, story.box is not None)
        if story.head and story.head.page == page:
            cells.update(dict.fromkeys(story.head.cells(), owner))
            for rule in story_separator(story, t):
                across(rule.x1, rule.x2, rule.y1, rule.y2)
        if story.pull_quote and story.pull_quote.place.page == page:
            cells.update(dict.fromkeys(story.pull_quote.place.cells(), owner))
        for frame in story.frames:
            p = frame.place
            if p.page == page:
                cells.update(dict.fromkeys(frame.cells(), owner))
                closed |= {(c, ln) for c in range(p.col, p.col + p.span - 1) for ln in range(p.line, p.line + p.lines)}
        border = border_outline(story, page, t)
        if border is not None:
            out, inside = BORDER_REACH[story.box]
            across(border.x, border.right, border.y - out, border.y + inside)
            across(border.x, border.right, border.bottom - inside, border.bottom + out)
    # A photo (or box) standing in a story's excluded rectangle is that story's: parted from a neighbour as
    # the story is, never from the story's own text.
    held = [(story.id, r) for story in issue.stories for f in story.frames if f.place.page == page for r in f.exclude]
    for kind, elements in (("box", issue.boxes), ("photo", issue.photos)):
        for element in elements:
            if element.place.page == page:
                own = next((sid for sid, r in held if element.place.cells() <= r.cells()), None)
                cells.update(dict.fromkeys(element.place.cells(), (f"{kind} {element.id}", own, False)))
    return cells, closed


def _parted(left: tuple[str, str | None, bool] | None, right: tuple[str, str | None, bool] | None) -> bool:
    """Does a rule part these two neighbours: a story from another story, or from a box or photo? Not
    where one side is empty, where one element spans the gutter, between two stories' own parts, nor
    beside a bordered story (its border parts it already, in that gutter)."""
    if left is None or right is None or left[0] == right[0] or left[2] or right[2]:
        return False
    return (left[1] is not None or right[1] is not None) and left[1] != right[1]


def neighbour_rules(issue: Issue) -> dict[int, list[Item]]:
    """Column rules (欄線) between neighbours: a hairline in the middle of a gutter wherever the elements
    on its two sides are different stories, or a story and a box or photo, along the grid lines both
    sides hold, stopping short (RULE_CLEAR) of a line either side leaves empty or anything spanning the
    gutter — a head over both and the hairline over it, a photo and its caption, an excluded rectangle's
    contents, a border's top or foot — so it never runs through a head. None beside a bordered story
    (its border parts it) nor between two elements that are not stories; a frame's own gutters keep
    their own rules (column_rules)."""
    t = issue.template
    per_page: dict[int, list[Item]] = {}
    for spec in issue.pages:
        cells, closed = _owners(issue, spec.number)
        for col in range(1, t.columns):
            x = t.column_x(col) + t.measure + t.gutter / 2
            start = None
            for line in range(1, t.lines + 2):
                on = (line <= t.lines and (col, line) not in closed
                      and _parted(cells.get((col, line)), cells.get((col + 1, line))))
                if on and start is None:
                    start = line
                elif not on and start is not None:
                    per_page.setdefault(spec.number, []).append(
                        Rule(x, t.line_y(start) + RULE_CLEAR * t.pitch, x, t.line_y(line) - RULE_CLEAR * t.pitch,
                             RULE_WEIGHT))
                    start = None
    return per_page
