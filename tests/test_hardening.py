"""Bad input never crashes the engine or loses text: strange characters, broken files, escaping
paths, interrupted and concurrent writes, and fuzzing of the loader and the composer."""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import zlib

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from layout.app.cli import main
from layout.compose.linebreak import Composer
from layout.base.errors import LayoutError
from layout.fonts.faces import load_face
from layout.issue.loader import load_issue
from layout.compose.atoms import Paragraph, Span, TextStyle

from conftest import ROOT
from invariants import check_lines
from pdfscan import page_texts

ISSUE = ROOT / "issues" / "1650.yaml"


def story_issue(tmp_path, text: str, extra: str = ""):
    """A one-story issue whose text file holds ``text`` exactly as bytes of UTF-8."""
    shutil.copytree(ROOT / "issues" / "templates", tmp_path / "templates")
    (tmp_path / "s.md").write_bytes(text.encode("utf-8"))
    path = tmp_path / "x.yaml"
    path.write_text("template: xuhuibao-tabloid\npaper: {name: 徐匯報}\n"
                    "issue: {number: 1, total: 2, date: 2021-11-29}\npages:\n  - {number: 1, section: 要聞}\n"
                    "stories:\n  - id: odd\n    text: s.md\n    frames:\n"
                    "      - {page: 1, col: 1, span: 6, line: 20, lines: 40}\n" + extra, encoding="utf-8")
    return path


