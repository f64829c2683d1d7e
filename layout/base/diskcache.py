"""Files the engine keeps between runs to skip work it has done before: font metrics and photos
converted for press. Keyed by content, so a stale entry is never used; any entry may be deleted at
any time (the folder is ~/.cache/layout, or $LAYOUT_CACHE_DIR); a cache that cannot be read or
written only makes the engine slower, never wrong."""

from __future__ import annotations

import os
from pathlib import Path


def folder() -> Path:
    return Path(os.environ.get("LAYOUT_CACHE_DIR") or Path.home() / ".cache" / "layout")


def read(name: str) -> bytes | None:
    try:
        return (folder() / name).read_bytes()
    except OSError:
        return None


def write(name: str, data: bytes) -> None:
    target = folder() / name
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
        tmp.write_bytes(data)
        os.replace(tmp, target)
    except OSError:
        pass  # no cache where the disk will not have one: only slower
