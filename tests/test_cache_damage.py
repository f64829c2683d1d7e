"""Caches can be wrong; the output cannot.

Every entry of every kind of disk cache (base/diskcache.py DISK) is damaged and a render run over it:
a bit flipped in its header, at the start and at the end of its payload, the entry cut short, or a
sound envelope around a payload its reader cannot decode (DAMAGES; each meets each kind). Whatever the
damage, the entry is dropped with a note and rebuilt, and the PDFs are byte for byte those of a render
with an empty cache. The envelope alone is tried with the rest (FLIPS: every field of its header, the
middle of the payload, cut in half, emptied, lengthened). Issue 1650 has every kind: the fonts'
metrics, its photo checked and pressed, the ink of the pressed photo (preflight) and the masthead's
QR codes.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from layout.base import diskcache
from layout.fonts.faces import FontSet, load_face

ISSUE = ROOT / "issues" / "1650.yaml"
MAGIC_AT, FORMAT_AT, LENGTH_AT, DIGEST_AT = 0, 4, 6, 14      # diskcache.ENVELOPE: ">4sHQ32s"
assert diskcache.ENVELOPE.format == ">4sHQ32s" and diskcache.ENVELOPE.size == 46


def flipped(entry: bytes, at: int) -> bytes:
    damaged = bytearray(entry)
    damaged[at] ^= 0x04
    return bytes(damaged)


def undecodable(kind: diskcache.CacheKind, name: str) -> bytes:
    """A sound envelope around a payload no reader can use: what an entry written by a broken engine holds."""
    payload = b"\x00\xff not what was kept"
    return diskcache.ENVELOPE.pack(diskcache.MAGIC, diskcache.FORMAT, len(payload),
                                   diskcache._digest(kind, name, payload)) + payload


# Each damage: (entry as written, its kind and name) → the entry's bytes after it. Every one goes through
# the reader of every kind in a render; FLIPS, the rest of the envelope's fields, go through the envelope alone.
DAMAGES = {
    "header": lambda entry, kind, name: flipped(entry, DIGEST_AT + 31),
    "payload start": lambda entry, kind, name: flipped(entry, diskcache.ENVELOPE.size),
    "payload end": lambda entry, kind, name: flipped(entry, len(entry) - 1),
    "cut short": lambda entry, kind, name: entry[:len(entry) - 1],
    "undecodable": lambda entry, kind, name: undecodable(kind, name),
}
FLIPS = {
    "magic": lambda entry, kind, name: flipped(entry, MAGIC_AT),
    "format": lambda entry, kind, name: flipped(entry, FORMAT_AT + 1),
    "length": lambda entry, kind, name: flipped(entry, LENGTH_AT + 7),
    "digest start": lambda entry, kind, name: flipped(entry, DIGEST_AT),
    "payload middle": lambda entry, kind, name: flipped(entry, (diskcache.ENVELOPE.size + len(entry)) // 2),
    "cut in half": lambda entry, kind, name: entry[:len(entry) // 2],
    "header only": lambda entry, kind, name: entry[:diskcache.ENVELOPE.size],
    "empty": lambda entry, kind, name: b"",
    "longer": lambda entry, kind, name: entry + b"\0",
}


def entries(cache: Path, kind: diskcache.CacheKind) -> dict[str, Path]:
    """The entries of a kind in a cache folder, by name."""
    folder = cache / kind.folder
    return {str(p.relative_to(folder)): p for p in sorted(folder.rglob("*")) if p.is_file()}


def fresh_fonts(fonts: FontSet) -> FontSet:
    """The same faces loaded again through the metrics cache, not from this process's memo of them."""
    return FontSet({key: load_face.__wrapped__(face.path, key) for key, face in fonts.faces.items()}, fonts.roles)


def render_pdfs(cache: Path, out: Path, fonts: FontSet) -> dict[str, bytes]:
    """Render issue 1650 with the cache folder given; its PDFs by name."""
    from layout.app.pipeline import render
    from layout.compose import scripts
    from layout.preflight import rules

    # Preflight remembers the ink of images it has measured in this process; forgotten, so that
    # each render reads the disk cache as a new process would.
    rules._INK.clear()
    rules._CONTENT.clear()
    scripts._converted.cache_clear()        # conversions too: each render reads them from the disk
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LAYOUT_CACHE_DIR", str(cache))
        render(ISSUE, out, fonts=fresh_fonts(fonts))
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.pdf"))}


