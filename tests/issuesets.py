"""Tests' view of an issue folder: a tiny issue to render many times, and the check that a folder
holds one complete set of files from one render and nothing a killed writer left."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

from conftest import ROOT
from pdfscan import page_texts


def tiny_issue(folder: Path, words: str, total: int = 2) -> Path:
    """A one-page issue of one short story: ``words`` make its version."""
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "templates").exists():
        shutil.copytree(ROOT / "issues" / "templates", folder / "templates")
    (folder / f"s{total}.md").write_text(f"本報訊 {words}。徐匯區居民很開心。\n", encoding="utf-8")
    path = folder / f"i{total}.yaml"
    path.write_text("template: xuhuibao-tabloid\npaper: {name: 徐匯報}\n"
                    f"issue: {{number: 1, total: {total}, date: 2021-11-29}}\n"
                    "pages:\n  - {number: 1, section: 要聞}\n"
                    f"stories:\n  - id: odd\n    text: s{total}.md\n    frames:\n"
                    "      - {page: 1, col: 1, span: 2, line: 20, lines: 3}\n", encoding="utf-8")
    return path


def one_set(folder: Path, slugs: bool = True, others: tuple[str, ...] = (".render-key",)) -> str:
    """The render id of the one complete set ``folder`` holds; fails on anything else: a file the
    manifest does not list or lists with another checksum, a temporary file, a report or a page (by
    its slug line) of another render. ``others``: files of no set that may be there."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["name"]: f["sha256"] for f in manifest["files"]}
    here = {p.name for p in folder.iterdir() if p.is_file() and p.name not in ("manifest.json", "SHA256SUMS")}
    assert here - set(others) == set(listed), f"{folder}: on disk {sorted(here)}, listed {sorted(listed)}"
    for name, digest in listed.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
    sums = dict(reversed(line.split("  ", 1)) for line in (folder / "SHA256SUMS").read_text().splitlines())
    assert sums == listed
    rid = manifest["render"]
    if (folder / "preflight.json").exists():
        assert json.loads((folder / "preflight.json").read_text(encoding="utf-8"))["render"] == rid
    if slugs:
        for name in listed:
            if name.endswith(".pdf"):
                found = {m for text in page_texts(folder / name) for m in re.findall(r"render([0-9a-f]{12})",
                                                                                       re.sub(r"\s", "", text))}
                assert found == {rid}, f"{name}: pages of render {found}, the manifest's is {rid}"
    return rid


def leftovers(folder: Path) -> list[str]:
    """What a writer leaves only when it is killed: temporary folders and the lock beside the
    folder, temporary files in it."""
    beside = [p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}.")]
    inside = [p.name for p in folder.rglob(".*")] if folder.is_dir() else []
    return beside + [n for n in inside if n != ".render-key"]
