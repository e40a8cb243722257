"""The key never leaves the process: not in a pickled exception, not in a body the server echoes, not
in a URL with credentials in it.

Pickles: openai's exceptions do not pickle at all (keyword-only constructors), and a naive pickle of
ours carried the bearer key in the request headers it holds. Every DeepSeek exception now pickles
and unpickles to the same class, message and fields, with the request's and response's credentials
masked. Bodies: the server may echo the key anywhere (inside a list, as a top-level list, in an
HTML page, in a 200 that is not JSON); ``exc.body`` is masked in each case. URLs:
``https://user:secret@host`` is refused (httpx would send it as Basic auth in place of the key) and
never printed unmasked.
"""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import Callable
from typing import Any

import httpx2
import openai
import pytest
from openai.types.chat import ChatCompletionMessageParam

import deepseek_openai as ds
from deepseek_openai import (
    AsyncDeepSeek,
    ConfigurationError,
    DeepSeek,
    DeepSeekError,
    get_async_client,
    get_client,
)
from tests.conftest import KEY, Recorder, chunk, sse

MESSAGES: list[ChatCompletionMessageParam] = [{"role": "user", "content": "Hi"}]
MASKED = "****" + KEY[-4:]
RAW_KEY = KEY.encode()


def _client(handler: Callable[[httpx2.Request], httpx2.Response], **kwargs: Any) -> DeepSeek:
    return get_client(
        KEY, http_client=httpx2.Client(transport=httpx2.MockTransport(handler)), max_retries=0, **kwargs
    )


def _raised(call: Callable[[], Any]) -> DeepSeekError:
    with pytest.raises(DeepSeekError) as info:
        call()
    return info.value


def _chat(client: DeepSeek, **kwargs: Any) -> Any:
    return client.chat.completions.create(model="deepseek-flash", messages=MESSAGES, **kwargs)


def _status(status: int, body: Any) -> Callable[[httpx2.Request], httpx2.Response]:
    return lambda request: httpx2.Response(status, json=body, headers={"x-ds-trace-id": "t-1"})


def _drain(stream: Any) -> None:
    for _ in stream:
        pass


def _transport_error(request: httpx2.Request) -> httpx2.Response:
    raise httpx2.ConnectError("refused", request=request)


def _timeout(request: httpx2.Request) -> httpx2.Response:
    raise httpx2.ReadTimeout("slow", request=request)


SSE = {"content-type": "text/event-stream"}
ERRORS: dict[str, Callable[[], DeepSeekError]] = {
    "400": lambda: _raised(lambda: _chat(_client(_status(400, {"error": {"message": f"bad {KEY}"}})))),
    "401": lambda: _raised(
        lambda: _chat(_client(_status(401, {"error": {"message": "Authentication Fails"}})))
    ),
    "402": lambda: _raised(
        lambda: _chat(_client(_status(402, {"error": {"message": "Insufficient Balance"}})))
    ),
    "422": lambda: _raised(lambda: _chat(_client(_status(422, {"error": {"message": "bad value"}})))),
    "429": lambda: _raised(lambda: _chat(_client(_status(429, {"error": {"message": "slow down"}})))),
    "500": lambda: _raised(lambda: _chat(_client(_status(500, [KEY])))),
    "503": lambda: _raised(lambda: _chat(_client(_status(503, {"error": {"message": "busy"}})))),
    "malformed": lambda: _raised(
        lambda: _chat(_client(lambda r: httpx2.Response(200, content=b"{" + RAW_KEY)))
    ),
    "shape": lambda: _raised(lambda: _chat(_client(_status(200, [{"echo": KEY}])))),
    "stream_error": lambda: _raised(
        lambda: _drain(
            _chat(
                _client(
                    lambda r: httpx2.Response(200, content=sse(f"event: error\ndata: {KEY}"), headers=SSE)
                ),
                stream=True,
            )
        )
    ),
    "incomplete": lambda: _raised(
        lambda: _drain(
            _chat(
                _client(
                    lambda r: httpx2.Response(
                        200, content=sse(chunk({"content": "x"}), done=False), headers=SSE
                    )
                ),
                stream=True,
            )
        )
    ),
    "connection": lambda: _raised(lambda: _chat(_client(_transport_error))),
    "timeout": lambda: _raised(lambda: _chat(_client(_timeout))),
    "refused": lambda: _raised(lambda: _chat(_client(_status(200, {})), n=3)),
    "configuration": lambda: _raised(lambda: get_client(KEY, base_url="ftp://example.com")),
    "unsupported": lambda: _raised(lambda: _client(_status(200, {})).embeddings.create(input="x", model="m")),
}


