"""Tiny PDF/X-1a:2001 files for the preflight tests: one conforming page built object by object with
pikepdf, and makers that each break one rule of it (or keep to what ISO allows where the house is
stricter). Each maker writes its file at the path given and returns the path.

The conforming page: 300 × 300 pt MediaBox, BleedBox 20 pt in, TrimBox 30 pt in; a CMYK fill that
knocks out, 9 pt black text and a thin black rule overprinting (OPM 1), crop marks in the Separation
/All outside the bleed; the test font embedded as a subset TrueType font; Info with the PDF/X keys;
the output intent IFRA26 (registered at color.org) with ISOnewspaper26v4 embedded."""

from __future__ import annotations

import re
import zlib
from functools import cache
from pathlib import Path
from typing import Callable

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from testfont import build_test_font

ROOT = Path(__file__).resolve().parent.parent
ICC = ROOT / "layout" / "data" / "icc"
MEDIA, BLEED, TRIM = [0, 0, 300, 300], [20, 20, 280, 280], [30, 30, 270, 270]
WHITE_POINT = [0.9505, 1.0, 1.089]

BASE_CONTENT = b"""q /GSko gs 0.2 0.6 0.3 0 k 40 40 100 60 re f Q
q /GSop gs 0 0 0 1 k BT /F1 9 Tf 1 0 0 1 40 200 Tm (Preflight) Tj ET Q
q /GSop gs 0 0 0 1 K 0.5 w 40 180 m 260 180 l S Q
q /CSAll CS 1 SCN 0.25 w
0 30 m 15 30 l S 285 30 m 300 30 l S 0 270 m 15 270 l S 285 270 m 300 270 l S
30 0 m 30 15 l S 270 0 m 270 15 l S 30 285 m 30 300 l S 270 285 m 270 300 l S Q
"""


@cache
def _font_program(folder: str) -> bytes:
    return build_test_font(Path(folder) / "LayoutTest.ttf").read_bytes()


@cache
def _deflated(name: str) -> bytes:
    return zlib.compress((ICC / name).read_bytes())


def _profile_stream(pdf: pikepdf.Pdf, name: str = "ISOnewspaper26v4.icc", n: int = 4,
                    data: bytes | None = None) -> pikepdf.Stream:
    raw = zlib.compress(data) if data is not None else _deflated(name)
    stream = pikepdf.Stream(pdf, raw)
    stream.Filter, stream.N = Name.FlateDecode, n
    return stream


def _font(pdf: pikepdf.Pdf, folder: Path, embedded: bool = True) -> Dictionary:
    descriptor = Dictionary(Type=Name.FontDescriptor, FontName=Name("/ABCDEF+LayoutTest"), Flags=32,
                            FontBBox=[0, -200, 1000, 900], ItalicAngle=0, Ascent=900, Descent=-200,
                            CapHeight=700, StemV=80)
    if embedded:
        program = pikepdf.Stream(pdf, zlib.compress(_font_program(str(folder))))
        program.Filter, program.Length1 = Name.FlateDecode, len(_font_program(str(folder)))
        descriptor.FontFile2 = pdf.make_indirect(program)
    return pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.TrueType, BaseFont=Name("/ABCDEF+LayoutTest" if embedded else "/Helvetica"),
        FirstChar=32, LastChar=126, Widths=[250] + [500] * 94, Encoding=Name.WinAnsiEncoding,
        FontDescriptor=pdf.make_indirect(descriptor)))


def separation(name: Name, full: list[float]) -> Array:
    """A CMYK Separation colour space: ``name`` at full tint is ``full`` (C, M, Y, K)."""
    return Array([Name.Separation, name, Name.DeviceCMYK,
                  Dictionary(FunctionType=2, Domain=[0, 1], C0=[0, 0, 0, 0], C1=full, N=1)])


def registration_space() -> Array:
    return separation(Name.All, [1, 1, 1, 1])


