"""The issue model: frozen dataclasses. The loader (issue/loader.py), the only place that knows YAML, builds them.

An issue file names a template (trim, margins, grid, styles), the paper and
issue data, its pages, the stories placed on the page grid, and boxes (banners,
notices, advertisements).  Everything is placed in grid units — first
column, column span, first line, number of lines — never in free millimetres.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from ..compose.atoms import TextStyle
from ..compose.scripts import Edition
from ..compose.settings import CompositionSettings, Steer
from ..base.standard import INK_LIMIT, MIN_PPI, WARN_PPI
from ..base.units import Rect

WEEKDAYS = "一二三四五六日"


# --- template -----------------------------------------------------------------

@dataclass(frozen=True)
class PrintSettings:
    """What the print shop asks for: output profile, ink limit, image resolution, marks."""

    profile: str = "ISOnewspaper26v4.icc"        # ICC file in layout/data/icc/
    grey_profile: str = "ISOnewspaper26v4_gr.icc"   # for greyscale photos, the same press condition
    condition: str = "IFRA26"                    # OutputConditionIdentifier: ICC-registered where it can be
    embed_profile: bool = True                   # False: the registered condition named, no profile embedded
    ink_limit: float = INK_LIMIT                 # percent
    marks: bool = True                           # crop and registration marks outside the bleed
    max_ppi: float = 300.0                       # photos are downsampled to this
    warn_ppi: float = WARN_PPI
    min_ppi: float = MIN_PPI
    # The shop's names for the files, from the fields FILE_FIELDS (a proof's name ends in -proof).
    page_file: str = "{date}-{page}.pdf"
    issue_file: str = "{date}-issue{total}.pdf"


# What a file-name pattern may contain, and what each field becomes.
FILE_FIELDS = {
    "date": "the issue's date as YYYYMMDD",
    "page": "the page number, two digits",
    "number": "the issue number (期)",
    "total": "the running issue number (總期數)",
    "code": "the paper's code (paper: code:)",
    "edition": "the edition (issue: edition:)",
}


@dataclass(frozen=True)
class Template:
    name: str
    trim_w: float      # pt
    trim_h: float
    bleed: float
    margin_top: float
    margin_bottom: float
    margin_left: float
    margin_right: float
    columns: int
    body: TextStyle
    pitch: float       # baseline-to-baseline distance of body lines, pt
    min_gutter_em: float
    masthead_lines: int        # grid lines the masthead takes on page 1
    running_head_lines: int    # grid lines the running head takes on later pages
    styles: dict[str, TextStyle]   # by name: kicker, headline, deck, subhead, lead_in, jump, banner, notice
    composition: CompositionSettings = CompositionSettings()   # 避頭尾 level, punctuation, Han–Latin gap
    script_lint: str = "warning"   # characters of the other script in a story: warning, error or off
    printing: PrintSettings = PrintSettings()
    # The editions printed (compose/scripts.py EDITIONS); none listed: one, in the source's own script.
    editions: tuple[str, ...] = ()
    quotes: str = "keep"           # keep the text's quotation marks, or set the edition's ("edition")
    glyph_region: str | None = None   # tw, hk: the faces of that region's glyph forms (an edition's)
    script: Edition | None = None  # the edition the template is set for (None: the source as read)
    byline_at: str = "line"        # a story's byline on a line over its text, or "run-in" at its start

    def words(self, text: str) -> str:
        """The engine's own words (written in Traditional: 下轉, 總第, 責任編輯) in the edition's script."""
        return self.script.words(text) if self.script is not None else text

    # Derived grid: whole-em columns, gutters take the rest of the type area.
    @property
    def measure(self) -> float:
        usable = self.trim_w - self.margin_left - self.margin_right
        per_column = (usable - (self.columns - 1) * self.min_gutter_em * self.body.size) / self.columns
        return math.floor(per_column / self.body.size + 1e-9) * self.body.size

    @property
    def column_chars(self) -> int:
        return round(self.measure / self.body.size)

    @property
    def gutter(self) -> float:
        usable = self.trim_w - self.margin_left - self.margin_right
        return (usable - self.columns * self.measure) / (self.columns - 1) if self.columns > 1 else 0.0

    @property
    def lines(self) -> int:
        return int((self.trim_h - self.margin_top - self.margin_bottom) // self.pitch)

    def column_x(self, col: int) -> float:
        """Left edge of grid column ``col`` (1-based), pt from the trim's left edge."""
        return self.margin_left + (col - 1) * (self.measure + self.gutter)

    def line_y(self, line: int) -> float:
        """Top of grid line ``line`` (1-based), pt from the trim's top edge."""
        return self.margin_top + (line - 1) * self.pitch

    def rect(self, slot: "GridRect") -> Rect:
        x = self.column_x(slot.col)
        w = slot.span * self.measure + (slot.span - 1) * self.gutter
        return Rect(x, self.line_y(slot.line), w, slot.lines * self.pitch)

    @property
    def type_area(self) -> Rect:
        return self.rect(GridRect(0, 1, self.columns, 1, self.lines))


