"""JSON mode done safely: ``response_format={"type": "json_object"}``, checked, parsed, retried.

DeepSeek's JSON mode has three documented traps: the prompt must mention "json" (and show the
shape) or the model may emit whitespace until ``max_tokens``; the content can come back empty
or whitespace-only; ``finish_reason == "length"`` means the JSON is cut off. :func:`json_complete`
checks the first before sending, turns the others into a :class:`JSONModeError` that carries the
completion, and can re-send on empty content. It is also the replacement for
``.parse(response_format=Model)``, which DeepSeek rejects (no ``json_schema``): pass ``into=Model``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar, overload

from openai.types.chat import ChatCompletion
from pydantic import TypeAdapter, ValidationError

from ._catalogue import CHAT_API_PAGE
from ._client import AsyncDeepSeek, DeepSeek, require_async, require_sync
from ._errors import DeepSeekError, DeepSeekRequestError

T = TypeVar("T")

JSONFailure = Literal["empty", "truncated", "invalid", "schema"]


class JSONModeError(DeepSeekError, ValueError):
    """The JSON-mode answer could not be used: empty, truncated, not JSON, or not the expected shape.

    ``reason`` says which; ``completion`` is the last response (for its usage, id and content),
    ``attempts`` how many requests were sent.
    """

    def __init__(
        self, reason: JSONFailure, *, completion: ChatCompletion, attempts: int, detail: str = ""
    ) -> None:
        self.reason: JSONFailure = reason
        self.completion = completion
        self.attempts = attempts
        choice = completion.choices[0] if completion.choices else None
        self.content: str | None = choice.message.content if choice else None
        self.finish_reason: str | None = choice.finish_reason if choice else None
        what, why, fix = _EXPLAIN[reason]
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        extra = f" ({detail})" if detail else ""
        super().__init__(f"{what}{tries}{extra}. Why: {why}. Fix: {fix}")


_EXPLAIN: dict[str, tuple[str, str, str]] = {
    "empty": (
        "JSON mode returned empty or whitespace-only content",
        "DeepSeek's JSON mode sometimes answers blank, especially when the prompt does not show the "
        "expected JSON shape",
        "show an example of the JSON in the prompt, and pass retries=1 or 2 to re-send on blank answers",
    ),
    "truncated": (
        "JSON mode stopped at max_tokens (finish_reason 'length'), so the JSON is cut off",
        "max_tokens covers the reasoning and the answer together",
        "raise max_tokens, turn thinking off for this call, or ask for a smaller object",
    ),
    "invalid": (
        "JSON mode returned content that is not valid JSON",
        "the model's output did not parse",
        "show the exact JSON shape in the prompt; the raw text is in .content",
    ),
    "schema": (
        "JSON mode returned JSON that does not match the requested type",
        "the parsed value failed validation against `into`",
        "describe every field of the type in the prompt; the parsed JSON is in .content",
    ),
}


@dataclass(frozen=True, slots=True)
class JSONResult(Generic[T]):
    """The parsed JSON (``value``), the completion it came from, and how many requests it took."""

    value: T
    completion: ChatCompletion
    attempts: int = 1

    @property
    def usage(self) -> Any:
        """The completion's usage (pass it to ``usage_summary`` / ``estimate_cost``)."""
        return self.completion.usage


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, Iterable) and not isinstance(content, bytes | Mapping):
        return " ".join(
            str(part.get("text", ""))
            for part in content
            if isinstance(part, Mapping) and part.get("type") == "text"
        )
    return ""


def _prompt_mentions_json(messages: list[Any]) -> bool:
    for message in messages:
        if (
            isinstance(message, Mapping)
            and message.get("role") in ("system", "user", "developer")
            and "json" in _text(message.get("content")).lower()
        ):
            return True
    return False


def _json_request(
    client: DeepSeek | AsyncDeepSeek, messages: Any, retries: int, model: str | None, kwargs: dict[str, Any]
) -> dict[str, Any]:
    if not isinstance(retries, int) or isinstance(retries, bool) or retries < 0:
        raise DeepSeekRequestError(
            f"retries={retries!r}",
            why="retries is how many times to re-send after a blank answer",
            fix="pass a whole number >= 0 (1 or 2 is plenty)",
            param="retries",
        )
    if kwargs.get("stream"):
        raise DeepSeekRequestError(
            "json_complete() with stream=True",
            why="the JSON can only be parsed and checked once it is complete",
            fix="call without stream, or stream with iter_events() and json.loads(events.final.content)",
            param="stream",
        )
    rf = kwargs.pop("response_format", None)
    if rf is not None and not (isinstance(rf, Mapping) and rf.get("type") == "json_object"):
        raise DeepSeekRequestError(
            f"response_format={rf!r} was passed to json_complete()",
            why="json_complete sets response_format={'type': 'json_object'} itself; DeepSeek has no "
            "json_schema",
            fix="leave response_format out (use into=YourModel to validate the shape)",
            source=CHAT_API_PAGE,
            param="response_format",
        )
    history = list(messages)
    if not _prompt_mentions_json(history):
        raise DeepSeekRequestError(
            "none of the system or user messages mention JSON",
            why="DeepSeek's JSON mode needs the word 'json' in the prompt (with an example of the shape); "
            "without it the model may emit whitespace until max_tokens",
            fix='add e.g. \'Answer in JSON like {"name": "...", "age": 0}\' to the system message',
            source=CHAT_API_PAGE,
            param="messages",
        )
    return {
        "model": model or client.settings.model,
        "messages": history,
        "response_format": {"type": "json_object"},
        **kwargs,
    }


