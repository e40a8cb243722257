"""The Responses API (``POST /responses``) as DeepSeek serves it (spec section 12), statelessly.

A Responses body is validated, then turned into the chat request DeepSeek's own description implies
(``instructions`` becomes the first system message, ``developer`` is treated as ``user``, a
``reasoning`` input item's text is merged into the assistant turn it precedes, function calls and
their outputs become tool calls and tool messages), so the reply is derived exactly as for chat
(:func:`._replies.build_chat_reply`) and then written as a ``Response`` object or as typed SSE
events with ``sequence_number``, ending with ``response.completed`` / ``incomplete`` / ``failed`` and
no ``[DONE]``.

What section 12 says, as the server does it:

* ``previous_response_id``, ``conversation``, ``background`` and ``store`` are accepted and ignored:
  nothing is kept (the Response says ``store: false``, ``background: false``,
  ``previous_response_id: null``); unknown parameters (``truncation``, ``include``, ``metadata``,
  ...) are ignored too, so ``include: ["reasoning.encrypted_content"]`` produces no encrypted content.
* Function tools, and of the custom tools only ``apply_patch`` (any other custom tool is a 400);
  built-in tools are ignored (never called). Parallel tool calls are always on.
* ``reasoning.effort`` none | low | high | max (thinking is off at ``none``); ``reasoning.summary`` is
  accepted and no summary is produced. The chain of thought is a ``reasoning`` output item with a
  ``reasoning_text`` part.
* ``text.format`` text, json_object or json_schema; json_schema answers with an instance of the
  schema (:func:`._instances.instance_for_schema`).
* ``max_output_tokens`` outside [1, 393216] is a 400; context overflow is a 400; images
  (``input_image``) only on deepseek-flash.

Where the documents are silent, the emulator's choices (each the one least likely to hide a bug):

* the Chat Completions effort aliases (minimal, medium, xhigh, ultra) are accepted, as on chat;
* an input that leaves a function call without its ``function_call_output`` is a 400 in the chat
  API's words (the Responses layer sits on chat, and OpenAI's Responses API rejects it as well);
* images outside user (or developer) messages are a 400, as on chat;
* forced ``tool_choice`` while thinking and missing reasoning items are NOT rejected: chat rejects
  both, but nothing says the Responses layer does, and an emulator that invents a 400 is wrong;
* input item types other than messages, reasoning, function and custom tool calls and their outputs
  (``item_reference``, built-in tool calls) are a 400: nothing is stored to refer to, and built-in
  tools never ran;
* ``finish_reason`` ``length`` / ``content_filter`` are ``incomplete`` (reason ``max_output_tokens`` /
  ``content_filter``); ``insufficient_system_resource`` and ``aborted`` are ``failed`` with a
  ``server_error``;
* the wording of the Responses-only 400s (custom tools, ``max_output_tokens``, missing ``input``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ._errors import ApiError, bad_request, invalid_parameter
from ._models import MAX_OUTPUT_TOKENS, MODELS
from ._replies import Reply, ToolCallOut
from ._validation import (
    EFFORTS,
    MSG_NO_VISION,
    ChatRequest,
    _check_tool_order,
    _common_sampling,
    _deser,
    _Invalid,
    _is_int,
    _kind,
    _model,
    _opt_bool,
    _wrong_type,
)

__all__ = [
    "CUSTOM_TOOLS",
    "TERMINAL_EVENTS",
    "ResponsesRequest",
    "parse_responses",
    "response_object",
    "responses_events",
    "responses_usage",
]

#: The custom tools the server accepts (any other custom tool name is a 400).
CUSTOM_TOOLS = frozenset({"apply_patch"})
#: The events a Responses stream ends with.
TERMINAL_EVENTS = ("response.completed", "response.incomplete", "response.failed")

MSG_CUSTOM_TOOL = (
    "Invalid tools[{i}]: custom tool `{name}` is not supported; the only custom tool is apply_patch"
)
MSG_MAX_OUTPUT = "Invalid max_output_tokens value, the valid range of max_tokens is [1, {limit}]"
MSG_NO_INPUT = "Failed to deserialize the JSON body into the target type: missing field `input`"

_ITEM_TYPES = (
    "message",
    "reasoning",
    "function_call",
    "function_call_output",
    "custom_tool_call",
    "custom_tool_call_output",
)
_MESSAGE_ROLES = ("user", "assistant", "system", "developer")
_TEXT_PARTS = ("input_text", "output_text")
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


@dataclass(slots=True)
class ResponsesRequest:
    """A ``/responses`` request that passed validation: the chat request its reply is derived from,
    plus what the ``Response`` object echoes."""

    chat: ChatRequest
    instructions: str | None
    tools: list[dict[str, Any]]  # the function and custom tools as given (built-in ones are ignored)
    custom_tools: frozenset[str]
    tool_choice: Any
    text_format: dict[str, Any]
    summary: str | None
    max_output_tokens: int | None
    temperature: float
    top_p: float
    metadata: dict[str, Any] = field(default_factory=dict)


# ------------------------------------------------------------------------------------ validation


def _text_of_parts(path: str, content: Any, *, allowed: Sequence[str]) -> str:
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        raise _wrong_type(path, content, "a string or a sequence of content parts")
    texts = []
    for j, part in enumerate(content):
        where = f"{path}[{j}]"
        if not isinstance(part, dict):
            raise _wrong_type(where, part, "internally tagged enum InputContent")
        kind = part.get("type")
        if kind not in allowed:
            raise _deser(f"{where}.type: unknown variant `{kind}`, expected one of `{'`, `'.join(allowed)}`")
        text = part.get("text")
        if not isinstance(text, str):
            raise _wrong_type(f"{where}.text", text, "a string")
        texts.append(text)
    return "".join(texts)


def _user_parts(path: str, content: Any) -> tuple[str | list[dict[str, Any]], bool]:
    """A user message's content as chat content, and whether it carries an image."""
    if isinstance(content, str):
        return content, False
    if not isinstance(content, list):
        raise _wrong_type(path, content, "a string or a sequence of content parts")
    parts: list[dict[str, Any]] = []
    images = False
    for j, part in enumerate(content):
        where = f"{path}[{j}]"
        if not isinstance(part, dict):
            raise _wrong_type(where, part, "internally tagged enum InputContent")
        kind = part.get("type")
        if kind in _TEXT_PARTS:
            text = part.get("text")
            if not isinstance(text, str):
                raise _wrong_type(f"{where}.text", text, "a string")
            parts.append({"type": "text", "text": text})
        elif kind == "input_image":
            url, file_id = part.get("image_url"), part.get("file_id")
            if isinstance(url, str):
                parts.append({"type": "image_url", "image_url": {"url": url}})
            elif isinstance(file_id, str):
                parts.append({"type": "file", "file": {"file_id": file_id}})
            else:
                raise _deser(f"{where}: input_image needs `image_url` or `file_id`")
            images = True
        else:
            raise _deser(
                f"{where}.type: unknown variant `{kind}`, expected one of `input_text`, `input_image`"
            )
    return parts, images


