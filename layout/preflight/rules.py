"""Preflight: does a PDF (any PDF, ours or not) meet PDF/X-1a:2001 (ISO 15930-1) for coldset newsprint?

Every finding names its rule, page, object and, where it has one, the position on the page (x, y in
the page's user space). Rules are ISO 15930-1's (``iso/…``) or the house's (``house/…``: stricter
than ISO or beyond it, for this press; ``Limits(house=False)`` and ``--no-house-rules`` leave them
out), and one is the engine's own (``layout/proof``). The rules (findings.RULES holds them too):

ISO 15930-1 (PDF/X-1a:2001)
 1. iso/file            the file is a readable PDF, its content streams too.
 2. iso/encryption      not encrypted.
 3. iso/version         PDF 1.3 or lower, in the header and in the catalog's /Version.
 4. iso/beyond-1.3      no PDF 1.4+ feature behind the 1.3 header: object streams, cross-reference
                        streams, JPX and JBIG2 images, 16-bit images, optional content.
 5. iso/filter          no LZW compression (images, content, forms, fonts).
 6. iso/id              the trailer has an /ID.
 7. iso/info            GTS_PDFXVersion PDF/X-1:2001 ("PDF/X-1a:2001" there is a warning),
                        GTS_PDFXConformance PDF/X-1a:2001, Trapped True or False, Title,
                        CreationDate, ModDate.
 8. iso/output-intent   exactly one GTS_PDFX output intent with an OutputConditionIdentifier; a
                        DestOutputProfile unless the condition is a registered one (RegistryName).
 9. iso/output-profile  the embedded profile parsed: not truncated, 'acsp' signature, tag table and
                        tags inside it, output class (prtr), CMYK or grey, /N to match, PCS XYZ or
                        Lab; an ICC v4 profile is a warning.
10. iso/boxes           a TrimBox or an ArtBox on every page, not both; MediaBox ⊇ BleedBox ⊇ trim.
11. iso/separated       no pre-separated pages.
12. iso/colour          DeviceCMYK, DeviceGray, Separation/DeviceN with a CMYK or grey alternate,
                        Indexed and patterns over those: no RGB, ICCBased, CalRGB, CalGray or Lab in
                        vector colour, images, inline images, shadings, patterns, forms, Default
                        colour spaces and annotation appearances.
13. iso/transparency    no soft masks, alpha below 1, blend modes, transparency groups.
14. iso/fonts           every font embedded (a Type 3 font is: its glyphs are in the file).
15. iso/annotations     no annotation or form field inside the BleedBox (TrapNet excepted).
16. iso/actions         no actions: an OpenAction action, AA of catalog, page or annotation, link
                        and outline actions (URI, Launch, GoTo …).
17. iso/javascript      no JavaScript.
18. iso/embedded-files  no embedded files, file attachments, streams kept in other files.
19. iso/transfer        no transfer functions (TR, TR2, a halftone's TransferFunction).
20. iso/halftone        halftones of type 1 or 5 only, no HalftoneName, no HTP.
21. iso/postscript      no PostScript XObjects, PostScript forms or PS operator.
22. iso/opi             no OPI.
23. iso/alternates      no image Alternates for printing (an error); any others a warning.
24. iso/operators       content streams use PDF 1.3's operators only.
The engine
25. layout/proof        a proof (Info /LayoutProof true) is no press file, unless Limits.accept_proof.
House (coldset newsprint, this press)
26. house/trimbox       a TrimBox, not an ArtBox alone (warning; ISO allows the ArtBox).
27. house/type3         no Type 3 fonts (warning; ISO allows them).
28. house/embedded-profile  the output profile embedded, not only a registered condition (warning).
29. house/cmyk-output   the output profile is CMYK (ISO allows grey).
30. house/ink           total ink within the limit (240 % for ISOnewspaper26v4) in DeviceCMYK,
                        Separation and DeviceN colour (through the tint transform), shadings, CMYK,
                        indexed and spot-colour images.
31. house/resolution    images at warn_ppi (200) or more where placed: a warning below, an error
                        below min_ppi (100).
32. house/black-overprint  black text and thin rules are 100 % K and overprint (op/OP true, OPM 1);
                        no rich black text; black text in DeviceGray is a warning.
33. house/white-overprint  nothing white set to overprint (it vanishes on the plate).
34. house/registration  registration colour (Separation /All) only outside the trim (marks, slug).
35. house/hairline      strokes inside the trim under 0.1 pt (warning).
36. house/small-text    text inside the trim under 5 pt (warning).

Before they had ids the rules were numbered 1–9: 1 → iso/version, iso/info, iso/encryption; 2 →
iso/output-intent; 3 → iso/boxes; 4 → iso/colour; 5 → iso/transparency; 6 → iso/fonts (Type 3 now
house/type3); 7 → house/ink; 8 → house/resolution; 9 → house/black-overprint.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from . import objects, reader
from .content import Extent, page_events
from .document import (annotation_findings, box_findings, file_findings, font_findings, font_is_embedded,
                       intent_findings, page_boxes, page_findings, page_fonts, trim_of)
from .findings import RULES, Finding, Limits, Point, finding, is_house
from .icc import IccProfile, read_profile
from .paint import ContentFigures, content_findings, stream_problems


@dataclass(frozen=True)
class FontFigure:
    name: str            # the base name without a subset's prefix
    subset: bool         # ABCDEF+Name: only the glyphs used are embedded
    embedded: bool
    kind: str            # Type0, TrueType, Type1, Type3 …


@dataclass(frozen=True)
class PageFigures:
    """One page for the print shop's per-issue report."""

    page: int
    ink: float                       # highest total ink, percent, vector and images (registration aside)
    ink_obj: str
    ink_position: Point | None
    ppi: float | None                # lowest effective image resolution where placed; None: no images
    ppi_obj: str
    ppi_position: Point | None
    fonts: tuple[FontFigure, ...]
    boxes: dict[str, Extent | None]     # MediaBox, BleedBox, TrimBox, ArtBox


