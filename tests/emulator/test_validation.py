"""The server's own validation: DeepSeek's statuses and wordings, seen through the plain openai client."""

from __future__ import annotations

import json
from typing import Any

import httpx2
import openai
import pytest
from openai.types.chat import (
    ChatCompletionAssistantMessageParam,
    ChatCompletionFunctionToolParam,
    ChatCompletionMessageParam,
    ChatCompletionToolMessageParam,
)

from deepseek_openai.testing import DeepSeekEmulator

from .conftest import USER

TOOL: ChatCompletionFunctionToolParam = {
    "type": "function",
    "function": {"name": "get_weather", "parameters": {"type": "object"}},
}
OFF = {"type": "disabled"}
ASSISTANT_CALL: ChatCompletionAssistantMessageParam = {
    "role": "assistant",
    "content": "",
    "tool_calls": [
        {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}
    ],
}
TOOL_RESULT: ChatCompletionToolMessageParam = {"role": "tool", "tool_call_id": "call_1", "content": "sunny"}

CASES: list[tuple[str, dict[str, Any], int, str]] = [
    (
        "retired deepseek-chat",
        {"model": "deepseek-chat"},
        400,
        "The supported API model names are deepseek-flash or deepseek-v4-pro, but you passed deepseek-chat.",
    ),
    (
        "retired deepseek-reasoner",
        {"model": "deepseek-reasoner"},
        400,
        "The supported API model names are deepseek-flash or deepseek-v4-pro, "
        "but you passed deepseek-reasoner.",
    ),
    ("unknown model", {"model": "gpt-4o"}, 400, "but you passed gpt-4o."),
    (
        "reasoning_content missing with tools",
        {"messages": [*USER, ASSISTANT_CALL, TOOL_RESULT], "tools": [TOOL]},
        400,
        "The `reasoning_content` in the thinking mode must be passed back to the API.",
    ),
    (
        "tool_choice required while thinking",
        {"tools": [TOOL], "tool_choice": "required"},
        400,
        "Thinking mode does not support this tool_choice",
    ),
    (
        "named tool_choice while thinking",
        {"tools": [TOOL], "tool_choice": {"type": "function", "function": {"name": "get_weather"}}},
        400,
        "Thinking mode does not support this tool_choice",
    ),
    (
        "prefix outside beta",
        {"messages": [*USER, {"role": "assistant", "content": "Sure", "prefix": True}]},
        400,
        "prefix is only available when using beta api",
    ),
    (
        "json_schema",
        {"response_format": {"type": "json_schema", "json_schema": {"name": "x"}}},
        400,
        "This response_format type is unavailable now",
    ),
    (
        "stream_options without stream",
        {"stream_options": {"include_usage": True}},
        400,
        "stream_options should be set along with stream = true",
    ),
    (
        "17 stop entries",
        {"stop": [str(i) for i in range(17)]},
        422,
        "the maximum number of stop sequences is 16",
    ),
    ("top_logprobs over 20", {"logprobs": True, "top_logprobs": 21}, 422, "Invalid top_logprobs value"),
    ("temperature out of range", {"temperature": 2.5}, 422, "Invalid temperature value"),
    ("max_tokens out of range", {"max_tokens": 393_217}, 422, "Invalid max_tokens value"),
    ("unknown reasoning_effort", {"reasoning_effort": "huge"}, 422, "Invalid reasoning_effort value"),
    ("message without role", {"messages": [{"content": "x"}]}, 400, "missing field `role`"),
    ("unknown role", {"messages": [{"role": "robot", "content": "x"}]}, 400, "unknown variant `robot`"),
    ("empty messages", {"messages": []}, 400, "at least one message"),
    (
        "image on a model without vision",
        {
            "model": "deepseek-v4-pro",
            "messages": [
                {
                    "role": "user",
                    "content": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,AA"}}],
                }
            ],
        },
        400,
        "This model does not support image input",
    ),
    (
        "orphan tool message",
        {"messages": [*USER, TOOL_RESULT], "thinking": OFF},
        400,
        "must be a response to a preceding message",
    ),
]


@pytest.mark.parametrize(("name", "change", "status", "wording"), CASES, ids=[c[0] for c in CASES])
def test_chat_validation(
    raw: openai.OpenAI, name: str, change: dict[str, Any], status: int, wording: str
) -> None:
    body: dict[str, Any] = {"model": "deepseek-flash", "messages": USER, **change}
    with pytest.raises(openai.APIStatusError) as caught:
        raw.post("/chat/completions", body=body, cast_to=object)
    error = caught.value
    assert error.status_code == status
    assert wording in error.message
    assert isinstance(error.body, dict)
    assert set(error.body) >= {"message", "type", "code"}
    assert error.response.headers["x-ds-trace-id"]


def test_same_request_through_sdk_kwargs(raw: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError, match="but you passed deepseek-chat"):
        raw.chat.completions.create(model="deepseek-chat", messages=USER)


