"""Simplified and Traditional: which script a character belongs to, and a text converted to an edition's
script at render time (the source is never changed).

An edition is a script and, for Traditional, optionally a region: ``hans`` (Simplified, mainland),
``hant`` (Traditional, OpenCC's standard forms), ``hant-tw`` and ``hant-hk`` (Taiwan's or Hong Kong's
character variants, glyph forms and centred punctuation).

Conversion is OpenCC's, phrase-level: its phrase tables choose among a character's forms by the words
around it (发展→發展 but 头发→頭髮). Not its regional *vocabulary* tables (s2twp: 社区→社群, 项目→專案),
which would change the news's words, not its script.

A source may mix scripts: 徐匯報's seed page is Traditional with stray Simplified forms. Converting a
text to the script it is mostly written in, only the characters of the other script are taken from the
conversion; every other character stays as the source writes it. OpenCC assumes its input is wholly in
the other script, so it would also "convert" characters both scripts share and the source used rightly
(新征程→新徵程, 准印證→準印證, 干擾→幹擾). Converting to the other script, the whole text is converted."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from ..base import diskcache
from ..base.paths import DATA
from ..fonts.charsets import big5, gb2312, tongyong_guifan

HANS, HANT = "hans", "hant"
SCRIPT_NAMES = {HANS: "Simplified", HANT: "Traditional"}
# The editions a paper may print, as (script, region); the region picks character variants, glyph forms
# and punctuation position.
EDITIONS = {"hans": (HANS, None), "hant": (HANT, None), "hant-tw": (HANT, "tw"), "hant-hk": (HANT, "hk")}
# OpenCC's configurations: converting into an edition from the other script, and, within Traditional,
# from OpenCC's standard forms to a region's variants (羣→群 in Taiwan, 衛→衞 in Hong Kong).
_FROM_OTHER = {(HANS, None): "t2s", (HANT, None): "s2t", (HANT, "tw"): "s2tw", (HANT, "hk"): "s2hk"}
_VARIANTS = {"tw": "t2tw", "hk": "t2hk"}
# Quotation marks by script, outer then inner: mainland “ ” ‘ ’; Taiwan and Hong Kong 「 」 『 』.
QUOTES = {HANS: "“”‘’", HANT: "「」『』"}


@cache
def _opencc(config: str):
    import opencc      # imported here: only an edition's conversion needs it

    return opencc.OpenCC(config)


@cache
def _script_table() -> dict[str, str]:
    """Every script-specific ideograph and its script, from ``data/script-only.txt`` (the answers of
    ``script_by_conversion`` over U+3400–U+9FFF, made by ``script_only_text``; a test checks the file
    against the installed OpenCC): a process that only tells scripts apart loads neither OpenCC's
    tables nor the national sets."""
    hans, hant = (DATA / "script-only.txt").read_text("utf-8").split("\n")[:2]
    table = dict.fromkeys(hans, HANS)
    table.update(dict.fromkeys(hant, HANT))
    return table


def script_of(ch: str) -> str | None:
    """HANS for a Simplified-only character, HANT for a Traditional-only one, None for any other
    (as ``script_by_conversion`` decides it)."""
    return _script_table().get(ch)


def script_by_conversion(ch: str) -> str | None:
    """HANS for a Simplified-only character, HANT for a Traditional-only one, None for any other.
    Simplified-only: not in the Traditional national set (Big5), and OpenCC's Simplified→Traditional
    conversion changes it (稳→穩); Traditional-only: not in GB 2312, and Traditional→Simplified changes
    it (穩→稳). Characters both sets have (党, 准, 里, 干) belong to neither."""
    if not "\u3400" <= ch <= "\u9fff":
        return None
    if ch not in big5() and _opencc("s2t").convert(ch) != ch:
        return HANS
    if ch not in gb2312() and _opencc("t2s").convert(ch) != ch:
        return HANT
    return None


def script_only_text() -> str:
    """``data/script-only.txt``: the Simplified-only ideographs (line 1) and the Traditional-only ones
    (line 2), in code-point order."""
    found: dict[str | None, list[str]] = {HANS: [], HANT: [], None: []}
    for cp in range(0x3400, 0xA000):
        found[script_by_conversion(chr(cp))].append(chr(cp))
    return "".join(found[HANS]) + "\n" + "".join(found[HANT]) + "\n"


def script_counts(texts) -> dict[str, int]:
    """How many characters of each script the texts have."""
    table = _script_table()
    counts = {HANS: 0, HANT: 0}
    # Counted by distinct character (Counter counts in C): a story has a few hundred of them.
    for ch, n in Counter("".join(texts)).items():
        kind = table.get(ch)
        if kind:
            counts[kind] += n
    return counts


def other_script_at(text: str, own: str) -> list[int]:
    """Where ``text`` has a character of the script other than ``own``."""
    return [m.start() for m in _script_pattern(HANT if own == HANS else HANS).finditer(text)]


@cache
def _script_pattern(script: str) -> re.Pattern:
    return re.compile("[" + "".join(ch for ch, kind in _script_table().items() if kind == script) + "]")


def dominant_script(texts, default: str | None = None) -> str | None:
    """The script most of the texts' script-specific characters belong to (``default`` where they
    have none, or as many of each)."""
    counts = script_counts(texts)
    if counts[HANS] == counts[HANT]:
        return default
    return HANS if counts[HANS] > counts[HANT] else HANT


@dataclass(frozen=True)
class Edition:
    """One edition of the paper: its code (hans, hant, hant-tw, hant-hk), script and region."""

    code: str
    script: str
    region: str | None = None

    @classmethod
    def named(cls, code: str) -> "Edition":
        script, region = EDITIONS[code]
        return cls(code, script, region)

    def convert(self, text: str, source_script: str | None) -> str:
        """``text``, written mostly in ``source_script`` (None: no way to tell), in this edition's
        script and region."""
        if not text or text.isascii():
            return text
        return _converted(text, source_script, self.script, self.region)

    def words(self, text: str) -> str:
        """The engine's own words (written in Traditional in the code: 下轉, 總第, 責任編輯) in this
        edition's script."""
        return self.convert(text, HANT)

    def quotes(self, text: str) -> str:
        """Quotation marks in this edition's convention, by nesting level: the outermost “ ” (hans) or
        「 」 (hant), the next ‘ ’ or 『 』, and so on — whichever marks the source used (a text quoting
        with 『』 alone gets the outer marks). An apostrophe between Latin letters (Xi’an) and marks around
        Latin-only words (a “test”, in an English sentence) stay as written."""
        if not any(q in text for q in _OPENING + _CLOSING):
            return text
        own = QUOTES[self.script]
        out = list(text)
        stack: list[int] = []                      # the opening marks not yet closed, by position
        for i, ch in enumerate(text):
            if ch == "’" and _between_latin(text, i):
                continue
            if ch in _OPENING:
                stack.append(i)
            elif ch in _CLOSING:
                opened = stack.pop() if stack else None
                depth = len(stack) % 2
                if opened is not None and _latin_quotation(text, opened, i):
                    continue
                if opened is not None:
                    out[opened] = own[2 * depth]
                out[i] = own[2 * depth + 1]
        for k, opened in enumerate(stack):         # never closed (a quotation running on): by its level
            out[opened] = own[2 * (k % 2)]
        return "".join(out)


