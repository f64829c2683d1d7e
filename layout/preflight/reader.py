"""The engine's own PDF reader: what preflight needs of a file the engine wrote, without pikepdf.

The render preflights every file before it is put in place; importing pikepdf (a C++ library) for
that cost a fresh process more than the check itself. This reader knows the PDF the engine writes —
PDF 1.3, a classic cross-reference table, objects parsed from the bytes, streams Flate-compressed or
JPEG — and hands preflight objects that behave as pikepdf's do for the calls the rules make (names
as ``/Name`` strings, dictionaries by key and attribute, arrays, streams with ``read_bytes``, content
streams as instructions).

It answers only where it is sure. Anything else — a cross-reference stream or object streams, an
encrypted or damaged file, a filter it does not decode, an inline image, a page that inherits its
resources — makes it *decline* (``Declined`` at open, or ``ReadFile.declined`` set during a check),
and the caller checks the file with pikepdf instead: the verdict never depends on which reader read
it (tests/test_preflight_reader.py compares both on every file the sample issues make).
"""

from __future__ import annotations

import re
import zlib


class PdfError(Exception):
    """The file (or a stream in it) cannot be read."""


class Declined(PdfError):
    """Not a file this reader is sure to read as pikepdf would: read it with pikepdf."""


class PdfName(str):
    """A PDF name, kept as pikepdf gives it: with its slash (``/DeviceCMYK``)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"PdfName({str.__repr__(self)})"


class PdfString:
    """A PDF string: its bytes; ``str()`` decodes a text string (UTF-16BE with its mark, else
    PDFDocEncoding, read as Latin-1 — the engine writes ASCII or UTF-16)."""

    __slots__ = ("data",)

    def __init__(self, data: bytes):
        self.data = data

    def __str__(self) -> str:
        if self.data.startswith(b"\xfe\xff"):
            return self.data[2:].decode("utf-16-be", "replace")
        return self.data.decode("latin-1")

    def __bytes__(self) -> bytes:
        return self.data

    def __eq__(self, other) -> bool:
        return isinstance(other, PdfString) and other.data == self.data or isinstance(other, str) and str(self) == other

    def __hash__(self) -> int:
        return hash(self.data)

    def __repr__(self) -> str:
        return f"PdfString({self.data!r})"


class PdfDict(dict):
    """A PDF dictionary: keys are names with their slash; a key may be read as an attribute (``gs.OP``)."""

    objgen = (0, 0)
    is_indirect = False

    def __getattr__(self, key: str):
        try:
            return self["/" + key]
        except KeyError:
            raise AttributeError(key) from None


class PdfArray(list):
    objgen = (0, 0)
    is_indirect = False


class PdfStream:
    """A stream object: its dictionary (``stream_dict``, also read through the stream) and its data."""

    __slots__ = ("stream_dict", "raw", "doc", "objgen", "_decoded")
    is_indirect = True

    def __init__(self, stream_dict: PdfDict, raw: bytes, doc: "ReadFile", objgen: tuple[int, int]):
        self.stream_dict, self.raw, self.doc, self.objgen, self._decoded = stream_dict, raw, doc, objgen, None

    def get(self, key, default=None):
        return self.stream_dict.get(key, default)

    def __getitem__(self, key):
        return self.stream_dict[key]

    def __contains__(self, key) -> bool:
        return key in self.stream_dict

    def keys(self):
        return self.stream_dict.keys()

    def items(self):
        return self.stream_dict.items()

    def values(self):
        return self.stream_dict.values()

    def __getattr__(self, key: str):
        try:
            return self.stream_dict["/" + key]
        except KeyError:
            raise AttributeError(key) from None

    def read_raw_bytes(self) -> bytes:
        return self.raw

    def filters(self) -> list[str]:
        value = self.stream_dict.get("/Filter")
        return [value] if isinstance(value, PdfName) else [str(v) for v in value] if isinstance(value, PdfArray) else []

    def read_bytes(self) -> bytes:
        """The data decoded: Flate (without a predictor) or none; anything else declines."""
        if self._decoded is None:
            filters = self.filters()
            if filters == ["/FlateDecode"] and "/DecodeParms" not in self.stream_dict:
                try:
                    self._decoded = zlib.decompress(self.raw)
                except zlib.error as exc:
                    raise self.doc.decline(f"object {self.objgen[0]}: {exc}") from None
            elif not filters:
                self._decoded = self.raw
            else:
                raise self.doc.decline(f"object {self.objgen[0]}: filter {filters}")
        return self._decoded


class Instruction:
    """One operator of a content stream and its operands (pikepdf's ContentStreamInstruction)."""

    __slots__ = ("operands", "operator")

    def __init__(self, operands: list, operator: str):
        self.operands, self.operator = operands, operator


class ReadPage:
    __slots__ = ("obj", "doc")

    def __init__(self, obj: PdfDict, doc: "ReadFile"):
        self.obj, self.doc = obj, doc


# --- tokens ---------------------------------------------------------------------------------------

_DELIMITERS = rb"()<>\[\]{}/%"
_TOKEN = re.compile(rb"""
    (?:[\x00\t\n\x0c\r ]+|%[^\r\n]*)                    # whitespace, comments
  | (?P<num>[+-]?(?:\d+\.?\d*|\.\d+))(?![^\x00\t\n\x0c\r ()<>\[\]{}/%])
  | (?P<name>/[^\x00\t\n\x0c\r ()<>\[\]{}/%]*)
  | (?P<open><<|\[)
  | (?P<close>>>|\])
  | (?P<hex><[0-9A-Fa-f\x00\t\n\x0c\r ]*>)
  | (?P<lit>\()
  | (?P<word>[^\x00\t\n\x0c\r ()<>\[\]{}/%]+)
""", re.VERBOSE)
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_LIT_ESCAPES = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f",
                ord("("): b"(", ord(")"): b")", ord("\\"): b"\\"}