class _ByBytes:
    """Results by the exact bytes they were computed from. Compared, not hashed: a file's ICC
    profile or photo is the same bytes as the last file's, and comparing is ten times faster than
    hashing (different lengths compare at once)."""

    def __init__(self, size: int = 32):
        self.entries: list[tuple[bytes, object]] = []
        self.size = size

    def get(self, data: bytes, compute):
        for known, result in self.entries:
            if known == data:
                return result
        result = compute()
        self.entries = [(data, result)] + self.entries[:self.size - 1]
        return result

    def get_for(self, stream, compute):
        """``get`` for a stream's data; the own reader's stream is compared where it lies in its file."""
        if type(stream) is not reader.PdfStream:
            return self.get(stream.read_raw_bytes(), compute)
        for known, result in self.entries:
            if stream.raw_is(known):
                return result
        result = compute()
        self.entries = [(stream.read_raw_bytes(), result)] + self.entries[:self.size - 1]
        return result


_PROFILES = _ByBytes(4)


def _profile(stream) -> IccProfile | str:
    """The output profile parsed, or why it cannot be read; the same bytes are parsed once."""
    def parse():
        try:
            return read_profile(stream.read_bytes())
        except reader.Declined:
            raise             # the own reader's limit, not the file's fault: never remembered
        except objects.read_errors() as exc:
            return str(exc)

    return _PROFILES.get_for(stream, parse)


# Bump when _decoded_ink or what is kept changes (2: in diskcache's envelope): old results are then not used.
INK_VERSION = 2


def _image_ink(image) -> float | None:
    """Maximum total ink of a CMYK image in percent, or None if it cannot be decoded here.

    Decoding a photo takes time and tens of MB; the result is a function of the image's bytes and
    dictionary alone, so it is remembered by their digest, in memory and in the disk cache."""
    digest = image.raw_sha256().copy() if type(image) is reader.PdfStream else hashlib.sha256(image.read_raw_bytes())
    digest.update(repr(sorted((k, repr(v)) for k, v in image.stream_dict.items() if k != "/Length")).encode())
    key = f"{digest.hexdigest()[:32]}-v{INK_VERSION}"
    if key not in _INK:
        if len(_INK) > 256:
            _INK.pop(next(iter(_INK)))
        _INK[key] = _ink_on_disk(key, image)
    return _INK[key]


