"""The rules on what a page paints, decided from its content walk (content.py): colour spaces, total
ink, overprint, registration colour, hairlines and small text, transparency in graphics states,
halftones and transfer functions, images (filters, resolution, OPI, Alternates), PostScript and
operators; and the page's figures for the print shop (highest ink, lowest resolution)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import objects
from .objects import AnyName as Name

from .content import Event, Extent, colour_space, inside, overlaps, scale_of
from .findings import HAIRLINE, SMALL_TEXT, THIN_RULE, Finding, Limits, Point, finding
from .functions import evaluate

PROCESS = {"Cyan", "Magenta", "Yellow", "Black"}   # colourant names that are the process plates
DEVICE_INDEPENDENT = {"ICCBased", "CalRGB", "CalGray", "Lab"}
PRINTABLE_BASES = {"DeviceCMYK", "DeviceGray"}
IDENTITY_TRANSFERS = {"/Identity", "/Default"}
FILTER_ABBREVIATIONS = {"/LZW": "/LZWDecode", "/Fl": "/FlateDecode", "/DCT": "/DCTDecode", "/AHx": "/ASCIIHexDecode",
                        "/A85": "/ASCII85Decode", "/RL": "/RunLengthDecode", "/CCF": "/CCITTFaxDecode"}
NEWER_FILTERS = {"/JPXDecode": "JPEG 2000 (JPX, PDF 1.5)", "/JBIG2Decode": "JBIG2 (PDF 1.4)",
                 "/Crypt": "a Crypt filter (PDF 1.5)"}


@dataclass(frozen=True)
class ContentFigures:
    """What the shop's per-issue report takes from a page's content."""

    ink: float = 0.0                 # highest total ink, percent (registration colour aside)
    ink_obj: str = ""
    ink_position: Point | None = None
    ppi: float | None = None         # lowest effective image resolution where placed
    ppi_obj: str = ""
    ppi_position: Point | None = None


def colour_problem(space) -> str | None:
    """Why a colour space is not PDF/X-1a colour, or None."""
    family = space.family
    if family in PRINTABLE_BASES:
        return None
    if family in ("Separation", "DeviceN"):
        base = space.base
        if base is None or base.family not in PRINTABLE_BASES:
            label = f"Separation /{space.name}" if family == "Separation" else "DeviceN"
            return (f"{label} with a {base.family if base else 'missing'} alternate: PDF/X-1a allows only a "
                    f"CMYK or grey alternate")
        return None
    if family in ("Indexed", "Pattern"):
        inner = colour_problem(space.base) if space.base is not None else None
        return f"{family} over {inner}" if inner else None
    if family == "DeviceRGB":
        return "DeviceRGB: PDF/X-1a allows only CMYK, grey and spot colour"
    if family in DEVICE_INDEPENDENT:
        return f"{family}: device-independent colour is for PDF/X-3, not PDF/X-1a"
    return f"{family}: no colour space PDF/X-1a allows"


def _base_ink(space, values) -> float | None:
    if space is None:
        return None
    if space.family == "DeviceCMYK" and len(values) >= 4:
        return sum(values[:4]) * 100
    if space.family == "DeviceGray" and values:
        return (1 - values[0]) * 100
    return None


def ink_of(space, values) -> float | None:
    """Total ink, percent, a colour puts on paper; None where it is unknown or is no ink at all."""
    family = space.family
    if family in ("DeviceCMYK", "DeviceGray"):
        return _base_ink(space, values)
    if family in ("Separation", "DeviceN"):
        if space.name in ("All", "None"):
            return None      # registration marks; nothing
        out = evaluate(space.table, values) if space.table is not None else None
        ink = _base_ink(space.base, out) if out is not None else None
        names = space.colourants or (space.name,)
        if ink is None and all(n in PROCESS or n == "None" for n in names):
            ink = sum(v for n, v in zip(names, values) if n != "None") * 100
        return ink
    if family == "Indexed" and values and space.base is not None:
        entry = _palette(space)
        index = int(values[0])
        return _base_ink(space.base, entry[index]) if 0 <= index < len(entry) else None
    if family == "Pattern" and space.base is not None:
        return ink_of(space.base, values)
    return None


def _palette(space) -> list[tuple[float, ...]]:
    table = space.table
    data = table.read_bytes() if isinstance(table, objects.AnyStream) else bytes(table)
    n = space.base.components or 1
    return [tuple(b / 255 for b in data[i:i + n]) for i in range(0, len(data) - n + 1, n)]


def _no_ink(space, values) -> bool:
    if space.family == "DeviceCMYK":
        return len(values) >= 4 and sum(values[:4]) <= 0.001
    if space.family == "DeviceGray":
        return bool(values) and values[0] >= 0.999
    if space.family in ("Separation", "DeviceN") and space.name not in ("All", "None"):
        return bool(values) and max(values) <= 0.001
    return False


def _percentages(values) -> str:
    return "/".join(f"{v * 100:.0f}" for v in values)


def _filters(stream_dict) -> list[str]:
    value = stream_dict.get("/Filter") if stream_dict is not None else None
    names = [value] if isinstance(value, Name) else list(value) if isinstance(value, objects.AnyArray) else []
    return [FILTER_ABBREVIATIONS.get(str(n), str(n)) for n in names]


def stream_problems(stream_dict, no: int, obj: str, at: Point | None = None) -> list[Finding]:
    """What a stream's dictionary alone shows: LZW, newer filters, data kept in another file."""
    out = []
    for name in _filters(stream_dict):
        if name == "/LZWDecode":
            out.append(finding("iso/filter", no, obj, "LZW compression: not allowed in PDF/X-1a", position=at))
        elif name in NEWER_FILTERS:
            out.append(finding("iso/beyond-1.3", no, obj, f"{NEWER_FILTERS[name]} compression behind a "
                                                          f"PDF 1.3 header", position=at))
    if stream_dict is not None and "/F" in stream_dict:
        out.append(finding("iso/embedded-files", no, obj, "the stream's data is in another file (/F)",
                           position=at))
    return out