def run(args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("text,needle", [
    ("徐匯區居民很開心😀。", "U+1F600 (GRINNING FACE)"),
    ("一位姓𠮷的居民。", "U+20BB7"),
    ("鈴聲\x07響了。", "control character"),
    ("他說：שלום。", "right-to-left"),
    ("方向\u202e反了。", "right-to-left"),
])
def test_strange_characters_are_reported_by_story_position_and_code_point(tmp_path, text, needle):
    out = tmp_path / "out"
    result = run(["render", story_issue(tmp_path, text), "-o", out])
    assert result.exit_code == 1
    assert "story 'odd'" in result.output and "paragraph 1, character" in result.output
    assert needle in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists() or not list(out.glob("*.pdf"))


@pytest.mark.parametrize("text,expect", [
    ("Café résumé 徐匯。", "Café résumé徐匯。"),                # precomposed é (U+00E9)
    ("Cafe\u0301 re\u0301sume\u0301 徐匯。", "Cafe\u0301re\u0301sume\u0301徐匯。"),  # e + combining acute U+0301
    ("徐匯\u200b區委\u200d。", "徐匯區委。"),                    # zero-width space and joiner: set, not drawn
    ("徐匯\t區委。", "徐匯區委。"),                              # a tab is a space
    ("第一段。\r\n第二段。\r\n", "第一段。第二段。"),              # Windows line endings
    ("ＡＢＣ１２３ｱｲｳ ABC123。", "ＡＢＣ１２３ｱｲｳABC123。"),      # full-width and half-width forms
])
def test_strange_text_that_can_be_set_is_set_completely(tmp_path, text, expect):
    out = tmp_path / "out"
    result = run(["render", story_issue(tmp_path, "本報訊 " + text), "-o", out])
    assert result.exit_code == 0, result.output
    extracted = "".join(page_texts(out / "20211129-01.pdf")[0].split())
    # Exactly the characters of the text, in order: a combining mark is drawn after its base (the
    # PDF's text reads e + U+0301, not a precomposed é), none lost, none added.
    assert ("本報訊" + expect).replace(" ", "") in extracted


def _png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims width × height pixels (a decompression bomb's calling card)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 10))
            + chunk(b"IEND", b""))


@pytest.mark.parametrize("make,needle", [
    (None, "not found"),
    (lambda p: p.write_bytes((ROOT / "issues" / "1650" / "sample-photo.jpg").read_bytes()[:30000]),
     "damaged or truncated"),
    (lambda p: p.write_bytes(b"this is not an image"), "not an image"),
    (lambda p: p.write_bytes(_png_claiming(40000, 40000)), "pixels"),
])
def test_bad_images_fail_cleanly_naming_the_file(tmp_path, make, needle):
    photo = tmp_path / "photo.jpg"
    if make:
        make(photo)
    extra = ("photos:\n  - id: p\n    file: photo.jpg\n    place: {page: 1, col: 1, span: 3, line: 61, lines: 10}\n")
    result = run(["check", story_issue(tmp_path, "徐匯區。", extra)])
    assert result.exit_code == 1
    assert "x.yaml:" in result.output and "photos[p].file" in result.output and needle in result.output


def test_truncated_font_is_a_clean_error(tmp_path):
    bad = tmp_path / "Broken.ttf"
    bad.write_bytes((ROOT / "fonts" / "NotoSerif-Regular.ttf").read_bytes()[:2000])
    with pytest.raises(LayoutError, match="Broken.ttf"):
        load_face(bad, "broken")
    garbage = tmp_path / "Garbage.ttf"
    garbage.write_bytes(b"\x00\x01\x00\x00" + b"\xff" * 300)
    with pytest.raises(LayoutError, match="Garbage.ttf"):
        load_face(garbage, "garbage")


def test_paths_outside_need_permission(tmp_path):
    outside = tmp_path.parent / f"{tmp_path.name}-outside.md"
    outside.write_text("外面的文字。\n", encoding="utf-8")
    path = story_issue(tmp_path / "p", "x")
    path.write_text(path.read_text(encoding="utf-8").replace("text: s.md", f"text: {outside}"), encoding="utf-8")
    assert run(["check", path]).exit_code == 1
    assert "allow-outside" in run(["check", path]).output
    assert run(["check", path, "--allow-outside"]).exit_code == 0


def test_a_failing_write_leaves_nothing_behind(tmp_path, monkeypatch, real_fonts):
    import layout.app.delivery as pdf
    from layout.app.pipeline import render

    def half_then_full(path, write):
        import io

        data = io.BytesIO()
        write(data)
        with open(path, "wb") as f:
            f.write(data.getvalue()[:len(data.getvalue()) // 2])
        raise OSError(28, "No space left on device (simulated)")

    monkeypatch.setattr(pdf, "_write_file", half_then_full)
    out = tmp_path / "out"
    with pytest.raises(LayoutError, match="20211129-01-hans.pdf: cannot write: no space left on the device"):
        render(ISSUE, out, fonts=real_fonts)
    assert [p for p in out.rglob("*") if not p.is_dir()] == [] if out.exists() else True
    assert [p.name for p in tmp_path.iterdir()] == []


def test_two_renders_at_once_do_not_corrupt_each_other(tmp_path):
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "layout", "render", str(ISSUE), "-o", str(out)]
    procs = [subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(2)]
    assert all(p.wait(timeout=300) == 0 for p in procs)
    solo = tmp_path / "solo"
    subprocess.run([sys.executable, "-m", "layout", "render", str(ISSUE), "-o", str(solo)], check=True,
                   capture_output=True)
    for edition in ("hans", "hant"):
        for name in (f"20211129-01-{edition}.pdf", f"20211129-02-{edition}.pdf", f"20211129-issue1650-{edition}.pdf"):
            assert (out / edition / name).read_bytes() == (solo / edition / name).read_bytes()
    assert not list(out.glob(".*.part*"))


# --- fuzzing ----------------------------------------------------------------------------------

SAMPLE = ISSUE.read_text(encoding="utf-8")


@st.composite
def mutated_yaml(draw):
    text = SAMPLE
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(text)))
        j = min(len(text), i + draw(st.integers(0, 12)))
        insert = draw(st.sampled_from(["", ":", "- ", "\n", "  ", "{", "}", "[", "]", "&a", "*a",
                                       "!!python/object:os.system", "page: 9", "lines: -1", "col: 0", "徐匯", "\t",
                                       "'", '"', "0x", "null", "~"]))
        text = text[:i] + insert + text[j:]
    return text


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(text=mutated_yaml())
def test_fuzz_mutated_issue_files(tmp_path_factory, text):
    # Either the engine's own clean error, or an issue that loads.
    folder = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(ROOT / "issues" / "templates", folder / "templates")
    shutil.copytree(ROOT / "issues" / "1650", folder / "1650")
    path = folder / "1650.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        issue = load_issue(path)
    except LayoutError as exc:
        assert str(exc).startswith(str(path)) and "\n" not in str(exc)
    else:
        assert issue.stories


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(min_size=1, max_size=120), em=st.integers(4, 20))
def test_fuzz_any_unicode_text_through_the_composer(real_fonts, text, em):
    # Any text at all: a clean error naming the character, or a layout that passes the invariants.
    para = Paragraph((Span(text, TextStyle("body", 9.0)),))
    try:
        lines = Composer(real_fonts).compose(para, em * 9.0)
    except LayoutError as exc:
        assert "U+" in str(exc)
        return
    check_lines(text, lines, em * 9.0, strict_orphans=False)
