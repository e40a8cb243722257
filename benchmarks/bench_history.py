"""How the request pipeline's cost grows with history length, against the SDK's own request building.

For 10, 100, 1,000 and 10,000 messages (a tool-using thinking conversation, the case where the
history policy walks every message) this times, on the same body:

- ``prepare_request``: the whole pipeline (translations, history policy, guards);
- the client seam around it (``DeepSeek._ds_prepare``: routing, body merge, pipeline, options copy);
- the SDK's own request building for that body, what ``chat.completions.create`` does before the
  network: ``maybe_transform`` of the params (its TypedDict walk over every message) and
  ``_build_request`` (URL, headers, JSON encoding). ``_build_request`` alone is reported too.

Target: linear (constant cost per message) and at most 5% of the SDK's request building.
Repetitions scale with size so every size gets a stable median (at least 15 timed calls per block
at 10,000 messages), and the three measurements alternate in blocks to share the machine's drift.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from typing import Any

import openai
from openai._models import FinalRequestOptions
from openai._utils import maybe_transform
from openai.types.chat import completion_create_params

from _common import Figure
from bench_client import BASE, KEY

SIZES = (10, 100, 1_000, 10_000)
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Weather for a city",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        },
    }
]


def history(n: int) -> list[dict[str, Any]]:
    """A tool loop in thinking mode: user, assistant (reasoning + tool call), tool result, repeated."""
    messages: list[dict[str, Any]] = [{"role": "system", "content": "You are a weather bot."}]
    i = 0
    while len(messages) < n:
        step = i % 3
        if step == 0:
            messages.append({"role": "user", "content": f"What is the weather in city {i}?"})
        elif step == 1:
            messages.append(
                {
                    "role": "assistant",
                    "content": "",
                    "reasoning_content": f"I should call get_weather for city {i}.",
                    "tool_calls": [
                        {
                            "id": f"call_{i}",
                            "type": "function",
                            "function": {"name": "get_weather", "arguments": f'{{"city": "c{i}"}}'},
                        }
                    ],
                }
            )
        else:
            messages.append({"role": "tool", "tool_call_id": f"call_{i - 1}", "content": "sunny, 21 C"})
        i += 1
    return messages[:n]


def _median_ns(fn: Callable[[], object], reps: int) -> float:
    if reps > 1:
        fn()  # warm-up (skipped for the multi-second calls)
    gc.collect()
    samples = []
    for _ in range(reps):
        t0 = time.perf_counter_ns()
        fn()
        samples.append(time.perf_counter_ns() - t0)
    return statistics.median(samples)


def run(quick: bool) -> list[Figure]:
    from deepseek_openai import DeepSeek
    from deepseek_openai._pipeline import prepare_request
    from deepseek_openai._rules import Policy

    client = openai.OpenAI(api_key=KEY, base_url=BASE)
    ours = DeepSeek(api_key=KEY, base_url=BASE)  # only its request seam is timed: nothing is sent
    policy = Policy()
    params = completion_create_params.CompletionCreateParamsNonStreaming
    figures: list[Figure] = []
    per_message: dict[int, float] = {}
    rows: dict[str, Any] = {}
    for n in SIZES:
        body: dict[str, Any] = {"model": "deepseek-flash", "messages": history(n), "tools": TOOLS}

        def sdk_build(body: dict[str, Any] = body) -> object:
            json_data = maybe_transform(body, params)
            options = FinalRequestOptions.construct(
                method="post", url="/chat/completions", json_data=json_data
            )
            return client._build_request(options)

        options = FinalRequestOptions.construct(method="post", url="/chat/completions", json_data=body)

        def pipeline(body: dict[str, Any] = body) -> object:
            return prepare_request("chat", body, policy)

        def seam_call(options: FinalRequestOptions = options) -> object:
            return ours._ds_prepare(options, None)

        def build_request(options: FinalRequestOptions = options) -> object:
            return client._build_request(options)

        reps = max(15, min(400, 40_000 // n) // (3 if quick else 1))
        # The SDK's building is 100x slower (its TypedDict transform); fewer calls give a stable median.
        sdk_reps = max(1, min(reps, 4_000 // n))
        blocks = 3 if quick else 7
        # Interleave the measurements in short alternating blocks to share the drift.
        pipe, seam, sdk, build = [], [], [], []
        for _ in range(blocks):
            pipe.append(_median_ns(pipeline, reps))
            seam.append(_median_ns(seam_call, reps))
            sdk.append(_median_ns(sdk_build, sdk_reps))
            build.append(_median_ns(build_request, reps))
        p, s, b, j = (statistics.median(x) for x in (pipe, seam, sdk, build))
        per_message[n] = s / n
        rows[str(n)] = {
            "prepare_request_us": round(p / 1e3, 2),
            "seam_us": round(s / 1e3, 2),
            "sdk_request_building_us": round(b / 1e3, 2),
            "sdk_build_request_only_us": round(j / 1e3, 2),
            "seam_ns_per_message": round(s / n, 1),
            "share_of_build_request_only": round(s / j, 4),
            "reps_per_block": reps,
            "sdk_reps_per_block": sdk_reps,
            "blocks": blocks,
        }
        share = s / b
        figures.append(
            Figure(
                f"pipeline cost, {n:,} messages (seam vs SDK request building)",
                "us",
                b / 1e3,
                s / 1e3,
                share,
                "<= 0.05",
                share <= 0.05,
                note=f"{s / n:.0f} ns/message; vs _build_request alone {s / j:.3f}",
                extra=rows[str(n)],
            )
        )
    client.close()
    ours.close()
    growth = per_message[SIZES[-1]] / per_message[SIZES[1]]
    figures.append(
        Figure(
            "pipeline linearity: seam ns/message at 10,000 vs at 100",
            "ns/message",
            per_message[SIZES[1]],
            per_message[SIZES[-1]],
            growth,
            "linear (<= 1.5)",
            growth <= 1.5,
            note="1.0 = exactly linear; 1,000: " + f"{per_message[1_000]:.0f} ns/message",
            extra=rows,
        )
    )
    return figures
