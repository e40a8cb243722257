"""openai-agents with its chat-completions model (``OpenAIChatCompletionsModel``), library defaults.

Its Responses-API default model is covered in test_openai_agents_responses.py. Tracing is off
(``set_tracing_disabled``): left on, it would send the DeepSeek key to OpenAI's trace endpoint.
"""

from __future__ import annotations

from typing import Any

import pytest
from openai import AsyncOpenAI, BadRequestError
from pydantic import BaseModel

from deepseek_openai import AsyncDeepSeek, get_async_client
from deepseek_openai.testing import DeepSeekEmulator

from .conftest import MODEL, assert_sent_ok, assert_tool_loop, script_tool_rounds

pytest.importorskip("agents")
import agents

agents.set_tracing_disabled(True)


class City(BaseModel):
    name: str
    population: int


@agents.function_tool
def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"sunny in {city}"


def openai_client(mode: str, emulator: DeepSeekEmulator) -> AsyncOpenAI:
    if mode == "base_url":
        return AsyncOpenAI(api_key=emulator.api_key, base_url=emulator.base_url, max_retries=0)
    client: AsyncDeepSeek = get_async_client(api_key=emulator.api_key, base_url=emulator.base_url)
    return client


def agent(mode: str, emulator: DeepSeekEmulator, **kwargs: Any) -> Any:
    model = agents.OpenAIChatCompletionsModel(model=MODEL, openai_client=openai_client(mode, emulator))
    return agents.Agent(name="assistant", model=model, **kwargs)


def test_chat(mode: str, deepseek_emulator: DeepSeekEmulator) -> None:
    result = agents.Runner.run_sync(agent(mode, deepseek_emulator), "Hi")
    assert result.final_output == "Echo: Hi"
    assert_sent_ok(deepseek_emulator)


async def test_async(mode: str, deepseek_emulator: DeepSeekEmulator) -> None:
    result = await agents.Runner.run(agent(mode, deepseek_emulator), "Hi")
    assert result.final_output == "Echo: Hi"
    assert_sent_ok(deepseek_emulator)


async def test_stream(mode: str, deepseek_emulator: DeepSeekEmulator) -> None:
    result = agents.Runner.run_streamed(agent(mode, deepseek_emulator), "Hi")
    kinds = [event.type async for event in result.stream_events()]
    assert "raw_response_event" in kinds
    assert result.final_output == "Echo: Hi"
    assert_sent_ok(deepseek_emulator)


async def test_tool_loop_in_thinking_mode(mode: str, deepseek_emulator: DeepSeekEmulator) -> None:
    script_tool_rounds(deepseek_emulator, "get_weather")
    result = await agents.Runner.run(agent(mode, deepseek_emulator, tools=[get_weather]), "Weather?")
    assert_tool_loop(deepseek_emulator, result.final_output)
    # @function_tool sends strict=True: our client sends it where DeepSeek enforces it
    expected = "/beta/chat/completions" if mode == "client" else "/chat/completions"
    assert {r.path for r in deepseek_emulator.requests} == {expected}


async def test_structured_output(mode: str, deepseek_emulator: DeepSeekEmulator) -> None:
    runner = agent(mode, deepseek_emulator, output_type=City)
    if mode == "base_url":
        # The chat-completions model sends response_format json_schema, which DeepSeek's Chat
        # Completions rejects (README: Using with frameworks).
        with pytest.raises(BadRequestError, match="response_format type is unavailable"):
            await agents.Runner.run(runner, "Paris?")
        return
    result = await agents.Runner.run(runner, "Paris?")
    assert isinstance(result.final_output, City)
    assert_sent_ok(deepseek_emulator)
