"""``request_id(obj)``: DeepSeek's request id (``x-ds-trace-id``) of whatever a call gave you.

openai fills ``response._request_id`` from ``x-request-id``, a header DeepSeek does not send; the
client fills it from ``x-ds-trace-id`` instead, on every model it returns (stream chunks too).
This accessor reads it from any of the things a call can give back, so code does not need to
know which one it holds: quote it when asking DeepSeek's support about a request.
"""

from __future__ import annotations

from ._errors import TRACE_HEADER
from ._openai_compat import model_request_id, stream_response


def request_id(obj: object) -> str | None:
    """The request id of a response, a chunk, a stream, a raw response or an error; ``None`` if unknown.

    Works on: completions and every other model the client returns (``._request_id``), each stream
    chunk, ``Stream`` / ``AsyncStream`` objects, ``with_raw_response`` / ``with_streaming_response``
    objects, ``httpx2.Response``, and exceptions (DeepSeek's ``trace_id``, or the failed response's
    header).
    """
    found = model_request_id(obj)
    if found is not None:
        return found
    trace = getattr(obj, "trace_id", None)
    if isinstance(trace, str):
        return trace
    response = stream_response(obj)
    if response is not None:
        header = response.headers.get(TRACE_HEADER) or response.headers.get("x-request-id")
        return header if isinstance(header, str) else None
    return None
