"""The per-request script: faults to inject and replies to give, each consumed first in, first out."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

__all__ = [
    "FINISH_REASONS",
    "Fault",
    "ScriptQueue",
    "ScriptedReply",
    "ScriptedToolCall",
    "route_matches",
]

#: Every documented ``finish_reason`` (spec section 7).
FINISH_REASONS = ("stop", "length", "content_filter", "tool_calls", "insufficient_system_resource", "aborted")

_ROUTE_PREFIXES = ("/v1/", "/beta/")


def route_matches(pattern: str | None, path: str) -> bool:
    """``None`` matches every path; ``/chat/completions`` matches it under ``/``, ``/v1`` and ``/beta``;
    a prefixed pattern (``/beta/chat/completions``) matches only itself."""
    if pattern is None or pattern == path:
        return True
    return any(path.startswith(prefix) and path[len(prefix) - 1 :] == pattern for prefix in _ROUTE_PREFIXES)


@dataclass(frozen=True, slots=True)
class Fault:
    """One injected misbehaviour, for the next matching request(s). Fields combine.

    Where it strikes: before anything is sent, unless ``after_chunks`` is set, in which case the
    stream-level faults (``stall``, ``disconnect``, ``sse_error``, ``empty_data_line``, ``keepalive``)
    strike after that many SSE data chunks (0 = right after the headers). A non-streaming body counts as
    one chunk, so ``after_chunks=0`` there means "headers sent, body not yet".
    """

    status: int | None = None  # answer with this status and a DeepSeek error body
    message: str | None = None  # error message (default: the status's name; also the SSE error's message)
    retry_after: float | None = None  # Retry-After header on the error response, in seconds
    delay: float = 0.0  # wait this long before answering (ended early if the client goes away)
    keepalive: int = 0  # blank lines before a JSON body / ": keep-alive" comments in a stream
    stall: float = 0.0  # send no bytes for this long (headers not sent unless after_chunks is set)
    disconnect: bool = False  # abort the TCP connection (no [DONE]; before headers unless after_chunks)
    sse_error: bool = False  # streams: send a ``data: {"error": ...}`` event and end without [DONE]
    after_chunks: int | None = None
    blank_content: str | None = None  # replace the content, e.g. "" or "\n\n  " (JSON mode gone blank)
    finish_reason: str | None = None  # cut the reply short with this reason, e.g. "aborted"
    malformed: bool = False  # a 200 whose JSON (body or one stream chunk) does not parse
    empty_data_line: bool = False  # streams: an empty ``data:`` line
    octet_stream: bool = False  # error bodies as application/octet-stream (seen on the live API)
    path: str | None = None  # only requests to this route (see ``route_matches``)
    times: int = 1  # how many matching requests it applies to
    skip: int = 0  # let this many matching requests through first (fault "the Nth request")

    def __post_init__(self) -> None:
        if self.status is not None and not 400 <= self.status <= 599:
            raise ValueError(f"status must be an HTTP error status (400-599), got {self.status}")
        if self.times < 1 or self.skip < 0 or self.keepalive < 0:
            raise ValueError("times must be >= 1, skip and keepalive >= 0")
        if self.delay < 0 or self.stall < 0 or (self.retry_after is not None and self.retry_after < 0):
            raise ValueError("delay, stall and retry_after must not be negative")
        if self.after_chunks is not None and self.after_chunks < 0:
            raise ValueError("after_chunks must be >= 0")
        if self.finish_reason is not None and self.finish_reason not in FINISH_REASONS:
            raise ValueError(f"finish_reason must be one of {FINISH_REASONS}")
        if self.status is not None and (self.sse_error or self.disconnect):
            raise ValueError("status cannot be combined with sse_error or disconnect")


@dataclass(frozen=True, slots=True)
class ScriptedToolCall:
    """A tool call in a scripted reply. ``arguments`` may be a mapping (sent as JSON) or any string,
    including invalid JSON, as the live API sometimes sends."""

    name: str
    arguments: str | Mapping[str, Any] = "{}"
    id: str | None = None

    @property
    def arguments_text(self) -> str:
        if isinstance(self.arguments, str):
            return self.arguments
        return json.dumps(self.arguments, ensure_ascii=False)


def _as_tool_call(item: ScriptedToolCall | Mapping[str, Any]) -> ScriptedToolCall:
    if isinstance(item, ScriptedToolCall):
        return item
    function = item.get("function")
    source = function if isinstance(function, Mapping) else item
    return ScriptedToolCall(
        name=str(source["name"]), arguments=source.get("arguments", "{}"), id=item.get("id")
    )


@dataclass(frozen=True, slots=True)
class ScriptedReply:
    """A reply to give instead of the derived one. ``None`` fields keep the derived value, except that
    a reply with tool calls has empty content unless ``content`` is given. ``reasoning_content`` only
    shows when the request runs in thinking mode, as on the real API. ``chunks`` sets how many content
    deltas a stream uses (default: one per token). ``usage`` overrides usage fields."""

    content: str | None = None
    reasoning_content: str | None = None
    tool_calls: Sequence[ScriptedToolCall | Mapping[str, Any]] = ()
    finish_reason: str | None = None
    usage: Mapping[str, int] | None = None
    chunks: int | None = None
    path: str | None = None
    times: int = 1
    calls: tuple[ScriptedToolCall, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "calls", tuple(_as_tool_call(item) for item in self.tool_calls))
        if self.finish_reason is not None and self.finish_reason not in FINISH_REASONS:
            raise ValueError(f"finish_reason must be one of {FINISH_REASONS}")
        if self.times < 1 or (self.chunks is not None and self.chunks < 1):
            raise ValueError("times and chunks must be >= 1")


class _Scripted(Protocol):
    @property
    def path(self) -> str | None: ...
    @property
    def times(self) -> int: ...


T = TypeVar("T", bound=_Scripted)


class ScriptQueue(Generic[T]):
    """A thread-safe FIFO of scripted items; each request takes the first item whose route matches."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[list[Any]] = []  # [item, remaining uses, requests still to let through]

    def push(self, item: T) -> None:
        with self._lock:
            self._entries.append([item, item.times, getattr(item, "skip", 0)])

    def take(self, path: str) -> T | None:
        if not self._entries:  # racy but safe: a miss only means "no script", re-checked under the lock
            return None
        with self._lock:
            for index, entry in enumerate(self._entries):
                item: T = entry[0]
                if not route_matches(item.path, path):
                    continue
                if entry[2] > 0:
                    entry[2] -= 1
                    return None
                entry[1] -= 1
                if entry[1] <= 0:
                    del self._entries[index]
                return item
        return None

    def pending(self) -> int:
        with self._lock:
            return sum(entry[1] for entry in self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
