"""The PDF writer: TrueType subsets, the font tables' named layouts, cmap lookups, PDF objects, the
content stream's operators and remembered state, fonts and pages shared between the page files and
the whole-issue file, and preflight's memory of what it has already decided."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pikepdf
import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont

from layout.preflight import rules as preflight
from layout.fonts.subset import HEAD, HHEA, MAXP, FontProgram, _checksum
from layout.fonts.faces import FONT_DIR, DEFAULT_FACES, Advances, load_face
from layout.pdf.content import ContentStream
from layout.pdf.objects import Document, Name, Stream, number, serialise, text_string

from conftest import ROOT
from pdfscan import page_texts
from test_hardening import run, story_issue


def _square(size: int):
    pen = TTGlyphPen(None)
    pen.moveTo((50, 0))
    pen.lineTo((50, size))
    pen.lineTo((size, size))
    pen.lineTo((size, 0))
    pen.closePath()
    return pen.glyph()


def composite_font(path: Path) -> Path:
    """Four glyphs; 'both' is a composite of 'a' and 'b', so subsetting 'both' must keep them."""
    fb = FontBuilder(1000, isTTF=True)
    order = [".notdef", "a", "b", "both"]
    fb.setupGlyphOrder(order)
    fb.setupCharacterMap({0x41: "a", 0x42: "b", 0x43: "both"})
    simple = {".notdef": _square(500), "a": _square(300), "b": _square(350)}
    pen = TTGlyphPen(simple)
    pen.addComponent("a", (1, 0, 0, 1, 0, 0))
    pen.addComponent("b", (1, 0, 0, 1, 400, 0))
    fb.setupGlyf({**simple, "both": pen.glyph()})
    fb.setupHorizontalMetrics({".notdef": (600, 50), "a": (400, 50), "b": (450, 50), "both": (850, 50)})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": "Composite Test", "styleName": "Regular", "psName": "CompositeTest-Regular"})
    fb.setupOS2()
    fb.setupPost()
    fb.save(str(path))
    return path


def _outline(font: TTFont, gid: int):
    """Contours and component glyph numbers (the subset has no glyph names: post format 3)."""
    glyph = font["glyf"][font.getGlyphName(gid)]
    return glyph.numberOfContours, [font.getGlyphID(c.glyphName) for c in getattr(glyph, "components", [])]


def test_subset_keeps_used_outlines_and_components_and_empties_the_rest(tmp_path):
    path = composite_font(tmp_path / "c.ttf")
    program = FontProgram(path)
    assert program.name == "CompositeTest-Regular"
    data = program.subset({3})                                      # 'both' only
    assert _checksum(data) == 0xB1B0AFBA                            # whole-file checksum per the spec
    subset = TTFont(io.BytesIO(data), checkChecksums=2)             # every table checksum right too
    original = TTFont(path)
    assert len(subset.getGlyphOrder()) == len(original.getGlyphOrder())   # glyph numbers are kept
    for gid in (3, 1, 2, 0):                                        # used, its components, .notdef
        assert _outline(subset, gid) == _outline(original, gid)
        assert subset["hmtx"][subset.getGlyphName(gid)] == original["hmtx"][original.getGlyphName(gid)]
    only_b = TTFont(io.BytesIO(program.subset({2})))
    assert [_outline(only_b, gid)[0] for gid in range(4)] == [1, 0, 1, 0]
    # The post table as the specification lays it out: 32 bytes, not a fixed-pitch font.
    post = subset["post"]
    assert len(subset.reader["post"]) == 32
    assert (post.formatType, post.underlinePosition, post.underlineThickness, post.isFixedPitch) == (3.0, -100, 50, 0)


def test_table_layouts_read_the_fields_fonttools_reads(tmp_path):
    path = composite_font(tmp_path / "c.ttf")
    program = FontProgram(path)
    font = TTFont(path)
    head, hhea = HEAD.unpack(program.head), HHEA.unpack(program.hhea)
    for field in ("checkSumAdjustment", "magicNumber", "unitsPerEm", "xMin", "yMin", "xMax", "yMax",
                  "indexToLocFormat", "glyphDataFormat"):
        assert getattr(head, field) == getattr(font["head"], field), field
    for field in ("ascent", "descent", "advanceWidthMax", "numberOfHMetrics"):
        assert getattr(hhea, field) == getattr(font["hhea"], field), field
    assert MAXP.unpack(program.maxp).numGlyphs == font["maxp"].numGlyphs == program.glyph_count
    assert (HEAD.size, HHEA.size) == (54, 36)                       # the specification's sizes
    head_bytes = bytearray(program.head)
    HEAD.write(head_bytes, "indexToLocFormat", 1)
    assert HEAD.read(head_bytes, "indexToLocFormat") == 1 and head_bytes[:50] == program.head[:50]
    subset = TTFont(io.BytesIO(program.subset({1})))
    assert subset["head"].indexToLocFormat == 1                     # the subset's loca is long
    assert subset["cmap"].getcmap(3, 1).cmap == {}                  # and its cmap is the empty stub


def test_cmap_lookup_agrees_with_fonttools_for_every_face(test_face):
    paths = [test_face.path] + [FONT_DIR / name for name in DEFAULT_FACES.values()]
    for path in paths:
        program = FontProgram(path)
        font = TTFont(path, lazy=True)
        order = font.getReverseGlyphMap()
        cmap = font.getBestCmap()
        assert all(program.glyph(cp) == order[name] for cp, name in cmap.items()), path.name
        absent = next(cp for cp in range(0x4E00, 0x10000) if cp not in cmap) if len(cmap) < 30000 else 0x10FFFF
        assert program.glyph(absent) == 0 and program.glyph(0x10FFFF) == 0


def test_advance_table_reads_like_the_fonts_own_metrics():
    path = FONT_DIR / DEFAULT_FACES["song"]
    font = TTFont(path, lazy=True)
    upem = font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    expected = {cp: metrics[name][0] / upem for cp, name in font.getBestCmap().items()}
    face = load_face(path, "song")
    assert len(face.advances) == len(expected) and sorted(face.advances) == sorted(expected)
    assert all(face.advances[cp] == width for cp, width in expected.items())
    missing = next(cp for cp in range(0xE000, 0xF900) if cp not in expected)
    assert missing not in face.advances and face.advances.get(missing) is None
    with pytest.raises(KeyError):
        face.advances[missing]
    again = Advances.load(face.advances.dump())
    assert all(again[cp] == face.advances[cp] for cp in list(expected)[::97])


def test_pdf_objects_are_written_exactly():
    assert number(1.5) == "1.5" and number(-0.00001) == "0" and number(2.0) == "2" and number(7) == "7"
    assert number(0.123456) == "0.1235"
    assert text_string("Page (1)\\") == b"(Page \\(1\\)\\\\)"
    assert text_string("徐匯") == b"<FEFF" + "徐匯".encode("utf-16-be").hex().upper().encode() + b">"
    assert serialise({"Type": Name("Page"), "Kids": [1, 2.5, True, None]}) == \
        b"<</Type /Page\n/Kids [1 2.5 true null]\n>>"
    doc = Document()
    root, pages = doc.reserve(), doc.reserve()
    content = doc.add(Stream(b"0 0 0 1 k 0 0 10 10 re f"))
    page = doc.add({"Type": Name("Page"), "Parent": pages, "MediaBox": [0, 0, 10, 10], "Resources": {},
                    "Contents": content})
    doc.add({"Type": Name("Pages"), "Kids": [page], "Count": 1}, pages)
    doc.add({"Type": Name("Catalog"), "Pages": pages}, root)
    data = doc.tobytes("1.3", root, doc.add({"Title": "t"}))
    with pikepdf.open(io.BytesIO(data)) as pdf:                     # offsets, xref and trailer are valid
        assert pdf.pdf_version == "1.3" and len(pdf.pages) == 1
        assert pdf.pages[0].Contents.read_bytes() == b"0 0 0 1 k 0 0 10 10 re f"
        assert not pdf.check_pdf_syntax()                           # qpdf finds nothing wrong
    with pytest.raises(ValueError, match="never written"):
        unfinished = Document()
        unfinished.reserve()
        unfinished.tobytes("1.3", root, root)


def test_content_stream_writes_state_only_where_it_must():
    """Overprint is remembered across the page; colour, font, Tc and Tz only within a text object
    (each text object sets its own); a rectangle's fill, stroke colour and line width every time."""
    c = ContentStream()
    c.set_overprint(True)
    c.set_fill_cmyk((0, 0, 0, 1))
    c.set_fill_cmyk((0, 0, 0, 1))
    with c.line():
        c.set_stroke_cmyk((0, 0.5, 0, 0))
        c.set_line_width(0.25)
    with c.line():
        c.rectangle(1, 2, 3.5, 4)
        c.fill_and_stroke()
    c.set_overprint(True)
    with c.line():
        c.set_dash((2, 1.5))
        c.move_to(0, 0)
        c.curve_to(1, 1, 2, 2, 3, 0)
        c.stroke()
        c.set_dash(())
    for _ in range(2):
        c.begin_text()
        for x in (10, 20):
            c.set_fill_cmyk((0.1, 0, 0, 0))
            c.set_font("F-song", 9.5)
            c.set_char_space(0.2)
            c.set_horizontal_scale(0.9)
            c.set_text_matrix(1, 0, 0, 1, x, 5)
            c.show_text("中".encode("utf-16-be"))
        c.end_text()
    c.set_overprint(False)
    c.draw_image("Im1", 1, 2, 30, 40)
    assert c.tobytes().decode() == "\n".join([
        "/GSop gs", "0 0 0 1 k", "0 0 0 1 k", "0 0.5 0 0 K 0.25 w", "1 2 3.5 4 re B",
        "[2 1.5] 0 d 0 0 m 1 1 2 2 3 0 c S [] 0 d",
        *(["BT", "0.1 0 0 0 k", "/F-song 9.5 Tf", "0.2 Tc", "90 Tz", "1 0 0 1 10 5 Tm", "<4e2d> Tj",
           "1 0 0 1 20 5 Tm", "<4e2d> Tj", "ET"] * 2),
        "/GSko gs", "q 30 0 0 40 1 2 cm /Im1 Do Q", ""])


