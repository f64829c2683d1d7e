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

Objects and content streams are read two ways. The quick path takes only what the engine writes and
reads it with a few regular expressions (an object's tokens in one call, a page's instructions in
one, their operands parsed only when a rule asks for them); the moment anything is not as the engine
writes it, the object or stream is read token by token instead, which is what declines. Both give
the same values wherever the quick path answers (tests/test_preflight_reader.py compares them).
"""

from __future__ import annotations

import hashlib
import re
import zlib
from operator import itemgetter

from ..base.compiled import mypyc_attr


class PdfError(Exception):
    """The file (or a stream in it) cannot be read."""


class Declined(PdfError):
    """Not a file this reader is sure to read as pikepdf would: read it with pikepdf."""


@mypyc_attr(native_class=False)      # subclasses of str, dict, list: Python classes in the compiled build too
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


@mypyc_attr(native_class=False)
class PdfDict(dict):
    """A PDF dictionary: keys are names with their slash; a key may be read as an attribute (``gs.OP``)."""

    objgen = (0, 0)
    is_indirect = False

    def __getattr__(self, key: str):
        try:
            return self["/" + key]
        except KeyError:
            raise AttributeError(key) from None


@mypyc_attr(native_class=False)
class PdfArray(list):
    objgen = (0, 0)
    is_indirect = False


class PdfStream:
    """A stream object: its dictionary (``stream_dict``, also read through the stream) and its data."""

    __slots__ = ("stream_dict", "_raw", "_at", "_end", "doc", "objgen", "_decoded", "_sha256")
    is_indirect = True
    _decoded: bytes | None
    _raw: bytes | None
    _sha256: hashlib._Hash | None

    def __init__(self, stream_dict: PdfDict, raw: bytes | None, doc: "ReadFile", objgen: tuple[int, int],
                 at: int = 0, end: int = 0):
        """``raw`` the data, or None: then it is the file's bytes ``at:end``, cut out when first asked
        for (most of a file is font programs, which no rule reads)."""
        self.stream_dict, self._raw, self._at, self._end, self.doc, self.objgen, self._decoded = \
            stream_dict, raw, at, end, doc, objgen, None
        self._sha256 = None

    @property
    def raw(self) -> bytes:
        if self._raw is None:
            self._raw = self.doc.data[self._at:self._end]
        return self._raw

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

    def raw_sha256(self):
        """A sha256 of the data, made once (a page's signature and its photo's ink both need it): copy
        it before updating it. Hashed where it lies in the file, not cut out of it first."""
        if self._sha256 is None:
            self._sha256 = hashlib.sha256(self._raw if self._raw is not None
                                          else memoryview(self.doc.data)[self._at:self._end])
        return self._sha256

    def raw_is(self, data: bytes) -> bool:
        """Is the stream's data these bytes? Compared where it lies in the file (the output profile, in
        every file, is compared with the last file's)."""
        if self._raw is not None:
            return self._raw == data
        return len(data) == self._end - self._at and self.doc.data.startswith(data, self._at)

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


@mypyc_attr(native_class=False)      # a subclass of tuple
class QuickInstruction(tuple):
    """An instruction as the quick path cuts it: (its operands' text, its operator). The operands are
    parsed when asked for (each time: a rule asks once or twice): a page shows thousands of text runs
    whose operands no rule looks at, and a tuple is made without running Python code."""

    __slots__ = ()
    operator = property(itemgetter(1))

    @property
    def operands(self) -> list:
        return _operand_values(self[0])


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
    value: object
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
            elif stack:
                # Inside an array or dictionary a word is no value (1e2, a stray R): pikepdf reads it
                # as a string, with a warning; for it to decide.
                raise PdfError(f"a bare word {text[:20]!r} in an array or dictionary at offset {at}")
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


# The quick path for an object: its text between ``obj`` and ``stream`` or ``endobj`` cut by one
# regular expression into tokens (whitespace before each skipped; a reference one token), read by their
# first byte. It takes what the engine writes — numbers, names without # escapes, hex strings, literal
# strings nested once at most, arrays, dictionaries, references, true, false, null; any other byte
# comes as an empty token (outside the group), which makes it give up (``_NOT_QUICK``), and the object
# is read by ``_objects``. (A byte of it that could start a number must not read as one: ``1+2`` is one
# word to ``_objects``, not 1 and +2.)
_QUICK_TOKEN = re.compile(
    rb"[\x00\t\n\x0c\r ]*+(?:("
    rb"[0-9]+[\t\n\x0c\r ]++[0-9]+[\t\n\x0c\r ]++R(?![^\x00\t\n\x0c\r ()<>\[\]{}/%])"      # a reference
    rb"|[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?![^\x00\t\n\x0c\r ()<>\[\]{}/%])"               # a number
    rb"|/[^\x00\t\n\x0c\r ()<>\[\]{}/%#]*"                                                  # a name
    rb"|<<|>>|\[|\]"
    rb"|<[0-9A-Fa-f]*>"                                                                      # a hex string
    rb"|\((?:[^()\\]|\\.|\((?:[^()\\]|\\.)*\))*\)"                                          # a literal string
    rb"|(?:true|false|null)(?![^\x00\t\n\x0c\r ()<>\[\]{}/%])"
    rb")|.)", re.DOTALL)                                                                    # anything else
