"""thinking_options: the per-call switch, checked before sending and visible in the request body."""

from __future__ import annotations

from typing import Any

import pytest
from openai.types.chat import ChatCompletionMessageParam

from deepseek_openai import AsyncDeepSeek, DeepSeek, DeepSeekRequestError
from deepseek_openai._thinking import thinking_options
from deepseek_openai.testing import DeepSeekEmulator

MESSAGES: list[ChatCompletionMessageParam] = [{"role": "user", "content": "hi"}]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((False,), {"extra_body": {"thinking": {"type": "disabled"}}}),
        ((True,), {"extra_body": {"thinking": {"type": "enabled"}}}),
        ((None, "max"), {"reasoning_effort": "max", "extra_body": {"thinking": {"type": "enabled"}}}),
        ((None, "medium"), {"reasoning_effort": "high", "extra_body": {"thinking": {"type": "enabled"}}}),
        ((None, "none"), {"extra_body": {"thinking": {"type": "disabled"}}}),
        ((), {}),
    ],
)
def test_thinking_options_values(args: tuple[Any, ...], expected: dict[str, Any]) -> None:
    assert thinking_options(*args) == expected


def test_extra_body_is_merged() -> None:
    assert thinking_options(False, extra_body={"user_id": "u1"}) == {
        "extra_body": {"user_id": "u1", "thinking": {"type": "disabled"}}
    }


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"enabled": "no"}, "enabled must be True"),
        ({"effort": "extreme"}, "not a DeepSeek effort"),
        ({"enabled": False, "effort": "max"}, "contradicts itself"),
        ({"enabled": True, "effort": "none"}, "contradicts itself"),
        ({"enabled": True, "extra_body": {"thinking": {"type": "disabled"}}}, "contradicts"),
    ],
)
def test_invalid_values_say_what_why_and_fix(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(DeepSeekRequestError, match=match) as info:
        thinking_options(**kwargs)
    assert "Why:" in str(info.value)
    assert "Fix:" in str(info.value)


def test_per_call_thinking_reaches_the_server(
    deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    off = deepseek_client.chat.completions.create(
        model="deepseek-flash", messages=MESSAGES, **thinking_options(False)
    )
    assert getattr(off.choices[0].message, "reasoning_content", None) is None
    deepseek_client.chat.completions.create(
        model="deepseek-flash", messages=MESSAGES, **thinking_options(effort="max")
    )
    bodies = [r.json for r in deepseek_emulator.requests]
    assert bodies[0]["thinking"] == {"type": "disabled"}
    assert "reasoning_effort" not in bodies[0]
    assert bodies[1]["thinking"] == {"type": "enabled"}
    assert bodies[1]["reasoning_effort"] == "max"


async def test_per_call_overrides_the_client_default(
    async_deepseek_client: AsyncDeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    client = async_deepseek_client.with_options(thinking=False)
    reply = await client.chat.completions.create(
        model="deepseek-flash", messages=MESSAGES, **thinking_options(True)
    )
    assert reply.choices[0].message.reasoning_content
    await client.chat.completions.create(model="deepseek-flash", messages=MESSAGES)
    assert deepseek_emulator.requests[-1].json["thinking"] == {"type": "disabled"}
