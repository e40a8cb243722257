"""Deterministic replies and their wire form (JSON bodies and SSE events).

The derived reply, when nothing is scripted:

* content ``"Echo: <text of the last user message>"``; after tool results, one line per trailing tool
  message, ``"Tool <name> returned: <content>"``; in JSON mode an object shaped after the JSON the
  prompt shows (an instance of a JSON schema, or the example itself), else ``{"reply": <that text>}``.
* with a JSON schema to satisfy (the Responses API's ``text.format`` json_schema): the smallest instance of
  that schema (:func:`._instances.instance_for_schema`, patterns included), as JSON.
* with tools offered (``tool_choice`` not ``none``) and the user speaking last: a call of the first tool
  (or the named one) with arguments built from its JSON schema (they validate against it:
  :func:`example_for_schema`), ``finish_reason: "tool_calls"``, content "".
* prefix completion (beta): only the continuation: the derived text minus the prefix when the prefix
  starts it, else the whole derived text.
* reasoning (thinking mode only): ``"Thinking about: <first 64 chars>."`` (no second stop after a prompt
  that ends in one) plus one more sentence at effort ``low``, three at ``high`` and six at ``max``, so the
  effort is visible in ``reasoning_tokens``.
* FIM: ``"Echo: <last non-blank line of the prompt>"`` (with ``echo``, the prompt first).

Then ``stop`` cuts the content before the first stop string, and ``max_tokens`` (which covers reasoning
plus answer, as on DeepSeek) cuts reasoning, then content, then tool arguments, with ``length``.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import math
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._faults import Fault, ScriptedReply
from ._instances import instance_for_schema
from ._models import FIM_MAX_TOKENS, default_max_tokens
from ._tokens import split_tokens
from ._validation import ChatRequest, FimRequest

# The standard library's regular-expression parser (Python 3.11+; untyped), to build a string a
# schema's `pattern` accepts.
_sre: Any = importlib.import_module("re._parser")

__all__ = [
    "SYSTEM_FINGERPRINT",
    "Reply",
    "ToolCallOut",
    "build_chat_reply",
    "build_fim_reply",
    "chat_body",
    "chat_events",
    "example_for_schema",
    "fim_body",
    "fim_events",
    "json_mode_answer",
    "usage_dict",
]

SYSTEM_FINGERPRINT = "fp_emulator_v4_prod1111"
DONE = b"data: [DONE]\n\n"

_REASONING_STEPS = (
    "Thinking about: {topic}",
    "The request is clear enough to answer directly.",
    "Checking the details against what was asked.",
    "Considering whether another reading fits better.",
    "Verifying the answer once more.",
    "Going over every step again at maximum effort.",
    "The answer holds.",
)
_EFFORT_SENTENCES = {"low": 2, "high": 4, "max": 7}
_B62 = string.digits + string.ascii_letters
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


@dataclass(slots=True)
class ToolCallOut:
    id: str
    name: str
    arguments: list[str]  # token pieces, possibly cut by max_tokens


@dataclass(slots=True)
class Reply:
    """One generated reply, in token pieces, plus what usage needs."""

    reasoning: list[str] | None  # None when not thinking
    content: list[str]
    tool_calls: list[ToolCallOut]
    finish_reason: str
    prompt_tokens: int
    hit_tokens: int
    usage_overrides: Mapping[str, int] | None = None
    chunks: int | None = None
    logprobs: bool = False
    top_logprobs: int = 0
    prefix_text: str = ""  # FIM echo: the prompt, sent before the completion and not counted as output

    @property
    def reasoning_tokens(self) -> int:
        return len(self.reasoning) if self.reasoning else 0

    @property
    def completion_tokens(self) -> int:
        calls = sum(1 + len(call.arguments) for call in self.tool_calls)
        return self.reasoning_tokens + len(self.content) + calls


def usage_dict(reply: Reply) -> dict[str, Any]:
    prompt, hit, completion = reply.prompt_tokens, reply.hit_tokens, reply.completion_tokens
    usage: dict[str, Any] = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": hit},
        "prompt_cache_hit_tokens": hit,
        "prompt_cache_miss_tokens": prompt - hit,
        "completion_tokens_details": {"reasoning_tokens": reply.reasoning_tokens},
    }
    if reply.usage_overrides:
        usage.update(reply.usage_overrides)
    return usage


# ----------------------------------------------------------------------------------------- derivation


def _text_of(content: Any, images: Mapping[int, str] | None = None) -> str:
    """The text of a message; image parts become what the server read of them (``images``, by part)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        pieces = []
        for j, part in enumerate(content):
            if isinstance(part, Mapping):
                if part.get("type") == "text":
                    pieces.append(str(part.get("text", "")))
                elif part.get("type") in ("image_url", "file"):
                    pieces.append((images or {}).get(j, "[image]"))
        return " ".join(pieces)
    return ""


