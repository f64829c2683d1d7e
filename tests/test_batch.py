"""The archive: batch rendering in worker processes, skipping what has not changed, one bad issue
never stopping the others."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner

from layout.app.batch import input_key, issue_files, remove_partial_files
from layout.app.cli import main

from conftest import ROOT


def _archive(tmp_path, bad: bool = True):
    folder = tmp_path / "issues"
    folder.mkdir()
    shutil.copytree(ROOT / "issues" / "templates", folder / "templates")
    shutil.copytree(ROOT / "issues" / "1650", folder / "1650")
    shutil.copy(ROOT / "issues" / "1650.yaml", folder / "1650.yaml")
    text = (ROOT / "issues" / "1650.yaml").read_text(encoding="utf-8")
    (folder / "1651.yaml").write_text(text.replace("total: 1650", "total: 1651").replace("2021-11-29", "2021-12-06"),
                                      encoding="utf-8")
    if bad:
        bad = text.replace("total: 1650", "total: 1652").replace("headline:", "heading:", 1)
        (folder / "1652.yaml").write_text(bad, encoding="utf-8")
    return folder


def test_batch_renders_skips_and_isolates_failures(tmp_path):
    folder = _archive(tmp_path)
    out = tmp_path / "out"
    runner = CliRunner()
    first = runner.invoke(main, ["batch", str(folder), "-j", "2", "-o", str(out), "--json"])
    assert first.exit_code == 1  # one issue is bad
    rows = {r["issue"].rsplit("/", 1)[-1]: r for r in json.loads(first.output)}
    assert rows["1650.yaml"]["status"] == rows["1651.yaml"]["status"] == "rendered"
    assert rows["1652.yaml"]["status"] == "failed" and "heading" in rows["1652.yaml"]["reason"]
    # Every edition is rendered, into a folder of its own, keyed on its own.
    assert (out / "1650" / "hans" / "20211129-01-hans.pdf").is_file()
    assert (out / "1651" / "hant" / "20211206-02-hant.pdf").is_file()
    keys = {code: (out / "1650" / code / ".render-key").read_text() for code in ("hans", "hant")}
    assert keys["hans"] != keys["hant"] and all(k.strip().endswith(c) for c, k in keys.items())
    (folder / "1652.yaml").unlink()
    second = runner.invoke(main, ["batch", str(folder), "-j", "2", "-o", str(out), "--json"])
    assert second.exit_code == 0
    assert {r["status"] for r in json.loads(second.output)} == {"skipped"}
    # A story text changes: only the issues that use it render again (both do here); --force renders all.
    story = folder / "1650" / "community-spaces.md"
    story.write_text(story.read_text(encoding="utf-8").replace("停車場等", "停車場等等"), encoding="utf-8")
    third = runner.invoke(main, ["batch", str(folder), "-j", "1", "-o", str(out), "--json"])
    assert {r["status"] for r in json.loads(third.output)} == {"rendered"}
    forced = runner.invoke(main, ["batch", str(folder / "1650.yaml"), "-o", str(out), "--force", "--json"])
    assert json.loads(forced.output)[0]["status"] == "rendered"
    # A page file damaged since its render (its checksum no longer the manifest's) is rendered again.
    with open(out / "1650" / "hant" / "20211129-02-hant.pdf", "ab") as f:
        f.write(b"\0")
    again = runner.invoke(main, ["batch", str(folder / "1650.yaml"), "-o", str(out), "--json"])
    assert json.loads(again.output)[0]["status"] == "rendered"


def test_the_key_is_a_content_hash_not_a_file_time(tmp_path):
    folder = _archive(tmp_path, bad=False)
    issue = folder / "1650.yaml"
    before = input_key(issue)
    story = folder / "1650" / "study-session.md"
    story.write_bytes(story.read_bytes())          # touched, same content
    assert input_key(issue) == before
    story.write_text(story.read_text(encoding="utf-8") + "新段落。\n", encoding="utf-8")
    assert input_key(issue) != before


def test_issue_files_and_partial_files(tmp_path):
    folder = _archive(tmp_path, bad=False)
    assert [p.name for p in issue_files([folder])] == ["1650.yaml", "1651.yaml"]
    out = tmp_path / "out"
    sets = out / "1650"            # 1650 prints in two editions: a set in a folder of each
    (sets / "hans").mkdir(parents=True)
    (sets / "hans" / ".20211129-01-hans.pdf.x1y2.part").write_bytes(b"half a PDF")
    (sets / "hans" / "20211129-02-hans.pdf").write_bytes(b"finished")
    assert remove_partial_files(issue_files([folder]), out) == 1
    assert [p.name for p in (sets / "hans").iterdir()] == ["20211129-02-hans.pdf"]
    # A worker killed inside a swap (two renames): the set moved aside is put back, the new one
    # not yet in place removed, and nothing else is left beside the folders.
    (sets / "hans").rename(sets / ".hans.old-1-ab")
    (sets / ".hans.new-1-cd").mkdir()
    (sets / ".hans.new-1-cd" / "20211129-02-hans.pdf").write_bytes(b"half a set")
    assert remove_partial_files(issue_files([folder]), out) == 2
    assert sorted(p.name for p in sets.iterdir()) == ["hans"]
    assert (sets / "hans" / "20211129-02-hans.pdf").read_bytes() == b"finished"
