"""Print-ready output: PDF/X-1a:2001 checked by our preflight and by tools we did not write
(qpdf, poppler's pdffonts and pdfimages, Ghostscript), and a deliberately bad PDF that fails
our preflight on every count."""

from __future__ import annotations

import subprocess

import pikepdf
import pytest
from click.testing import CliRunner
from PIL import Image

from layout.preflight import rules as preflight
from layout.app.cli import main
from layout.issue.loader import load_issue

from pdfscan import page_texts
from conftest import ROOT, tool

ISSUE = ROOT / "issues" / "1650.yaml"


def test_sample_passes_our_preflight(sample_render):
    result = CliRunner().invoke(main, ["preflight", *map(str, sample_render.files)])
    assert result.exit_code == 0, result.output
    assert result.output.count("passes PDF/X-1a:2001 preflight") == 3


def test_pdfx_keys_version_and_output_intent(sample_render):
    for path in sample_render.files:
        assert path.read_bytes().startswith(b"%PDF-1.3")
        with pikepdf.open(path) as pdf:
            info = pdf.docinfo
            # ISO 15930-1: the version key names the part (PDF/X-1:2001), the conformance key the level.
            assert str(info.GTS_PDFXVersion) == "PDF/X-1:2001" and str(info.GTS_PDFXConformance) == "PDF/X-1a:2001"
            assert str(info.Trapped) == "/False"
            assert str(info.CreationDate).startswith("D:20211129")
            intents = pdf.Root.OutputIntents
            assert len(intents) == 1 and str(intents[0].S) == "/GTS_PDFX"
            assert str(intents[0].OutputConditionIdentifier) == "IFRA26"   # the ICC-registered condition, its profile embedded
            assert intents[0].DestOutputProfile.read_bytes()[16:20] == b"CMYK"


def test_qpdf_check(sample_render):
    qpdf = tool("qpdf")
    for path in sample_render.files:
        result = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "No syntax or stream encoding errors found" in result.stdout


def test_pdfimages_cmyk_and_resolution(sample_render):
    pdfimages = tool("pdfimages")
    out = subprocess.run([pdfimages, "-list", str(sample_render.files[0])], capture_output=True, text=True,
                         check=True).stdout
    rows = [r.split() for r in out.strip().splitlines()[2:]]
    assert rows, "the front page has a photo"
    for row in rows:
        # page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio
        assert row[5] == "cmyk" and row[6] == "4", row
        assert int(row[12]) >= 200 and int(row[13]) >= 200, row
        assert row[2] == "image", row  # no smask, no stencil


def test_ghostscript_renders_and_total_ink_within_limit(sample_render, tmp_path):
    gs = tool("gs")
    limit = load_issue(ISSUE).template.printing.ink_limit
    for path in sample_render.files[:2]:
        tiff = tmp_path / (path.stem + ".tif")
        subprocess.run([gs, "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiff32nc", "-dUseTrimBox",
                        "-r100", f"-sOutputFile={tiff}", str(path)], check=True, capture_output=True)
        with Image.open(tiff) as im:
            assert im.mode == "CMYK"
            bands = [b.convert("I") for b in im.split()]
            from PIL import ImageMath
            total = ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"],
                                          c=bands[0], m=bands[1], y=bands[2], k=bands[3])
            peak = total.getextrema()[1] / 255 * 100
            assert 0 < peak <= limit + 1, f"{path.name}: {peak:.0f} % ink"
            # rendered the trimmed page: 270 × 390 mm at 100 dpi
            assert abs(im.width - 1063) <= 2 and abs(im.height - 1535) <= 2


def test_marks_lie_outside_the_bleed(sample_render):
    with pikepdf.open(sample_render.files[0]) as pdf:
        page = pdf.pages[0]
        bleed = [float(v) for v in page.obj.BleedBox]
        spaces = page.Resources.get("/ColorSpace", {})
        all_names = {k for k, v in spaces.items() if isinstance(v, pikepdf.Array) and str(v[1]) == "/All"}
        assert all_names, "registration colour (Separation /All) is used for the marks"
        current, points = None, []
        for inst in pikepdf.parse_content_stream(page):
            op = str(inst.operator)
            if op == "CS":
                current = str(inst.operands[0])
            elif op == "K" or op == "RG" or op == "G":
                current = None
            elif current in all_names and op in ("m", "l", "c"):
                ops = [float(v) for v in inst.operands]
                points += list(zip(ops[0::2], ops[1::2]))
        assert len(points) > 16
        for x, y in points:
            assert x < bleed[0] or x > bleed[2] or y < bleed[1] or y > bleed[3], (x, y, bleed)


