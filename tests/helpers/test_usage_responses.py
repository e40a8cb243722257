"""usage_summary and estimate_cost on the Responses API's usage (deepseek-api.md section 12):
``input_tokens`` (hits in ``input_tokens_details.cached_tokens``), ``output_tokens`` (reasoning in
``output_tokens_details.reasoning_tokens``), ``total_tokens``; priced as section 4."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from openai.types.responses import Response, ResponseUsage
from openai.types.responses.response_usage import InputTokensDetails, OutputTokensDetails

from deepseek_openai import DeepSeek, DeepSeekRequestError
from deepseek_openai._usage import UsageSummary, estimate_cost, usage_summary

PEAK = dt.datetime(2026, 11, 25, 2, 30, tzinfo=dt.UTC)  # a Wednesday, 01:00-04:00 UTC
OFF_PEAK = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def real_usage(inp: int, cached: int, out: int, reasoning: int, total: int) -> ResponseUsage:
    return ResponseUsage(
        input_tokens=inp,
        input_tokens_details=InputTokensDetails(cached_tokens=cached, cache_write_tokens=0),
        output_tokens=out,
        output_tokens_details=OutputTokensDetails(reasoning_tokens=reasoning),
        total_tokens=total,
    )


def real_response(usage: ResponseUsage | None, created_at: float) -> Response:
    return Response.construct(
        id="resp_1",
        object="response",
        created_at=created_at,
        model="deepseek-flash",
        status="completed",
        output=[],
        usage=usage,
    )


def test_a_real_response_usage_object_is_read_field_by_field() -> None:
    usage = real_usage(1000, 600, 250, 90, 1250)
    s = usage_summary(usage)
    assert s == UsageSummary(1000, 250, 1250, 600, 400, 90)
    assert (s.prompt_tokens, s.completion_tokens, s.total_tokens) == (1000, 250, 1250)
    assert (s.cache_hit_tokens, s.cache_miss_tokens, s.reasoning_tokens) == (600, 400, 90)
    assert s.answer_tokens == 160
    assert s.cache_hit_ratio == 0.6


def test_a_response_is_read_through_its_usage() -> None:
    usage = real_usage(7, 3, 5, 2, 12)
    assert usage_summary(real_response(usage, 1.0)) == UsageSummary(7, 5, 12, 3, 4, 2)
    assert usage_summary({"usage": usage.model_dump()}) == UsageSummary(7, 5, 12, 3, 4, 2)


def test_a_response_without_usage_says_so() -> None:
    with pytest.raises(DeepSeekRequestError) as info:
        usage_summary(real_response(None, 1.0))
    assert info.value.param == "usage"
    assert info.value.what == "no token usage in Response"


@pytest.mark.parametrize(
    ("usage", "expected"),
    [
        # only one of the two counts is enough to be a Responses usage; the other defaults to 0
        ({"input_tokens": 5}, UsageSummary(5, 0, 5, 0, 5, 0)),
        ({"output_tokens": 4}, UsageSummary(0, 4, 4, 0, 0, 0)),
        ({"output_tokens": 0}, UsageSummary(0, 0, 0, 0, 0, 0)),
        # total defaults to input + output
        ({"input_tokens": 10, "output_tokens": 3}, UsageSummary(10, 3, 13, 0, 10, 0)),
        # a total given is kept as given
        ({"input_tokens": 10, "output_tokens": 3, "total_tokens": 20}, UsageSummary(10, 3, 20, 0, 10, 0)),
        # every input token cached: no misses
        (
            {"input_tokens": 8, "input_tokens_details": {"cached_tokens": 8}, "output_tokens": 1},
            UsageSummary(8, 1, 9, 8, 0, 0),
        ),
        # more cached than input (bad data): misses never go negative
        (
            {"input_tokens": 5, "input_tokens_details": {"cached_tokens": 8}, "output_tokens": 1},
            UsageSummary(5, 1, 6, 8, 0, 0),
        ),
        # details present but empty: no hits, no reasoning
        (
            {"input_tokens": 6, "input_tokens_details": {}, "output_tokens": 2, "output_tokens_details": {}},
            UsageSummary(6, 2, 8, 0, 6, 0),
        ),
        (
            {"input_tokens": 2, "output_tokens": 9, "output_tokens_details": {"reasoning_tokens": 6}},
            UsageSummary(2, 9, 11, 0, 2, 6),
        ),
    ],
)
def test_each_responses_figure_and_its_default(usage: dict[str, Any], expected: UsageSummary) -> None:
    assert usage_summary(usage) == expected
    assert usage_summary({"usage": usage}) == expected


@pytest.mark.parametrize(
    ("usage", "field"),
    [
        ({"input_tokens": -1}, "input_tokens"),
        ({"input_tokens": "3"}, "input_tokens"),
        ({"input_tokens": 1, "output_tokens": True}, "output_tokens"),
        ({"output_tokens": -2}, "output_tokens"),
        ({"input_tokens": 1, "total_tokens": 1.5}, "total_tokens"),
        ({"input_tokens": 1, "input_tokens_details": {"cached_tokens": -1}}, "cached_tokens"),
        ({"input_tokens": 1, "output_tokens_details": {"reasoning_tokens": "x"}}, "reasoning_tokens"),
    ],
)
def test_a_bad_responses_count_names_its_field(usage: dict[str, Any], field: str) -> None:
    with pytest.raises(DeepSeekRequestError) as info:
        usage_summary(usage)
    assert info.value.param == "usage"
    assert info.value.what.startswith(f"usage field {field}=")
    assert info.value.before_send is False


def test_cost_of_a_responses_usage_at_peak_and_off_peak() -> None:
    usage = real_usage(2000, 1000, 1000, 400, 3000)
    # flash, peak: (1000 x 0.006 + 1000 x 0.30 + 1000 x 1.20) / 1M = 1.506 / 1000 USD; off-peak half
    assert estimate_cost(usage, "deepseek-flash", at=PEAK) == Decimal("1.506") / 1000
    assert estimate_cost(usage, "deepseek-flash", at=OFF_PEAK) == Decimal("0.753") / 1000
    # pro, peak: 1000 x 0.044 + 1000 x 1.32 + 1000 x 3.96
    assert estimate_cost(usage, "deepseek-v4-pro", at=PEAK) == Decimal("5.324") / 1000


def test_a_response_is_priced_at_its_created_at_time() -> None:
    usage = real_usage(1_000_000, 0, 0, 0, 1_000_000)
    assert estimate_cost(real_response(usage, PEAK.timestamp()), "deepseek-flash") == Decimal("0.30")
    assert estimate_cost(real_response(usage, OFF_PEAK.timestamp()), "deepseek-flash") == Decimal("0.15")
    as_dict = {"created_at": int(PEAK.timestamp()), "usage": usage.model_dump()}
    assert estimate_cost(as_dict, "deepseek-flash") == Decimal("0.30")
    # an explicit at wins over created_at
    assert estimate_cost(real_response(usage, PEAK.timestamp()), "deepseek-flash", at=OFF_PEAK) == Decimal(
        "0.15"
    )


def test_responses_usage_from_the_emulator(deepseek_client: DeepSeek) -> None:
    question = "a long enough question to be cached " * 20
    first = deepseek_client.responses.create(model="deepseek-flash", input=question)
    second = deepseek_client.responses.create(model="deepseek-flash", input=question)
    assert first.usage is not None
    assert second.usage is not None
    s = usage_summary(second)
    assert usage_summary(second.usage) == s
    assert s.prompt_tokens == second.usage.input_tokens > 0
    assert s.completion_tokens == second.usage.output_tokens > 0
    assert s.total_tokens == second.usage.total_tokens
    assert s.cache_hit_tokens == second.usage.input_tokens_details.cached_tokens > 0
    assert s.cache_miss_tokens == second.usage.input_tokens - s.cache_hit_tokens
    assert s.reasoning_tokens == second.usage.output_tokens_details.reasoning_tokens
    created = dt.datetime.fromtimestamp(second.created_at, dt.UTC)
    assert estimate_cost(second, "deepseek-flash") == estimate_cost(s, "deepseek-flash", at=created)
