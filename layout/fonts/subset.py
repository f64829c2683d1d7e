"""TrueType subsets for embedding, made straight from the font file's tables.

A subset keeps every glyph's number (glyphs not used are left empty), so one page's content stream
is valid with the subset of any document it is put in: the page file and the whole-issue file share
their content streams byte for byte. Empty glyphs cost four bytes each in ``loca`` and ``hmtx``,
which deflate to almost nothing. Only what a PDF consumer needs of a CIDFontType2 program is kept
(head, hhea, maxp, loca, glyf, hmtx, the hinting tables, a post and an empty cmap); glyphs are read
with ``pread``, so a 10 MB CJK face costs its tables' directory and metrics in memory, not its size.
"""

from __future__ import annotations

import os
import struct
from array import array
from bisect import bisect_right
from functools import cache
from pathlib import Path

from ..base.errors import LayoutError

# Composite glyph flags (OpenType glyf table).
_ARGS_ARE_WORDS = 0x0001
_HAVE_SCALE = 0x0008
_MORE_COMPONENTS = 0x0020
_HAVE_XY_SCALE = 0x0040
_HAVE_2X2 = 0x0080

_KEEP = (b"cvt ", b"fpgm", b"prep")


def _checksum(data: bytes) -> int:
    padded = data + b"\0" * (-len(data) % 4)
    words = array("I", padded)
    if words.itemsize != 4:  # pragma: no cover - every platform we run on has 4-byte unsigned int
        words = array("L", padded)
    if struct.pack("=I", 1) != struct.pack(">I", 1):
        words.byteswap()
    return sum(words) & 0xFFFFFFFF


