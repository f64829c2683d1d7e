"""Reading YAML as nodes, so that every error can name its file, line and key path.

YAML is composed (never constructed) with the safe loader: no tags build
objects, aliases are followed only within a node budget (a "billion laughs"
file fails cleanly), and a value keeps the position it was written at.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

import yaml

from ..base.errors import LayoutError

E = TypeVar("E", bound=StrEnum)

MAX_NODES = 200_000
MAX_DEPTH = 64
MAX_BYTES = 5_000_000


@dataclass(frozen=True)
class Node:
    """A YAML node with the file and key path it was found at."""

    node: yaml.Node
    file: Path
    path: str

    @property
    def line(self) -> int:
        return self.node.start_mark.line + 1

    def error(self, message: str) -> LayoutError:
        where = f"{self.file}:{self.line}"
        return LayoutError(f"{where}: {self.path or '(top level)'}: {message}")

    def child(self, node: yaml.Node, key: str | int) -> "Node":
        sub = f"{self.path}[{key}]" if isinstance(key, int) else (f"{self.path}.{key}" if self.path else key)
        return Node(node, self.file, sub)

    # --- shapes -------------------------------------------------------------

    def mapping(self, required: tuple[str, ...] = (), optional: tuple[str, ...] = ()) -> dict[str, "Node"]:
        if not isinstance(self.node, yaml.MappingNode):
            raise self.error(f"expected a mapping (key: value lines), got {self._what()}")
        allowed = set(required) | set(optional)
        out: dict[str, Node] = {}
        for key_node, value_node in self.node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.child(key_node, "?").error("keys must be plain words")
            key = key_node.value
            if key == "<<":
                raise self.child(key_node, key).error("merge keys (<<) are not supported; write the keys out")
            if key not in allowed:
                valid = ", ".join(sorted(allowed)) or "none"
                raise Node(key_node, self.file, self.child(key_node, key).path).error(
                    f"unknown key '{key}'{_suggest(key, allowed)}; valid keys here: {valid}")
            if key in out:
                raise self.child(key_node, key).error(f"key '{key}' is given twice")
            out[key] = self.child(value_node, key)
        missing = [k for k in required if k not in out]
        if missing:
            raise self.error(f"missing key '{missing[0]}' (required: {', '.join(required)})")
        return out

    def sequence(self) -> list["Node"]:
        if not isinstance(self.node, yaml.SequenceNode):
            raise self.error(f"expected a list (lines starting with '-'), got {self._what()}")
        # Counted from 1, as an editor counts the items of a list.
        return [self.child(n, i + 1) for i, n in enumerate(self.node.value)]

    def by_id(self) -> "Node":
        """A list item named by its id where it has one (stories[study-session] rather than
        stories[1]): the editor finds it by name, and the name does not move when items are added."""
        if isinstance(self.node, yaml.MappingNode):
            for key, value in self.node.value:
                if (isinstance(key, yaml.ScalarNode) and key.value == "id" and isinstance(value, yaml.ScalarNode)
                        and value.value and len(value.value) <= 60 and "]" not in value.value):
                    head, _, _ = self.path.rpartition("[")
                    return Node(self.node, self.file, f"{head}[{value.value}]")
        return self

    def one_or_many(self) -> list["Node"]:
        """A list's items, or the node itself when a single value stands where a list may."""
        return self.sequence() if isinstance(self.node, yaml.SequenceNode) else [self]

    def scalar(self) -> str:
        if not isinstance(self.node, yaml.ScalarNode):
            raise self.error(f"expected a single value, got {self._what()}")
        return self.node.value

    def is_null(self) -> bool:
        return (isinstance(self.node, yaml.ScalarNode) and self.node.tag == "tag:yaml.org,2002:null"
                and self.node.value in ("", "~", "null", "Null", "NULL"))

    def text(self, allow_empty: bool = False) -> str:
        value = self.scalar()
        if not allow_empty and not value.strip():
            raise self.error("expected text, got nothing")
        return value

    def integer(self, lo: int | None = None, hi: int | None = None) -> int:
        value = self.scalar()
        try:
            number = int(value)
        except ValueError:
            raise self.error(f"expected a whole number, got '{value}'") from None
        if lo is not None and number < lo or hi is not None and number > hi:
            raise self.error(f"{number} is out of range ({lo} to {hi})" if hi is not None
                             else f"{number} is too small (at least {lo})")
        return number

    def number(self, lo: float | None = None, hi: float | None = None) -> float:
        value = self.scalar()
        try:
            number = float(value)
        except ValueError:
            raise self.error(f"expected a number, got '{value}'") from None
        if number != number or (lo is not None and number < lo) or (hi is not None and number > hi):
            raise self.error(f"{value} is out of range ({lo} to {hi})")
        return number

    def boolean(self) -> bool:
        value = self.scalar().lower()
        if value in ("true", "yes", "on"):
            return True
        if value in ("false", "no", "off"):
            return False
        raise self.error(f"expected true or false, got '{value}'")

    def date(self) -> dt.date:
        value = self.scalar()
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise self.error(f"expected a date as YYYY-MM-DD, got '{value}'") from None

    def choice(self, options: tuple[str, ...]) -> str:
        value = self.scalar()
        if value not in options:
            raise self.error(f"'{value}' is not one of: {', '.join(options)}{_suggest(value, set(options))}")
        return value

    def enum(self, kind: type[E]) -> E:
        """One of a string enum's values, as its member."""
        return kind(self.choice(tuple(member.value for member in kind)))

    def _what(self) -> str:
        if isinstance(self.node, yaml.MappingNode):
            return "a mapping"
        if isinstance(self.node, yaml.SequenceNode):
            return "a list"
        return f"'{self.node.value}'" if self.node.value else "nothing"


