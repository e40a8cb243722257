"""The command line on a pseudo-terminal: stdin, stdout and stderr all a terminal, as a person has it.

Reads are bounded by deadlines (never a timed assertion): ``expect`` waits until a text shows up in
what the terminal received, or fails the test with everything received so far.
"""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from types import TracebackType

from ._util import ROOT

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|[\x01\x02]")


def plain(text: str) -> str:
    """The text without ANSI escapes (colour, cursor moves, readline's markers) and with \\n newlines."""
    return _ANSI.sub("", text).replace("\r\n", "\n")


class Terminal:
    """``python -m deepseek_openai ARGS`` with a pseudo-terminal for all three standard streams."""

    def __init__(self, args: Sequence[str], env: Mapping[str, str], *, columns: int = 200) -> None:
        import pty
        import struct
        import termios
        from fcntl import ioctl

        self.master, slave = pty.openpty()
        ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "deepseek_openai", *args],
            env={**env, "TERM": env.get("TERM", "xterm")},
            cwd=ROOT,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
        )
        os.close(slave)
        self.raw = b""
        self.seen = 0  # how far expect() has consumed

    @property
    def text(self) -> str:
        """Everything the terminal received so far, as written (escapes included)."""
        return self.raw.decode("utf-8", "replace").replace("\r\n", "\n")

    def _pump(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            piece = os.read(self.master, 65536)
        except OSError:  # EIO: the child closed the terminal
            return False
        if not piece:
            return False
        self.raw += piece
        return True

    def expect(self, needle: str, *, within: float = 30.0) -> str:
        """Wait for ``needle`` (in the escape-free text) after the last match; returns the text between."""
        deadline = time.monotonic() + within
        while True:
            current = plain(self.text)
            index = current.find(needle, self.seen)
            if index >= 0:
                between = current[self.seen : index]
                self.seen = index + len(needle)
                return between
            alive = self._pump(0.05)  # False once the terminal is closed: nothing more can come
            if not alive or time.monotonic() > deadline:
                raise AssertionError(f"never saw {needle!r}; the terminal got:\n{current}")

    def send(self, text: str) -> None:
        os.write(self.master, text.encode("utf-8"))

    def line(self, text: str) -> None:
        self.send(text + "\r")

    def wait(self, *, within: float = 30.0) -> int:
        deadline = time.monotonic() + within
        while self.proc.poll() is None and time.monotonic() < deadline:
            self._pump(0.05)
        while self._pump(0):  # drain what is left
            if not select.select([self.master], [], [], 0)[0]:
                break
        return self.proc.wait(timeout=max(0.1, deadline - time.monotonic()))

    def __enter__(self) -> Terminal:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)