_KEYWORDS = {b"true": True, b"false": False, b"null": None}


class _Ref:
    __slots__ = ("num", "gen")

    def __init__(self, num: int, gen: int):
        self.num, self.gen = num, gen


def _name(raw: bytes) -> PdfName:
    if b"#" in raw:
        raw = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
    return PdfName(raw.decode("latin-1"))


def _literal(data: bytes, at: int) -> tuple[bytes, int]:
    """A literal string starting after its ``(``: its bytes and the offset after its ``)``."""
    out, depth, i, n = bytearray(), 1, at, len(data)
    while i < n:
        c = data[i]
        if c == 0x5C:                     # backslash
            i += 1
            if i >= n:
                break
            c = data[i]
            if c in _LIT_ESCAPES:
                out += _LIT_ESCAPES[c]
            elif 0x30 <= c <= 0x37:
                j = i
                while j < min(i + 3, n) and 0x30 <= data[j] <= 0x37:
                    j += 1
                out.append(int(data[i:j], 8) & 0xFF)
                i = j - 1
            elif c == 0x0D:
                if i + 1 < n and data[i + 1] == 0x0A:
                    i += 1
            elif c != 0x0A:
                out.append(c)
        elif c == 0x28:
            depth += 1
            out.append(c)
        elif c == 0x29:
            depth -= 1
            if depth == 0:
                return bytes(out), i + 1
            out.append(c)
        else:
            out.append(c)
        i += 1
    raise PdfError("unterminated string")


def _objects(data: bytes, at: int, end: int):
    """Objects parsed from data[at:end] as (value, offset after it); a bare word (an operator, a
    keyword such as ``obj`` or ``R``) comes as bytes."""
    stack: list[list] = []
    match = _TOKEN.match
    while at < end:
        m = match(data, at)
        if m is None:
            raise PdfError(f"unreadable byte at offset {at}")
        at = m.end()
        kind = m.lastgroup
        if kind is None:
            continue
        text = m.group(kind)
        if kind == "num":
            value = float(text) if b"." in text else int(text)
        elif kind == "name":
            value = _name(text)
        elif kind == "word":
            if text in _KEYWORDS:
                value = _KEYWORDS[text]
            elif text == b"R" and stack and len(stack[-1]) >= 2 and type(stack[-1][-1]) is int \
                    and type(stack[-1][-2]) is int:
                gen = stack[-1].pop()
                value = _Ref(stack[-1].pop(), gen)
            else:
                value = text
        elif kind == "open":
            stack.append([text])
            continue
        elif kind == "close":
            if not stack:
                raise PdfError(f"unbalanced {text.decode()} at offset {at}")
            items = stack.pop()
            opener = items[0]
            if (opener == b"[") != (text == b"]"):
                raise PdfError(f"mismatched {text.decode()} at offset {at}")
            if opener == b"[":
                value = PdfArray(items[1:])
            else:
                if len(items) % 2 == 0:
                    raise PdfError(f"a dictionary with a key and no value at offset {at}")
                value = PdfDict()
                for k in range(1, len(items), 2):
                    key = items[k]
                    if not isinstance(key, PdfName):
                        raise PdfError(f"a dictionary key that is no name at offset {at}")
                    if items[k + 1] is not None:        # null means absent (PDF 1.3 §3.2.8)
                        value[key] = items[k + 1]
        elif kind == "hex":
            value = PdfString(_hex(text))
        else:                                            # literal string
            raw, at = _literal(data, at)
            value = PdfString(raw)
        if stack:
            stack[-1].append(value)
        else:
            yield value, at
    if stack:
        raise PdfError("unterminated array or dictionary")


