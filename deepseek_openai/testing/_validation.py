"""Request validation as DeepSeek does it: pure functions from a parsed JSON body to a request or an error.

Which status for what (spec sections 5, 8 and 10; where the spec is silent, the emulator's choice):

* 400 ``Failed to deserialize the JSON body into the target type: ...`` (serde's wording, without the
  line/column suffix): the body is not JSON or not an object, a field has the wrong JSON type,
  ``messages`` is missing or not a list, a message lacks ``role``/``content``/``tool_call_id``, an unknown
  role, list content outside user messages, an unknown content part or ``response_format``/``thinking``
  variant, a malformed tool or tool call.
* 400 with a specific message: missing ``model`` ("Model Not Exist"), a retired or unknown model, empty
  ``messages``, ``prefix`` outside beta, ``prefix`` not on the last assistant message,
  ``json_schema``, ``stream_options`` without ``stream``, ``tool_choice`` required/named while thinking,
  missing ``reasoning_content`` (tools present, thinking on), tool messages out of order, image parts on a
  model without vision, a strict schema outside the subset on ``/beta`` (the standard URL accepts
  ``strict`` and ignores it, spec section 11), FIM with thinking, context too long (checked by the app,
  which counts tokens).
* 422 ``Invalid <param> value, ...``: values out of range: ``temperature`` [0, 2], ``top_p`` (0, 1], penalties
  [-2, 2], ``max_tokens`` [1, 393216] (FIM [1, 4096]), more than 16 ``stop`` entries, ``top_logprobs``
  [0, 20] or without ``logprobs``, FIM ``logprobs`` [0, 20], FIM ``echo`` with ``suffix`` or ``logprobs``,
  an unknown ``reasoning_effort``, bad tool names, more than 128 tools, duplicate tool names,
  ``tool_choice`` naming a missing tool or given without tools, a bad ``user_id``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as _field
from typing import Any

from ._errors import (
    MIB,
    ApiError,
    bad_request,
    deserialize_error,
    invalid_parameter,
    model_not_exist,
    unsupported_model,
)
from ._files import IMAGE_TYPES, ImageBytes, StoredFile, decode_inline, image_tokens, read_image
from ._models import ACCEPTED_MODELS, FIM_MAX_TOKENS, MAX_OUTPUT_TOKENS, MODELS

__all__ = ["EFFORTS", "ChatRequest", "FileLookup", "FimRequest", "SeenImage", "parse_chat", "parse_fim"]

FileLookup = Callable[[str], StoredFile | None]
"""The caller's live uploaded file with this id, or ``None``."""

# Vision limits (files and vision guide, 2026-09-11).
MAX_IMAGES = 600
MAX_IMAGE_URL = 8_192
MAX_INLINE_IMAGE_BYTES = 32 * MIB
MAX_REQUEST_IMAGE_BYTES = 64 * MIB
MAX_REQUEST_IMAGE_BYTES_WITH_FILES = 200 * MIB
MAX_IMAGE_SIDE = 8_192
MANY_IMAGES = 15
MAX_SIDE_MANY = 4_096

#: Accepted ``reasoning_effort`` values and the effort they run at ("none" turns thinking off).
EFFORTS: dict[str, str] = {
    "none": "none",
    "low": "low",
    "high": "high",
    "max": "max",
    "minimal": "low",
    "medium": "high",
    "xhigh": "high",
    "ultra": "max",
}

_NAME_RE = re.compile(r"[a-zA-Z0-9_-]{1,128}")
_USER_ID_RE = re.compile(r"[a-zA-Z0-9_-]{1,512}")
_ROLES = ("system", "user", "assistant", "tool")
_STRICT_UNSUPPORTED = ("minLength", "maxLength", "minItems", "maxItems")
#: What the beta URL's strict mode supports (spec section 8): these keywords (annotations included)
#: and these string formats; anything else in a strict schema is a 400.
_STRICT_KEYWORDS = frozenset(
    {
        "type",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "enum",
        "anyOf",
        "$ref",
        "$defs",
        "definitions",
        "pattern",
        "format",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "const",
        "default",
        "title",
        "description",
        "examples",
    }
)
_STRICT_FORMATS = frozenset({"email", "hostname", "ipv4", "ipv6", "uuid"})

