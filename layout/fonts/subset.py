"""TrueType subsets for embedding, made straight from the font file's tables.

Takes a TrueType file's path (from ``fonts.faces``). Hands on ``FontProgram`` (to ``pdf.cidfont``):
the face's glyph numbers (its Unicode cmap), its PDF metrics and subsets of it as font files.

A subset keeps every glyph's number (glyphs not used are left empty), so one page's content stream
is valid with the subset of any document it is put in: the page file and the whole-issue file share
their content streams byte for byte. Empty glyphs cost four bytes each in ``loca`` and ``hmtx``,
which deflate to almost nothing. Only what a PDF consumer needs of a CIDFontType2 program is kept
(head, hhea, maxp, loca, glyf, hmtx, the hinting tables, a post and an empty cmap); glyphs are read
with ``pread``, so a 10 MB CJK face costs its tables' directory and metrics in memory, not its size.
Each glyph a subset takes (and each component of it) is checked as it is read (``FontProgram._outline``:
offsets, header, bounding box, contours, flags, coordinates' size, components): a damaged font is
refused in one line naming the file, the glyph and its character, rather than embedded to print blank.
(Coordinates changed in place still parse; nothing short of a checksum of the glyf table finds that.)

The fixed binary records of the file are ``TableLayout``s, written field by field as the OpenType
specification (and fontTools' ``ttLib/tables``) names them, so no table is read by byte offsets.
"""

from __future__ import annotations

import os
import struct
from array import array
from bisect import bisect_right
from collections import namedtuple
from functools import cache
from pathlib import Path

from ..base.errors import LayoutError


class TableLayout:
    """A fixed binary record of a font file: big-endian fields, one ``name: struct code`` a line
    (``#`` starts a comment). Read whole into a named tuple in one struct call, or field by field
    where only one is wanted (a glyph's advance) or is written in place (checkSumAdjustment)."""

    def __init__(self, name: str, fields: str):
        lines = [line.split("#")[0].strip() for line in fields.strip().splitlines()]
        pairs = [tuple(part.strip() for part in line.split(":")) for line in lines if line]
        self._codes = [code for _, code in pairs]
        self.struct = struct.Struct(">" + "".join(self._codes))
        self.size = self.struct.size
        self._record = namedtuple(name, [field for field, _ in pairs])
        self._fields = {field: (struct.calcsize(">" + "".join(self._codes[:i])), struct.Struct(">" + code))
                        for i, (field, code) in enumerate(pairs)}

    def unpack(self, data, at: int = 0):
        return self._record._make(self.struct.unpack_from(data, at))

    def pack(self, *values, **fields) -> bytes:
        return self.struct.pack(*self._record(*values, **fields))

    def pack_into(self, buffer, at: int, *values, **fields) -> None:
        self.struct.pack_into(buffer, at, *self._record(*values, **fields))

    def read(self, data, field: str, at: int = 0):
        """One field of the record that starts at ``at``."""
        offset, code = self._fields[field]
        return code.unpack_from(data, at + offset)[0]

    def write(self, buffer, field: str, value, at: int = 0) -> None:
        """One field of the record that starts at ``at``, changed in place."""
        offset, code = self._fields[field]
        code.pack_into(buffer, at + offset, value)

    def columns(self, data, count: int, at: int = 0) -> tuple[tuple, ...]:
        """``count`` records in a row, read in one struct call: one tuple per field (the big arrays)."""
        uniform = len(set(self._codes)) == 1 and len(self._codes[0]) == 1
        codes = f"{count * len(self._codes)}{self._codes[0]}" if uniform else "".join(self._codes) * count
        flat = struct.unpack_from(">" + codes, data, at)
        width = len(self._codes)
        return tuple(flat[i::width] for i in range(width))


# The file's header and directory.
OFFSET_TABLE = TableLayout("OffsetTable", """
    sfntVersion:    I   # 0x00010000 for TrueType outlines
    numTables:      H
    searchRange:    H   # 16 × the largest power of two ≤ numTables
    entrySelector:  H   # log2 of that power
    rangeShift:     H   # 16 × numTables − searchRange
""")
TABLE_RECORD = TableLayout("TableRecord", """
    tag:            4s
    checksum:       I
    offset:         I
    length:         I
""")

