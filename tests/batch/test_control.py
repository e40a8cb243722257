"""What admits a bulk job's next request: the adaptive limit, the gate, the budget and the off-peak window.

Expected figures come from the DeepSeek documents (deepseek-api.md section 4, pricing page copy of
2026-11-15): 2,500 / 500 requests in flight on Flash / Pro; peak 01:00-04:00 and 06:00-10:00 UTC
Monday to Friday; Flash USD 0.30 per 1M cache-miss input and 1.20 per 1M output at peak; default
max_tokens 8K without thinking, 64K thinking, 128K at effort max.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

import pytest

from deepseek_openai._batch_control import (
    AdaptiveLimit,
    Budget,
    Gate,
    Stopped,
    Window,
    cost_bound,
    max_output_tokens,
    next_off_peak,
    refuse,
    start_concurrency,
)

UTC = dt.UTC
WEDNESDAY_0200 = dt.datetime(2026, 11, 18, 2, 0, tzinfo=UTC)  # peak (01-04)
WEDNESDAY_0500 = dt.datetime(2026, 11, 18, 5, 0, tzinfo=UTC)  # off-peak (04-06)


def test_concurrency_starts_from_the_documented_account_limits() -> None:
    assert start_concurrency("deepseek-flash", None) == 2500
    assert start_concurrency("deepseek-v4-pro", None) == 500
    assert start_concurrency("deepseek-v4-flash", None) == 2500  # an alias, served by Flash
    assert start_concurrency("some-new-model", None) == 500  # unknown: the smallest documented limit
    assert start_concurrency("deepseek-flash", 32) == 32


def test_a_429_cuts_the_limit_once_per_round_and_successes_probe_back_up() -> None:
    limit = AdaptiveLimit(100)
    epoch = limit.epoch
    assert limit.rate_limited(epoch, in_flight=100)
    assert limit.value == 70
    # More 429s from requests sent before the cut are the same event: no further cut.
    assert not limit.rate_limited(epoch, in_flight=90)
    assert limit.value == 70
    # A 429 for a request sent after the cut means the account's limit is lower still.
    assert limit.rate_limited(limit.epoch, in_flight=70)
    assert limit.value == 49
    # One clean round trip (as many successes as the limit) adds one, then two, then four...
    limit.success(49)
    assert limit.value == 50
    limit.success(50)
    assert limit.value == 52
    for _ in range(40):
        limit.success(limit.value)
    assert limit.value == 100  # never above the cap
    assert (limit.lowest, limit.highest) == (49, 100)


def test_the_limit_never_falls_below_one() -> None:
    limit = AdaptiveLimit(2)
    for _ in range(5):
        limit.rate_limited(limit.epoch, in_flight=1)
    assert limit.value == 1


async def test_the_gate_holds_requests_at_the_limit_first_come_first_served() -> None:
    gate = Gate(AdaptiveLimit(2, cap=10))
    stopping: set[asyncio.Future[None]] = set()
    await gate.acquire(stopping)
    await gate.acquire(stopping)
    order: list[int] = []

    async def wait(n: int) -> None:
        await gate.acquire(stopping)
        order.append(n)

    waiters = [asyncio.create_task(wait(n)) for n in range(3)]
    await _turns()
    assert gate.in_flight == 2
    assert order == []
    gate.release()
    await _turns()
    assert order == [0]
    gate.limit.set(4)  # the limit grew: wake() admits the rest
    gate.wake()
    await asyncio.gather(*waiters)
    assert order == [0, 1, 2]
    assert gate.in_flight == 4


async def test_a_stopping_job_ends_its_waits_without_taking_a_slot() -> None:
    gate = Gate(AdaptiveLimit(1))
    mine: set[asyncio.Future[None]] = set()
    others: set[asyncio.Future[None]] = set()
    await gate.acquire(mine)
    waiter = asyncio.create_task(gate.acquire(mine))
    other = asyncio.create_task(gate.acquire(others))  # another job sharing the gate
    await _turns()
    refuse(mine)
    with pytest.raises(Stopped):
        await waiter
    assert gate.in_flight == 1
    assert not other.done()
    gate.release()
    await _turns()
    assert other.done()
    assert gate.in_flight == 1


async def test_a_cancelled_waiter_gives_its_slot_back() -> None:
    gate = Gate(AdaptiveLimit(1))
    stopping: set[asyncio.Future[None]] = set()
    await gate.acquire(stopping)
    waiter = asyncio.create_task(gate.acquire(stopping))
    await asyncio.sleep(0)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    gate.release()
    assert gate.in_flight == 0
    await gate.acquire(stopping)
    assert gate.in_flight == 1


def test_the_most_a_request_can_cost_comes_from_its_cap_or_the_servers_default() -> None:
    body = {"model": "deepseek-flash", "messages": [], "max_tokens": 1000}
    assert max_output_tokens("chat", body, thinking=None, effort=None) == 1000
    plain = {"model": "deepseek-flash", "messages": []}
    assert max_output_tokens("chat", plain, thinking=None, effort=None) == 65_536  # thinking is on by default
    assert max_output_tokens("chat", plain, thinking=False, effort=None) == 8_192
    off = {**plain, "thinking": {"type": "disabled"}}
    assert max_output_tokens("chat", off, thinking=None, effort=None) == 8_192
    assert (
        max_output_tokens("chat", {**plain, "reasoning_effort": "max"}, thinking=None, effort=None) == 131_072
    )
    responses = {"model": "deepseek-flash", "input": "hi", "reasoning": {"effort": "max"}}
    assert max_output_tokens("responses", responses, thinking=None, effort=None) == 131_072
    assert (
        max_output_tokens("responses", {**responses, "max_output_tokens": 5}, thinking=None, effort=None) == 5
    )
    # Flash at peak: 1,000 body bytes as cache-miss input at 0.30/1M, 1,000 output tokens at 1.20/1M.
    assert cost_bound("chat", body, 1000, thinking=None, effort=None) == Decimal("0.0015")
    assert cost_bound("chat", {"model": "gpt-4o", "max_tokens": 5}, 10, thinking=None, effort=None) is None


async def test_the_budget_admits_only_what_cannot_pass_it() -> None:
    budget = Budget(Decimal("1.00"), spent=Decimal("0.40"))
    stopping = asyncio.Event()
    assert await budget.reserve(Decimal("0.30"), stopping)
    assert await budget.reserve(Decimal("0.30"), stopping)
    # 0.40 spent + 0.60 reserved: the next 0.30 must wait until a request settles.
    third = asyncio.create_task(budget.reserve(Decimal("0.30"), stopping))
    await asyncio.sleep(0)
    assert not third.done()
    budget.settle(Decimal("0.30"), Decimal("0.00"))  # it cost far less than its worst case
    assert await asyncio.wait_for(third, 5)
    assert budget.spent == Decimal("0.40")
    budget.settle(Decimal("0.30"), Decimal("0.50"))
    budget.settle(Decimal("0.30"), Decimal("0.50"))
    # 1.45 spent would only happen if the bounds were wrong; with nothing in flight it never fits.
    assert not await budget.reserve(Decimal("0.01"), stopping)


def test_the_next_off_peak_moment_follows_the_documented_windows() -> None:
    assert next_off_peak(WEDNESDAY_0200) == dt.datetime(2026, 11, 18, 4, tzinfo=UTC)
    assert next_off_peak(WEDNESDAY_0500) == WEDNESDAY_0500
    assert next_off_peak(dt.datetime(2026, 11, 18, 9, 30, tzinfo=UTC)) == dt.datetime(
        2026, 11, 18, 10, tzinfo=UTC
    )
    friday_0630 = dt.datetime(2026, 11, 20, 6, 30, tzinfo=UTC)
    assert next_off_peak(friday_0630) == dt.datetime(2026, 11, 20, 10, tzinfo=UTC)
    # A holiday weekday is priced off-peak all day.
    holiday = frozenset({dt.date(2026, 11, 18)})
    assert next_off_peak(WEDNESDAY_0200, holiday) == WEDNESDAY_0200


async def _turns() -> None:
    for _ in range(10):
        await asyncio.sleep(0)


class FakeClock:
    """A clock whose sleep moves time on at once (no real waiting)."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.slept: list[float] = []

    def __call__(self) -> dt.datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += dt.timedelta(seconds=seconds)
        await asyncio.sleep(0)


async def test_the_window_waits_through_peak_hours_in_steps_it_reports() -> None:
    clock = FakeClock(WEDNESDAY_0200)
    shown: list[dt.datetime | None] = []
    window = Window(clock, clock.sleep, on_wait=shown.append)
    await window.wait(asyncio.Event())
    assert clock.now == dt.datetime(2026, 11, 18, 4, tzinfo=UTC)
    assert sum(clock.slept) == 2 * 3600
    assert max(clock.slept) <= Window.POLL  # never one long sleep: a stop is noticed within a minute
    assert shown == [dt.datetime(2026, 11, 18, 4, tzinfo=UTC), None]
    assert window.waited == 2 * 3600
    await window.wait(asyncio.Event())  # off-peak: passes at once
    assert window.waits == 1


async def test_a_stop_ends_the_off_peak_wait() -> None:
    clock = FakeClock(WEDNESDAY_0200)
    stopping = asyncio.Event()

    async def stop_soon(seconds: float) -> None:
        await clock.sleep(seconds)
        if len(clock.slept) == 3:
            stopping.set()

    window = Window(clock, stop_soon)
    with pytest.raises(Stopped):
        await window.wait(stopping)
    assert len(clock.slept) == 3
