"""Reading issue and template files into the model: the only place that knows YAML.

Every mistake is a LayoutError naming the file, the line and the key path, and saying what would be
valid; files an issue names are resolved relative to its folder and kept inside the project.
"""

from __future__ import annotations

import hashlib
import marshal
import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import yaml

from ..base import diskcache
from ..base.paths import known_profiles
from .model import (NAMED_COLOURS, Block, Box, Channel, Frame, GridRect, IndexEntry, Inline, Issue, PageSpec,
                    Paper, Photo, PrintSettings, PullQuote, Story, Template, BlockKind, BorderStyle, BoxKind, FILE_FIELDS, issue_texts)
from ..compose.atoms import TextStyle
from ..compose.scripts import EDITIONS, HANS, dominant_script
from ..compose.settings import CompositionSettings, PunctuationPosition, PunctuationStyle, Steer, Strictness
from ..base.units import HAO, mm
from ..base.errors import LayoutError
from ..base.files import check_path_name
from .keys import ROLES, keys
from .supplied import check_supplied_page
from . import tables as tables_module
from .tables import TableSourceError, csv_table, pipe_lines, pipe_table
from .yamlnodes import Node, load_yaml, read_text_file


def colour(node: Node, ink_limit: float) -> tuple[float, float, float, float]:
    """A colour as a name or [C, M, Y, K] in percent; RGB is refused, never passed to the press."""
    if isinstance(node.node, yaml.SequenceNode):
        values = node.sequence()
        if len(values) != 4:
            raise node.error("a colour is four CMYK percentages [C, M, Y, K], e.g. [0, 100, 100, 0]")
        cmyk = tuple(v.number(0, 100) / 100 for v in values)
    else:
        name = node.scalar().strip()
        if name.startswith("#") or name.lower().startswith("rgb"):
            raise node.error(f"'{name}' is an RGB colour; newsprint is printed in CMYK: give [C, M, Y, K] "
                             f"percentages or one of: {', '.join(NAMED_COLOURS)}")
        if name not in NAMED_COLOURS:
            raise node.error(f"unknown colour '{name}'; give [C, M, Y, K] or one of: {', '.join(NAMED_COLOURS)}")
        cmyk = NAMED_COLOURS[name]
    if sum(cmyk) * 100 > ink_limit + 1e-9:
        raise node.error(f"{sum(cmyk) * 100:.0f} % total ink is over the print limit of {ink_limit:.0f} %")
    return cmyk


DEFAULT_STYLES = {
    "kicker": TextStyle("sans", 14.0),
    "headline": TextStyle("headline", 30.0),
    "deck": TextStyle("sans", 15.0),
    "subhead": TextStyle("sans", 9.0),
    "lead_in": TextStyle("sans", 9.0),
    "jump": TextStyle("sans", 9.0),
    "banner": TextStyle("headline", 22.0),
    "notice": TextStyle("kai", 10.5),
    "byline": TextStyle("kai", 9.0),          # 本報記者 王小明, in the body's size
    "credit": TextStyle("sans", 7.5),         # 記者 王小明 攝 under a caption, 六號
    "pull_quote": TextStyle("headline", 12.0),   # 引語, 小四
    "sidebar_heading": TextStyle("sans", 10.5),  # 相關鏈接, 五號
    "index": TextStyle("body", 10.5),         # a 導讀 box's lines, 五號
}


def _size(node: Node) -> float:
    """A point size, as a number or a 號 name (五號, 小五 …)."""
    value = node.scalar()
    if value in HAO:
        return HAO[value]
    return node.number(4.0, 200.0)


def _style(node: Node) -> TextStyle:
    m = node.mapping(*keys("style"))
    return TextStyle(m["role"].choice(ROLES), _size(m["size"]))


def load_template(node: Node, name: str) -> Template:
    m = node.mapping(*keys("template"))
    trim = m["trim"].mapping(*keys("trim"))
    margins = m["margins"].mapping(*keys("margins"))
    body = m["body"].mapping(*keys("body"))
    styles = dict(DEFAULT_STYLES)
    if "styles" in m:
        for key, sub in m["styles"].mapping(*keys("styles")).items():
            styles[key] = _style(sub)
    size = _size(body["size"])
    t = Template(
        name=name,
        trim_w=mm(trim["width"].number(50, 2000)),
        trim_h=mm(trim["height"].number(50, 2000)),
        bleed=mm(m["bleed"].number(0, 20)) if "bleed" in m else mm(3),
        margin_top=mm(margins["top"].number(0, 200)),
        margin_bottom=mm(margins["bottom"].number(0, 200)),
        margin_left=mm(margins["left"].number(0, 200)),
        margin_right=mm(margins["right"].number(0, 200)),
        columns=m["columns"].integer(1, 20),
        body=TextStyle(body["role"].choice(ROLES) if "role" in body else "body", size),
        pitch=body["leading"].number(size, size * 4),
        min_gutter_em=m["min_gutter"].number(0.5, 10) if "min_gutter" in m else 1.0,
        masthead_lines=m["masthead_lines"].integer(0, 100) if "masthead_lines" in m else 0,
        running_head_lines=m["running_head_lines"].integer(0, 20) if "running_head_lines" in m else 0,
        styles=styles,
        composition=CompositionSettings(
            strictness=m["strictness"].enum(Strictness) if "strictness" in m else Strictness.BASIC,
            punctuation=m["punctuation"].enum(PunctuationStyle) if "punctuation" in m else PunctuationStyle.QUANJIAO,
            position=(m["punctuation_position"].enum(PunctuationPosition) if "punctuation_position" in m
                      else PunctuationPosition.GB),
            latin_gap_em=m["latin_gap"].number(0, 1) if "latin_gap" in m else 0.25),
        printing=_print_settings(m["print"]) if "print" in m else PrintSettings(),
        script_lint=m["script_lint"].choice(("warning", "error", "off")) if "script_lint" in m else "warning",
        editions=_editions(m["editions"]) if "editions" in m else (),
        quotes=m["quotes"].choice(("keep", "edition")) if "quotes" in m else "keep",
        byline_at=m["byline_at"].choice(("line", "run-in")) if "byline_at" in m else "line",
    )
    if t.measure < 4 * size:
        raise m["columns"].error(f"{t.columns} columns leave under 4 characters per column; use fewer columns")
    if t.lines < 10:
        raise m["margins"].error("the margins leave fewer than 10 lines on the page")
    return t


