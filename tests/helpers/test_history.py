"""The reasoning_content round trip in a thinking-mode tool loop (the most reported DeepSeek 400).

Three rounds against the emulator: the model calls a tool, calls another, then answers. The caller
appends plain dicts that lost ``reasoning_content`` (what many frameworks do). Without the history
policy the API answers 400; with the default ``backfill`` the loop completes.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from deepseek_openai import (
    DeepSeek,
    DeepSeekRequestError,
    HistoryPolicy,
    ReasoningContentRequiredError,
    get_async_client,
    get_client,
)
from deepseek_openai._reasoning import to_message
from deepseek_openai.testing import DeepSeekEmulator, ScriptedReply, ScriptedToolCall

TOOLS = [
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
    },
    {
        "type": "function",
        "function": {
            "name": "get_time",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        },
    },
]


TOOLS_PARAM: Any = TOOLS
"""The same tools, for the typed create() (the list above is plain dicts)."""


def lossy(message: Any) -> dict[str, Any]:
    """What a framework that does not know reasoning_content appends: role, content, tool_calls."""
    out: dict[str, Any] = {"role": "assistant", "content": message.content}
    if message.tool_calls:
        out["tool_calls"] = [
            {
                "id": c.id,
                "type": "function",
                "function": {"name": c.function.name, "arguments": c.function.arguments},
            }
            for c in message.tool_calls
        ]
    return out


def tool_results(message: Any) -> list[dict[str, Any]]:
    return [
        {"role": "tool", "tool_call_id": c.id, "content": json.dumps({"ok": c.function.name})}
        for c in message.tool_calls
    ]


def script_three_rounds(emulator: DeepSeekEmulator) -> None:
    """Rounds 1 and 2 call a tool each; round 3 is the emulator's derived answer to the tool results."""
    emulator.queue_reply(
        ScriptedReply(
            reasoning_content="Weather first.", tool_calls=[ScriptedToolCall("get_weather", {"city": "Oslo"})]
        )
    )
    emulator.queue_reply(
        ScriptedReply(
            reasoning_content="Now the time.", tool_calls=[ScriptedToolCall("get_time", {"city": "Oslo"})]
        )
    )


def run_loop(client: Any, append: Any) -> list[Any]:
    messages: list[Any] = [{"role": "user", "content": "Weather and time in Oslo?"}]
    replies = []
    for _ in range(3):
        reply = client.chat.completions.create(model="deepseek-flash", messages=messages, tools=TOOLS)
        message = reply.choices[0].message
        replies.append(reply)
        messages.append(append(message))
        if not message.tool_calls:
            break
        messages.extend(tool_results(message))
    return replies


async def arun_loop(client: Any, append: Any) -> list[Any]:
    messages: list[Any] = [{"role": "user", "content": "Weather and time in Oslo?"}]
    replies = []
    for _ in range(3):
        reply = await client.chat.completions.create(model="deepseek-flash", messages=messages, tools=TOOLS)
        message = reply.choices[0].message
        replies.append(reply)
        messages.append(append(message))
        if not message.tool_calls:
            break
        messages.extend(tool_results(message))
    return replies


def client_for(emulator: DeepSeekEmulator, policy: HistoryPolicy) -> DeepSeek:
    return get_client(
        api_key=emulator.api_key, base_url=emulator.base_url, history_policy=policy, max_retries=0
    )


def assistant_turns(emulator: DeepSeekEmulator) -> list[list[dict[str, Any]]]:
    chats = [r.json for r in emulator.requests if r.path.endswith("/chat/completions")]
    return [[m for m in body["messages"] if m["role"] == "assistant"] for body in chats]


def test_lossy_loop_fails_without_the_history_policy(deepseek_emulator: DeepSeekEmulator) -> None:
    script_three_rounds(deepseek_emulator)
    with client_for(deepseek_emulator, "off") as client, pytest.raises(ReasoningContentRequiredError) as info:
        run_loop(client, lossy)
    assert info.value.status_code == 400
    assert deepseek_emulator.request_count("/chat/completions") == 2  # round 2 was refused by the server


def test_lossy_loop_passes_with_backfill(deepseek_emulator: DeepSeekEmulator) -> None:
    script_three_rounds(deepseek_emulator)
    with client_for(deepseek_emulator, "backfill") as client:
        replies = run_loop(client, lossy)
    assert [r.choices[0].finish_reason for r in replies] == ["tool_calls", "tool_calls", "stop"]
    assert "get_time returned" in replies[2].choices[0].message.content
    # Every earlier assistant turn went out with its reasoning: the real text, which the client
    # remembered from the responses it received, though the caller's dicts had lost it.
    sent = assistant_turns(deepseek_emulator)
    assert [len(turns) for turns in sent] == [0, 1, 2]
    assert [t["reasoning_content"] for t in sent[2]] == ["Weather first.", "Now the time."]


