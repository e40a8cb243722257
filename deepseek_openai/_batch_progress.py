"""The progress bar of a bulk job: done and failed, tokens, spend, concurrency and an ETA (tqdm).

Shown only on a terminal (or when asked): a job run from cron, CI or a pipe prints nothing but its
final summary. The bar is redrawn from the job's counters four times a second by a timer, never per
request, so a 10,000-request job pays nothing per request for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import importlib.util
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from ._usage import UsageSummary


@dataclass
class Stats:
    """The running counters of a job (this run only; ``skipped`` counts what earlier runs did)."""

    total: int | None = None
    skipped: int = 0
    succeeded: int = 0
    failed: int = 0
    left: int = 0
    retried: int = 0
    rate_limited: int = 0
    unpriced: int = 0
    usage: UsageSummary = field(default_factory=lambda: UsageSummary(0, 0, 0, 0, 0, 0))
    cost: Decimal = Decimal(0)
    spent_before: Decimal = Decimal(0)
    concurrency: Callable[[], int] = lambda: 0
    waiting_until: dt.datetime | None = None
    last_error: str | None = None

    @property
    def finished(self) -> int:
        return self.succeeded + self.failed


def _tokens(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f}M"
    if n >= 10_000:
        return f"{n / 1000:.0f}k"
    return str(n)


def describe(stats: Stats) -> str:
    """One line of counters: what the bar shows after the count."""
    spend = stats.spent_before + stats.cost
    parts = [
        f"ok {stats.succeeded:,}",
        f"failed {stats.failed:,}",
        f"{_tokens(stats.usage.total_tokens)} tok",
        f"${spend:.4f}",
        f"conc {stats.concurrency()}",
    ]
    if stats.rate_limited:
        parts.append(f"429s {stats.rate_limited:,}")
    return " · ".join(parts)


def wants_bar(stream: IO[str]) -> bool:
    """A live bar on a terminal, when tqdm (the ``[batch]`` extra) is installed; else one-line notes."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and importlib.util.find_spec("tqdm") is not None


class Progress:
    """A tqdm bar fed by :class:`Stats`; a no-op when disabled."""

    INTERVAL = 0.25

    def __init__(
        self, stats: Stats, *, enabled: bool | None = None, stream: IO[str] | None = None, notes: bool = False
    ) -> None:
        self.stats = stats
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = wants_bar(self.stream) if enabled is None else enabled
        self.notes = notes and not self.enabled
        """Without a bar, still say in one line when the job waits for off-peak hours (it can be hours)."""
        self._bar: Any = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        total = self.stats.total
        self._bar = tqdm(
            total=total,
            initial=self.stats.skipped,
            unit="req",
            file=self.stream,
            dynamic_ncols=True,
            smoothing=0.1,
            desc="batch",
        )
        self._task = asyncio.get_running_loop().create_task(self._refresh_forever())

    async def _refresh_forever(self) -> None:
        while True:
            await asyncio.sleep(self.INTERVAL)
            self.refresh()

    def refresh(self) -> None:
        bar = self._bar
        if bar is None:
            return
        stats = self.stats
        bar.n = stats.skipped + stats.finished
        until = stats.waiting_until
        if until is not None:
            bar.set_description_str(f"waiting for off-peak until {until:%a %H:%M} UTC", refresh=False)
        else:
            bar.set_description_str("batch", refresh=False)
        bar.set_postfix_str(describe(stats), refresh=False)
        bar.refresh()

    def waiting(self, until: dt.datetime | None, now: dt.datetime) -> None:
        """The job waits for off-peak hours until ``until`` (``None``: the wait is over)."""
        self.stats.waiting_until = until
        if self._bar is not None:
            self.refresh()
        elif self.notes and until is not None:
            minutes = max(0, int((until - now).total_seconds() // 60))
            self.stream.write(
                f"deepseek-openai: peak hours: waiting for off-peak prices until {until:%a %H:%M} UTC "
                f"({minutes // 60}h{minutes % 60:02d}m)\n"
            )
            self.stream.flush()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._bar is not None:
            self.refresh()
            self._bar.close()
            self._bar = None
