"""What the print shop receives: supplied advertisements placed and preflighted on the way in, file
names from the template, a manifest with checksums, a later ModDate for a corrected page, the slug
line outside the trim, and the registered output condition."""

from __future__ import annotations

import hashlib
import json
import re

import pikepdf
import pytest
from click.testing import CliRunner

from layout.app.cli import main
from layout.app.pipeline import render
from layout.base.paths import profile_bytes

from conftest import copy_issues
from pdfscan import page_texts


@pytest.fixture()
def issue_copy(tmp_path):
    return copy_issues(tmp_path / "issues")


def make_ad(path, rgb: bool = False, size=(400.0, 600.0)):
    """A supplied advertisement, PDF/X-1a:2001 (or with an RGB fill): a black frame and a magenta
    panel on a page with a 10 pt bleed around its TrimBox."""
    w, h = size
    pdf = pikepdf.new()
    fill = b"1 0 0 rg" if rgb else b"0 1 0 0 k"
    content = (b"0 0 0 1 K 2 w 12 12 %.1f %.1f re S " % (w - 4, h - 4)) + fill + \
        (b" 40 40 %.1f %.1f re f" % (w - 60, h - 60))
    page = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, w + 20, h + 20],
                              BleedBox=[0, 0, w + 20, h + 20], TrimBox=[10, 10, w + 10, h + 10],
                              Contents=pdf.make_stream(content), Resources=pikepdf.Dictionary())
    pdf.pages.append(pikepdf.Page(page))
    icc = pdf.make_stream(profile_bytes("ISOnewspaper26v4.icc"))
    icc.N = 4
    pdf.Root.OutputIntents = pikepdf.Array([pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFX, OutputConditionIdentifier="IFRA26",
        RegistryName="http://www.color.org", DestOutputProfile=icc)])
    for key, value in (("/Title", "Advertisement"), ("/GTS_PDFXVersion", "PDF/X-1a:2001"),
                       ("/GTS_PDFXConformance", "PDF/X-1a:2001"), ("/CreationDate", "D:20211120000000+08'00'"),
                       ("/ModDate", "D:20211120000000+08'00'")):
        pdf.docinfo[key] = value
    pdf.docinfo["/Trapped"] = pikepdf.Name("/False")
    pdf.save(path, static_id=True, min_version="1.3", force_version="1.3")
    return path


def with_ad(issue_copy, ad_name: str) -> None:
    text = issue_copy.read_text(encoding="utf-8")
    old = "    sample: true\n    text: |\n      廣告\n      此處為廣告版位\n"
    assert old in text
    issue_copy.write_text(text.replace(old, f"    file: {ad_name}\n"), encoding="utf-8")


def test_supplied_ad_is_placed_whole_and_prints(issue_copy, tmp_path):
    make_ad(issue_copy.parent / "ad.pdf")
    with_ad(issue_copy, "ad.pdf")
    result = render(issue_copy, tmp_path / "out")
    page2 = result.files[1]
    with pikepdf.open(page2) as pdf:
        xobjects = pdf.pages[0].Resources.XObject
        forms = [x for x in xobjects.values() if x.Subtype == "/Form"]
        assert len(forms) == 1 and list(forms[0].BBox) == [10, 10, 410, 610]
    # Drawn where the box is: the box's middle is the ad's magenta, a corner of the box outside the
    # ad's aspect is paper.
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(page2))
    image = doc[0].render(scale=0.5).to_pil().convert("RGB")
    doc.close()
    t = result.layout.issue.template
    rect = t.rect(next(b for b in result.layout.issue.boxes if b.id == "page2-ad").place)
    edge = (image.width / 0.5 - t.trim_w) / 2          # MediaBox margin around the trim
    r, g, b = image.getpixel((round((edge + rect.x + rect.w / 2) * 0.5), round((edge + rect.y + rect.h / 2) * 0.5)))
    assert g < 100 and r > 150 and b > 60, (r, g, b)    # magenta
    # The whole-issue file carries it too, and the files pass preflight (they were written at all).
    with pikepdf.open(result.files[-1]) as pdf:
        assert any(x.Subtype == "/Form" for x in pdf.pages[1].Resources.XObject.values())


def test_a_nonconforming_ad_is_refused_on_the_way_in(issue_copy, tmp_path):
    make_ad(issue_copy.parent / "ad-rgb.pdf", rgb=True)
    with_ad(issue_copy, "ad-rgb.pdf")
    for command in (["render", str(issue_copy), "-o", str(tmp_path / "out")], ["check", str(issue_copy)]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 1, result.output
        message = result.output.strip().splitlines()[-1]
        assert "page2-ad" in message and "ad-rgb.pdf" in message and "RGB" in message, message
    assert not list((tmp_path / "out").glob("*.pdf")) if (tmp_path / "out").exists() else True


def test_a_supplied_file_that_is_no_pdf_or_lacks_the_page(issue_copy):
    (issue_copy.parent / "ad.pdf").write_bytes(b"%PDF-1.3\nnot really\n")
    with_ad(issue_copy, "ad.pdf")
    result = CliRunner().invoke(main, ["check", str(issue_copy)])
    assert result.exit_code == 1 and "not a readable PDF" in result.output and "1650.yaml:" in result.output
    make_ad(issue_copy.parent / "ad.pdf")
    issue_copy.write_text(issue_copy.read_text(encoding="utf-8").replace("file: ad.pdf", "file: ad.pdf\n    file_page: 2"),
                          encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(issue_copy)])
    assert result.exit_code == 1 and "has 1 page, no page 2" in result.output


