"""Regenerate fonts/ from the original font files of Debian's font packages.

    apt-get install fonts-noto-cjk fonts-noto-cjk-extra fonts-lxgw-wenkai fonts-noto-core
    python fonts/build.py

Each output font is subset to the newspaper repertoire (GB 2312, Big5 both
levels, 通用規範漢字表, CJK punctuation, ASCII, full-width forms; see
layout/charsets.py) and, where the original has CFF (PostScript) outlines,
converted to TrueType quadratic outlines with fontTools' cu2qu, because
the engine embeds TrueType (glyf) outlines only.  Output is deterministic: the same
sources give byte-identical files.  SOURCES.md records where each came from.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from layout.fonts.charsets import newspaper_repertoire  # noqa: E402

NOTO_CJK = Path("/usr/share/fonts/opentype/noto")
NOTO = Path("/usr/share/fonts/truetype/noto")
LXGW = Path("/usr/share/fonts/truetype/lxgw-wenkai")
SC_FACE = 2  # face index of the Simplified Chinese (GB punctuation) face in the Noto CJK collections
TC_FACE = 3  # the Traditional Chinese (Taiwan, CNS punctuation) face
HK_FACE = 4  # the Hong Kong face

# OpenType features kept: the positioning data the composer reads (halt: half-width
# punctuation; palt; their vertical twins) and Latin kerning.  Substitution
# features are dropped on purpose: the engine draws by code point, and keeping
# 'locl' would pull in every Japanese, Korean and Traditional variant glyph
# (40,000 glyphs instead of 22,000).
FEATURES = ["halt", "vhal", "palt", "vpal", "kern"]

# Latin, Greek and Cyrillic for foreign names, and the general punctuation
# the CJK faces lack (ˍ ‾).  Mathematical signs of Big5 (∼ ≒) come from Noto Sans Math.
LATIN_EXTRA = [*range(0x0100, 0x0250), *range(0x02B0, 0x0370), *range(0x0370, 0x0400),
               *range(0x0400, 0x0460), *range(0x2000, 0x2070), *range(0x20A0, 0x20C0)]
MATH_EXTRA = [*range(0x2190, 0x2200), *range(0x2200, 0x2300)]
# Punctuation in Taiwan/Hong Kong (CNS) positions — 。，、 centred — taken from the TC faces.
CNS_PUNCTUATION = [0x00B7, *range(0x2010, 0x2027), *range(0x3000, 0x3040), *range(0xFE10, 0xFE20),
                   *range(0xFE30, 0xFE50), *range(0xFF01, 0xFF61)]
# Vertical presentation forms (Vertical Forms U+FE10–FE19, CJK Compatibility Forms U+FE30–FE4F: ︒ ︑ ﹁ ﹂ ︵ ︶ …)
# for heads set vertically (layout/compose/vertical.py), in the SC faces' own weights: the repertoire
# faces lack ︐–︙, and small faces of their own spare rebuilding the 10 MB faces.
VERTICAL_FORMS = [*range(0xFE10, 0xFE1A), *range(0xFE30, 0xFE50)]


@dataclass(frozen=True)
class Source:
    out: str          # file written in fonts/
    path: Path        # original file
    face: int         # index in a collection, -1 for a single font
    package: str      # the Debian package it came from
    unicodes: str     # "repertoire", "latin", "math", "cns-punctuation", "vertical-forms", "forms-tc" or "forms-hk"
    rename: str | None = None  # new family name where the OFL's Reserved Font Names forbid the old one


SOURCES = [
    Source("NotoSerifCJKsc-Regular.ttf", NOTO_CJK / "NotoSerifCJK-Regular.ttc", SC_FACE, "fonts-noto-cjk", "repertoire"),
    Source("NotoSerifCJKsc-Bold.ttf", NOTO_CJK / "NotoSerifCJK-Bold.ttc", SC_FACE, "fonts-noto-cjk", "repertoire"),
    Source("NotoSansCJKsc-Bold.ttf", NOTO_CJK / "NotoSansCJK-Bold.ttc", SC_FACE, "fonts-noto-cjk", "repertoire"),
    # LXGW WenKai reserves the names "LXGW" and "霞鹜": a subset is a Modified Version, so it is renamed.
    Source("XinwenKai-Regular.ttf", LXGW / "LXGWWenKai-Regular.ttf", -1, "fonts-lxgw-wenkai", "repertoire",
           rename="Xinwen Kai"),
    Source("NotoSerif-Regular.ttf", NOTO / "NotoSerif-Regular.ttf", -1, "fonts-noto-core", "latin"),
    Source("NotoSansMath-Regular.ttf", NOTO / "NotoSansMath-Regular.ttf", -1, "fonts-noto-core", "math"),
    Source("NotoSerifCJKtc-Punctuation.ttf", NOTO_CJK / "NotoSerifCJK-Regular.ttc", TC_FACE, "fonts-noto-cjk",
           "cns-punctuation"),
    Source("NotoSansCJKtc-BoldPunctuation.ttf", NOTO_CJK / "NotoSansCJK-Bold.ttc", TC_FACE, "fonts-noto-cjk",
           "cns-punctuation"),
    Source("NotoSerifCJKsc-Vertical.ttf", NOTO_CJK / "NotoSerifCJK-Regular.ttc", SC_FACE, "fonts-noto-cjk",
           "vertical-forms"),
    Source("NotoSerifCJKsc-BoldVertical.ttf", NOTO_CJK / "NotoSerifCJK-Bold.ttc", SC_FACE, "fonts-noto-cjk",
           "vertical-forms"),
    Source("NotoSansCJKsc-BoldVertical.ttf", NOTO_CJK / "NotoSansCJK-Bold.ttc", SC_FACE, "fonts-noto-cjk",
           "vertical-forms"),
    # The glyph forms of Taiwan (TC) and Hong Kong (HK) for Traditional editions. A collection's faces
    # share glyphs, so only the characters whose TC glyph differs from the SC one are kept (a third of
    # the repertoire), and for HK only those whose HK glyph differs from the TC one: the engine tries
    # HK, then TC, then SC (layout/fonts/faces.py), which draws every character in its region's form
    # at a fifth of the size of whole faces.
    *(Source(f"NotoSerifCJK{region}-Regular.ttf", NOTO_CJK / "NotoSerifCJK-Regular.ttc", face, "fonts-noto-cjk",
             f"forms-{region}") for region, face in (("tc", TC_FACE), ("hk", HK_FACE))),
    *(Source(f"NotoSerifCJK{region}-Bold.ttf", NOTO_CJK / "NotoSerifCJK-Bold.ttc", face, "fonts-noto-cjk",
             f"forms-{region}") for region, face in (("tc", TC_FACE), ("hk", HK_FACE))),
    *(Source(f"NotoSansCJK{region}-Bold.ttf", NOTO_CJK / "NotoSansCJK-Bold.ttc", face, "fonts-noto-cjk",
             f"forms-{region}") for region, face in (("tc", TC_FACE), ("hk", HK_FACE))),
]
# Which face of the same collection a regional face's forms are told apart from.
FORMS_BASE = {"forms-tc": SC_FACE, "forms-hk": TC_FACE}


def regional_forms(path: Path, face: int, base: int) -> list[int]:
    """The repertoire's characters whose glyph in ``face`` is not the one ``base`` draws (the
    collection's faces share their glyphs, so a different glyph ID is a different form)."""
    from fontTools.ttLib import TTCollection

    fonts = TTCollection(path, lazy=True).fonts
    own, other = fonts[face].getBestCmap(), fonts[base].getBestCmap()
    return sorted(cp for cp in wanted_unicodes("repertoire") if cp in own and own[cp] != other.get(cp))


