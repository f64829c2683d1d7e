"""Preflight: does a PDF (any PDF, ours or not) meet PDF/X-1a:2001 for coldset newsprint?

The rules, numbered as in GUIDE.md ("Print-ready PDF"):

1. PDF ≤ 1.3; Info has GTS_PDFXVersion and GTS_PDFXConformance = PDF/X-1a:2001, Trapped True or
   False, Title, CreationDate, ModDate.
2. Exactly one OutputIntent /GTS_PDFX with a CMYK DestOutputProfile and an OutputConditionIdentifier.
3. Every page: TrimBox; MediaBox ⊇ BleedBox ⊇ TrimBox.
4. Colour only DeviceCMYK / DeviceGray (Separation or DeviceN with a CMYK alternate allowed).
5. No transparency: no SMask, no alpha below 1, blend mode Normal only, no transparency groups.
6. Every font embedded, no Type 3.
7. Total ink within the limit (240 % for ISOnewspaper26v4), in vector colour and in images.
8. Images at 200 ppi or more where placed (warning below 200, error below 100).
9. Black text and thin rules are 100 % K and overprint (op/OP true, OPM 1); no rich black text.
"""

from __future__ import annotations

import json
import hashlib
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import pikepdf
from pikepdf import Name

from ..base.standard import INK_LIMIT, MIN_PPI, PDFX, WARN_PPI
from .content import page_events, scale_of

THIN_RULE = 1.0  # pt: a stroke this thin or thinner in 100 % K must overprint


@dataclass(frozen=True)
class Limits:
    """What a file is checked against: the press's ink limit and the resolutions photos need."""

    ink_limit: float = INK_LIMIT     # percent
    warn_ppi: float = WARN_PPI
    min_ppi: float = MIN_PPI


@dataclass(frozen=True)
class Finding:
    rule: int
    severity: str                # error or warning
    page: int | None
    obj: str
    message: str


def _f(rule, page, obj, message, severity="error") -> Finding:
    return Finding(rule, severity, page, obj, message)


def _boxes(page: pikepdf.Page, no: int) -> list[Finding]:
    def box(key):
        value = page.obj.get(key)
        return [float(x) for x in value] if value is not None else None

    media = box("/MediaBox")
    trim = box("/TrimBox")
    bleed = box("/BleedBox") or box("/CropBox") or media
    out = []
    if trim is None:
        return [_f(3, no, "page", "no TrimBox: the print shop cannot know the page's trimmed size")]

    def inside(inner, outer):
        return (inner[0] >= outer[0] - 0.01 and inner[1] >= outer[1] - 0.01
                and inner[2] <= outer[2] + 0.01 and inner[3] <= outer[3] + 0.01)

    if not inside(trim, bleed):
        out.append(_f(3, no, "page", f"TrimBox {trim} is not inside BleedBox {bleed}"))
    if media is None or not inside(bleed, media):
        out.append(_f(3, no, "page", f"BleedBox {bleed} is not inside MediaBox {media}"))
    return out


def _document(pdf: pikepdf.Pdf) -> list[Finding]:
    out = []
    if pdf.pdf_version > "1.3":
        out.append(_f(1, None, "header", f"PDF version {pdf.pdf_version}; PDF/X-1a:2001 needs 1.3 or lower"))
    info = pdf.trailer.get("/Info")
    info = info if info is not None else {}
    for key in ("/GTS_PDFXVersion", "/GTS_PDFXConformance"):
        if str(info.get(key, "")) != PDFX:
            out.append(_f(1, None, "Info", f"{key[1:]} is {str(info.get(key, 'missing'))!r}, not {PDFX!r}"))
    trapped = info.get("/Trapped")
    if trapped is None or str(trapped) not in ("/True", "/False"):
        out.append(_f(1, None, "Info", f"Trapped is {trapped!s}; it must be True or False"))
    for key in ("/Title", "/CreationDate", "/ModDate"):
        if key not in info:
            out.append(_f(1, None, "Info", f"no {key[1:]}"))
    intents = [i for i in pdf.Root.get("/OutputIntents", []) if str(i.get("/S", "")) == "/GTS_PDFX"]
    if len(intents) != 1:
        out.append(_f(2, None, "OutputIntents", f"{len(intents)} GTS_PDFX output intents; exactly one is needed"))
    for intent in intents:
        if "/OutputConditionIdentifier" not in intent:
            out.append(_f(2, None, "OutputIntent", "no OutputConditionIdentifier"))
        profile = intent.get("/DestOutputProfile")
        if profile is None:
            out.append(_f(2, None, "OutputIntent", "no DestOutputProfile (the press's ICC profile)"))
        elif _profile_space(profile) != b"CMYK":
            out.append(_f(2, None, "OutputIntent", "the DestOutputProfile is not a CMYK profile"))
    if "/Encrypt" in pdf.trailer:
        out.append(_f(1, None, "trailer", "the file is encrypted"))
    return out


