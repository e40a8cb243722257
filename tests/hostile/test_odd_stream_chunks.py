"""Odd stream chunks are typed stream errors, in raw iteration and in every stream helper.

``data: null``, ``data: []``, ``choices: null``, ``delta: null`` and an ``event: error`` without an
``error`` key used to reach the caller as chunks (or crash the helpers with ``AttributeError``). Now
the chunks before them arrive, the odd one never does, and the stream raises
``MalformedResponseError`` (a wrong shape) or ``DeepSeekStreamError`` (the server's error event):
raw iteration, openai's ``.stream()`` helper, ``iter_events`` / ``aiter_events`` and
``with_streaming_response``, sync and async.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx2
import openai
import pytest
from openai.types.chat import ChatCompletionMessageParam

from deepseek_openai import (
    AsyncDeepSeek,
    ContentDelta,
    DeepSeek,
    DeepSeekError,
    DeepSeekStreamError,
    MalformedResponseError,
    aiter_events,
    get_async_client,
    get_client,
    iter_events,
)
from tests.conftest import KEY, Recorder, chunk, sse

MESSAGES: list[ChatCompletionMessageParam] = [{"role": "user", "content": "Hi"}]
SSE_HEADERS = {"content-type": "text/event-stream", "x-ds-trace-id": "trace-odd"}
FIRST = chunk({"role": "assistant", "content": "Hel"})
LAST = chunk({"content": "lo"}, finish="stop")

GOOD = chunk({"content": "x"})
ODD: list[tuple[str, type[DeepSeekError], str]] = [
    ("data: null", MalformedResponseError, "it is null"),
    ("data: []", MalformedResponseError, "it is a list"),
    ("data: 5", MalformedResponseError, "it is a number"),
    ('data: "text"', MalformedResponseError, "it is a string"),
    ("data: {}", MalformedResponseError, "choices is null"),
    ("data: " + json.dumps({**GOOD, "choices": None}), MalformedResponseError, "choices is null"),
    ("data: " + json.dumps({**GOOD, "choices": [None]}), MalformedResponseError, "choices[0] is null"),
    (
        "data: " + json.dumps({**GOOD, "choices": [{"index": 0, "delta": None}]}),
        MalformedResponseError,
        "choices[0].delta is null",
    ),
    (
        "data: " + json.dumps({**GOOD, "choices": [{"index": 0, "delta": {"content": 5}}]}),
        MalformedResponseError,
        "choices[0].delta.content is a number",
    ),
    (
        "data: " + json.dumps({**GOOD, "choices": [{"index": 0, "delta": {"tool_calls": [7]}}]}),
        MalformedResponseError,
        "choices[0].delta.tool_calls[0] is a number",
    ),
    ('event: error\ndata: {"message": "Server overloaded"}', DeepSeekStreamError, "Server overloaded"),
    ('event: error\ndata: {"type": "error", "code": "overloaded"}', DeepSeekStreamError, "overloaded"),
    ("event: error\ndata: upstream went away", DeepSeekStreamError, "upstream went away"),
    ("event: error\ndata: ", DeepSeekStreamError, "without details"),
    ('event: error\ndata: {"error": "plain text"}', DeepSeekStreamError, "plain text"),
]
IDS = [line[:40] for line, _, _ in ODD]


def _body(odd: str) -> bytes:
    """A stream that says "Hel", then the odd event, then more and [DONE] (which must not be reached)."""
    return sse(FIRST, odd, LAST)


@pytest.fixture
def client(http_client: httpx2.Client) -> DeepSeek:
    return get_client(KEY, http_client=http_client, max_retries=0)


@pytest.fixture
def aclient(async_http_client: httpx2.AsyncClient) -> AsyncDeepSeek:
    return get_async_client(KEY, http_client=async_http_client, max_retries=0)


def _check(err: BaseException, cls: type[DeepSeekError], fragment: str) -> None:
    assert type(err) is cls, repr(err)
    assert isinstance(err, openai.APIError)
    assert fragment in str(err), str(err)
    assert err.trace_id == "trace-odd"  # type: ignore[attr-defined]
    assert KEY not in str(err)


def _create(client: DeepSeek) -> Any:
    return client.chat.completions.create(model="deepseek-flash", messages=MESSAGES, stream=True)


def _raw(client: DeepSeek, got: list[Any]) -> None:
    for c in _create(client):
        got.append(c.choices[0].delta.content)


def _events(client: DeepSeek, got: list[Any]) -> None:
    for event in iter_events(_create(client)):
        if isinstance(event, ContentDelta):
            got.append(event.text)


def _helper(client: DeepSeek, got: list[Any]) -> None:
    with client.chat.completions.stream(model="deepseek-flash", messages=MESSAGES) as stream:
        for event in stream:
            if event.type == "content.delta":
                got.append(event.delta)


def _streaming_response(client: DeepSeek, got: list[Any]) -> None:
    with client.chat.completions.with_streaming_response.create(
        model="deepseek-flash", messages=MESSAGES, stream=True
    ) as response:
        for c in response.parse():
            got.append(c.choices[0].delta.content)


SYNC_PATHS: dict[str, Callable[[DeepSeek, list[Any]], None]] = {
    "raw": _raw,
    "iter_events": _events,
    "stream_helper": _helper,
    "with_streaming_response": _streaming_response,
}


@pytest.mark.parametrize("path", SYNC_PATHS)
@pytest.mark.parametrize(("odd", "cls", "fragment"), ODD, ids=IDS)
def test_odd_chunk_is_a_typed_stream_error(
    odd: str, cls: type[DeepSeekError], fragment: str, path: str, recorder: Recorder, client: DeepSeek
) -> None:
    recorder.reply(200, content=_body(odd), headers=SSE_HEADERS)
    got: list[Any] = []
    with pytest.raises(DeepSeekError) as info:
        SYNC_PATHS[path](client, got)
    _check(info.value, cls, fragment)
    assert got == ["Hel"]  # what came before arrived; the odd chunk and what follows did not


async def _araw(client: AsyncDeepSeek, got: list[Any]) -> None:
    stream = await client.chat.completions.create(model="deepseek-flash", messages=MESSAGES, stream=True)
    async for c in stream:
        got.append(c.choices[0].delta.content)


async def _aevents(client: AsyncDeepSeek, got: list[Any]) -> None:
    stream = await client.chat.completions.create(model="deepseek-flash", messages=MESSAGES, stream=True)
    async for event in aiter_events(stream):
        if isinstance(event, ContentDelta):
            got.append(event.text)


async def _ahelper(client: AsyncDeepSeek, got: list[Any]) -> None:
    async with client.chat.completions.stream(model="deepseek-flash", messages=MESSAGES) as stream:
        async for event in stream:
            if event.type == "content.delta":
                got.append(event.delta)


ASYNC_PATHS = {"raw": _araw, "aiter_events": _aevents, "stream_helper": _ahelper}


@pytest.mark.parametrize("path", ASYNC_PATHS)
@pytest.mark.parametrize(("odd", "cls", "fragment"), ODD, ids=IDS)
async def test_odd_chunk_is_a_typed_stream_error_async(
    odd: str, cls: type[DeepSeekError], fragment: str, path: str, recorder: Recorder, aclient: AsyncDeepSeek
) -> None:
    recorder.reply(200, content=_body(odd), headers=SSE_HEADERS)
    got: list[Any] = []
    with pytest.raises(DeepSeekError) as info:
        await ASYNC_PATHS[path](aclient, got)
    _check(info.value, cls, fragment)
    assert got == ["Hel"]


def test_a_usage_only_chunk_and_unknown_fields_still_pass(recorder: Recorder, client: DeepSeek) -> None:
    usage = {**GOOD, "choices": [], "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
    extra = {**GOOD, "choices": [{"index": 0, "delta": {"content": "y", "new_field": [1]}}], "x": None}
    recorder.reply(200, content=sse(FIRST, extra, usage), headers=SSE_HEADERS)
    assert len(list(_create(client))) == 3


def test_responses_style_event_names_are_not_judged_as_chat_errors(
    recorder: Recorder, client: DeepSeek
) -> None:
    """Only the exact ``error`` event of a chat stream is an error; other event names pass as before."""
    recorder.reply(200, content=sse(FIRST, "event: message\ndata: " + json.dumps(LAST)), headers=SSE_HEADERS)
    assert [c.choices[0].delta.content for c in _create(client)] == ["Hel", "lo"]


# --------------------------------------------------------------------------------------------
# The helpers on streams that did not come from a DeepSeek client


@pytest.mark.parametrize(("odd", "fragment"), [(o, f) for o, c, f in ODD if c is MalformedResponseError][:6])
def test_iter_events_over_a_plain_openai_stream_raises_malformed(
    odd: str, fragment: str, recorder: Recorder, http_client: httpx2.Client
) -> None:
    recorder.reply(200, content=_body(odd), headers=SSE_HEADERS)
    plain = openai.OpenAI(api_key=KEY, base_url="https://api.deepseek.com", http_client=http_client)
    stream = plain.chat.completions.create(model="deepseek-flash", messages=MESSAGES, stream=True)
    got: list[Any] = []
    with pytest.raises(MalformedResponseError) as info:
        got.extend(iter_events(stream))
    assert fragment in str(info.value)
    assert [e.text for e in got if isinstance(e, ContentDelta)] == ["Hel"]


async def test_aiter_events_over_a_plain_async_openai_stream_raises_malformed(
    recorder: Recorder, async_http_client: httpx2.AsyncClient
) -> None:
    recorder.reply(200, content=_body("data: null"), headers=SSE_HEADERS)
    plain = openai.AsyncOpenAI(
        api_key=KEY, base_url="https://api.deepseek.com", http_client=async_http_client
    )
    stream = await plain.chat.completions.create(model="deepseek-flash", messages=MESSAGES, stream=True)
    with pytest.raises(MalformedResponseError, match="it is null"):
        async for _ in aiter_events(stream):
            pass


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (None, "it is null"),
        ([], "it is a list"),
        ({**GOOD, "choices": None}, "choices is null"),
        ({**GOOD, "choices": [{"index": 0, "delta": None}]}, "choices[0].delta is null"),
    ],
    ids=repr,
)
def test_iter_events_over_recorded_dict_chunks_is_a_clear_value_error(raw: Any, fragment: str) -> None:
    with pytest.raises(ValueError, match="Fix: ") as info:
        list(iter_events([FIRST, raw, LAST]))
    assert fragment in str(info.value)


async def test_aiter_events_over_recorded_dict_chunks_is_a_clear_value_error() -> None:
    async def chunks() -> Any:
        yield FIRST
        yield {**GOOD, "choices": [None]}

    with pytest.raises(ValueError, match="choices\\[0\\] is null"):
        async for _ in aiter_events(chunks()):
            pass
