"""Bulk jobs: ``run_batch`` against the hand-written ``asyncio.gather`` with a semaphore, same emulator.

The emulator runs in its own process (no shared GIL). Each round runs both sides back to back, in
alternating order, on the same OpenAI Batch input file and the same concurrency:

- **raw** ("gather"): what users write today: read the file into a list, ``asyncio.gather`` one
  coroutine per line behind an ``asyncio.Semaphore``, ``client.chat.completions.create(...)`` on
  an ``AsyncDeepSeek``, one JSON line written per answer (no resume, no retry policy, no budget).
- **ours**: ``arun_batch`` on the same file with the same client and concurrency (input streamed,
  OpenAI Batch output lines appended and fsynced, usage priced, limits kept).

Figures: throughput (requests/s; ratio ours/raw, target >= 0.98), client CPU per request
(``time.process_time`` of this process; the server is elsewhere), and memory: the peak Python
memory (tracemalloc) of a job of N and of 4N requests for each side (flat means the 4N job needs
no more than the N one; the gather holds every coroutine at once, so it grows with N).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import Figure

CONCURRENCY = 64

_SERVER = """
import sys
from deepseek_openai.testing import DeepSeekEmulator
with DeepSeekEmulator() as emu:
    print(emu.base_url, emu.api_key, flush=True)
    sys.stdin.read()  # serve until the benchmark closes our stdin
