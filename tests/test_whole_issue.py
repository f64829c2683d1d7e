"""An issue is replaced as a whole, or not at all: a render that fails, is killed (SIGKILL, SIGTERM) at any
moment or runs beside a render of another version leaves its folder with one complete set — every
file the manifest lists, with its checksum, all from one render — and never a mix; what a killed render
leaves behind the next run cleans up. A batch stopped by a signal says what it finished, its workers
exit quietly, and two issue files for one folder are refused.

The kill tests fork renders from this process (fonts loaded once), so that many fit in a few seconds;
LAYOUT_KILL_RUNS=N runs N of each instead of 30 (and the batch's signal tests N/10 times each)."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

import layout.base.files as files
from layout.app.cli import main
from layout.app.pipeline import read_issue, render, render_id
from layout.base.errors import LayoutError, stop_on_signals

from conftest import ROOT
from issuesets import leftovers, one_set, tiny_issue

RUNS = int(os.environ.get("LAYOUT_KILL_RUNS", "30"))


def forked(work) -> int:
    """Run ``work`` in a child process that handles signals as the `layout` command does."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover — the child
        code = 2
        try:
            stop_on_signals()
            work()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:  # noqa: BLE001
            code = 1
        finally:
            os._exit(code)
    return pid


def waited(pid: int) -> int:
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


@pytest.fixture()
def versions(tmp_path):
    """Two versions of one issue (the same 總期數, so one folder) and their render ids."""
    paths = [tiny_issue(tmp_path / "v1", "版本一"), tiny_issue(tmp_path / "v2", "版本二")]
    return paths, [render_id(read_issue(p)) for p in paths]


def _kill_at_random(tmp_path, versions, fonts, sig: int, runs: int) -> Counter:
    paths, ids = versions
    out = tmp_path / "out"
    render(paths[0], out, fonts=fonts)
    start = time.perf_counter()
    assert waited(forked(lambda: render(paths[1], out, fonts=fonts))) == 0
    window = (time.perf_counter() - start) * 1.3          # fork, render and exit, with a margin past it
    rng = random.Random(16)
    seen = Counter()
    for _ in range(runs):
        before = one_set(out, slugs=False)
        manifest = (out / "manifest.json").read_bytes()
        pid = forked(lambda: render(paths[1 - ids.index(before)], out, fonts=fonts))
        time.sleep(rng.uniform(0, window))
        os.kill(pid, sig)
        code = waited(pid)
        if not out.exists():
            # SIGKILL between moving the old set aside and putting the new in (no RENAME_EXCHANGE):
            # the next writer or reader of the folder puts the old set back.
            from layout.app.delivery import issue_folder_held
            with issue_folder_held(out):
                pass
            seen["folder missing, put back by the next run"] += 1
        now = one_set(out)
        assert now in ids
        if now == before:
            assert (out / "manifest.json").read_bytes() == manifest, "the previous set is as it was"
        left = leftovers(out)
        if sig == signal.SIGTERM:
            assert left == [], f"SIGTERM left {left}"
            assert code in (0, 128 + signal.SIGTERM, -signal.SIGTERM), code
        seen[("new set" if now != before else "previous set") + (", leftovers" if left else "")] += 1
    render(paths[0], out, fonts=fonts)     # the next run cleans up whatever a SIGKILL left
    assert leftovers(out) == []
    one_set(out)
    return seen


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_a_render_killed_at_random_moments_leaves_one_whole_set(tmp_path, versions, real_fonts, monkeypatch, sig):
    seen = _kill_at_random(tmp_path / "exchange", versions, real_fonts, sig, RUNS - RUNS // 2)
    # Where the system cannot swap two folders in one step, the fallback (two renames) keeps the promise.
    monkeypatch.setattr(files, "_exchange", lambda a, b: False)
    seen += _kill_at_random(tmp_path / "renames", versions, real_fonts, sig, RUNS // 2)
    print(f"\n{signal.Signals(sig).name}, {RUNS} runs: {dict(seen)}")
    assert sum(seen.values()) == RUNS


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "renames"])
def test_killed_inside_the_swap_the_next_run_finds_one_set(tmp_path, versions, real_fonts, monkeypatch, exchange):
    """SIGKILL at the worst moment: after the old set is moved aside, before the new is in place (two
    renames), or after the swap, before the old set is removed (exchange)."""
    paths, ids = versions
    out = tmp_path / "out"
    render(paths[0], out, fonts=real_fonts)
    manifest = (out / "manifest.json").read_bytes()
    if not exchange:
        monkeypatch.setattr(files, "_exchange", lambda a, b: False)

    def killed_in_the_swap():
        renames = []
        real_rename, real_rmtree = os.rename, shutil.rmtree

        def rename(a, b):
            renames.append(a)
            if len(renames) == 2:                      # the new set about to go in
                os.kill(os.getpid(), signal.SIGKILL)
            real_rename(a, b)

        def rmtree(path, *args, **kwargs):
            os.kill(os.getpid(), signal.SIGKILL)      # the old set about to be removed
            real_rmtree(path, *args, **kwargs)

        monkeypatch.setattr(files.os, "rename", rename)
        monkeypatch.setattr(files.shutil, "rmtree", rmtree)
        render(paths[1], out, fonts=real_fonts)

    assert waited(forked(killed_in_the_swap)) == -signal.SIGKILL
    monkeypatch.undo()
    if exchange:
        assert one_set(out) == ids[1] and leftovers(out)
    else:
        assert not out.exists() and leftovers(out)   # for an instant, as a reader could find it
    # The next render of this folder puts right what it finds: the old set back (renames) or removed.
    from layout.app.delivery import issue_folder_held
    with issue_folder_held(out):
        pass
    assert leftovers(out) == []
    if exchange:
        assert one_set(out) == ids[1]
    else:
        assert one_set(out) == ids[0] and (out / "manifest.json").read_bytes() == manifest


