"""Walking a PDF page's content the way a RIP does, for preflight: the graphics state at every
text, stroke, fill, shading and image, through form XObjects, patterns, q/Q and cm, and where on
the page each is.

It reads any PDF (through objects.py: the engine's own reader or pikepdf), not only ours, and knows only what preflight asks: colour spaces and
values, overprint state, line widths, font sizes, positions and the placed size of images.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from . import objects
from .objects import AnyName as Name

Matrix = tuple[float, float, float, float, float, float]
Extent = tuple[float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
TEXT_SHOW = {"Tj", "TJ", "'", '"'}
STROKES = {"S", "s", "B", "B*", "b", "b*"}
FILLS = {"f", "F", "f*", "B", "B*", "b", "b*"}
PATH_CONSTRUCTION = {"m", "l", "c", "v", "y", "re", "h"}
# Operators that change nothing preflight follows: spacing, dash and join styles, clipping (the path
# goes on to its painting operator), marked content, Type 3 glyph metrics.
_NO_STATE_CHANGE = {"Tc", "Tw", "Tz", "Ts", "ET", "W", "W*", "d", "j", "J", "M", "ri", "i", "MP", "DP", "BMC",
                    "BDC", "EMC", "d0", "d1"}
_TEXT_POSITIONING = {"Td", "TD", "T*", "TL", "BT"}
# What each painting operator paints; n ends a path and paints nothing.
_PAINTS = {op: ("text",) for op in TEXT_SHOW} | {
    op: ("stroke",) * (op in STROKES) + ("fill",) * (op in FILLS) for op in STROKES | FILLS} | {"n": ()}
# Every operator of PDF 1.3 (Reference, 3rd edition, appendix A); the inline image's BI ID EI arrive
# as one instruction.
PDF13_OPERATORS = frozenset(
    "b B b* B* BDC BMC BT BX c cm CS cs d d0 d1 Do DP EMC ET EX f F f* G g gs h i j J K k l m M MP n "
    "q Q re RG rg ri s S SC sc SCN scn sh T* Tc Td TD Tf Tj TJ TL Tm Tr Ts Tw Tz v w W W* y ' \" PS".split())
MAX_NESTING = 12   # forms and patterns inside each other: a deeper (or cyclic) file is not followed
TRIM_TOLERANCE = 0.5      # pt: a mark ending on the trim line is not inside it


def multiply(m: Matrix, n: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def transform(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def bounds(points) -> Extent | None:
    points = list(points)
    if not points:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def intersection(a: Extent | None, b: Extent | None) -> Extent | None:
    """The overlap of two boxes (None for either: no limit); an empty overlap has x0 > x1 or y0 > y1."""
    if a is None or b is None:
        return a or b
    return max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])


def inside(point: tuple[float, float] | None, box: Extent | None, tolerance: float = TRIM_TOLERANCE) -> bool:
    """Is a point inside a box (None: everywhere), by more than the tolerance?"""
    if point is None or box is None:
        return True
    x, y = point
    return box[0] + tolerance < x < box[2] - tolerance and box[1] + tolerance < y < box[3] - tolerance


def overlaps(area: Extent, box: Extent | None, tolerance: float = TRIM_TOLERANCE) -> bool:
    """Does an area reach into a box (None: everywhere) by more than the tolerance?"""
    if box is None:
        return True
    return (area[0] < box[2] - tolerance and area[2] > box[0] + tolerance
            and area[1] < box[3] - tolerance and area[3] > box[1] + tolerance)


def placed_box(m: Matrix, box: Extent = (0.0, 0.0, 1.0, 1.0)) -> Extent:
    """Where a box (an image's unit square, a form's BBox) lands on the page under matrix m."""
    x0, y0, x1, y1 = box
    return bounds(transform(m, x, y) for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1)))


@dataclass(frozen=True)
class ColourSpace:
    family: str                 # DeviceGray, DeviceRGB, DeviceCMYK, ICCBased, Separation, DeviceN, Lab, ...
    components: int
    name: str = ""              # Separation colourant: All, None, Cyan, a spot colour's name
    colourants: tuple[str, ...] = ()          # DeviceN's
    base: ColourSpace | None = None           # Separation/DeviceN alternate, Indexed/Pattern base
    # The tint transform (Separation, DeviceN) or lookup table (Indexed) as a PDF object.
    table: object = field(default=None, compare=False, hash=False, repr=False)


DEVICE_GREY = ColourSpace("DeviceGray", 1)
DEVICE_RGB = ColourSpace("DeviceRGB", 3)
DEVICE_CMYK = ColourSpace("DeviceCMYK", 4)
_DEVICE_NAMES = {"/DeviceGray": DEVICE_GREY, "/G": DEVICE_GREY, "/DeviceRGB": DEVICE_RGB, "/RGB": DEVICE_RGB,
                 "/DeviceCMYK": DEVICE_CMYK, "/CMYK": DEVICE_CMYK}


def colour_space(obj, resources, depth: int = 0) -> ColourSpace:
    """Resolve a colour space operand or object to what preflight needs of it."""
    if depth > MAX_NESTING:
        return ColourSpace("unknown", 0)
    if isinstance(obj, Name):
        key = str(obj)
        if key in _DEVICE_NAMES:
            return _DEVICE_NAMES[key]
        if key == "/Pattern":
            return ColourSpace("Pattern", 0)
        named = resources.get("/ColorSpace", {}) if resources is not None else {}
        if key in named:
            return colour_space(named[key], resources, depth + 1)
        return ColourSpace(key.lstrip("/"), 0)
    if isinstance(obj, objects.AnyArray) and len(obj):
        family = str(obj[0]).lstrip("/")
        try:
            if family == "ICCBased":
                return ColourSpace("ICCBased", int(obj[1].get("/N", 0)))
            if family in ("CalRGB", "Lab"):
                return ColourSpace(family, 3)
            if family == "CalGray":
                return ColourSpace(family, 1)
            if family == "Separation":
                return ColourSpace("Separation", 1, str(obj[1]).lstrip("/"), (),
                                   colour_space(obj[2], resources, depth + 1), obj[3])
            if family == "DeviceN":
                names = tuple(str(n).lstrip("/") for n in obj[1])
                return ColourSpace("DeviceN", len(names), "", names, colour_space(obj[2], resources, depth + 1),
                                   obj[3])
            if family in ("Indexed", "I"):
                return ColourSpace("Indexed", 1, "", (), colour_space(obj[1], resources, depth + 1), obj[3])
            if family == "Pattern":
                base = colour_space(obj[1], resources, depth + 1) if len(obj) > 1 else None
                return ColourSpace("Pattern", base.components if base else 0, "", (), base)
            if len(obj) == 1:
                return colour_space(obj[0], resources, depth + 1)
        except (IndexError, TypeError, ValueError, AttributeError):
            return ColourSpace(f"malformed {family}", 0)
        return ColourSpace(family, 0)
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
    font_size: float = 0.0
    render_mode: int = 0        # Tr: 3 invisible, 7 clip only
    clip: Extent | None = None  # the enclosing forms' BBoxes on the page: nothing shows outside

    def copy(self) -> "State":
        # By hand: copy.copy goes through __reduce_ex__, five times slower, and preflight copies
        # the state for every event of every page.
        return State(self.ctm, self.fill_space, self.fill, self.stroke_space, self.stroke, self.line_width,
                     self.fill_overprint, self.stroke_overprint, self.overprint_mode, self.font, self.font_size,
                     self.render_mode, self.clip)


@dataclass(frozen=True)
class Event:
    # text, stroke, fill, shading, image, form, pattern, gs, postscript, operator, default-space, unreadable
    kind: str
    state: State
    where: str                  # "page content", "form /Fm1", "pattern /P1", "annotation /Link" …
    name: str = ""              # the resource's name (image, form, ExtGState, shading, pattern) or operator
    obj: object = None          # the image stream, form, ExtGState, shading or pattern dictionary
    at: tuple[float, float] | None = None     # where on the page: path start, text origin, image corner
    extent: Extent | None = None   # the painted area, where known (images, forms, registration-coloured paths)
    size: float = 0.0           # text: the size it is set at on the page, in points
    resources: object = None    # inline images: the resources their colour space name is looked up in


def _is_number(value) -> bool:
    try:
        float(value)
        return not isinstance(value, (Name, objects.AnyString))
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
    if "/Font" in gs and len(gs.Font) == 2:
        state.font_size = float(gs.Font[1])


def _text_matrix(text_ops: list) -> Matrix:
    """The text line matrix after the positioning operators since BT (replayed only for an event)."""
    tlm, leading = IDENTITY, 0.0
    for inst in text_ops:
        op, o = str(inst.operator), inst.operands
        if op == "Tm" and len(o) == 6:
            tlm = tuple(float(v) for v in o)
        elif op in ("Td", "TD") and len(o) == 2:
            if op == "TD":
                leading = -float(o[1])
            tlm = multiply((1.0, 0.0, 0.0, 1.0, float(o[0]), float(o[1])), tlm)
        elif op == "TL" and o:
            leading = float(o[0])
        elif op in ("T*", "'", '"'):
            tlm = multiply((1.0, 0.0, 0.0, 1.0, 0.0, -leading), tlm)
    return tlm


def _path_start(path: list, ctm: Matrix) -> tuple[float, float] | None:
    """Where a path begins on the page: its first m or re."""
    for inst in path:
        o = inst.operands
        if len(o) >= 2:
            return transform(ctm, float(o[0]), float(o[1]))
    return None


def _path_area(path: list, ctm: Matrix) -> Extent | None:
    """The bounding box of a path's points (control points too) on the page."""
    a, b, c, d, e, f = ctm
    xs, ys = [], []
    for inst in path:
        o = [float(v) for v in inst.operands]
        if len(o) == 4 and str(inst.operator) == "re":
            x, y, w, h = o
            o = [x, y, x + w, y, x, y + h, x + w, y + h]
        for i in range(0, len(o) - 1, 2):
            xs.append(a * o[i] + c * o[i + 1] + e)
            ys.append(b * o[i] + d * o[i + 1] + f)
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def _shading_origin(shading, ctm: Matrix) -> tuple[float, float] | None:
    """Where a shading painted with sh starts: its BBox's corner, or its axis's (or circle's) start."""
    if not isinstance(shading, objects.AnyDictionary | objects.AnyStream):
        return None
    for key in ("/BBox", "/Coords"):
        numbers = shading.get(key)
        if isinstance(numbers, objects.AnyArray) and len(numbers) >= 2:
            return transform(ctm, float(numbers[0]), float(numbers[1]))
    return None


