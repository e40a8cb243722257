"""What every ``deepseek-openai`` command shares: exit codes, output, the client, adding a command.

Standard library only at import time, like the rest of the command line (``--help`` must be fast).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from ._status import Status

if TYPE_CHECKING:
    from deepseek_openai._client import AsyncDeepSeek, DeepSeek

PROG = "deepseek-openai"
KEY_ENV = "DEEPSEEK_API_KEY"

EXIT_OK = 0
EXIT_API = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3
EXIT_INTERRUPTED = 130

KEY_NOTE = (
    "The API key is read only from the environment variable DEEPSEEK_API_KEY (there is no --api-key "
    "option, so the key never lands in shell history or in `ps` output). Other settings: "
    "DEEPSEEK_BASE_URL, DEEPSEEK_TIMEOUT, DEEPSEEK_MAX_RETRIES, DEEPSEEK_MODEL, DEEPSEEK_LOG, ... "
    "(see README)."
)
EXIT_NOTE = (
    "Exit codes: 0 success, 1 API error or failed check, 2 usage error (bad arguments, missing key, a "
    "request refused before sending), 3 an incomplete answer (cut at the token limit or by the server), "
    "130 interrupted."
)

Handler = Callable[[argparse.Namespace, "Output"], int]


_MISSING_KEY = (
    f"{KEY_ENV} is not set. Fix: export {KEY_ENV}=sk-... (create a key at "
    "https://platform.deepseek.com/api_keys), or run `deepseek-openai demo` to try everything on the "
    "embedded emulator without a key"
)


class UsageError(Exception):
    """A mistake in how the command was called; exit code 2, message says the fix."""


# --------------------------------------------------------------------------------------------
# Output: colour only on a terminal, never with NO_COLOR


def _isatty(stream: IO[str] | None) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (OSError, ValueError):  # a closed or detached stream
        return False


def _wants_color(stream: IO[str] | None) -> bool:
    """ANSI styling only on a TTY, and never when NO_COLOR is set (https://no-color.org) or TERM=dumb."""
    if os.environ.get("NO_COLOR", "") != "" or os.environ.get("TERM") == "dumb":
        return False
    return _isatty(stream)


def _can_encode(stream: IO[str] | None, text: str) -> bool:
    try:
        text.encode(getattr(stream, "encoding", None) or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


@dataclass
class Output:
    """Where and how the CLI writes: styled on a terminal, plain otherwise.

    Keeps track of whether each stream ends a line, so an error or a note after a half-written
    answer starts on a line of its own, and owns the status line (spinner) on stderr.
    """

    out: IO[str]
    err: IO[str] | None
    color: bool
    err_color: bool
    ok_mark: str = "✓"
    fail_mark: str = "✗"
    out_tty: bool = False
    err_tty: bool = False
    status: Status = field(default_factory=lambda: Status(None, enabled=False))
    _open: dict[str, bool] = field(default_factory=lambda: {"out": False, "err": False})

    @classmethod
    def detect(cls, out: IO[str] | None = None, err: IO[str] | None = None) -> Output:
        out = out if out is not None else sys.stdout
        err = err if err is not None else sys.stderr
        unicode = _can_encode(out, "✓✗")
        err_tty = _isatty(err)
        term = os.environ.get("TERM") != "dumb"
        return cls(
            out,
            err,
            _wants_color(out),
            _wants_color(err),
            "✓" if unicode else "[ok]",
            "✗" if unicode else "[FAIL]",
            out_tty=_isatty(out),
            err_tty=err_tty,
            status=Status(err, enabled=err_tty and term, unicode=_can_encode(err, "⠋")),
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

    # -- stdout ---------------------------------------------------------------------------------

    def write(self, text: str = "") -> None:
        if not text:
            return
        if self.out_tty and self.status.running:
            self.status.stop()  # the same terminal: text from here on, the spinner would tear it
        self.out.write(text)
        self.out.flush()
        self._open["out"] = not text.endswith("\n")

    def line(self, text: str = "") -> None:
        self.write(text + "\n")

    def end_line(self) -> None:
        """Finish a half-written line on stdout (an answer that did not end with a newline)."""
        if self._open["out"]:
            self.write("\n")

    # -- stderr ---------------------------------------------------------------------------------

    def write_err(self, text: str) -> None:
        """Raw text on stderr (reasoning, when it is kept off stdout)."""
        if self.err is None or not text:
            return
        self.status.stop()
        self.err.write(text)
        self.err.flush()
        self._open["err"] = not text.endswith("\n")

    def _err_line(self, text: str) -> None:
        if self.err is None:
            return
        prefix = ""
        if self._open["err"]:
            prefix = "\n"
        if self._open["out"] and self.out_tty and self.err_tty:  # the same terminal: start a new line
            self.write("\n")
        self.status.above(self.err, prefix + text + "\n")
        self._open["err"] = False

    def check(self, ok: bool, label: str, detail: str) -> None:
        """One doctor line: a mark, what was checked, and what was found (or the fix)."""
        mark = self.green(self.ok_mark) if ok else self.red(self.fail_mark)
        self.line(f"{mark} {label}: {detail}")

    def error(self, text: str) -> None:
        prefix = f"{PROG}: error: "
        if self.err_color:
            prefix = f"\x1b[31m{prefix}\x1b[0m"
        self._err_line(prefix + text)

    def note(self, text: str) -> None:
        """A side remark on stderr (usage footers, banners), dimmed, kept out of the answer on stdout."""
        self._err_line(f"\x1b[2m{text}\x1b[0m" if self.err_color else text)

    def notice(self, text: str) -> None:
        """Something the user must not miss on stderr (an incomplete answer, a translated name)."""
        label = "note: "
        if self.err_color:
            label = f"\x1b[1;33m{label}\x1b[0m"
        self._err_line(label + text)

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
# Commands


def common_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """--base-url and --timeout, accepted before or after the subcommand."""
    default: Any = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--base-url",
        metavar="URL",
        default=default,
        help="API base URL (default: DEEPSEEK_BASE_URL or https://api.deepseek.com)",
    )
    parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=positive_float,
        default=default,
        help="request timeout in seconds (default: DEEPSEEK_TIMEOUT or 600)",
    )


def add_command(  # noqa: PLR0913 (the keyword-only parts of one parser)
    sub: Any,
    name: str,
    *,
    summary: str,
    description: str,
    handler: Handler,
    epilog: str | None = KEY_NOTE,
    api: bool = True,
) -> argparse.ArgumentParser:
    """Add a subcommand: its one-line summary (in ``--help``), its own description, the shared options.

    ``api=False`` leaves out --base-url and --timeout (a command that talks to no API).
    """
    parser: argparse.ArgumentParser = sub.add_parser(
        name, help=summary, description=description, epilog=epilog
    )
    if api:
        common_options(parser, suppress=True)
    parser.set_defaults(handler=handler)
    return parser


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be a number greater than 0")
    return value


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


# --------------------------------------------------------------------------------------------
# Text


def interrupted(exc: BaseException) -> bool:
    """Whether Ctrl-C is behind ``exc`` (an import interrupted by it surfaces as another error)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def kilo(tokens: int | None) -> str:
    """``384K`` / ``1M`` (binary units, as DeepSeek's 1M context and 384K output are counted)."""
    if tokens is None:
        return "?"
    if tokens >= 1024 * 1024 and tokens % (1024 * 1024) == 0:
        return f"{tokens // (1024 * 1024)}M"
    return f"{tokens // 1024}K"


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
    except (OSError, ValueError, AttributeError):
        pass


_CLI_TERMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bSent as model='?([\w.-]+)'?"), r"Sent as \1"),
    (re.compile(r"\bmodel='?([\w.-]+)'?, thinking=False\b"), r"--model \1 --no-think"),
    (re.compile(r"\bmodel='?([\w.-]+)'?"), r"--model \1"),
    (re.compile(r"\bmax_(?:completion_)?tokens\b"), "--max-tokens"),
    (re.compile(r"\breasoning_effort\b"), "--effort"),
    (re.compile(r"\bthinking=False\b"), "--no-think"),
    (re.compile(r"\bget_balance\(\)"), "`deepseek-openai balance`"),
    (re.compile(r"\bport=0\b"), "--port 0"),
)


def cli_terms(text: str) -> str:
    """The package's Python wording turned into the command line's: ``max_tokens`` -> ``--max-tokens``."""
    for pattern, replacement in _CLI_TERMS:
        text = pattern.sub(replacement, text)
    return text


@contextmanager
def warnings_as_notes(out: Output) -> Iterator[None]:
    """Show the package's warnings as one clean ``note:`` line each (no file path, no source line)."""
    previous = warnings.showwarning

    def show(message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        text = re.sub(r"\s+", " ", str(message)).strip()
        out.notice(redact_key(cli_terms(text)))

    warnings.showwarning = show
    try:
        yield
    finally:
        warnings.showwarning = previous


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
