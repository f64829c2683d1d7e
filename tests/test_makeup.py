"""`layout makeup`: the engine proposes pages from a plan. Proposals for the plans in issues/plans/
lay out with every story fitting exactly and no grid hole, keep every newspaper rule and pass
preflight; the rule checks fail on pages made to break them; the fill simulation agrees with the
engine's flow; plan mistakes are one line; a story too long for its page is named with its cut."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from layout.app.makeup import make_up, plan_roles
from layout.app.makeup_fit import FrameShape, Measurer, simulate
from layout.app.makeup_plan import Priority, load_plan
from layout.app.makeup_rules import MAKEUP_RULES, Roles, check_rules
from layout.app.pipeline import build_layout, render
from layout.base.errors import LayoutError
from layout.fonts.faces import default_fontset
from layout.issue.loader import load_issue
from layout.issue.model import Frame, GridRect, Story
from layout.page.assemble import composer_for
from layout.page.flow import flow_story

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A copy of the project's issues/ tree (templates, texts, plans) without the issue files, so the
    proposals written into it are never taken for sample issues."""
    root = tmp_path_factory.mktemp("makeup")
    shutil.copytree(ROOT / "issues", root / "issues", ignore=lambda d, names: [
        n for n in names if n.endswith(".yaml") and Path(d).name == "issues"])
    return root


@pytest.fixture(scope="module")
def fonts():
    return default_fontset()


def _proposals(project: Path, plan: str, count: int, fonts):
    return make_up(project / "issues" / "plans" / plan, project / "issues" / f"{Path(plan).stem}-proposal.yaml",
                   count, fonts)


@pytest.mark.parametrize("plan, count", [("1650-front.yaml", 3), ("1641.yaml", 2), ("1642.yaml", 2)])
def test_proposals_fit_exactly_and_keep_every_rule(project, fonts, plan, count):
    result = _proposals(project, plan, count, fonts)
    assert len(result.proposals) == count
    roles = plan_roles(result.plan)
    shapes = set()
    for proposal in result.proposals:
        layout = build_layout(proposal.path, fonts)
        assert all(f.overset is None for f in layout.flows)
        assert all(f.underset_lines == 0 for f in layout.flows)
        holes = [w for w in layout.grid_warnings if "covered by no element" in w or "is empty" in w]
        assert holes == []
        composer = composer_for(layout.issue.template, fonts)
        assert check_rules(layout.issue, roles, composer, layout) == []
        # Every story and box of the plan is placed, each once.
        placed = {s.id for s in layout.issue.stories} | {b.id for b in layout.issue.boxes}
        wanted = {s.id for p in result.plan.pages for s in p.stories} | {b.id for p in result.plan.pages
                                                                          for b in p.boxes}
        assert placed == wanted
        photos = {p.id for p in layout.issue.photos}
        assert photos == {f"{s.id}-photo" for p in result.plan.pages for s in p.stories if s.photo}
        shapes.add((tuple(sorted((s.id, s.head, s.frames) for s in layout.issue.stories)),
                    tuple(sorted((b.id, b.place) for b in layout.issue.boxes)),
                    tuple(sorted((p.id, p.place) for p in layout.issue.photos))))
        assert proposal.reasons and proposal.reasons[0].startswith("page 1")
    assert len(shapes) == count, "the proposals are distinct layouts"


def test_a_proposal_renders_and_passes_preflight(project, fonts, tmp_path):
    result = _proposals(project, "1650-front.yaml", 1, fonts)
    rendered = render(result.proposals[0].path, tmp_path / "out", fonts)
    assert len(rendered.files) == 3     # two pages and the issue (render preflights every file)
    report = (tmp_path / "out" / "preflight.txt").read_text(encoding="utf-8")
    assert "error" not in report.lower().replace("errors: 0", "")


def test_the_lead_is_on_top_widest_and_largest(project, fonts):
    result = _proposals(project, "1650-front.yaml", 1, fonts)
    issue = load_issue(result.proposals[0].path)
    lead = next(s for s in issue.stories if s.id == "study-session")
    assert lead.head.line == issue.template.masthead_lines + 1
    assert lead.head.span == max(s.head.span for s in issue.stories)


# --- the rule checks fail where a rule is broken ------------------------------------------------

def _hand_made(project: Path):
    """The proposal for 1650's front page, to be broken one rule at a time."""
    result = make_up(project / "issues" / "plans" / "1650-front.yaml", project / "issues" / "hand.yaml", 1)
    issue = load_issue(result.proposals[0].path)
    return issue, plan_roles(result.plan)


