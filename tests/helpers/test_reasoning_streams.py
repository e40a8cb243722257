"""The stream adapters and the message helpers on hand-built chunks: what each piece becomes.

Section 7 of ../shared/deepseek-api.md: the first delta is ``role: assistant, content: ""`` (often
with ``reasoning_content: ""``); the first piece of a tool call carries id/type/name, later ones
only argument pieces; usage rides on the final chunk.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from openai.types.chat import ChatCompletion, ChatCompletionChunk

from deepseek_openai._reasoning import (
    ContentDelta,
    FinalMessage,
    Finish,
    FunctionCall,
    ReasoningDelta,
    ToolCall,
    ToolCallDelta,
    UsageEvent,
    aiter_events,
    get_reasoning,
    iter_events,
    to_message,
)


def _chunk(
    delta: dict[str, Any] | None = None, *, finish: str | None = None, usage: Any = None
) -> dict[str, Any]:
    choices = [] if delta is None else [{"index": 0, "delta": delta, "finish_reason": finish}]
    return {
        "id": "chat-1",
        "object": "chat.completion.chunk",
        "created": 1_764_000_000,
        "model": "deepseek-flash",
        "choices": choices,
        "usage": usage,
    }


def _parsed(raw: dict[str, Any]) -> ChatCompletionChunk:
    return ChatCompletionChunk.model_validate(raw)


def _call(
    index: int, call_id: str | None = None, name: str | None = None, args: str | None = None
) -> dict[str, Any]:
    piece: dict[str, Any] = {"index": index}
    if call_id is not None:
        piece.update(id=call_id, type="function")
    fn: dict[str, Any] = {}
    if name is not None:
        fn["name"] = name
    if args is not None:
        fn["arguments"] = args
    if fn:
        piece["function"] = fn
    return piece


USAGE = {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12}
TOOL_STREAM = [
    _chunk({"role": "assistant", "content": "", "reasoning_content": ""}),
    _chunk({"reasoning_content": "Think"}),
    _chunk({"reasoning_content": "ing."}),
    # The second call's first piece arrives before the first call's arguments: index, not order.
    _chunk({"tool_calls": [_call(1, "call_01_b", "lookup", "")]}),
    _chunk({"tool_calls": [_call(0, "call_00_a", "get_weather", '{"ci')]}),
    _chunk({"tool_calls": [_call(0, args='ty": "Paris"}')]}),
    _chunk({"tool_calls": [_call(1, args="{}")]}),
    _chunk({}, finish="tool_calls"),
    _chunk(None, usage=USAGE),
]


@pytest.mark.parametrize("parse", [False, True], ids=["dict chunks", "parsed chunks"])
def test_a_tool_stream_accumulates_calls_by_index(parse: bool) -> None:
    chunks = [_parsed(c) for c in TOOL_STREAM] if parse else TOOL_STREAM
    events = list(iter_events(chunks))
    final = events[-1]
    assert isinstance(final, FinalMessage)
    assert final.content == ""
    assert final.reasoning_content == "Thinking."
    assert final.finish_reason == "tool_calls"
    assert (final.id, final.model, final.created) == ("chat-1", "deepseek-flash", 1_764_000_000)
    assert final.role == "assistant"
    assert final.tool_calls == (
        ToolCall("call_00_a", FunctionCall("get_weather", '{"city": "Paris"}'), "function", 0),
        ToolCall("call_01_b", FunctionCall("lookup", "{}"), "function", 1),
    )
    kinds = [type(e) for e in events]
    assert kinds.count(ReasoningDelta) == 2  # the empty first piece is not an event
    assert ContentDelta not in kinds
    assert next(e for e in events if isinstance(e, ToolCallDelta)) == ToolCallDelta(
        1, "call_01_b", "lookup", ""
    )
    assert Finish("tool_calls") in events
    usage = [e for e in events if isinstance(e, UsageEvent)]
    assert len(usage) == 1
    assert final.usage is usage[0].usage
    assert final.to_message() == {
        "role": "assistant",
        "content": "",
        "reasoning_content": "Thinking.",
        "tool_calls": [
            {
                "id": "call_00_a",
                "type": "function",
                "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
            },
            {"id": "call_01_b", "type": "function", "function": {"name": "lookup", "arguments": "{}"}},
        ],
    }


def test_late_pieces_do_not_overwrite_the_first_id_type_and_name() -> None:
    stream = [
        _chunk({"tool_calls": [{"index": 0, "function": {"arguments": "{"}}]}),
        _chunk({"tool_calls": [{"index": 0, "id": "call_x", "type": "function", "function": {"name": "f"}}]}),
        _chunk(
            {
                "tool_calls": [
                    {"index": 0, "id": "call_y", "type": "other", "function": {"name": "g", "arguments": "}"}}
                ]
            }
        ),
    ]
    final = list(iter_events(stream))[-1]
    assert isinstance(final, FinalMessage)
    assert final.tool_calls == (ToolCall("call_x", FunctionCall("f", "{}"), "function", 0),)


def test_a_call_without_id_type_or_name_gets_the_neutral_defaults() -> None:
    final = list(iter_events([_chunk({"tool_calls": [{"index": 3, "function": None}]})]))[-1]
    assert isinstance(final, FinalMessage)
    assert final.tool_calls == (ToolCall("", FunctionCall("", ""), "function", 3),)


def test_a_stream_without_fields_keeps_them_none() -> None:
    final = list(iter_events([_chunk({"role": "assistant"})]))[-1]
    assert isinstance(final, FinalMessage)
    assert final.content is None
    assert final.reasoning_content is None
    assert final.finish_reason is None
    assert final.usage is None
    assert final.tool_calls == ()
    assert final.to_message() == {"role": "assistant"}


def test_the_first_chunk_names_the_stream() -> None:
    first = _chunk({"content": "a"})
    later = {**_chunk({"content": "b"}), "id": "other", "model": "other", "created": 5}
    final = list(iter_events([first, later]))[-1]
    assert isinstance(final, FinalMessage)
    assert (final.id, final.model, final.created, final.content) == (
        "chat-1",
        "deepseek-flash",
        1_764_000_000,
        "ab",
    )


def test_snapshot_before_and_after_the_end() -> None:
    events = iter_events([_chunk({"content": "par"}), _chunk({"content": "tial"}, finish="stop")])
    with pytest.raises(RuntimeError, match="has not ended"):
        _ = events.final
    assert next(iter(events)) == ContentDelta("par")
    assert events.snapshot().content == "par"
    rest = list(events)
    assert events.final is rest[-1]
    assert events.snapshot() is events.final


class _Closable:
    def __init__(self, chunks: list[dict[str, Any]]) -> None:
        self.chunks = chunks
        self.closed = 0

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.chunks)

    def close(self) -> None:
        self.closed += 1


def test_closing_the_events_closes_the_stream() -> None:
    stream = _Closable([_chunk({"content": "a"}), _chunk({"content": "b"})])
    with iter_events(stream) as events:
        assert next(events) == ContentDelta("a")
    assert stream.closed == 1
    assert list(events) == []  # nothing more is read after close


class _AsyncClosable:
    def __init__(self, chunks: list[dict[str, Any]], *, awaitable: bool) -> None:
        self.chunks = chunks
        self.awaitable = awaitable
        self.closed = 0

    async def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        for chunk in self.chunks:
            yield chunk

    def close(self) -> Any:
        if not self.awaitable:
            self.closed += 1
            return None

        async def closing() -> None:
            self.closed += 1

        return closing()


@pytest.mark.parametrize("awaitable", [True, False], ids=["async close", "sync close"])
async def test_an_early_break_from_async_events_closes_the_stream(awaitable: bool) -> None:
    stream = _AsyncClosable([_chunk({"content": "a"}), _chunk({"content": "b"})], awaitable=awaitable)
    async with aiter_events(stream) as events:
        async for event in events:
            assert event == ContentDelta("a")
            break
    assert stream.closed == 1


async def test_async_events_accumulate_like_sync_ones() -> None:
    stream = _AsyncClosable(TOOL_STREAM, awaitable=True)
    events = [e async for e in aiter_events(stream)]
    sync = list(iter_events(TOOL_STREAM))
    assert events[-1] == sync[-1]


# ------------------------------------------------------------------------------------------------
# get_reasoning / to_message on parsed objects


def _completion(message: dict[str, Any]) -> ChatCompletion:
    return ChatCompletion.model_validate(
        {
            "id": "x",
            "object": "chat.completion",
            "created": 1,
            "model": "deepseek-flash",
            "choices": [{"index": 0, "finish_reason": "stop", "message": message}],
        }
    )


def test_an_empty_reasoning_is_kept_apart_from_none() -> None:
    with_empty = _completion({"role": "assistant", "content": "Hi", "reasoning_content": ""})
    without = _completion({"role": "assistant", "content": "Hi"})
    assert get_reasoning(with_empty) == ""
    assert get_reasoning(without) is None
    assert to_message(with_empty) == {"role": "assistant", "content": "Hi", "reasoning_content": ""}
    assert to_message(without) == {"role": "assistant", "content": "Hi"}


def test_reasoning_of_a_parsed_chunk_delta() -> None:
    chunk = _parsed(_chunk({"reasoning_content": "Hm"}))
    assert get_reasoning(chunk) == "Hm"
    assert get_reasoning(_parsed(_chunk({"content": "x"}))) is None
    assert get_reasoning({"choices": [{"delta": {"reasoning_content": ""}}]}) == ""
    assert get_reasoning({"choices": []}) is None


def test_to_message_of_parsed_tool_calls_is_plain_dicts() -> None:
    completion = _completion(
        {
            "role": "assistant",
            "content": None,
            "reasoning_content": "r",
            "tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}},
                {"id": "call_2", "type": "function", "function": {"name": "g", "arguments": "[]"}},
            ],
            "refusal": None,
        }
    )
    out = to_message(completion)
    assert out == {
        "role": "assistant",
        "reasoning_content": "r",
        "tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}},
            {"id": "call_2", "type": "function", "function": {"name": "g", "arguments": "[]"}},
        ],
    }
    assert all(type(call) is dict for call in out["tool_calls"])


def test_to_message_of_dicts_drops_none_index_and_empty_calls() -> None:
    message = {
        "role": "assistant",
        "content": "x",
        "refusal": None,
        "tool_calls": [
            {"index": 0, "id": "c", "type": "function", "function": {"name": "f", "arguments": ""}}
        ],
    }
    assert to_message({"message": message}) == {
        "role": "assistant",
        "content": "x",
        "tool_calls": [{"id": "c", "type": "function", "function": {"name": "f", "arguments": ""}}],
    }
    assert to_message({"message": {"content": "x", "tool_calls": []}}) == {
        "role": "assistant",
        "content": "x",
    }
    assert to_message({"delta": {"content": "d"}}) == {"role": "assistant", "content": "d"}


def test_to_message_keeps_a_given_role() -> None:
    assert to_message({"message": {"role": "assistant", "content": "x"}})["role"] == "assistant"
    assert to_message({"content": "x"})["role"] == "assistant"


def test_final_message_to_message_is_the_function() -> None:
    final = FinalMessage("a", "", (), "stop", None)
    assert (
        final.to_message()
        == to_message(final)
        == {"role": "assistant", "content": "a", "reasoning_content": ""}
    )


@pytest.mark.parametrize("bad", [None, "text", b"x", 3, 1.5, True])
@pytest.mark.parametrize("func", [get_reasoning, to_message], ids=["get_reasoning", "to_message"])
def test_unreadable_input_names_the_function_and_the_type(bad: Any, func: Any) -> None:
    with pytest.raises(TypeError) as info:
        func(bad)
    assert str(info.value).startswith(f"{func.__name__}() got {type(bad).__name__}. Why:")


def test_to_message_without_choices_says_so() -> None:
    with pytest.raises(ValueError, match="without choices"):
        to_message({"choices": []})
