"""prefix_complete and fim_complete: always the beta URL, checked before sending, sync and async."""

from __future__ import annotations

from typing import Any

import pytest
from openai.types import Completion
from openai.types.chat import ChatCompletionMessageParam

from deepseek_openai import AsyncDeepSeek, DeepSeek, DeepSeekRequestError, get_client
from deepseek_openai._beta import afim_complete, aprefix_complete, fim_complete, prefix_complete
from deepseek_openai._reasoning import iter_events
from deepseek_openai._thinking import thinking_options
from deepseek_openai.testing import DeepSeekEmulator

QUICK_SORT: list[ChatCompletionMessageParam] = [{"role": "user", "content": "Please write quick sort code"}]


def test_prefix_complete_uses_the_beta_url(
    deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    deepseek_emulator.queue_reply(content="def quick_sort(xs):\n    ...\n```\nDone.")
    reply = prefix_complete(deepseek_client, QUICK_SORT, "```python\n", stop=["```"])
    assert reply.choices[0].message.content == "def quick_sort(xs):\n    ...\n"
    sent = deepseek_emulator.requests[-1]
    assert sent.path == "/beta/chat/completions"
    assert sent.json["messages"][-1] == {"role": "assistant", "content": "```python\n", "prefix": True}
    assert sent.json["stop"] == ["```"]
    assert sent.json["model"] == "deepseek-flash"
    assert not deepseek_client.is_beta  # the caller's client is untouched


def test_reasoning_prefix_is_sent_in_thinking_mode(
    deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    prefix_complete(deepseek_client, QUICK_SORT, "```python\n", reasoning_prefix="Pick a pivot.")
    assert deepseek_emulator.requests[-1].json["messages"][-1]["reasoning_content"] == "Pick a pivot."


def test_reasoning_prefix_without_thinking_is_refused(
    deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    with pytest.raises(DeepSeekRequestError, match="without thinking"):
        prefix_complete(deepseek_client, QUICK_SORT, "x", reasoning_prefix="r", **thinking_options(False))
    with pytest.raises(DeepSeekRequestError, match="without thinking"):
        prefix_complete(deepseek_client.with_options(thinking=False), QUICK_SORT, "x", reasoning_prefix="r")
    assert deepseek_emulator.request_count() == 0


def test_prefix_complete_bad_input(deepseek_client: DeepSeek) -> None:
    with pytest.raises(DeepSeekRequestError, match="empty"):
        prefix_complete(deepseek_client, [], "x")
    with pytest.raises(DeepSeekRequestError, match="already contain a prefix"):
        prefix_complete(
            deepseek_client, [*QUICK_SORT, {"role": "assistant", "content": "a", "prefix": True}], "x"
        )
    with pytest.raises(TypeError, match="get_client"):
        prefix_complete(object(), QUICK_SORT, "x")  # type: ignore[call-overload]


def test_prefix_complete_streams(deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator) -> None:
    deepseek_emulator.queue_reply(content="print(1)")
    stream = prefix_complete(deepseek_client, QUICK_SORT, "```python\n", stream=True, model="deepseek-v4-pro")
    events = iter_events(stream)
    list(events)
    assert events.final.content == "print(1)"
    assert deepseek_emulator.requests[-1].json["model"] == "deepseek-v4-pro"


def test_the_standard_url_refuses_prefix_without_the_helper(deepseek_client: DeepSeek) -> None:
    # "prefix" is DeepSeek's beta key, unknown to openai's message TypedDicts.
    messages: list[ChatCompletionMessageParam] = [
        *QUICK_SORT,
        {"role": "assistant", "content": "x", "prefix": True},  # type: ignore[list-item]
    ]
    with pytest.raises(DeepSeekRequestError, match="beta"):
        deepseek_client.chat.completions.create(model="deepseek-flash", messages=messages)


async def test_aprefix_complete(
    async_deepseek_client: AsyncDeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    deepseek_emulator.queue_reply(content="code")
    reply = await aprefix_complete(async_deepseek_client, QUICK_SORT, "```python\n", stop="```")
    assert reply.choices[0].message.content == "code"
    assert deepseek_emulator.requests[-1].path == "/beta/chat/completions"
    with pytest.raises(TypeError, match="prefix_complete"):
        await aprefix_complete(get_client(api_key="sk-test-000000000000"), QUICK_SORT, "x")  # type: ignore[call-overload]


# -------------------------------------------------------------------------------------------- FIM


def test_fim_complete(deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator) -> None:
    reply = fim_complete(deepseek_client, "def fib(a):\n", "    return fib(a-1) + fib(a-2)", max_tokens=128)
    assert isinstance(reply, Completion)
    assert reply.choices[0].text
    sent = deepseek_emulator.requests[-1]
    assert sent.path == "/beta/completions"
    assert sent.json["suffix"] == "    return fib(a-1) + fib(a-2)"
    assert sent.json["max_tokens"] == 128
    assert "thinking" not in sent.json


def test_fim_complete_on_a_thinking_client_still_runs_without_thinking(
    deepseek_emulator: DeepSeekEmulator,
) -> None:
    with get_client(
        api_key=deepseek_emulator.api_key, base_url=deepseek_emulator.base_url, effort="max"
    ) as client:
        assert fim_complete(client, "x = ").choices[0].text is not None
    assert deepseek_emulator.requests[-1].json.get("reasoning_effort") is None


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"max_tokens": 4097}, "max_tokens=4097"),
        ({"max_tokens": 0}, "from 1 to 4096"),
        ({"suffix": "end", "echo": True}, "echo=True together with suffix"),
        ({"logprobs": 2, "echo": True}, "echo=True together with logprobs"),
        ({"extra_body": {"thinking": {"type": "enabled"}}}, "FIM runs without thinking"),
    ],
)
def test_fim_complete_checks_before_sending(
    deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator, kwargs: dict[str, Any], match: str
) -> None:
    with pytest.raises(DeepSeekRequestError, match=match):
        fim_complete(deepseek_client, "def f():", **kwargs)
    assert deepseek_emulator.request_count() == 0


def test_fim_complete_streams(deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator) -> None:
    deepseek_emulator.queue_reply(content="return 42")
    stream = fim_complete(deepseek_client, "def answer():\n    ", stream=True)
    assert "".join(c.choices[0].text for c in stream if c.choices) == "return 42"
    assert deepseek_emulator.requests[-1].path == "/beta/completions"


async def test_afim_complete_and_stream(
    async_deepseek_client: AsyncDeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    deepseek_emulator.queue_reply(content="pass")
    reply = await afim_complete(async_deepseek_client, "def f():\n    ", max_tokens=16)
    assert reply.choices[0].text == "pass"
    deepseek_emulator.queue_reply(content="x + 1")
    stream = await afim_complete(async_deepseek_client, "y = ", stream=True)
    assert "".join([c.choices[0].text async for c in stream if c.choices]) == "x + 1"
