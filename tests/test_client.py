"""The client factory: types, pass-through kwargs, beta twins, copies, OpenAI env isolation, key hygiene.

Every test checks the real outgoing request recorded at an ``httpx2.MockTransport``.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx2
import openai
import pytest
from openai.types.chat import ChatCompletionMessageParam

from deepseek_openai import (
    AsyncDeepSeek,
    AuthenticationError,
    ConfigurationError,
    DeepSeek,
    DeepSeekSettings,
    __version__,
    get_async_client,
    get_client,
)
from deepseek_openai._client import check_base_url

from .conftest import KEY, Recorder

MESSAGES: list[ChatCompletionMessageParam] = [{"role": "user", "content": "Hi"}]


def _chat(client: DeepSeek, **kwargs: Any) -> Any:
    return client.chat.completions.create(model="deepseek-flash", messages=MESSAGES, **kwargs)


def _client(http_client: httpx2.Client, **kwargs: Any) -> DeepSeek:
    kwargs.setdefault("max_retries", 0)
    return get_client(KEY, http_client=http_client, **kwargs)


# ------------------------------------------------------------------------------------------
# Types and the basic request


def test_get_client_is_an_openai_client_and_sends_a_deepseek_request(
    recorder: Recorder, http_client: httpx2.Client
) -> None:
    client = _client(http_client)
    assert type(client) is DeepSeek
    assert isinstance(client, openai.OpenAI)
    result = _chat(client)
    assert result.choices[0].message.content == "Hello"
    req = recorder.last
    assert req.method == "POST"
    assert str(req.url) == "https://api.deepseek.com/chat/completions"
    assert req.headers["authorization"] == f"Bearer {KEY}"
    assert req.headers["content-type"] == "application/json"
    assert recorder.last_json() == {"model": "deepseek-flash", "messages": MESSAGES}


async def test_get_async_client_is_an_async_openai_client(
    recorder: Recorder, async_http_client: httpx2.AsyncClient
) -> None:
    client = get_async_client(KEY, http_client=async_http_client, max_retries=0)
    assert type(client) is AsyncDeepSeek
    assert isinstance(client, openai.AsyncOpenAI)
    result = await client.chat.completions.create(model="deepseek-flash", messages=MESSAGES)
    assert result.choices[0].message.content == "Hello"
    assert str(recorder.last.url) == "https://api.deepseek.com/chat/completions"
    assert recorder.last.headers["authorization"] == f"Bearer {KEY}"
    await client.close()


def test_user_agent_names_the_package_and_the_sdk(recorder: Recorder, http_client: httpx2.Client) -> None:
    _chat(_client(http_client))
    ua = recorder.last.headers["user-agent"]
    assert ua.startswith(f"deepseek-openai/{__version__}")
    assert f"openai-python/{openai.__version__}" in ua


def test_openai_kwargs_pass_through(recorder: Recorder, http_client: httpx2.Client) -> None:
    client = get_client(
        KEY,
        http_client=http_client,
        timeout=12.5,
        max_retries=5,
        default_headers={"X-Team": "search"},
        default_query={"trace": "1"},
    )
    assert client.max_retries == 5
    assert client.timeout == 12.5
    assert client._client is http_client
    _chat(client)
    req = recorder.last
    assert req.headers["x-team"] == "search"
    assert req.url.params["trace"] == "1"
    assert req.extensions["timeout"]["read"] == 12.5


def test_settings_supply_timeout_and_retries_and_kwargs_win(http_client: httpx2.Client) -> None:
    settings = DeepSeekSettings(api_key=KEY, timeout=3, max_retries=4)
    client = get_client(settings=settings, http_client=http_client)
    assert (client.timeout, client.max_retries) == (3, 4)
    client2 = get_client(settings=settings, http_client=http_client, timeout=9, max_retries=1)
    assert (client2.timeout, client2.max_retries) == (9, 1)


def test_environment_key_and_base_url_alias(
    monkeypatch: pytest.MonkeyPatch, recorder: Recorder, http_client: httpx2.Client
) -> None:
    monkeypatch.setenv("DEEPSEEK_API_KEY", KEY)
    monkeypatch.setenv("DEEPSEEK_API_BASE", "https://proxy.example.com/v1")
    client = get_client(http_client=http_client, max_retries=0)
    _chat(client)
    assert str(recorder.last.url) == "https://proxy.example.com/v1/chat/completions"
    assert recorder.last.headers["authorization"] == f"Bearer {KEY}"
    # /v1 is an alias of the root, so the beta twin goes to /beta.
    _chat(client.beta_client)
    assert str(recorder.last.url) == "https://proxy.example.com/beta/chat/completions"


def test_explicit_base_url_wins_over_environment(
    monkeypatch: pytest.MonkeyPatch, recorder: Recorder, http_client: httpx2.Client
) -> None:
    monkeypatch.setenv("DEEPSEEK_BASE_URL", "https://env.example.com")
    _chat(_client(http_client, base_url="https://arg.example.com/"))
    assert str(recorder.last.url) == "https://arg.example.com/chat/completions"


# ------------------------------------------------------------------------------------------
# Beta twins, copies


def test_beta_true_uses_the_beta_url(recorder: Recorder, http_client: httpx2.Client) -> None:
    client = _client(http_client, beta=True)
    assert client.is_beta
    _chat(client)
    assert str(recorder.last.url) == "https://api.deepseek.com/beta/chat/completions"


def test_beta_and_standard_twins_share_the_pool_and_settings(
    recorder: Recorder, http_client: httpx2.Client
) -> None:
    client = _client(http_client, guard_mode="warn", thinking=False)
    beta = client.beta_client
    assert type(beta) is DeepSeek
    assert beta.is_beta
    assert not client.is_beta
    assert beta._client is client._client is http_client
    assert beta.settings.guard_mode == "warn"
    assert beta.settings.thinking is False
    assert client.beta_client is beta  # cached
    assert client.standard_client is client
    assert beta.beta_client is beta
    std = beta.standard_client
    assert not std.is_beta
    assert std._client is http_client
    _chat(beta)
    assert str(recorder.last.url) == "https://api.deepseek.com/beta/chat/completions"
    assert recorder.last_json()["thinking"] == {"type": "disabled"}
    _chat(std)
    assert str(recorder.last.url) == "https://api.deepseek.com/chat/completions"


def test_beta_base_url_given_directly_gives_a_beta_client(
    recorder: Recorder, http_client: httpx2.Client
) -> None:
    client = _client(http_client, base_url="https://proxy.example.com/beta")
    assert client.is_beta
    _chat(client.standard_client)
    assert str(recorder.last.url) == "https://proxy.example.com/chat/completions"


def test_explicit_beta_base_url_setting(recorder: Recorder, http_client: httpx2.Client) -> None:
    settings = DeepSeekSettings(api_key=KEY, beta_base_url="https://beta.example.com/b")
    _chat(get_client(settings=settings, beta=True, http_client=http_client, max_retries=0))
    assert str(recorder.last.url) == "https://beta.example.com/b/chat/completions"


def test_base_url_and_beta_base_url_given_together_keep_both(
    recorder: Recorder, http_client: httpx2.Client
) -> None:
    settings = DeepSeekSettings(api_key=KEY, beta_base_url="https://beta.example.com/b")
    client = get_client(
        settings=settings, base_url="https://proxy.example.com", http_client=http_client, max_retries=0
    )
    _chat(client)
    assert str(recorder.last.url) == "https://proxy.example.com/chat/completions"
    _chat(client.beta_client)
    assert str(recorder.last.url) == "https://beta.example.com/b/chat/completions"


@pytest.mark.parametrize("method", ["with_options", "copy"])
def test_copies_keep_the_subclass_settings_beta_and_policy(
    method: str, recorder: Recorder, http_client: httpx2.Client
) -> None:
    client = _client(http_client, beta=True, guard_mode="warn", history_policy="error")
    copy = getattr(client, method)(timeout=7, max_retries=3)
    assert type(copy) is DeepSeek
    assert copy.is_beta
    assert copy.settings == client.settings
    assert copy._deepseek.policy == client._deepseek.policy
    assert (copy.timeout, copy.max_retries) == (7, 3)
    assert copy._client is http_client
    _chat(copy)
    assert str(recorder.last.url) == "https://api.deepseek.com/beta/chat/completions"
    # The twins still work from a copy.
    _chat(copy.standard_client)
    assert str(recorder.last.url) == "https://api.deepseek.com/chat/completions"


def test_with_options_sets_per_call_policy(recorder: Recorder, http_client: httpx2.Client) -> None:
    client = _client(http_client)
    _chat(client.with_options(thinking=False))
    assert recorder.last_json()["thinking"] == {"type": "disabled"}
    _chat(client.with_options(effort="max"))
    assert recorder.last_json()["reasoning_effort"] == "max"
    _chat(client)  # the original is unchanged
    assert "thinking" not in recorder.last_json()
    assert "reasoning_effort" not in recorder.last_json()


async def test_async_copies_and_twins(recorder: Recorder, async_http_client: httpx2.AsyncClient) -> None:
    client = get_async_client(KEY, http_client=async_http_client, max_retries=0, guard_mode="off")
    for copy in (
        client.with_options(timeout=3),
        client.copy(),
        client.beta_client,
        client.beta_client.standard_client,
    ):
        assert type(copy) is AsyncDeepSeek
        assert copy.settings.guard_mode == "off"
        assert copy._client is async_http_client
    await client.beta_client.chat.completions.create(model="deepseek-flash", messages=MESSAGES)
    assert str(recorder.last.url) == "https://api.deepseek.com/beta/chat/completions"
    await client.close()


# ------------------------------------------------------------------------------------------
# The key


def test_missing_key_names_deepseek_api_key_and_the_argument(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-should-never-be-used")
    for factory in (get_client, get_async_client):
        with pytest.raises(ConfigurationError) as info:
            factory()
        text = str(info.value)
        assert "DEEPSEEK_API_KEY" in text
        assert "api_key" in text
        assert "sk-openai-should-never-be-used" not in text
        assert isinstance(info.value, openai.OpenAIError)
        assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("bad", ["", "   ", "sk-with space", "sk-ünïcode"])
def test_unusable_key_is_refused(bad: str) -> None:
    with pytest.raises(ConfigurationError):
        get_client(bad)


def test_key_is_stripped(recorder: Recorder, http_client: httpx2.Client) -> None:
    _chat(get_client(f" {KEY}\n", http_client=http_client, max_retries=0))
    assert recorder.last.headers["authorization"] == f"Bearer {KEY}"


def test_callable_key(recorder: Recorder, http_client: httpx2.Client) -> None:
    client = get_client(lambda: KEY, http_client=http_client, max_retries=0)
    _chat(client)
    assert recorder.last.headers["authorization"] == f"Bearer {KEY}"


def test_openai_only_account_options_are_refused(http_client: httpx2.Client) -> None:
    for name in ("organization", "project", "admin_api_key"):
        with pytest.raises(ConfigurationError, match=name):
            get_client(KEY, http_client=http_client, **{name: "x"})  # type: ignore[arg-type]


def test_strict_response_validation_is_refused(http_client: httpx2.Client) -> None:
    with pytest.raises(ConfigurationError, match="_strict_response_validation"):
        get_client(KEY, http_client=http_client, _strict_response_validation=True)


# ------------------------------------------------------------------------------------------
# OpenAI's environment never reaches DeepSeek


OPENAI_ENV_VALUES = {
    "OPENAI_API_KEY": "sk-openai-leak-1111111111",
    "OPENAI_BASE_URL": "https://api.openai.com/v1",
    "OPENAI_ORG_ID": "org-leak",
    "OPENAI_PROJECT_ID": "proj_leak",
    "OPENAI_CUSTOM_HEADERS": "Authorization: Bearer sk-openai-leak-2222\nX-Leak: yes",
    "OPENAI_ADMIN_KEY": "sk-admin-leak-3333333333",
    "OPENAI_WEBHOOK_SECRET": "whsec-leak",
}


def _assert_no_openai_leak(req: httpx2.Request) -> None:
    assert req.url.host == "api.deepseek.com"
    assert req.headers["authorization"] == f"Bearer {KEY}"
    assert req.headers.get_list("authorization") == [f"Bearer {KEY}"]
    for name in ("openai-organization", "openai-project", "x-leak"):
        assert name not in req.headers, name
    raw = "\n".join(f"{k}: {v}" for k, v in req.headers.multi_items()) + str(req.url) + req.content.decode()
    assert "leak" not in raw


@pytest.mark.parametrize("name", sorted(OPENAI_ENV_VALUES))
def test_each_openai_variable_never_reaches_the_request(
    name: str, monkeypatch: pytest.MonkeyPatch, recorder: Recorder, http_client: httpx2.Client
) -> None:
    monkeypatch.setenv(name, OPENAI_ENV_VALUES[name])
    client = _client(http_client)
    _chat(client)
    _assert_no_openai_leak(recorder.last)
    # Copies and twins are rebuilt by openai's copy(); they must not pick the variable up either.
    _chat(client.with_options(timeout=5))
    _assert_no_openai_leak(recorder.last)
    _chat(client.beta_client)
    assert recorder.last.url.path == "/beta/chat/completions"
    _assert_no_openai_leak(recorder.last)
    assert client.organization is None
    assert client.project is None
    assert client.admin_api_key is None
    assert client.webhook_secret is None


async def test_openai_variables_all_at_once_async(
    monkeypatch: pytest.MonkeyPatch, recorder: Recorder, async_http_client: httpx2.AsyncClient
) -> None:
    for name, value in OPENAI_ENV_VALUES.items():
        monkeypatch.setenv(name, value)
    client = get_async_client(KEY, http_client=async_http_client, max_retries=0)
    await client.chat.completions.create(model="deepseek-flash", messages=MESSAGES)
    _assert_no_openai_leak(recorder.last)
    recorder.reply(200, json={"object": "list", "data": []})
    await client.with_options(max_retries=0).models.list()
    _assert_no_openai_leak(recorder.last)
    await client.close()


def test_explicit_default_headers_survive_while_env_custom_headers_do_not(
    monkeypatch: pytest.MonkeyPatch, recorder: Recorder, http_client: httpx2.Client
) -> None:
    monkeypatch.setenv("OPENAI_CUSTOM_HEADERS", "X-Leak: yes")
    client = _client(http_client, default_headers={"X-Mine": "1"})
    _chat(client.with_options(default_headers={"X-More": "2"}))
    assert recorder.last.headers["x-mine"] == "1"
    assert recorder.last.headers["x-more"] == "2"
    assert "x-leak" not in recorder.last.headers


# ------------------------------------------------------------------------------------------
# Insecure URLs


@pytest.mark.parametrize(
    "url",
    ["http://api.deepseek.com", "http://10.0.0.5:8000", "http://proxy.internal/v1", "http://[2001:db8::1]"],
)
def test_plain_http_to_a_remote_host_is_refused(url: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        get_client(KEY, base_url=url)
    text = str(info.value)
    assert "http://" in text
    assert "allow_insecure_http" in text
    assert KEY not in text


def test_plain_http_from_the_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEEPSEEK_BASE_URL", "http://api.deepseek.com")
    with pytest.raises(ConfigurationError, match="allow_insecure_http"):
        get_client(KEY)


def test_insecure_beta_url_is_refused_too() -> None:
    with pytest.raises(ConfigurationError):
        get_client(settings=DeepSeekSettings(api_key=KEY, beta_base_url="http://beta.example.com"))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000",
        "http://localhost:1234/v1",
        "http://[::1]:9",
        "http://127.5.5.5",
        "http://a.localhost",
    ],
)
def test_plain_http_to_loopback_is_allowed(url: str, recorder: Recorder, http_client: httpx2.Client) -> None:
    _chat(_client(http_client, base_url=url))
    assert str(recorder.last.url).startswith(url.rstrip("/"))
    assert recorder.last.url.scheme == "http"


def test_allow_insecure_http_lets_it_through(
    monkeypatch: pytest.MonkeyPatch, recorder: Recorder, http_client: httpx2.Client
) -> None:
    _chat(_client(http_client, base_url="http://proxy.internal", allow_insecure_http=True))
    assert str(recorder.last.url) == "http://proxy.internal/chat/completions"
    monkeypatch.setenv("DEEPSEEK_ALLOW_INSECURE_HTTP", "1")
    _chat(_client(http_client, base_url="http://proxy.internal"))
    assert str(recorder.last.url) == "http://proxy.internal/chat/completions"


def test_non_http_urls_are_refused() -> None:
    with pytest.raises(ConfigurationError):
        check_base_url("ftp://api.deepseek.com", allow_insecure=True)
    with pytest.raises(ConfigurationError):
        check_base_url("https://", allow_insecure=True)


# ------------------------------------------------------------------------------------------
# The key never appears in output


def test_key_is_not_in_repr_or_str_of_client_or_settings(http_client: httpx2.Client) -> None:
    settings = DeepSeekSettings(api_key=KEY)
    client = get_client(settings=settings, http_client=http_client)
    texts = [
        repr(client),
        str(client),
        repr(settings),
        str(settings),
        repr(client.beta_client),
        repr(client.settings),
    ]
    texts.append(repr(settings.model_dump()))
    for text in texts:
        assert KEY not in text
        assert KEY[4:-4] not in text
    assert "****" in repr(client)
    assert repr(client).startswith("DeepSeek(")
    assert "api.deepseek.com" in repr(client)


def test_key_is_not_in_debug_logs(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    recorder: Recorder,
    http_client: httpx2.Client,
) -> None:
    monkeypatch.setenv("OPENAI_LOG", "debug")
    for name in ("openai", "httpx2", "httpcore2", "httpx", "deepseek_openai", ""):
        caplog.set_level(logging.DEBUG, logger=name)
    client = _client(http_client, max_retries=1)
    recorder.reply(500, json={"error": {"message": f"boom for key {KEY}"}}, headers={"retry-after": "0"})
    _chat(client)  # retried once, then succeeds
    recorder.reply(401, json={"error": {"message": f"Authentication Fails, Your api key: {KEY} is invalid"}})
    with pytest.raises(AuthenticationError):
        _chat(client)
    assert len(recorder.requests) == 3
    assert caplog.records, "the SDK should have logged at DEBUG"
    for record in caplog.records:
        assert KEY not in record.getMessage()
        assert KEY not in str(record.args)


def test_key_is_not_in_an_echoing_401(recorder: Recorder, http_client: httpx2.Client) -> None:
    recorder.reply(
        401,
        json={"error": {"message": f"Authentication Fails, Your api key: {KEY} is invalid", "type": "auth"}},
        headers={"x-ds-trace-id": "trace-401"},
    )
    with pytest.raises(AuthenticationError) as info:
        _chat(_client(http_client))
    err = info.value
    for text in (str(err), repr(err), err.message, repr(err.body), str(err.args), str(err.server_message)):
        assert KEY not in text
    assert "****" in str(err)
    assert "trace-401" in str(err)


def test_callable_key_is_redacted_from_an_echoing_401(recorder: Recorder, http_client: httpx2.Client) -> None:
    recorder.reply(401, json={"error": {"message": f"Authentication Fails, Your api key: {KEY} is invalid"}})
    client = get_client(lambda: KEY, http_client=http_client, max_retries=0)
    with pytest.raises(AuthenticationError) as info:
        _chat(client)
    assert KEY not in str(info.value)
    assert KEY not in repr(info.value.body)
    assert KEY not in repr(client)


def test_with_options_bad_value_gives_one_clear_configuration_error() -> None:
    client = get_client(api_key=KEY)
    with pytest.raises(ConfigurationError) as info:
        client.with_options(guard_mode="loud")  # type: ignore[arg-type]
    message = str(info.value)
    assert message.count("Invalid DeepSeek settings") == 1
    assert "guard_mode='loud'" in message
    assert "'strict', 'warn' or 'off'" in message


def test_with_options_per_call_reuses_equal_settings() -> None:
    """with_options(thinking=False) is the per-call switch: equal calls share one frozen settings."""
    client = get_client(api_key=KEY)
    first = client.with_options(thinking=False)
    second = client.with_options(thinking=False)
    assert first.settings is second.settings
    assert first.settings.thinking is False
    assert client.settings.thinking is None


def test_the_constructor_takes_the_same_policy_keywords_as_get_client() -> None:
    from deepseek_openai import AsyncDeepSeek, PolicyOptions

    for cls in (DeepSeek, AsyncDeepSeek):
        client = cls(
            api_key=KEY,
            thinking=False,
            effort="max",
            guard_mode="warn",
            history_policy="error",
            retired_model_policy="error",
            allow_tools=False,
            model="deepseek-v4-pro",
        )
        s = client.settings
        assert (s.thinking, s.reasoning_effort, s.guard_mode, s.history_policy) == (
            False,
            "max",
            "warn",
            "error",
        )
        assert (s.retired_model_policy, s.allow_tools, s.model) == ("error", False, "deepseek-v4-pro")
        # and with_options keeps them, changing only what it is given
        copy = client.with_options(thinking=True)
        assert (copy.settings.thinking, copy.settings.guard_mode) == (True, "warn")
    # get_client takes every one of them too (its **kwargs are typed with the same TypedDict)
    values = {"thinking": False, "effort": "low", "guard_mode": "off", "history_policy": "off"}
    values |= {"retired_model_policy": "error", "allow_tools": False, "allow_insecure_http": True}
    values |= {"model": "deepseek-v4-pro"}
    assert set(values) == set(PolicyOptions.__annotations__)
    for name, value in values.items():
        built = get_client(KEY, **{name: value})  # type: ignore[arg-type]
        field = "reasoning_effort" if name == "effort" else name
        assert getattr(built.settings, field) == value, name
