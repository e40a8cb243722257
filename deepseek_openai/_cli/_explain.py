"""Errors as the command line says them: one line, the fix in command-line terms, the right exit code.

The package's messages are written for Python callers ("check with get_balance()", "openai retries
this (max_retries)", "Pass port=0"); here each error class gets the wording of someone at a shell.
Standard library only at import time: the classes are looked up only once an error exists.
"""

from __future__ import annotations

import argparse
import os
import re
from typing import Any

from ._common import (
    EXIT_API,
    EXIT_USAGE,
    KEY_ENV,
    UsageError,
    cli_terms,
    one_line,
    redact_key,
)

_LOOPBACK = ("127.0.0.1", "localhost", "[::1]", "::1")


def exit_code(exc: BaseException) -> int | None:
    """2 for what was refused before the network (usage, settings, guards), 1 for API errors, else None."""
    if isinstance(exc, UsageError):
        return EXIT_USAGE
    import sys

    if "openai" not in sys.modules:
        return None
    import openai

    from deepseek_openai._errors import ConfigurationError, DeepSeekRequestError, UnsupportedFeatureError

    if isinstance(exc, ConfigurationError | DeepSeekRequestError | UnsupportedFeatureError):
        return EXIT_USAGE  # nothing was sent: the command line asked for something that cannot be sent
    if isinstance(exc, openai.OpenAIError):
        return EXIT_API
    return None


def describe(exc: BaseException, args: argparse.Namespace | None = None) -> str:
    """The one line to print for ``exc`` (the key never in it)."""
    if isinstance(exc, UsageError):
        return redact_key(str(exc))
    from deepseek_openai import _errors as e

    text: str
    if isinstance(exc, e.DeepSeekStatusError):
        text = _status(exc, args)
    elif isinstance(exc, e.DeepSeekConnectionError):
        text = _connection(exc, args)
    elif isinstance(exc, e.DeepSeekStreamError):
        text = (
            f"DeepSeek reported an error in the middle of the answer: {exc.server_message}. The answer "
            "above is incomplete. Fix: run the command again" + _trace(exc.trace_id)
        )
    elif isinstance(exc, e.DeepSeekRequestError | e.UnsupportedFeatureError):
        text = f"refused before sending: {cli_terms(exc.what)}. Why: {exc.why}. Fix: {cli_terms(exc.fix)}"
    elif isinstance(exc, e.ConfigurationError):
        text = str(exc)
    else:
        return one_line(exc)
    return redact_key(re.sub(r"\s+", " ", text).strip())


def _trace(trace_id: str | None) -> str:
    return f" (x-ds-trace-id: {trace_id})" if trace_id else ""


def _retries(args: argparse.Namespace | None) -> str:
    configured = os.environ.get("DEEPSEEK_MAX_RETRIES", "").strip()
    count = int(configured) if configured.isdigit() else 2
    if count == 0:
        return "(it was not retried: DEEPSEEK_MAX_RETRIES is 0)"
    return f"(it was tried {count + 1} times; DEEPSEEK_MAX_RETRIES sets how many retries)"


def _status_fix(exc: Any, args: argparse.Namespace | None) -> str:
    from deepseek_openai import _errors as e

    fixes: list[tuple[type[Any], str]] = [
        (
            e.InsufficientBalanceError,
            "top up at https://platform.deepseek.com/top_up, then check with `deepseek-openai balance`",
        ),
        (
            e.AuthenticationError,
            f"check {KEY_ENV} (`deepseek-openai doctor` checks the key without printing it)",
        ),
        (e.RateLimitError, f"wait a moment and run the command again {_retries(args)}"),
        (e.ServerError, f"run the command again in a moment {_retries(args)}"),
        (e.ModelNotFoundError, "pick a model that `deepseek-openai models` lists, with --model"),
        (
            e.ContextLengthExceededError,
            "shorten the prompt (in a conversation: /reset), or lower --max-tokens",
        ),
        (e.NotFoundError, "check --base-url or DEEPSEEK_BASE_URL (https://api.deepseek.com)"),
        (e.ConflictError, "run the command again"),
    ]
    for cls, fix in fixes:
        if isinstance(exc, cls):
            return fix
    return "change the command as the server's message says"


def _status(exc: Any, args: argparse.Namespace | None) -> str:
    from deepseek_openai._errors import same_words

    head = f"DeepSeek {exc.status_code} {exc.title}"
    server = exc.server_message
    if server and not same_words(server, exc.title):
        head += f": {server.rstrip('.')}"
    return f"{head}. {exc.cause} Fix: {_status_fix(exc, args)}{_trace(exc.trace_id)}"


def _connection(exc: Any, args: argparse.Namespace | None) -> str:
    from deepseek_openai._errors import DeepSeekTimeoutError, IncompleteStreamError, where

    request = exc.request
    host = where(request.url)
    local = request.url.host in _LOOPBACK
    if isinstance(exc, IncompleteStreamError) or (
        exc.in_stream and not isinstance(exc, DeepSeekTimeoutError)
    ):
        detail = "it ended early" if isinstance(exc, IncompleteStreamError) else "the connection dropped"
        return (
            f"the answer from {host} was cut off ({detail}); what is printed above is incomplete. "
            "Fix: run the command again"
        )
    if isinstance(exc, DeepSeekTimeoutError):
        where_ = "the stream stalled" if exc.in_stream else "no answer came"
        return (
            f"{where_} from {host} within the timeout. Fix: raise --timeout (or DEEPSEEK_TIMEOUT); long "
            "reasoning can take minutes, or try --no-think"
        )
    hint = " (is `deepseek-openai emulator` running on that port?)" if local else ""
    return (
        f"could not connect to {host}{hint}. Fix: check the network, a proxy, and --base-url or "
        f"DEEPSEEK_BASE_URL {_retries(args)}"
    )