class _Collector:
    """Findings, each once (the first place it occurs), and the figures, while the events are read."""

    def __init__(self):
        self.findings: list[Finding] = []
        self.keys: set = set()
        self.ink, self.ink_obj, self.ink_at = 0.0, "", None
        self.ppi, self.ppi_obj, self.ppi_at = None, "", None

    def add(self, key, item: Finding) -> None:
        if key not in self.keys:
            self.keys.add(key)
            self.findings.append(item)

    def extend(self, items: list[Finding]) -> None:
        for item in items:
            self.add((item.rule, item.obj, item.message), item)

    def saw_ink(self, ink: float | None, obj: str, at: Point | None) -> None:
        if ink is not None and ink > self.ink + 0.01:
            self.ink, self.ink_obj, self.ink_at = ink, obj, at

    def figures(self) -> ContentFigures:
        def rounded(at):
            return (round(at[0], 2), round(at[1], 2)) if at is not None else None

        return ContentFigures(round(self.ink, 1), self.ink_obj, rounded(self.ink_at),
                              round(self.ppi, 1) if self.ppi is not None else None, self.ppi_obj,
                              rounded(self.ppi_at))


def content_findings(events, trim: Extent, limits: Limits, image_ink: Callable, no: int = 0
                     ) -> tuple[list[Finding], ContentFigures]:
    out = _Collector()
    for ev in events:
        if ev.kind in ("text", "fill", "stroke"):
            _painting(ev, trim, limits, out, no)
        elif ev.kind == "shading":
            _shading(ev, limits, out, no)
        elif ev.kind == "gs":
            _graphics_state(ev, out, no)
        elif ev.kind == "form":
            _form(ev, out, no)
        elif ev.kind == "image":
            _image(ev, limits, image_ink, out, no)
        elif ev.kind == "postscript":
            obj = ev.name if ev.name == "PS operator" else f"PostScript XObject {ev.name}"
            out.add(("ps", ev.where, ev.name), finding("iso/postscript", no, f"{ev.where}, {obj}",
                                                       "PostScript: not allowed in PDF/X"))
        elif ev.kind == "operator":
            out.add(("op", ev.name), finding("iso/operators", no, ev.where,
                                             f"operator {ev.name} is not a PDF 1.3 operator"))
        elif ev.kind == "default-space":
            problem = colour_problem(colour_space(ev.obj, None))
            if problem:
                out.add(("default", ev.where, ev.name), finding(
                    "iso/colour", no, f"{ev.where}, colour space {ev.name}",
                    f"{problem} (it replaces {ev.name[8:]} for all that is painted in it)"))
        elif ev.kind == "unreadable":
            out.add(("unreadable", ev.where), finding("iso/file", no, ev.where, "content stream cannot be read"))
    return out.findings, out.figures()


