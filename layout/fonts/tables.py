"""A face's metrics read straight from its font file, on a metrics-cache miss (``fonts.faces``).

What ``faces`` keeps of a font, and only that: the best Unicode cmap, each mapped character's advance
(hmtx), the single adjustments of a GPOS feature (``halt``: what a half-width mark moves and loses),
the blank beside the ink of a few punctuation glyphs (their glyf headers), and hhea's ascent and
descent. Each table is read on its own from the file (``pread``), used and dropped: a 10 MB CJK face
costs its cmap's and hmtx's few hundred kilobytes and the dictionaries made of them, not what a general
font library builds of it. Until 2026-11-30 fontTools read them: reading the largest face allocated
30–38 MiB there and 7 MiB here, and a process reading the seventeen committed faces peaked at 88 MiB
of memory, with this reader at 32 MiB (20 of them the interpreter and modules), in a sixth of the time.
The records are ``TableLayout``s (``fonts.subset``).

The results are what fontTools gives (``TTFont.getBestCmap``, ``hmtx.metrics``, the GPOS lookups'
``SinglePos`` values, ``glyf`` headers), value for value and in the same order: the metrics cache and
every layout stay as they were (``tests/test_fonts.py`` compares both readers on every committed font).
A well-formed font reads the same either way; of a damaged one this reader says what is wrong in one
line, naming the file.
"""

from __future__ import annotations

import os
import struct
from collections import namedtuple
from pathlib import Path

from ..base.errors import LayoutError
from .subset import (CMAP_FORMAT_4, CMAP_FORMAT_12, CMAP_HEADER, ENCODING_RECORD, GLYPH_HEADER, HEAD, HHEA,
                     LONG_HOR_METRIC, MAXP, OFFSET_TABLE, SEQUENTIAL_MAP_GROUP, TABLE_RECORD, TableLayout)

# The header every cmap subtable of formats 0, 2, 4 and 6 starts with; format 6 goes on with these.
CMAP_SUBTABLE = TableLayout("CmapSubtable", """
    format:     H
    length:     H
    language:   H
""")
CMAP_FORMAT_6 = TableLayout("CmapFormat6", """
    format:     H
    length:     H
    language:   H
    firstCode:  H
    entryCount: H
""")

GPOS_HEADER = TableLayout("GPOS", """
    majorVersion:       H
    minorVersion:       H
    scriptListOffset:   H
    featureListOffset:  H   # from the start of the table; 0: no features
    lookupListOffset:   H
""")
FEATURE_RECORD = TableLayout("FeatureRecord", """
    featureTag:     4s
    featureOffset:  H   # from the start of the FeatureList
""")
FEATURE = TableLayout("Feature", """
    featureParamsOffset:    H
    lookupIndexCount:       H   # then lookupListIndices[lookupIndexCount]
""")
LOOKUP = TableLayout("Lookup", """
    lookupType:     H
    lookupFlag:     H
    subTableCount:  H   # then subtableOffsets[subTableCount], from the start of the Lookup
""")
EXTENSION_POS = TableLayout("ExtensionPosFormat1", """
    posFormat:              H
    extensionLookupType:    H
    extensionOffset:        I   # from the start of this subtable
""")
SINGLE_POS = TableLayout("SinglePos", """
    posFormat:      H   # 1: one value for every glyph covered; 2: a value each
    coverageOffset: H   # from the start of this subtable
    valueFormat:    H   # which of the ValueRecord's fields are present
""")
COVERAGE = TableLayout("Coverage", """
    coverageFormat: H   # 1: a glyph array; 2: ranges
    count:          H   # glyphCount or rangeCount
""")
RANGE_RECORD = TableLayout("RangeRecord", """
    startGlyphID:       H
    endGlyphID:         H
    startCoverageIndex: H
""")

_LOCA_SHORT = struct.Struct(">2H")      # two consecutive offsets / 2 (head.indexToLocFormat 0)
_LOCA_LONG = struct.Struct(">2I")
_INT16 = struct.Struct(">h")