def conforming(path: Path, *, content: bytes = b"", edit: Callable | None = None, version: str = "1.3",
               **save) -> Path:
    """The conforming page, ``content`` painted after its own, ``edit(pdf, page)`` applied last."""
    pdf = pikepdf.new()
    info = pdf.make_indirect(Dictionary(
        Title=String("preflight test page"), CreationDate=String("D:20211129000000+08'00'"),
        ModDate=String("D:20211129000000+08'00'"), GTS_PDFXVersion=String("PDF/X-1:2001"),
        GTS_PDFXConformance=String("PDF/X-1a:2001"), Trapped=Name("/False")))
    pdf.trailer.Info = info
    intent = Dictionary(Type=Name.OutputIntent, S=Name.GTS_PDFX, OutputConditionIdentifier=String("IFRA26"),
                        OutputCondition=String("ISOnewspaper26v4, coldset newsprint"),
                        RegistryName=String("http://www.color.org"), Info=String("IFRA26"),
                        DestOutputProfile=pdf.make_indirect(_profile_stream(pdf)))
    pdf.Root.OutputIntents = Array([pdf.make_indirect(intent)])
    resources = Dictionary(
        Font=Dictionary(F1=_font(pdf, path.parent)),
        ExtGState=Dictionary(GSop=Dictionary(Type=Name.ExtGState, OP=True, op=True, OPM=1),
                             GSko=Dictionary(Type=Name.ExtGState, OP=False, op=False, OPM=0)),
        ColorSpace=Dictionary(CSAll=registration_space()))
    page = pikepdf.Page(Dictionary(Type=Name.Page, MediaBox=MEDIA, BleedBox=BLEED, TrimBox=TRIM,
                                   Resources=resources,
                                   Contents=pdf.make_stream(BASE_CONTENT + content)))
    pdf.pages.append(page)
    page = pdf.pages[0]
    if edit is not None:
        edit(pdf, page)
    pdf.save(path, **({"force_version": version, "deterministic_id": True} | save))
    return path


def _add(page, category: str, name: str, obj) -> None:
    resources = page.obj.Resources
    if category not in resources:
        resources[category] = Dictionary()
    resources[category][name] = obj


def _image(pdf, data: bytes, width: int, height: int, space, bits: int = 8, **keys) -> pikepdf.Stream:
    image = pikepdf.Stream(pdf, data)
    image.Type, image.Subtype = Name.XObject, Name.Image
    image.Width, image.Height, image.BitsPerComponent, image.ColorSpace = width, height, bits, space
    for key, value in keys.items():
        image[Name("/" + key)] = value
    return pdf.make_indirect(image)


def _form(pdf, content: bytes, resources: Dictionary | None = None, **keys) -> pikepdf.Stream:
    form = pikepdf.Stream(pdf, content)
    form.Type, form.Subtype, form.BBox = Name.XObject, Name.Form, [0, 0, 20, 20]
    form.Resources = resources if resources is not None else Dictionary()
    for key, value in keys.items():
        form[Name("/" + key)] = value
    return pdf.make_indirect(form)


def _space(family: str) -> Array:
    if family == "CalRGB":
        return Array([Name.CalRGB, Dictionary(WhitePoint=WHITE_POINT)])
    if family == "CalGray":
        return Array([Name.CalGray, Dictionary(WhitePoint=WHITE_POINT)])
    return Array([Name.Lab, Dictionary(WhitePoint=WHITE_POINT, Range=[-100, 100, -100, 100])])


def _icc_space(pdf) -> Array:
    return Array([Name.ICCBased, pdf.make_indirect(_profile_stream(pdf))])