HEAD = TableLayout("head", """
    version:            I   # 16.16 fixed
    fontRevision:       I   # 16.16 fixed
    checkSumAdjustment: I
    magicNumber:        I
    flags:              H
    unitsPerEm:         H
    created:            Q
    modified:           Q
    xMin:               h
    yMin:               h
    xMax:               h
    yMax:               h
    macStyle:           H
    lowestRecPPEM:      H
    fontDirectionHint:  h
    indexToLocFormat:   h   # 0: loca holds offsets / 2 as uint16; 1: offsets as uint32
    glyphDataFormat:    h
""")
HHEA = TableLayout("hhea", """
    version:                I
    ascent:                 h
    descent:                h
    lineGap:                h
    advanceWidthMax:        H
    minLeftSideBearing:     h
    minRightSideBearing:    h
    xMaxExtent:             h
    caretSlopeRise:         h
    caretSlopeRun:          h
    caretOffset:            h
    reserved0:              h
    reserved1:              h
    reserved2:              h
    reserved3:              h
    metricDataFormat:       h
    numberOfHMetrics:       H
""")
MAXP = TableLayout("maxp", """
    version:    I   # 0.5 or 1.0 as 16.16 fixed: only the fields both versions have
    numGlyphs:  H
""")

# hmtx: numberOfHMetrics of these, then a left side bearing alone for each glyph after them.
LONG_HOR_METRIC = TableLayout("LongHorMetric", """
    advanceWidth:       H
    leftSideBearing:    h
""")
LEFT_SIDE_BEARING = TableLayout("LeftSideBearing", """
    leftSideBearing:    h
""")

NAME_HEADER = TableLayout("NameHeader", """
    format:         H
    count:          H
    stringOffset:   H   # from the start of the table
""")
NAME_RECORD = TableLayout("NameRecord", """
    platformID:     H
    encodingID:     H
    languageID:     H
    nameID:         H
    length:         H
    offset:         H   # from stringOffset
""")

CMAP_HEADER = TableLayout("CmapHeader", """
    version:    H
    numTables:  H
""")
ENCODING_RECORD = TableLayout("EncodingRecord", """
    platformID:     H
    encodingID:     H
    subtableOffset: I   # from the start of the table
""")
# Format 4 (the BMP in segments): this header, then endCode[segCount], a uint16 reservedPad,
# startCode[segCount], idDelta[segCount] (int16), idRangeOffset[segCount] and the glyphIdArray.
CMAP_FORMAT_4 = TableLayout("CmapFormat4", """
    format:         H
    length:         H
    language:       H
    segCountX2:     H
    searchRange:    H
    entrySelector:  H
    rangeShift:     H
""")
# Format 12 (all of Unicode in groups): this header, then numGroups of SequentialMapGroup.
CMAP_FORMAT_12 = TableLayout("CmapFormat12", """
    format:     H
    reserved:   H
    length:     I
    language:   I
    numGroups:  I
""")
SEQUENTIAL_MAP_GROUP = TableLayout("SequentialMapGroup", """
    startCharCode:  I
    endCharCode:    I
    startGlyphID:   I
""")

GLYPH_HEADER = TableLayout("GlyphHeader", """
    numberOfContours:   h   # negative for a composite glyph
    xMin:               h
    yMin:               h
    xMax:               h
    yMax:               h
""")
# A composite glyph's component: this, two arguments (int16 or int8 each, by the flags), then
# a transform of none, one, two or four F2Dot14 values (by the flags).
COMPONENT = TableLayout("Component", """
    flags:          H
    glyphIndex:     H
""")
_WORD_ARGUMENT, _BYTE_ARGUMENT, _F2DOT14 = 2, 1, 2   # sizes in bytes

# Composite glyph flags (OpenType glyf table).
_ARGS_ARE_WORDS = 0x0001
_HAVE_SCALE = 0x0008
_MORE_COMPONENTS = 0x0020
_HAVE_XY_SCALE = 0x0040
_HAVE_2X2 = 0x0080