@pytest.mark.parametrize("name", ERRORS)
def test_every_error_pickles_without_the_key(name: str) -> None:
    err = ERRORS[name]()
    data = pickle.dumps(err)
    assert RAW_KEY not in data
    back = pickle.loads(data)
    assert type(back) is type(err)
    assert str(back) == str(err)
    assert back.args == err.args
    assert isinstance(back, openai.OpenAIError)
    for field in (
        "status_code",
        "body",
        "trace_id",
        "retryable",
        "server_message",
        "what",
        "why",
        "fix",
        "rule",
    ):
        assert getattr(back, field, None) == getattr(err, field, None), field
    # A refusal made before sending holds a synthetic request with no headers at all (nothing was
    # sent, so it never carried the key); every other request keeps its header, masked.
    sent = "authorization" in getattr(getattr(err, "request", None), "headers", {})
    auth = f"Bearer {MASKED}" if sent else None
    request = getattr(back, "request", None)
    if isinstance(request, httpx2.Request):
        assert request.headers.get("authorization") == auth
        assert str(request.url) == str(err.request.url)  # type: ignore[attr-defined]
    response = getattr(back, "response", None)
    if isinstance(response, httpx2.Response):
        assert response.status_code == err.response.status_code  # type: ignore[attr-defined]
        assert response.request.headers.get("authorization") == auth
        assert RAW_KEY not in response.content
    # copies go through the same path
    assert RAW_KEY not in pickle.dumps(copy.deepcopy(err))


def test_a_pickled_status_error_is_still_caught_as_the_openai_class() -> None:
    err = ERRORS["429"]()
    back = pickle.loads(pickle.dumps(err))
    with pytest.raises(openai.RateLimitError):
        raise back
    assert back.response.json() == {"error": {"message": "slow down"}}


async def test_async_errors_pickle_without_the_key(
    async_http_client: httpx2.AsyncClient, recorder: Recorder
) -> None:
    recorder.reply(400, json={"error": {"message": f"no {KEY}"}})
    client: AsyncDeepSeek = get_async_client(KEY, http_client=async_http_client, max_retries=0)
    with pytest.raises(ds.InvalidFormatError) as info:
        await client.chat.completions.create(model="deepseek-flash", messages=MESSAGES)
    data = pickle.dumps(info.value)
    assert RAW_KEY not in data
    assert str(pickle.loads(data)) == str(info.value)


# --------------------------------------------------------------------------------------------
# Bodies the server echoes the key in


ECHOES: list[tuple[int, str, bytes]] = [
    (
        400,
        "application/json",
        json.dumps({"error": {"message": "bad", "details": [KEY, {"k": [KEY]}]}}).encode(),
    ),
    (400, "application/json", json.dumps([{"message": KEY}]).encode()),
    (400, "application/json", json.dumps([KEY, 1, None]).encode()),
    (400, "application/json", json.dumps({"error": None, "detail": {"key": KEY}}).encode()),
    (400, "application/json", json.dumps({"error": f"the key {KEY}"}).encode()),
    (500, "text/html", f"<html><body>{KEY}</body></html>".encode()),
    (502, "text/plain", f"upstream said: {KEY}".encode()),
    (402, "application/octet-stream", json.dumps({"error": {"message": KEY}}).encode()),
    (200, "text/html", f"<html>{KEY}</html>".encode()),
    (200, "application/json", b"{" + RAW_KEY),
    (200, "application/json", json.dumps([{"id": KEY}]).encode()),
]


