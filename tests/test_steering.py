"""An editor's steps on a paragraph (緊排 / 鬆排) through a story's flow, and the copyfit's hints of where
a line can be saved; on the test font, one column of 8 em, so the lines can be counted by hand."""

from __future__ import annotations

import json
from dataclasses import replace

from layout.compose.atoms import TextStyle
from layout.compose.linebreak import Composer
from layout.compose.settings import Steer
from layout.issue.loader import DEFAULT_STYLES
from layout.issue.model import Block, BlockKind, Frame, GridRect, Inline, Story, Template
from layout.base.units import mm
from layout.page.copyfit import HintKind, report, table, to_json
from layout.page.flow import Overset, flow_story

from invariants import check_lines

# With the 2-em indent: 七，二四，七 / 一二四九八九三 / 七六。 — three lines. Tightened, the commas give
# their blank halves and the ideographs close up (at most 1/16 em): 七，二四，七一 / 二四九八九三七六。, two.
# Loosened: 七，二四， / 七一二四 / 九八九三 / 七六。, four, no line spread by more than 0.2 em a gap.
TEXT = "七，二四，七一二四九八九三七六。"


def one_column() -> Template:
    size = 10.0
    styles = {k: TextStyle("body", size) for k in DEFAULT_STYLES}
    return Template(name="one", trim_w=80 + 2 * 20, trim_h=20 * 15 + 40, bleed=mm(3), margin_top=20,
                    margin_bottom=20, margin_left=20, margin_right=20, columns=1, body=TextStyle("body", size),
                    pitch=15.0, min_gutter_em=1.0, masthead_lines=0, running_head_lines=0, styles=styles)


def story(steer: Steer, texts=(TEXT,)) -> Story:
    blocks = tuple(Block(BlockKind.PARA, (Inline(t),), steer if k == 0 else Steer.NORMAL) for k, t in enumerate(texts))
    return Story("s", None, None, None, blocks, None, (Frame(GridRect(1, 1, 1, 1, 20), None),), "test")


def test_the_template_is_one_column_of_8_em():
    assert one_column().measure == 80.0


def test_a_paragraph_tightened_or_loosened_by_one_step_in_its_story(test_fonts):
    t = one_column()
    counts = {}
    for steer in Steer:
        flow = flow_story(story(steer), t, Composer(test_fonts))
        lines = [p.line for p in flow.lines]
        check_lines(TEXT, lines, 80.0)
        counts[steer] = len(lines)
    assert counts == {Steer.TIGHT: 2, Steer.NORMAL: 3, Steer.LOOSE: 4}


def test_copyfit_names_the_paragraphs_that_would_give_a_line(test_fonts):
    # For an overset story: paragraph 1 saves a line tightened, and its last line 七六。 frees its line
    # with its 2 characters cut (七，二四，七 / 一二四九八九三。). Paragraph 2 is one line: nothing to say.
    t = one_column()
    composer = Composer(test_fonts)
    flow = flow_story(story(Steer.NORMAL, (TEXT, "一二三")), t, composer)
    assert report([flow], t, composer)[0].hints == ()        # it fits: nothing to save
    overset = replace(flow, overset=Overset(3, 1, "一二三"))   # as if it did not
    [fit] = report([overset], t, composer)
    hints = {(h.kind, h.paragraph, h.chars) for h in fit.hints}
    assert hints == {(HintKind.TIGHTEN, 1, 0), (HintKind.CUT, 1, 2)}
    shown = table([fit])
    assert "a line each: " in shown and "{緊} ¶1 「七，二四" in shown and "cut 2 chars ¶1" in shown
    data = json.loads(to_json([fit], "test"))
    assert {h["kind"] for h in data["stories"][0]["hints"]} == {"tighten", "cut"}
    # Without the composer (as the callers have it today) the report is as it was: no hints.
    assert report([overset])[0].hints == ()


def test_a_tightened_paragraph_is_not_told_to_tighten(test_fonts):
    t = one_column()
    composer = Composer(test_fonts)
    flow = flow_story(story(Steer.TIGHT), t, composer)
    [fit] = report([replace(flow, overset=Overset(3, 1, "一二三"))], t, composer)
    assert all(h.kind is not HintKind.TIGHTEN for h in fit.hints)


def test_the_story_text_marks_a_paragraph_tight_or_loose():
    from layout.issue.loader import parse_body

    blocks = parse_body("第一段\n{緊}第二段\n  {鬆}第三段\n\\{緊}第四段\n{紧}五\n{松}六\n")
    assert [(b.steer, b.text) for b in blocks] == [
        (Steer.NORMAL, "第一段"), (Steer.TIGHT, "第二段"), (Steer.LOOSE, "第三段"),
        (Steer.NORMAL, "{緊}第四段"),     # escaped: printed as written
        (Steer.TIGHT, "五"), (Steer.LOOSE, "六")]