def _profile_space(profile) -> bytes:
    """The colour space an ICC profile converts from (bytes 16–20 of its header)."""
    return _PROFILES.get(profile.read_raw_bytes(), lambda: profile.read_bytes()[16:20])


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


_PROFILES = _ByBytes(4)


def _fonts(resources, no: int, seen: set) -> list[Finding]:
    out = []
    fonts = resources.get("/Font", {}) if resources is not None else {}
    for name, font in fonts.items():
        if font.objgen in seen and font.objgen != (0, 0):
            continue
        seen.add(font.objgen)
        subtype = str(font.get("/Subtype", ""))
        base = str(font.get("/BaseFont", "?"))
        if subtype == "/Type3":
            out.append(_f(6, no, f"font {name} ({base})", "Type 3 font: not allowed"))
            continue
        target = font.DescendantFonts[0] if subtype == "/Type0" and "/DescendantFonts" in font else font
        descriptor = target.get("/FontDescriptor")
        if descriptor is None or not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            out.append(_f(6, no, f"font {name} ({base})", "font not embedded"))
    for xobj in (resources.get("/XObject", {}) if resources is not None else {}).values():
        if str(xobj.get("/Subtype", "")) == "/Form" and "/Resources" in xobj:
            out += _fonts(xobj.Resources, no, seen)
    return out


INK_VERSION = 1   # bump when _decoded_ink changes: results remembered on disk are then not used


def _image_ink(image) -> float | None:
    """Maximum total ink of a CMYK image in percent, or None if it cannot be decoded here.

    Decoding a photo takes time and tens of MB; the result is a function of the image's bytes and
    dictionary alone, so it is remembered by their digest, in memory and in the disk cache."""
    digest = hashlib.sha256(image.read_raw_bytes())
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
    try:
        return float(known)
    except (TypeError, ValueError):  # not remembered yet, or a damaged entry
        pass
    ink = _decoded_ink(image)
    diskcache.write(diskcache.IMAGE_INK, key, b"none" if ink is None else repr(ink).encode())
    return ink


# Results for identical objects: the whole-issue file repeats its page files' pages and photos
# byte for byte, and a batch worker checks many files; what was decided once is not decided again.
_INK: dict[str, float | None] = {}
_CONTENT: dict[str, list[Finding]] = {}


def _signature(obj) -> str:
    """A digest of an object's value: dictionaries, arrays and stream data, not object numbers."""
    digest = hashlib.sha256()

    def feed(o, depth=0):
        if depth > 12:
            digest.update(b"?")
        elif isinstance(o, pikepdf.Stream):
            feed(o.stream_dict, depth + 1)
            digest.update(hashlib.sha256(o.read_raw_bytes()).digest())
        elif isinstance(o, pikepdf.Dictionary):
            for key in sorted(o.keys()):
                if key != "/Length":
                    digest.update(key.encode() + b"=")
                    feed(o[key], depth + 1)
        elif isinstance(o, pikepdf.Array):
            digest.update(b"[")
            for x in o:
                feed(x, depth + 1)
            digest.update(b"]")
        else:
            digest.update(repr(o).encode() + b";")

    feed(obj)
    return digest.hexdigest()


