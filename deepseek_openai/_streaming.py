"""openai's Stream classes, with DeepSeek's failure modes made explicit, per endpoint.

The base classes already skip ``: keep-alive`` comments. The policies installed here add what they
miss: blank ``data:`` lines are keep-alive noise rather than a ``JSONDecodeError``; an ``event:
error`` in a chat or FIM stream is an error whatever its data holds (openai only looks for an
``error`` key and otherwise hands the event on as a chunk); errors raised while iterating (SSE error
events, dropped connections, timeouts, malformed or wrongly shaped chunks) become DeepSeek
exceptions that are still the openai ones; and a stream that does not end the way its endpoint ends
one is an :class:`IncompleteStreamError`:

- Chat Completions and FIM end with ``data: [DONE]`` (chat API page);
- the Responses API's typed events end with ``response.completed``, ``response.incomplete`` or
  ``response.failed`` and have no ``[DONE]`` (Responses page); anything else is incomplete.

Chunks are yielded one at a time, never buffered.
"""

from __future__ import annotations

import functools
import json
from typing import Any, Final, get_args, get_origin

import openai
from openai import AsyncStream, Stream

from ._errors import (
    TRACE_HEADER,
    DeepSeekConnectionError,
    DeepSeekError,
    DeepSeekStreamError,
    DeepSeekTimeoutError,
    IncompleteStreamError,
    MalformedResponseError,
)
from ._openai_compat import (
    AsyncDeepSeekEventStream,
    AsyncDeepSeekStream,
    DeepSeekEventStream,
    DeepSeekStream,
    ServerSentEvent,
    stream_secret,
)
from ._redact import redact
from ._rules import BodyKind

_DECODE_ERRORS = (json.JSONDecodeError, UnicodeDecodeError, ValueError, TypeError, KeyError)


class _DeepSeekPolicy:
    """Skip blank ``data:`` lines, require ``[DONE]``, and translate what goes wrong."""

    expected = "'data: [DONE]'"

    def keep(self, stream: Any, sse: ServerSentEvent) -> bool:
        data = sse.data
        if sse.event == "error":
            raise _error_event(stream, data)
        if not data or data.isspace():
            return False
        if data.startswith("[DONE]"):
            stream._ds_saw_done = True
        return True

    def error(self, stream: Any, exc: Exception) -> Exception | None:
        if isinstance(exc, DeepSeekError) or not isinstance(exc, (openai.APIError, *_DECODE_ERRORS)):
            return None
        request = stream.response.request
        if isinstance(exc, openai.APITimeoutError):
            translated: Exception = DeepSeekTimeoutError(request, in_stream=True)
        elif isinstance(exc, openai.APIConnectionError):
            translated = DeepSeekConnectionError(request=request, in_stream=True)
        elif isinstance(exc, openai.APIError):
            trace_id = stream.response.headers.get(TRACE_HEADER)
            translated = DeepSeekStreamError(
                exc.message, request, body=exc.body, secret=stream_secret(stream), trace_id=trace_id
            )
            # openai's copy holds the server's text unredacted (the key can be in it), and a printed
            # traceback would show it: do not chain it.
            translated.__cause__ = None
            translated.__suppress_context__ = True
            return translated
        else:
            translated = MalformedResponseError(stream.response, None, detail=f"{type(exc).__name__}: {exc}")
        translated.__cause__ = exc
        return translated

    def end(self, stream: Any) -> None:
        if getattr(stream, "_ds_saw_done", False):
            return
        content_type = stream.response.headers.get("content-type", "")
        if "text/event-stream" not in content_type:
            detail = f"the server answered {content_type or 'no content type'} instead of an event stream"
        else:
            detail = "the connection closed early"
        raise IncompleteStreamError(request=stream.response.request, detail=detail, expected=self.expected)


TERMINAL_EVENTS: Final = ("response.completed", "response.incomplete", "response.failed")
"""The events a Responses stream ends with (Responses page, 2026-09-11)."""
_QUOTED_TERMINALS: Final = tuple(f'"{name}"' for name in TERMINAL_EVENTS)


class _TypedEventPolicy(_DeepSeekPolicy):
    """A Responses stream: complete once a terminal event arrived; ``[DONE]`` means nothing here."""

    expected = " or ".join(TERMINAL_EVENTS)

    def keep(self, stream: Any, sse: ServerSentEvent) -> bool:
        data = sse.data
        if not data or data.isspace():
            return False
        event = sse.event
        if event:
            if event in TERMINAL_EVENTS:
                stream._ds_saw_done = True
        # A server that names no SSE event: the JSON's own type, parsed only on the rare event that
        # mentions a terminal type at all.
        elif any(q in data for q in _QUOTED_TERMINALS) and _event_type(data) in TERMINAL_EVENTS:
            stream._ds_saw_done = True
        return True


def _event_type(data: str) -> object:
    try:
        parsed = json.loads(data)
    except ValueError:
        return None
    return parsed.get("type") if isinstance(parsed, dict) else None


def _error_event(stream: Any, data: str) -> DeepSeekStreamError:
    """The error an ``event: error`` stands for, whatever shape its data has (JSON or not)."""
    try:
        body: Any = json.loads(data) if data.strip() else None
    except ValueError:
        body = data[:500]
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        body = error
    if isinstance(error, str):  # {"error": "quota exceeded"}: the string is the message
        message: object = error
    else:
        message = body.get("message") if isinstance(body, dict) else body
    if not isinstance(message, str) or not message.strip():
        message = "the server sent an error event" + (
            f": {data[:200]}" if data.strip() else " without details"
        )
    secret = stream_secret(stream)
    return DeepSeekStreamError(
        message,
        stream.response.request,
        body=redact(body, secret),
        secret=secret,
        trace_id=stream.response.headers.get(TRACE_HEADER),
    )


DeepSeekStream.policy = AsyncDeepSeekStream.policy = _DeepSeekPolicy()
DeepSeekEventStream.policy = AsyncDeepSeekEventStream.policy = _TypedEventPolicy()

_FAMILIES: Final[dict[BodyKind | None, tuple[Any, Any]]] = {
    None: (DeepSeekStream, AsyncDeepSeekStream),
    "chat": (DeepSeekStream, AsyncDeepSeekStream),
    "fim": (DeepSeekStream, AsyncDeepSeekStream),
    "responses": (DeepSeekEventStream, AsyncDeepSeekEventStream),
}
"""The stream classes (sync, async) per kind of endpoint; ``None``: an endpoint without a body kind."""


@functools.cache
def deepseek_stream_cls(stream_cls: Any, kind: BodyKind | None = None) -> Any:
    """Map ``Stream[X]`` / ``AsyncStream[X]`` (what resources pass) to our subclass for that endpoint."""
    origin = get_origin(stream_cls) or stream_cls
    args = get_args(stream_cls)
    sync, asynchronous = _FAMILIES[kind]
    if origin is Stream:
        return sync[args[0]] if args else sync
    if origin is AsyncStream:
        return asynchronous[args[0]] if args else asynchronous
    return stream_cls
