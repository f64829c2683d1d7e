"""Font files, coverage, advance widths and half-width (``halt``) data.

A *face* is one font file; a *role* (body, headline, sans, kai) is a chain
of faces tried in order, so a character the role's own face lacks falls back
to the next (the body Song face, then a Latin face, then a maths face).
A character no face of the chain has is an error, never a blank box.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import marshal
from array import array
from functools import cache
from pathlib import Path


from ..base import diskcache
from ..base.paths import FONT_DIR


# The default faces, all built by fonts/build.py (see fonts/SOURCES.md).
DEFAULT_FACES = {
    "song": "NotoSerifCJKsc-Regular.ttf",
    "biaosong": "NotoSerifCJKsc-Bold.ttf",
    "hei": "NotoSansCJKsc-Bold.ttf",
    "kai": "XinwenKai-Regular.ttf",
    "latin": "NotoSerif-Regular.ttf",
    "math": "NotoSansMath-Regular.ttf",
    "song-cns": "NotoSerifCJKtc-Punctuation.ttf",
    "hei-cns": "NotoSansCJKtc-BoldPunctuation.ttf",
    # Taiwan and Hong Kong glyph forms: each file holds only the characters whose form differs from the
    # next face tried (TC from SC, HK from TC), so a region's chain draws every character in its form.
    "song-tw": "NotoSerifCJKtc-Regular.ttf",
    "biaosong-tw": "NotoSerifCJKtc-Bold.ttf",
    "hei-tw": "NotoSansCJKtc-Bold.ttf",
    "song-hk": "NotoSerifCJKhk-Regular.ttf",
    "biaosong-hk": "NotoSerifCJKhk-Bold.ttf",
    "hei-hk": "NotoSansCJKhk-Bold.ttf",
    # Vertical presentation forms (︒ ︑ ﹁ ﹂ ︵ ︶ …) for heads set vertically, in each SC face's weight: tried
    # right after their face (the repertoire faces lack ︐–︙).
    "song-vert": "NotoSerifCJKsc-Vertical.ttf",
    "biaosong-vert": "NotoSerifCJKsc-BoldVertical.ttf",
    "hei-vert": "NotoSansCJKsc-BoldVertical.ttf",
}
# The faces put before each face of a chain for a region's glyph forms, most particular first.
REGION_FORMS = {"tw": ("tw",), "hk": ("hk", "tw")}
FALLBACK = ("song", "latin", "math")
# Roles a style may name, and the face each starts from.
DEFAULT_ROLES = {"body": "song", "headline": "biaosong", "sans": "hei", "kai": "kai"}
# Taiwan/Hong Kong (CNS) punctuation: centred marks from the TC faces, put before each role's chain.
CNS_PUNCTUATION_FACES = {"body": "song-cns", "headline": "song-cns", "sans": "hei-cns", "kai": "song-cns"}


class Advances:
    """Advance widths in em by code point, read like a dict. A flat table of font units for the
    BMP (two bytes a code point: 128 KB a face, where a dict of 22,000 entries takes 2.5 MB) and a
    dict for the few characters beyond it."""

    __slots__ = ("units", "table", "beyond")
    ABSENT = 0xFFFF

    def __init__(self, units: int, table: array, beyond: dict[int, float]):
        self.units, self.table, self.beyond = units, table, beyond

    @classmethod
    def from_dict(cls, units: int, widths: dict[int, int]) -> "Advances":
        table = array("H", [cls.ABSENT]) * 0x10000
        for cp, width in widths.items():
            if cp <= 0xFFFF:
                table[cp] = min(width, cls.ABSENT - 1)
        return cls(units, table, {cp: w / units for cp, w in widths.items() if cp > 0xFFFF})

    def __contains__(self, cp: int) -> bool:
        return self.table[cp] != self.ABSENT if cp <= 0xFFFF else cp in self.beyond

    def __getitem__(self, cp: int) -> float:
        if cp > 0xFFFF:
            return self.beyond[cp]
        width = self.table[cp]
        if width == self.ABSENT:
            raise KeyError(cp)
        return width / self.units

    def __iter__(self):
        yield from (cp for cp in range(0x10000) if self.table[cp] != self.ABSENT)
        yield from sorted(self.beyond)

    def __len__(self) -> int:
        return 0x10000 - self.table.count(self.ABSENT) + len(self.beyond)

    def get(self, cp: int, default=None):
        try:
            return self[cp]
        except KeyError:
            return default

    def dump(self) -> tuple:
        return self.units, self.table.tobytes(), self.beyond

    @classmethod
    def load(cls, data: tuple) -> "Advances":
        units, raw, beyond = data
        table = array("H")
        table.frombytes(raw)
        if len(table) != 0x10000:
            raise ValueError("advance table of the wrong size")
        return cls(units, table, beyond)


@dataclass(frozen=True, eq=False)
class Face:
    """One font file's metrics, in em (advance / units per em)."""

    key: str
    path: Path
    advances: Advances = field(repr=False)
    # code point -> (x placement, x advance change) in em, from the GPOS 'halt' feature
    halt: dict[int, tuple[float, float]] = field(repr=False)
    ascent: float
    descent: float
    # code point -> (left side bearing, right side bearing) in em, for punctuation only:
    # how much blank a mark really has where the font gives no 'halt' data
    bearings: dict[int, tuple[float, float]] = field(default_factory=dict, repr=False)

    def has(self, ch: str) -> bool:
        return ord(ch) in self.advances

    def advance(self, ch: str) -> float:
        return self.advances[ord(ch)]


# Punctuation whose blank beside the ink a face keeps (``Face.bearings``).
_MARKS = "、，。．：；！？“‘「『（［｛【〔〖《〈”’」』）］｝】〕〗》〉·・"


