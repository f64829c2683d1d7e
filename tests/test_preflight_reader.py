"""The engine's own PDF reader (layout/preflight/reader.py) against pikepdf: on every file the sample
issues make, and on files of ours damaged in ways a rule must catch, preflight finds exactly the same
with either reader; files it is not sure of it declines, and pikepdf decides. A render does not load
pikepdf. And the print option that names the output condition instead of embedding its profile."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, copy_issues
from layout.app.pipeline import render
from layout.preflight import reader
from layout.preflight import rules as preflight


def _forget() -> None:
    preflight._CONTENT.clear()
    preflight._INK.clear()
    reader._RECENT.clear()


def both(path: Path, limits=preflight.Limits()):
    """The findings and page figures with the own reader, then with pikepdf, nothing remembered between."""
    _forget()
    own = preflight.check(path, limits, own_reader=True), preflight.page_figures(path, limits, own_reader=True)
    _forget()
    theirs = preflight.check(path, limits), preflight.page_figures(path, limits)
    return own, theirs


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, real_fonts):
    """Issue 1650 in both editions, as a proof too, and the 8-page back issue 1641."""
    out = tmp_path_factory.mktemp("reader")
    render(ROOT / "issues" / "1650.yaml", out / "1650", fonts=real_fonts)
    render(ROOT / "issues" / "1650.yaml", out / "proof", fonts=real_fonts, proof=True)
    render(ROOT / "issues" / "1641.yaml", out / "1641", fonts=real_fonts)
    files = sorted(out.rglob("*.pdf"))
    assert len(files) >= 14
    return files


def test_every_file_of_the_samples_reads_the_same_with_either_reader(rendered):
    for path in rendered:
        assert reader.open_pdf(path).declined is None, path      # read by the own reader, not declined
        own, theirs = both(path)
        assert own == theirs, path


@pytest.mark.parametrize("old,new,rule", [
    (b"/TrimBox", b"/TrimBax", "iso/boxes"),                       # no TrimBox on the page
    (b"/ColorSpace /DeviceCMYK", b"/ColorSpace /DeviceRGB ", "iso/colour"),    # an RGB photo
    (b"/GTS_PDFXVersion (PDF/X-1:2001)", b"/GTS_PDFXVersion (PDF/X-3:2002)", "iso/info"),
    (b"/S /GTS_PDFX", b"/S /GTS_PDFA", "iso/output-intent"),
    # A header line ended by CR (the version too new), and a page that lost its /Type beside an RGB
    # colour space: the own reader declines both, and pikepdf's findings are the ones given.
    (b"%PDF-1.3\n", b"%PDF-1.4\r", "iso/version"),
    (b"<</Type /Page", b"<</Tipe /Page", None),
])
def test_damage_a_rule_catches_is_caught_the_same_by_both(rendered, tmp_path, old, new, rule):
    """Same-length edits, so the cross-reference table still holds and the own reader reads the file."""
    source = next(p for p in rendered if p.name.endswith("-01-hans.pdf") and "proof" not in p.parts[-3:][0])
    data = source.read_bytes()
    assert old in data, old
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(data.replace(old, new))
    own, theirs = both(damaged)
    assert own == theirs
    if rule is not None:
        assert rule in {f.rule for f in preflight.errors(own[0])}


def test_files_it_is_not_sure_of_go_to_pikepdf(rendered, tmp_path):
    source = rendered[0]
    data = source.read_bytes()
    shifted = tmp_path / "shifted.pdf"            # every offset in the table now wrong: pikepdf rebuilds it
    shifted.write_bytes(data.replace(b"%PDF-1.3\n", b"%PDF-1.3\n%\n", 1))
    foreign = tmp_path / "foreign.pdf"
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(foreign), invariant=1)
    canvas.setFillColorRGB(0.9, 0.1, 0.1)
    canvas.rect(50, 700, 100, 50, fill=1, stroke=0)
    canvas.save()
    with pytest.raises(reader.Declined):
        reader.open_pdf(shifted)
    # ReportLab's content is ASCII85 over Flate, a filter chain the engine never writes: declined when
    # the content is read, and the whole file is checked again by pikepdf.
    assert preflight._check(foreign, preflight.Limits(), own=True) is None
    for path in (shifted, foreign):
        own, theirs = both(path)
        assert own == theirs, path
    assert "iso/colour" in {f.rule for f in preflight.errors(both(foreign)[0][0])}


def test_a_render_does_not_load_pikepdf(tmp_path):
    issue = copy_issues(tmp_path / "issues")
    code = ("import sys; from pathlib import Path; from layout.app.pipeline import render; "
            f"render(Path({str(issue)!r}), Path({str(tmp_path / 'out')!r})); "
            "print('pikepdf' in sys.modules, 'rjieba' in sys.modules)")
    first = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                           env={**__import__("os").environ, "LAYOUT_CACHE_DIR": str(tmp_path / "cache")})
    again = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                           env={**__import__("os").environ, "LAYOUT_CACHE_DIR": str(tmp_path / "cache")})
    assert first.stdout.split()[0] == "False"
    # The heads' word breaks are in the disk cache after the first run: jieba's dictionary not loaded.
    assert again.stdout.split() == ["False", "False"]


def _with_print_option(issues: Path, line: str) -> None:
    template = issues / "templates" / "xuhuibao-tabloid.yaml"
    text = template.read_text(encoding="utf-8")
    anchor = "  ink_limit: 240"
    assert anchor in text
    template.write_text(text.replace(anchor, f"  {line}\n{anchor}", 1), encoding="utf-8")


def test_embed_profile_false_names_the_registered_condition_and_saves_the_profile(tmp_path, real_fonts):
    issue = copy_issues(tmp_path / "issues")
    embedded = render(issue, tmp_path / "embedded", fonts=real_fonts)
    _with_print_option(issue.parent, "embed_profile: false")
    named = render(issue, tmp_path / "named", fonts=real_fonts)
    import pikepdf

    profile_size = (ROOT / "layout" / "data" / "icc" / "ISOnewspaper26v4.icc").stat().st_size
    for a, b in zip(sorted((tmp_path / "embedded").rglob("*.pdf")), sorted((tmp_path / "named").rglob("*.pdf"))):
        with pikepdf.open(b) as pdf:
            intent = pdf.Root.OutputIntents[0]
            assert "/DestOutputProfile" not in intent
            assert str(intent.OutputConditionIdentifier) == "IFRA26"
            assert str(intent.RegistryName) == "http://www.color.org"
        # The profile was most of a page file: it is gone from each (compressed, about a third of it).
        assert a.stat().st_size - b.stat().st_size > profile_size // 4, (a, b)
        findings = preflight.check(b)
        assert not preflight.errors(findings)
        assert [f.rule for f in findings if f.severity == "warning" and f.page is None] == ["house/embedded-profile"]
    assert embedded and named


def test_embed_profile_false_is_refused_for_a_condition_not_registered(tmp_path):
    from layout import LayoutError
    from layout.issue.loader import load_issue

    issue = copy_issues(tmp_path / "issues")
    template = issue.parent / "templates" / "xuhuibao-tabloid.yaml"
    text = template.read_text(encoding="utf-8")
    assert "  condition: IFRA26" in text
    template.write_text(text.replace("  condition: IFRA26", "  condition: OurPress2024", 1), encoding="utf-8")
    _with_print_option(issue.parent, "embed_profile: false")
    with pytest.raises(LayoutError, match=r"xuhuibao-tabloid\.yaml.*embed_profile.*registered with the ICC"):
        load_issue(issue)
