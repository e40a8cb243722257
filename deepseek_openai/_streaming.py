"""openai's Stream classes, with DeepSeek's failure modes made explicit.

The base classes already skip ``: keep-alive`` comments. These subclasses add what they miss:
a stream that ends without ``data: [DONE]`` is an error (DeepSeek's rule), blank ``data:`` lines
are keep-alive noise rather than a ``JSONDecodeError``, and errors raised while iterating
(SSE ``error`` events, dropped connections, timeouts, malformed chunks) become DeepSeek
exceptions that are still the openai ones. Chunks are yielded one at a time, never buffered.
"""

from __future__ import annotations

import functools
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any, TypeVar, get_args, get_origin

import openai
from openai import AsyncStream, Stream
from openai._streaming import ServerSentEvent

from ._errors import (
    TRACE_HEADER,
    DeepSeekConnectionError,
    DeepSeekError,
    DeepSeekStreamError,
    DeepSeekTimeoutError,
    IncompleteStreamError,
    MalformedResponseError,
)

__all__ = ["AsyncDeepSeekStream", "DeepSeekStream", "deepseek_stream_cls"]

_T = TypeVar("_T")


def _translate(exc: Exception, stream: Stream[Any] | AsyncStream[Any]) -> Exception:
    """The DeepSeek exception for an error raised while reading a stream."""
    request = stream.response.request
    if isinstance(exc, openai.APITimeoutError):
        return DeepSeekTimeoutError(request)
    if isinstance(exc, openai.APIConnectionError):
        return DeepSeekConnectionError(request=request)
    if isinstance(exc, openai.APIError):
        secret = getattr(stream._client, "api_key", None)
        trace_id = stream.response.headers.get(TRACE_HEADER)
        return DeepSeekStreamError(exc.message, request, body=exc.body, secret=secret, trace_id=trace_id)
    return MalformedResponseError(stream.response, None, detail=f"{type(exc).__name__}: {exc}")


def _chained(translated: Exception, exc: Exception) -> Exception:
    """Chain the original error, except an SSE error event: openai's copy holds the server's text
    unredacted (the key can be in it), and a printed traceback would show it."""
    if isinstance(translated, DeepSeekStreamError):
        translated.__cause__ = None
        translated.__suppress_context__ = True
    else:
        translated.__cause__ = exc
    return translated


def _incomplete(stream: Stream[Any] | AsyncStream[Any]) -> IncompleteStreamError:
    content_type = stream.response.headers.get("content-type", "")
    if "text/event-stream" not in content_type:
        detail = f"the server answered {content_type or 'no content type'} instead of an event stream"
    else:
        detail = "the connection closed early"
    return IncompleteStreamError(request=stream.response.request, detail=detail)


_DECODE_ERRORS = (json.JSONDecodeError, UnicodeDecodeError, ValueError, TypeError, KeyError)


class DeepSeekStream(Stream[_T]):
    """A :class:`openai.Stream` that fails loudly instead of silently truncating."""

    _saw_done: bool = False

    def _iter_events(self) -> Iterator[ServerSentEvent]:
        for sse in super()._iter_events():
            data = sse.data
            if not data or data.isspace():
                continue
            if data.startswith("[DONE]"):
                self._saw_done = True
            yield sse

    def __stream__(self) -> Iterator[_T]:
        try:
            yield from super().__stream__()
        except DeepSeekError:
            raise
        except (openai.APIError, *_DECODE_ERRORS) as exc:
            raise _chained(_translate(exc, self), exc)  # noqa: B904 (the cause is set in _chained)
        if not self._saw_done:
            raise _incomplete(self)


class AsyncDeepSeekStream(AsyncStream[_T]):
    """The async twin of :class:`DeepSeekStream`."""

    _saw_done: bool = False

    async def _iter_events(self) -> AsyncIterator[ServerSentEvent]:
        async for sse in super()._iter_events():
            data = sse.data
            if not data or data.isspace():
                continue
            if data.startswith("[DONE]"):
                self._saw_done = True
            yield sse

    async def __stream__(self) -> AsyncIterator[_T]:
        inner = super().__stream__()
        try:
            async for item in inner:
                yield item
        except DeepSeekError:
            raise
        except (openai.APIError, *_DECODE_ERRORS) as exc:
            raise _chained(_translate(exc, self), exc)  # noqa: B904 (the cause is set in _chained)
        finally:
            # Unlike `yield from`, `async for` does not close the inner generator when ours is
            # closed early; close it so the response is released now, not at garbage collection.
            await inner.aclose()  # type: ignore[attr-defined]
        if not self._saw_done:
            raise _incomplete(self)


@functools.cache
def deepseek_stream_cls(stream_cls: Any) -> Any:
    """Map ``Stream[X]`` / ``AsyncStream[X]`` (what resources pass) to our subclasses."""
    origin = get_origin(stream_cls) or stream_cls
    args = get_args(stream_cls)
    if origin is Stream:
        return DeepSeekStream[args[0]] if args else DeepSeekStream  # type: ignore[valid-type]
    if origin is AsyncStream:
        return AsyncDeepSeekStream[args[0]] if args else AsyncDeepSeekStream  # type: ignore[valid-type]
    return stream_cls
