"""``.parse(response_format=Model)`` against the emulator, sync, async and streamed (issue 11).

DeepSeek's Chat Completions has no ``json_schema`` (deepseek-api.md sections 5 and 11); the client
sends the schema as one forced strict function tool on the beta URL, thinking off for the call, and
turns the call back into the message content, so openai's parser fills ``message.parsed``.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from deepseek_openai import AsyncDeepSeek, DeepSeek, DeepSeekCompatibilityWarning
from deepseek_openai.testing import DeepSeekEmulator


class Address(BaseModel):
    street: str
    number: int


class Person(BaseModel):
    name: str
    age: int
    tags: list[str]
    home: Address


USER: list[Any] = [{"role": "user", "content": "Describe someone."}]


def _assert_sent_as_forced_strict_tool(emulator: DeepSeekEmulator) -> None:
    (request,) = emulator.requests
    assert request.path == "/beta/chat/completions"
    assert "response_format" not in request.json
    (tool,) = request.json["tools"]
    assert tool["function"]["strict"] is True
    assert request.json["tool_choice"]["function"]["name"] == tool["function"]["name"]
    assert request.json["thinking"] == {"type": "disabled"}


def test_parse_returns_the_model_sync(deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator) -> None:
    with pytest.warns(DeepSeekCompatibilityWarning, match="json_schema"):
        reply = deepseek_client.chat.completions.parse(
            model="deepseek-flash", messages=USER, response_format=Person
        )
    choice = reply.choices[0]
    assert isinstance(choice.message.parsed, Person)
    assert isinstance(choice.message.parsed.home, Address)
    assert choice.finish_reason == "stop"
    assert not choice.message.tool_calls
    _assert_sent_as_forced_strict_tool(deepseek_emulator)


async def test_parse_returns_the_model_async(
    async_deepseek_client: AsyncDeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    with pytest.warns(DeepSeekCompatibilityWarning, match="json_schema"):
        reply = await async_deepseek_client.chat.completions.parse(
            model="deepseek-flash", messages=USER, response_format=Person
        )
    assert isinstance(reply.choices[0].message.parsed, Person)
    assert reply.choices[0].finish_reason == "stop"
    _assert_sent_as_forced_strict_tool(deepseek_emulator)


def test_stream_with_a_model_parses_the_final_message(
    deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    with (
        pytest.warns(DeepSeekCompatibilityWarning, match="json_schema"),
        deepseek_client.chat.completions.stream(
            model="deepseek-flash", messages=USER, response_format=Person
        ) as stream,
    ):
        final = stream.get_final_completion()
    assert isinstance(final.choices[0].message.parsed, Person)
    assert final.choices[0].finish_reason == "stop"
    _assert_sent_as_forced_strict_tool(deepseek_emulator)


async def test_async_stream_with_a_model_parses_the_final_message(
    async_deepseek_client: AsyncDeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    with pytest.warns(DeepSeekCompatibilityWarning, match="json_schema"):
        async with async_deepseek_client.chat.completions.stream(
            model="deepseek-flash", messages=USER, response_format=Person
        ) as stream:
            final = await stream.get_final_completion()
    assert isinstance(final.choices[0].message.parsed, Person)
    assert final.choices[0].finish_reason == "stop"
    assert not final.choices[0].message.tool_calls
    _assert_sent_as_forced_strict_tool(deepseek_emulator)


async def test_an_async_raw_stream_with_a_schema_streams_the_json_as_content(
    async_deepseek_client: AsyncDeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    strict = {  # inside DeepSeek's strict subset (section 11), so the tool stays strict
        "type": "object",
        "properties": {"street": {"type": "string"}, "number": {"type": "integer"}},
        "required": ["street", "number"],
        "additionalProperties": False,
    }
    fmt: Any = {"type": "json_schema", "json_schema": {"name": "address", "schema": strict, "strict": True}}
    with pytest.warns(DeepSeekCompatibilityWarning, match="json_schema"):
        stream = await async_deepseek_client.chat.completions.create(
            model="deepseek-flash",
            messages=USER,
            response_format=fmt,
            stream=True,
        )
    text = ""
    async for chunk in stream:
        for choice in chunk.choices:
            assert not choice.delta.tool_calls
            text += choice.delta.content or ""
    assert isinstance(Address.model_validate_json(text), Address)
    with pytest.raises(StopAsyncIteration):  # a stream that ended stays ended
        await stream.__anext__()
