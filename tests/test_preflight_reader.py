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
            "print(*(m in sys.modules for m in ('pikepdf', 'rjieba', 'opencc', 'markdown_it')))")
    first = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                           env={**__import__("os").environ, "LAYOUT_CACHE_DIR": str(tmp_path / "cache")})
    again = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                           env={**__import__("os").environ, "LAYOUT_CACHE_DIR": str(tmp_path / "cache")})
    assert first.stdout.split() == ["False", "True", "True", "True"]
    # The heads' word breaks, the texts converted to each edition and the story texts as parsed are in
    # the disk cache after the first run: neither jieba's dictionary, nor OpenCC's, nor the parser loaded.
    assert again.stdout.split() == ["False", "False", "False", "False"]


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


# --- the quick paths: what the engine writes read by regular expressions, the same as token by token ----

def _plain(value):
    """A value with its type in every part (1, 1.0 and True differ), to compare instructions and objects."""
    if isinstance(value, reader.PdfString):
        return ("string", value.data)
    if isinstance(value, reader.PdfArray):
        return ("array", [_plain(v) for v in value])
    if isinstance(value, reader.PdfDict):
        return ("dict", {k: _plain(v) for k, v in value.items()})
    return (type(value).__name__, value)


def _instructions(found) -> list:
    return [(i.operator, _plain(i.operands)) for i in found]


def _doc():
    """A file of the own reader, for what asks for one (a content stream declines through it)."""
    return reader.ReadFile(_one_object_file(b"null"))


def _by_tokens(data: bytes):
    doc = _doc()
    try:
        return _instructions(reader._content_by_tokens(data, doc))
    except reader.Declined:
        return "declined"


def _quick(data: bytes):
    doc = _doc()
    try:
        return _instructions(reader.parse_content(data, doc))
    except reader.Declined:
        return "declined"


def test_the_quick_content_path_reads_every_sample_page_as_token_by_token_does(rendered):
    quick = 0
    for path in rendered:
        doc = reader.open_pdf(path)
        for page in doc.pages:
            data = reader.content_of(page, doc)
            found = reader.parse_content(data, doc)
            quick += type(found) is reader.QuickContent
            assert _instructions(found) == _by_tokens(data), path
    assert quick > 0                     # the engine's own pages are read by the quick path


@pytest.mark.parametrize("content", [
    b"1 0 0 1 93.5 1071.9 Tm <5f90532f> Tj",
    b"  /F-hei 9 Tf\n+1 -2 .5 5. -.25 0 Tz\n[3 2] 0 d [] 0 d [<00ff>-120<0041>] TJ",
    b"/a/b<00><0>1 2 re\n/N1 cs 0.2 0.3 0.4 0.5 scn /P1 scn",
    b"q 1 0 0 1 0 0 cm /Im1 Do Q\t\x0c\r\n",
    b"T* ' \" b* B* f* W* n",
    b"", b" \n ",
    # Read token by token (a literal string, a dictionary, a comment, a # escape, whitespace in hex
    # strings, true, NUL, trailing operands), or declined (an inline image, a bad number, a stray
    # bracket, an operator in an array), as before the quick path:
    b"(a \\(b\\) c) Tj (x(y)z) Tj",
    b"/Span <</MCID 3>> BDC EMC",
    b"% a comment\n0 g",
    b"/A#20B gs", b"<00 ff> Tj", b"true 1 false d0", b"1\x000 m", b"1 2 m 3 4",
    b"BI /W 1 /H 1 ID x EI", b"1.2.3 w", b"1a w", b"] Tj", b"[1 Tj]", b"<zz> Tj", b"((((a)))) Tj", b"{ }",
])
def test_a_stream_reads_the_same_by_the_quick_path(content):
    assert _quick(content) == _by_tokens(content)


def test_the_quick_path_takes_what_the_engine_writes_and_nothing_else():
    doc = _doc()
    for taken in (b"1 0 0 1 93.5 1071.9 Tm <5f90532f> Tj", b"[3 2] 0 d [<00ff>-120<0041>] TJ", b"/a/b<00><0>1 2 re"):
        assert type(reader.parse_content(taken, doc)) is reader.QuickContent, taken
    for passed in (b"(a) Tj", b"1 2 m 3 4", b"1\x000 m", b"/A#20B gs", b"% c\n0 g", b"true 1 d0"):
        assert type(reader.parse_content(passed, doc)) is not reader.QuickContent, passed
    data = _one_object_file(b"<</A 1 /B [1 2 0 R (s) <00>] /C true>>")
    assert _objects_quick(data) == _objects_by_tokens(data)
    assert reader.ReadFile(data)._unresolved == []          # no object read token by token
    assert len(reader.ReadFile(data, quick=False)._unresolved) == 4


