from __future__ import annotations

import shutil
import sys
from pathlib import Path

import os

import pytest
from hypothesis import HealthCheck, settings

# HYPOTHESIS_PROFILE=deep runs ten times more random cases than the default CI profile.
settings.register_profile("ci", max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", max_examples=4000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

sys.path.insert(0, str(Path(__file__).parent))

from testfont import build_test_font  # noqa: E402

from layout.fonts.faces import FontSet, default_fontset, load_face  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SAMPLE_EDITIONS = "editions: [hans, hant]\n"


def copy_issues(dest: Path, edition: str | None = "hant") -> Path:
    """The project's issues/ copied to ``dest``; its 1650.yaml printed in ``edition`` only (the tests of
    everything but editions read one set of files, in the source's own script), or in both (None)."""
    shutil.copytree(ROOT / "issues", dest)
    path = dest / "1650.yaml"
    if edition is not None:
        text = path.read_text(encoding="utf-8")
        assert SAMPLE_EDITIONS in text
        path.write_text(text.replace(SAMPLE_EDITIONS, f"editions: [{edition}]\n"), encoding="utf-8")
    return path


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/*.txt from the current layouts (accept a deliberate change)")


@pytest.fixture(scope="session")
def test_face(tmp_path_factory):
    path = build_test_font(tmp_path_factory.mktemp("font") / "LayoutTest.ttf")
    return load_face(path, "test")


@pytest.fixture(scope="session")
def test_fonts(test_face) -> FontSet:
    """Every role set in the hand-checkable test font."""
    roles = {role: ("test",) for role in ("body", "headline", "sans", "kai")}
    return FontSet({"test": test_face}, roles)


@pytest.fixture(scope="session")
def real_fonts() -> FontSet:
    return default_fontset()


@pytest.fixture(scope="session")
def sample_render(tmp_path_factory, real_fonts):
    """Issue 1650 rendered once for all tests that read its PDFs."""
    from layout.app.pipeline import render

    out = tmp_path_factory.mktemp("render")
    return render(ROOT / "issues" / "1650.yaml", out, fonts=real_fonts)


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (Debian package poppler-utils / qpdf); .ci/run installs it")
    return path
