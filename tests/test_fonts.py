"""The committed fonts: coverage of the national repertoires, GB punctuation positions, size."""

from __future__ import annotations


import pytest
from fontTools.ttLib import TTFont

from layout.fonts import charsets as charsets
from layout.fonts.faces import DEFAULT_ROLES, FONT_DIR

ROLES = tuple(DEFAULT_ROLES)


def test_repertoire_sizes_are_the_standards():
    han = charsets.is_han
    assert sum(map(han, charsets.gb2312())) == 6763          # GB 2312: 3,755 + 3,008 hanzi
    assert len(charsets.tongyong_guifan()) == 8105           # 通用規範漢字表: 3,500 + 3,000 + 1,605
    assert len(set(charsets.tongyong_guifan())) == 8105
    # Big5 levels 1 and 2: 5,401 + 7,652 hanzi
    level1, level2 = charsets.big5_levels()
    assert (len(level1), len(level2)) == (5401, 7652)
    assert all(map(han, level1 | level2))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("repertoire", ["gb2312", "big5", "tongyong_guifan", "cjk_punctuation", "fullwidth_forms"])
def test_every_role_covers_the_repertoire(real_fonts, role, repertoire):
    chars = set(getattr(charsets, repertoire)())
    missing = sorted(ch for ch in chars if real_fonts.face_for(ch, role) is None)
    assert not missing, f"{role} lacks {len(missing)} characters of {repertoire}: {''.join(missing[:40])}"


@pytest.mark.parametrize("role", ROLES)
def test_ascii_and_both_scripts(real_fonts, role):
    for ch in [chr(c) for c in range(0x20, 0x7F)] + list("徐汇匯报報区區党黨会會这這鍾钟晓曉"):
        assert real_fonts.face_for(ch, role) is not None, ch


def test_body_face_itself_covers_every_han_of_the_repertoire(real_fonts):
    # The body Song face needs no fallback for any hanzi: mixed faces inside body text are ugly.
    song = real_fonts.faces["song"]
    national = set(charsets.gb2312()) | set(charsets.big5()) | set(charsets.tongyong_guifan())
    han = [c for c in national if charsets.is_han(c)]
    assert all(song.has(c) for c in han)


def test_gb_punctuation_sits_low_left(real_fonts):
    # Mainland (GB) positions: the ink of 。，、 sits in the lower-left quarter of the em box.
    font = TTFont(real_fonts.faces["song"].path, lazy=True)
    cmap, glyf = font.getBestCmap(), font["glyf"]
    upem = font["head"].unitsPerEm
    for ch in "。，、":
        g = glyf[cmap[ord(ch)]]
        assert g.xMax <= upem * 0.5 and g.yMax <= upem * 0.35, (ch, g.xMin, g.yMin, g.xMax, g.yMax)


def test_fonts_are_truetype_with_licences_and_small_enough():
    files = sorted(FONT_DIR.glob("*.ttf"))
    assert len(files) >= 4
    for path in files:
        font = TTFont(path, lazy=True)
        assert "glyf" in font and "CFF " not in font, f"{path.name}: reportlab embeds TrueType outlines only"
        assert font["OS/2"].fsType & 0x2 == 0, f"{path.name}: restricted embedding"
    total = sum(p.stat().st_size for p in FONT_DIR.iterdir() if p.is_file())
    assert total < 80_000_000, f"fonts/ is {total / 1e6:.1f} MB"
    licences = {p.name for p in FONT_DIR.glob("LICENSE-*.txt")}
    assert {"LICENSE-NotoCJK.txt", "LICENSE-LXGWWenKai.txt", "LICENSE-Noto.txt"} <= licences
    for name in licences:
        assert "open font license" in (FONT_DIR / name).read_text().lower()
    assert (FONT_DIR / "SOURCES.md").is_file()
    from conftest import ROOT   # the script that made them is the repository's (a wheel carries the fonts alone)

    assert (ROOT / "fonts" / "build.py").is_file()


def test_no_reserved_font_name_on_a_modified_font():
    # LXGW WenKai reserves "LXGW" and "霞鹜"; our subset of it must not carry them.
    for path in FONT_DIR.glob("*.ttf"):
        names = " ".join(str(r.toUnicode()) for r in TTFont(path, lazy=True)["name"].names if r.nameID in (1, 4, 6, 16))
        assert "LXGW" not in names and "霞鹜" not in names, path.name


# --- A face's metrics read by the engine's own table reader (fonts/tables.py), against fontTools ---------

