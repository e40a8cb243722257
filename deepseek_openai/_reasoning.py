"""Reasoning helpers: read ``reasoning_content``, turn chat streams into typed events, build history.

DeepSeek puts the model's reasoning in ``reasoning_content``, a field the openai types do not
declare (it lives in pydantic's extras). Three things go wrong in practice, and these helpers
cover them:

- reading it: :func:`get_reasoning` works on completions, choices, messages, chunks, deltas and
  dicts, and on Responses API ``Response`` objects (their ``reasoning`` items), and keeps ``None``
  (not thinking) apart from ``""`` (thinking, nothing said yet);
- streaming it: :func:`iter_events` / :func:`aiter_events` yield typed events chunk by chunk, from
  a chat stream or a Responses stream alike, and end with the accumulated :class:`FinalMessage`
  (the first delta is often ``reasoning_content: ""``, which truthiness-based parsers drop);
- sending it back: :func:`to_message` builds the assistant dict for the next request with
  ``reasoning_content`` kept, which DeepSeek requires when tools are used while thinking.

The stream adapters never buffer the stream and never change it: iterating the SDK stream
directly behaves exactly as before.
"""

from __future__ import annotations

from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Callable,
    Generator,
    Iterable,
    Iterator,
    Mapping,
)
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Final, TypeAlias

import httpx2
from openai.types.chat import ChatCompletionChunk

# Message fields that are worth sending back; the rest of a response message is OpenAI-only
# (refusal, audio, annotations, function_call) or belongs to other providers.
_MESSAGE_FIELDS: Final = ("role", "content", "name", "reasoning_content", "tool_calls")
_DROPPED_FIELDS: Final = frozenset(
    {"refusal", "audio", "annotations", "function_call", "parsed", "thinking_blocks", "signature"}
)


# --------------------------------------------------------------------------------------------
# Events (the per-chunk ones are plain slots dataclasses, not frozen: they are made once per chunk
# and a frozen __init__ costs twice as much)


@dataclass(slots=True)
class ReasoningDelta:
    """A piece of the model's reasoning (never empty; empty pieces only reach the final message)."""

    text: str


@dataclass(slots=True)
class ContentDelta:
    """A piece of the answer (never empty)."""

    text: str


@dataclass(slots=True)
class ToolCallDelta:
    """A piece of a tool call: the first piece of each call carries ``id`` and ``name``."""

    index: int
    id: str | None
    name: str | None
    arguments: str | None


@dataclass(slots=True)
class UsageEvent:
    """Token usage, sent on the last chunk when ``stream_options={"include_usage": True}``."""

    usage: Any
    """The usage object as the stream gave it (an ``openai.types.CompletionUsage``, or a dict)."""

    @property
    def summary(self) -> Any:
        """The :class:`deepseek_openai.usage.UsageSummary` of this usage (cache hits, reasoning)."""
        from ._usage import usage_summary

        return usage_summary(self.usage)


@dataclass(slots=True)
class Finish:
    """The choice finished: ``stop``, ``length``, ``tool_calls``, ``content_filter``, ..."""

    reason: str


@dataclass(frozen=True, slots=True)
class FunctionCall:
    """A tool call's function, shaped like openai's so ``call.function.name`` reads the same."""

    name: str
    arguments: str


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A tool call merged from its stream pieces."""

    id: str
    function: FunctionCall
    type: str = "function"
    index: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The dict form the API takes in an assistant message."""
        return {
            "id": self.id,
            "type": self.type,
            "function": {"name": self.function.name, "arguments": self.function.arguments},
        }


@dataclass(frozen=True, slots=True)
class FinalMessage:
    """The accumulated assistant message of a stream: the last event :func:`iter_events` yields.

    ``content`` / ``reasoning_content`` are ``None`` when the stream never carried the field and
    ``""`` when it carried only empty pieces, as in a non-streamed message.
    """

    content: str | None
    reasoning_content: str | None
    tool_calls: tuple[ToolCall, ...]
    finish_reason: str | None
    usage: Any
    """The stream's usage object (``None`` without ``include_usage``)."""
    id: str | None = None
    model: str | None = None
    created: int | None = None
    role: str = "assistant"
    response: Any = None
    """A Responses stream's final ``Response`` (from its terminal event); ``None`` for chat streams."""

    def to_message(self) -> dict[str, Any]:
        """The assistant dict to append to the history (see :func:`to_message`)."""
        return to_message(self)


