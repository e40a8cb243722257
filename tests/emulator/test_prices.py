"""The emulator's own model table: prices, the off-peak discount, peak hours, limits and concurrency.

Every expected figure is a literal from ../shared/deepseek-api.md (section 4, pricing copy of
2026-11-15; other facts 2026-09-11), never read from ``testing._models`` itself, so a wrong price or
hour in the emulator fails here instead of being mirrored by the test.
"""

from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from deepseek_openai.testing import sample_png
from deepseek_openai.testing._app import EmulatorState
from deepseek_openai.testing._errors import ApiError
from deepseek_openai.testing._models import (
    ACCEPTED_MODELS,
    CANONICAL_MODELS,
    CONTEXT_LENGTH,
    FIM_MAX_TOKENS,
    MAX_OUTPUT_TOKENS,
    MODELS,
    default_max_tokens,
    is_peak,
    price_usd,
)
from deepseek_openai.testing._validation import parse_chat

MILLION = 1_000_000

# USD per 1M tokens (section 4): (model, peak?, cache hit, cache miss, output)
PRICES = [
    ("deepseek-flash", True, "0.006", "0.30", "1.20"),
    ("deepseek-flash", False, "0.003", "0.15", "0.60"),
    ("deepseek-v4-pro", True, "0.044", "1.32", "3.96"),
    ("deepseek-v4-pro", False, "0.022", "0.66", "1.98"),
]


@pytest.mark.parametrize(("model", "peak", "hit", "miss", "out"), PRICES)
def test_price_per_million_tokens_of_each_kind(model: str, peak: bool, hit: str, miss: str, out: str) -> None:
    assert price_usd(model, MILLION, 0, 0, peak=peak) == Decimal(hit)
    assert price_usd(model, 0, MILLION, 0, peak=peak) == Decimal(miss)
    assert price_usd(model, 0, 0, MILLION, peak=peak) == Decimal(out)


def test_a_mixed_request_adds_the_three_prices() -> None:
    # 200K cache hits, 300K misses, 500K output on Pro at peak: 0.0088 + 0.396 + 1.98.
    assert price_usd("deepseek-v4-pro", 200_000, 300_000, 500_000, peak=True) == Decimal("2.3848")
    assert price_usd("deepseek-v4-pro", 200_000, 300_000, 500_000, peak=False) == Decimal("1.1924")
    # Flash, 1,000 tokens each: (0.006 + 0.30 + 1.20) / 1000.
    assert price_usd("deepseek-flash", 1000, 1000, 1000, peak=True) == Decimal("0.001506")


def test_no_tokens_cost_nothing() -> None:
    assert price_usd("deepseek-flash", 0, 0, 0, peak=True) == 0
    assert price_usd("deepseek-v4-pro", 0, 0, 0, peak=False) == 0


# Peak hours: 01:00-04:00 and 06:00-10:00 UTC, Monday to Friday (2026-11-16 is a Monday).
PEAK_HOURS = [
    ("Monday 00:59", dt.datetime(2026, 11, 16, 0, 59), False),
    ("Monday 01:00", dt.datetime(2026, 11, 16, 1, 0), True),
    ("Monday 03:59", dt.datetime(2026, 11, 16, 3, 59), True),
    ("Monday 04:00", dt.datetime(2026, 11, 16, 4, 0), False),
    ("Monday 05:59", dt.datetime(2026, 11, 16, 5, 59), False),
    ("Monday 06:00", dt.datetime(2026, 11, 16, 6, 0), True),
    ("Monday 09:59", dt.datetime(2026, 11, 16, 9, 59), True),
    ("Monday 10:00", dt.datetime(2026, 11, 16, 10, 0), False),
    ("Monday 23:00", dt.datetime(2026, 11, 16, 23, 0), False),
    ("Friday 09:30", dt.datetime(2026, 11, 20, 9, 30), True),
    ("Friday 02:00", dt.datetime(2026, 11, 20, 2, 0), True),
    ("Saturday 02:00", dt.datetime(2026, 11, 21, 2, 0), False),
    ("Saturday 07:00", dt.datetime(2026, 11, 21, 7, 0), False),
    ("Sunday 08:00", dt.datetime(2026, 11, 22, 8, 0), False),
    ("Sunday 01:00", dt.datetime(2026, 11, 22, 1, 0), False),
]


@pytest.mark.parametrize(("name", "moment", "peak"), PEAK_HOURS, ids=[p[0] for p in PEAK_HOURS])
def test_peak_hours(name: str, moment: dt.datetime, peak: bool) -> None:
    assert is_peak(moment.replace(tzinfo=dt.UTC)) is peak