def lzw(data: bytes) -> bytes:
    """LZW-encoded (PDF's LZWDecode) the simplest valid way: a clear code, one code per byte, the end
    code, all 9 bits wide (the table the decoder builds is never used, so never grows past 9 bits)."""
    codes = [256] + list(data) + [257]
    bits = "".join(f"{c:09b}" for c in codes)
    bits += "0" * (-len(bits) % 8)
    return int(bits, 2).to_bytes(len(bits) // 8, "big")


def _annotation(pdf, page, subtype: str, rect: list, **keys) -> Dictionary:
    appearance = _form(pdf, b"0 0 0 0.5 k 0 0 20 20 re f")
    appearance.BBox = [0, 0, 20, 20]
    annot = Dictionary(Type=Name.Annot, Subtype=Name("/" + subtype), Rect=rect, F=4,
                       AP=Dictionary(N=appearance))
    for key, value in keys.items():
        annot[Name("/" + key)] = value
    annot = pdf.make_indirect(annot)
    if "/Annots" not in page.obj:
        page.obj.Annots = Array()
    page.obj.Annots.append(annot)
    return annot


# --- one maker per defect -------------------------------------------------------------------------

def rgb_fill(path):
    return conforming(path, content=b"1 0 0 rg 50 50 20 20 re f\n")


def icc_fill(path):
    return conforming(path, content=b"/CSicc cs 0.1 0.2 0.3 0.4 scn 50 50 20 20 re f\n",
                      edit=lambda pdf, page: _add(page, "/ColorSpace", "/CSicc", _icc_space(pdf)))


def calrgb_stroke(path):
    return conforming(path, content=b"/CScal CS 0.2 0.3 0.4 SCN 2 w 50 50 m 90 90 l S\n",
                      edit=lambda pdf, page: _add(page, "/ColorSpace", "/CScal", _space("CalRGB")))


def calgray_text(path):
    return conforming(path, content=b"/CScal cs 0.3 sc BT /F1 9 Tf 50 100 Td (grey) Tj ET\n",
                      edit=lambda pdf, page: _add(page, "/ColorSpace", "/CScal", _space("CalGray")))


def lab_fill(path):
    return conforming(path, content=b"/CSlab cs 50 10 10 sc 50 50 20 20 re f\n",
                      edit=lambda pdf, page: _add(page, "/ColorSpace", "/CSlab", _space("Lab")))


def icc_image(path):
    def edit(pdf, page):
        _add(page, "/XObject", "/Im1", _image(pdf, bytes(16), 2, 2, _icc_space(pdf)))
    return conforming(path, content=b"q 0.5 0 0 0.5 60 60 cm /Im1 Do Q\n", edit=edit)


def rgb_inline_image(path):
    return conforming(path, content=b"q 0.5 0 0 0.5 60 60 cm BI /W 2 /H 2 /CS /RGB /BPC 8 /F /AHx ID "
                                    b"ff0000 00ff00 0000ff ffffff> EI Q\n")


def lab_shading(path):
    def edit(pdf, page):
        _add(page, "/Shading", "/Sh1", pdf.make_indirect(Dictionary(
            ShadingType=2, ColorSpace=_space("Lab"), Coords=[50, 50, 100, 50],
            Function=Dictionary(FunctionType=2, Domain=[0, 1], C0=[20, 0, 0], C1=[80, 0, 0], N=1))))
    return conforming(path, content=b"q 50 50 50 20 re W n /Sh1 sh Q\n", edit=edit)


def rgb_tiling_pattern(path):
    def edit(pdf, page):
        cell = _form(pdf, b"1 0 0 rg 0 0 5 5 re f")
        del cell.Type, cell.Subtype
        cell.PatternType, cell.PaintType, cell.TilingType = 1, 1, 1
        cell.BBox, cell.XStep, cell.YStep = [0, 0, 10, 10], 10, 10
        _add(page, "/Pattern", "/P1", cell)
    return conforming(path, content=b"/Pattern cs /P1 scn 50 50 40 40 re f\n", edit=edit)


def icc_shading_pattern(path):
    def edit(pdf, page):
        shading = Dictionary(ShadingType=2, ColorSpace=_icc_space(pdf), Coords=[0, 0, 40, 0],
                             Function=Dictionary(FunctionType=2, Domain=[0, 1], C0=[0, 0, 0, 0],
                                                 C1=[0, 0, 0, 1], N=1))
        _add(page, "/Pattern", "/P1", pdf.make_indirect(Dictionary(PatternType=2, Shading=shading)))
    return conforming(path, content=b"/Pattern cs /P1 scn 50 50 40 40 re f\n", edit=edit)


def rgb_form(path):
    return conforming(path, content=b"q 1 0 0 1 50 50 cm /Fm1 Do Q\n",
                      edit=lambda pdf, page: _add(page, "/XObject", "/Fm1",
                                                  _form(pdf, b"0 1 0 rg 0 0 10 10 re f")))


def rgb_annotation_appearance(path):
    def edit(pdf, page):
        annot = _annotation(pdf, page, "Square", [0, 282, 18, 299])   # outside the bleed: allowed
        annot.AP.N.write(b"0 0 1 rg 0 0 20 20 re f")
    return conforming(path, edit=edit)


def rgb_separation_alternate(path):
    def edit(pdf, page):
        _add(page, "/ColorSpace", "/CSspot", Array([
            Name.Separation, Name("/PANTONE 185 C"), Name.DeviceRGB,
            Dictionary(FunctionType=2, Domain=[0, 1], C0=[1, 1, 1], C1=[0.9, 0.1, 0.2], N=1)]))
    return conforming(path, content=b"/CSspot cs 1 scn 50 50 20 20 re f\n", edit=edit)


def devicen_ink(path):
    def edit(pdf, page):
        identity = pikepdf.Stream(pdf, b"{}")
        identity.FunctionType, identity.Domain, identity.Range = 4, [0, 1] * 4, [0, 1] * 4
        _add(page, "/ColorSpace", "/CSn", Array([Name.DeviceN, [Name.Cyan, Name.Magenta, Name.Yellow, Name.Black],
                                                 Name.DeviceCMYK, pdf.make_indirect(identity)]))
    return conforming(path, content=b"q /GSko gs /CSn cs 1 1 1 0.5 scn 50 50 20 20 re f Q\n", edit=edit)


def separation_ink(path):
    def edit(pdf, page):
        _add(page, "/ColorSpace", "/CSbrown", separation(Name("/Dark Brown"), [0.9, 0.9, 0.9, 0.2]))
    return conforming(path, content=b"q /GSko gs /CSbrown cs 1 scn 50 50 20 20 re f Q\n", edit=edit)


def separation_image_ink(path):
    def edit(pdf, page):
        brown = separation(Name("/Dark Brown"), [0.9, 0.9, 0.9, 0.2])
        _add(page, "/XObject", "/Im1", _image(pdf, bytes([0, 128, 255, 10]), 2, 2, brown))
    return conforming(path, content=b"q 0.5 0 0 0.5 60 60 cm /Im1 Do Q\n", edit=edit)


def registration_inside_trim(path):
    return conforming(path, content=b"q /CSAll cs 1 scn 100 100 10 10 re f Q\n")


def white_overprint(path):
    return conforming(path, content=b"q /GSop gs 0 0 0 0 k 60 60 30 30 re f Q\n")


def annotation_in_bleed(path):
    return conforming(path, edit=lambda pdf, page: _annotation(pdf, page, "Square", [100, 100, 150, 150]))


def javascript(path):
    def edit(pdf, page):
        action = pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=String("app.alert('hi')")))
        pdf.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([String("hello"), action])))
    return conforming(path, edit=edit)


