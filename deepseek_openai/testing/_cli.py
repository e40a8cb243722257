"""``deepseek-openai emulator`` / ``python -m deepseek_openai.testing``: serve the emulator until stopped.

Prints the lines to paste into a shell to point the package and the CLI at it, then one line per
request (method, path, status, time, trace id; never a header, a key or a body) unless
``--quiet``. Bound to all interfaces, it still prints the loopback URL: that is what a client on
this machine uses, and the DeepSeek client refuses plain http to any other host.
"""

from __future__ import annotations

import argparse
import logging
import shlex
import signal
import sys
import threading
from types import FrameType

__all__ = ["add_arguments", "run"]

_WILDCARDS = ("0.0.0.0", "::", "")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the emulator's options to ``parser`` (the lead's CLI mounts them as a sub-command)."""
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="interface to listen on (default: 127.0.0.1; 0.0.0.0 for every interface)",
    )
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: 0, a free port)")
    parser.add_argument(
        "--api-key",
        action="append",
        dest="api_keys",
        metavar="KEY",
        default=None,
        help="accept this key (repeatable; default: the emulator's built-in key)",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="do not log each request")


def _banner(emulator: object, host: str) -> list[str]:
    from ._server import DeepSeekEmulator

    assert isinstance(emulator, DeepSeekEmulator)
    keys = emulator.api_keys
    lines = [f"DeepSeek emulator listening on {emulator.base_url}"]
    if host in _WILDCARDS:
        lines.append(
            f"  (on every interface, port {emulator.port}; from another machine use this one's address, and "
            "DEEPSEEK_ALLOW_INSECURE_HTTP=1 there, since it is plain http)"
        )
    lines += [
        "",
        "Paste into a shell to point the package and the command line at it:",
        f"  export DEEPSEEK_BASE_URL={shlex.quote(emulator.base_url)}",
        f"  export DEEPSEEK_API_KEY={shlex.quote(keys[0])}",
        f"(beta URL: {emulator.beta_base_url}"
        + (f"; other accepted keys: {', '.join(keys[1:])})" if len(keys) > 1 else ")"),
        "",
        "Replies are made up, not generated: the answer is 'Echo: <your last message>' and the reasoning",
        "'Thinking about: ...', unless a test scripts them (DeepSeekEmulator.queue_reply).",
    ]
    return lines


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C or SIGTERM; prints the export lines first, then a line per request."""
    try:
        from ._server import DeepSeekEmulator
    except ImportError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    handler: logging.Handler | None = None
    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        emulator = DeepSeekEmulator(args.api_keys, host=args.host, port=args.port)
        try:
            emulator.start()
        except RuntimeError:
            print(
                f"deepseek-openai emulator: error: could not listen on {args.host}:{args.port} (the port is "
                "taken, or the address is not this machine's). Fix: --port 0 picks a free port",
                file=sys.stderr,
            )
            return 1
        try:
            print("\n".join(_banner(emulator, args.host)))
            if not getattr(args, "quiet", False):
                handler = _log_requests()
                print("Logging one line per request (--quiet for none). Press Ctrl-C to stop.", flush=True)
            else:
                print("Press Ctrl-C to stop.", flush=True)
            while not stop.wait(0.5):
                pass
        finally:
            emulator.stop()
        print("DeepSeek emulator stopped.", flush=True)
        return 0
    finally:
        if handler is not None:
            logger = logging.getLogger("deepseek_openai.testing")
            logger.removeHandler(handler)
        for sig, old in previous.items():
            signal.signal(sig, old)


def _log_requests() -> logging.Handler:
    """Print the app's request lines on stdout: ``12:03:04 POST /chat/completions 200 3.1 ms ...``."""
    logger = logging.getLogger("deepseek_openai.testing")
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", datefmt="%H:%M:%S"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False  # the package's DEEPSEEK_LOG handler must not print them a second time
    return handler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m deepseek_openai.testing", description="Run the offline DeepSeek API emulator."
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))
