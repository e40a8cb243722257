"""Every path that sends a chat or FIM request is checked before the network, sync and async."""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from typing import Any

import httpx2
import pydantic
import pytest
from openai.types.chat import ChatCompletionFunctionToolParam, ChatCompletionMessageParam
from openai.types.shared_params import ResponseFormatJSONSchema

from deepseek_openai import AsyncDeepSeek, DeepSeek, DeepSeekRequestError, UnsupportedFeatureError
from deepseek_openai._errors import DeepSeekCompatibilityWarning, RetiredModelWarning
from tests.conftest import Recorder, completion_body

from ._support import async_client, drive_async, drive_sync, sync_client

USER: list[ChatCompletionMessageParam] = [{"role": "user", "content": "Give me a city as JSON"}]


class City(pydantic.BaseModel):
    name: str


SCHEMA: ResponseFormatJSONSchema = {
    "type": "json_schema",
    "json_schema": {"name": "city", "schema": {"type": "object"}},
}

SYNC_PATHS: dict[str, Callable[[DeepSeek], Any]] = {
    "create": lambda c: c.chat.completions.create(
        model="deepseek-flash", messages=USER, response_format=SCHEMA
    ),
    "parse": lambda c: c.chat.completions.parse(model="deepseek-flash", messages=USER, response_format=City),
    "beta.parse": lambda c: c.beta.chat.completions.parse(
        model="deepseek-flash", messages=USER, response_format=City
    ),
    "stream": lambda c: c.chat.completions.stream(
        model="deepseek-flash", messages=USER, response_format=City
    ),
    "with_raw_response.create": lambda c: c.chat.completions.with_raw_response.create(
        model="deepseek-flash", messages=USER, response_format=SCHEMA
    ),
    "with_raw_response.parse": lambda c: c.with_raw_response.chat.completions.parse(
        model="deepseek-flash", messages=USER, response_format=City
    ),
    "with_streaming_response.create": lambda c: c.with_streaming_response.chat.completions.create(
        model="deepseek-flash", messages=USER, response_format=SCHEMA
    ),
    "create(stream=True)": lambda c: c.chat.completions.create(
        model="deepseek-flash", messages=USER, response_format=SCHEMA, stream=True
    ),
    "with_options": lambda c: c.with_options(timeout=3).chat.completions.create(
        model="deepseek-flash", messages=USER, response_format=SCHEMA
    ),
}


@pytest.mark.parametrize("path", SYNC_PATHS)
def test_json_schema_is_refused_on_every_sync_path_in_strict_mode(path: str, recorder: Recorder) -> None:
    client = sync_client(recorder, guard_mode="strict")
    with pytest.raises(UnsupportedFeatureError, match="json_object") as info:
        drive_sync(SYNC_PATHS[path](client))
    assert info.value.param == "response_format"
    assert recorder.requests == []


def _tool_call_reply(request: httpx2.Request) -> httpx2.Response:
    """What DeepSeek answers to a forced function tool: a call of it."""
    name = json.loads(request.content)["tools"][-1]["function"]["name"]
    call = {"id": "call_00_x", "type": "function", "function": {"name": name, "arguments": '{"name":"Oslo"}'}}
    body = completion_body(content="", reasoning=None)
    body["choices"][0].update(
        finish_reason="tool_calls", message={"role": "assistant", "content": "", "tool_calls": [call]}
    )
    return httpx2.Response(200, json=body)


def _assert_translated(recorder: Recorder) -> None:
    (request,) = recorder.requests
    body = json.loads(request.content)
    assert "response_format" not in body
    (tool,) = body["tools"]
    assert tool["function"]["name"] in ("city", "City")
    assert body["tool_choice"] == {"type": "function", "function": {"name": tool["function"]["name"]}}
    assert body["thinking"] == {"type": "disabled"}
    # strict (as .parse() asks) goes to the beta URL, where DeepSeek enforces it
    beta = tool["function"].get("strict") is True
    assert request.url.path == ("/beta/chat/completions" if beta else "/chat/completions")