def _editions(node: Node) -> tuple[str, ...]:
    """A list of editions, each named once."""
    codes = []
    for item in node.sequence():
        code = item.choice(tuple(EDITIONS))
        if code in codes:
            raise item.error(f"edition {code} is listed twice")
        codes.append(code)
    if not codes:
        raise node.error(f"list at least one edition ({', '.join(EDITIONS)})")
    return tuple(codes)


# Output profiles whose press condition is registered with the ICC: the identifier the print shop's
# RIP knows (ICC Characterization Data Registry), rather than the profile's file name.
REGISTERED_CONDITIONS = {"ISOnewspaper26v4.icc": "IFRA26"}


def _file_pattern(node: Node, needs_page: bool) -> str:
    """A file-name pattern: plain characters and {fields} of FILE_FIELDS, ending in .pdf, no folders."""
    pattern = node.text()
    fields = re.findall(r"\{([^{}]*)\}", pattern)
    unknown = [f for f in fields if f not in FILE_FIELDS]
    if unknown:
        raise node.error(f"unknown field {{{unknown[0]}}} in a file name; known: "
                         + ", ".join(f"{{{k}}} ({v})" for k, v in FILE_FIELDS.items()))
    plain = re.sub(r"\{\w+\}", "", pattern)
    if "{" in plain or "}" in plain or not re.fullmatch(r"[A-Za-z0-9_.\-]*", plain):
        raise node.error(f"a file name may hold letters, digits, - _ . and {{fields}} only, got '{pattern}'")
    if not pattern.endswith(".pdf"):
        raise node.error(f"a PDF's file name ends in .pdf, got '{pattern}'")
    if needs_page and "page" not in fields:
        raise node.error("a page file's name needs {page}, or every page would get the same name")
    if "date" not in fields and "total" not in fields and "number" not in fields:
        raise node.error("a file name needs {date}, {total} or {number}, so issues do not overwrite each other")
    return pattern


def _print_settings(node: Node) -> PrintSettings:
    m = node.mapping(*keys("print"))
    d = PrintSettings()
    profile = m["profile"].text() if "profile" in m else d.profile
    if profile not in known_profiles():
        raise m["profile"].error(f"unknown output profile '{profile}'; known: {', '.join(known_profiles())}")
    grey = m["grey_profile"].text() if "grey_profile" in m else d.grey_profile
    if grey not in known_profiles(b"GRAY"):
        raise m["grey_profile"].error(f"unknown grey profile '{grey}'; known: {', '.join(known_profiles(b'GRAY'))}")
    settings = PrintSettings(
        profile=profile, grey_profile=grey,
        condition=m["condition"].text() if "condition" in m else REGISTERED_CONDITIONS.get(profile, Path(profile).stem),
        embed_profile=m["embed_profile"].boolean() if "embed_profile" in m else d.embed_profile,
        ink_limit=m["ink_limit"].number(100, 400) if "ink_limit" in m else d.ink_limit,
        marks=m["marks"].boolean() if "marks" in m else d.marks,
        max_ppi=m["max_ppi"].number(72, 2400) if "max_ppi" in m else d.max_ppi,
        warn_ppi=m["warn_ppi"].number(1, 2400) if "warn_ppi" in m else d.warn_ppi,
        min_ppi=m["min_ppi"].number(1, 2400) if "min_ppi" in m else d.min_ppi,
        page_file=_file_pattern(m["page_file"], needs_page=True) if "page_file" in m else d.page_file,
        issue_file=_file_pattern(m["issue_file"], needs_page=False) if "issue_file" in m else d.issue_file,
    )
    if not settings.min_ppi <= settings.warn_ppi <= settings.max_ppi:
        raise node.error("resolutions must satisfy min_ppi ≤ warn_ppi ≤ max_ppi")
    if not settings.embed_profile and settings.condition not in REGISTERED_CONDITIONS.values():
        # ISO 15930-1: the profile may be left out only for a characterization registered with the ICC.
        raise m["embed_profile"].error(f"the output profile can be left out only for a condition registered with "
                                       f"the ICC ({', '.join(sorted(REGISTERED_CONDITIONS.values()))}); "
                                       f"'{settings.condition}' is not")
    return settings


