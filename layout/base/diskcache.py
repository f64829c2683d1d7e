"""Every cache the engine keeps, in one place: what it holds, its key, and when an entry goes.

Disk caches live under one folder (``$LAYOUT_CACHE_DIR``, else ``$XDG_CACHE_HOME/layout``, else
``~/.cache/layout``), one subfolder a kind. Each is keyed by the content of what it was computed from
(with a version number that is bumped when the computation changes), so a stale entry is never found.
Eviction (see ``evict``): an entry unused for ``LAYOUT_CACHE_MAX_DAYS`` (60) days goes, and once the
folder holds more than ``LAYOUT_CACHE_MAX_MB`` (1024, under 1 GiB) MB the least recently used entries
are deleted (reading an entry marks it used); any entry, or the whole folder, may be deleted at any time. A cache that cannot be read or written only makes the engine slower, never wrong.

In-memory caches live for one process (a render, a batch worker, a `watch` session) and are bounded
as ``MEMORY`` says; memos kept on an object (a line's glyphs and runs, the lines a story's flow has
composed, the stories `watch` has composed, dropped when the story changes) go with it. A test
checks that every cache in the code is listed here and every entry listed exists, so no cache can
be added without saying what it keeps and when it goes.

A cache may be wrong; the output may not. Every disk entry is written in an envelope (``ENVELOPE``: a
magic, the envelope's format, the payload's length and a SHA-256 of the kind, the entry's name and
the payload), so a bit flipped anywhere in it, a truncated or an empty file, or an entry copied
under another name is found when it is read: the entry is deleted, a note is kept for the command to
print (``notes``) and the caller computes the result again and writes it anew. A caller that finds
a whole entry it cannot decode does the same through ``reject``. A damaged entry is never used and
never fatal.
"""

from __future__ import annotations

import hashlib
import os
import struct
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CacheKind:
    """One kind of disk cache entry."""

    folder: str          # subfolder of the cache folder
    holds: str
    key: str             # what the entry's name is made from


FONT_METRICS = CacheKind("fonts", "a face's advances, halt data and bearings (marshal)",
                         "the font file's name and the SHA-256 of its whole content; format version")
PHOTO_CHECKS = CacheKind("images-ok", "a photo that decoded whole: its size in pixels",
                    "SHA-256 of the photo's bytes; Pillow version; pixel limit")
PRESSED_PHOTOS = CacheKind("press", "a photo cropped, scaled and converted for press (its size, then the JPEG)",
                      "SHA-256 of the photo's bytes, placed size, focus, max ppi, ink limit, Pillow version, "
                      "conversion version, SHA-256 of the output and grey profiles")
IMAGE_INK = CacheKind("ink", "the highest total ink of a CMYK image in a PDF (preflight's house/ink)",
                 "SHA-256 of the image stream's bytes and dictionary; rule version")
QR_SYMBOLS = CacheKind("qr", "a QR symbol's modules, a row of 0/1 bytes each", "SHA-256 of the URL; encoding version")
HEAD_WORDS = CacheKind("words", "where a head's words start (offsets, as jieba segments it)",
                       "SHA-256 of the text and of the segmenter's identity (rjieba's files, the character table)")

FILE_DIGESTS = CacheKind("digests", "a file's SHA-256 and the identity it was taken at (device, inode, size, "
                         "modification and change times)", "SHA-256 of the file's absolute path")
CONVERSIONS = CacheKind("conversions", "a text converted to an edition's script by OpenCC (UTF-8)",
                        "SHA-256 of the text, its source's script, the edition's script and region, and "
                        "OpenCC's identity (its files' sizes and times, the script table's and scripts.py's, "
                        "Python's Unicode version)")
STORY_BLOCKS = CacheKind("blocks", "a story text's paragraphs and subheads as parsed (marshal); texts with "
                         "tables are not kept", "SHA-256 of the text and of the parser's identity (markdown-it's "
                         "files' sizes and times, the loader's and table reader's, Python's Unicode version)")

DISK = (FONT_METRICS, PHOTO_CHECKS, PRESSED_PHOTOS, IMAGE_INK, QR_SYMBOLS, HEAD_WORDS, FILE_DIGESTS, CONVERSIONS, STORY_BLOCKS)

