"""`_request_id` and `request_id()` carry DeepSeek's x-ds-trace-id on every response, streams included.

The expected id is read off the wire by an httpx event hook on the client's own HTTP client, not
from anything the package computes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx2
import openai
import pytest

from deepseek_openai import (
    AsyncDeepSeek,
    DeepSeek,
    InsufficientBalanceError,
    get_async_client,
    get_client,
    request_id,
)
from deepseek_openai.testing import DeepSeekEmulator

HI: Any = [{"role": "user", "content": "hi"}]


class Wire:
    """The trace ids of the responses the HTTP client saw, in order."""

    def __init__(self) -> None:
        self.ids: list[str | None] = []

    def hook(self, response: httpx2.Response) -> None:
        self.ids.append(response.headers.get("x-ds-trace-id"))

    async def ahook(self, response: httpx2.Response) -> None:
        self.hook(response)

    @property
    def last(self) -> str:
        found = self.ids[-1]
        assert found, "the emulator sent no x-ds-trace-id"
        return found


@pytest.fixture
def wire() -> Wire:
    return Wire()


@pytest.fixture
def client(deepseek_emulator: DeepSeekEmulator, wire: Wire) -> Iterator[DeepSeek]:
    http = httpx2.Client(event_hooks={"response": [wire.hook]})
    with get_client(
        api_key=deepseek_emulator.api_key,
        base_url=deepseek_emulator.base_url,
        http_client=http,
        max_retries=0,
    ) as c:
        yield c


def test_a_completion_carries_the_trace_id(client: DeepSeek, wire: Wire) -> None:
    response = client.chat.completions.create(model="deepseek-flash", messages=HI)
    assert response._request_id == wire.last
    assert request_id(response) == wire.last
    listed = client.models.list()
    assert request_id(listed) == wire.last


def test_every_stream_chunk_and_the_stream_carry_the_trace_id(client: DeepSeek, wire: Wire) -> None:
    stream = client.chat.completions.create(model="deepseek-flash", messages=HI, stream=True)
    chunks = list(stream)
    assert chunks
    assert {chunk._request_id for chunk in chunks} == {wire.last}
    assert request_id(stream) == wire.last


def test_raw_and_streaming_responses_carry_the_trace_id(client: DeepSeek, wire: Wire) -> None:
    raw = client.chat.completions.with_raw_response.create(model="deepseek-flash", messages=HI)
    assert request_id(raw) == wire.last
    assert raw.parse()._request_id == wire.last
    with client.chat.completions.with_streaming_response.create(model="deepseek-flash", messages=HI) as sr:
        assert sr.parse()._request_id == wire.last
        assert request_id(sr) == wire.last


def test_an_error_carries_the_trace_id_of_the_failed_response(
    client: DeepSeek, wire: Wire, deepseek_emulator: DeepSeekEmulator
) -> None:
    deepseek_emulator.set_balance(deepseek_emulator.api_key, 0)
    with pytest.raises(InsufficientBalanceError) as failed:
        client.chat.completions.create(model="deepseek-flash", messages=HI)
    assert request_id(failed.value) == wire.last
    assert failed.value.request_id == wire.last  # openai's own attribute, filled too


async def test_async_responses_and_streams_carry_the_trace_id(deepseek_emulator: DeepSeekEmulator) -> None:
    wire = Wire()
    http = httpx2.AsyncClient(event_hooks={"response": [wire.ahook]})
    client: AsyncDeepSeek = get_async_client(
        api_key=deepseek_emulator.api_key, base_url=deepseek_emulator.base_url, http_client=http
    )
    async with client:
        response = await client.chat.completions.create(model="deepseek-flash", messages=HI)
        assert request_id(response) == wire.last
        stream = await client.chat.completions.create(model="deepseek-flash", messages=HI, stream=True)
        ids = {chunk._request_id async for chunk in stream}
        assert ids == {wire.last}
        assert request_id(stream) == wire.last
        async with client.chat.completions.with_streaming_response.create(
            model="deepseek-flash", messages=HI
        ) as sr:
            assert (await sr.parse())._request_id == wire.last


def test_an_x_request_id_from_a_proxy_is_left_as_openai_set_it() -> None:
    body = {
        "id": "c1",
        "object": "chat.completion",
        "created": 1,
        "model": "deepseek-flash",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "ok"}}],
    }

    def handler(request: httpx2.Request) -> httpx2.Response:
        headers = {"x-request-id": "proxy-1", "x-ds-trace-id": "ds-1"}
        return httpx2.Response(200, json=body, headers=headers)

    http = httpx2.Client(transport=httpx2.MockTransport(handler))
    client = get_client(api_key="sk-test-0123456789abcdef", base_url="http://127.0.0.1:9", http_client=http)
    response = client.chat.completions.create(model="deepseek-flash", messages=HI)
    assert response._request_id == "proxy-1"
    assert json.loads(response.model_dump_json())["id"] == "c1"  # not serialised into the body
    assert "_request_id" not in response.model_dump()


def test_request_id_of_things_without_one_is_none() -> None:
    assert request_id(None) is None
    assert request_id("text") is None
    assert request_id(openai.BaseModel()) is None