# Unicode cmap subtables by (platformID, encodingID), in the order fontTools' getBestCmap (and
# HarfBuzz) prefers them.
BEST_CMAP = ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 2), (0, 1), (0, 0))
_SINGLE_ADJUSTMENT, _EXTENSION = 1, 9      # GPOS lookup types
# ValueRecord fields by bit of valueFormat, each two bytes when present, in this order.
_X_PLACEMENT, _X_ADVANCE = 0x0001, 0x0004
_VALUE_FIELDS = 8

Metrics = namedtuple("Metrics", "units widths adjustments bearings ascent descent")
Metrics.__doc__ = """A font's metrics in its own units: units per em; ``widths`` code point → advance
(the best Unicode cmap's characters, in its order); ``adjustments`` code point → (x placement, x advance
change) of the feature asked for; ``bearings`` code point → (left, right) blank of the marks asked for
(each at least 0; only glyphs with an outline); hhea's ascent and descent (descent negative)."""


class _Damaged(Exception):
    """Something in the tables that cannot be what the font means."""


class _File:
    """The file's table directory; each table read when asked for, never kept."""

    def __init__(self, path: Path):
        self.fd = os.open(path, os.O_RDONLY)
        try:
            self.size = os.fstat(self.fd).st_size
            count = OFFSET_TABLE.unpack(self.read(0, OFFSET_TABLE.size)).numTables
            directory = self.read(OFFSET_TABLE.size, TABLE_RECORD.size * count)
            self.tables = {}
            for i in range(count):
                record = TABLE_RECORD.unpack(directory, TABLE_RECORD.size * i)
                self.tables[record.tag] = (record.offset, record.length)
        except BaseException:
            self.close()
            raise

    def read(self, offset: int, size: int) -> bytes:
        # Lengths come from the file itself: one that runs past its end is damage, told before any
        # buffer of that size is asked for (a damaged directory can claim gigabytes).
        if offset < 0 or size < 0 or offset + size > self.size:
            raise _Damaged(f"the file is truncated ({size} bytes wanted at {offset}, {max(0, self.size - offset)} "
                           f"there)")
        data = os.pread(self.fd, size, offset)
        if len(data) != size:
            raise _Damaged(f"the file is truncated ({size} bytes wanted at {offset}, {len(data)} there)")
        return data

    def table(self, tag: bytes) -> bytes:
        if tag not in self.tables:
            raise _Damaged(f"no {tag.decode()} table")
        return self.read(*self.tables[tag])

    def close(self) -> None:
        os.close(self.fd)


def read_metrics(path: Path, feature: bytes = b"halt", marks: str = "") -> Metrics:
    """The metrics of the TrueType font at ``path`` (see ``Metrics``); a LayoutError naming the file if
    it is missing, not TrueType, or damaged where these tables are."""
    try:
        font = _File(path)
    except FileNotFoundError:
        raise LayoutError(f"{path}: font file not found") from None
    except (OSError, struct.error, _Damaged) as exc:
        raise LayoutError(f"{path}: not a usable TrueType font ({exc})") from None
    try:
        if b"glyf" not in font.tables:
            raise LayoutError(f"{path}: font has no TrueType outlines (CFF fonts must be converted: see fonts/build.py)")
        head = HEAD.unpack(font.table(b"head"))
        if not head.unitsPerEm:
            raise _Damaged("its head table gives 0 units per em")
        hhea = HHEA.unpack(font.table(b"hhea"))
        glyph_count = MAXP.unpack(font.table(b"maxp")).numGlyphs
        cmap = best_cmap(font.table(b"cmap"))
        if cmap and max(cmap.values()) >= glyph_count:
            cp, gid = next((cp, gid) for cp, gid in cmap.items() if gid >= glyph_count)
            raise _Damaged(f"its cmap maps U+{cp:04X} to glyph {gid}, past its {glyph_count} glyphs")
        advance = advances(font.table(b"hmtx"), hhea.numberOfHMetrics, glyph_count)
        widths = {cp: advance[gid] for cp, gid in cmap.items()}
        by_glyph = single_adjustments(font.table(b"GPOS"), feature) if b"GPOS" in font.tables else {}
        adjustments = {cp: by_glyph[gid] for cp, gid in cmap.items() if gid in by_glyph}
        bearings = {}
        for ch in marks:
            gid = cmap.get(ord(ch))
            box = None if gid is None else _glyph_box(font, head.indexToLocFormat, gid)
            if box is not None:
                x_min, x_max = box
                bearings[ord(ch)] = (max(0, x_min), max(0, advance[gid] - x_max))
        return Metrics(head.unitsPerEm, widths, adjustments, bearings, hhea.ascent, hhea.descent)
    except (_Damaged, struct.error, IndexError, ValueError, OSError) as exc:
        raise LayoutError(f"{path}: not a usable TrueType font ({exc})") from None
    finally:
        font.close()


