"""Responses streams end their own way (deepseek-api.md section 12): typed events, each with a
``sequence_number``, ending with ``response.completed``, ``response.incomplete`` or ``response.failed``,
and no ``[DONE]``. Anything else is an incomplete stream; chat streams still need ``[DONE]``.

The server's bytes are scripted at a MockTransport; the streams are read through the real openai client.
"""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest

from deepseek_openai import (
    DeepSeekStreamError,
    IncompleteStreamError,
    MalformedResponseError,
    get_async_client,
    get_client,
)
from deepseek_openai._streaming import deepseek_stream_cls
from tests.conftest import KEY, Recorder

SSE = {"content-type": "text/event-stream"}
RESPONSE = {
    "id": "resp_1",
    "object": "response",
    "created_at": 1764000000,
    "model": "deepseek-flash",
    "status": "in_progress",
    "output": [],
    "parallel_tool_calls": True,
    "tool_choice": "auto",
    "tools": [],
}


def event(kind: str, seq: int, *, named: bool = True, **fields: Any) -> str:
    data = json.dumps({"type": kind, **fields, "sequence_number": seq})
    return (f"event: {kind}\n" if named else "") + f"data: {data}\n\n"


def body(*events: str) -> bytes:
    return "".join(events).encode()


OPENING = [
    event("response.created", 0, response=RESPONSE),
    event("response.in_progress", 1, response=RESPONSE),
]
DELTA = event("response.output_text.delta", 2, item_id="msg_1", output_index=0, content_index=0, delta="Hi")


def _terminal(kind: str, named: bool = True) -> str:
    status = kind.removeprefix("response.")
    return event(kind, 3, named=named, response={**RESPONSE, "status": status})


def _client(recorder: Recorder) -> Any:
    return get_client(KEY, http_client=httpx2.Client(transport=recorder.transport()), max_retries=0)


def _read(recorder: Recorder) -> list[str]:
    with _client(recorder).responses.create(model="deepseek-flash", input="hi", stream=True) as stream:
        return [e.type for e in stream]


@pytest.mark.parametrize("kind", ["response.completed", "response.incomplete", "response.failed"])
@pytest.mark.parametrize("named", [True, False], ids=["event-line", "type-only"])
def test_a_responses_stream_ends_with_its_terminal_event_and_needs_no_done(
    kind: str, named: bool, recorder: Recorder
) -> None:
    recorder.reply(200, content=body(*OPENING, DELTA, _terminal(kind, named)), headers=SSE)
    assert _read(recorder) == ["response.created", "response.in_progress", "response.output_text.delta", kind]


def test_a_responses_stream_without_a_terminal_event_is_incomplete(recorder: Recorder) -> None:
    recorder.reply(200, content=body(*OPENING, DELTA), headers=SSE)
    with pytest.raises(IncompleteStreamError, match=r"response\.completed or response\.incomplete"):
        _read(recorder)


def test_done_does_not_end_a_responses_stream(recorder: Recorder) -> None:
    recorder.reply(200, content=body(*OPENING, DELTA, "data: [DONE]\n\n"), headers=SSE)
    with pytest.raises(IncompleteStreamError):
        _read(recorder)


def test_a_delta_quoting_a_terminal_type_does_not_end_the_stream(recorder: Recorder) -> None:
    sneaky = event(
        "response.output_text.delta",
        2,
        named=False,
        item_id="m",
        output_index=0,
        content_index=0,
        delta='the "response.completed" event',
    )
    recorder.reply(200, content=body(*OPENING, sneaky), headers=SSE)
    with pytest.raises(IncompleteStreamError):
        _read(recorder)


def test_a_chat_stream_still_needs_done(recorder: Recorder) -> None:
    """The chat policy is unchanged: a terminal Responses event means nothing there."""
    chunk = {
        "id": "c",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "deepseek-flash",
        "choices": [{"index": 0, "delta": {"content": "x"}, "finish_reason": "stop"}],
    }
    recorder.reply(
        200, content=body(f"data: {json.dumps(chunk)}\n\n", _terminal("response.completed")), headers=SSE
    )
    recorder.reply(200, content=body(f"data: {json.dumps(chunk)}\n\n"), headers=SSE)
    client = _client(recorder)
    messages: Any = [{"role": "user", "content": "x"}]
    # The terminal event is no end marker here: in a chat stream it is a chunk of the wrong shape
    # (issue 14: every chat chunk's shape is checked), never a clean end.
    with pytest.raises(MalformedResponseError, match="stream chunk has the wrong shape"):
        list(client.chat.completions.create(model="deepseek-flash", messages=messages, stream=True))
    with pytest.raises(IncompleteStreamError, match=r"\[DONE\]"):
        list(client.chat.completions.create(model="deepseek-flash", messages=messages, stream=True))


