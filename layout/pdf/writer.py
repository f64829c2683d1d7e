"""Display list → PDF/X-1a:2001, written directly (objects.py) with TrueType subsets (cidfont.py).

Takes the laid-out pages (``page.assemble``), the faces and the print settings. Hands on each page
drawn (``draw_page`` → ``PageContent``), the fonts for a set of pages (``prepare_fonts``) and the
file of a set of drawn pages (``write_document``) to the pipeline (app/pipeline.py).

Fonts are embedded as CIDFontType2 subsets, addressed by code point (Identity-H, so a run's bytes are
its text in UTF-16BE; the few characters beyond the BMP get codes in the surrogate range); colours
are DeviceCMYK only; black text, black fills and thin black rules overprint (op/OP true, OPM 1),
everything else knocks out; each page's MediaBox holds the trimmed page, its bleed and, where the
print settings ask for them, a slug with crop and registration marks (in the Separation /All, so
they print on every plate) outside the bleed.

Each page is drawn once, an item at a time, through a ``ContentStream`` (content.py: one method an
operator, and the state it remembers so as not to write it twice). Its content stream goes into the
page's own file and, unchanged, into the whole-issue file, whose font subsets cover all its pages.
Where the files go, under what names, and the preflight before each is put in place are the
pipeline's.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path

from ..page.assemble import IssueLayout, PageLayout
from ..fonts.faces import Face, FontSet
from ..page.items import BLACK, Picture, Rectangle, Rule, SuppliedPage, TextRun
from .press import PressImage, image_stream, pressed_photo
from .foreign import add_form, file_digest
from .cidfont import PreparedFont, add_font, encode, prepare
from .content import OVERPRINT_OFF, OVERPRINT_ON, ContentStream
from .objects import Document, Name, Stream, deflated
from ..base.standard import PDFX_CONFORMANCE, PDFX_VERSION
from .pdfx import pdf_date, output_intent

PRODUCER = "layout (徐匯報 print-layout engine)"
PROOF_MARKER = "LayoutProof"   # an Info key: the file is a proof, never for press
SLUG = 12 * 72 / 25.4     # room outside the bleed for the marks
MARK_LENGTH = 6 * 72 / 25.4
MARK_WIDTH = 0.25
OVERPRINT = {OVERPRINT_ON: {"Type": Name("ExtGState"), "op": True, "OP": True, "OPM": 1},
             OVERPRINT_OFF: {"Type": Name("ExtGState"), "op": False, "OP": False, "OPM": 0}}
ALL_PLATES_NAME = "CSAll"   # the marks' colour space, in the resources of a page that has marks
ALL_PLATES = [Name("Separation"), Name("All"), Name("DeviceCMYK"),
              {"FunctionType": 2, "Domain": [0, 1], "C0": [0, 0, 0, 0], "C1": [1, 1, 1, 1], "N": 1}]


def _is_black(color) -> bool:
    return color is not None and tuple(color) == BLACK


@dataclass
class PageContent:
    """One page drawn: its content stream and what the stream refers to."""

    number: int
    stream: Stream
    chars: dict[str, set[str]]                 # face key → characters drawn with it
    images: dict[str, PressImage]              # XObject name → image
    forms: dict[str, tuple[Path, int]]         # XObject name → supplied PDF and page (1-based)
    media: list[float]
    trim: list[float]
    bleed: list[float]
    marks: bool                                # crop and registration marks in the /All separation


def _marks(c: ContentStream, x0: float, y0: float, w: float, h: float, bleed: float) -> None:
    """Crop marks at the trim corners and registration targets at the middle of each side, all
    outside the bleed, stroked in the Separation /All."""
    with c.line():
        c.set_stroke_separation(ALL_PLATES_NAME, 1)
        c.set_line_width(MARK_WIDTH)
        c.set_dash(())
    off = bleed + 1.0
    for x, sx in ((x0, -1), (x0 + w, 1)):
        for y, sy in ((y0, -1), (y0 + h, 1)):
            _stroke_line(c, x + sx * off, y, x + sx * (off + MARK_LENGTH), y)
            _stroke_line(c, x, y + sy * off, x, y + sy * (off + MARK_LENGTH))
    r = 2.2 * 72 / 25.4
    k = r * 0.5523   # Bézier handle for a quarter circle
    centre = off + MARK_LENGTH / 2
    for cx, cy in ((x0 + w / 2, y0 - centre), (x0 + w / 2, y0 + h + centre),
                   (x0 - centre, y0 + h / 2), (x0 + w + centre, y0 + h / 2)):
        with c.line():
            c.move_to(cx + r, cy)
            c.curve_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r)
            c.curve_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy)
            c.curve_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r)
            c.curve_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy)
            c.stroke()
        _stroke_line(c, cx - 1.5 * r, cy, cx + 1.5 * r, cy)
        _stroke_line(c, cx, cy - 1.5 * r, cx, cy + 1.5 * r)


def _stroke_line(c: ContentStream, x1: float, y1: float, x2: float, y2: float) -> None:
    with c.line():
        c.move_to(x1, y1)
        c.line_to(x2, y2)
        c.stroke()


def _font_resource(face_key: str) -> str:
    """A face's name in the pages' Font resources."""
    return f"F-{face_key}"


# Items in page coordinates (from the trim's top left, y down), drawn in PDF's (from the MediaBox's
# bottom left, y up): ``edge`` is the trim's distance from the media's left, ``top`` its top's from
# the media's bottom.
def _draw_rectangle(c: ContentStream, item: Rectangle, edge: float, top: float) -> None:
    c.set_overprint(_is_black(item.fill) if item.fill is not None else _is_black(item.stroke))
    if item.fill is not None:
        c.set_fill_cmyk(item.fill)
    if item.stroke is not None:
        with c.line():
            c.set_stroke_cmyk(item.stroke)
            c.set_line_width(item.stroke_width)
    with c.line():
        c.rectangle(edge + item.x, top - item.y - item.h, item.w, item.h)
        if item.fill is not None and item.stroke is not None:
            c.fill_and_stroke()
        elif item.fill is not None:
            c.fill()
        else:
            c.stroke()


def _draw_rule(c: ContentStream, item: Rule, edge: float, top: float) -> None:
    c.set_overprint(_is_black(item.color))
    with c.line():
        c.set_stroke_cmyk(item.color)
        c.set_line_width(item.width)
        if item.dash:
            c.set_dash(item.dash)
        c.move_to(edge + item.x1, top - item.y1)
        c.line_to(edge + item.x2, top - item.y2)
        c.stroke()
        if item.dash:   # back to solid, which every other item expects
            c.set_dash(())


def _draw_run(c: ContentStream, run: TextRun, face: Face, edge: float, top: float) -> None:
    """One run, inside a text object."""
    c.set_fill_cmyk(run.color)
    c.set_font(_font_resource(run.face), run.size)
    # PDF scales Tc by the horizontal scaling, so divide it back out.
    c.set_char_space(run.char_space / run.hscale)
    c.set_horizontal_scale(run.hscale)
    x, y = edge + run.x, top - run.baseline
    if run.angle:
        a = math.radians(run.angle)
        c.set_text_matrix(math.cos(a), math.sin(a), -math.sin(a), math.cos(a), x, y)
    else:
        c.set_text_matrix(1, 0, 0, 1, x, y)
    c.show_text(encode(face, run.text))


def draw_page(page: PageLayout, layout: IssueLayout, fonts: FontSet) -> PageContent:
    t = layout.issue.template
    printing = t.printing
    slug = SLUG if printing.marks else 0.0
    edge = t.bleed + slug
    media_w, media_h = t.trim_w + 2 * edge, t.trim_h + 2 * edge
    top = media_h - edge
    c = ContentStream()
    images: dict[str, PressImage] = {}
    forms: dict[str, tuple[Path, int]] = {}
    for item in page.items:
        if isinstance(item, Rectangle):
            _draw_rectangle(c, item, edge, top)
        elif isinstance(item, Rule):
            _draw_rule(c, item, edge, top)
        elif isinstance(item, Picture):
            c.set_overprint(False)
            image = pressed_photo(item.path, item.w, item.h, item.focus, printing)
            name = "Im" + hashlib.sha256(image.data).hexdigest()[:12]
            images[name] = image
            c.draw_image(name, edge + item.x, top - item.y - item.h, item.w, item.h)
        elif isinstance(item, SuppliedPage):
            c.set_overprint(False)   # inside the form, the advertiser's own graphics state rules
            name = f"Fm{file_digest(item.path)[:12]}p{item.page}"
            forms[name] = (item.path, item.page)
            x0, y0, _, _ = item.box
            scale = item.w / (item.box[2] - x0)
            c.draw_image(name, edge + item.x - x0 * scale, top - item.y - item.h - y0 * scale, scale, scale)
    # Text last, so rules and tints never cover type: coloured and white type knocks out,
    # black type overprints.
    chars: dict[str, set[str]] = {}
    runs = [i for i in page.items + page.slug if isinstance(i, TextRun)]
    for black in (False, True):
        group = [r for r in runs if _is_black(r.color) == black]
        if not group:
            continue
        c.set_overprint(black)
        c.begin_text()
        for run in group:
            if run.text:
                chars.setdefault(run.face, set()).update(run.text)   # prepare() refuses any the face lacks
                _draw_run(c, run, fonts.faces[run.face], edge, top)
        c.end_text()
    c.set_overprint(False)
    if printing.marks:
        _marks(c, edge, edge, t.trim_w, t.trim_h, t.bleed)
    stream = deflated(c.tobytes())
    return PageContent(page.number, stream, chars, images, forms, [0, 0, media_w, media_h],
                       [edge, edge, edge + t.trim_w, edge + t.trim_h],
                       [slug, slug, media_w - slug, media_h - slug], printing.marks)


def prepare_fonts(pages: list[PageContent], fonts: FontSet) -> dict[str, PreparedFont]:
    """One subset per face for all the given pages, made and compressed once."""
    chars: dict[str, set[str]] = {}
    for content in pages:
        for key, used in content.chars.items():
            chars.setdefault(key, set()).update(used)
    return {key: prepare(fonts.faces[key], chars[key]) for key in sorted(chars)}


def write_document(out, pages: list[PageContent], fonts: dict[str, PreparedFont], title: str,
                   layout: IssueLayout, revision: int = 0, proof: bool = False) -> None:
    """A PDF/X-1a:2001 file of the given drawn pages, written to ``out``. Its ModDate is the issue's
    date plus ``revision`` minutes (a corrected page is newer than the one it replaces); a proof
    carries /LayoutProof true in its Info, which preflight refuses for press."""
    issue = layout.issue
    doc = Document()
    catalog, page_tree = doc.reserve(), doc.reserve()
    used = sorted({key for content in pages for key in content.chars})
    font_refs = {key: add_font(doc, fonts[key]) for key in used}
    image_refs: dict[str, object] = {}
    kids = []
    for content in pages:
        for name, image in sorted(content.images.items()):
            if name not in image_refs:
                image_refs[name] = doc.add(image_stream(image))
        resources = {"ProcSet": [Name("PDF"), Name("Text"), Name("ImageC"), Name("ImageB")],
                     "ExtGState": OVERPRINT,
                     "Font": {_font_resource(key): font_refs[key] for key in sorted(content.chars)}}
        if content.marks:
            resources["ColorSpace"] = {ALL_PLATES_NAME: ALL_PLATES}
        for name, (path, number) in sorted(content.forms.items()):
            if name not in image_refs:
                image_refs[name] = add_form(doc, path, number - 1)
        if content.images or content.forms:
            resources["XObject"] = {name: image_refs[name] for name in sorted({*content.images, *content.forms})}
        kids.append(doc.add({"Type": Name("Page"), "Parent": page_tree, "MediaBox": content.media,
                             "TrimBox": content.trim, "BleedBox": content.bleed, "Resources": resources,
                             "Contents": doc.add(content.stream)}))
    doc.add({"Type": Name("Pages"), "Kids": kids, "Count": len(kids)}, page_tree)
    printing = issue.template.printing
    doc.add({"Type": Name("Catalog"), "Pages": page_tree,
             "OutputIntents": [doc.add(output_intent(doc, printing))]}, catalog)
    info: dict[str, object] = {"Title": title, "Author": issue.paper.name, "Creator": PRODUCER, "Producer": PRODUCER,
            "CreationDate": pdf_date(issue.date), "ModDate": pdf_date(issue.date, revision),
            "GTS_PDFXVersion": PDFX_VERSION, "GTS_PDFXConformance": PDFX_CONFORMANCE, "Trapped": Name("False")}
    if proof:
        info[PROOF_MARKER] = True
    doc.write(out, "1.3", catalog, doc.add(info))