_OPENING, _CLOSING = "“‘「『", "”’」』"


def _between_latin(text: str, i: int) -> bool:
    return 0 < i < len(text) - 1 and all(c.isascii() and c.isalpha() for c in (text[i - 1], text[i + 1]))


def _latin_quotation(text: str, start: int, end: int) -> bool:
    """Marks quoting Latin words in Latin text: nothing CJK inside, nor just before the opening mark."""
    before = text[start - 1] if start > 0 else " "
    return before.isascii() and all(not ("\u2e80" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef")
                                    for c in text[start + 1:end])


@cache
def _standard_forms() -> dict[int, str]:
    """Variant forms neither national set has and OpenCC does not know (鄕, 躱, 偸, 値: old forms a
    source may carry) → the form the standards print (鄉, 躲, 偷, 值), from Unicode's Unihan variants
    (layout/data/README.md). OpenCC leaves these as they are: a Simplified edition would print 故鄕 beside
    故乡."""
    variants, standard = (DATA / "variant-standard.txt").read_text("utf-8").split("\n")[:2]
    return {ord(v): s for v, s in zip(variants, standard)}


def outside_standard(text: str, script: str) -> list[str]:
    """The ideographs of ``text`` the edition's national standard does not have: for Simplified, the
    通用規範漢字表 and GB 2312 (what mainland print uses); for Traditional, Big5."""
    allowed = _standard_set(script)
    return [ch for ch in _IDEOGRAPHS.findall(text) if ch not in allowed]


_IDEOGRAPHS = re.compile("[\u4e00-\u9fff]")


@cache
def _standard_set(script: str) -> frozenset[str]:
    return (gb2312() | frozenset(tongyong_guifan())) if script == HANS else big5()


@lru_cache(maxsize=65536)
def _converted(text: str, source_script: str | None, script: str, region: str | None) -> str:
    text = text.translate(_standard_forms())
    other = HANT if script == HANS else HANS
    if region is None and source_script == script and other not in map(_script_table().get, text):
        return text          # nothing of the other script to take from a conversion
    return diskcache.remembered_text(diskcache.CONVERSIONS, f"{source_script}\0{script}\0{region}\0{text}",
                                     _opencc_identity, lambda _: _converted_now(text, source_script, script, region))


@cache
def _opencc_identity() -> str:
    """What a conversion depends on besides its text: OpenCC's build and dictionaries, the script
    table it takes characters by, and this file (the configurations and ``_converted_now``'s mixing)."""
    return diskcache.installed_identity("opencc", DATA / "script-only.txt", Path(__file__))


def _converted_now(text: str, source_script: str | None, script: str, region: str | None) -> str:
    """``_converted`` worked out with OpenCC (``text`` already in its standard forms)."""
    whole = _opencc(_FROM_OTHER[(script, region)]).convert(text)
    if source_script is not None and source_script != script:
        return whole
    # Mostly in the edition's own script already: take the conversion only where the source has a
    # character of the other script. OpenCC's tables map phrases to phrases of the same length; where
    # one does not, each such character is converted alone.
    other = HANT if script == HANS else HANS
    if len(whole) == len(text):
        mixed = "".join(c if script_of(s) == other else s for s, c in zip(text, whole))
    else:
        single = _opencc(_FROM_OTHER[(script, region)])
        mixed = "".join(single.convert(s) if script_of(s) == other else s for s in text)
    return _opencc(_VARIANTS[region]).convert(mixed) if region else mixed
