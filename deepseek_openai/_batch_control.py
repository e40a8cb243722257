"""What decides when a bulk job may send its next request: concurrency, money and the clock.

DeepSeek limits concurrency, not requests per minute: 2,500 requests in flight on Flash and 500
on Pro per account, fewer when the balance is low, and 429 beyond that (catalogue ``Limits``).
:class:`AdaptiveLimit` starts from that figure (or the user's) and finds the account's real limit:
multiplicative decrease on a 429, then probing upward one request per round trip, faster while no
429 comes. :class:`Gate` holds requests at the current limit. :class:`Budget` admits a request only
if the spend so far, plus the worst case of everything in flight, plus this request's worst case
stays within the budget. :class:`Window` holds requests during DeepSeek's peak hours when the job
runs off-peak only (half price).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import math
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal
from typing import Any, Final

from ._catalogue import MODELS, is_peak, resolve_model
from ._thinking import effort_value, resolve_thinking

DECREASE: Final = 0.7
"""The factor a 429 multiplies the limit by (what was in flight when the server said no, times this)."""

FALLBACK_CONCURRENCY: Final = min(m.limits.concurrency or 1 for m in MODELS.values())
"""Start for a model the catalogue does not know: the smallest account limit it lists."""


class Stopped(Exception):
    """The job is stopping: a wait ended without admitting the request."""


# --------------------------------------------------------------------------------------------
# Concurrency


class AdaptiveLimit:
    """An additive-increase, multiplicative-decrease concurrency limit between 1 and ``cap``.

    Each 429 from a request sent since the last decrease cuts the limit to 0.7 times what was in
    flight; 429s from requests sent before it are already accounted for (``epoch``). Each round
    trip without one adds ``step`` (1, doubling each clean round, back to 1 after a 429), so the
    limit drops fast when the account's limit falls and climbs back within a few rounds when it
    rises.
    """

    def __init__(self, start: int, cap: int | None = None) -> None:
        self.cap = max(1, cap if cap is not None else start)
        self._limit = float(min(max(1, start), self.cap))
        self._step = 1.0
        self._round = 0
        self.epoch = 0
        self.decreases = 0
        self.lowest = self.value
        self.highest = self.value

    @property
    def value(self) -> int:
        return max(1, int(self._limit))

    def set(self, value: float) -> None:
        """Force the limit (a shared limit's share)."""
        self._limit = float(min(max(1.0, value), self.cap))
        self._seen()

    def success(self, count: int = 1) -> None:
        if self._limit >= self.cap:
            return
        self._round += count
        while self._round >= self.value and self._limit < self.cap:
            self._round -= self.value
            self._limit = min(float(self.cap), self._limit + self._step)
            self._step = min(self._step * 2, max(1.0, self._limit / 4))
        self._seen()

    def rate_limited(self, epoch: int, in_flight: int) -> bool:
        """A 429 for a request sent at ``epoch`` with ``in_flight`` requests out; True if it cut the limit."""
        if epoch < self.epoch:
            return False
        self._limit = max(1.0, min(self._limit, float(in_flight)) * DECREASE)
        self._step = 1.0
        self._round = 0
        self.epoch += 1
        self.decreases += 1
        self._seen()
        return True

    def _seen(self) -> None:
        self.lowest = min(self.lowest, self.value)
        self.highest = max(self.highest, self.value)


class Gate:
    """At most ``limit.value`` requests at once, admitted first come, first served."""

    def __init__(self, limit: AdaptiveLimit) -> None:
        self.limit = limit
        self.in_flight = 0
        self._waiters: deque[asyncio.Future[None]] = deque()

    async def acquire(self, waiting: set[asyncio.Future[None]]) -> int:
        """Wait for a slot; returns the limit's epoch at admission (see ``AdaptiveLimit.rate_limited``).

        ``waiting`` is the caller's set of pending waits: to stop, it sets :class:`Stopped` on each
        (:func:`refuse`). Several jobs may share a gate (Ray workers run batches side by side), so a
        stopping job ends only its own waits.
        """
        if not self._waiters and self.in_flight < self.limit.value:
            self.in_flight += 1
            return self.limit.epoch
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(future)
        waiting.add(future)
        try:
            await future
        except BaseException:  # refused (the job stops) or cancelled
            self._forget(future)
            raise
        finally:
            waiting.discard(future)
        return self.limit.epoch

    def _forget(self, future: asyncio.Future[None]) -> None:
        """Withdraw a waiter; a slot it was already given goes back."""
        if future.done() and not future.cancelled() and future.exception() is None:
            self.release()
            return
        with contextlib.suppress(ValueError):
            self._waiters.remove(future)

    def release(self) -> None:
        self.in_flight -= 1
        self.wake()

    def wake(self) -> None:
        """Admit waiters while there is room (the limit may have grown)."""
        while self._waiters and self.in_flight < self.limit.value:
            future = self._waiters.popleft()
            if not future.done():
                self.in_flight += 1
                future.set_result(None)


def refuse(waiting: set[asyncio.Future[None]]) -> None:
    """End every wait in ``waiting`` with :class:`Stopped` (a slot already given is kept: the
    waiter finds the job stopping and gives it back)."""
    for future in list(waiting):
        if not future.done():
            future.set_exception(Stopped())


def start_concurrency(model: str | None, given: int | None) -> int:
    """The user's figure, else the catalogue's account limit for the model, else the smallest one."""
    if given is not None:
        return given
    info = resolve_model(model).info if model else None
    if info is not None and info.limits.concurrency is not None:
        return info.limits.concurrency
    return FALLBACK_CONCURRENCY


# --------------------------------------------------------------------------------------------
# Money


_MILLION: Final = Decimal(1_000_000)


def max_output_tokens(
    kind: str, body: Mapping[str, Any], *, thinking: bool | None, effort: str | None
) -> int | None:
    """The most output tokens a request can be charged for: its own cap, else the server's default."""
    key = "max_output_tokens" if kind == "responses" else "max_tokens"
    for name in (key, "max_completion_tokens"):
        given = body.get(name)
        if isinstance(given, int) and not isinstance(given, bool) and given > 0:
            return given
    resolved = resolve_model(body["model"]) if isinstance(body.get("model"), str) else None
    if resolved is None or resolved.info is None:
        return None
    reasoning = body.get("reasoning")
    body_effort = (
        effort_value(reasoning.get("effort"))
        if kind == "responses" and isinstance(reasoning, Mapping)
        else effort_value(body.get("reasoning_effort"))
    )
    said = dict(body)
    if body_effort is not None:
        said["reasoning_effort"] = body_effort
    thinks = resolve_thinking(said, thinking=thinking, effort=effort, model=resolved)
    limits = resolved.info.limits
    if kind == "fim":
        return limits.fim_max_tokens
    return limits.default_max_tokens_for(thinking=bool(thinks), effort=body_effort or effort)


def cost_bound(
    kind: str, body: Mapping[str, Any], body_bytes: int, *, thinking: bool | None, effort: str | None
) -> Decimal | None:
    """The most a request can cost in USD, or ``None`` when its model has no prices.

    Input: every byte of the JSON body counted as a cache-miss token (a token is at least a byte,
    so this bounds the prompt from above); output: its ``max_tokens`` or the server's default for
    its thinking mode and effort. Priced at peak rates, which are never below off-peak ones.
    """
    model = body.get("model")
    info = resolve_model(model).info if isinstance(model, str) else None
    if info is None:
        return None
    out = max_output_tokens(kind, body, thinking=thinking, effort=effort)
    if out is None:
        return None
    prices = info.prices
    return (body_bytes * prices.cache_miss_input + out * prices.output) / _MILLION


class Budget:
    """Spend so far plus the worst case of what is in flight never passes ``limit``."""

    def __init__(self, limit: Decimal, spent: Decimal = Decimal(0)) -> None:
        self.limit = limit
        self.spent = spent
        self.reserved = Decimal(0)
        self.in_flight = 0
        self._changed = asyncio.Event()

    async def reserve(self, bound: Decimal, stopping: asyncio.Event) -> bool:
        """Wait until ``bound`` fits; ``False`` when it never will (nothing in flight and still too much)."""
        while True:
            if self.spent + self.reserved + bound <= self.limit:
                self.reserved += bound
                self.in_flight += 1
                return True
            if self.in_flight == 0:
                return False
            self._changed.clear()
            await _first(self._changed.wait(), stopping)
            if stopping.is_set():
                raise Stopped

    def settle(self, bound: Decimal, cost: Decimal) -> None:
        """A reserved request finished: its bound is freed and its real cost counted."""
        self.reserved -= bound
        self.in_flight -= 1
        self.spent += cost
        self._changed.set()

    @property
    def left(self) -> Decimal:
        return self.limit - self.spent


# --------------------------------------------------------------------------------------------
# The clock


Clock = Callable[[], dt.datetime]
Sleep = Callable[[float], Awaitable[None]]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def next_off_peak(now: dt.datetime, holidays: frozenset[dt.date] = frozenset()) -> dt.datetime:
    """The first moment at or after ``now`` when off-peak prices apply (windows change on the hour)."""
    if not is_peak(now, holidays=holidays):
        return now
    moment = now.replace(minute=0, second=0, microsecond=0)
    for _ in range(24 * 8):  # the windows repeat weekly
        moment += dt.timedelta(hours=1)
        if not is_peak(moment, holidays=holidays):
            return moment
    raise RuntimeError("no off-peak hour within a week")  # pragma: no cover - the catalogue has them


class Window:
    """Requests pass only off-peak; during peak hours :meth:`wait` sleeps until the window opens."""

    POLL: Final = 60.0
    """Longest single sleep, so a clock change or a stop is noticed within a minute."""

    def __init__(
        self,
        clock: Clock = utc_now,
        sleep: Sleep = asyncio.sleep,
        holidays: frozenset[dt.date] = frozenset(),
        on_wait: Callable[[dt.datetime | None], None] | None = None,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self.holidays = holidays
        self.on_wait = on_wait
        self.waited = 0.0
        """Seconds spent waiting for off-peak hours (by the clock)."""
        self.waits = 0
        self._lock = asyncio.Lock()

    def open(self) -> bool:
        return not is_peak(self.clock(), holidays=self.holidays)

    async def wait(self, stopping: asyncio.Event) -> None:
        if self.open():
            return
        async with self._lock:  # one sleeper; the others find the window open after it
            now = self.clock()
            if not is_peak(now, holidays=self.holidays):
                return
            self.waits += 1
            until = next_off_peak(now, self.holidays)
            if self.on_wait is not None:
                self.on_wait(until)
            while now < until:
                seconds = min((until - now).total_seconds(), self.POLL)
                await _first(self.sleep(seconds), stopping)
                if stopping.is_set():
                    raise Stopped
                later = self.clock()
                self.waited += max(0.0, (later - now).total_seconds())
                now = later
                until = next_off_peak(now, self.holidays)
            if self.on_wait is not None:
                self.on_wait(None)


async def _first(awaitable: Awaitable[Any], stopping: asyncio.Event) -> None:
    """Wait for ``awaitable`` or for ``stopping``, whichever comes first."""
    if stopping.is_set():
        if asyncio.iscoroutine(awaitable):
            awaitable.close()
        return
    work = asyncio.ensure_future(awaitable)
    stop = asyncio.ensure_future(stopping.wait())
    try:
        await asyncio.wait({work, stop}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (work, stop):
            if not task.done():
                task.cancel()
        await asyncio.gather(work, stop, return_exceptions=True)


def backoff(attempt: int, base: float, cap: float = 30.0) -> float:
    """Exponential backoff with equal jitter: base * 2^attempt, capped, between half and all of it."""
    import random

    delay = min(cap, base * math.pow(2, attempt))
    return delay / 2 + random.random() * delay / 2
