"""Finishing a reportlab PDF as PDF/X-1a:2001: version 1.3, the Info keys and the OutputIntent that
reportlab cannot write, with pikepdf. Deterministic: dates come from the issue, the file ID from
the content, so the same input gives byte-identical files."""

from __future__ import annotations

import datetime as dt

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
        icc = pdf.make_stream(profile_bytes(printing.profile))
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
        pdf.save(target, force_version="1.3", deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.disable, linearize=False)