@cache
def _markdown():
    """A CommonMark parser (markdown-it-py) with only the constructs the README documents switched
    on: ATX headings (only ``## `` makes a subhead) and emphasis (only ``**…**`` is set bold). Lists,
    quotes, code, links, HTML, entities and escapes stay the text they are, so ``#徐匯#``, ``#1 號線``,
    ``1. 一``, ``> 引`` and ``C:\\路徑`` print as written."""
    from markdown_it import MarkdownIt

    # Tables too: a pipe table and a ```csv block are a story's data tables (issue/tables.py); any
    # other fenced block stays the text it is.
    return MarkdownIt("zero").enable(["heading", "emphasis", "table", "fence"])


def parse_body(text: str) -> tuple[Block, ...]:
    """Story text: one paragraph per line (Chinese text is not wrapped in source), ``## `` starts a
    小標題 subhead, ``**…**`` is set bold; everything else is text, character for character.
    A text parsed before is read from the disk cache (``STORY_BLOCKS``): a process whose stories are all
    known does not load the Markdown parser (20 ms)."""
    name = hashlib.sha256(f"{_parser_identity()}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()[:40]
    entry = diskcache.read(diskcache.STORY_BLOCKS, name)
    if entry is not None:
        try:
            return tuple(Block(BlockKind(kind), tuple(Inline(t, b) for t, b in inlines), Steer(steer))
                         for kind, inlines, steer in marshal.loads(entry))
        except Exception as exc:  # noqa: BLE001 — whatever an entry holds costs a parse, never the render
            diskcache.reject(diskcache.STORY_BLOCKS, name, f"{exc.__class__.__name__}: {exc}")
    blocks = _parsed(text)
    if all(b.table is None and all(i.style is None for i in b.inlines) for b in blocks):
        # Tables are not kept (their cells are more than text and a flag): a text with one is parsed again.
        diskcache.write(diskcache.STORY_BLOCKS, name, marshal.dumps(
            [(b.kind.value, [(i.text, i.bold) for i in b.inlines], int(b.steer)) for b in blocks]))
    return blocks


@cache
def _parser_identity() -> str:
    """What a story's blocks depend on besides its text: markdown-it's build and this parser's own code
    (this file's and the table reader's)."""
    return diskcache.installed_identity("markdown_it", Path(__file__), Path(tables_module.__file__))


def _parsed(text: str) -> tuple[Block, ...]:
    """``parse_body`` worked out with markdown-it."""
    # A tab is a space in running text: Chinese body text has no tab stops.
    text = text.replace("\t", " ")
    # 緊排 / 鬆排: a paragraph's own first characters ask for one step tighter or looser; taken off the
    # source line before it is parsed (so the marker is never printed), and ``\{緊}`` stays text.
    steers: dict[int, Steer] = {}
    source = text.split("\n")      # as written: what a fence's inside is parsed from again
    lines = list(source)
    for k, line in enumerate(lines):
        stripped = line.lstrip()
        for marker, steer in STEER_MARKERS.items():
            if stripped.startswith(marker):
                steers[k] = steer
                lines[k] = line[:len(line) - len(stripped)] + stripped[len(marker):]
                break
        else:
            if stripped.startswith("\\{") and stripped[1:4] in STEER_MARKERS:
                lines[k] = line[:len(line) - len(stripped)] + stripped[1:]
    lines, where = pipe_lines(lines)     # a paragraph after a table is not one more row of it
    steers = {k: steers[where[k] - 1] for k in range(len(lines)) if lines[k].strip() and where[k] - 1 in steers}
    text = "\n".join(lines)
    tokens = _markdown().parse(text)
    blocks: list[Block] = []
    skip_to = 0
    for at, opener in enumerate(tokens):
        if at < skip_to:
            continue
        inline = tokens[at + 1] if at + 1 < len(tokens) else opener
        if opener.type == "table_open":
            table, skip_to = pipe_table(tokens, at, lines, where)
            blocks.append(Block(BlockKind.TABLE, (), table=table))
            continue
        if opener.type == "fence":
            blocks += _fence(opener, lines, where, source)
            continue
        if inline.type != "inline":
            continue
        if opener.type == "heading_open":
            if opener.tag == "h2" and inline.content.strip():
                blocks += [Block(BlockKind.SUBHEAD, spans) for spans in _paragraphs(inline.children or [])]
            else:
                # Any other level, or a heading with nothing in it, is not a construct we document:
                # the line is text exactly as written.
                start, end = opener.map
                blocks += [Block(BlockKind.PARA, (Inline(line.strip()),))
                           for line in lines[start:end] if line.strip()]
            continue
        first = inline.map[0] if inline.map else opener.map[0]
        for k, spans in enumerate(_paragraphs(inline.children or [])):
            blocks.append(Block(BlockKind.PARA, spans, steers.get(first + k, Steer.NORMAL)))
    return tuple(blocks)


def _fence(token, lines: list[str], where: list[int], source: list[str]) -> list[Block]:
    """A fenced block: ```csv is a data table; any other is text as written, a paragraph a line.
    ``lines`` are the text's lines as parsed (markers taken off), ``where`` each one's number in
    ``source``, the lines as written."""
    start, end = token.map
    closed = end - start >= 2 and lines[end - 1].strip().startswith(token.markup)
    if token.info.strip().lower() == "csv":
        if not closed:
            raise TableSourceError(where[start], f"the {token.markup}csv table has no closing {token.markup} line")
        return [Block(BlockKind.TABLE, (), table=csv_table(token.content, where[start] + 1))]
    # Any other fence is no construct we document: its fence lines are text as written, and what lies
    # between them is story text as anywhere else (a subhead, bold, a table).
    closing = [Block(BlockKind.PARA, (Inline(lines[end - 1].strip()),))] if closed else []
    try:
        # The inside parsed again from the lines as written, so a {緊} or \{緊} in it is read once.
        inner = _parsed("\n".join(source[where[start]:where[end - 1] - 1 if closed else where[end - 1]]))
    except TableSourceError as exc:
        raise TableSourceError(where[start] + exc.line, exc.message) from None
    return [Block(BlockKind.PARA, (Inline(lines[start].strip()),)), *inner, *closing]


STEER_MARKERS = {"{緊}": Steer.TIGHT, "{紧}": Steer.TIGHT, "{鬆}": Steer.LOOSE, "{松}": Steer.LOOSE}


def _paragraphs(children) -> list[tuple[Inline, ...]]:
    """An inline token's pieces cut into one paragraph a source line, bold where ``**`` says; a single
    ``*`` (emphasis, which we do not set) keeps its asterisks."""
    paragraphs: list[list[Inline]] = [[]]
    bold = False
    for child in children:
        if child.type in ("strong_open", "strong_close"):
            bold = child.type == "strong_open"
            continue
        text = child.markup if child.type in ("em_open", "em_close") else child.content
        for k, piece in enumerate(text.split("\n")):
            if k:
                paragraphs.append([])
            if piece:
                current = paragraphs[-1]
                if current and current[-1].bold == bold:
                    current[-1] = Inline(current[-1].text + piece, bold)
                else:
                    current.append(Inline(piece, bold))
    out = []
    for spans in paragraphs:
        # A line's own leading and trailing spaces are layout of the source file, not text.
        while spans and not spans[0].text.strip():
            spans.pop(0)
        while spans and not spans[-1].text.strip():
            spans.pop()
        if spans:
            spans[0] = Inline(spans[0].text.lstrip(), spans[0].bold)
            spans[-1] = Inline(spans[-1].text.rstrip(), spans[-1].bold)
            out.append(tuple(spans))
    return out


@dataclass(frozen=True)
class Files:
    """Where an issue's files are looked for: relative to its folder, inside its project unless the
    caller allows paths outside."""

    base: Path                 # the issue's folder, symlinks resolved
    root: Path                 # the project: every file the issue names must lie inside it
    allow_outside: bool = False


def project_root(issue_path: Path, root: Path | None = None) -> Path:
    """The project an issue belongs to, resolved once, symlinks and all: ``root`` if given (the
    issue must lie inside it), else the nearest folder that holds the ``issues/`` tree the issue is
    in; an issue outside any project may read only its own folder."""
    issue_dir = issue_path.resolve().parent
    if root is not None:
        resolved = root.resolve()
        if not resolved.is_dir():
            raise LayoutError(f"{root}: --root must be a folder")
        if resolved != issue_dir and resolved not in issue_dir.parents:
            raise LayoutError(f"{issue_path}: the issue file lies outside the project given by --root ({resolved})")
        return resolved
    for folder in (issue_dir, *issue_dir.parents):
        if folder.name == "issues":
            return folder.parent
    return issue_dir


def _resolve(files: Files, node: Node, what: str) -> Path:
    """A file named in the issue, relative to the issue's folder and inside the project."""
    raw = node.text()
    base = files.base
    try:
        check_path_name(raw, what)
    except LayoutError as exc:
        raise node.error(str(exc)) from None
    path = Path(raw)
    if path.is_absolute() and not files.allow_outside:
        raise node.error(f"absolute paths are not allowed for {what}; give it relative to {base} "
                         f"(or allow paths outside the project with --allow-outside)")
    try:
        resolved = (base / path).resolve()     # symlinks resolved before the check, not after
        root = files.root
        if root != resolved and root not in resolved.parents and not files.allow_outside:
            raise node.error(f"{what} '{raw}' lies outside the project ({root}); "
                             f"allow it with --allow-outside")
        if not resolved.is_file():
            raise node.error(f"{what} '{raw}' not found (looked for {resolved})")
    except OSError as exc:   # a loop of symlinks, a folder we may not enter
        raise node.error(f"{what} '{raw}' cannot be reached ({exc.strerror or exc})") from None
    return resolved


def _grid(node: Node, t: Template, pages: set[int], section: str = "place") -> tuple[GridRect, dict[str, Node]]:
    m = node.mapping(*keys(section))
    page = m["page"].integer(1)
    if page not in pages:
        raise m["page"].error(f"page {page} is not in the issue's pages ({', '.join(map(str, sorted(pages)))})")
    col = m["col"].integer(1, t.columns)
    span = m["span"].integer(1, t.columns)
    if col + span - 1 > t.columns:
        raise m["span"].error(f"columns {col}–{col + span - 1} run past the page's {t.columns} columns")
    line = m["line"].integer(1, t.lines)
    lines = m["lines"].integer(1, t.lines)
    if line + lines - 1 > t.lines:
        raise m["lines"].error(f"lines {line}–{line + lines - 1} run past the page's {t.lines} lines")
    reserved = t.masthead_lines if page == 1 else t.running_head_lines
    if line <= reserved:
        what = "masthead" if page == 1 else "running head"
        raise m["line"].error(f"lines 1–{reserved} of page {page} hold the {what}; start at line {reserved + 1} or below")
    return GridRect(page, col, span, line, lines), m


def _text_of(node: Node, m: dict[str, Node], base: Files) -> tuple[tuple[Block, ...], str, Path | None]:
    """A story's (or a sidebar's) text: its blocks, where they came from (for messages) and its text file."""
    if ("text" in m) == ("body" in m):
        raise node.error("give the story's text either inline as 'body:' or as a file with 'text:' (one of them)")
    if "text" in m:
        path = _resolve(base, m["text"], "text file")
        try:
            blocks = parse_body(read_text_file(path, "story text"))
        except TableSourceError as exc:
            raise LayoutError(f"{path}:{exc.line}: {exc.message}") from None
        source, text_file = str(path), path
        if "paragraphs" in m:
            # An excerpt: paragraphs FROM to TO (1-based, inclusive) of the file, e.g. one part of a serial.
            pm = m["paragraphs"].mapping(*keys("paragraphs"))
            first, last = pm["from"].integer(1, len(blocks)), pm["to"].integer(1, len(blocks))
            if last < first:
                raise pm["to"].error(f"paragraph {last} comes before paragraph {first}")
            blocks = blocks[first - 1:last]
    elif "paragraphs" in m:
        raise m["paragraphs"].error("'paragraphs' selects from a text file: give 'text:' too")
    else:
        try:
            blocks = parse_body(m["body"].text())
        except TableSourceError as exc:
            raise LayoutError(f"{node.file}:{m['body'].line + exc.line}: body: {exc.message}") from None
        source, text_file = f"{node.file}:{m['body'].line}", None
    if not blocks:
        raise (m.get("text") or m["body"]).error("the story has no text")
    return blocks, source, text_file


def _story(node: Node, t: Template, pages: set[int], base: Files) -> Story:
    m = node.mapping(*keys("story"))
    sid = m["id"].text()
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_\-]*", sid):
        raise m["id"].error(f"story id '{sid}' must be letters, digits, - and _ (it names files)")
    blocks, source, text_file = _text_of(node, m, base)
    frames = []
    for k, sub in enumerate(m["frames"].sequence()):
        frames.append(_frame(sub, t, pages))
        if k == 0 and frames[0].jump_head:
            # A jump head (續題) heads a continuation: on the first frame it would have nowhere to go.
            raise sub.mapping(*keys("frame"))["jump_head"].error(
                "a jump head (續題) heads a story's continuation on another page: the first frame has none")
    if not frames:
        raise m["frames"].error("a story needs at least one frame")
    head, vertical = None, False
    if "head" in m:
        head, hm = _grid(m["head"], t, pages, "head")
        vertical = hm["vertical"].boolean() if "vertical" in hm else False

    def optional_text(key: str) -> str | None:
        return None if key not in m or m[key].is_null() else m[key].text()

    display = [key for key in ("kicker", "headline", "deck") if optional_text(key)]
    if display and head is None:
        # Without a head there is no place to set them: they would vanish from the page.
        raise m[display[0]].error(f"the story's {', '.join(display)} need a place: give the story a 'head:' "
                                  f"(page, col, span, line, lines) or leave them out")

    box = m["box"].enum(BorderStyle) if "box" in m else None
    if box:
        for page in sorted({f.place.page for f in frames}):
            cells = set().union(*(f.cells() for f in frames if f.place.page == page))
            if head and head.page == page:
                cells |= head.cells()
            cols = [c for c, _ in cells]
            lines = [ln for _, ln in cells]
            if len(cells) != (max(cols) - min(cols) + 1) * (max(lines) - min(lines) + 1):
                raise m["box"].error(f"a boxed story's head and frames on page {page} must together form "
                                     f"one rectangle of the grid, so the border can go round them")
    quote = None
    if "pull_quote" in m:
        quote, frames = _pull_quote(m["pull_quote"], t, pages, blocks, frames)
    return Story(sid, optional_text("kicker"), optional_text("headline"), optional_text("deck"),
                 blocks, head, tuple(frames), source, m["balance"].boolean() if "balance" in m else False,
                 box, m["fit_headline"].boolean() if "fit_headline" in m else False, text_file,
                 optional_text("byline"), optional_text("dateline"),
                 m["byline_at"].choice(("line", "run-in")) if "byline_at" in m else None, quote,
                 vertical_head=vertical)