"""


def _write_input(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            body = {
                "model": "deepseek-flash",
                "messages": [{"role": "user", "content": f"Classify item {i} as A or B."}],
                "max_tokens": 16,
                "thinking": {"type": "disabled"},
            }
            line = {"custom_id": f"item-{i}", "method": "POST", "url": "/v1/chat/completions", "body": body}
            handle.write(json.dumps(line) + "\n")


async def _gather(client: Any, source: Path, out: Path) -> None:
    """The hand-written job: a list of lines, a semaphore, gather, one output line per answer."""
    requests = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()]
    semaphore = asyncio.Semaphore(CONCURRENCY)
    with out.open("w", encoding="utf-8") as handle:

        async def one(request: dict[str, Any]) -> None:
            body = dict(request["body"])
            thinking = body.pop("thinking")
            async with semaphore:
                completion = await client.chat.completions.create(**body, extra_body={"thinking": thinking})
            handle.write(
                json.dumps({"custom_id": request["custom_id"], "body": completion.model_dump()}) + "\n"
            )

        await asyncio.gather(*(one(r) for r in requests))


async def _ours(client: Any, source: Path, out: Path) -> None:
    from deepseek_openai import arun_batch

    result = await arun_batch(source, out, client=client, concurrency=CONCURRENCY, progress=False)
    if not result.complete:
        raise RuntimeError(f"the job did not complete: {result.summary()}")


def _side(name: str, client: Any, source: Path, n: int, *, trace: bool = False) -> tuple[float, float, int]:
    """(requests/s, client CPU seconds per request, peak Python memory over the start in bytes;
    traced only when ``trace``, which slows the job) of one job."""
    import tracemalloc

    out = source.with_name(f"{name}-{time.monotonic_ns()}.jsonl")
    job = _gather if name == "raw" else _ours
    loop = asyncio.new_event_loop()
    grown = 0
    try:
        if trace:
            tracemalloc.start()
            base = tracemalloc.get_traced_memory()[0]
        cpu, wall = time.process_time(), time.perf_counter()
        loop.run_until_complete(job(client, source, out))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if trace:
            grown = tracemalloc.get_traced_memory()[1] - base
    finally:
        if trace:
            tracemalloc.stop()
        loop.close()
    lines = out.read_bytes().count(b"\n")
    if lines != n:
        raise RuntimeError(f"{name}: {lines} lines for {n} requests")
    out.unlink()
    return n / wall, cpu / n, grown


def _client(base: str, key: str) -> Any:
    import httpx2
    import openai

    from deepseek_openai import AsyncDeepSeek

    pool = CONCURRENCY + 16
    limits = httpx2.Limits(max_connections=pool, max_keepalive_connections=pool, keepalive_expiry=120)
    return AsyncDeepSeek(
        api_key=key, base_url=base, max_retries=0, http_client=openai.DefaultAsyncHttpxClient(limits=limits)
    )


def run(quick: bool) -> list[Figure]:
    n = 200 if quick else 2000
    rounds = 1 if quick else 5
    proc = subprocess.Popen(
        [sys.executable, "-c", _SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        base, key = proc.stdout.readline().split()
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            source = work / "requests.jsonl"
            _write_input(source, n)
            # One client per side, made on its own loop each job (httpx2 pools are loop-bound).
            raw_tp: list[float] = []
            our_tp: list[float] = []
            raw_cpu: list[float] = []
            our_cpu: list[float] = []
            ratios: list[float] = []
            warm = work / "warm-up.jsonl"
            _write_input(warm, 100)
            for name in ("ours", "raw"):  # imports, first connections
                _side(name, _client(base, key), warm, 100)
            for r in range(rounds):
                order = ("raw", "ours") if r % 2 == 0 else ("ours", "raw")
                got: dict[str, tuple[float, float, int]] = {}
                for name in order:
                    got[name] = _side(name, _client(base, key), source, n)
                raw_tp.append(got["raw"][0])
                our_tp.append(got["ours"][0])
                raw_cpu.append(got["raw"][1])
                our_cpu.append(got["ours"][1])
                ratios.append(got["ours"][0] / got["raw"][0])
            figures = [
                Figure(
                    f"bulk job, {n:,} requests at concurrency {CONCURRENCY}, vs gather + semaphore",
                    "requests/s",
                    statistics.median(raw_tp),
                    statistics.median(our_tp),
                    statistics.median(ratios),
                    ">= 0.98",
                    statistics.median(ratios) >= 0.98,
                    note=f"{rounds} rounds, per-round ratios {min(ratios):.3f}-{max(ratios):.3f}",
                    extra={"raw": [round(x, 1) for x in raw_tp], "ours": [round(x, 1) for x in our_tp]},
                ),
                Figure(
                    "bulk job client CPU per request, vs gather + semaphore",
                    "us/request",
                    statistics.median(raw_cpu) * 1e6,
                    statistics.median(our_cpu) * 1e6,
                    statistics.median(our_cpu) / statistics.median(raw_cpu),
                    "report",
                    None,
                    note="emulator in its own process",
                ),
            ]
            if not quick:
                figures.append(_memory(base, key, work, n))
            return figures
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=30)


def _memory(base: str, key: str, work: Path, n: int) -> Figure:
    """Peak Python memory of a job of 4N requests over one of N, per side (tracemalloc): 1.0 is flat."""
    big = work / "big.jsonl"
    _write_input(big, 4 * n)
    small = work / "requests.jsonl"
    growth: dict[str, tuple[int, int]] = {}
    for name in ("ours", "raw"):
        g_small = _side(name, _client(base, key), small, n, trace=True)[2]
        g_big = _side(name, _client(base, key), big, 4 * n, trace=True)[2]
        growth[name] = (g_small, g_big)
    mib = 1024 * 1024
    ours_ratio = growth["ours"][1] / max(growth["ours"][0], mib)
    raw_ratio = growth["raw"][1] / max(growth["raw"][0], mib)
    return Figure(
        f"bulk job memory, peak of a {4 * n:,}-request job over a {n:,}-request one",
        "MiB (4N job)",
        growth["raw"][1] / mib,
        growth["ours"][1] / mib,
        ours_ratio,
        "flat (<= 1.5)",
        ours_ratio <= 1.5,
        note=f"N job: raw {growth['raw'][0] / mib:.1f} MiB, ours {growth['ours'][0] / mib:.1f} MiB; "
        f"raw grows {raw_ratio:.2f}x",
        extra={k: [round(v / mib, 2) for v in g] for k, g in growth.items()},
    )


if __name__ == "__main__":
    from run import print_table

    print_table(run("--quick" in sys.argv))