def open_action(path):
    return conforming(path, edit=lambda pdf, page: setattr(pdf.Root, "OpenAction", Dictionary(
        S=Name.URI, URI=String("https://example.com/"))))


def page_additional_action(path):
    return conforming(path, edit=lambda pdf, page: setattr(page.obj, "AA", Dictionary(
        O=Dictionary(S=Name.Named, N=Name.NextPage))))


def uri_link(path):
    return conforming(path, edit=lambda pdf, page: _annotation(
        pdf, page, "Link", [0, 0, 15, 15], A=Dictionary(S=Name.URI, URI=String("https://example.com/"))))


def embedded_file(path):
    def edit(pdf, page):
        data = pdf.make_stream(b"hello")
        data.Type = Name.EmbeddedFile
        spec = pdf.make_indirect(Dictionary(Type=Name.Filespec, F=String("a.txt"), EF=Dictionary(F=data)))
        pdf.Root.Names = Dictionary(EmbeddedFiles=Dictionary(Names=Array([String("a.txt"), spec])))
    return conforming(path, edit=edit)


def object_streams(path):
    # qpdf writes object streams only for PDF 1.5: written so, then given a 1.3 header (same length).
    conforming(path, object_stream_mode=pikepdf.ObjectStreamMode.generate, force_version="1.5")
    data = path.read_bytes()
    path.write_bytes(data.replace(b"%PDF-1.5", b"%PDF-1.3", 1))
    return path


