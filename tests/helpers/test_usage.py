"""usage_summary and estimate_cost: cache hits counted, peak / off-peak priced exactly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from openai.types import CompletionUsage
from openai.types.chat import ChatCompletionChunk, ChatCompletionMessageParam

from deepseek_openai import AsyncDeepSeek, DeepSeek, DeepSeekRequestError
from deepseek_openai._catalogue import MODELS
from deepseek_openai._reasoning import iter_events
from deepseek_openai._usage import UsageSummary, estimate_cost, usage_summary

DEEPSEEK_USAGE: dict[str, Any] = {
    "prompt_tokens": 1000,
    "completion_tokens": 300,
    "total_tokens": 1300,
    "prompt_cache_hit_tokens": 800,
    "prompt_cache_miss_tokens": 200,
    "prompt_tokens_details": {"cached_tokens": 800},
    "completion_tokens_details": {"reasoning_tokens": 120},
}
PEAK = dt.datetime(2026, 11, 25, 2, 30, tzinfo=dt.UTC)  # a Wednesday, 01:00-04:00 UTC
OFF_PEAK = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
WEEKEND = dt.datetime(2026, 11, 28, 2, 30, tzinfo=dt.UTC)  # Saturday: off-peak all day


def test_summary_from_a_usage_object_reads_the_extras() -> None:
    s = usage_summary(CompletionUsage.construct(**DEEPSEEK_USAGE))
    assert s == UsageSummary(1000, 300, 1300, 800, 200, 120)
    assert s.cache_hit_ratio == 0.8
    assert s.answer_tokens == 180


def test_summary_from_dict_completion_and_stream_chunk_agree() -> None:
    as_dict = usage_summary(DEEPSEEK_USAGE)
    chunk = ChatCompletionChunk.construct(
        id="c",
        object="chat.completion.chunk",
        created=1,
        model="deepseek-flash",
        choices=[],
        usage=DEEPSEEK_USAGE,
    )
    assert usage_summary(chunk) == as_dict == usage_summary({"usage": DEEPSEEK_USAGE})


def test_openai_shape_only_falls_back_to_cached_tokens() -> None:
    s = usage_summary(
        {
            "prompt_tokens": 100,
            "completion_tokens": 5,
            "total_tokens": 105,
            "prompt_tokens_details": {"cached_tokens": 40},
        }
    )
    assert (s.cache_hit_tokens, s.cache_miss_tokens, s.reasoning_tokens) == (40, 60, 0)


def test_without_cache_figures_every_input_token_is_a_miss() -> None:
    s = usage_summary({"prompt_tokens": 10, "completion_tokens": 2, "total_tokens": 12})
    assert (s.cache_hit_tokens, s.cache_miss_tokens) == (0, 10)


def test_summaries_add_up() -> None:
    one = usage_summary(DEEPSEEK_USAGE)
    assert sum([one, one]) == one + one == UsageSummary(2000, 600, 2600, 1600, 400, 240)


def test_missing_usage_says_how_to_get_it() -> None:
    chunk = ChatCompletionChunk.construct(id="c", object="x", created=1, model="m", choices=[], usage=None)
    with pytest.raises(DeepSeekRequestError, match="include_usage"):
        usage_summary(chunk)
    with pytest.raises(DeepSeekRequestError, match="not a token count"):
        usage_summary({"prompt_tokens": -1, "completion_tokens": 0})


@pytest.mark.parametrize("model", ["deepseek-flash", "deepseek-v4-pro"])
def test_cost_at_peak_and_off_peak(model: str) -> None:
    p = MODELS[model].prices
    peak = (800 * p.cache_hit_input + 200 * p.cache_miss_input + 300 * p.output) / Decimal(1_000_000)
    assert estimate_cost(DEEPSEEK_USAGE, model, at=PEAK) == peak
    assert estimate_cost(DEEPSEEK_USAGE, model, at=OFF_PEAK) == peak / 2
    assert estimate_cost(DEEPSEEK_USAGE, model, at=WEEKEND) == peak / 2


def test_cost_exact_figures_for_flash() -> None:
    # 800 x 0.006 + 200 x 0.30 + 300 x 1.20 = 4.8 + 60 + 360 = 424.8 USD per million
    assert estimate_cost(DEEPSEEK_USAGE, "deepseek-flash", at=PEAK) == Decimal("0.0004248")
    assert estimate_cost(DEEPSEEK_USAGE, "deepseek-flash", at=OFF_PEAK) == Decimal("0.0002124")
    # Ignoring the cache (all 1000 input tokens as misses) would overstate it:
    assert estimate_cost(
        {"prompt_tokens": 1000, "completion_tokens": 300}, "deepseek-flash", at=PEAK
    ) == Decimal("0.00066")


def test_holidays_are_off_peak() -> None:
    assert estimate_cost(DEEPSEEK_USAGE, "deepseek-flash", at=PEAK, holidays={PEAK.date()}) == Decimal(
        "0.0002124"
    )


def test_aliases_and_retired_names_price_as_their_model() -> None:
    flash = estimate_cost(DEEPSEEK_USAGE, "deepseek-flash", at=PEAK)
    assert estimate_cost(DEEPSEEK_USAGE, "deepseek-v4-flash", at=PEAK) == flash
    assert estimate_cost(DEEPSEEK_USAGE, "deepseek-chat", at=PEAK) == flash


def test_unknown_model_is_a_clear_error() -> None:
    with pytest.raises(DeepSeekRequestError, match="no prices for model 'gpt-4o'") as info:
        estimate_cost(DEEPSEEK_USAGE, "gpt-4o", at=PEAK)
    assert "deepseek-flash" in str(info.value)


def test_cost_of_a_completion_uses_its_created_time(deepseek_client: DeepSeek) -> None:
    reply = deepseek_client.chat.completions.create(
        model="deepseek-flash", messages=[{"role": "user", "content": "hi"}]
    )
    created = dt.datetime.fromtimestamp(reply.created, dt.UTC)
    assert estimate_cost(reply, "deepseek-flash") == estimate_cost(reply.usage, "deepseek-flash", at=created)
    s = usage_summary(reply)
    assert s.cache_hit_tokens + s.cache_miss_tokens == s.prompt_tokens
    assert s.reasoning_tokens > 0


async def test_stream_usage_chunk_over_the_emulator(async_deepseek_client: AsyncDeepSeek) -> None:
    messages: list[ChatCompletionMessageParam] = [
        {"role": "user", "content": "a long enough question to be cached " * 20}
    ]
    await async_deepseek_client.chat.completions.create(model="deepseek-flash", messages=messages)
    stream = await async_deepseek_client.chat.completions.create(
        model="deepseek-flash", messages=messages, stream=True, stream_options={"include_usage": True}
    )
    chunks = [c async for c in stream]
    s = usage_summary(chunks[-1])
    assert s.cache_hit_tokens > 0  # the repeated prompt hit the emulator's cache
    assert s.cache_hit_tokens + s.cache_miss_tokens == s.prompt_tokens


def test_final_message_usage(deepseek_client: DeepSeek) -> None:
    stream = deepseek_client.chat.completions.create(
        model="deepseek-flash",
        messages=[{"role": "user", "content": "hi"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    events = iter_events(stream)
    list(events)
    assert usage_summary(events.final).total_tokens == events.final.usage.total_tokens