def _story(issue, sid):
    return next(s for s in issue.stories if s.id == sid)


def _with(issue, story):
    return replace(issue, stories=tuple(story if s.id == story.id else s for s in issue.stories))


def _rules(issue, roles, fonts):
    return {v.rule for v in check_rules(issue, roles, composer_for(issue.template, fonts))}


def test_the_printed_front_page_tombstones(fonts):
    """The front page of 1650 as printed sets two heads side by side (lines 29–34): the check says so."""
    issue = load_issue(ROOT / "issues" / "1650.yaml")
    roles = Roles({"study-session": Priority.LEAD, "government-meeting": Priority.SECOND,
                   "community-spaces": Priority.SECOND},
                  {"study-session": 1, "government-meeting": 1, "community-spaces": 1},
                  {"study-session": 2, "government-meeting": None, "community-spaces": None})
    found = check_rules(issue, roles, composer_for(issue.template, fonts))
    assert [v.rule for v in found] == ["tombstone"]
    assert "government-meeting" in found[0].message and "community-spaces" in found[0].message


def test_each_rule_fails_on_a_page_that_breaks_it(project, fonts):
    issue, roles = _hand_made(project)
    assert _rules(issue, roles, fonts) == set()
    lead = _story(issue, "study-session")
    owns_photo = {roles.photo_owner[p.id] for p in issue.photos}
    other = next(s for s in issue.stories if s.id != lead.id and s.id not in owns_photo)
    with_photo = next(s for s in issue.stories if s.id in owns_photo)

    # modular: the frame three lines away from its head; narrower than its head and off both its edges.
    f = other.frames[0]
    apart = replace(other, frames=(replace(f, place=replace(f.place, line=f.place.line + 3,
                                                             lines=f.place.lines - 3)),))
    assert "modular" in _rules(_with(issue, apart), roles, fonts)
    if f.place.span >= 3:
        inner = replace(other, frames=(replace(f, place=replace(f.place, col=f.place.col + 1,
                                                                 span=f.place.span - 2)),))
        assert "modular" in _rules(_with(issue, inner), roles, fonts)
    narrower = replace(other, frames=(replace(f, place=replace(f.place, col=f.place.col + 1,
                                                                span=f.place.span - 1)),))
    assert "modular" not in _rules(_with(issue, narrower), roles, fonts)    # an L the paper allows

    # lead: its head one line lower; another story said to be wider.
    low = replace(lead, head=replace(lead.head, line=lead.head.line + 1))
    assert "lead" in _rules(_with(issue, low), roles, fonts)

    # headline-order: the lead made a brief, so a second outranks it with a smaller headline.
    demoted = Roles({**roles.priority, lead.id: Priority.BRIEF}, roles.home, roles.jump, roles.photo_owner)
    assert "headline-order" in _rules(issue, demoted, fonts)

    # tombstone: two heads on the same line.
    heads = [s for s in issue.stories if s.id != lead.id]
    a, b = heads[0], heads[1]
    level = replace(b, head=replace(b.head, line=a.head.line))
    assert "tombstone" in _rules(_with(issue, level), roles, fonts)

    # head-under-photo: a head starting on the line under another story's photo.
    photo = issue.photos[0]
    under = replace(other, head=replace(other.head, col=photo.place.col,
                                        line=photo.place.line + photo.place.lines + 1))
    assert "head-under-photo" in _rules(_with(issue, under), roles, fonts)

    # reading-order: a chain whose second frame is left of and above its first.
    f = other.frames[0]
    lower = replace(f.place, line=f.place.line + 3, lines=f.place.lines - 3)
    back = replace(other, frames=(replace(f, place=lower), Frame(replace(f.place, lines=2))))
    assert "reading-order" in _rules(_with(issue, back), roles, fonts)

    # photo-with-story: the photo moved into another story's text, or to another page.
    inside_other = replace(photo, place=replace(other.frames[0].place, lines=6))
    assert "photo-with-story" in _rules(replace(issue, photos=(inside_other,)), roles, fonts)
    elsewhere = replace(photo, place=GridRect(2, 1, 2, 4, 16))
    assert "photo-with-story" in _rules(replace(issue, photos=(elsewhere,)), roles, fonts)
    assert with_photo.id == roles.photo_owner[photo.id]

    # jumps: a frame on page 2 for a story the plan keeps on page 1.
    jumped = replace(other, frames=other.frames + (Frame(GridRect(2, 1, 2, 4, 10), "續"),))
    assert "jumps" in _rules(_with(issue, jumped), roles, fonts)

    # head-fits: a head given one line fewer than its block needs draws past its rectangle onto its text.
    tight = replace(other, head=replace(other.head, lines=2), fit_headline=False,
                    frames=(replace(other.frames[0], place=replace(other.frames[0].place,
                                                                   line=other.head.line + 2)),))
    found = [v for v in check_rules(_with(issue, tight), roles, composer_for(issue.template, fonts))
             if v.rule == "head-fits"]
    assert found and f"the head of '{other.id}'" in found[0].message and "its own text" in found[0].message

    # text-start: the photo moved over the first columns of its story's text (where the text begins).
    f = with_photo.frames[0]
    left = replace(photo, place=replace(photo.place, col=f.place.col, line=f.place.line, span=1))
    ex = GridRect(1, f.place.col, 1, f.place.line, photo.place.lines + 1)
    round_left = replace(with_photo, frames=(replace(f, exclude=(ex,)),))
    bad = replace(_with(issue, round_left), photos=tuple(left if p.id == photo.id else p for p in issue.photos))
    assert "text-start" in _rules(bad, roles, fonts)
    assert set(MAKEUP_RULES) == {"modular", "lead", "headline-order", "tombstone", "head-under-photo", "reading-order",
                                 "photo-with-story", "jumps", "head-fits", "text-start"}


