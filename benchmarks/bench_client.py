"""Per-request overhead on an in-process transport, and client construction.

Both clients get the same ``httpx2.MockTransport`` answering a canned DeepSeek completion, so
the only difference measured is what this package adds: the request pipeline, the stream-class
swap, error and response translation.
"""

from __future__ import annotations

import json

import httpx2
import openai
from openai.types.chat import ChatCompletionMessageParam

from _common import Figure, interleave

KEY = "sk-bench-0000000000000000000000000000"
BASE = "https://api.deepseek.com"
MESSAGES: list[ChatCompletionMessageParam] = [
    {"role": "system", "content": "You are a helpful assistant."},
    {"role": "user", "content": "Say hello in one word."},
]

COMPLETION = json.dumps(
    {
        "id": "chatcmpl-bench",
        "object": "chat.completion",
        "created": 1764000000,
        "model": "deepseek-flash",
        "system_fingerprint": "fp_bench",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "logprobs": None,
                "message": {
                    "role": "assistant",
                    "content": "Hello!",
                    "reasoning_content": "The user wants a greeting, one word.",
                },
            }
        ],
        "usage": {
            "prompt_tokens": 17,
            "completion_tokens": 12,
            "total_tokens": 29,
            "prompt_cache_hit_tokens": 0,
            "prompt_cache_miss_tokens": 17,
            "completion_tokens_details": {"reasoning_tokens": 9},
        },
    }
).encode()


def _handler(request: httpx2.Request) -> httpx2.Response:
    request.read()
    return httpx2.Response(200, content=COMPLETION, headers={"content-type": "application/json"})


def nonstream_inprocess(quick: bool) -> Figure:
    """`chat.completions.create` (non-streaming), DeepSeek vs openai.OpenAI, same MockTransport."""
    from deepseek_openai import DeepSeek

    transport = httpx2.MockTransport(_handler)
    raw = openai.OpenAI(api_key=KEY, base_url=BASE, http_client=httpx2.Client(transport=transport))
    ours = DeepSeek(api_key=KEY, base_url=BASE, http_client=httpx2.Client(transport=transport))

    def call_raw() -> object:
        return raw.chat.completions.create(model="deepseek-flash", messages=MESSAGES)

    def call_ours() -> object:
        return ours.chat.completions.create(model="deepseek-flash", messages=MESSAGES)

    pair = interleave(
        call_raw, call_ours, rounds=10 if quick else 30, batch=100 if quick else 200, warmup=200
    )
    raw.close()
    ours.close()
    ratio = pair.ratio
    return Figure(
        "non-streaming chat, in-process MockTransport",
        "us/request",
        pair.raw_median / 1e3,
        pair.ours_median / 1e3,
        ratio,
        "<= 1.03",
        ratio <= 1.03,
        note=f"overhead {(pair.ours_median - pair.raw_median) / 1e3:+.1f} us/request",
        extra=pair.stats(),
    )


def construction(quick: bool) -> list[Figure]:
    """`get_client(...)` vs `openai.OpenAI(...)`, with their own http client and with a shared one."""
    from deepseek_openai import get_client

    rounds = 8 if quick else 20
    figures = []

    def raw_own() -> None:
        openai.OpenAI(api_key=KEY, base_url=BASE).close()

    def ours_own() -> None:
        get_client(api_key=KEY, base_url=BASE).close()

    pair = interleave(raw_own, ours_own, rounds=rounds, batch=3 if quick else 5, warmup=3)
    figures.append(
        Figure(
            "client construction (own http client)",
            "ms/client",
            pair.raw_median / 1e6,
            pair.ours_median / 1e6,
            pair.ratio,
            "report",
            None,
            note="dominated by the SSL context both build",
        )
    )

    shared = httpx2.Client(transport=httpx2.MockTransport(_handler))

    def raw_shared() -> None:
        openai.OpenAI(api_key=KEY, base_url=BASE, http_client=shared)

    def ours_shared() -> None:
        get_client(api_key=KEY, base_url=BASE, http_client=shared)

    pair = interleave(raw_shared, ours_shared, rounds=rounds, batch=50 if quick else 100, warmup=20)
    shared.close()
    figures.append(
        Figure(
            "client construction (shared http client)",
            "us/client",
            pair.raw_median / 1e3,
            pair.ours_median / 1e3,
            pair.ratio,
            "report",
            None,
            note="ours: settings (cached per DEEPSEEK_* environment), key and URL checks, guards",
        )
    )
    return figures


def run(quick: bool) -> list[Figure]:
    return [nonstream_inprocess(quick), *construction(quick)]