# --- content streams --------------------------------------------------------------------------------

_CONTENT_TOKEN = re.compile(
    rb"/[^\x00\t\n\x0c\r ()<>\[\]{}/%]*"                     # a name
    rb"|<<|>>|\[|\]"
    rb"|<[0-9A-Fa-f\x00\t\n\x0c\r ]*>"                       # a hex string
    rb"|\((?:[^()\\]|\\.|\((?:[^()\\]|\\.)*\))*\)"            # a literal string, nested once at most
    rb"|[^\x00\t\n\x0c\r ()<>\[\]{}/%]+"                      # a number or an operator
    rb"|%[^\r\n]*"                                          # a comment
    rb"|[()<>{}]", re.DOTALL)                                # anything else: declined below
_NUMBER_START = frozenset(b"0123456789+-.")


def parse_content(data: bytes, doc: "ReadFile") -> list[Instruction]:
    """A content stream's instructions. Tokens are cut by one regular expression and read by their
    first byte (this is preflight's hottest loop); an inline image, a string nested deeper than the
    engine writes or a stray delimiter declines (the engine never writes them)."""
    out, operands, stack = [], [], []
    put = operands.append
    for tok in _CONTENT_TOKEN.findall(data):
        c = tok[0]
        if c == 0x2F:                                   # /
            value = _name(tok)
        elif c in _NUMBER_START:
            try:
                value = float(tok) if b"." in tok else int(tok)
            except ValueError:
                raise doc.decline(f"content: {tok[:20]!r}") from None
        elif c == 0x3C:                                 # <
            if tok == b"<<":
                stack.append((operands, b"<<"))
                operands = []
                put = operands.append
                continue
            value = PdfString(_hex(tok))
        elif c == 0x28:                                 # (
            if len(tok) == 1:
                raise doc.decline("content: a string nested deeper than the engine writes")
            value = PdfString(_literal(tok, 1)[0])
        elif c == 0x5B:                                 # [
            stack.append((operands, b"["))
            operands = []
            put = operands.append
            continue
        elif c == 0x5D or c == 0x3E and tok == b">>":   # ] or >>
            if not stack or (stack[-1][1] == b"[") != (c == 0x5D):
                raise doc.decline("content: unbalanced brackets")
            inner = operands
            operands, _ = stack.pop()
            put = operands.append
            if c == 0x5D:
                value = PdfArray(inner)
            else:
                if len(inner) % 2:
                    raise doc.decline("content: a dictionary with a key and no value")
                value = PdfDict(zip(inner[::2], inner[1::2]))
        elif c == 0x25:                                 # a comment
            continue
        elif tok in _KEYWORDS:
            value = _KEYWORDS[tok]
        elif c in b")>{}":
            raise doc.decline(f"content: a stray {tok!r}")
        else:
            if stack:
                raise doc.decline("content: an operator inside an array")
            if tok == b"BI":
                raise doc.decline("an inline image")
            out.append(Instruction(operands, tok.decode("latin-1")))
            operands = []
            put = operands.append
            continue
        put(value)
    if stack:
        raise doc.decline("content: an unclosed array or dictionary")
    return out


def _hex(tok: bytes) -> bytes:
    digits = tok[1:-1]
    if not digits.isalnum():
        digits = re.sub(rb"[^0-9A-Fa-f]", b"", digits)
    return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode())


# --- the file -----------------------------------------------------------------------------------------

_XREF_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])")