def catalog_version(path):
    return conforming(path, edit=lambda pdf, page: setattr(pdf.Root, "Version", Name("/1.4")))


def header_1_4(path):
    return conforming(path, version="1.4")


def jpx_image(path):
    def edit(pdf, page):
        _add(page, "/XObject", "/Im1", _image(pdf, b"\x00\x00\x00\x0cjP  \r\n\x87\n", 2, 2, Name.DeviceGray,
                                              Filter=Name.JPXDecode))
    return conforming(path, content=b"q 0.5 0 0 0.5 60 60 cm /Im1 Do Q\n", edit=edit)


def sixteen_bit_image(path):
    def edit(pdf, page):
        _add(page, "/XObject", "/Im1", _image(pdf, bytes(8), 2, 2, Name.DeviceGray, bits=16))
    return conforming(path, content=b"q 0.5 0 0 0.5 60 60 cm /Im1 Do Q\n", edit=edit)


def lzw_content(path):
    def edit(pdf, page):
        extra = pikepdf.Stream(pdf, lzw(b"q 0 0 0 0.4 k 200 40 20 20 re f Q"))
        extra.Filter = Name.LZWDecode
        page.obj.Contents = Array([page.obj.Contents, pdf.make_indirect(extra)])
    # Saved as it is: qpdf would otherwise decode the LZW and write it deflated.
    return conforming(path, edit=edit, stream_decode_level=pikepdf.StreamDecodeLevel.none, compress_streams=False)


def no_trailer_id(path):
    conforming(path)
    data = path.read_bytes()
    trailer = data.rindex(b"trailer")
    # Blanked, not cut: the cross-reference offsets before the trailer stay right.
    data = data[:trailer] + re.sub(rb"/ID\s*\[[^\]]*\]", lambda m: b" " * len(m.group()), data[trailer:])
    path.write_bytes(data)
    return path


def transfer_function(path):
    def edit(pdf, page):
        _add(page, "/ExtGState", "/GStr", Dictionary(Type=Name.ExtGState, TR=Dictionary(
            FunctionType=2, Domain=[0, 1], C0=[0], C1=[1], N=0.8)))
    return conforming(path, content=b"q /GStr gs 0 0 0 0.5 k 60 60 20 20 re f Q\n", edit=edit)


def halftone_type_6(path):
    def edit(pdf, page):
        screen = pikepdf.Stream(pdf, bytes(range(4)))
        screen.Type, screen.HalftoneType, screen.Width, screen.Height = Name.Halftone, 6, 2, 2
        _add(page, "/ExtGState", "/GSht", Dictionary(Type=Name.ExtGState, HT=pdf.make_indirect(screen)))
    return conforming(path, content=b"q /GSht gs 0 0 0 0.5 k 60 60 20 20 re f Q\n", edit=edit)


def postscript_xobject(path):
    def edit(pdf, page):
        ps = pikepdf.Stream(pdf, b"% PostScript\n0 setgray")
        ps.Type, ps.Subtype = Name.XObject, Name.PS
        _add(page, "/XObject", "/PS1", pdf.make_indirect(ps))
    return conforming(path, content=b"/PS1 Do\n", edit=edit)


def opi_form(path):
    def edit(pdf, page):
        opi = Dictionary(Type=Name.OPI, Version=1.3, F=String("hires.tif"), Size=[100, 100],
                         CropRect=[0, 0, 100, 100], Position=[0, 0, 0, 20, 20, 20, 20, 0])
        _add(page, "/XObject", "/Fm1", _form(pdf, b"0 0 0 0.3 k 0 0 20 20 re f", OPI=Dictionary({"/1.3": opi})))
    return conforming(path, content=b"q 1 0 0 1 60 60 cm /Fm1 Do Q\n", edit=edit)


