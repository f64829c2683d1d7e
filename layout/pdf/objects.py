"""The PDF file format at its smallest: objects serialised as they are added, a cross-reference
table and a trailer. Only what the engine's pages need: numbers, names, strings, arrays,
dictionaries, references and streams. Serialisation is deterministic (dictionary keys keep the
order they were given in; numbers have a fixed precision; the file ID is a digest of the body), so
the same pages give byte-identical files.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from typing import BinaryIO

from ..base.compiled import mypyc_attr

COMPRESSION = 6        # zlib level: level 9 makes files 1 % smaller and takes three times as long
FAST_COMPRESSION = 1   # for font programs: half the time of level 6, files 3 % larger


@mypyc_attr(native_class=False)      # a str subclass: a Python class in the compiled build too
class Name(str):
    """A PDF name, written /like-this."""


class Ref:
    __slots__ = ("number",)

    def __init__(self, number: int):
        self.number = number


class Stream:
    """A stream object: its dictionary entries and its (already encoded) data."""

    __slots__ = ("entries", "data", "_digest")

    def __init__(self, data: bytes, entries: dict | None = None):
        self.entries = entries or {}
        self.data = data
        self._digest: bytes | None = None

    def digest(self) -> bytes:
        """Of the data, once: a stream shared by many files (a font, a photo, the ICC profile) is hashed once."""
        if self._digest is None:
            self._digest = hashlib.md5(self.data, usedforsecurity=False).digest()
        return self._digest


def deflated(data: bytes | bytearray, entries: dict | None = None, level: int = COMPRESSION) -> Stream:
    return Stream(zlib.compress(data, level), {**(entries or {}), "Filter": Name("FlateDecode")})


def number(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


_LITERAL_ESCAPES = str.maketrans({"\\": "\\\\", "(": "\\(", ")": "\\)", "\r": "\\r", "\n": "\\n"})


def text_string(text: str) -> bytes:
    """A PDF text string: printable ASCII as a literal, anything else as UTF-16BE with a byte-order mark."""
    if text.isascii() and text.isprintable():
        return b"(" + text.translate(_LITERAL_ESCAPES).encode("ascii") + b")"
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def serialise(obj) -> bytes:
    if isinstance(obj, Name):
        return b"/" + obj.encode("ascii")
    if isinstance(obj, bool):
        return b"true" if obj else b"false"
    if isinstance(obj, (int, float)):
        return number(obj).encode("ascii")
    if isinstance(obj, str):
        return text_string(obj)
    if isinstance(obj, Ref):
        return b"%d 0 R" % obj.number
    if isinstance(obj, (list, tuple)):
        return b"[" + b" ".join(serialise(x) for x in obj) + b"]"
    if isinstance(obj, dict):
        return b"<<" + b"".join(b"/" + k.encode("ascii") + b" " + serialise(v) + b"\n" for k, v in obj.items()) + b">>"
    if isinstance(obj, bytes):   # already serialised (a hex string, an operator-free token)
        return obj
    if obj is None:
        return b"null"
    raise TypeError(f"cannot write {type(obj).__name__} into a PDF")


class Document:
    """Objects numbered in the order they are reserved, kept as the pieces they are written from:
    a stream's data (a photo, a font, the output profile) is never copied, however many documents
    carry it."""

    def __init__(self):
        self._objects: list[tuple[bytes, ...] | None] = []
        self._identity = hashlib.md5(usedforsecurity=False)   # of every object: the file ID

    def reserve(self) -> Ref:
        self._objects.append(None)
        return Ref(len(self._objects))

    def add(self, obj, ref: Ref | None = None) -> Ref:
        ref = ref or self.reserve()
        start = b"%d 0 obj\n" % ref.number
        if isinstance(obj, Stream):
            head = serialise({**obj.entries, "Length": len(obj.data)})
            self._objects[ref.number - 1] = (start, head, b"\nstream\n", obj.data, b"\nendstream\nendobj\n")
            self._identity.update(head + obj.digest())
        else:
            body = serialise(obj)
            self._objects[ref.number - 1] = (start, body, b"\nendobj\n")
            self._identity.update(body)
        return ref

    def tobytes(self, version: str, root: Ref, info: Ref) -> bytes:
        out = io.BytesIO()
        self.write(out, version, root, info)
        return out.getvalue()

    def write(self, out: BinaryIO, version: str, root: Ref, info: Ref) -> None:
        """The file, piece by piece: never the whole of it in memory at once."""
        missing = [i + 1 for i, o in enumerate(self._objects) if o is None]
        if missing:
            raise ValueError(f"PDF objects reserved but never written: {missing}")
        header = b"%PDF-" + version.encode("ascii") + b"\n%\xe2\xe3\xcf\xd3\n"
        out.write(header)
        position = len(header)
        offsets = []
        for parts in self._objects:
            offsets.append(position)
            for part in parts:
                out.write(part)
                position += len(part)
        digest = self._identity.hexdigest().upper().encode("ascii")
        tail = bytearray(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
        tail += b"".join(b"%010d 00000 n \n" % o for o in offsets)
        tail += b"trailer\n" + serialise({"Size": len(offsets) + 1, "Root": root, "Info": info,
                                          "ID": [b"<" + digest + b">", b"<" + digest + b">"]})
        tail += b"\nstartxref\n%d\n%%%%EOF\n" % position
        out.write(tail)
