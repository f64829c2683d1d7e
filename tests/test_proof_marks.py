"""Proof marks sit beside what they mark, never on it: story names and fit notes in the gutters, the
grid's numbers and the 校樣 stamp in the margins, holes tinted, the overset text whole on pages of
its own at the end of the issue's proof PDF."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from layout.app.pipeline import build_layout, proof
from layout.base.units import Rect
from layout.page.furniture import runs_at
from layout.page.grid import EM_TOP, baseline_of
from layout.page.items import Rectangle, TextRun
from layout.page.proof_marks import GRID_INK, GRID_LABEL_SIZE, HOLE_TINT, LABEL_GAP, WATERMARK, overset_text

from conftest import copy_issues
from pdfscan import page_texts


@pytest.fixture()
def issue_copy(tmp_path):
    return copy_issues(tmp_path / "issues")


def _overset_and_short(issue_path, extra: str = "新增段落，測試溢排的文字。" * 40) -> None:
    """community-spaces overset (a paragraph, a subhead and one more added), government-meeting short."""
    texts = issue_path.parent / "1650"
    story = texts / "community-spaces.md"
    story.write_text(story.read_text(encoding="utf-8") + extra + "\n## 小標題測試\n最後一段的文字到此為止。\n",
                     encoding="utf-8")
    short = texts / "government-meeting.md"
    short.write_text("\n".join(short.read_text(encoding="utf-8").splitlines()[:-3]) + "\n", encoding="utf-8")


def _marks(issue_path, fonts, **kwargs):
    """Per page: (the proof's marks, the boxes of the page's own text), the marks being what a proof adds."""
    press = build_layout(issue_path, fonts)
    marked = build_layout(issue_path, fonts, proof=True, **kwargs)
    out = {}
    for plain, page in zip(press.pages, marked.pages):
        own = Counter(plain.items)
        marks = []
        for item in page.items:
            if own[item]:
                own[item] -= 1
            else:
                marks.append(item)
        # A story's lines by their set width (a run's glyph advances overstate a compressed mark's);
        # any other text by its runs.
        lines = [p for f in press.flows for p in f.lines if p.page == plain.number]
        in_lines = {r for p in lines for r in runs_at(p.line, p.x, p.baseline)}
        boxes = [Rect(p.x, p.baseline - EM_TOP * p.line.size, p.line.width, p.line.size) for p in lines]
        boxes += [_box(r, fonts) for r in plain.items
                  if isinstance(r, TextRun) and r.text.strip() and r not in in_lines]
        out[page.number] = (marks, boxes)
    return marked, out


def _box(run: TextRun, fonts) -> Rect:
    """The em boxes of a run's glyphs, turned as the run is."""
    face = fonts.faces[run.face]
    width = sum(face.advance(ch) * run.size * run.hscale + run.char_space for ch in run.text)
    if run.angle == 0:
        return Rect(run.x, run.baseline - EM_TOP * run.size, width, run.size)
    assert run.angle == -90.0, "a proof's labels are level or turned to read down the gutter"
    return Rect(run.x - (1 - EM_TOP) * run.size, run.baseline, run.size, width)


def test_marks_never_cover_the_pages_text(issue_copy, real_fonts):
    _overset_and_short(issue_copy)
    layout, pages = _marks(issue_copy, real_fonts, show_grid=True)
    t = layout.issue.template
    for number, (marks, text) in pages.items():
        assert text
        for mark in marks:
            if isinstance(mark, TextRun) and mark.text.strip():
                box = _box(mark, real_fonts)
            elif isinstance(mark, Rectangle) and mark.fill is not None:
                box = Rect(mark.x, mark.y, mark.w, mark.h)      # a tint: only where nothing is
            else:
                continue        # outlines and rules: hairlines on frame edges and grid lines
            hit = [b for b in text if b.overlaps(box, tolerance=0.3)]
            assert not hit, f"page {number}: {mark} covers text at {hit[0]}"
            assert 0 <= box.x and box.right <= t.trim_w and 0 <= box.y and box.bottom <= t.trim_h