MSG_REASONING_MISSING = "The `reasoning_content` in the thinking mode must be passed back to the API."
MSG_TOOL_CHOICE_THINKING = "Thinking mode does not support this tool_choice"
MSG_PREFIX_BETA = "prefix is only available when using beta api"
MSG_JSON_SCHEMA = "This response_format type is unavailable now"
MSG_STREAM_OPTIONS = "stream_options should be set along with stream = true"
MSG_FIM_THINKING = "FIM completion does not support thinking mode"
MSG_NO_VISION = "This model does not support image input"
MSG_TOOL_ORPHAN = "Messages with role 'tool' must be a response to a preceding message with 'tool_calls'"
MSG_TOOL_MISSING = (
    "An assistant message with 'tool_calls' must be followed by tool messages responding to each "
    "'tool_call_id'. (insufficient tool messages following tool_calls message)"
)


@dataclass(slots=True)
class ChatRequest:
    """A chat request that passed validation, reduced to what the reply depends on."""

    model: str  # canonical id
    messages: list[dict[str, Any]]
    thinking: bool
    effort: str  # "none" when thinking is off
    stream: bool
    include_usage: bool
    max_tokens: int | None
    stop: tuple[str, ...]
    json_mode: bool
    tools: list[dict[str, Any]]  # the ``function`` objects, in order
    tool_choice: str  # "none" | "auto" | "required" | "named"
    tool_choice_name: str | None
    logprobs: bool
    top_logprobs: int
    user_id: str | None
    prefix: dict[str, Any] | None  # the trailing ``prefix: true`` assistant message (beta)
    schema: dict[str, Any] | None = None  # a JSON schema the answer must satisfy (Responses json_schema)
    images: list[SeenImage] = _field(default_factory=list)  # in the order of the messages


@dataclass(slots=True)
class FimRequest:
    """A FIM (``/beta/completions``) request that passed validation."""

    model: str
    prompt: str
    suffix: str | None
    max_tokens: int | None
    echo: bool
    logprobs: int | None
    stop: tuple[str, ...]
    stream: bool
    include_usage: bool
    user_id: str | None


class _Invalid(Exception):
    """Carries the first error out of the nested checks; never leaves this module."""

    def __init__(self, error: ApiError) -> None:
        super().__init__(error.message)
        self.error = error


