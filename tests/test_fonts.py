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
    assert (FONT_DIR / "SOURCES.md").is_file() and (FONT_DIR / "build.py").is_file()


def test_no_reserved_font_name_on_a_modified_font():
    # LXGW WenKai reserves "LXGW" and "霞鹜"; our subset of it must not carry them.
    for path in FONT_DIR.glob("*.ttf"):
        names = " ".join(str(r.toUnicode()) for r in TTFont(path, lazy=True)["name"].names if r.nameID in (1, 4, 6, 16))
        assert "LXGW" not in names and "霞鹜" not in names, path.name
