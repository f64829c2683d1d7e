"""Column rules (欄線) where the text columns are: read back from the PDF, no rule crosses a glyph, and
each sits in the middle of the gap between the text columns on either side of it — for frames set in
the grid's columns and for frames whose ``columns:`` sets wider ones over them."""

from __future__ import annotations

import shutil

import pytest

from layout.app.pipeline import render

from conftest import ROOT

GUXIANG = ROOT / "issues" / "texts" / "zh-guxiang.txt"


def _issue(tmp_path):
    """Three stories on page 1: five text columns over the grid's six, two over three, and the grid's own
    three; each frame roomier than its text, so nothing is overset, and balanced, so every column has
    text beside its rules."""
    shutil.copytree(ROOT / "issues" / "templates", tmp_path / "templates")
    paragraphs = [ln for ln in GUXIANG.read_text(encoding="utf-8").splitlines() if ln.strip()]
    (tmp_path / "a.md").write_text("\n".join(paragraphs[:12]) + "\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("\n".join(paragraphs[12:15]) + "\n", encoding="utf-8")
    (tmp_path / "c.md").write_text("\n".join(paragraphs[15:18]) + "\n", encoding="utf-8")
    path = tmp_path / "rules.yaml"
    path.write_text(
        "template: xuhuibao-tabloid\npaper: {name: 徐匯報}\n"
        "issue: {number: 1, total: 2, date: 2021-11-29}\npages:\n  - {number: 1, section: 要聞}\n"
        "stories:\n"
        "  - id: five-over-six\n    text: a.md\n    balance: true\n    frames:\n"
        "      - {page: 1, col: 1, span: 6, line: 14, lines: 30, columns: 5}\n"
        "  - id: two-over-three\n    text: b.md\n    balance: true\n    frames:\n"
        "      - {page: 1, col: 1, span: 3, line: 46, lines: 26, columns: 2}\n"
        "  - id: grid-three\n    text: c.md\n    balance: true\n    frames:\n"
        "      - {page: 1, col: 4, span: 3, line: 46, lines: 26}\n", encoding="utf-8")
    return path


def _rules_and_glyphs(pdf):
    """Vertical rules as (x, bottom, top) and glyph boxes as (left, bottom, right, top), in PDF points."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    doc = pdfium.PdfDocument(str(pdf))
    page = doc[0]
    rules = []
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH]):
        left, bottom, right, top = obj.get_bounds()
        if right - left < 1.0 and top - bottom > 20:
            rules.append(((left + right) / 2, bottom, top))
    tp = page.get_textpage()
    glyphs = [tp.get_charbox(i) for i in range(tp.count_chars()) if tp.get_text_range(i, 1).strip()]
    doc.close()
    return rules, glyphs


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, real_fonts):
    tmp = tmp_path_factory.mktemp("rules")
    result = render(_issue(tmp), tmp / "out", fonts=real_fonts)
    return result, _rules_and_glyphs(result.files[0])


def test_no_rule_crosses_a_glyph(rendered):
    _, (rules, glyphs) = rendered
    # 4 rules between five columns, 1 between two, 2 between the grid's three.
    assert len(rules) == 7, rules
    for x, bottom, top in rules:
        crossing = [g for g in glyphs if g[0] - 0.1 < x < g[2] + 0.1 and g[1] < top and g[3] > bottom]
        assert not crossing, (x, crossing[:3])


def test_each_rule_is_in_the_middle_of_its_gutter(rendered):
    result, (rules, glyphs) = rendered
    t = result.layout.issue.template
    for x, bottom, top in rules:
        # The nearest ink on either side, over the rule's height: the text columns' edges.
        beside = [g for g in glyphs if g[1] < top and g[3] > bottom]
        left = max(g[2] for g in beside if g[2] <= x)
        right = min(g[0] for g in beside if g[0] >= x)
        gap = right - left
        assert gap > 0.5 * t.gutter, (x, left, right)
        # Glyph boxes are ink, not em boxes: the rule is within a point of the middle of the gap.
        assert abs(x - (left + right) / 2) < 1.5, (x, left, right)