def test_two_renders_of_different_versions_at_once_leave_one_of_them(tmp_path, versions, real_fonts):
    paths, ids = versions
    out = tmp_path / "out"
    winners = Counter()
    for k in range(max(20, RUNS * 2 // 3)):
        order = paths if k % 2 else paths[::-1]
        pids = [forked(lambda p=p: render(p, out, fonts=real_fonts)) for p in order]
        assert [waited(p) for p in pids] == [0, 0]
        winners[ids.index(one_set(out))] += 1
        assert leftovers(out) == []
    print(f"\nthe folder held version 1 {winners[0]} times, version 2 {winners[1]} times")


def test_a_render_that_fails_partway_leaves_the_previous_set(tmp_path, versions, real_fonts, monkeypatch):
    """The second PDF refused (a photo the press conversion cannot bring under the ink limit ends the
    same way), the disk full at the second PDF, a file name too long: the first PDF was already
    written, and the folder holds the previous set, byte for byte."""
    import layout.app.delivery as delivery

    paths, ids = versions
    out = tmp_path / "out"
    render(paths[0], out, fonts=real_fonts)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real_checked = delivery._checked

    def second_fails(error):
        calls = []

        def checked(target, *args):
            calls.append(target)
            if len(calls) == 2:
                assert (calls[0]).is_file() and calls[0].parent != out   # one PDF written, not in place
                raise error
            real_checked(target, *args)
        return checked

    template = paths[1].parent / "templates" / "xuhuibao-tabloid.yaml"
    cases = [
        (second_fails(LayoutError("20211129-issue2.pdf: fails preflight rule house/ink")), "house/ink"),
        (second_fails(OSError(28, "No space left on device")), "no space left on the device"),
    ]
    for fault, message in cases:
        monkeypatch.setattr(delivery, "_checked", fault)
        with pytest.raises(LayoutError, match=message):
            render(paths[1], out, fonts=real_fonts)
        monkeypatch.undo()
        assert {p.name: p.read_bytes() for p in out.iterdir()} == before and leftovers(out) == []
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace("print:", "print:\n  page_file: \"" + "P" * 270 + "-{date}-{page}.pdf\"", 1),
                        encoding="utf-8")
    with pytest.raises(LayoutError, match="255"):
        render(paths[1], out, fonts=real_fonts)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before and leftovers(out) == []


def test_proof_and_press_sets_are_replaced_each_on_its_own(tmp_path, versions, real_fonts):
    """A press render keeps the issue's proof/; a proof replaces only proof/; files the engine did not
    write stay; a page of the old set is never carried into the new."""
    from layout.app.pipeline import proof

    paths, ids = versions
    out = tmp_path / "out"
    proof(paths[0], out, fonts=real_fonts, dpi=20)
    (out / "notes.txt").write_text("the editor's\n")
    render(paths[0], out, fonts=real_fonts)
    (out / "20211129-99.pdf").write_bytes(b"a page of no set")      # an old page the manifest does not list
    proof_files = {p.name: p.read_bytes() for p in (out / "proof").iterdir()}
    render(paths[1], out, fonts=real_fonts)
    assert one_set(out, others=("notes.txt",)) == ids[1] and not (out / "20211129-99.pdf").exists()
    assert {p.name: p.read_bytes() for p in (out / "proof").iterdir()} == proof_files
    press = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    proof(paths[1], out, fonts=real_fonts, dpi=20)
    assert one_set(out / "proof") == ids[1] and {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == press
    # A folder the engine did not write is never replaced (nor the folder you are in).
    mine = tmp_path / "documents"
    mine.mkdir()
    (mine / "letter.txt").write_text("keep me\n")
    with pytest.raises(LayoutError, match="holds files the engine did not write"):
        render(paths[0], mine, fonts=real_fonts)
    assert [p.name for p in mine.iterdir()] == ["letter.txt"]


# --- batch -----------------------------------------------------------------------------------

def archive(folder: Path, count: int) -> Path:
    for k in range(count):
        tiny_issue(folder, f"第{k}號", total=100 + k)
    return folder


def test_batch_refuses_two_issue_files_for_one_folder(tmp_path):
    folder = archive(tmp_path / "issues", 2)
    shutil.copy(folder / "i100.yaml", folder / "i100-again.yaml")
    result = CliRunner().invoke(main, ["batch", str(folder), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert "i100.yaml" in result.output and "i100-again.yaml" in result.output and "/out/100 " in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("how", ["SIGTERM to the batch", "Ctrl-C to all its processes", "SIGTERM to all its processes",
                                 "SIGKILL to the batch"])
def test_a_batch_stopped_by_a_signal(tmp_path, how):
    """Stopped at a random moment after its first issue: the workers exit without a word, the batch
    says what was finished and what not, every folder holds one whole set, and after a SIGKILL the
    next batch cleans up and finishes."""
    folder = archive(tmp_path / "issues", 24)
    out = tmp_path / "out"
    sig = {"SIGTERM": signal.SIGTERM, "Ctrl-C": signal.SIGINT, "SIGKILL": signal.SIGKILL}[how.split()[0]]
    everyone = "all" in how
    rng = random.Random(how)
    for _ in range(max(1, RUNS // 30)):
        proc = subprocess.Popen([sys.executable, "-m", "layout", "batch", str(folder), "-o", str(out), "-j", "2",
                                 "--force"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path,
                                start_new_session=True)
        for line in proc.stderr:
            if b"issues," in line:
                break
        time.sleep(rng.uniform(0, 0.05))
        os.killpg(proc.pid, sig) if everyone else proc.send_signal(sig)
        stdout, stderr = proc.communicate(timeout=60)   # until every worker has closed the pipe too
        said = stderr.decode()
        assert "Traceback" not in said and "Error" not in said, said
        if sig == signal.SIGKILL:
            assert proc.returncode == -signal.SIGKILL
            assert all(line.startswith("[") for line in said.splitlines()), said   # its progress, nothing else
        else:
            assert proc.returncode == 128 + sig, said
            last = said.strip().splitlines()[-1]
            assert re.match(r"stopped: by (SIGTERM|Ctrl-C): (\d+) of 24 issues finished", last), last
            rows = [r for r in stdout.decode().splitlines() if r.startswith("i1")]
            assert len(rows) == 24 and any(" stopped " in r for r in rows) and any(" rendered " in r for r in rows)
        for issue in out.iterdir():
            if not issue.name.startswith("."):
                one_set(issue, slugs=False)
        if sig != signal.SIGKILL:
            assert [n for n in os.listdir(out) if n.startswith(".")] == []
    if sig != signal.SIGKILL:
        return
    again = subprocess.run([sys.executable, "-m", "layout", "batch", str(folder), "-o", str(out), "-j", "2"],
                           capture_output=True, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert [n for n in os.listdir(out) if n.startswith(".")] == [] and len(os.listdir(out)) == 24
    for issue in out.iterdir():
        one_set(issue, slugs=False)


def test_a_worker_killed_alone_fails_its_issue_and_the_batch_goes_on(tmp_path):
    """A worker killed by itself (the out-of-memory killer): its issue is reported failed, the others are
    rendered, the batch ends (it does not wait for the lost issue for ever) with exit status 1."""
    folder = archive(tmp_path / "issues", 24)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "layout", "batch", str(folder), "-o", str(out), "-j", "2", "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    workers = []
    while not workers and proc.poll() is None:
        workers = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
    if not workers:
        pytest.skip("the batch ended before a worker could be seen")
    os.kill(int(workers[0]), signal.SIGKILL)
    stdout, stderr = proc.communicate(timeout=60)
    rows = json.loads(stdout)
    failed = [r for r in rows if r["status"] == "failed"]
    assert "Traceback" not in stderr.decode()
    assert len(rows) == 24 and len(failed) <= 1
    assert proc.returncode == (1 if failed else 0)
    assert all("worker process died (killed by SIGKILL)" in r["reason"] for r in failed)
    for issue in out.iterdir():
        if not issue.name.startswith("."):
            one_set(issue, slugs=False)


def test_sigterm_to_render_unwinds_in_one_line(tmp_path):
    """The command itself (not a forked render): SIGTERM at a random moment gives exit 143 and one line,
    or a finished render; never a traceback or a temporary file."""
    out = tmp_path / "out"
    issue = ROOT / "issues" / "1650.yaml"
    rng = random.Random(143)
    codes = Counter()
    for _ in range(max(3, RUNS // 10)):
        proc = subprocess.Popen([sys.executable, "-m", "layout", "render", str(issue), "-o", str(out)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=tmp_path)
        time.sleep(rng.uniform(0.05, 0.5))
        proc.send_signal(signal.SIGTERM)
        said = proc.communicate(timeout=60)[1].decode()
        codes[proc.returncode] += 1
        assert proc.returncode in (0, 143, -signal.SIGTERM), said
        assert "Traceback" not in said
        if proc.returncode == 143:
            assert said.count("\n") == 1 and said.startswith("stopped"), said
        for edition in ("hans", "hant"):         # each edition's folder holds one whole set, or none
            if (out / edition).exists():
                one_set(out / edition, slugs=False)
        assert [n for n in os.listdir(tmp_path) if n.startswith(".")] == []
        assert not list(out.rglob(".*")) if out.exists() else True
    print(f"\nexit statuses: {dict(codes)}")
