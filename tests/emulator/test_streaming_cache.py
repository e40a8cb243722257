"""Stream order on the wire and the simulated prefix cache."""

from __future__ import annotations

import httpx2
import openai
import pytest

from deepseek_openai.testing import DeepSeekEmulator

from .conftest import USER, sse_events

TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


def _stream(http: httpx2.Client, **body: object) -> list[object]:
    response = http.post(
        "/chat/completions", json={"model": "deepseek-flash", "messages": USER, "stream": True, **body}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    return sse_events(response.text)


def _phase(chunk: dict[str, object]) -> str:
    if not chunk["choices"]:
        return "usage"
    choice = chunk["choices"][0]  # type: ignore[index]
    delta = choice["delta"]
    if choice["finish_reason"]:
        return "finish"
    if "role" in delta:
        return "role"
    if delta.get("reasoning_content"):
        return "reasoning"
    if delta.get("tool_calls"):
        return "tool"
    return "content"


def _phases(events: list[object]) -> list[str]:
    out: list[str] = []
    for event in events:
        phase = "done" if event == "[DONE]" else _phase(event)  # type: ignore[arg-type]
        if not out or out[-1] != phase:
            out.append(phase)
    return out


def test_stream_with_include_usage_puts_usage_on_the_final_chunk(http: httpx2.Client) -> None:
    """DeepSeek's order (spec section 7): usage rides on the finish chunk, no empty-choices chunk."""
    events = _stream(http, stream_options={"include_usage": True})
    assert _phases(events) == ["role", "reasoning", "content", "finish", "done"]
    assert events[-2]["choices"][0]["finish_reason"] == "stop"  # type: ignore[index]
    first = events[0]
    assert first["choices"][0]["delta"] == {"role": "assistant", "content": "", "reasoning_content": ""}  # type: ignore[index]
    assert all(e["usage"] is None for e in events[:-2])  # type: ignore[index]
    usage = events[-2]["usage"]  # type: ignore[index]
    assert usage["prompt_cache_hit_tokens"] + usage["prompt_cache_miss_tokens"] == usage["prompt_tokens"]


def test_stream_without_include_usage_puts_usage_on_the_finish_chunk(http: httpx2.Client) -> None:
    events = _stream(http, thinking={"type": "disabled"})
    assert _phases(events) == ["role", "content", "finish", "done"]
    assert events[-2]["usage"]["completion_tokens"] > 0  # type: ignore[index]
    assert events[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}  # type: ignore[index]


def test_tool_call_stream(http: httpx2.Client) -> None:
    events = _stream(http, tools=[TOOL])
    assert _phases(events) == ["role", "reasoning", "tool", "finish", "done"]
    calls = [e["choices"][0]["delta"]["tool_calls"][0] for e in events[:-1] if _phase(e) == "tool"]  # type: ignore[arg-type,index]
    assert calls[0]["id"].startswith("call_00_")
    assert calls[0]["function"]["name"] == "get_weather"
    assert all("id" not in c for c in calls[1:])
    assert "".join(c["function"]["arguments"] for c in calls) == '{"city":"example"}'
    assert events[-2]["choices"][0]["finish_reason"] == "tool_calls"  # type: ignore[index]


def test_sdk_stream_reassembles(raw: openai.OpenAI) -> None:
    reasoning, content = [], []
    finish = None
    for chunk in raw.chat.completions.create(model="deepseek-flash", messages=USER, stream=True):
        delta = chunk.choices[0].delta
        reasoning.append(getattr(delta, "reasoning_content", None) or "")
        content.append(delta.content or "")
        finish = chunk.choices[0].finish_reason or finish
    assert "".join(content) == "Echo: hello world"
    assert "".join(reasoning).startswith("Thinking about: hello world.")
    assert finish == "stop"


def _usage(client: openai.OpenAI, text: str, **extra: object) -> tuple[int, int, int]:
    reply = client.chat.completions.create(
        model="deepseek-flash", messages=[{"role": "user", "content": text}], extra_body=extra or None
    )
    assert reply.usage is not None
    fields = reply.usage.model_extra or {}
    return reply.usage.prompt_tokens, fields["prompt_cache_hit_tokens"], fields["prompt_cache_miss_tokens"]


LONG = "The quick brown fox jumps over the lazy dog. " * 40


def test_repeated_prefix_hits_the_cache(raw: openai.OpenAI) -> None:
    prompt, hit, miss = _usage(raw, LONG)
    assert hit == 0
    assert miss == prompt
    prompt2, hit2, miss2 = _usage(raw, LONG + " And one more question?")
    assert hit2 > 0
    assert hit2 % 64 == 0
    assert hit2 + miss2 == prompt2
    assert hit2 <= prompt


def test_cache_is_isolated_per_user_id_and_reset(raw: openai.OpenAI, emu: DeepSeekEmulator) -> None:
    _usage(raw, LONG)
    assert _usage(raw, LONG)[1] > 0
    assert _usage(raw, LONG, user_id="someone-else")[1] == 0
    emu.reset()
    assert _usage(raw, LONG)[1] == 0


def test_cached_tokens_in_prompt_details(raw: openai.OpenAI) -> None:
    _usage(raw, LONG)
    reply = raw.chat.completions.create(model="deepseek-flash", messages=[{"role": "user", "content": LONG}])
    assert reply.usage is not None
    assert reply.usage.prompt_tokens_details is not None
    assert (
        reply.usage.prompt_tokens_details.cached_tokens
        == (reply.usage.model_extra or {})["prompt_cache_hit_tokens"]
        > 0
    )


@pytest.mark.parametrize("effort", ["low", "max"])
def test_sdk_stream_via_deepseek_client(emu: DeepSeekEmulator, effort: str) -> None:
    from deepseek_openai import get_client

    with get_client(api_key=emu.api_key, base_url=emu.base_url, max_retries=0) as client:
        stream = client.chat.completions.create(
            model="deepseek-flash", messages=USER, stream=True, extra_body={"reasoning_effort": effort}
        )
        text = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    assert text == "Echo: hello world"
