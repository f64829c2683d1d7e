"""A tiny deterministic TrueType font for tests, built with fontTools.fontBuilder.

Every ideograph is exactly 1 em (1000 units); full-width punctuation is 1 em
with 'halt' data saying which half is blank (GB positions: 。，、：；！？ and
closing marks keep their left half, opening marks their right half); Latin
letters and digits are 0.5 em, the space 0.25 em.  So expected lines can be
worked out by hand: at 10 pt, an ideograph is 10 pt wide.
"""

from __future__ import annotations

from pathlib import Path

from fontTools.feaLib.builder import addOpenTypeFeaturesFromString
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen

HAN = "一二三四五六七八九十人大中天日月山水火木金土上下左右本報訊我區有的是在不了和" \
      "會議精神徐匯新聞故鄉祝福老少社空間說道來去看見小標題續轉接第版"
OPEN = "“‘「『（《〈【〔"
CLOSE = "”’」』）》〉】〕"
PAUSE_STOP = "、，。．：；！？"
OTHER_FULL = "…—·／～"
LATIN = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.,:;!?%-/()'@&_=#+~[]"
# Vertical presentation forms (compose/vertical.py), 1 em each: pause and stop marks with their ink in the
# top-right quarter, opening brackets in the lower half, closing ones in the upper half, ︱ ︙ in the middle.
VERTICAL_MARKS = "︐︑︒︓︔︕︖"
VERTICAL_OPEN = "︗︵︷︹︻︽︿﹁﹃﹇"
VERTICAL_CLOSE = "︘︶︸︺︼︾﹀﹂﹄﹈"
VERTICAL_LINES = "︱︙"
UPEM = 1000


def _box(pen_glyphs, x0, y0, x1, y1):
    pen = TTGlyphPen(None)
    pen.moveTo((x0, y0))
    pen.lineTo((x0, y1))
    pen.lineTo((x1, y1))
    pen.lineTo((x1, y0))
    pen.closePath()
    return pen.glyph()


def build_test_font(path: Path) -> Path:
    chars: dict[str, tuple[int, tuple[int, int, int, int]]] = {}
    for ch in HAN:
        chars[ch] = (1000, (50, -70, 950, 830))
    for ch in OPEN:
        chars[ch] = (1000, (550, -70, 900, 830))
    for ch in CLOSE + PAUSE_STOP:
        chars[ch] = (1000, (100, -70, 400, 200))
    for ch in OTHER_FULL:
        chars[ch] = (1000, (0, 300, 1000, 400))
    for ch in VERTICAL_MARKS:
        chars[ch] = (1000, (600, 500, 900, 830))
    for ch in VERTICAL_OPEN:
        chars[ch] = (1000, (50, -70, 950, 300))
    for ch in VERTICAL_CLOSE:
        chars[ch] = (1000, (50, 500, 950, 830))
    for ch in VERTICAL_LINES:
        chars[ch] = (1000, (450, -70, 550, 830))
    for ch in LATIN:
        chars[ch] = (500, (50, 0, 450, 700))
    chars[" "] = (250, (0, 0, 0, 0))
    chars["\u3000"] = (1000, (0, 0, 0, 0))  # ideographic space
    names = {ch: f"u{ord(ch):04X}" for ch in chars}
    order = [".notdef"] + [names[ch] for ch in chars]
    fb = FontBuilder(UPEM, isTTF=True)
    fb.setupGlyphOrder(order)
    fb.setupCharacterMap({ord(ch): names[ch] for ch in chars})
    glyphs = {".notdef": _box(None, 50, 0, 450, 700)}
    metrics = {".notdef": (500, 50)}
    for ch, (adv, box) in chars.items():
        if box[2] > box[0]:
            glyphs[names[ch]] = _box(None, *box)
        else:
            glyphs[names[ch]] = TTGlyphPen(None).glyph()
        metrics[names[ch]] = (adv, box[0] if box[2] > box[0] else 0)
    fb.setupGlyf(glyphs)
    fb.setupHorizontalMetrics(metrics)
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": "LayoutTest", "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880, usWinDescent=120, fsType=0)
    fb.setupPost()
    fb.setupHead(unitsPerEm=UPEM)
    left_blank = " ".join(names[c] for c in OPEN)
    right_blank = " ".join(names[c] for c in CLOSE + PAUSE_STOP)
    fea = f"""
    languagesystem DFLT dflt;
    feature halt {{
        pos [{left_blank}] <-500 0 -500 0>;
        pos [{right_blank}] <0 0 -500 0>;
    }} halt;
    """
    addOpenTypeFeaturesFromString(fb.font, fea)
    fb.save(str(path))
    return path
