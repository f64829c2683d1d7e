"""Every key an issue or template file may hold, in one table: its type, whether it is required,
its default, the values it allows, what it means and an example.

The loader takes the keys it accepts from this table (``keys(section)``), so the reference written
from it (issues/REFERENCE.md, `layout schema`'s JSON Schema) cannot drift from what is read: a key
the loader takes is a key the reference explains."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Key:
    name: str
    type: str                   # text, whole number, number, true/false, date, size, colour, file, a section …
    doc: str
    required: bool = False
    default: str | None = None  # as an editor would write it
    allowed: str | None = None  # the values or the range allowed
    example: str | None = None
    section: str | None = None  # the keys of its value (a mapping) or of each item (a list)
    many: bool = False          # a list of ``section``
    choices: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None


def _place(where: str) -> Key:
    return Key("place", "grid place", f"where {where} goes on the page grid", True, section="place",
               example="{page: 2, col: 3, span: 4, line: 4, lines: 69}")


ROLES = ("body", "headline", "sans", "kai")
STYLE_NAMES = ("kicker", "headline", "deck", "subhead", "lead_in", "jump", "banner", "notice", "byline", "credit",
               "pull_quote", "sidebar_heading", "index",
               "table", "table_head")   # a data table's cells (default: the body type) and head row (sans)

SECTIONS: dict[str, tuple[str, tuple[Key, ...]]] = {
    "issue file": ("An issue: one YAML file under issues/.", (
        Key("template", "template name", "the page template, a file issues/templates/NAME.yaml", True,
            example="xuhuibao-tabloid"),
        Key("paper", "section", "the paper: its name and the words of its masthead", True, section="paper"),
        Key("issue", "section", "this issue's numbers and date", True, section="issue"),
        Key("pages", "list", "the issue's pages, numbered 1, 2, 3 … in order", True, section="page", many=True),
        Key("stories", "list", "the stories placed on the pages", True, section="story", many=True),
        Key("boxes", "list", "banners, notices and advertisements", section="box", many=True),
        Key("photos", "list", "photos with their captions", section="photo", many=True),
        Key("editions", "editions", "the editions this issue is printed in, instead of the template's",
            example="[hans, hant]"),
    )),
    "paper": ("The paper: set in the masthead of page 1 and the running heads.", (
        Key("name", "text", "the paper's name, set large in the masthead", True, example="徐匯報"),
        Key("permit", "text", "the publishing permit line", example="准印證號(B)0150"),
        Key("url", "text", "the paper's web address, under its name", example="http://www.xuhuibao.com"),
        Key("channels", "list", "the paper's channels, each a QR code with its label in the masthead",
            section="channel", many=True),
        Key("logo", "image file", "the masthead's name as an image instead of type (relative to the issue)",
            example="1650/logo.png"),
        Key("code", "text", "the paper's short code for file names ({code}): 1–12 letters or digits", example="XHB"),
    )),
    "channel": ("A channel of the paper shown in the masthead.", (
        Key("label", "text", "what is printed under the QR code", True, example="徐匯通APP"),
        Key("url", "text", "the address the QR code holds (under 500 characters)", True,
            example="http://www.xuhuibao.com/app"),
    )),
    "issue": ("This issue: 第49期（總第1650期）, its date (the weekday is computed).", (
        Key("number", "whole number", "the issue number of the year (期)", True, low=1, example="49"),
        Key("total", "whole number", "the running issue number (總期數); names the output folder", True, low=1,
            example="1650"),
        Key("date", "date", "the issue's date, YYYY-MM-DD", True, example="2021-11-29"),
        Key("sample", "true/false", "made-up sample data: marked 樣例資料 on every page", default="false"),
        Key("edition", "text", "the edition's name or code (1–16 letters, digits or -): slug line and {edition}",
            example="A"),
    )),
    "page": ("A page of the issue.", (
        Key("number", "whole number", "the page number, 1, 2, 3 … in order", True, low=1, high=999, example="1"),
        Key("section", "text", "the page's section, in its running head (第2版　要聞)", True, example="要聞"),
        Key("editor", "text", "the page's editor (責任編輯), in its running head", example="王明"),
    )),
    "story": ("A story: its text, its head and its chain of frames.", (
        Key("id", "name", "letters, digits, - and _; unique among stories, boxes and photos", True,
            example="study-session"),
        Key("frames", "list", "the chain of frames the text flows through, in reading order", True,
            section="frame", many=True),
        Key("kicker", "text", "引題, over the headline (needs a head)", example="鍾曉詠主持召開區政府黨組會議"),
        Key("headline", "text", "主題; a space marks where it may break (needs a head)",
            example="奮進卓越徐匯新征程 書寫趕考路上新答卷"),
        Key("deck", "text", "副題, under the headline, set after a dash (needs a head)",
            example="徐匯區委、區政府舉行學習討論會"),
        Key("text", "text file", "the story's text file, relative to the issue (one of text or body): a paragraph "
            "a line, ## a subhead, **…** bold, a data table as a Markdown pipe table or a ```csv block (README: "
            "Tables)", example="1650/study-session.md"),
        Key("body", "text", "the story's text inline, one paragraph a line (one of text or body)",
            example="本報訊 …"),
        Key("paragraphs", "section", "an excerpt of the text file: paragraphs from … to … (1-based)",
            section="paragraphs"),
        Key("head", "grid place", "where the kicker, headline and deck go; vertical: true sets them top to bottom "
            "(直排)", section="head", example="{page: 1, col: 1, span: 6, line: 13, lines: 7}"),
        Key("balance", "true/false", "the last frame's columns end level", default="false"),
        Key("box", "one of", "花邊: a border around the story's head and frames", choices=(
            "single", "double", "thick-thin", "dashed")),
        Key("fit_headline", "true/false", "fit the head to its place: a one-line headline grown to fill its width, "
            "or the whole head set smaller to fit (the size used is reported); without it a head that does not "
            "fit is an error", default="false"),
        Key("byline", "text", "署名: who wrote it, set in the byline style on a line of its own over the text "
            "(kept with the first line of text), or run in at the start of the first paragraph (byline_at)",
            example="本報記者 王小明 通訊員 李四"),
        Key("dateline", "text", "電頭: run in at the start of the first paragraph, in the lead-in style; it "
            "takes the place of the 本報訊 the text opens with (a story prints one lead-in)",
            example="9月5日電"),
        Key("byline_at", "one of", "where the byline goes: a line of its own over the text, or run in at the "
            "start of the first paragraph before the dateline", default="the template's byline_at",
            choices=("line", "run-in")),
        Key("pull_quote", "section", "引語: a sentence of the story set larger between rules in a grid rectangle; "
            "inside one of the story's frames the text flows around it, else it stands beside them",
            section="pull_quote"),
        Key("sidebar", "section", "相關鏈接: a short side text with its own heading in a bordered frame of its "
            "own, laid out and fitted as a story named <id>-sidebar", section="sidebar"),
    )),
    "pull_quote": ("引語: words of the story, set larger between rules; a quote that does not fit its rectangle "
                   "is reported as overset.", (
        Key("text", "text", "the words quoted: they must occur in one paragraph of the story, as written", True,
            example="社區空間要老少咸宜"),
        _place("the quote"),
    )),
    "sidebar": ("相關鏈接: a story's boxed side text. Its heading takes the first two grid lines of its first "
                "frame; its frames on a page form one rectangle, bordered.", (
        Key("heading", "text", "the sidebar's heading", True, example="相關鏈接"),
        Key("frames", "list", "the frames its text flows through, in reading order", True, section="frame",
            many=True),
        Key("text", "text file", "its text file, relative to the issue (one of text or body)",
            example="1638/links.md"),
        Key("body", "text", "its text inline, one paragraph a line (one of text or body)", example="……"),
        Key("paragraphs", "section", "an excerpt of the text file: paragraphs from … to … (1-based)",
            section="paragraphs"),
        Key("box", "one of", "the border's style", default="single", choices=(
            "single", "double", "thick-thin", "dashed")),
    )),
    "paragraphs": ("An excerpt of a story's text file.", (
        Key("from", "whole number", "the first paragraph taken", True, low=1, example="12"),
        Key("to", "whole number", "the last paragraph taken", True, low=1, example="30"),
    )),
    "place": ("A place on the page grid, in grid units.", (
        Key("page", "whole number", "the page", True, low=1, example="1"),
        Key("col", "whole number", "the first grid column (1 at the left)", True, low=1, example="1"),
        Key("span", "whole number", "how many grid columns", True, low=1, example="4"),
        Key("line", "whole number", "the first grid line (1 at the top; below the masthead or running head)",
            True, low=1, example="20"),
        Key("lines", "whole number", "how many grid lines", True, low=1, example="8"),
    )),
    "frame": ("A frame of a story's chain: a place on the grid, and what the text does in it.", (
        Key("page", "whole number", "the page", True, low=1, example="2"),
        Key("col", "whole number", "the first grid column", True, low=1, example="1"),
        Key("span", "whole number", "how many grid columns", True, low=1, example="2"),
        Key("line", "whole number", "the first grid line", True, low=1, example="4"),
        Key("lines", "whole number", "how many grid lines", True, low=1, example="5"),
        Key("jump_head", "text", "續題 over a continuation on another page (takes two grid lines, one line of text)",
            example="奮進卓越徐匯新征程"),
        Key("columns", "whole number", "text columns in the frame if not one a grid column (破欄)", low=1,
            example="1"),
        Key("exclude", "grid rectangle or list", "rectangles of the frame the text flows around (a photo, a box)",
            section="exclude", many=True),
    )),
    "exclude": ("A rectangle a frame's text flows around, inside the frame.", (
        Key("col", "whole number", "the first grid column", True, low=1, example="2"),
        Key("span", "whole number", "how many grid columns", True, low=1, example="1"),
        Key("line", "whole number", "the first grid line", True, low=1, example="30"),
        Key("lines", "whole number", "how many grid lines", True, low=1, example="6"),
    )),
    "box": ("A banner, notice or advertisement: an element that is not a flowing story.", (
        Key("id", "name", "unique among stories, boxes and photos", True, example="slogan"),
        Key("kind", "one of", "banner: reversed out of a colour ground; notice: a ruled box of 楷體 text; "
            "ad: an advertisement; index: 導讀, chosen stories a line each with the page each starts on (from "
            "the layout)", True, choices=("banner", "notice", "ad", "index")),
        _place("the box"),
        Key("text", "text", "the box's text, one paragraph a line (one of text, file or entries)", example="廣告"),
        Key("entries", "list", "an index box's lines: a story and a short line on it; the page number is the "
            "page the story starts on, from the layout", section="index entry", many=True),
        Key("heading", "text", "an index box's heading", default="導讀"),
        Key("file", "PDF file", "a supplied PDF/X-1a page placed whole instead of text, preflighted on its way in",
            example="ads/bank.pdf"),
        Key("file_page", "whole number", "which page of the supplied PDF", default="1", low=1),
        Key("sample", "true/false", "placeholder content, marked 樣例內容 on the page", default="false"),
        Key("color", "colour", "a banner's ground: a name or [C, M, Y, K] percentages", default="red",
            allowed="red, blue, green, black, grey, gold, or [C, M, Y, K] within the ink limit"),
    )),
    "index entry": ("A line of a 導讀 box.", (
        Key("story", "story id", "the story it points to (the page is where the story starts)", True,
            example="guxiang-2"),
        Key("text", "text", "what to say of it, in a line or two", True, example="魯迅小說《故鄉》連載"),
    )),
    "photo": ("A photo placed on the grid, with its caption and credit on the grid lines under it.", (
        Key("id", "name", "unique among stories, boxes and photos", True, example="front-photo"),
        Key("file", "image file", "the photo (JPEG, PNG, TIFF; RGB, CMYK or grey), relative to the issue", True,
            example="1650/sample-photo.jpg"),
        _place("the photo and its caption"),
        Key("caption", "text", "the caption, in 楷體 under the photo", example="居民在社區食堂用餐"),
        Key("credit", "text", "who took it: printed under the caption, flush right, as 記者 王小明 攝 (攝 is "
            "added unless the credit ends with it)", example="記者 王小明"),
        Key("focus", "[x, y]", "the point kept in view when cropping, each from 0 (left, top) to 1",
            default="[0.5, 0.5]"),
        Key("sample", "true/false", "a placeholder photo, marked 樣例圖片", default="false"),
    )),
    "template": ("A page template: issues/templates/NAME.yaml.", (
        Key("trim", "section", "the trimmed page", True, section="trim"),
        Key("margins", "section", "the margins around the type area", True, section="margins"),
        Key("columns", "whole number", "grid columns of the type area", True, low=1, high=20, example="6"),
        Key("body", "section", "the body type and the line pitch of the grid", True, section="body"),
        Key("name", "text", "a name for the template", example="徐匯報四開"),
        Key("bleed", "number", "mm of bleed around the trim", default="3", low=0, high=20),
        Key("min_gutter", "number", "the least gutter, in em of body type", default="1", low=0.5, high=10),
        Key("masthead_lines", "whole number", "grid lines the masthead takes on page 1", default="0", low=0,
            high=100, example="12"),
        Key("running_head_lines", "whole number", "grid lines the running head takes on later pages", default="0",
            low=0, high=20, example="3"),
        Key("styles", "section", "the type of each furniture element", section="styles"),
        Key("strictness", "one of", "the 避頭尾 level (clreq)", default="basic", choices=("basic", "GB", "strict")),
        Key("punctuation", "one of", "全角, 開明 or 半角 punctuation", default="quanjiao",
            choices=("quanjiao", "kaiming", "banjiao")),
        Key("latin_gap", "number", "the gap between ideographs and Latin letters or digits, in em", default="0.25",
            low=0, high=1),
        Key("punctuation_position", "one of", "GB: mainland (low-left) marks; CNS: centred (Taiwan, Hong Kong)",
            default="GB", choices=("GB", "CNS")),
        Key("script_lint", "one of", "characters of the other script in a story (a Simplified-only character in a "
            "Traditional text, or the reverse): reported as warnings, refused as errors, or not checked",
            default="warning", choices=("warning", "error", "off")),
        Key("editions", "editions", "the editions the paper is printed in, each converted from the one source "
            "at render time: hans (Simplified, mainland), hant (Traditional), hant-tw (Taiwan's forms, centred "
            "punctuation), hant-hk (Hong Kong's)", default="[hans]", example="[hans, hant-tw]"),
        Key("byline_at", "one of", "where stories' bylines go: a line of their own over the text, or run in "
            "at the start of the first paragraph", default="line", choices=("line", "run-in")),
        Key("quotes", "one of", "quotation marks: as the text writes them, or the edition's (“ ” ‘ ’ for hans, "
            "「 」 『 』 for hant)", default="keep", choices=("keep", "edition")),
        Key("print", "section", "what the print shop asks for", section="print"),
    )),
    "trim": ("The trimmed page, in mm.", (
        Key("width", "number", "mm", True, low=50, high=2000, example="270"),
        Key("height", "number", "mm", True, low=50, high=2000, example="390"),
    )),
    "margins": ("The margins, in mm.", (
        Key("top", "number", "mm", True, low=0, high=200, example="15"),
        Key("bottom", "number", "mm", True, low=0, high=200, example="15"),
        Key("left", "number", "mm", True, low=0, high=200, example="18"),
        Key("right", "number", "mm", True, low=0, high=200, example="18"),
    )),
    "body": ("The body type and the grid's line pitch.", (
        Key("size", "size", "points, or a 號 name (五號, 小五 …)", True, example="小五"),
        Key("leading", "number", "the grid's line pitch, baseline to baseline, in points", True, example="14"),
        Key("role", "one of", "the font role of body text", default="body", choices=ROLES),
    )),
    "styles": ("The type of each furniture element.", tuple(
        Key(name, "section", f"the {name.replace('_', '-')} style", section="style") for name in STYLE_NAMES)),
    "style": ("A style: a font role and a size.", (
        Key("role", "one of", "body (Song), headline (bold Song), sans (Hei), kai (Kai)", True, choices=ROLES),
        Key("size", "size", "points, or a 號 name (五號, 小五 …)", True, example="二號"),
    )),
    "print": ("What the print shop asks for (PDF/X-1a:2001, coldset newsprint).", (
        Key("profile", "ICC file", "the CMYK output profile, in layout/data/icc/", default="ISOnewspaper26v4.icc"),
        Key("grey_profile", "ICC file", "the grey output profile, for greyscale photos",
            default="ISOnewspaper26v4_gr.icc"),
        Key("condition", "text", "the OutputConditionIdentifier (ICC-registered where it can be)", default="IFRA26"),
        Key("embed_profile", "true/false", "embed the output profile (592 KB) in every PDF; false names the press "
            "condition by its ICC-registered identifier alone, as ISO 15930-1 allows for PDF/X-1a:2001 — only "
            "for a registered condition, and only where the print shop's RIP accepts it (preflight then warns: "
            "house/embedded-profile)", default="true"),
        Key("ink_limit", "number", "percent total ink", default="240", low=100, high=400),
        Key("marks", "true/false", "crop and registration marks and the slug line outside the bleed",
            default="true"),
        Key("max_ppi", "number", "photos are downsampled to this where placed", default="300", low=72, high=2400),
        Key("warn_ppi", "number", "below this a photo gets a warning", default="200", low=1, high=2400),
        Key("min_ppi", "number", "below this the render fails", default="100", low=1, high=2400),
        Key("page_file", "file-name pattern", "a page file's name from {date} {page} {number} {total} {code} "
            "{edition}", default="{date}-{page}.pdf"),
        Key("issue_file", "file-name pattern", "the whole-issue file's name, from the same fields",
            default="{date}-issue{total}.pdf"),
    )),
}

# A story's head is a place with one key more: set across (the default) or down (page/vertical_head.py).
SECTIONS["head"] = ("Where a story's kicker, headline and deck go: a place on the page grid, set across or down.", (
    *SECTIONS["place"][1],
    Key("vertical", "true/false", "直排: the head set vertically, in columns read right to left — the kicker in one "
        "at the right, the headline in one or two, the deck in one at the left — centred in the place; ideographs "
        "upright, marks in their vertical forms (︒ ︑ ﹁ ﹂ ︵ ︶), one letter or digit upright, two digits side by "
        "side in one em (縱中橫), longer Latin turned 90° clockwise. Give it a tall, narrow place with the story's "
        "frames beside it; a column longer than the place is reported as overset (fit_headline: true sets the "
        "head smaller to fit)", default="false"),
))


def keys(section: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(required, optional) key names of a section, as the loader asks for them."""
    entries = SECTIONS[section][1]
    return (tuple(k.name for k in entries if k.required), tuple(k.name for k in entries if not k.required))
