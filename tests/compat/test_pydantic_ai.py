"""pydantic-ai (slim, openai extra) with ``OpenAIChatModel`` over both ``OpenAIProvider`` and
``DeepSeekProvider``, library defaults (tools and the output tool are strict; ``OpenAIProvider``
forces the output tool with ``tool_choice="required"``)."""

from __future__ import annotations

from typing import Any

import pytest
from openai import AsyncOpenAI
from pydantic import BaseModel

from deepseek_openai import get_async_client
from deepseek_openai.testing import DeepSeekEmulator

from .conftest import MODEL, assert_sent_ok, assert_tool_loop, script_tool_rounds

pytest.importorskip("pydantic_ai")
from pydantic_ai import Agent
from pydantic_ai.exceptions import ModelHTTPError
from pydantic_ai.models.openai import OpenAIChatModel
from pydantic_ai.providers.deepseek import DeepSeekProvider
from pydantic_ai.providers.openai import OpenAIProvider


class City(BaseModel):
    name: str
    population: int


@pytest.fixture(params=["OpenAIProvider", "DeepSeekProvider"])
def provider(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def agent(provider: str, mode: str, emulator: DeepSeekEmulator, **kwargs: Any) -> Agent[None, Any]:
    client: AsyncOpenAI
    if mode == "base_url":
        client = AsyncOpenAI(api_key=emulator.api_key, base_url=emulator.base_url, max_retries=0)
    else:
        client = get_async_client(api_key=emulator.api_key, base_url=emulator.base_url)
    chosen = (
        OpenAIProvider(openai_client=client)
        if provider == "OpenAIProvider"
        else DeepSeekProvider(openai_client=client)
    )
    return Agent(OpenAIChatModel(MODEL, provider=chosen), **kwargs)


def test_chat(provider: str, mode: str, deepseek_emulator: DeepSeekEmulator) -> None:
    assert agent(provider, mode, deepseek_emulator).run_sync("Hi").output == "Echo: Hi"
    assert_sent_ok(deepseek_emulator)


async def test_async(provider: str, mode: str, deepseek_emulator: DeepSeekEmulator) -> None:
    assert (await agent(provider, mode, deepseek_emulator).run("Hi")).output == "Echo: Hi"


async def test_stream(provider: str, mode: str, deepseek_emulator: DeepSeekEmulator) -> None:
    async with agent(provider, mode, deepseek_emulator).run_stream("Hi") as result:
        pieces = [piece async for piece in result.stream_text(delta=True)]
    assert "".join(pieces) == "Echo: Hi"
    assert deepseek_emulator.requests[-1].json["stream"] is True
    assert_sent_ok(deepseek_emulator)


async def test_tool_loop_in_thinking_mode(
    provider: str, mode: str, deepseek_emulator: DeepSeekEmulator
) -> None:
    runner = agent(provider, mode, deepseek_emulator)

    @runner.tool_plain
    def get_weather(city: str) -> str:
        """The weather in a city."""
        return f"sunny in {city}"

    script_tool_rounds(deepseek_emulator, "get_weather")
    result = await runner.run("Weather?")
    assert_tool_loop(deepseek_emulator, result.output)
    # pydantic-ai's tools are strict by default: our client sends them to the beta URL
    expected = "/beta/chat/completions" if mode == "client" else "/chat/completions"
    assert {r.path for r in deepseek_emulator.requests} == {expected}


async def test_structured_output(provider: str, mode: str, deepseek_emulator: DeepSeekEmulator) -> None:
    runner = agent(provider, mode, deepseek_emulator, output_type=City)
    if provider == "OpenAIProvider" and mode == "base_url":
        # OpenAIProvider forces the output tool (tool_choice="required"), which DeepSeek refuses
        # while thinking, and thinking is on by default (README: Using with frameworks).
        with pytest.raises(ModelHTTPError, match="Thinking mode does not support this tool_choice"):
            await runner.run("Paris?")
        return
    result = await runner.run("Paris?")
    assert isinstance(result.output, City)
    assert_sent_ok(deepseek_emulator)
    if provider == "OpenAIProvider":
        assert deepseek_emulator.requests[-1].json["thinking"] == {"type": "disabled"}