def _pull_quote(node: Node, t: Template, pages: set[int], blocks: tuple[Block, ...],
                frames: list[Frame]) -> tuple[PullQuote, list[Frame]]:
    """引語: words of the story as written, in a grid rectangle that lies inside one of its frames (which
    then flows its text around it, as around any excluded rectangle) or beside one, touching it: never on
    a page the story has no frame on, nor apart from its text."""
    m = node.mapping(*keys("pull_quote"))
    text = m["text"].text().strip()
    if not any(text in b.text for b in blocks if b.kind is BlockKind.PARA):
        shown = text if len(text) <= 24 else text[:24] + "…"
        raise m["text"].error(f"a pull quote is words of the story as written: 「{shown}」 does not occur in any "
                              f"one paragraph of its text")
    place, pm = _grid(m["place"], t, pages)
    cells = place.cells()
    same_page = [(k, f) for k, f in enumerate(frames) if f.place.page == place.page]
    if not same_page:
        on = sorted({f.place.page for f in frames})
        raise pm["page"].error(f"a pull quote stands with its story: page {place.page} holds none of the story's "
                               f"frames (it has frames on page{'s' if len(on) > 1 else ''} {', '.join(map(str, on))}); "
                               f"place it inside or beside one of them")
    touching = set().union(*({(c + dc, ln + dl) for c, ln in f.place.cells()
                              for dc, dl in ((0, 0), (1, 0), (-1, 0), (0, 1), (0, -1))} for _, f in same_page))
    if not cells & touching:
        raise m["place"].error(f"a pull quote stands with its story: inside one of its frames or beside one, "
                               f"touching it; this place touches none of its frames on page {place.page}")
    inside = [(k, f) for k, f in same_page if cells <= f.place.cells()]
    if inside:
        k, frame = inside[0]
        if frame.columns is not None:
            raise m["place"].error("a frame with its own 'columns' cannot hold a pull quote: place it beside")
        if any(cells & r.cells() for r in frame.exclude):
            raise m["place"].error(f"the pull quote overlaps a rectangle frame {k + 1} already excludes")
        frames[k] = replace(frame, exclude=frame.exclude + (place,))
    elif any(cells & f.place.cells() for _, f in same_page):
        raise m["place"].error("the pull quote lies partly inside a frame of the story: place it wholly inside "
                               "one frame (the text flows around it) or beside the frames")
    return PullQuote(text, place), frames


