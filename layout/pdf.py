"""Display list → PDF/X-1a:2001 with reportlab, finished by pdfx.py and checked by preflight.

Fonts are embedded as subsets; colours are DeviceCMYK only; black text, black fills and thin black
rules overprint (op/OP true, OPM 1), everything else knocks out; each page's MediaBox holds the
trimmed page, its bleed and, where the print settings ask for them, a slug with crop and
registration marks (in the Separation /All, so they print on every plate) outside the bleed.
``invariant=1`` and deterministic post-processing make the same input give byte-identical files.
Files are written to a temporary name, preflighted, and only then renamed into place, so a failed
render never leaves a half-written or failing PDF where a finished one is expected.
"""

from __future__ import annotations

import io
import math
import os
from functools import cache, lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab import rl_config
from reportlab.lib.colors import CMYKColorSep
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from .display import IssueLayout, PageLayout
from .errors import LayoutError
from . import preflight
from .files import atomic_write
from .pdfx import finish_pdfx, merge_pdfx
from .fonts import FontSet
from .images import press_image
from .items import BLACK, Box, Picture, Rule, TextRun

PREFIX = "Layout-"
rl_config.useA85 = 0  # binary streams: ASCII85 only makes files a quarter larger


@cache
def _register(key: str, path: str) -> str:
    name = PREFIX + key
    try:
        pdfmetrics.registerFont(TTFont(name, path))
    except Exception as exc:  # reportlab raises bare TTFError and others for damaged fonts
        raise LayoutError(f"{path}: reportlab cannot embed this font ({exc})") from None
    return name


def register_fonts(fonts: FontSet, used: set[str] | None = None) -> dict[str, str]:
    """reportlab names of the faces; only those ``used`` are parsed by reportlab (each takes a tenth
    of a second), and the body face always, as every page opens with it."""
    keys = set(fonts.faces) if used is None else set(used) | {"song"}
    return {key: _register(key, str(fonts.faces[key].path)) for key in sorted(keys) if key in fonts.faces}


SLUG = 12 * 72 / 25.4     # room outside the bleed for the marks
MARK_LENGTH = 6 * 72 / 25.4
MARK_WIDTH = 0.25
REGISTRATION = CMYKColorSep(1, 1, 1, 1, spotName="All", density=1)


def _is_black(color) -> bool:
    return color is not None and tuple(color) == BLACK


class _Overprint:
    """Sets overprint only when it changes: on for 100 % K, off for everything else."""

    def __init__(self, canvas: Canvas):
        self.canvas = canvas
        self.state: bool | None = None

    def set(self, on: bool) -> None:
        if on != self.state:
            self.canvas.setFillOverprint(on)
            self.canvas.setStrokeOverprint(on)
            self.canvas.setOverprintMask(1 if on else 0)
            self.state = on


def _marks(canvas: Canvas, trim_x: float, trim_y: float, w: float, h: float, bleed: float) -> None:
    """Crop marks at the trim corners and registration targets at the middle of each side,
    all outside the bleed."""
    canvas.setStrokeColor(REGISTRATION)
    canvas.setLineWidth(MARK_WIDTH)
    off = bleed + 1.0
    for x, sx in ((trim_x, -1), (trim_x + w, 1)):
        for y, sy in ((trim_y, -1), (trim_y + h, 1)):
            canvas.line(x + sx * off, y, x + sx * (off + MARK_LENGTH), y)
            canvas.line(x, y + sy * off, x, y + sy * (off + MARK_LENGTH))
    r = 2.2 * 72 / 25.4
    centre = off + MARK_LENGTH / 2
    for cx, cy in ((trim_x + w / 2, trim_y - centre), (trim_x + w / 2, trim_y + h + centre),
                   (trim_x - centre, trim_y + h / 2), (trim_x + w + centre, trim_y + h / 2)):
        canvas.circle(cx, cy, r, stroke=1, fill=0)
        canvas.line(cx - 1.5 * r, cy, cx + 1.5 * r, cy)
        canvas.line(cx, cy - 1.5 * r, cx, cy + 1.5 * r)


@lru_cache(maxsize=64)
def _press_jpeg(path: Path, mtime: int, w: float, h: float, focus, max_ppi: float, profile: str) -> bytes:
    """A photo converted for press, as JPEG (DCTDecode: a fifth of the size of the same pixels
    deflated); cached, since the page file and the issue file both carry it."""
    image, _ = press_image(path, w, h, focus, max_ppi, profile)
    data = io.BytesIO()
    image.save(data, "JPEG", quality=92, subsampling=0, optimize=True)
    return data.getvalue()