class ReadFile:
    """One PDF as the engine writes it, parsed whole (objects and their references resolved)."""

    def __init__(self, data: bytes):
        self.data = data
        self.declined: str | None = None
        if not data.startswith(b"%PDF-"):
            raise Declined("no %PDF header")
        # The engine ends its header line with LF; any other header is for pikepdf to read.
        header = re.match(rb"%PDF-(\d\.\d)\n", data[:16])
        if header is None:
            raise Declined("a header line not as the engine writes it")
        self.pdf_version = header.group(1).decode("latin-1")
        offsets, self.trailer = self._xref()
        self.objects: dict[tuple[int, int], object] = {}
        for key, offset in offsets.items():
            self.objects[key] = self._object(key, offset)
        for value in list(self.objects.values()):
            self._resolve(value.stream_dict if isinstance(value, PdfStream) else value)
        self._resolve(self.trailer)
        if "/Encrypt" in self.trailer:
            raise Declined("encrypted")
        self.is_encrypted = False
        self.Root = self.trailer.get("/Root")
        if not isinstance(self.Root, PdfDict):
            raise Declined("no catalog")
        self.pages = self._pages()

    def decline(self, why: str) -> Declined:
        """Remember that this file must be read by pikepdf; the exception to raise where it was found."""
        self.declined = self.declined or why
        return Declined(why)

    def __enter__(self) -> "ReadFile":
        return self

    def __exit__(self, *exc) -> None:
        pass          # kept whole: open_pdf may hand it out again for the same bytes

    def get_xref_table(self) -> dict:
        return {}     # a classic table only (a stream declines): no object-stream entries

    def _xref(self) -> tuple[dict, PdfDict]:
        data = self.data
        at = data.rfind(b"startxref", max(0, len(data) - 1024))
        if at < 0:
            raise Declined("no startxref")
        try:
            start = int(data[at + 9:].split()[0])
        except (ValueError, IndexError):
            raise Declined("a damaged startxref") from None
        if data[start:start + 4] != b"xref":
            raise Declined("a cross-reference stream or a damaged offset")
        at = start + 4
        offsets: dict[tuple[int, int], int] = {}
        while True:
            header = re.compile(rb"\s*(\d+)\s+(\d+)[ \t]*\r?\n?").match(data, at)
            if header is None:
                break
            first, count = int(header.group(1)), int(header.group(2))
            at = header.end()
            for k in range(count):
                entry = _XREF_ENTRY.match(data, at)
                if entry is None:
                    raise Declined("a damaged cross-reference table")
                if entry.group(3) == b"n":
                    offsets[(first + k, int(entry.group(2)))] = int(entry.group(1))
                at = entry.end()
                while at < len(data) and data[at] in b" \r\n":
                    at += 1
        trailer_at = data.find(b"trailer", at, at + 64)
        if trailer_at < 0:
            raise Declined("no trailer after the table")
        trailer = next(_objects(data, trailer_at + 7, len(data)))[0]
        if not isinstance(trailer, PdfDict) or "/Prev" in trailer or "/XRefStm" in trailer:
            raise Declined("an updated or hybrid file")
        return offsets, trailer

    def _object(self, key: tuple[int, int], offset: int):
        data = self.data
        head = re.compile(rb"\s*(\d+)\s+(\d+)\s+obj").match(data, offset)
        if head is None or (int(head.group(1)), int(head.group(2))) != key:
            raise Declined(f"object {key[0]} is not where the table says")
        parsed = _objects(data, head.end(), len(data))
        value, at = next(parsed)
        word, after = next(parsed)
        if word == b"stream" and isinstance(value, PdfDict):
            length = value.get("/Length")
            if type(length) is not int:
                raise Declined(f"object {key[0]}: a stream whose length is not given directly")
            if data[after:after + 2] == b"\r\n":
                after += 2
            elif data[after:after + 1] == b"\n":
                after += 1
            else:
                raise Declined(f"object {key[0]}: no end of line after 'stream'")
            raw = data[after:after + length]
            if not re.compile(rb"\s*endstream").match(data, after + length):
                raise Declined(f"object {key[0]}: the stream's length is wrong")
            stream = PdfStream(value, raw, self, key)
            return stream
        if word != b"endobj":
            raise Declined(f"object {key[0]}: no endobj")
        if isinstance(value, (PdfDict, PdfArray)):
            value.objgen, value.is_indirect = key, True
        return value

    def _resolve(self, container) -> None:
        """References replaced by the objects they name, in every container reached (a missing object is
        null, as PDF says)."""
        todo = [container]
        seen = set()
        while todo:
            item = todo.pop()
            if id(item) in seen:
                continue
            seen.add(id(item))
            if isinstance(item, PdfDict):
                for k, v in item.items():
                    if isinstance(v, _Ref):
                        item[k] = v = self.objects.get((v.num, v.gen))
                    if isinstance(v, (PdfDict, PdfArray)) and not v.is_indirect:
                        todo.append(v)
                for k in [k for k, v in item.items() if v is None]:
                    del item[k]
            elif isinstance(item, PdfArray):
                for i, v in enumerate(item):
                    if isinstance(v, _Ref):
                        item[i] = v = self.objects.get((v.num, v.gen))
                    if isinstance(v, (PdfDict, PdfArray)) and not v.is_indirect:
                        todo.append(v)

    def _pages(self) -> list[ReadPage]:
        out, todo, seen = [], [self.Root.get("/Pages")], set()
        while todo:
            node = todo.pop()
            if not isinstance(node, PdfDict) or id(node) in seen:
                raise Declined("a damaged page tree")
            seen.add(id(node))
            if node.get("/Type") == "/Page":
                if "/Resources" not in node or "/MediaBox" not in node:
                    raise Declined("a page that inherits its resources or media box")
                out.append(ReadPage(node, self))
            elif node.get("/Type") == "/Pages" and isinstance(node.get("/Kids"), PdfArray):
                todo += reversed(node["/Kids"])
            else:          # neither a page nor a node of pages: pikepdf decides what it is
                raise Declined("a page tree node that is neither /Page nor /Pages with /Kids")
        return out