def _kind(value: Any) -> str:
    """How serde names a JSON value in ``invalid type`` messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean `{'true' if value else 'false'}`"
    if isinstance(value, int):
        return f"integer `{value}`"
    if isinstance(value, float):
        return f"floating point `{value}`"
    if isinstance(value, str):
        return f'string "{value}"'
    if isinstance(value, list):
        return "sequence"
    return "map"


def _deser(detail: str) -> _Invalid:
    return _Invalid(deserialize_error(detail))


def _wrong_type(path: str, value: Any, expected: str) -> _Invalid:
    return _deser(f"{path}: invalid type: {_kind(value)}, expected {expected}")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _opt_bool(body: dict[str, Any], name: str) -> bool:
    value = body.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _wrong_type(name, value, "a boolean")
    return value


def _opt_range(body: dict[str, Any], name: str, low: float, high: float, *, open_low: bool = False) -> None:
    value = body.get(name)
    if value is None:
        return
    if not _is_number(value):
        raise _wrong_type(name, value, "f32")
    if value > high or value < low or (open_low and value == low):
        left = "(" if open_low else "["
        raise _Invalid(
            invalid_parameter(f"Invalid {name} value, the valid range of {name} is {left}{low:g}, {high:g}]")
        )


def _max_tokens(body: dict[str, Any], limit: int) -> int | None:
    value = body.get("max_tokens")
    if value is None:
        return None
    if not _is_int(value):
        raise _wrong_type("max_tokens", value, "u32")
    if not 1 <= value <= limit:
        raise _Invalid(
            invalid_parameter(f"Invalid max_tokens value, the valid range of max_tokens is [1, {limit}]")
        )
    return int(value)


def _stop(body: dict[str, Any]) -> tuple[str, ...]:
    value = body.get("stop")
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _deser("stop: data did not match any variant of untagged enum StopConfiguration")
    if len(value) > 16:
        raise _Invalid(invalid_parameter("Invalid stop value, the maximum number of stop sequences is 16"))
    return tuple(item for item in value if item)


def _stream(body: dict[str, Any]) -> tuple[bool, bool]:
    stream = _opt_bool(body, "stream")
    options = body.get("stream_options")
    if options is None:
        return stream, False
    if not isinstance(options, dict):
        raise _wrong_type("stream_options", options, "struct StreamOptions")
    if not stream:
        raise _Invalid(bad_request(MSG_STREAM_OPTIONS))
    include = options.get("include_usage")
    if include is not None and not isinstance(include, bool):
        raise _wrong_type("stream_options.include_usage", include, "a boolean")
    return True, bool(include)


def _model(body: dict[str, Any]) -> str:
    model = body.get("model")
    if model is None:
        raise _Invalid(model_not_exist())
    if not isinstance(model, str):
        raise _wrong_type("model", model, "a string")
    canonical = ACCEPTED_MODELS.get(model)
    if canonical is None:
        raise _Invalid(unsupported_model(model))
    return canonical


def _thinking(body: dict[str, Any]) -> tuple[bool | None, str | None]:
    """(explicit thinking switch or None, mapped effort or None), both as given."""
    explicit: bool | None = None
    thinking = body.get("thinking")
    if thinking is not None:
        if not isinstance(thinking, dict):
            raise _wrong_type("thinking", thinking, "struct Thinking")
        kind = thinking.get("type")
        if kind is None:
            raise _deser("thinking: missing field `type`")
        if not isinstance(kind, str):
            raise _wrong_type("thinking.type", kind, "a string")
        if kind not in ("enabled", "disabled"):
            raise _deser(f"thinking.type: unknown variant `{kind}`, expected `enabled` or `disabled`")
        explicit = kind == "enabled"
    effort: str | None = None
    raw = body.get("reasoning_effort")
    if raw is not None:
        if not isinstance(raw, str):
            raise _wrong_type("reasoning_effort", raw, "a string")
        effort = EFFORTS.get(raw)
        if effort is None:
            raise _Invalid(
                invalid_parameter(
                    "Invalid reasoning_effort value, the valid values of reasoning_effort are none, low, "
                    "high and max (minimal, medium, xhigh and ultra are also accepted)"
                )
            )
    return explicit, effort


def _user_id(body: dict[str, Any]) -> str | None:
    value = body.get("user_id")
    if value is None:
        return None
    if not isinstance(value, str):
        raise _wrong_type("user_id", value, "a string")
    if not _USER_ID_RE.fullmatch(value):
        raise _Invalid(invalid_parameter("Invalid user_id value, it must match ^[a-zA-Z0-9_-]{1,512}$"))
    return value


def _common_sampling(body: dict[str, Any]) -> None:
    _opt_range(body, "temperature", 0, 2)
    _opt_range(body, "top_p", 0, 1, open_low=True)
    _opt_range(body, "frequency_penalty", -2, 2)
    _opt_range(body, "presence_penalty", -2, 2)


def _check_string_content(path: str, message: dict[str, Any], *, required: bool) -> None:
    if "content" not in message:
        if required:
            raise _deser(f"{path}: missing field `content`")
        return
    content = message["content"]
    if content is None and not required:
        return
    if not isinstance(content, str):
        raise _wrong_type(path, content, "a string")


_DETAILS = ("low", "high", "original", "auto")
_IMAGE_TYPES_TEXT = "only JPEG, PNG, GIF and WebP images are supported"


def _check_user_content(path: str, message: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """Type-checks a user message's content; returns its image parts with their index."""
    if "content" not in message:
        raise _deser(f"{path}: missing field `content`")
    content = message["content"]
    if isinstance(content, str):
        return []
    mismatch = _deser(f"{path}: data did not match any variant of untagged enum ChatCompletionRequestContent")
    if not isinstance(content, list):
        raise mismatch
    images: list[tuple[int, dict[str, Any]]] = []
    for j, part in enumerate(content):
        if not isinstance(part, dict):
            raise mismatch
        kind = part.get("type")
        if kind == "text":
            if not isinstance(part.get("text"), str):
                raise mismatch
        elif kind == "image_url":
            image = part.get("image_url")
            url = image.get("url") if isinstance(image, dict) else image
            if not isinstance(url, str):
                raise mismatch
            detail = image.get("detail") if isinstance(image, dict) else None
            if detail is not None and detail not in _DETAILS:
                raise _deser(
                    f"{path}.content[{j}].image_url.detail: unknown variant `{detail}`, expected one of "
                    "`low`, `high`, `original`, `auto`"
                )
            images.append((j, part))
        elif kind == "file":
            file = part.get("file")
            if not isinstance(file, dict) or not (
                isinstance(file.get("file_id"), str) or isinstance(file.get("file_data"), str)
            ):
                raise mismatch
            images.append((j, part))
        else:
            raise mismatch
    return images


