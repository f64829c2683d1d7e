"""The issue format documents itself: the reference and the JSON Schemas are written from the one
table of keys the loader reads its keys from, and are committed as written."""

from __future__ import annotations

import ast
import json
import re

import pytest
import yaml

from layout.issue.keys import SECTIONS
from layout.issue.reference import json_schema, reference_markdown

from conftest import ROOT

LOADER = ROOT / "layout" / "issue" / "loader.py"
REGENERATE = "python3 -m layout schema --write"


@pytest.mark.parametrize("name, make", [
    ("REFERENCE.md", reference_markdown),
    ("issue.schema.json", lambda: json_schema("issue file")),
    ("template.schema.json", lambda: json_schema("template")),
])
def test_committed_reference_is_what_the_table_says(name, make):
    committed = (ROOT / "issues" / name).read_text(encoding="utf-8")
    assert committed == make(), f"issues/{name} is out of date: run `{REGENERATE}`"


def test_the_loader_takes_its_keys_from_the_table():
    """Every mapping the loader reads names its keys through keys(section): a key cannot be accepted
    without being in the reference."""
    tree = ast.parse(LOADER.read_text(encoding="utf-8"))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
             and n.func.attr == "mapping"]
    assert calls
    for call in calls:
        ok = (len(call.args) == 1 and isinstance(call.args[0], ast.Starred)
              and isinstance(call.args[0].value, ast.Call) and getattr(call.args[0].value.func, "id", "") == "keys")
        assert ok and not call.keywords, f"loader.py:{call.lineno}: mapping() must take *keys(section)"


def test_every_key_in_the_table_is_read():
    """And every key the table lists is read somewhere (a key listed but never read would be
    accepted and silently ignored)."""
    source = LOADER.read_text(encoding="utf-8")
    read = (set(re.findall(r'\[\s*"(\w+)"\s*\]', source)) | set(re.findall(r'"(\w+)" in \w+', source))
            | set(re.findall(r'\(\s*"(\w+)", "\w+", lambda', source)) | set(re.findall(r'optional_text\("(\w+)"\)', source)))
    styles = {k.name for k in SECTIONS["styles"][1]}
    for section, (_, entries) in SECTIONS.items():
        for key in entries:
            if section == "styles" and key.name in styles:
                continue          # read as the items of the styles mapping
            assert key.name in read, f"the table's key {section}.{key.name} is never read by the loader"


def _keys_allowed(schema: dict, defs: dict, data, where: str) -> list[str]:
    """Keys of ``data`` the schema does not allow (a small walker: objects, arrays, $ref, allOf, anyOf)."""
    if "$ref" in schema:
        return _keys_allowed(defs[schema["$ref"].split("/")[-1]], defs, data, where)
    for combined in schema.get("allOf", []) + [s for s in schema.get("anyOf", []) if isinstance(data, list) ==
                                                  (s.get("type") == "array")][:1]:
        return _keys_allowed(combined, defs, data, where)
    out = []
    if isinstance(data, dict) and schema.get("type") == "object":
        props = schema["properties"]
        out += [f"{where}.{k}" for k in data if k not in props]
        for k, v in data.items():
            if k in props:
                out += _keys_allowed(props[k], defs, v, f"{where}.{k}")
        out += [f"{where}.{k} (missing)" for k in schema.get("required", []) if k not in data]
    elif isinstance(data, list) and "items" in schema:
        for i, v in enumerate(data):
            out += _keys_allowed(schema["items"], defs, v, f"{where}[{i + 1}]")
    return out


def test_schemas_accept_every_sample_issue_and_template_and_refuse_a_typo():
    issue_schema = json.loads(json_schema("issue file"))
    template_schema = json.loads(json_schema("template"))
    for path in sorted((ROOT / "issues").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert _keys_allowed(issue_schema, issue_schema["$defs"], data, path.name) == []
    for path in sorted((ROOT / "issues" / "templates").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert _keys_allowed(template_schema, template_schema["$defs"], data, path.name) == []
    data = yaml.safe_load((ROOT / "issues" / "1650.yaml").read_text(encoding="utf-8"))
    data["stories"][0]["heading"] = data["stories"][0].pop("headline")
    assert _keys_allowed(issue_schema, issue_schema["$defs"], data, "1650") == ["1650.stories[1].heading"]
