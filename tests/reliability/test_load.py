"""Load: 500 concurrent async streaming requests over the loopback emulator, three rounds.

Each round must end with zero errors and every stream complete (a finish_reason and usage on the
final chunk). After the rounds, with the client closed, the process holds no more file descriptors
than before (no leaked sockets) and its memory is back near where it was after the first round.
Retries are off so a failure cannot hide behind a successful retry; the emulator counts exactly
one request per stream.
"""

from __future__ import annotations

import asyncio
import gc
import os
import resource
import sys
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import httpx2
import pytest

from deepseek_openai import AsyncDeepSeek, get_async_client
from deepseek_openai.testing import DeepSeekEmulator, ScriptedReply

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

CONCURRENCY = 500
ROUNDS = 3
ROUND_BOUND_SECONDS = 60.0  # a hang guard, not a speed claim
FD_SLACK = 10
MEMORY_SLACK_BYTES = 30 * 1024 * 1024
REASONING = "The user greets me; a short friendly answer will do."
CONTENT = "Hello there, friend."


@dataclass
class Outcome:
    """What one stream delivered."""

    chunks: int
    reasoning: str
    content: str
    finish_reason: str | None
    total_tokens: int | None


def _ensure_fd_limit(needed: int) -> None:
    """Client and server sockets of 500 streams live in this one process: raise the soft limit.

    A fresh machine often starts with a soft limit of 1024, below what 500 loopback connections
    (two descriptors each) need; the hard limit is normally far higher.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    if soft < needed:
        pytest.fail(f"this test needs {needed} open files, the hard limit is {hard}: raise it (ulimit -Hn)")


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _rss_bytes() -> int:
    """Resident set size from /proc/self/status (kB there)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS line in /proc/self/status")


def _settled_rss() -> int:
    gc.collect()
    gc.collect()
    return _rss_bytes()


async def _one_stream(client: AsyncDeepSeek) -> Outcome:
    stream = await client.chat.completions.create(
        model="deepseek-flash",
        messages=[{"role": "user", "content": "hello"}],
        stream=True,
        stream_options={"include_usage": True},
        max_tokens=256,
    )
    chunks, reasoning, content = 0, [], []
    finish_reason: str | None = None
    total_tokens: int | None = None
    async with stream:
        async for chunk in stream:
            chunks += 1
            if chunk.usage is not None:
                total_tokens = chunk.usage.total_tokens
            for choice in chunk.choices:
                delta: Any = choice.delta
                piece = (delta.model_extra or {}).get("reasoning_content")
                if piece:
                    reasoning.append(piece)
                if delta.content:
                    content.append(delta.content)
                if choice.finish_reason is not None:
                    finish_reason = choice.finish_reason
    return Outcome(chunks, "".join(reasoning), "".join(content), finish_reason, total_tokens)


async def _round(client: AsyncDeepSeek) -> list[Outcome | BaseException]:
    tasks = [_one_stream(client) for _ in range(CONCURRENCY)]
    return await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), timeout=ROUND_BOUND_SECONDS)


def _check_round(number: int, results: list[Outcome | BaseException]) -> None:
    errors = [r for r in results if isinstance(r, BaseException)]
    if errors:
        kinds = Counter(f"{type(e).__module__}.{type(e).__name__}: {str(e)[:200]}" for e in errors)
        report = "\n".join(f"  {count} x {kind}" for kind, count in kinds.most_common(10))
        print(f"round {number}: {len(errors)} errors of {len(results)}\n{report}", file=sys.stderr)
        pytest.fail(f"round {number}: {len(errors)} of {len(results)} streams failed:\n{report}")
    outcomes = [r for r in results if isinstance(r, Outcome)]
    assert len(outcomes) == CONCURRENCY
    incomplete = [o for o in outcomes if o.finish_reason is None or o.total_tokens is None]
    assert not incomplete, f"round {number}: {len(incomplete)} streams without finish_reason/usage"
    assert {o.finish_reason for o in outcomes} == {"stop"}
    assert {o.content for o in outcomes} == {CONTENT}
    assert {o.reasoning for o in outcomes} == {REASONING}
    assert all(o.total_tokens and o.total_tokens > 0 for o in outcomes)


async def test_500_concurrent_streams_three_rounds() -> None:
    """Zero errors, complete streams, no leaked descriptors, memory back near its baseline."""
    _ensure_fd_limit(4 * CONCURRENCY)
    started = time.perf_counter()
    async with DeepSeekEmulator() as emu:
        emu.queue_reply(ScriptedReply(content=CONTENT, reasoning_content=REASONING, chunks=6, times=10**9))
        fds_before = _open_fds()
        # What a user running 500 streams at once does: a pool as wide as the concurrency (the
        # default of 100 would queue the rest behind streams that hold their connection until read
        # out) and a generous timeout, since a loaded machine serves the last stream late.
        http_client = httpx2.AsyncClient(
            limits=httpx2.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY),
            timeout=httpx2.Timeout(60.0),
        )
        client = get_async_client(
            api_key=emu.api_key,
            base_url=emu.base_url,
            http_client=http_client,
            max_retries=0,  # a retried failure would hide an error
            thinking=True,
        )
        rss: list[int] = []
        async with client:
            for number in range(1, ROUNDS + 1):
                round_start = time.perf_counter()
                results = await _round(client)
                _check_round(number, results)
                rss.append(_settled_rss())
                print(
                    f"round {number}: {CONCURRENCY} streams in {time.perf_counter() - round_start:.2f} s, "
                    f"fds open {_open_fds()}, rss {rss[-1] / 2**20:.1f} MiB",
                    file=sys.stderr,
                )
        assert http_client.is_closed
        assert emu.request_count("/chat/completions") == CONCURRENCY * ROUNDS  # no retries, no extras

        # The server closes its side once it sees the client's FIN: give it a moment to do so.
        deadline = time.monotonic() + 10
        fds_after = _open_fds()
        while fds_after > fds_before + FD_SLACK and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
            fds_after = _open_fds()
    growth = rss[-1] - rss[0]
    print(
        f"fds before {fds_before}, after close {fds_after}; rss after round 1 {rss[0] / 2**20:.1f} MiB, "
        f"after round {ROUNDS} {rss[-1] / 2**20:.1f} MiB ({growth / 2**20:+.1f}); "
        f"total {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    assert fds_after <= fds_before + FD_SLACK, f"leaked descriptors: {fds_before} before, {fds_after} after"
    assert growth < MEMORY_SLACK_BYTES, f"memory grew by {growth / 2**20:.1f} MiB between rounds 1 and 3"
