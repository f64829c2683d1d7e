"""`layout diff`: what changed between two proofs — pictures that highlight it, and the list of
pages (by 版) and stories that changed — so an editor checking a corrected proof sees it at a glance.

Only proofs are compared, never a proof with a press file: an issue folder stands for its proof/, and
a PDF must be a proof's. Pages are named by 版 from the proof's index (LINES_FILE), which `layout
proof` and every `layout watch` update write, so a page keeps its number in the issue's PDF too."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageOps

from ..base.errors import LayoutError
from ..base.files import atomic_write
from .delivery import PROOF_FOLDER
from .pipeline import LINES_FILE
from .watch import STALE_FILE
from .previews import render_page

BLOCK = 12          # px: changes are marked in blocks this size
THRESHOLD = 48      # grey levels: smaller differences are anti-aliasing, not change


@dataclass(frozen=True)
class PageDiff:
    page: int                     # the 版, whatever the page's place in a PDF
    changed: bool
    picture: Path | None
    stories: tuple[str, ...]      # stories whose lines on this page differ (from the proofs' layout files)


@dataclass(frozen=True)
class _Proof:
    """One side of a diff."""

    pages: dict[int, tuple[Path, int]]   # 版 → (PDF, page index in it)
    lines: dict                          # 版 (as text) → story → its lines there
    whole: bool                          # every page of the proof (a folder, the PDF), not one page
    stale: str | None                    # what STALE_FILE says, if `layout watch` left the proof stale


_PAGE_FILE = re.compile(r"-(\d{2,3})-proof\.pdf$")


def _proofs_in(path: Path) -> Path:
    """An issue's folder stands for its proof folder, where the proofs are (press files are never
    compared with proofs)."""
    return path / PROOF_FOLDER if path.is_dir() and (path / PROOF_FOLDER).is_dir() else path


def _index(folder: Path) -> dict:
    """The proof's LINES_FILE: its pages with their files, the issue's PDF, every story's lines. A
    file of an older proof (only the lines, by page) is read as such; none, or a damaged one, is {}."""
    try:
        data = json.loads((folder / LINES_FILE).read_text(encoding="utf-8"))
    except (ValueError, OSError):
        return {}
    if not isinstance(data, dict):
        return {}
    return data if isinstance(data.get("pages"), list) else {"lines": data}


def _page_count(pdf: Path) -> int:
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(str(pdf))
    except pdfium.PdfiumError as exc:
        raise LayoutError(f"{pdf}: not a readable PDF ({exc})") from None
    count = len(doc)
    doc.close()
    return count


def _proof(path: Path) -> _Proof:
    """A proof folder (an issue folder stands for its proof/), or one proof PDF: its pages by 版 — from
    the proof's own index where it has one, else from the page files' names."""
    path = _proofs_in(path)
    folder = path if path.is_dir() else path.parent
    index = _index(folder)
    listed = {e["pdf"]: e["page"] for e in index.get("pages", []) if isinstance(e, dict) and "pdf" in e}
    try:
        stale = (folder / STALE_FILE).read_text(encoding="utf-8").strip() or "stale"
    except OSError:
        stale = None
    if path.is_dir():
        found = {n: (path / name, 0) for name, n in listed.items() if (path / name).is_file()}
        if not found:
            found = {int(m.group(1)): (pdf, 0) for pdf in sorted(path.glob("*-proof.pdf"))
                     if (m := _PAGE_FILE.search(pdf.name))}
        if not found:
            # An issue printed in several editions keeps each edition's proof in a folder of its own.
            editions = sorted(p.name for p in path.iterdir() if p.is_dir() and (p / "proof").is_dir())
            if editions:
                raise LayoutError(f"{path}: the issue's editions have their proofs in folders of their own "
                                  f"({', '.join(editions)}): give one of them, such as {path / editions[0]}")
            raise LayoutError(f"{path}: no proof pages (…-NN-proof.pdf) in this folder: diff compares proofs "
                              f"only, as `layout proof` or `layout watch` write them")
        return _Proof(found, index.get("lines", {}), True, stale)
    if not path.is_file():
        raise LayoutError(f"{path}: no such file or folder")
    if not path.name.endswith("-proof.pdf"):
        raise LayoutError(f"{path}: not a proof (its name does not end in -proof.pdf): diff compares proofs "
                          f"only, never a press file")
    count = _page_count(path)
    if path.name == index.get("issue_pdf"):
        # The proof PDF: its pages in the index's order, then the overset pages (no 版: left out).
        numbers = [e["page"] for e in index["pages"]]
        return _Proof({n: (path, k) for k, n in enumerate(numbers[:count])}, index.get("lines", {}), True, stale)
    if path.name in listed:
        return _Proof({listed[path.name]: (path, 0)}, index.get("lines", {}), False, stale)
    m = _PAGE_FILE.search(path.name)
    if count == 1 and m:
        return _Proof({int(m.group(1)): (path, 0)}, index.get("lines", {}), False, stale)
    # A PDF the proof's index does not name: its pages as they come.
    return _Proof({k + 1: (path, k) for k in range(count)}, {}, True, stale)


def stale_proofs(old: Path, new: Path) -> list[str]:
    """The sides of a diff that `layout watch` left stale (its last update failed), with what it said."""
    return [f"{which} proof ({path}) is stale: {' '.join(side.stale.split())}"
            for which, path in (("OLD", old), ("NEW", new)) if (side := _proof(path)).stale]


def _render(pdf: Path, index: int, dpi: float) -> Image.Image:
    return render_page(pdf, index, dpi, grayscale=True)


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
    """Proof against proof, page by 版: pictures of the pages that changed and the stories whose lines
    changed. Two whole proofs (folders, issue PDFs) are compared page for page, a page missing on one
    side counting as changed; a single page is compared with the same 版 of the other side."""
    a, b = _proof(old), _proof(new)
    numbers = set(a.pages) | set(b.pages) if a.whole and b.whole else set(a.pages) & set(b.pages)
    results = []
    for number in sorted(numbers):
        was, now = a.lines.get(str(number), {}), b.lines.get(str(number), {})
        stories = tuple(sorted(s for s in set(was) | set(now) if was.get(s) != now.get(s)))
        if number not in a.pages or number not in b.pages:
            results.append(PageDiff(number, True, None, stories))
            continue
        picture, changed = _highlight(_render(*a.pages[number], dpi), _render(*b.pages[number], dpi))
        target = None
        if changed:
            target = out_dir / f"diff-{number:02d}.png"
            atomic_write(target, lambda tmp: picture.save(tmp, "PNG"))
        results.append(PageDiff(number, changed, target, stories))
    return results
