"""``deepseek-openai emulator`` / ``python -m deepseek_openai.testing``: serve the emulator until stopped."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the emulator's options to ``parser`` (the lead's CLI mounts them as a sub-command)."""
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: 0, a free port)")
    parser.add_argument(
        "--api-key",
        action="append",
        dest="api_keys",
        metavar="KEY",
        default=None,
        help="accept this key (repeatable; default: the emulator's built-in key)",
    )


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C or SIGTERM; prints the base URL, beta URL and accepted key(s) first."""
    try:
        from ._server import DeepSeekEmulator
    except ImportError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        emulator = DeepSeekEmulator(args.api_keys, host=args.host, port=args.port)
        try:
            emulator.start()
        except RuntimeError as exc:
            print(str(exc), file=sys.stderr)
            return 1
        try:
            print(f"DeepSeek emulator listening on {emulator.base_url}")
            print(f"base_url:      {emulator.base_url}")
            print(f"beta_base_url: {emulator.beta_base_url}")
            for key in emulator.api_keys:
                print(f"api_key:       {key}")
            print("Press Ctrl-C to stop.", flush=True)
            while not stop.wait(0.5):
                pass
        finally:
            emulator.stop()
        print("DeepSeek emulator stopped.", flush=True)
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m deepseek_openai.testing", description="Run the offline DeepSeek API emulator."
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))
