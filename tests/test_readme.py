"""The README renders as written: read by a CommonMark parser, every fence opens and closes where the
source says, and no heading is swallowed by a code block."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

from conftest import ROOT


def test_readme_fences_and_headings_are_what_they_look_like():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    fences = [t for t in tokens if t.type == "fence"]
    source_fences = [k for k, line in enumerate(text.splitlines()) if line.startswith("```")]
    # Each fence token spans from its opening line to its closing line: two source lines a fence.
    assert sorted(k for t in fences for k in (t.map[0], t.map[1] - 1)) == source_fences
    for t in fences:
        # A README section heading (## …) swallowed by a fence left open: a code comment is "# ".
        assert not re.search(r"^#{2,6} ", t.content, re.M), f"a heading inside the code block at line {t.map[0] + 1}"
    headings = [t.map[0] for t in tokens if t.type == "heading_open"]
    source_headings = [k for k, line in enumerate(text.splitlines()) if re.match(r"#{1,6} ", line)
                       and not any(t.map[0] < k < t.map[1] for t in fences)]
    assert headings == source_headings
    assert text.startswith("# layout") and "```sh\npython3 -m pip install -e . && layout render issues/1650.yaml\n```" in text
