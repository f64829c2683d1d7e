"""A make-up plan (`layout makeup PLAN.yaml`): per page, the fixed elements and the stories to place.

A plan is read as an issue file is (issue/yamlnodes.py): every mistake is one line naming the plan's
file, line and key. Files it names (texts, photos) are relative to the plan's folder and must lie in
its project. The plan's ``paper:`` and ``issue:`` sections are an issue file's, checked with the same
keys, and copied into the issue the command writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path

import yaml

from ..base.errors import LayoutError
from ..issue.keys import keys
from ..issue.loader import Files, _editions, _resolve, load_template, parse_body, photo_focus, project_root
from ..issue.model import Block, BoxKind, GridRect, Template
from ..issue.yamlnodes import Node, load_yaml, read_text_file


class Priority(IntEnum):
    """A story's rank on its page: the lead, the seconds, the briefs (a lower value ranks higher)."""

    LEAD = 0
    SECOND = 1
    BRIEF = 2


PRIORITIES = {"lead": Priority.LEAD, "second": Priority.SECOND, "brief": Priority.BRIEF}

# The keys of a plan, by section (required, optional), as issue/keys.py gives them for an issue file.
PLAN_KEYS = {
    "plan": (("template", "paper", "issue", "pages"), ("editions",)),
    "page": (("number", "section"), ("editor", "stories", "boxes")),
    "story": (("id", "priority"), ("text", "body", "paragraphs", "kicker", "headline", "deck", "photo", "jump",
                                   "jump_head")),
    "photo": (("file",), ("aspect", "caption", "credit", "focus", "sample")),
    "box": (("id", "kind"), ("text", "place", "span", "lines", "sample")),
    "place": (("col", "span", "line", "lines"), ()),
}


@dataclass(frozen=True)
class PlanPhoto:
    file: Path
    written: str                     # the path as the plan gives it (relative to the plan's folder)
    aspect: float                    # width : height of the picture as it comes
    caption: str | None
    credit: str | None
    focus: tuple[float, float]
    sample: bool


@dataclass(frozen=True)
class PlanStory:
    id: str
    priority: Priority
    page: int
    blocks: tuple[Block, ...]
    text_file: Path | None           # None: an inline body
    body: str | None                 # the inline body as written
    paragraphs: tuple[int, int] | None
    kicker: str | None
    headline: str | None
    deck: str | None
    photo: PlanPhoto | None
    jump: int | None                 # the page the story may continue on
    jump_head: str | None            # 續題 over the continuation (default: the headline's first part)
    where: str                       # file:line of the story in the plan, for messages

    @property
    def chars(self) -> int:
        return sum(len(b.text) for b in self.blocks)


@dataclass(frozen=True)
class PlanBox:
    """A banner, notice or advertisement: at its ``place``, or (no place) placed by the engine with one
    of ``spans`` columns and between ``lines`` lines."""

    id: str
    kind: BoxKind
    text: str
    page: int
    place: GridRect | None
    spans: tuple[int, ...]
    lines: tuple[int, int]
    sample: bool


@dataclass(frozen=True)
class PlanPage:
    number: int
    section: str
    editor: str | None
    stories: tuple[PlanStory, ...]
    boxes: tuple[PlanBox, ...]


@dataclass(frozen=True)
class Plan:
    path: Path
    template_name: str
    template: Template
    paper: dict                      # the plan's paper: section as data (copied into the issue)
    issue: dict                      # the plan's issue: section as data
    pages: tuple[PlanPage, ...]
    project: Path
    editions: tuple[str, ...] = ()   # the plan's editions: (as an issue file's) instead of the template's

    def story(self, sid: str) -> PlanStory:
        return next(s for p in self.pages for s in p.stories if s.id == sid)


def templates_folder(plan_path: Path, project: Path) -> Path:
    """The templates an issue of this project reads: issues/templates/ (the plan's folder's own first)."""
    here = plan_path.resolve().parent / "templates"
    return here if here.is_dir() else project / "issues" / "templates"


def _mapping(node: Node, section: str) -> dict[str, Node]:
    return node.mapping(*PLAN_KEYS[section])