def _suggest(word: str, options: set[str]) -> str:
    import difflib
    close = difflib.get_close_matches(word, sorted(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _check_size(node: yaml.Node, file: Path) -> None:
    """Refuse documents that expand past the node budget or nest too deep (YAML bombs)."""
    count = 0
    stack = [(node, 0)]
    while stack:
        current, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise LayoutError(f"{file}: document too large after expanding aliases (over {MAX_NODES} values)")
        if depth > MAX_DEPTH:
            raise LayoutError(f"{file}:{current.start_mark.line + 1}: nested deeper than {MAX_DEPTH} levels")
        if isinstance(current, yaml.MappingNode):
            for k, v in current.value:
                stack.append((k, depth + 1))
                stack.append((v, depth + 1))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((v, depth + 1) for v in current.value)


def read_text_file(path: Path, what: str) -> str:
    """A UTF-8 text file, or an error naming it."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise LayoutError(f"{path}: {what} not found") from None
    except IsADirectoryError:
        raise LayoutError(f"{path}: {what} is a folder, not a file") from None
    except OSError as exc:
        raise LayoutError(f"{path}: cannot read {what} ({exc.strerror})") from None
    if len(data) > MAX_BYTES:
        raise LayoutError(f"{path}: {what} is larger than {MAX_BYTES // 1_000_000} MB")
    if b"\x00" in data:
        raise LayoutError(f"{path}: {what} is binary, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LayoutError(f"{path}: {what} is not UTF-8 text (bad byte at offset {exc.start})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


# libyaml's loader, where PyYAML was built with it, reads a 300-line issue ten times faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: Path, what: str) -> Node:
    text = read_text_file(path, what)
    if not text.strip():
        raise LayoutError(f"{path}: {what} is empty")
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        raise LayoutError(f"{path}{line}: not valid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise LayoutError(f"{path}: not valid YAML: {exc}") from None
    except RecursionError:
        raise LayoutError(f"{path}: nested too deep to read") from None
    if node is None:
        raise LayoutError(f"{path}: {what} is empty")
    _check_size(node, path)
    return Node(node, path, "")