def _anywhere(err: BaseException) -> str:
    return "\n".join([str(err), repr(err), repr(getattr(err, "body", None)), repr(err.args)])


@pytest.mark.parametrize(("status", "content_type", "body"), ECHOES, ids=lambda v: str(v)[:30])
def test_an_echoed_key_is_masked_in_the_error_body(status: int, content_type: str, body: bytes) -> None:
    client = _client(lambda r: httpx2.Response(status, content=body, headers={"content-type": content_type}))
    err = _raised(lambda: _chat(client))
    assert KEY not in _anywhere(err)
    assert MASKED in repr(err.body) or MASKED in str(err)  # type: ignore[attr-defined]


async def test_an_echoed_key_is_masked_async(
    async_http_client: httpx2.AsyncClient, recorder: Recorder
) -> None:
    recorder.reply(500, content=f"<html>{KEY}</html>".encode(), headers={"content-type": "text/html"})
    recorder.reply(200, content=json.dumps([KEY]).encode(), headers={"content-type": "application/json"})
    client = get_async_client(KEY, http_client=async_http_client, max_retries=0)
    for _ in range(2):
        with pytest.raises(DeepSeekError) as info:
            await client.chat.completions.create(model="deepseek-flash", messages=MESSAGES)
        assert KEY not in _anywhere(info.value)


# --------------------------------------------------------------------------------------------
# Credentials in a base URL

SECRET = "hunter2-password"
CREDENTIAL_URLS = [
    f"https://user:{SECRET}@api.deepseek.com",
    f"https://{SECRET}@api.deepseek.com/v1",
    f"https://user:{SECRET}@api.deepseek.com/beta",
    f"http://user:{SECRET}@127.0.0.1:8000",
]


@pytest.mark.parametrize("url", CREDENTIAL_URLS)
def test_a_base_url_with_credentials_is_refused_without_showing_them(url: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        get_client(KEY, base_url=url)
    message = str(info.value)
    assert SECRET not in message
    assert "****@" in message
    assert "Basic auth" in message
    assert "Fix:" in message


def test_credentials_in_the_environment_url_are_refused_and_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEEPSEEK_BASE_URL", CREDENTIAL_URLS[0])
    with pytest.raises(ConfigurationError) as info:
        get_client(KEY)
    assert SECRET not in str(info.value)
    monkeypatch.setenv("DEEPSEEK_BASE_URL", f"ftp://user:{SECRET}@api.deepseek.com")
    with pytest.raises(ConfigurationError) as info:
        get_client(KEY)
    assert SECRET not in str(info.value)
    assert "DEEPSEEK_BASE_URL" in str(info.value)


def test_credentials_in_a_beta_url_or_a_copy_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEEPSEEK_BETA_BASE_URL", CREDENTIAL_URLS[2])
    with pytest.raises(ConfigurationError) as info:
        get_client(KEY)
    assert SECRET not in str(info.value)
    monkeypatch.delenv("DEEPSEEK_BETA_BASE_URL")
    client = get_client(KEY)
    with pytest.raises(ConfigurationError) as info:
        client.with_options(base_url=CREDENTIAL_URLS[0])
    assert SECRET not in str(info.value)


def test_repr_masks_credentials_set_on_the_client_later() -> None:
    client = get_client(KEY)
    client.base_url = CREDENTIAL_URLS[0]
    assert SECRET not in repr(client)
    assert KEY not in repr(client)


def test_a_key_echoed_into_a_balance_amount_is_masked() -> None:
    """Every MalformedResponseError masks the key, whichever helper builds it (here get_balance)."""
    body = {"is_available": True, "balance_infos": [{"currency": "USD", "total_balance": KEY}]}
    client = _client(lambda r: httpx2.Response(200, json=body))
    err = _raised(lambda: ds.get_balance(client))
    assert isinstance(err, ds.MalformedResponseError)
    assert KEY not in _anywhere(err)
    assert MASKED in str(err)
