"""Finishing a reportlab PDF as PDF/X-1a:2001: version 1.3, the Info keys and the OutputIntent that
reportlab cannot write, with pikepdf. Deterministic: dates come from the issue, the file ID from
the content, so the same input gives byte-identical files."""

from __future__ import annotations

import datetime as dt
import hashlib
import zlib
from functools import lru_cache

import pikepdf
from pikepdf import Dictionary, Name, String

from .images import profile_bytes
from .model import PrintSettings

PDFX = "PDF/X-1a:2001"


def pdf_date(day: dt.date) -> str:
    """Midnight of the issue's date in Shanghai, as a PDF date string."""
    return f"D:{day:%Y%m%d}000000+08'00'"


def finish_pdfx(source: str, target: str, title: str, day: dt.date, printing: PrintSettings) -> None:
    with pikepdf.open(source) as pdf:
        _finish(pdf, target, title, day, printing)


def merge_pdfx(sources: list[str], target: str, title: str, day: dt.date, printing: PrintSettings) -> None:
    """The whole issue from its finished page files, without drawing the pages again.

    Each page file numbers its font subsets from AAAAAA; in one document two different subsets must
    not share a name (a RIP may take one for the other), so every subset gets a tag of its own."""
    merged = pikepdf.new()
    opened = [pikepdf.open(s) for s in sources]
    try:
        used: set[str] = set()
        for number, src in enumerate(opened, start=1):
            for page in src.pages:
                _retag_subsets(page, number, used)
            merged.pages.extend(src.pages)
        _finish(merged, target, title, day, printing)
    finally:
        for src in opened:
            src.close()


def _retag_subsets(page, number: int, used: set[str]) -> None:
    fonts = page.obj.get("/Resources", {}).get("/Font", {})
    for font in fonts.values():
        base = str(font.get("/BaseFont", ""))
        if len(base) > 8 and base[7] == "+":
            seed = 0
            while True:
                digest = hashlib.sha256(f"{number}:{base}:{seed}".encode()).digest()
                tag = "".join(chr(65 + b % 26) for b in digest[:6])
                if tag not in used:
                    break
                seed += 1
            used.add(tag)
            name = Name("/" + tag + base[7:])
            font.BaseFont = name
            if "/FontDescriptor" in font:
                font.FontDescriptor.FontName = name


def _finish(pdf: pikepdf.Pdf, target: str, title: str, day: dt.date, printing: PrintSettings) -> None:
    icc = pdf.make_stream(_deflated_profile(printing.profile))
    icc.Filter = Name.FlateDecode
    icc.N = 4
    icc.Alternate = Name.DeviceCMYK
    intent = Dictionary(
        Type=Name.OutputIntent,
        S=Name.GTS_PDFX,
        OutputConditionIdentifier=String(printing.condition),
        OutputCondition=String(f"{printing.condition}, coldset newsprint (ISO 12647-3)"),
        RegistryName=String("http://www.color.org"),
        Info=String(printing.condition),
        DestOutputProfile=icc,
    )
    pdf.Root.OutputIntents = pikepdf.Array([pdf.make_indirect(intent)])
    info = pdf.docinfo
    info[Name.GTS_PDFXVersion] = String(PDFX)
    info[Name.GTS_PDFXConformance] = String(PDFX)
    info[Name.Trapped] = Name("/False")
    info[Name.Title] = String(title)
    info[Name.CreationDate] = String(pdf_date(day))
    info[Name.ModDate] = String(pdf_date(day))
    info[Name.Producer] = String("layout (徐匯報 print-layout engine) with reportlab and pikepdf")
    # Streams are left as reportlab compressed them (no decode and re-encode: a third of the time).
    pdf.save(target, force_version="1.3", deterministic_id=True, compress_streams=True,
             stream_decode_level=pikepdf.StreamDecodeLevel.none,
             object_stream_mode=pikepdf.ObjectStreamMode.disable, linearize=False)


@lru_cache(maxsize=4)
def _deflated_profile(name: str) -> bytes:
    """The output profile, compressed once per process rather than once per file."""
    return zlib.compress(profile_bytes(name), 9)
