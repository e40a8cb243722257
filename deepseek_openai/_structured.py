"""Structured output and strict tools on Chat Completions: the request translation and the response mending.

DeepSeek's Chat Completions has no ``response_format`` ``json_schema`` (400 "This response_format
type is unavailable now"), but it has strict function tools on the beta URL, which constrain the
arguments to a JSON schema. So a json_schema request becomes one function tool whose parameters
are the schema (strict when the schema asked for it), forced with ``tool_choice`` when it is the
only tool; thinking goes off for that call because DeepSeek refuses a forced tool choice while
thinking. On the way back, the call of that tool becomes ``message.content`` and
``finish_reason`` ``"stop"``: what OpenAI's json_schema answer looks like, so ``.parse()`` fills
``message.parsed``. Streams are mended chunk by chunk (argument deltas become content deltas).

The schema check is the strict subset of the catalogue (:data:`._catalogue.STRICT_SCHEMA`).
Everything here is pure except :class:`ResponseHook`, which mends the objects openai built.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

from openai.types.chat import ChatCompletion, ChatCompletionChunk

from ._catalogue import IDENTIFIER_CHARS, STRICT_SCHEMA, StrictSubset
from ._openai_compat import AsyncDeepSeekStream, DeepSeekStream

ADJUSTMENTS_ATTR: Final = "deepseek_adjustments"
"""The attribute (an extra field) of a completion or chunk that lists what the client changed for
that call: ``[{"rule": <rule id>, "message": <text>}]``. Absent when nothing was changed."""

OUTPUT_TOOL_DESCRIPTION: Final = (
    "Give the final answer by calling this function; its arguments are the answer, following the schema."
)
_NOT_NAME: Final = re.compile(f"[^{IDENTIFIER_CHARS}]")


def strict_problem(
    schema: object, subset: StrictSubset = STRICT_SCHEMA, path: str = "parameters"
) -> str | None:
    """Why ``schema`` is outside DeepSeek's strict subset (the first reason, with its path), or ``None``."""
    if not isinstance(schema, Mapping):
        return None if isinstance(schema, bool) else f"{path} is not a schema object"
    problem = _keyword_problem(schema, subset, path)
    if problem is not None:
        return problem
    kind = schema.get("type")
    if kind == "object" or (isinstance(kind, list) and "object" in kind) or "properties" in schema:
        problem = _object_problem(schema, subset, path)
        if problem is not None:
            return problem
    for sub, where in _children(schema, path):
        problem = strict_problem(sub, subset, where)
        if problem is not None:
            return problem
    return None


def _keyword_problem(schema: Mapping[str, Any], subset: StrictSubset, path: str) -> str | None:
    for key in schema:
        if key in subset.unsupported:
            return f"{path} uses {key!r}, which strict mode does not support"
        if key not in subset.keywords:
            return f"{path} uses {key!r}, which is not in the strict subset"
    fmt = schema.get("format")
    if fmt is not None and fmt not in subset.formats:
        return f"{path} has format {fmt!r} (strict mode supports {', '.join(sorted(subset.formats))})"
    return None


def _children(schema: Mapping[str, Any], path: str) -> list[tuple[object, str]]:
    children: list[tuple[object, str]] = []
    if "items" in schema:
        children.append((schema["items"], f"{path}.items"))
    any_of = schema.get("anyOf")
    if isinstance(any_of, Sequence) and not isinstance(any_of, str):
        children += [(sub, f"{path}.anyOf[{i}]") for i, sub in enumerate(any_of)]
    for defs in ("$defs", "definitions"):
        table = schema.get(defs)
        if isinstance(table, Mapping):
            children += [(sub, f"{path}.{defs}.{name}") for name, sub in table.items()]
    return children


def _object_problem(schema: Mapping[str, Any], subset: StrictSubset, path: str) -> str | None:
    if schema.get("additionalProperties") is not False:
        return f"{path} is an object without additionalProperties: false"
    properties = schema.get("properties") or {}
    if not isinstance(properties, Mapping):
        return f"{path}.properties is not an object"
    required = schema.get("required") or []
    missing = [name for name in properties if name not in required]
    if missing:
        return f"{path} does not list {', '.join(map(repr, missing))} in required"
    for name, sub in properties.items():
        problem = strict_problem(sub, subset, f"{path}.properties.{name}")
        if problem is not None:
            return problem
    return None