def _output_text(path: str, output: Any) -> str:
    if isinstance(output, str):
        return output
    return _text_of_parts(path, output, allowed=("input_text", "output_text"))


class _Turns:
    """Builds chat messages from input items; consecutive assistant-side items make one turn."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.open: dict[str, Any] | None = None

    def assistant(self, *, fresh: bool) -> dict[str, Any]:
        if (
            self.open is not None
            and fresh
            and (self.open["content"] is not None or self.open.get("tool_calls"))
        ):
            self.open = None
        if self.open is None:
            self.open = {"role": "assistant", "content": None}
            self.messages.append(self.open)
        return self.open

    def other(self, message: dict[str, Any]) -> None:
        self.open = None
        self.messages.append(message)

    def finished(self) -> list[dict[str, Any]]:
        for message in self.messages:
            if (
                message["role"] == "assistant"
                and message["content"] is None
                and not message.get("tool_calls")
            ):
                message["content"] = ""  # a replayed reasoning item with nothing after it
        return self.messages


def _message_item(turns: _Turns, path: str, item: dict[str, Any]) -> bool:
    role = item.get("role")
    if not isinstance(role, str):
        raise _wrong_type(f"{path}.role", role, "a string")
    if role not in _MESSAGE_ROLES:
        raise _deser(
            f"{path}.role: unknown variant `{role}`, expected one of `{'`, `'.join(_MESSAGE_ROLES)}`"
        )
    if "content" not in item:
        raise _deser(f"{path}: missing field `content`")
    content = item["content"]
    if role in ("user", "developer"):  # developer is treated as user (section 12)
        chat_content, images = _user_parts(f"{path}.content", content)
        turns.other({"role": "user", "content": chat_content})
        return images
    if isinstance(content, list) and any(
        isinstance(p, dict) and p.get("type") == "input_image" for p in content
    ):
        raise _Invalid(bad_request(f"Invalid {path}: image input is only allowed in user messages"))
    text = _text_of_parts(f"{path}.content", content, allowed=(*_TEXT_PARTS, "refusal"))
    if role == "system":
        turns.other({"role": "system", "content": text})
    else:
        turns.assistant(fresh=True)["content"] = text
    return False


def _str_field(path: str, item: dict[str, Any], name: str) -> str:
    if name not in item:
        raise _deser(f"{path}: missing field `{name}`")
    value = item[name]
    if not isinstance(value, str):
        raise _wrong_type(f"{path}.{name}", value, "a string")
    return value


def _reasoning_item(turns: _Turns, path: str, item: dict[str, Any]) -> None:
    content = item.get("content")
    text = ""
    if content is not None:
        text = _text_of_parts(f"{path}.content", content, allowed=("reasoning_text",))
    # summary and encrypted_content are not supported: ignored, as unknown fields are.
    turn = turns.assistant(fresh=True)
    turn["reasoning_content"] = (turn.get("reasoning_content") or "") + text


def _input(body: dict[str, Any], instructions: str | None) -> tuple[list[dict[str, Any]], bool]:
    """The chat messages an input means, and whether any carries an image."""
    if "input" not in body:
        raise _Invalid(bad_request(MSG_NO_INPUT))
    raw = body["input"]
    turns = _Turns()
    if instructions is not None:
        turns.other({"role": "system", "content": instructions})
    if isinstance(raw, str):
        turns.other({"role": "user", "content": raw})
        return turns.finished(), False
    if not isinstance(raw, list):
        raise _wrong_type("input", raw, "a string or a sequence of input items")
    if not raw:
        raise _Invalid(bad_request("Invalid Format: input must contain at least one item"))
    images = False
    for i, item in enumerate(raw):
        images = _item(turns, f"input[{i}]", item) or images
    return turns.finished(), images


def _item(turns: _Turns, path: str, item: Any) -> bool:
    """One input item into ``turns``; returns whether it carries an image."""
    if not isinstance(item, dict):
        raise _wrong_type(path, item, "internally tagged enum InputItem")
    kind = item.get("type", "message" if "role" in item else None)
    if kind == "message":
        return _message_item(turns, path, item)
    if kind == "reasoning":
        _reasoning_item(turns, path, item)
    elif kind in ("function_call", "custom_tool_call"):
        call_id = _str_field(path, item, "call_id")
        name = _str_field(path, item, "name")
        arguments = _str_field(path, item, "arguments" if kind == "function_call" else "input")
        turn = turns.assistant(fresh=False)
        turn.setdefault("tool_calls", []).append(
            {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}
        )
    elif kind in ("function_call_output", "custom_tool_call_output"):
        call_id = _str_field(path, item, "call_id")
        if "output" not in item:
            raise _deser(f"{path}: missing field `output`")
        output = _output_text(f"{path}.output", item["output"])
        turns.other({"role": "tool", "tool_call_id": call_id, "content": output})
    else:
        raise _deser(f"{path}.type: unknown variant `{kind}`, expected one of `{'`, `'.join(_ITEM_TYPES)}`")
    return False


def _valid_name(name: str) -> bool:
    return 0 < len(name) <= 128 and _NAME_CHARS.issuperset(name)


def _tools(body: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]], frozenset[str]]:
    """(the tools to echo, the chat function objects the reply may call, the custom tool names)."""
    tools = body.get("tools")
    if tools is None:
        return [], [], frozenset()
    if not isinstance(tools, list):
        raise _wrong_type("tools", tools, "a sequence")
    echoed: list[dict[str, Any]] = []
    functions: list[dict[str, Any]] = []
    custom: set[str] = set()
    for i, tool in enumerate(tools):
        path = f"tools[{i}]"
        if not isinstance(tool, dict):
            raise _wrong_type(path, tool, "internally tagged enum Tool")
        kind = tool.get("type")
        if kind == "function":
            name = _str_field(path, tool, "name")
            parameters = tool.get("parameters")
            if parameters is not None and not isinstance(parameters, dict):
                raise _wrong_type(f"{path}.parameters", parameters, "a map")
            # strict is accepted and not enforced: the Responses API lives on the standard base URL,
            # which ignores strict (section 11).
            functions.append(
                {"name": name, "description": tool.get("description"), "parameters": parameters or {}}
            )
            echoed.append(tool)
        elif kind == "custom":
            name = _str_field(path, tool, "name")
            if name not in CUSTOM_TOOLS:
                raise _Invalid(bad_request(MSG_CUSTOM_TOOL.format(i=i, name=name)))
            custom.add(name)
            echoed.append(tool)
        # every other type is a built-in tool: accepted and ignored (the model never runs it)
    if len(functions) + len(custom) > 128:
        raise _Invalid(invalid_parameter("Invalid tools value, at most 128 tools are supported"))
    seen: set[str] = set()
    for i, function in enumerate(functions):
        name = function["name"]
        if not _valid_name(name):
            raise _Invalid(
                invalid_parameter(
                    f"Invalid tools[{i}].name value, a function name must match ^[a-zA-Z0-9_-]{{1,128}}$"
                )
            )
        if name in seen or name in custom:
            raise _Invalid(invalid_parameter(f"Invalid tools value, duplicate function name `{name}`"))
        seen.add(name)
    return echoed, functions, frozenset(custom)


def _tool_choice(body: dict[str, Any], functions: list[dict[str, Any]]) -> tuple[Any, str, str | None]:
    """(the choice to echo, the chat tool_choice, the named function)."""
    choice = body.get("tool_choice")
    if choice is None:
        return "auto", ("auto" if functions else "none"), None
    if isinstance(choice, str):
        if choice not in ("none", "auto", "required"):
            raise _deser(
                f"tool_choice: unknown variant `{choice}`, expected one of `none`, `auto`, `required`"
            )
        if choice == "required" and not functions:
            return choice, "none", None
        return choice, (choice if functions else "none"), None
    if not isinstance(choice, dict):
        raise _wrong_type("tool_choice", choice, "a string or a map")
    if choice.get("type") == "function":
        name = choice.get("name")
        if not isinstance(name, str):
            raise _deser("tool_choice: missing field `name`")
        if not any(f["name"] == name for f in functions):
            raise _Invalid(invalid_parameter(f"Invalid tool_choice value, function `{name}` is not in tools"))
        return choice, "named", name
    # allowed_tools, custom and built-in tool choices: the model chooses among what it has.
    return choice, ("auto" if functions else "none"), None


def _text_format(body: dict[str, Any]) -> tuple[dict[str, Any], bool, dict[str, Any] | None]:
    """(the format to echo, JSON mode, the schema to satisfy)."""
    text = body.get("text")
    if text is None:
        return {"type": "text"}, False, None
    if not isinstance(text, dict):
        raise _wrong_type("text", text, "struct TextConfig")
    fmt = text.get("format")
    if fmt is None:
        return {"type": "text"}, False, None
    if not isinstance(fmt, dict):
        raise _wrong_type("text.format", fmt, "internally tagged enum TextFormat")
    kind = fmt.get("type")
    if kind == "text":
        return fmt, False, None
    if kind == "json_object":
        return fmt, True, None
    if kind == "json_schema":
        _str_field("text.format", fmt, "name")
        schema = fmt.get("schema")
        if not isinstance(schema, dict):
            raise (
                _wrong_type("text.format.schema", schema, "a map")
                if "schema" in fmt
                else _deser("text.format: missing field `schema`")
            )
        return fmt, True, schema
    raise _deser(
        f"text.format.type: unknown variant `{kind}`, expected one of `text`, `json_object`, `json_schema`"
    )


def _reasoning(body: dict[str, Any]) -> tuple[str, str | None]:
    """(the effort the request runs at, the summary asked for)."""
    reasoning = body.get("reasoning")
    if reasoning is None:
        return "high", None
    if not isinstance(reasoning, dict):
        raise _wrong_type("reasoning", reasoning, "struct Reasoning")
    raw = reasoning.get("effort")
    effort = "high"
    if raw is not None:
        if not isinstance(raw, str):
            raise _wrong_type("reasoning.effort", raw, "a string")
        mapped = EFFORTS.get(raw)
        if mapped is None:
            raise _Invalid(
                invalid_parameter(
                    "Invalid reasoning.effort value, the valid values of reasoning.effort are none, low, "
                    "high and max"
                )
            )
        effort = mapped
    summary = reasoning.get("summary", reasoning.get("generate_summary"))
    return effort, summary if isinstance(summary, str) else None


def _max_output_tokens(body: dict[str, Any]) -> int | None:
    value = body.get("max_output_tokens")
    if value is None:
        return None
    if not _is_int(value):
        raise _wrong_type("max_output_tokens", value, "u32")
    if not 1 <= value <= MAX_OUTPUT_TOKENS:
        raise _Invalid(bad_request(MSG_MAX_OUTPUT.format(limit=MAX_OUTPUT_TOKENS)))
    return int(value)


def _responses(body: Any) -> ResponsesRequest:
    if not isinstance(body, dict):
        raise _deser(f"invalid type: {_kind(body)}, expected struct ResponsesRequest")
    model = _model(body)
    instructions = body.get("instructions")
    if instructions is not None and not isinstance(instructions, str):
        raise _wrong_type("instructions", instructions, "a string")
    messages, images = _input(body, instructions)
    stream = _opt_bool(body, "stream")
    effort, summary = _reasoning(body)
    echoed, functions, custom = _tools(body)
    echoed_choice, tool_choice, tool_choice_name = _tool_choice(body, functions)
    fmt, json_mode, schema = _text_format(body)
    max_output_tokens = _max_output_tokens(body)
    _common_sampling(body)
    _check_tool_order(messages)
    if images and not MODELS[model].vision:
        raise _Invalid(bad_request(MSG_NO_VISION))
    thinking = effort != "none"
    metadata = body.get("metadata")
    chat = ChatRequest(
        model=model,
        messages=messages,
        thinking=thinking,
        effort=effort,
        stream=stream,
        include_usage=True,
        max_tokens=max_output_tokens,
        stop=(),
        json_mode=json_mode,
        tools=functions,
        tool_choice=tool_choice,
        tool_choice_name=tool_choice_name,
        logprobs=False,
        top_logprobs=0,
        user_id=None,
        prefix=None,
        schema=schema,
    )
    temperature, top_p = body.get("temperature"), body.get("top_p")
    return ResponsesRequest(
        chat=chat,
        instructions=instructions,
        tools=echoed,
        custom_tools=custom,
        tool_choice=echoed_choice,
        text_format=fmt,
        summary=summary,
        max_output_tokens=max_output_tokens,
        temperature=float(temperature) if isinstance(temperature, int | float) else 1.0,
        top_p=float(top_p) if isinstance(top_p, int | float) else 1.0,
        metadata=metadata if isinstance(metadata, dict) else {},
    )


def parse_responses(body: Any) -> ResponsesRequest | ApiError:
    """Validate a ``/responses`` body (the stateful fields are accepted and ignored)."""
    try:
        return _responses(body)
    except _Invalid as invalid:
        return invalid.error


# ------------------------------------------------------------------------------------------ wire

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def responses_usage(reply: Reply) -> dict[str, Any]:
    """Responses usage: input (with cached) and output (with reasoning) tokens; a script's ``usage``
    overrides fields by these names."""
    prompt, hit, completion = reply.prompt_tokens, reply.hit_tokens, reply.completion_tokens
    usage: dict[str, Any] = {
        "input_tokens": prompt,
        "input_tokens_details": {"cached_tokens": hit},
        "output_tokens": completion,
        "output_tokens_details": {"reasoning_tokens": reply.reasoning_tokens},
        "total_tokens": prompt + completion,
    }
    if reply.usage_overrides:
        usage.update(reply.usage_overrides)
    return usage


@dataclass(frozen=True, slots=True)
class _Ids:
    response: str

    def item(self, prefix: str, index: int) -> str:
        return f"{prefix}_{self.response.removeprefix('resp_')}{index:02d}"


def _status(reply: Reply) -> tuple[str, dict[str, Any] | None, dict[str, Any] | None]:
    """(status, incomplete_details, error) for a reply's finish reason."""
    reason = reply.finish_reason
    if reason == "length":
        return "incomplete", {"reason": "max_output_tokens"}, None
    if reason == "content_filter":
        return "incomplete", {"reason": "content_filter"}, None
    if reason in ("insufficient_system_resource", "aborted"):
        message = "The server ran out of resources" if reason != "aborted" else "The request was aborted"
        return "failed", None, {"code": "server_error", "message": f"{message} ({reason})."}
    return "completed", None, None