_NOT_QUICK = object()
_NUMBER_OR_REFERENCE = frozenset(b"0123456789+-.")
_NOT_REGULAR = b"\x00\t\n\x0c\r ()<>[]{}/%"          # whitespace and delimiters
_REGULAR_BYTES = frozenset(range(256)) - frozenset(_NOT_REGULAR)


def _quick_value(data: bytes, at: int, end: int, names: dict[bytes, PdfName], linked: list) -> object:
    """The one object written in data[at:end] (whitespace around it), by the quick path; ``_NOT_QUICK``
    where the text holds anything else or not exactly one whole object. ``names``: the names read
    so far in the file (most are the same few: /Type, /Length …), made once. ``linked``: where the
    dictionaries and arrays that hold references are put (only they need resolving)."""
    stack: list[list] = []
    found: object = _NOT_QUICK
    value: object
    for tok in _QUICK_TOKEN.findall(data, at, end):
        if not tok:
            return _NOT_QUICK                           # a byte the quick path does not take
        c = tok[0]
        if c == 0x2F:                                   # /
            value = names.get(tok)
            if value is None:
                value = names[tok] = PdfName(tok.decode("latin-1"))
        elif c in _NUMBER_OR_REFERENCE:
            if tok[-1] == 0x52:                         # R: a reference
                if not stack:
                    return _NOT_QUICK                   # an object that is a reference: _objects decides
                num, gen, _ = tok.split()
                value = _Ref(int(num), int(gen))
                if stack[-1][0][-1] != 0x52:
                    stack[-1][0] += b"R"                # this container holds a reference
            else:
                value = float(tok) if b"." in tok else int(tok)
        elif tok == b"<<" or tok == b"[":
            stack.append([tok])
            continue
        elif tok == b">>" or tok == b"]":
            if not stack:
                return _NOT_QUICK
            items = stack.pop()
            opener = items[0]
            if (opener[0] == 0x5B) != (tok == b"]"):   # [
                return _NOT_QUICK
            if tok == b"]":
                value = PdfArray(items[1:])
            else:
                if len(items) % 2 == 0:
                    return _NOT_QUICK
                value = PdfDict()
                for k in range(1, len(items), 2):
                    key = items[k]
                    if type(key) is not PdfName:
                        return _NOT_QUICK
                    if items[k + 1] is not None:        # null means absent (PDF 1.3 §3.2.8)
                        value[key] = items[k + 1]
            if opener[-1] == 0x52:                      # R: it holds a reference
                linked.append(value)
        elif c == 0x3C:                                 # < a hex string (<< is above)
            value = PdfString(_hex(tok))
        elif c == 0x28 and len(tok) > 1:                # ( a literal string
            value = PdfString(_literal(tok, 1)[0])
        elif tok in _KEYWORDS:
            value = _KEYWORDS[tok]
        else:
            return _NOT_QUICK
        if stack:
            stack[-1].append(value)
        elif found is _NOT_QUICK:
            found = value
        else:
            return _NOT_QUICK                           # a second object
    return _NOT_QUICK if stack else found


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
_CONTENT_NUMBER = re.compile(rb"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")


# The quick path: a stream made only of what the engine writes in its pages' content — numbers, names
# without # escapes, hex strings, flat arrays of those, operators, whitespace — is checked whole by one
# regular expression and cut into instructions by another; anything else (a literal string, a
# dictionary, a comment, an inline image, a NUL, trailing operands …) is read token by token below.
# Both give the same instructions for a stream the quick path takes (tests/test_preflight_reader.py).
_WS = r"[\t\n\x0c\r ]"
_REGULAR = r"[^\x00\t\n\x0c\r ()<>\[\]{}/%]"
_QUICK_SIMPLE = (r"(?:[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?!" + _REGULAR + r")"      # a number
           r"|/[^\x00\t\n\x0c\r ()<>\[\]{}/%#]*"                          # a name, no escapes
           r"|<[0-9A-Fa-f]*>)")                                              # a hex string