def test_upright_text_is_said_only_where_every_tm_keeps_the_text_upright():
    doc = _doc()
    upright = b"BT /F1 9 Tf 1 0 0 1 10 20 Tm <00> Tj 1 0 0 1 10 30 Tm <01> Tj ET"
    assert reader.parse_content(upright, doc).upright_text
    for other in (b"BT 1 0 0 1 10 20 Tm <00> Tj 2 0 0 2 10 30 Tm <01> Tj ET",     # larger
                  b"BT 1 0 0 1 10 20 Tm <00> Tj 0 1 -1 0 10 30 Tm <01> Tj ET",    # turned
                  b"BT 1 0 0.0 1.0 10 20 Tm <00> Tj ET", b"BT 1 0 0 1 /x 20 Tm ET"):
        assert not reader.parse_content(other, doc).upright_text, other


def test_a_larger_size_after_the_same_state_is_reported_with_or_without_the_upright_shortcut():
    """The walker skips reading each Tm only where the stream says every Tm keeps text upright; a Tm
    that scales the text starts a new text event, as before."""
    from layout.preflight import content as walk

    stream = (b"BT /F1 9 Tf 0 0 0 1 k 1 0 0 1 10 20 Tm <00> Tj 1 0 0 1 10 30 Tm <01> Tj "
              b"0.1 0 0 0.1 10 40 Tm <02> Tj ET")

    def events(data: bytes) -> list:
        doc = _doc()
        resources = reader.PdfDict()
        page = reader.ReadPage(reader.PdfDict({"/Resources": resources}), doc)
        original = reader.content_of
        try:
            reader.content_of = lambda obj, doc: data
            return [(e.kind, e.at, round(e.size, 3)) for e in walk.page_events(page)]
        finally:
            reader.content_of = original

    found = events(stream)
    assert [e for e in found if e[0] == "text"] == [("text", (10.0, 20.0), 9.0), ("text", (10.0, 40.0), 0.9)]
    upright = stream.replace(b"0.1 0 0 0.1 10 40 Tm", b"1 0 0 1 10 40 Tm")
    assert [e for e in events(upright) if e[0] == "text"] == [("text", (10.0, 20.0), 9.0)]


def _objects_by_tokens(data: bytes) -> dict:
    return _objects_quick(data, quick=False)


def _file_objects(doc) -> dict:
    def shown(value, depth=0):
        if isinstance(value, reader.PdfStream):
            return ("stream", value.objgen, value.raw, shown(value.stream_dict, depth + 1))
        if isinstance(value, (reader.PdfDict, reader.PdfArray)) and (value.is_indirect and depth or depth > 20):
            return ("indirect", value.objgen)
        if isinstance(value, reader.PdfDict):
            return ("dict", value.objgen, {k: shown(v, depth + 1) for k, v in value.items()})
        if isinstance(value, reader.PdfArray):
            return ("array", value.objgen, [shown(v, depth + 1) for v in value])
        return _plain(value)
    return {key: shown(value) for key, value in doc.objects.items()} | {"trailer": shown(doc.trailer)}


def _objects_quick(data: bytes, quick: bool = True) -> dict:
    """The file's objects, or why it is declined (as open_pdf says it)."""
    try:
        return _file_objects(reader.ReadFile(data, quick))
    except reader.Declined as exc:
        return {"declined": str(exc)}
    except (reader.PdfError, ValueError, IndexError, StopIteration, KeyError) as exc:
        return {"declined": f"{exc.__class__.__name__}: {exc}"}


def test_the_quick_object_path_reads_every_sample_file_as_token_by_token_does(rendered):
    for path in rendered:
        data = path.read_bytes()
        assert _objects_quick(data) == _objects_by_tokens(data), path


def _one_object_file(body: bytes) -> bytes:
    """A file of a catalog, a page tree of one page and the object ``body`` (number 4), with its table."""
    return _pdf_file([b"<</Type /Catalog /Pages 2 0 R>>", b"<</Type /Pages /Kids [3 0 R] /Count 1>>",
                      b"<</Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] /Resources <<>> /X 4 0 R>>", body])


def _pdf_file(objects: list[bytes]) -> bytes:
    """A PDF 1.3 file of ``objects`` (numbered from 1, the first the catalog) with a right table."""
    out, offsets = bytearray(b"%PDF-1.3\n"), []
    for number, text in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + text + b"\nendobj\n"
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<</Size %d /Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, table)
    return bytes(out)


