"""The helpers on Responses objects and streams, from their dict forms (recorded responses): the
shapes of deepseek-api.md section 12 (reasoning items with reasoning_text, function calls, usage
with input/output tokens)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest

import deepseek_openai as ds

REASONING = {
    "id": "rs_1",
    "type": "reasoning",
    "summary": [],
    "content": [{"type": "reasoning_text", "text": "Hmm."}],
}
MESSAGE = {
    "id": "msg_1",
    "type": "message",
    "role": "assistant",
    "status": "completed",
    "content": [{"type": "output_text", "text": "Hi", "annotations": [], "logprobs": []}],
}
CALL = {
    "id": "fc_1",
    "type": "function_call",
    "call_id": "call_00_a",
    "name": "get_weather",
    "arguments": '{"city":"x"}',
    "status": "completed",
}
CUSTOM = {
    "id": "ctc_1",
    "type": "custom_tool_call",
    "call_id": "call_01_b",
    "name": "apply_patch",
    "input": "*** Begin",
}
USAGE = {
    "input_tokens": 100,
    "input_tokens_details": {"cached_tokens": 64},
    "output_tokens": 30,
    "output_tokens_details": {"reasoning_tokens": 20},
    "total_tokens": 130,
}


def response(*output: dict[str, Any], status: str = "completed", **extra: Any) -> dict[str, Any]:
    return {
        "id": "resp_1",
        "object": "response",
        "created_at": 1764000000,
        "model": "deepseek-flash",
        "status": status,
        "output": list(output),
        "usage": USAGE,
        **extra,
    }


def test_get_reasoning_reads_the_reasoning_items() -> None:
    assert ds.get_reasoning(response(REASONING, MESSAGE)) == "Hmm."
    assert ds.get_reasoning(REASONING) == "Hmm."
    assert ds.get_reasoning(response(MESSAGE)) is None  # not thinking
    empty = {**REASONING, "content": []}
    assert ds.get_reasoning(response(empty, MESSAGE)) == ""  # thinking, nothing said


def test_to_input_items_keeps_reasoning_and_calls_and_appends_outputs() -> None:
    items = ds.to_input_items(
        response(REASONING, CALL, CUSTOM), {"call_00_a": "sunny", "call_01_b": "applied"}
    )
    assert [item["type"] for item in items] == [
        "reasoning",
        "function_call",
        "custom_tool_call",
        "function_call_output",
        "custom_tool_call_output",
    ]
    first: Any = items[0]
    assert first["content"] == [{"type": "reasoning_text", "text": "Hmm."}]
    assert "status" not in items[1]  # only what an input item takes
    assert items[3] == {"type": "function_call_output", "call_id": "call_00_a", "output": "sunny"}


def test_to_input_items_refuses_to_leave_a_call_unanswered() -> None:
    with pytest.raises(ValueError, match=r"no output for the tool calls \['call_01_b'\]"):
        ds.to_input_items(response(CALL, CUSTOM), {"call_00_a": "sunny"})


def test_to_input_items_and_to_message_point_at_each_other() -> None:
    chat = {"choices": [{"message": {"role": "assistant", "content": "x"}}]}
    with pytest.raises(TypeError, match="to_message"):
        ds.to_input_items(chat)
    with pytest.raises(TypeError, match="to_input_items"):
        ds.to_message(response(MESSAGE))


def test_function_calls_lists_function_and_custom_calls() -> None:
    calls = ds.function_calls(response(REASONING, MESSAGE, CALL, CUSTOM))
    assert [(c.id, c.type, c.function.name, c.function.arguments) for c in calls] == [
        ("call_00_a", "function", "get_weather", '{"city":"x"}'),
        ("call_01_b", "custom", "apply_patch", "*** Begin"),
    ]
    assert ds.function_calls(response(MESSAGE)) == []


def test_usage_and_cost_read_responses_usage() -> None:
    summary = ds.usage_summary(response(MESSAGE))
    assert summary == ds.UsageSummary(100, 30, 130, 64, 36, 20)
    # priced at the created_at time (a Saturday: off-peak), hits at the cache-hit rate
    cost = ds.estimate_cost(response(MESSAGE, created_at=1764374400), "deepseek-flash")
    expected = (64 * Decimal("0.006") + 36 * Decimal("0.30") + 30 * Decimal("1.20")) / 2 / 1_000_000
    assert cost == expected


def _events(*, terminal: str = "response.completed", status: str = "completed") -> list[dict[str, Any]]:
    final = response(REASONING, MESSAGE, CALL, status=status)
    return [
        {"type": "response.created", "response": {**final, "output": [], "status": "in_progress"}},
        {"type": "response.output_item.added", "output_index": 0, "item": {**REASONING, "content": []}},
        {"type": "response.reasoning_text.delta", "output_index": 0, "delta": ""},
        {"type": "response.reasoning_text.delta", "output_index": 0, "delta": "Hmm."},
        {"type": "response.output_item.added", "output_index": 1, "item": {**MESSAGE, "content": []}},
        {"type": "response.output_text.delta", "output_index": 1, "delta": "Hi"},
        {"type": "response.output_item.added", "output_index": 2, "item": {**CALL, "arguments": ""}},
        {"type": "response.function_call_arguments.delta", "output_index": 2, "delta": '{"city":'},
        {"type": "response.function_call_arguments.delta", "output_index": 2, "delta": '"x"}'},
        {"type": terminal, "response": final},
    ]


def test_iter_events_turns_a_responses_stream_into_the_chat_events() -> None:
    with ds.iter_events(_events()) as events:
        seen = list(events)
    kinds = [type(e).__name__ for e in seen]
    assert kinds == [
        "ReasoningDelta",
        "ContentDelta",
        "ToolCallDelta",
        "ToolCallDelta",
        "ToolCallDelta",
        "Finish",
        "UsageEvent",
        "FinalMessage",
    ]
    final = events.final
    assert final.reasoning_content == "Hmm."  # the empty first piece is kept, not dropped
    assert final.content == "Hi"
    assert final.finish_reason == "tool_calls"
    assert final.tool_calls[0].id == "call_00_a"
    assert final.tool_calls[0].function.arguments == '{"city":"x"}'
    assert final.id == "resp_1"
    assert ds.usage_summary(final.usage).cache_hit_tokens == 64
    # the final message replays like the Response itself
    assert ds.to_input_items(final) == ds.to_input_items(response(REASONING, MESSAGE, CALL))


def test_a_stream_cut_short_still_gives_input_items() -> None:
    with ds.iter_events(_events()[:-1]) as events:
        list(events)
    final = events.final
    assert final.response is None
    assert final.finish_reason is None
    items = ds.to_input_items(final, {"call_00_a": "sunny"})
    assert [i["type"] for i in items] == ["reasoning", "message", "function_call", "function_call_output"]


@pytest.mark.parametrize(
    ("status", "details", "reason"),
    [("incomplete", {"reason": "max_output_tokens"}, "length"), ("failed", None, "failed")],
)
def test_how_a_responses_stream_ended_reads_as_a_finish_reason(
    status: str, details: Any, reason: str
) -> None:
    events = _events(terminal=f"response.{status}", status=status)
    events[-1]["response"]["incomplete_details"] = details
    with ds.iter_events(events) as stream:
        list(stream)
    assert stream.final.finish_reason == reason


async def test_aiter_events_over_a_responses_stream() -> None:
    async def gen() -> AsyncIterator[dict[str, Any]]:
        for event in _events():
            yield event

    async with ds.aiter_events(gen()) as events:
        texts = [e.text async for e in events if isinstance(e, ds.ContentDelta)]
    assert texts == ["Hi"]
    assert events.final.finish_reason == "tool_calls"