def _bad_pdf(path, tmp_path):
    """One page doing everything a RIP rejects: RGB, transparency, an unembedded font,
    a low-resolution image, rich black text — and no TrimBox."""
    from reportlab.pdfgen.canvas import Canvas

    small = tmp_path / "small.png"
    Image.new("RGB", (20, 20), (10, 120, 200)).save(small)
    c = Canvas(str(path), invariant=1)
    c.setFillColorRGB(0.9, 0.1, 0.1)                 # RGB
    c.rect(50, 700, 100, 50, fill=1, stroke=0)
    c.setFillAlpha(0.5)                              # transparency
    c.setFillColorCMYK(0, 1, 0, 0)
    c.rect(200, 700, 100, 50, fill=1, stroke=0)
    c.setFillAlpha(1)
    c.setFont("Helvetica", 12)                       # standard font, not embedded
    c.setFillColorCMYK(0.6, 0.4, 0.4, 1)             # rich black text
    c.drawString(50, 650, "rich black text")
    c.drawImage(str(small), 50, 300, 300, 300)       # 20 px over 300 pt: under 5 ppi
    c.save()
    return path


def test_bad_pdf_fails_on_every_count(tmp_path):
    bad = _bad_pdf(tmp_path / "bad.pdf", tmp_path)
    findings = preflight.check(bad)
    failed = {f.rule for f in preflight.errors(findings)}
    assert {"iso/info", "iso/output-intent", "iso/boxes", "iso/colour", "iso/transparency", "iso/fonts",
            "house/resolution", "house/black-overprint"} <= failed, preflight.report_text(bad, findings)
    messages = " ".join(f.message for f in findings)
    for words in ("no TrimBox", "DeviceRGB", "alpha", "not embedded", "ppi", "rich black"):
        assert words in messages, words
    result = CliRunner().invoke(main, ["preflight", str(bad), "--json"])
    assert result.exit_code == 1
    import json
    data = json.loads(result.output)
    assert data[0]["passed"] is False and any(f["rule"] == "iso/fonts" for f in data[0]["findings"])


def test_ink_over_the_limit_fails(tmp_path):
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "ink.pdf"
    c = Canvas(str(path), invariant=1)
    c.setFillColorCMYK(1, 1, 1, 0.5)                 # 350 %
    c.rect(10, 10, 50, 50, fill=1, stroke=0)
    c.save()
    assert "house/ink" in {f.rule for f in preflight.errors(preflight.check(path))}
    assert "house/ink" not in {f.rule for f in preflight.errors(preflight.check(path, preflight.Limits(ink_limit=400)))}


def test_black_text_without_overprint_fails(tmp_path):
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "knockout.pdf"
    c = Canvas(str(path), invariant=1)
    c.setFillColorCMYK(0, 0, 0, 1)
    c.drawString(50, 50, "black text that knocks out")
    c.save()
    assert any(f.rule == "house/black-overprint" and "overprint" in f.message
               for f in preflight.errors(preflight.check(path)))


def test_not_a_pdf_is_one_clean_error(tmp_path):
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"not a pdf at all")
    result = CliRunner().invoke(main, ["preflight", str(junk)])
    assert result.exit_code == 1 and "not a readable PDF" in result.output