# --- issue --------------------------------------------------------------------

@dataclass(frozen=True)
class GridRect:
    page: int
    col: int
    span: int
    line: int
    lines: int

    def cells(self) -> set[tuple[int, int]]:
        return {(c, ln) for c in range(self.col, self.col + self.span) for ln in range(self.line, self.line + self.lines)}


@dataclass(frozen=True)
class Frame:
    place: GridRect
    jump_head: str | None = None
    columns: int | None = None                # text columns in the frame, if not one per grid column
    exclude: tuple[GridRect, ...] = ()        # grid rectangles the text flows around (photo, box, ad)

    def cells(self) -> set[tuple[int, int]]:
        cells = self.place.cells()
        for rect in self.exclude:
            cells -= rect.cells()
        return cells


@dataclass(frozen=True)
class Inline:
    text: str
    bold: bool = False
    style: str | None = None   # a template style for this run (a byline or dateline run in at a paragraph's start)


class BlockKind(StrEnum):
    PARA = "para"              # a paragraph of body text
    SUBHEAD = "subhead"        # a 小標題 (## in the text file)
    BYLINE = "byline"          # a story's byline on a line of its own over the text (page/news_elements.py)
    TABLE = "table"            # a data table: a pipe table or a ```csv block in the text (page/tables.py)


@dataclass(frozen=True)
class Block:
    """A paragraph of body text, or a 小標題 subhead."""

    kind: BlockKind
    inlines: tuple[Inline, ...]
    # The editor's one step on a paragraph (a story-text line starting {緊} or {鬆}, the marker not part
    # of the text): set one line shorter or longer where the composer can.
    steer: Steer = Steer.NORMAL
    table: "Table | None" = None    # a TABLE block's cells (its inlines are empty)

    @property
    def text(self) -> str:
        if self.kind is BlockKind.TABLE and self.table is not None:
            return self.table.text
        return "".join(i.text for i in self.inlines)


Cell = tuple[Inline, ...]


@dataclass(frozen=True)
class Table:
    """A data table of a story: its head row and body rows of cells, each cell a run of inlines (bold
    where ``**`` says), and the alignment a pipe table's delimiter row asks of each column (None: the
    engine's choice — figures on their decimal point, text flush left)."""

    head: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    align: tuple[str | None, ...]     # per column: left, center, right or None
    line: int = 0                     # the source line of its head (1-based), for messages

    @property
    def cells(self) -> tuple[Cell, ...]:
        """Every cell in reading order: the head's, then each row's, left to right."""
        return self.head + tuple(c for row in self.rows for c in row)

    @property
    def text(self) -> str:
        """Every cell's text in reading order, run together: what the table prints, as the check that
        nothing is lost reads it back."""
        return "".join(i.text for cell in self.cells for i in cell)

    def map_cells(self, convert) -> "Table":
        """The table with every cell's inlines passed through ``convert`` (an edition's script)."""
        return Table(tuple(convert(c) for c in self.head), tuple(tuple(convert(c) for c in r) for r in self.rows),
                     self.align, self.line)