@pytest.mark.parametrize("path", SYNC_PATHS)
def test_json_schema_is_translated_on_every_sync_path(path: str, recorder: Recorder) -> None:
    recorder.default = _tool_call_reply
    client = sync_client(recorder)
    with pytest.warns(DeepSeekCompatibilityWarning, match="json_schema was sent as the function tool"):
        drive_sync(SYNC_PATHS[path](client))
    _assert_translated(recorder)


ASYNC_PATHS: dict[str, Callable[[AsyncDeepSeek], Any]] = {
    "create": lambda c: c.chat.completions.create(
        model="deepseek-flash", messages=USER, response_format=SCHEMA
    ),
    "parse": lambda c: c.chat.completions.parse(model="deepseek-flash", messages=USER, response_format=City),
    "stream": lambda c: c.chat.completions.stream(
        model="deepseek-flash", messages=USER, response_format=City
    ),
    "with_raw_response.create": lambda c: c.chat.completions.with_raw_response.create(
        model="deepseek-flash", messages=USER, response_format=SCHEMA
    ),
    "with_streaming_response.create": lambda c: c.with_streaming_response.chat.completions.create(
        model="deepseek-flash", messages=USER, response_format=SCHEMA
    ),
    "create(stream=True)": lambda c: c.chat.completions.create(
        model="deepseek-flash", messages=USER, response_format=SCHEMA, stream=True
    ),
}


@pytest.mark.parametrize("path", ASYNC_PATHS)
async def test_json_schema_is_refused_on_every_async_path_in_strict_mode(
    path: str, recorder: Recorder
) -> None:
    client = async_client(recorder, guard_mode="strict")
    with pytest.raises(UnsupportedFeatureError, match="json_object"):
        await drive_async(ASYNC_PATHS[path](client))
    assert recorder.requests == []


@pytest.mark.parametrize("path", ASYNC_PATHS)
async def test_json_schema_is_translated_on_every_async_path(path: str, recorder: Recorder) -> None:
    recorder.default = _tool_call_reply
    client = async_client(recorder)
    with pytest.warns(DeepSeekCompatibilityWarning, match="json_schema was sent as the function tool"):
        await drive_async(ASYNC_PATHS[path](client))
    _assert_translated(recorder)


@pytest.mark.parametrize("beta", [False, True])
async def test_fim_is_checked_sync_and_async(beta: bool, recorder: Recorder) -> None:
    sync = sync_client(recorder, beta=beta)
    asyn = async_client(recorder, beta=beta)
    kwargs: dict[str, Any] = {"model": "deepseek-flash", "prompt": "def f(", "max_tokens": 5000}
    with pytest.raises(DeepSeekRequestError, match="FIM"):
        sync.completions.create(**kwargs)
    with pytest.raises(DeepSeekRequestError, match="FIM"):
        await asyn.completions.with_raw_response.create(**kwargs)
    assert recorder.requests == []


TOOLS: list[ChatCompletionFunctionToolParam] = [
    {"type": "function", "function": {"name": "get_time", "parameters": {"type": "object"}}}
]


def test_tools_pass_through_by_default(recorder: Recorder) -> None:
    sync_client(recorder).chat.completions.create(model="deepseek-flash", messages=USER, tools=TOOLS)
    assert recorder.last_json()["tools"] == TOOLS