def _reasoning_output(ids: _Ids, text: str, *, done: bool) -> dict[str, Any]:
    return {
        "id": ids.item("rs", 0),
        "type": "reasoning",
        "summary": [],
        "content": [{"type": "reasoning_text", "text": text}] if done else [],
        "status": "completed" if done else "in_progress",
    }


def _message_output(ids: _Ids, text: str, *, done: bool) -> dict[str, Any]:
    part = {"type": "output_text", "text": text, "annotations": [], "logprobs": []}
    return {
        "id": ids.item("msg", 0),
        "type": "message",
        "role": "assistant",
        "status": "completed" if done else "in_progress",
        "content": [part] if done else [],
    }


def _call_output(
    ids: _Ids, index: int, call: ToolCallOut, custom: frozenset[str], *, done: bool
) -> dict[str, Any]:
    arguments = "".join(call.arguments) if done else ""
    status = "completed" if done else "in_progress"
    if call.name in custom:
        return {
            "id": ids.item("ctc", index),
            "type": "custom_tool_call",
            "call_id": call.id,
            "name": call.name,
            "input": arguments,
            "status": status,
        }
    return {
        "id": ids.item("fc", index),
        "type": "function_call",
        "call_id": call.id,
        "name": call.name,
        "arguments": arguments,
        "status": status,
    }