_WE_HAVE_INSTRUCTIONS = 0x0100

# Simple glyph flags: a flag with REPEAT is followed by how many more points share it; each point's
# x and y take two bytes, one (SHORT) or none (SAME as the last, when not SHORT).
_REPEAT = 0x08
_X_SHORT, _Y_SHORT, _X_SAME, _Y_SAME = 0x02, 0x04, 0x10, 0x20
# By flag byte: 1 if it repeats, and the bytes of coordinates one point with it takes (with bytes.translate).
_REPEATS = bytes(1 if flag & _REPEAT else 0 for flag in range(256))
_COORDINATE_BYTES = bytes((1 if flag & _X_SHORT else 0 if flag & _X_SAME else 2)
                          + (1 if flag & _Y_SHORT else 0 if flag & _Y_SAME else 2) for flag in range(256))
_COMPOSITE = -1                 # numberOfContours of a composite glyph (other negatives are not defined)

_TRUETYPE = 0x00010000          # sfntVersion of a font with TrueType outlines
_LONG_OFFSETS = 1               # head.indexToLocFormat: loca as uint32 offsets
_FILE_CHECKSUM = 0xB1B0AFBA     # what the whole file's checksum comes to with checkSumAdjustment set
_POSTSCRIPT_NAME = 6            # name.nameID
_UTF16_PLATFORMS = (0, 3)       # Unicode and Windows name records are UTF-16BE; the others 8-bit
# Unicode cmap subtables by (platformID, encodingID), in the order they are preferred.
_FULL_UNICODE = ((3, 10), (0, 4), (0, 6))     # format 12
_BMP_UNICODE = ((3, 1), (0, 3), (0, 4))       # format 4

_KEEP = (b"cvt ", b"fpgm", b"prep")
_UINT16 = struct.Struct(">H")

# Characters that draw nothing, so their glyphs are rightly empty: spaces, controls, format characters
# (zero-width space and joiners, soft hyphen, BOM …) and the default-ignorable fillers and variation
# selectors. Any other character used with an empty glyph would print as a blank: a damaged font.
# Searched in the blocks where Unicode puts such characters, not all of Unicode (that takes 10 ms).
_BLANK_CATEGORIES = ("Zs", "Zl", "Zp", "Cc", "Cf")
_BLANK_BLOCKS = (range(0x0000, 0x0100), range(0x0600, 0x0700), range(0x1680, 0x1681), range(0x180B, 0x1810),
                 range(0x2000, 0x2070), range(0x3000, 0x3001), range(0xFE00, 0xFF00), range(0xFFF0, 0x10000),
                 range(0x110BD, 0x110BE), range(0x1D173, 0x1D17B), range(0xE0000, 0xE0080))
_IGNORABLE = (0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0, *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0))