def _ink_on_disk(key: str, image) -> float | None:
    """The ink remembered in the disk cache, or decoded now and remembered there."""
    from ..base import diskcache

    known = diskcache.read(diskcache.IMAGE_INK, key)
    if known == b"none":
        return None
    if known is not None:
        try:
            ink = float(known)
        except ValueError:
            ink = math.nan
        if 0 <= ink <= 400:   # four plates at most; not NaN
            return ink
        diskcache.reject(diskcache.IMAGE_INK, key, "not a total ink in percent")
    ink = _decoded_ink(image)
    diskcache.write(diskcache.IMAGE_INK, key, b"none" if ink is None else repr(ink).encode())
    return ink


# Results for identical objects: the whole-issue file repeats its page files' pages and photos
# byte for byte, and a batch worker checks many files; what was decided once is not decided again.
# _CONTENT holds a page's content findings (page 0) and its figures for the shop's report.
_INK: dict[str, float | None] = {}
_CONTENT: dict[str, tuple[list[Finding], ContentFigures]] = {}


def _signature(obj) -> str:
    """A digest of an object's whole value — dictionaries, arrays and stream data at any depth, not
    object numbers — so two pages share a remembered result only if everything a rule could look at is
    the same (a form nested however deep included). An indirect object is digested once (memo by its
    number in this file), and a cycle is marked, not followed."""
    memo: dict[tuple[int, int], bytes] = {}

    def value(o) -> bytes:
        if isinstance(o, (objects.AnyStream, objects.AnyDictionary, objects.AnyArray)) and o.is_indirect:
            key = o.objgen
            if key in memo:
                return memo[key]
            memo[key] = b"cycle"           # met again while being digested: a reference back
            memo[key] = direct(o)
            return memo[key]
        return direct(o)

    def direct(o) -> bytes:
        h = hashlib.sha256()
        if isinstance(o, objects.AnyStream):
            h.update(b"S" + value(o.stream_dict) + hashlib.sha256(o.read_raw_bytes()).digest())
        elif isinstance(o, objects.AnyDictionary):
            h.update(b"D")
            for key in sorted(o.keys()):
                if key != "/Length":
                    h.update(key.encode() + b"=" + value(o[key]))
        elif isinstance(o, objects.AnyArray):
            h.update(b"[")
            for x in o:
                h.update(value(x))
            h.update(b"]")
        else:
            h.update(repr(o).encode() + b";")
        return h.digest()

    return value(obj).hex()


def _own_signature(obj, doc: reader.ReadFile) -> str:
    """``_signature`` for an object of the own reader, worked out in a tenth of the time: an indirect
    object's value is written out whole (direct dictionaries and arrays inline, each item tagged and
    each text length-prefixed, so no two values write the same bytes) and digested once; the
    digests of objects without a cycle below them are remembered for the file (``doc.digests``)."""
    known = doc.digests
    here: dict[tuple[int, int], bytes] = {}          # this call's, as _signature's memo
    open_: dict[tuple[int, int], int] = {}           # objects being written out, by their depth

    def indirect(o, out: list) -> bool:
        key = o.objgen
        digest = known.get(key) or here.get(key)
        if digest is not None:
            out.append(digest)
            return key in known
        if key in open_:
            out.append(b"C%d;" % open_[key])         # a reference back to an object being digested
            return False
        open_[key] = len(open_)
        parts: list[bytes] = [b"R"]
        whole = direct(o, parts)
        del open_[key]
        digest = b"R" + hashlib.sha256(b"".join(parts)).digest()
        (known if whole else here)[key] = digest
        out.append(digest)
        return whole

    def value(o, out: list) -> bool:
        kind = type(o)
        if kind is reader.PdfStream or (kind is reader.PdfDict or kind is reader.PdfArray) and o.is_indirect:
            return indirect(o, out)
        return direct(o, out)

    def direct(o, out: list) -> bool:
        kind = type(o)
        whole = True
        if kind is reader.PdfStream:
            out.append(b"S")
            whole = value(o.stream_dict, out)
            out.append(o.raw_sha256().digest())
        elif kind is reader.PdfDict:
            out.append(b"D")
            for key in sorted(o):
                if key != "/Length":
                    name = key.encode()
                    out.append(b"%d:" % len(name))
                    out.append(name)
                    whole = value(o[key], out) and whole
            out.append(b"}")
        elif kind is reader.PdfArray:
            out.append(b"[")
            for item in o:
                whole = value(item, out) and whole
            out.append(b"]")
        elif kind is reader.PdfName:
            name = o.encode()
            out.append(b"/%d:" % len(name))
            out.append(name)
        elif kind is int:
            out.append(b"i%d;" % o)
        elif kind is float:
            out.append(b"f" + repr(o).encode() + b";")
        elif kind is reader.PdfString:
            out.append(b"s%d:" % len(o.data))
            out.append(o.data)
        elif o is None or o is True or o is False:
            out.append(b"N" if o is None else b"T" if o else b"F")
        else:                                        # anything else (a bare word): by its repr
            text = repr(o).encode()
            out.append(b"?%d:" % len(text))
            out.append(text)
        return whole

    parts: list[bytes] = []
    value(obj, parts)
    return hashlib.sha256(b"".join(parts)).hexdigest()