def test_file_names_follow_the_template(issue_copy, tmp_path):
    template = issue_copy.parent / "templates" / "xuhuibao-tabloid.yaml"
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace("print:", "print:\n  page_file: \"{code}{edition}-{date}-P{page}.pdf\"\n"
                                                "  issue_file: \"{code}-{total}.pdf\"", 1), encoding="utf-8")
    issue = issue_copy.read_text(encoding="utf-8")
    issue = issue.replace("  name: 徐匯報\n", "  name: 徐匯報\n  code: XHB\n", 1)
    issue = re.sub(r"(issue: \{number: 49, total: 1650, date: 2021-11-29)", r"\1, edition: A", issue)
    issue_copy.write_text(issue, encoding="utf-8")
    result = render(issue_copy, tmp_path / "out")
    assert [f.name for f in result.files] == ["XHBA-20211129-P01.pdf", "XHBA-20211129-P02.pdf", "XHB-1650.pdf"]
    template.write_text(text.replace("print:", "print:\n  page_file: \"{date}-{pagenumber}.pdf\"", 1), encoding="utf-8")
    bad = CliRunner().invoke(main, ["check", str(issue_copy)])
    assert bad.exit_code == 1 and "unknown field {pagenumber}" in bad.output and "{page}" in bad.output
    template.write_text(text.replace("print:", "print:\n  page_file: \"{date}.pdf\"", 1), encoding="utf-8")
    assert "needs {page}" in CliRunner().invoke(main, ["check", str(issue_copy)]).output


def test_manifest_lists_every_file_with_its_checksum(issue_copy, tmp_path):
    out = tmp_path / "out"
    render(issue_copy, out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["name"]: f for f in manifest["files"]}
    on_disk = {p.name for p in out.iterdir() if p.name not in ("manifest.json", "SHA256SUMS")}
    assert set(listed) == on_disk
    for name, entry in listed.items():
        data = (out / name).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["bytes"] == len(data)
    sums = (out / "SHA256SUMS").read_text().splitlines()
    assert sorted(sums) == sorted(f"{e['sha256']}  {n}" for n, e in listed.items())


def _mod_date(path) -> str:
    with pikepdf.open(path) as pdf:
        return str(pdf.docinfo["/ModDate"])


def test_a_corrected_page_is_newer_than_the_page_it_replaces(issue_copy, tmp_path):
    out = tmp_path / "out"
    first = render(issue_copy, out)
    dates = [_mod_date(f) for f in first.files]
    assert len(set(dates)) == 1 and dates[0] == "D:20211129000000+08'00'"
    # Correct a story that has lines on page 2 only (the lead's continuation is on page 2 too).
    story = issue_copy.parent / "1650" / "study-session.md"
    story.write_text(story.read_text(encoding="utf-8").replace("暢談思路想法，", ""), encoding="utf-8")
    second = render(issue_copy, out)
    page1, page2, whole = (_mod_date(f) for f in second.files)
    assert page1 == dates[0], "page 1 did not change: its revision stays"
    assert page2 > dates[1] and whole > dates[2], "the corrected page and the issue file are newer"
    before = [f.read_bytes() for f in second.files]
    third = render(issue_copy, out)
    assert [f.read_bytes() for f in third.files] == before, "the same inputs again: byte-identical"
    revisions = {f["name"]: f["revision"] for f in json.loads((out / "manifest.json").read_text())["files"]
                 if "revision" in f}
    assert revisions == {"20211129-01.pdf": 0, "20211129-02.pdf": 1, "20211129-issue1650.pdf": 1}


def test_slug_line_names_the_page_outside_the_trim(issue_copy, tmp_path):
    result = render(issue_copy, tmp_path / "out")
    import pypdfium2 as pdfium

    for number, path in enumerate(result.files[:2], start=1):
        doc = pdfium.PdfDocument(str(path))
        page = doc[0]
        with pikepdf.open(path) as pdf:
            bleed = [float(v) for v in pdf.pages[0].BleedBox]
        below = page.get_textpage().get_text_bounded(left=0, bottom=0, right=page.get_width(), top=bleed[1])
        inside = page.get_textpage().get_text_bounded(left=bleed[0], bottom=bleed[1], right=bleed[2], top=bleed[3])
        doc.close()
        slug = re.sub(r"\s", "", below)
        assert "徐匯報" in slug and "第49期（總第1650期）" in slug and f"第{number}版" in slug, slug
        assert f"render{result.render_id}" in slug and len(result.render_id) == 12
        assert result.render_id not in inside
    assert "render" not in re.sub(r"\s", "", page_texts(result.files[0])[0]).split("徐匯報")[0]


def test_output_intent_is_the_registered_condition_with_its_profile(issue_copy, tmp_path):
    result = render(issue_copy, tmp_path / "out")
    with pikepdf.open(result.files[0]) as pdf:
        intent = pdf.Root.OutputIntents[0]
        assert str(intent.OutputConditionIdentifier) == "IFRA26"
        assert str(intent.RegistryName) == "http://www.color.org"
        assert intent.DestOutputProfile.read_bytes() == profile_bytes("ISOnewspaper26v4.icc")