def output_tool_name(requested: object, taken: set[str], limit: int) -> str:
    """A function name for the schema's ``name`` that DeepSeek accepts and no other tool uses."""
    base = _NOT_NAME.sub("_", requested if isinstance(requested, str) and requested else "output")[:limit]
    name, n = base or "output", 1
    while name in taken:
        suffix = f"_{n}"
        name, n = base[: limit - len(suffix)] + suffix, n + 1
    return name


def output_tool(response_format: Mapping[str, Any], taken: set[str], limit: int) -> dict[str, Any]:
    """The function tool that stands for a ``json_schema`` response format."""
    spec = response_format.get("json_schema")
    spec = spec if isinstance(spec, Mapping) else {}
    schema = spec.get("schema")
    function: dict[str, Any] = {
        "name": output_tool_name(spec.get("name"), taken, limit),
        "description": spec.get("description") or OUTPUT_TOOL_DESCRIPTION,
        "parameters": dict(schema) if isinstance(schema, Mapping) else {"type": "object"},
    }
    if spec.get("strict") is True:
        function["strict"] = True
    return {"type": "function", "function": function}


# --------------------------------------------------------------------------------------------
# The response side


def _set_adjustments(value: Any, adjustments: Sequence[Mapping[str, str]]) -> None:
    # openai's models allow extra fields: this one shows in model_extra and in model_dump().
    setattr(value, ADJUSTMENTS_ATTR, [dict(a) for a in adjustments])


def mend_completion(completion: ChatCompletion, tool: str) -> None:
    """The call of ``tool`` becomes the message content, as a json_schema answer would read."""
    for choice in completion.choices:
        message = choice.message
        calls = message.tool_calls or []
        ours = [c for c in calls if getattr(getattr(c, "function", None), "name", None) == tool]
        if not ours:
            continue
        rest = [c for c in calls if c not in ours]
        message.content = getattr(ours[0], "function").arguments  # noqa: B009 (a union without .function)
        message.tool_calls = rest or None
        if choice.finish_reason == "tool_calls" and not rest:
            choice.finish_reason = "stop"


class _StreamMender:
    """Per stream: the deltas of the output tool's call become content deltas."""

    __slots__ = ("adjustments", "index", "others", "tool")

    def __init__(self, tool: str | None, adjustments: Sequence[Mapping[str, str]]) -> None:
        self.tool = tool
        self.adjustments = adjustments
        self.index: int | None = None
        self.others = False

    def __call__(self, chunk: Any) -> Any:
        if type(chunk) is not ChatCompletionChunk:
            return chunk
        if self.adjustments:
            _set_adjustments(chunk, self.adjustments)
        if self.tool is not None:
            for choice in chunk.choices:
                self._mend(choice)
        return chunk

    def _mend(self, choice: Any) -> None:
        delta = choice.delta
        calls = delta.tool_calls
        if calls:
            kept, pieces = [], []
            for call in calls:
                function = call.function
                if self.index is None and function is not None and function.name == self.tool:
                    self.index = call.index
                if call.index == self.index:
                    pieces.append((function.arguments if function is not None else None) or "")
                else:
                    kept.append(call)
                    self.others = True
            if pieces:
                delta.content = (delta.content or "") + "".join(pieces)
            delta.tool_calls = kept or None
        if choice.finish_reason == "tool_calls" and self.index is not None and not self.others:
            choice.finish_reason = "stop"


class ResponseHook:
    """What one call's response needs: the output tool to turn back into content, the notes to show.

    Installed as openai's post-parser for the call (see :func:`._openai_compat.add_post_parser`):
    it receives the completion, or the stream before it is iterated.
    """

    __slots__ = ("adjustments", "tool")

    def __init__(self, tool: str | None, adjustments: Sequence[Mapping[str, str]]) -> None:
        self.tool = tool
        self.adjustments = tuple(adjustments)

    def __call__(self, value: Any) -> Any:
        if isinstance(value, ChatCompletion):
            if self.tool is not None:
                mend_completion(value, self.tool)
            if self.adjustments:
                _set_adjustments(value, self.adjustments)
        elif isinstance(value, DeepSeekStream | AsyncDeepSeekStream):
            value._ds_mend = _StreamMender(self.tool, self.adjustments)
        return value