@dataclass(frozen=True)
class Story:
    id: str
    kicker: str | None
    headline: str | None
    deck: str | None
    blocks: tuple[Block, ...]
    head: GridRect | None
    frames: tuple[Frame, ...]
    source: str                # where the text came from, for messages
    balance: bool = False      # balance the columns of the last frame
    box: "BorderStyle | None" = None   # 花邊: a border around the story
    fit_headline: bool = False  # scale the main headline to fill its width
    text_file: Path | None = None      # the story's text file (None for an inline body)
    byline: str | None = None          # 本報記者 王小明: over the text, or run in at its start (byline_at)
    dateline: str | None = None        # 9月5日電: run in at the start of the first paragraph
    byline_at: str | None = None       # "line" or "run-in"; None: the template's
    pull_quote: "PullQuote | None" = None   # 引語: a sentence of the story set large between rules
    heading: str | None = None         # a sidebar's heading (相關鏈接), set in its head
    sidebar_of: str | None = None      # the story a sidebar belongs to (a sidebar is a story of its own)
    vertical_head: bool = False        # 直排: the head set vertically in its place (page/vertical_head.py)


@dataclass(frozen=True)
class PullQuote:
    """引語: words of the story set larger between rules in a grid rectangle; inside a frame the body
    flows around it (the loader adds it to that frame's excluded rectangles)."""

    text: str
    place: GridRect


class BorderStyle(StrEnum):
    """花邊: the border drawn around a boxed story."""

    SINGLE = "single"
    DOUBLE = "double"
    THICK_THIN = "thick-thin"
    DASHED = "dashed"


class BoxKind(StrEnum):
    BANNER = "banner"          # reversed out of a colour ground
    NOTICE = "notice"          # ruled box of 楷體 text
    AD = "ad"                  # an advertisement (placeholder until the ad arrives)
    INDEX = "index"            # 導讀: chosen stories, a line each, with the page each starts on


@dataclass(frozen=True)
class IndexEntry:
    """A line of a 導讀 box: a story and what to say of it; its page comes from the layout."""

    story: str
    text: str


@dataclass(frozen=True)
class Box:
    """A boxed element that is not a flowing story: a banner, a notice, an advertisement."""

    id: str
    kind: BoxKind
    text: str
    place: GridRect
    sample: bool               # placeholder content, marked as such on the page
    color: tuple[float, float, float, float] | None = None   # CMYK 0–1: a banner's ground
    file: Path | None = None   # a supplied PDF (an advertisement) placed instead of text
    file_page: int = 1         # which of its pages
    file_box: tuple[float, float, float, float] | None = None   # that page's finished box, PDF units
    heading: str | None = None  # an index box's heading (default 導讀)
    entries: tuple[IndexEntry, ...] = ()   # an index box's lines


# Colours an editor may name; anything else is given as CMYK percentages.
NAMED_COLOURS = {
    "red": (0.0, 1.0, 1.0, 0.0), "blue": (1.0, 0.6, 0.0, 0.0), "green": (0.8, 0.0, 1.0, 0.1),
    "black": (0.0, 0.0, 0.0, 1.0), "grey": (0.0, 0.0, 0.0, 0.45), "gold": (0.0, 0.3, 1.0, 0.1),
}


@dataclass(frozen=True)
class PageSpec:
    number: int
    section: str
    editor: str | None


@dataclass(frozen=True)
class Channel:
    """A channel of the paper shown in the masthead as a QR code with its label (徐匯通 APP …)."""

    label: str
    url: str


@dataclass(frozen=True)
class Paper:
    name: str
    permit: str | None
    url: str | None
    channels: tuple[Channel, ...] = ()
    logo: Path | None = None   # the masthead's name as an image, instead of type
    code: str | None = None    # the paper's short code for file names (XHB)


@dataclass(frozen=True)
class Photo:
    id: str
    file: Path
    place: GridRect
    caption: str | None
    credit: str | None         # who took it: printed 記者 王小明 攝 under the caption
    focus: tuple[float, float]  # the point kept in view when cropping, 0–1 from the top-left
    sample: bool