@dataclass(slots=True)
class SeenImage:
    """One image of a request as the server read it."""

    message: int
    part: int
    ref: str
    """What identifies it (its URL or file id), for the prefix cache."""
    image: ImageBytes | None
    """``None``: an https URL (the emulator never fetches it)."""
    detail: str | None
    file_id: str | None

    @property
    def tokens(self) -> int:
        return image_tokens(self.image, self.detail)

    def describe(self) -> str:
        """What the reply says it received: ``[image image/png 64x48, 1234 bytes]``."""
        if self.image is None:
            return f"[image at {self.ref[:80]}]"
        return f"[image {self.image.describe()}]"


def _inline_image(text: str, limit: int) -> ImageBytes:
    data = decode_inline(text)
    if data is None:
        raise _Invalid(
            bad_request("Invalid image data: inline images must be base64 (data:image/...;base64,...)")
        )
    image = read_image(data)
    if image.mime not in IMAGE_TYPES:
        raise _Invalid(bad_request(f"Unsupported image type: {_IMAGE_TYPES_TEXT}"))
    if image.size > limit:
        raise _Invalid(
            bad_request(f"Image too large: inline and URL images may be at most {limit // MIB} MiB")
        )
    return image


def _read_part(i: int, j: int, part: dict[str, Any], files: FileLookup | None) -> SeenImage:
    if part["type"] == "image_url":
        image = part["image_url"]
        url: str = image["url"] if isinstance(image, dict) else image
        detail = image.get("detail") if isinstance(image, dict) else None
        if url[:5].lower() == "data:":
            return SeenImage(i, j, url, _inline_image(url, MAX_INLINE_IMAGE_BYTES), detail, None)
        if url[:8].lower() != "https://":
            raise _Invalid(bad_request("Invalid image URL: only https and data: URLs are supported"))
        if len(url) > MAX_IMAGE_URL:
            raise _Invalid(bad_request(f"Image URL too long: at most {MAX_IMAGE_URL} characters"))
        return SeenImage(i, j, url, None, detail, None)
    file = part["file"]
    file_id = file.get("file_id")
    if isinstance(file_id, str):
        stored = files(file_id) if files is not None else None
        if stored is None:
            raise _Invalid(
                bad_request(
                    f"File {file_id} not found: it does not exist, has expired or was deleted. "
                    "Upload it again."
                )
            )
        return SeenImage(i, j, file_id, stored.image, None, file_id)
    data: str = file["file_data"]
    return SeenImage(i, j, data, _inline_image(data, MAX_INLINE_IMAGE_BYTES), None, None)