def load_plan(path: Path) -> Plan:
    path = Path(path)
    top = load_yaml(path, "make-up plan")
    m = _mapping(top, "plan")
    project = project_root(path)
    files = Files(path.resolve().parent, project)
    name = m["template"].text()
    if not re.fullmatch(r"[A-Za-z0-9_\-]+", name):
        raise m["template"].error(f"template name '{name}' must be a plain name (letters, digits, - and _)")
    folder = templates_folder(path, project)
    tpath = folder / f"{name}.yaml"
    if not tpath.is_file():
        known = sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []
        raise m["template"].error(f"unknown template '{name}' (looked for {tpath}); known: {', '.join(known) or 'none'}")
    t = load_template(load_yaml(tpath, "template"), name)
    # paper: and issue: are an issue file's sections: the same keys, checked here, copied as they are.
    pm = m["paper"].mapping(*keys("paper"))
    pm["name"].text()
    im = m["issue"].mapping(*keys("issue"))
    im["number"].integer(1), im["total"].integer(1), im["date"].date()
    raw = yaml.safe_load(read_text_file(path, "make-up plan"))
    paper = dict(raw["paper"])
    if "logo" in pm:
        paper["logo"] = str(_resolve(files, pm["logo"], "image file"))
    issue = {k: (str(v) if k == "date" else v) for k, v in raw["issue"].items()}

    pages: list[PlanPage] = []
    seen: dict[str, int] = {}
    page_nodes = m["pages"].sequence()
    numbers = [n.mapping(*PLAN_KEYS["page"])["number"].integer(1, 999) for n in page_nodes]
    if not page_nodes:
        raise m["pages"].error("a plan needs at least one page")
    if numbers != list(range(1, len(numbers) + 1)):
        raise m["pages"].error(f"pages must be numbered 1, 2, 3 … in order; got {numbers}")
    for node, number in zip(page_nodes, numbers):
        pg = _mapping(node, "page")
        stories, boxes = [], []
        for sub in (n.by_id() for n in pg["stories"].sequence()) if "stories" in pg else []:
            story = _plan_story(sub, number, numbers, files, t)
            _unique(sub, story.id, seen)
            stories.append(story)
        for sub in (n.by_id() for n in pg["boxes"].sequence()) if "boxes" in pg else []:
            box = _plan_box(sub, number, t)
            _unique(sub, box.id, seen)
            boxes.append(box)
        leads = [s for s in stories if s.priority is Priority.LEAD]
        if len(leads) > 1:
            raise pg["stories"].error(f"page {number} has {len(leads)} lead stories ({', '.join(s.id for s in leads)}); "
                                      f"a page has one lead")
        _check_fixed_overlaps(pg, boxes)
        pages.append(PlanPage(number, pg["section"].text(), pg["editor"].text() if "editor" in pg else None,
                              tuple(stories), tuple(boxes)))
    editions = _editions(m["editions"]) if "editions" in m else ()
    return Plan(path, name, t, paper, issue, tuple(pages), project, editions)


def _unique(node: Node, item_id: str, seen: dict[str, int]) -> None:
    if item_id in seen:
        raise node.error(f"id '{item_id}' is used twice (first at line {seen[item_id]})")
    seen[item_id] = node.line


def _plan_story(node: Node, page: int, pages: list[int], files: Files, t: Template) -> PlanStory:
    m = _mapping(node, "story")
    sid = m["id"].text()
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_\-]*", sid):
        raise m["id"].error(f"story id '{sid}' must be letters, digits, - and _ (it names files)")
    priority = PRIORITIES[m["priority"].choice(tuple(PRIORITIES))]
    if ("text" in m) == ("body" in m):
        raise node.error("give the story's text either inline as 'body:' or as a file with 'text:' (one of them)")
    text_file, body, paragraphs = None, None, None
    if "text" in m:
        text_file = _resolve(files, m["text"], "text file")
        blocks = parse_body(read_text_file(text_file, "story text"))
        if "paragraphs" in m:
            pm = m["paragraphs"].mapping(*keys("paragraphs"))
            first, last = pm["from"].integer(1, max(1, len(blocks))), pm["to"].integer(1, max(1, len(blocks)))
            if last < first:
                raise pm["to"].error(f"paragraph {last} comes before paragraph {first}")
            blocks, paragraphs = blocks[first - 1:last], (first, last)
    else:
        if "paragraphs" in m:
            raise m["paragraphs"].error("'paragraphs' selects from a text file: give 'text:' too")
        body = m["body"].text()
        blocks = parse_body(body)
    if not blocks:
        raise (m.get("text") or m["body"]).error("the story has no text")
    if "headline" not in m:
        raise node.error("a story the engine places needs a 'headline:' (its head is part of its module)")
    jump = None
    if "jump" in m:
        jump = m["jump"].integer(1)
        if jump not in pages:
            raise m["jump"].error(f"page {jump} is not in the plan's pages ({', '.join(map(str, pages))})")
        if jump <= page:
            raise m["jump"].error(f"a story jumps forward: page {jump} does not follow its own page {page}")
    photo = _plan_photo(m["photo"], files) if "photo" in m else None

    def text(key: str) -> str | None:
        return None if key not in m or m[key].is_null() else m[key].text()

    return PlanStory(sid, priority, page, blocks, text_file, body, paragraphs, text("kicker"), text("headline"),
                     text("deck"), photo, jump, text("jump_head"), f"{node.file}:{node.line}")