_RECENT: dict[int, ReadFile] = {}    # the files last read, by length: a render checks each file again for the report


def open_pdf(path) -> ReadFile:
    """The file read whole; ``Declined`` if it is not one this reader reads as pikepdf would. The same
    bytes read again (the report's pass over a file just checked, under its final name) are not
    parsed again: compared, not hashed, as different lengths compare at once."""
    with open(path, "rb") as f:
        data = f.read()
    known = _RECENT.get(len(data))
    if known is not None and known.data == data and known.declined is None:
        return known
    try:
        doc = ReadFile(data)
        if len(_RECENT) >= 4:
            _RECENT.clear()
        _RECENT[len(data)] = doc
        return doc
    except Declined:
        raise
    except (PdfError, ValueError, IndexError, StopIteration, KeyError) as exc:
        raise Declined(f"{exc.__class__.__name__}: {exc}") from None


def content_of(obj, doc: ReadFile) -> bytes:
    """A page's content (its streams joined by a space, as a RIP reads them), or a form's."""
    if isinstance(obj, ReadPage):
        contents = obj.obj.get("/Contents")
        streams = contents if isinstance(contents, PdfArray) else [contents] if contents is not None else []
        parts = []
        for s in streams:
            if not isinstance(s, PdfStream):
                raise doc.decline("page content that is no stream")
            parts.append(s.read_bytes())
        return b"\n".join(parts)
    return obj.read_bytes()


def decoded_image(image: PdfStream):
    """A CMYK, grey or RGB image at 8 bits as a Pillow image, as pikepdf gives it: a JPEG as stored
    (its /Decode is carried by the JPEG itself, an Adobe CMYK one inverted), Flate or raw samples
    without a /Decode; anything else declined."""
    doc = image.doc
    space = image.get("/ColorSpace")
    mode = {"/DeviceCMYK": "CMYK", "/DeviceGray": "L", "/DeviceRGB": "RGB"}.get(space if isinstance(space, PdfName)
                                                                                else "")
    filters = image.filters()
    if mode is None or image.get("/BitsPerComponent", 8) != 8 or "/DecodeParms" in image.stream_dict:
        raise doc.decline(f"image object {image.objgen[0]}: colour space {space}, parameters or not 8-bit")
    import io

    from PIL import Image

    if filters == ["/DCTDecode"]:
        return Image.open(io.BytesIO(image.raw))
    if "/Decode" in image.stream_dict:
        raise doc.decline(f"image object {image.objgen[0]}: a decode array")
    return Image.frombytes(mode, (int(image.get("/Width", 0)), int(image.get("/Height", 0))), image.read_bytes())
