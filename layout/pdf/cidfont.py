"""A face as a PDF font: Type0 with Identity-H over a CIDFontType2 subset (fonts/subset.py).

Codes are code points: a run's bytes are its text in UTF-16BE, so encoding a line is one call into
C. The few characters a face has beyond the BMP get codes in the surrogate range (which no text
can contain), numbered in code point order, so a character's code never depends on the page.

A font is prepared once for all the pages being written (one subset of the characters they use,
compressed once) and added to each file that needs it: the page files and the whole-issue file
carry the same font program byte for byte.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache

from ..base.errors import LayoutError
from ..fonts.subset import font_program
from ..fonts.faces import Face
from ..fonts.charsets import presented
from .objects import FAST_COMPRESSION, Document, Name, Ref, Stream, deflated

DEFAULT_WIDTH = 1000   # an ideograph's advance: only other widths are listed in W


@cache
def _cid_codes(face: Face) -> dict[int, str]:
    """Characters beyond the BMP → the 16-bit code each has in this face's embedded font."""
    beyond = sorted(face.advances.beyond)
    if len(beyond) > 0x800:
        raise LayoutError(f"{face.path}: more than 2,048 characters beyond the BMP: not supported")
    return {cp: chr(0xD800 + i) for i, cp in enumerate(beyond)}


def encode(face: Face, text: str) -> bytes:
    """A run's text as the codes of its face's PDF font."""
    if max(text) > "\uffff":
        text = text.translate(_cid_codes(face))
    return text.encode("utf-16-be", "surrogatepass")


def _widths(program, pairs: list[tuple[int, int]]) -> bytes:
    """The W array, serialised: runs of consecutive codes whose advance is not the default."""
    out: list[str] = []
    run: list[str] = []
    prev = None
    for cid, gid in pairs:
        width = program.pdf_units(program.advance(gid))
        if width == DEFAULT_WIDTH:
            continue
        if prev is None or cid != prev + 1:
            if run:
                out.append(" ".join(run) + "]")
            run = [f"{cid} [{width}"]
        else:
            run.append(str(width))
        prev = cid
    if run:
        out.append(" ".join(run) + "]")
    return ("[" + " ".join(out) + "]").encode("ascii")


def _to_unicode(codes: dict[int, int]) -> bytes:
    """CMap from codes to text: whole 256-code blocks for the BMP, one entry per code beyond it, and one
    per code of a block holding a vertical form (︒ ︵ ﹁ of a vertical head), which gives the mark it stands
    for (。（「), so the text is searched and copied as written."""
    vertical = {cid >> 8 for cid, cp in codes.items() if cp <= 0xFFFF and presented(chr(cp)) != chr(cp)}
    blocks = sorted({cid >> 8 for cid, cp in codes.items() if cp <= 0xFFFF} - vertical)
    beyond = sorted((cid, ord(presented(chr(cp)))) for cid, cp in codes.items()
                    if cp > 0xFFFF or cid >> 8 in vertical)
    out = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
           "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
           "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
           "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange"]
    for i in range(0, len(blocks), 100):
        chunk = blocks[i:i + 100]
        out.append(f"{len(chunk)} beginbfrange")
        out += [f"<{b:02X}00> <{b:02X}FF> <{b:02X}00>" for b in chunk]
        out.append("endbfrange")
    for i in range(0, len(beyond), 100):
        entries = beyond[i:i + 100]
        out.append(f"{len(entries)} beginbfchar")
        out += [f"<{cid:04X}> <{chr(cp).encode('utf-16-be').hex().upper()}>" for cid, cp in entries]
        out.append("endbfchar")
    out += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return ("\n".join(out) + "\n").encode("ascii")


@dataclass(frozen=True)
class PreparedFont:
    """Everything of one embedded font but its object numbers."""

    base: Name
    descriptor: dict
    font_file: Stream
    widths: bytes
    cid_to_gid: Stream
    to_unicode: Stream


def prepare(face: Face, chars: set[str]) -> PreparedFont:
    """The subset of ``face`` holding ``chars``, compressed, with its PDF dictionaries."""
    program = font_program(face.path)
    codes = _cid_codes(face)
    glyph_of = {ord(ch): program.glyph(ord(ch)) for ch in chars}
    missing = sorted(ch for ch in chars if not glyph_of[ord(ch)])
    if missing:
        raise LayoutError(f"{face.path}: no glyph for {', '.join(f'U+{ord(ch):04X}' for ch in missing)}")
    cid_of = {ord(ch): (ord(codes[ord(ch)]) if ord(ch) > 0xFFFF else ord(ch)) for ch in chars}
    pairs = sorted((cid, glyph_of[cp]) for cp, cid in cid_of.items())
    # The subset tag (ABCDEF+) names the glyph set, so two different subsets never share a name.
    tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(
        f"{face.key}:{program.name}:{pairs}".encode()).digest()[:6])
    base = Name(f"{tag}+{program.name}")
    font_file = program.subset({gid for _, gid in pairs})
    cid_to_gid = bytearray(2 * (pairs[-1][0] + 1))
    for cid, gid in pairs:
        cid_to_gid[2 * cid:2 * cid + 2] = gid.to_bytes(2, "big")
    ascent, descent = program.ascent_descent()
    descriptor = {"Type": Name("FontDescriptor"), "FontName": base, "Flags": 4, "FontBBox": list(program.bbox()),
                  "ItalicAngle": 0, "Ascent": ascent, "Descent": descent, "CapHeight": ascent, "StemV": 80}
    return PreparedFont(base, descriptor, deflated(font_file, {"Length1": len(font_file)}, FAST_COMPRESSION),
                        _widths(program, pairs), deflated(bytes(cid_to_gid)),
                        deflated(_to_unicode({cid: cp for cp, cid in cid_of.items()})))


def add_font(doc: Document, font: PreparedFont) -> Ref:
    """The font's objects in one document; returns the Type0 font's reference."""
    descriptor = doc.add({**font.descriptor, "FontFile2": doc.add(font.font_file)})
    cid_font = doc.add({
        "Type": Name("Font"), "Subtype": Name("CIDFontType2"), "BaseFont": font.base,
        "CIDSystemInfo": {"Registry": "Adobe", "Ordering": "Identity", "Supplement": 0},
        "FontDescriptor": descriptor, "DW": DEFAULT_WIDTH, "W": font.widths,
        "CIDToGIDMap": doc.add(font.cid_to_gid)})
    return doc.add({"Type": Name("Font"), "Subtype": Name("Type0"), "BaseFont": font.base,
                    "Encoding": Name("Identity-H"), "DescendantFonts": [cid_font],
                    "ToUnicode": doc.add(font.to_unicode)})