@pytest.fixture(scope="module")
def clean(tmp_path_factory, real_fonts):
    """The PDFs of issue 1650 rendered with an empty cache (font metrics read from the font files,
    photos decoded and pressed, ink measured, QR codes encoded), and the cache that render filled."""
    tmp = tmp_path_factory.mktemp("clean")
    diskcache.notes()
    pdfs = render_pdfs(tmp / "cache", tmp / "out", real_fonts)
    assert diskcache.notes() == []
    return pdfs, tmp / "cache"


def test_the_sample_issue_fills_every_kind_of_cache_and_renders_the_same_from_it(clean, real_fonts, tmp_path):
    pdfs, cache = clean
    assert all(entries(cache, kind) for kind in diskcache.DISK)
    assert render_pdfs(cache, tmp_path / "out", real_fonts) == pdfs
    assert diskcache.notes() == []


def test_every_damage_to_every_kind_of_entry_is_dropped_noted_and_rebuilt(clean, real_fonts, tmp_path):
    """Every entry of every kind damaged, in rounds: in round r the i-th entry of a kind gets damage
    r × (its kind's entries) + i, so each damage meets each kind at least once. Each render is byte
    for byte the clean one, each damaged entry is noted once, and afterwards it is there and sound."""
    pdfs, template = clean
    names = {kind: sorted(entries(template, kind)) for kind in diskcache.DISK}
    damages = list(DAMAGES.items())
    met = set()
    for r in range(max(math.ceil(len(damages) / len(n)) for n in names.values())):
        cache = tmp_path / f"cache-{r}"
        shutil.copytree(template, cache)
        done = {}
        for kind, kind_names in names.items():
            if r * len(kind_names) >= len(damages):
                continue      # every damage has met this kind already
            for i, name in enumerate(kind_names):
                label, damage = damages[(r * len(kind_names) + i) % len(damages)]
                path = cache / kind.folder / name
                path.write_bytes(damage(path.read_bytes(), kind, name))
                done[f"{kind.folder}/{name}"] = label
                met.add((kind.folder, label))
        assert render_pdfs(cache, tmp_path / f"out-{r}", real_fonts) == pdfs, done
        noted = diskcache.notes()
        for entry, label in done.items():
            said = [n for n in noted if n.startswith(f"cache entry {entry} was damaged (")]
            assert len(said) == 1 and said[0].endswith(") and is rebuilt"), (entry, label, noted)
        assert len(noted) == len(done), noted
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("LAYOUT_CACHE_DIR", str(cache))
            assert all(diskcache.read(kind, name) is not None for kind in names for name in names[kind])
        assert diskcache.notes() == []
    assert met == {(kind.folder, label) for kind in diskcache.DISK for label in DAMAGES}


@pytest.mark.parametrize("damage", [*DAMAGES, *FLIPS])
def test_the_envelope_finds_every_damage(tmp_path, monkeypatch, damage):
    """Whatever is damaged — any field of the header, the payload anywhere, its length — the entry is
    not served: it is deleted and noted."""
    monkeypatch.setenv("LAYOUT_CACHE_DIR", str(tmp_path))
    diskcache.notes()
    kind, name = diskcache.IMAGE_INK, "abc-v2"
    diskcache.write(kind, name, b"173.5")
    path = tmp_path / kind.folder / name
    assert diskcache.read(kind, name) == b"173.5"
    path.write_bytes({**DAMAGES, **FLIPS}[damage](path.read_bytes(), kind, name))
    if damage == "undecodable":
        assert diskcache.read(kind, name) == b"\x00\xff not what was kept"   # the reader's to refuse
        diskcache.reject(kind, name, "not a number")
    else:
        assert diskcache.read(kind, name) is None
    [note] = diskcache.notes()
    assert note.startswith(f"cache entry {kind.folder}/{name} was damaged (") and not path.exists()


