"""Where the engine's own files are: the package data beside the code and the committed fonts.

Found from this file's place, never through importlib.resources: that import alone costs more
start-up time than reading the data."""

from __future__ import annotations

from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent      # layout/
DATA = PACKAGE / "data"                               # repertoires and ICC profiles
ICC = DATA / "icc"
# The committed fonts: fonts/ beside the package in a checkout (and an editable install); an installed
# wheel carries them in its package data (setup.py puts them there; the source tree never has them).
FONT_DIR = DATA / "fonts" if (DATA / "fonts").is_dir() else PACKAGE.parent / "fonts"


def profile_path(name: str) -> Path:
    """An output profile shipped in layout/data/icc/."""
    return ICC / name


@cache
def known_profiles(space: bytes = b"CMYK") -> tuple[str, ...]:
    """The output profiles shipped in layout/data/icc/ for a colour space: b"CMYK" or b"GRAY"
    (bytes 16–20 of an ICC header name the colour space it converts to)."""
    return tuple(sorted(p.name for p in ICC.glob("*.icc") if p.read_bytes()[16:20] == space))


def profile_bytes(name: str) -> bytes:
    return profile_path(name).read_bytes()
