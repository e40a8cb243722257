"""Over a real socket: the loopback emulator, sync non-streaming and 256 concurrent async streams.

Both sides talk to the same :class:`~deepseek_openai.testing.DeepSeekEmulator` (uvicorn in a
thread of this process) with the same request, so the server's cost is identical for both and the
ratio shows only what the client adds. The emulator answers from a script queued once, so both
sides get the same reply.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from typing import Any

import httpx2
import openai

from _common import Figure, interleave
from bench_client import MESSAGES

STREAMS = 256


async def _burst(client: openai.AsyncOpenAI, n: int) -> tuple[float, int]:
    """Run ``n`` streams at once; (seconds, errors)."""

    async def one() -> int:
        stream = await client.chat.completions.create(
            model="deepseek-flash",
            messages=MESSAGES,
            stream=True,
            extra_body={"thinking": {"type": "disabled"}},
        )
        chunks = 0
        async for _ in stream:
            chunks += 1
        return chunks

    start = time.perf_counter_ns()
    results = await asyncio.gather(*(one() for _ in range(n)), return_exceptions=True)
    elapsed = (time.perf_counter_ns() - start) / 1e9
    failed = [r for r in results if isinstance(r, BaseException) or r == 0]
    for r in failed[:3]:  # say what went wrong, not just how often
        print(f"  stream error: {type(r).__name__}: {str(r)[:200]}", file=sys.stderr)
    return elapsed, len(failed)


def run(quick: bool) -> list[Figure]:
    from deepseek_openai import DeepSeek
    from deepseek_openai.testing import DeepSeekEmulator, ScriptedReply

    figures: list[Figure] = []
    with DeepSeekEmulator() as emu:
        emu.queue_reply(ScriptedReply(content="Hello there, friend.", chunks=8, times=10**9))
        key, base = emu.api_key, emu.base_url
        # keepalive_expiry well above a round: with httpx2's default 5 s, a client idle while the other
        # ran two bursts found its 256 connections expired and reconnected them all, which charged
        # connection set-up to whichever side happened to wait longest.
        limits = httpx2.Limits(max_connections=1000, max_keepalive_connections=1000, keepalive_expiry=120)

        # -- sync, non-streaming --------------------------------------------------------------
        raw = openai.OpenAI(api_key=key, base_url=base, http_client=httpx2.Client(limits=limits))
        ours = DeepSeek(api_key=key, base_url=base, http_client=httpx2.Client(limits=limits))
        kwargs: dict[str, Any] = {"model": "deepseek-flash", "messages": MESSAGES}
        cpu_before = emu.server_cpu_seconds()
        pair = interleave(
            lambda: raw.chat.completions.create(**kwargs),
            lambda: ours.chat.completions.create(**kwargs),
            rounds=6 if quick else 24,
            batch=30 if quick else 50,
            warmup=20,
        )
        cpu_after = emu.server_cpu_seconds()
        raw.close()
        ours.close()
        extra: dict[str, Any] = dict(pair.stats())
        if cpu_before is not None and cpu_after is not None:
            extra["server_cpu_us_per_request"] = round(
                (cpu_after - cpu_before) / (2 * len(pair.raw)) * 1e6, 1
            )
            extra["client_cpu_us_per_request"] = round(
                (sum(pair.raw_cpu) + sum(pair.ours_cpu)) / (2 * len(pair.raw)) / 1e3, 1
            )
        figures.append(
            Figure(
                "non-streaming chat, loopback emulator",
                "us/request",
                pair.raw_median / 1e3,
                pair.ours_median / 1e3,
                pair.ratio,
                "<= 1.01",
                pair.ratio <= 1.01,
                note=f"overhead {(pair.ours_median - pair.raw_median) / 1e3:+.1f} us/request",
                extra=extra,
            )
        )

        thread = _streams_figure(base, key, quick, "emulator thread in this process")
        # Same GIL as the clients: the scheduling of two event-loop threads moves this figure by
        # +-10% between runs, so it is reported; the separate-process figure carries the target.
        thread.target, thread.ok = "report", None
        figures.append(thread)
    figures.extend(_separate_process(quick))
    return figures


_SERVER = """
import sys
from deepseek_openai.testing import DeepSeekEmulator, ScriptedReply
with DeepSeekEmulator() as emu:
    emu.queue_reply(ScriptedReply(content="Hello there, friend.", chunks=8, times=10**9))
    print(emu.base_url, emu.api_key, flush=True)
    sys.stdin.read()  # serve until the benchmark closes our stdin