@dataclass
class _Walker:
    trim: Extent | None = None       # the finished page: registration colour matters only inside it
    events: list[Event] = field(default_factory=list)
    depth: int = 0
    patterns: set = field(default_factory=set)   # walked once a page, however often they are used

    def paint(self, kind: str, state: State, where: str, path: list, text_ops: list, registration: bool,
              first: bool) -> None:
        """An event for a painting, with where it is. Registration colour (``registration``) is followed
        to every painting, and its area given, but reported only where it shows inside the trim (or as
        the ``first`` of its state, for the rules on colour alone)."""
        if kind == "text":
            trm = multiply(_text_matrix(text_ops), state.ctm)
            at = (trm[4], trm[5])
            if registration and not first and (not inside(at, state.clip, 0.0) or not inside(at, self.trim)):
                return
            size = abs(state.font_size) * (trm[2] * trm[2] + trm[3] * trm[3]) ** 0.5
            self.events.append(Event("text", state.copy(), where, state.font, at=at, size=size))
            return
        if not registration:
            self.events.append(Event(kind, state.copy(), where, at=_path_start(path, state.ctm)))
            return
        area = intersection(_path_area(path, state.ctm), state.clip)
        if area is not None and (area[0] > area[2] or area[1] > area[3]):
            return      # clipped away by a form's BBox (a supplied page's own marks)
        if not first and (area is None or not overlaps(area, self.trim)):
            return
        self.events.append(Event(kind, state.copy(), where, at=_path_start(path, state.ctm), extent=area))

    def walk(self, content, resources, state: State, where: str) -> None:
        if self.depth > MAX_NESTING:
            return
        try:
            instructions = objects.parse_content_stream(content)
        except objects.read_errors():
            self.events.append(Event("unreadable", state, where))
            return
        spaces = resources.get("/ColorSpace") if resources is not None else None
        if spaces is not None:
            for key in spaces.keys():
                if key.startswith("/Default"):   # DefaultCMYK … replace the device space they name
                    self.events.append(Event("default-space", state.copy(), where, key, spaces[key]))
        base_ctm = state.ctm                      # patterns are placed in the stream's own space
        stack: list[State] = []
        reported: set[str] = set()   # kinds of painting already reported in the current state
        path: list = []              # the current path's construction operators
        text_ops: list = []          # positioning operators since BT or the last Tm
        text_scale = None            # Tm's (c, d) at the last text event: a new size is a new event
        seen: set[str] = set()       # ExtGStates and unknown operators already reported
        inline_images = objects.may_hold_inline_images(content)
        # Every Tm of the stream leaves the text upright at its size (the own reader says so where it
        # is so): a Tm never changes the size text is set at, and its operands need not be read.
        upright = getattr(instructions, "upright_text", False)
        for inst in instructions:
            if inline_images and isinstance(inst, objects.AnyInlineImage):
                box = placed_box(state.ctm)
                self.events.append(Event("image", state.copy(), where, "inline image", inst.iimage,
                                         at=box[:2], extent=box, resources=resources))
                continue
            op = inst.operator
            if type(op) is not str:       # pikepdf's Operator; the own reader's is a str already
                op = str(op)
            if (op == "Tj" or op == "TJ") and "text" in reported and state.fill_space.name != "All":
                continue        # the commonest: more text in a state already reported
            if op == "Tm":
                text_ops = [inst]
                if text_scale is not None and "text" in reported and not upright:
                    # The size text is set at follows the text matrix's vertical axis (c, d) alone.
                    o = inst.operands
                    if len(o) == 6 and (o[3] != text_scale[1] or o[2] != text_scale[0]):
                        reported.discard("text")
                continue
            if op in PATH_CONSTRUCTION:
                path.append(inst)
                continue
            if op in _NO_STATE_CHANGE:
                continue
            if op in _TEXT_POSITIONING:
                if op == "BT":
                    # TL is text state and outlives the text object; the rest starts afresh.
                    text_ops = [i for i in text_ops if str(i.operator) == "TL"][-1:]
                else:
                    text_ops.append(inst)
                continue
            kinds = _PAINTS.get(op)
            if kinds is not None:
                # Painting in the same state as the painting of its kind before it decides nothing
                # new (a page has thousands of text runs); registration colour is followed to every
                # path, since only where it lies decides.
                if op == "'" or op == '"':
                    text_ops.append(inst)
                for kind in kinds:
                    if kind == "text" and state.render_mode in (3, 7):
                        continue        # invisible text: nothing is painted
                    registration = (state.stroke_space if kind == "stroke" else state.fill_space).name == "All"
                    if kind not in reported:
                        reported.add(kind)
                        self.paint(kind, state, where, path, text_ops, registration, first=True)
                        if kind == "text":
                            tm = text_ops[0].operands if text_ops and str(text_ops[0].operator) == "Tm" else None
                            text_scale = (tm[2], tm[3]) if tm is not None and len(tm) == 6 else (0, 1)
                    elif registration:
                        self.paint(kind, state, where, path, text_ops, registration, first=False)
                if op not in TEXT_SHOW:
                    path = []
                continue
            args = inst.operands
            # Any other operator may change the state: what is painted next is painted in a new one.
            changed = True
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
                if space.family == "Separation" or space.family == "DeviceN":
                    initial = (1.0,) * space.components    # tints start at full (PDF 1.3 §4.5.7)
                if op == "cs":
                    state.fill_space, state.fill = space, initial
                else:
                    state.stroke_space, state.stroke = space, initial
            elif op in ("sc", "scn", "SC", "SCN"):
                values = tuple(float(a) for a in args if _is_number(a))  # a pattern name may follow
                fill = op in ("sc", "scn")
                changed = values != (state.fill if fill else state.stroke)
                if fill:
                    state.fill = values
                else:
                    state.stroke = values
                space = state.fill_space if fill else state.stroke_space
                if args and isinstance(args[-1], Name) and space.family == "Pattern":
                    self.pattern(str(args[-1]), resources, state, base_ctm, where)
                    changed = True
            elif op in ("g", "G", "rg", "RG", "k", "K"):
                space = {"g": DEVICE_GREY, "G": DEVICE_GREY, "rg": DEVICE_RGB, "RG": DEVICE_RGB,
                         "k": DEVICE_CMYK, "K": DEVICE_CMYK}[op]
                values = tuple(float(a) for a in args)
                if op.islower():
                    changed = space is not state.fill_space or values != state.fill
                    state.fill_space, state.fill = space, values
                else:
                    changed = space is not state.stroke_space or values != state.stroke
                    state.stroke_space, state.stroke = space, values
            elif op == "gs" and args:
                name = str(args[0])
                gs = (resources.get("/ExtGState", {}) if resources is not None else {}).get(name)
                if gs is not None:
                    _apply_gs(state, gs)
                    if name not in seen:
                        seen.add(name)
                        self.events.append(Event("gs", state.copy(), where, name, gs))
            elif op == "Tf" and len(args) == 2:
                state.font, state.font_size = str(args[0]), float(args[1])
            elif op == "Tr" and args:
                state.render_mode = int(args[0])
            elif op == "sh" and args:
                shading = (resources.get("/Shading", {}) if resources is not None else {}).get(str(args[0]))
                self.events.append(Event("shading", state.copy(), where, str(args[0]), shading,
                                         at=_shading_origin(shading, state.ctm)))
            elif op == "Do" and args:
                self.xobject(str(args[0]), resources, state, where)
            elif op == "PS":
                self.events.append(Event("postscript", state.copy(), where, "PS operator"))
            elif op in ("BX", "EX"):
                changed = False
            elif op not in PDF13_OPERATORS and op not in seen:
                seen.add(op)
                self.events.append(Event("operator", state.copy(), where, op))
            if changed:
                reported.clear()

    def xobject(self, name: str, resources, state: State, where: str) -> None:
        xobjects = resources.get("/XObject", {}) if resources is not None else {}
        xobj = xobjects.get(name)
        if xobj is None:
            return
        subtype = str(xobj.get("/Subtype", ""))
        if subtype == "/Image":
            box = placed_box(state.ctm)
            self.events.append(Event("image", state.copy(), where, name, xobj, at=box[:2], extent=box))
        elif subtype == "/Form":
            matrix = tuple(float(x) for x in xobj.get("/Matrix", IDENTITY))
            inner = state.copy()
            inner.ctm = multiply(matrix, state.ctm)
            bbox = [float(v) for v in xobj.get("/BBox", [0, 0, 0, 0])]
            box = placed_box(inner.ctm, tuple(bbox)) if len(bbox) == 4 else None
            inner.clip = intersection(state.clip, box)
            self.events.append(Event("form", inner, where, name, xobj, at=box[:2] if box else None, extent=box))
            self.depth += 1
            self.walk(xobj, xobj.get("/Resources", resources), inner, f"form {name}")
            self.depth -= 1
        elif subtype == "/PS":
            self.events.append(Event("postscript", state.copy(), where, name, xobj))

    def pattern(self, name: str, resources, state: State, base_ctm: Matrix, where: str) -> None:
        pattern = (resources.get("/Pattern", {}) if resources is not None else {}).get(name)
        if pattern is None:
            return
        key = pattern.objgen if pattern.objgen != (0, 0) else (where, name)
        if key in self.patterns:
            return
        self.patterns.add(key)
        inner = state.copy()
        inner.ctm = multiply(tuple(float(x) for x in pattern.get("/Matrix", IDENTITY)), base_ctm)
        here = f"pattern {name}"
        self.events.append(Event("pattern", inner, where, name, pattern))
        if int(pattern.get("/PatternType", 0)) == 1 and isinstance(pattern, objects.AnyStream):
            self.depth += 1
            self.walk(pattern, pattern.get("/Resources"), inner, here)
            self.depth -= 1
        elif int(pattern.get("/PatternType", 0)) == 2:
            shading = pattern.get("/Shading")
            self.events.append(Event("shading", inner, here, name, shading, at=_shading_origin(shading, inner.ctm)))
            if pattern.get("/ExtGState") is not None:
                self.events.append(Event("gs", inner, here, name, pattern.ExtGState))