StreamEvent: TypeAlias = ReasoningDelta | ContentDelta | ToolCallDelta | UsageEvent | Finish | FinalMessage
"""Everything :func:`iter_events` yields; match on the class."""


# --------------------------------------------------------------------------------------------
# Stream adapters


class _Accumulator:
    """What the stream has said so far. Lists are appended to in the hot loop, joined at the end."""

    __slots__ = (
        "content",
        "created",
        "finish_reason",
        "id",
        "model",
        "outputs",
        "reasoning",
        "response",
        "tools",
        "usage",
    )

    def __init__(self) -> None:
        self.content: list[str] | None = None
        self.reasoning: list[str] | None = None
        self.tools: dict[int, list[Any]] = {}  # index -> [id, type, name, [argument pieces]]
        self.finish_reason: str | None = None
        self.usage: Any = None
        self.id: str | None = None
        self.model: str | None = None
        self.created: int | None = None
        self.outputs: dict[Any, int] = {}  # Responses streams: output_index -> tool-call index
        self.response: Any = None  # Responses streams: the final Response

    def tool_piece(self, index: int, call_id: str | None, kind: str | None, fn: Any) -> ToolCallDelta:
        if fn is None:
            name = arguments = None
        elif type(fn) is dict:
            name, arguments = fn.get("name"), fn.get("arguments")
        else:
            name, arguments = fn.name, fn.arguments
        slot = self.tools.get(index)
        if slot is None:
            slot = self.tools[index] = [call_id, kind, name, []]
        else:
            if call_id and not slot[0]:
                slot[0] = call_id
            if kind and not slot[1]:
                slot[1] = kind
            if name and not slot[2]:
                slot[2] = name
        if arguments:
            slot[3].append(arguments)
        return ToolCallDelta(index, call_id, name, arguments)

    def message(self) -> FinalMessage:
        calls = tuple(
            ToolCall(
                id=slot[0] or "",
                function=FunctionCall(slot[2] or "", "".join(slot[3])),
                type=slot[1] or "function",
                index=index,
            )
            for index, slot in sorted(self.tools.items())
        )
        return FinalMessage(
            content=None if self.content is None else "".join(self.content),
            reasoning_content=None if self.reasoning is None else "".join(self.reasoning),
            tool_calls=calls,
            finish_reason=self.finish_reason,
            usage=self.usage,
            id=self.id,
            model=self.model,
            created=self.created,
            response=self.response,
        )


def _as_chunk(chunk: Any) -> Any:
    """Dict chunks (recorded streams) become openai chunk objects; extras such as reasoning stay."""
    if isinstance(chunk, Mapping):
        return ChatCompletionChunk.construct(**chunk)
    return chunk


def _chunk_events(acc: _Accumulator, raw: Any) -> Iterator[StreamEvent]:  # noqa: PLR0912
    """The events of one chunk, recorded into ``acc``; the one loop body of the sync and async adapters.

    The hot path: plain attribute reads, no model_dump, one small object per event.
    """
    chunk = _as_chunk(raw) if type(raw) is dict else raw
    if acc.id is None:
        acc.id, acc.model, acc.created = chunk.id, chunk.model, chunk.created
    for choice in chunk.choices:
        delta = choice.delta
        extra = delta.__pydantic_extra__
        if extra:
            text = extra.get("reasoning_content")
            if text is not None:
                if acc.reasoning is None:
                    acc.reasoning = []
                acc.reasoning.append(text)
                if text:
                    yield ReasoningDelta(text)
        text = delta.content
        if text is not None:
            if acc.content is None:
                acc.content = []
            acc.content.append(text)
            if text:
                yield ContentDelta(text)
        calls = delta.tool_calls
        if calls:
            for call in calls:
                yield acc.tool_piece(call.index, call.id, call.type, call.function)
        reason = choice.finish_reason
        if reason is not None:
            acc.finish_reason = reason
            yield Finish(reason)
    usage = chunk.usage
    if usage is not None:
        acc.usage = usage
        yield UsageEvent(usage)