def _page_signature(page: objects.AnyPage) -> str:
    """What the content rules look at: the content streams and every resource but the font programs
    (only a font's name appears in a finding)."""
    resources = page.obj.get("/Resources")
    if type(page) is reader.ReadPage:
        doc = page.doc
        parts = ["own", _own_signature(page.obj.get("/Contents", objects.empty_array()), doc)]
        if resources is not None:
            for key in sorted(resources.keys()):
                if key == "/Font":
                    parts.append("Font:" + ",".join(sorted(resources.Font.keys())))
                else:
                    parts.append(key + ":" + _own_signature(resources[key], doc))
        return hashlib.sha256("|".join(parts).encode()).hexdigest()
    parts = [_signature(page.obj.get("/Contents", objects.empty_array()))]
    if resources is not None:
        for key in sorted(resources.keys()):
            if key == "/Font":
                parts.append("Font:" + ",".join(sorted(resources.Font.keys())))
            else:
                parts.append(key + ":" + _signature(resources[key]))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _decoded_ink(image) -> float | None:
    try:
        pil = objects.image_of(image)
    except reader.Declined:
        raise                 # read again by pikepdf; nothing is remembered
    except Exception:  # noqa: BLE001 — an exotic filter; the other rules still run
        return None
    if pil.mode != "CMYK":
        return None
    from PIL import ImageMath

    peak = 0
    # In strips: the sum needs four bytes a pixel a band, which for a whole photo is tens of MB.
    for top in range(0, pil.height, 128):
        strip = pil.crop((0, top, pil.width, min(pil.height, top + 128)))
        bands = [b.convert("I") for b in strip.split()]
        total = ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"],
                                      c=bands[0], m=bands[1], y=bands[2], k=bands[3])
        peak = max(peak, total.getextrema()[1])
    return peak / 255 * 100


def _content(page: objects.AnyPage, no: int, limits: Limits, trim: Extent) -> tuple[list[Finding], ContentFigures]:
    """The page's content findings and figures, decided once for identical content, resources and trim.
    The key holds the limits the content rules use (not the switches: house rules are dropped later,
    and a proof's pages are the same pages)."""
    try:
        key = f"{_page_signature(page)}:{trim}:{limits.ink_limit}:{limits.warn_ppi}:{limits.min_ppi}"
    except RecursionError:   # nested past Python's own limit: decided afresh, never remembered
        key = f"unremembered:{id(page)}"
        _CONTENT.pop(key, None)
    if key not in _CONTENT:
        if len(_CONTENT) > 256:
            _CONTENT.clear()
        findings, figures = content_findings(page_events(page, trim), trim, limits, _image_ink)
        contents = page.obj.get("/Contents")
        for stream in (contents if isinstance(contents, objects.AnyArray) else [contents] if contents else []):
            if isinstance(stream, objects.AnyStream):
                findings += stream_problems(stream.stream_dict, 0, "page content")
        if _declined(page):
            return findings, figures     # the file goes to pikepdf: what the own reader found is not kept
        _CONTENT[key] = (findings, figures)
    findings, figures = _CONTENT[key]
    return [replace(f, page=no) for f in findings], figures