def wanted_unicodes(kind: str) -> list[int]:
    if kind == "cns-punctuation":
        return CNS_PUNCTUATION
    if kind == "vertical-forms":
        return VERTICAL_FORMS
    base = sorted(ord(c) for c in newspaper_repertoire())
    if kind == "latin":
        return sorted(set(base) | set(LATIN_EXTRA))
    if kind == "math":
        return sorted(set(base) | set(MATH_EXTRA))
    return base


def subset_font(font: TTFont, unicodes: list[int]) -> None:
    options = subset.Options()
    options.layout_features = FEATURES
    options.hinting = False
    options.desubroutinize = True
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    options.recalc_timestamp = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)


def cff_to_truetype(font: TTFont, max_err: float = 1.0) -> None:
    """Replace CFF outlines by quadratic TrueType outlines (fontTools' otf2ttf recipe)."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name in order:
        g = glyf[name]
        advance = hmtx[name][0]
        hmtx[name] = (advance, g.xMin if g.numberOfContours else 0)
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones",):
        setattr(maxp, attr, 1)
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    font["maxp"] = maxp
    post = font["post"]
    post.formatType = 3.0  # no glyph names: smaller, and PDF embedding does not need them
    font.sfntVersion = "\x00\x01\x00\x00"
    font["head"].glyphDataFormat = 0


def rename_family(font: TTFont, family: str) -> None:
    """Replace every family, full and PostScript name (the OFL's Reserved Font Name clause)."""
    name = font["name"]
    postscript = family.replace(" ", "") + "-Regular"
    for record in list(name.names):
        if record.nameID in (1, 16):
            record.string = family
        elif record.nameID == 4:
            record.string = f"{family} Regular"
        elif record.nameID == 6:
            record.string = postscript
        elif record.nameID == 3:
            record.string = f"{postscript};layout-subset"
        elif record.nameID in (17, 2):
            record.string = "Regular"


def build(source: Source, out_dir: Path) -> Path:
    font = TTFont(source.path, fontNumber=source.face, recalcTimestamp=False, lazy=False)
    wanted = (regional_forms(source.path, source.face, FORMS_BASE[source.unicodes])
              if source.unicodes in FORMS_BASE else wanted_unicodes(source.unicodes))
    subset_font(font, wanted)
    if "CFF " in font:
        cff_to_truetype(font)
    font["OS/2"].fsType = 0  # installable embedding, as the OFL allows
    if source.rename:
        rename_family(font, source.rename)
    out = out_dir / source.out
    font.save(out, reorderTables=True)
    return out


def main(argv: list[str]) -> int:
    out_dir = HERE
    names = set(argv)
    for source in SOURCES:
        if names and source.out not in names:
            continue
        out = build(source, out_dir)
        print(f"{out.name}: {out.stat().st_size / 1e6:.1f} MB from {source.package} {source.path.name}"
              + (f" face {source.face}" if source.face >= 0 else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