_CHUNK_ERRORS: Final = (AttributeError, TypeError, KeyError)
"""What reading a wrongly shaped chunk raises (``choices: null``, ``delta: null``, ``data: []``...)."""


def _malformed_chunk(stream: Any, raw: Any, exc: Exception) -> Exception:
    """The error for a chunk the adapter cannot read: a MalformedResponseError when the stream has an
    HTTP response (a plain openai stream; DeepSeek's own streams refuse such chunks before this),
    a ValueError for chunks that did not come over HTTP (recorded dicts)."""
    from ._errors import MalformedResponseError
    from ._shapes import chat_chunk

    data = raw if isinstance(raw, Mapping | list) or raw is None else _dump(raw)
    found = chat_chunk(data) or f"{type(exc).__name__}: {exc}"
    response = getattr(stream, "response", None)
    if isinstance(response, httpx2.Response):
        return MalformedResponseError(response, None, detail=f"a stream chunk has the wrong shape: {found}")
    return ValueError(
        f"iter_events() got a chunk it cannot read ({found}). Why: a chat stream chunk is an object "
        "with a list of choices, each with a delta object. Fix: pass the stream returned by "
        "client.chat.completions.create(..., stream=True), or chunks of that shape."
    )


def _dump(raw: Any) -> Any:
    dump = getattr(raw, "model_dump", None)
    if not callable(dump):
        return raw
    try:
        return dump(warnings=False)
    except Exception:  # a half-built model may not even dump
        return raw


_PerItem: TypeAlias = Callable[[_Accumulator, Any], Iterator[StreamEvent]]


def _per_item(first: Any) -> _PerItem:
    """The per-item function for a stream, chosen from its first item: chat chunks or Responses events."""
    from ._responses import is_response_event, response_stream_events

    return response_stream_events if is_response_event(first) else _chunk_events


class _EventsBase:
    __slots__ = ("_acc", "_final", "_stream")

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._acc = _Accumulator()
        self._final: FinalMessage | None = None

    @property
    def final(self) -> FinalMessage:
        """The accumulated message; available once the stream has ended (also the last event)."""
        if self._final is None:
            raise RuntimeError(
                "The stream has not ended yet, so there is no final message. Fix: iterate the events to "
                "the end first, or use .snapshot() for what has arrived so far."
            )
        return self._final

    def snapshot(self) -> FinalMessage:
        """What has arrived so far as a message (e.g. to show a partial answer after a failure)."""
        return self._final if self._final is not None else self._acc.message()


class StreamEvents(_EventsBase):
    """Typed events over a sync chat stream; see :func:`iter_events`."""

    __slots__ = ("_gen",)

    def __init__(self, stream: Iterable[Any]) -> None:
        super().__init__(stream)
        self._gen = self._events()

    def __iter__(self) -> Iterator[StreamEvent]:
        return self._gen

    def __next__(self) -> StreamEvent:
        return next(self._gen)

    def close(self) -> None:
        """Stop reading and close the underlying stream (releases the connection)."""
        self._gen.close()
        close = getattr(self._stream, "close", None)
        if callable(close):
            close()

    def __enter__(self) -> StreamEvents:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _events(self) -> Generator[StreamEvent, None, None]:
        acc = self._acc
        stream = self._stream
        events: _PerItem | None = None
        for raw in stream:
            if events is None:
                events = _per_item(raw)
            try:
                yield from events(acc, raw)
            except _CHUNK_ERRORS as exc:
                if events is not _chunk_events:
                    raise
                raise _malformed_chunk(stream, raw, exc) from exc
        self._final = final = acc.message()
        yield final


