"""Caches can only be what base/diskcache.py says they are, and the batch's engine key follows the
code into every stage package."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

from layout.app import batch
from layout.base import diskcache

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "layout"


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_cache_decorator(node: ast.expr) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
    return name in ("cache", "lru_cache")


def caches_in(root: Path) -> set[str]:
    """Every cache in the package's code, as "module:name": functions memoised with functools,
    module-level dicts (and the preflight's by-bytes memo) filled at run time, and module-level
    names a function rebinds with ``global`` (state kept for the process)."""
    found: set[str] = set()
    for path in sorted(root.rglob("*.py")):
        module = _module_name(path, root)
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                    _is_cache_decorator(d) for d in node.decorator_list):
                found.add(f"{module}:{node.name}")
            elif isinstance(node, ast.Global):
                found.update(f"{module}:{name}" for name in node.names)
        for node in tree.body:
            targets, value = ((node.targets, node.value) if isinstance(node, ast.Assign) else
                              ([node.target], node.value) if isinstance(node, ast.AnnAssign) else ([], None))
            empty_dict = isinstance(value, ast.Dict) and not value.keys
            memo = isinstance(value, ast.Call) and getattr(value.func, "id", "") in ("dict", "_ByBytes")
            if empty_dict or memo:
                found.update(f"{module}:{t.id}" for t in targets if isinstance(t, ast.Name))
    return found


def disk_cache_calls(root: Path) -> list[str]:
    """Calls of diskcache.read/write/reject whose first argument is not one of the kinds DISK lists."""
    kinds = {name for name, value in vars(diskcache).items() if value in diskcache.DISK}
    bad = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("read", "write", "reject")
                    and getattr(node.func.value, "id", "") == "diskcache"):
                first = node.args[0] if node.args else None
                if not (isinstance(first, ast.Attribute) and getattr(first.value, "id", "") == "diskcache"
                        and first.attr in kinds):
                    bad.append(f"{path.relative_to(root.parent)}:{node.lineno}")
    return bad


def test_every_cache_is_listed_with_its_key_and_eviction():
    found = caches_in(PACKAGE)
    listed = set(diskcache.MEMORY)
    assert not found - listed, f"caches not listed in layout/base/diskcache.py MEMORY: {sorted(found - listed)}"
    assert not listed - found, f"MEMORY lists caches that do not exist: {sorted(listed - found)}"
    assert all(key and eviction for key, eviction in diskcache.MEMORY.values())


def test_a_new_cache_is_found(tmp_path):
    pkg = tmp_path / "layout" / "page"
    pkg.mkdir(parents=True)
    (pkg / "widths.py").write_text("from functools import lru_cache\n_SEEN: dict = {}\n\n"
                                   "@lru_cache(maxsize=8)\ndef width(x):\n    return x\n")
    assert caches_in(tmp_path / "layout") == {"layout.page.widths:width", "layout.page.widths:_SEEN"}


def test_every_disk_cache_entry_is_of_a_listed_kind(tmp_path):
    assert disk_cache_calls(PACKAGE) == []
    assert len({kind.folder for kind in diskcache.DISK}) == len(diskcache.DISK)
    planted = tmp_path / "layout"
    planted.mkdir()
    (planted / "bad.py").write_text("from .base import diskcache\n\ndiskcache.read('fonts/x')\n")
    assert disk_cache_calls(planted) == ["layout/bad.py:3"]


def test_engine_key_changes_with_a_module_in_any_stage_package(tmp_path, monkeypatch):
    package = tmp_path / "layout"
    for module in ("__init__.py", "compose/__init__.py", "compose/linebreak.py", "data/table.txt"):
        (package / module).parent.mkdir(parents=True, exist_ok=True)
        (package / module).write_text("# v1\n")
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    monkeypatch.setattr(batch, "PACKAGE", package)
    monkeypatch.setattr(batch, "DATA", package / "data")
    monkeypatch.setattr(batch, "FONT_DIR", fonts)

    def key() -> str:
        batch._engine_hash.cache_clear()
        return batch._engine_hash()

    before = key()
    (package / "compose" / "linebreak.py").write_text("# v2\n")
    assert key() != before
    batch._engine_hash.cache_clear()


def test_python_dash_m_layout_is_the_command():
    result = subprocess.run([sys.executable, "-m", "layout", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0 and "Usage: layout" in result.stdout


def test_a_file_digest_is_remembered_by_identity_and_taken_again_after_any_write(tmp_path, monkeypatch):
    """diskcache.file_sha256: kept with the file's identity; a rewrite in place that keeps the size and
    puts the modification time back still changes the change time, so the digest is taken again. A file
    changed within RACY_SECONDS is not remembered at all (its times could repeat within a clock tick)."""
    import hashlib
    import time

    monkeypatch.setenv("LAYOUT_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "face.ttf"
    path.write_bytes(b"A" * 4096)
    assert diskcache.file_sha256(path) == hashlib.sha256(b"A" * 4096).digest()
    assert not (tmp_path / "cache" / diskcache.FILE_DIGESTS.folder).exists()      # too fresh to remember
    monkeypatch.setattr(diskcache, "RACY_SECONDS", -1.0)
    assert diskcache.file_sha256(path) == hashlib.sha256(b"A" * 4096).digest()
    [entry] = (tmp_path / "cache" / diskcache.FILE_DIGESTS.folder).iterdir()
    st = path.stat()
    assert f"{st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} ".encode() in entry.read_bytes()
    time.sleep(0.05)                                  # past the kernel's timestamp tick
    with open(path, "r+b") as f:
        f.write(b"B")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    assert diskcache.file_sha256(path) == hashlib.sha256(b"B" + b"A" * 4095).digest()
    # The remembered digest is what is served while the file stays as it is.
    entry.write_bytes(entry.read_bytes())
    held = diskcache.read(diskcache.FILE_DIGESTS, entry.name)
    assert held.endswith(hashlib.sha256(b"B" + b"A" * 4095).hexdigest().encode())


def test_an_installed_identity_changes_with_a_module_of_one_file_and_tells_a_missing_package(tmp_path, monkeypatch):
    """diskcache.installed_identity: a package of one module (no folder to walk) is known by that file,
    a package not installed by no file of one, and every identity says this Python's Unicode version
    (markdown-it tells punctuation by it, so ``**…**`` beside a newer symbol parses otherwise)."""
    import importlib
    import unicodedata

    module = tmp_path / "one_file_package.py"
    module.write_text("TABLE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    before = diskcache.installed_identity("one_file_package")
    module.write_text("TABLE = 22\n")              # a new version: another size
    assert diskcache.installed_identity("one_file_package") != before
    missing = diskcache.installed_identity("no_such_package_here")
    assert missing != diskcache.installed_identity("no_such_package_either_but_files", module) != before
    assert unicodedata.unidata_version in missing
    monkeypatch.setattr(unicodedata, "unidata_version", "99.0.0")
    assert diskcache.installed_identity("no_such_package_here") != missing


def test_a_conversion_is_kept_under_the_code_that_made_it():
    """An edited compose/scripts.py (its configurations, the mixing of a conversion) is another key for
    the conversions on disk, as an edited loader.py is for the parsed story texts."""
    from layout.compose import scripts

    scripts._opencc_identity.cache_clear()
    st = Path(scripts.__file__).stat()
    assert f"{Path(scripts.__file__).name}:{st.st_size}:{st.st_mtime_ns}" in scripts._opencc_identity()
