"""get_reasoning, iter_events / aiter_events and to_message, on built objects and over the emulator."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from openai.types.chat import (
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionFunctionToolParam,
    ChatCompletionMessageParam,
)

from deepseek_openai import AsyncDeepSeek, DeepSeek
from deepseek_openai._reasoning import (
    ContentDelta,
    FinalMessage,
    Finish,
    ReasoningDelta,
    ToolCallDelta,
    UsageEvent,
    aiter_events,
    get_reasoning,
    iter_events,
    to_message,
)
from deepseek_openai.testing import DeepSeekEmulator, ScriptedReply, ScriptedToolCall

MESSAGES: list[ChatCompletionMessageParam] = [{"role": "user", "content": "What is the weather in Paris?"}]
TOOLS: list[ChatCompletionFunctionToolParam] = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        },
    }
]


def completion(reasoning: Any = "why", content: Any = "answer", **message: Any) -> ChatCompletion:
    msg: dict[str, Any] = {"role": "assistant", "content": content, **message}
    if reasoning is not ...:
        msg["reasoning_content"] = reasoning
    fields: dict[str, Any] = {
        "id": "c1",
        "object": "chat.completion",
        "created": 1,
        "model": "deepseek-flash",
        "choices": [{"index": 0, "finish_reason": "stop", "message": msg}],
    }
    return ChatCompletion.construct(**fields)


def chunk(
    delta: dict[str, Any], finish: str | None = None, usage: Any = None, choices: bool = True
) -> dict[str, Any]:
    return {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "deepseek-flash",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}] if choices else [],
        "usage": usage,
    }


# ---------------------------------------------------------------------------------- get_reasoning


def test_get_reasoning_reads_every_shape() -> None:
    c = completion("because")
    assert get_reasoning(c) == "because"
    assert get_reasoning(c.choices[0]) == "because"
    assert get_reasoning(c.choices[0].message) == "because"
    assert get_reasoning(c.model_dump()) == "because"
    assert get_reasoning({"role": "assistant", "reasoning_content": "d"}) == "d"
    piece = ChatCompletionChunk.construct(**chunk({"reasoning_content": "p"}))
    assert get_reasoning(piece) == "p"
    assert get_reasoning(piece.choices[0].delta) == "p"


def test_get_reasoning_keeps_none_and_empty_apart() -> None:
    assert get_reasoning(completion("")) == ""
    assert get_reasoning(completion(...)) is None
    assert get_reasoning(completion(None)) is None
    assert get_reasoning(ChatCompletionChunk.construct(**chunk({"content": "x"}))) is None
    assert get_reasoning(ChatCompletionChunk.construct(**chunk({}, choices=False))) is None


def test_get_reasoning_rejects_a_string_clearly() -> None:
    with pytest.raises(TypeError, match="chat completion"):
        get_reasoning("some text")


# ------------------------------------------------------------------------------------- to_message


def test_to_message_excludes_nones_and_keeps_reasoning() -> None:
    msg = to_message(completion("", "hi"))
    assert msg == {"role": "assistant", "content": "hi", "reasoning_content": ""}
    assert "refusal" not in msg
    assert "audio" not in msg


def test_to_message_turns_tool_calls_into_dicts() -> None:
    calls = [{"id": "call_00_a", "type": "function", "function": {"name": "f", "arguments": "{}"}}]
    c = completion("r", None, tool_calls=calls)
    assert to_message(c) == {"role": "assistant", "reasoning_content": "r", "tool_calls": calls}
    assert to_message(c.choices[0].message) == to_message(c) == to_message(c.model_dump())


def test_to_message_without_choices_says_why() -> None:
    empty = ChatCompletion.construct(id="x", choices=[], created=1, model="m", object="chat.completion")
    with pytest.raises(ValueError, match="without choices"):
        to_message(empty)


# ------------------------------------------------------------------------------------ iter_events


def _tool_stream() -> list[dict[str, Any]]:
    first = {
        "index": 0,
        "id": "call_00_x",
        "type": "function",
        "function": {"name": "get_weather", "arguments": ""},
    }
    return [
        chunk({"role": "assistant", "content": "", "reasoning_content": ""}),
        chunk({"reasoning_content": "Need "}),
        chunk({"reasoning_content": "weather."}),
        chunk({"tool_calls": [first]}),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": '{"city":'}}]}),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": '"Paris"}'}}]}),
        chunk({}, "tool_calls"),
        chunk({}, usage={"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}, choices=False),
    ]


def test_iter_events_yields_typed_events_then_the_final_message() -> None:
    events = iter_events(_tool_stream())
    seen = list(events)
    assert seen[:2] == [ReasoningDelta("Need "), ReasoningDelta("weather.")]
    assert seen[2] == ToolCallDelta(0, "call_00_x", "get_weather", "")
    assert [e.arguments for e in seen if isinstance(e, ToolCallDelta)][1:] == ['{"city":', '"Paris"}']
    assert isinstance(seen[-3], Finish)
    assert seen[-3].reason == "tool_calls"
    assert isinstance(seen[-2], UsageEvent)
    assert seen[-2].summary.total_tokens == 7
    final = seen[-1]
    assert isinstance(final, FinalMessage)
    assert final is events.final
    assert final.content == ""  # the stream carried content "" only: "" not None
    assert final.reasoning_content == "Need weather."
    assert final.tool_calls[0].function.arguments == '{"city":"Paris"}'
    assert final.tool_calls[0].function.name == "get_weather"
    assert final.finish_reason == "tool_calls"
    assert to_message(final) == {
        "role": "assistant",
        "content": "",
        "reasoning_content": "Need weather.",
        "tool_calls": [
            {
                "id": "call_00_x",
                "type": "function",
                "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
            }
        ],
    }


def test_empty_first_reasoning_delta_still_means_thinking() -> None:
    events = iter_events(
        [chunk({"role": "assistant", "content": "", "reasoning_content": ""}), chunk({}, "stop")]
    )
    assert [type(e) for e in events] == [Finish, FinalMessage]
    assert events.final.reasoning_content == ""
    assert get_reasoning(events.final) == ""


def test_non_thinking_stream_has_no_reasoning() -> None:
    events = iter_events([chunk({"role": "assistant", "content": "Hi"}), chunk({}, "stop")])
    list(events)
    assert events.final.reasoning_content is None
    assert events.final.content == "Hi"


def test_final_before_the_end_is_a_clear_error() -> None:
    events = iter_events(_tool_stream())
    next(events)
    with pytest.raises(RuntimeError, match="not ended"):
        _ = events.final
    assert events.snapshot().reasoning_content == "Need "


def test_iter_events_does_not_buffer() -> None:
    pulled: list[dict[str, Any]] = []

    def source() -> Iterator[dict[str, Any]]:
        for item in _tool_stream():
            pulled.append(item)
            yield item

    events = iter_events(source())
    next(events)
    assert len(pulled) == 2  # the first chunk has no visible event; the second gives one


def test_iter_events_over_the_emulator_stream(
    deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    deepseek_emulator.queue_reply(ScriptedReply(content="Sunny.", reasoning_content="Let me think."))
    stream = deepseek_client.chat.completions.create(
        model="deepseek-flash", messages=MESSAGES, stream=True, stream_options={"include_usage": True}
    )
    with iter_events(stream) as events:
        text = "".join(e.text for e in events if isinstance(e, ContentDelta))
    final = events.final
    assert text == final.content == "Sunny."
    assert final.reasoning_content == "Let me think."
    assert final.finish_reason == "stop"
    assert final.usage is not None
    assert final.usage.total_tokens > 0


def test_direct_iteration_is_unchanged(
    deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    deepseek_emulator.queue_reply(ScriptedReply(content="Sunny.", reasoning_content="Hm."))
    stream = deepseek_client.chat.completions.create(model="deepseek-flash", messages=MESSAGES, stream=True)
    chunks = list(stream)
    assert all(isinstance(c, ChatCompletionChunk) for c in chunks)
    assert "".join(get_reasoning(c) or "" for c in chunks) == "Hm."


def test_tool_call_stream_over_the_emulator(deepseek_client: DeepSeek) -> None:
    stream = deepseek_client.chat.completions.create(
        model="deepseek-flash", messages=MESSAGES, tools=TOOLS, stream=True
    )
    events = iter_events(stream)
    deltas = [e for e in events if isinstance(e, ToolCallDelta)]
    call = events.final.tool_calls[0]
    assert deltas[0].id == call.id
    assert call.function.name == "get_weather"
    assert '"city"' in call.function.arguments
    assert events.final.finish_reason == "tool_calls"
    # The non-streamed answer to the same request has the same shape in to_message.
    plain = deepseek_client.chat.completions.create(model="deepseek-flash", messages=MESSAGES, tools=TOOLS)
    assert to_message(plain).keys() == to_message(events.final).keys()


async def test_aiter_events_over_the_emulator(
    async_deepseek_client: AsyncDeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    deepseek_emulator.queue_reply(
        ScriptedReply(
            reasoning_content="Weather needed.",
            tool_calls=[ScriptedToolCall("get_weather", {"city": "Oslo"})],
        )
    )
    stream = await async_deepseek_client.chat.completions.create(
        model="deepseek-flash",
        messages=MESSAGES,
        tools=TOOLS,
        stream=True,
        stream_options={"include_usage": True},
    )
    kinds = []
    async with aiter_events(stream) as events:
        async for event in events:
            kinds.append(type(event))
    assert kinds[-1] is FinalMessage
    assert UsageEvent in kinds
    assert ReasoningDelta in kinds
    final = events.final
    assert final.reasoning_content == "Weather needed."
    assert final.tool_calls[0].function.arguments == '{"city": "Oslo"}'
