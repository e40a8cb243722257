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