def _one_story_issue(story: Story, photos=()):
    """A one-page issue of the plans' template holding ``story`` (for hand-worked rule checks)."""
    import datetime as dt

    from layout.issue.model import Issue, PageSpec, Paper

    t = load_plan(ROOT / "issues" / "plans" / "1650-front.yaml").template
    return Issue(ROOT / "issues" / "x.yaml", t, Paper("報", None, None), 1, 1, dt.date(2021, 1, 4), (PageSpec(1, "要聞", None),),
                 (story,), (), tuple(photos))


def test_a_head_too_tall_for_its_rectangle_breaks_head_fits(test_fonts):
    """On the test font, 會議精神 at the headline's 30 pt takes one line of 4 em (120 pt, in 6 columns)
    and a block of 1.2 × 30 = 36 pt. A head of 2 grid lines (28 pt) is 8 pt short: the block, set from
    the rectangle's top, draws 8.0 pt past its foot onto the text under it. In 3 lines (42 pt) it is
    centred with 3 pt above and below: it fits."""
    roles = Roles({"a": Priority.LEAD}, {"a": 1}, {"a": None})
    composer = composer_for(load_plan(ROOT / "issues" / "plans" / "1650-front.yaml").template, test_fonts)
    blocks = load_plan(ROOT / "issues" / "plans" / "1650-front.yaml").pages[0].stories[0].blocks
    for lines, over in ((2, 8.0), (3, None)):
        story = Story("a", None, "會議精神", None, blocks, GridRect(1, 1, 6, 13, lines),
                      (Frame(GridRect(1, 1, 6, 13 + lines, 30)),), "test")
        found = [v for v in check_rules(_one_story_issue(story), roles, composer) if v.rule == "head-fits"]
        if over is None:
            assert found == []
        else:
            assert len(found) == 1 and f"draws {over:.1f} pt past its rectangle" in found[0].message
            assert "its own text" in found[0].message


def test_no_head_is_proposed_that_touches_what_lies_under_it(project, fonts):
    """1650's community-spaces in 6 columns was proposed with a head of 2 grid lines (28 pt) and its
    headline grown to 25.9 pt: a block of 0.1 + 1 + 0.1 em = 31.1 pt, its em box 0.5 pt past the head's
    foot, touching the photo under it. In every proposal each head's lines, with the head's own leading
    (0.1 em) under the last one, lie inside its rectangle."""
    from layout.page.furniture import HEAD_LINE_TOP, headline_block
    from layout.page.grid import EM_TOP
    from layout.page.items import TextRun

    result = _proposals(project, "1650-front.yaml", 3, fonts)
    for proposal in result.proposals:
        layout = build_layout(proposal.path, fonts)
        t = layout.issue.template
        composer = composer_for(t, fonts)
        for story in layout.issue.stories:
            rect = t.rect(story.head)
            runs = [i for i in headline_block(story, rect, t, composer) if isinstance(i, TextRun)]
            foot = max(r.baseline + (1 - EM_TOP + HEAD_LINE_TOP) * r.size for r in runs)
            top = min(r.baseline - (EM_TOP + HEAD_LINE_TOP) * r.size for r in runs)
            assert top >= rect.y - 0.05 and foot <= rect.bottom + 0.05, (proposal.path.name, story.id, foot - rect.bottom)


