"""openai-agents with its DEFAULT model settings, which use the Responses API, against the emulator:
a tool loop (its default ``@function_tool``, which sends ``strict: true``), an ``output_type``
(``text.format`` json_schema, which DeepSeek's Responses API serves) and a streamed run, in both
modes: the library handed a plain ``openai.AsyncOpenAI`` pointed at the emulator by base URL, and
handed our client.

Nothing leaves the machine: tracing is disabled (its exporter would send the DeepSeek key to
OpenAI's trace endpoint), and a guard refuses any connection that is not to loopback.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import AsyncIterator, Iterator
from typing import Any

import openai
import pytest
from pydantic import BaseModel

import deepseek_openai as ds
from deepseek_openai.testing import DeepSeekEmulator

agents = pytest.importorskip("agents")

from agents import Agent, RunConfig, Runner, function_tool  # noqa: E402 (after the importorskip)
from agents.models.openai_provider import OpenAIProvider  # noqa: E402
from agents.models.openai_responses import OpenAIResponsesModel  # noqa: E402


@function_tool
def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"{city}: sunny, 20C"


class Forecast(BaseModel):
    city: str
    celsius: int
    sunny: bool


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Tracing off, and every non-loopback connection refused and recorded."""
    monkeypatch.setenv("OPENAI_AGENTS_DISABLE_TRACING", "1")
    agents.set_tracing_disabled(True)
    attempts: list[Any] = []
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            attempts.append(address)
            raise ConnectionRefusedError(f"test guard: no network beyond loopback ({address!r})")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    yield attempts
    assert attempts == [], "openai-agents tried to reach the network"


@pytest.fixture(params=["base-url", "our-client"])
async def client(request: pytest.FixtureRequest, deepseek_emulator: DeepSeekEmulator) -> AsyncIterator[Any]:
    emu = deepseek_emulator
    if request.param == "base-url":
        raw = openai.AsyncOpenAI(api_key=emu.api_key, base_url=emu.base_url, max_retries=0)
        yield raw
        await raw.close()
    else:
        ours = ds.get_async_client(api_key=emu.api_key, base_url=emu.base_url, max_retries=0)
        yield ours
        await ours.close()


def _config(client: Any) -> RunConfig:
    """openai-agents' own default provider, given the client: it picks the Responses API by default."""
    provider = OpenAIProvider(openai_client=client)
    assert isinstance(provider.get_model("deepseek-flash"), OpenAIResponsesModel)
    return RunConfig(model_provider=provider, tracing_disabled=True)


async def test_a_tool_loop_with_the_default_function_tool(
    client: Any, deepseek_emulator: DeepSeekEmulator
) -> None:
    agent = Agent(name="weather", instructions="Use the tool.", tools=[get_weather], model="deepseek-flash")
    result = await Runner.run(agent, "What is the weather in Paris?", run_config=_config(client))
    # the emulator called the tool (its schema's minimal city), then answered from its output
    assert result.final_output == "Tool get_weather returned: example: sunny, 20C"
    bodies = [r.json for r in deepseek_emulator.requests]
    assert [r.path for r in deepseek_emulator.requests] == ["/responses", "/responses"]
    replayed = [item["type"] for item in bodies[1]["input"] if "type" in item]
    assert replayed == ["reasoning", "function_call", "function_call_output"]  # reasoning replayed
    assert bodies[0]["tools"][0]["strict"] is True  # the library's default, accepted as the API does


async def test_output_type_is_schema_checked_with_thinking_on(
    client: Any, deepseek_emulator: DeepSeekEmulator
) -> None:
    agent = Agent(name="forecast", instructions="Answer.", output_type=Forecast, model="deepseek-flash")
    result = await Runner.run(agent, "Forecast for Paris?", run_config=_config(client))
    assert isinstance(result.final_output, Forecast)
    sent = deepseek_emulator.requests[-1].json
    assert sent["text"]["format"]["type"] == "json_schema"
    assert sent.get("reasoning", {}).get("effort") != "none"


async def test_a_streamed_run_completes(client: Any, deepseek_emulator: DeepSeekEmulator) -> None:
    agent = Agent(name="weather", instructions="Use the tool.", tools=[get_weather], model="deepseek-flash")
    run = Runner.run_streamed(agent, "What is the weather in Oslo?", run_config=_config(client))
    kinds = {event.type async for event in run.stream_events()}
    assert "raw_response_event" in kinds
    assert run.final_output == "Tool get_weather returned: example: sunny, 20C"