def _declined(page) -> bool:
    return isinstance(page, reader.ReadPage) and page.doc.declined is not None


def _open_pdf(path: Path, own: bool = False, data: bytes | None = None) -> tuple[object | None, list[Finding]]:
    """The file opened by the engine's own reader (``own``: a file the engine wrote; ``Declined`` if
    it cannot be sure of it; ``data``: its bytes, already read) or by pikepdf."""
    if own:
        try:
            return reader.open_pdf(path, data), []
        except OSError as exc:
            return None, [finding("iso/file", None, "file", f"not a readable PDF ({exc})")]
    try:
        return objects.open_with_pikepdf(path), []
    except objects.password_error():
        return None, [finding("iso/encryption", None, "file", "encrypted with a password: it cannot be read")]
    except (*objects.read_errors(), OSError, ValueError) as exc:
        return None, [finding("iso/file", None, "file", f"not a readable PDF ({exc})")]


_ORDER = {rule: i for i, rule in enumerate(RULES)}


def _sorted(findings: list[Finding], limits: Limits) -> list[Finding]:
    kept = [f for f in findings if limits.house or not is_house(f.rule)]
    return sorted(kept, key=lambda f: (f.page or 0, _ORDER[f.rule], f.severity, f.obj, f.message))


def check(path: Path, limits: Limits = Limits(), own_reader: bool = False) -> list[Finding]:
    """Every finding for one PDF; an unreadable or encrypted file is a finding, never an exception.
    ``own_reader``: a file the engine wrote, read by its own reader (no pikepdf); where that reader
    declines the file (anything it is not sure of), pikepdf reads it, so the findings are the same."""
    return _read_by(_check, path, limits, own_reader)


def _read_by(work, path: Path, limits: Limits, own_reader: bool):
    """``work(path, limits, own)`` with the own reader first where asked; with pikepdf where that reader
    declines the file or was not sure of what it read (``work`` gives None)."""
    if own_reader:
        try:
            done = work(path, limits, own=True)
            if done is not None:
                return done
        except reader.Declined:
            pass
    return work(path, limits, own=False)


def check_with_figures(path: Path, limits: Limits = Limits(), own_reader: bool = False,
                       data: bytes | None = None) -> tuple[list[Finding], list[PageFigures]]:
    """``check`` and ``page_figures`` of one file, read and walked once (a render checks each file it
    writes and reports on it to the shop): the same as calling the two. ``data``: the file's bytes,
    where the caller has read them already (it makes the manifest's checksum of the bytes checked)."""
    if own_reader:
        try:
            done = _check(path, limits, own=True, figures=True, data=data)
            if done is not None:
                return done
        except Exception:  # noqa: BLE001 — declined, or a page's figures failed: the two calls decide
            pass
    return check(path, limits, own_reader), page_figures(path, limits, own_reader)


def _check(path: Path, limits: Limits, own: bool, figures: bool = False, data: bytes | None = None):
    """The findings with one reader (and with ``figures`` the pages' figures too, as a pair); None where
    the own reader declined the file on the way."""
    pdf, findings = _open_pdf(path, own, data)
    if pdf is None:
        return findings
    shown: list[PageFigures] = []
    with pdf:
        try:
            findings += file_findings(pdf, path, limits)
            findings += intent_findings(pdf, limits, _profile)
        except Exception as exc:  # noqa: BLE001 — a damaged file is reported, never raised
            findings.append(finding("iso/file", None, "file", f"cannot be checked whole: {exc}"))
        seen: set = set()
        for no, page in enumerate(pdf.pages, start=1):
            content = None
            try:
                findings += box_findings(page, no, limits)
                findings += page_findings(page, no)
                findings += font_findings(page.obj.get("/Resources"), no, seen, limits)
                trim = trim_of(page)
                content = _content(page, no, limits, trim)
                findings += content[0]
                findings += annotation_findings(
                    page, no, lambda events: content_findings(events, trim, limits, _image_ink, no)[0], seen,
                    limits)
            except Exception as exc:  # noqa: BLE001 — as above: one damaged page, the others still checked
                findings.append(finding("iso/file", no, "page", f"cannot be checked whole: {exc}"))
            if figures:
                shown.append(_page_figure(page, no, limits, content))
        if own and (pdf.declined is not None or any(f.rule == "iso/file" for f in findings)):
            return None       # the own reader was not sure, or a file of ours reads as damaged: pikepdf decides
    return (_sorted(findings, limits), shown) if figures else _sorted(findings, limits)