def test_a_storys_text_starts_under_its_head_at_the_top_left(project, fonts):
    """A story's photo goes across the top of its text or over its last columns, never over the first
    column where the text begins, and no column under a photo is shorter than 5 lines: on 1650's front
    page the first proposal put community-spaces' photo over columns 1–3 with three 3-line legs under it."""
    result = _proposals(project, "1650-front.yaml", 3, fonts)
    for proposal in result.proposals:
        issue = load_issue(proposal.path)
        for photo in issue.photos:
            story = _story(issue, result.plan.story(photo.id.removesuffix("-photo")).id)
            frame = story.frames[0]
            assert (frame.place.col, frame.place.line) not in photo.place.cells()
            assert frame.place.line == story.head.line + story.head.lines or \
                frame.place.line == photo.place.line + photo.place.lines + 1
            for ex in frame.exclude:
                assert ex.col + ex.span == frame.place.col + frame.place.span      # over the last columns
                assert frame.place.line + frame.place.lines - (ex.line + ex.lines) >= 5
        layout = build_layout(proposal.path, fonts)
        for flow in layout.flows:
            first = next(p for p in flow.lines if p.kind.name in ("BODY", "SUBHEAD"))
            frame = flow.story.frames[0].place
            assert first.x == pytest.approx(layout.issue.template.column_x(frame.col)), flow.story.id
    # The rule says so on any page, and the README lists it.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "*text start*" in readme and "*head fits*" in readme


def test_a_proposal_fits_every_edition_it_prints(project, fonts):
    """A template that prints [hans, hant-tw]: Taiwan's marks are centred and never squeezed, so a story
    takes more lines there. Every proposal fits exactly and keeps every rule in both editions, as the
    render lays them out (pipeline.build_layouts)."""
    from layout.app.pipeline import build_layouts

    templates = project / "issues" / "templates"
    text = (templates / "xuhuibao-tabloid.yaml").read_text(encoding="utf-8")
    (templates / "xuhuibao-tw.yaml").write_text(text.replace("name: xuhuibao-tabloid", "name: xuhuibao-tw")
                                                + "editions: [hans, hant-tw]\n", encoding="utf-8")
    plan_text = (project / "issues" / "plans" / "1650-front.yaml").read_text(encoding="utf-8")
    plan = _plan(project, "1650-tw.yaml", plan_text.replace("template: xuhuibao-tabloid", "template: xuhuibao-tw"))
    result = make_up(plan, project / "issues" / "tw.yaml", 2, fonts)
    roles = plan_roles(result.plan)
    for proposal in result.proposals:
        layouts = build_layouts(proposal.path, fonts)
        assert [lo.issue.script.code for lo in layouts] == ["hans", "hant-tw"]
        for layout in layouts:
            assert all(f.overset is None for f in layout.flows), layout.issue.script.code
            assert all(f.underset_lines == 0 for f in layout.flows), layout.issue.script.code
            composer = composer_for(layout.issue.template, fonts)
            assert check_rules(layout.issue, roles, composer, layout) == []
        render(proposal.path, project / "out-tw", fonts)      # refuses an edition that oversets


def test_a_plans_editions_are_written_into_the_issue(project, fonts):
    plan_text = (project / "issues" / "plans" / "1650-front.yaml").read_text(encoding="utf-8")
    plan = _plan(project, "1650-ed.yaml", plan_text.replace("template: xuhuibao-tabloid\n",
                                                            "template: xuhuibao-tabloid\neditions: [hans, hant]\n"))
    result = make_up(plan, project / "issues" / "ed.yaml", 1, fonts)
    assert load_plan(plan).editions == ("hans", "hant")
    assert load_issue(result.proposals[0].path).editions == ("hans", "hant")


# --- the measure the search uses is the engine's ------------------------------------------------