def test_labels_beside_their_frames(issue_copy, real_fonts):
    _overset_and_short(issue_copy)
    layout, pages = _marks(issue_copy, real_fonts)
    t = layout.issue.template
    marks = pages[1][0]
    labels = [r for r in marks if isinstance(r, TextRun) and r.angle]
    # community-spaces' frame: its name down the gutter on its left, from its top …
    frame = t.rect(next(s for s in layout.issue.stories if s.id == "community-spaces").frames[0].place)
    name = [r for r in labels if "community-spaces" in r.text and "1/1" in "".join(x.text for x in labels)]
    first = min((r for r in name if r.baseline >= frame.y - 0.01), key=lambda r: r.baseline)
    # (just under the head's own label, which ends where the frame starts)
    assert frame.x - t.gutter <= first.x <= frame.x and frame.y <= first.baseline <= frame.y + 2 * LABEL_GAP
    # … and its overset in red down the gutter (here the margin) on its right, ending at its foot.
    red = [r for r in labels if r.color == (0.0, 1.0, 1.0, 0.0) and r.x > frame.x]   # (空 … is government-meeting's)
    assert red and "溢排" in "".join(r.text for r in red)
    assert all(frame.right <= r.x <= frame.right + t.gutter for r in red)
    boxes = [_box(r, real_fonts) for r in red]
    assert max(b.bottom for b in boxes) <= frame.bottom + 0.01 and min(b.y for b in boxes) >= frame.y - 0.01
    # Two labels in one gutter never sit on one another.
    for k, a in enumerate(labels):
        for b in labels[k + 1:]:
            ra, rb = _box(a, real_fonts), _box(b, real_fonts)
            if abs(a.x - b.x) < 0.01 and a.text.strip() and b.text.strip():
                assert not ra.overlaps(rb) or {a.color, b.color} == {a.color}, (a, b)


def test_grid_numbers_columns_and_every_fifth_line(issue_copy, real_fonts):
    layout, pages = _marks(issue_copy, real_fonts, show_grid=True)
    t = layout.issue.template
    area = t.type_area
    numbers = [r for r in pages[2][0] if isinstance(r, TextRun) and r.color == GRID_INK]
    top = {r.text: r for r in numbers if r.baseline < area.y}
    assert sorted(top, key=int) == [str(c) for c in range(1, t.columns + 1)]
    for col, run in top.items():
        assert t.column_x(int(col)) < run.x < t.column_x(int(col)) + t.measure
    left = {r.text: r for r in numbers if r.x < area.x and r.baseline > area.y}
    right = {r.text: r for r in numbers if r.x > area.right}
    wanted = ["1"] + [str(n) for n in range(5, t.lines + 1, 5)]
    assert sorted(left, key=int) == wanted and sorted(right, key=int) == wanted
    for n, run in left.items():
        assert run.baseline == pytest.approx(baseline_of(t, int(n), GRID_LABEL_SIZE))   # on line n itself


def test_stamp_small_in_the_top_margin_and_can_be_left_off(issue_copy, real_fonts):
    layout, pages = _marks(issue_copy, real_fonts)
    t = layout.issue.template
    for marks, _ in pages.values():
        stamps = [r for r in marks if isinstance(r, TextRun) and WATERMARK in r.text]
        assert len(stamps) == 1 and stamps[0].size <= 12 and stamps[0].angle == 0
        assert stamps[0].baseline < t.margin_top
    _, bare = _marks(issue_copy, real_fonts, watermark=False)
    assert not [r for marks, _ in bare.values() for r in marks if isinstance(r, TextRun) and WATERMARK in r.text]


def test_holes_are_tinted(issue_copy, real_fonts):
    _overset_and_short(issue_copy)
    # Take the notice off page 2: columns 1–2 under the lead's continuation are covered by no element.
    text = issue_copy.read_text(encoding="utf-8")
    issue_copy.write_text(re.sub(r"  - id: page2-notice\n(    .*\n)+", "", text), encoding="utf-8")
    layout, pages = _marks(issue_copy, real_fonts)
    t = layout.issue.template
    assert any("page 2: columns 1–2, lines 9–72" in w for w in layout.grid_warnings)
    tints = [r for r in pages[2][0] if isinstance(r, Rectangle) and r.fill == HOLE_TINT]
    assert [(r.x, r.y, r.w, r.h) for r in tints] == [(t.column_x(1), t.line_y(9), 2 * t.measure + t.gutter,
                                                      64 * t.pitch)]
    # government-meeting, cut short, leaves lines of its frame empty: they are tinted, under its text.
    frame = t.rect(next(s for s in layout.issue.stories if s.id == "government-meeting").frames[0].place)
    empty = [r for r in pages[1][0] if isinstance(r, Rectangle) and r.fill == HOLE_TINT]
    flow = next(f for f in layout.flows if f.story.id == "government-meeting")
    assert sum(round(r.h / t.pitch) for r in empty if frame.contains(Rect(r.x, r.y, r.w, r.h))) == flow.underset_lines