def _read_images(parts: list[tuple[int, int, dict[str, Any]]], files: FileLookup | None) -> list[SeenImage]:
    if len(parts) > MAX_IMAGES:
        raise _Invalid(bad_request(f"Too many images: at most {MAX_IMAGES} images per request"))
    seen = [_read_part(i, j, part, files) for i, j, part in parts]
    sides = [s.image.side for s in seen if s.image is not None]
    if any(side > MAX_IMAGE_SIDE for side in sides):
        raise _Invalid(bad_request(f"Image too large: at most {MAX_IMAGE_SIDE} pixels a side"))
    if len(seen) >= MANY_IMAGES and any(side > MAX_SIDE_MANY for side in sides):
        raise _Invalid(
            bad_request(
                f"Image too large: with {MANY_IMAGES} or more images a request, each image may have at most "
                f"{MAX_SIDE_MANY} pixels a side"
            )
        )
    with_files = any(s.file_id is not None for s in seen)
    limit = MAX_REQUEST_IMAGE_BYTES_WITH_FILES if with_files else MAX_REQUEST_IMAGE_BYTES
    if sum(s.image.size for s in seen if s.image is not None) > limit:
        raise _Invalid(bad_request(f"Images too large: at most {limit // MIB} MiB of images per request"))
    return seen


def _check_tool_calls(path: str, calls: Any) -> list[str]:
    if not isinstance(calls, list):
        raise _wrong_type(f"{path}.tool_calls", calls, "a sequence")
    ids: list[str] = []
    for j, call in enumerate(calls):
        where = f"{path}.tool_calls[{j}]"
        if not isinstance(call, dict):
            raise _wrong_type(where, call, "struct ToolCall")
        for field in ("id", "function"):
            if field not in call:
                raise _deser(f"{where}: missing field `{field}`")
        if not isinstance(call["id"], str):
            raise _wrong_type(f"{where}.id", call["id"], "a string")
        kind = call.get("type", "function")
        if kind != "function":
            raise _deser(f"{where}.type: unknown variant `{kind}`, expected `function`")
        function = call["function"]
        if not isinstance(function, dict):
            raise _wrong_type(f"{where}.function", function, "struct FunctionCall")
        for field in ("name", "arguments"):
            if field not in function:
                raise _deser(f"{where}.function: missing field `{field}`")
            if not isinstance(function[field], str):
                raise _wrong_type(f"{where}.function.{field}", function[field], "a string")
        ids.append(call["id"])
    return ids


def _messages(body: dict[str, Any]) -> tuple[list[dict[str, Any]], list[tuple[int, int, dict[str, Any]]]]:
    """Type-checks every message; returns them and their image parts (message index, part index, part)."""
    if "messages" not in body:
        raise _deser("missing field `messages`")
    messages = body["messages"]
    if not isinstance(messages, list):
        raise _wrong_type("messages", messages, "a sequence")
    if not messages:
        raise _Invalid(bad_request("Invalid Format: messages must contain at least one message"))
    images: list[tuple[int, int, dict[str, Any]]] = []
    for i, message in enumerate(messages):
        path = f"messages[{i}]"
        if not isinstance(message, dict):
            raise _wrong_type(path, message, "internally tagged enum ChatCompletionRequestMessage")
        if "role" not in message:
            raise _deser(f"{path}: missing field `role`")
        role = message["role"]
        if not isinstance(role, str):
            raise _wrong_type(f"{path}.role", role, "a string")
        if role not in _ROLES:
            raise _deser(
                f"{path}: unknown variant `{role}`, expected one of `system`, `user`, `assistant`, `tool`"
            )
        name = message.get("name")
        if name is not None and not isinstance(name, str):
            raise _wrong_type(f"{path}.name", name, "a string")
        if role == "system":
            _check_string_content(path, message, required=True)
        elif role == "user":
            images += [(i, j, part) for j, part in _check_user_content(path, message)]
        elif role == "assistant":
            _check_string_content(path, message, required=False)
            calls = message.get("tool_calls")
            if calls is not None:
                _check_tool_calls(path, calls)
            reasoning = message.get("reasoning_content")
            if reasoning is not None and not isinstance(reasoning, str):
                raise _wrong_type(f"{path}.reasoning_content", reasoning, "a string")
            prefix = message.get("prefix")
            if prefix is not None and not isinstance(prefix, bool):
                raise _wrong_type(f"{path}.prefix", prefix, "a boolean")
        else:  # tool
            if "tool_call_id" not in message:
                raise _deser(f"{path}: missing field `tool_call_id`")
            if not isinstance(message["tool_call_id"], str):
                raise _wrong_type(f"{path}.tool_call_id", message["tool_call_id"], "a string")
            _check_string_content(path, message, required=True)
    return messages, images