def best_cmap(data: bytes) -> dict[int, int]:
    """Code point → glyph number from the cmap's best Unicode subtable (``BEST_CMAP``), as fontTools
    decodes it: no code point mapped to glyph 0; where segments or groups overlap, the later one's
    glyph at the earlier one's place in the order."""
    subtables = {}
    for i in range(CMAP_HEADER.unpack(data).numTables):
        record = ENCODING_RECORD.unpack(data, CMAP_HEADER.size + ENCODING_RECORD.size * i)
        at = record.subtableOffset
        if CMAP_SUBTABLE.read(data, "format", at) in (8, 10, 12, 13):
            length = CMAP_FORMAT_12.read(data, "length", at)
        else:
            length = CMAP_SUBTABLE.read(data, "length", at)
        if length:      # fontTools skips a subtable of length 0
            subtables.setdefault((record.platformID, record.encodingID), at)
    for key in BEST_CMAP:
        if key in subtables:
            return _decode_cmap(data, subtables[key])
    return {}


def _decode_cmap(data: bytes, at: int) -> dict[int, int]:
    fmt = CMAP_SUBTABLE.read(data, "format", at)
    if fmt in (12, 13):
        header = CMAP_FORMAT_12.unpack(data, at)
        if header.length != CMAP_FORMAT_12.size + SEQUENTIAL_MAP_GROUP.size * header.numGroups:
            raise _Damaged(f"cmap format {fmt}: length {header.length} for {header.numGroups} groups")
        starts, ends, glyphs = SEQUENTIAL_MAP_GROUP.columns(data, header.numGroups, at + CMAP_FORMAT_12.size)
        out: dict[int, int] = {}
        last_end = 0
        for start, end, gid in zip(starts, ends, glyphs):
            end = min(end, 0x10FFFF)
            if start > end or start < last_end:     # inverted, or before the last group's end: skipped
                continue
            last_end = end
            if fmt == 13:
                if gid:
                    out.update(dict.fromkeys(range(start, end + 1), gid))
                continue
            if gid == 0:    # glyph 0 maps nothing: the group starts one further on
                start, gid = start + 1, 1
            out.update(zip(range(start, end + 1), range(gid, gid + end + 1 - start)))
        return out
    header = CMAP_SUBTABLE.unpack(data, at)
    body = data[at:at + header.length]
    if len(body) != header.length:
        raise _Damaged(f"cmap format {fmt} is truncated")
    if fmt == 4:
        return _decode_format_4(body)
    if fmt == 6:
        first, count = CMAP_FORMAT_6.read(body, "firstCode"), CMAP_FORMAT_6.read(body, "entryCount")
        glyphs = body[CMAP_FORMAT_6.size:CMAP_FORMAT_6.size + 2 * count]
        gids = struct.unpack(f">{len(glyphs) // 2}H", glyphs[:len(glyphs) // 2 * 2])
        return {first + i: gid for i, gid in enumerate(gids) if gid}
    if fmt == 0:
        if header.length != CMAP_SUBTABLE.size + 256:
            raise _Damaged("cmap format 0 is not 262 bytes")
        return {cp: gid for cp, gid in enumerate(body[CMAP_SUBTABLE.size:]) if gid}
    raise _Damaged(f"its best Unicode cmap is of format {fmt}, which the engine does not read")


def _decode_format_4(body: bytes) -> dict[int, int]:
    """Format 4 as fontTools reads it: every segment but the last (the closing 0xFFFF one)."""
    count = CMAP_FORMAT_4.read(body, "segCountX2") // 2
    words = body[CMAP_FORMAT_4.size:]
    words = struct.unpack(f">{len(words) // 2}H", words[:len(words) // 2 * 2])
    ends = words[:count]
    starts = words[count + 1:2 * count + 1]     # after reservedPad
    deltas = words[2 * count + 1:3 * count + 1]
    range_offsets = words[3 * count + 1:4 * count + 1]
    glyph_ids = words[4 * count + 1:]
    out: dict[int, int] = {}
    for i in range(len(starts) - 1):
        start, delta, range_offset = starts[i], deltas[i], range_offsets[i]
        codes = range(start, ends[i] + 1)
        if range_offset == 0:
            gids = [(cp + delta) & 0xFFFF for cp in codes]
        else:
            partial = range_offset // 2 - start + i - len(range_offsets)
            gids = []
            for cp in codes:
                index = cp + partial
                if not 0 <= index < len(glyph_ids):
                    raise _Damaged(f"cmap format 4: glyph index {index} out of its array in segment {i}")
                gids.append((glyph_ids[index] + delta) & 0xFFFF if glyph_ids[index] else 0)
        out.update((cp, gid) for cp, gid in zip(codes, gids) if gid)
    return out


def advances(hmtx: bytes, metric_count: int, glyph_count: int) -> list[int]:
    """Each glyph's advance width: hmtx's long metrics, and the last one's for every glyph after them."""
    metric_count = min(metric_count, glyph_count)
    if len(hmtx) < LONG_HOR_METRIC.size * metric_count + 2 * (glyph_count - metric_count):
        raise _Damaged(f"its hmtx table is too short for {glyph_count} glyphs")
    widths = list(LONG_HOR_METRIC.columns(hmtx, metric_count)[0])
    if glyph_count > metric_count:
        widths += [widths[-1]] * (glyph_count - metric_count)
    return widths


def single_adjustments(gpos: bytes, feature: bytes) -> dict[int, tuple[int, int]]:
    """Glyph → (x placement, x advance change) of the feature's single-adjustment lookups (type 1, or
    type 1 inside an extension), the first lookup and subtable that covers a glyph deciding; the
    lookups of every feature record with that tag, in lookup order."""
    header = GPOS_HEADER.unpack(gpos)
    if not header.featureListOffset:
        return {}
    features = header.featureListOffset
    lookup_ids = set()
    for i in range(_uint16(gpos, features)):
        record = FEATURE_RECORD.unpack(gpos, features + 2 + FEATURE_RECORD.size * i)
        if record.featureTag != feature:
            continue
        at = features + record.featureOffset
        count = FEATURE.read(gpos, "lookupIndexCount", at)
        lookup_ids.update(struct.unpack_from(f">{count}H", gpos, at + FEATURE.size))
    lookups = header.lookupListOffset
    lookup_count = _uint16(gpos, lookups)
    by_glyph: dict[int, tuple[int, int]] = {}
    for index in sorted(lookup_ids):
        if index >= lookup_count:
            raise _Damaged(f"feature {feature.decode()} names lookup {index} of {lookup_count}")
        at = lookups + _uint16(gpos, lookups + 2 + 2 * index)
        lookup = LOOKUP.unpack(gpos, at)
        offsets = struct.unpack_from(f">{lookup.subTableCount}H", gpos, at + LOOKUP.size)
        for offset in offsets:
            sub, kind = at + offset, lookup.lookupType
            if kind == _EXTENSION:
                extension = EXTENSION_POS.unpack(gpos, sub)
                sub, kind = sub + extension.extensionOffset, extension.extensionLookupType
            if kind != _SINGLE_ADJUSTMENT:
                continue
            for gid, value in _single_pos(gpos, sub):
                by_glyph.setdefault(gid, value)
    return by_glyph


def _single_pos(gpos: bytes, at: int) -> list[tuple[int, tuple[int, int]]]:
    """A SinglePos subtable's (glyph, (x placement, x advance change)) pairs, in coverage order."""
    sub = SINGLE_POS.unpack(gpos, at)
    glyphs = _coverage(gpos, at + sub.coverageOffset)
    fields = [bit for bit in (1 << k for k in range(_VALUE_FIELDS)) if sub.valueFormat & bit]
    size = 2 * len(fields)     # of one ValueRecord

    def value(record_at: int) -> tuple[int, int]:
        dx = dadv = 0
        for k, bit in enumerate(fields):
            if bit == _X_PLACEMENT:
                dx = _INT16.unpack_from(gpos, record_at + 2 * k)[0]
            elif bit == _X_ADVANCE:
                dadv = _INT16.unpack_from(gpos, record_at + 2 * k)[0]
        return dx, dadv

    if sub.posFormat == 1:
        values = [value(at + SINGLE_POS.size)] * len(glyphs)
    elif sub.posFormat == 2:
        count = _uint16(gpos, at + SINGLE_POS.size)
        values = [value(at + SINGLE_POS.size + 2 + size * k) for k in range(count)]
    else:
        raise _Damaged(f"a SinglePos subtable of format {sub.posFormat}")
    return list(zip(glyphs, values))


def _coverage(gpos: bytes, at: int) -> list[int]:
    """A Coverage table's glyphs in coverage order (format 2's ranges by their start index, as fontTools)."""
    coverage = COVERAGE.unpack(gpos, at)
    if coverage.coverageFormat == 1:
        return list(struct.unpack_from(f">{coverage.count}H", gpos, at + COVERAGE.size))
    if coverage.coverageFormat == 2:
        starts, ends, indices = RANGE_RECORD.columns(gpos, coverage.count, at + COVERAGE.size)
        ranges = sorted(zip(indices, starts, ends), key=lambda r: r[0])
        return [gid for _, start, end in ranges for gid in range(start, end + 1)]
    return []   # fontTools warns and takes none


def _glyph_box(font: _File, loca_format: int, gid: int) -> tuple[int, int] | None:
    """A glyph's xMin and xMax from its header; None for a glyph with no outline (no data, or none of
    its contours)."""
    if b"loca" not in font.tables:
        raise _Damaged("no loca table")
    loca_at, loca_length = font.tables[b"loca"]
    entry = _LOCA_LONG if loca_format else _LOCA_SHORT
    scale = 1 if loca_format else 2
    if entry.size // 2 * (gid + 2) > loca_length:
        raise _Damaged(f"its loca table has no offsets for glyph {gid}")
    start, end = (scale * x for x in entry.unpack(font.read(loca_at + entry.size // 2 * gid, entry.size)))
    if end <= start:
        return None
    glyf_at, glyf_length = font.tables[b"glyf"]
    if start + GLYPH_HEADER.size > glyf_length:
        raise _Damaged(f"glyph {gid} lies past the glyf table's {glyf_length} bytes")
    glyph = GLYPH_HEADER.unpack(font.read(glyf_at + start, GLYPH_HEADER.size))
    if not glyph.numberOfContours:
        return None
    return glyph.xMin, glyph.xMax


def _uint16(data: bytes, at: int) -> int:
    return struct.unpack_from(">H", data, at)[0]
