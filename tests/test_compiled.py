"""The optional compiled build (README.md "Compiled build"): the tests run against the package they mean to.

.ci/run runs the suite twice: against the checkout's layout/ (the editable install, pure Python), and
with LAYOUT_EXPECT_COMPILED=1 against a compiled wheel installed in a fresh virtual environment. There,
every module pyproject.toml's [tool.layout.compiled] lists must be a C extension of the installed
package, so the compiled run cannot silently test pure Python (mypyc missing, a fallback, the
checkout's layout/ first on sys.path)."""

from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import layout

from conftest import ROOT

COMPILED = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["layout"]["compiled"]["modules"]
EXPECT_COMPILED = os.environ.get("LAYOUT_EXPECT_COMPILED") == "1"


def _is_extension(module) -> bool:
    return Path(module.__file__).suffix in (".so", ".pyd")


def test_the_list_names_modules_of_the_package():
    assert COMPILED == sorted(set(COMPILED), key=COMPILED.index)     # no name twice
    for name in COMPILED:
        assert (ROOT / (name.replace(".", "/") + ".py")).is_file(), f"{name} is listed in pyproject.toml's " \
            "[tool.layout.compiled] but is no module of layout/"


def test_no_compiled_module_in_the_source_tree():
    # A C extension beside a .py in layout/ is imported instead of it: edits to the .py would not count.
    found = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "layout").rglob("*") if p.suffix in (".so", ".pyd"))
    assert found == [], f"compiled modules in the source tree (delete them; build a wheel instead): {found}"


def test_the_package_under_test_is_the_one_meant():
    package = Path(layout.__file__).resolve().parent
    modules = {name: importlib.import_module(name) for name in COMPILED}
    if EXPECT_COMPILED:
        assert package != ROOT / "layout", "the compiled run imports the checkout's layout/, not the installed wheel"
        pure = [name for name, module in modules.items() if not _is_extension(module)]
        assert pure == [], f"listed for the compiled build but imported as Python: {pure}"
        # Only the listed modules: the rest of the package is the same .py files, interpreted.
        assert not _is_extension(importlib.import_module("layout.app.pipeline"))
    else:
        assert package == ROOT / "layout", (f"the tests import layout from {package}, not this checkout: "
                                            "install it editable (README), or set LAYOUT_EXPECT_COMPILED=1 "
                                            "to test an installed compiled build")
        compiled = [name for name, module in modules.items() if _is_extension(module)]
        assert compiled == []


def test_an_installed_package_carries_the_committed_fonts():
    # A wheel (compiled or not) has the fonts in layout/data/fonts/; a checkout reads fonts/ itself.
    from layout.base.paths import FONT_DIR

    committed = ROOT / "fonts"
    if Path(layout.__file__).resolve().parent == ROOT / "layout":
        assert FONT_DIR == committed
        return
    assert FONT_DIR == Path(layout.__file__).resolve().parent / "data" / "fonts"
    names = sorted(p.name for p in committed.iterdir() if p.suffix == ".ttf" or p.name.startswith("LICENSE")
                   or p.name == "SOURCES.md")
    assert sorted(p.name for p in FONT_DIR.iterdir()) == names
    for name in names:
        assert (FONT_DIR / name).read_bytes() == (committed / name).read_bytes(), name


def test_the_engine_reads_its_own_files_with_its_own_reader(tmp_path):
    # Where the own PDF reader fails on a file (an exception of any kind), preflight reads the file with
    # pikepdf and finds the same: a failure there is silent but for the time. A compiled module whose
    # annotations are wrong fails at run time in just that way, so the compiled run checks that a render
    # needs no pikepdf, and that each file it writes is checked whole by the own reader.
    from layout.preflight import rules

    code = ("import sys; from pathlib import Path; from layout.app.pipeline import render; "
            "render(Path(sys.argv[1]), Path(sys.argv[2])); print('pikepdf' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code, str(ROOT / "issues" / "1650.yaml"), str(tmp_path / "out")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False"], "a render loaded pikepdf: its own reader failed on a file it wrote"
    files = sorted((tmp_path / "out").rglob("*.pdf"))
    assert files
    for path in files:
        assert rules._check(path, rules.Limits(), own=True, figures=True) is not None, f"{path.name}: declined"


def test_no_test_starts_the_engine_from_elsewhere_than_the_package_under_test():
    # A subprocess given the checkout on PYTHONPATH, or the `layout` found first on PATH (another
    # install's: a pyenv shim, the editable one), runs the checkout's pure layout/ in the compiled run
    # however the installed package was built: what it tests would pass there whatever the compiled code did.
    sources = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("test_*.py")
               if p.name != Path(__file__).name}
    found = [name for name, text in sources.items()
             if '"PYTHONPATH": str(ROOT)' in text or re.search(r"""\[\s*["']layout["']\s*,""", text)]
    assert found == [], f"tests that may run the checkout's pure layout/ in the compiled run: {found}"
