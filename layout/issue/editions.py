"""An issue as one edition prints it: every text the issue file and its story files give (the paper's
name, sections, editors, heads, body, captions, credits, boxes) converted to the edition's script
(compose/scripts.py), the quotation marks the edition's where the template asks, and the template set
for the edition's region (glyph forms, punctuation position). The source is never changed; each edition
is laid out, checked for overset and verified for nothing lost on its own converted text."""

from __future__ import annotations

from dataclasses import replace

from ..compose.scripts import Edition, dominant_script
from ..compose.settings import PunctuationPosition
from .model import Inline, Issue, PageSpec, Story, issue_texts, story_texts


# The editions last made, by the issue object and code: a batch asks for an issue's editions to know
# their folders, then renders them (the issue held too, so its id is never another's).
_EDITIONS_MADE: dict[tuple[int, str], tuple[Issue, Issue]] = {}


def edition_issue(issue: Issue, code: str) -> Issue:
    """``issue`` (as read, not yet converted) in the edition ``code``."""
    made = _EDITIONS_MADE.get((id(issue), code))
    if made is not None and made[0] is issue:
        return made[1]
    if len(_EDITIONS_MADE) >= 8:
        _EDITIONS_MADE.clear()
    result = _EDITIONS_MADE[(id(issue), code)] = (issue, _edition_issue(issue, code))
    return result[1]


def _edition_issue(issue: Issue, code: str) -> Issue:
    edition = Edition.named(code)
    t = issue.template
    # The issue's own script decides for a text too short to tell (a caption, a section's name).
    issue_script = dominant_script(issue_texts(issue))
    quotes = t.quotes == "edition"

    def text(value: str | None, source: str | None = issue_script) -> str | None:
        if value is None:
            return None
        out = edition.convert(value, source)
        return edition.quotes(out) if quotes else out

    def inlines(parts: tuple[Inline, ...], source: str | None) -> tuple[Inline, ...]:
        # The paragraph converted whole, so OpenCC's phrases see the words across a bold run's edges
        # (**头**发 is 头发), then cut back into its runs: the conversion keeps every character's place.
        whole = text("".join(i.text for i in parts), source)
        if len(whole) != sum(len(i.text) for i in parts):
            return tuple(Inline(text(i.text, source), i.bold) for i in parts)
        out, at = [], 0
        for i in parts:
            out.append(Inline(whole[at:at + len(i.text)], i.bold))
            at += len(i.text)
        return tuple(out)

    def story(s: Story) -> Story:
        own = dominant_script(story_texts(s), issue_script)
        blocks = tuple(replace(b, inlines=inlines(b.inlines, own),   # a table's cells too, each on its own
                               table=b.table and b.table.map_cells(lambda cell: inlines(cell, own)))
                       for b in s.blocks)
        frames = tuple(replace(f, jump_head=text(f.jump_head, own)) for f in s.frames)
        quote = s.pull_quote and replace(s.pull_quote, text=quoted(s.pull_quote.text, s.blocks, blocks, own))
        return replace(s, kicker=text(s.kicker, own), headline=text(s.headline, own), deck=text(s.deck, own),
                       blocks=blocks, frames=frames, byline=text(s.byline, own), dateline=text(s.dateline, own),
                       pull_quote=quote, heading=text(s.heading, own))

    def quoted(quote: str, source: tuple, converted: tuple, own: str | None) -> str:
        """A pull quote in the edition: the same words of the converted story. Converted alone, a quote
        cut mid-phrase may come out otherwise than inside its paragraph (OpenCC works by phrases), so
        where it does, its words are taken from the converted paragraph at the same place."""
        out = text(quote, own)
        if any(out in b.text for b in converted):
            return out
        for before, after in zip(source, converted):
            at = before.text.find(quote)
            if at >= 0 and len(before.text) == len(after.text):
                return after.text[at:at + len(quote)]
        return out

    template = replace(t, script=edition)
    if edition.region is not None:
        # Taiwan and Hong Kong set their marks centred in the em box (the CNS position).
        template = replace(template, glyph_region=edition.region,
                           composition=replace(t.composition, position=PunctuationPosition.CNS))
    paper = issue.paper
    paper = replace(paper, name=text(paper.name), permit=text(paper.permit),
                    channels=tuple(replace(c, label=text(c.label)) for c in paper.channels))
    several = len(issue.editions) > 1
    name = code if not issue.edition else (f"{issue.edition}-{code}" if several else issue.edition)
    return replace(
        issue, template=template, paper=paper, script=edition,
        edition=name if several or issue.edition else None,
        pages=tuple(PageSpec(p.number, text(p.section), text(p.editor)) for p in issue.pages),
        stories=tuple(story(s) for s in issue.stories),
        boxes=tuple(replace(b, text=text(b.text) if b.text else b.text, heading=text(b.heading),
                            entries=tuple(replace(e, text=text(e.text)) for e in b.entries)) for b in issue.boxes),
        photos=tuple(replace(p, caption=text(p.caption), credit=text(p.credit)) for p in issue.photos))