class _DamagedGlyph(Exception):
    """A glyph's data that cannot be what the font means: the reason, for the one-line error."""


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
            count = OFFSET_TABLE.unpack(os.pread(self._fd, OFFSET_TABLE.size, 0)).numTables
            directory = os.pread(self._fd, TABLE_RECORD.size * count, OFFSET_TABLE.size)
            self.tables = {}
            for i in range(count):
                record = TABLE_RECORD.unpack(directory, TABLE_RECORD.size * i)
                self.tables[record.tag] = (record.offset, record.length)
            self.head = self._table(b"head")
            self.hhea = self._table(b"hhea")
            self.maxp = self._table(b"maxp")
            self.font_header = HEAD.unpack(self.head)
            self.horizontal_header = HHEA.unpack(self.hhea)
            self.glyph_count = MAXP.unpack(self.maxp).numGlyphs
            self.units = self.font_header.unitsPerEm
            long_loca = self.font_header.indexToLocFormat == _LONG_OFFSETS
            loca = self._table(b"loca")
            self.loca = array("I" if long_loca else "H", loca)
            if self.loca.itemsize != (4 if long_loca else 2):  # pragma: no cover
                raise LayoutError(f"{path}: unsupported platform integer size")
            if struct.pack("=H", 1) != struct.pack(">H", 1):
                self.loca.byteswap()
            if not long_loca:   # short offsets are stored halved
                self.loca = array("I", (2 * x for x in self.loca))
            self.metric_count = self.horizontal_header.numberOfHMetrics
            self.hmtx = self._table(b"hmtx")
            self.glyf_offset, self.glyf_length = self.tables[b"glyf"]
            if len(self.loca) < self.glyph_count + 1:
                raise LayoutError(f"{path}: damaged font: its loca table has {len(self.loca)} offsets "
                                  f"for {self.glyph_count} glyphs")
            self._blank_glyphs: set[int] | None = None
            # Glyphs read and checked, kept for the next subset of this face: the issues a batch worker
            # sets share most of their characters, and a glyph is checked once, not once an issue.
            self._outlines: dict[int, tuple[bytes, list[int]]] = {}
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
        header = NAME_HEADER.unpack(data)
        for i in range(header.count):
            record = NAME_RECORD.unpack(data, NAME_HEADER.size + NAME_RECORD.size * i)
            if record.nameID != _POSTSCRIPT_NAME:
                continue
            start = header.stringOffset + record.offset
            raw = data[start:start + record.length]
            utf16 = record.platformID in _UTF16_PLATFORMS
            text = raw.decode("utf-16-be", "replace") if utf16 else raw.decode("latin-1")
            clean = "".join(ch for ch in text if ch.isascii() and ch.isalnum() or ch in "-_")
            if clean:
                return clean
        return self.path.stem

    def _read_cmap(self):
        """The Unicode cmap subtable, kept as arrays for lookups (format 12 for the full range, else 4)."""
        data = self._table(b"cmap")
        offsets = {}
        for i in range(CMAP_HEADER.unpack(data).numTables):
            record = ENCODING_RECORD.unpack(data, CMAP_HEADER.size + ENCODING_RECORD.size * i)
            offsets[(record.platformID, record.encodingID)] = record.subtableOffset
        for key in _FULL_UNICODE:
            if key in offsets and CMAP_FORMAT_12.read(data, "format", offsets[key]) == 12:
                at = offsets[key]
                groups = CMAP_FORMAT_12.read(data, "numGroups", at)
                starts, ends, glyphs = SEQUENTIAL_MAP_GROUP.columns(data, groups, at + CMAP_FORMAT_12.size)
                return 12, array("I", starts), array("I", ends), array("I", glyphs), b""
        for key in _BMP_UNICODE:
            if key in offsets and CMAP_FORMAT_4.read(data, "format", offsets[key]) == 4:
                at = offsets[key]
                subtable = CMAP_FORMAT_4.unpack(data, at)
                size = subtable.segCountX2   # of each per-segment array, in bytes
                n = size // 2
                ends_at = at + CMAP_FORMAT_4.size
                starts_at = ends_at + size + _UINT16.size   # after reservedPad
                deltas_at = starts_at + size
                ranges_at = deltas_at + size
                # Sliced to the array's byte size, so an odd segCountX2 fails as a malformed table.
                ends = struct.unpack(f">{n}H", data[ends_at:ends_at + size])
                starts = struct.unpack(f">{n}H", data[starts_at:starts_at + size])
                deltas = struct.unpack(f">{n}h", data[deltas_at:deltas_at + size])
                ranges = data[ranges_at:at + subtable.length]   # idRangeOffset[] then glyphIdArray[]
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
        # ranges holds idRangeOffset[] and the glyphIdArray after it, uint16 each; an idRangeOffset
        # counts bytes from where it is stored.
        n = len(starts)
        range_offset = _UINT16.unpack(ranges[2 * i:2 * i + 2])[0]
        if range_offset == 0:
            return (cp + third[i]) & 0xFFFF
        at = 2 * i + range_offset + 2 * (cp - starts[i])
        if at + 2 > len(ranges) or at < 2 * n:
            return 0
        gid = _UINT16.unpack(ranges[at:at + 2])[0]
        return (gid + third[i]) & 0xFFFF if gid else 0

    # Metrics for the PDF font dictionaries, in 1000ths of an em.
    def advance(self, gid: int) -> int:
        index = min(gid, self.metric_count - 1)
        return LONG_HOR_METRIC.read(self.hmtx, "advanceWidth", LONG_HOR_METRIC.size * index)

    def pdf_units(self, value: float) -> int:
        return round(value * 1000 / self.units)

    def bbox(self) -> tuple[int, int, int, int]:
        head = self.font_header
        return tuple(self.pdf_units(v) for v in (head.xMin, head.yMin, head.xMax, head.yMax))

    def ascent_descent(self) -> tuple[int, int]:
        hhea = self.horizontal_header
        return self.pdf_units(hhea.ascent), self.pdf_units(hhea.descent)

    def _glyph(self, gid: int) -> bytes:
        start, end = self.loca[gid], self.loca[gid + 1]
        if end < start:
            raise _DamagedGlyph(f"its loca offsets go backwards ({start} to {end})")
        if end > self.glyf_length:
            raise _DamagedGlyph(f"it ends at {end}, past the glyf table's {self.glyf_length} bytes")
        if end == start:
            return b""
        data = os.pread(self._fd, end - start, self.glyf_offset + start)
        if len(data) != end - start:
            raise LayoutError(f"{self.path}: font file is truncated (glyph {gid})")
        return data

    def _outline(self, gid: int) -> tuple[bytes, list[int]]:
        """A glyph's data and the glyphs it is built from, checked as far as a glyph can be without
        drawing it: where loca puts it, its header and bounding box, and that its contours, instructions,
        flags and coordinates (or components) fit in it. A glyph that fails would print wrong or blank."""
        data = self._glyph(gid)
        if len(data) < GLYPH_HEADER.size:
            if data:
                raise _DamagedGlyph(f"{len(data)} bytes, shorter than a glyph's header")
            if gid and gid not in self._blanks():
                raise _DamagedGlyph("it has no outline: it would print blank")
            return data, []
        header = GLYPH_HEADER.unpack(data)
        if header.numberOfContours == 0 and gid and gid not in self._blanks():
            raise _DamagedGlyph("it has no contours: it would print blank")
        head = self.font_header
        if not (head.xMin <= header.xMin <= header.xMax <= head.xMax
                and head.yMin <= header.yMin <= header.yMax <= head.yMax):
            raise _DamagedGlyph(f"its bounding box {header[1:]} is not inside the font's")
        try:
            if header.numberOfContours >= 0:
                self._check_simple(data, header.numberOfContours)
                return data, []
            if header.numberOfContours == _COMPOSITE:
                return data, self._components(data)
        except struct.error:
            raise _DamagedGlyph("its data stops short") from None
        raise _DamagedGlyph(f"numberOfContours {header.numberOfContours}")

    @staticmethod
    def _check_simple(data: bytes, contours: int) -> None:
        """A simple glyph's contour ends rise, and its instructions, flags and coordinates fit in its data."""
        at = GLYPH_HEADER.size
        ends = struct.unpack_from(f">{contours}H", data, at)
        if list(ends) != sorted(set(ends)):
            raise _DamagedGlyph("its contours' end points do not rise")
        at += 2 * contours
        at += _UINT16.size + _UINT16.unpack_from(data, at)[0]     # the instructions
        points = ends[-1] + 1 if ends else 0
        # The flags: one byte a point, or a byte with REPEAT and a count for a run of points. Only the runs
        # are visited in Python; the bytes of coordinates are summed in C over the whole flag area, with
        # each run's flag counted once and its count byte counted as a flag (both put right run by run).
        flags = data[at:at + 2 * points]    # never longer than this: a byte each, or two for a run
        repeats, sizes = flags.translate(_REPEATS), flags.translate(_COORDINATE_BYTES)
        seen = pos = coordinates = 0
        while seen < points:
            run = repeats.find(1, pos, pos + points - seen)
            if run < 0:     # the rest are a byte a point
                pos += points - seen
                seen = points
                break
            if run + 1 >= len(flags):
                raise _DamagedGlyph("its flags stop short")
            count = flags[run + 1] + 1
            coordinates += (count - 1) * sizes[run] - sizes[run + 1]
            seen += run - pos + count
            pos = run + 2
        if seen != points or pos > len(flags):
            raise _DamagedGlyph(f"its flags are for {seen} points, not {points}")
        coordinates += sum(sizes[:pos])
        if at + pos + coordinates > len(data):
            raise _DamagedGlyph(f"its points need {at + pos + coordinates} bytes, it has {len(data)}")

    def _components(self, data: bytes) -> list[int]:
        """Glyphs a composite glyph is built from, each a glyph of the font, all inside its data."""
        out, pos = [], GLYPH_HEADER.size
        while True:
            flags, gid = COMPONENT.unpack(data, pos)
            if gid >= self.glyph_count:
                raise _DamagedGlyph(f"a component is glyph {gid}, past the font's {self.glyph_count}")
            out.append(gid)
            pos += COMPONENT.size + 2 * (_WORD_ARGUMENT if flags & _ARGS_ARE_WORDS else _BYTE_ARGUMENT)
            if flags & _HAVE_SCALE:
                pos += _F2DOT14
            elif flags & _HAVE_XY_SCALE:
                pos += 2 * _F2DOT14
            elif flags & _HAVE_2X2:
                pos += 4 * _F2DOT14
            if not flags & _MORE_COMPONENTS:
                break
        if flags & _WE_HAVE_INSTRUCTIONS:
            pos += _UINT16.size + _UINT16.unpack_from(data, pos)[0]
        if pos > len(data):
            raise _DamagedGlyph(f"its components need {pos} bytes, it has {len(data)}")
        return out

    def _blanks(self) -> set[int]:
        """Glyphs of the characters that draw nothing (``_BLANK_CATEGORIES``): the empty glyphs that are right."""
        if self._blank_glyphs is None:
            import unicodedata

            blank = [cp for block in _BLANK_BLOCKS for cp in block
                     if unicodedata.category(chr(cp)) in _BLANK_CATEGORIES]
            self._blank_glyphs = {self.glyph(cp) for cp in (*blank, *_IGNORABLE)} - {0}
        return self._blank_glyphs

    def _characters(self, gid: int) -> list[int]:
        """The code points the cmap maps to a glyph (for an error message: it searches the whole cmap)."""
        fmt, starts, ends, third, _ = self._cmap
        if fmt == 12:
            return [start + gid - first for start, end, first in zip(starts, ends, third)
                    if first <= gid <= first + end - start]
        return [cp for start, end in zip(starts, ends) for cp in range(start, min(end, 0xFFFE) + 1)
                if self.glyph(cp) == gid]

    def _damage(self, gid: int, built_into: dict[int, int], why: str) -> LayoutError:
        """The one-line error for a damaged glyph, naming it by its characters (or what it is part of)."""
        def named(g: int) -> str:
            chars = self._characters(g)[:3]
            return f"glyph {g}" + (f" ({', '.join(f'U+{cp:04X} {chr(cp)}' for cp in chars)})" if chars else
                                   " (.notdef)" if g == 0 else "")

        where = named(gid)
        if gid in built_into:
            where += f", a component of {named(built_into[gid])}"
        return LayoutError(f"{self.path}: damaged font: {where}: {why}; restore the font file")

    def subset(self, gids: set[int]) -> bytearray:
        """A TrueType file with the outlines of ``gids`` (and .notdef and any components) only."""
        glyphs: dict[int, bytes] = {}
        built_into: dict[int, int] = {}     # component → a composite glyph it is part of
        todo = sorted({0} | {g for g in gids if 0 <= g < self.glyph_count})
        while todo:
            gid = todo.pop()
            if gid in glyphs:
                continue
            try:
                outline = self._outlines.get(gid)
                if outline is None:
                    outline = self._outlines[gid] = self._outline(gid)
                glyphs[gid], components = outline
            except _DamagedGlyph as exc:
                raise self._damage(gid, built_into, str(exc)) from None
            for g in components:
                built_into.setdefault(g, gid)
            todo.extend(g for g in components if g not in glyphs)
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
        metric_bytes = LONG_HOR_METRIC.size * self.metric_count
        hmtx = bytearray(len(self.hmtx))
        for gid in glyphs:
            if gid < self.metric_count:
                at, size = LONG_HOR_METRIC.size * gid, LONG_HOR_METRIC.size
            else:  # glyphs past numberOfHMetrics keep only a left side bearing
                at, size = metric_bytes + LEFT_SIDE_BEARING.size * (gid - self.metric_count), LEFT_SIDE_BEARING.size
            hmtx[at:at + size] = self.hmtx[at:at + size]
        if struct.pack("=I", 1) != struct.pack(">I", 1):
            loca.byteswap()
        head = bytearray(self.head)
        HEAD.write(head, "checkSumAdjustment", 0)   # set by _assemble, once the whole file is known
        HEAD.write(head, "indexToLocFormat", _LONG_OFFSETS)
        tables = {b"head": head, b"hhea": self.hhea, b"maxp": self.maxp, b"loca": loca.tobytes(),
                  b"glyf": glyf, b"hmtx": hmtx, b"post": _POST, b"cmap": _CMAP, **self.kept}
        return _assemble(tables)