def image_alternates(path):
    def edit(pdf, page):
        alternate = _image(pdf, bytes(4), 2, 2, Name.DeviceGray)
        _add(page, "/XObject", "/Im1", _image(pdf, bytes(4), 2, 2, Name.DeviceGray, Alternates=Array([
            Dictionary(Image=alternate, DefaultForPrinting=True)])))
    return conforming(path, content=b"q 0.5 0 0 0.5 60 60 cm /Im1 Do Q\n", edit=edit)


def trim_and_art_box(path):
    return conforming(path, edit=lambda pdf, page: setattr(page.obj, "ArtBox", TRIM))


def truncated_profile(path):
    def edit(pdf, page):
        whole = (ICC / "ISOnewspaper26v4.icc").read_bytes()
        pdf.Root.OutputIntents[0].DestOutputProfile = pdf.make_indirect(
            _profile_stream(pdf, data=whole[:len(whole) // 2]))
    return conforming(path, edit=edit)


def input_class_profile(path):
    def edit(pdf, page):
        data = bytearray((ICC / "ISOnewspaper26v4.icc").read_bytes())
        data[12:16] = b"scnr"     # an input (scanner) profile: it describes no press
        pdf.Root.OutputIntents[0].DestOutputProfile = pdf.make_indirect(_profile_stream(pdf, data=bytes(data)))
    return conforming(path, edit=edit)


def grey_output_profile(path):
    def edit(pdf, page):
        pdf.Root.OutputIntents[0].DestOutputProfile = pdf.make_indirect(
            _profile_stream(pdf, "ISOnewspaper26v4_gr.icc", n=1))
    return conforming(path, edit=edit)


def hairline(path):
    return conforming(path, content=b"q /GSop gs 0 0 0 1 K 0.05 w 50 150 m 200 150 l S Q\n")


def small_text(path):
    return conforming(path, content=b"q /GSop gs 0 0 0 1 k BT /F1 4 Tf 1 0 0 1 50 100 Tm (tiny) Tj ET Q\n")


def small_text_by_matrix(path):
    # As InDesign writes text: 1 pt fonts scaled by the text matrix, a new size without a new Tf.
    return conforming(path, content=b"q /GSop gs 0 0 0 1 k BT /F1 1 Tf 9 0 0 9 50 100 Tm (nine) Tj "
                                    b"4 0 0 4 50 90 Tm (four) Tj ET Q\n")


def proof(path):
    return conforming(path, edit=lambda pdf, page: setattr(pdf.trailer.Info, "LayoutProof", True))


def no_output_intent(path):
    return conforming(path, edit=lambda pdf, page: delattr(pdf.Root, "OutputIntents"))


def unregistered_condition_without_profile(path):
    def edit(pdf, page):
        intent = pdf.Root.OutputIntents[0]
        del intent.DestOutputProfile, intent.RegistryName
        intent.OutputConditionIdentifier = String("Custom")
    return conforming(path, edit=edit)


def pdfx_key_missing(path):
    return conforming(path, edit=lambda pdf, page: delattr(pdf.trailer.Info, "GTS_PDFXConformance"))


def conformance_level_as_version(path):
    # GTS_PDFXVersion names the part ("PDF/X-1:2001"); the level goes in GTS_PDFXConformance.
    return conforming(path, edit=lambda pdf, page: setattr(pdf.trailer.Info, "GTS_PDFXVersion",
                                                           String("PDF/X-1a:2001")))


def no_trim_box(path):
    return conforming(path, edit=lambda pdf, page: delattr(page.obj, "TrimBox"))


def unembedded_font(path):
    return conforming(path, edit=lambda pdf, page: setattr(page.obj.Resources.Font, "F1",
                                                           _font(pdf, path.parent, embedded=False)))


def alpha(path):
    return conforming(path, content=b"q /GSa gs 0 0 0 0.5 k 60 60 20 20 re f Q\n",
                      edit=lambda pdf, page: _add(page, "/ExtGState", "/GSa", Dictionary(ca=0.5)))


def low_resolution_image(path):
    return conforming(path, content=b"q 100 0 0 100 60 60 cm /Im1 Do Q\n", edit=lambda pdf, page: _add(
        page, "/XObject", "/Im1", _image(pdf, bytes(16), 2, 2, Name.DeviceCMYK)))


def black_text_knocking_out(path):
    return conforming(path, content=b"q /GSko gs 0 0 0 1 k BT /F1 9 Tf 1 0 0 1 50 100 Tm (knockout) Tj ET Q\n")


def cmyk_ink(path):
    return conforming(path, content=b"q /GSko gs 1 1 1 0.5 k 60 60 20 20 re f Q\n")


def encrypted(path):
    return conforming(path, encryption=pikepdf.Encryption(owner="owner", user="", R=2, aes=False, metadata=False),
                      deterministic_id=False, static_id=True)


def not_a_pdf(path):
    path.write_bytes(b"%PDF-1.3\nthis is not a PDF at all\n")
    return path


def unknown_operator(path):
    return conforming(path, content=b"q 1 2 zz Q\n")


def pre_separated(path):
    return conforming(path, edit=lambda pdf, page: setattr(page.obj, "SeparationInfo", Dictionary(
        Pages=Array([page.obj]), DeviceColorant=Name.Cyan)))


def default_cmyk_icc(path):
    return conforming(path, edit=lambda pdf, page: _add(page, "/ColorSpace", "/DefaultCMYK", _icc_space(pdf)))


# --- conforming controls: what ISO allows ---------------------------------------------------------

def type3_font(path):
    def edit(pdf, page):
        glyph = pdf.make_stream(b"1000 0 0 0 800 800 d1 0 0 800 800 re f")
        page.obj.Resources.Font.T3 = pdf.make_indirect(Dictionary(
            Type=Name.Font, Subtype=Name.Type3, FontBBox=[0, 0, 800, 800], FontMatrix=[0.001, 0, 0, 0.001, 0, 0],
            CharProcs=Dictionary(square=glyph), Encoding=Dictionary(Type=Name.Encoding, Differences=[65,
                                                                                                   Name.square]),
            FirstChar=65, LastChar=65, Widths=[1000], Resources=Dictionary()))
    return conforming(path, content=b"q /GSop gs 0 0 0 1 k BT /T3 12 Tf 1 0 0 1 50 120 Tm (AAA) Tj ET Q\n",
                      edit=edit)


def art_box_only(path):
    def edit(pdf, page):
        page.obj.ArtBox = TRIM
        del page.obj.TrimBox
    return conforming(path, edit=edit)


def registered_condition_without_profile(path):
    return conforming(path, edit=lambda pdf, page: delattr(pdf.Root.OutputIntents[0], "DestOutputProfile"))


def slug_line(path):
    """The engine's slug line: text in registration colour and in black, below the bleed."""
    return conforming(path, content=b"q /CSAll cs 1 scn BT /F1 6 Tf 1 0 0 1 30 8 Tm (IFRA26 page 1) Tj ET Q\n"
                                    b"q /GSop gs 0 0 0 1 k BT /F1 6 Tf 1 0 0 1 160 8 Tm (2021-11-29) Tj ET Q\n")


def spot_colour_within_limit(path):
    def edit(pdf, page):
        _add(page, "/ColorSpace", "/CSspot", separation(Name("/PANTONE 185 C"), [0, 0.9, 0.8, 0]))
    return conforming(path, content=b"q /GSko gs /CSspot cs 1 scn 50 50 20 20 re f Q\n", edit=edit)


def indexed_cmyk_image(path):
    def edit(pdf, page):
        palette = String(bytes([0, 0, 0, 0, 0, 200, 180, 0]))
        _add(page, "/XObject", "/Im1", _image(pdf, bytes([0, 1, 1, 0]), 2, 2,
                                              Array([Name.Indexed, Name.DeviceCMYK, 1, palette])))
    return conforming(path, content=b"q 0.5 0 0 0.5 60 60 cm /Im1 Do Q\n", edit=edit)