@dataclass(frozen=True)
class Issue:
    path: Path
    template: Template
    paper: Paper
    number: int
    total: int
    date: dt.date
    pages: tuple[PageSpec, ...]
    stories: tuple[Story, ...]
    boxes: tuple[Box, ...]
    photos: tuple[Photo, ...] = ()
    sample: bool = False       # made-up sample data (a back issue rebuilt from other text): marked on every page
    edition: str | None = None  # the edition's name or code, where a paper prints more than one
    editions: tuple[str, ...] = ("hans",)   # the editions printed, from the issue file or its template
    # The edition this issue is set in: its texts converted to its script (issue/editions.py). None: the
    # source as read, not yet converted.
    script: Edition | None = None

    def words(self, text: str) -> str:
        """The engine's own words (written in Traditional: 下轉, 總第, 責任編輯) in the edition's script."""
        return self.template.words(text)

    def file_name(self, pattern: str, page: int | None = None, proof: bool = False) -> str:
        """A file name from a pattern of FILE_FIELDS; a proof's ends in -proof, so a proof is never
        taken for the press file of the same page."""
        fields = {"date": f"{self.date:%Y%m%d}", "page": f"{page or 0:02d}", "number": str(self.number),
                  "total": str(self.total), "code": self.paper.code or "", "edition": self.edition or ""}
        if len(self.editions) > 1 and "{edition}" not in pattern:
            # Several editions: each file says which it is, whatever the shop's pattern.
            pattern = pattern[:-len(".pdf")] + "-{edition}.pdf"
        name = re.sub(r"\{(\w+)\}", lambda m: fields[m.group(1)], pattern)
        return name[:-len(".pdf")] + "-proof.pdf" if proof else name

    @property
    def weekday(self) -> str:
        """星期一 … 星期日, computed from the date."""
        return "星期" + WEEKDAYS[self.date.weekday()]

    @property
    def slug(self) -> str:
        return str(self.total)

    @property
    def label(self) -> str:
        """徐匯報 第49期（總第1650期） 2021-11-29: the issue named in reports and messages."""
        return self.words(f"{self.paper.name} 第{self.number}期（總第{self.total}期） {self.date}")

    def input_files(self) -> list[Path]:
        """Every file the issue's layout depends on: the issue file, the templates beside it, the
        story texts, photos and logo (what `watch` looks at and a batch's key hashes)."""
        return input_files(self.path, self)

    def page(self, number: int) -> PageSpec:
        return next(p for p in self.pages if p.number == number)


def story_texts(s: Story) -> list[str]:
    """Every text of a story: its heads, paragraphs and jump heads."""
    return [s.kicker or "", s.headline or "", s.deck or "", *(b.text for b in s.blocks),
            *(f.jump_head or "" for f in s.frames), s.byline or "", s.dateline or "",
            s.pull_quote.text if s.pull_quote else "", s.heading or ""]


def issue_texts(issue: Issue) -> list[str]:
    """Every text the issue prints that its file and story files give."""
    texts = [issue.paper.name, *(p.section for p in issue.pages), *(p.editor or "" for p in issue.pages)]
    for s in issue.stories:
        texts += story_texts(s)
    texts += [b.text for b in issue.boxes] + [p.caption or "" for p in issue.photos]
    texts += [p.credit or "" for p in issue.photos] + [b.heading or "" for b in issue.boxes]
    texts += [e.text for b in issue.boxes for e in b.entries]
    return texts


# --- loading ------------------------------------------------------------------


def input_files(issue_path: Path, issue: Issue | None = None) -> list[Path]:
    """The files an issue depends on; before the issue has been read (``issue`` None), the ones its
    file alone implies: itself and the templates beside it."""
    folder = issue_path.resolve().parent
    files = {issue_path.resolve(), *(folder / "templates").glob("*.yaml")}
    if issue is not None:
        files.update(s.text_file for s in issue.stories if s.text_file is not None)
        files.update(p.file for p in issue.photos)
        files.update(b.file for b in issue.boxes if b.file is not None)
        if issue.paper.logo:
            files.add(issue.paper.logo)
    return sorted(files)