CACHE_VERSION = 5   # 5: named by the font's whole content, in diskcache's envelope


def _cache_name(path: Path) -> str | None:
    """Under what name a font's metrics are kept between runs: the file's name and the SHA-256 of its
    whole content. Never its size or time: a font rewritten in place with the same size and time is
    a different font (the digest is taken again whenever the file's identity, its change time
    included, is not the one it was taken at: ``diskcache.file_sha256``)."""
    try:
        digest = diskcache.file_sha256(path).hex()
    except OSError:
        return None
    return f"{path.name}-{digest[:32]}-v{CACHE_VERSION}.marshal"


def _read_cache(name: str | None, key: str, path: Path) -> Face | None:
    data = diskcache.read(diskcache.FONT_METRICS, name) if name else None
    if data is None:
        return None
    try:
        advances, halt, bearings, ascent, descent = marshal.loads(data)
        face = Face(key, path, Advances.load(advances), halt, ascent, descent, bearings)
        if not (isinstance(halt, dict) and isinstance(bearings, dict) and face.advances.units > 0
                and isinstance(face.advances.beyond, dict)):
            raise ValueError("metrics of the wrong shape")
        return face
    except Exception as exc:  # noqa: BLE001 — whatever an entry holds costs a rebuild, never the render
        diskcache.reject(diskcache.FONT_METRICS, name, f"{exc.__class__.__name__}: {exc}")
        return None


def _write_cache(name: str | None, face: Face) -> None:
    if name:
        metrics = (face.advances.dump(), face.halt, face.bearings, face.ascent, face.descent)
        diskcache.write(diskcache.FONT_METRICS, name, marshal.dumps(metrics))


@cache
def load_face(path: Path, key: str) -> Face:
    """A TrueType font's metrics, read once per process (and kept in a cache file between runs)."""
    cache_name = _cache_name(path)
    cached = _read_cache(cache_name, key, path)
    if cached is not None:
        return cached
    face = _read_face(path, key)
    _write_cache(cache_name, face)
    return face


def _read_face(path: Path, key: str) -> Face:
    """A face's metrics from its font file, table by table with the engine's own reader (``fonts.tables``):
    from the metrics cache, a run never reads the file's tables at all (nor imports their reader)."""
    from .tables import read_metrics

    metrics = read_metrics(path, b"halt", _MARKS)
    units = metrics.units
    return Face(key, path, Advances.from_dict(units, metrics.widths),
                {cp: (dx / units, dadv / units) for cp, (dx, dadv) in metrics.adjustments.items()},
                metrics.ascent / units, -metrics.descent / units,
                {cp: (left / units, right / units) for cp, (left, right) in metrics.bearings.items()})


@dataclass(frozen=True)
class FontSet:
    """The faces of an issue, by role, each role a fallback chain."""

    faces: dict[str, Face]
    roles: dict[str, tuple[str, ...]]

    def chain(self, role: str) -> tuple[Face, ...]:
        return tuple(self.faces[k] for k in self.roles[role])

    def with_centred_punctuation(self) -> "FontSet":
        """The same faces with punctuation centred in its em box (the CNS position of Taiwan and Hong
        Kong): the TC punctuation faces put first in each role's chain."""
        roles = dict(self.roles)
        for role, key in CNS_PUNCTUATION_FACES.items():
            if role in roles and key in self.faces and roles[role][0] != key:
                roles[role] = (key, *roles[role])
        return FontSet(self.faces, roles)

    def for_region(self, region: str | None) -> "FontSet":
        """The same roles drawing the glyph forms of Taiwan or Hong Kong (None: the faces as they are,
        mainland forms): each face of a chain that has regional forms gets them put before it. The
        regional faces are TC or HK faces, so their punctuation sits centred (the CNS position)."""
        if region is None:
            return self
        suffixes = REGION_FORMS[region]
        roles = {}
        for role, chain in self.roles.items():
            regional = []
            for key in chain:
                regional += [f"{key}-{s}" for s in suffixes if f"{key}-{s}" in self.faces]
                regional.append(key)
            roles[role] = tuple(regional)
        return FontSet(self.faces, roles)

    def face_for(self, ch: str, role: str) -> Face | None:
        """The first face in the role's chain that has the character, or None."""
        for face in self.chain(role):
            if ord(ch) in face.advances:
                return face
        return None


def default_fontset(font_dir: Path = FONT_DIR, faces: dict[str, str] | None = None) -> FontSet:
    files = dict(DEFAULT_FACES, **(faces or {}))
    loaded = {key: load_face(font_dir / name, key) for key, name in sorted(files.items())}
    roles = {}
    for role, first in DEFAULT_ROLES.items():
        chain = [first] + [k for k in FALLBACK if k != first]
        roles[role] = tuple(x for k in chain for x in (k, f"{k}-vert") if x in loaded)
    _freeze_once()
    return FontSet(loaded, roles)


@cache
def _freeze_once() -> None:
    """Once the modules and the fonts are loaded, what exists now lives as long as the process: moved
    out of the cyclic collector's sight (gc.freeze), so no collection during a render scans it again
    (3 % of a warm render), and a batch's forked workers share those pages instead of copying them
    when a collection would touch them. And the youngest generation is collected after 10,000 new
    objects rather than 700: composing makes tuples by the hundred thousand and almost none are in a
    cycle, so the default threshold ran about 250 collections an issue for little (a warm render of the
    13 sample issues in one process: 2.9–3.0 s → 2.7–2.8 s; 8 MB more at the peak of the 8-page 1641;
    switching the collector off was slower, the few cycles then piling up)."""
    import gc

    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