def _outputs(reply: Reply, request: ResponsesRequest, ids: _Ids) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if reply.reasoning is not None:
        out.append(_reasoning_output(ids, "".join(reply.reasoning), done=True))
    if reply.content or not reply.tool_calls:
        out.append(_message_output(ids, "".join(reply.content), done=True))
    for index, call in enumerate(reply.tool_calls):
        out.append(_call_output(ids, index, call, request.custom_tools, done=True))
    return out


def response_object(  # noqa: PLR0913 (the Response's own fields)
    reply: Reply | None,
    request: ResponsesRequest,
    *,
    response_id: str,
    created: int,
    model: str,
    in_progress: bool = False,
) -> dict[str, Any]:
    """The ``Response`` object: finished (``reply`` given), or the snapshot a stream opens with."""
    ids = _Ids(response_id)
    if reply is None or in_progress:
        status, incomplete, error, output, usage = "in_progress", None, None, [], None
    else:
        status, incomplete, error = _status(reply)
        output, usage = _outputs(reply, request, ids), responses_usage(reply)
    chat = request.chat
    return {
        "id": response_id,
        "object": "response",
        "created_at": created,
        "status": status,
        "background": False,
        "error": error,
        "incomplete_details": incomplete,
        "instructions": request.instructions,
        "max_output_tokens": request.max_output_tokens,
        "model": model,
        "output": output,
        "parallel_tool_calls": True,
        "previous_response_id": None,
        "reasoning": {"effort": chat.effort, "summary": None},
        "store": False,
        "temperature": request.temperature,
        "text": {"format": request.text_format},
        "tool_choice": request.tool_choice,
        "tools": request.tools,
        "top_p": request.top_p,
        "truncation": "disabled",
        "usage": usage,
        "metadata": request.metadata,
    }