def _fonttools_metrics(path):
    """What load_face read with fontTools until 2026-11-30 (faces.py's code then, kept as the reference):
    advances (the Advances table's bytes and the characters beyond the BMP), 'halt', bearings of the
    punctuation, ascent, descent."""
    from layout.fonts.faces import _MARKS, Advances

    font = TTFont(path, lazy=True)
    upem = font["head"].unitsPerEm
    cmap = font.getBestCmap()
    metrics = font["hmtx"].metrics
    advances = Advances.from_dict(upem, {cp: metrics[g][0] for cp, g in cmap.items()})
    halt = {}
    if "GPOS" in font and font["GPOS"].table.FeatureList is not None:
        table = font["GPOS"].table
        lookup_ids = sorted({i for rec in table.FeatureList.FeatureRecord if rec.FeatureTag == "halt"
                             for i in rec.Feature.LookupListIndex})
        by_glyph = {}
        for index in lookup_ids:
            lookup = table.LookupList.Lookup[index]
            for sub in lookup.SubTable:
                if lookup.LookupType == 9:
                    sub = sub.ExtSubTable
                if getattr(sub, "LookupType", 1) != 1 or not hasattr(sub, "Coverage"):
                    continue
                glyphs = sub.Coverage.glyphs
                values = [sub.Value] * len(glyphs) if sub.Format == 1 else sub.Value
                for glyph, value in zip(glyphs, values):
                    dx = getattr(value, "XPlacement", 0) or 0
                    dadv = getattr(value, "XAdvance", 0) or 0
                    by_glyph.setdefault(glyph, (dx / upem, dadv / upem))
        halt = {cp: by_glyph[g] for cp, g in cmap.items() if g in by_glyph}
    bearings = {}
    for ch in _MARKS:
        name = cmap.get(ord(ch))
        if name is None:
            continue
        g = font["glyf"][name]
        if not getattr(g, "numberOfContours", 0):
            continue
        bearings[ord(ch)] = (max(0, g.xMin) / upem, max(0, metrics[name][0] - g.xMax) / upem)
    hhea = font["hhea"]
    units, table, beyond = advances.dump()
    return units, table, list(beyond.items()), list(halt.items()), list(bearings.items()), \
        hhea.ascent / upem, -hhea.descent / upem


def _own_metrics(path):
    from layout.fonts.faces import _read_face

    face = _read_face(path, "x")
    units, table, beyond = face.advances.dump()
    return units, table, list(beyond.items()), list(face.halt.items()), list(face.bearings.items()), \
        face.ascent, face.descent


@pytest.mark.parametrize("name", sorted(p.name for p in FONT_DIR.glob("*.ttf")))
def test_own_reader_gives_fonttools_metrics_for_every_committed_font(name):
    # Value for value and in the same order: the advance of every code point (the BMP table's bytes and
    # the characters beyond it), the halt adjustments, the punctuation's bearings, ascent and descent.
    # So the metrics cache, composition and the PDFs are what they were when fontTools read the fonts.
    assert _own_metrics(FONT_DIR / name) == _fonttools_metrics(FONT_DIR / name)


def _crafted_font(path, supplementary=False):
    """A font with what the committed fonts lack, worked out by hand: glyphs not in code order (with
    ``supplementary`` a format 12 subtable beside the format 4 ones; the committed fonts' format 4
    subtables have segments read through idRangeOffset), hmtx with fewer long metrics than glyphs, 'halt' in an extension lookup with a value per glyph
    (SinglePos format 2 over a range Coverage), a later halt lookup covering ， again (the first
    decides), a pair adjustment in halt (not a single adjustment: ignored), 'palt' with other values,
    and an empty glyph for the ideographic space."""
    from fontTools.feaLib.builder import addOpenTypeFeaturesFromString
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    def box(x0, x1):
        pen = TTGlyphPen(None)
        pen.moveTo((x0, -70))
        for point in ((x0, 200), (x1, 200), (x1, -70)):
            pen.lineTo(point)
        pen.closePath()
        return pen.glyph()

    # glyph: (character, advance, ink from x0 to x1); the glyph order puts c before a and b.
    glyphs = {"c": ("c", 600, (50, 550)), "a": ("a", 500, (50, 450)), "b": ("b", 500, (50, 450)),
              "uni3001": ("、", 1000, (100, 400)), "uniFF0C": ("，", 1000, (120, 380)),
              "uni3002": ("。", 1000, (100, 420)), "uniFF0E": ("．", 1000, (150, 300)),
              "uni300C": ("「", 1000, (560, 900)), "uni3000": ("\u3000", 1000, None),
              "uni4E00": ("一", 1000, (50, 950)), "uni4E8C": ("二", 1000, (50, 950))}
    if supplementary:
        glyphs["u20000"] = ("\U00020000", 1000, (50, 950))
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder([".notdef", *glyphs])
    fb.setupCharacterMap({ord(ch): name for name, (ch, _, _) in glyphs.items()})
    fb.setupGlyf({".notdef": box(50, 450),
                  **{name: box(*ink) if ink else TTGlyphPen(None).glyph() for name, (_, _, ink) in glyphs.items()}})
    fb.setupHorizontalMetrics({".notdef": (500, 50),
                               **{name: (adv, ink[0] if ink else 0) for name, (_, adv, ink) in glyphs.items()}})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": "Crafted", "styleName": "Regular"})
    fb.setupOS2(fsType=0)
    fb.setupPost()
    addOpenTypeFeaturesFromString(fb.font, """
        languagesystem DFLT dflt;
        languagesystem hani dflt;
        lookup PAUSE useExtension {
            pos uni3001 <0 0 -500 0>; pos uniFF0C <0 0 -480 0>; pos uni3002 <0 0 -460 0>; pos uniFF0E <0 0 -440 0>;
        } PAUSE;
        lookup AGAIN { pos uniFF0C <0 0 -250 0>; pos uni300C <-500 0 -500 0>; } AGAIN;
        feature halt { lookup PAUSE; lookup AGAIN; pos a b -100; } halt;
        feature palt { pos uni3002 <0 0 -300 0>; pos a <10 0 20 0>; } palt;
    """)
    fb.save(str(path))
    return path


