"""LiteLLM, library defaults. ``LITELLM_LOCAL_MODEL_COST_MAP=True`` (set in conftest): without it
LiteLLM fetches its model map from the network at import.

Base-URL mode uses LiteLLM's ``deepseek/`` provider (``api_base`` = the emulator). Handed our client,
the model is ``openai/deepseek-flash``: LiteLLM's ``deepseek/`` models ignore ``client=``.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from deepseek_openai import get_async_client, get_client
from deepseek_openai.testing import DeepSeekEmulator

from .conftest import MODEL, ROUNDS, assert_sent_ok, assert_tool_loop, script_tool_rounds

litellm = pytest.importorskip("litellm")
litellm.telemetry = False
litellm.suppress_debug_info = True

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "The weather in a city.",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        },
    }
]
USER = [{"role": "user", "content": "Hi"}]


class City(BaseModel):
    name: str
    population: int


def options(mode: str, emulator: DeepSeekEmulator, *, asynchronous: bool = False) -> dict[str, Any]:
    if mode == "base_url":
        return {"model": f"deepseek/{MODEL}", "api_base": emulator.base_url, "api_key": emulator.api_key}
    factory = get_async_client if asynchronous else get_client
    client = factory(api_key=emulator.api_key, base_url=emulator.base_url)
    return {"model": f"openai/{MODEL}", "client": client, "api_key": emulator.api_key}


def test_chat(mode: str, deepseek_emulator: DeepSeekEmulator) -> None:
    reply = litellm.completion(messages=USER, **options(mode, deepseek_emulator))
    assert reply.choices[0].message.content == "Echo: Hi"
    assert_sent_ok(deepseek_emulator)


def test_stream(mode: str, deepseek_emulator: DeepSeekEmulator) -> None:
    chunks = litellm.completion(messages=USER, stream=True, **options(mode, deepseek_emulator))
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == "Echo: Hi"
    assert deepseek_emulator.requests[-1].json["stream"] is True
    assert_sent_ok(deepseek_emulator)


async def test_async(mode: str, deepseek_emulator: DeepSeekEmulator) -> None:
    kwargs = options(mode, deepseek_emulator, asynchronous=True)
    reply = await litellm.acompletion(messages=USER, **kwargs)
    assert reply.choices[0].message.content == "Echo: Hi"
    if "client" in kwargs:
        await kwargs["client"].close()


def test_tool_loop_in_thinking_mode(mode: str, deepseek_emulator: DeepSeekEmulator) -> None:
    script_tool_rounds(deepseek_emulator, "get_weather")
    kwargs = options(mode, deepseek_emulator)
    messages: list[Any] = [{"role": "user", "content": "Weather?"}]
    for _ in range(ROUNDS + 1):
        message = litellm.completion(messages=messages, tools=TOOLS, **kwargs).choices[0].message
        messages.append(message.model_dump(exclude_none=True))  # LiteLLM's message keeps reasoning_content
        if not message.tool_calls:
            break
        for call in message.tool_calls:
            messages.append({"role": "tool", "tool_call_id": call.id, "content": "sunny"})
    assert_tool_loop(deepseek_emulator, str(message.content))


def test_structured_output(mode: str, deepseek_emulator: DeepSeekEmulator) -> None:
    kwargs = options(mode, deepseek_emulator)
    if mode == "base_url":
        # LiteLLM sends response_format json_schema to DeepSeek, whose Chat Completions has none (README).
        with pytest.raises(litellm.BadRequestError, match="response_format type is unavailable"):
            litellm.completion(
                messages=[{"role": "user", "content": "Paris?"}], response_format=City, **kwargs
            )
        return
    reply = litellm.completion(
        messages=[{"role": "user", "content": "Paris?"}], response_format=City, **kwargs
    )
    assert City.model_validate_json(reply.choices[0].message.content)
    assert_sent_ok(deepseek_emulator)


@pytest.mark.parametrize("retries", ["defaults", "retry_policy"])
def test_a_refused_call_is_a_400_and_is_not_retried(
    retries: str, deepseek_emulator: DeepSeekEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """n=2 would silently give one choice: our client refuses it before sending, as a 400, which
    LiteLLM does not retry, by default or under a policy that retries server errors and time-outs
    (a refusal raised as a ValueError used to become a 500 there, retried every time)."""
    kwargs = options("client", deepseek_emulator)
    if retries == "retry_policy":
        kwargs["retry_policy"] = litellm.RetryPolicy(
            BadRequestErrorRetries=0, InternalServerErrorRetries=3, TimeoutErrorRetries=3
        )
    client = kwargs["client"]
    seen: list[object] = []
    prepare = client._ds_prepare

    def counting(*args: Any) -> Any:
        seen.append(args)
        return prepare(*args)

    monkeypatch.setattr(client, "_ds_prepare", counting)
    with pytest.raises(litellm.BadRequestError, match="nothing reached DeepSeek") as info:
        litellm.completion(messages=USER, n=2, **kwargs)
    assert info.value.status_code == 400
    assert len(seen) == 1  # one attempt
    assert deepseek_emulator.requests == []
