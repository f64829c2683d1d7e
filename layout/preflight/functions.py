"""PDF functions evaluated (PDF 1.3 §3.9): a Separation's or DeviceN's tint transform turns tints
into the CMYK the press prints, and a shading's function gives its colours; total ink is measured on
what they return. Sampled (type 0), exponential (2), stitching (3) and PostScript calculator (4)
functions; ``None`` where a function cannot be evaluated (then no ink is claimed)."""

from __future__ import annotations

import math
from typing import Sequence

from . import objects

MAX_CALCULATOR_STEPS = 10_000   # a type 4 function is a short program; a loop-free one far shorter


def evaluate(fn, inputs: Sequence[float]) -> list[float] | None:
    try:
        if isinstance(fn, objects.AnyArray):     # one single-output function per component
            out = []
            for part in fn:
                value = evaluate(part, inputs)
                if value is None:
                    return None
                out += value
            return out
        kind = int(fn.get("/FunctionType", -1))
        domain = [float(v) for v in fn.get("/Domain", [])]
        x = [_clip(v, domain[2 * i], domain[2 * i + 1]) if 2 * i + 1 < len(domain) else float(v)
             for i, v in enumerate(inputs)]
        if kind == 2:
            out = _exponential(fn, x[0])
        elif kind == 3:
            out = _stitching(fn, x[0], domain)
        elif kind == 0:
            out = _sampled(fn, x, domain)
        elif kind == 4:
            out = _calculator(fn, x)
        else:
            return None
        if out is None:
            return None
        bounds = [float(v) for v in fn.get("/Range", [])]
        return [_clip(v, bounds[2 * i], bounds[2 * i + 1]) if 2 * i + 1 < len(bounds) else v
                for i, v in enumerate(out)]
    except (*objects.read_errors(), ValueError, TypeError, IndexError, KeyError, AttributeError, ZeroDivisionError,
            OverflowError):
        return None


def _clip(v: float, low: float, high: float) -> float:
    return min(max(float(v), low), high)


def _exponential(fn, x: float) -> list[float]:
    c0 = [float(v) for v in fn.get("/C0", [0])]
    c1 = [float(v) for v in fn.get("/C1", [1])]
    n = float(fn.N)
    return [a + x ** n * (b - a) for a, b in zip(c0, c1)]


def _stitching(fn, x: float, domain: list[float]) -> list[float] | None:
    functions = list(fn.Functions)
    bounds = [float(v) for v in fn.get("/Bounds", [])]
    encode = [float(v) for v in fn.Encode]
    edges = [domain[0]] + bounds + [domain[1]]
    i = next((k for k, b in enumerate(bounds) if x < b), len(bounds))
    low, high = edges[i], edges[i + 1]
    e0, e1 = encode[2 * i], encode[2 * i + 1]
    t = e0 if high == low else e0 + (x - low) * (e1 - e0) / (high - low)
    return evaluate(functions[i], [t])


