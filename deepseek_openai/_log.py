"""The package's logger, ``logging.getLogger("deepseek_openai")``: what the client decided, and why.

openai's own logger (``"openai"``, switched on by ``OPENAI_LOG``) shows the HTTP layer; this one
shows the DeepSeek layer on top of it:

- DEBUG: each request as prepared (method, path, model, the translations and routing applied,
  the body keys changed; never message contents) and each response (status, time, trace id);
- INFO: parameters dropped or sent with a warning, retries (which attempt, after what, the trace
  id), refusals made before the network, and error responses (status and trace id).

The API key is never logged: nothing here formats headers, and every message that can carry
server text is redacted with the client's key first. ``DEEPSEEK_LOG=debug|info|warning`` (the
``log`` setting) attaches one stderr handler, the way ``OPENAI_LOG`` does for openai; an
application that configures :mod:`logging` itself needs neither.

Cost when off: the client asks ``logger.isEnabledFor`` once per request (a cached dict lookup)
and builds no message.
"""

from __future__ import annotations

import itertools
import logging
import sys
import time
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any, Final
from urllib.parse import urlsplit, urlunsplit

logger: Final = logging.getLogger("deepseek_openai")

LEVELS: Final[Mapping[str, int]] = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING}
"""The values ``DEEPSEEK_LOG`` takes."""

FORMAT: Final = "[%(asctime)s - %(name)s - %(levelname)s] %(message)s"

_numbers = itertools.count(1)


class _Call:
    """The request being made in this thread or task: a number to tie its log lines together."""

    __slots__ = ("number", "started")

    def __init__(self) -> None:
        self.number = next(_numbers)
        self.started = time.perf_counter()

    def elapsed(self) -> str:
        return f"{time.perf_counter() - self.started:.2f} s"


_CALL: ContextVar[_Call | None] = ContextVar("deepseek_openai_call", default=None)


class _EnvHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler ``DEEPSEEK_LOG`` attaches (a class of its own, so it is attached once)."""


def configure(level: str | None) -> None:
    """Apply ``DEEPSEEK_LOG``: a stderr handler on the package logger at that level (idempotent)."""
    if level is None:
        return
    handler = next((h for h in logger.handlers if isinstance(h, _EnvHandler)), None)
    if handler is None:
        handler = _EnvHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(FORMAT, datefmt="%Y-%m-%d %H:%M:%S"))
        logger.addHandler(handler)
    # The handler keeps the level too: code that lowers the logger's level for a handler of its own
    # (the command line's retry watcher) must not make this one print more than was asked.
    handler.setLevel(LEVELS[level])
    logger.setLevel(LEVELS[level])


def begin() -> _Call:
    """Start numbering a new request (called by the client's seam only when logging is on)."""
    call = _Call()
    _CALL.set(call)
    return call


def current() -> _Call | None:
    return _CALL.get()


def tag() -> str:
    """``#N`` for the request being made here, or ``""``."""
    call = _CALL.get()
    return f"#{call.number} " if call is not None else ""


def safe_url(url: str) -> str:
    """A URL fit for a log line: no user:password, no query string (it may carry tokens)."""
    if "://" not in url:
        return url.split("?", 1)[0]
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


_SHOWN_VALUES: Final = frozenset(
    {"model", "thinking", "reasoning_effort", "max_tokens", "stream", "response_format", "tool_choice"}
)
"""Body keys whose values a log line may show; every other key (messages, user_id, ...) by name only."""


def short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def body_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """What the pipeline changed, key by key: ``+key=value``, ``-key``, ``key: old -> new``."""
    changes: list[str] = []
    for key, value in after.items():
        if key not in before:
            changes.append(f"+{key}={short(value)}" if key in _SHOWN_VALUES else f"+{key}")
        elif before[key] is not value and before[key] != value:
            if key in _SHOWN_VALUES:
                changes.append(f"{key}: {short(before[key])} -> {short(value)}")
            else:
                changes.append(f"{key} changed")
    changes.extend(f"-{key}" for key in before if key not in after)
    return changes


def transport_failure(error: BaseException | None) -> str:
    """``a timeout (ReadTimeout)`` / ``a connection error (ConnectError)`` for a retry line."""
    if error is None:
        return "a connection error"
    name = type(error).__name__
    return f"a timeout ({name})" if "timeout" in name.lower() else f"a connection error ({name})"