def _painting(ev: Event, trim: Extent, limits: Limits, out: _Collector, no: int) -> None:
    st = ev.state
    stroke = ev.kind == "stroke"
    space, values = (st.stroke_space, st.stroke) if stroke else (st.fill_space, st.fill)
    obj = f"{ev.where}, font {ev.name}" if ev.kind == "text" else ev.where
    problem = colour_problem(space)
    if problem:
        out.add(("colour", ev.where, space.family), finding("iso/colour", no, obj, f"{ev.kind} in {problem}",
                                                             position=ev.at))
    if space.name == "All":
        shows = overlaps(ev.extent, trim) if ev.extent is not None else inside(ev.at, trim)
        if shows:
            out.add(("registration", ev.where), finding(
                "house/registration", no, obj, f"{ev.kind} in registration colour (Separation /All) inside the "
                                               f"trim: it prints on every plate", position=ev.at))
        return
    ink = ink_of(space, values)
    out.saw_ink(ink, obj, ev.at)
    if ink is not None and ink > limits.ink_limit + 0.5:
        out.add(("ink", ev.where, space.family, values), finding(
            "house/ink", no, obj, f"{ev.kind} colour {_described(space, values)} has {ink:.0f} % ink, over "
                                  f"{limits.ink_limit:.0f} %", position=ev.at))
    overprint = st.stroke_overprint if stroke else st.fill_overprint
    if overprint and _no_ink(space, values):
        out.add(("white", ev.where, ev.kind), finding(
            "house/white-overprint", no, obj, f"white {ev.kind} set to overprint: it vanishes on the plate",
            position=ev.at))
    _black(ev, space, values, obj, out, no)
    if stroke:
        sx, sy = scale_of(st.ctm)
        width = st.line_width * min(sx, sy)
        if width < HAIRLINE and inside(ev.at, trim):
            out.add(("hairline", ev.where), finding(
                "house/hairline", no, obj, f"a {width:.2f} pt stroke: under {HAIRLINE} pt it may not print",
                "warning", ev.at))
    if ev.kind == "text" and 0 < ev.size < SMALL_TEXT - 0.005 and inside(ev.at, trim):
        out.add(("small", ev.where, ev.name), finding(
            "house/small-text", no, obj, f"text at {ev.size:.1f} pt: under {SMALL_TEXT:.0f} pt it fills in on "
                                         f"newsprint", "warning", ev.at))


def _described(space, values) -> str:
    if space.family == "DeviceCMYK":
        return _percentages(values)
    label = f"Separation /{space.name}" if space.family == "Separation" else space.family
    return f"{label} {_percentages(values)}"


def _black(ev: Event, space, values, obj: str, out: _Collector, no: int) -> None:
    """Black text and thin rules overprint in 100 % K (the house's rule for coldset newsprint)."""
    st = ev.state
    if space.family == "DeviceCMYK" and len(values) == 4:
        c, m, y, k = values
        black = k >= 0.999 and c + m + y < 0.001
        if ev.kind == "text" and k >= 0.8 and c + m + y > 0.05:
            out.add(("rich", ev.where, values), finding(
                "house/black-overprint", no, obj, f"rich black text {_percentages(values)}: black text is "
                                                  f"100 % K only", position=ev.at))
        if ev.kind == "text" and black and not (st.fill_overprint and st.overprint_mode == 1):
            out.add(("text-op", ev.where), finding(
                "house/black-overprint", no, obj, "black text does not overprint (needs op true and OPM 1)",
                position=ev.at))
        sx, sy = scale_of(st.ctm)
        if (ev.kind == "stroke" and black and st.line_width * max(sx, sy) <= THIN_RULE
                and not (st.stroke_overprint and st.overprint_mode == 1)):
            out.add(("rule-op", ev.where), finding(
                "house/black-overprint", no, obj, "thin black rule does not overprint (needs OP true and OPM 1)",
                position=ev.at))
    if space.family == "DeviceGray" and ev.kind == "text" and values and values[0] <= 0.001:
        out.add(("grey", ev.where), finding(
            "house/black-overprint", no, obj, "black text in DeviceGray: set it in 100 % K so it can overprint",
            "warning", ev.at))


