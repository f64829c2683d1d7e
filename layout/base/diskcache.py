"""Every cache the engine keeps, in one place: what it holds, its key, and when an entry goes.

Disk caches live under one folder (``$LAYOUT_CACHE_DIR``, else ``~/.cache/layout``), one subfolder a
kind. Each is keyed by the content of what it was computed from (with a version number that is
bumped when the computation changes), so a stale entry is never found; the engine never evicts
them, and any entry, or the whole folder, may be deleted at any time. A cache that cannot be read
or written only makes the engine slower, never wrong.

In-memory caches live for one process (a render, a batch worker, a `watch` session) and are bounded
as ``MEMORY`` says; memos kept on an object (a line's glyphs and runs, the lines a story's flow has
composed, the stories `watch` has composed, dropped when the story changes) go with it. A test
checks that every cache in the code is listed here and every entry listed exists, so no cache can
be added without saying what it keeps and when it goes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CacheKind:
    """One kind of disk cache entry."""

    folder: str          # subfolder of the cache folder
    holds: str
    key: str             # what the entry's name is made from


FONT_METRICS = CacheKind("fonts", "a face's advances, halt data and bearings (marshal)",
                    "the font file's name, size, mtime and the SHA-256 of its first 64 KB; format version")
PHOTO_CHECKS = CacheKind("images-ok", "a photo that decoded whole: its size in pixels",
                    "SHA-256 of the photo's bytes; Pillow version; pixel limit")
PRESSED_PHOTOS = CacheKind("press", "a photo cropped, scaled and converted for press (JPEG, with its size)",
                      "SHA-256 of the photo's bytes, placed size, focus, max ppi, ink limit, Pillow version, "
                      "conversion version, SHA-256 of the output and grey profiles")
IMAGE_INK = CacheKind("ink", "the highest total ink of a CMYK image in a PDF (preflight's house/ink)",
                 "SHA-256 of the image stream's bytes and dictionary; rule version")
QR_SYMBOLS = CacheKind("qr", "a QR symbol's modules, a row of 0/1 bytes each", "SHA-256 of the URL; encoding version")

DISK = (FONT_METRICS, PHOTO_CHECKS, PRESSED_PHOTOS, IMAGE_INK, QR_SYMBOLS)

# In-memory caches: "module:name" → (key, bound and eviction).
MEMORY = {
    "layout.base.paths:known_profiles": ("none (one list)", "process lifetime"),
    "layout.fonts.charsets:gb2312": ("none", "process lifetime"),
    "layout.fonts.charsets:big5": ("none", "process lifetime"),
    "layout.fonts.charsets:big5_levels": ("none", "process lifetime"),
    "layout.fonts.charsets:tongyong_guifan": ("none", "process lifetime"),
    "layout.fonts.charsets:cjk_punctuation": ("none", "process lifetime"),
    "layout.fonts.charsets:fullwidth_forms": ("none", "process lifetime"),
    "layout.fonts.charsets:newspaper_repertoire": ("none", "process lifetime"),
    "layout.fonts.faces:load_face": ("font path, face key", "process lifetime (one per committed face)"),
    "layout.fonts.subset:font_program": ("font path", "process lifetime (tables' directory and metrics)"),
    "layout.compose.atoms:_TABLES": ("font set identity → role → character", "cleared past 16 font sets"),
    "layout.compose.atoms:_RIDES": ("character", "process lifetime (one bool a character seen)"),
    "layout.issue.photos:_CHECKED": ("photo path → digest and pixel size at its last check",
                                     "replaced at every check of that path"),
    "layout.pdf.cidfont:_cid_codes": ("face", "process lifetime"),
    "layout.pdf.pdfx:_profile_stream": ("profile name", "4 most recent"),
    "layout.pdf.press:_transform": ("source profile bytes (None: sRGB), source and target modes, output profile",
                                    "16 most recent"),
    "layout.pdf.press:_profile_digest": ("profile name", "4 most recent"),
    "layout.pdf.press:image_stream": ("pressed photo", "4 most recent"),
    "layout.pdf.foreign:file_digest": ("supplied PDF's path", "16 most recent"),
    "layout.preflight.rules:_PROFILES": ("the ICC profile's exact bytes", "4 most recent"),
    "layout.preflight.rules:_INK": ("image digest (as IMAGE_INK)", "oldest dropped past 256"),
    "layout.preflight.rules:_CONTENT": ("page content, resources and trim digest; ink and ppi limits", "cleared past 256"),
    "layout.app.batch:_engine_hash": ("none (the engine's code and fonts)", "process lifetime"),
    "layout.app.batch:_FONTS": ("none (the default font set of a batch worker)", "process lifetime"),
}


def folder() -> Path:
    return Path(os.environ.get("LAYOUT_CACHE_DIR") or Path.home() / ".cache" / "layout")


def read(kind: CacheKind, name: str) -> bytes | None:
    try:
        return (folder() / kind.folder / name).read_bytes()
    except OSError:
        return None


def write(kind: CacheKind, name: str, data: bytes) -> None:
    target = folder() / kind.folder / name
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
        tmp.write_bytes(data)
        os.replace(tmp, target)
    except OSError:
        pass  # no cache where the disk will not have one: only slower
