"""LangChain: langchain-openai ``ChatOpenAI`` and langchain-deepseek ``ChatDeepSeek``, library defaults.

Handed our client, ``ChatOpenAI`` takes the resources (``client=c.chat.completions``,
``async_client=ac.chat.completions``) plus ``root_client``/``root_async_client`` for its structured
output (which calls ``root_client.chat.completions.parse``). LangChain never sends
``reasoning_content`` back: with tools in thinking mode DeepSeek then answers 400; our client puts
the text it received back (its reasoning memory).
"""

from __future__ import annotations

from typing import Any

import openai
import pytest
from pydantic import BaseModel

from deepseek_openai import get_async_client, get_client
from deepseek_openai.testing import DeepSeekEmulator

from .conftest import MODEL, ROUNDS, assert_sent_ok, assert_tool_loop, script_tool_rounds

pytest.importorskip("langchain_openai")
pytest.importorskip("langchain_deepseek")
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.tools import tool
from langchain_deepseek import ChatDeepSeek
from langchain_openai import ChatOpenAI


class City(BaseModel):
    name: str
    population: int


@tool
def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"sunny in {city}"


@pytest.fixture(params=["ChatOpenAI", "ChatDeepSeek"])
def chat_class(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def llm(chat_class: str, mode: str, emulator: DeepSeekEmulator) -> BaseChatModel:
    kwargs: dict[str, Any] = {"model": MODEL, "api_key": emulator.api_key, "max_retries": 0}
    if mode == "client":
        sync, asyn = (
            get_client(api_key=emulator.api_key, base_url=emulator.base_url),
            get_async_client(api_key=emulator.api_key, base_url=emulator.base_url),
        )
        kwargs.update(
            client=sync.chat.completions,
            async_client=asyn.chat.completions,
            root_client=sync,
            root_async_client=asyn,
        )
    if chat_class == "ChatOpenAI":
        return ChatOpenAI(base_url=emulator.base_url, **kwargs)
    kwargs["api_base"] = emulator.base_url  # ChatDeepSeek's name for the base URL
    return ChatDeepSeek(**kwargs)


def test_chat(chat_class: str, mode: str, deepseek_emulator: DeepSeekEmulator) -> None:
    assert llm(chat_class, mode, deepseek_emulator).invoke("Hi").content == "Echo: Hi"
    assert_sent_ok(deepseek_emulator)


def test_stream(chat_class: str, mode: str, deepseek_emulator: DeepSeekEmulator) -> None:
    pieces = [str(chunk.content) for chunk in llm(chat_class, mode, deepseek_emulator).stream("Hi")]
    assert "".join(pieces) == "Echo: Hi"
    assert deepseek_emulator.requests[-1].json["stream"] is True
    assert_sent_ok(deepseek_emulator)


async def test_async(chat_class: str, mode: str, deepseek_emulator: DeepSeekEmulator) -> None:
    assert (await llm(chat_class, mode, deepseek_emulator).ainvoke("Hi")).content == "Echo: Hi"


def _loop(model: BaseChatModel) -> str:
    bound = model.bind_tools([get_weather])
    messages: list[BaseMessage] = [HumanMessage("Weather?")]
    for _ in range(ROUNDS + 1):
        reply = bound.invoke(messages)
        assert isinstance(reply, AIMessage)
        messages.append(reply)
        if not reply.tool_calls:
            break
        for call in reply.tool_calls:
            messages.append(ToolMessage(get_weather.invoke(call["args"]), tool_call_id=call["id"]))
    return str(reply.content)


def test_tool_loop_in_thinking_mode(chat_class: str, mode: str, deepseek_emulator: DeepSeekEmulator) -> None:
    script_tool_rounds(deepseek_emulator, "get_weather")
    model = llm(chat_class, mode, deepseek_emulator)
    if mode == "base_url":
        # LangChain drops reasoning_content from the assistant turns it sends back (README).
        with pytest.raises(openai.BadRequestError, match="reasoning_content"):
            _loop(model)
        return
    assert_tool_loop(deepseek_emulator, _loop(model))


def test_structured_output(chat_class: str, mode: str, deepseek_emulator: DeepSeekEmulator) -> None:
    structured = llm(chat_class, mode, deepseek_emulator).with_structured_output(City)
    if mode == "base_url":
        # ChatOpenAI's default is response_format json_schema (DeepSeek's Chat Completions has none);
        # ChatDeepSeek's is function calling with a forced tool_choice, refused while thinking.
        match = "response_format type is unavailable" if chat_class == "ChatOpenAI" else "tool_choice"
        with pytest.raises(openai.BadRequestError, match=match):
            structured.invoke("Paris?")
        return
    assert isinstance(structured.invoke("Paris?"), City)
    assert_sent_ok(deepseek_emulator)
    assert deepseek_emulator.requests[-1].json["thinking"] == {"type": "disabled"}