def _check_tool_order(messages: list[dict[str, Any]]) -> None:
    """Every tool message answers a call of the assistant turn just before it, and every call is answered."""
    pending: set[str] | None = None
    for message in messages:
        if message["role"] == "tool":
            call_id = message["tool_call_id"]
            if pending is None or call_id not in pending:
                raise _Invalid(bad_request(MSG_TOOL_ORPHAN))
            pending.discard(call_id)
            continue
        if pending:
            raise _Invalid(bad_request(MSG_TOOL_MISSING))
        pending = None
        calls = message.get("tool_calls") if message["role"] == "assistant" else None
        if calls:
            pending = {call["id"] for call in calls}
    if pending:
        raise _Invalid(bad_request(MSG_TOOL_MISSING))


def _strict_problem(schema: Any, path: str) -> str | None:
    """Why a schema breaks DeepSeek's strict-mode rules (spec section 8), or None."""
    if not isinstance(schema, dict):
        return None
    for keyword in _STRICT_UNSUPPORTED:
        if keyword in schema:
            return f"{path}: `{keyword}` is not supported in strict mode"
    for keyword in schema:
        if keyword not in _STRICT_KEYWORDS:
            return f"{path}: `{keyword}` is not supported in strict mode"
    fmt = schema.get("format")
    if fmt is not None and fmt not in _STRICT_FORMATS:
        return f"{path}: format `{fmt}` is not supported in strict mode"
    if schema.get("type") == "object" or "properties" in schema:
        properties = schema.get("properties") or {}
        if schema.get("additionalProperties") is not False:
            return f"{path}: `additionalProperties` must be false"
        required = schema.get("required") or []
        missing = [key for key in properties if key not in required]
        if missing:
            return f"{path}: every property must be listed in `required` (missing {', '.join(missing)})"
        for key, sub in properties.items():
            problem = _strict_problem(sub, f"{path}.{key}")
            if problem:
                return problem
    children: list[tuple[Any, str]] = [(schema.get("items"), f"{path}[]")]
    children += [(sub, f"{path}.anyOf[{k}]") for k, sub in enumerate(schema.get("anyOf") or [])]
    for defs in ("$defs", "definitions"):
        children += [(sub, f"{path}.{defs}.{key}") for key, sub in (schema.get(defs) or {}).items()]
    for sub, where in children:
        problem = _strict_problem(sub, where)
        if problem:
            return problem
    return None


def _tools(body: dict[str, Any], *, beta: bool) -> list[dict[str, Any]]:
    tools = body.get("tools")
    if tools is None:
        return []
    if not isinstance(tools, list):
        raise _wrong_type("tools", tools, "a sequence")
    functions: list[dict[str, Any]] = []
    for i, tool in enumerate(tools):
        path = f"tools[{i}]"
        if not isinstance(tool, dict):
            raise _wrong_type(path, tool, "struct Tool")
        if "type" not in tool:
            raise _deser(f"{path}: missing field `type`")
        if tool["type"] != "function":
            raise _deser(f"{path}.type: unknown variant `{tool['type']}`, expected `function`")
        function = tool.get("function")
        if function is None:
            raise _deser(f"{path}: missing field `function`")
        if not isinstance(function, dict):
            raise _wrong_type(f"{path}.function", function, "struct FunctionObject")
        if "name" not in function:
            raise _deser(f"{path}.function: missing field `name`")
        if not isinstance(function["name"], str):
            raise _wrong_type(f"{path}.function.name", function["name"], "a string")
        parameters = function.get("parameters")
        if parameters is not None and not isinstance(parameters, dict):
            raise _wrong_type(f"{path}.function.parameters", parameters, "a map")
        strict = function.get("strict")
        if strict is not None and not isinstance(strict, bool):
            raise _wrong_type(f"{path}.function.strict", strict, "a boolean")
        functions.append(function)
    if len(functions) > 128:
        raise _Invalid(invalid_parameter("Invalid tools value, at most 128 tools are supported"))
    seen: set[str] = set()
    for i, function in enumerate(functions):
        name = function["name"]
        if not _NAME_RE.fullmatch(name):
            raise _Invalid(
                invalid_parameter(
                    f"Invalid tools[{i}].function.name value, a function name must match "
                    "^[a-zA-Z0-9_-]{1,128}$"
                )
            )
        if name in seen:
            raise _Invalid(invalid_parameter(f"Invalid tools value, duplicate function name `{name}`"))
        seen.add(name)
    for function in functions:
        # The standard URL accepts `strict` and ignores it (spec section 11); only /beta enforces it.
        if function.get("strict") and beta:
            problem = _strict_problem(function.get("parameters") or {}, "parameters")
            if problem:
                raise _Invalid(
                    bad_request(f"Invalid schema for function `{function['name']}` in strict mode: {problem}")
                )
    return functions


