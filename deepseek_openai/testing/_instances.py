"""The smallest JSON value that satisfies a JSON schema: what the emulator answers to the Responses
API's ``text.format`` json_schema (section 12: "json_schema works here").

It covers what structured output uses (DeepSeek's strict subset, section 8, and what pydantic and
openai's ``to_strict_json_schema`` emit): objects (every required property), strings with
``pattern`` / ``format`` / length bounds, numbers and integers with bounds and ``multipleOf``,
booleans, arrays with ``minItems``, ``enum``, ``const``, ``default``, ``anyOf`` / ``oneOf`` /
``allOf``, nullable types (``null``, the smallest value, which also ends a recursive schema) and
``$ref`` into ``$defs``. Deterministic: the same schema gives the same value, so tests can assert on it.

A ``pattern`` is met by building a string from the regex itself (literals, classes, ``\\d`` /
``\\w`` / ``\\s``, groups with alternatives, quantifiers at their minimum); the result is checked
with :func:`re.search`, as JSON Schema matches patterns.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["instance_for_schema", "string_for_pattern"]

_FORMATS = {
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "date": "2026-01-01",
    "date-time": "2026-01-01T00:00:00Z",
    "time": "00:00:00Z",
    "duration": "P1D",
    "uri": "https://example.com/",
    "url": "https://example.com/",
}
_CLASS_SAMPLES = {"d": "0", "w": "a", "s": " ", "D": "a", "W": "-", "S": "a"}
_CANDIDATES = "a0A_- .x1Z"
_MAX_DEPTH = 16


def instance_for_schema(schema: Any) -> Any:
    """A small value that satisfies ``schema``."""
    return _value(schema, schema, 0)


def _value(schema: Any, root: Any, depth: int) -> Any:  # noqa: PLR0912 (one JSON type per branch)
    if depth > _MAX_DEPTH or not isinstance(schema, Mapping):
        return None
    for key in ("const", "default"):
        if key in schema:
            return schema[key]
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        return enum[0]
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = root
        for part in ref[2:].split("/"):
            target = target.get(part) if isinstance(target, Mapping) else None
        return _value(target, root, depth + 1)
    if isinstance(schema.get("allOf"), list) and schema["allOf"]:
        merged: dict[str, Any] = {}
        for sub in schema["allOf"]:
            merged.update(sub if isinstance(sub, Mapping) else {})
        return _value({**merged, **{k: v for k, v in schema.items() if k != "allOf"}}, root, depth + 1)
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if isinstance(options, list) and options:
            if any(isinstance(o, Mapping) and o.get("type") == "null" for o in options):
                return None  # the smallest instance, and the end of a recursive schema
            return _value(options[0], root, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = "null" if "null" in kind else next(iter(kind), "string")
    if kind is None:
        kind = "object" if "properties" in schema else "array" if "items" in schema else "string"
    if kind == "object":
        return _object(schema, root, depth)
    if kind == "array":
        low = schema.get("minItems")
        count = max(low if isinstance(low, int) else 0, 1)
        high = schema.get("maxItems")
        if isinstance(high, int):
            count = min(count, high)
        return [_value(schema.get("items", {}), root, depth + 1) for _ in range(count)]
    if kind in ("integer", "number"):
        return _number(schema, integer=kind == "integer")
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return _string(schema)


def _object(schema: Mapping[str, Any], root: Any, depth: int) -> dict[str, Any]:
    properties = schema.get("properties")
    properties = properties if isinstance(properties, Mapping) else {}
    required = schema.get("required")
    names = [n for n in required if isinstance(n, str)] if isinstance(required, list) else []
    return {name: _value(properties.get(name, {}), root, depth + 1) for name in names}


def _number(schema: Mapping[str, Any], *, integer: bool) -> int | float:
    low: float = -math.inf
    high: float = math.inf
    step_in = 1 if integer else 1e-6
    if isinstance(schema.get("minimum"), int | float):
        low = schema["minimum"]
    if isinstance(schema.get("exclusiveMinimum"), int | float):
        low = max(low, schema["exclusiveMinimum"] + step_in)
    if isinstance(schema.get("maximum"), int | float):
        high = schema["maximum"]
    if isinstance(schema.get("exclusiveMaximum"), int | float):
        high = min(high, schema["exclusiveMaximum"] - step_in)
    value: float = min(max(1, low), high)
    step = schema.get("multipleOf")
    if isinstance(step, int | float) and step > 0:
        value = math.ceil(value / step) * step
        if value > high:
            value = math.floor(high / step) * step
    return math.ceil(value) if integer else float(value)


def _string(schema: Mapping[str, Any]) -> str:
    pattern = schema.get("pattern")
    fmt = schema.get("format")
    value = _FORMATS.get(fmt, "example") if isinstance(fmt, str) else "example"
    if isinstance(pattern, str):
        value = string_for_pattern(pattern) or value
    low, high = schema.get("minLength"), schema.get("maxLength")
    if isinstance(low, int) and len(value) < low:
        value += (value[-1:] or "x") * (low - len(value))
    if isinstance(high, int):
        value = value[:high]
    return value


def string_for_pattern(pattern: str) -> str | None:
    """A short string :func:`re.search` finds ``pattern`` in, or ``None`` if this subset cannot build one."""
    try:
        built, _ = _sequence(pattern.removeprefix("^"), 0)
        compiled = re.compile(pattern)
    except (re.error, IndexError, ValueError):
        return None
    return built if compiled.search(built) else None


def _sequence(pattern: str, at: int) -> tuple[str, int]:
    """The string for the first alternative of a (sub)pattern from ``at`` (the others are skipped)."""
    out: list[str] = []
    while at < len(pattern):
        char = pattern[at]
        if char == ")":
            return "".join(out), at
        if char == "|":
            return "".join(out), _skip_alternatives(pattern, at)
        if char == "$" and pattern[at + 1 : at + 2] in ("", "|", ")"):  # an anchor
            at += 1
            continue
        if char == "^":
            at += 1
            continue
        atom, at = _atom(pattern, at)
        count, at = _quantifier(pattern, at)
        out.append(atom * count)
    return "".join(out), at


def _skip_alternatives(pattern: str, at: int) -> int:
    """From a ``|``, the index of the ``)`` closing this group (or the end)."""
    depth = 0
    while at < len(pattern):
        char = pattern[at]
        if char == "\\":
            at += 2
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return at
            depth -= 1
        at += 1
    return at


def _atom(pattern: str, at: int) -> tuple[str, int]:
    char = pattern[at]
    if char == "\\":
        escaped = pattern[at + 1]
        return _CLASS_SAMPLES.get(escaped, escaped), at + 2
    if char == "[":
        return _char_class(pattern, at)
    if char == "(":
        start = at + 1
        if pattern.startswith("?:", start) or pattern.startswith("?P<", start):
            start = pattern.index(">", start) + 1 if pattern.startswith("?P<", start) else start + 2
        inner, end = _sequence(pattern, start)
        return inner, end + 1
    if char == ".":
        return "a", at + 1
    return char, at + 1


def _char_class(pattern: str, at: int) -> tuple[str, int]:
    end = at + 1
    if pattern[end : end + 1] == "^":
        end += 1
    if pattern[end : end + 1] == "]":
        end += 1
    end = pattern.index("]", end)
    body = pattern[at + 1 : end]
    if body.startswith("^"):
        excluded = re.compile(f"[{body}]")
        choice = next((c for c in _CANDIDATES if excluded.fullmatch(c)), "a")
        return choice, end + 1
    if body.startswith("\\"):
        return _CLASS_SAMPLES.get(body[1:2], body[1:2]), end + 1
    return body[0], end + 1


def _quantifier(pattern: str, at: int) -> tuple[int, int]:
    """(how many times the atom repeats: the quantifier's minimum, the index after it)."""
    if at >= len(pattern):
        return 1, at
    char = pattern[at]
    if char in "*?":
        count, at = 0, at + 1
    elif char == "+":
        count, at = 1, at + 1
    elif char == "{" and (close := pattern.find("}", at)) > at:
        low = pattern[at + 1 : close].split(",", 1)[0]
        if not low.isdigit():
            return 1, at
        count, at = int(low), close + 1
    else:
        return 1, at
    if at < len(pattern) and pattern[at] in "?+":  # lazy or possessive: same minimum
        at += 1
    return count, at