def test_the_fill_simulation_agrees_with_the_engines_flow(fonts):
    plan = load_plan(ROOT / "issues" / "plans" / "1641.yaml")
    t = plan.template
    composer = composer_for(t, fonts)
    measurer = Measurer(t, composer)
    stories = [s for p in plan.pages[:3] for s in p.stories]
    checked = 0
    for story in stories:
        blocks = measurer.block_lines(story)
        for span in (1, 2, 3, 6):
            total = sum(c for c, _ in blocks)
            for lines in {max(2, total // span - 1), max(2, total // span), total // span + 1, total // span + 3}:
                for exclude in (None, (0, 1, 8), (span - 1, 1, 8)) if span > 1 and lines > 10 else (None,):
                    sim = simulate(blocks, [FrameShape(span, lines, exclude)])
                    frame = Frame(GridRect(1, 1, span, 13, lines), None, None,
                                  (GridRect(1, 1 + exclude[0], exclude[1], 13, exclude[2]),) if exclude else ())
                    model = Story(story.id, None, None, None, story.blocks, None, (frame,), "test", balance=True)
                    flow = flow_story(model, t, composer)
                    assert (sim.overset == 0) == (flow.overset is None), (story.id, span, lines, exclude)
                    if flow.overset is None:
                        assert sim.underset == flow.underset_lines, (story.id, span, lines, exclude)
                    checked += 1
    assert checked > 50


def test_the_measurer_composes_each_text_once(fonts):
    plan = load_plan(ROOT / "issues" / "plans" / "1650-front.yaml")
    measurer = Measurer(plan.template, composer_for(plan.template, fonts))
    story = plan.pages[0].stories[0]
    measurer.block_lines(story)
    first = measurer.composed
    assert first == len(story.blocks)
    measurer.bodies(story, 3, True)
    measurer.bodies(story, 4, False)
    assert measurer.composed == first


# --- what goes wrong is said in one line -----------------------------------------------------------

def _plan(project: Path, name: str, text: str) -> Path:
    path = project / "issues" / "plans" / name
    path.write_text(text, encoding="utf-8")
    return path


PLAN_HEAD = """template: xuhuibao-tabloid
paper: {name: 徐匯報}
issue: {number: 1, total: 9001, date: 2021-01-04}
pages:
  - number: 1
    section: 要聞
    stories:
"""


def test_a_plan_mistake_is_one_line_with_file_line_and_key(project):
    path = _plan(project, "bad.yaml", PLAN_HEAD + """      - id: a
        priority: urgent
        headline: 標題
        text: ../1650/study-session.md
""")
    with pytest.raises(LayoutError) as err:
        load_plan(path)
    message = str(err.value)
    assert "\n" not in message
    assert f"{path}:9: pages[1].stories[a].priority: 'urgent' is not one of: lead, second, brief" in message

    path = _plan(project, "bad2.yaml", PLAN_HEAD + """      - id: a
        priority: lead
        headline: 標題
        text: ../1650/study-session.md
        jump: 1
""")
    with pytest.raises(LayoutError, match=r"bad2.yaml:12: pages\[1\].stories\[a\].jump: a story jumps forward"):
        load_plan(path)


def test_a_story_too_long_for_its_page_is_named_with_its_cut(project, fonts):
    """祝福 whole (9,000 characters) cannot fit a front page without a jump: the error names the story,
    the characters over and where the cut starts, as the copyfit does."""
    path = _plan(project, "long.yaml", PLAN_HEAD + """      - id: zhufu
        priority: lead
        headline: 祝福 魯迅小說全文
        text: ../texts/zh-zhufu.txt
""")
    with pytest.raises(LayoutError) as err:
        make_up(path, project / "issues" / "long.yaml", 1, fonts)
    message = str(err.value)
    assert "\n" not in message
    assert "story 'zhufu' is" in message and "characters" in message and "too long for page 1" in message
    assert "cut from 「" in message
    assert not (project / "issues" / "long.yaml").exists()


def test_a_proposal_outside_a_folder_with_templates_is_refused(project, tmp_path, fonts):
    with pytest.raises(LayoutError, match="templates/xuhuibao-tabloid.yaml"):
        make_up(project / "issues" / "plans" / "1650-front.yaml", tmp_path / "x.yaml", 1, fonts)


def test_the_command(project, monkeypatch):
    from click.testing import CliRunner

    from layout.app.cli import main

    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["makeup", "issues/plans/1650-front.yaml", "-o", "issues/cli.yaml",
                                       "--proposals", "2"])
    assert result.exit_code == 0, result.output
    assert "wrote issues/cli-1.yaml  (proposal 1" in result.output
    assert "lead 'study-session'" in result.output
    assert (project / "issues" / "cli-2.yaml").is_file()
