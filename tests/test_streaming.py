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


# ------------------------------------------------------------------------------------------
# What the translated errors carry (issue 17: the survivors of a mutation run of _streaming.py)


def _error_event_of(recorder: Recorder, client: DeepSeek, data: str) -> DeepSeekStreamError:
    """Read a chat stream whose second event is ``event: error`` with ``data`` as its data line."""
    _reply(recorder, sse(FIRST, f"event: error\ndata: {data}", done=False))
    with pytest.raises(DeepSeekStreamError) as info:
        _collect(_stream(client))
    return info.value


@pytest.mark.parametrize(
    ("data", "message", "body"),
    [
        # No "error" key: openai would hand these on as chunks; the event name alone makes them errors.
        (
            '{"message": "Server overloaded", "code": 503}',
            "Server overloaded",
            {"message": "Server overloaded", "code": 503},
        ),
        ('{"error": "quota exceeded"}', "quota exceeded", {"error": "quota exceeded"}),
        ("upstream overloaded", "upstream overloaded", "upstream overloaded"),
        (
            '{"error": {"message": "Server busy", "type": "server_error"}}',
            "Server busy",
            {"message": "Server busy", "type": "server_error"},
        ),
    ],
    ids=["message-only", "error-string", "not-json", "error-object"],
)
def test_an_error_event_is_an_error_whatever_its_data_holds(
    data: str, message: str, body: object, recorder: Recorder, client: DeepSeek
) -> None:
    err = _error_event_of(recorder, client, data)
    assert err.server_message == message
    assert err.body == body
    assert err.request.url.path == "/chat/completions"
    assert err.trace_id == "trace-s"


@pytest.mark.parametrize(
    "data", ['{"error": {"message": "   "}}', '{"error": {"type": "server_error"}}', "[1, 2]"]
)
def test_an_error_event_without_a_message_names_what_the_server_sent(
    data: str, recorder: Recorder, client: DeepSeek
) -> None:
    err = _error_event_of(recorder, client, data)
    assert f"the server sent an error event: {data}" in str(err)


def test_an_error_event_without_data_says_so(recorder: Recorder, client: DeepSeek) -> None:
    err = _error_event_of(recorder, client, "")
    assert "the server sent an error event without details" in str(err)
    assert err.body is None


def test_a_long_error_event_is_cut_in_the_body(recorder: Recorder, client: DeepSeek) -> None:
    """A proxy's page as an error event: its first 500 characters are the body and the message."""
    data = "".join(f"{i:04d}" for i in range(250))  # 1000 characters, not JSON
    err = _error_event_of(recorder, client, data)
    assert err.body == data[:500]
    assert err.server_message == data[:500]


def test_a_long_error_event_without_a_message_is_quoted_up_to_200_characters(
    recorder: Recorder, client: DeepSeek
) -> None:
    data = json.dumps(list(range(100)))  # JSON, but no message in it; 390 characters
    err = _error_event_of(recorder, client, data)
    assert err.server_message == f"the server sent an error event: {data[:200]}"


def test_the_key_in_an_error_event_is_masked_in_the_body(recorder: Recorder, client: DeepSeek) -> None:
    err = _error_event_of(recorder, client, json.dumps({"message": "bad", "echo": f"Bearer {KEY}"}))
    assert isinstance(err.body, dict)
    assert err.body["message"] == "bad"
    assert KEY not in json.dumps(err.body)
    assert KEY not in str(err)


def test_an_error_chunk_keeps_its_body_and_request(recorder: Recorder, client: DeepSeek) -> None:
    """The ``{"error": ...}`` chunk openai itself raises on: the body and the request survive translation."""
    _reply(recorder, sse(FIRST, ERROR_EVENT, done=False))
    with pytest.raises(DeepSeekStreamError) as info:
        _collect(_stream(client))
    err = info.value
    assert isinstance(err.body, dict)
    assert err.body["type"] == "server_error"
    assert err.request.url.path == "/chat/completions"


def test_the_unredacted_openai_error_is_not_in_the_traceback(recorder: Recorder, client: DeepSeek) -> None:
    """openai's own APIError holds the server's text with the key: neither cause nor context shows it."""
    import traceback

    _reply(recorder, sse(FIRST, ERROR_EVENT, done=False))
    with pytest.raises(DeepSeekStreamError) as info:
        _collect(_stream(client))
    printed = "".join(traceback.format_exception(info.value))
    assert "Internal error while generating" in printed
    assert KEY not in printed


@pytest.mark.parametrize(
    ("exc_type", "says"),
    [
        (httpx2.ReadError, "dropped in the middle of the stream"),
        (httpx2.ReadTimeout, "stalled past the timeout"),
    ],
)
def test_a_dropped_stream_says_it_was_mid_stream(
    exc_type: type[Exception], says: str, recorder: Recorder, client: DeepSeek
) -> None:
    recorder.queue.append(
        lambda req: httpx2.Response(200, content=_dropping_body(exc_type), headers=SSE_HEADERS)
    )
    with pytest.raises(DeepSeekConnectionError) as info:
        _collect(_stream(client))
    assert info.value.in_stream is True
    assert says in str(info.value)
    assert isinstance(info.value.__cause__, openai.APIConnectionError)


def test_a_malformed_chunk_names_the_decoding_error(recorder: Recorder, client: DeepSeek) -> None:
    _reply(recorder, sse(FIRST, "data: not json at all"))
    with pytest.raises(MalformedResponseError) as info:
        _collect(_stream(client))
    assert "JSONDecodeError" in str(info.value)
    assert isinstance(info.value.__cause__, json.JSONDecodeError)


def test_an_error_that_is_not_the_servers_is_not_disguised(recorder: Recorder, client: DeepSeek) -> None:
    """A bug in the caller's transport is no malformed response: it comes through as it was raised."""

    def body() -> Iterator[bytes]:
        yield sse(FIRST, done=False)
        raise LookupError("the transport's own bug")

    recorder.queue.append(lambda req: httpx2.Response(200, content=body(), headers=SSE_HEADERS))
    with pytest.raises(LookupError, match="the transport's own bug") as info:
        _collect(_stream(client))
    assert not isinstance(info.value, DeepSeekError)


def test_a_stream_cut_short_says_the_connection_closed_early(recorder: Recorder, client: DeepSeek) -> None:
    _reply(recorder, sse(FIRST, done=False))
    with pytest.raises(IncompleteStreamError, match=r"\(the connection closed early\)"):
        _collect(_stream(client))


def test_an_answer_without_a_content_type_says_so(recorder: Recorder, client: DeepSeek) -> None:
    recorder.reply(200, content=sse(FIRST, done=False), headers={})
    with pytest.raises(
        IncompleteStreamError, match="the server answered no content type instead of an event"
    ):
        _collect(_stream(client))