def _topic(text: str) -> str:
    """The prompt's first 64 characters, ending in one stop (a prompt that ends in "." gets no second)."""
    flat = " ".join(text.split())
    if len(flat) > 64:
        return flat[:64] + "..."
    return flat if flat.endswith((".", "!", "?")) else flat + "."


def _derived_reasoning(topic: str, effort: str, extra: str = "") -> str:
    count = _EFFORT_SENTENCES.get(effort, 4)
    text = " ".join(_REASONING_STEPS[:count]).format(topic=topic)
    return f"{text} {extra}" if extra else text


def _call_id(index: int, seed: str) -> str:
    """DeepSeek-shaped id (``call_00_`` + 24 base62 characters), stable for the same request."""
    number = int.from_bytes(hashlib.sha256(f"{index}:{seed}".encode()).digest()[:18], "big")
    chars = []
    for _ in range(24):
        number, rest = divmod(number, 62)
        chars.append(_B62[rest])
    return f"call_{index:02d}_{''.join(chars)}"


_STRING_FORMATS = {
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
    "uri": "https://example.com/",
    "url": "https://example.com/",
}


def _number_for(schema: Mapping[str, Any], integer: bool) -> int | float:
    low: float = -math.inf
    high: float = math.inf
    if isinstance(schema.get("minimum"), int | float):
        low = schema["minimum"]
    if isinstance(schema.get("exclusiveMinimum"), int | float):
        low = max(low, schema["exclusiveMinimum"] + (1 if integer else 1e-6))
    if isinstance(schema.get("maximum"), int | float):
        high = schema["maximum"]
    if isinstance(schema.get("exclusiveMaximum"), int | float):
        high = min(high, schema["exclusiveMaximum"] - (1 if integer else 1e-6))
    value: float = min(max(1, low), high)
    step = schema.get("multipleOf")
    if isinstance(step, int | float) and step > 0:
        value = math.ceil(value / step) * step
        if value > high:
            value = math.floor(high / step) * step
    return math.ceil(value) if integer else float(value)


def _resolve(ref: str, root: Any) -> Any:
    target: Any = root
    for part in ref[2:].split("/"):
        key = part.replace("~1", "/").replace("~0", "~")
        target = target.get(key) if isinstance(target, Mapping) else None
    return target


def _merge_all_of(schema: Mapping[str, Any], root: Any) -> dict[str, Any]:
    """``allOf`` folded into one schema (properties and required united), so one example fits every part."""
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    for item in schema.get("allOf") or ():
        part = item
        if isinstance(item, Mapping) and isinstance(item.get("$ref"), str) and item["$ref"].startswith("#/"):
            part = _resolve(item["$ref"], root)
        if not isinstance(part, Mapping):
            continue
        for key, value in part.items():
            if key == "properties" and isinstance(value, Mapping):
                merged["properties"] = {**(merged.get("properties") or {}), **value}
            elif key == "required" and isinstance(value, list):
                merged["required"] = list(dict.fromkeys([*(merged.get("required") or []), *value]))
            else:
                merged.setdefault(key, value)
    return merged