# post version 3 (no glyph names), 32 bytes as the specification lays it out: version, italicAngle
# (Fixed), underlinePosition and underlineThickness (FWORD, int16), isFixedPitch and the four memory
# hints (uint32). Until 2026-11-30 the two FWORDs were packed as int32, so the table read as
# underlinePosition -1, underlineThickness -100 and isFixedPitch true (tests/test_pdfwriter.py now
# reads it back with fontTools).
_POST = struct.pack(">IihhIIIII", 0x00030000, 0, -100, 50, 0, 0, 0, 0, 0)

# A cmap with only the closing segment: a CIDFontType2 is addressed by glyph number through
# CIDToGIDMap, never through the font's own cmap. The segment (0xFFFF to 0xFFFF, the one every
# format 4 subtable ends with) as its arrays: endCode, reservedPad, startCode, idDelta, idRangeOffset.
_CLOSING_SEGMENT = struct.pack(">5H", 0xFFFF, 0, 0xFFFF, 1, 0)
_CMAP = (CMAP_HEADER.pack(version=0, numTables=1)
         + ENCODING_RECORD.pack(platformID=3, encodingID=1, subtableOffset=CMAP_HEADER.size + ENCODING_RECORD.size)
         + CMAP_FORMAT_4.pack(format=4, length=CMAP_FORMAT_4.size + len(_CLOSING_SEGMENT), language=0,
                              segCountX2=2, searchRange=2, entrySelector=0, rangeShift=0)
         + _CLOSING_SEGMENT)


