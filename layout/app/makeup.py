"""`layout makeup PLAN.yaml -o ISSUE.yaml`: the engine proposes the pages.

The plan (makeup_plan.py) lists each page's fixed elements and the stories to place. Page by page,
in order, the search (makeup_search.py) cuts the page into modules whose heights the real composer
gives (makeup_fit.py); the cheapest arrangements are laid out by the engine, checked against the
newspaper rules (makeup_rules.py), and carried on to the next page (a story that jumps leaves the rest
of its text to the page it jumps to). The best ``proposals`` issues are written as issue files, each
laid out again from its file by the pipeline — no overset, no line left empty, no grid hole, every
rule kept — with the reasons for its choices in its comments and on the terminal.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from ..base.errors import LayoutError
from ..base.files import atomic_write_text
from ..compose.scripts import HANS, dominant_script
from ..fonts.faces import FontSet, default_fontset
from ..issue.editions import edition_issue
from ..issue.model import Box, Frame, GridRect, Issue, PageSpec, Paper, Photo, Story, issue_texts
from ..page.assemble import composer_for
from ..page.copyfit import paragraph_hints
from ..page.flow import flow_story
from .makeup_fit import EditionText, FrameShape, Measurer
from .makeup_plan import Plan, PlanPage, PlanStory, Priority, load_plan
from .makeup_rules import Roles, check_rules
from .makeup_search import (
    Module,
    PageProblem,
    Placed,
    box_modules,
    continuation_modules,
    story_modules,
)

PER_PAGE = 12        # a page's arrangements laid out by the engine, at most, for each issue carried on


@dataclass(frozen=True)
class IssueSoFar:
    """An issue made up to some page: its cost, each page's placements, the jumping stories' first frames."""

    cost: float
    pages: tuple[tuple[int, tuple[Placed, ...], float], ...] = ()
    homes: tuple[tuple[str, FrameShape], ...] = ()

    def home(self, sid: str) -> FrameShape | None:
        return dict(self.homes).get(sid)


@dataclass
class Proposal:
    rank: int
    cost: float
    path: Path
    issue: Issue
    reasons: list[str] = field(default_factory=list)
    page_costs: dict[int, float] = field(default_factory=dict)


@dataclass
class MakeupResult:
    plan: Plan
    proposals: list[Proposal]
    seconds: float
    composed: int            # paragraphs composed for the search


def output_paths(out: Path, count: int) -> list[Path]:
    if count == 1:
        return [out]
    return [out.with_name(f"{out.stem}-{k}{out.suffix}") for k in range(1, count + 1)]


def make_up(plan_path: Path, out: Path, proposals: int = 1, fonts: FontSet | None = None,
            write: bool = True) -> MakeupResult:
    started = time.perf_counter()
    plan = load_plan(plan_path)
    out = Path(out)
    templates = out.resolve().parent / "templates" / f"{plan.template_name}.yaml"
    if write and not templates.is_file():
        raise LayoutError(f"{out}: an issue file reads its template from the templates/ folder beside it; write "
                          f"the proposal into a folder that holds templates/{plan.template_name}.yaml (such as "
                          f"{plan.project / 'issues'})")
    fonts = fonts or default_fontset()
    t = plan.template
    editions = plan_editions(plan, fonts)
    composer = editions[0].composer
    measurer = Measurer(t, composer, editions)
    codes = tuple(ed.code for ed in editions)
    roles = plan_roles(plan)
    states = [IssueSoFar(0.0)]
    for page in plan.pages:
        carried: list[IssueSoFar] = []
        for state in states:
            problem = page_problem(plan, page, state, measurer)
            found = 0
            for cost, arrangement in problem.solve():
                if found >= max(PER_PAGE // max(1, len(states)), proposals):
                    break           # enough of this page for this issue; the rest cost more
                candidate = extend(state, page.number, arrangement, cost)
                issue = issue_model(plan, candidate, out, upto=page.number, editions=codes)
                if page_fails(issue, page, roles, editions, candidate):
                    continue
                carried.append(candidate)
                found += 1
        if not carried:
            raise LayoutError(diagnose(plan, page, states[0], measurer, composer))
        states = _distinct(sorted(carried, key=lambda s: s.cost), max(proposals * 2, 4))
    written: list[Proposal] = []
    paths = output_paths(out, proposals)
    for state in states:
        if len(written) == proposals:
            break
        path = paths[len(written)]
        issue = issue_model(plan, state, path, editions=codes)
        reasons = explain(plan, state, issue, composer)
        if write:
            atomic_write_text(path, issue_yaml(plan, issue, path, reasons, len(written) + 1, state.cost))
            problems = verify_file(path, roles, fonts)
            if problems:
                path.unlink(missing_ok=True)
                continue
        written.append(Proposal(len(written) + 1, state.cost, path, issue, reasons,
                                {n: c for n, _, c in state.pages}))
    if not written:
        raise LayoutError(f"{plan.path}: no proposal passed the engine's layout and the rules")
    return MakeupResult(plan, written, time.perf_counter() - started, measurer.composed)


def _distinct(states: list[IssueSoFar], keep: int) -> list[IssueSoFar]:
    out, seen = [], set()
    for s in states:
        sig = tuple((n, tuple(sorted((p.module.item, p.col, p.line, p.module.span, p.module.height,
                                       p.module.body_span) for p in arr))) for n, arr, _ in s.pages)
        if sig not in seen:
            seen.add(sig)
            out.append(s)
        if len(out) == keep:
            break
    return out


def plan_roles(plan: Plan) -> Roles:
    stories = [s for p in plan.pages for s in p.stories]
    return Roles({s.id: s.priority for s in stories}, {s.id: s.page for s in stories},
                 {s.id: s.jump for s in stories}, {photo_id(s): s.id for s in stories if s.photo})


def photo_id(story: PlanStory) -> str:
    return f"{story.id}-photo"


def source_issue(plan: Plan) -> Issue:
    """Every text the plan's issue prints, placed nowhere yet (each box and photo on a placeholder cell):
    the issue whose editions the make-up measures and checks."""
    t = plan.template
    stories, photos = [], []
    for page in plan.pages:
        for s in page.stories:
            stories.append(Story(s.id, s.kicker, s.headline, s.deck, s.blocks, None, (), s.where))
            if s.photo:
                photos.append(Photo(photo_id(s), s.photo.file, GridRect(page.number, 1, 1, 1, 1), s.photo.caption,
                                    s.photo.credit, s.photo.focus, s.photo.sample))
    boxes = [Box(b.id, b.kind, b.text, GridRect(p.number, 1, 1, 1, 1), b.sample) for p in plan.pages for b in p.boxes]
    paper = Paper(plan.paper["name"], plan.paper.get("permit"), plan.paper.get("url"))
    issue = plan.issue
    return Issue(plan.path, t, paper, int(issue["number"]), int(issue["total"]), dt.date.fromisoformat(issue["date"]),
                 tuple(PageSpec(p.number, p.section, p.editor) for p in plan.pages), tuple(stories), tuple(boxes),
                 tuple(photos), bool(issue.get("sample", False)))


def plan_editions(plan: Plan, fonts: FontSet) -> list[EditionText]:
    """Every edition the proposed issue prints — the plan's ``editions:``, else its template's, else the one
    its source is written in, as the issue file's loader decides — each with its template, its composer and
    the plan's stories converted to its script (issue/editions.py): each is measured and checked."""
    source = source_issue(plan)
    codes = plan.editions or plan.template.editions or (dominant_script(issue_texts(source)) or HANS,)
    source = replace(source, editions=codes)
    out = []
    for code in codes:
        converted = edition_issue(source, code)
        photos = {p.id: p for p in converted.photos}
        stories = {}
        for s, c in zip((s for p in plan.pages for s in p.stories), converted.stories):
            photo = s.photo and replace(s.photo, caption=photos[photo_id(s)].caption,
                                        credit=photos[photo_id(s)].credit)
            stories[s.id] = replace(s, blocks=c.blocks, kicker=c.kicker, headline=c.headline, deck=c.deck,
                                    photo=photo)
        out.append(EditionText(code, converted.template, composer_for(converted.template, fonts), stories))
    return out


