"""Every endpoint's shape, over the real server with the real openai client."""

from __future__ import annotations

import httpx2
import openai
import pytest
from openai.types.chat import ChatCompletionContentPartImageParam, ChatCompletionMessageParam

from deepseek_openai.testing import DeepSeekEmulator
from tests.images import data_url, png

from .conftest import USER


def test_chat_echoes_and_thinks_by_default(raw: openai.OpenAI) -> None:
    reply = raw.chat.completions.create(model="deepseek-flash", messages=USER)
    message = reply.choices[0].message
    assert message.content == "Echo: hello world"
    assert getattr(message, "reasoning_content", "").startswith("Thinking about: hello world.")
    assert reply.choices[0].finish_reason == "stop"
    assert reply.object == "chat.completion"
    assert reply.model == "deepseek-flash"
    usage = reply.usage
    assert usage is not None
    extra = usage.model_extra or {}
    assert extra["prompt_cache_hit_tokens"] + extra["prompt_cache_miss_tokens"] == usage.prompt_tokens
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    assert usage.completion_tokens_details is not None
    assert 0 < (usage.completion_tokens_details.reasoning_tokens or 0) < usage.completion_tokens
    assert usage.prompt_tokens_details is not None
    assert usage.prompt_tokens_details.cached_tokens == extra["prompt_cache_hit_tokens"]


@pytest.mark.parametrize(
    "extra",
    [{"thinking": {"type": "disabled"}}, {"reasoning_effort": "none"}],
)
def test_thinking_off_has_no_reasoning(raw: openai.OpenAI, extra: dict[str, object]) -> None:
    reply = raw.chat.completions.create(model="deepseek-v4-pro", messages=USER, extra_body=extra)
    assert getattr(reply.choices[0].message, "reasoning_content", None) is None
    assert reply.usage is not None
    assert reply.usage.completion_tokens_details is not None
    assert reply.usage.completion_tokens_details.reasoning_tokens == 0


@pytest.mark.parametrize(
    ("prompt", "opening"),
    [
        ("My name is Ada.", "Thinking about: My name is Ada. The"),
        ("Why?", "Thinking about: Why? The"),
        ("hi", "Thinking about: hi. The"),
    ],
)
def test_the_made_up_reasoning_ends_its_first_sentence_with_one_stop(
    raw: openai.OpenAI, prompt: str, opening: str
) -> None:
    messages: list[ChatCompletionMessageParam] = [{"role": "user", "content": prompt}]
    reply = raw.chat.completions.create(model="deepseek-flash", messages=messages)
    assert getattr(reply.choices[0].message, "reasoning_content", "").startswith(opening)


def test_effort_changes_reasoning_length(raw: openai.OpenAI) -> None:
    def reasoning_tokens(effort: str) -> int:
        reply = raw.chat.completions.create(
            model="deepseek-flash", messages=USER, extra_body={"reasoning_effort": effort}
        )
        assert reply.usage is not None
        assert reply.usage.completion_tokens_details is not None
        return reply.usage.completion_tokens_details.reasoning_tokens or 0

    assert reasoning_tokens("low") < reasoning_tokens("high") < reasoning_tokens("max")
    assert reasoning_tokens("minimal") == reasoning_tokens("low")


@pytest.mark.parametrize("prefix", ["", "/v1", "/beta"])
def test_chat_routes(emu: DeepSeekEmulator, prefix: str) -> None:
    with openai.OpenAI(api_key=emu.api_key, base_url=emu.base_url + prefix, max_retries=0) as client:
        reply = client.chat.completions.create(model="deepseek-v4-flash", messages=USER)
    assert reply.choices[0].message.content == "Echo: hello world"
    assert reply.model == "deepseek-flash"
    assert emu.requests[-1].path == f"{prefix}/chat/completions"


@pytest.mark.parametrize("prefix", ["", "/v1"])
def test_models_have_no_created(http: httpx2.Client, raw: openai.OpenAI, prefix: str) -> None:
    body = http.get(f"{prefix}/models").json()
    assert body["object"] == "list"
    assert [m["id"] for m in body["data"]] == ["deepseek-flash", "deepseek-v4-pro"]
    assert all(set(m) == {"id", "object", "owned_by"} for m in body["data"])
    assert [m.id for m in raw.models.list()] == ["deepseek-flash", "deepseek-v4-pro"]