def _page_signature(page: pikepdf.Page) -> str:
    """What the content rules look at: the content streams and every resource but the font programs
    (only a font's name appears in a finding)."""
    resources = page.obj.get("/Resources")
    parts = [_signature(page.obj.get("/Contents", pikepdf.Array()))]
    if resources is not None:
        for key in sorted(resources.keys()):
            if key == "/Font":
                parts.append("Font:" + ",".join(sorted(resources.Font.keys())))
            else:
                parts.append(key + ":" + _signature(resources[key]))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _decoded_ink(image) -> float | None:
    try:
        pil = pikepdf.PdfImage(image).as_pil_image()
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


def _content(page: pikepdf.Page, no: int, settings: Limits) -> list[Finding]:
    key = f"{_page_signature(page)}:{settings}"
    if key not in _CONTENT:
        if len(_CONTENT) > 256:
            _CONTENT.clear()
        _CONTENT[key] = _content_findings(page, settings)
    return [replace(f, page=no) for f in _CONTENT[key]]


def _content_findings(page: pikepdf.Page, settings: Limits, no: int = 0) -> list[Finding]:
    out: list[Finding] = []
    reported: set[tuple] = set()

    def once(key, finding):
        if key not in reported:
            reported.add(key)
            out.append(finding)

    for ev in page_events(page, no):
        st = ev.state
        if ev.kind == "unreadable":
            once(("unreadable", ev.where), _f(4, no, ev.where, "content stream cannot be read"))
        if ev.kind in ("text", "fill", "stroke"):
            space, values = ((st.stroke_space, st.stroke) if ev.kind == "stroke" else (st.fill_space, st.fill))
            if space.rgb_like or space.family not in ("DeviceCMYK", "DeviceGray", "Separation", "DeviceN",
                                                      "Pattern", "ICCBased", "CalGray"):
                once((4, ev.where, space.family), _f(4, no, ev.where, f"{ev.kind} in {space.family}: only "
                                                                      f"DeviceCMYK and DeviceGray are allowed"))
            elif space.family == "ICCBased" and space.components != 4 and space.components != 1:
                once((4, ev.where, "icc"), _f(4, no, ev.where, f"{ev.kind} in an ICC space of {space.components} "
                                                              f"components"))
            if space.family == "DeviceCMYK" and len(values) == 4:
                ink = sum(values) * 100
                if ink > settings.ink_limit + 0.5:
                    once((7, ev.where, values), _f(7, no, ev.where, f"{ev.kind} colour {_percentages(values)} has "
                                                                    f"{ink:.0f} % ink, over {settings.ink_limit:.0f} %"))
                c, m, y, k = values
                black = k >= 0.999 and c + m + y < 0.001
                if ev.kind == "text" and k >= 0.8 and c + m + y > 0.05:
                    once((9, ev.where, "rich", values), _f(9, no, f"{ev.where}, font {ev.name}",
                                                           f"rich black text {_percentages(values)}: black text is 100 % K only"))
                if ev.kind == "text" and black and not (st.fill_overprint and st.overprint_mode == 1):
                    once((9, ev.where, "text-op"), _f(9, no, f"{ev.where}, font {ev.name}",
                                                      "black text does not overprint (needs op true and OPM 1)"))
                sx, sy = scale_of(st.ctm)
                if (ev.kind == "stroke" and black and st.line_width * max(sx, sy) <= THIN_RULE
                        and not (st.stroke_overprint and st.overprint_mode == 1)):
                    once((9, ev.where, "rule-op"), _f(9, no, ev.where,
                                                      "thin black rule does not overprint (needs OP true and OPM 1)"))
            if space.family == "DeviceGray" and ev.kind == "text" and values and values[0] <= 0.001:
                once((9, ev.where, "grey"), _f(9, no, f"{ev.where}, font {ev.name}",
                                               "black text in DeviceGray: set it in 100 % K so it can overprint",
                                               "warning"))
        elif ev.kind == "gs":
            gs = ev.obj
            if "/SMask" in gs and str(gs.SMask) != "/None":
                once((5, ev.name), _f(5, no, f"ExtGState {ev.name}", "soft mask (transparency)"))
            for key in ("/CA", "/ca"):
                if key in gs and float(gs[key]) < 1:
                    once((5, ev.name, key), _f(5, no, f"ExtGState {ev.name}", f"alpha {key[1:]} = {float(gs[key])}"))
            if "/BM" in gs and str(gs.BM) not in ("/Normal", "/Compatible"):
                once((5, ev.name, "bm"), _f(5, no, f"ExtGState {ev.name}", f"blend mode {gs.BM}"))
        elif ev.kind == "form" and "/Group" in ev.obj and str(ev.obj.Group.get("/S", "")) == "/Transparency":
            once((5, ev.name), _f(5, no, f"form {ev.name}", "transparency group"))
        elif ev.kind == "image":
            out += _image(ev, no, page, settings, once)
    return out


