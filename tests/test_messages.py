"""Errors a person can act on: permission, a read-only or full disk, a missing folder, `-o` under a file,
a name no file can have, an encrypted PDF — each one line naming the path and the cause, exit 1;
"internal error" only for the engine's own faults; values cut to a readable length."""

from __future__ import annotations

import inspect
import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from layout.app.cli import main
from layout.base.errors import LayoutError
from layout.issue.loader import load_issue

from conftest import ROOT
from issuesets import leftovers, one_set, tiny_issue


def one_line(args, code: int = 1) -> str:
    """Run the command; it must fail with ``code`` and say why in one line, and that line is returned."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == code, result.output
    assert result.output.count("\n") == 1 and "Traceback" not in result.output, result.output
    return result.output.strip()


def layout_command(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "layout", *args], capture_output=True, **kwargs)


def test_values_are_cut_to_a_readable_length():
    message = str(LayoutError("x.yaml:3: unknown key '" + "長" * 5000 + "'"))
    assert len(message) < 150 and message.startswith("x.yaml:3: unknown key '長") and message.endswith("長'")
    assert "…[4907 characters]…" in message
    assert str(LayoutError(f"a.yaml: {message}")) == f"a.yaml: {message}", "a message quoted is not cut again"
    assert str(LayoutError("short: kept whole")) == "short: kept whole"
    many = str(LayoutError(" ".join(["word"] * 2000)))
    assert len(many) < 1600 and many.endswith("more characters)")
    assert str(LayoutError("bad \udcff name\n")) == "bad \\xff name\\n"   # undecodable bytes, controls: escaped


def test_a_huge_value_in_an_issue_file_is_not_echoed_whole(tmp_path):
    path = tiny_issue(tmp_path, "徐匯")
    text = path.read_text(encoding="utf-8").replace("date: 2021-11-29", "date: 2021-11-29, edition: " + "X" * 100_000)
    path.write_text(text, encoding="utf-8")
    line = one_line(["check", path])
    assert len(line) < 500 and "…[" in line and "i2.yaml" in line


@pytest.mark.parametrize("command", ["render", "check", "proof", "batch", "preflight", "diff", "render -o"])
@pytest.mark.parametrize("name,cause", [("a" * 300 + ".yaml", "305 bytes long; a file system allows 255"),
                                        ("bad\0name.yaml", "NUL character")])
def test_names_no_file_can_have_are_refused_in_one_line(tmp_path, command, name, cause):
    words = command.split()
    args = [*words, tmp_path / "issues" / name] if len(words) == 1 else \
        ["render", ROOT / "issues" / "1650.yaml", "-o", tmp_path / name]
    if command == "diff":
        args.append(tmp_path)
    assert cause in one_line(args)


def test_a_name_that_is_not_utf8_is_refused_in_one_line(tmp_path):
    result = layout_command(b"check", os.fsencode(tmp_path) + b"/caf\xe9.yaml")
    assert result.returncode == 1 and result.stderr.count(b"\n") == 1, result.stderr
    assert b"caf\\xe9.yaml: the path given as ISSUE_FILE is not UTF-8" in result.stderr


def test_output_under_a_file_or_a_file_itself(tmp_path):
    issue = tiny_issue(tmp_path / "i", "徐匯")
    (tmp_path / "plain").write_text("a file\n")
    assert one_line(["render", issue, "-o", tmp_path / "plain" / "out"]) == \
        f"error: {tmp_path / 'plain'}: is a file, so {tmp_path / 'plain' / 'out'} cannot be made under it"
    assert "plain: is a file, not a folder" in one_line(["render", issue, "-o", tmp_path / "plain"])
    batch = CliRunner().invoke(main, ["batch", str(issue), "-o", str(tmp_path / "plain")])
    assert batch.exit_code == 1 and f"{tmp_path / 'plain'}: is a file, so" in batch.output


def test_missing_files_and_folders(tmp_path):
    assert one_line(["diff", tmp_path / "gone", tmp_path]) == f"error: {tmp_path / 'gone'}: no such file or folder"
    assert "gone: no such issue file or folder" in one_line(["batch", tmp_path / "gone"])
    if "root" in inspect.signature(load_issue).parameters:
        issue = tiny_issue(tmp_path / "i", "徐匯")
        assert "gone" in one_line(["check", issue, "--root", tmp_path / "gone"])


def test_an_encrypted_pdf_is_a_finding_not_a_fault(tmp_path):
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.save(tmp_path / "locked.pdf", encryption=pikepdf.Encryption(owner="o", user="u"))
    result = CliRunner().invoke(main, ["preflight", str(tmp_path / "locked.pdf")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "iso/encryption" in result.output and "locked.pdf" in result.output
    assert "internal error" not in result.output


def test_an_internal_error_is_only_a_fault_of_the_engine(tmp_path, monkeypatch):
    import layout.app.pipeline as pipeline

    issue = tiny_issue(tmp_path / "i", "徐匯")
    monkeypatch.setattr(pipeline, "render_id", lambda issue: 1 / 0)
    assert "internal error (ZeroDivisionError" in one_line(["render", issue, "-o", tmp_path / "out"], code=3)

    def cannot(issue):
        raise PermissionError(13, "Permission denied", str(tmp_path / "i" / "s2.md"))
    monkeypatch.setattr(pipeline, "render_id", cannot)
    assert one_line(["render", issue, "-o", tmp_path / "out"]).endswith("s2.md: permission denied")


# --- the machine's own limits: real where this test may make them ---------------------------------

@pytest.fixture()
def small_disk(tmp_path):
    """A 2 MB file system of its own (a tmpfs; needs root): room for one tiny issue, not two."""
    where = tmp_path / "disk"
    where.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(where)], capture_output=True) \
        if shutil.which("mount") and os.geteuid() == 0 else None
    if made is None or made.returncode != 0:
        pytest.skip("mounting a small tmpfs needs root (a full disk is simulated in test_whole_issue.py)")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_a_full_disk_names_the_file_and_keeps_the_previous_set(tmp_path, small_disk):
    issue = tiny_issue(tmp_path / "i", "版本一")
    out = small_disk / "out"
    assert CliRunner().invoke(main, ["render", str(issue), "-o", str(out)]).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (issue.parent / "s2.md").write_text("本報訊 版本二。\n", encoding="utf-8")
    line = one_line(["render", issue, "-o", out])
    assert "cannot write: no space left on the device" in line and f"{out} is as it was" in line
    assert f"{out}/20211129-" in line, line
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before and leftovers(out) == []
    one_set(out)


def test_a_read_only_disk(tmp_path, small_disk):
    issue = tiny_issue(tmp_path / "i", "徐匯")
    out = small_disk / "out"
    assert CliRunner().invoke(main, ["render", str(issue), "-o", str(out)]).exit_code == 0
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    assert one_line(["render", issue, "-o", out]) == \
        f"error: {small_disk}: cannot write into this folder: the file system is read-only"
    one_set(out)


def test_no_permission_to_write(tmp_path):
    issue = tiny_issue(tmp_path / "i", "徐匯")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    command = [sys.executable, "-m", "layout", "render", str(issue), "-o", str(locked / "out")]
    if os.geteuid() == 0:
        # Root passes every permission check; without the capability to override them it does not.
        drop = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
        if not shutil.which("setpriv") or subprocess.run([*drop, "true"], capture_output=True).returncode:
            pytest.skip("running as root, and setpriv (util-linux) cannot drop the override here")
        command = [*drop, *command]
    try:
        result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    finally:
        locked.chmod(0o755)
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr == f"error: {locked}: cannot write into this folder: permission denied\n"


def test_makeup_never_replaces_an_issue_file_unasked(tmp_path):
    from conftest import copy_issues

    path = copy_issues(tmp_path / "issues")
    before = path.read_bytes()
    plan = tmp_path / "issues" / "plans" / "1650-front.yaml"
    result = CliRunner().invoke(main, ["makeup", str(plan), "-o", str(path)])
    assert result.exit_code == 1 and "already there" in result.output and "--force" in result.output
    assert result.output.count("\n") == 1 and path.read_bytes() == before