def test_models_and_aliases() -> None:
    assert CANONICAL_MODELS == ("deepseek-flash", "deepseek-v4-pro")
    assert ACCEPTED_MODELS == {
        "deepseek-flash": "deepseek-flash",
        "deepseek-v4-pro": "deepseek-v4-pro",
        "deepseek-v4-flash": "deepseek-flash",
        "deepseek-v4-flash-vision-exp": "deepseek-flash",
    }
    assert "deepseek-chat" not in ACCEPTED_MODELS
    assert "deepseek-reasoner" not in ACCEPTED_MODELS


def test_limits_of_the_model_table() -> None:
    assert CONTEXT_LENGTH == 1_048_576  # "1M"
    assert MAX_OUTPUT_TOKENS == 393_216
    assert FIM_MAX_TOKENS == 4096


@pytest.mark.parametrize(
    ("thinking", "effort", "expected"),
    [(False, "none", 8_192), (True, "low", 65_536), (True, "high", 65_536), (True, "max", 131_072)],
)
def test_default_max_tokens(thinking: bool, effort: str, expected: int) -> None:
    # 8K non-thinking, 64K thinking, 128K at effort max (section 4).
    assert default_max_tokens(thinking, effort) == expected


IMAGE: dict[str, Any] = {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}
# A file part with inline data (a file id must name an uploaded file: tests/vision covers those).
FILE: dict[str, Any] = {
    "type": "file",
    "file": {"file_data": "data:image/png;base64," + base64.b64encode(sample_png(8, 8)).decode()},
}


@pytest.mark.parametrize("part", [IMAGE, FILE], ids=["image_url", "file"])
@pytest.mark.parametrize(("model", "accepted"), [("deepseek-flash", True), ("deepseek-v4-pro", False)])
def test_vision_only_on_flash(part: dict[str, Any], model: str, accepted: bool) -> None:
    body = {"model": model, "messages": [{"role": "user", "content": [{"type": "text", "text": "?"}, part]}]}
    verdict = parse_chat(body, beta=False)
    if accepted:
        assert not isinstance(verdict, ApiError), verdict
    else:
        assert isinstance(verdict, ApiError)
        assert verdict.status == 400


@pytest.mark.parametrize(("model", "limit"), [("deepseek-flash", 2500), ("deepseek-v4-pro", 500)])
def test_concurrency_limit_per_account(model: str, limit: int) -> None:
    assert MODELS[model].concurrency == limit
    state = EmulatorState()
    slot = ("sk-test", None)
    for _ in range(limit):
        assert state.acquire(slot, MODELS[model].concurrency) is None
    assert state.acquire(slot, MODELS[model].concurrency) == (limit + 1, limit)  # 429 beyond it
    state.release(slot)
    assert state.acquire(slot, MODELS[model].concurrency) is None  # a finished request frees its slot


def test_concurrency_is_counted_per_user_id() -> None:
    state = EmulatorState(concurrency_limit=1)
    assert state.acquire(("k", "alice"), 2500) is None
    assert state.acquire(("k", "bob"), 2500) is None
    assert state.acquire(("k", "alice"), 2500) == (2, 1)


def test_a_lower_limit_set_on_the_emulator_wins() -> None:
    state = EmulatorState(concurrency_limit=2)
    slot = ("k", None)
    assert state.acquire(slot, 500) is None
    assert state.acquire(slot, 500) is None
    assert state.acquire(slot, 500) == (3, 2)
    state.reset()
    assert state.concurrency_limit == 2
    with pytest.raises(ValueError, match="concurrency_limit"):
        EmulatorState(concurrency_limit=0)


def test_a_request_is_charged_at_the_documented_price() -> None:
    """The balance drops by the cost of the usage the response reports, at Pro's documented prices."""
    import deepseek_openai as ds
    from deepseek_openai.testing import DeepSeekEmulator

    with DeepSeekEmulator(default_balance="10.00") as emu:
        client = ds.get_client(api_key=emu.api_key, base_url=emu.base_url, max_retries=0)
        with client:
            response = client.chat.completions.create(
                model="deepseek-v4-pro", messages=[{"role": "user", "content": "Say hello in French."}]
            )
        spent = Decimal("10.00") - emu.balance()
    usage = ds.usage_summary(response)
    assert usage.prompt_tokens > 0
    assert usage.completion_tokens > 0
    peak = (
        usage.cache_hit_tokens * Decimal("0.044")
        + usage.cache_miss_tokens * Decimal("1.32")
        + usage.completion_tokens * Decimal("3.96")
    ) / MILLION
    # Which window applies depends on the hour the test runs; both figures are the document's.
    assert spent in (peak, peak / 2), (spent, peak)
