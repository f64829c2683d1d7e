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

from dataclasses import dataclass
from functools import cache, lru_cache

from ..fonts.charsets import big5, gb2312

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
def script_of(ch: str) -> str | None:
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


def script_counts(texts) -> dict[str, int]:
    """How many characters of each script the texts have."""
    counts = {HANS: 0, HANT: 0}
    for text in texts:
        for ch in text:
            kind = script_of(ch)
            if kind:
                counts[kind] += 1
    return counts


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
        """Quotation marks of either convention in this edition's: “”‘’ ↔ 「」『』, an apostrophe
        between Latin letters (Xi’an) left as it is."""
        own = QUOTES[self.script]
        other = QUOTES[HANT if self.script == HANS else HANS]
        if not any(q in text for q in other):
            return text
        out = []
        for i, ch in enumerate(text):
            k = other.find(ch)
            if k >= 0 and not (ch == "’" and 0 < i < len(text) - 1 and text[i - 1].isascii()
                               and text[i - 1].isalpha() and text[i + 1].isascii() and text[i + 1].isalpha()):
                ch = own[k]
            out.append(ch)
        return "".join(out)


@lru_cache(maxsize=65536)
def _converted(text: str, source_script: str | None, script: str, region: str | None) -> str:
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