def test_balance_shape(http: httpx2.Client) -> None:
    body = http.get("/user/balance").json()
    assert body["is_available"] is True
    (info,) = body["balance_infos"]
    assert set(info) == {"currency", "total_balance", "granted_balance", "topped_up_balance"}
    assert all(isinstance(info[k], str) for k in info)
    assert info["total_balance"] == "100.00"


def test_fim_plain_and_streamed(beta: openai.OpenAI) -> None:
    done = beta.completions.create(model="deepseek-flash", prompt="def add(a, b):\n    return", suffix="\n")
    assert done.object == "text_completion"
    assert done.choices[0].text == "Echo: return"
    assert done.choices[0].finish_reason == "stop"
    pieces = [
        c.choices[0].text
        for c in beta.completions.create(model="deepseek-flash", prompt="x = 1", stream=True)
        if c.choices
    ]
    assert "".join(pieces) == "Echo: x = 1"


def test_fim_echo_and_max_tokens(beta: openai.OpenAI) -> None:
    echoed = beta.completions.create(model="deepseek-flash", prompt="abc", echo=True)
    assert echoed.choices[0].text == "abcEcho: abc"
    cut = beta.completions.create(model="deepseek-flash", prompt="one two three", max_tokens=2)
    assert cut.choices[0].finish_reason == "length"
    assert cut.usage is not None
    assert cut.usage.completion_tokens == 2


def test_fim_outside_beta_is_404(raw: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        raw.completions.create(model="deepseek-flash", prompt="x")
    assert "only available when using beta api" in caught.value.message


def test_unknown_path_and_wrong_method(http: httpx2.Client) -> None:
    missing = http.get("/nothing/here")
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "Not Found"
    assert http.get("/chat/completions").status_code == 405


def test_every_response_has_a_trace_id(http: httpx2.Client, emu: DeepSeekEmulator) -> None:
    responses = [
        http.get("/models"),
        http.get("/nope"),
        http.get("/models", headers={"Authorization": "Bearer sk-wrong"}),
        http.post("/chat/completions", json={"model": "deepseek-flash", "messages": USER}),
        http.post("/chat/completions", json={"model": "deepseek-chat", "messages": USER}),
    ]
    ids = [r.headers["x-ds-trace-id"] for r in responses]
    assert all(ids)
    assert len(set(ids)) == len(ids)


def test_json_mode_stop_and_length(raw: openai.OpenAI) -> None:
    off = {"thinking": {"type": "disabled"}}
    as_json = raw.chat.completions.create(
        model="deepseek-flash", messages=USER, response_format={"type": "json_object"}, extra_body=off
    )
    assert as_json.choices[0].message.content == '{"reply":"Echo: hello world"}'
    stopped = raw.chat.completions.create(
        model="deepseek-flash", messages=USER, stop=["world"], extra_body=off
    )
    assert stopped.choices[0].message.content == "Echo: hello "
    assert stopped.choices[0].finish_reason == "stop"
    cut = raw.chat.completions.create(model="deepseek-flash", messages=USER, max_tokens=2, extra_body=off)
    assert cut.choices[0].finish_reason == "length"
    assert cut.usage is not None
    assert cut.usage.completion_tokens == 2


def test_prefix_completion_on_beta(beta: openai.OpenAI) -> None:
    reply = beta.chat.completions.create(
        model="deepseek-flash",
        messages=[*USER, {"role": "assistant", "content": "Echo: hel", "prefix": True}],  # type: ignore[list-item]
        extra_body={"thinking": {"type": "disabled"}},
    )
    assert reply.choices[0].message.content == "lo world"


def test_logprobs(raw: openai.OpenAI) -> None:
    reply = raw.chat.completions.create(
        model="deepseek-flash",
        messages=USER,
        logprobs=True,
        top_logprobs=3,
        extra_body={"thinking": {"type": "disabled"}},
    )
    logprobs = reply.choices[0].logprobs
    assert logprobs is not None
    assert logprobs.content
    assert "".join(t.token for t in logprobs.content) == "Echo: hello world"
    assert all(len(t.top_logprobs) == 3 for t in logprobs.content)


def test_vision_on_flash(raw: openai.OpenAI) -> None:
    image: ChatCompletionContentPartImageParam = {
        "type": "image_url",
        "image_url": {"url": data_url(png(3, 2))},
    }
    reply = raw.chat.completions.create(
        model="deepseek-flash",
        messages=[{"role": "user", "content": [{"type": "text", "text": "what is it"}, image]}],
    )
    # what the server read: the type from the bytes, the pixels and the size
    assert (
        reply.choices[0].message.content == f"Echo: what is it [image image/png 3x2, {len(png(3, 2))} bytes]"
    )