def _parse(completion: ChatCompletion, attempts: int, adapter: TypeAdapter[Any] | None) -> Any:
    """The parsed value, or the failure reason when a retry may help ("empty")."""
    choice = completion.choices[0] if completion.choices else None
    content = choice.message.content if choice else None
    if content is None or not content.strip():
        raise JSONModeError("empty", completion=completion, attempts=attempts)
    if choice is not None and choice.finish_reason == "length":
        raise JSONModeError("truncated", completion=completion, attempts=attempts)
    try:
        value = json.loads(content)
    except json.JSONDecodeError as exc:
        raise JSONModeError("invalid", completion=completion, attempts=attempts, detail=str(exc)) from None
    if adapter is None:
        return value
    try:
        return adapter.validate_python(value)
    except ValidationError as exc:
        detail = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}" for err in exc.errors()[:5]
        )
        raise JSONModeError("schema", completion=completion, attempts=attempts, detail=detail) from None


_WHY_CLIENT = "it reads the client's settings.model and relies on its DeepSeek request pipeline"


@overload
def json_complete(
    client: DeepSeek,
    messages: Iterable[Any],
    *,
    into: type[T],
    retries: int = 0,
    model: str | None = None,
    **kwargs: Any,
) -> JSONResult[T]: ...


@overload
def json_complete(
    client: DeepSeek,
    messages: Iterable[Any],
    *,
    into: None = None,
    retries: int = 0,
    model: str | None = None,
    **kwargs: Any,
) -> JSONResult[Any]: ...


def json_complete(
    client: DeepSeek,
    messages: Iterable[Any],
    *,
    into: type[T] | None = None,
    retries: int = 0,
    model: str | None = None,
    **kwargs: Any,
) -> JSONResult[Any]:
    """Ask for a JSON object and return it parsed: ``json_complete(client, messages).value``.

    Checks before sending that a system or user message mentions "json". Raises
    :class:`JSONModeError` when the answer is empty / whitespace-only (re-sent up to ``retries``
    times first), cut off (``finish_reason`` ``length``), not JSON, or (with ``into=``, any type
    pydantic validates, e.g. a ``BaseModel`` or ``list[int]``) not of that type. Other keywords go
    to ``chat.completions.create``; ``model`` defaults to the client's ``settings.model``.
    """
    client = require_sync(client, "json_complete", _WHY_CLIENT)
    request = _json_request(client, messages, retries, model, kwargs)
    adapter = TypeAdapter(into) if into is not None else None
    attempt = 0
    while True:
        attempt += 1
        completion = client.chat.completions.create(**request)
        try:
            return JSONResult(_parse(completion, attempt, adapter), completion, attempt)
        except JSONModeError as err:
            if err.reason != "empty" or attempt > retries:
                raise


@overload
async def ajson_complete(
    client: AsyncDeepSeek,
    messages: Iterable[Any],
    *,
    into: type[T],
    retries: int = 0,
    model: str | None = None,
    **kwargs: Any,
) -> JSONResult[T]: ...


@overload
async def ajson_complete(
    client: AsyncDeepSeek,
    messages: Iterable[Any],
    *,
    into: None = None,
    retries: int = 0,
    model: str | None = None,
    **kwargs: Any,
) -> JSONResult[Any]: ...


async def ajson_complete(
    client: AsyncDeepSeek,
    messages: Iterable[Any],
    *,
    into: type[T] | None = None,
    retries: int = 0,
    model: str | None = None,
    **kwargs: Any,
) -> JSONResult[Any]:
    """The async twin of :func:`json_complete`."""
    client = require_async(client, "ajson_complete", _WHY_CLIENT)
    request = _json_request(client, messages, retries, model, kwargs)
    adapter = TypeAdapter(into) if into is not None else None
    attempt = 0
    while True:
        attempt += 1
        completion = await client.chat.completions.create(**request)
        try:
            return JSONResult(_parse(completion, attempt, adapter), completion, attempt)
        except JSONModeError as err:
            if err.reason != "empty" or attempt > retries:
                raise
