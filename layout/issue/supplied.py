"""Supplied pages (an advertisement delivered as a PDF), as the issue names them: the file opens,
the page exists, and its finished size is known, so the page stage can fit it into its box.

Whether the file may go to press at all is preflight's verdict, asked by the pipeline before the
page is laid out (app/pipeline.py): this module only reads."""

from __future__ import annotations

from pathlib import Path


def page_box(page) -> tuple[float, float, float, float]:
    """The finished page: its TrimBox, else its ArtBox (PDF/X allows either), else its MediaBox;
    as (x0, y0, x1, y1) in its own PDF units."""
    for key in ("/TrimBox", "/ArtBox", "/MediaBox"):
        value = page.obj.get(key)
        if value is not None:
            x0, y0, x1, y1 = (float(v) for v in value)
            return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)
    raise ValueError("the page has no MediaBox")


def check_supplied_page(path: Path, number: int) -> tuple[tuple[float, float, float, float] | None, str | None]:
    """(the page's finished box, None), or (None, what is wrong) for a supplied PDF's page ``number``
    (1-based)."""
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            count = len(pdf.pages)
            if not 1 <= number <= count:
                return None, f"has {count} page{'s' if count != 1 else ''}, no page {number}"
            box = page_box(pdf.pages[number - 1])
    except pikepdf.PasswordError:
        return None, "is encrypted: ask for an unprotected PDF/X-1a file"
    except (pikepdf.PdfError, OSError, ValueError) as exc:
        return None, f"is not a readable PDF ({str(exc)[:120]})"
    if box[2] - box[0] <= 0 or box[3] - box[1] <= 0:
        return None, "has an empty page box"
    return box, None