def test_reasoning_content_sent_back_is_accepted(raw: openai.OpenAI) -> None:
    # "reasoning_content" is DeepSeek's key, unknown to openai's message TypedDicts.
    history: list[ChatCompletionMessageParam] = [
        *USER,
        {**ASSISTANT_CALL, "reasoning_content": "think"},  # type: ignore[list-item]
        TOOL_RESULT,
    ]
    reply = raw.chat.completions.create(model="deepseek-flash", messages=history, tools=[TOOL])
    assert reply.choices[0].message.content == "Tool get_weather returned: sunny"


def test_strict_tools_outside_beta_are_accepted_and_not_enforced(raw: openai.OpenAI) -> None:
    """deepseek-api.md section 11: the standard URL accepts strict=True and ignores it (no schema check)."""
    loose = {"type": "object", "properties": {"city": {"type": "string", "maxLength": 5}}}
    tool: Any = {"type": "function", "function": {"name": "f", "strict": True, "parameters": loose}}
    reply = raw.chat.completions.create(model="deepseek-flash", messages=USER, tools=[tool])
    assert reply.choices[0].message is not None


def test_assistant_turn_with_null_content_and_no_tool_calls_is_accepted(raw: openai.OpenAI) -> None:
    """deepseek-api.md section 5: assistant content is "str or null", tool_calls optional."""
    history: Any = [*USER, {"role": "assistant", "content": None}, *USER]
    assert raw.chat.completions.create(model="deepseek-flash", messages=history).choices


def test_tool_choice_required_without_thinking_works(raw: openai.OpenAI) -> None:
    reply = raw.chat.completions.create(
        model="deepseek-flash",
        messages=USER,
        tools=[TOOL],
        tool_choice="required",
        extra_body={"thinking": OFF},
    )
    assert reply.choices[0].finish_reason == "tool_calls"


def test_fim_with_thinking_enabled_is_400(beta: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError, match="FIM completion does not support thinking mode"):
        beta.completions.create(
            model="deepseek-flash", prompt="x", extra_body={"thinking": {"type": "enabled"}}
        )


def test_fim_limits(beta: openai.OpenAI) -> None:
    with pytest.raises(openai.UnprocessableEntityError, match="max_tokens"):
        beta.completions.create(model="deepseek-flash", prompt="x", max_tokens=4097)
    with pytest.raises(openai.UnprocessableEntityError, match="echo"):
        beta.completions.create(model="deepseek-flash", prompt="x", suffix="y", echo=True)


def test_bad_key_is_401_with_last_four(emu: DeepSeekEmulator) -> None:
    with (
        openai.OpenAI(api_key="sk-not-the-right-keyABCD", base_url=emu.base_url, max_retries=0) as client,
        pytest.raises(openai.AuthenticationError) as caught,
    ):
        client.chat.completions.create(model="deepseek-flash", messages=USER)
    body = caught.value.response.json()
    assert body["error"]["message"] == "Authentication Fails, Your api key: ****ABCD is invalid"
    assert body["error"]["type"] == "authentication_error"
    assert "sk-not-the-right" not in caught.value.response.text


def test_missing_key_is_401(http: httpx2.Client) -> None:
    response = http.get("/models", headers={"Authorization": ""})
    assert response.status_code == 401


def test_malformed_json_body_is_400(http: httpx2.Client) -> None:
    response = http.post(
        "/chat/completions", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    # axum's wording for a syntax error (deepseek-api.md section 11 quotes one)
    assert response.json()["error"]["message"].startswith("Failed to parse the request body as JSON: ")


def test_context_too_long(raw: openai.OpenAI) -> None:
    words = "a " * 700_000
    with pytest.raises(openai.BadRequestError) as caught:
        raw.chat.completions.create(
            model="deepseek-flash", messages=[{"role": "user", "content": words}], max_tokens=393_216
        )
    message = caught.value.message
    assert "This model's maximum context length is 1048576 tokens. However, you requested" in message
    assert "in the completion). Please reduce the length of the messages or completion." in message


def test_body_over_limit_is_413(http: httpx2.Client, emu: DeepSeekEmulator) -> None:
    big = json.dumps(
        {"model": "deepseek-flash", "messages": [{"role": "user", "content": "x" * (48 * 1024 * 1024)}]}
    )
    response = http.post(
        "/chat/completions", content=big.encode(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert "48 MiB" in response.json()["error"]["message"]
    assert emu.requests[-1].json is None


def test_deepseek_client_reaches_server_validation_with_guards_off(emu: DeepSeekEmulator) -> None:
    from deepseek_openai import get_client

    with (
        get_client(api_key=emu.api_key, base_url=emu.base_url, guard_mode="off", max_retries=0) as client,
        pytest.raises(openai.BadRequestError, match="This response_format type is unavailable now"),
    ):
        client.chat.completions.create(
            model="deepseek-flash",
            messages=USER,
            response_format={"type": "json_schema", "json_schema": {"name": "x", "schema": {}}},
        )