SIDEBAR_HEADING_LINES = 2   # a sidebar's heading takes the first two grid lines of its first frame


def _sidebar(node: Node, parent: Story, t: Template, pages: set[int], base: Files) -> Story:
    """相關鏈接: a story's boxed side text, read as a story of its own (``<id>-sidebar``) so that it is
    flowed, fitted, checked and converted as every story is; its heading takes the first two grid lines
    of its first frame (the story's head), and its places on a page form one rectangle, bordered."""
    m = node.mapping(*keys("sidebar"))
    blocks, source, text_file = _text_of(node, m, base)
    subs = m["frames"].sequence()
    frames = [_frame(sub, t, pages) for sub in subs]
    if not frames:
        raise m["frames"].error("a sidebar needs at least one frame")
    if frames[0].jump_head:
        raise subs[0].mapping(*keys("frame"))["jump_head"].error(
            "a jump head (續題) heads a continuation on another page: the first frame has none")
    first = frames[0].place
    if first.lines <= SIDEBAR_HEADING_LINES:
        raise subs[0].error(f"a sidebar's first frame holds its heading in its first {SIDEBAR_HEADING_LINES} lines "
                            f"and text under it: give it at least {SIDEBAR_HEADING_LINES + 1} lines")
    head = replace(first, lines=SIDEBAR_HEADING_LINES)
    if any(r.cells() & head.cells() for r in frames[0].exclude):
        raise subs[0].error(f"an excluded rectangle overlaps the sidebar's heading (lines {first.line}–"
                            f"{first.line + SIDEBAR_HEADING_LINES - 1})")
    frames[0] = replace(frames[0], place=replace(first, line=first.line + SIDEBAR_HEADING_LINES,
                                                 lines=first.lines - SIDEBAR_HEADING_LINES))
    for page in sorted({f.place.page for f in frames}):
        cells = set().union(*(f.place.cells() for f in frames if f.place.page == page))
        cells |= head.cells() if head.page == page else set()
        cols, lines = [c for c, _ in cells], [ln for _, ln in cells]
        if len(cells) != (max(cols) - min(cols) + 1) * (max(lines) - min(lines) + 1):
            raise m["frames"].error(f"a sidebar's frames on page {page} must together form one rectangle of the "
                                    f"grid, so its border can go round them")
    return Story(f"{parent.id}-sidebar", None, None, None, blocks, head, tuple(frames), source,
                 box=m["box"].enum(BorderStyle) if "box" in m else BorderStyle.SINGLE, text_file=text_file,
                 heading=m["heading"].text(), sidebar_of=parent.id)