def _tool_choice(body: dict[str, Any], functions: list[dict[str, Any]]) -> tuple[str, str | None]:
    choice = body.get("tool_choice")
    if choice is None:
        return ("auto" if functions else "none"), None
    if isinstance(choice, str):
        if choice not in ("none", "auto", "required"):
            raise _deser(
                f"tool_choice: unknown variant `{choice}`, expected one of `none`, `auto`, `required`"
            )
        if choice == "required" and not functions:
            raise _Invalid(invalid_parameter("Invalid tool_choice value, tool_choice requires tools"))
        return choice, None
    function = choice.get("function") if isinstance(choice, dict) else None
    name = function.get("name") if isinstance(function, dict) else None
    if not isinstance(choice, dict) or choice.get("type") != "function" or not isinstance(name, str):
        raise _deser("tool_choice: data did not match any variant of untagged enum ChatCompletionToolChoice")
    if not any(f["name"] == name for f in functions):
        raise _Invalid(invalid_parameter(f"Invalid tool_choice value, function `{name}` is not in tools"))
    return "named", name


def _chat(body: Any, beta: bool, files: FileLookup | None) -> ChatRequest:
    if not isinstance(body, dict):
        raise _deser(f"invalid type: {_kind(body)}, expected struct ChatCompletionRequest")
    model = _model(body)
    messages, images = _messages(body)
    stream, include_usage = _stream(body)
    explicit, effort = _thinking(body)
    thinking = explicit is not False and effort != "none"
    effort = (effort or "high") if thinking else "none"

    response_format = body.get("response_format")
    json_mode = False
    if response_format is not None:
        if not isinstance(response_format, dict):
            raise _wrong_type("response_format", response_format, "internally tagged enum ResponseFormat")
        kind = response_format.get("type")
        if kind is None:
            raise _deser("response_format: missing field `type`")
        if kind == "json_schema":
            raise _Invalid(bad_request(MSG_JSON_SCHEMA))
        if kind not in ("text", "json_object"):
            raise _deser(f"response_format.type: unknown variant `{kind}`, expected `text` or `json_object`")
        json_mode = kind == "json_object"

    # Beta-only features, then values, then the rules that span several fields.
    prefix: dict[str, Any] | None = None
    for i, message in enumerate(messages):
        if message["role"] == "assistant" and message.get("prefix"):
            if not beta:
                raise _Invalid(bad_request(MSG_PREFIX_BETA))
            if i != len(messages) - 1:
                raise _Invalid(
                    bad_request("prefix is only allowed on the last message, an assistant message")
                )
            prefix = message
    functions = _tools(body, beta=beta)
    max_tokens = _max_tokens(body, MAX_OUTPUT_TOKENS)
    stop = _stop(body)
    _common_sampling(body)
    logprobs = _opt_bool(body, "logprobs")
    top = body.get("top_logprobs")
    top_logprobs = 0
    if top is not None:
        if not _is_int(top):
            raise _wrong_type("top_logprobs", top, "u32")
        if not 0 <= top <= 20:
            raise _Invalid(
                invalid_parameter("Invalid top_logprobs value, the valid range of top_logprobs is [0, 20]")
            )
        if not logprobs:
            raise _Invalid(
                invalid_parameter(
                    "Invalid top_logprobs value, logprobs must be true when top_logprobs is set"
                )
            )
        top_logprobs = int(top)
    user_id = _user_id(body)
    tool_choice, tool_choice_name = _tool_choice(body, functions)
    if thinking and tool_choice in ("required", "named"):
        raise _Invalid(bad_request(MSG_TOOL_CHOICE_THINKING))
    if functions and thinking:
        for message in messages:
            if message is prefix or message["role"] != "assistant":
                continue
            if message.get("reasoning_content") is None:
                raise _Invalid(bad_request(MSG_REASONING_MISSING))
    _check_tool_order(messages if prefix is None else messages[:-1])
    if images and not MODELS[model].vision:
        raise _Invalid(bad_request(MSG_NO_VISION))
    seen = _read_images(images, files) if images else []
    return ChatRequest(
        model=model,
        messages=messages,
        thinking=thinking,
        effort=effort,
        stream=stream,
        include_usage=include_usage,
        max_tokens=max_tokens,
        stop=stop,
        json_mode=json_mode,
        tools=functions,
        tool_choice=tool_choice,
        tool_choice_name=tool_choice_name,
        logprobs=logprobs,
        top_logprobs=top_logprobs,
        user_id=user_id,
        prefix=prefix,
        images=seen,
    )