def _sampled(fn, x: list[float], domain: list[float]) -> list[float] | None:
    size = [int(v) for v in fn.Size]
    bits = int(fn.BitsPerSample)
    bounds = [float(v) for v in fn.Range]
    outputs = len(bounds) // 2
    encode = [float(v) for v in fn.get("/Encode", [])] or [v for s in size for v in (0, s - 1)]
    decode = [float(v) for v in fn.get("/Decode", [])] or bounds
    data = fn.read_bytes()
    # Nearest sample on every axis but the first, which is interpolated: a Separation's tint
    # transform (one input) is exact to the table, a DeviceN's close enough for a total.
    position, stride, frac, second = 0, 1, 0.0, 0
    for i, v in enumerate(x):
        d0, d1 = domain[2 * i], domain[2 * i + 1]
        e = encode[2 * i] + (v - d0) * (encode[2 * i + 1] - encode[2 * i]) / ((d1 - d0) or 1)
        e = _clip(e, 0, size[i] - 1)
        if i == 0:
            base = int(math.floor(e))
            frac = e - base
            second = stride if base + 1 < size[i] else 0
            position += base * stride
        else:
            position += int(round(e)) * stride
        stride *= size[i]
    peak = (1 << bits) - 1

    def sample(index: int, j: int) -> float:
        at = (index * outputs + j) * bits
        byte, shift = divmod(at, 8)
        chunk = int.from_bytes(data[byte:byte + (bits + shift + 7) // 8], "big")
        width = (bits + shift + 7) // 8 * 8
        raw = (chunk >> (width - shift - bits)) & peak
        return decode[2 * j] + raw * (decode[2 * j + 1] - decode[2 * j]) / peak

    return [sample(position, j) * (1 - frac) + sample(position + second, j) * frac for j in range(outputs)]


_CALC_1 = {"abs": abs, "neg": lambda a: -a, "ceiling": math.ceil, "floor": math.floor,
           "round": lambda a: math.floor(a + 0.5),
           "truncate": math.trunc, "sqrt": math.sqrt, "sin": lambda a: math.sin(math.radians(a)),
           "cos": lambda a: math.cos(math.radians(a)), "ln": math.log, "log": math.log10, "cvi": int,
           "cvr": float}
_CALC_2 = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
           "div": lambda a, b: a / b, "idiv": lambda a, b: int(a) // int(b), "mod": lambda a, b: int(a) % int(b),
           "exp": lambda a, b: a ** b, "atan": lambda a, b: math.degrees(math.atan2(a, b)) % 360,
           "eq": lambda a, b: a == b, "ne": lambda a, b: a != b, "gt": lambda a, b: a > b,
           "ge": lambda a, b: a >= b, "lt": lambda a, b: a < b, "le": lambda a, b: a <= b,
           "and": lambda a, b: a & b, "or": lambda a, b: a | b, "xor": lambda a, b: a ^ b,
           "bitshift": lambda a, b: a << b if b >= 0 else a >> -b}


def _parse_calculator(text: str) -> list:
    tokens = text.replace("{", " { ").replace("}", " } ").split()
    stack: list[list] = [[]]
    for token in tokens:
        if token == "{":
            stack.append([])
        elif token == "}":
            block = stack.pop()
            stack[-1].append(block)
        else:
            try:
                stack[-1].append(float(token) if "." in token or "e" in token.lower() else int(token))
            except ValueError:
                stack[-1].append(token)
    return stack[0][0] if len(stack[0]) == 1 and isinstance(stack[0][0], list) else stack[0]


def _calculator(fn, x: list[float]) -> list[float] | None:
    program = _parse_calculator(fn.read_bytes().decode("latin-1"))
    stack: list = list(x)
    steps = 0

    def run(code: list) -> None:
        nonlocal steps
        for item in code:
            steps += 1
            if steps > MAX_CALCULATOR_STEPS:
                raise ValueError("runaway calculator function")
            if isinstance(item, (int, float, list)):
                stack.append(item)
            elif item in ("true", "false"):
                stack.append(item == "true")
            elif item in _CALC_1:
                stack.append(_CALC_1[item](stack.pop()))
            elif item in _CALC_2:
                b = stack.pop()
                stack.append(_CALC_2[item](stack.pop(), b))
            elif item == "not":
                a = stack.pop()
                stack.append(not a if isinstance(a, bool) else ~a)
            elif item == "dup":
                stack.append(stack[-1])
            elif item == "pop":
                stack.pop()
            elif item == "exch":
                stack[-2], stack[-1] = stack[-1], stack[-2]
            elif item == "copy":
                n = int(stack.pop())
                stack.extend(stack[-n:] if n else [])
            elif item == "index":
                n = int(stack.pop())
                stack.append(stack[-1 - n])
            elif item == "roll":
                j, n = int(stack.pop()), int(stack.pop())
                if n:
                    top = stack[-n:]
                    j %= n
                    stack[-n:] = top[-j:] + top[:-j] if j else top
            elif item == "if":
                block, cond = stack.pop(), stack.pop()
                if cond:
                    run(block)
            elif item == "ifelse":
                no, yes, cond = stack.pop(), stack.pop(), stack.pop()
                run(yes if cond else no)
            else:
                raise ValueError(f"unknown calculator operator {item}")

    run(program)
    return [float(v) for v in stack]