def _index_entries(node: Node, story_ids: set[str]) -> tuple[IndexEntry, ...]:
    """導讀: a box's lines, each a story of the issue and what to say of it (its page comes from the layout)."""
    entries = []
    for sub in node.sequence():
        em = sub.mapping(*keys("index entry"))
        story = em["story"].text()
        if story not in story_ids:
            raise em["story"].error(f"no story '{story}' in the issue; an index points to stories by their id "
                                    f"({', '.join(sorted(story_ids)) or 'none'})")
        entries.append(IndexEntry(story, em["text"].text().strip()))
    if not entries:
        raise node.error("an index lists at least one story")
    return tuple(entries)


def _frame(node: Node, t: Template, pages: set[int]) -> Frame:
    place, fm = _grid(node, t, pages, "frame")
    columns = fm["columns"].integer(1, place.span) if "columns" in fm else None
    excludes = []
    if "exclude" in fm:
        for ex in fm["exclude"].one_or_many():
            em = ex.mapping(*keys("exclude"))
            rect = GridRect(place.page, em["col"].integer(1, t.columns), em["span"].integer(1, t.columns),
                            em["line"].integer(1, t.lines), em["lines"].integer(1, t.lines))
            if not rect.cells() <= place.cells():
                raise ex.error(f"the excluded rectangle (columns {rect.col}–{rect.col + rect.span - 1}, lines "
                               f"{rect.line}–{rect.line + rect.lines - 1}) must lie inside its frame")
            if columns is not None:
                raise ex.error("a frame with its own 'columns' cannot also exclude a rectangle")
            excludes.append(rect)
    return Frame(place, fm["jump_head"].text() if "jump_head" in fm else None, columns, tuple(excludes))