def _font_figure(font) -> FontFigure:
    base = str(font.get("/BaseFont", font.get("/Name", "?"))).lstrip("/")
    prefix, _, rest = base.partition("+")
    subset = bool(rest) and len(prefix) == 6 and prefix.isalpha() and prefix.isupper()
    return FontFigure(rest if subset else base, subset, font_is_embedded(font),
                      str(font.get("/Subtype", "?")).lstrip("/"))


def page_figures(path: Path, limits: Limits = Limits(), own_reader: bool = False) -> list[PageFigures]:
    """Per page, for the shop's per-issue report: highest total ink and where, lowest image
    resolution and which image, the fonts and the boxes. Right after ``check`` of the same file with
    the same limits the content is not walked again (the pages' results are remembered).
    ``own_reader`` as for ``check``."""
    return _read_by(_page_figures, path, limits, own_reader) or []


def _page_figures(path: Path, limits: Limits, own: bool) -> list[PageFigures] | None:
    pdf, _ = _open_pdf(path, own)
    if pdf is None:
        return []
    with pdf:
        out = [_page_figure(page, no, limits) for no, page in enumerate(pdf.pages, start=1)]
        if own and pdf.declined is not None:
            return None
    return out


def _page_figure(page, no: int, limits: Limits, content=None) -> PageFigures:
    """``content``: the page's content findings and figures, where the check has them already."""
    try:
        _, figures = content if content is not None else _content(page, no, limits, trim_of(page))
        fonts = tuple(sorted({_font_figure(font) for _, font in page_fonts(page)}, key=lambda f: (f.name, f.kind)))
    except Exception:  # noqa: BLE001 — check reports why; the figures say only what is known
        figures, fonts = ContentFigures(), ()
    return PageFigures(no, figures.ink, figures.ink_obj, figures.ink_position, figures.ppi, figures.ppi_obj,
                       figures.ppi_position, fonts, page_boxes(page))


def figures_text(p: PageFigures) -> str:
    """One line of a page's figures, for a person: ink and where, lowest resolution, trim, fonts."""
    ink_at = f" at ({p.ink_position[0]:.0f}, {p.ink_position[1]:.0f})" if p.ink_position else ""
    ppi = f"{p.ppi:.0f} ppi ({p.ppi_obj})" if p.ppi is not None else "no images"
    fonts = ", ".join(f"{f.name}{'' if f.embedded else ' (not embedded)'}" for f in p.fonts) or "none"
    trim = p.boxes.get("TrimBox") or p.boxes.get("ArtBox")
    return (f"page {p.page}: ink {p.ink:.0f} % ({p.ink_obj}{ink_at}); lowest {ppi}; "
            f"trim {[round(v, 1) for v in trim] if trim else 'none'}; fonts {fonts}")


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


def _where(f: Finding) -> str:
    return f" at ({f.position[0]:.1f}, {f.position[1]:.1f})" if f.position is not None else ""


def report_text(path: Path, findings: list[Finding]) -> str:
    head = f"{path}: " + ("passes PDF/X-1a:2001 preflight" if not errors(findings)
                          else f"{len(errors(findings))} errors")
    warnings = len(findings) - len(errors(findings))
    if warnings:
        head += f", {warnings} warnings"
    lines = [head]
    for f in findings:
        page = f"page {f.page}" if f.page else "document"
        lines.append(f"  {f.severity:7s} {f.rule:22s} {page:8s}  {f.obj}{_where(f)}: {f.message}")
    return "\n".join(lines)


def report_json(results: dict[Path, list[Finding]]) -> str:
    return json.dumps([{"file": str(p), "passed": not errors(fs),
                        "findings": [asdict(f) | {"source": RULES[f.rule].source} for f in fs]}
                       for p, fs in results.items()], ensure_ascii=False, indent=2) + "\n"