class _Events:
    """SSE events with their ``sequence_number``, as ``event: <type>`` / ``data: <json>`` pairs."""

    def __init__(self) -> None:
        self.out: list[bytes] = []

    def add(self, kind: str, **fields: Any) -> None:
        data = _dumps({"type": kind, **fields, "sequence_number": len(self.out)})
        self.out.append(f"event: {kind}\ndata: {data}\n\n".encode())


def _groups(tokens: list[str], chunks: int | None) -> list[str]:
    if chunks is None or chunks >= len(tokens):
        return list(tokens)
    size, extra = divmod(len(tokens), chunks)
    groups, start = [], 0
    for index in range(chunks):
        end = start + size + (1 if index < extra else 0)
        groups.append("".join(tokens[start:end]))
        start = end
    return groups


def _reasoning_events(ev: _Events, reply: Reply, ids: _Ids, index: int) -> None:
    assert reply.reasoning is not None
    item_id = ids.item("rs", 0)
    text = "".join(reply.reasoning)
    ev.add("response.output_item.added", output_index=index, item=_reasoning_output(ids, "", done=False))
    ev.add(
        "response.content_part.added",
        item_id=item_id,
        output_index=index,
        content_index=0,
        part={"type": "reasoning_text", "text": ""},
    )
    for token in reply.reasoning:
        ev.add(
            "response.reasoning_text.delta", item_id=item_id, output_index=index, content_index=0, delta=token
        )
    ev.add("response.reasoning_text.done", item_id=item_id, output_index=index, content_index=0, text=text)
    ev.add(
        "response.content_part.done",
        item_id=item_id,
        output_index=index,
        content_index=0,
        part={"type": "reasoning_text", "text": text},
    )
    ev.add("response.output_item.done", output_index=index, item=_reasoning_output(ids, text, done=True))