def page_problem(plan: Plan, page: PlanPage, state: IssueSoFar, measurer: Measurer, relaxed: bool = False) -> PageProblem:
    t = plan.template
    top = (t.masthead_lines if page.number == 1 else t.running_head_lines) + 1
    modules: dict[str, dict[int, dict[int, Module]]] = {}
    lead, l_bodies = None, None
    for story in page.stories:
        mods, bodies = story_modules(story, measurer, t.columns, story.jump is not None or relaxed,
                                     overset_ok=relaxed and story.jump is None)
        modules[story.id] = mods
        if story.priority is Priority.LEAD:
            lead, l_bodies = story.id, bodies
    _keep_order(page, modules)
    for box in page.boxes:
        if box.place is None:
            modules[box.id] = box_modules(box, top, t.lines)
    for story in (s for p in plan.pages for s in p.stories if s.jump == page.number):
        home = state.home(story.id)
        if home is not None:
            modules["cont:" + story.id] = continuation_modules(story, home, measurer, t.columns)
    fixed = tuple(b for b in page.boxes if b.place is not None)
    return PageProblem(page, t.columns, top, t.lines, modules, fixed, lead, l_bodies)


def extend(state: IssueSoFar, page: int, arrangement: tuple[Placed, ...], cost: float) -> IssueSoFar:
    homes = dict(state.homes)
    for p in arrangement:
        if p.module.kind == "story" and p.module.body and p.module.body.continues:
            homes[p.module.item] = p.module.body.frame
    return IssueSoFar(state.cost + cost, state.pages + ((page, arrangement, cost),), tuple(sorted(homes.items())))


