"""The PEP 517 build backend: setuptools' own, with mypy added to the build requirements only when a
compiled wheel is asked for (``LAYOUT_COMPILE=1 pip install .`` or ``pip wheel .``; see setup.py and
README.md "Compiled build"). So ``pip install -e .`` and a plain ``pip install .`` never download mypy,
and an editable install is pure Python whatever the environment says: a compiled module beside the
``.py`` a developer edits would shadow it."""

from __future__ import annotations

import os
from contextlib import contextmanager

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F401,F403  (every hook this module does not change)

# The mypy whose mypyc the compiled build is made and tested with (the modules' annotations are checked
# by it; another version may read them differently).
MYPY = "mypy==2.4.1"


def compile_asked() -> bool:
    return os.environ.get("LAYOUT_COMPILE", "") not in ("", "0")


def get_requires_for_build_wheel(config_settings=None):
    return _setuptools.get_requires_for_build_wheel(config_settings) + ([MYPY] if compile_asked() else [])


@contextmanager
def _pure():
    """LAYOUT_COMPILE set aside while an editable install is built."""
    saved = os.environ.pop("LAYOUT_COMPILE", None)
    try:
        yield
    finally:
        if saved is not None:
            os.environ["LAYOUT_COMPILE"] = saved


def get_requires_for_build_editable(config_settings=None):
    with _pure():
        return _setuptools.get_requires_for_build_editable(config_settings)


def prepare_metadata_for_build_editable(metadata_directory, config_settings=None):
    with _pure():
        return _setuptools.prepare_metadata_for_build_editable(metadata_directory, config_settings)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    with _pure():
        return _setuptools.build_editable(wheel_directory, config_settings, metadata_directory)