class AsyncStreamEvents(_EventsBase):
    """Typed events over an async chat stream; see :func:`aiter_events`."""

    __slots__ = ("_gen",)

    def __init__(self, stream: AsyncIterable[Any]) -> None:
        super().__init__(stream)
        self._gen = self._events()

    def __aiter__(self) -> AsyncIterator[StreamEvent]:
        return self._gen

    async def __anext__(self) -> StreamEvent:
        return await self._gen.__anext__()

    async def aclose(self) -> None:
        """Stop reading and close the underlying stream (releases the connection)."""
        await self._gen.aclose()
        close = getattr(self._stream, "close", None)
        if callable(close):
            result = close()
            if hasattr(result, "__await__"):
                await result

    async def __aenter__(self) -> AsyncStreamEvents:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def _events(self) -> AsyncGenerator[StreamEvent, None]:
        acc = self._acc
        stream = self._stream
        events: _PerItem | None = None
        async for raw in stream:
            if events is None:
                events = _per_item(raw)
            try:
                for event in events(acc, raw):
                    yield event
            except _CHUNK_ERRORS as exc:
                if events is not _chunk_events:
                    raise
                raise _malformed_chunk(stream, raw, exc) from exc
        self._final = final = acc.message()
        yield final


def iter_events(stream: Iterable[Any]) -> StreamEvents:
    """Typed events from a sync chat or Responses stream (``openai.Stream``, the DeepSeek stream,
    ``client.responses.stream(...)``, or dict chunks / events).

    Yields :class:`ReasoningDelta`, :class:`ContentDelta`, :class:`ToolCallDelta`,
    :class:`UsageEvent` and :class:`Finish` as chunks arrive, then one :class:`FinalMessage`
    (also kept as ``.final``). A Responses stream gives the same events (``Finish`` reads ``stop``,
    ``tool_calls``, ``length``, ``content_filter`` or ``failed``; the final message keeps the
    ``Response`` for :func:`deepseek_openai.to_input_items`)::

        events = iter_events(client.chat.completions.create(..., stream=True))
        for event in events:
            match event:
                case ReasoningDelta(text=t): show_thinking(t)
                case ContentDelta(text=t): show_answer(t)
        messages.append(to_message(events.final))

    Use ``with iter_events(stream) as events:`` to close the connection if you stop early.
    """
    return StreamEvents(stream)


def aiter_events(stream: AsyncIterable[Any]) -> AsyncStreamEvents:
    """The async twin of :func:`iter_events` (``async for event in aiter_events(stream)``)."""
    return AsyncStreamEvents(stream)


# --------------------------------------------------------------------------------------------
# Reading reasoning and building history


def _first_choice(obj: Any) -> Any:
    """The first choice of a completion or chunk, ``None`` when it has none, or ``obj`` itself."""
    choices: Any = (
        obj.get("choices", _MISSING) if isinstance(obj, Mapping) else getattr(obj, "choices", _MISSING)
    )
    if choices is _MISSING:
        return obj
    if not choices:
        return None
    return choices[0]


def _inner_message(obj: Any) -> Any:
    """A choice's message (or delta); anything else is returned unchanged."""
    if isinstance(obj, Mapping):
        if "message" in obj:
            return obj["message"]
        if "delta" in obj:
            return obj["delta"]
        return obj
    for name in ("message", "delta"):
        inner = getattr(obj, name, None)
        if inner is not None and not isinstance(inner, str):
            return inner
    return obj


_MISSING: Final = object()


def _check_readable(obj: Any, func: str) -> None:
    if isinstance(obj, str | bytes | int | float | bool) or obj is None:
        raise TypeError(
            f"{func}() got {type(obj).__name__}. Why: it reads a chat completion, a choice, a message, a "
            "stream chunk or delta, a FinalMessage or their dict forms. Fix: pass the response object "
            "(e.g. the value returned by client.chat.completions.create)."
        )


