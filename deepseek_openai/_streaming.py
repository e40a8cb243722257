"""openai's Stream classes, with DeepSeek's failure modes made explicit.

The base classes already skip ``: keep-alive`` comments. The policy installed here adds what they
miss: a stream that ends without ``data: [DONE]`` is an error (DeepSeek's rule), blank ``data:``
lines are keep-alive noise rather than a ``JSONDecodeError``, and errors raised while iterating
(SSE ``error`` events, dropped connections, timeouts, malformed chunks) become DeepSeek
exceptions that are still the openai ones. Chunks are yielded one at a time, never buffered.
"""

from __future__ import annotations

import functools
import json
from typing import Any, get_args, get_origin

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
from ._openai_compat import AsyncDeepSeekStream, DeepSeekStream, ServerSentEvent, stream_secret

_DECODE_ERRORS = (json.JSONDecodeError, UnicodeDecodeError, ValueError, TypeError, KeyError)


class _DeepSeekPolicy:
    """Skip blank ``data:`` lines, require ``[DONE]``, and translate what goes wrong."""

    def keep(self, stream: Any, sse: ServerSentEvent) -> bool:
        data = sse.data
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
        raise IncompleteStreamError(request=stream.response.request, detail=detail)


DeepSeekStream.policy = AsyncDeepSeekStream.policy = _DeepSeekPolicy()


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
