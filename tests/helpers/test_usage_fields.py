"""usage_summary and estimate_cost field by field: where each figure comes from, what a bad one says.

Prices are literals from ../shared/deepseek-api.md (section 4, 2026-11-15), never the catalogue's.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from openai.types import CompletionUsage
from openai.types.chat import ChatCompletion

from deepseek_openai import DeepSeekRequestError
from deepseek_openai._usage import UsageSummary, estimate_cost, usage_summary

PEAK = dt.datetime(2026, 11, 25, 2, 30, tzinfo=dt.UTC)  # a Wednesday, 01:00-04:00 UTC
OFF_PEAK = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
MILLION = Decimal(1_000_000)


def test_deepseek_cache_fields_in_pydantic_extras_win_over_openais_cached_tokens() -> None:
    # As the SDK parses a real response: DeepSeek's top-level fields land in the model's extras.
    usage = CompletionUsage.model_validate(
        {
            "prompt_tokens": 1000,
            "completion_tokens": 10,
            "total_tokens": 1010,
            "prompt_cache_hit_tokens": 700,
            "prompt_cache_miss_tokens": 300,
            "prompt_tokens_details": {"cached_tokens": 650},
        }
    )
    assert usage.__pydantic_extra__  # the figures really are extras
    s = usage_summary(usage)
    assert (s.cache_hit_tokens, s.cache_miss_tokens) == (700, 300)


def test_a_parsed_completion_is_read_through_its_usage() -> None:
    completion = ChatCompletion.model_validate(
        {
            "id": "x",
            "object": "chat.completion",
            "created": int(PEAK.timestamp()),
            "model": "deepseek-v4-pro",
            "choices": [],
            "usage": {
                "prompt_tokens": 1_000_000,
                "completion_tokens": 1_000_000,
                "total_tokens": 2_000_000,
                "prompt_cache_hit_tokens": 0,
                "prompt_cache_miss_tokens": 1_000_000,
            },
        }
    )
    assert usage_summary(completion) == UsageSummary(1_000_000, 1_000_000, 2_000_000, 0, 1_000_000, 0)
    # Pro at peak: 1.32 (miss) + 3.96 (output), priced at the completion's own created time.
    assert estimate_cost(completion, "deepseek-v4-pro") == Decimal("5.28")


@pytest.mark.parametrize(
    ("usage", "expected"),
    [
        ({"completion_tokens": 5}, UsageSummary(0, 5, 5, 0, 0, 0)),
        ({"prompt_tokens": 3}, UsageSummary(3, 0, 3, 0, 3, 0)),
        ({"prompt_tokens": 3, "completion_tokens": 4}, UsageSummary(3, 4, 7, 0, 3, 0)),
        ({"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 9}, UsageSummary(3, 4, 9, 0, 3, 0)),
        ({"prompt_tokens": 10, "prompt_cache_miss_tokens": 4}, UsageSummary(10, 0, 10, 6, 4, 0)),
        ({"prompt_tokens": 10, "prompt_cache_miss_tokens": 12}, UsageSummary(10, 0, 10, 0, 12, 0)),
        ({"prompt_tokens": 10, "prompt_cache_hit_tokens": 4}, UsageSummary(10, 0, 10, 4, 6, 0)),
        ({"prompt_tokens": 10, "prompt_cache_hit_tokens": 12}, UsageSummary(10, 0, 10, 12, 0, 0)),
        ({"prompt_tokens": 10, "prompt_cache_hit_tokens": 10}, UsageSummary(10, 0, 10, 10, 0, 0)),
        (
            {"prompt_tokens": 10, "prompt_tokens_details": {"cached_tokens": 7}},
            UsageSummary(10, 0, 10, 7, 3, 0),
        ),
        (
            {
                "prompt_tokens": 10,
                "prompt_cache_miss_tokens": 2,
                "prompt_tokens_details": {"cached_tokens": 7},
            },
            UsageSummary(10, 0, 10, 7, 2, 0),
        ),
        (
            {
                "prompt_tokens": 1,
                "completion_tokens": 9,
                "completion_tokens_details": {"reasoning_tokens": 6},
            },
            UsageSummary(1, 9, 10, 0, 1, 6),
        ),
        ({"prompt_tokens": 0, "completion_tokens": 0}, UsageSummary(0, 0, 0, 0, 0, 0)),
    ],
)
def test_each_figure_and_its_default(usage: dict[str, Any], expected: UsageSummary) -> None:
    assert usage_summary(usage) == expected


def test_a_summary_passes_through_unchanged() -> None:
    s = UsageSummary(1, 2, 3, 0, 1, 0)
    assert usage_summary(s) is s
    assert usage_summary({"usage": s}) is s


def test_summaries_add_field_by_field() -> None:
    a = UsageSummary(1, 2, 3, 4, 5, 6)
    b = UsageSummary(10, 20, 30, 40, 50, 60)
    assert a + b == UsageSummary(11, 22, 33, 44, 55, 66)
    assert sum([a, b]) == a + b
    assert a.__add__(5) is NotImplemented  # type: ignore[operator]
    assert a.__radd__(1) is NotImplemented
    assert UsageSummary(0, 0, 0, 0, 0, 0).cache_hit_ratio == 0.0
    assert UsageSummary(4, 0, 4, 1, 3, 0).cache_hit_ratio == 0.25


@pytest.mark.parametrize(
    ("usage", "field"),
    [
        ({"prompt_tokens": -1}, "prompt_tokens"),
        ({"prompt_tokens": True}, "prompt_tokens"),
        ({"prompt_tokens": 1, "completion_tokens": "2"}, "completion_tokens"),
        ({"prompt_tokens": 1, "total_tokens": 1.5}, "total_tokens"),
        ({"prompt_tokens": 1, "prompt_cache_hit_tokens": -3}, "prompt_cache_hit_tokens"),
        (
            {"prompt_tokens": 1, "prompt_cache_hit_tokens": 1, "prompt_cache_miss_tokens": "x"},
            "prompt_cache_miss_tokens",
        ),
        ({"prompt_tokens": 1, "prompt_cache_miss_tokens": -1}, "prompt_cache_miss_tokens"),
        ({"prompt_tokens": 1, "completion_tokens_details": {"reasoning_tokens": -2}}, "reasoning_tokens"),
    ],
)
def test_a_bad_count_names_its_field(usage: dict[str, Any], field: str) -> None:
    with pytest.raises(DeepSeekRequestError) as info:
        usage_summary(usage)
    assert info.value.param == "usage"
    assert info.value.what.startswith(f"usage field {field}=")


@pytest.mark.parametrize(
    ("obj", "kind"),
    [({"usage": None}, "dict"), ({"usage": {"cost": 1}}, "dict"), (object(), "object"), ([], "list")],
)
def test_no_usage_says_what_it_was_given(obj: Any, kind: str) -> None:
    with pytest.raises(DeepSeekRequestError) as info:
        usage_summary(obj)
    assert info.value.param == "usage"
    assert info.value.what == f"no token usage in {kind}"


def test_a_completion_without_usage_is_not_read_as_usage() -> None:
    with pytest.raises(DeepSeekRequestError):
        usage_summary({"id": "x", "usage": {"completion_tokens_details": {}}})


USAGE = {"prompt_tokens": 1_000_000, "completion_tokens": 0, "prompt_cache_miss_tokens": 1_000_000}


def test_the_created_time_of_a_dict_completion_picks_the_window() -> None:
    peak = {"created": int(PEAK.timestamp()), "usage": USAGE}
    off = {"created": int(OFF_PEAK.timestamp()), "usage": USAGE}
    assert estimate_cost(peak, "deepseek-flash") == Decimal("0.30")
    assert estimate_cost(off, "deepseek-flash") == Decimal("0.15")
    assert estimate_cost(off, "deepseek-flash", at=PEAK) == Decimal("0.30")  # at wins over created


def test_cost_literal_prices_for_pro() -> None:
    usage = {"prompt_tokens": 2000, "completion_tokens": 1000, "prompt_cache_hit_tokens": 1000}
    # 1000 x 0.044 + 1000 x 1.32 + 1000 x 3.96 = 5.324 USD per million
    assert estimate_cost(usage, "deepseek-v4-pro", at=PEAK) == Decimal("5.324") / 1000
    assert estimate_cost(usage, "deepseek-v4-pro", at=OFF_PEAK) == Decimal("2.662") / 1000


def test_at_must_be_a_datetime() -> None:
    with pytest.raises(DeepSeekRequestError) as info:
        estimate_cost(USAGE, "deepseek-flash", at="2026-11-25")  # type: ignore[arg-type]
    assert info.value.param == "at"
    assert info.value.what == "at='2026-11-25' is not a datetime"


def test_model_must_be_a_name() -> None:
    with pytest.raises(DeepSeekRequestError) as info:
        estimate_cost(USAGE, 5, at=PEAK)  # type: ignore[arg-type]
    assert info.value.param == "model"
    assert info.value.what == "model=5 is not a model name"


def test_an_unknown_model_names_the_pricing_page() -> None:
    with pytest.raises(DeepSeekRequestError) as info:
        estimate_cost(USAGE, "gpt-4o", at=PEAK)
    assert info.value.param == "model"
    assert info.value.source is not None
    assert "2026-11-15" in str(info.value)


EPOCH_PLUS_ONE = dt.datetime(1970, 1, 1, 0, 0, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("created", "from_created"),
    [
        (1, True),
        (int(PEAK.timestamp()), True),
        (0, False),
        (-5, False),
        (True, False),
        (None, False),
        ("1", False),
    ],
)
def test_the_pricing_moment_is_the_created_time_only_when_it_is_a_positive_int(
    created: object, from_created: bool
) -> None:
    """0, negatives, bools and strings are no time; the fallback (now) is aware UTC, never local."""
    from deepseek_openai._usage import _when

    moment = _when({"created": created}, None)
    assert moment.utcoffset() == dt.timedelta(0)
    if from_created:
        assert isinstance(created, int)
        assert moment == dt.datetime.fromtimestamp(created, dt.UTC)
        assert moment.tzinfo is dt.UTC
    else:
        assert moment.year >= 2026  # now, not a moment in 1970


def test_the_created_time_of_one_second_after_the_epoch_is_kept() -> None:
    from deepseek_openai._usage import _when

    assert _when({"created": 1}, None) == EPOCH_PLUS_ONE


@pytest.mark.parametrize(
    "call",
    [
        lambda: usage_summary({"usage": None}),  # no usage
        lambda: usage_summary({"prompt_tokens": -1}),  # a bad count
        lambda: estimate_cost(USAGE, "deepseek-flash", at="2026-11-25"),  # type: ignore[arg-type]
        lambda: estimate_cost(USAGE, 5, at=PEAK),  # type: ignore[arg-type]
        lambda: estimate_cost(USAGE, "gpt-4o", at=PEAK),  # no prices
    ],
    ids=["no-usage", "bad-count", "bad-at", "bad-model", "unknown-model"],
)
def test_helper_errors_do_not_claim_a_request_was_refused(call: Any) -> None:
    """These read a response already received (or price one): nothing was about to be sent, so the
    message must not start with "Refused before sending"."""
    with pytest.raises(DeepSeekRequestError) as info:
        call()
    assert info.value.before_send is False
    assert not str(info.value).startswith("Refused before sending")