def _shading(ev: Event, limits: Limits, out: _Collector, no: int) -> None:
    shading = ev.obj
    if not isinstance(shading, objects.AnyDictionary | objects.AnyStream):
        return
    obj = f"{ev.where}, shading {ev.name}"
    space = colour_space(shading.get("/ColorSpace", Name.DeviceGray), None)
    problem = colour_problem(space)
    if problem:
        out.add(("colour", obj), finding("iso/colour", no, obj, f"shading in {problem}", position=ev.at))
        return
    function = shading.get("/Function")
    if function is None:
        return       # a mesh's colours are in its data
    domain = [float(v) for v in shading.get("/Domain", [0, 1])]
    kind = int(shading.get("/ShadingType", 0))
    if kind == 1:
        samples = [[domain[0] + (domain[1] - domain[0]) * i / 2, domain[2] + (domain[3] - domain[2]) * j / 2]
                   for i in range(3) for j in range(3)] if len(domain) == 4 else []
    else:
        samples = [[domain[0] + (domain[1] - domain[0]) * i / 8] for i in range(9)]
    peak = None
    for t in samples:
        colour = evaluate(function, t)
        ink = ink_of(space, colour) if colour is not None and space.family != "Indexed" else None
        if ink is not None and (peak is None or ink > peak):
            peak = ink
    out.saw_ink(peak, obj, ev.at)
    if peak is not None and peak > limits.ink_limit + 0.5:
        out.add(("ink", obj), finding("house/ink", no, obj, f"shading reaches {peak:.0f} % ink, over "
                                                            f"{limits.ink_limit:.0f} %", position=ev.at))


def _halftone(ht, no: int, obj: str, out: _Collector, depth: int = 0) -> None:
    if isinstance(ht, Name) or depth > 2 or not isinstance(ht, objects.AnyDictionary | objects.AnyStream):
        return      # /Default: the device's own screen
    kind = int(ht.get("/HalftoneType", 0))
    if kind not in (1, 5):
        out.add(("ht", obj, kind), finding("iso/halftone", no, obj, f"halftone of type {kind}: only types 1 "
                                                                    f"and 5 are allowed"))
    if "/HalftoneName" in ht:
        out.add(("htname", obj), finding("iso/halftone", no, obj, f"named halftone {ht.HalftoneName}"))
    transfer = ht.get("/TransferFunction")
    if transfer is not None and str(transfer) not in IDENTITY_TRANSFERS:
        out.add(("httr", obj), finding("iso/transfer", no, obj, "the halftone carries a transfer function"))
    if kind == 5:
        for key, component in ht.items():
            if key not in ("/Type", "/HalftoneType", "/HalftoneName"):
                _halftone(component, no, obj, out, depth + 1)


def _graphics_state(ev: Event, out: _Collector, no: int) -> None:
    gs = ev.obj
    obj = f"{ev.where}, ExtGState {ev.name}"
    if "/SMask" in gs and str(gs.SMask) != "/None":
        out.add(("smask", obj), finding("iso/transparency", no, obj, "soft mask (transparency)"))
    for key in ("/CA", "/ca"):
        if key in gs and float(gs[key]) < 1:
            out.add(("alpha", obj, key), finding("iso/transparency", no, obj, f"alpha {key[1:]} = {float(gs[key])}"))
    if "/BM" in gs and str(gs.BM) not in ("/Normal", "/Compatible"):
        out.add(("bm", obj), finding("iso/transparency", no, obj, f"blend mode {gs.BM}"))
    for key in ("/TR", "/TR2"):
        if key in gs and str(gs[key]) not in IDENTITY_TRANSFERS:
            out.add(("tr", obj, key), finding("iso/transfer", no, obj, f"transfer function ({key[1:]})"))
    if "/HT" in gs:
        _halftone(gs.HT, no, obj, out)
    if "/HTP" in gs:
        out.add(("htp", obj), finding("iso/halftone", no, obj, "halftone phase (HTP)"))


def _form(ev: Event, out: _Collector, no: int) -> None:
    form = ev.obj
    obj = f"{ev.where}, form {ev.name}" if ev.where != "page content" else f"form {ev.name}"
    if "/Group" in form and str(form.Group.get("/S", "")) == "/Transparency":
        out.add(("group", obj), finding("iso/transparency", no, obj, "transparency group", position=ev.at))
    if "/OPI" in form:
        out.add(("opi", obj), finding("iso/opi", no, obj, "OPI: the picture is a placeholder for one "
                                                          "elsewhere", position=ev.at))
    if str(form.get("/Subtype2", "")) == "/PS" or "/PS" in form:
        out.add(("ps", obj), finding("iso/postscript", no, obj, "PostScript form", position=ev.at))
    out.extend(stream_problems(form.stream_dict, no, obj, ev.at))


