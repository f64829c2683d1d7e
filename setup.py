"""What setuptools cannot say in pyproject.toml alone (the project's metadata is all there):

- A wheel carries the committed fonts (fonts/*.ttf, their licences and SOURCES.md) in
  layout/data/fonts/, where base/paths.py finds them when the package is installed; a checkout and an
  editable install read fonts/ beside the package, so the source tree never gets a copy.
- ``LAYOUT_COMPILE=1`` (a wheel: ``pip install .``, ``pip wheel .``; never an editable install, see
  build_backend/backend.py) compiles the modules listed in pyproject.toml's [tool.layout.compiled] with
  mypyc into C extensions beside the same ``.py`` files, which stay in the wheel. Where mypyc or a C
  compiler does not work, the install goes on in pure Python with a one-line note. The extensions are
  built in build/, never in layout/ (there they would shadow the ``.py`` files a developer edits).
"""

from __future__ import annotations

import os
import sys
import tempfile
import tomllib
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
FONTS = HERE / "fonts"

# mypy's checks, which mypyc runs before it compiles. The codes below are where mypy cannot follow the
# code (an attribute of a union or of a class it does not know, a type it cannot infer, a tuple's length,
# an Optional the code has ruled out): mypyc then either treats the value as any Python object, as the
# interpreter does, or checks its type where it is passed or returned, and the compiled run of the tests
# (.ci/run) exercises those checks. Every other error stops the compiled build: above all a variable
# given values of two types (legal Python, but mypyc fixes a variable's type at its first assignment).
# Third-party packages are not looked at (--no-site-packages): their values are any Python objects, so
# the build is the same whatever else the building environment has installed.
MYPY_OPTIONS = ["--follow-imports=silent", "--ignore-missing-imports", "--no-site-packages",
                "--cache-dir=build/mypy-cache",
                *(f"--disable-error-code={code}" for code in (
                    "union-attr", "attr-defined", "has-type", "var-annotated", "index", "operator", "misc",
                    "arg-type", "return-value", "annotation-unchecked"))]


def note(message: str) -> None:
    print(f"layout: {message}", file=sys.stderr)


def compile_asked() -> bool:
    return os.environ.get("LAYOUT_COMPILE", "") not in ("", "0")


def compiled_modules() -> list[str]:
    """The modules the compiled build compiles, as paths: pyproject.toml's list (the tests read it too)."""
    config = tomllib.loads((HERE / "pyproject.toml").read_text(encoding="utf-8"))
    return [name.replace(".", "/") + ".py" for name in config["tool"]["layout"]["compiled"]["modules"]]


def cannot_compile() -> str | None:
    """Why no compiled build can be made here, or None: mypyc missing, or no C compiler that builds
    a Python extension (tried on a few lines of C)."""
    try:
        import mypyc  # noqa: F401
    except ImportError:
        return "mypyc (mypy) is not installed"
    from setuptools._distutils.ccompiler import new_compiler
    from setuptools._distutils.sysconfig import customize_compiler, get_python_inc

    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / "probe.c"
        probe.write_text("#include <Python.h>\nint probe(void) { return Py_IsInitialized(); }\n")
        compiler = new_compiler()
        customize_compiler(compiler)
        try:
            compiler.compile([str(probe)], output_dir=tmp, include_dirs=[get_python_inc()])
        except Exception as exc:  # CompileError, or the compiler's program missing
            return f"no working C compiler ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})"
    return None


def compiled_extensions() -> list:
    # Only a build compiles: pip also runs this file to ask for requirements and metadata.
    if not compile_asked() or not {"bdist_wheel", "build", "build_ext", "install"} & set(sys.argv[1:]):
        return []
    why = cannot_compile()
    if why:
        note(f"LAYOUT_COMPILE is set but {why}: installing pure Python")
        return []
    from mypyc.build import mypycify

    try:
        return mypycify([*MYPY_OPTIONS, *compiled_modules()], opt_level="3", multi_file=True)
    except SystemExit:     # mypyc reports type errors (above) and exits
        note("LAYOUT_COMPILE is set but mypyc found type errors (above): installing pure Python")
        return []


class BuildPyWithFonts(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return               # the editable install reads fonts/ in place
        target = Path(self.build_lib) / "layout" / "data" / "fonts"
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted(FONTS.iterdir()):
            if path.suffix == ".ttf" or path.name.startswith("LICENSE") or path.name == "SOURCES.md":
                self.copy_file(str(path), str(target / path.name))


class BuildCompiled(build_ext):
    """Compiles in parallel on every core; drops extensions of an earlier build of build/ (a module
    since left pure must not come back compiled); falls back to pure Python if the C does not build."""

    def finalize_options(self):
        super().finalize_options()
        if not self.parallel:
            self.parallel = os.cpu_count() or 1

    def run(self):
        if self.inplace or getattr(self, "editable_mode", False):
            note("compiled modules are built for a wheel only, not in place: installing pure Python")
            self.extensions = []
            return
        self._remove_built()
        try:
            super().run()
        except Exception as exc:  # CompileError, LinkError, a compiler that fails on the generated C
            note(f"LAYOUT_COMPILE is set but the C extensions did not build ({exc}): installing pure Python")
            self._remove_built()
            self.extensions = []

    def _remove_built(self):
        built = Path(self.build_lib)
        if built.is_dir():
            for path in [*built.glob("*__mypyc*"), *(built / "layout").rglob("*.so")]:
                path.unlink()


setup(ext_modules=compiled_extensions(), cmdclass={"build_py": BuildPyWithFonts, "build_ext": BuildCompiled})