def test_rgb_colour_in_the_yaml_is_refused(tmp_path):
    import shutil

    from layout.base.errors import LayoutError

    shutil.copytree(ROOT / "issues", tmp_path / "issues")
    path = tmp_path / "issues" / "1650.yaml"
    text = path.read_text(encoding="utf-8").replace("    kind: banner\n", "    kind: banner\n    color: '#ff0000'\n")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LayoutError, match="RGB colour"):
        load_issue(path)
    path.write_text(text.replace("'#ff0000'", "[0, 100, 100, 0]"), encoding="utf-8")
    assert load_issue(path).boxes[0].color == (0.0, 1.0, 1.0, 0.0)
    path.write_text(text.replace("'#ff0000'", "[100, 100, 100, 0]"), encoding="utf-8")
    with pytest.raises(LayoutError, match="over the print limit"):
        load_issue(path)


@pytest.mark.parametrize("pixels,outcome", [((300, 200), "error"), ((800, 560), "warning"), ((2400, 1600), "ok")])
def test_photo_resolution_checked_where_placed(tmp_path, real_fonts, pixels, outcome):
    # The sample photo is placed 324.7 pt (114.6 mm) wide: 300 px there is 67 ppi (the render fails),
    # 800 px is 177 ppi (a warning), 2400 px is 532 ppi (downsampled to 300, no remark).
    import shutil

    from layout.base.errors import LayoutError
    from layout.app.pipeline import render, resolution_problems, build_layout

    shutil.copytree(ROOT / "issues", tmp_path / "issues")
    Image.new("RGB", pixels, (90, 120, 160)).save(tmp_path / "issues" / "1650" / "sample-photo.jpg")
    path = tmp_path / "issues" / "1650.yaml"
    if outcome == "error":
        # check refuses exactly what render refuses …
        with pytest.raises(LayoutError, match="photo resolution"):
            build_layout(path, real_fonts)
        with pytest.raises(LayoutError, match="photo resolution"):
            render(path, tmp_path / "out", fonts=real_fonts)
        assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.pdf"))
        # … and a proof places the photo, marked FPO, so the layout can go on while it is awaited.
        proof = render(path, tmp_path / "out", fonts=real_fonts, proof=True)
        text = page_texts(proof.files[0])[0].replace(" ", "")
        assert "FPO只供排版·66ppi" in text, text[-300:]
        return
    layout = build_layout(path, real_fonts)
    errors, warnings = resolution_problems(layout)
    if outcome == "warning":
        assert warnings and not errors
    else:
        assert not errors and not warnings


def test_marks_off_per_print_shop(tmp_path, real_fonts):
    import shutil

    from layout.app.pipeline import render

    shutil.copytree(ROOT / "issues", tmp_path / "issues")
    template = tmp_path / "issues" / "templates" / "xuhuibao-tabloid.yaml"
    template.write_text(template.read_text(encoding="utf-8").replace("marks: true", "marks: false"), encoding="utf-8")
    result = render(tmp_path / "issues" / "1650.yaml", tmp_path / "out", fonts=real_fonts)
    with pikepdf.open(result.files[0]) as pdf:
        page = pdf.pages[0]
        assert [float(v) for v in page.obj.MediaBox] == [float(v) for v in page.obj.BleedBox]
        assert "/ColorSpace" not in page.Resources  # no registration colour: no marks


def test_photo_resolution_follows_a_replaced_photo(tmp_path, real_fonts, monkeypatch):
    """The photo's pixel size is remembered from its check (memory and disk cache), never from an
    earlier file at the same path: replaced by a smaller one, the next layout reports it too coarse."""
    import shutil

    from layout.app.pipeline import build_layout, resolution_problems

    monkeypatch.setenv("LAYOUT_CACHE_DIR", str(tmp_path / "cache"))
    shutil.copytree(ROOT / "issues", tmp_path / "issues")
    photo = tmp_path / "issues" / "1650" / "sample-photo.jpg"
    path = tmp_path / "issues" / "1650.yaml"
    Image.new("RGB", (2400, 1600), (90, 120, 160)).save(photo)
    assert resolution_problems(build_layout(path, real_fonts)) == ([], [])
    assert resolution_problems(build_layout(path, real_fonts)) == ([], [])   # remembered: still fine
    Image.new("RGB", (300, 200), (90, 120, 160)).save(photo)
    errors, _ = resolution_problems(build_layout(path, real_fonts, proof=True))   # a proof places it
    assert errors and "66 ppi" in errors[0]
