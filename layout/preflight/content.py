"""Walking a PDF page's content the way a RIP does, for preflight: the graphics state at every
text, stroke, fill and image, through form XObjects, q/Q and cm.

It reads any PDF (pikepdf), not only ours, and knows only what preflight asks: colour spaces and
values, overprint state, line widths and the placed size of images.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

import pikepdf
from pikepdf import Name

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
TEXT_SHOW = {"Tj", "TJ", "'", '"'}
# Operators that change nothing preflight follows: text positioning and spacing, path construction,
# dash and join styles.
_NO_STATE_CHANGE = {"Tm", "Td", "TD", "T*", "Tc", "Tw", "Tz", "TL", "Ts", "Tr", "BT", "ET", "m", "l", "c", "v", "y",
                     "re", "h", "n", "W", "W*", "d", "j", "J", "M", "ri", "i"}
STROKES = {"S", "s", "B", "B*", "b", "b*"}
FILLS = {"f", "F", "f*", "B", "B*", "b", "b*"}


def multiply(m: Matrix, n: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


@dataclass(frozen=True)
class ColourSpace:
    family: str                 # DeviceGray, DeviceRGB, DeviceCMYK, ICCBased, Separation, DeviceN, Lab, ...
    components: int
    name: str = ""              # Separation colourant, e.g. All
    rgb_like: bool = False      # RGB, CalRGB, Lab, ICCBased N=3, or an alternate/base that is


DEVICE_GREY = ColourSpace("DeviceGray", 1)
DEVICE_RGB = ColourSpace("DeviceRGB", 3, rgb_like=True)
DEVICE_CMYK = ColourSpace("DeviceCMYK", 4)


def colour_space(obj, resources) -> ColourSpace:
    """Resolve a colour space operand or object to what preflight needs of it."""
    if isinstance(obj, Name):
        key = str(obj)
        if key in ("/DeviceGray", "/G"):
            return DEVICE_GREY
        if key in ("/DeviceRGB", "/RGB"):
            return DEVICE_RGB
        if key in ("/DeviceCMYK", "/CMYK"):
            return DEVICE_CMYK
        if key == "/Pattern":
            return ColourSpace("Pattern", 0)
        named = resources.get("/ColorSpace", {}) if resources is not None else {}
        if key in named:
            return colour_space(named[key], resources)
        return ColourSpace(key.lstrip("/"), 0)
    if isinstance(obj, pikepdf.Array) and len(obj):
        family = str(obj[0]).lstrip("/")
        if family == "ICCBased":
            n = int(obj[1].get("/N", 0))
            return ColourSpace("ICCBased", n, rgb_like=n == 3)
        if family in ("CalRGB", "Lab"):
            return ColourSpace(family, 3, rgb_like=True)
        if family == "CalGray":
            return ColourSpace(family, 1)
        if family == "Separation":
            alt = colour_space(obj[2], resources)
            return ColourSpace("Separation", 1, str(obj[1]).lstrip("/"), alt.rgb_like)
        if family == "DeviceN":
            alt = colour_space(obj[2], resources)
            return ColourSpace("DeviceN", len(obj[1]), "", alt.rgb_like)
        if family in ("Indexed", "I"):
            base = colour_space(obj[1], resources)
            return ColourSpace("Indexed", 1, "", base.rgb_like)
        if family == "Pattern":
            return ColourSpace("Pattern", 0)
    return ColourSpace("unknown", 0)


@dataclass(slots=True)
class State:
    """The graphics state preflight follows; mutable while walking, copied into each event."""

    ctm: Matrix = IDENTITY
    fill_space: ColourSpace = DEVICE_GREY
    fill: tuple[float, ...] = (0.0,)
    stroke_space: ColourSpace = DEVICE_GREY
    stroke: tuple[float, ...] = (0.0,)
    line_width: float = 1.0
    fill_overprint: bool = False
    stroke_overprint: bool = False
    overprint_mode: int = 0
    font: str = ""

    def copy(self) -> "State":
        # By hand: copy.copy goes through __reduce_ex__, five times slower, and preflight copies
        # the state for every event of every page.
        return State(self.ctm, self.fill_space, self.fill, self.stroke_space, self.stroke, self.line_width,
                     self.fill_overprint, self.stroke_overprint, self.overprint_mode, self.font)


@dataclass(frozen=True)
class Event:
    kind: str                   # text, stroke, fill, image, gs
    state: State
    where: str                  # "page content" or "form /Fm1" …
    name: str = ""              # image or ExtGState resource name
    obj: object = None          # the image stream or ExtGState dictionary


@dataclass
class _Walker:
    page_no: int
    events: list[Event] = field(default_factory=list)
    depth: int = 0

    def walk(self, content, resources, state: State, where: str) -> None:
        if self.depth > 12:
            return
        stack: list[State] = []
        reported: set[str] = set()   # kinds of painting already reported in the current state
        try:
            instructions = pikepdf.parse_content_stream(content)
        except pikepdf.PdfError:
            self.events.append(Event("unreadable", state, where))
            return
        for inst in instructions:
            if isinstance(inst, pikepdf.ContentStreamInlineImage):
                self.events.append(Event("image", state, where, "inline image", inst.iimage))
                continue
            op = str(inst.operator)
            if op in _NO_STATE_CHANGE:
                continue
            if op in TEXT_SHOW or op in STROKES or op in FILLS:
                # Painting in the same state as the painting of its kind before it decides nothing
                # new (a page has thousands of text runs and a QR code hundreds of squares).
                for kind in (("text",) if op in TEXT_SHOW else
                             ("stroke",) * (op in STROKES) + ("fill",) * (op in FILLS)):
                    if kind not in reported:
                        reported.add(kind)
                        self.events.append(Event(kind, state.copy(), where, state.font if kind == "text" else ""))
                continue
            args = list(inst.operands)
            # Any other operator may change the state: what is painted next is painted in a new one.
            reported.clear()
            if op == "q":
                stack.append(state.copy())
            elif op == "Q":
                state = stack.pop() if stack else state
            elif op == "cm" and len(args) == 6:
                state.ctm = multiply(tuple(float(x) for x in args), state.ctm)
            elif op == "w" and args:
                state.line_width = float(args[0])
            elif op in ("cs", "CS") and args:
                space = colour_space(args[0], resources)
                initial = (0.0,) * space.components if space.family != "DeviceCMYK" else (0.0, 0.0, 0.0, 1.0)
                if op == "cs":
                    state.fill_space, state.fill = space, initial
                else:
                    state.stroke_space, state.stroke = space, initial
            elif op in ("sc", "scn", "SC", "SCN"):
                values = tuple(float(a) for a in args if _is_number(a))  # a pattern name may follow
                if op in ("sc", "scn"):
                    state.fill = values
                else:
                    state.stroke = values
            elif op in ("g", "G", "rg", "RG", "k", "K"):
                space = {"g": DEVICE_GREY, "G": DEVICE_GREY, "rg": DEVICE_RGB, "RG": DEVICE_RGB,
                         "k": DEVICE_CMYK, "K": DEVICE_CMYK}[op]
                values = tuple(float(a) for a in args)
                if op.islower():
                    state.fill_space, state.fill = space, values
                else:
                    state.stroke_space, state.stroke = space, values
            elif op == "gs" and args:
                gs = (resources.get("/ExtGState", {}) if resources is not None else {}).get(str(args[0]))
                if gs is not None:
                    _apply_gs(state, gs)
                    self.events.append(Event("gs", state.copy(), where, str(args[0]), gs))
            elif op == "Tf" and args:
                state.font = str(args[0])
            elif op == "sh":
                self.events.append(Event("fill", state.copy(), where))
            elif op == "Do" and args:
                xobjects = resources.get("/XObject", {}) if resources is not None else {}
                xobj = xobjects.get(str(args[0]))
                if xobj is None:
                    continue
                subtype = str(xobj.get("/Subtype", ""))
                if subtype == "/Image":
                    self.events.append(Event("image", state.copy(), where, str(args[0]), xobj))
                elif subtype == "/Form":
                    matrix = tuple(float(x) for x in xobj.get("/Matrix", IDENTITY))
                    inner = state.copy()
                    inner.ctm = multiply(matrix, state.ctm)
                    self.depth += 1
                    self.events.append(Event("form", inner, where, str(args[0]), xobj))
                    self.walk(xobj, xobj.get("/Resources", resources), inner, f"form {args[0]}")
                    self.depth -= 1


def _is_number(value) -> bool:
    try:
        float(value)
        return not isinstance(value, (Name, pikepdf.String))
    except (TypeError, ValueError):
        return False


def _apply_gs(state: State, gs) -> None:
    if "/OP" in gs:
        state.stroke_overprint = bool(gs.OP)
        if "/op" not in gs:  # op defaults to OP (PDF 1.3 §4.3.4)
            state.fill_overprint = bool(gs.OP)
    if "/op" in gs:
        state.fill_overprint = bool(gs.op)
    if "/OPM" in gs:
        state.overprint_mode = int(gs.OPM)
    if "/LW" in gs:
        state.line_width = float(gs.LW)


def page_events(page: pikepdf.Page, page_no: int) -> Iterator[Event]:
    walker = _Walker(page_no)
    walker.walk(page, page.obj.get("/Resources"), State(), "page content")
    return iter(walker.events)


def scale_of(ctm: Matrix) -> tuple[float, float]:
    """The lengths the unit square's sides have in page space: an image's placed width and height."""
    a, b, c, d, _, _ = ctm
    return (a * a + b * b) ** 0.5, (c * c + d * d) ** 0.5
