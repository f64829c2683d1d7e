"""Display list → PDF/X-1a:2001, written directly (pdfobjects.py) with TrueType subsets (fontembed.py).

Fonts are embedded as CIDFontType2 subsets, addressed by code point (Identity-H, so a run's bytes are
its text in UTF-16BE; the few characters beyond the BMP get codes in the surrogate range); colours
are DeviceCMYK only; black text, black fills and thin black rules overprint (op/OP true, OPM 1),
everything else knocks out; each page's MediaBox holds the trimmed page, its bleed and, where the
print settings ask for them, a slug with crop and registration marks (in the Separation /All, so
they print on every plate) outside the bleed.

Each page is drawn once: its content stream goes into the page's own file and, unchanged, into the
whole-issue file, whose font subsets cover all its pages. Where the files go, under what names, and
the preflight before each is put in place are the pipeline's (app/pipeline.py).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

from ..page.assemble import IssueLayout, PageLayout
from ..fonts.faces import FontSet
from ..page.items import BLACK, Picture, Rectangle, Rule, TextRun
from .press import PressImage, image_stream, pressed_photo
from .cidfont import PreparedFont, add_font, encode, prepare
from .objects import Document, Name, Stream, deflated, number
from ..base.standard import PDFX
from .pdfx import pdf_date, output_intent

PRODUCER = "layout (徐匯報 print-layout engine)"
SLUG = 12 * 72 / 25.4     # room outside the bleed for the marks
MARK_LENGTH = 6 * 72 / 25.4
MARK_WIDTH = 0.25
OVERPRINT = {"GSop": {"Type": Name("ExtGState"), "op": True, "OP": True, "OPM": 1},
             "GSko": {"Type": Name("ExtGState"), "op": False, "OP": False, "OPM": 0}}
ALL_PLATES = [Name("Separation"), Name("All"), Name("DeviceCMYK"),
              {"FunctionType": 2, "Domain": [0, 1], "C0": [0, 0, 0, 0], "C1": [1, 1, 1, 1], "N": 1}]


def _is_black(color) -> bool:
    return color is not None and tuple(color) == BLACK


def _cmyk(color) -> str:
    return " ".join(number(float(c)) for c in color)


@dataclass
class PageContent:
    """One page drawn: its content stream and what the stream refers to."""

    number: int
    stream: Stream
    chars: dict[str, set[str]]                 # face key → characters drawn with it
    images: dict[str, PressImage]              # XObject name → image
    media: list[float]
    trim: list[float]
    bleed: list[float]
    marks: bool                                # crop and registration marks in the /All separation


class _Content:
    """Operators of one content stream, with the graphics state kept to avoid repeats."""

    def __init__(self):
        self.ops: list[str] = []
        self.overprint: bool | None = None

    def set_overprint(self, on: bool) -> None:
        if on != self.overprint:
            self.ops.append("/GSop gs" if on else "/GSko gs")
            self.overprint = on


def _marks(out: list[str], x0: float, y0: float, w: float, h: float, bleed: float) -> None:
    """Crop marks at the trim corners and registration targets at the middle of each side, all
    outside the bleed, stroked in the Separation /All."""
    out.append(f"/CSAll CS 1 SCN {number(MARK_WIDTH)} w [] 0 d")
    off = bleed + 1.0
    for x, sx in ((x0, -1), (x0 + w, 1)):
        for y, sy in ((y0, -1), (y0 + h, 1)):
            out.append(f"{number(x + sx * off)} {number(y)} m {number(x + sx * (off + MARK_LENGTH))} {number(y)} l S")
            out.append(f"{number(x)} {number(y + sy * off)} m {number(x)} {number(y + sy * (off + MARK_LENGTH))} l S")
    r = 2.2 * 72 / 25.4
    k = r * 0.5523   # Bézier handle for a quarter circle
    centre = off + MARK_LENGTH / 2
    for cx, cy in ((x0 + w / 2, y0 - centre), (x0 + w / 2, y0 + h + centre),
                   (x0 - centre, y0 + h / 2), (x0 + w + centre, y0 + h / 2)):
        n = number
        out.append(f"{n(cx + r)} {n(cy)} m {n(cx + r)} {n(cy + k)} {n(cx + k)} {n(cy + r)} {n(cx)} {n(cy + r)} c "
                   f"{n(cx - k)} {n(cy + r)} {n(cx - r)} {n(cy + k)} {n(cx - r)} {n(cy)} c "
                   f"{n(cx - r)} {n(cy - k)} {n(cx - k)} {n(cy - r)} {n(cx)} {n(cy - r)} c "
                   f"{n(cx + k)} {n(cy - r)} {n(cx + r)} {n(cy - k)} {n(cx + r)} {n(cy)} c S")
        out.append(f"{n(cx - 1.5 * r)} {n(cy)} m {n(cx + 1.5 * r)} {n(cy)} l S")
        out.append(f"{n(cx)} {n(cy - 1.5 * r)} m {n(cx)} {n(cy + 1.5 * r)} l S")


def draw_page(page: PageLayout, layout: IssueLayout, fonts: FontSet) -> PageContent:
    t = layout.issue.template
    printing = t.printing
    slug = SLUG if printing.marks else 0.0
    edge = t.bleed + slug
    media_w, media_h = t.trim_w + 2 * edge, t.trim_h + 2 * edge
    top = media_h - edge
    n = number
    c = _Content()
    ops = c.ops
    images: dict[str, PressImage] = {}
    for item in page.items:
        if isinstance(item, Rectangle):
            c.set_overprint(_is_black(item.fill) if item.fill is not None else _is_black(item.stroke))
            if item.fill is not None:
                ops.append(_cmyk(item.fill) + " k")
            if item.stroke is not None:
                ops.append(f"{_cmyk(item.stroke)} K {n(item.stroke_width)} w")
            paint = "B" if item.fill is not None and item.stroke is not None else "f" if item.fill is not None else "S"
            ops.append(f"{n(edge + item.x)} {n(top - item.y - item.h)} {n(item.w)} {n(item.h)} re {paint}")
        elif isinstance(item, Rule):
            c.set_overprint(_is_black(item.color))
            dash = "[" + " ".join(n(d) for d in item.dash) + "] 0 d " if item.dash else ""
            ops.append(f"{_cmyk(item.color)} K {n(item.width)} w {dash}{n(edge + item.x1)} {n(top - item.y1)} m "
                       f"{n(edge + item.x2)} {n(top - item.y2)} l S" + (" [] 0 d" if item.dash else ""))
        elif isinstance(item, Picture):
            c.set_overprint(False)
            image = pressed_photo(item.path, item.w, item.h, item.focus,
                                printing.max_ppi, printing.profile)
            name = "Im" + hashlib.sha256(image.data).hexdigest()[:12]
            images[name] = image
            ops.append(f"q {n(item.w)} 0 0 {n(item.h)} {n(edge + item.x)} {n(top - item.y - item.h)} cm /{name} Do Q")
    # Text last, so rules and tints never cover type: coloured and white type knocks out,
    # black type overprints.
    chars: dict[str, set[str]] = {}
    runs = [i for i in page.items if isinstance(i, TextRun)]
    for black in (False, True):
        group = [r for r in runs if _is_black(r.color) == black]
        if not group:
            continue
        c.set_overprint(black)
        ops.append("BT")
        color = font = space = scale = None
        for run in group:
            if not run.text:
                continue
            face = fonts.faces[run.face]
            chars.setdefault(run.face, set()).update(run.text)   # prepare() refuses any the face lacks
            if color != run.color:
                ops.append(_cmyk(run.color) + " k")
                color = run.color
            if font != (run.face, run.size):
                ops.append(f"/F-{run.face} {n(run.size)} Tf")
                font = (run.face, run.size)
            # PDF scales Tc by the horizontal scaling, so divide it back out.
            tc = run.char_space / run.hscale
            if space != tc:
                ops.append(f"{n(tc)} Tc")
                space = tc
            if scale != run.hscale:
                ops.append(f"{n(run.hscale * 100)} Tz")
                scale = run.hscale
            x, y = n(edge + run.x), n(top - run.baseline)
            if run.angle:
                a = math.radians(run.angle)
                ops.append(f"{n(math.cos(a))} {n(math.sin(a))} {n(-math.sin(a))} {n(math.cos(a))} {x} {y} Tm")
            else:
                ops.append(f"1 0 0 1 {x} {y} Tm")
            ops.append("<" + encode(face, run.text).hex() + "> Tj")
        ops.append("ET")
    c.set_overprint(False)
    if printing.marks:
        _marks(ops, edge, edge, t.trim_w, t.trim_h, t.bleed)
    stream = deflated(("\n".join(ops) + "\n").encode("ascii"))
    return PageContent(page.number, stream, chars, images, [0, 0, media_w, media_h],
                       [edge, edge, edge + t.trim_w, edge + t.trim_h], [slug, slug, media_w - slug, media_h - slug], printing.marks)


def prepare_fonts(pages: list[PageContent], fonts: FontSet) -> dict[str, PreparedFont]:
    """One subset per face for all the given pages, made and compressed once."""
    chars: dict[str, set[str]] = {}
    for content in pages:
        for key, used in content.chars.items():
            chars.setdefault(key, set()).update(used)
    return {key: prepare(fonts.faces[key], chars[key]) for key in sorted(chars)}


def write_document(out, pages: list[PageContent], fonts: dict[str, PreparedFont], title: str,
                   layout: IssueLayout) -> None:
    """A PDF/X-1a:2001 file of the given drawn pages, written to ``out``."""
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
                     "Font": {f"F-{key}": font_refs[key] for key in sorted(content.chars)}}
        if content.marks:
            resources["ColorSpace"] = {"CSAll": ALL_PLATES}
        if content.images:
            resources["XObject"] = {name: image_refs[name] for name in sorted(content.images)}
        kids.append(doc.add({"Type": Name("Page"), "Parent": page_tree, "MediaBox": content.media,
                             "TrimBox": content.trim, "BleedBox": content.bleed, "Resources": resources,
                             "Contents": doc.add(content.stream)}))
    doc.add({"Type": Name("Pages"), "Kids": kids, "Count": len(kids)}, page_tree)
    printing = issue.template.printing
    doc.add({"Type": Name("Catalog"), "Pages": page_tree,
             "OutputIntents": [doc.add(output_intent(doc, printing))]}, catalog)
    date = pdf_date(issue.date)
    info = doc.add({"Title": title, "Author": issue.paper.name, "Creator": PRODUCER, "Producer": PRODUCER,
                    "CreationDate": date, "ModDate": date, "GTS_PDFXVersion": PDFX,
                    "GTS_PDFXConformance": PDFX, "Trapped": Name("False")})
    doc.write(out, "1.3", catalog, info)