def _fim(body: Any) -> FimRequest:
    if not isinstance(body, dict):
        raise _deser(f"invalid type: {_kind(body)}, expected struct CompletionRequest")
    model = _model(body)
    if "prompt" not in body:
        raise _deser("missing field `prompt`")
    prompt = body["prompt"]
    if not isinstance(prompt, str):
        raise _wrong_type("prompt", prompt, "a string")
    suffix = body.get("suffix")
    if suffix is not None and not isinstance(suffix, str):
        raise _wrong_type("suffix", suffix, "a string")
    stream, include_usage = _stream(body)
    explicit, effort = _thinking(body)
    if explicit is True or effort not in (None, "none"):
        raise _Invalid(bad_request(MSG_FIM_THINKING))
    max_tokens = _max_tokens(body, FIM_MAX_TOKENS)
    echo = _opt_bool(body, "echo")
    raw_logprobs = body.get("logprobs")
    logprobs: int | None = None
    if raw_logprobs is not None:
        if not _is_int(raw_logprobs):
            raise _wrong_type("logprobs", raw_logprobs, "u32")
        if not 0 <= raw_logprobs <= 20:
            raise _Invalid(
                invalid_parameter("Invalid logprobs value, the valid range of logprobs is [0, 20]")
            )
        logprobs = int(raw_logprobs)
    if echo and suffix:
        raise _Invalid(invalid_parameter("Invalid echo value, echo is not supported together with suffix"))
    if echo and logprobs is not None:
        raise _Invalid(invalid_parameter("Invalid echo value, echo is not supported together with logprobs"))
    stop = _stop(body)
    _common_sampling(body)
    return FimRequest(
        model=model,
        prompt=prompt,
        suffix=suffix,
        max_tokens=max_tokens,
        echo=echo,
        logprobs=logprobs,
        stop=stop,
        stream=stream,
        include_usage=include_usage,
        user_id=_user_id(body),
    )


def parse_chat(body: Any, *, beta: bool, files: FileLookup | None = None) -> ChatRequest | ApiError:
    """Validate a ``/chat/completions`` body; ``beta`` says whether it came in under ``/beta``, ``files``
    finds the caller's uploaded files by id (``None``: the caller has none)."""
    try:
        return _chat(body, beta, files)
    except _Invalid as invalid:
        return invalid.error


def parse_fim(body: Any) -> FimRequest | ApiError:
    """Validate a ``/beta/completions`` (FIM) body. FIM has no thinking mode: it always runs without it."""
    try:
        return _fim(body)
    except _Invalid as invalid:
        return invalid.error