def test_crafted_font_read_by_hand(tmp_path):
    from layout.fonts.faces import _read_face
    from layout.fonts.tables import read_metrics

    path = _crafted_font(tmp_path / "Crafted.ttf")
    # The font really has what the test is for.
    font = TTFont(path)
    assert [t.format for t in font["cmap"].tables] == [4, 4]
    gpos = font["GPOS"].table
    halt = sorted({i for r in gpos.FeatureList.FeatureRecord if r.FeatureTag == "halt" for i in r.Feature.LookupListIndex})
    kinds = [gpos.LookupList.Lookup[i].LookupType for i in halt]
    assert sorted(kinds) == [1, 2, 9]
    extension = next(gpos.LookupList.Lookup[i].SubTable[0].ExtSubTable for i in halt if gpos.LookupList.Lookup[i].LookupType == 9)
    assert extension.Format == 2
    assert font["hhea"].numberOfHMetrics < font["maxp"].numGlyphs

    face = _read_face(path, "crafted")
    assert [face.advance(ch) for ch in "abc一　"] == [0.5, 0.5, 0.6, 1.0, 1.0]
    assert not face.has("d") and not face.has("\U00020000")
    # halt: the extension lookup's own value for each mark; ， keeps the first lookup's -480, not AGAIN's
    # -250; 「 from AGAIN; palt's values and the pair adjustment of a b play no part.
    assert face.halt == {ord("、"): (0, -0.5), ord("「"): (-0.5, -0.5), ord("，"): (0, -0.48),
                         ord("。"): (0, -0.46), ord("．"): (0, -0.44)}
    assert list(face.halt) == sorted(face.halt)
    # Bearings: the blank left of the ink and right of it; none for the ideographic space (no outline).
    assert face.bearings == {ord("、"): (0.1, 0.6), ord("，"): (0.12, 0.62), ord("。"): (0.1, 0.58),
                             ord("．"): (0.15, 0.7), ord("「"): (0.56, 0.1)}
    assert (face.ascent, face.descent) == (0.88, 0.12)
    # Any GPOS feature can be asked for: palt's values.
    assert read_metrics(path, b"palt").adjustments == {ord("a"): (10, 20), ord("。"): (0, -300)}
    assert _own_metrics(path) == _fonttools_metrics(path)
    # With a character beyond the BMP, the (3, 10) format 12 subtable is the one read.
    wide = _crafted_font(tmp_path / "Wide.ttf", supplementary=True)
    assert 12 in [t.format for t in TTFont(wide)["cmap"].tables]
    assert _read_face(wide, "wide").advance("\U00020000") == 1.0
    assert _own_metrics(wide) == _fonttools_metrics(wide)


def test_test_font_reads_as_with_fonttools(tmp_path):
    from testfont import build_test_font

    path = build_test_font(tmp_path / "LayoutTest.ttf")
    assert _own_metrics(path) == _fonttools_metrics(path)


