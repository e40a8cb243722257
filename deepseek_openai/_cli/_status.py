"""The line on stderr that says the command is alive: a spinner while waiting, the retry in progress.

Drawn only when stderr is a terminal (never into a file or a pipe), by a daemon thread that
redraws one line ten times a second and erases it when it stops. Anything else written to the
terminal while it spins goes through :meth:`Status.above`, which erases the line, writes, and
lets the spinner draw again below. Standard library only.
"""

from __future__ import annotations

import logging
import threading
import time
from types import TracebackType
from typing import IO, Self

_FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
_ASCII_FRAMES = "|/-\\"
_CLEAR = "\r\x1b[2K"
_INTERVAL = 0.1


class Status:
    """One status line on a terminal's stderr; a no-op elsewhere."""

    def __init__(self, stream: IO[str] | None, *, enabled: bool, unicode: bool = True) -> None:
        self.stream = stream
        self.enabled = enabled and stream is not None
        self.frames = _FRAMES if unicode else _ASCII_FRAMES
        self.lock = threading.RLock()
        self._text = ""
        self._detail = ""
        self._since = time.monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._drawn = False

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self, text: str) -> None:
        """Show ``text`` with a spinner and the seconds since this call (restarts a stopped line)."""
        with self.lock:
            self._text, self._detail, self._since = text, "", time.monotonic()
        if not self.enabled or self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="deepseek-openai-status", daemon=True)
        self._thread.start()

    def update(self, text: str | None = None, *, detail: str | None = None) -> None:
        """Change the text (the clock keeps running) or the detail shown after it."""
        with self.lock:
            if text is not None:
                self._text = text
            if detail is not None:
                self._detail = detail

    def stop(self) -> None:
        """Erase the line and stop drawing (idempotent)."""
        thread = self._thread
        if thread is None:
            return
        self._stop.set()
        thread.join()
        self._thread = None
        with self.lock:
            self._erase()

    @property
    def running(self) -> bool:
        return self._thread is not None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- writing beside it ----------------------------------------------------------------------

    def above(self, stream: IO[str], text: str) -> None:
        """Write ``text`` to ``stream`` without tearing the status line (it is redrawn after)."""
        with self.lock:
            self._erase()
            stream.write(text)
            stream.flush()

    # -- drawing --------------------------------------------------------------------------------

    def _run(self) -> None:
        frame = 0
        # The first frame waits one interval too: an answer that comes at once shows no flicker.
        while not self._stop.wait(_INTERVAL):
            with self.lock:
                self._draw(self.frames[frame % len(self.frames)])
            frame += 1

    def _draw(self, spinner: str) -> None:
        assert self.stream is not None
        elapsed = time.monotonic() - self._since
        detail = f" · {self._detail}" if self._detail else ""
        self.stream.write(f"{_CLEAR}{spinner} {self._text}{detail} · {elapsed:.1f} s")
        self.stream.flush()
        self._drawn = True

    def _erase(self) -> None:
        if self._drawn and self.stream is not None:
            self.stream.write(_CLEAR)
            self.stream.flush()
            self._drawn = False


class RetryWatcher(logging.Handler):
    """Turns the client's retry log records into the status line's text while a request waits."""

    def __init__(self, status: Status) -> None:
        super().__init__(logging.INFO)
        self.status = status

    def emit(self, record: logging.LogRecord) -> None:
        retry = getattr(record, "deepseek_retry", None)
        if retry is None:
            return
        attempt, most, status_code = retry
        why = _RETRY_REASONS.get(status_code, f"HTTP {status_code}") if status_code else "connection failed"
        self.status.update(f"{why}, retry {attempt} of {most}")


_RETRY_REASONS = {
    429: "rate limited (429)",
    500: "server error (500)",
    502: "bad gateway (502)",
    503: "server overloaded (503)",
    504: "gateway timeout (504)",
}


class Above:
    """A stream for log handlers that writes through :meth:`Status.above`, so lines never tear the spinner."""

    def __init__(self, status: Status, stream: IO[str]) -> None:
        self.status = status
        self.stream = stream

    def write(self, text: str) -> int:
        self.status.above(self.stream, text)
        return len(text)

    def flush(self) -> None:
        self.stream.flush()
