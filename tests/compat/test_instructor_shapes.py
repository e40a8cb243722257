"""instructor: its requests, without instructor itself.

instructor 1.17 cannot be installed beside openai 3.x: it pins ``jiter<0.15`` (and ``rich<15``),
while openai 3.57 needs ``jiter>=0.16``; pip would downgrade openai to 3.3. So this module sends
what instructor's two main modes send (instructor/processing: ``Mode.TOOLS``, its default for
``from_openai``, and ``Mode.JSON``) with the openai client, and parses the reply the way instructor
does. When instructor supports openai 3.x, replace these by instructor calls.
"""

from __future__ import annotations

import json
from typing import Any

import openai
import pytest
from pydantic import BaseModel

from deepseek_openai import get_client
from deepseek_openai.testing import DeepSeekEmulator

from .conftest import MODEL, assert_sent_ok


class City(BaseModel):
    """A city and its population."""

    name: str
    population: int


def client(mode: str, emulator: DeepSeekEmulator) -> openai.OpenAI:
    if mode == "base_url":
        return openai.OpenAI(api_key=emulator.api_key, base_url=emulator.base_url, max_retries=0)
    return get_client(api_key=emulator.api_key, base_url=emulator.base_url)


def tools_mode(c: openai.OpenAI) -> City:
    """Mode.TOOLS: the model's schema as the one function, forced by name."""
    function = {"name": "City", "description": City.__doc__, "parameters": City.model_json_schema()}
    tools: Any = [{"type": "function", "function": function}]
    reply = c.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": "Paris?"}],
        tools=tools,
        tool_choice={"type": "function", "function": {"name": "City"}},
    )
    calls: Any = reply.choices[0].message.tool_calls or []
    return City.model_validate_json(calls[0].function.arguments)


def json_mode(c: openai.OpenAI) -> City:
    """Mode.JSON: json_object output, the schema shown in the system message."""
    system = (
        "As a genius expert, your task is to understand the content and provide the parsed objects in "
        f"json that match the following json_schema:\n\n{json.dumps(City.model_json_schema(), indent=2)}"
        "\n\nMake sure to return an instance of the JSON, not the schema itself"
    )
    messages: Any = [{"role": "system", "content": system}, {"role": "user", "content": "Paris?"}]
    reply = c.chat.completions.create(model=MODEL, messages=messages, response_format={"type": "json_object"})
    return City.model_validate_json(reply.choices[0].message.content or "")


def test_tools_mode(mode: str, deepseek_emulator: DeepSeekEmulator) -> None:
    c = client(mode, deepseek_emulator)
    if mode == "base_url":
        # A forced tool choice while thinking (on by default): DeepSeek answers 400 (README).
        with pytest.raises(openai.BadRequestError, match="Thinking mode does not support this tool_choice"):
            tools_mode(c)
        return
    with pytest.warns(Warning, match="thinking was turned off for this call"):
        assert isinstance(tools_mode(c), City)
    assert_sent_ok(deepseek_emulator)


def test_json_mode(mode: str, deepseek_emulator: DeepSeekEmulator) -> None:
    city: Any = json_mode(client(mode, deepseek_emulator))
    assert isinstance(city, City)
    assert_sent_ok(deepseek_emulator)