def _image(ev: Event, limits: Limits, image_ink: Callable, out: _Collector, no: int) -> None:
    inline = ev.name == "inline image"
    image = ev.obj.obj if inline else ev.obj
    obj = f"{ev.where}, inline image" if inline else (
        f"image {ev.name}" if ev.where == "page content" else f"{ev.where}, image {ev.name}")
    at = ev.at
    out.extend(stream_problems(image, no, obj, at))
    if int(image.get("/BitsPerComponent", 8)) == 16:
        out.add(("16", obj), finding("iso/beyond-1.3", no, obj, "16 bits a component (PDF 1.5)", position=at))
    if "/SMask" in image:
        out.add(("smask", obj), finding("iso/transparency", no, obj, "image has a soft mask (SMask): "
                                                                     "transparency", position=at))
    if int(image.get("/SMaskInData", 0)):
        out.add(("smask", obj), finding("iso/transparency", no, obj, "JPX image with its own alpha (SMaskInData)",
                                        position=at))
    if "/OPI" in image:
        out.add(("opi", obj), finding("iso/opi", no, obj, "OPI: the picture is a placeholder for one elsewhere",
                                      position=at))
    alternates = image.get("/Alternates")
    if alternates is not None:
        printing = any(bool(a.get("/DefaultForPrinting", False)) for a in alternates
                       if isinstance(a, objects.AnyDictionary))
        out.add(("alt", obj), finding("iso/alternates", no, obj, "an alternate image is the default for printing"
                                      if printing else "alternate images (Alternates)",
                                      "error" if printing else "warning", at))
    if image.get("/ImageMask", False):
        problem = colour_problem(ev.state.fill_space)
        if problem:
            out.add(("colour", obj), finding("iso/colour", no, obj, f"stencil mask painted in {problem}",
                                             position=at))
        return
    space = colour_space(image.get("/ColorSpace", Name.DeviceGray), ev.resources)
    if "/ColorSpace" in image or "/JPXDecode" not in _filters(image):
        problem = colour_problem(space)
        if problem:
            out.add(("colour", obj), finding("iso/colour", no, obj, f"image in {problem}", position=at))
    width_pt, height_pt = scale_of(ev.state.ctm)
    if width_pt > 0 and height_pt > 0:
        ppi = min(int(image.get("/Width", 0)) / (width_pt / 72), int(image.get("/Height", 0)) / (height_pt / 72))
        if out.ppi is None or ppi < out.ppi:
            out.ppi, out.ppi_obj, out.ppi_at = ppi, obj, at
        if ppi < limits.min_ppi:
            out.add(("ppi", obj), finding("house/resolution", no, obj, f"{ppi:.0f} ppi where placed: below "
                                                                       f"{limits.min_ppi:.0f}", position=at))
        elif ppi < limits.warn_ppi:
            out.add(("ppi", obj), finding("house/resolution", no, obj, f"{ppi:.0f} ppi where placed: below "
                                                                       f"{limits.warn_ppi:.0f}", "warning", at))
    ink = _image_ink_of(image, space, inline, image_ink)
    out.saw_ink(ink, obj, at)
    if ink is not None and ink > limits.ink_limit + 1:
        out.add(("ink", obj), finding("house/ink", no, obj, f"up to {ink:.0f} % ink, over {limits.ink_limit:.0f} %",
                                      position=at))


def _image_ink_of(image, space, inline: bool, image_ink: Callable) -> float | None:
    """An image's highest total ink: CMYK decoded (remembered), an indexed image by its palette,
    a spot-colour image by its highest tint through the tint transform."""
    if space.family == "DeviceCMYK" and not inline:
        return image_ink(image)
    if space.family == "Indexed" and space.base is not None and space.base.family in PRINTABLE_BASES:
        inks = [_base_ink(space.base, entry) for entry in _palette(space)]
        return max((i for i in inks if i is not None), default=None)
    if space.family == "Separation" and not inline and int(image.get("/BitsPerComponent", 8)) == 8:
        try:
            data = objects.image_samples(image)
        except Exception:  # noqa: BLE001 — an exotic filter; the other rules still run
            return None
        decode = [float(v) for v in image.get("/Decode", [0, 1])]
        tints = [decode[0] + b / 255 * (decode[1] - decode[0]) for b in (min(data, default=0), max(data, default=0))]
        inks = [ink_of(space, (t,)) for t in tints]
        return max((i for i in inks if i is not None), default=None)
    return None