def test_issue_file_carries_the_page_files_pages_and_fonts_byte_for_byte(sample_render):
    *pages, whole = [f for f in sample_render.files]
    with pikepdf.open(whole) as issue:
        assert len(issue.pages) == len(pages)
        for n, path in enumerate(pages):
            with pikepdf.open(path) as page_file:
                ours, theirs = page_file.pages[0], issue.pages[n]
                assert ours.Contents.read_raw_bytes() == theirs.Contents.read_raw_bytes()
                for name, font in ours.Resources.Font.items():
                    other = theirs.Resources.Font[name]
                    assert str(font.BaseFont) == str(other.BaseFont)
                    program = font.DescendantFonts[0].FontDescriptor.FontFile2
                    assert program.read_raw_bytes() == \
                        other.DescendantFonts[0].FontDescriptor.FontFile2.read_raw_bytes()
        names = [str(f.BaseFont) for p in issue.pages for f in p.Resources.Font.values()]
        assert len(set(names)) == len({n.split("+")[1] for n in names})  # one subset name per face


def test_characters_beyond_the_bmp_are_set_and_read_back(tmp_path, real_fonts):
    rare = "".join(chr(cp) for cp in sorted(real_fonts.faces["song"].advances.beyond)[:3])
    assert all(ord(ch) > 0xFFFF for ch in rare)
    out = tmp_path / "out"
    result = run(["render", story_issue(tmp_path, f"本報訊 生僻字{rare}與常用字。"), "-o", out])
    assert result.exit_code == 0, result.output
    assert f"生僻字{rare}與常用字。" in "".join(page_texts(out / "20211129-01.pdf")[0].split())


