"""Bulk jobs against the emulator: every request once, failures sorted, limits found, money and clock kept."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx2
import pytest

from deepseek_openai import (
    AsyncDeepSeek,
    DeepSeekRequestError,
    arun_batch,
    batch_status,
    get_async_client,
    get_client,
    run_batch,
)
from deepseek_openai.testing import DeepSeekEmulator, Fault

from .conftest import answered, ids, request, results, write_requests

UTC = dt.UTC


async def test_an_openai_batch_file_runs_unchanged_and_every_request_has_one_line(
    emu: DeepSeekEmulator, client: AsyncDeepSeek, tmp_path: Path
) -> None:
    source = write_requests(tmp_path / "in.jsonl", 40)
    out = tmp_path / "out.jsonl"
    result = await arun_batch(source, out, client=client, concurrency=8)
    assert result.complete
    assert result.stop_reason == "finished"
    assert (result.total, result.succeeded, result.failed, result.left) == (40, 40, 0, 0)
    assert ids(out) == {f"request-{i}": 1 for i in range(40)}
    line = results(out)[0]
    assert set(line) == {"id", "custom_id", "response", "error"}
    assert line["error"] is None
    response = line["response"]
    assert response["status_code"] == 200
    assert response["body"]["object"] == "chat.completion"
    assert response["request_id"]  # DeepSeek's x-ds-trace-id
    assert emu.request_count("/chat/completions") == 40
    assert result.usage.total_tokens == sum(
        r["response"]["body"]["usage"]["total_tokens"] for r in results(out)
    )
    assert result.cost > 0


async def test_a_file_written_for_openai_models_runs_with_model_replaced(
    emu: DeepSeekEmulator, client: AsyncDeepSeek, tmp_path: Path
) -> None:
    source = write_requests(tmp_path / "in.jsonl", 5, model="gpt-4o-mini")
    out = tmp_path / "out.jsonl"
    result = await arun_batch(source, out, client=client, model="deepseek-flash")
    assert result.complete
    assert {r.json["model"] for r in emu.requests} == {"deepseek-flash"}


async def test_refused_requests_become_error_lines_and_are_never_retried(
    emu: DeepSeekEmulator, client: AsyncDeepSeek, tmp_path: Path
) -> None:
    lines = [
        request(0),
        request(1),  # the server answers 422 (injected)
        request(2, n=3),  # refused by the client's rule table: DeepSeek gives one choice
        {**request(3), "url": "/v1/embeddings"},  # no such DeepSeek endpoint: the endpoint table refuses
        request(4, stream=True),  # batches do not stream (as in OpenAI's Batch API)
        {**request(5), "method": "GET"},
        request(6, model="gpt-4o"),  # the server answers 400: no such model
    ]
    emu.inject(Fault(status=422, message="Invalid max_tokens", skip=1))
    out = tmp_path / "out.jsonl"
    result = await arun_batch(lines, out, client=client, concurrency=1)
    assert result.complete
    assert (result.succeeded, result.failed, result.retried) == (1, 6, 0)
    by_id = {r["custom_id"]: r for r in results(out)}
    assert by_id["request-1"]["response"]["status_code"] == 422
    assert by_id["request-1"]["response"]["body"]["error"]["message"] == "Invalid max_tokens"
    assert by_id["request-6"]["response"]["status_code"] == 400
    assert by_id["request-2"]["error"]["code"] == "refused"
    assert "Fix:" in by_id["request-2"]["error"]["message"]
    assert by_id["request-3"]["error"]["code"] == "refused"
    assert "embeddings" in by_id["request-3"]["error"]["message"]
    assert by_id["request-4"]["error"]["param"] == "stream"
    assert by_id["request-5"]["error"]["code"] == "invalid_request"
    # Sent once each: request-0, the 422 and the unknown model; nothing else reached the server.
    assert emu.request_count("/chat/completions") == 3
    # A rerun finds everything done and sends nothing.
    again = await arun_batch(lines, out, client=client)
    assert again.skipped == 7
    assert again.succeeded == again.failed == 0
    assert emu.request_count("/chat/completions") == 3


async def test_429_500_503_and_dropped_connections_are_retried_until_answered(
    emu: DeepSeekEmulator, client: AsyncDeepSeek, tmp_path: Path
) -> None:
    source = write_requests(tmp_path / "in.jsonl", 30)
    emu.inject(
        Fault(status=500, skip=2),
        Fault(status=429, skip=3),
        Fault(disconnect=True, skip=3),
        Fault(status=503, times=2, skip=2),
        Fault(status=429, retry_after=0.05, skip=2),
    )
    out = tmp_path / "out.jsonl"
    result = await arun_batch(source, out, client=client, concurrency=4, backoff_base=0.02)
    assert result.complete
    assert (result.succeeded, result.failed) == (30, 0)
    assert result.retried == 4
    assert result.rate_limited == 2
    assert emu.pending_faults() == 0
    assert emu.request_count("/chat/completions") == 36
    assert ids(out) == {f"request-{i}": 1 for i in range(30)}
    assert max(answered(emu).values()) == 1  # nothing answered (and charged) twice


async def test_a_request_still_failing_after_its_retries_is_left_for_a_rerun(
    emu: DeepSeekEmulator, client: AsyncDeepSeek, tmp_path: Path
) -> None:
    source = write_requests(tmp_path / "in.jsonl", 1)
    emu.inject(Fault(status=500, times=3))  # the first try and both retries
    out = tmp_path / "out.jsonl"
    result = await arun_batch(source, out, client=client, retries=2, backoff_base=0.01)
    assert result.stop_reason == "finished"
    assert not result.complete
    assert (result.succeeded, result.left, result.retried) == (0, 1, 2)
    assert "500" in (result.last_error or "")
    assert "run again" in result.summary()
    assert ids(out) == {}  # not written: a rerun sends it again
    assert batch_status(out).left == 1
    again = await arun_batch(source, out, client=client)
    assert again.complete
    assert again.succeeded == 1
    assert emu.request_count("/chat/completions") == 4


async def test_a_402_stops_the_job_cleanly_and_a_rerun_after_top_up_finishes(
    emu: DeepSeekEmulator, client: AsyncDeepSeek, tmp_path: Path
) -> None:
    source = write_requests(tmp_path / "in.jsonl", 60)
    emu.set_balance(emu.api_key, Decimal("0.0005"))  # a few requests' worth
    out = tmp_path / "out.jsonl"
    result = await arun_batch(source, out, client=client, concurrency=2)
    assert result.stop_reason == "insufficient_balance"
    assert 0 < result.succeeded < 60
    assert result.left == 60 - result.succeeded
    assert "402" in (result.last_error or "")
    assert "top up" in result.summary().lower()
    assert all(r["response"]["status_code"] == 200 for r in results(out))  # a 402 is not the request's error
    sent = emu.request_count("/chat/completions")
    assert sent <= result.succeeded + 2 + 2  # stopped at once: at most what was in flight also got a 402
    emu.set_balance(emu.api_key, 100)
    again = await arun_batch(source, out, client=client, concurrency=8)
    assert again.complete
    assert ids(out) == {f"request-{i}": 1 for i in range(60)}


async def test_the_budget_stops_the_job_before_the_spend_passes_it(
    emu: DeepSeekEmulator, client: AsyncDeepSeek, tmp_path: Path
) -> None:
    source = write_requests(tmp_path / "in.jsonl", 200, thinking={"type": "disabled"})
    out = tmp_path / "out.jsonl"
    budget = Decimal("0.0003")
    balance = emu.balance()
    result = await arun_batch(source, out, client=client, concurrency=8, budget=budget)
    charged = balance - emu.balance()
    assert result.stop_reason == "budget"
    assert 0 < result.succeeded < 200
    assert result.spent <= budget
    assert charged <= budget  # what the (emulated) server actually took
    assert "budget" in result.summary()
    # Not stopped early: what is left is less than one request's worst case, which is its body's
    # bytes as cache-miss input (USD 0.30 per 1M on Flash at peak) plus max_tokens=20 of output
    # (USD 1.20 per 1M).
    body = json.dumps(request(199, thinking={"type": "disabled"})["body"], separators=(",", ":"))
    worst = (len(body.encode()) * Decimal("0.30") + 20 * Decimal("1.20")) / 1_000_000
    assert budget - result.spent < worst
    # The budget covers the job, earlier runs included: the same budget sends nothing more.
    sent = emu.request_count("/chat/completions")
    same = await arun_batch(source, out, client=client, budget=budget)
    assert same.stop_reason == "budget"
    assert same.succeeded == 0
    assert emu.request_count("/chat/completions") == sent
    more = await arun_batch(source, out, client=client, budget="1.00")
    assert more.complete
    assert ids(out) == {f"request-{i}": 1 for i in range(200)}


class TickingClock:
    """A fake UTC clock: each reading moves it on by ``tick``; its sleep moves it at once."""

    def __init__(self, start: dt.datetime, tick: dt.timedelta, emu: DeepSeekEmulator) -> None:
        self.now = start
        self.tick = tick
        self.emu = emu
        self.sent_while_asleep: list[int] = []
        self.slept = 0.0

    def __call__(self) -> dt.datetime:
        now = self.now
        self.now += self.tick
        return now

    async def sleep(self, seconds: float) -> None:
        before = self.emu.request_count("/chat/completions")
        await asyncio.sleep(0.001)
        self.sent_while_asleep.append(self.emu.request_count("/chat/completions") - before)
        self.now += dt.timedelta(seconds=seconds)
        self.slept += seconds


async def test_off_peak_waits_for_the_window_and_pauses_when_peak_hours_start(
    emu: DeepSeekEmulator, client: AsyncDeepSeek, tmp_path: Path
) -> None:
    source = write_requests(tmp_path / "in.jsonl", 60)
    out = tmp_path / "out.jsonl"
    # Wednesday 03:59 (peak until 04:00), the clock moving a second per reading: the job waits a
    # minute, then sends everything from 04:00.
    clock = TickingClock(dt.datetime(2026, 11, 18, 3, 59, tzinfo=UTC), dt.timedelta(seconds=1), emu)
    first = await arun_batch(
        source, out, client=client, concurrency=1, when="off-peak", clock=clock, sleep=clock.sleep
    )
    assert first.complete
    assert clock.slept >= 55
    assert first.waited >= 55
    assert sum(clock.sent_while_asleep) == 0  # nothing was sent before 04:00

    # From 05:59:30: about 30 requests go out before 06:00, then peak hours pause it until 10:00.
    out2 = tmp_path / "out2.jsonl"
    clock2 = TickingClock(dt.datetime(2026, 11, 18, 5, 59, 30, tzinfo=UTC), dt.timedelta(seconds=1), emu)
    counts: list[int] = []
    original = clock2.sleep

    async def sleep(seconds: float) -> None:
        counts.append(len(ids(out2)))
        await original(seconds)

    notices = io.StringIO()  # not a terminal: no bar, but the wait is said in one line
    second = await arun_batch(
        source,
        out2,
        client=client,
        concurrency=1,
        when="off-peak",
        clock=clock2,
        sleep=sleep,
        progress_stream=notices,
    )
    assert "waiting for off-peak prices until Wed 10:00 UTC" in notices.getvalue()
    assert second.complete
    # About 30 requests went out before 06:00; then nothing until 10:00 (a four-hour wait).
    assert 20 <= counts[0] <= 31
    # At most the one request admitted just before 06:00 went out during the pause.
    assert sum(clock2.sent_while_asleep) <= 1
    assert counts[-1] <= counts[0] + 1
    assert 4 * 3600 - 120 <= second.waited <= 4 * 3600 + 120
    assert "off-peak" in second.summary()


async def test_concurrency_adapts_when_the_accounts_limit_is_lowered_and_raised_mid_run(
    emu: DeepSeekEmulator, client: AsyncDeepSeek, tmp_path: Path
) -> None:
    n = 600
    source = write_requests(tmp_path / "in.jsonl", n)
    out = tmp_path / "out.jsonl"
    emu.inject(Fault(delay=0.01, times=10**6))  # every answer takes 10 ms, so requests overlap
    task = asyncio.create_task(arun_batch(source, out, client=client, concurrency=24, backoff_base=0.02))

    async def until_sent(count: int) -> None:
        for _ in range(3000):  # bounded: 30 s
            if emu.request_count("/chat/completions") >= count or task.done():
                return
            await asyncio.sleep(0.01)

    await until_sent(100)
    peak_before = emu.peak_in_flight(reset=True)
    emu.set_concurrency_limit(5)
    await until_sent(350)
    sent_low = emu.request_count("/chat/completions")
    emu.set_concurrency_limit(None)  # back to the account's documented limit
    result = await asyncio.wait_for(task, 60)
    assert result.complete
    assert ids(out) == {f"request-{i}": 1 for i in range(n)}
    assert peak_before > 5  # the job did run above the new limit before it was lowered
    low, high = result.concurrency_range
    assert low <= 7
    assert high == 24
    # A job stuck at 24 against a limit of 5 gets most of its requests refused; this one adapts.
    assert result.rate_limited < 0.25 * (sent_low - 100)
    assert result.concurrency >= 12  # probed back up once the limit was lifted


def test_the_sync_entry_point_takes_a_sync_client_and_an_iterable(
    emu: DeepSeekEmulator, tmp_path: Path
) -> None:
    client = get_client(api_key=emu.api_key, base_url=emu.base_url)
    out = tmp_path / "out.jsonl"
    result = run_batch((request(i) for i in range(10)), out, client=client, concurrency=4)
    assert result.total is None  # an iterable of unknown length
    assert (result.succeeded, result.left, result.stop_reason) == (10, 0, "finished")
    assert result.complete
    assert len(ids(out)) == 10
    sized = run_batch([request(i) for i in range(12)], out, client=client)
    assert sized.complete
    assert (sized.skipped, sized.succeeded) == (10, 2)


async def test_an_id_given_twice_stops_the_job_before_it_is_sent(
    emu: DeepSeekEmulator, client: AsyncDeepSeek, tmp_path: Path
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(request(i % 3)) for i in range(4)) + "\n")
    with pytest.raises(DeepSeekRequestError, match="line 4: custom_id 'request-0' appears twice"):
        await arun_batch(source, tmp_path / "out.jsonl", client=client)
    assert emu.request_count() == 0  # the whole file is checked before anything is sent
    with pytest.raises(DeepSeekRequestError, match="appears twice"):
        await arun_batch([request(1), request(1)], tmp_path / "out2.jsonl", client=client)


async def test_a_cancelled_job_keeps_what_finished_and_a_rerun_completes_it(
    emu: DeepSeekEmulator, client: AsyncDeepSeek, tmp_path: Path
) -> None:
    source = write_requests(tmp_path / "in.jsonl", 200)
    out = tmp_path / "out.jsonl"
    emu.inject(Fault(delay=0.005, times=10**6))
    task = asyncio.create_task(arun_batch(source, out, client=client, concurrency=4))
    for _ in range(2000):
        if out.exists() and len(out.read_bytes().splitlines()) >= 20:
            break
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    done = ids(out)
    assert 20 <= len(done) < 200
    assert max(done.values()) == 1
    status = batch_status(out)
    assert status.left == 200 - len(done)
    assert status.state == "interrupted"
    emu.reset()
    again = await arun_batch(source, out, client=client, concurrency=8)
    assert again.complete
    assert again.skipped == len(done)
    assert emu.request_count("/chat/completions") == 200 - len(done)
    assert ids(out) == {f"request-{i}": 1 for i in range(200)}


async def test_responses_bodies_go_through_the_client_to_its_responses_endpoint(tmp_path: Path) -> None:
    seen: list[httpx2.Request] = []
    reply = {
        "id": "resp_1",
        "object": "response",
        "created_at": 1764000000,
        "model": "deepseek-flash",
        "status": "completed",
        "output": [],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "usage": {"input_tokens": 10, "output_tokens": 5, "total_tokens": 15},
    }

    def handler(req: httpx2.Request) -> httpx2.Response:
        req.read()
        seen.append(req)
        return httpx2.Response(200, json=reply, headers={"x-ds-trace-id": "trace-9"})

    http = httpx2.AsyncClient(transport=httpx2.MockTransport(handler))
    client = get_async_client(api_key="sk-test", base_url="https://api.deepseek.com", http_client=http)
    line = {
        "custom_id": "r1",
        "method": "POST",
        "url": "/v1/responses",
        "body": {"model": "deepseek-flash", "input": "Hi"},
    }
    out = tmp_path / "out.jsonl"
    result = await arun_batch([line], out, client=client)
    assert result.complete
    assert [str(r.url) for r in seen] == ["https://api.deepseek.com/responses"]
    assert json.loads(seen[0].content)["input"] == "Hi"
    written = results(out)[0]["response"]
    assert written == {"status_code": 200, "request_id": "trace-9", "body": reply}
    assert result.usage.total_tokens == 15  # Responses usage read in its own names
    await client.close()


def test_the_progress_bar_shows_counts_spend_and_concurrency_only_when_asked(
    emu: DeepSeekEmulator, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    source = write_requests(tmp_path / "in.jsonl", 5)
    stream = io.StringIO()

    async def go(**kwargs: Any) -> None:
        async with get_async_client(api_key=emu.api_key, base_url=emu.base_url) as client:
            await arun_batch(source, tmp_path / f"out{len(kwargs)}.jsonl", client=client, **kwargs)

    asyncio.run(go(progress=True, progress_stream=stream))
    bar = stream.getvalue()
    assert "5/5" in bar
    assert "ok 5" in bar
    assert "conc " in bar
    assert "$" in bar
    asyncio.run(go())  # not a terminal: quiet
    assert capfd.readouterr().err == ""
