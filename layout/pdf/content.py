"""A page's content stream, written one PDF operator per method.

Takes coordinates, CMYK colours, resource names and encoded text from the page writer (writer.py).
Hands on the stream's bytes (``tobytes``), to be deflated into the page's Contents.

The stream remembers the state it has set, where not writing a repeat is safe and is what the pages
have always held (their files must stay byte-identical from one version of the engine to the next):

- overprint (the ExtGState in force), across the whole page;
- inside a text object, the fill colour, font and size, character spacing and horizontal scaling.
  ``begin_text`` forgets them, so each text object sets its own, though PDF would keep them.

Everything else (a rectangle's fill, stroke colour, line width, dash) is written at every call.

Operators are written one per line, except inside ``with stream.line():``, where they share one line,
space-separated: how the engine has always laid out its streams.
"""

from __future__ import annotations

from .objects import number

# The page's ExtGState resources for overprint (their dictionaries are in writer.py).
OVERPRINT_ON = "GSop"     # op and OP true, OPM 1
OVERPRINT_OFF = "GSko"    # knock out


class ContentStream:
    """The operators of one content stream, and the graphics state they have set."""

    def __init__(self):
        self._lines: list[str] = []
        self._line: list[str] = []              # the operators of an open ``line()``
        self._write = self._lines.append        # where an operator goes: its own line, or the open one
        self._overprint: bool | None = None
        self._in_text = False
        self._fill = self._font = self._char_space = self._horizontal_scale = None

    def line(self) -> ContentStream:
        """``with stream.line():``: the operators written in the block go on one line (not nested)."""
        self._line = []
        self._write = self._line.append
        return self

    def __enter__(self) -> ContentStream:
        return self

    def __exit__(self, *exc) -> None:
        if self._line:
            self._lines.append(" ".join(self._line))
        self._write = self._lines.append

    def tobytes(self) -> bytes:
        return ("\n".join(self._lines) + "\n").encode("ascii")

    # Graphics state.
    def set_overprint(self, on: bool) -> None:
        """``gs`` with the overprinting or the knockout ExtGState; not written if already in force."""
        if on != self._overprint:
            self._write(f"/{OVERPRINT_ON if on else OVERPRINT_OFF} gs")
            self._overprint = on

    def set_line_width(self, width: float) -> None:
        """``w``."""
        self._write(f"{number(width)} w")

    def set_dash(self, pattern, phase: float = 0) -> None:
        """``d``; an empty pattern for solid lines."""
        self._write("[" + " ".join(number(d) for d in pattern) + f"] {number(phase)} d")

    # Colour.
    def set_fill_cmyk(self, color) -> None:
        """``k``. Inside a text object a repeat of the current fill colour is not written."""
        if self._in_text:
            if color == self._fill:
                return
            self._fill = color
        self._write(_color_operands(color) + " k")

    def set_stroke_cmyk(self, color) -> None:
        """``K``."""
        self._write(_color_operands(color) + " K")

    def set_stroke_separation(self, space: str, tint: float) -> None:
        """``CS`` and ``SCN``: stroke in the Separation colour space named ``space`` in the resources."""
        self._write(f"/{space} CS {number(tint)} SCN")

    # Paths.
    def move_to(self, x: float, y: float) -> None:
        """``m``."""
        self._write(f"{number(x)} {number(y)} m")

    def line_to(self, x: float, y: float) -> None:
        """``l``."""
        self._write(f"{number(x)} {number(y)} l")

    def curve_to(self, x1: float, y1: float, x2: float, y2: float, x3: float, y3: float) -> None:
        """``c``: a Bézier curve to (x3, y3) with control points (x1, y1) and (x2, y2)."""
        n = number
        self._write(f"{n(x1)} {n(y1)} {n(x2)} {n(y2)} {n(x3)} {n(y3)} c")

    def rectangle(self, x: float, y: float, width: float, height: float) -> None:
        """``re``."""
        self._write(f"{number(x)} {number(y)} {number(width)} {number(height)} re")

    def fill(self) -> None:
        """``f``."""
        self._write("f")

    def stroke(self) -> None:
        """``S``."""
        self._write("S")

    def fill_and_stroke(self) -> None:
        """``B``."""
        self._write("B")

    # Images.
    def draw_image(self, name: str, x: float, y: float, width: float, height: float) -> None:
        """``q cm Do Q``: the image XObject ``name`` scaled into the box at (x, y), on one line."""
        n = number
        self._write(f"q {n(width)} 0 0 {n(height)} {n(x)} {n(y)} cm /{name} Do Q")

    # Text.
    def begin_text(self) -> None:
        """``BT``; the text state set in earlier text objects is forgotten (see the module's docstring)."""
        self._write("BT")
        self._in_text = True
        self._fill = self._font = self._char_space = self._horizontal_scale = None

    def end_text(self) -> None:
        """``ET``."""
        self._write("ET")
        self._in_text = False

    def set_font(self, name: str, size: float) -> None:
        """``Tf`` with the font resource ``name``; not written if already set."""
        if (name, size) != self._font:
            self._write(f"/{name} {number(size)} Tf")
            self._font = (name, size)

    def set_char_space(self, space: float) -> None:
        """``Tc``, in unscaled text space units; not written if already set."""
        if space != self._char_space:
            self._write(f"{number(space)} Tc")
            self._char_space = space

    def set_horizontal_scale(self, scale: float) -> None:
        """``Tz``, ``scale`` as a fraction (1 for the glyphs' own width, written as 100); not written
        if already set."""
        if scale != self._horizontal_scale:
            self._write(f"{number(scale * 100)} Tz")
            self._horizontal_scale = scale

    def set_text_matrix(self, a: float, b: float, c: float, d: float, e: float, f: float) -> None:
        """``Tm``."""
        n = number
        if a == d == 1 and b == c == 0:   # unrotated, the common case: the text number() gives, sooner
            self._write(f"1 0 0 1 {n(e)} {n(f)} Tm")
        else:
            self._write(f"{n(a)} {n(b)} {n(c)} {n(d)} {n(e)} {n(f)} Tm")

    def show_text(self, codes: bytes) -> None:
        """``Tj`` with the font's codes as a hex string."""
        self._write("<" + codes.hex() + "> Tj")


def _color_operands(color) -> str:
    return " ".join(number(float(c)) for c in color)