@pytest.mark.parametrize("how", ["argument", "env"])
async def test_allow_tools_false_refuses_every_tool(
    how: str, recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    kwargs: dict[str, Any] = {}
    if how == "env":
        monkeypatch.setenv("DEEPSEEK_ALLOW_TOOLS", "false")
    else:
        kwargs["allow_tools"] = False
    # Even guard_mode='off' does not lift an explicit allow_tools=False.
    for mode in ("strict", "warn", "off"):
        with pytest.raises(UnsupportedFeatureError, match="allow_tools=False"):
            sync_client(recorder, guard_mode=mode, **kwargs).chat.completions.create(
                model="deepseek-flash", messages=USER, tools=TOOLS
            )
        with pytest.raises(UnsupportedFeatureError, match="allow_tools=False"):
            await async_client(recorder, guard_mode=mode, **kwargs).chat.completions.create(
                model="deepseek-flash", messages=USER, tools=TOOLS, tool_choice="auto"
            )
    assert recorder.requests == []
    # without tools the same client works
    sync_client(recorder, **kwargs).chat.completions.create(model="deepseek-flash", messages=USER)
    assert len(recorder.requests) == 1


def test_warn_mode_drops_what_is_safe_to_drop(recorder: Recorder) -> None:
    client = sync_client(recorder, guard_mode="warn")
    with pytest.warns(DeepSeekCompatibilityWarning) as caught:
        client.chat.completions.create(
            model="deepseek-flash", messages=USER, seed=3, store=True, logit_bias={"1": 1}
        )
    body = recorder.last_json()
    assert all("was dropped" in str(w.message) for w in caught)
    text = " ".join(str(w.message) for w in caught)
    for param in ("seed", "store", "logit_bias"):
        assert param not in body
        assert f"{param} was dropped" in text


def test_warn_mode_warns_once_per_client_and_parameter(recorder: Recorder) -> None:
    """A framework sends the same OpenAI-only parameter every call: one warning, for the whole family."""
    client = sync_client(recorder)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            client.chat.completions.create(model="deepseek-flash", messages=USER, parallel_tool_calls=False)
            client.with_options(timeout=5).chat.completions.create(
                model="deepseek-flash", messages=USER, parallel_tool_calls=False, seed=1
            )
    texts = [str(w.message) for w in caught if w.category is DeepSeekCompatibilityWarning]
    assert len(texts) == 2
    assert "parallel_tool_calls was dropped" in texts[0]
    assert "seed was dropped" in texts[1]
    assert all("parallel_tool_calls" not in json.loads(r.content) for r in recorder.requests)
    # another client warns again
    with pytest.warns(DeepSeekCompatibilityWarning, match="parallel_tool_calls"):
        sync_client(recorder).chat.completions.create(
            model="deepseek-flash", messages=USER, parallel_tool_calls=False
        )


def test_warn_mode_refuses_n_above_one(recorder: Recorder) -> None:
    """DeepSeek returns one choice for n=2: a silently wrong result, so the default mode refuses it."""
    with pytest.raises(UnsupportedFeatureError, match="n=2"):
        sync_client(recorder).chat.completions.create(model="deepseek-flash", messages=USER, n=2)
    assert recorder.requests == []


@pytest.mark.parametrize("how", ["argument", "env", "with_options"])
def test_off_mode_passes_everything_through(
    how: str, recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    if how == "env":
        monkeypatch.setenv("DEEPSEEK_GUARD_MODE", "off")
        client = sync_client(recorder)
    elif how == "argument":
        client = sync_client(recorder, guard_mode="off")
    else:
        client = sync_client(recorder).with_options(guard_mode="off")
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeepSeekCompatibilityWarning)
        client.chat.completions.create(model="deepseek-flash", messages=USER, response_format=SCHEMA, seed=1)
    body = recorder.last_json()
    assert body["response_format"] == SCHEMA
    assert body["seed"] == 1


def test_guard_mode_env_warn(recorder: Recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEEPSEEK_GUARD_MODE", "warn")
    with pytest.warns(DeepSeekCompatibilityWarning, match="seed"):
        sync_client(recorder).chat.completions.create(model="deepseek-flash", messages=USER, seed=1)
    assert "seed" not in recorder.last_json()


def test_the_callers_body_is_never_mutated(recorder: Recorder) -> None:
    messages: list[ChatCompletionMessageParam] = [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "x"},
        {"role": "user", "content": "again"},
    ]
    snapshot = [dict(m) for m in messages]
    with pytest.warns(RetiredModelWarning, match="deepseek-reasoner"):
        sync_client(recorder).chat.completions.create(
            model="deepseek-reasoner", messages=messages, tools=TOOLS, max_completion_tokens=5
        )
    assert messages == snapshot
    sent = recorder.last_json()
    assert sent["messages"][1]["reasoning_content"] == ""  # backfilled in the copy only