def get_reasoning(obj: Any) -> str | None:
    """The ``reasoning_content`` of a completion (first choice), choice, message, chunk, delta or dict,
    or the reasoning text of a Responses API ``Response`` (its ``reasoning`` items) or reasoning item.

    ``None`` means the response had no reasoning (thinking off); ``""`` means thinking was on but
    nothing was said (or, for a delta, not yet). The two are kept apart on purpose: an empty
    reasoning must still be sent back when tools are used.
    """
    if isinstance(obj, FinalMessage):
        return obj.reasoning_content
    _check_readable(obj, "get_reasoning")
    from ._responses import is_response, response_reasoning

    if is_response(obj) or _field(obj, "type") == "reasoning":
        return response_reasoning(obj)
    choice = _first_choice(obj)
    if choice is None:
        return None
    message = _inner_message(choice)
    if isinstance(message, Mapping):
        value = message.get("reasoning_content")
    else:
        extra = getattr(message, "__pydantic_extra__", None)
        value = extra.get("reasoning_content") if extra else getattr(message, "reasoning_content", None)
    return value if isinstance(value, str) else None


def _field(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name, None)


def _responses_to_message() -> TypeError:
    return TypeError(
        "to_message() got a Responses API response. Why: it builds a Chat Completions assistant message; "
        "the Responses API takes input items instead. Fix: use deepseek_openai.to_input_items(response), "
        "which keeps the reasoning items and function calls."
    )


def _tool_call_dict(call: Any) -> Any:
    if isinstance(call, ToolCall):
        return call.to_dict()
    if isinstance(call, Mapping):
        return {k: v for k, v in call.items() if v is not None and k != "index"}
    fn = getattr(call, "function", None)
    if fn is not None:
        return {
            "id": call.id,
            "type": getattr(call, "type", None) or "function",
            "function": {"name": fn.name, "arguments": fn.arguments},
        }
    dump = getattr(call, "model_dump", None)
    return dump(exclude_none=True) if callable(dump) else call


def _final_message(obj: FinalMessage) -> dict[str, Any]:
    if obj.response is not None:
        raise _responses_to_message()
    out: dict[str, Any] = {"role": obj.role}
    if obj.content is not None:
        out["content"] = obj.content
    if obj.reasoning_content is not None:
        out["reasoning_content"] = obj.reasoning_content
    if obj.tool_calls:
        out["tool_calls"] = [call.to_dict() for call in obj.tool_calls]
    return out


def to_message(obj: Any) -> dict[str, Any]:
    """The assistant message dict to append to ``messages`` for the next request.

    Takes a response message, a completion (its first choice), a choice, a :class:`FinalMessage`
    or a dict. ``None`` fields are left out, ``reasoning_content`` is kept (also when ``""``),
    ``tool_calls`` become plain dicts, and OpenAI-only fields (``refusal``, ``audio``,
    ``annotations``) are dropped.
    """
    if isinstance(obj, FinalMessage):
        return _final_message(obj)
    _check_readable(obj, "to_message")
    if _field(obj, "object") == "response":
        raise _responses_to_message()
    choice = _first_choice(obj)
    if choice is None:
        raise ValueError(
            "to_message() got a response without choices. Why: there is no message to send back. "
            "Fix: check the response (finish_reason, errors) before appending it to the history."
        )
    message = _inner_message(choice)
    if isinstance(message, Mapping):
        source: Mapping[str, Any] = message
        out = {k: v for k, v in source.items() if v is not None and k not in _DROPPED_FIELDS}
    else:
        out = {}
        # reasoning_content is an extra on openai's models, but a declared field (or a plain
        # attribute) on other message objects: read it where get_reasoning() finds it.
        extra = getattr(message, "__pydantic_extra__", None) or {}
        for name in _MESSAGE_FIELDS:
            value = extra[name] if name in extra else getattr(message, name, None)
            if value is not None:
                out[name] = value
    out.setdefault("role", "assistant")
    calls = out.get("tool_calls")
    if calls is not None:
        if calls:
            out["tool_calls"] = [_tool_call_dict(call) for call in calls]
        else:
            del out["tool_calls"]
    return out