def test_damaged_fonts_are_one_line_errors(tmp_path):
    from layout.base.errors import LayoutError
    from layout.fonts.faces import _read_face

    path = _crafted_font(tmp_path / "Crafted.ttf")
    font = TTFont(path)
    hmtx_at = font.reader.tables["hmtx"].offset
    data = bytearray(path.read_bytes())
    short = tmp_path / "Short.ttf"      # maxp claims more glyphs than hmtx has metrics for
    maxp_at = font.reader.tables["maxp"].offset
    short.write_bytes(data[:maxp_at + 4] + (1000).to_bytes(2, "big") + data[maxp_at + 6:])
    with pytest.raises(LayoutError, match=r"Short\.ttf: not a usable TrueType font \(its hmtx table is too short"):
        _read_face(short, "short")
    cut = tmp_path / "Cut.ttf"
    cut.write_bytes(data[:hmtx_at + 2])
    with pytest.raises(LayoutError, match=r"Cut\.ttf: not a usable TrueType font \(the file is truncated"):
        _read_face(cut, "cut")
    with pytest.raises(LayoutError, match=r"Missing\.ttf: font file not found"):
        _read_face(tmp_path / "Missing.ttf", "missing")


def test_a_cff_font_is_refused_naming_the_conversion(tmp_path):
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen

    from layout.base.errors import LayoutError
    from layout.fonts.faces import _read_face

    fb = FontBuilder(1000, isTTF=False)
    fb.setupGlyphOrder([".notdef", "a"])
    fb.setupCharacterMap({ord("a"): "a"})
    pen = T2CharStringPen(500, None)
    fb.setupCFF("Otf", {"FullName": "Otf"}, {".notdef": pen.getCharString(), "a": pen.getCharString()}, {})
    fb.setupHorizontalMetrics({".notdef": (500, 0), "a": (500, 0)})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": "Otf", "styleName": "Regular"})
    fb.setupOS2()
    fb.setupPost()
    fb.save(str(tmp_path / "Otf.otf"))
    with pytest.raises(LayoutError, match=r"Otf\.otf: font has no TrueType outlines"):
        _read_face(tmp_path / "Otf.otf", "otf")


def test_a_first_run_reads_the_fonts_without_fonttools_and_in_little_memory(tmp_path):
    # A run whose metrics cache is empty reads every committed face with the engine's own table reader:
    # fontTools is not imported, and reading the largest faces allocates a few MiB at the most (fontTools
    # took 30–38 MiB for each of them, and a first render peaked at 172 MiB of which 40 were the fonts).
    import os
    import subprocess
    import sys

    code = ("import sys, tracemalloc\n"
            "from pathlib import Path\n"
            "from layout.fonts.faces import FONT_DIR, _read_face, default_fontset\n"
            "default_fontset()\n"
            "assert 'fontTools' not in sys.modules, 'fontTools imported'\n"
            "for name in ('XinwenKai-Regular.ttf', 'NotoSerifCJKsc-Regular.ttf', 'NotoSansCJKsc-Bold.ttf'):\n"
            "    tracemalloc.start()\n"
            "    _read_face(FONT_DIR / name, 'x')\n"
            "    peak = tracemalloc.get_traced_memory()[1]\n"
            "    tracemalloc.stop()\n"
            "    assert peak < 12 * 2**20, (name, peak)\n"
            "print(len(list((Path(sys.argv[1]) / 'fonts').iterdir())))\n")
    env = {**os.environ, "LAYOUT_CACHE_DIR": str(tmp_path / "cache")}
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "cache")], env=env, capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert int(out.stdout) == len(list(FONT_DIR.glob("*.ttf")))     # each face's metrics written to the cache


def test_a_table_length_past_the_files_end_is_damage_told_before_reading(tmp_path, monkeypatch):
    # A damaged directory may claim a table of gigabytes: the reader says so without asking for it.
    import struct

    import layout.fonts.tables as tables
    from layout.base.errors import LayoutError

    src = (FONT_DIR / "NotoSerifCJKtc-Punctuation.ttf").read_bytes()
    damaged = bytearray(src)
    for i in range(struct.unpack(">H", src[4:6])[0]):
        record = 12 + 16 * i
        if src[record:record + 4] == b"hmtx":
            damaged[record + 12:record + 16] = struct.pack(">I", 3_674_210_358)
    path = tmp_path / "damaged.ttf"
    path.write_bytes(bytes(damaged))
    asked = []
    real_pread = tables.os.pread
    monkeypatch.setattr(tables.os, "pread", lambda fd, n, at: asked.append(n) or real_pread(fd, n, at))
    with pytest.raises(LayoutError, match="not a usable TrueType font .*truncated"):
        tables.read_metrics(path)
    assert max(asked) <= len(src)
