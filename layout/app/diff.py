"""`layout diff`: what changed between two proofs — pictures that highlight it, and the list of
pages and stories that changed — so an editor checking a corrected proof sees it at a glance."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageOps

from ..base.errors import LayoutError
from ..base.files import atomic_write
from .delivery import PROOF_FOLDER
from .previews import render_page

BLOCK = 12          # px: changes are marked in blocks this size
THRESHOLD = 48      # grey levels: smaller differences are anti-aliasing, not change


@dataclass(frozen=True)
class PageDiff:
    page: int
    changed: bool
    picture: Path | None
    stories: tuple[str, ...]      # stories whose lines on this page differ (from the proofs' layout files)


def _proofs_in(path: Path) -> Path:
    """An issue's folder stands for its proof folder, where the proofs are (press files are never
    compared with proofs)."""
    return path / PROOF_FOLDER if path.is_dir() and (path / PROOF_FOLDER).is_dir() else path


def _pages_of(path: Path) -> dict[int, tuple[Path, int]]:
    """Page number → (PDF, page index in it), for a PDF or a folder of page PDFs."""
    path = _proofs_in(path)
    if path.is_dir():
        found = {}
        for pdf in sorted(path.glob("*.pdf")):
            m = re.search(r"-(\d{2,3})(-proof)?\.pdf$", pdf.name)
            if m:
                found[int(m.group(1))] = (pdf, 0)
        if not found:
            raise LayoutError(f"{path}: no page PDFs (YYYYMMDD-NN.pdf) in this folder")
        return found
    if not path.is_file():
        raise LayoutError(f"{path}: no such file or folder")
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise LayoutError(f"{path}: not a readable PDF ({exc})") from None
    count = len(doc)
    doc.close()
    return {k + 1: (path, k) for k in range(count)}


def _render(pdf: Path, index: int, dpi: float) -> Image.Image:
    return render_page(pdf, index, dpi, grayscale=True)


def _lines(path: Path) -> dict:
    path = _proofs_in(path)
    folder = path if path.is_dir() else path.parent
    file = folder / "layout-proof.json"
    if not file.is_file():
        return {}
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (ValueError, OSError):
        return {}


def _highlight(old: Image.Image, new: Image.Image) -> tuple[Image.Image, bool]:
    if old.size != new.size:
        old = old.resize(new.size)
    delta = ImageChops.difference(old, new).point(lambda v: 255 if v > THRESHOLD else 0)
    if delta.getbbox() is None:
        return new.convert("RGB"), False
    base = ImageOps.autocontrast(new).point(lambda v: 140 + v * 115 // 255).convert("RGB")
    red = Image.new("RGB", new.size, (220, 30, 30))
    base.paste(red, mask=delta)
    draw = ImageDraw.Draw(base)
    small = delta.resize((max(1, new.width // BLOCK), max(1, new.height // BLOCK)), Image.BOX)
    for y in range(small.height):
        for x in range(small.width):
            if small.getpixel((x, y)):
                draw.rectangle([x * BLOCK, y * BLOCK, (x + 1) * BLOCK - 1, (y + 1) * BLOCK - 1], outline=(220, 30, 30))
    return base, True


def diff(old: Path, new: Path, out_dir: Path, dpi: float = 72.0) -> list[PageDiff]:
    old_pages, new_pages = _pages_of(old), _pages_of(new)
    old_lines, new_lines = _lines(old), _lines(new)
    results = []
    for number in sorted(set(old_pages) | set(new_pages)):
        stories = tuple(sorted(s for s in set(old_lines.get(str(number), {})) | set(new_lines.get(str(number), {}))
                               if old_lines.get(str(number), {}).get(s) != new_lines.get(str(number), {}).get(s)))
        if number not in old_pages or number not in new_pages:
            results.append(PageDiff(number, True, None, stories))
            continue
        picture, changed = _highlight(_render(*old_pages[number], dpi), _render(*new_pages[number], dpi))
        target = None
        if changed:
            target = out_dir / f"diff-{number:02d}.png"
            atomic_write(target, lambda tmp: picture.save(tmp, "PNG"))
        results.append(PageDiff(number, changed, target, stories))
    return results