"""


def _separate_process(quick: bool) -> list[Figure]:
    """Non-streaming and 256-stream figures with the emulator in its own process (no shared GIL),
    the set-up closest to a real server."""
    from deepseek_openai import DeepSeek

    proc = subprocess.Popen(
        [sys.executable, "-c", _SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        base, key = proc.stdout.readline().split()
        limits = httpx2.Limits(max_connections=1000, max_keepalive_connections=1000, keepalive_expiry=120)
        raw = openai.OpenAI(api_key=key, base_url=base, http_client=httpx2.Client(limits=limits))
        ours = DeepSeek(api_key=key, base_url=base, http_client=httpx2.Client(limits=limits))
        kwargs: dict[str, Any] = {"model": "deepseek-flash", "messages": MESSAGES}
        pair = interleave(
            lambda: raw.chat.completions.create(**kwargs),
            lambda: ours.chat.completions.create(**kwargs),
            rounds=6 if quick else 24,
            batch=30 if quick else 50,
            warmup=20,
        )
        raw.close()
        ours.close()
        nonstream = Figure(
            "non-streaming chat, loopback, emulator in a separate process",
            "us/request",
            pair.raw_median / 1e3,
            pair.ours_median / 1e3,
            pair.ratio,
            "<= 1.01",
            pair.ratio <= 1.01,
            note=f"overhead {(pair.ours_median - pair.raw_median) / 1e3:+.1f} us/request",
            extra=pair.stats(),
        )
        return [nonstream, _streams_figure(base, key, quick, "emulator in a separate process")]
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=30)


def _streams_figure(base: str, key: str, quick: bool, where: str) -> Figure:
    """256 concurrent async streams, raw vs ours, alternating bursts; per-round throughput ratio."""
    from deepseek_openai import AsyncDeepSeek

    # keepalive_expiry well above a round: with httpx2's default 5 s, a client idle while the other
    # ran two bursts found its 256 connections expired and reconnected them all, which charged
    # connection set-up to whichever side happened to wait longest.
    limits = httpx2.Limits(max_connections=1000, max_keepalive_connections=1000, keepalive_expiry=120)

    async def bursts() -> tuple[list[float], list[float], int, int]:
        raw_a = openai.AsyncOpenAI(
            api_key=key, base_url=base, http_client=httpx2.AsyncClient(limits=limits), max_retries=0
        )
        ours_a = AsyncDeepSeek(
            api_key=key, base_url=base, http_client=httpx2.AsyncClient(limits=limits), max_retries=0
        )
        raw_t: list[float] = []
        our_t: list[float] = []
        # Warm-up (opens the pools' connections); its errors count too.
        raw_err = (await _burst(raw_a, STREAMS))[1]
        our_err = (await _burst(ours_a, STREAMS))[1]
        for i in range(4 if quick else 10):
            order = ((raw_a, raw_t), (ours_a, our_t)) if i % 2 == 0 else ((ours_a, our_t), (raw_a, raw_t))
            for client, times in order:
                seconds, errors = await _burst(client, STREAMS)
                times.append(seconds)
                if client is raw_a:
                    raw_err += errors
                else:
                    our_err += errors
        await raw_a.close()
        await ours_a.close()
        return raw_t, our_t, raw_err, our_err

    raw_t, our_t, raw_err, our_err = asyncio.run(bursts())
    import statistics

    # Each round runs one raw and one of our bursts back to back: the per-round ratio shares the
    # machine's state; its median over rounds is the figure.
    ratio = statistics.median(r / o for r, o in zip(raw_t, our_t, strict=True))
    raw_tp = STREAMS / statistics.median(raw_t)
    our_tp = STREAMS / statistics.median(our_t)
    return Figure(
        f"{STREAMS} concurrent async streams, loopback, {where} (throughput)",
        "streams/s",
        raw_tp,
        our_tp,
        ratio,
        ">= 0.98, 0 errors",
        ratio >= 0.98 and our_err == 0,
        note=f"errors raw={raw_err} ours={our_err}",
        extra={
            "rounds": len(raw_t),
            "raw_errors": raw_err,
            "our_errors": our_err,
            "ratio_of_medians": round(our_tp / raw_tp, 4),
            "raw_seconds": [round(x, 3) for x in raw_t],
            "our_seconds": [round(x, 3) for x in our_t],
        },
    )