@pytest.mark.parametrize("body", [
    b"<</A 1 /B -2.5 /C [1 2 0 R 3] /D (x \\(y\\) z) /E <414> /F true /G null /H 9 0 R>>",
    b"[/a/b<00>(s)[1[2]]<</K 3 0 R>>]", b"12", b"/Name", b"(string)", b"null", b"<<>>",
    b"<</Length 5>>\nstream\nabcde\nendstream",
    b"<</Length 5>>\r\nstream\r\nab\ncd\nendstream",
    # Read token by token, or declined, as before the quick path:
    b"<</Upstream 1>>", b"<</T (endobj)>>", b"<</T (stream)>>", b"12endobj", b"3 0 R", b"<</A 1 /B>>",
    b"<</A#20B 1>>", b"<</A 1 % note\n>>", b"<</A <00 ff>>>", b"<</A ((((x))))>>", b"<</1 2>>", b"1 2",
    b"<</Length 5>>stream\nabcde\nendstream", b"<</Length 9>>\nstream\nabcde\nendstream",
    b"<</Length 5>>\nstreamX\nabcde\nendstream", b"<</Length 2 0 R>>\nstream\nabcde\nendstream",
    b"[1 +2 0 R]", b"<</A [1 2]] >>", b"<</A 1>> >>",
    b"[1+2]", b"<</A 1.2.3>>", b"<</A 1_0>>", b"[1e5 -]", b"[1 0 Rx]", b"[true1 <00>1 (a)1 /a#]", b"+ 1",
])
def test_an_object_reads_the_same_by_the_quick_path(body):
    data = _one_object_file(body)
    assert _objects_quick(data) == _objects_by_tokens(data)


def test_a_damaged_table_is_declined_by_either_path(rendered):
    data = rendered[0].read_bytes()
    start = int(data[data.rfind(b"startxref") + 9:].split()[0])
    count = int(data[start:start + 40].split()[2])
    short = data[:start] + data[start:].replace(b"xref\n0 %d" % count, b"xref\n0 %d" % (count + 1), 1)
    with pytest.raises(reader.Declined):
        reader.ReadFile(short)


def test_the_own_signature_parts_what_the_rules_see_as_the_full_one_does(rendered):
    """Two pages share remembered results under the own reader's signature exactly when they do under
    the signature of the values (which any reader gives)."""
    by_own, by_value = {}, {}
    for path in rendered:
        for page in reader.ReadFile(path.read_bytes()).pages:
            resources = page.obj.get("/Resources")
            parts = [preflight._signature(page.obj.get("/Contents", reader.PdfArray()))]
            parts += ["Font:" + ",".join(sorted(resources.Font.keys())) if key == "/Font"
                      else key + ":" + preflight._signature(resources[key]) for key in sorted(resources.keys())]
            value = "|".join(parts)
            own = preflight._page_signature(page)
            assert by_own.setdefault(own, value) == value and by_value.setdefault(value, own) == own
    assert len(by_own) < sum(len(reader.ReadFile(p.read_bytes()).pages) for p in rendered)   # some shared


def test_the_own_signature_tells_apart_values_that_print_alike():
    doc = _doc()
    name, string = reader.PdfName, reader.PdfString
    values = [1, 1.0, True, None, name("/1"), string(b"1"), string(b"/1"), b"1",
              reader.PdfArray([1, reader.PdfArray([2])]), reader.PdfArray([reader.PdfArray([1]), 2]),
              reader.PdfArray([1, 2]), reader.PdfArray([12]), reader.PdfArray([name("/A"), name("/B")]),
              reader.PdfArray([name("/A/B")]), reader.PdfDict({name("/A"): name("/B")}),
              reader.PdfDict({name("/A"): reader.PdfArray([name("/B")])}), reader.PdfDict({name("/AB"): 1}),
              reader.PdfDict({name("/A"): 1, name("/B"): 2}), reader.PdfDict({name("/A"): reader.PdfDict()}),
              reader.PdfDict({name("/Length"): 3}), reader.PdfDict()]
    signatures = [preflight._own_signature(v, doc) for v in values]
    # Only /Length is left out (as the full signature leaves it out): that dictionary reads as empty.
    assert len(set(signatures)) == len(values) - 1
    assert signatures[-1] == signatures[-2]


def test_check_with_figures_is_check_and_page_figures(rendered, tmp_path):
    source = next(p for p in rendered if p.name.endswith("-01-hans.pdf"))
    damaged = tmp_path / "damaged.pdf"                  # declined by the own reader: pikepdf reads it
    damaged.write_bytes(source.read_bytes().replace(b"%PDF-1.3\n", b"%PDF-1.4\r", 1))
    for path in (*rendered, damaged):
        for own in (True, False):
            _forget()
            together = preflight.check_with_figures(path, preflight.Limits(), own_reader=own)
            _forget()
            assert together == (preflight.check(path, preflight.Limits(), own_reader=own),
                                preflight.page_figures(path, preflight.Limits(), own_reader=own)), path


