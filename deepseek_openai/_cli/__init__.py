"""The ``deepseek-openai`` command line: chat, models, balance, doctor, batch, emulator and demo.

Standard library only at import time (argparse), so ``deepseek-openai --help`` answers at once; the
package and the openai SDK are imported by the subcommand that needs them.

Each command lives in its own module with a ``register(sub)`` that adds its parser (through
:func:`._common.add_command`, which adds the shared --base-url / --timeout and the handler); to add
a command, write the module and list it in :data:`COMMANDS`.

The API key is read only from ``DEEPSEEK_API_KEY``: a ``--api-key`` option would leave the key in
the shell history and in ``ps`` output. Exit codes: 0 success, 1 an API error (the request was made
and failed, or a check failed), 2 a usage error (bad arguments, missing key, bad setting, a request
refused before sending), 3 an incomplete answer, 130 when interrupted. Expected errors print one
line with the fix, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

from ._common import (
    EXIT_API,
    EXIT_INTERRUPTED,
    EXIT_NOTE,
    EXIT_OK,
    EXIT_USAGE,
    KEY_NOTE,
    PROG,
    Handler,
    Output,
    add_command,
    common_options,
    interrupted,
    require_emulator_extra,
    silence_stdout,
    warnings_as_notes,
)

COMMANDS: tuple[str, ...] = ("_chat", "_info", "_doctor", "_batch", "_cli_emulator", "_cli_demo")
"""The modules whose ``register(sub)`` adds a subcommand, in the order ``--help`` lists them."""


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (cheap: nothing beyond argparse and the command modules is imported)."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Talk to DeepSeek through the official openai SDK; check your setup; run the "
        "offline emulator and a guided demo.",
        epilog=f"{KEY_NOTE} {EXIT_NOTE} Colour is used only on a terminal and never when NO_COLOR is set.",
    )
    from deepseek_openai._version import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    common_options(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        register = _REGISTER.get(name) or importlib.import_module(f".{name}", __name__).register
        register(sub)
    return parser


# --------------------------------------------------------------------------------------------
# Entry point


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    if sys.stdout is None or not _usable(sys.stdout):  # `deepseek-openai ... >&-`
        if sys.stderr is not None:
            sys.stderr.write(
                f"{PROG}: error: standard output is closed, so nothing could be printed. Fix: leave it "
                "open, or send it to /dev/null (> /dev/null)\n"
            )
        return EXIT_USAGE
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help/--version (0) or a usage error (2, already printed)
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    out = Output.detect()
    handler: Handler = args.handler
    try:
        with warnings_as_notes(out), _logging(out):
            return handler(args, out)
    except KeyboardInterrupt:
        out.status.stop()
        out.error("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `deepseek-openai models | head -1`
        silence_stdout()
        return EXIT_OK
    except OSError as exc:
        if exc.errno in (errno.EBADF, errno.EPIPE, errno.ENOSPC, errno.EIO):  # stdout went away or filled up
            silence_stdout()
            _quiet_error(out, f"could not write the output ({exc.strerror or exc})")
            return EXIT_API
        raise
    except Exception as exc:
        from ._explain import describe, exit_code

        if interrupted(exc):
            out.status.stop()
            out.error("interrupted")
            return EXIT_INTERRUPTED
        code = exit_code(exc)
        if code is None:
            raise  # a bug: the traceback is the useful output
        out.status.stop()
        out.error(describe(exc, args))
        return code


def _usable(stream: Any) -> bool:
    """Whether a standard stream can be written (its descriptor is open)."""
    try:
        fd = stream.fileno()
    except (OSError, ValueError, AttributeError):  # an in-memory stream (a test's capture): usable
        return True
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def _quiet_error(out: Output, text: str) -> None:
    with contextlib.suppress(OSError, ValueError):
        out.error(text)


class _logging:
    """While a command runs: retries shown on the status line, DEEPSEEK_LOG lines kept off the spinner."""

    def __init__(self, out: Output) -> None:
        self.out = out
        self.undo: list[Any] = []

    def __enter__(self) -> None:
        if not self.out.status.enabled and not os.environ.get("DEEPSEEK_LOG", "").strip():
            return
        import logging

        from deepseek_openai import _log

        from ._status import Above, RetryWatcher

        level = os.environ.get("DEEPSEEK_LOG", "").strip().lower()
        if level in _log.LEVELS:
            _log.configure(level)  # now, so its handler writes around the spinner from the start
        for handler in _log.logger.handlers:
            if isinstance(handler, logging.StreamHandler) and self.out.err is not None:
                previous = handler.setStream(Above(self.out.status, self.out.err))
                self.undo.append(lambda h=handler, p=previous: h.setStream(p))
        if self.out.status.enabled:
            watcher = RetryWatcher(self.out.status)
            _log.logger.addHandler(watcher)
            old_level = _log.logger.level
            if not _log.logger.isEnabledFor(logging.INFO):
                _log.logger.setLevel(logging.INFO)

            def restore() -> None:
                _log.logger.removeHandler(watcher)
                _log.logger.setLevel(old_level)

            self.undo.append(restore)

    def __exit__(self, *exc: object) -> None:
        for undo in reversed(self.undo):
            undo()


# --------------------------------------------------------------------------------------------
# emulator, demo (small enough to live here)


def _register_emulator(sub: Any) -> None:
    emulator = sub.add_parser(
        "emulator",
        help="serve the offline DeepSeek emulator (needs the [emulator] extra)",
        description="Serve the DeepSeek API emulator on 127.0.0.1 until stopped. "
        "Run `deepseek-openai emulator --help` for its options.",
        add_help=False,
        prefix_chars="\0",  # every argument, --help included, goes to the emulator's own parser
    )
    emulator.add_argument("emulator_args", nargs=argparse.REMAINDER)
    emulator.set_defaults(handler=_cmd_emulator)


def _cmd_emulator(args: argparse.Namespace, out: Output) -> int:
    require_emulator_extra()
    from deepseek_openai.testing import _cli

    parser = argparse.ArgumentParser(
        prog=f"{PROG} emulator",
        description="Serve the DeepSeek API emulator until stopped, logging one line per request.",
    )
    _cli.add_arguments(parser)
    try:
        ns = parser.parse_args(args.emulator_args)
    except SystemExit as exc:
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    return int(_cli.run(ns))


def _register_demo(sub: Any) -> None:
    demo = add_command(
        sub,
        "demo",
        summary="a guided tour; uses the embedded emulator when DEEPSEEK_API_KEY is unset",
        description="A guided tour of the package: chat, streamed reasoning, a tool loop while "
        "thinking, prefix completion, FIM, JSON mode, guards, translated errors, balance, usage and "
        "cost. Without DEEPSEEK_API_KEY it runs on the embedded emulator (no key, no network, "
        "nothing spent). With a key it asks before spending anything.",
        handler=_cmd_demo,
    )
    demo.add_argument("--yes", "-y", action="store_true", help="do not ask before spending balance")
    demo.add_argument("--model", default=None, help="model id (default: deepseek-flash)")


def _cmd_demo(args: argparse.Namespace, out: Output) -> int:
    from ._demo import run_demo

    return run_demo(args, out)


_REGISTER = {"_cli_emulator": _register_emulator, "_cli_demo": _register_demo}
"""Commands registered from this module rather than from one of their own."""