def _image(ev, no, page, settings: Limits, once) -> list[Finding]:
    from .content import colour_space

    image = ev.obj
    out = []
    name = f"image {ev.name}"
    if ev.name == "inline image":
        return out
    if "/SMask" in image:
        once((5, name), _f(5, no, name, "image has a soft mask (SMask): transparency"))
    if image.get("/ImageMask", False):
        return out
    space = colour_space(image.get("/ColorSpace", Name.DeviceGray), page.obj.get("/Resources"))
    if space.rgb_like or space.family not in ("DeviceCMYK", "DeviceGray", "Separation", "DeviceN", "ICCBased",
                                              "Indexed", "CalGray"):
        once((4, name), _f(4, no, name, f"image in {space.family}: convert it to CMYK or grey for press"))
    width_pt, height_pt = scale_of(ev.state.ctm)
    if width_pt > 0 and height_pt > 0:
        ppi = min(int(image.Width) / (width_pt / 72), int(image.Height) / (height_pt / 72))
        if ppi < settings.min_ppi:
            once((8, name), _f(8, no, name, f"{ppi:.0f} ppi where placed: below {settings.min_ppi:.0f}"))
        elif ppi < settings.warn_ppi:
            once((8, name), _f(8, no, name, f"{ppi:.0f} ppi where placed: below {settings.warn_ppi:.0f}",
                               "warning"))
    if space.family == "DeviceCMYK":
        ink = _image_ink(image)
        if ink is not None and ink > settings.ink_limit + 1:
            once((7, name), _f(7, no, name, f"up to {ink:.0f} % ink, over {settings.ink_limit:.0f} %"))
    return out


def _percentages(values) -> str:
    return "/".join(f"{v * 100:.0f}" for v in values)


def _transparency_groups(page: pikepdf.Page, no: int) -> list[Finding]:
    group = page.obj.get("/Group")
    if group is not None and str(group.get("/S", "")) == "/Transparency":
        return [_f(5, no, "page", "page is a transparency group")]
    return []


def check(path: Path, settings: Limits = Limits()) -> list[Finding]:
    """Every finding for one PDF; an unreadable file is one error, never an exception."""
    try:
        pdf = pikepdf.open(path)
    except (pikepdf.PdfError, OSError, ValueError) as exc:
        return [_f(1, None, "file", f"not a readable PDF ({exc})")]
    with pdf:
        findings = _document(pdf)
        seen: set = set()
        for no, page in enumerate(pdf.pages, start=1):
            findings += _boxes(page, no)
            findings += _transparency_groups(page, no)
            findings += _fonts(page.obj.get("/Resources"), no, seen)
            findings += _content(page, no, settings)
    return sorted(findings, key=lambda f: (f.page or 0, f.rule, f.severity, f.obj, f.message))


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


def report_text(path: Path, findings: list[Finding]) -> str:
    head = f"{path}: " + ("passes PDF/X-1a:2001 preflight" if not errors(findings)
                          else f"{len(errors(findings))} errors")
    warnings = len(findings) - len(errors(findings))
    if warnings:
        head += f", {warnings} warnings"
    lines = [head]
    for f in findings:
        page = f"page {f.page}" if f.page else "document"
        lines.append(f"  {f.severity:7s} rule {f.rule}  {page:8s}  {f.obj}: {f.message}")
    return "\n".join(lines)


def report_json(results: dict[Path, list[Finding]]) -> str:
    return json.dumps([{"file": str(p), "passed": not errors(fs), "findings": [asdict(f) for f in fs]}
                       for p, fs in results.items()], ensure_ascii=False, indent=2) + "\n"
