"""Display list → PDF with reportlab.

Fonts are embedded as subsets; colours are DeviceCMYK only; each page's
MediaBox holds the trimmed page plus its bleed, with TrimBox and BleedBox
set; ``invariant=1`` makes the same input give byte-identical files.  Files
are written to a temporary name and renamed into place, so a failed render
never leaves a half-written PDF where a finished one is expected.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from .display import IssueLayout, PageLayout
from .errors import LayoutError
from .files import atomic_write
from .fonts import FontSet
from .images import press_image
from .items import Box, Picture, Rule, TextRun

PREFIX = "Layout-"


@cache
def _register(key: str, path: str) -> str:
    name = PREFIX + key
    try:
        pdfmetrics.registerFont(TTFont(name, path))
    except Exception as exc:  # reportlab raises bare TTFError and others for damaged fonts
        raise LayoutError(f"{path}: reportlab cannot embed this font ({exc})") from None
    return name


def register_fonts(fonts: FontSet) -> dict[str, str]:
    return {key: _register(key, str(face.path)) for key, face in fonts.faces.items()}


def _draw_page(canvas: Canvas, page: PageLayout, layout: IssueLayout, names: dict[str, str]) -> None:
    t = layout.issue.template
    bleed = t.bleed
    media_w, media_h = t.trim_w + 2 * bleed, t.trim_h + 2 * bleed
    canvas.setPageSize((media_w, media_h))
    canvas.setTrimBox((bleed, bleed, bleed + t.trim_w, bleed + t.trim_h))
    canvas.setBleedBox((0, 0, media_w, media_h))

    def X(x: float) -> float:
        return bleed + x

    def Y(y: float) -> float:
        return media_h - bleed - y

    for item in page.items:
        if isinstance(item, Box):
            if item.fill is not None:
                canvas.setFillColorCMYK(*item.fill)
            if item.stroke is not None:
                canvas.setStrokeColorCMYK(*item.stroke)
                canvas.setLineWidth(item.stroke_width)
            canvas.rect(X(item.x), Y(item.y + item.h), item.w, item.h,
                        stroke=int(item.stroke is not None), fill=int(item.fill is not None))
        elif isinstance(item, Rule):
            canvas.setStrokeColorCMYK(*item.color)
            canvas.setLineWidth(item.width)
            canvas.setDash(list(item.dash) if item.dash else [])
            canvas.line(X(item.x1), Y(item.y1), X(item.x2), Y(item.y2))
            if item.dash:
                canvas.setDash([])
        elif isinstance(item, Picture):
            image, _ = press_image(item.path, item.w, item.h, item.focus)
            canvas.drawImage(ImageReader(image), X(item.x), Y(item.y + item.h), item.w, item.h)
    # Text last, one text object per page, so rules and tints never cover type.
    text = canvas.beginText()
    current = None
    for item in page.items:
        if not isinstance(item, TextRun):
            continue
        if current != item.color:
            text.setFillColorCMYK(*item.color)
            current = item.color
        text.setFont(names[item.face], item.size)
        # PDF scales Tc by the horizontal scaling, so divide it back out.
        text.setCharSpace(item.char_space / item.hscale)
        text.setHorizScale(item.hscale * 100)
        text.setTextOrigin(X(item.x), Y(item.baseline))
        text.textOut(item.text)
    canvas.drawText(text)
    canvas.showPage()


def _new_canvas(path: str, layout: IssueLayout, names: dict[str, str], title: str) -> Canvas:
    canvas = Canvas(path, invariant=1, pageCompression=1, initialFontName=names["song"],
                    enforceColorSpace="cmyk")
    canvas.setTitle(title)
    canvas.setAuthor(layout.issue.paper.name)
    canvas.setCreator("layout (徐匯報 print-layout engine)")
    return canvas


def page_filename(layout: IssueLayout, number: int, proof: bool = False) -> str:
    return f"{layout.issue.date:%Y%m%d}-{number:02d}{'-proof' if proof else ''}.pdf"


def write_pdfs(layout: IssueLayout, fonts: FontSet, out_dir: Path, proof: bool = False) -> list[Path]:
    """One PDF per page (named by date and page) and one combined PDF of the issue;
    a proof's names end in -proof so it is never mistaken for the print file."""
    names = register_fonts(fonts)
    issue = layout.issue
    written = []
    for page in layout.pages:
        target = out_dir / page_filename(layout, page.number, proof)
        title = f"{issue.paper.name} 第{issue.number}期 第{page.number}版"

        def write(tmp: str, page=page, title=title) -> None:
            canvas = _new_canvas(tmp, layout, names, title)
            _draw_page(canvas, page, layout, names)
            canvas.save()

        atomic_write(target, write)
        written.append(target)
    combined = out_dir / f"{issue.date:%Y%m%d}-issue{issue.total}{'-proof' if proof else ''}.pdf"

    def write_all(tmp: str) -> None:
        canvas = _new_canvas(tmp, layout, names, f"{issue.paper.name} 第{issue.number}期（總第{issue.total}期）")
        for page in layout.pages:
            _draw_page(canvas, page, layout, names)
        canvas.save()

    atomic_write(combined, write_all)
    written.append(combined)
    return written