def _box(node: Node, t: Template, pages: set[int], base: Files, story_ids: set[str] = frozenset()) -> Box:
    m = node.mapping(*keys("box"))
    place, _ = _grid(m["place"], t, pages)
    kind = m["kind"].enum(BoxKind)
    if kind is BoxKind.INDEX:
        if "entries" not in m or "text" in m or "file" in m:
            raise node.error("an index box (導讀) lists its stories as 'entries:' (story and text), no 'text:' or 'file:'")
        return Box(m["id"].text(), kind, "", place, m["sample"].boolean() if "sample" in m else False,
                   heading=m["heading"].text() if "heading" in m else None,
                   entries=_index_entries(m["entries"], set(story_ids)))
    for key in ("entries", "heading"):
        if key in m:
            raise m[key].error(f"'{key}' belongs to an index box (kind: index)")
    if ("text" in m) == ("file" in m):
        raise node.error("a box holds either 'text:' or a supplied PDF page ('file:'), one of them")
    path, number, box = None, 1, None
    if "file" in m:
        path = _resolve(base, m["file"], "supplied PDF")
        number = m["file_page"].integer(1, 9999) if "file_page" in m else 1
        box, problem = check_supplied_page(path, number)
        if problem:
            raise m["file"].error(f"supplied PDF '{m['file'].scalar()}' {problem}")
    elif "file_page" in m:
        raise m["file_page"].error("'file_page' chooses a page of a supplied PDF: give 'file:' too")
    return Box(m["id"].text(), m["kind"].enum(BoxKind), m["text"].text().strip() if "text" in m else "",
               place, m["sample"].boolean() if "sample" in m else False,
               colour(m["color"], t.printing.ink_limit) if "color" in m else None, path, number, box)


def _image_file(base: Files, node: Node) -> Path:
    """An image named in the issue: it must exist and Pillow must be able to read it."""
    from .photos import check_image

    path = _resolve(base, node, "image file")
    problem = check_image(path)
    if problem:
        raise node.error(f"image '{node.scalar()}': {problem}")
    return path




def photo_focus(m: dict[str, Node]) -> tuple[float, float]:
    """A photo's ``focus`` (the point kept in view when cropping), the centre where none is given."""
    if "focus" not in m:
        return (0.5, 0.5)
    values = m["focus"].sequence()
    if len(values) != 2:
        raise m["focus"].error("focus is [x, y], each from 0 (left, top) to 1 (right, bottom)")
    return (values[0].number(0, 1), values[1].number(0, 1))


def _photo(node: Node, t: Template, pages: set[int], base: Files) -> Photo:
    m = node.mapping(*keys("photo"))
    place, _ = _grid(m["place"], t, pages)
    focus = photo_focus(m)
    return Photo(m["id"].text(), _image_file(base, m["file"]), place,
                 m["caption"].text() if "caption" in m else None,
                 m["credit"].text() if "credit" in m else None, focus,
                 m["sample"].boolean() if "sample" in m else False)


def _paper(node: Node, base: Files) -> Paper:
    m = node.mapping(*keys("paper"))
    channels = []
    if "channels" in m:
        for sub in m["channels"].sequence():
            cm = sub.mapping(*keys("channel"))
            url = cm["url"].text()
            if len(url) > 500:
                raise cm["url"].error("a QR code URL must be under 500 characters")
            channels.append(Channel(cm["label"].text(), url))
    code = m["code"].text() if "code" in m else None
    if code is not None and not re.fullmatch(r"[A-Za-z0-9]{1,12}", code):
        raise m["code"].error(f"a paper's code is 1–12 letters or digits (it goes into file names), got '{code}'")
    return Paper(m["name"].text(), m["permit"].text() if "permit" in m else None,
                 m["url"].text() if "url" in m else None, tuple(channels),
                 _image_file(base, m["logo"]) if "logo" in m else None, code)


