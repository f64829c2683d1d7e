"""The issue format described from its one table of keys (keys.py): the reference an editor reads
(issues/REFERENCE.md) and the JSON Schema an editor's tools read (`layout schema`: completion and
inline errors in VS Code's YAML extension)."""

from __future__ import annotations

import json

from .keys import SECTIONS, Key

# What each type is in JSON Schema; a section is an object of its own keys.
_SIMPLE = {
    "text": {"type": "string", "minLength": 1},
    "name": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_-]*$"},
    "template name": {"type": "string", "pattern": "^[A-Za-z0-9_-]+$"},
    "whole number": {"type": "integer"},
    "number": {"type": "number"},
    "true/false": {"type": "boolean"},
    "date": {"type": "string", "pattern": "^\\d{4}-\\d{2}-\\d{2}$"},
    "size": {"anyOf": [{"type": "number", "minimum": 4, "maximum": 200}, {"type": "string"}]},
    "colour": {"anyOf": [{"enum": ["red", "blue", "green", "black", "grey", "gold"]},
                         {"type": "array", "items": {"type": "number", "minimum": 0, "maximum": 100},
                          "minItems": 4, "maxItems": 4}]},
    "editions": {"type": "array", "items": {"enum": ["hans", "hant", "hant-tw", "hant-hk"]}, "minItems": 1,
                 "uniqueItems": True},
    "[x, y]": {"type": "array", "items": {"type": "number", "minimum": 0, "maximum": 1}, "minItems": 2, "maxItems": 2},
}


def _schema_of(key: Key) -> dict:
    if key.choices:
        out: dict = {"enum": list(key.choices)}
    elif key.section and key.many:
        item = {"$ref": f"#/$defs/{key.section}"}
        out = {"anyOf": [{"type": "array", "items": item}, item]} if key.name == "exclude" else \
            {"type": "array", "items": item, **({"minItems": 1} if key.required and key.name != "stories" else {})}
    elif key.section:
        out = {"$ref": f"#/$defs/{key.section}"}
    else:
        out = dict(_SIMPLE.get(key.type, {"type": "string"}))
    if key.low is not None and out.get("type") in ("integer", "number"):
        out["minimum"] = key.low
    if key.high is not None and out.get("type") in ("integer", "number"):
        out["maximum"] = key.high
    description = key.doc + (f" (default {key.default})" if key.default else "")
    return {"description": description, **out} if "$ref" not in out else {"description": description, "allOf": [out]}


def _object(section: str) -> dict:
    title, entries = SECTIONS[section]
    return {"type": "object", "description": title, "additionalProperties": False,
            "properties": {k.name: _schema_of(k) for k in entries},
            "required": [k.name for k in entries if k.required]}


def json_schema(top: str = "issue file") -> str:
    """The JSON Schema of an issue file (``top`` "issue file") or a template ("template")."""
    defs = {name: _object(name) for name in SECTIONS if name != top}
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
              "title": "徐匯報 layout: " + ("issue file" if top == "issue file" else "page template"),
              **_object(top), "$defs": defs}
    return json.dumps(schema, ensure_ascii=False, indent=1) + "\n"


def reference_markdown() -> str:
    """Every key of every section: type, required or default, allowed values, meaning, example."""
    out = ["# The issue and template files: every key", "",
           "Written by `layout schema --reference` from the engine's own table of keys "
           "(`layout/issue/keys.py`, which the loader reads its keys from): it cannot drift from what the "
           "engine accepts. Key paths in error messages name stories, boxes, photos and frames by their id and "
           "count list items from 1.", ""]
    for name, (title, entries) in SECTIONS.items():
        out += [f"## {name}", "", title, "", "| key | type | required / default | allowed | meaning | example |",
                "|---|---|---|---|---|---|"]
        for k in entries:
            kind = f"list of {k.section}" if k.many else (k.section if k.section else k.type)
            need = "required" if k.required else (f"default `{k.default}`" if k.default else "optional")
            allowed = k.allowed or (", ".join(f"`{c}`" for c in k.choices) if k.choices else "")
            if not allowed and (k.low is not None or k.high is not None):
                allowed = f"{_num(k.low) if k.low is not None else '…'} to {_num(k.high) if k.high is not None else '…'}"
            example = f"`{k.name}: {k.example}`" if k.example else ""
            out.append(f"| `{k.name}` | {kind} | {need} | {allowed} | {k.doc} | {example} |")
        out.append("")
    return "\n".join(out)


def _num(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)
