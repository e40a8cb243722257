"""The Responses API through our client against the emulator: sync/async x stream/non-stream for
create, parse, a three-round stateless tool loop with function outputs and reasoning replay, and each
refusal (deepseek-api.md section 12).

Expected values come from section 12 and the emulator's documented derivation (``Echo: <text>``, a
reasoning item while thinking, ``Tool <name> returned: <output>`` after tool results).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel

import deepseek_openai as ds
from deepseek_openai.testing import DeepSeekEmulator, ScriptedReply, ScriptedToolCall

MODES = [
    pytest.param(kind, stream, id=f"{kind}-{'stream' if stream else 'nonstream'}")
    for kind in ("sync", "async")
    for stream in (False, True)
]
TOOLS: list[Any] = [
    {
        "type": "function",
        "name": "get_weather",
        "description": "The weather in a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
            "additionalProperties": False,
        },
    }
]


class Weather(BaseModel):
    city: str
    celsius: int
    sunny: bool


async def _create(client: Any, kind: str, stream: bool, **kwargs: Any) -> ds.FinalMessage | Any:
    """One create(): the Response (non-stream) or the FinalMessage of its typed events (stream)."""
    if kind == "sync":
        if not stream:
            return client.responses.create(**kwargs)
        with ds.iter_events(client.responses.create(stream=True, **kwargs)) as events:
            for _ in events:
                pass
            return events.final
    if not stream:
        return await client.responses.create(**kwargs)
    async with ds.aiter_events(await client.responses.create(stream=True, **kwargs)) as aevents:
        async for _ in aevents:
            pass
        return aevents.final


def _text(result: Any) -> str | None:
    return result.content if isinstance(result, ds.FinalMessage) else result.output_text


def _client(kind: str, sync_client: ds.DeepSeek, async_client: ds.AsyncDeepSeek) -> Any:
    return sync_client if kind == "sync" else async_client


@pytest.mark.parametrize(("kind", "stream"), MODES)
async def test_create_answers_and_get_reasoning_reads_the_reasoning(
    kind: str,
    stream: bool,
    deepseek_client: ds.DeepSeek,
    async_deepseek_client: ds.AsyncDeepSeek,
) -> None:
    client = _client(kind, deepseek_client, async_deepseek_client)
    result = await _create(client, kind, stream, model="deepseek-flash", input="hi")
    assert _text(result) == "Echo: hi"
    reasoning = ds.get_reasoning(result)
    assert reasoning is not None
    assert reasoning.startswith("Thinking about: hi.")
    usage = ds.usage_summary(result if not stream else result.usage)
    assert usage.reasoning_tokens > 0
    assert usage.prompt_tokens > 0
    # thinking off: effort none, no reasoning item
    off = client.with_options(thinking=False)
    quiet = await _create(off, kind, stream, model="deepseek-flash", input="hi")
    assert _text(quiet) == "Echo: hi"
    assert ds.get_reasoning(quiet) is None


@pytest.mark.parametrize(("kind", "stream"), MODES)
async def test_parse_returns_the_model_with_thinking_on(
    kind: str,
    stream: bool,
    deepseek_client: ds.DeepSeek,
    async_deepseek_client: ds.AsyncDeepSeek,
    deepseek_emulator: DeepSeekEmulator,
) -> None:
    client = _client(kind, deepseek_client, async_deepseek_client)
    args: dict[str, Any] = {"model": "deepseek-flash", "input": "Weather in Paris?", "text_format": Weather}
    if kind == "sync" and not stream:
        parsed = client.responses.parse(**args)
    elif kind == "sync":
        with client.responses.stream(**args) as events:
            for _ in events:
                pass
            parsed = events.get_final_response()
    elif not stream:
        parsed = await client.responses.parse(**args)
    else:
        async with client.responses.stream(**args) as aevents:
            async for _ in aevents:
                pass
            parsed = await aevents.get_final_response()
    assert isinstance(parsed.output_parsed, Weather)
    assert ds.get_reasoning(parsed)  # schema-checked output while thinking
    sent = deepseek_emulator.requests[-1].json
    assert sent["text"]["format"]["type"] == "json_schema"
    assert "reasoning" not in sent or sent["reasoning"].get("effort") != "none"


@pytest.mark.parametrize(("kind", "stream"), MODES)
async def test_a_three_round_stateless_tool_loop_replays_reasoning_and_outputs(
    kind: str,
    stream: bool,
    deepseek_client: ds.DeepSeek,
    async_deepseek_client: ds.AsyncDeepSeek,
    deepseek_emulator: DeepSeekEmulator,
) -> None:
    emu = deepseek_emulator
    cities = ("Paris", "Oslo", "Lima")
    for city in cities:
        emu.queue_reply(
            ScriptedReply(
                reasoning_content=f"I need the weather in {city}.",
                tool_calls=[ScriptedToolCall("get_weather", {"city": city})],
                path="/responses",
            )
        )
    client = _client(kind, deepseek_client, async_deepseek_client)
    items: list[Any] = [{"role": "user", "content": "Compare the weather in three cities."}]
    result = await _create(client, kind, stream, model="deepseek-flash", input=items, tools=TOOLS)
    rounds = 0
    while calls := ds.function_calls(result):
        items += ds.to_input_items(
            result, {c.id: f"{json.loads(c.function.arguments)['city']}: 20C" for c in calls}
        )
        result = await _create(client, kind, stream, model="deepseek-flash", input=items, tools=TOOLS)
        rounds += 1
    assert rounds == 3
    assert _text(result) == "Tool get_weather returned: Lima: 20C"
    # every later request carried the earlier rounds: reasoning items with their text, calls, outputs
    bodies = [r.json for r in emu.requests if r.path == "/responses"]
    assert len(bodies) == 4
    for n, body in enumerate(bodies[1:], start=1):
        kinds = [item.get("type", "message") for item in body["input"]]
        assert kinds == ["message", *["reasoning", "function_call", "function_call_output"] * n]
        replayed = [item["content"][0]["text"] for item in body["input"] if item.get("type") == "reasoning"]
        assert replayed == [f"I need the weather in {city}." for city in cities[:n]]
        assert "previous_response_id" not in body
        assert "store" not in body


REFUSALS: dict[str, tuple[dict[str, Any], type[Exception]]] = {
    "previous_response_id": ({"previous_response_id": "resp_1"}, ds.UnsupportedFeatureError),
    "conversation": ({"conversation": "conv_1"}, ds.UnsupportedFeatureError),
    "background": ({"background": True}, ds.UnsupportedFeatureError),
    "store": ({"store": True}, ds.UnsupportedFeatureError),
    "prompt": ({"prompt": {"id": "pmpt_1"}}, ds.UnsupportedFeatureError),
    "encrypted reasoning": ({"include": ["reasoning.encrypted_content"]}, ds.UnsupportedFeatureError),
    "built-in tool": ({"tools": [{"type": "web_search"}]}, ds.UnsupportedFeatureError),
    "file search": (
        {"tools": [{"type": "file_search", "vector_store_ids": ["vs_1"]}]},
        ds.UnsupportedFeatureError,
    ),
    "mcp": (
        {"tools": [{"type": "mcp", "server_label": "x", "server_url": "https://x"}]},
        ds.UnsupportedFeatureError,
    ),
    "custom tool": ({"tools": [{"type": "custom", "name": "run_sql"}]}, ds.UnsupportedFeatureError),
    "max_output_tokens": ({"max_output_tokens": 400_000}, ds.DeepSeekRequestError),
    "image on pro": (
        {
            "model": "deepseek-v4-pro",
            "input": [{"role": "user", "content": [{"type": "input_image", "image_url": "https://x/a.png"}]}],
        },
        ds.UnsupportedFeatureError,
    ),
}


@pytest.mark.parametrize("name", REFUSALS)
@pytest.mark.parametrize(("kind", "stream"), MODES)
async def test_each_refusal_happens_before_the_network(
    name: str,
    kind: str,
    stream: bool,
    deepseek_client: ds.DeepSeek,
    async_deepseek_client: ds.AsyncDeepSeek,
    deepseek_emulator: DeepSeekEmulator,
) -> None:
    fields, error = REFUSALS[name]
    client = _client(kind, deepseek_client, async_deepseek_client)
    with pytest.raises(error) as info:
        await _create(client, kind, stream, **{"model": "deepseek-flash", "input": "hi", **fields})
    assert type(info.value) is error
    assert "Fix: " in str(info.value)
    assert deepseek_emulator.request_count() == 0


@pytest.mark.parametrize(("kind", "stream"), MODES)
async def test_truncation_is_dropped_with_a_warning_by_default_and_refused_in_strict_mode(
    kind: str,
    stream: bool,
    deepseek_client: ds.DeepSeek,
    async_deepseek_client: ds.AsyncDeepSeek,
    deepseek_emulator: DeepSeekEmulator,
) -> None:
    """Section 12: truncation is unsupported (an input over the context is a 400, never cut), and
    unknown parameters are ignored: the default mode drops it and says why; strict refuses it."""
    client = _client(kind, deepseek_client, async_deepseek_client)
    fields = {"model": "deepseek-flash", "input": "hi", "truncation": "auto"}
    with pytest.raises(ds.UnsupportedFeatureError, match="Fix: "):
        await _create(client.with_options(guard_mode="strict"), kind, stream, **fields)
    assert deepseek_emulator.request_count() == 0
    with pytest.warns(ds.DeepSeekCompatibilityWarning, match="truncation"):
        result = await _create(client, kind, stream, **fields)
    assert _text(result) == "Echo: hi"
    assert "truncation" not in deepseek_emulator.requests[-1].json


async def test_the_emulator_takes_what_our_client_refuses_and_ignores_it(
    deepseek_emulator: DeepSeekEmulator,
) -> None:
    """With guard_mode='off' the stateful fields reach the server, which ignores them (section 12)."""
    emu = deepseek_emulator
    off = ds.get_client(api_key=emu.api_key, base_url=emu.base_url, guard_mode="off")
    with off:
        response = off.responses.create(
            model="deepseek-flash",
            input="hi",
            previous_response_id="resp_1",
            store=True,
            background=True,
            include=["reasoning.encrypted_content"],
            tools=[{"type": "web_search"}],
        )
    assert response.output_text == "Echo: hi"
    assert (response.model_extra or {}).get("store", getattr(response, "store", None)) is False
    assert response.background is False
    assert response.previous_response_id is None
    assert response.tools == []
    reasoning = next(item for item in response.output if item.type == "reasoning")
    assert getattr(reasoning, "encrypted_content", None) is None


def test_warn_mode_drops_what_deepseek_ignores_with_one_warning(deepseek_emulator: DeepSeekEmulator) -> None:
    emu = deepseek_emulator
    warn = ds.get_client(api_key=emu.api_key, base_url=emu.base_url, guard_mode="warn")
    with warn, pytest.warns(ds.DeepSeekCompatibilityWarning) as caught:
        warn.responses.create(
            model="deepseek-flash",
            input="hi",
            reasoning={"effort": "low", "summary": "auto"},
            truncation="auto",
        )
    assert len(caught) == 2
    sent = emu.requests[-1].json
    assert sent["reasoning"] == {"effort": "low"}
    assert "truncation" not in sent
    # ... but what would silently be wrong is refused in warn mode too
    with warn, pytest.raises(ds.UnsupportedFeatureError):
        warn.responses.create(model="deepseek-flash", input="hi", previous_response_id="resp_1")
    with warn, pytest.raises(ds.UnsupportedFeatureError):
        warn.responses.create(model="deepseek-flash", input="hi", tools=[{"type": "web_search"}])


def test_the_clients_thinking_defaults_become_reasoning_effort(deepseek_emulator: DeepSeekEmulator) -> None:
    emu = deepseek_emulator
    cases: list[tuple[dict[str, Any], dict[str, Any], Any]] = [
        ({"thinking": False}, {}, {"effort": "none"}),
        ({"effort": "max"}, {}, {"effort": "max"}),
        ({"effort": "max"}, {"reasoning": {"effort": "low"}}, {"effort": "low"}),  # the call wins
        ({}, {"model": "deepseek-chat"}, {"effort": "none"}),  # retired: flash, thinking off
        ({}, {"extra_body": {"thinking": {"type": "disabled"}}}, {"effort": "none"}),
        ({}, {}, None),  # nothing set: the server default (thinking on, effort high)
    ]
    for policy, call, expected in cases:
        client = ds.get_client(api_key=emu.api_key, base_url=emu.base_url, **policy)
        with client, pytest.warns() if call.get("model") == "deepseek-chat" else _no_warning():
            client.responses.create(**{"model": "deepseek-flash", "input": "hi", **call})
        sent = emu.requests[-1].json
        assert sent.get("reasoning") == expected, (policy, call)
        assert "thinking" not in sent
        assert sent["model"] == "deepseek-flash"


def _no_warning() -> Any:
    import contextlib

    return contextlib.nullcontext()


def test_cost_of_a_response_counts_cache_hits(deepseek_client: ds.DeepSeek) -> None:
    long_input = "Summarise this. " + "The quick brown fox jumps over the lazy dog. " * 60
    first = deepseek_client.responses.create(model="deepseek-flash", input=long_input)
    second = deepseek_client.responses.create(model="deepseek-flash", input=long_input)
    assert first.usage is not None
    assert second.usage is not None
    assert first.usage.input_tokens_details.cached_tokens == 0
    assert second.usage.input_tokens_details.cached_tokens > 0
    summary = ds.usage_summary(second)
    assert summary.cache_hit_tokens == second.usage.input_tokens_details.cached_tokens
    assert summary.cache_miss_tokens == second.usage.input_tokens - summary.cache_hit_tokens
    assert ds.estimate_cost(second, "deepseek-flash") < ds.estimate_cost(first, "deepseek-flash")