def _assemble(tables: dict[bytes, bytes]) -> bytearray:
    """The font file: one buffer of its final size, each table copied into it once."""
    tags = sorted(tables)
    count = len(tags)
    power = 1 << (count.bit_length() - 1)   # the largest power of two ≤ count
    header = OFFSET_TABLE.pack(sfntVersion=_TRUETYPE, numTables=count, searchRange=TABLE_RECORD.size * power,
                               entrySelector=power.bit_length() - 1, rangeShift=TABLE_RECORD.size * (count - power))
    directory_end = OFFSET_TABLE.size + TABLE_RECORD.size * count
    offsets, at = {}, directory_end
    for tag in tags:
        offsets[tag] = at
        at += len(tables[tag]) + (-len(tables[tag]) % 4)
    font = bytearray(at)
    font[:OFFSET_TABLE.size] = header
    total = 0
    for k, tag in enumerate(tags):
        data = tables[tag]
        checksum = _checksum(data)
        total += checksum
        TABLE_RECORD.pack_into(font, OFFSET_TABLE.size + TABLE_RECORD.size * k, tag, checksum, offsets[tag], len(data))
        font[offsets[tag]:offsets[tag] + len(data)] = data
    # The file's checksum is the sum of its tables' and its directory's: no second pass over the file.
    total += _checksum(bytes(font[:directory_end]))
    HEAD.write(font, "checkSumAdjustment", (_FILE_CHECKSUM - total) & 0xFFFFFFFF, at=offsets[b"head"])
    return font


@cache
def font_program(path: Path) -> FontProgram:
    """Each font file's tables, read once per process."""
    return FontProgram(path)
