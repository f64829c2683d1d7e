"""PNG previews of rendered pages and a contact sheet of the whole issue, with pypdfium2."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from ..base.files import atomic_write


def render_page(pdf: Path, page_index: int = 0, dpi: float = 100.0, grayscale: bool = False) -> Image.Image:
    """One page of a PDF as a picture, cropped to its TrimBox (the page as the reader sees it)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        page = doc[page_index]
        trim, media = page.get_trimbox(), page.get_mediabox()
        crop = (trim[0] - media[0], trim[1] - media[1], media[2] - trim[2], media[3] - trim[3])
        image = page.render(scale=dpi / 72, crop=crop, grayscale=grayscale).to_pil()
    finally:
        doc.close()
    return image.convert("L" if grayscale else "RGB")


def render_png(pdf: Path, target: Path, dpi: float = 100.0, page_index: int = 0) -> Path:
    """One page of a PDF written as a PNG."""
    image = render_page(pdf, page_index, dpi)
    atomic_write(target, lambda tmp: image.save(tmp, "PNG", optimize=False))
    return target


_THUMBNAILS: dict[tuple, Image.Image] = {}
THUMBNAILS_KEPT = 64


def _thumbnail(path: Path, width: int) -> Image.Image:
    """A page's picture scaled for the contact sheet; kept by the file's identity (name, size, time,
    inode), so that `layout watch` and `layout studio`, which rewrite one page and the sheet, decode
    only the page that changed (decoding every page took half of an update of an 8-page issue)."""
    info = path.stat()
    key = (str(path), info.st_size, info.st_mtime_ns, info.st_ino, width)
    if key not in _THUMBNAILS:
        with Image.open(path) as im:
            _THUMBNAILS[key] = im.convert("RGB").resize((width, round(im.height * width / im.width)))
        while len(_THUMBNAILS) > THUMBNAILS_KEPT:
            del _THUMBNAILS[next(iter(_THUMBNAILS))]
    return _THUMBNAILS[key]


def contact_sheet(pngs: list[Path], target: Path, columns: int = 4, thumb_width: int = 300) -> Path:
    """All pages side by side, numbered, on one PNG."""
    thumbs = [_thumbnail(path, thumb_width) for path in pngs]
    if not thumbs:
        raise ValueError("no pages for a contact sheet")
    gap, label = 16, 20
    rows = -(-len(thumbs) // columns)
    cell_h = max(t.height for t in thumbs) + label
    sheet = Image.new("RGB", (columns * (thumb_width + gap) + gap, rows * (cell_h + gap) + gap), (235, 235, 235))
    draw = ImageDraw.Draw(sheet)
    for k, thumb in enumerate(thumbs):
        x = gap + (k % columns) * (thumb_width + gap)
        y = gap + (k // columns) * (cell_h + gap)
        sheet.paste(thumb, (x, y + label))
        draw.rectangle([x - 1, y + label - 1, x + thumb.width, y + label + thumb.height], outline=(120, 120, 120))
        draw.text((x, y + 4), f"{k + 1}", fill=(0, 0, 0))
    atomic_write(target, lambda tmp: sheet.save(tmp, "PNG"))
    return target