# --- the issue proposed ------------------------------------------------------------------------

def jump_head_text(story: PlanStory, span: int, plan: Plan) -> str:
    """The 續題: the plan's, else the headline's first part, cut to what one line of the frame holds."""
    text = story.jump_head or story.headline.replace("\u3000", " ").split()[0]
    t = plan.template
    fits = int(plan.template.rect(GridRect(1, 1, span, 1, 1)).w // min(t.styles["kicker"].size, 2 * t.pitch * 0.6))
    return text[:max(2, fits)].rstrip("，、：；。")


def issue_model(plan: Plan, state: IssueSoFar, path: Path, upto: int | None = None,
                editions: tuple[str, ...] = ()) -> Issue:
    """The issue the placements describe, as the model the engine lays out (``upto``: its first pages),
    printed in ``editions`` (plan_editions; none: the model's default)."""
    t = plan.template
    stories: dict[str, Story] = {}
    photos: list[Photo] = []
    boxes: list[Box] = []
    by_id = {s.id: s for p in plan.pages for s in p.stories}
    for number, arrangement, _ in state.pages:
        page = plan.pages[number - 1]
        for box in page.boxes:
            if box.place is not None:
                boxes.append(Box(box.id, box.kind, box.text, box.place, box.sample))
        for placed in arrangement:
            m, col, line = placed.module, placed.col, placed.line
            if m.kind == "box":
                box = next(b for b in page.boxes if b.id == m.item)
                boxes.append(Box(box.id, box.kind, box.text, GridRect(number, col, m.span, line, m.height),
                                 box.sample))
            elif m.kind == "story":
                story = by_id[m.item]
                head = GridRect(number, col, m.span, line, m.head.lines)
                body_top = line + m.head.lines
                body, width = m.body, m.body_span or m.span
                frame_line = body_top + body.frame_top
                place = GridRect(number, col, width, frame_line, body.frame.lines)
                exclude = ()
                if body.frame.exclude:
                    first, k, n = body.frame.exclude
                    exclude = (GridRect(number, col + first, k, frame_line, n),)
                if body.photo:
                    dc, span, dl, n = body.photo
                    ph = story.photo
                    photos.append(Photo(photo_id(story), ph.file, GridRect(number, col + dc, span, body_top + dl, n),
                                        ph.caption, ph.credit, ph.focus, ph.sample))
                stories[story.id] = Story(story.id, story.kicker, story.headline, story.deck, story.blocks, head,
                                          (Frame(place, None, None, exclude),), story.where, True, None,
                                          m.head.fit, story.text_file)
            elif m.kind == "cont":
                sid = m.item.removeprefix("cont:")
                story, model = by_id[sid], stories[sid]
                frame = Frame(GridRect(number, col, m.span, line, m.height), jump_head_text(story, m.span, plan))
                stories[sid] = replace(model, frames=model.frames + (frame,))
    pages = tuple(PageSpec(p.number, p.section, p.editor) for p in plan.pages
                  if upto is None or p.number <= upto)
    paper = Paper(plan.paper["name"], plan.paper.get("permit"), plan.paper.get("url"))
    issue = plan.issue
    made = Issue(path, t, paper, int(issue["number"]), int(issue["total"]), dt.date.fromisoformat(issue["date"]),
                 pages, tuple(stories.values()), tuple(boxes), tuple(photos), bool(issue.get("sample", False)))
    return replace(made, editions=editions) if editions else made


def page_fails(issue: Issue, page: PlanPage, roles: Roles, editions: list[EditionText],
               state: IssueSoFar) -> list[str]:
    """What is wrong with the page as the engine lays it out, in any edition the issue prints: a story of
    it (complete on it) that does not fit exactly, or a rule broken (reading order is checked on the whole
    issue's layout at the end)."""
    problems = []
    for ed in editions:
        printed = edition_issue(issue, ed.code) if ed.code else issue
        t, composer = printed.template, ed.composer
        said = f"edition {ed.code}: " if len(editions) > 1 else ""
        for story in printed.stories:
            pages = {f.place.page for f in story.frames}
            if page.number not in pages:
                continue
            if state.home(story.id) is not None and story.frames[-1].place.page == page.number \
                    and len(story.frames) == 1:
                continue          # its first part, going on to a later page: checked there
            flow = flow_story(story, t, composer)
            if flow.overset is not None or flow.underset_lines:
                problems.append(f"{said}story '{story.id}' does not fit exactly")
        problems += [said + str(v) for v in check_rules(printed, roles, composer) if v.page == page.number]
        if problems:
            break
    return problems


def verify_file(path: Path, roles: Roles, fonts: FontSet) -> list[str]:
    """The proposal laid out from its file by the pipeline in every edition it prints, as `layout check`
    and `layout render` do: no overset, no line empty, no grid hole, every rule — in each edition."""
    from .pipeline import build_layouts, overset_message

    problems = []
    layouts = build_layouts(path, fonts)
    for layout in layouts:
        said = f"edition {layout.issue.script.code}: " if len(layouts) > 1 else ""
        message = overset_message(layout)
        if message:
            problems.append(message)
        problems += [f"{said}story '{f.story.id}': {f.underset_lines} lines empty" for f in layout.flows
                     if f.underset_lines]
        problems += [said + w for w in layout.grid_warnings if "covered by no element" in w or "is empty" in w]
        composer = composer_for(layout.issue.template, fonts)
        problems += [said + str(v) for v in check_rules(layout.issue, roles, composer, layout)]
    return problems


def _rel(target: Path, folder: Path) -> str:
    return Path(os.path.relpath(target, folder.resolve())).as_posix()


def _grid_dict(r: GridRect) -> dict:
    return {"page": r.page, "col": r.col, "span": r.span, "line": r.line, "lines": r.lines}


class _Flow(dict):
    """A mapping written in YAML's flow style ({page: 1, col: 2, …})."""


class _FlowList(list):
    """A list written in YAML's flow style ([0.5, 0.4])."""


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper with the issue file's own look: places and focus on one line, texts of
    several lines as literal blocks."""


_Dumper.add_representer(_Flow, lambda d, data: d.represent_mapping("tag:yaml.org,2002:map", data.items(),
                                                                   flow_style=True))
_Dumper.add_representer(_FlowList, lambda d, data: d.represent_sequence("tag:yaml.org,2002:seq", data,
                                                                        flow_style=True))
_Dumper.add_representer(str, lambda d, data: d.represent_scalar("tag:yaml.org,2002:str", data,
                                                                style="|" if "\n" in data else None))


def issue_yaml(plan: Plan, issue: Issue, path: Path, reasons: list[str], rank: int, cost: float) -> str:
    folder = path.resolve().parent
    by_id = {s.id: s for p in plan.pages for s in p.stories}
    paper = dict(plan.paper)
    if "logo" in paper:
        paper["logo"] = _rel(Path(paper["logo"]), folder)
    numbers = _Flow(plan.issue)
    numbers["date"] = dt.date.fromisoformat(plan.issue["date"])
    data: dict = {"template": plan.template_name, "paper": paper, "issue": numbers,
                  **({"editions": _FlowList(plan.editions)} if plan.editions else {}),
                  "pages": [_Flow({k: v for k, v in (("number", p.number), ("section", p.section),
                                                     ("editor", p.editor)) if v is not None}) for p in issue.pages],
                  "stories": [], "photos": [], "boxes": []}
    for story in issue.stories:
        src = by_id[story.id]
        entry: dict = {"id": story.id}
        for key in ("kicker", "headline", "deck"):
            if getattr(story, key):
                entry[key] = getattr(story, key)
        if story.fit_headline:
            entry["fit_headline"] = True
        if src.text_file is not None:
            entry["text"] = _rel(src.text_file, folder)
            if src.paragraphs:
                entry["paragraphs"] = _Flow({"from": src.paragraphs[0], "to": src.paragraphs[1]})
        else:
            entry["body"] = src.body
        entry["balance"] = True
        entry["head"] = _Flow(_grid_dict(story.head))
        frames = []
        for frame in story.frames:
            f = _Flow(_grid_dict(frame.place))
            if frame.jump_head:
                f["jump_head"] = frame.jump_head
            if frame.exclude:
                f["exclude"] = _Flow({k: v for k, v in _grid_dict(frame.exclude[0]).items() if k != "page"})
            frames.append(f)
        entry["frames"] = frames
        data["stories"].append(entry)
    for photo in issue.photos:
        entry = {"id": photo.id, "file": _rel(photo.file, folder), "place": _Flow(_grid_dict(photo.place)),
                 "focus": _FlowList(photo.focus)}
        for key in ("caption", "credit"):
            if getattr(photo, key):
                entry[key] = getattr(photo, key)
        if photo.sample:
            entry["sample"] = True
        data["photos"].append(entry)
    for box in sorted(issue.boxes, key=lambda b: (b.place.page, b.place.line, b.place.col)):
        entry = {"id": box.id, "kind": box.kind.value}
        if box.sample:
            entry["sample"] = True
        entry["text"] = box.text + ("\n" if "\n" in box.text else "")
        entry["place"] = _Flow(_grid_dict(box.place))
        data["boxes"].append(entry)
    if not data["photos"]:
        del data["photos"]
    if not data["boxes"]:
        del data["boxes"]
    head = [f"# Proposed by `layout makeup` from {_rel(plan.path.resolve(), folder)}: proposal {rank}, "
            f"cost {cost:.2f} (lower is better).",
            "# Edit it as any issue file; `layout makeup` does not read it back.", "#"]
    head += [f"# {line}" for line in reasons]
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120, default_flow_style=False)
    return "\n".join(head) + "\n" + body


# --- why --------------------------------------------------------------------------------------

def explain(plan: Plan, state: IssueSoFar, issue: Issue, composer) -> list[str]:
    """Why the proposal is what it is, a line a module."""
    from .makeup_rules import headline_size

    out = []
    stories = {s.id: s for s in issue.stories}
    by_id = {s.id: s for p in plan.pages for s in p.stories}
    for number, arrangement, cost in state.pages:
        out.append(f"page {number} (cost {cost:.2f}):")
        for placed in sorted(arrangement, key=lambda p: (p.line, p.col)):
            m = placed.module
            where = f"columns {placed.col}–{placed.col + m.span - 1}, lines {placed.line}–{placed.bottom}"
            if m.kind == "story":
                src, model = by_id[m.item], stories[m.item]
                size = headline_size(model, issue, composer)
                text = f"{src.priority.name.lower()} '{m.item}': {where}; head {m.head.lines} lines, headline " \
                       f"{size:.1f} pt"
                frame = model.frames[0].place
                text += f"; text {frame.span} × {frame.lines} lines"
                if m.body_span:
                    text += " under the head's left part (an L)"
                if m.body.photo:
                    ph = [p for p in issue.photos if p.id == photo_id(src)][0].place
                    crop = 1 - math.exp(-m.body.crop)
                    text += f"; photo {ph.span} columns × {ph.lines} lines (" + (
                        f"cropped {crop:.0%})" if crop > 0.005 else "uncropped)")
                if m.body.continues:
                    text += f"; continues on page {src.jump}"
                out.append("  " + text)
            elif m.kind == "cont":
                out.append(f"  continuation of '{m.item.removeprefix('cont:')}': {where}, under its jump head")
            elif m.kind == "box":
                out.append(f"  box '{m.item}': {where} (sized to fill)")
        for box in plan.pages[number - 1].boxes:
            if box.place is not None:
                p = box.place
                out.append(f"  box '{box.id}' fixed: columns {p.col}–{p.col + p.span - 1}, lines {p.line}–"
                           f"{p.line + p.lines - 1}")
    return out


# --- when nothing fits ------------------------------------------------------------------------

def diagnose(plan: Plan, page: PlanPage, state: IssueSoFar, measurer: Measurer, composer) -> str:
    """Why a page has no proposal: the story too long for it, by how many characters and where to cut
    (found by letting stories overrun and laying out the best such page), or what would fill it."""
    where = f"{plan.path}: page {page.number}"
    relaxed = page_problem(plan, page, state, measurer, relaxed=True)
    t = plan.template
    for cost, arrangement in relaxed.solve()[:PER_PAGE]:
        candidate = extend(state, page.number, arrangement, cost)
        issue = issue_model(plan, candidate, plan.path, upto=page.number)
        over = []
        for story in issue.stories:
            if story.frames[-1].place.page != page.number or plan.story(story.id).jump is not None:
                continue
            flow = flow_story(story, t, composer)
            if flow.overset is not None:
                hints = paragraph_hints(flow, t, composer)
                said = "; ".join(f"{'{緊}' if h.kind.value == 'tighten' else f'cut {h.chars}'} ¶{h.paragraph} 「{h.text[:8]}」"
                                 for h in hints[:4])
                over.append(f"story '{story.id}' is {flow.overset.chars} characters ({flow.overset.lines} lines) "
                            f"too long for page {page.number} in its best place ({story.frames[0].place.span} columns): "
                            f"cut from 「{flow.overset.first_sentence}」" + (f"; a line each: {said}" if said else ""))
        if over:
            return f"{where}: nothing fits exactly: " + "; ".join(over)
    first = t.masthead_lines if page.number == 1 else t.running_head_lines
    cells = t.columns * (t.lines - first)
    fixed = sum(b.place.span * b.place.lines for b in page.boxes if b.place)
    need = 0
    for story in page.stories:
        blocks = measurer.block_lines(story)
        need += sum(c for c, _ in blocks)
    return (f"{where}: its stories and boxes cannot fill the page exactly ({cells - fixed} cells free, the "
            f"stories' text takes about {need}): add a story, a photo, or a box the engine may size "
            f"(span: and lines:), or lengthen or shorten a story")


def proposals_sheet(result: MakeupResult, target: Path, proof_root: Path, dpi: float = 40.0) -> tuple[Path, list[Path]]:
    """Each proposal proofed (`layout proof`, into ``proof_root``/<its file's name>/) and one contact sheet
    of them all, a row a proposal, its pages side by side — for an editor to pick one."""
    from .pipeline import proof
    from .previews import contact_sheet

    pngs, folders = [], []
    pages = len(result.plan.pages)
    for p in result.proposals:
        made = proof(p.path, proof_root / p.path.stem, dpi=dpi)
        folders.append(made.sheet.parent)
        pngs += list(made.pngs[:pages])
    return contact_sheet(pngs, target, columns=pages, thumb_width=300), folders


def _keep_order(page: PlanPage, modules: dict[str, dict[int, dict[int, Module]]]) -> None:
    """Headline sizes in the order of priority, before the search: a story's heads smaller than the
    smallest a story of lower priority can have are dropped (where it keeps any), so that every page
    the search finds can keep the order."""
    def sizes(sid: str) -> list[float]:
        return [m.head.size for by in modules[sid].values() for m in by.values() if m.head]

    def keep(sid: str, ok) -> None:
        kept = {span: {h: m for h, m in by.items() if m.head and ok(m.head.size)}
                for span, by in modules[sid].items()}
        if any(kept.values()):
            modules[sid] = kept

    # A brief no larger than the smallest any second can be at its largest; then every story at least
    # as large as the largest of the least sizes of the stories below it.
    seconds = [s.id for s in page.stories if s.priority is Priority.SECOND and sizes(s.id)]
    if seconds:
        cap = min(max(sizes(sid)) for sid in seconds)
        for story in page.stories:
            if story.priority is Priority.BRIEF:
                keep(story.id, lambda size: size <= cap + 0.05)
    for rank in (Priority.BRIEF, Priority.SECOND):
        lower = [s.id for s in page.stories if s.priority is rank and sizes(s.id)]
        if not lower:
            continue
        floor = max(min(sizes(sid)) for sid in lower)
        for story in page.stories:
            if story.priority < rank:
                keep(story.id, lambda size: size >= floor - 0.05)
