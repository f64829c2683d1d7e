"""Minimal reading of our own PDFs for tests: objects, decompressed streams, text via pypdfium2."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)


def streams(pdf: bytes) -> list[bytes]:
    out = []
    for m in STREAM.finditer(pdf):
        data = m.group(1)
        try:
            out.append(zlib.decompress(data))
        except zlib.error:
            out.append(data)
    return out


def page_texts(path: Path) -> list[str]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()
