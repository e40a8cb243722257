"""Streams fail loudly: SSE error events, missing ``[DONE]``, dropped connections, malformed chunks.

Each case runs through the real openai client (``create(stream=True)``, the ``.stream()`` helper and
``with_streaming_response``), sync and async, with the server's bytes scripted at a MockTransport.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx2
import openai
import pytest
from openai.types.chat import ChatCompletionChunk, ChatCompletionMessageParam

from deepseek_openai import (
    AsyncDeepSeek,
    DeepSeek,
    DeepSeekConnectionError,
    DeepSeekError,
    DeepSeekStreamError,
    DeepSeekTimeoutError,
    IncompleteStreamError,
    MalformedResponseError,
    get_async_client,
    get_client,
)
from deepseek_openai._openai_compat import AsyncDeepSeekStream, DeepSeekStream
from deepseek_openai._streaming import deepseek_stream_cls

from .conftest import KEY, Recorder, chunk, sse

MESSAGES: list[ChatCompletionMessageParam] = [{"role": "user", "content": "Hi"}]
SSE_HEADERS = {"content-type": "text/event-stream", "x-ds-trace-id": "trace-s"}

FIRST = chunk({"role": "assistant", "content": "", "reasoning_content": ""})
THINK = chunk({"reasoning_content": "Hmm."})
ANSWER = chunk({"content": "Hi there"})
LAST = chunk({}, finish="stop", usage={"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5})
ERROR_EVENT = {"error": {"message": f"Internal error while generating (key {KEY})", "type": "server_error"}}


@pytest.fixture
def client(http_client: httpx2.Client) -> DeepSeek:
    return get_client(KEY, http_client=http_client, max_retries=0)


@pytest.fixture
def aclient(async_http_client: httpx2.AsyncClient) -> AsyncDeepSeek:
    return get_async_client(KEY, http_client=async_http_client, max_retries=0)


def _stream(client: DeepSeek) -> Any:
    return client.chat.completions.create(model="deepseek-flash", messages=MESSAGES, stream=True)


async def _astream(client: AsyncDeepSeek) -> Any:
    return await client.chat.completions.create(model="deepseek-flash", messages=MESSAGES, stream=True)


def _reply(recorder: Recorder, body: bytes, headers: dict[str, str] | None = None) -> None:
    recorder.reply(200, content=body, headers=headers or SSE_HEADERS)


def _drain_helper(client: DeepSeek) -> None:
    with client.chat.completions.stream(model="deepseek-flash", messages=MESSAGES) as s:
        s.until_done()


async def _adrain_helper(client: AsyncDeepSeek) -> None:
    async with client.chat.completions.stream(model="deepseek-flash", messages=MESSAGES) as s:
        await s.until_done()


def _collect_into(stream: Any, got: list[ChatCompletionChunk]) -> None:
    """Iterate, keeping what arrived before a failure."""
    for c in stream:
        got.append(c)


async def _adrain(stream: Any) -> None:
    async for _ in stream:
        pass


def _collect(stream: Any) -> list[ChatCompletionChunk]:
    return list(stream)


async def _acollect(stream: Any) -> list[ChatCompletionChunk]:
    return [c async for c in stream]


# ------------------------------------------------------------------------------------------
# Success


def test_a_good_stream_yields_the_sdk_chunks(recorder: Recorder, client: DeepSeek) -> None:
    _reply(recorder, sse(FIRST, THINK, ANSWER, LAST))
    stream = _stream(client)
    assert isinstance(stream, DeepSeekStream)
    assert isinstance(stream, openai.Stream)
    chunks = _collect(stream)
    assert len(chunks) == 4
    assert all(type(c) is ChatCompletionChunk for c in chunks)
    assert chunks[0].choices[0].delta.model_extra == {"reasoning_content": ""}
    assert chunks[1].choices[0].delta.model_extra == {"reasoning_content": "Hmm."}
    assert chunks[2].choices[0].delta.content == "Hi there"
    assert chunks[3].usage is not None
    assert chunks[3].usage.total_tokens == 5
    assert recorder.last_json()["stream"] is True


async def test_a_good_async_stream_yields_the_sdk_chunks(recorder: Recorder, aclient: AsyncDeepSeek) -> None:
    _reply(recorder, sse(FIRST, THINK, ANSWER, LAST))
    stream = await _astream(aclient)
    assert isinstance(stream, AsyncDeepSeekStream)
    assert isinstance(stream, openai.AsyncStream)
    chunks = await _acollect(stream)
    assert [type(c) for c in chunks] == [ChatCompletionChunk] * 4
    assert chunks[2].choices[0].delta.content == "Hi there"


def test_keep_alive_comments_and_blank_data_lines_are_skipped(recorder: Recorder, client: DeepSeek) -> None:
    body = sse(": keep-alive", FIRST, "data: ", ": keep-alive", "data:", "data:    ", ANSWER, LAST)
    _reply(recorder, body)
    chunks = _collect(_stream(client))
    assert len(chunks) == 3
    assert chunks[1].choices[0].delta.content == "Hi there"


async def test_keep_alive_and_blank_lines_async(recorder: Recorder, aclient: AsyncDeepSeek) -> None:
    _reply(recorder, sse(": keep-alive", "data: ", FIRST, "data:", ANSWER, LAST))
    assert len(await _acollect(await _astream(aclient))) == 3


def test_crlf_line_endings(recorder: Recorder, client: DeepSeek) -> None:
    body = sse(FIRST, ANSWER, LAST).replace(b"\n", b"\r\n")
    _reply(recorder, body)
    assert len(_collect(_stream(client))) == 3


def test_breaking_out_early_is_not_an_error(recorder: Recorder, client: DeepSeek) -> None:
    _reply(recorder, sse(FIRST, ANSWER, LAST, done=False))
    stream = _stream(client)
    for _ in stream:
        break
    stream.close()


def test_stream_cls_mapping() -> None:
    assert deepseek_stream_cls(openai.Stream[ChatCompletionChunk]).__origin__ is DeepSeekStream
    assert deepseek_stream_cls(openai.AsyncStream[ChatCompletionChunk]).__origin__ is AsyncDeepSeekStream
    assert deepseek_stream_cls(openai.Stream) is DeepSeekStream
    assert deepseek_stream_cls(int) is int


# ------------------------------------------------------------------------------------------
# SSE error event


def _check_stream_error(err: BaseException) -> None:
    assert type(err) is DeepSeekStreamError
    assert isinstance(err, openai.APIError)
    assert isinstance(err, DeepSeekError)
    text = str(err)
    assert "Internal error while generating" in text
    assert KEY not in text
    assert KEY not in str(err.body)
    assert KEY not in repr(err)
    assert err.retryable is True
    assert err.trace_id == "trace-s"
    assert "x-ds-trace-id: trace-s" in text


def test_sse_error_event_mid_stream(recorder: Recorder, client: DeepSeek) -> None:
    _reply(recorder, sse(FIRST, ANSWER, ERROR_EVENT, done=False))
    got: list[ChatCompletionChunk] = []
    with pytest.raises(openai.APIError) as info:
        _collect_into(_stream(client), got)
    assert len(got) == 2  # the chunks before the error were delivered
    _check_stream_error(info.value)


def test_sse_error_event_with_event_name(recorder: Recorder, client: DeepSeek) -> None:
    _reply(recorder, sse(FIRST, "event: error\ndata: " + json.dumps(ERROR_EVENT), done=False))
    with pytest.raises(DeepSeekStreamError) as info:
        _collect(_stream(client))
    _check_stream_error(info.value)


async def test_sse_error_event_async(recorder: Recorder, aclient: AsyncDeepSeek) -> None:
    _reply(recorder, sse(FIRST, ERROR_EVENT))
    with pytest.raises(DeepSeekStreamError) as info:
        await _acollect(await _astream(aclient))
    _check_stream_error(info.value)


def test_sse_error_event_through_the_stream_helper(recorder: Recorder, client: DeepSeek) -> None:
    _reply(recorder, sse(FIRST, ERROR_EVENT))
    with pytest.raises(DeepSeekStreamError):
        _drain_helper(client)


async def test_sse_error_event_through_the_async_stream_helper(
    recorder: Recorder, aclient: AsyncDeepSeek
) -> None:
    _reply(recorder, sse(FIRST, ERROR_EVENT))
    with pytest.raises(DeepSeekStreamError):
        await _adrain_helper(aclient)


def test_sse_error_event_through_with_streaming_response(recorder: Recorder, client: DeepSeek) -> None:
    _reply(recorder, sse(FIRST, ERROR_EVENT))
    with client.chat.completions.with_streaming_response.create(
        model="deepseek-flash",
        messages=MESSAGES,
        stream=True,
    ) as response:
        stream = response.parse()
        with pytest.raises(DeepSeekStreamError):
            list(stream)


def test_sse_error_event_through_with_raw_response(recorder: Recorder, client: DeepSeek) -> None:
    _reply(recorder, sse(FIRST, ERROR_EVENT))
    raw = client.chat.completions.with_raw_response.create(
        model="deepseek-flash", messages=MESSAGES, stream=True
    )
    with pytest.raises(DeepSeekStreamError):
        list(raw.parse())


# ------------------------------------------------------------------------------------------
# Missing [DONE]


def test_stream_without_done_is_incomplete(recorder: Recorder, client: DeepSeek) -> None:
    _reply(recorder, sse(FIRST, ANSWER, done=False))
    got: list[ChatCompletionChunk] = []
    with pytest.raises(IncompleteStreamError) as info:
        _collect_into(_stream(client), got)
    assert len(got) == 2
    err = info.value
    assert isinstance(err, DeepSeekConnectionError)
    assert isinstance(err, openai.APIConnectionError)
    assert "[DONE]" in str(err)
    assert err.retryable is True


async def test_stream_without_done_async(recorder: Recorder, aclient: AsyncDeepSeek) -> None:
    _reply(recorder, sse(FIRST, done=False))
    with pytest.raises(IncompleteStreamError):
        await _acollect(await _astream(aclient))


def test_empty_stream_is_incomplete(recorder: Recorder, client: DeepSeek) -> None:
    _reply(recorder, b"")
    with pytest.raises(IncompleteStreamError):
        _collect(_stream(client))


def test_json_answer_to_a_stream_request_is_not_silently_empty(recorder: Recorder, client: DeepSeek) -> None:
    from .conftest import completion_body

    recorder.reply(200, json=completion_body())
    with pytest.raises(IncompleteStreamError) as info:
        _collect(_stream(client))
    assert "application/json" in str(info.value)


def test_stream_helper_without_done(recorder: Recorder, client: DeepSeek) -> None:
    _reply(recorder, sse(FIRST, ANSWER, done=False))
    with pytest.raises(IncompleteStreamError):
        _drain_helper(client)


# ------------------------------------------------------------------------------------------
# Dropped connections mid-stream


def _dropping_body(exc_type: type[Exception]) -> Iterator[bytes]:
    yield sse(FIRST, done=False)
    yield sse(ANSWER, done=False)
    raise exc_type("connection dropped")


async def _adropping_body(exc_type: type[Exception]) -> AsyncIterator[bytes]:
    yield sse(FIRST, done=False)
    yield sse(ANSWER, done=False)
    raise exc_type("connection dropped")


@pytest.mark.parametrize(
    ("exc_type", "cls", "oa_cls"),
    [
        (httpx2.ReadError, DeepSeekConnectionError, openai.APIConnectionError),
        (httpx2.RemoteProtocolError, DeepSeekConnectionError, openai.APIConnectionError),
        (httpx2.ReadTimeout, DeepSeekTimeoutError, openai.APITimeoutError),
    ],
)
def test_dropped_connection_mid_stream(
    exc_type: type[Exception], cls: type, oa_cls: type, recorder: Recorder, client: DeepSeek
) -> None:
    recorder.queue.append(
        lambda req: httpx2.Response(200, content=_dropping_body(exc_type), headers=SSE_HEADERS)
    )
    got: list[ChatCompletionChunk] = []
    with pytest.raises(oa_cls) as info:
        _collect_into(_stream(client), got)
    assert type(info.value) is cls
    assert isinstance(info.value, DeepSeekError)
    assert len(got) == 2
    assert KEY not in str(info.value)


@pytest.mark.parametrize(
    ("exc_type", "cls"),
    [
        (httpx2.ReadError, DeepSeekConnectionError),
        (httpx2.RemoteProtocolError, DeepSeekConnectionError),
        (httpx2.ReadTimeout, DeepSeekTimeoutError),
    ],
)
async def test_dropped_connection_mid_stream_async(
    exc_type: type[Exception], cls: type, recorder: Recorder, aclient: AsyncDeepSeek
) -> None:
    recorder.queue.append(
        lambda req: httpx2.Response(200, content=_adropping_body(exc_type), headers=SSE_HEADERS)
    )
    with pytest.raises(cls) as info:
        await _acollect(await _astream(aclient))
    assert type(info.value) is cls


def test_dropped_connection_through_the_stream_helper(recorder: Recorder, client: DeepSeek) -> None:
    recorder.queue.append(
        lambda req: httpx2.Response(200, content=_dropping_body(httpx2.ReadError), headers=SSE_HEADERS)
    )
    with pytest.raises(DeepSeekConnectionError):
        _drain_helper(client)


async def test_dropped_connection_through_async_streaming_response(
    recorder: Recorder, aclient: AsyncDeepSeek
) -> None:
    recorder.queue.append(
        lambda req: httpx2.Response(200, content=_adropping_body(httpx2.ReadError), headers=SSE_HEADERS)
    )
    async with aclient.chat.completions.with_streaming_response.create(
        model="deepseek-flash",
        messages=MESSAGES,
        stream=True,
    ) as response:
        stream = await response.parse()
        with pytest.raises(DeepSeekConnectionError):
            await _adrain(stream)


# ------------------------------------------------------------------------------------------
# Malformed chunks


@pytest.mark.parametrize(
    "bad_line",
    ['data: {"id": "x", "choices": [', "data: not json at all", 'data: {"choices": "nope"'],
)
def test_malformed_chunk_is_a_deepseek_error(bad_line: str, recorder: Recorder, client: DeepSeek) -> None:
    _reply(recorder, sse(FIRST, bad_line))
    with pytest.raises(DeepSeekError) as info:
        _collect(_stream(client))
    err = info.value
    assert not isinstance(err, json.JSONDecodeError)
    assert isinstance(err, MalformedResponseError)
    assert isinstance(err, openai.APIError)
    assert err.retryable is True


async def test_malformed_chunk_async(recorder: Recorder, aclient: AsyncDeepSeek) -> None:
    _reply(recorder, sse(FIRST, "data: {broken"))
    with pytest.raises(MalformedResponseError):
        await _acollect(await _astream(aclient))


def test_stream_errors_are_not_retried_mid_stream(recorder: Recorder, http_client: httpx2.Client) -> None:
    """Once chunks were delivered, openai does not (and cannot) replay the stream: one request."""
    client = get_client(KEY, http_client=http_client, max_retries=2)
    _reply(recorder, sse(FIRST, ERROR_EVENT))
    with pytest.raises(DeepSeekStreamError):
        _collect(_stream(client))
    assert len(recorder.requests) == 1