_OPERAND = f"(?:{_QUICK_SIMPLE}|\\[{_WS}*+(?:{_QUICK_SIMPLE}{_WS}*+)*+\\])"
_OPERATOR = f"(?!(?:true|false|null|BI|ID)(?!{_REGULAR}))[A-Za-z'\"]{_REGULAR}*+"
_QUICK_INSTRUCTION = re.compile(f"((?:{_WS}*+{_OPERAND})*+{_WS}*+)({_OPERATOR})")
_QUICK_NUMBER = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)"
_UPRIGHT_TM = re.compile(f"{_WS}0{_WS}++1{_WS}++{_QUICK_NUMBER}{_WS}++{_QUICK_NUMBER}{_WS}++Tm(?!{_REGULAR})")
_OPERAND_TOKEN = re.compile(r"[^\t\n\x0c\r \[\]/<]+|/[^\t\n\x0c\r \[\]/<]*|<[0-9A-Fa-f]*>|\[|\]")


def _operand_values(text: str) -> list:
    """The operands of an instruction the quick path cut, from their text (checked by it already)."""
    if "/" not in text and "<" not in text and "[" not in text:
        return [float(t) if "." in t else int(t) for t in text.split()]
    out: list = []
    inner: list | None = None
    for tok in _OPERAND_TOKEN.findall(text):
        c = tok[0]
        if c == "/":
            value: object = PdfName(tok)
        elif c == "<":
            digits = tok[1:-1]
            value = PdfString(bytes.fromhex(digits + "0" * (len(digits) % 2)))
        elif c == "[":
            inner = []
            continue
        elif c == "]":
            value, inner = PdfArray(inner), None
            out.append(value)
            continue
        else:
            value = float(tok) if "." in tok else int(tok)
        (out if inner is None else inner).append(value)
    return out


def parse_content(data: bytes, doc: "ReadFile") -> list[Instruction]:
    """A content stream's instructions (this is preflight's hottest path): by the quick path where
    the stream is made only of what it takes, else token by token."""
    text = data.decode("latin-1")
    cut = _QUICK_INSTRUCTION.findall(text)
    # The instructions cover the stream whole (whitespace after the last aside) only if nothing
    # between them was passed over: then the quick path read every byte.
    if not cut:
        return [] if not text.strip("\t\n\x0c\r ") else _content_by_tokens(data, doc)
    operands, operators = zip(*cut)
    if sum(map(len, operands)) + sum(map(len, operators)) == len(text.rstrip("\t\n\x0c\r ")):
        out = QuickContent(map(QuickInstruction, cut))
        out.upright_text = len(_UPRIGHT_TM.findall(text)) == operators.count("Tm")
        return out
    return _content_by_tokens(data, doc)


@mypyc_attr(native_class=False)      # a subclass of list
class QuickContent(list):
    """The instructions of a stream the quick path read. ``upright_text``: every Tm in it sets the
    text's vertical axis to (0, 1) (its last four operands are ``0 1 e f``), so no Tm changes the
    size text is set at (content.py's walker then need not read each one's operands)."""

    __slots__ = ("upright_text",)


def _content_by_tokens(data: bytes, doc: "ReadFile") -> list[Instruction]:
    """A content stream's instructions, token by token: tokens are cut by one regular expression and
    read by their first byte; an inline image, a string nested deeper than the engine writes or a
    stray delimiter declines (the engine never writes them)."""
    out, operands, stack = [], [], []
    put = operands.append
    value: object
    for tok in _CONTENT_TOKEN.findall(data):
        c = tok[0]
        if c == 0x2F:                                   # /
            value = _name(tok)
        elif c in _NUMBER_START:
            # Only PDF's own number forms: Python's float and int also take 1e5, 1_0, inf and nan,
            # which PDF reads as operators.
            if _CONTENT_NUMBER.fullmatch(tok) is None:
                raise doc.decline(f"content: {tok[:20]!r}")
            value = float(tok) if b"." in tok else int(tok)
        elif c == 0x3C:                                 # <
            if tok == b"<<":
                stack.append((operands, b"<<"))
                operands = []
                put = operands.append
                continue
            if tok == b"<":
                raise doc.decline("content: a hex string with no end")
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
            if tok == b"BI" or tok == b"ID":
                # ID without BI too: pikepdf takes the bytes after it as image data, up to an EI.
                raise doc.decline("an inline image")
            out.append(Instruction(operands, tok.decode("latin-1")))
            operands = []
            put = operands.append
            continue
        put(value)
    if stack:
        raise doc.decline("content: an unclosed array or dictionary")
    return out


