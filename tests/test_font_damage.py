"""A font whose glyphs are damaged is refused when its subset is made, in one line naming the font file,
the glyph and its character, never drawn blank or wrong (fonts/subset.py, FontProgram._outline).

Each test damages a copy of a committed font the way a disk, a copy or a bad tool does — a glyph's bytes
zeroed or overwritten, its loca offsets wrong, the glyf table or the file cut short, a composite's
component out of range or damaged — and makes the subset as a render does (pdf/cidfont.py ``prepare``).
"""

from __future__ import annotations

import random
import shutil
import struct
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import ROOT
from layout.base.errors import LayoutError
from layout.fonts.faces import FONT_DIR, FontSet
from layout.fonts.subset import GLYPH_HEADER, FontProgram, _DamagedGlyph
from layout.pdf.cidfont import prepare

SONG, LATIN = "NotoSerifCJKsc-Regular.ttf", "NotoSerif-Regular.ttf"


def set_loca(data: bytearray, program: FontProgram, gid: int, offset: int) -> None:
    at = program.tables[b"loca"][0]
    if program.font_header.indexToLocFormat == 1:
        struct.pack_into(">I", data, at + 4 * gid, offset)
    else:
        struct.pack_into(">H", data, at + 2 * gid, offset // 2)


def glyph_at(program: FontProgram, ch: str) -> tuple[int, int, int]:
    """A character's glyph: its number, and where its data starts and ends in the file."""
    gid = program.glyph(ord(ch))
    return gid, program.glyf_offset + program.loca[gid], program.glyf_offset + program.loca[gid + 1]


def zeroed(data, program, ch):
    _, start, end = glyph_at(program, ch)
    data[start:end] = bytes(end - start)


def overwritten(data, program, ch):
    _, start, end = glyph_at(program, ch)
    data[start:end] = random.Random(16).randbytes(end - start)


def loca_backwards(data, program, ch):
    gid, _, _ = glyph_at(program, ch)
    set_loca(data, program, gid + 1, program.loca[gid] - 4)


def loca_empty(data, program, ch):
    gid, _, _ = glyph_at(program, ch)
    set_loca(data, program, gid + 1, program.loca[gid])


def header_cut(data, program, ch):
    gid, _, _ = glyph_at(program, ch)
    set_loca(data, program, gid + 1, program.loca[gid] + 6)


def glyph_cut(data, program, ch):
    """The glyph's loca end moved back to the middle of its points."""
    gid, start, end = glyph_at(program, ch)
    set_loca(data, program, gid + 1, program.loca[gid] + (end - start) * 3 // 4)


def glyf_cut(data, program, ch):
    """The glyf table's length in the directory cut to end inside the glyph."""
    gid, _, _ = glyph_at(program, ch)
    count = struct.unpack_from(">H", data, 4)[0]
    for i in range(count):
        at = 12 + 16 * i
        if data[at:at + 4] == b"glyf":
            struct.pack_into(">I", data, at + 12, program.loca[gid] + 12)


def points_past_data(data, program, ch):
    """The last contour said to end 1,000 points later than it does."""
    _, start, _ = glyph_at(program, ch)
    contours = struct.unpack_from(">h", data, start)[0]
    at = start + GLYPH_HEADER.size + 2 * (contours - 1)
    struct.pack_into(">H", data, at, struct.unpack_from(">H", data, at)[0] + 1000)


def component_out_of_range(data, program, ch):
    _, start, _ = glyph_at(program, ch)
    struct.pack_into(">H", data, start + GLYPH_HEADER.size + 2, 0xFFFF)


def component_zeroed(data, program, ch):
    _, start, _ = glyph_at(program, ch)
    component = struct.unpack_from(">H", data, start + GLYPH_HEADER.size + 2)[0]
    first, last = program.glyf_offset + program.loca[component], program.glyf_offset + program.loca[component + 1]
    data[first:last] = bytes(last - first)


def damaged_copy(tmp_path: Path, font: str, damage, ch: str) -> Path:
    program = FontProgram(FONT_DIR / font)
    data = bytearray((FONT_DIR / font).read_bytes())
    damage(data, program, ch)
    path = tmp_path / font
    path.write_bytes(data)
    return path


# (font, character, damage, what the error says besides the file and the character)
CASES = {
    "zeroed": (SONG, "徐", zeroed, "no contours: it would print blank"),
    "overwritten": (SONG, "徐", overwritten, "damaged font"),
    "loca backwards": (SONG, "徐", loca_backwards, "loca offsets go backwards"),
    "loca empty": (SONG, "徐", loca_empty, "no outline: it would print blank"),
    "header cut": (SONG, "徐", header_cut, "shorter than a glyph's header"),
    "glyph cut short": (SONG, "徐", glyph_cut, "its points need"),
    "glyf table cut": (SONG, "徐", glyf_cut, "past the glyf table"),
    "points past its data": (SONG, "匯", points_past_data, "its flags are for"),
    "component out of range": (LATIN, "é", component_out_of_range, "a component is glyph 65535"),
    "component zeroed": (LATIN, "é", component_zeroed, "a component of glyph 169 (U+00E9 é)"),
}


@pytest.mark.parametrize("case", CASES)
def test_a_damaged_glyph_is_refused_naming_the_font_and_character(case, tmp_path, real_fonts):
    font, ch, damage, says = CASES[case]
    path = damaged_copy(tmp_path, font, damage, ch)
    face = replace(real_fonts.faces["song" if font == SONG else "latin"], path=path)
    with pytest.raises(LayoutError) as error:
        prepare(face, set(f"{ch}{'一' if font == SONG else 'a'} "))
    message = str(error.value)
    assert "\n" not in message and message.startswith(f"{path}: ") and says in message, message
    assert f"U+{ord(ch):04X} {ch}" in message, message


def test_a_font_file_cut_in_its_glyphs_is_refused(tmp_path, real_fonts):
    program = FontProgram(FONT_DIR / SONG)
    _, start, _ = glyph_at(program, "徐")
    path = tmp_path / SONG
    path.write_bytes((FONT_DIR / SONG).read_bytes()[:start + 8])
    with pytest.raises(LayoutError, match="truncated"):
        prepare(replace(real_fonts.faces["song"], path=path), set("徐"))


def test_a_render_with_a_damaged_font_stops_and_writes_nothing(tmp_path, real_fonts):
    from layout.app.pipeline import render

    path = damaged_copy(tmp_path, SONG, zeroed, "徐")
    faces = {**real_fonts.faces, "song": replace(real_fonts.faces["song"], path=path)}
    with pytest.raises(LayoutError, match=r"damaged font: glyph \d+ \(U\+5F90 徐\)"):
        render(ROOT / "issues" / "1650.yaml", tmp_path / "out", fonts=FontSet(faces, real_fonts.roles))
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.pdf"))


def test_blank_characters_keep_their_empty_glyphs(real_fonts):
    """A space, an ideographic space, a no-break space and a zero-width space are empty by right."""
    for role in ("song", "latin"):
        face = real_fonts.faces[role]
        chars = {ch for ch in " \u3000\u00a0\u200b" if FontProgram(face.path).glyph(ord(ch))}
        assert " " in chars
        prepare(face, chars | {"a"})


def test_every_glyph_of_every_committed_font_passes_the_check():
    """The check refuses no glyph of a sound font: every glyph of every committed font."""
    for path in sorted(FONT_DIR.glob("*.ttf")):
        program = FontProgram(path)
        for gid in range(program.glyph_count):
            try:
                program._outline(gid)
            except _DamagedGlyph as exc:
                pytest.fail(f"{path.name}: glyph {gid}: {exc}")


def test_the_check_reads_a_copy_no_differently(tmp_path):
    """Control for the tests above: an undamaged copy makes the same subset as the committed font."""
    shutil.copy(FONT_DIR / LATIN, tmp_path / LATIN)
    gids = {FontProgram(FONT_DIR / LATIN).glyph(ord(ch)) for ch in "éAz "}
    assert FontProgram(tmp_path / LATIN).subset(gids) == FontProgram(FONT_DIR / LATIN).subset(gids)
