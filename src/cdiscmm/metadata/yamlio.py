"""Load YAML into pydantic models so that every error names the file, the line and the key.

PyYAML gives the data; a second pass over the composed node tree records the line of every key and
sequence item, so a pydantic ``loc`` such as ``("domains", 0, "assign", "AETERM")`` becomes
``mappings/ae.yaml:14``. Unknown keys are reported with the keys the schema allows there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from cdiscmm.core.errors import Location, SpecError

Model = TypeVar("Model", bound=BaseModel)
#: libyaml's parser with PyYAML's safe constructor and resolver (same data, several times faster); the pure
#: Python SafeLoader where PyYAML was built without libyaml.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
LinePath = tuple[str | int, ...]


def _line_map(node: yaml.Node, path: LinePath, lines: dict[LinePath, int], file: Path) -> None:
    """Record the line of every key and item; a key given twice in one mapping is a SpecError (YAML 1.2 §3.2.1.1
    requires unique keys; PyYAML would silently keep the last value)."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if isinstance(key_node, yaml.ScalarNode) and key in seen:
                raise SpecError(
                    f"duplicated key (first given on line {seen[key]})",
                    Location(file=str(file), line=line, field=".".join(str(part) for part in (*path, key))),
                    expected="each key once per mapping",
                )
            if isinstance(key_node, yaml.ScalarNode):
                seen[key] = line
            child = (*path, key)
            lines[child] = line
            _line_map(value_node, child, lines, file)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            lines[child] = item.start_mark.line + 1
            _line_map(item, child, lines, file)


def read_yaml(path: Path) -> tuple[Any, dict[LinePath, int]]:
    """Parse ``path``; return the data and a map from key path to 1-based line number."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SpecError("file not found", Location(file=str(path))) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = raw.rfind(b"\n", 0, exc.start) + 1
        column = len(raw[start : exc.start].decode("utf-8", errors="replace")) + 1
        where = Location(file=str(path), line=raw.count(b"\n", 0, exc.start) + 1, column=column)
        raise SpecError(
            f"not UTF-8 text (byte 0x{raw[exc.start]:02X})", where, expected="a YAML file saved as UTF-8"
        ) from None
    try:
        data = yaml.load(text, Loader=_LOADER)
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise SpecError(f"invalid YAML: {problem}", Location(file=str(path), line=line)) from None
    lines: dict[LinePath, int] = {}
    if node is not None:
        _line_map(node, (), lines, path)
    return data, lines


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema.get("$defs", {}).get(name, {})
    return node


def _allowed_keys(schema: dict[str, Any], loc: LinePath) -> list[str]:
    """The keys the JSON Schema allows at ``loc`` (the mapping that holds the unknown key)."""
    candidates = [_resolve(schema, schema)]
    for part in loc:
        following: list[dict[str, Any]] = []
        for node in candidates:
            node = _resolve(schema, node)
            options = node.get("anyOf", []) + node.get("oneOf", []) + node.get("allOf", [])
            for option in [node, *options]:
                option = _resolve(schema, option)
                if isinstance(part, int) and "items" in option:
                    following.append(option["items"])
                elif isinstance(part, str):
                    if part in option.get("properties", {}):
                        following.append(option["properties"][part])
                    elif isinstance(option.get("additionalProperties"), dict):
                        following.append(option["additionalProperties"])
        candidates = following
    keys: set[str] = set()
    for node in candidates:
        node = _resolve(schema, node)
        for option in [node, *node.get("anyOf", []), *node.get("oneOf", [])]:
            keys.update(_resolve(schema, option).get("properties", {}))
    return sorted(keys)


def _line_for(lines: dict[LinePath, int], loc: LinePath) -> int | None:
    for cut in range(len(loc), -1, -1):
        if loc[:cut] in lines:
            return lines[loc[:cut]]
    return None


def spec_error_from_validation(
    exc: ValidationError, model: type[BaseModel], path: Path, lines: dict[LinePath, int], prefix: LinePath = ()
) -> SpecError:
    """Turn pydantic's errors into one SpecError whose details list every problem with its line."""
    schema = model.model_json_schema()
    messages: list[tuple[int | None, str, str]] = []
    for err in exc.errors():
        loc = tuple(part for part in err["loc"] if not (isinstance(part, str) and part.startswith("function-")))
        full = (*prefix, *loc)
        key = ".".join(str(part) for part in full) or "(top level)"
        if err["type"] == "extra_forbidden":
            allowed = _allowed_keys(schema, loc[:-1])
            text = f"unknown key '{loc[-1]}'; expected one of: {', '.join(allowed)}"
        elif err["type"] == "missing":
            text = "required key is missing"
        else:
            text = err["msg"]
            if err["type"] not in {"value_error", "assertion_error"} and "input" in err:
                shown = err["input"]
                if not isinstance(shown, dict | list):
                    text += f" (found {shown!r})"
        messages.append((_line_for(lines, full), key, text))
    line, key, text = messages[0]
    error = SpecError(f"{key}: {text}", Location(file=str(path), line=line))
    error.details = [f"{path}:{ln}: {k}: {t}" if ln else f"{path}: {k}: {t}" for ln, k, t in messages[1:]]
    return error


def load_model(path: Path, model: type[Model], *, context: dict[str, Any] | None = None) -> Model:
    """Read ``path`` and validate it as ``model``; a problem raises SpecError naming file, line and key."""
    return load_model_with_lines(path, model, context=context)[0]


def load_model_with_lines(
    path: Path, model: type[Model], *, context: dict[str, Any] | None = None
) -> tuple[Model, dict[LinePath, int]]:
    """:func:`load_model`, also returning the line of every key path (for checks after validation)."""
    data, lines = read_yaml(path)
    if data is None:
        raise SpecError("file is empty", Location(file=str(path), line=1), expected=f"a {model.__name__} mapping")
    try:
        return model.model_validate(data, context=context), lines
    except ValidationError as exc:
        raise spec_error_from_validation(exc, model, path, lines) from None