def _missing_object() -> Declined:
    # A reference to an object the file does not have is null to PDF, but the rules read with pikepdf
    # meet it as a null where an object should be: never written by the engine, so pikepdf decides.
    return Declined("a reference to an object the file does not have")


def _hex(tok: bytes) -> bytes:
    # A lone "<" (a stray one, declined further on) reads as no digits; sliced, it would be a slice
    # of negative length, which the compiled build refuses.
    digits = tok[1:-1] if len(tok) > 1 else b""
    if not digits.isalnum():
        digits = re.sub(rb"[^0-9A-Fa-f]", b"", digits)
    return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode())


# --- the file -----------------------------------------------------------------------------------------

_XREF_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])")
_XREF_ENTRIES = re.compile(rb"(?:\d{10} \d{5} [nf](?: \n|\r\n| \r))*")
_XREF_SECTION = re.compile(rb"\s*(\d+)\s+(\d+)[ \t]*\r?\n?")
_OBJECT_HEAD = re.compile(rb"\s*(\d+)\s+(\d+)\s+obj")
_END_STREAM = re.compile(rb"\s*endstream")


class ReadFile:
    """One PDF as the engine writes it, parsed whole (objects and their references resolved)."""

    def __init__(self, data: bytes, quick: bool = True):
        """``quick``: objects as the engine writes them read by the quick path (False: every object
        token by token, as the tests compare the two)."""
        self.data = data
        self.declined: str | None = None
        self._quick = quick
        self._table_at = 0
        self._names: dict[bytes, PdfName] = {}
        self._linked: list = []          # the quick path's containers holding references
        self._unresolved: list = []      # objects read token by token: all their containers resolved
        # Digests of this file's indirect objects (rules._own_signature), by number: a page's resources
        # shared with the next page are digested once.
        self.digests: dict[tuple[int, int], bytes] = {}
        if not data.startswith(b"%PDF-"):
            raise Declined("no %PDF header")
        # The engine ends its header line with LF; any other header is for pikepdf to read.
        header = re.match(rb"%PDF-(\d\.\d)\n", data[:16])
        if header is None:
            raise Declined("a header line not as the engine writes it")
        self.pdf_version = header.group(1).decode("latin-1")
        offsets, self.trailer = self._xref()
        self.objects: dict[tuple[int, int], object] = {}
        # Each object is looked for between its offset and the next object's (or the table's).
        bounds = sorted(set(offsets.values()) | {self._table_at})
        ends = {at: bounds[i + 1] if i + 1 < len(bounds) else len(data) for i, at in enumerate(bounds)}
        for key, offset in offsets.items():
            self.objects[key] = self._object(key, offset, ends[offset])
        self._link(self._linked)
        for value in self._unresolved:
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
        self._table_at = start
        at = start + 4
        offsets: dict[tuple[int, int], int] = {}
        while True:
            header = _XREF_SECTION.match(data, at)
            if header is None:
                break
            first, count = int(header.group(1)), int(header.group(2))
            at = header.end()
            if at + 20 * count <= len(data) and _XREF_ENTRIES.fullmatch(data, at, at + 20 * count):
                # Entries of 20 bytes each, as the engine writes them: read by one expression.
                for k, (offset, generation, kind) in enumerate(_XREF_ENTRY.findall(data, at, at + 20 * count)):
                    if kind == b"n":
                        offsets[(first + k, int(generation))] = int(offset)
                at += 20 * count
                while at < len(data) and data[at] in b" \r\n":
                    at += 1
                continue
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

    def _object(self, key: tuple[int, int], offset: int, end: int):
        data = self.data
        head = _OBJECT_HEAD.match(data, offset)
        if head is None or (int(head.group(1)), int(head.group(2))) != key:
            raise Declined(f"object {key[0]} is not where the table says")
        if self._quick:
            quick = self._quick_object(key, head.end(), end)
            if quick is not _NOT_QUICK:
                return quick
        value = self._object_by_tokens(key, head.end())
        self._unresolved.append(value)
        return value

    def _object_by_tokens(self, key: tuple[int, int], at: int):
        data = self.data
        parsed = _objects(data, at, len(data))
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
            if not _END_STREAM.match(data, after + length):
                raise Declined(f"object {key[0]}: the stream's length is wrong")
            stream = PdfStream(value, raw, self, key)
            return stream
        if word != b"endobj":
            raise Declined(f"object {key[0]}: no endobj")
        if isinstance(value, (PdfDict, PdfArray)):
            value.objgen, value.is_indirect = key, True
        return value

    def _quick_object(self, key: tuple[int, int], at: int, end: int) -> object:
        """The object whose text starts at ``at`` (after ``obj``), read by the quick path, looking no
        further than ``end``; ``_NOT_QUICK`` where anything is not as the engine writes it (then
        ``_object`` reads it token by token, and declines what is wrong)."""
        data = self.data
        keyword = data.find(b"stream", at, end)
        if keyword >= 0:
            if data.find(b"endobj", at, keyword) >= 0 or data[keyword - 1] in _REGULAR_BYTES:
                return _NOT_QUICK
            value = _quick_value(data, at, keyword, self._names, self._linked)
            length = value.get("/Length") if type(value) is PdfDict else None
            if type(length) is not int:
                return _NOT_QUICK
            after = keyword + 6
            if data[after:after + 2] == b"\r\n":
                after += 2
            elif data[after:after + 1] == b"\n":
                after += 1
            else:
                return _NOT_QUICK
            if not _END_STREAM.match(data, after + length):
                return _NOT_QUICK
            return PdfStream(value, None, self, key, after, after + length)
        keyword = data.find(b"endobj", at, end)
        # The keyword a word of its own, as _objects would cut it: no regular byte either side.
        if keyword < 0 or data[keyword - 1] in _REGULAR_BYTES or data[keyword + 6:keyword + 7].strip(_NOT_REGULAR):
            return _NOT_QUICK
        value = _quick_value(data, at, keyword, self._names, self._linked)
        if isinstance(value, (PdfDict, PdfArray)):
            value.objgen, value.is_indirect = key, True
        return value

    def _link(self, containers: list) -> None:
        """References replaced by the objects they name in these containers (the quick path's: it
        knows which hold references; a missing object declines)."""
        get = self.objects.get
        for item in containers:
            if type(item) is PdfDict:
                missing = False
                for k, v in item.items():
                    if type(v) is _Ref:
                        key = (v.num, v.gen)
                        if key not in self.objects:
                            raise _missing_object()
                        item[k] = v = get(key)
                        missing = missing or v is None
                if missing:                      # an object that is null: the key is absent
                    for k in [k for k, v in item.items() if v is None]:
                        del item[k]
            else:
                for i, v in enumerate(item):
                    if type(v) is _Ref:
                        if (v.num, v.gen) not in self.objects:
                            raise _missing_object()
                        item[i] = get((v.num, v.gen))

    def _resolve(self, container) -> None:
        """References replaced by the objects they name, in every container reached (a missing object
        declines)."""
        todo = [container]
        seen = set()
        get = self.objects.get
        while todo:
            item = todo.pop()
            if id(item) in seen:
                continue
            seen.add(id(item))
            # By exact type: no class derives from these (and this runs for every container of a file).
            if type(item) is PdfDict:
                missing = False
                for k, v in item.items():
                    kind = type(v)
                    if kind is _Ref:
                        if (v.num, v.gen) not in self.objects:
                            raise _missing_object()
                        item[k] = v = get((v.num, v.gen))
                        kind = type(v)
                        missing = missing or v is None
                    if (kind is PdfDict or kind is PdfArray) and not v.is_indirect:
                        todo.append(v)
                if missing:                      # an object that is null: the key is absent
                    for k in [k for k, v in item.items() if v is None]:
                        del item[k]
            elif type(item) is PdfArray:
                for i, v in enumerate(item):
                    kind = type(v)
                    if kind is _Ref:
                        if (v.num, v.gen) not in self.objects:
                            raise _missing_object()
                        item[i] = v = get((v.num, v.gen))
                        kind = type(v)
                    if (kind is PdfDict or kind is PdfArray) and not v.is_indirect:
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


_RECENT: dict[int, ReadFile] = {}    # the files last read, by length: `layout preflight` reads each twice


def open_pdf(path, data: bytes | None = None) -> ReadFile:
    """The file read whole; ``Declined`` if it is not one this reader reads as pikepdf would. The same
    bytes read again (`layout preflight`'s figures after its check of a file) are not parsed again:
    compared, not hashed, as different lengths compare at once. ``data``: the file's bytes, where the
    caller has read them (a render, which reads each file once: not kept for a second reading)."""
    remember = data is None
    if data is None:
        with open(path, "rb") as f:
            data = f.read()
    known = _RECENT.get(len(data))
    if known is not None and known.data == data and known.declined is None:
        return known
    try:
        doc = ReadFile(data)
        if remember:
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