def _check_overlaps(placed: list[tuple[str, GridRect | Frame, Node]]) -> None:
    taken: dict[tuple[int, int, int], str] = {}
    for name, rect, node in placed:
        page = rect.place.page if isinstance(rect, Frame) else rect.page
        for col, line in sorted(rect.cells()):
            key = (page, col, line)
            if key in taken and taken[key] != name:
                raise node.error(f"{name} overlaps {taken[key]} on page {page} at column {col}, line {line}")
            taken[key] = name


def load_template_file(issue_dir: Path, node: Node) -> Template:
    name = node.text()
    if not re.fullmatch(r"[A-Za-z0-9_\-]+", name):
        raise node.error(f"template name '{name}' must be a plain name (letters, digits, - and _)")
    folder = issue_dir / "templates"
    path = folder / f"{name}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []
        raise node.error(f"unknown template '{name}' (looked for {path}); known templates: "
                         f"{', '.join(known) or 'none'}")
    return load_template(load_yaml(path, "template"), name)


def load_issue(path: Path | str, allow_outside: bool = False, root: Path | None = None) -> Issue:
    """Read and validate an issue file; every mistake is a LayoutError naming file, line and key.

    Files it names are resolved relative to its folder and must stay inside its project (see
    ``project_root``; ``root`` names it explicitly) unless ``allow_outside``."""
    path = Path(path)
    top = load_yaml(path, "issue file")
    m = top.mapping(*keys("issue file"))
    base = Files(path.resolve().parent, project_root(path, root), allow_outside)
    t = load_template_file(base.base, m["template"])
    paper = _paper(m["paper"], base)
    im = m["issue"].mapping(*keys("issue"))
    edition = im["edition"].text() if "edition" in im else None
    if edition is not None and not re.fullmatch(r"[A-Za-z0-9\-]{1,16}", edition):
        raise im["edition"].error(f"an edition is 1–16 letters, digits or - (it goes into file names), got '{edition}'")
    pages = []
    for sub in m["pages"].sequence():
        pm = sub.mapping(*keys("page"))
        pages.append(PageSpec(pm["number"].integer(1, 999), pm["section"].text(),
                              pm["editor"].text() if "editor" in pm else None))
    numbers = [p.number for p in pages]
    if not pages:
        raise m["pages"].error("an issue needs at least one page")
    if numbers != list(range(1, len(pages) + 1)):
        raise m["pages"].error(f"pages must be numbered 1, 2, 3 … in order; got {numbers}")
    page_set = set(numbers)
    placed: list[tuple[str, GridRect | Frame, Node]] = []
    seen: dict[str, int] = {}

    def unique(sub: Node, item_id: str, what: str) -> None:
        # Ids name output and proof labels: one id, one element, across stories, boxes and photos.
        if item_id in seen:
            raise sub.error(f"{what} id '{item_id}' is used twice (first at line {seen[item_id]})")
        seen[item_id] = sub.line

    stories = []
    for sub in (n.by_id() for n in m["stories"].sequence()):
        story = _story(sub, t, page_set, base)
        unique(sub, story.id, "story")
        stories.append(story)
        story_m = sub.mapping(*keys("story"))
        if story.head:
            placed.append((f"story '{story.id}' head", story.head, story_m["head"]))
        for k, (frame, fnode) in enumerate(zip(story.frames, story_m["frames"].sequence())):
            placed.append((f"story '{story.id}' frame {k + 1}", frame, fnode))
        if story.pull_quote:
            # Inside a frame it is one of the frame's excluded rectangles: nothing else may go there either.
            placed.append((f"story '{story.id}' pull quote", story.pull_quote.place, story_m["pull_quote"]))
        if "sidebar" in story_m:
            side_node = story_m["sidebar"]
            side = _sidebar(side_node, story, t, page_set, base)
            unique(side_node, side.id, "story")
            stories.append(side)
            placed.append((f"story '{side.id}' heading", side.head, side_node))
            for k, (frame, fnode) in enumerate(zip(side.frames, side_node.mapping(*keys("sidebar"))["frames"].sequence())):
                placed.append((f"story '{side.id}' frame {k + 1}", frame, fnode))
    boxes, photos = [], []
    for key, what, parse, found in (
            ("boxes", "box", lambda n: _box(n, t, page_set, base, {s.id for s in stories}), boxes),
            ("photos", "photo", lambda n: _photo(n, t, page_set, base), photos)):
        for sub in (n.by_id() for n in m[key].sequence()) if key in m else []:
            item = parse(sub)
            unique(sub, item.id, what)
            found.append(item)
            placed.append((f"{what} '{item.id}'", item.place, sub.mapping(*keys(what))["place"]))
    _check_overlaps(placed)
    issue = Issue(path, t, paper, im["number"].integer(1), im["total"].integer(1), im["date"].date(),
                  tuple(pages), tuple(stories), tuple(boxes), tuple(photos),
                  im["sample"].boolean() if "sample" in im else False, edition)
    editions = _editions(m["editions"]) if "editions" in m else t.editions
    # None listed: the issue prints in the script its source is written in (Simplified if it cannot tell).
    return replace(issue, editions=editions or (dominant_script(issue_texts(issue)) or HANS,))