def _message_events(ev: _Events, reply: Reply, ids: _Ids, index: int) -> None:
    item_id = ids.item("msg", 0)
    text = "".join(reply.content)
    empty = {"type": "output_text", "text": "", "annotations": [], "logprobs": []}
    ev.add("response.output_item.added", output_index=index, item=_message_output(ids, "", done=False))
    ev.add("response.content_part.added", item_id=item_id, output_index=index, content_index=0, part=empty)
    for piece in _groups(reply.content, reply.chunks):
        ev.add(
            "response.output_text.delta",
            item_id=item_id,
            output_index=index,
            content_index=0,
            delta=piece,
            logprobs=[],
        )
    ev.add(
        "response.output_text.done",
        item_id=item_id,
        output_index=index,
        content_index=0,
        text=text,
        logprobs=[],
    )
    ev.add(
        "response.content_part.done",
        item_id=item_id,
        output_index=index,
        content_index=0,
        part={**empty, "text": text},
    )
    ev.add("response.output_item.done", output_index=index, item=_message_output(ids, text, done=True))


def _call_events(  # noqa: PLR0913 (one call's place in the stream)
    ev: _Events, call: ToolCallOut, request: ResponsesRequest, ids: _Ids, number: int, index: int
) -> None:
    added = _call_output(ids, number, call, request.custom_tools, done=False)
    done = _call_output(ids, number, call, request.custom_tools, done=True)
    kind = "custom_tool_call_input" if added["type"] == "custom_tool_call" else "function_call_arguments"
    ev.add("response.output_item.added", output_index=index, item=added)
    for piece in call.arguments:
        ev.add(f"response.{kind}.delta", item_id=added["id"], output_index=index, delta=piece)
    final = done["input"] if added["type"] == "custom_tool_call" else done["arguments"]
    extra = (
        {"input": final} if added["type"] == "custom_tool_call" else {"arguments": final, "name": call.name}
    )
    ev.add(f"response.{kind}.done", item_id=added["id"], output_index=index, **extra)
    ev.add("response.output_item.done", output_index=index, item=done)


def responses_events(
    reply: Reply, request: ResponsesRequest, *, response_id: str, created: int, model: str
) -> list[bytes]:
    """Every SSE event of a Responses stream, each with its ``sequence_number``; no ``[DONE]``."""
    ids = _Ids(response_id)
    ev = _Events()
    opening = response_object(None, request, response_id=response_id, created=created, model=model)
    ev.add("response.created", response=opening)
    ev.add("response.in_progress", response=opening)
    index = 0
    if reply.reasoning is not None:
        _reasoning_events(ev, reply, ids, index)
        index += 1
    if reply.content or not reply.tool_calls:
        _message_events(ev, reply, ids, index)
        index += 1
    for number, call in enumerate(reply.tool_calls):
        _call_events(ev, call, request, ids, number, index)
        index += 1
    final = response_object(reply, request, response_id=response_id, created=created, model=model)
    ev.add(f"response.{final['status']}", response=final)
    return ev.out