def test_the_shops_report_is_what_a_fresh_check_of_the_files_in_place_finds(rendered):
    """The render checks each file once, as it is written, and reports what it found: the same as
    pikepdf's check of the files where they are now."""
    import json
    from dataclasses import asdict

    for folder in sorted({p.parent for p in rendered if (p.parent / "preflight.json").exists()}):
        report = json.loads((folder / "preflight.json").read_text(encoding="utf-8"))
        limits = preflight.Limits(**report["limits"])
        for entry in report["files"]:
            _forget()
            findings, pages = preflight.check(folder / entry["file"], limits), \
                preflight.page_figures(folder / entry["file"], limits)
            assert entry["findings"] == json.loads(json.dumps([asdict(f) for f in findings]))
            assert entry["pages"] == json.loads(json.dumps([asdict(p) for p in pages]))


def test_the_report_writes_findings_and_figures_as_asdict_would(rendered):
    """The shop's report turns findings, figures and limits into JSON without asdict's deep copies:
    the same JSON, on findings of every kind (positions, pages, warnings) and pages with fonts and boxes."""
    import json
    from dataclasses import asdict

    from layout.app.delivery import _plain

    strict = preflight.Limits(ink_limit=100.0, warn_ppi=5000.0, min_ppi=4000.0)
    shown = 0
    for path in rendered[:4]:
        findings, pages = preflight.check_with_figures(path, strict)
        for value in (*findings, *pages, strict):
            assert json.dumps(_plain(value), ensure_ascii=False) == json.dumps(asdict(value), ensure_ascii=False)
        shown += len(findings)
    assert shown > 0


def _page_file(page: bytes, content: bytes) -> bytes:
    """A file of one page (``page``: more of its dictionary) whose content stream is ``content``,
    uncompressed, with its table: offsets right, so only what is written decides."""
    objects = [b"<</Type /Catalog /Pages 2 0 R>>", b"<</Type /Pages /Kids [3 0 R] /Count 1>>",
               b"<</Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /TrimBox [5 5 95 95] /Contents 4 0 R "
               b"/Resources <</ExtGState <</G 5 0 R>>>> " + page + b">>",
               b"<</Length %d>>\nstream\n" % len(content) + content + b"\nendstream",
               b"<</Type /ExtGState /OP false>>"]
    return _pdf_file(objects)


@pytest.mark.parametrize("page,content", [
    (b"", b"0 0 0 1 k 10 10 20 20 re f"),                     # as the engine writes: read by the own reader
    # A number in a form PDF does not have (Python's float reads it): an operator to pikepdf.
    (b"", b"0 0 0 1 k 1.0e1 10 20 20 re f"), (b"", b"0 0 0 1 k 1_0 10 20 20 re f"),
    (b"", b"0 0 0 1 k +inf 10 20 20 re f"),
    (b"", b"<ff00 Tj 0 0 0 1 k"),                              # a hex string with no end
    # ID with no BI: pikepdf reads what follows as an inline image's data, not as instructions.
    (b"", b"0 0 0 1 k 10 10 20 20 re f ID 1 1 1 1 k 10 10 20 20 re f"),
    (b"/BleedBox [1e1 0 100 100]", b"0 0 0 1 k"), (b"/ArtBox [5 5 95 95.0e0]", b"0 0 0 1 k"),
    (b"/Rotate 1e1", b"0 0 0 1 k"), (b"/UserUnit [1 2 Rx]", b"0 0 0 1 k"),      # a bare word as a value
    (b"/X 9 0 R", b"0 0 0 1 k"),                                 # a reference to no object
    (b"/Resources <</Font <</F9 9 0 R>>>>", b"BT /F9 9 Tf (x) Tj ET"),
])
def test_what_the_own_reader_reads_it_reads_as_pikepdf_or_declines(tmp_path, page, content):
    path = tmp_path / "page.pdf"
    path.write_bytes(_page_file(page, content))
    _forget()
    own = preflight._check(path, preflight.Limits(), own=True, figures=True) \
        if not _declined_at_open(path) else None
    _forget()
    theirs = preflight._check(path, preflight.Limits(), own=False, figures=True)
    assert own is None or own == theirs
    if not page and content == b"0 0 0 1 k 10 10 20 20 re f":
        assert own is not None          # the engine's own kind of file is not declined


def _declined_at_open(path: Path) -> bool:
    try:
        reader.open_pdf(path)
    except reader.Declined:
        return True
    return False