@pytest.mark.parametrize("repeat", [40, 700])
def test_overset_text_whole_on_pages_of_its_own(issue_copy, tmp_path, real_fonts, repeat):
    _overset_and_short(issue_copy, "新增段落，測試溢排的文字。" * repeat)
    result = proof(issue_copy, tmp_path / "out", fonts=real_fonts, dpi=20)
    layout = result.render.layout
    flow = next(f for f in layout.flows if f.story.id == "community-spaces")
    whole = overset_text(flow)
    assert len(whole.replace("\n", "")) == flow.overset.chars        # every character that did not fit
    assert whole.endswith("最後一段的文字到此為止。")
    issue_pdf = result.render.files[-1]
    texts = page_texts(issue_pdf)
    appendix = texts[len(layout.pages):]
    assert len(appendix) == len(layout.appendix) >= (2 if repeat > 100 else 1)
    shown = re.sub(r"溢排頁\d+/\d+—排不下的文字全文（校樣專用，不印）", "", re.sub(r"\s", "", "".join(appendix)))
    shown = shown.replace("校樣", "")      # each page's stamp
    assert re.sub(r"\s", "", whole) in shown and "community-spaces" in shown
    # The page files are the issue's pages only; each overset page has a PNG of its own.
    assert all(len(page_texts(f)) == 1 for f in result.render.files[:-1])
    assert [p.name for p in result.pngs][len(layout.pages):] == [
        f"20211129-overset-{k}-proof.png" for k in range(1, len(appendix) + 1)]
    # The page says where to look.
    assert "見溢排頁" in re.sub(r"\s", "", texts[0])


def test_an_overset_table_keeps_its_rows_on_the_overset_pages(issue_copy, real_fonts):
    # 1638 p5 with the table's second part cut to 8 lines: its last rows do not fit. The overset page
    # printed them run together (第 33 項 452133.5% …); each row is a line of its own now, its cells parted
    # by ｜, under the table's head again, and the text after the table follows as text.
    path = issue_copy.parent / "1638.yaml"
    text = path.read_text(encoding="utf-8")
    frame = "- {page: 5, col: 3, span: 4, line: 43, lines: 17, columns: 2}"
    assert frame in text
    path.write_text(text.replace(frame, frame.replace("lines: 17", "lines: 8")), encoding="utf-8")
    layout = build_layout(path, real_fonts, proof=True)
    flow = next(f for f in layout.flows if f.story.id == "livelihood-figures")
    assert flow.overset is not None and flow.overset.first_sentence.startswith("康健新村街道")
    rows: dict[tuple[int, float], list[TextRun]] = {}
    for k, page in enumerate(layout.appendix):
        for run in (i for i in page.items if isinstance(i, TextRun)):
            rows.setdefault((k, round(run.x > layout.issue.template.column_x(4) - 1), round(run.baseline, 2)),
                            []).append(run)
    lines = ["".join(r.text for r in sorted(rs, key=lambda r: r.x)) for _, rs in sorted(rows.items())]
    at = next(k for k, ln in enumerate(lines) if ln.startswith("街道（鎮）"))
    assert lines[at:at + 7] == ["街道（鎮）｜養老床位（張）｜助餐點（家）｜助餐人次（萬）｜完成率",
                                "康健新村街道｜32｜2｜8｜77.1%", "龍華街道｜26｜2｜6.35｜69%",
                                "漕河涇街道｜22｜1｜5.2｜64.7%", "凌雲路街道｜40｜3｜9.85｜85.9%",
                                "華涇鎮｜50｜2｜4.6｜90.2%", "全區合計｜404｜26｜93.22｜75.6%"]
    assert lines[at + 7].startswith("表中可見")
    # The studio's overset text (overset_text with the template) gives the same rows.
    shown = overset_text(flow, layout.issue.template).split("\n")
    assert shown[:7] == lines[at:at + 7] and shown[7].startswith("表中可見")
