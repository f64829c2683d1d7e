"""An editor's session through the command line, from the docs alone: a new issue from 1650, a photo
with a caption, a story continued on page 3, an overset fixed by the copyfit's own figures, a
too-long headline refused, a low-resolution photo proofed as FPO while the real one is awaited."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner
from PIL import Image

from layout.app.cli import main

from conftest import copy_issues
from pdfscan import page_texts


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    return result


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_editors_session(tmp_path):
    issues = tmp_path / "issues"
    copy_issues(issues)
    # 1. A new issue from the last one, its stories kept to be edited.
    made = run("new", "1651", "--from", issues / "1650.yaml", "--date", "2021-12-06", "--keep-stories")
    assert made.exit_code == 0 and "wrote" in made.output
    issue = issues / "1651.yaml"
    # 2. Two pages more (a tabloid prints in fours), the lead story continued on page 3 under a jump head.
    edit(issue, "  - {number: 2, section: 要聞}\n",
         "  - {number: 2, section: 要聞}\n  - {number: 3, section: 社區}\n  - {number: 4, section: 副刊}\n")
    edit(issue, "      - {page: 2, col: 1, span: 2, line: 4, lines: 5, jump_head: 奮進卓越徐匯新征程}",
         "      - {page: 2, col: 1, span: 1, line: 4, lines: 4}\n"
         "      - {page: 3, col: 1, span: 2, line: 4, lines: 20, jump_head: 奮進卓越}")
    # 3. A photo with a caption and a credit on page 4, its own picture.
    Image.new("RGB", (2400, 1600), (120, 140, 90)).save(issues / "1651" / "park.jpg")
    edit(issue, "photos:\n", "photos:\n  - id: park\n    file: 1651/park.jpg\n"
                              "    place: {page: 4, col: 1, span: 3, line: 4, lines: 20}\n"
                              "    caption: 徐匯濱江的新公園\n    credit: 張三\n")
    checked = run("check", issue)
    assert checked.exit_code == 0, checked.output
    # The new pages' empty areas are named by place, not silently left.
    assert "page 3: columns 3–6" in checked.output and "page 4:" in checked.output
    # 4. An overset: text added to a story; the copyfit says how much to cut and from where.
    story = issues / "1651" / "community-spaces.md"
    original = story.read_text(encoding="utf-8")
    story.write_text(original.rstrip("\n") + "增補的一句話，說明社區空間的新進展。" * 6 + "\n", encoding="utf-8")
    over = run("check", issue, "--json")
    assert over.exit_code == 1
    report = json.loads(over.output.split("\nerror:")[0]) if over.output.lstrip().startswith("{") else None
    table = run("check", issue).output
    cut = int(re.search(r"community-spaces .*CUT (\d+) chars", table).group(1))
    assert report is None or report["stories"][2]["overset"]["characters"] == cut
    # Cutting exactly that many characters from the end makes it fit again.
    text = story.read_text(encoding="utf-8").rstrip("\n")
    story.write_text(text[:-cut] + "\n", encoding="utf-8")
    assert run("check", issue).exit_code == 0
    # 5. A headline too long for its head is refused, naming the story and by how much.
    edit(issue, "    headline: 奮進卓越徐匯新征程 書寫趕考路上新答卷\n",
         "    headline: 奮進卓越徐匯新征程 書寫趕考路上新答卷" + " 奮進卓越徐匯新征程 書寫趕考路上新答卷" * 2 + "\n")
    refused = run("check", issue)
    assert refused.exit_code == 1 and "story 'study-session': its head (page 1)" in refused.output
    assert re.search(r"runs \d+\.\d pt outside its place", refused.output)
    edit(issue, " 奮進卓越徐匯新征程 書寫趕考路上新答卷" * 2 + "\n", "\n")
    # 6. The real photo is late: a 53 ppi stand-in is refused for press but proofed, marked FPO.
    Image.new("RGB", (240, 160), (120, 140, 90)).save(issues / "1651" / "park.jpg")
    press = run("render", issue, "-o", tmp_path / "out")
    assert press.exit_code == 1 and "photo resolution" in press.output and "FPO" in press.output
    assert run("check", issue).exit_code == 1          # check refuses exactly what render refuses
    proof = run("proof", issue, "-o", tmp_path / "out", "--dpi", "30")
    assert proof.exit_code == 0, proof.output
    page4 = tmp_path / "out" / "proof" / "20211206-04-proof.pdf"
    text = page_texts(page4)[0].replace(" ", "")
    assert "FPO只供排版" in text and "徐匯濱江的新公園" in text and "張三攝" in text
    page3 = page_texts(tmp_path / "out" / "proof" / "20211206-03-proof.pdf")[0]
    assert "（上接第2版）" in page3.replace(" ", "") and "奮進卓越" in page3
