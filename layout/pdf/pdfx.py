"""What makes a PDF a PDF/X-1a:2001 file beyond its pages: the version, the Info keys and the
OutputIntent with the press's ICC profile. Deterministic: dates come from the issue."""

from __future__ import annotations

import datetime as dt
import zlib
from functools import lru_cache

from ..base.paths import profile_bytes
from ..issue.model import PrintSettings
from .objects import Document, Name, Ref, Stream


def pdf_date(day: dt.date, minutes: int = 0) -> str:
    """Midnight of the issue's date in Shanghai, ``minutes`` later, as a PDF date string: the
    dates come from the issue (and a page's revision), never from the clock."""
    moment = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes)
    return f"D:{moment:%Y%m%d%H%M%S}+08'00'"


@lru_cache(maxsize=4)
def _profile_stream(name: str) -> Stream:
    """The output profile, compressed once per process rather than once per file."""
    return Stream(zlib.compress(profile_bytes(name), 6),
                  {"Filter": Name("FlateDecode"), "N": 4, "Alternate": Name("DeviceCMYK")})


def output_intent(doc: Document, printing: PrintSettings) -> dict:
    intent = {"Type": Name("OutputIntent"), "S": Name("GTS_PDFX"),
              "OutputConditionIdentifier": printing.condition,
              "OutputCondition": f"Coldset offset on newsprint, ISO 12647-3 ({printing.condition})",
              "RegistryName": "http://www.color.org", "Info": printing.condition}
    if printing.embed_profile:
        profile: Ref = doc.add(_profile_stream(printing.profile))
        intent["DestOutputProfile"] = profile
    # Else the registered condition alone names the press (ISO 15930-1 lets PDF/X-1a:2001 leave the
    # profile out for a characterization in the ICC's registry; the loader allows nothing else): half
    # of every page file's bytes saved, where the print shop's RIP knows the condition.
    return intent
