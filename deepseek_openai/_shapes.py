"""The shapes on the wire: what a successful answer must look like before openai builds a model from
it (per endpoint), and what a request body must be to be sent at all.

openai builds response models without validating them: a 200 whose JSON is ``null`` comes back from
``create()`` as ``None``, a list as a list, ``{"choices": null}`` as a half-built object, and the
failure surfaces later as an ``AttributeError`` far from its cause (in a helper, in the CLI, in the
user's code). The client's ``_ds_check_data`` hook calls :func:`problem` on every decoded body and
every stream chunk first; a wrong shape becomes a ``MalformedResponseError`` that says where.

Each check is chosen by the type openai is about to build (spec section 7 for chat and chunks,
section 8 for FIM, section 3 for ``/models``), so a body is judged by its own endpoint's shape: a
Responses stream event is never judged as a chat chunk. A model type without a row of its own only
has to be a JSON object. The checks look at containers and the text fields helpers read (never at
values the API may extend), and cost a few dict lookups per chunk.

Requests: a body holding bytes, ``NaN``, a set or an arbitrary object cannot be encoded as JSON, and
openai's encoder fails with a bare ``TypeError`` / ``ValueError``. :func:`unsendable` finds the first
such value and says where; the client calls it only once encoding has failed, so a good body costs
nothing.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any, Final

import pydantic
from openai.pagination import AsyncCursorPage, AsyncPage, SyncCursorPage, SyncPage
from openai.types import Completion, Model
from openai.types.chat import ChatCompletion, ChatCompletionChunk

Check = Callable[[Any], "str | None"]


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _expected(path: str, value: object, expected: str) -> str:
    return f"{path} is {_kind(value)}, expected {expected}"


def _object(data: Any) -> str | None:
    """Any model: the body must be a JSON object."""
    if type(data) is not dict:
        return _expected("it", data, "a JSON object")
    return None


def _text(container: dict[str, Any], key: str, path: str) -> str | None:
    value = container.get(key)
    if value is not None and type(value) is not str:
        return _expected(f"{path}.{key}", value, "a string or null")
    return None


def _tool_calls(container: dict[str, Any], path: str) -> str | None:
    calls = container.get("tool_calls")
    if calls is None:
        return None
    if type(calls) is not list:
        return _expected(f"{path}.tool_calls", calls, "a list or null")
    for j, call in enumerate(calls):
        if type(call) is not dict:
            return _expected(f"{path}.tool_calls[{j}]", call, "an object")
        function = call.get("function")
        if function is not None and type(function) is not dict:
            return _expected(f"{path}.tool_calls[{j}].function", function, "an object")
    return None


def _message(message: Any, path: str) -> str | None:
    if type(message) is not dict:
        return _expected(path, message, "an object")
    return (
        _text(message, "content", path)
        or _text(message, "reasoning_content", path)
        or _tool_calls(message, path)
    )


def _usage(data: dict[str, Any]) -> str | None:
    usage = data.get("usage")
    if usage is not None and type(usage) is not dict:
        return _expected("usage", usage, "an object or null")
    return None


def _choices(data: Any, each: Callable[[dict[str, Any], str], str | None]) -> str | None:
    if type(data) is not dict:
        return _expected("it", data, "a JSON object")
    choices = data.get("choices")
    if type(choices) is not list:
        return _expected("choices", choices, "a list")
    for i, choice in enumerate(choices):
        path = f"choices[{i}]"
        if type(choice) is not dict:
            return _expected(path, choice, "an object")
        found = each(choice, path)
        if found is not None:
            return found
    return _usage(data)


def chat_completion(data: Any) -> str | None:
    """``chat.completion``: choices with a message each (spec section 7)."""
    return _choices(data, lambda choice, path: _message(choice.get("message"), f"{path}.message"))


def chat_chunk(data: Any) -> str | None:
    """``chat.completion.chunk``: choices (``[]`` on the usage chunk) with a delta each (spec section 7).

    The hot path of every stream: a well-formed chunk is recognised inline, in a few dict lookups;
    anything else goes through the checks that say what is wrong.
    """
    if type(data) is dict:
        choices = data.get("choices")
        if type(choices) is list:
            for choice in choices:
                delta = choice.get("delta") if type(choice) is dict else None
                if (
                    type(delta) is not dict
                    or type(delta.get("content", "")) not in _TEXT
                    or type(delta.get("reasoning_content", "")) not in _TEXT
                    or delta.get("tool_calls") is not None
                ):
                    break
            else:
                if type(data.get("usage")) in _OBJECT:
                    return None
    return _choices(data, lambda choice, path: _message(choice.get("delta"), f"{path}.delta"))


_TEXT: Final = frozenset({str, type(None)})
_OBJECT: Final = frozenset({dict, type(None)})


def fim_completion(data: Any) -> str | None:
    """``text_completion`` (FIM, body and stream chunk alike): choices with a text each (spec section 8)."""
    return _choices(
        data,
        lambda choice, path: (
            None
            if type(choice.get("text")) is str
            else _expected(f"{path}.text", choice.get("text"), "a string")
        ),
    )


def model(data: Any) -> str | None:
    """A ``/models`` entry: an object with a string id (spec section 3)."""
    if type(data) is not dict:
        return _expected("it", data, "a JSON object")
    if type(data.get("id")) is not str:
        return _expected("id", data.get("id"), "a string")
    return None


def _page(item: Check | None) -> Check:
    def check(data: Any) -> str | None:
        if type(data) is not dict:
            return _expected("it", data, "a JSON object")
        items = data.get("data")
        if type(items) is not list:
            return _expected("data", items, "a list")
        for i, entry in enumerate(items):
            if type(entry) is not dict:
                return _expected(f"data[{i}]", entry, "an object")
            found = item(entry) if item is not None else None
            if found is not None:
                return f"data[{i}].{found}"
        return None

    return check


_ROWS: Final[tuple[tuple[type[Any], Check], ...]] = (
    (ChatCompletionChunk, chat_chunk),
    (ChatCompletion, chat_completion),
    (Completion, fim_completion),
    (Model, model),
)
"""Endpoint shapes, by the type openai builds (subclasses too: ``parse()`` builds a subclass)."""

_PAGES: Final = (SyncPage, AsyncPage, SyncCursorPage, AsyncCursorPage)

_CACHE: dict[Any, Check | None] = {}


def _check_for(cast_to: Any) -> Check | None:
    if not isinstance(cast_to, type):
        return None  # unions (Responses stream events), object, dict: nothing to say
    for row, check in _ROWS:
        if issubclass(cast_to, row):
            return check
    if issubclass(cast_to, _PAGES):
        args = getattr(cast_to, "__pydantic_generic_metadata__", {}).get("args") or ()
        item = _check_for(args[0]) if args else None
        return _page(item if item is not _object else None)
    if issubclass(cast_to, pydantic.BaseModel):
        return _object
    return None


def problem(data: Any, cast_to: Any) -> str | None:
    """What is wrong with ``data`` as the JSON of a ``cast_to`` (``None``: nothing is)."""
    try:
        check = _CACHE[cast_to]
    except KeyError:
        check = _CACHE[cast_to] = _check_for(cast_to)
    except TypeError:  # an unhashable type expression
        check = _check_for(cast_to)
    return None if check is None else check(data)


def is_chunk(cast_to: Any) -> bool:
    """Whether ``cast_to`` is only ever built from stream chunks (for the error's wording)."""
    return isinstance(cast_to, type) and issubclass(cast_to, ChatCompletionChunk)


# --------------------------------------------------------------------------------------------
# Requests


_SENDABLE: Final = (str, int, bool, type(None), dt.date, dt.datetime, pydantic.BaseModel)
"""Values openai's JSON encoder takes as they are (dates as ISO strings, models dumped)."""


Unsendable = tuple[str, str, str]
"""``(where, what, kind)``: ``messages[0].content[1]``, ``bytes (JSON has no bytes)``, ``bytes``."""


def unsendable(body: Any) -> Unsendable | None:
    """Where and what the first value in ``body`` that JSON cannot carry is, or ``None``.

    Walks the body without recursion (a deeply nested body must not overflow the stack here).
    ``kind`` is one of ``bytes``, ``number``, ``key``, ``text``, ``type``.
    """
    stack: list[tuple[str, Any]] = [("", body)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, dict):
            for key, item in reversed(value.items()):
                found = _bad_key(key)
                if found is not None:
                    return (where or "the body", *found)
                stack.append((f"{where}.{key}" if where else str(key), item))
        elif isinstance(value, list | tuple):
            stack.extend((f"{where}[{i}]", value[i]) for i in range(len(value) - 1, -1, -1))
        else:
            found = _bad_leaf(value)
            if found is not None:
                return (where or "the body", *found)
    return None


def _bad_key(key: object) -> tuple[str, str] | None:
    if not isinstance(key, str | int | float | bool | type(None)):
        return f"a dict with a {type(key).__name__} key", "key"
    if isinstance(key, str) and not key.isascii() and not _encodable(key):
        return "a dict with a key holding a lone surrogate", "text"
    return None


def _bad_leaf(value: object) -> tuple[str, str] | None:
    if isinstance(value, str):
        if not value.isascii() and not _encodable(value):
            return "a string with a lone surrogate (not valid Unicode)", "text"
        return None
    if isinstance(value, float):
        return (
            None if math.isfinite(value) else (f"the float {value!r} (JSON has no NaN or Infinity)", "number")
        )
    if isinstance(value, _SENDABLE):
        return None
    if isinstance(value, bytes | bytearray):
        return "bytes (JSON has no bytes)", "bytes"
    return f"a value of type {type(value).__name__}", "type"


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
