"""The tracing patches: logfire's ``instrument_openai`` and langfuse's openai drop-in, exporting nothing.

langfuse patches openai's classes for the whole process when ``langfuse.openai`` is imported (its
wrappers on every resource method, its own ``Stream.__iter__``), so its cases run in a child
process (test_langfuse.py) and this module runs the same cases for langfuse there.

Both wrap the openai SDK's own methods, so the scenarios are plain openai code: chat, stream, async,
a tool loop that appends each assistant message (``model_dump(exclude_none=True)`` keeps
``reasoning_content``), and openai's default structured output, ``.parse(response_format=Model)``.
Base-URL mode is ``openai.OpenAI``/``AsyncOpenAI`` pointed at the emulator; client mode is ours.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

import openai
import pytest
from pydantic import BaseModel

from deepseek_openai import get_async_client, get_client
from deepseek_openai.testing import DeepSeekEmulator

from .conftest import MODEL, ROUNDS, assert_sent_ok, assert_tool_loop, script_tool_rounds

logfire = pytest.importorskip("logfire")
from logfire.testing import TestExporter  # noqa: E402
from opentelemetry.sdk.trace.export import SimpleSpanProcessor  # noqa: E402

USER: list[Any] = [{"role": "user", "content": "Hi"}]
TOOLS: list[Any] = [
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


class City(BaseModel):
    name: str
    population: int


_EXPORTER = TestExporter()
logfire.configure(
    send_to_logfire=False,
    console=False,
    inspect_arguments=False,
    additional_span_processors=[SimpleSpanProcessor(_EXPORTER)],
)


TRACERS = [os.environ.get("COMPAT_TRACER", "logfire")]
"""test_langfuse.py runs these tests with COMPAT_TRACER=langfuse, in a child process."""


@pytest.fixture(params=TRACERS)
def tracer(request: pytest.FixtureRequest) -> str:
    _EXPORTER.clear()
    return str(request.param)


def sync_client(tracer: str, mode: str, emulator: DeepSeekEmulator) -> openai.OpenAI:
    if tracer == "langfuse":
        importlib.import_module("langfuse.openai")  # the drop-in: patches openai's classes in place
        if mode == "base_url":
            return openai.OpenAI(api_key=emulator.api_key, base_url=emulator.base_url, max_retries=0)
        return get_client(api_key=emulator.api_key, base_url=emulator.base_url)
    client: openai.OpenAI
    if mode == "base_url":
        client = openai.OpenAI(api_key=emulator.api_key, base_url=emulator.base_url, max_retries=0)
    else:
        client = get_client(api_key=emulator.api_key, base_url=emulator.base_url)
    logfire.instrument_openai(client)
    return client


def async_client(tracer: str, mode: str, emulator: DeepSeekEmulator) -> openai.AsyncOpenAI:
    if tracer == "langfuse":
        importlib.import_module("langfuse.openai")
        if mode == "base_url":
            return openai.AsyncOpenAI(api_key=emulator.api_key, base_url=emulator.base_url, max_retries=0)
        return get_async_client(api_key=emulator.api_key, base_url=emulator.base_url)
    client: openai.AsyncOpenAI
    if mode == "base_url":
        client = openai.AsyncOpenAI(api_key=emulator.api_key, base_url=emulator.base_url, max_retries=0)
    else:
        client = get_async_client(api_key=emulator.api_key, base_url=emulator.base_url)
    logfire.instrument_openai(client)
    return client


def traced(tracer: str, count: int) -> None:
    """The patch saw the calls: logfire recorded its spans; langfuse's wrapper is installed."""
    if tracer == "logfire":
        spans = [s for s in _EXPORTER.exported_spans if s.name.startswith("Chat Completion")]
        assert len(spans) >= count
    else:
        create = openai.resources.chat.completions.Completions.create
        assert type(create).__name__.endswith("FunctionWrapper")  # wrapt, installed by langfuse


def test_chat(tracer: str, mode: str, deepseek_emulator: DeepSeekEmulator) -> None:
    reply = sync_client(tracer, mode, deepseek_emulator).chat.completions.create(model=MODEL, messages=USER)
    assert reply.choices[0].message.content == "Echo: Hi"
    assert_sent_ok(deepseek_emulator)
    traced(tracer, 1)


def test_stream(tracer: str, mode: str, deepseek_emulator: DeepSeekEmulator) -> None:
    client = sync_client(tracer, mode, deepseek_emulator)
    chunks = client.chat.completions.create(model=MODEL, messages=USER, stream=True)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "Echo: Hi"
    assert_sent_ok(deepseek_emulator)
    traced(tracer, 1)


async def test_async(tracer: str, mode: str, deepseek_emulator: DeepSeekEmulator) -> None:
    client = async_client(tracer, mode, deepseek_emulator)
    reply = await client.chat.completions.create(model=MODEL, messages=USER)
    assert reply.choices[0].message.content == "Echo: Hi"
    await client.close()
    traced(tracer, 1)


def test_tool_loop_in_thinking_mode(tracer: str, mode: str, deepseek_emulator: DeepSeekEmulator) -> None:
    client = sync_client(tracer, mode, deepseek_emulator)
    script_tool_rounds(deepseek_emulator, "get_weather")
    messages: list[Any] = [{"role": "user", "content": "Weather?"}]
    for _ in range(ROUNDS + 1):
        message = (
            client.chat.completions.create(model=MODEL, messages=messages, tools=TOOLS).choices[0].message
        )
        messages.append(message.model_dump(exclude_none=True))
        if not message.tool_calls:
            break
        for call in message.tool_calls:
            messages.append({"role": "tool", "tool_call_id": call.id, "content": "sunny"})
    assert_tool_loop(deepseek_emulator, str(message.content))
    traced(tracer, ROUNDS + 1)


def test_structured_output(tracer: str, mode: str, deepseek_emulator: DeepSeekEmulator) -> None:
    client = sync_client(tracer, mode, deepseek_emulator)
    messages: list[Any] = [{"role": "user", "content": "Paris?"}]
    if mode == "base_url":
        # openai's .parse() sends response_format json_schema; DeepSeek's Chat Completions has none.
        with pytest.raises(openai.BadRequestError, match="response_format type is unavailable"):
            client.chat.completions.parse(model=MODEL, messages=messages, response_format=City)
        return
    reply = client.chat.completions.parse(model=MODEL, messages=messages, response_format=City)
    assert isinstance(reply.choices[0].message.parsed, City)
    assert reply.choices[0].finish_reason == "stop"
    assert_sent_ok(deepseek_emulator)
    traced(tracer, 1)
