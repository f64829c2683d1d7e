"""The conventions of a command-line tool: NO_COLOR and --color/--no-color, the cache under
$XDG_CACHE_HOME with old entries evicted, and a small Python API."""

from __future__ import annotations

import os
import shutil
import time

import pytest
from click.testing import CliRunner

import layout
from layout.app.cli import main
from layout.base import diskcache

from conftest import ROOT

MISSING = ["check", "/nonexistent/issue.yaml"]


@pytest.mark.parametrize("args, env, coloured", [
    (["--color", *MISSING], {}, True),
    (["--no-color", *MISSING], {}, False),
    (MISSING, {"NO_COLOR": "1"}, False),
    (["--color", *MISSING], {"NO_COLOR": "1"}, True),     # asked for explicitly: the flag wins
])
def test_colour_follows_no_color_and_the_flags(args, env, coloured):
    result = CliRunner(mix_stderr=False).invoke(main, args, env=env, color=True) if hasattr(CliRunner, "mix_stderr") \
        else CliRunner().invoke(main, args, env=env, color=True)
    out = result.output + (result.stderr if hasattr(result, "stderr") else "")
    assert result.exit_code == 1 and "issue file not found" in out
    assert ("\x1b[" in out) == coloured, repr(out)


def test_cache_folder_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("LAYOUT_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert diskcache.folder() == tmp_path / "xdg" / "layout"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")        # the spec: only an absolute path counts
    assert diskcache.folder() == diskcache.Path.home() / ".cache" / "layout"
    monkeypatch.setenv("LAYOUT_CACHE_DIR", str(tmp_path / "mine"))  # the engine's own variable first
    assert diskcache.folder() == tmp_path / "mine"


def test_least_recently_used_entries_are_evicted(monkeypatch, tmp_path):
    monkeypatch.setenv("LAYOUT_CACHE_DIR", str(tmp_path))
    for k in range(10):
        diskcache.write(diskcache.QR_SYMBOLS, f"entry-{k}", bytes(1000))
        stamp = time.time() - 1000 + k
        os.utime(tmp_path / "qr" / f"entry-{k}", (stamp, stamp))
    assert diskcache.read(diskcache.QR_SYMBOLS, "entry-0") is not None   # used now: kept
    room = 8 * (diskcache._on_disk(os.stat(tmp_path / "qr" / "entry-1")) + 4)   # room for 8 entries on this disk
    removed = diskcache.evict(limit=room)
    left = sorted(p.name for p in (tmp_path / "qr").iterdir())
    assert removed == 4 and "entry-0" in left and left == ["entry-0", "entry-5", "entry-6", "entry-7", "entry-8",
                                                            "entry-9"]
    assert diskcache.evict(limit=room) == 0                             # under the limit: nothing goes


def test_entries_unused_past_the_age_limit_are_evicted_whatever_the_size(monkeypatch, tmp_path):
    monkeypatch.setenv("LAYOUT_CACHE_DIR", str(tmp_path))
    now = time.time()
    for k, days in enumerate((0, 10, 59, 61, 400)):
        diskcache.write(diskcache.QR_SYMBOLS, f"entry-{k}", bytes(100))
        stamp = now - days * 86400
        os.utime(tmp_path / "qr" / f"entry-{k}", (stamp, stamp))
    assert diskcache.evict(limit=10**9, max_age=60 * 86400, now=now) == 2    # 61 and 400 days unused
    assert sorted(p.name for p in (tmp_path / "qr").iterdir()) == ["entry-0", "entry-1", "entry-2"]


def test_the_budget_is_what_the_entries_take_on_the_disk(monkeypatch, tmp_path):
    """Small entries (a conversion, a story's blocks, a digest: tens of bytes) each take a whole block:
    the budget counts that, so a folder of many of them stays within it as `du` measures it."""
    monkeypatch.setenv("LAYOUT_CACHE_DIR", str(tmp_path))
    for k in range(300):
        diskcache.write(diskcache.CONVERSIONS, f"entry-{k}", "轉換".encode())
    entries = list((tmp_path / diskcache.CONVERSIONS.folder).iterdir())
    used = sum(p.stat().st_blocks * 512 for p in entries)
    assert used > 10 * sum(p.stat().st_size for p in entries)       # as on any file system of blocks
    diskcache.evict(limit=used // 4)
    assert sum(p.stat().st_blocks * 512 for p in (tmp_path / diskcache.CONVERSIONS.folder).iterdir()) <= used // 4


def test_a_long_run_looks_at_the_budget_again_as_it_writes(monkeypatch, tmp_path):
    """One process writing far more than the budget (a batch of the archive in one worker) never takes
    the folder past it by more than the share written between two looks."""
    monkeypatch.setenv("LAYOUT_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(diskcache, "CACHE_MAX_BYTES", 100_000)
    monkeypatch.setattr(diskcache, "_EVICTION", {"checked": False, "written": 0})
    biggest = 0
    for k in range(200):
        diskcache.write(diskcache.QR_SYMBOLS, f"entry-{k}", bytes(2000))
        biggest = max(biggest, sum(p.stat().st_size for p in (tmp_path / "qr").iterdir()))
    entry = 2000 + diskcache.ENVELOPE.size
    assert biggest <= 100_000 + 100_000 * diskcache.CHECK_SHARE + entry


def test_python_api_renders_and_checks(tmp_path):
    shutil.copytree(ROOT / "issues", tmp_path / "issues")
    laid_out = layout.check(tmp_path / "issues" / "1650.yaml")
    assert [f.story.id for f in laid_out.flows] == ["study-session", "government-meeting", "community-spaces"]
    assert layout.check(tmp_path / "issues" / "1650.yaml", edition="hant").issue.paper.name == "徐匯報"
    result = layout.render(str(tmp_path / "issues" / "1650.yaml"), tmp_path / "out")
    assert [f.name for f in result.files] == ["20211129-01-hans.pdf", "20211129-02-hans.pdf",
                                              "20211129-issue1650-hans.pdf"]
    assert [f.relative_to(tmp_path / "out").as_posix() for f in result.editions[1].files] == [
        "hant/20211129-01-hant.pdf", "hant/20211129-02-hant.pdf", "hant/20211129-issue1650-hant.pdf"]
    with pytest.raises(layout.LayoutError, match="issue file not found"):
        layout.check(tmp_path / "nothing.yaml")


def test_dash_reads_the_issue_from_standard_input(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "issues", tmp_path / "issues")
    monkeypatch.chdir(tmp_path / "issues")            # its texts and templates are looked for here
    source = (tmp_path / "issues" / "1650.yaml").read_text(encoding="utf-8")
    ok = CliRunner().invoke(main, ["check", "-"], input=source)
    assert ok.exit_code == 0 and "第49期（總第1650期）" in ok.output
    bad = CliRunner().invoke(main, ["check", "-"], input=source.replace("headline:", "heading:", 1))
    assert bad.exit_code == 1 and "<stdin>:25: stories[study-session].heading" in bad.output
    rendered = CliRunner().invoke(main, ["render", "-", "-o", str(tmp_path / "out")], input=source)
    assert rendered.exit_code == 0 and (tmp_path / "out" / "hans" / "20211129-01-hans.pdf").is_file()
    assert not list((tmp_path / "issues").glob(".layout-stdin-*"))   # nothing left behind