def test_preflight_remembers_content_only_with_the_same_resources(sample_render, tmp_path):
    """The issue file's pages are checked once; a page with the same content stream but other
    resources (here: black text no longer overprinting) is checked again and fails."""
    page = sample_render.files[0]
    assert not preflight.errors(preflight.check(page))
    changed = tmp_path / "changed.pdf"
    with pikepdf.open(page) as pdf:
        pdf.pages[0].Resources.ExtGState.GSop.op = False
        pdf.pages[0].Resources.ExtGState.GSop.OP = False
        pdf.save(changed)
    findings = preflight.errors(preflight.check(changed))
    assert any(f.rule == "house/black-overprint" and "overprint" in f.message for f in findings)
    assert not preflight.errors(preflight.check(page))              # and the original still passes


def test_pressed_photo_cache_never_serves_another_photo(tmp_path, monkeypatch, real_fonts):
    """Two renders of the same issue with the photo file replaced in between: the second PDF
    carries the new photo, not the cached conversion of the old one."""
    from PIL import Image

    from layout.app.pipeline import render

    monkeypatch.setenv("LAYOUT_CACHE_DIR", str(tmp_path / "cache"))
    shutil.copytree(ROOT / "issues", tmp_path / "issues")
    photo = next((tmp_path / "issues" / "1650").glob("*.jpg"))
    first = render(tmp_path / "issues" / "1650.yaml", tmp_path / "a", fonts=real_fonts)
    with Image.open(photo) as im:
        im.convert("RGB").transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(photo, quality=90)
    second = render(tmp_path / "issues" / "1650.yaml", tmp_path / "b", fonts=real_fonts)

    def images(path):
        with pikepdf.open(path) as pdf:
            return [x.read_raw_bytes() for p in pdf.pages for x in p.Resources.get("/XObject", {}).values()]

    assert images(first.files[0]) and images(first.files[0]) != images(second.files[0])
    assert any((tmp_path / "cache" / "press").iterdir())