def example_for_schema(schema: Any, root: Any = None, depth: int = 0) -> Any:  # noqa: PLR0912
    """A small value that satisfies ``schema`` (the JSON Schema subset tools use), deterministically.

    Strict and forced tool calls answer with it, so their arguments validate against the tool's schema:
    ``const``/``enum``/``default`` first, ``$ref``, ``allOf`` merged, the first usable ``anyOf``/``oneOf``
    branch, every required property, numbers within their bounds, strings of their format, length and
    pattern, arrays of at least ``minItems``.
    """
    root = schema if root is None else root
    if depth > 16 or not isinstance(schema, Mapping):
        return None
    for key in ("const", "default"):
        if key in schema:
            return schema[key]
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        return enum[0]
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        return example_for_schema(_resolve(ref, root), root, depth + 1)
    if isinstance(schema.get("allOf"), list):
        return example_for_schema(_merge_all_of(schema, root), root, depth + 1)
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if isinstance(options, list) and options:
            usable = [o for o in options if not (isinstance(o, Mapping) and o.get("type") == "null")]
            return example_for_schema((usable or options)[0], root, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind is None:
        kind = "object" if "properties" in schema else "array" if "items" in schema else "string"
    if kind == "object":
        properties = schema.get("properties")
        properties = properties if isinstance(properties, Mapping) else {}
        required = schema.get("required")
        names = [n for n in required if isinstance(n, str)] if isinstance(required, list) else []
        return {name: example_for_schema(properties.get(name, {}), root, depth + 1) for name in names}
    if kind == "array":
        min_items = schema.get("minItems")
        max_items = schema.get("maxItems")
        low = min_items if isinstance(min_items, int) else 0
        high = max_items if isinstance(max_items, int) else 1
        count = max(low, min(1, high))
        item = schema.get("items", {})
        if schema.get("uniqueItems") and count > 1:
            return [_numbered(example_for_schema(item, root, depth + 1), i) for i in range(count)]
        return [example_for_schema(item, root, depth + 1) for _ in range(count)]
    if kind == "integer":
        return _number_for(schema, integer=True)
    if kind == "number":
        return _number_for(schema, integer=False)
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return _string_for(schema)


def _numbered(value: Any, i: int) -> Any:
    """Distinct items for ``uniqueItems``: the i-th variant of an example."""
    if isinstance(value, str):
        return f"{value}{i}" if i else value
    if isinstance(value, bool):
        return value if i == 0 else not value
    if isinstance(value, int | float):
        return value + i
    return value


def _string_for(schema: Mapping[str, Any]) -> str:
    fmt = schema.get("format")
    value = _STRING_FORMATS.get(fmt, "example") if isinstance(fmt, str) else "example"
    pattern = schema.get("pattern")
    if isinstance(pattern, str) and not fmt:
        value = _matching(pattern, value)
    min_length = schema.get("minLength")
    if isinstance(min_length, int) and len(value) < min_length:
        value += "x" * (min_length - len(value))
    max_length = schema.get("maxLength")
    if isinstance(max_length, int):
        value = value[:max_length]
    return value


def _matching(pattern: str, preferred: str) -> str:
    """A short string that ``re.search(pattern)`` accepts (``preferred`` when it already does)."""
    try:
        compiled = re.compile(pattern)
        if compiled.search(preferred):
            return preferred
        built = "".join(_from_pattern(_sre.parse(pattern), 0))
    except (re.error, RecursionError, ValueError):
        return preferred
    return built if compiled.search(built) else preferred


def _from_pattern(parsed: Any, depth: int) -> list[str]:
    """The shortest string a parsed regular expression matches (first branch, least repetitions)."""
    if depth > 20:
        raise ValueError("pattern too deep")
    out: list[str] = []
    for op, arg in parsed:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "ANY":
            out.append("a")
        elif name == "IN":
            out.append(_class_member(arg))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, _high, sub = arg
            out += _from_pattern(sub, depth + 1) * low
        elif name == "SUBPATTERN":
            out += _from_pattern(arg[-1], depth + 1)
        elif name == "ATOMIC_GROUP":
            out += _from_pattern(arg, depth + 1)
        elif name == "BRANCH":
            out += _from_pattern(arg[1][0], depth + 1)
        elif name in ("AT", "ASSERT", "ASSERT_NOT", "GROUPREF_EXISTS", "GROUPREF"):
            continue
        elif name == "CATEGORY":
            out.append(_CATEGORY.get(str(arg), "a"))
        else:
            raise ValueError(f"unsupported regex node {name}")
    return out


_CLASS_SOURCE = {"CATEGORY_DIGIT": r"\d", "CATEGORY_WORD": r"\w", "CATEGORY_SPACE": r"\s"}
_CATEGORY = {"CATEGORY_DIGIT": "0", "CATEGORY_WORD": "a", "CATEGORY_SPACE": " ", "CATEGORY_NOT_DIGIT": "a"}


def _class_member(items: Any) -> str:
    negated = False
    for op, arg in items:
        name = str(op)
        if name == "NEGATE":
            negated = True
        elif negated:
            break
        elif name == "LITERAL":
            return chr(arg)
        elif name == "RANGE":
            return chr(arg[0])
        elif name == "CATEGORY":
            return _CATEGORY.get(str(arg), "a")
    # A negated class: the first of a few plain characters it does not exclude.
    excluded = re.compile("[" + "".join(_class_source(items)) + "]")
    return next((c for c in "aZ0_ -" if not excluded.fullmatch(c)), "a")


def _class_source(items: Any) -> list[str]:
    parts = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            parts.append(re.escape(chr(arg)))
        elif name == "RANGE":
            parts.append(f"{re.escape(chr(arg[0]))}-{re.escape(chr(arg[1]))}")
        elif name == "CATEGORY":
            parts.append(_CLASS_SOURCE.get(str(arg), ""))
    return parts or ["^"]


# ------------------------------------------------------------------------------------------ JSON mode

_FENCE = re.compile(r"```(?:json)?\s*(\{.*?\})\s*```", re.S)


def _json_objects(text: str) -> list[Any]:
    """The JSON objects written in a prompt: fenced blocks first, then every balanced ``{...}``."""
    found: list[Any] = []
    for block in _FENCE.findall(text):
        with contextlib.suppress(ValueError):
            found.append(json.loads(block))
    decoder = json.JSONDecoder()
    start = text.find("{")
    while start >= 0 and len(found) < 8:
        try:
            value, end = decoder.raw_decode(text, start)
        except ValueError:
            start = text.find("{", start + 1)
            continue
        if isinstance(value, dict):
            found.append(value)
        start = text.find("{", end)
    return [v for v in found if isinstance(v, dict)]


def _is_schema(value: Mapping[str, Any]) -> bool:
    return (
        isinstance(value.get("properties"), Mapping)
        or "$schema" in value
        or (value.get("type") in ("object", "array") and ("items" in value or "$defs" in value))
    )


def json_mode_answer(messages: Sequence[Mapping[str, Any]], fallback: Any) -> Any:
    """What JSON mode answers: an instance of the schema, or the example, the prompt shows (the last
    message that shows one wins); ``fallback`` when no message shows a JSON shape."""
    for message in reversed(messages):
        if message.get("role") not in ("system", "user"):
            continue
        objects = _json_objects(_text_of(message.get("content")))
        if not objects:
            continue
        shape = objects[0]
        if _is_schema(shape):
            return example_for_schema(shape)
        schema = shape.get("json_schema") if isinstance(shape.get("json_schema"), Mapping) else None
        if schema is not None and _is_schema(schema):
            return example_for_schema(schema)
        return shape
    return fallback


def _cut_at_stop(text: str, stop: Sequence[str]) -> tuple[str, bool]:
    cut = min((i for i in (text.find(s) for s in stop) if i >= 0), default=-1)
    return (text[:cut], True) if cut >= 0 else (text, False)


def _apply_budget(
    reasoning: list[str] | None, content: list[str], calls: list[ToolCallOut], budget: int
) -> bool:
    """Cut the reply to ``budget`` tokens in generation order; True if anything was cut."""
    if reasoning is not None:
        if len(reasoning) >= budget and (content or calls or len(reasoning) > budget):
            del reasoning[budget:]
            content.clear()
            calls.clear()
            return True
        budget -= len(reasoning)
    if len(content) > budget:
        del content[budget:]
        calls.clear()
        return True
    budget -= len(content)
    for index, call in enumerate(calls):
        if budget <= 0:
            del calls[index:]
            return True
        budget -= 1
        if len(call.arguments) > budget:
            del call.arguments[budget:]
            del calls[index + 1 :]
            return True
        budget -= len(call.arguments)
    return False


def _apply_fault(reply_content: list[str], calls: list[ToolCallOut], fault: Fault | None) -> str | None:
    """Fault-driven changes to content; returns the finish_reason the fault imposes, if any."""
    if fault is None:
        return None
    if fault.blank_content is not None:
        reply_content[:] = split_tokens(fault.blank_content)
        calls.clear()
    if fault.finish_reason is not None:
        del reply_content[len(reply_content) // 2 :]
        calls.clear()
        return fault.finish_reason
    return None


def build_chat_reply(  # noqa: PLR0912, PLR0915 (one reply shape per branch)
    request: ChatRequest,
    *,
    prompt_tokens: int,
    hit_tokens: int,
    script: ScriptedReply | None = None,
    fault: Fault | None = None,
) -> Reply:
    messages = request.messages
    basis_index = len(messages) - (2 if request.prefix is not None and len(messages) > 1 else 1)
    basis = messages[basis_index]
    role = basis["role"]
    seen = {image.part: image.describe() for image in request.images if image.message == basis_index}
    user_text = _text_of(basis.get("content"), seen)

    call_tool = (
        bool(request.tools) and request.tool_choice != "none" and role == "user" and request.prefix is None
    )
    calls: list[tuple[str | None, str, str]] = []  # (id, name, arguments)
    if role == "tool":
        names = {
            call["id"]: call["function"]["name"]
            for message in messages
            if message["role"] == "assistant"
            for call in message.get("tool_calls") or ()
        }
        start = basis_index
        while start > 0 and messages[start - 1]["role"] == "tool":
            start -= 1
        plain = "\n".join(
            f"Tool {names.get(m['tool_call_id'], 'unknown')} returned: {_text_of(m.get('content'))}"
            for m in messages[start : basis_index + 1]
        )
    else:
        plain = f"Echo: {user_text}"
    if request.schema is not None:
        derived_content = _dumps(instance_for_schema(request.schema))
    elif request.json_mode:
        derived_content = _dumps(json_mode_answer(messages, {"reply": plain}))
    else:
        derived_content = plain
    if request.prefix is not None:
        prefix_text = _text_of(request.prefix.get("content"))
        if derived_content.startswith(prefix_text):
            derived_content = derived_content[len(prefix_text) :]

    extra = ""
    if call_tool:
        function = request.tools[0]
        if request.tool_choice_name is not None:
            function = next(f for f in request.tools if f["name"] == request.tool_choice_name)
        arguments = _dumps(example_for_schema(function.get("parameters") or {"type": "object"}))
        calls.append((None, function["name"], arguments))
        derived_content = ""
        extra = f"I will call {function['name']}."

    finish: str | None = None
    reasoning_text: str | None = None
    content_text = derived_content
    chunks = None
    overrides = None
    if script is not None:
        if script.calls:
            calls = [(c.id, c.name, c.arguments_text) for c in script.calls]
            content_text = ""
        elif script.content is not None:
            calls = []  # a scripted text answer replaces the derived tool call
        if script.content is not None:
            content_text = script.content
        reasoning_text = script.reasoning_content
        finish = script.finish_reason
        chunks = script.chunks
        overrides = script.usage
    if request.thinking and reasoning_text is None:
        reasoning_text = _derived_reasoning(_topic(user_text or plain), request.effort, extra)

    stopped = False
    if request.stop:
        content_text, stopped = _cut_at_stop(content_text, request.stop)
    seed = f"{len(messages)}:{user_text}"
    tool_calls = [
        ToolCallOut(call_id or _call_id(i, f"{seed}:{name}"), name, split_tokens(arguments))
        for i, (call_id, name, arguments) in enumerate(calls)
    ]
    reasoning = split_tokens(reasoning_text) if request.thinking and reasoning_text is not None else None
    content = split_tokens(content_text)
    forced = _apply_fault(content, tool_calls, fault)
    budget = request.max_tokens or default_max_tokens(request.thinking, request.effort)
    cut = _apply_budget(reasoning, content, tool_calls, budget)
    if forced is not None:
        finish = forced
    elif finish is None:
        finish = "length" if cut else "tool_calls" if tool_calls and not stopped else "stop"
    return Reply(
        reasoning=reasoning,
        content=content,
        tool_calls=tool_calls,
        finish_reason=finish,
        prompt_tokens=prompt_tokens,
        hit_tokens=hit_tokens,
        usage_overrides=overrides,
        chunks=chunks,
        logprobs=request.logprobs,
        top_logprobs=request.top_logprobs,
    )


def build_fim_reply(
    request: FimRequest,
    *,
    prompt_tokens: int,
    hit_tokens: int,
    script: ScriptedReply | None = None,
    fault: Fault | None = None,
) -> Reply:
    lines = [line for line in request.prompt.splitlines() if line.strip()]
    text = f"Echo: {lines[-1].strip() if lines else ''}"
    finish = None
    chunks = None
    overrides = None
    if script is not None:
        text = script.content if script.content is not None else text
        finish = script.finish_reason
        chunks = script.chunks
        overrides = script.usage
    if request.stop:
        text, _ = _cut_at_stop(text, request.stop)
    content = split_tokens(text)
    forced = _apply_fault(content, [], fault)
    cut = _apply_budget(None, content, [], request.max_tokens or FIM_MAX_TOKENS)
    if forced is not None:
        finish = forced
    elif finish is None:
        finish = "length" if cut else "stop"
    return Reply(
        reasoning=None,
        content=content,
        tool_calls=[],
        finish_reason=finish,
        prompt_tokens=prompt_tokens,
        hit_tokens=hit_tokens,
        usage_overrides=overrides,
        chunks=chunks,
        logprobs=request.logprobs is not None,
        top_logprobs=request.logprobs or 0,
        prefix_text=request.prompt if request.echo else "",
    )


# ---------------------------------------------------------------------------------------------- wire


def _token_logprob(token: str, top: int) -> dict[str, Any]:
    entry: dict[str, Any] = {"token": token, "logprob": -0.01, "bytes": list(token.encode())}
    alternatives = [{"token": token, "logprob": -0.01, "bytes": entry["bytes"]}]
    for k in range(1, top):
        alt = f"{token}~{k}"
        alternatives.append({"token": alt, "logprob": -1.0 * k, "bytes": list(alt.encode())})
    entry["top_logprobs"] = alternatives[:top]
    return entry


def _chat_logprobs(tokens: Sequence[str], top: int) -> dict[str, Any]:
    return {"content": [_token_logprob(token, top) for token in tokens]}


def _fim_logprobs(tokens: Sequence[str], top: int, offset: int) -> dict[str, Any]:
    offsets = []
    for token in tokens:
        offsets.append(offset)
        offset += len(token)
    return {
        "tokens": list(tokens),
        "token_logprobs": [-0.01] * len(tokens),
        "top_logprobs": [_fim_top(token, top) for token in tokens],
        "text_offset": offsets,
    }


def _fim_top(token: str, top: int) -> dict[str, float]:
    result = {token: -0.01}
    for k in range(1, top):
        result[f"{token}~{k}"] = -1.0 * k
    return result


def _tool_calls_json(calls: Sequence[ToolCallOut]) -> list[dict[str, Any]]:
    return [
        {
            "index": index,
            "id": call.id,
            "type": "function",
            "function": {"name": call.name, "arguments": "".join(call.arguments)},
        }
        for index, call in enumerate(calls)
    ]


def chat_body(reply: Reply, *, request_id: str, created: int, model: str) -> dict[str, Any]:
    """The non-streaming ``chat.completion`` object (spec section 7)."""
    message: dict[str, Any] = {"role": "assistant", "content": "".join(reply.content)}
    if reply.reasoning is not None:
        message["reasoning_content"] = "".join(reply.reasoning)
    if reply.tool_calls:
        message["tool_calls"] = _tool_calls_json(reply.tool_calls)
    return {
        "id": request_id,
        "object": "chat.completion",
        "created": created,
        "model": model,
        "system_fingerprint": SYSTEM_FINGERPRINT,
        "choices": [
            {
                "index": 0,
                "message": message,
                "logprobs": _chat_logprobs(reply.content, reply.top_logprobs) if reply.logprobs else None,
                "finish_reason": reply.finish_reason,
            }
        ],
        "usage": usage_dict(reply),
    }


def fim_body(reply: Reply, *, request_id: str, created: int, model: str) -> dict[str, Any]:
    """The non-streaming ``text_completion`` object (spec section 8)."""
    text = reply.prefix_text + "".join(reply.content)
    return {
        "id": request_id,
        "object": "text_completion",
        "created": created,
        "model": model,
        "system_fingerprint": SYSTEM_FINGERPRINT,
        "choices": [
            {
                "text": text,
                "index": 0,
                "logprobs": _fim_logprobs(reply.content, reply.top_logprobs, len(reply.prefix_text))
                if reply.logprobs
                else None,
                "finish_reason": reply.finish_reason,
            }
        ],
        "usage": usage_dict(reply),
    }


def _groups(tokens: list[str], chunks: int | None) -> list[list[str]]:
    """Tokens grouped into deltas: one per token, or ``chunks`` groups of near-equal size."""
    if chunks is None or chunks >= len(tokens):
        return [[token] for token in tokens]
    size, extra = divmod(len(tokens), chunks)
    groups, start = [], 0
    for index in range(chunks):
        end = start + size + (1 if index < extra else 0)
        groups.append(tokens[start:end])
        start = end
    return groups


def chat_events(
    reply: Reply, *, request_id: str, created: int, model: str, include_usage: bool
) -> list[bytes]:
    """Every SSE data event of a chat stream, in DeepSeek's order, ending with ``[DONE]``."""
    head = (
        f'data: {{"id":"{request_id}","object":"chat.completion.chunk","created":{created},'
        f'"model":"{model}","system_fingerprint":"{SYSTEM_FINGERPRINT}","choices":[{{"index":0,"delta":'
    )
    usage_tail = ',"usage":null' if include_usage else ""
    tail = f',"logprobs":null,"finish_reason":null}}]{usage_tail}}}\n\n'
    thinking = reply.reasoning is not None
    events: list[str] = []
    role = (
        '{"role":"assistant","content":"","reasoning_content":""}'
        if thinking
        else ('{"role":"assistant","content":""}')
    )
    events.append(head + role + tail)
    for token in reply.reasoning or ():
        events.append(head + '{"content":null,"reasoning_content":' + _dumps(token) + "}" + tail)
    content_key = '{"content":'
    content_end = ',"reasoning_content":null}' if thinking else "}"
    for group in _groups(reply.content, reply.chunks):
        delta = content_key + _dumps("".join(group)) + content_end
        if reply.logprobs:
            logprobs = _dumps(_chat_logprobs(group, reply.top_logprobs))
            events.append(head + delta + f',"logprobs":{logprobs},"finish_reason":null}}]{usage_tail}}}\n\n')
        else:
            events.append(head + delta + tail)
    for index, call in enumerate(reply.tool_calls):
        first = {
            "tool_calls": [
                {
                    "index": index,
                    "id": call.id,
                    "type": "function",
                    "function": {"name": call.name, "arguments": ""},
                }
            ]
        }
        events.append(head + _dumps(first) + tail)
        for piece in call.arguments:
            delta = f'{{"tool_calls":[{{"index":{index},"function":{{"arguments":{_dumps(piece)}}}}}]}}'
            events.append(head + delta + tail)
    # DeepSeek (spec section 7): usage rides on the final chunk, the one with finish_reason; there is
    # no OpenAI-style extra chunk with empty choices.
    usage = _dumps(usage_dict(reply))
    events.append(
        head
        + '{"content":""},"logprobs":null,"finish_reason":'
        + _dumps(reply.finish_reason)
        + f'}}],"usage":{usage}}}\n\n'
    )
    out = [event.encode() for event in events]
    out.append(DONE)
    return out


def fim_events(
    reply: Reply, *, request_id: str, created: int, model: str, include_usage: bool
) -> list[bytes]:
    """Every SSE data event of a FIM stream, ending with ``[DONE]``."""
    head = (
        f'data: {{"id":"{request_id}","object":"text_completion","created":{created},"model":"{model}",'
        f'"system_fingerprint":"{SYSTEM_FINGERPRINT}","choices":[{{"text":'
    )
    usage_tail = ',"usage":null' if include_usage else ""
    events: list[str] = []
    groups = _groups(reply.content, reply.chunks)
    if reply.prefix_text:
        groups.insert(0, [reply.prefix_text])
    offset = 0
    for group in groups:
        text = "".join(group)
        logprobs = _dumps(_fim_logprobs(group, reply.top_logprobs, offset)) if reply.logprobs else "null"
        offset += len(text)
        events.append(
            head
            + _dumps(text)
            + f',"index":0,"logprobs":{logprobs},"finish_reason":null}}]{usage_tail}}}\n\n'
        )
    usage = _dumps(usage_dict(reply))
    events.append(
        head
        + '"","index":0,"logprobs":null,"finish_reason":'
        + _dumps(reply.finish_reason)
        + f'}}],"usage":{usage}}}\n\n'
    )
    out = [event.encode() for event in events]
    out.append(DONE)
    return out