# In-memory caches: "module:name" → (key, bound and eviction).
MEMORY = {
    "layout.base.paths:known_profiles": ("none (one list)", "process lifetime"),
    "layout.issue.loader:_markdown": ("none (the story-text parser, built once)", "process lifetime"),
    "layout.fonts.charsets:gb2312": ("none", "process lifetime"),
    "layout.fonts.charsets:big5": ("none", "process lifetime"),
    "layout.fonts.charsets:big5_levels": ("none", "process lifetime"),
    "layout.fonts.charsets:tongyong_guifan": ("none", "process lifetime"),
    "layout.fonts.charsets:cjk_punctuation": ("none", "process lifetime"),
    "layout.fonts.charsets:fullwidth_forms": ("none", "process lifetime"),
    "layout.fonts.charsets:newspaper_repertoire": ("none", "process lifetime"),
    "layout.fonts.faces:_freeze_once": ("none (gc.freeze done once a process; holds nothing)", "process lifetime"),
    "layout.fonts.faces:load_face": ("font path, face key", "process lifetime (one per committed face)"),
    "layout.fonts.subset:font_program": ("font path", "process lifetime (tables' directory and metrics)"),
    "layout.compose.atoms:_TABLES": ("font set identity → role → character", "cleared past 16 font sets"),
    "layout.compose.rules_zh:_segmenter": ("none (rjieba's dictionary and the Traditional→Simplified table)",
                                           "process lifetime"),
    "layout.compose.rules_zh:_segmenter_identity": ("none (rjieba's files' sizes and times)", "process lifetime"),
    "layout.preflight.reader:_RECENT": ("the file's length, then its exact bytes", "cleared past 4 files"),
    "layout.compose.scripts:_opencc": ("OpenCC configuration name", "process lifetime (six at most)"),
    "layout.compose.scripts:_script_table": ("none (the script table in data/)", "process lifetime"),
    "layout.compose.scripts:_opencc_identity": ("none (OpenCC's files' sizes and times, the script table's)",
                                                "process lifetime"),
    "layout.issue.loader:_parser_identity": ("none (markdown-it's files' sizes and times, the loader's)",
                                             "process lifetime"),
    "layout.compose.scripts:_script_pattern": ("script", "process lifetime (two patterns)"),
    "layout.compose.scripts:_standard_set": ("script", "process lifetime (two sets)"),
    "layout.issue.editions:_EDITIONS_MADE": ("the issue object (held) and the edition's code", "cleared past 8"),
    "layout.compose.scripts:_standard_forms": ("none (the variant table in data/)", "process lifetime"),
    "layout.compose.scripts:_converted": ("text, its source's script, the edition's script and region",
                                          "least recently used past 65,536 texts"),
    "layout.compose.atoms:_RIDES": ("character", "process lifetime (one bool a character seen)"),
    "layout.app.previews:_THUMBNAILS": ("page PNG's path, size, time and inode, thumbnail width",
                                        "oldest dropped past 64 thumbnails"),
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
    """$LAYOUT_CACHE_DIR if set; else layout/ in the user's cache folder ($XDG_CACHE_HOME, an absolute
    path, or ~/.cache), as the XDG base-directory rules ask."""
    explicit = os.environ.get("LAYOUT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache") / "layout"


# Eviction, by size and by age. The budget: the folder is kept under LAYOUT_CACHE_MAX_MB (default 1024 MB,
# under 1 GiB), and an entry not used for LAYOUT_CACHE_MAX_DAYS (default 60) goes. The folder is looked
# at when a process first writes an entry and again after every CHECK_SHARE of the budget it has
# written since, so no run — a batch of the whole archive in one worker included — takes the folder
# past the budget by more than that share. A look costs a stat of each entry (a few ms for thousands).
CACHE_MAX_BYTES = int(os.environ.get("LAYOUT_CACHE_MAX_MB", "1024")) * 1_000_000
CACHE_MAX_AGE = float(os.environ.get("LAYOUT_CACHE_MAX_DAYS", "60")) * 86400
KEEP_SHARE = 0.75          # evicting by size brings the folder down to this share of CACHE_MAX_BYTES
CHECK_SHARE = 0.05         # written since the last look, as a share of the budget, before the next look
_EVICTION = {"checked": False, "written": 0}     # the process's own state, not a cache


def evict(limit: int | None = None, max_age: float | None = None, now: float | None = None) -> int:
    """Delete every entry unused for longer than ``max_age`` seconds (CACHE_MAX_AGE), then the least
    recently used until the cache holds under KEEP_SHARE of ``limit`` bytes (CACHE_MAX_BYTES); the number
    deleted. Any entry may go at any time: only the next run is slower."""
    import time

    limit = CACHE_MAX_BYTES if limit is None else limit
    max_age = CACHE_MAX_AGE if max_age is None else max_age
    oldest = (time.time() if now is None else now) - max_age
    entries = []
    for kind in DISK:
        try:
            with os.scandir(folder() / kind.folder) as found:
                for entry in found:
                    if entry.is_file(follow_symlinks=False):
                        st = entry.stat(follow_symlinks=False)
                        entries.append((st.st_mtime_ns, _on_disk(st), entry.path))
        except OSError:
            continue
    removed = 0
    total = 0
    kept = []
    for used, size, path in entries:
        if used / 1e9 < oldest:
            try:
                os.unlink(path)
                removed += 1
                continue
            except OSError:
                pass
        total += size
        kept.append((used, size, path))
    if total <= limit:
        return removed
    for _, size, path in sorted(kept):
        if total <= limit * KEEP_SHARE:
            break
        try:
            os.unlink(path)
            total -= size
            removed += 1
        except OSError:
            pass
    return removed


def _on_disk(st: os.stat_result) -> int:
    """The room an entry takes on the disk: whole blocks (4 KiB where most file systems keep a small
    file), which for the many small entries (a conversion, a story's blocks, a digest: tens of bytes)
    is many times their length; the budget is of the disk."""
    return max(st.st_size, getattr(st, "st_blocks", 0) * 512)


# The envelope of every entry: magic, envelope format, payload length in bytes, then the SHA-256 of
# the kind's folder, the entry's name and the payload (so an entry copied under another name is found
# too), then the payload.
ENVELOPE = struct.Struct(">4sHQ32s")
MAGIC = b"LYCE"
FORMAT = 1

_NOTES: list[str] = []   # damaged entries found since the command last asked (``notes``)


def _digest(kind: CacheKind, name: str, payload: bytes) -> bytes:
    h = hashlib.sha256(f"{kind.folder}/{name}".encode("utf-8", "surrogateescape") + b"\0")
    h.update(payload)
    return h.digest()


def _problem(kind: CacheKind, name: str, entry: bytes) -> str | None:
    """What is wrong with an entry as read, or None if its envelope holds."""
    if len(entry) < ENVELOPE.size:
        return f"{len(entry)} bytes, shorter than its header"
    magic, version, length, digest = ENVELOPE.unpack_from(entry)
    if magic != MAGIC:
        return "not a cache entry"
    if version != FORMAT:
        return f"envelope format {version}, not {FORMAT}"
    if length != len(entry) - ENVELOPE.size:
        return f"{len(entry) - ENVELOPE.size} bytes where it says {length}"
    if digest != _digest(kind, name, memoryview(entry)[ENVELOPE.size:]):
        return "its content does not match its digest"
    return None


def read(kind: CacheKind, name: str) -> bytes | None:
    """The payload of an entry, or None if there is none or it is damaged (then it is deleted, noted,
    and the caller computes it again)."""
    path = folder() / kind.folder / name
    try:
        with open(path, "rb") as f:
            identity = os.fstat(f.fileno())
            entry = f.read()
    except OSError:
        return None   # no entry (or an unreadable cache): only slower
    problem = _problem(kind, name, entry)
    if problem is None:
        try:
            os.utime(path)   # used now: the last to be evicted
        except OSError:
            pass
        return entry[ENVELOPE.size:]
    _drop(path, identity, f"{kind.folder}/{name}", problem)
    return None


def reject(kind: CacheKind, name: str, why: str) -> None:
    """An entry whose envelope held but whose payload its reader cannot decode: dropped like a damaged one."""
    path = folder() / kind.folder / name
    try:
        identity = os.stat(path)
    except OSError:
        return
    _drop(path, identity, f"{kind.folder}/{name}", why)


def _drop(path: Path, identity: os.stat_result, label: str, why: str) -> None:
    _NOTES.append(f"cache entry {label} was damaged ({why}) and is rebuilt")
    try:
        # Only the file that was read: another render may have put a good entry in its place since.
        now = os.stat(path)
        if (now.st_ino, now.st_dev) == (identity.st_ino, identity.st_dev):
            os.unlink(path)
    except OSError:
        pass   # gone already, or a read-only cache: the entry is checked (and refused) again next time


def notes() -> list[str]:
    """The damaged entries found since the last call, one line each, for the command to print."""
    found = _NOTES[:]
    del _NOTES[:len(found)]
    return found


def remembered_offsets(kind: CacheKind, text: str, identity, compute) -> frozenset[int]:
    """A set of offsets into ``text`` worked out by ``compute(text)``, kept on disk under the SHA-256 of
    ``identity()`` (what else the result depends on) and the text."""
    name = hashlib.sha256(f"{identity()}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()[:40]
    entry = read(kind, name)
    if entry is not None:
        try:
            offsets = [int(x) for x in entry.split()]
            if all(0 <= x <= len(text) for x in offsets):
                return frozenset(offsets)
        except ValueError:
            pass
        reject(kind, name, "not offsets into its text")
    found = compute(text)
    write(kind, name, " ".join(map(str, sorted(found))).encode("ascii"))
    return found


# A file changed less than this long before its digest is taken is not remembered: the kernel stamps
# times from a clock that moves every few milliseconds, so a file written again within the same tick
# could keep all its times (git's "racily clean" entries, handled the same way).
RACY_SECONDS = 2.0


def file_sha256(path: Path) -> bytes:
    """The SHA-256 of a file's whole content, read again only when the file is not the one it was taken
    of: kept under the file's path with its identity (device, inode, size, modification and change times
    in ns). Any write to a file gives it a new change time, which the kernel sets and no program can set
    back (``touch`` and ``os.utime`` set only the others), so a font rewritten in place with its old size
    and time is hashed again. Hashing the committed fonts (51 MB) costs 35 ms a process; this, 17 small
    reads."""
    with open(path, "rb") as f:
        st = os.fstat(f.fileno())
        identity = f"{st.st_dev} {st.st_ino} {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns}"
        name = hashlib.sha256(os.fsencode(os.path.abspath(path))).hexdigest()[:40]
        entry = read(FILE_DIGESTS, name)
        if entry is not None:
            fields = entry.split(b" ")
            try:
                if len(fields) != 6 or len(fields[5]) != 64:
                    raise ValueError
                held, digest = [int(x) for x in fields[:5]], bytes.fromhex(fields[5].decode("ascii"))
            except ValueError:
                reject(FILE_DIGESTS, name, "not a file's identity and digest")
            else:
                if " ".join(map(str, held)) == identity:
                    return digest
        found = hashlib.file_digest(f, "sha256").digest()
    if time.time() - max(st.st_mtime, st.st_ctime) > RACY_SECONDS:
        write(FILE_DIGESTS, name, f"{identity} {found.hex()}".encode())
    return found


def installed_identity(package: str, *files: Path) -> str:
    """What a result computed by an installed package depends on besides its input: the package's files
    (their sizes and times, found without importing it: a new version or a rebuilt dictionary changes
    them) and ``files`` of the engine's own (data tables, the code that reads them); and the Unicode
    version of this Python, which a package may read characters by (markdown-it tells punctuation by
    ``unicodedata``: ``**…**`` beside a symbol new in a later version is bold in one Python, not another)."""
    import importlib.util
    import unicodedata

    spec = importlib.util.find_spec(package)
    parts = [f"unicode {unicodedata.unidata_version}"]
    if spec is None:
        parts.append("missing")          # nothing installed: never the identity of an installed version
    elif not spec.submodule_search_locations and spec.origin and os.path.isfile(spec.origin):
        st = os.stat(spec.origin)        # a module of one file (or one extension): that file is all of it
        parts.append(f"{os.path.basename(spec.origin)}:{st.st_size}:{st.st_mtime_ns}")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        for top, dirs, names in os.walk(folder):
            dirs.sort()
            for name in sorted(names):
                if not name.endswith(".pyc"):
                    path = os.path.join(top, name)
                    st = os.stat(path)
                    parts.append(f"{os.path.relpath(path, folder)}:{st.st_size}:{st.st_mtime_ns}")
    for path in files:
        st = os.stat(path)
        parts.append(f"{path.name}:{st.st_size}:{st.st_mtime_ns}")
    return ";".join(parts)


def remembered_text(kind: CacheKind, text: str, identity, compute) -> str:
    """A text worked out by ``compute(text)``, kept on disk under the SHA-256 of ``identity()`` (what
    else the result depends on) and ``text``."""
    name = hashlib.sha256(f"{identity()}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()[:40]
    entry = read(kind, name)
    if entry is not None:
        try:
            return entry.decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            reject(kind, name, "not UTF-8 text")
    found = compute(text)
    write(kind, name, found.encode("utf-8", "surrogatepass"))
    return found


def write(kind: CacheKind, name: str, data: bytes) -> None:
    target = folder() / kind.folder / name
    if not _EVICTION["checked"] or _EVICTION["written"] > CACHE_MAX_BYTES * CHECK_SHARE:
        _EVICTION["checked"], _EVICTION["written"] = True, 0
        evict()
    _EVICTION["written"] += -(-(len(data) + ENVELOPE.size) // 4096) * 4096      # whole blocks, as evict counts
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
        with open(tmp, "wb") as f:
            f.write(ENVELOPE.pack(MAGIC, FORMAT, len(data), _digest(kind, name, data)))
            f.write(data)
        os.replace(tmp, target)
    except OSError:
        pass  # no cache where the disk will not have one: only slower
