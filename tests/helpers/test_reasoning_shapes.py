"""The reasoning helpers on the less common shapes: objects that are not openai's models, streams
without ``close``, tool-call pieces that arrive out of the usual order, and the errors' guidance.

Shapes from deepseek-api.md section 7 (the first piece of a tool call carries id/type/name, later
ones argument pieces) and the helpers' docstrings (``reasoning_content`` is kept, also when ``""``;
``None`` fields are left out; tool calls become the plain dicts the API takes).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import pytest
from openai.types.chat import ChatCompletionMessageCustomToolCall
from pydantic import BaseModel

from deepseek_openai._reasoning import (
    FinalMessage,
    ToolCallDelta,
    aiter_events,
    get_reasoning,
    iter_events,
    to_message,
)


def _chunk(delta: dict[str, Any] | None, finish: str | None = None) -> dict[str, Any]:
    return {
        "id": "chat-1",
        "object": "chat.completion.chunk",
        "created": 1_764_000_000,
        "model": "deepseek-flash",
        "choices": [] if delta is None else [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def _final(events: Any) -> FinalMessage:
    *_, last = list(events)
    assert isinstance(last, FinalMessage)
    return last


# ------------------------------------------------------------------------------ stream adapters


def test_a_recorded_list_of_chunks_can_be_closed() -> None:
    """A list has no close(): leaving the with-block must not fail on it."""
    chunks = [_chunk({"content": "Hi"}), _chunk({}, finish="stop")]
    with iter_events(chunks) as events:
        assert _final(events).content == "Hi"


async def test_an_async_iterable_without_close_can_be_closed() -> None:
    class Chunks:
        def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
            return self._gen()

        async def _gen(self) -> AsyncIterator[dict[str, Any]]:
            yield _chunk({"content": "Hi"})
            yield _chunk({}, finish="stop")

    async with aiter_events(Chunks()) as events:
        got = [event async for event in events]
    assert isinstance(got[-1], FinalMessage)
    assert got[-1].content == "Hi"


def test_an_id_that_arrives_after_the_first_piece_is_kept() -> None:
    pieces = [
        _chunk({"tool_calls": [{"index": 0, "type": "function", "function": {"name": "get_weather"}}]}),
        _chunk({"tool_calls": [{"index": 0, "id": "call_00_a", "function": {"arguments": "{}"}}]}),
        _chunk({}, finish="tool_calls"),
    ]
    (call,) = _final(iter_events(pieces)).tool_calls
    assert (call.id, call.type, call.function.name, call.function.arguments) == (
        "call_00_a",
        "function",
        "get_weather",
        "{}",
    )


def test_a_piece_without_a_function_has_no_name_and_no_arguments() -> None:
    pieces = [_chunk({"tool_calls": [{"index": 0, "id": "call_00_a", "type": "function"}]})]
    deltas = [e for e in iter_events(pieces) if isinstance(e, ToolCallDelta)]
    assert deltas == [ToolCallDelta(0, "call_00_a", None, None)]


def test_a_wrongly_shaped_recorded_chunk_says_what_to_pass() -> None:
    with pytest.raises(ValueError, match=r"iter_events\(\) got a chunk it cannot read") as info:
        list(iter_events([{"id": "x", "choices": None}]))
    assert (
        "Why: a chat stream chunk is an object with a list of choices, each with a delta object. "
        "Fix: pass the stream returned by client.chat.completions.create(..., stream=True), or chunks "
        "of that shape." in str(info.value)
    )


# ------------------------------------------------------------------------------- get_reasoning


def test_get_reasoning_of_plain_objects() -> None:
    """Objects that are not pydantic models (a framework's own message class) are read by attribute."""
    assert get_reasoning(SimpleNamespace(role="assistant", reasoning_content="Think.")) == "Think."
    assert get_reasoning(SimpleNamespace(message=SimpleNamespace(reasoning_content=""))) == ""
    assert get_reasoning(SimpleNamespace(role="assistant", content="Hi")) is None
    assert get_reasoning(SimpleNamespace(reasoning_content=42)) is None  # not text: no reasoning


def test_get_reasoning_of_a_model_that_declares_the_field() -> None:
    class Message(BaseModel):
        role: str
        content: str | None
        reasoning_content: str | None = None

    assert get_reasoning(Message(role="assistant", content="Hi", reasoning_content="Think.")) == "Think."


def test_get_reasoning_of_a_non_reasoning_item_is_not_a_responses_read() -> None:
    """A dict whose type is not "reasoning" is read as a chat message."""
    assert get_reasoning({"type": "message", "reasoning_content": "r"}) == "r"


def test_an_unreadable_value_says_what_to_pass() -> None:
    with pytest.raises(TypeError) as info:
        get_reasoning(3)
    assert str(info.value) == (
        "get_reasoning() got int. Why: it reads a chat completion, a choice, a message, a stream chunk or "
        "delta, a FinalMessage or their dict forms. Fix: pass the response object (e.g. the value "
        "returned by client.chat.completions.create)."
    )


# ---------------------------------------------------------------------------------- to_message


def test_to_message_of_a_plain_object_keeps_its_reasoning() -> None:
    message = SimpleNamespace(role="assistant", content="Hi", reasoning_content="", tool_calls=None)
    assert to_message(message) == {"role": "assistant", "content": "Hi", "reasoning_content": ""}


def test_to_message_of_a_model_that_declares_reasoning_keeps_it() -> None:
    """A message class with reasoning_content as a declared field (not a pydantic extra): still sent back.

    Dropping it here would bring back the 400 the thinking-mode page describes for tool loops.
    """

    class Message(BaseModel):
        role: str
        content: str | None
        reasoning_content: str | None = None

    assert to_message(Message(role="assistant", content=None, reasoning_content="Think.")) == {
        "role": "assistant",
        "reasoning_content": "Think.",
    }


def test_tool_call_objects_become_the_dicts_the_api_takes() -> None:
    function = SimpleNamespace(name="get_weather", arguments='{"city": "Paris"}')
    untyped = SimpleNamespace(id="call_00_a", function=function)  # no type attribute at all
    typeless = SimpleNamespace(id="call_01_b", type=None, function=function)
    message = SimpleNamespace(role="assistant", content=None, tool_calls=[untyped, typeless])
    expected = {"type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}}
    assert to_message(message)["tool_calls"] == [
        {"id": "call_00_a", **expected},
        {"id": "call_01_b", **expected},
    ]


def test_a_tool_call_without_a_function_is_dumped_without_nones() -> None:
    custom = ChatCompletionMessageCustomToolCall.model_validate(
        {"id": "call_02_c", "type": "custom", "custom": {"name": "apply_patch", "input": "*** Begin"}}
    )
    opaque = ("call_03_d", "kept as given")
    message = SimpleNamespace(role="assistant", content=None, tool_calls=[custom, opaque])
    assert to_message(message)["tool_calls"] == [
        {"id": "call_02_c", "type": "custom", "custom": {"name": "apply_patch", "input": "*** Begin"}},
        opaque,
    ]


def test_to_message_of_a_responses_dict_points_at_to_input_items() -> None:
    with pytest.raises(TypeError) as info:
        to_message({"object": "response", "id": "resp_1", "output": []})
    assert str(info.value) == (
        "to_message() got a Responses API response. Why: it builds a Chat Completions assistant message; "
        "the Responses API takes input items instead. Fix: use deepseek_openai.to_input_items(response), "
        "which keeps the reasoning items and function calls."
    )


def test_to_message_of_an_object_that_is_not_a_response_is_read() -> None:
    message = SimpleNamespace(object="chat.completion.message", role="assistant", content="Hi")
    assert to_message(message) == {"role": "assistant", "content": "Hi"}


def test_to_message_without_choices_says_what_to_check() -> None:
    with pytest.raises(ValueError) as info:
        to_message({"id": "c1", "object": "chat.completion", "choices": []})
    assert str(info.value) == (
        "to_message() got a response without choices. Why: there is no message to send back. "
        "Fix: check the response (finish_reason, errors) before appending it to the history."
    )


# ------------------------------------------------------------ Responses streams and odd chunks


def test_a_responses_stream_names_its_function_and_custom_tool_calls() -> None:
    """deepseek-api.md section 12: function_call items (name, arguments) and custom_tool_call items
    (name, input) arrive as output items whose text follows in delta events."""
    function = {"id": "fc_1", "type": "function_call", "call_id": "call_00_a", "name": "get_weather"}
    custom = {"id": "ctc_1", "type": "custom_tool_call", "call_id": "call_01_b", "name": "apply_patch"}
    events = [
        {"type": "response.output_item.added", "output_index": 0, "item": {**function, "arguments": ""}},
        {"type": "response.function_call_arguments.delta", "output_index": 0, "delta": '{"city":"x"}'},
        {"type": "response.output_item.added", "output_index": 1, "item": {**custom, "input": ""}},
        {"type": "response.custom_tool_call_input.delta", "output_index": 1, "delta": "*** Begin"},
    ]
    with iter_events(events) as stream:
        seen = list(stream)
    firsts = [e for e in seen if isinstance(e, ToolCallDelta) and e.id]
    assert [(e.index, e.id, e.name) for e in firsts] == [
        (0, "call_00_a", "get_weather"),
        (1, "call_01_b", "apply_patch"),
    ]
    calls = stream.final.tool_calls
    assert [(c.id, c.type, c.function.name, c.function.arguments) for c in calls] == [
        ("call_00_a", "function", "get_weather", '{"city":"x"}'),
        ("call_01_b", "custom", "apply_patch", "*** Begin"),
    ]


def test_a_reasoning_item_object_is_read_as_a_responses_item() -> None:
    from openai.types.responses import ResponseReasoningItem

    item = ResponseReasoningItem.model_validate(
        {
            "id": "rs_1",
            "type": "reasoning",
            "summary": [],
            "content": [{"type": "reasoning_text", "text": "Hmm."}],
        }
    )
    assert get_reasoning(item) == "Hmm."


def test_to_message_of_a_responses_object_points_at_to_input_items() -> None:
    response = SimpleNamespace(object="response", id="resp_1", output=[])
    with pytest.raises(TypeError, match=r"use deepseek_openai\.to_input_items\(response\)"):
        to_message(response)


def test_a_chunk_that_looks_right_but_cannot_be_read_names_the_python_error() -> None:
    """A recorded chunk model whose dump is a well-formed chunk, but whose choices are plain dicts: the
    shape checks find nothing to say, so the error names what reading it raised."""

    class Recorded(BaseModel):
        id: str
        model: str
        created: int
        choices: list[dict[str, Any]]

    chunk = Recorded(
        id="c1", model="deepseek-flash", created=1, choices=[{"index": 0, "delta": {"content": "Hi"}}]
    )
    with pytest.raises(
        ValueError, match=r"cannot read \(AttributeError: 'dict' object has no attribute 'delta'\)"
    ):
        list(iter_events([chunk]))


def test_reading_a_broken_model_chunk_warns_nothing() -> None:
    """A chunk model built without validation (a delta that is a string) is dumped to describe it;
    pydantic's serializer warnings about its wrong fields are not the user's concern."""
    import warnings

    from openai.types.chat import ChatCompletionChunk

    broken = ChatCompletionChunk.construct(
        id="c1",
        object="chat.completion.chunk",
        created=1,
        model="deepseek-flash",
        choices=[{"index": 0, "delta": "Hi"}],
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ValueError, match="cannot read"):
            list(iter_events([broken]))
    assert [str(w.message) for w in caught] == []


def test_a_tool_call_model_is_dumped_without_its_none_fields() -> None:
    class Call(BaseModel):
        id: str
        type: str
        note: str | None = None

    message = SimpleNamespace(role="assistant", content=None, tool_calls=[Call(id="call_04_e", type="mcp")])
    assert to_message(message)["tool_calls"] == [{"id": "call_04_e", "type": "mcp"}]
