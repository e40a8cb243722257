"""Settings and parameters that used to slip through, refused before they can do harm; and guard_mode
"off" sending what it is given.

- Identifiers (function names, ``user``, ``user_id``) are matched whole: a trailing newline is not
  "letters, digits, _ and -" (``re.match(...$)`` let it through; the server then answered 422).
- ``DEEPSEEK_TIMEOUT=inf`` / ``nan`` / ``1e300``, an absurd ``DEEPSEEK_MAX_RETRIES`` and the same as
  arguments are configuration errors (a retry count of a billion never ends; at about a thousand,
  openai's backoff arithmetic overflows).
- A key wrapped in literal quotes is refused with the reason, never echoed.
- ``guard_mode="off"`` sends an unknown ``reasoning_effort`` or ``thinking`` unchanged (the server's
  answer is then the error), where it used to refuse them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from deepseek_openai import (
    ConfigurationError,
    DeepSeek,
    DeepSeekCompatibilityWarning,
    DeepSeekRequestError,
    DeepSeekStatusError,
    InvalidParametersError,
    get_async_client,
    get_client,
)
from deepseek_openai.testing import DeepSeekEmulator
from tests.conftest import KEY

USER: list[Any] = [{"role": "user", "content": "hi"}]


@pytest.fixture(scope="module")
def http() -> Iterator[httpx2.Client]:
    with httpx2.Client() as client:
        yield client


def _client(emu: DeepSeekEmulator, http: httpx2.Client, **kwargs: Any) -> DeepSeek:
    return get_client(api_key=emu.api_key, base_url=emu.base_url, max_retries=0, http_client=http, **kwargs)


# --------------------------------------------------------------------------------------------
# Identifiers are matched whole


NOT_IDENTIFIERS = ["get_weather\n", "\nget_weather", "get\nweather", "get_weather\r\n", "get_weather\x00"]
# Ids without backslashes: mutmut passes test ids back to pytest, which cannot select an id that has one.
NOT_IDENTIFIER_IDS = ["newline-after", "newline-before", "newline-inside", "crlf-after", "nul-after"]


@pytest.mark.parametrize("name", NOT_IDENTIFIERS, ids=NOT_IDENTIFIER_IDS)
def test_a_tool_name_with_a_line_break_is_refused_in_strict_and_rejected_by_the_server(
    name: str, deepseek_emulator: DeepSeekEmulator, http: httpx2.Client
) -> None:
    tool: Any = {"type": "function", "function": {"name": name, "parameters": {"type": "object"}}}
    for mode in ("strict", "warn"):  # DeepSeek rejects it: refused in the default mode too
        with pytest.raises(DeepSeekRequestError, match="function name"):
            _client(deepseek_emulator, http, guard_mode=mode).chat.completions.create(
                model="deepseek-flash", messages=USER, tools=[tool]
            )
    assert deepseek_emulator.request_count() == 0
    with pytest.raises(InvalidParametersError):
        _client(deepseek_emulator, http, guard_mode="off").chat.completions.create(
            model="deepseek-flash", messages=USER, tools=[tool]
        )


@pytest.mark.parametrize("value", NOT_IDENTIFIERS, ids=NOT_IDENTIFIER_IDS)
@pytest.mark.parametrize("field", ["user", "safety_identifier", "user_id"])
def test_an_end_user_id_with_a_line_break_is_never_sent_as_user_id(
    field: str, value: str, deepseek_emulator: DeepSeekEmulator, http: httpx2.Client
) -> None:
    with pytest.raises(DeepSeekRequestError, match="a-zA-Z0-9_-"):
        _client(deepseek_emulator, http, guard_mode="strict").chat.completions.create(
            model="deepseek-flash", messages=USER, extra_body={field: value}
        )
    assert deepseek_emulator.request_count() == 0
    client = _client(deepseek_emulator, http)  # the default mode, warn
    if field == "user_id":  # DeepSeek's own field: refused (the API answers 422); off lets the server say so
        with pytest.raises(DeepSeekRequestError, match="a-zA-Z0-9_-"):
            client.chat.completions.create(model="deepseek-flash", messages=USER, extra_body={field: value})
        assert deepseek_emulator.request_count() == 0
        off = client.with_options(guard_mode="off")
        with pytest.raises(InvalidParametersError, match="user_id"):
            off.chat.completions.create(model="deepseek-flash", messages=USER, extra_body={field: value})
    else:  # OpenAI's names have no faithful user_id here: dropped, with the reason
        with pytest.warns(DeepSeekCompatibilityWarning, match="a-zA-Z0-9_-"):
            client.chat.completions.create(model="deepseek-flash", messages=USER, extra_body={field: value})
        sent = deepseek_emulator.requests[-1].json
        assert "user_id" not in sent
        assert field not in sent


async def test_identifiers_with_a_line_break_are_refused_async(deepseek_emulator: DeepSeekEmulator) -> None:
    tool: Any = {"type": "function", "function": {"name": "get_weather\n", "parameters": {"type": "object"}}}
    async with get_async_client(
        api_key=deepseek_emulator.api_key, base_url=deepseek_emulator.base_url, max_retries=0
    ) as client:
        with pytest.raises(DeepSeekRequestError, match="function name"):
            await client.chat.completions.create(model="deepseek-flash", messages=USER, tools=[tool])
        with pytest.raises(DeepSeekRequestError, match="a-zA-Z0-9_-"):  # the default mode drops it instead
            await client.with_options(guard_mode="strict").chat.completions.create(
                model="deepseek-flash", messages=USER, extra_body={"user": "alice\n"}
            )
        assert deepseek_emulator.request_count() == 0
        with pytest.raises(InvalidParametersError):  # sent in off mode, and the server says no
            await client.with_options(guard_mode="off").chat.completions.create(
                model="deepseek-flash", messages=USER, tools=[tool]
            )


# --------------------------------------------------------------------------------------------
# Timeouts and retry counts


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEEPSEEK_TIMEOUT", "inf"),
        ("DEEPSEEK_TIMEOUT", "-inf"),
        ("DEEPSEEK_TIMEOUT", "nan"),
        ("DEEPSEEK_TIMEOUT", "1e300"),
        ("DEEPSEEK_TIMEOUT", "0"),
        ("DEEPSEEK_MAX_RETRIES", "1000000000"),
        ("DEEPSEEK_MAX_RETRIES", "101"),
        ("DEEPSEEK_MAX_RETRIES", "-1"),
    ],
)
def test_absurd_timeouts_and_retry_counts_in_the_environment_are_refused(
    name: str, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError) as info:
        get_client(KEY)
    assert name in str(info.value)
    assert KEY not in str(info.value)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"timeout": float("inf")},
        {"timeout": float("nan")},
        {"timeout": -1},
        {"timeout": 0},
        {"timeout": 10**12},
        {"timeout": True},
        {"timeout": "600"},
        {"timeout": httpx2.Timeout(5.0, read=float("inf"))},
        {"max_retries": 10**9},
        {"max_retries": 101},
        {"max_retries": True},
        {"max_retries": 2.5},
        {"max_retries": -1},
    ],
    ids=repr,
)
def test_absurd_timeouts_and_retry_counts_as_arguments_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError, match="Fix: "):
        get_client(KEY, **kwargs)
    with pytest.raises(ConfigurationError, match="Fix: "):
        get_client(KEY).with_options(**kwargs)
    with pytest.raises(ConfigurationError, match="Fix: "):
        get_async_client(KEY, **kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"timeout": 0.5},
        {"timeout": 86_400},
        {"timeout": None},
        {"timeout": httpx2.Timeout(None)},
        {"max_retries": 0},
    ],
    ids=repr,
)
def test_sane_timeouts_and_retry_counts_still_work(
    kwargs: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    get_client(KEY, **kwargs)
    monkeypatch.setenv("DEEPSEEK_TIMEOUT", "30")
    monkeypatch.setenv("DEEPSEEK_MAX_RETRIES", "100")
    client = get_client(KEY)
    assert client.timeout == 30.0
    assert client.max_retries == 100


# --------------------------------------------------------------------------------------------
# A key wrapped in quotes


@pytest.mark.parametrize(
    "wrapped", [f'"{KEY}"', f"'{KEY}'", f"`{KEY}`", f"\u201c{KEY}\u201d", f"{KEY}'", f'"{KEY}']
)
def test_a_key_in_quotes_is_refused_without_showing_it(wrapped: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigurationError) as info:
        get_client(wrapped)
    assert "quote" in str(info.value)
    assert KEY not in str(info.value)
    monkeypatch.setenv("DEEPSEEK_API_KEY", wrapped)
    with pytest.raises(ConfigurationError) as info:
        get_async_client()
    assert KEY not in str(info.value)


# --------------------------------------------------------------------------------------------
# guard_mode="off" sends what it is given


@pytest.mark.parametrize(
    ("extra", "status"),
    [
        ({"reasoning_effort": "turbo"}, 422),
        ({"thinking": {"type": "auto"}}, 400),
        ({"thinking": "yes"}, 400),
        ({"thinking": {"type": "auto"}, "reasoning_effort": "extreme"}, 400),
    ],
    ids=repr,
)
def test_off_mode_sends_unknown_thinking_settings_unchanged(
    extra: dict[str, Any], status: int, deepseek_emulator: DeepSeekEmulator, http: httpx2.Client
) -> None:
    for defaults in ({}, {"thinking": False}, {"effort": "max"}):
        client = _client(deepseek_emulator, http, guard_mode="off", **defaults)
        with pytest.raises(DeepSeekStatusError) as info:
            client.chat.completions.create(model="deepseek-flash", messages=USER, extra_body=extra)
        assert info.value.status_code == status
        sent = deepseek_emulator.requests[-1].json
        for key, value in extra.items():
            assert sent[key] == value, (defaults, sent)  # not refused, not replaced by the client's default


def test_warn_and_strict_mode_refuse_them(deepseek_emulator: DeepSeekEmulator, http: httpx2.Client) -> None:
    """DeepSeek rejects both (422, 400): refused before sending in the default mode too."""
    for mode in ("warn", "strict"):
        with pytest.raises(DeepSeekRequestError, match="turbo"):
            _client(deepseek_emulator, http, guard_mode=mode).chat.completions.create(
                model="deepseek-flash", messages=USER, extra_body={"reasoning_effort": "turbo"}
            )
        with pytest.raises(DeepSeekRequestError, match="thinking="):
            _client(deepseek_emulator, http, guard_mode=mode).chat.completions.create(
                model="deepseek-flash", messages=USER, extra_body={"thinking": {"type": "auto"}}
            )
    assert deepseek_emulator.request_count() == 0


async def test_off_mode_sends_them_unchanged_async(deepseek_emulator: DeepSeekEmulator) -> None:
    async with get_async_client(
        api_key=deepseek_emulator.api_key,
        base_url=deepseek_emulator.base_url,
        guard_mode="off",
        max_retries=0,
    ) as client:
        with pytest.raises(InvalidParametersError):
            await client.chat.completions.create(
                model="deepseek-flash", messages=USER, extra_body={"reasoning_effort": "turbo"}
            )
    assert deepseek_emulator.requests[-1].json["reasoning_effort"] == "turbo"