def test_a_deepseek_error_event_in_a_responses_stream_is_a_stream_error(recorder: Recorder) -> None:
    error = 'data: {"error": {"message": "Server Error", "type": "server_error"}}\n\n'
    recorder.reply(200, content=body(*OPENING, error), headers=SSE)
    with pytest.raises(DeepSeekStreamError, match="Server Error"):
        _read(recorder)


def test_blank_data_lines_and_keep_alives_are_skipped(recorder: Recorder) -> None:
    recorder.reply(
        200,
        content=body(OPENING[0], ": keep-alive\n\n", "data:\n\n", DELTA, _terminal("response.completed")),
        headers=SSE,
    )
    assert _read(recorder)[-1] == "response.completed"


async def test_the_async_responses_stream_follows_the_same_policy(recorder: Recorder) -> None:
    recorder.reply(200, content=body(*OPENING, DELTA, _terminal("response.completed")), headers=SSE)
    recorder.reply(200, content=body(*OPENING, DELTA), headers=SSE)
    client = get_async_client(
        KEY, http_client=httpx2.AsyncClient(transport=recorder.transport()), max_retries=0
    )
    stream = await client.responses.create(model="deepseek-flash", input="hi", stream=True)
    assert [e.type async for e in stream][-1] == "response.completed"
    stream = await client.responses.create(model="deepseek-flash", input="hi", stream=True)
    with pytest.raises(IncompleteStreamError):
        _ = [e async for e in stream]


def test_the_stream_helper_reads_a_whole_response(recorder: Recorder) -> None:
    """client.responses.stream() (openai's accumulating helper) over the DeepSeek stream class."""
    item = {"id": "msg_1", "type": "message", "role": "assistant", "status": "in_progress", "content": []}
    part = {"type": "output_text", "text": "", "annotations": []}
    done = {**item, "status": "completed", "content": [{**part, "text": "Hi"}]}
    final = {**RESPONSE, "status": "completed", "output": [done]}
    events = [
        *OPENING,
        event("response.output_item.added", 2, output_index=0, item=item),
        event("response.content_part.added", 3, item_id="msg_1", output_index=0, content_index=0, part=part),
        event("response.output_text.delta", 4, item_id="msg_1", output_index=0, content_index=0, delta="Hi"),
        event("response.output_item.done", 5, output_index=0, item=done),
        event("response.completed", 6, response=final),
    ]
    recorder.reply(200, content=body(*events), headers=SSE)
    with _client(recorder).responses.stream(model="deepseek-flash", input="hi") as stream:
        for _ in stream:
            pass
        assert stream.get_final_response().output_text == "Hi"


def test_each_endpoint_kind_gets_its_own_stream_class() -> None:
    from openai import AsyncStream, Stream

    chat = deepseek_stream_cls(Stream[Any], "chat")
    responses = deepseek_stream_cls(Stream[Any], "responses")
    assert chat is not responses
    assert deepseek_stream_cls(Stream[Any], None) is chat
    assert deepseek_stream_cls(AsyncStream[Any], "responses") is not deepseek_stream_cls(
        AsyncStream[Any], "chat"
    )


def test_a_delta_whose_whole_text_is_a_terminal_type_does_not_end_the_stream(recorder: Recorder) -> None:
    """The terminal name appears quoted in the JSON (as a value, not the type): still not an end."""
    sneaky = event(
        "response.output_text.delta",
        2,
        named=False,
        item_id="m",
        output_index=0,
        content_index=0,
        delta="response.completed",
    )
    assert '"response.completed"' in sneaky
    recorder.reply(200, content=body(*OPENING, sneaky), headers=SSE)
    with pytest.raises(IncompleteStreamError):
        _read(recorder)


def test_a_named_event_is_judged_by_its_name(recorder: Recorder) -> None:
    """When the server names the SSE event, the name says what it is, not a type inside the data."""
    misnamed = "event: response.output_text.delta\n" + _terminal("response.completed", named=False)
    recorder.reply(200, content=body(*OPENING, misnamed), headers=SSE)
    with pytest.raises(IncompleteStreamError):
        _read(recorder)


def test_an_unnamed_event_that_is_not_an_object_is_no_end_and_no_crash(recorder: Recorder) -> None:
    """A JSON array mentioning a terminal type is no terminal event (and no AttributeError)."""
    recorder.reply(200, content=body(*OPENING, 'data: ["response.completed"]\n\n'), headers=SSE)
    with (
        _client(recorder).responses.create(model="deepseek-flash", input="hi", stream=True) as stream,
        pytest.raises(IncompleteStreamError),
    ):
        list(stream)