def _draw_page(canvas: Canvas, page: PageLayout, layout: IssueLayout, names: dict[str, str]) -> None:
    t = layout.issue.template
    printing = t.printing
    slug = SLUG if printing.marks else 0.0
    bleed = t.bleed
    edge = bleed + slug
    media_w, media_h = t.trim_w + 2 * edge, t.trim_h + 2 * edge
    canvas.setPageSize((media_w, media_h))
    canvas.setTrimBox((edge, edge, edge + t.trim_w, edge + t.trim_h))
    canvas.setBleedBox((slug, slug, media_w - slug, media_h - slug))
    overprint = _Overprint(canvas)

    def X(x: float) -> float:
        return edge + x

    def Y(y: float) -> float:
        return media_h - edge - y

    for item in page.items:
        if isinstance(item, Box):
            overprint.set(_is_black(item.fill) if item.fill is not None else _is_black(item.stroke))
            if item.fill is not None:
                canvas.setFillColorCMYK(*item.fill)
            if item.stroke is not None:
                canvas.setStrokeColorCMYK(*item.stroke)
                canvas.setLineWidth(item.stroke_width)
            canvas.rect(X(item.x), Y(item.y + item.h), item.w, item.h,
                        stroke=int(item.stroke is not None), fill=int(item.fill is not None))
        elif isinstance(item, Rule):
            overprint.set(_is_black(item.color))
            canvas.setStrokeColorCMYK(*item.color)
            canvas.setLineWidth(item.width)
            canvas.setDash(list(item.dash) if item.dash else [])
            canvas.line(X(item.x1), Y(item.y1), X(item.x2), Y(item.y2))
            if item.dash:
                canvas.setDash([])
        elif isinstance(item, Picture):
            overprint.set(False)
            jpeg = _press_jpeg(item.path, item.path.stat().st_mtime_ns, item.w, item.h, item.focus,
                               printing.max_ppi, printing.profile)
            canvas.drawImage(ImageReader(io.BytesIO(jpeg)), X(item.x), Y(item.y + item.h), item.w, item.h)
    # Text last, so rules and tints never cover type: coloured and white type knocks out,
    # black type overprints.
    runs = [i for i in page.items if isinstance(i, TextRun)]
    for black in (False, True):
        group = [r for r in runs if _is_black(r.color) == black]
        if not group:
            continue
        overprint.set(black)
        text = canvas.beginText()
        current = None
        for item in group:
            if current != item.color:
                text.setFillColorCMYK(*item.color)
                current = item.color
            text.setFont(names[item.face], item.size)
            # PDF scales Tc by the horizontal scaling, so divide it back out.
            text.setCharSpace(item.char_space / item.hscale)
            text.setHorizScale(item.hscale * 100)
            if item.angle:
                a = math.radians(item.angle)
                text.setTextTransform(math.cos(a), math.sin(a), -math.sin(a), math.cos(a), X(item.x), Y(item.baseline))
            else:
                text.setTextOrigin(X(item.x), Y(item.baseline))
            text.textOut(item.text)
        canvas.drawText(text)
    overprint.set(False)
    if printing.marks:
        _marks(canvas, edge, edge, t.trim_w, t.trim_h, bleed)
    canvas.showPage()


def _new_canvas(path: str, layout: IssueLayout, names: dict[str, str], title: str) -> Canvas:
    canvas = Canvas(path, invariant=1, pageCompression=1, initialFontName=names["song"],
                    enforceColorSpace="sep_cmyk")
    canvas.setTitle(title)
    canvas.setAuthor(layout.issue.paper.name)
    canvas.setCreator("layout (徐匯報 print-layout engine)")
    return canvas


def page_filename(issue, number: int, proof: bool = False) -> str:
    """YYYYMMDD-NN.pdf: the print shop's name for a page (…-proof.pdf for a proof)."""
    return f"{issue.date:%Y%m%d}-{number:02d}{'-proof' if proof else ''}.pdf"


def issue_filename(issue, proof: bool = False) -> str:
    """YYYYMMDD-issueNNNN.pdf: the whole issue in one file, for editors."""
    return f"{issue.date:%Y%m%d}-issue{issue.total}{'-proof' if proof else ''}.pdf"


def _checked(target: Path, printing, build) -> None:
    """Build a PDF under a temporary name, preflight it, and only then put it in place."""
    def write(tmp: str) -> None:
        build(tmp)
        findings = preflight.errors(preflight.check(Path(tmp), preflight.Settings(
            printing.ink_limit, printing.warn_ppi, printing.min_ppi)))
        if findings:
            first = findings[0]
            raise LayoutError(f"{target.name}: fails preflight rule {first.rule} on page {first.page}: "
                              f"{first.obj}: {first.message} ({len(findings)} errors)")

    atomic_write(target, write)


def _write_page(target: Path, layout: IssueLayout, names: dict[str, str], title: str, page: PageLayout) -> None:
    issue = layout.issue

    def build(tmp: str) -> None:
        raw = tmp + ".rl"
        try:
            canvas = _new_canvas(raw, layout, names, title)
            _draw_page(canvas, page, layout, names)
            canvas.save()
            finish_pdfx(raw, tmp, title, issue.date, issue.template.printing)
        finally:
            if os.path.exists(raw):
                os.unlink(raw)

    _checked(target, issue.template.printing, build)


def write_pdfs(layout: IssueLayout, fonts: FontSet, out_dir: Path, proof: bool = False,
               pages: set[int] | None = None, combined: bool = True) -> list[Path]:
    """One PDF/X-1a file per page (named by date and page) and one combined PDF of the issue, made
    from the page files without drawing again; a proof's names end in -proof so it is never
    mistaken for the print file.

    ``pages`` limits the page files written (`layout watch` rewrites only what changed);
    ``combined`` False skips the whole-issue file."""
    used = {item.face for page in layout.pages for item in page.items if isinstance(item, TextRun)}
    names = register_fonts(fonts, used)
    issue = layout.issue
    written = []
    suffix = "-proof" if proof else ""
    for page in layout.pages:
        target = out_dir / page_filename(issue, page.number, proof)
        if pages is None or page.number in pages:
            _write_page(target, layout, names, f"{issue.paper.name} 第{issue.number}期 第{page.number}版{suffix}", page)
        written.append(target)
    if combined:
        target = out_dir / issue_filename(issue, proof)
        title = f"{issue.paper.name} 第{issue.number}期（總第{issue.total}期）{suffix}"
        sources = [str(p) for p in written]
        _checked(target, issue.template.printing,
                 lambda tmp: merge_pdfx(sources, tmp, title, issue.date, issue.template.printing))
        written.append(target)
    return written
