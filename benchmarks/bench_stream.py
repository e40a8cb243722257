"""A 2,000-chunk reasoning-then-content stream: raw SDK iteration vs ``iter_events``.

The "raw" side is what a user of the bare SDK writes: iterate ``openai.OpenAI``'s stream and read
``reasoning_content`` from each delta's extras and ``content``. "Ours" iterates the
:class:`DeepSeek` client's stream through :func:`deepseek_openai.iter_events` (typed events and
the accumulated final message). Both read the same canned SSE body from the same MockTransport.
"""

from __future__ import annotations

import json
from typing import Any

import httpx2
import openai

from _common import Figure, interleave
from bench_client import BASE, KEY, MESSAGES

CHUNKS = 2000


def _sse_body(n: int = CHUNKS) -> bytes:
    base = {
        "id": "chatcmpl-s",
        "object": "chat.completion.chunk",
        "created": 1764000000,
        "model": "deepseek-flash",
    }
    lines = []

    def emit(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> None:
        chunk = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}]}
        chunk.update(extra)
        lines.append("data: " + json.dumps(chunk) + "\n\n")

    half = n // 2
    emit({"role": "assistant", "content": None, "reasoning_content": ""})
    for i in range(1, half):
        emit({"content": None, "reasoning_content": f"step {i} "})
    for i in range(half, n - 1):
        emit({"content": f"word{i} ", "reasoning_content": None})
    emit({"content": "", "reasoning_content": None}, "stop")
    usage = {"prompt_tokens": 17, "completion_tokens": n, "total_tokens": n + 17}
    lines.append("data: " + json.dumps({**base, "choices": [], "usage": usage}) + "\n\n")
    lines.append("data: [DONE]\n\n")
    return "".join(lines).encode()


def concurrent_inprocess(quick: bool, streams: int = 256) -> Figure:
    """256 concurrent async streams over an in-process MockTransport: the client's own cost per
    stream (process CPU), without a server sharing the machine. Supports the loopback figure."""
    import asyncio
    import statistics
    import time

    from deepseek_openai import AsyncDeepSeek

    body = _sse_body(10)

    async def handler(request: httpx2.Request) -> httpx2.Response:
        await request.aread()
        return httpx2.Response(200, content=body, headers={"content-type": "text/event-stream"})

    async def main() -> tuple[list[float], list[float]]:
        transport = httpx2.MockTransport(handler)
        raw = openai.AsyncOpenAI(
            api_key=KEY, base_url=BASE, http_client=httpx2.AsyncClient(transport=transport), max_retries=0
        )
        ours = AsyncDeepSeek(
            api_key=KEY, base_url=BASE, http_client=httpx2.AsyncClient(transport=transport), max_retries=0
        )

        async def burst(client: openai.AsyncOpenAI) -> float:
            async def one() -> None:
                stream = await client.chat.completions.create(
                    model="deepseek-flash", messages=MESSAGES, stream=True
                )
                async for _ in stream:
                    pass

            c0 = time.process_time()
            await asyncio.gather(*(one() for _ in range(streams)))
            return time.process_time() - c0

        await burst(raw)
        await burst(ours)
        raw_t: list[float] = []
        our_t: list[float] = []
        for i in range(4 if quick else 12):
            order = ((raw, raw_t), (ours, our_t)) if i % 2 == 0 else ((ours, our_t), (raw, raw_t))
            for client, times in order:
                times.append(await burst(client))
        await raw.close()
        await ours.close()
        return raw_t, our_t

    raw_t, our_t = asyncio.run(main())
    ratio = statistics.median(r / o for r, o in zip(raw_t, our_t, strict=True))
    r, o = statistics.median(raw_t), statistics.median(our_t)
    return Figure(
        f"{streams} concurrent async streams, in-process (throughput by CPU)",
        "streams/s",
        streams / r,
        streams / o,
        ratio,
        ">= 0.98",
        ratio >= 0.98,
        note=f"{(o - r) / streams * 1e6:+.0f} us CPU/stream; 10-chunk streams",
        extra={"rounds": len(raw_t)},
    )


def run(quick: bool) -> list[Figure]:
    from deepseek_openai import DeepSeek
    from deepseek_openai._reasoning import iter_events

    body = _sse_body()

    def handler(request: httpx2.Request) -> httpx2.Response:
        request.read()
        return httpx2.Response(200, content=body, headers={"content-type": "text/event-stream"})

    transport = httpx2.MockTransport(handler)
    raw = openai.OpenAI(api_key=KEY, base_url=BASE, http_client=httpx2.Client(transport=transport))
    ours = DeepSeek(api_key=KEY, base_url=BASE, http_client=httpx2.Client(transport=transport))

    def raw_iterate(client: openai.OpenAI) -> int:
        n = 0
        for chunk in client.chat.completions.create(model="deepseek-flash", messages=MESSAGES, stream=True):
            for choice in chunk.choices:
                delta = choice.delta
                extra = delta.model_extra or {}
                if extra.get("reasoning_content") or delta.content:
                    n += 1
        return n

    def events(client: openai.OpenAI) -> int:
        n = 0
        stream = client.chat.completions.create(model="deepseek-flash", messages=MESSAGES, stream=True)
        for _ in iter_events(stream):
            n += 1
        return n

    assert raw_iterate(raw) == CHUNKS - 2, raw_iterate(raw)
    assert events(ours) >= CHUNKS - 2

    # Many short rounds: a stream takes ~0.3 s, and the per-round ratio is what absorbs the drift.
    rounds, batch = (6, 2) if quick else (16, 2)
    full = interleave(lambda: raw_iterate(raw), lambda: events(ours), rounds=rounds, batch=batch, warmup=2)
    adapter = interleave(lambda: raw_iterate(raw), lambda: events(raw), rounds=rounds, batch=batch, warmup=1)
    raw.close()
    ours.close()
    return [
        concurrent_inprocess(quick),
        Figure(
            f"{CHUNKS}-chunk reasoning stream: DeepSeek + iter_events vs raw SDK iteration",
            "ms/stream",
            full.raw_median / 1e6,
            full.ours_median / 1e6,
            full.ratio,
            "<= 1.05",
            full.ratio <= 1.05,
            note=f"{(full.ours_median - full.raw_median) / CHUNKS:+.0f} ns/chunk",
            extra=full.stats(),
        ),
        Figure(
            f"{CHUNKS}-chunk stream: iter_events alone (same openai.OpenAI stream)",
            "ms/stream",
            adapter.raw_median / 1e6,
            adapter.ours_median / 1e6,
            adapter.ratio,
            "<= 1.05",
            adapter.ratio <= 1.05,
            note=f"{(adapter.ours_median - adapter.raw_median) / CHUNKS:+.0f} ns/chunk",
            extra=adapter.stats(),
        ),
    ]