def test_backfill_sends_empty_reasoning_only_for_turns_the_client_never_saw(
    deepseek_emulator: DeepSeekEmulator,
) -> None:
    script_three_rounds(deepseek_emulator)
    with client_for(deepseek_emulator, "backfill") as first:
        replies = run_loop(first, lossy)
    history: list[Any] = [{"role": "user", "content": "Weather and time in Oslo?"}]
    for reply in replies[:2]:
        history += [lossy(reply.choices[0].message), *tool_results(reply.choices[0].message)]
    deepseek_emulator.reset()
    with client_for(deepseek_emulator, "backfill") as stranger:  # another client: it saw none of them
        stranger.chat.completions.create(model="deepseek-flash", messages=history, tools=TOOLS_PARAM)
    (sent,) = assistant_turns(deepseek_emulator)
    assert [t["reasoning_content"] for t in sent] == ["", ""]


def test_backfill_remembers_streamed_reasoning_and_is_shared_by_copies(
    deepseek_emulator: DeepSeekEmulator,
) -> None:
    script_three_rounds(deepseek_emulator)
    with client_for(deepseek_emulator, "backfill") as client:
        messages: list[Any] = [{"role": "user", "content": "Weather and time in Oslo?"}]
        with client.chat.completions.stream(
            model="deepseek-flash", messages=messages, tools=TOOLS_PARAM
        ) as s:
            message = s.get_final_completion().choices[0].message
        messages += [lossy(message), *tool_results(message)]
        client.with_options(timeout=20).chat.completions.create(
            model="deepseek-flash", messages=messages, tools=TOOLS_PARAM
        )
    sent = assistant_turns(deepseek_emulator)[-1]
    assert [t["reasoning_content"] for t in sent] == ["Weather first."]


def test_to_message_loop_sends_the_real_reasoning_back(deepseek_emulator: DeepSeekEmulator) -> None:
    script_three_rounds(deepseek_emulator)
    with client_for(deepseek_emulator, "off") as client:  # no help from the pipeline needed
        replies = run_loop(client, to_message)
    assert replies[-1].choices[0].finish_reason == "stop"
    last = assistant_turns(deepseek_emulator)[-1]
    assert [t["reasoning_content"] for t in last] == ["Weather first.", "Now the time."]


def test_the_default_policy_is_backfill(
    deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    script_three_rounds(deepseek_emulator)
    assert run_loop(deepseek_client, lossy)[-1].choices[0].finish_reason == "stop"


def test_error_policy_refuses_before_sending(deepseek_emulator: DeepSeekEmulator) -> None:
    script_three_rounds(deepseek_emulator)
    with client_for(deepseek_emulator, "error") as client, pytest.raises(DeepSeekRequestError) as info:
        run_loop(client, lossy)
    assert "reasoning_content" in str(info.value)
    assert "to_message" in str(info.value)
    assert deepseek_emulator.request_count("/chat/completions") == 1  # round 2 never left the client


def test_policy_from_the_environment(
    deepseek_emulator: DeepSeekEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEEPSEEK_HISTORY_POLICY", "off")
    script_three_rounds(deepseek_emulator)
    client = get_client(api_key=deepseek_emulator.api_key, base_url=deepseek_emulator.base_url)
    with client, pytest.raises(ReasoningContentRequiredError):
        run_loop(client, lossy)


async def test_async_lossy_loop_off_then_backfill(deepseek_emulator: DeepSeekEmulator) -> None:
    script_three_rounds(deepseek_emulator)
    off = get_async_client(
        api_key=deepseek_emulator.api_key,
        base_url=deepseek_emulator.base_url,
        history_policy="off",
        max_retries=0,
    )
    async with off:
        with pytest.raises(ReasoningContentRequiredError):
            await arun_loop(off, lossy)
    deepseek_emulator.reset()
    script_three_rounds(deepseek_emulator)
    backfill = get_async_client(
        api_key=deepseek_emulator.api_key, base_url=deepseek_emulator.base_url, max_retries=0
    )
    async with backfill:
        replies = await arun_loop(backfill, lossy)
    assert replies[-1].choices[0].finish_reason == "stop"


def test_thinking_off_needs_no_reasoning(deepseek_emulator: DeepSeekEmulator) -> None:
    script_three_rounds(deepseek_emulator)
    with get_client(
        api_key=deepseek_emulator.api_key,
        base_url=deepseek_emulator.base_url,
        history_policy="off",
        thinking=False,
    ) as client:
        assert run_loop(client, lossy)[-1].choices[0].finish_reason == "stop"
