"""The model catalogue: ids, aliases, retired names, dated rows, unknown names, peak windows, prices."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Iterator
from decimal import Decimal

import pytest

from deepseek_openai import CATALOGUE_DATE, Feature, capability, resolve_model
from deepseek_openai._catalogue import (
    ALIASES,
    MODELS,
    PEAK_HOURS,
    RETIRED,
    Prices,
    Source,
    get_model,
    is_peak,
    known_model_ids,
    prices_at,
)

UTC = dt.UTC
# 2026-11-23 is a Monday; 2026-11-28 a Saturday.
MONDAY = dt.date(2026, 11, 23)
FRIDAY = dt.date(2026, 11, 27)
SATURDAY = dt.date(2026, 11, 28)
SUNDAY = dt.date(2026, 11, 29)


def at(day: dt.date, hour: int, minute: int = 0, second: int = 0, micro: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, micro, tzinfo=UTC)


def test_current_ids_are_exactly_the_two_models() -> None:
    assert known_model_ids() == ("deepseek-flash", "deepseek-v4-pro")
    for name in known_model_ids():
        r = resolve_model(name)
        assert (r.id, r.status, r.thinking, r.warn) == (name, "current", None, False)
        assert r.info is MODELS[name]
        assert r.known


@pytest.mark.parametrize("alias", ["deepseek-v4-flash", "deepseek-v4-flash-vision-exp"])
def test_aliases_resolve_to_flash_without_a_warning(alias: str) -> None:
    r = resolve_model(alias)
    assert (r.requested, r.id, r.status, r.thinking, r.warn) == (
        alias,
        "deepseek-flash",
        "alias",
        None,
        False,
    )
    assert r.info is MODELS["deepseek-flash"]
    assert get_model(alias) is MODELS["deepseek-flash"]
    assert prices_at(alias, at(MONDAY, 2)) == MODELS["deepseek-flash"].prices


@pytest.mark.parametrize(("name", "thinking"), [("deepseek-chat", False), ("deepseek-reasoner", True)])
def test_retired_names_map_to_flash_with_their_thinking_mode(name: str, thinking: bool) -> None:
    r = resolve_model(name)
    assert (r.id, r.status, r.thinking, r.warn) == ("deepseek-flash", "retired", thinking, True)
    assert r.message is not None
    assert "2026-07-24" in r.message
    assert "deepseek-flash" in r.message
    assert "400" in r.message
    assert ("thinking=False" in r.message) is (not thinking)
    row = RETIRED[name]
    assert row.retired_on == dt.datetime(2026, 7, 24, 15, 59, tzinfo=UTC)
    assert row.source.date == dt.date(2026, 7, 24)
    # A retired name is not a model you can look up as current.
    assert get_model(name) is None


@pytest.mark.parametrize("name", ["deepseek-v5", "deepseek-flash-2027", "gpt-4o", "DeepSeek-Flash", ""])
def test_unknown_names_pass_through_with_no_assumptions(name: str) -> None:
    r = resolve_model(name)
    assert (r.requested, r.id, r.status, r.thinking, r.warn, r.info) == (
        name,
        name,
        "unknown",
        None,
        False,
        None,
    )
    assert not r.known
    for feature in Feature:
        answer = capability(name, feature)
        assert answer.value is None
        assert answer.source is None
        assert not answer  # falsy, but distinguishable from False
    assert prices_at(name, at(MONDAY, 2)) is None
    assert get_model(name) is None


def test_names_are_not_matched_by_prefix() -> None:
    # A name that merely starts like a known id is unknown, not "flash-like".
    assert resolve_model("deepseek-flash-vision").status == "unknown"
    assert resolve_model("deepseek-v4-pro-2").status == "unknown"
    assert resolve_model("deepseek-chat-v2").status == "unknown"


def test_capabilities_match_the_api_page() -> None:
    assert capability("deepseek-flash", Feature.VISION).value is True
    assert capability("deepseek-v4-pro", Feature.VISION).value is False
    assert capability("deepseek-v4-flash", "vision").value is True
    for model in known_model_ids():
        for feature in (
            Feature.TOOLS,
            Feature.TOOLS_WHILE_THINKING,
            Feature.JSON_OUTPUT,
            Feature.STRICT_TOOLS,
        ):
            assert capability(model, feature).value is True
        assert MODELS[model].thinking_default is True
        assert capability(model, Feature.FIM).source == capability(model, Feature.PREFIX_COMPLETION).source
        assert capability(model, Feature.FIM).source.url.endswith("chat_prefix_completion")  # type: ignore[union-attr]
    with pytest.raises(ValueError):
        capability("deepseek-flash", "embeddings")


def test_limits_and_prices_match_the_api_page() -> None:
    for model in known_model_ids():
        limits = MODELS[model].limits
        assert limits.context_window == 1_048_576
        assert limits.max_output_tokens == 393_216
        assert (
            limits.max_stop_sequences,
            limits.max_top_logprobs,
            limits.max_tools,
            limits.fim_max_tokens,
        ) == (
            16,
            20,
            128,
            4096,
        )
    assert MODELS["deepseek-flash"].limits.concurrency == 2500
    assert MODELS["deepseek-v4-pro"].limits.concurrency == 500
    flash, pro = MODELS["deepseek-flash"].prices, MODELS["deepseek-v4-pro"].prices
    assert (flash.cache_hit_input, flash.cache_miss_input, flash.output) == (
        Decimal("0.006"),
        Decimal("0.30"),
        Decimal("1.20"),
    )
    assert (pro.cache_hit_input, pro.cache_miss_input, pro.output) == (
        Decimal("0.044"),
        Decimal("1.32"),
        Decimal("3.96"),
    )
    assert flash.currency == pro.currency == "USD"


def _sources(obj: object) -> list[Source]:
    found: list[Source] = []
    if isinstance(obj, Source):
        return [obj]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            found += _sources(getattr(obj, f.name))
    elif isinstance(obj, dict):
        for v in obj.values():
            found += _sources(v)
    return found


def test_every_row_carries_a_dated_source() -> None:
    rows: list[object] = [*MODELS.values(), *ALIASES.values(), *RETIRED.values()]
    for row in rows:
        sources = _sources(row)
        assert sources, row
        for source in sources:
            assert isinstance(source.date, dt.date)
            assert dt.date(2025, 1, 1) <= source.date <= dt.date(2026, 11, 25)
            assert source.url.startswith("https://api-docs.deepseek.com")
            assert source.date.isoformat() in str(source)
    for info in MODELS.values():
        assert info.limits.source.date == dt.date(2026, 9, 11)
        assert info.prices.source.date == dt.date(2026, 11, 15)
        for feature in Feature:
            assert capability(info.id, feature).source is not None
    assert dt.date(2026, 11, 15) == CATALOGUE_DATE


def test_catalogue_rows_are_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        MODELS["deepseek-flash"].id = "x"  # type: ignore[misc]


# ------------------------------------------------------------------------------------------
# Peak windows and prices


def test_peak_windows_are_the_documented_ones() -> None:
    assert PEAK_HOURS == ((1, 4), (6, 10))


@pytest.mark.parametrize(
    ("moment", "peak"),
    [
        (at(MONDAY, 0, 59, 59, 999999), False),
        (at(MONDAY, 1), True),
        (at(MONDAY, 3, 59, 59), True),
        (at(MONDAY, 4), False),
        (at(MONDAY, 5, 59), False),
        (at(MONDAY, 6), True),
        (at(MONDAY, 9, 59, 59, 999999), True),
        (at(MONDAY, 10), False),
        (at(MONDAY, 23, 59), False),
        (at(FRIDAY, 9, 30), True),
        (at(SATURDAY, 2), False),
        (at(SATURDAY, 7), False),
        (at(SUNDAY, 8), False),
    ],
)
def test_is_peak_at_and_around_the_boundaries(moment: dt.datetime, peak: bool) -> None:
    assert is_peak(moment) is peak
    # Naive datetimes are taken as UTC.
    assert is_peak(moment.replace(tzinfo=None)) is peak


def test_is_peak_converts_other_time_zones_to_utc() -> None:
    beijing = dt.timezone(dt.timedelta(hours=8))
    # Monday 09:30 in Beijing is Monday 01:30 UTC: peak.
    assert is_peak(dt.datetime(2026, 11, 23, 9, 30, tzinfo=beijing)) is True
    # Monday 07:30 in Beijing is Sunday 23:30 UTC: off-peak (a weekend day in UTC).
    assert is_peak(dt.datetime(2026, 11, 23, 7, 30, tzinfo=beijing)) is False
    new_york = dt.timezone(dt.timedelta(hours=-5))
    # Friday 22:00 in New York is Saturday 03:00 UTC: weekend, off-peak.
    assert is_peak(dt.datetime(2026, 11, 27, 22, 0, tzinfo=new_york)) is False
    # Sunday 20:30 in New York is Monday 01:30 UTC: peak.
    assert is_peak(dt.datetime(2026, 11, 29, 20, 30, tzinfo=new_york)) is True


def test_holidays_are_off_peak_when_given() -> None:
    assert is_peak(at(MONDAY, 2)) is True
    assert is_peak(at(MONDAY, 2), holidays={MONDAY}) is False
    assert is_peak(at(FRIDAY, 2), holidays={MONDAY}) is True


@pytest.mark.parametrize("model", ["deepseek-flash", "deepseek-v4-pro"])
def test_prices_at_boundaries(model: str) -> None:
    peak = MODELS[model].prices
    off = peak.at(peak=False)
    assert (off.cache_hit_input, off.cache_miss_input, off.output) == (
        peak.cache_hit_input / 2,
        peak.cache_miss_input / 2,
        peak.output / 2,
    )
    assert off.source == peak.source
    assert off.at(peak=False) == off
    assert peak.at(peak=True) is peak
    assert prices_at(model, at(MONDAY, 0, 59, 59)) == off
    assert prices_at(model, at(MONDAY, 1)) == peak
    assert prices_at(model, at(MONDAY, 4)) == off
    assert prices_at(model, at(MONDAY, 6)) == peak
    assert prices_at(model, at(MONDAY, 10)) == off
    assert prices_at(model, at(SATURDAY, 7)) == off
    assert prices_at(model, at(MONDAY, 7), holidays={MONDAY}) == off


def test_off_peak_prices_are_exact_decimals() -> None:
    off = prices_at("deepseek-flash", at(SUNDAY, 12))
    assert off == Prices(Decimal("0.003"), Decimal("0.15"), Decimal("0.60"), off_peak_factor=Decimal(1))
    pro_off = prices_at("deepseek-v4-pro", at(SUNDAY, 12))
    assert pro_off is not None
    assert (pro_off.cache_hit_input, pro_off.cache_miss_input, pro_off.output) == (
        Decimal("0.022"),
        Decimal("0.66"),
        Decimal("1.98"),
    )


def test_retired_names_price_as_flash() -> None:
    assert prices_at("deepseek-reasoner", at(MONDAY, 2)) == MODELS["deepseek-flash"].prices


@pytest.mark.parametrize("model", ["deepseek-flash", "deepseek-v4-pro", "deepseek-v4-flash"])
def test_default_max_tokens_follow_thinking_and_effort(model: str) -> None:
    # Models page (2026-09-11): 8K non-thinking, 64K thinking, 128K at effort "max".
    info = get_model(model)
    assert info is not None
    limits = info.limits
    assert limits.default_max_tokens_for(thinking=False) == 8_192
    assert limits.default_max_tokens_for(thinking=False, effort="max") == 8_192
    assert limits.default_max_tokens_for(thinking=True) == 65_536
    assert limits.default_max_tokens_for(thinking=True, effort=None) == 65_536
    for effort in ("low", "high", "minimal", "medium", "xhigh"):
        assert limits.default_max_tokens_for(thinking=True, effort=effort) == 65_536, effort
    # "ultra" is accepted and runs at "max".
    for effort in ("max", "ultra"):
        assert limits.default_max_tokens_for(thinking=True, effort=effort) == 131_072, effort
    # An effort the API does not know is not taken for "max".
    assert limits.default_max_tokens_for(thinking=True, effort="MAX") == 65_536
    assert limits.default_max_tokens_for(thinking=True, effort="maximum") == 65_536


def test_a_replaced_catalogue_row_is_what_a_current_name_resolves_to(monkeypatch: pytest.MonkeyPatch) -> None:
    # A current name's answer is reused while its row is the same, and rebuilt when the row changes.
    old = MODELS["deepseek-v4-pro"]
    first = resolve_model("deepseek-v4-pro")
    assert first.info is old
    assert resolve_model("deepseek-v4-pro") is first
    newer = dataclasses.replace(old, notes="a newer copy of the row")
    monkeypatch.setitem(MODELS, "deepseek-v4-pro", newer)
    r = resolve_model("deepseek-v4-pro")
    assert r is not None
    assert (r.requested, r.id, r.status, r.thinking, r.warn, r.message) == (
        "deepseek-v4-pro",
        "deepseek-v4-pro",
        "current",
        None,
        False,
        None,
    )
    assert r.info is newer
    assert r.known
    assert resolve_model("deepseek-v4-pro") is r
    assert get_model("deepseek-v4-pro") is newer
    assert capability("deepseek-v4-pro", Feature.VISION).value is False


def test_retired_names_say_which_name_and_thinking_mode_to_use_instead() -> None:
    chat = resolve_model("deepseek-chat")
    assert chat.requested == "deepseek-chat"
    assert chat.message is not None
    assert "'deepseek-chat' was retired on 2026-07-24 15:59 UTC" in chat.message
    assert "It meant 'deepseek-flash' with thinking off: " in chat.message
    assert chat.message.endswith("use model='deepseek-flash', thinking=False instead.")
    reasoner = resolve_model("deepseek-reasoner")
    assert reasoner.requested == "deepseek-reasoner"
    assert reasoner.message is not None
    assert "'deepseek-reasoner' was retired on 2026-07-24 15:59 UTC" in reasoner.message
    assert "It meant 'deepseek-flash' with thinking on: " in reasoner.message
    assert reasoner.message.endswith("use model='deepseek-flash' instead.")


def test_capability_answers_name_the_model_and_feature_and_are_truthy_when_supported() -> None:
    yes = capability("deepseek-v4-flash", "vision")
    assert (yes.model, yes.feature, yes.value) == ("deepseek-v4-flash", Feature.VISION, True)
    assert bool(yes) is True
    no = capability("deepseek-v4-pro", Feature.VISION)
    assert (no.model, no.feature, no.value) == ("deepseek-v4-pro", Feature.VISION, False)
    assert bool(no) is False
    unknown = capability("deepseek-v5", "fim")
    assert (unknown.model, unknown.feature, unknown.value, unknown.source) == (
        "deepseek-v5",
        Feature.FIM,
        None,
        None,
    )
    assert bool(unknown) is False


def test_off_peak_prices_keep_the_source_they_were_given() -> None:
    source = Source("a price list of my own", "https://example.invalid/prices", dt.date(2026, 11, 20))
    peak = Prices(Decimal("0.044"), Decimal("1.32"), Decimal("3.96"), source=source)
    off = peak.at(peak=False)
    assert off.source is source
    assert (off.cache_hit_input, off.cache_miss_input, off.output) == (
        Decimal("0.022"),
        Decimal("0.66"),
        Decimal("1.98"),
    )


@pytest.fixture
def local_time_utc_plus_8(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process's local time zone is UTC+8 (no DST), so local time differs from UTC."""
    monkeypatch.setenv("TZ", "CST-8")  # POSIX form: needs no time zone database
    time.tzset()
    assert dt.datetime(2026, 11, 23, 1, 0).astimezone().utcoffset() == dt.timedelta(hours=8)
    try:
        yield
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.usefixtures("local_time_utc_plus_8")
def test_is_peak_ignores_the_local_time_zone() -> None:
    # Naive datetimes are UTC, whatever the local zone: Monday 01:00 UTC is peak; the same wall
    # time read as Shanghai time would be Sunday 17:00 UTC (off-peak).
    assert is_peak(dt.datetime(2026, 11, 23, 1, 0)) is True
    # Sunday 23:30 UTC (aware) is off-peak, though it is Monday 07:30 in Shanghai (peak there).
    assert is_peak(dt.datetime(2026, 11, 29, 23, 30, tzinfo=UTC)) is False
    # Monday 09:30 UTC (aware) is peak, though it is Monday 17:30 in Shanghai.
    assert is_peak(dt.datetime(2026, 11, 23, 9, 30, tzinfo=UTC)) is True
    assert prices_at("deepseek-flash", dt.datetime(2026, 11, 23, 1, 0)) == Prices(
        Decimal("0.006"), Decimal("0.30"), Decimal("1.20")
    )