def test_the_command_exits_0_and_notes_every_damaged_entry(clean, tmp_path):
    """`layout render` in a new process over a cache whose every entry is damaged: exit status 0, a note
    on standard error for each entry, and the PDFs of the clean render."""
    pdfs, template = clean
    cache = tmp_path / "cache"
    shutil.copytree(template, cache)
    damages = list(DAMAGES.values())
    damaged = []
    for k, kind in enumerate(diskcache.DISK):
        for i, (name, path) in enumerate(entries(cache, kind).items()):
            path.write_bytes(damages[(k + i) % len(damages)](path.read_bytes(), kind, name))
            damaged.append(f"{kind.folder}/{name}")
    result = subprocess.run([sys.executable, "-m", "layout", "render", str(ISSUE), "-o", str(tmp_path / "out")],
                            capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, "LAYOUT_CACHE_DIR": str(cache)})
    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if line.startswith("note: cache entry ")]
    assert sorted(n.split()[3] for n in notes) == sorted(damaged)
    assert {p.name: p.read_bytes() for p in sorted((tmp_path / "out").glob("*.pdf"))} == pdfs


def test_an_entry_under_another_name_is_damaged(tmp_path, monkeypatch):
    """The digest covers the entry's kind and name: a sound entry copied under another name (or kind)
    is not served as that one's."""
    monkeypatch.setenv("LAYOUT_CACHE_DIR", str(tmp_path))
    diskcache.notes()
    diskcache.write(diskcache.QR_SYMBOLS, "a", b"\x01\x00")
    entry = tmp_path / "qr" / "a"
    (tmp_path / "qr" / "b").write_bytes(entry.read_bytes())
    (tmp_path / "ink").mkdir()
    (tmp_path / "ink" / "a").write_bytes(entry.read_bytes())
    assert diskcache.read(diskcache.QR_SYMBOLS, "a") == b"\x01\x00"
    assert diskcache.read(diskcache.QR_SYMBOLS, "b") is None
    assert diskcache.read(diskcache.IMAGE_INK, "a") is None
    assert len(diskcache.notes()) == 2
    assert not (tmp_path / "qr" / "b").exists() and not (tmp_path / "ink" / "a").exists()


def test_a_missing_entry_or_cache_is_only_slower(tmp_path, monkeypatch):
    monkeypatch.setenv("LAYOUT_CACHE_DIR", str(tmp_path / "none"))
    assert diskcache.read(diskcache.QR_SYMBOLS, "a") is None
    assert diskcache.notes() == []
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("LAYOUT_CACHE_DIR", str(tmp_path / "file"))
    diskcache.write(diskcache.QR_SYMBOLS, "a", b"x")       # cannot be written: no error
    assert diskcache.read(diskcache.QR_SYMBOLS, "a") is None


def test_a_font_changed_in_place_with_the_same_size_and_time_is_read_again(tmp_path, monkeypatch):
    """The metrics cache is keyed by the font's content: a font rewritten in place (same size, same
    modification time) gets its own metrics, not the cached ones of the font it replaced."""
    from fontTools.ttLib import TTFont

    from layout.fonts.faces import FONT_DIR

    monkeypatch.setenv("LAYOUT_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "NotoSerif-Regular.ttf"
    shutil.copy(FONT_DIR / path.name, path)
    before = load_face.__wrapped__(path, "latin")
    assert load_face.__wrapped__(path, "latin").advance("A") == before.advance("A")    # from the cache
    font = TTFont(path)
    name = font.getBestCmap()[ord("A")]
    offset, upem = font.reader.tables["hmtx"].offset, font["head"].unitsPerEm
    index = font.getGlyphID(name)
    assert index < font["hhea"].numberOfHMetrics
    stat = path.stat()
    data = bytearray(path.read_bytes())
    width = int.from_bytes(data[offset + 4 * index:offset + 4 * index + 2], "big")
    data[offset + 4 * index:offset + 4 * index + 2] = (width + 100).to_bytes(2, "big")
    with open(path, "r+b") as f:              # in place: the same file, size and modification time
        f.write(data)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    assert load_face.__wrapped__(path, "latin").advance("A") == pytest.approx(before.advance("A") + 100 / upem)
    assert len(entries(tmp_path / "cache", diskcache.FONT_METRICS)) == 2