def page_events(page: objects.AnyPage, trim: Extent | None = None) -> Iterator[Event]:
    walker = _Walker(trim)
    walker.walk(page, page.obj.get("/Resources"), State(), "page content")
    return iter(walker.events)


def appearance_events(stream, rect: Extent, where: str, trim: Extent | None = None) -> list[Event]:
    """An annotation's appearance stream walked as a form placed in its Rect (PDF 1.3 §8.4.4)."""
    walker = _Walker(trim)
    matrix = tuple(float(x) for x in stream.get("/Matrix", IDENTITY))
    bbox = [float(v) for v in stream.get("/BBox", [0, 0, 0, 0])]
    state = State()
    if len(bbox) == 4:
        x0, y0, x1, y1 = placed_box(matrix, tuple(bbox))
        sx = (rect[2] - rect[0]) / (x1 - x0) if x1 > x0 else 1.0
        sy = (rect[3] - rect[1]) / (y1 - y0) if y1 > y0 else 1.0
        state.ctm = multiply(matrix, (sx, 0.0, 0.0, sy, rect[0] - x0 * sx, rect[1] - y0 * sy))
    walker.walk(stream, stream.get("/Resources"), state, where)
    return walker.events


def scale_of(ctm: Matrix) -> tuple[float, float]:
    """The lengths the unit square's sides have in page space: an image's placed width and height."""
    a, b, c, d, _, _ = ctm
    return (a * a + b * b) ** 0.5, (c * c + d * d) ** 0.5