def _plan_photo(node: Node, files: Files) -> PlanPhoto:
    from ..issue.photos import check_image

    m = _mapping(node, "photo")
    path = _resolve(files, m["file"], "image file")
    problem = check_image(path)
    if problem:
        raise m["file"].error(f"image '{m['file'].scalar()}': {problem}")
    if "aspect" in m:
        aspect = _aspect(m["aspect"])
    else:
        from PIL import Image, ImageOps

        with Image.open(path) as im:
            w, h = ImageOps.exif_transpose(im).size
        aspect = w / h
    focus = photo_focus(m)
    return PlanPhoto(path, m["file"].scalar(), aspect, m["caption"].text() if "caption" in m else None,
                     m["credit"].text() if "credit" in m else None, focus,
                     m["sample"].boolean() if "sample" in m else False)


def _aspect(node: Node) -> float:
    """Width : height, as a number (1.5) or a ratio (3:2)."""
    value = node.scalar().strip()
    if ":" in value:
        a, _, b = value.partition(":")
        try:
            ratio = float(a) / float(b)
        except (ValueError, ZeroDivisionError):
            raise node.error(f"expected an aspect as width:height (3:2) or a number (1.5), got '{value}'") from None
    else:
        ratio = node.number(0.2, 5)
    if not 0.2 <= ratio <= 5:
        raise node.error(f"an aspect of {ratio:.2f} is out of range (0.2 to 5)")
    return ratio


def _plan_box(node: Node, page: int, t: Template) -> PlanBox:
    m = _mapping(node, "box")
    kind = m["kind"].enum(BoxKind)
    text = m["text"].text().strip() if "text" in m else ""
    if not text:
        raise node.error("a box the plan places needs its 'text:'")
    place = None
    if "place" in m:
        if "span" in m or "lines" in m:
            raise m["place"].error("a box is either placed ('place:') or sized for the engine to place "
                                   "('span:' and 'lines:'), not both")
        pm = _mapping(m["place"], "place")
        col, span = pm["col"].integer(1, t.columns), pm["span"].integer(1, t.columns)
        if col + span - 1 > t.columns:
            raise pm["span"].error(f"columns {col}–{col + span - 1} run past the page's {t.columns} columns")
        first = (t.masthead_lines if page == 1 else t.running_head_lines) + 1
        line, lines = pm["line"].integer(first, t.lines), pm["lines"].integer(1, t.lines)
        if line + lines - 1 > t.lines:
            raise pm["lines"].error(f"lines {line}–{line + lines - 1} run past the page's {t.lines} lines")
        place = GridRect(page, col, span, line, lines)
        spans, size = (span,), (lines, lines)
    else:
        if "span" not in m or "lines" not in m:
            raise node.error("a box without 'place:' is placed by the engine: give its 'span:' (columns, or a "
                             "list of them) and 'lines:' [least, most]")
        spans = tuple(sorted({s.integer(1, t.columns) for s in m["span"].one_or_many()}))
        bounds = m["lines"].sequence()
        if len(bounds) != 2:
            raise m["lines"].error("lines: [least, most] grid lines the box may take")
        low, high = bounds[0].integer(2, t.lines), bounds[1].integer(2, t.lines)
        if high < low:
            raise bounds[1].error(f"the most lines ({high}) is under the least ({low})")
        size = (low, high)
    return PlanBox(m["id"].text(), kind, text, page, place, spans, size,
                   m["sample"].boolean() if "sample" in m else False)


def _check_overlaps_of(boxes: list[PlanBox]) -> tuple[PlanBox, PlanBox] | None:
    for k, a in enumerate(boxes):
        for b in boxes[k + 1:]:
            if a.place and b.place and a.place.cells() & b.place.cells():
                return a, b
    return None


def _check_fixed_overlaps(page: dict[str, Node], boxes: list[PlanBox]) -> None:
    clash = _check_overlaps_of(boxes)
    if clash:
        raise page["boxes"].error(f"box '{clash[0].id}' overlaps box '{clash[1].id}'")


def plan_error(plan: Plan, message: str) -> LayoutError:
    return LayoutError(f"{plan.path}: {message}")