class FontProgram:
    """One TrueType file's tables, read once: what a subset needs, and the face's PDF metrics."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self._fd = os.open(path, os.O_RDONLY)
            head = os.pread(self._fd, 12, 0)
            count = struct.unpack(">H", head[4:6])[0]
            directory = os.pread(self._fd, 16 * count, 12)
            self.tables = {}
            for i in range(count):
                tag, _, offset, length = struct.unpack(">4sIII", directory[16 * i:16 * i + 16])
                self.tables[tag] = (offset, length)
            self.head = self._table(b"head")
            self.hhea = self._table(b"hhea")
            self.maxp = self._table(b"maxp")
            self.glyph_count = struct.unpack(">H", self.maxp[4:6])[0]
            self.units = struct.unpack(">H", self.head[18:20])[0]
            long_loca = struct.unpack(">h", self.head[50:52])[0] == 1
            loca = self._table(b"loca")
            self.loca = array("I" if long_loca else "H", loca)
            if self.loca.itemsize != (4 if long_loca else 2):  # pragma: no cover
                raise LayoutError(f"{path}: unsupported platform integer size")
            if struct.pack("=H", 1) != struct.pack(">H", 1):
                self.loca.byteswap()
            if not long_loca:
                self.loca = array("I", (2 * x for x in self.loca))
            self.metric_count = struct.unpack(">H", self.hhea[34:36])[0]
            self.hmtx = self._table(b"hmtx")
            self.glyf_offset = self.tables[b"glyf"][0]
            self.kept = {tag: self._table(tag) for tag in _KEEP if tag in self.tables}
            self.name = self._postscript_name()
            self._cmap = self._read_cmap()
        except KeyError as exc:
            raise LayoutError(f"{path}: not a usable TrueType font (no {exc.args[0].decode()} table)") from None
        except (OSError, struct.error, ValueError) as exc:
            raise LayoutError(f"{path}: not a usable TrueType font ({exc})") from None

    def _table(self, tag: bytes) -> bytes:
        offset, length = self.tables[tag]
        data = os.pread(self._fd, length, offset)
        if len(data) != length:
            raise LayoutError(f"{self.path}: font file is truncated (table {tag.decode()})")
        return data

    def _postscript_name(self) -> str:
        if b"name" not in self.tables:
            return self.path.stem
        data = self._table(b"name")
        count, strings = struct.unpack(">HH", data[2:6])
        for i in range(count):
            platform, encoding, _, name_id, length, offset = struct.unpack(">6H", data[6 + 12 * i:18 + 12 * i])
            if name_id != 6:
                continue
            raw = data[strings + offset:strings + offset + length]
            text = raw.decode("utf-16-be", "replace") if platform in (0, 3) else raw.decode("latin-1")
            clean = "".join(ch for ch in text if ch.isascii() and ch.isalnum() or ch in "-_")
            if clean:
                return clean
        return self.path.stem

    def _read_cmap(self):
        """The Unicode cmap subtable, kept as arrays for lookups (format 12 for the full range, else 4)."""
        data = self._table(b"cmap")
        count = struct.unpack(">H", data[2:4])[0]
        offsets = {}
        for i in range(count):
            platform, encoding, offset = struct.unpack(">HHI", data[4 + 8 * i:12 + 8 * i])
            offsets[(platform, encoding)] = offset
        for key in ((3, 10), (0, 4), (0, 6)):
            if key in offsets and struct.unpack(">H", data[offsets[key]:offsets[key] + 2])[0] == 12:
                at = offsets[key]
                groups = struct.unpack(">I", data[at + 12:at + 16])[0]
                flat = struct.unpack(f">{3 * groups}I", data[at + 16:at + 16 + 12 * groups])
                return 12, array("I", flat[0::3]), array("I", flat[1::3]), array("I", flat[2::3]), b""
        for key in ((3, 1), (0, 3), (0, 4), (0, 3)):
            if key in offsets and struct.unpack(">H", data[offsets[key]:offsets[key] + 2])[0] == 4:
                at = offsets[key]
                length, _, seg2 = struct.unpack(">HHH", data[at + 2:at + 8])
                n = seg2 // 2
                ends = struct.unpack(f">{n}H", data[at + 14:at + 14 + seg2])
                starts = struct.unpack(f">{n}H", data[at + 16 + seg2:at + 16 + 2 * seg2])
                deltas = struct.unpack(f">{n}h", data[at + 16 + 2 * seg2:at + 16 + 3 * seg2])
                ranges = data[at + 16 + 3 * seg2:at + length]   # idRangeOffset[] then glyphIdArray[]
                return 4, array("I", starts), array("I", ends), array("i", deltas), ranges
        raise LayoutError(f"{self.path}: no Unicode cmap")

    def glyph(self, cp: int) -> int:
        """The glyph number of a code point; 0 (.notdef) where the font has none."""
        fmt, starts, ends, third, ranges = self._cmap
        i = bisect_right(starts, cp) - 1
        if i < 0 or cp > ends[i]:
            return 0
        if fmt == 12:
            return third[i] + cp - starts[i]
        n = len(starts)
        range_offset = struct.unpack(">H", ranges[2 * i:2 * i + 2])[0]
        if range_offset == 0:
            return (cp + third[i]) & 0xFFFF
        at = 2 * i + range_offset + 2 * (cp - starts[i])
        if at + 2 > len(ranges) or at < 2 * n:
            return 0
        gid = struct.unpack(">H", ranges[at:at + 2])[0]
        return (gid + third[i]) & 0xFFFF if gid else 0

    # Metrics for the PDF font dictionaries, in 1000ths of an em.
    def advance(self, gid: int) -> int:
        index = min(gid, self.metric_count - 1)
        return struct.unpack(">H", self.hmtx[4 * index:4 * index + 2])[0]

    def pdf_units(self, value: float) -> int:
        return round(value * 1000 / self.units)

    def bbox(self) -> tuple[int, int, int, int]:
        x0, y0, x1, y1 = struct.unpack(">4h", self.head[36:44])
        return tuple(self.pdf_units(v) for v in (x0, y0, x1, y1))

    def ascent_descent(self) -> tuple[int, int]:
        ascent, descent = struct.unpack(">hh", self.hhea[4:8])
        return self.pdf_units(ascent), self.pdf_units(descent)

    def _glyph(self, gid: int) -> bytes:
        start, end = self.loca[gid], self.loca[gid + 1]
        if end <= start:
            return b""
        data = os.pread(self._fd, end - start, self.glyf_offset + start)
        if len(data) != end - start:
            raise LayoutError(f"{self.path}: font file is truncated (glyph {gid})")
        return data

    def _components(self, data: bytes) -> list[int]:
        """Glyphs a composite glyph is built from."""
        if len(data) < 10 or struct.unpack(">h", data[:2])[0] >= 0:
            return []
        out, pos = [], 10
        while True:
            flags, gid = struct.unpack(">HH", data[pos:pos + 4])
            out.append(gid)
            pos += 4 + (4 if flags & _ARGS_ARE_WORDS else 2)
            if flags & _HAVE_SCALE:
                pos += 2
            elif flags & _HAVE_XY_SCALE:
                pos += 4
            elif flags & _HAVE_2X2:
                pos += 8
            if not flags & _MORE_COMPONENTS:
                return out

    def subset(self, gids: set[int]) -> bytes:
        """A TrueType file with the outlines of ``gids`` (and .notdef and any components) only."""
        glyphs: dict[int, bytes] = {}
        todo = sorted({0} | {g for g in gids if 0 <= g < self.glyph_count})
        while todo:
            gid = todo.pop()
            if gid in glyphs:
                continue
            data = glyphs[gid] = self._glyph(gid)
            todo.extend(g for g in self._components(data) if g not in glyphs and g < self.glyph_count)
        glyf = bytearray()
        # loca is a step function of the glyph number: fill it run by run, not glyph by glyph.
        loca = array("I", [0])
        for gid in sorted(glyphs):
            loca.extend(array("I", [len(glyf)]) * (gid + 1 - len(loca)))
            data = glyphs[gid]
            if data:
                glyf += data
                glyf += b"\0" * (-len(data) % 4)
        loca.extend(array("I", [len(glyf)]) * (self.glyph_count + 1 - len(loca)))
        metric_bytes = 4 * self.metric_count
        hmtx = bytearray(len(self.hmtx))
        for gid in glyphs:
            if gid < self.metric_count:
                hmtx[4 * gid:4 * gid + 4] = self.hmtx[4 * gid:4 * gid + 4]
            else:  # glyphs past numberOfHMetrics keep only a left side bearing
                at = metric_bytes + 2 * (gid - self.metric_count)
                hmtx[at:at + 2] = self.hmtx[at:at + 2]
        if struct.pack("=I", 1) != struct.pack(">I", 1):
            loca.byteswap()
        head = bytearray(self.head)
        head[8:12] = b"\0\0\0\0"               # checkSumAdjustment, set below
        head[50:52] = struct.pack(">h", 1)     # long loca offsets
        tables = {b"head": head, b"hhea": self.hhea, b"maxp": self.maxp, b"loca": loca.tobytes(),
                  b"glyf": glyf, b"hmtx": hmtx, b"post": _POST, b"cmap": _CMAP, **self.kept}
        return _assemble(tables)


# post version 3 (no glyph names) and a cmap with only the closing segment: a CIDFontType2 is
# addressed by glyph number through CIDToGIDMap, never through the font's own cmap.
_POST = struct.pack(">IiiiIIIII", 0x00030000, 0, -100, 50, 0, 0, 0, 0, 0)
_CMAP = struct.pack(">HHHHI", 0, 1, 3, 1, 12) + struct.pack(">7H", 4, 24, 0, 2, 2, 0, 0) + \
    struct.pack(">4H", 0xFFFF, 0, 0xFFFF, 1) + struct.pack(">H", 0)


def _assemble(tables: dict[bytes, bytes]) -> bytearray:
    """The font file: one buffer of its final size, each table copied into it once."""
    tags = sorted(tables)
    count = len(tags)
    power = 1 << (count.bit_length() - 1)
    header = struct.pack(">IHHHH", 0x00010000, count, 16 * power, power.bit_length() - 1, 16 * (count - power))
    offsets, at = {}, 12 + 16 * count
    for tag in tags:
        offsets[tag] = at
        at += len(tables[tag]) + (-len(tables[tag]) % 4)
    font = bytearray(at)
    font[:12] = header
    total = 0
    for k, tag in enumerate(tags):
        data = tables[tag]
        checksum = _checksum(data)
        total += checksum
        font[12 + 16 * k:28 + 16 * k] = struct.pack(">4sIII", tag, checksum, offsets[tag], len(data))
        font[offsets[tag]:offsets[tag] + len(data)] = data
    # The file's checksum is the sum of its tables' and its directory's: no second pass over the file.
    total += _checksum(bytes(font[:12 + 16 * count]))
    head = offsets[b"head"]
    font[head + 8:head + 12] = struct.pack(">I", (0xB1B0AFBA - total) & 0xFFFFFFFF)
    return font


@cache
def font_program(path: Path) -> FontProgram:
    """Each font file's tables, read once per process."""
    return FontProgram(path)
