"""What every ``deepseek-openai`` command shares: exit codes, output, one-line errors, the client.

Standard library only at import time, like the rest of the command line (``--help`` must be fast).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from deepseek_openai._client import AsyncDeepSeek, DeepSeek

PROG = "deepseek-openai"
KEY_ENV = "DEEPSEEK_API_KEY"

EXIT_OK = 0
EXIT_API = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

KEY_NOTE = (
    "The API key is read only from the environment variable DEEPSEEK_API_KEY (there is no --api-key "
    "option, so the key never lands in shell history or in `ps` output). Other settings: "
    "DEEPSEEK_BASE_URL, DEEPSEEK_TIMEOUT, DEEPSEEK_MAX_RETRIES, DEEPSEEK_MODEL, ... (see README)."
)
EXIT_NOTE = "Exit codes: 0 success, 1 API error or failed check, 2 usage error (bad arguments, missing key)."


_MISSING_KEY = (
    f"{KEY_ENV} is not set. Fix: export {KEY_ENV}=sk-... (create a key at "
    "https://platform.deepseek.com/api_keys), or run `deepseek-openai demo` to try everything on the "
    "embedded emulator without a key"
)


class UsageError(Exception):
    """A mistake in how the command was called; exit code 2, message says the fix."""


# --------------------------------------------------------------------------------------------
# Output: colour only on a terminal, never with NO_COLOR


def _wants_color(stream: IO[str]) -> bool:
    """ANSI styling only on a TTY, and never when NO_COLOR is set (https://no-color.org) or TERM=dumb."""
    if os.environ.get("NO_COLOR", "") != "" or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _can_encode(stream: IO[str], text: str) -> bool:
    try:
        text.encode(getattr(stream, "encoding", None) or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


@dataclass
class Output:
    """Where and how the CLI writes: styled on a terminal, plain otherwise."""

    out: IO[str]
    err: IO[str]
    color: bool
    err_color: bool
    ok_mark: str = "✓"
    fail_mark: str = "✗"

    @classmethod
    def detect(cls, out: IO[str] | None = None, err: IO[str] | None = None) -> Output:
        out = out if out is not None else sys.stdout
        err = err if err is not None else sys.stderr
        unicode = _can_encode(out, "✓✗")
        return cls(
            out,
            err,
            _wants_color(out),
            _wants_color(err),
            "✓" if unicode else "[ok]",
            "✗" if unicode else "[FAIL]",
        )

    def _sgr(self, code: str, text: str, *, on: bool) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if on and text else text

    def dim(self, text: str) -> str:
        return self._sgr("2", text, on=self.color)

    def bold(self, text: str) -> str:
        return self._sgr("1", text, on=self.color)

    def green(self, text: str) -> str:
        return self._sgr("32", text, on=self.color)

    def red(self, text: str) -> str:
        return self._sgr("31", text, on=self.color)

    def write(self, text: str = "") -> None:
        self.out.write(text)
        self.out.flush()

    def line(self, text: str = "") -> None:
        self.write(text + "\n")

    def check(self, ok: bool, label: str, detail: str) -> None:
        """One doctor line: a mark, what was checked, and what was found (or the fix)."""
        mark = self.green(self.ok_mark) if ok else self.red(self.fail_mark)
        self.line(f"{mark} {label}: {detail}")

    def error(self, text: str) -> None:
        prefix = f"{PROG}: error: "
        if self.err_color:
            prefix = f"\x1b[31m{prefix}\x1b[0m"
        self.err.write(prefix + text + "\n")
        self.err.flush()

    def note(self, text: str) -> None:
        """A side remark on stderr (usage footers, notices), kept out of the answer on stdout."""
        self.err.write((f"\x1b[2m{text}\x1b[0m" if self.err_color else text) + "\n")
        self.err.flush()

    @contextmanager
    def dimmed(self) -> Iterator[None]:
        """Dim everything written inside, and always reset the terminal afterwards."""
        if self.color:
            self.out.write("\x1b[2m")
        try:
            yield
        finally:
            if self.color:
                self.out.write("\x1b[0m")
                self.out.flush()


# --------------------------------------------------------------------------------------------
# Parser


def kilo(tokens: int | None) -> str:
    return "?" if tokens is None else f"{tokens // 1024}K"


def one_line(exc: BaseException) -> str:
    """The error as one line: its class name and message, whitespace collapsed, the key redacted."""
    text = re.sub(r"\s+", " ", str(exc)).strip() or "(no message)"
    return redact_key(f"{type(exc).__name__}: {text}")


def redact_key(text: str) -> str:
    """Belt and braces: the key from the environment never reaches the terminal."""
    from deepseek_openai._redact import redact

    result: str = redact(text, os.environ.get(KEY_ENV, "").strip())
    return result


def silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


# --------------------------------------------------------------------------------------------
# Shared helpers


def make_client(args: argparse.Namespace, *, max_retries: int | None = None) -> DeepSeek:
    """A client from DEEPSEEK_* plus the command-line overrides; a missing key raises exit 2."""
    from deepseek_openai._client import get_client

    return get_client(**_client_kwargs(args, max_retries))


def make_async_client(args: argparse.Namespace, *, max_connections: int) -> AsyncDeepSeek:
    """The async twin of :func:`make_client`, with a connection pool for ``max_connections`` requests."""
    import httpx2
    import openai

    from deepseek_openai._client import get_async_client

    kwargs = _client_kwargs(args, None)
    limits = httpx2.Limits(
        max_connections=max_connections, max_keepalive_connections=max_connections, keepalive_expiry=60
    )
    return get_async_client(http_client=openai.DefaultAsyncHttpxClient(limits=limits), **kwargs)


def _client_kwargs(args: argparse.Namespace, max_retries: int | None) -> dict[str, Any]:
    from deepseek_openai._settings import DeepSeekSettings

    if DeepSeekSettings().api_key is None:
        raise UsageError(_MISSING_KEY)
    kwargs: dict[str, Any] = {}
    base_url = getattr(args, "base_url", None)
    if base_url:
        kwargs["base_url"] = base_url
    timeout = getattr(args, "timeout", None)
    if timeout is not None:
        kwargs["timeout"] = timeout
    if max_retries is not None:
        kwargs["max_retries"] = max_retries
    return kwargs


def require_emulator_extra() -> None:
    """Starlette and uvicorn come with the [emulator] extra; say so instead of an ImportError."""
    from importlib.util import find_spec

    missing = [name for name in ("starlette", "uvicorn") if find_spec(name) is None]
    if missing:
        raise UsageError(
            f"the emulator needs {' and '.join(missing)}, which come with the [emulator] extra. "
            "Fix: pip install 'deepseek-openai[emulator]'"
        )
