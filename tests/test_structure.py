"""The shape of the code: imports run one way along the pipeline, and the README's map is the tree.

Both checks are functions over a folder (and a README text), so the tests at the end can plant a
violation in a small fake tree and see it reported with both modules named."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from conftest import ROOT

# The pipeline order: base → fonts → compose → issue → page → pdf; preflight stands apart (it takes
# only base, so it can vet any PDF); app takes from every stage and nothing takes from app. Each
# package may also import its own modules and ``__version__`` from layout/__init__.py.
ALLOWED: dict[str, frozenset[str]] = {
    "base": frozenset(),
    "fonts": frozenset({"base"}),
    "compose": frozenset({"base", "fonts"}),
    "issue": frozenset({"base", "compose"}),        # the template names the composition settings it chooses
    "page": frozenset({"base", "fonts", "compose", "issue"}),
    "pdf": frozenset({"base", "fonts", "issue", "page"}),
    "preflight": frozenset({"base"}),
    "app": frozenset({"base", "fonts", "compose", "issue", "page", "pdf", "preflight"}),
}
# Modules directly in layout/ and what they may import: the entry points. __main__ runs app's CLI;
# __init__ is the Python API (layout.render, layout.check), which calls app's pipeline when used.
TOP_LEVEL: dict[str, frozenset[str]] = {
    "__init__": frozenset(ALLOWED),
    "__main__": frozenset({"app"}),
}
# What any module may take from layout/__init__.py itself.
FROM_ROOT = frozenset({"__version__"})


def _module_name(package_root: Path, path: Path) -> tuple[str, bool]:
    """layout/compose/atoms.py → ("layout.compose.atoms", False); a package's __init__ → (its name, True)."""
    parts = list(path.relative_to(package_root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def _is_module(package_root: Path, dotted: str) -> bool:
    """Is layout.x.y a module or package on disk (so ``from layout.x import y`` imports it)?"""
    parts = dotted.split(".")
    if parts[0] != package_root.name or len(parts) < 2:
        return False
    base = package_root.joinpath(*parts[1:])
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _imports(package_root: Path, path: Path) -> list[tuple[int, str, tuple[str, ...]]]:
    """Every import in a module, anywhere in it (functions too), as (line, absolute module, names)."""
    name, is_package = _module_name(package_root, path)
    here = name.split(".") if is_package else name.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name, ()) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                if node.level - 1 > len(here) - 1:
                    found.append((node.lineno, "." * node.level + (node.module or ""), ()))
                    continue
                base = here[:len(here) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = tuple(alias.name for alias in node.names)
            # ``from .. import issue`` and ``from ..compose import atoms`` import the modules named.
            modules = [f"{target}.{n}" for n in names if _is_module(package_root, f"{target}.{n}")]
            rest = tuple(n for n in names if not _is_module(package_root, f"{target}.{n}"))
            found.extend((node.lineno, m, ()) for m in modules)
            if rest:
                found.append((node.lineno, target, rest))
    return sorted(found)


def _only(allowed: frozenset[str]) -> str:
    order = [p for p in ALLOWED if p in allowed]
    return "only " + ", ".join(order) if order else "no other package"


def import_violations(package_root: Path) -> list[str]:
    """Every import against the pipeline's direction under ``package_root`` (a folder like layout/)."""
    top = package_root.name
    problems: list[str] = []
    for path in sorted(package_root.rglob("*.py")):
        rel = path.relative_to(package_root)
        shown = f"{top}/{rel.as_posix()}"
        if len(rel.parts) == 1:
            if rel.stem not in TOP_LEVEL:
                problems.append(f"{shown} is directly in {top}/: every module belongs to a stage package "
                                f"({', '.join(ALLOWED)})")
                continue
            owner, allowed = None, TOP_LEVEL[rel.stem]
            who = shown
        else:
            owner = rel.parts[0]
            if owner not in ALLOWED:
                problems.append(f"{shown} is in {top}/{owner}/, which is no stage package ({', '.join(ALLOWED)})")
                continue
            allowed = ALLOWED[owner]
            who = owner
        for line, target, names in _imports(package_root, path):
            parts = target.split(".")
            if target.startswith("."):
                problems.append(f"{shown} imports {target} (line {line}): a relative import above {top}/")
                continue
            if parts[0] != top:
                continue                                  # the standard library or a dependency
            if len(parts) == 1:
                if not names or not set(names) <= FROM_ROOT:
                    taken = ", ".join(names) or top
                    problems.append(f"{shown} imports {taken} from {top} (line {line}): only "
                                    f"{', '.join(sorted(FROM_ROOT))} may be taken from {top}/__init__.py")
                continue
            package = parts[1]
            if package == owner:
                continue
            if package not in ALLOWED:
                problems.append(f"{shown} imports {target} (line {line}): {top}/{package}.py is in no stage "
                                f"package")
            elif package not in allowed:
                why = f"{who} may import {_only(allowed)}"
                if package == "app":
                    why += f" (nothing imports app but its own modules and the entry points {top}/__main__.py and {top}/__init__.py)"
                problems.append(f"{shown} imports {target} (line {line}): {why}")
    return problems


def readme_map(readme: str, heading: str = "## How it works") -> set[str]:
    """The modules the README's map names: every ``pkg/module.py`` (or ``layout/pkg/module.py``) in
    backticks in the section from ``heading`` to the next ``## `` heading, as paths under layout/.
    A bare ``module.py`` is collected as it stands (it names no module of a stage package); paths
    under ``tests/`` (the tests that keep the map honest) are not the engine's and are left out."""
    start = readme.find(heading + "\n")
    if start < 0:
        raise AssertionError(f"README.md has no '{heading}' section")
    rest = readme[start + len(heading):]
    end = re.search(r"^## ", rest, re.M)
    section = rest[:end.start()] if end else rest
    named = set()
    for span in re.findall(r"`([^`\n]+)`", section):
        for path in re.findall(r"(?<![\w./-])((?:[A-Za-z_]\w*/)*[A-Za-z_]\w*\.py)(?![\w/])", span):
            if not path.startswith("tests/"):
                named.add(path.removeprefix("layout/"))
    return named


def map_mismatches(package_root: Path, readme: str) -> tuple[list[str], list[str]]:
    """(modules on disk the map does not name, names in the map that are no module on disk)."""
    on_disk = {p.relative_to(package_root).as_posix() for p in package_root.glob("*/*.py")
               if p.name != "__init__.py"}
    named = readme_map(readme)
    missing = sorted(on_disk - named)
    unknown = sorted(n for n in named if not (package_root / n).is_file())
    return missing, unknown


def map_message(missing: list[str], unknown: list[str], top: str = "layout") -> str:
    lines = ["README.md's 'How it works' map is not the tree of " + top + "/:"]
    if missing:
        lines.append(f"  modules missing from the map ({len(missing)}):")
        lines.extend(f"    {top}/{m}" for m in missing)
    if unknown:
        lines.append(f"  map entries that are no module ({len(unknown)}):")
        lines.extend(f"    `{u}`" for u in unknown)
    lines.append("Name every module of a stage package, as `pkg/module.py` in backticks, in that section "
                 "(from '## How it works' to the next '## ' heading).")
    return "\n".join(lines)


# --- the tree itself -------------------------------------------------------------------------

def test_imports_follow_the_pipeline():
    problems = import_violations(ROOT / "layout")
    if problems:
        pytest.fail("imports against the pipeline's direction (see ALLOWED in tests/test_structure.py):\n  "
                    + "\n  ".join(problems), pytrace=False)


def test_readme_map_is_the_tree():
    missing, unknown = map_mismatches(ROOT / "layout", (ROOT / "README.md").read_text(encoding="utf-8"))
    if missing or unknown:
        pytest.fail(map_message(missing, unknown), pytrace=False)


# --- the checkers catch what they are for ----------------------------------------------------

def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "layout"
    for name, text in {"__init__.py": "__version__ = '0'\n", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for package in ALLOWED:
        init = root / package / "__init__.py"
        init.parent.mkdir(parents=True, exist_ok=True)
        if not init.exists():
            init.write_text("", encoding="utf-8")
    return root


GOOD = {
    "__main__.py": "from .app.cli import main\n",
    "base/units.py": "import math\n",
    "fonts/faces.py": "from ..base import units\nfrom ..base.units import x\n",
    "compose/atoms.py": "from . import rules\nfrom ..fonts.faces import Face\nfrom .. import __version__\n",
    "compose/rules.py": "",
    "issue/model.py": "from ..compose import atoms\n",
    "page/flow.py": "def f():\n    from ..issue.model import Issue\n",
    "pdf/writer.py": "from layout.page.flow import f\n",
    "preflight/rules.py": "from ..base import units\n",
    "app/cli.py": "from ..pdf import writer\nfrom ..preflight import rules\nfrom . import pipeline\n",
    "app/pipeline.py": "",
}


def test_import_checker_passes_a_tree_that_follows_the_pipeline(tmp_path):
    assert import_violations(_tree(tmp_path, GOOD)) == []


def test_import_checker_names_both_modules(tmp_path):
    planted = dict(GOOD)
    planted["compose/atoms.py"] += "from ..issue import model\n"
    problems = import_violations(_tree(tmp_path, planted))
    assert problems == ["layout/compose/atoms.py imports layout.issue.model (line 4): "
                        "compose may import only base, fonts"]


def test_import_checker_sees_every_form_of_import(tmp_path):
    planted = dict(GOOD)
    planted["compose/atoms.py"] += ("def late():\n    from .. import issue\n"      # relative package, in a function
                                    "import layout.page.flow\n"                    # absolute
                                    "from layout.pdf.writer import w\n")
    planted["base/units.py"] += "from ..fonts.faces import Face\n"
    planted["preflight/rules.py"] += "from ..page import flow\n"
    planted["issue/model.py"] += "from ..app.cli import main\n"
    planted["issue/model.py"] += "from .. import something\n"
    planted["stray.py"] = ""
    problems = import_violations(_tree(tmp_path, planted))
    assert problems == [
        "layout/base/units.py imports layout.fonts.faces (line 2): base may import no other package",
        "layout/compose/atoms.py imports layout.issue (line 5): compose may import only base, fonts",
        "layout/compose/atoms.py imports layout.page.flow (line 6): compose may import only base, fonts",
        "layout/compose/atoms.py imports layout.pdf.writer (line 7): compose may import only base, fonts",
        "layout/issue/model.py imports layout.app.cli (line 2): issue may import only base, compose "
        "(nothing imports app but its own modules and the entry points layout/__main__.py and layout/__init__.py)",
        "layout/issue/model.py imports something from layout (line 3): only __version__ may be taken "
        "from layout/__init__.py",
        "layout/preflight/rules.py imports layout.page.flow (line 2): preflight may import only base",
        "layout/stray.py is directly in layout/: every module belongs to a stage package "
        "(base, fonts, compose, issue, page, pdf, preflight, app)",
    ]


def test_map_is_read_from_its_section_only():
    readme = ("# x\n\n## How it works\n\n| module | stage |\n|---|---|\n"
              "| `base/units.py` | units |\n| `layout/compose/atoms.py`, `compose/gone.py` | atoms |\n"
              "| `flow.py` | old flat name |\n\n## Next\n\n`page/flow.py` is outside the section\n")
    assert readme_map(readme) == {"base/units.py", "compose/atoms.py", "compose/gone.py", "flow.py"}


def test_map_checker_against_a_fake_tree(tmp_path):
    root = _tree(tmp_path, {"base/units.py": "", "compose/atoms.py": "", "page/flow.py": ""})
    readme = ("## How it works\n\n`base/units.py` · `layout/compose/atoms.py` · `compose/gone.py` · `flow.py`\n"
              "\n## Next\n\n`page/flow.py`\n")
    missing, unknown = map_mismatches(root, readme)
    assert missing == ["page/flow.py"]
    assert unknown == ["compose/gone.py", "flow.py"]
    message = map_message(missing, unknown)
    assert "modules missing from the map (1):\n    layout/page/flow.py\n" in message
    assert "map entries that are no module (2):\n    `compose/gone.py`\n    `flow.py`\n" in message
    full = readme.replace("`flow.py`", "`page/flow.py`").replace(" · `compose/gone.py`", "")
    assert map_mismatches(root, full) == ([], [])


# --- one name, one thing -----------------------------------------------------------------------

def top_level_names(package_root: Path) -> dict[str, list[str]]:
    """Classes, functions and constants defined at the top of the package's modules, by name, with
    the modules that define them."""
    found: dict[str, list[str]] = {}
    for path in sorted(package_root.rglob("*.py")):
        if path == package_root / "__init__.py":
            continue   # the Python API: layout.render and layout.check are the pipeline's, by design
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        names = []
        for node in tree.body:
            if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                names.append(node.name)
            elif isinstance(node, ast.Assign):
                names += [t.id for t in node.targets if isinstance(t, ast.Name)]
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names.append(node.target.id)
        for name in names:
            if not name.startswith("__"):
                found.setdefault(name, []).append(path.relative_to(package_root.parent).as_posix())
    return found


def defined_twice(package_root: Path) -> list[str]:
    return [f"{name}: {', '.join(modules)}" for name, modules in sorted(top_level_names(package_root).items())
            if len(modules) > 1]


def test_one_name_means_one_thing():
    twice = defined_twice(ROOT / "layout")
    if twice:
        pytest.fail("defined in more than one module (one name, one thing: rename or share it):\n  "
                    + "\n  ".join(twice), pytrace=False)


def test_a_helper_defined_twice_is_found(tmp_path):
    for module in ("compose/atoms.py", "page/furniture.py"):
        (tmp_path / "layout" / module).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "layout" / module).write_text("EM_TOP = 0.88\n\n\ndef _single():\n    pass\n")
    assert defined_twice(tmp_path / "layout") == [
        "EM_TOP: layout/compose/atoms.py, layout/page/furniture.py",
        "_single: layout/compose/atoms.py, layout/page/furniture.py"]
