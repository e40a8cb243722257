"""The emulator's /responses as DeepSeek serves it (deepseek-api.md section 12), through the plain
openai SDK and at the bytes level: no client-side rules, so the server's own behaviour answers.

Stateless: the stateful fields are accepted and ignored, the stateful paths are 404s. Typed SSE
events carry a ``sequence_number`` and end with a terminal event, never ``[DONE]``.
"""

from __future__ import annotations

import json
from typing import Any, Literal, cast

import httpx2
import openai
import pytest
from pydantic import BaseModel, Field

from deepseek_openai.testing import DeepSeekEmulator, Fault, ScriptedReply, ScriptedToolCall

TOOL: dict[str, Any] = {
    "type": "function",
    "name": "get_weather",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    "strict": True,
}


def _post(http: httpx2.Client, **body: Any) -> httpx2.Response:
    return http.post("/responses", json={"model": "deepseek-flash", "input": "hi", **body})


def _events(text: str) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.split("\n") if ": " in line)
        out.append((lines["event"], json.loads(lines["data"])))
    return out


# ------------------------------------------------------------------------------------- answers


def test_a_response_has_a_reasoning_item_then_the_message(raw: openai.OpenAI) -> None:
    response = raw.responses.create(model="deepseek-flash", input="hello world")
    assert response.object == "response"
    assert response.status == "completed"
    assert [item.type for item in response.output] == ["reasoning", "message"]
    reasoning = response.output[0]
    assert reasoning.type == "reasoning"
    assert reasoning.content is not None
    assert reasoning.content[0].type == "reasoning_text"
    assert reasoning.summary == []  # no summary is produced
    assert response.output_text == "Echo: hello world"
    assert response.usage is not None
    assert response.usage.output_tokens_details.reasoning_tokens > 0
    assert response.usage.total_tokens == response.usage.input_tokens + response.usage.output_tokens


def test_effort_none_turns_thinking_off(raw: openai.OpenAI) -> None:
    response = raw.responses.create(model="deepseek-flash", input="hi", reasoning={"effort": "none"})
    assert [item.type for item in response.output] == ["message"]
    assert response.usage is not None
    assert response.usage.output_tokens_details.reasoning_tokens == 0


def test_more_effort_means_more_reasoning(raw: openai.OpenAI) -> None:
    def tokens(effort: Literal["low", "high", "max"]) -> int:
        usage = raw.responses.create(model="deepseek-flash", input="hi", reasoning={"effort": effort}).usage
        assert usage is not None
        return usage.output_tokens_details.reasoning_tokens

    assert tokens("low") < tokens("high") < tokens("max")


def test_instructions_become_a_system_turn_and_developer_is_a_user(raw: openai.OpenAI) -> None:
    plain = raw.responses.create(model="deepseek-flash", input="hi")
    instructed = raw.responses.create(model="deepseek-flash", input="hi", instructions="Answer in French.")
    assert plain.usage is not None
    assert instructed.usage is not None
    assert instructed.usage.input_tokens > plain.usage.input_tokens  # the system turn is in the prompt
    assert instructed.instructions == "Answer in French."
    developer = raw.responses.create(
        model="deepseek-flash", input=[{"role": "developer", "content": "be brief"}]
    )
    assert developer.output_text == "Echo: be brief"  # treated as the user's turn


def test_function_calls_and_their_outputs_round_trip(raw: openai.OpenAI) -> None:
    first = raw.responses.create(model="deepseek-flash", input="weather in Paris", tools=[TOOL])  # type: ignore[list-item]
    call = first.output[-1]
    assert call.type == "function_call"
    assert call.name == "get_weather"
    assert json.loads(call.arguments) == {"city": "example"}  # valid for the schema
    assert call.call_id.startswith("call_00_")
    second = raw.responses.create(
        model="deepseek-flash",
        input=[
            {"role": "user", "content": "weather in Paris"},
            *[cast(Any, item.model_dump(exclude_none=True)) for item in first.output],
            {"type": "function_call_output", "call_id": call.call_id, "output": "sunny"},
        ],
        tools=[TOOL],  # type: ignore[list-item]
    )
    assert second.output_text == "Tool get_weather returned: sunny"


class Address(BaseModel):
    city: str
    zip_code: str = Field(pattern=r"^[0-9]{5}$")


class Forecast(BaseModel):
    kind: Literal["sunny", "rainy"]
    celsius: int = Field(ge=-40, le=50)
    chance: float = Field(gt=0, le=1)
    where: Address
    tags: list[str]
    note: str | None


def test_json_schema_answers_validate_against_the_schema(raw: openai.OpenAI) -> None:
    parsed = raw.responses.parse(model="deepseek-flash", input="forecast?", text_format=Forecast)
    assert isinstance(parsed.output_parsed, Forecast)
    # the same through a hand-written text.format
    schema = Forecast.model_json_schema()
    response = raw.responses.create(
        model="deepseek-flash",
        input="forecast?",
        text={"format": {"type": "json_schema", "name": "forecast", "schema": schema}},
    )
    Forecast.model_validate_json(response.output_text)


def test_usage_counts_cache_hits_on_a_repeated_prefix(raw: openai.OpenAI) -> None:
    text = "Background. " + "Every sentence here repeats to build a long shared prefix. " * 40
    first = raw.responses.create(model="deepseek-flash", input=text)
    second = raw.responses.create(model="deepseek-flash", input=text)
    assert first.usage is not None
    assert second.usage is not None
    assert first.usage.input_tokens_details.cached_tokens == 0
    cached = second.usage.input_tokens_details.cached_tokens
    assert cached > 0
    assert cached % 64 == 0  # DeepSeek's cache works in 64-token units
    assert cached <= second.usage.input_tokens


# ------------------------------------------------------------------------------------- streams


def test_a_stream_is_typed_events_with_sequence_numbers_and_no_done(http: httpx2.Client) -> None:
    reply = _post(http, stream=True, tools=[TOOL], input="weather in Paris")
    assert reply.headers["content-type"].startswith("text/event-stream")
    assert "[DONE]" not in reply.text
    events = _events(reply.text)
    kinds = [kind for kind, _ in events]
    assert [data["type"] for _, data in events] == kinds
    assert [data["sequence_number"] for _, data in events] == list(range(len(events)))
    assert kinds[:2] == ["response.created", "response.in_progress"]
    assert kinds[-1] == "response.completed"
    assert "response.reasoning_text.delta" in kinds
    assert "response.function_call_arguments.delta" in kinds
    final = events[-1][1]["response"]
    arguments = "".join(d["delta"] for k, d in events if k == "response.function_call_arguments.delta")
    assert final["output"][-1]["arguments"] == arguments


def test_the_sdk_accumulates_a_stream_into_the_same_response(raw: openai.OpenAI) -> None:
    with raw.responses.stream(model="deepseek-flash", input="hello world") as stream:
        deltas = [e.delta for e in stream if e.type == "response.output_text.delta"]
        final = stream.get_final_response()
    assert "".join(deltas) == final.output_text == "Echo: hello world"


@pytest.mark.parametrize(
    ("reason", "status", "detail"),
    [
        ("length", "incomplete", "max_output_tokens"),
        ("content_filter", "incomplete", "content_filter"),
        ("insufficient_system_resource", "failed", None),
    ],
)
def test_a_cut_reply_ends_incomplete_or_failed(
    reason: str, status: str, detail: str | None, http: httpx2.Client, emu: DeepSeekEmulator
) -> None:
    emu.queue_reply(ScriptedReply(content="partial answer", finish_reason=reason, times=2))
    events = _events(_post(http, stream=True).text)
    assert events[-1][0] == f"response.{status}"
    body = _post(http).json()
    assert body["status"] == status
    if detail is not None:
        assert body["incomplete_details"] == {"reason": detail}
    else:
        assert body["error"]["code"] == "server_error"


def test_max_output_tokens_cuts_the_reply_as_incomplete(raw: openai.OpenAI) -> None:
    response = raw.responses.create(model="deepseek-flash", input="hi", max_output_tokens=3)
    assert response.status == "incomplete"
    assert response.incomplete_details is not None
    assert response.incomplete_details.reason == "max_output_tokens"
    assert response.usage is not None
    assert response.usage.output_tokens == 3


# ------------------------------------------------------------------------------------- stateless


def test_the_stateful_fields_are_accepted_and_ignored(http: httpx2.Client) -> None:
    body = _post(
        http,
        store=True,
        background=True,
        previous_response_id="resp_nothing",
        conversation="conv_nothing",
        truncation="auto",
        include=["reasoning.encrypted_content"],
        reasoning={"summary": "detailed"},
        metadata={"k": "v"},
    ).json()
    assert body["status"] == "completed"
    assert body["store"] is False
    assert body["background"] is False
    assert body["previous_response_id"] is None
    reasoning = body["output"][0]
    assert reasoning["type"] == "reasoning"
    assert "encrypted_content" not in reasoning
    assert reasoning["summary"] == []


def test_built_in_tools_are_ignored_and_never_called(http: httpx2.Client) -> None:
    body = _post(
        http, input="search the web", tools=[{"type": "web_search"}, {"type": "code_interpreter"}]
    ).json()
    assert [item["type"] for item in body["output"]] == ["reasoning", "message"]
    assert body["tools"] == []


def test_the_custom_apply_patch_tool_is_accepted(http: httpx2.Client, emu: DeepSeekEmulator) -> None:
    emu.queue_reply(ScriptedReply(tool_calls=[ScriptedToolCall("apply_patch", "*** Begin Patch")]))
    body = _post(http, tools=[{"type": "custom", "name": "apply_patch"}]).json()
    call = body["output"][-1]
    assert call["type"] == "custom_tool_call"
    assert call["input"] == "*** Begin Patch"
    follow = _post(
        http,
        input=[
            {"role": "user", "content": "patch it"},
            {"type": "custom_tool_call", "call_id": call["call_id"], "name": "apply_patch", "input": "x"},
            {"type": "custom_tool_call_output", "call_id": call["call_id"], "output": "applied"},
        ],
        tools=[{"type": "custom", "name": "apply_patch"}],
    ).json()
    assert follow["output"][-1]["content"][0]["text"] == "Tool apply_patch returned: applied"


@pytest.mark.parametrize(
    "path",
    ["/responses/resp_1", "/responses/resp_1/cancel", "/responses/resp_1/input_items", "/responses/compact"],
)
def test_the_stateful_paths_are_stateless_404s(path: str, http: httpx2.Client) -> None:
    reply = http.get(path) if "cancel" not in path and "compact" not in path else http.post(path, json={})
    assert reply.status_code == 404
    assert "stateless" in reply.json()["error"]["message"]


def test_the_responses_api_is_not_under_beta(beta: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError, match="standard base URL"):
        beta.responses.create(model="deepseek-flash", input="hi")


# ------------------------------------------------------------------------------------- 400s


REJECTED: list[tuple[str, dict[str, Any], int, str]] = [
    ("retired model", {"model": "deepseek-chat"}, 400, "but you passed deepseek-chat"),
    ("custom tool", {"tools": [{"type": "custom", "name": "run_sql"}]}, 400, "custom tool `run_sql`"),
    (
        "max_output_tokens too big",
        {"max_output_tokens": 393_217},
        400,
        "the valid range of max_tokens is [1, 393216]",
    ),
    ("max_output_tokens zero", {"max_output_tokens": 0}, 400, "the valid range of max_tokens is [1, 393216]"),
    (
        "image on pro",
        {
            "model": "deepseek-v4-pro",
            "input": [{"role": "user", "content": [{"type": "input_image", "image_url": "https://x/a.png"}]}],
        },
        400,
        "does not support image input",
    ),
    ("no input", {"input": None}, 400, "missing field `input`"),
    (
        "item reference",
        {"input": [{"type": "item_reference", "id": "msg_1"}]},
        400,
        "unknown variant `item_reference`",
    ),
    (
        "unanswered function call",
        {
            "input": [
                {"role": "user", "content": "x"},
                {"type": "function_call", "call_id": "c1", "name": "f", "arguments": "{}"},
            ]
        },
        400,
        "must be followed by tool messages",
    ),
    ("unknown format", {"text": {"format": {"type": "xml"}}}, 400, "unknown variant `xml`"),
    ("bad effort", {"reasoning": {"effort": "turbo"}}, 422, "reasoning.effort"),
    ("bad temperature", {"temperature": 3}, 422, "temperature"),
    ("bad function name", {"tools": [{**TOOL, "name": "get weather"}]}, 422, "function name must match"),
]


@pytest.mark.parametrize(("name", "body", "status", "message"), REJECTED, ids=[c[0] for c in REJECTED])
def test_what_the_api_rejects_is_a_deepseek_style_error(
    name: str, body: dict[str, Any], status: int, message: str, http: httpx2.Client
) -> None:
    if body.get("input", "") is None:
        reply = http.post("/responses", json={"model": "deepseek-flash"})
    else:
        reply = _post(http, **body)
    assert reply.status_code == status, reply.text
    error = reply.json()["error"]
    assert message in error["message"]
    assert set(error) == {"message", "type", "param", "code"}


# ------------------------------------------------------------------------------------- scripts, faults


def test_scripted_replies_apply_to_responses(raw: openai.OpenAI, emu: DeepSeekEmulator) -> None:
    emu.queue_reply(
        ScriptedReply(
            content="scripted", reasoning_content="my plan", usage={"input_tokens": 7}, path="/responses"
        )
    )
    response = raw.responses.create(model="deepseek-flash", input="hi")
    assert response.output_text == "scripted"
    reasoning = response.output[0]
    assert reasoning.type == "reasoning"
    assert reasoning.content is not None
    assert reasoning.content[0].text == "my plan"
    assert response.usage is not None
    assert response.usage.input_tokens == 7


def test_faults_strike_responses_too(raw: openai.OpenAI, emu: DeepSeekEmulator) -> None:
    emu.inject(Fault(status=503, path="/responses"))
    with pytest.raises(openai.InternalServerError):
        raw.responses.create(model="deepseek-flash", input="hi")
    emu.inject(Fault(sse_error=True, after_chunks=3, path="/responses"))
    with pytest.raises(openai.APIError, match="Server Error"):
        list(raw.responses.create(model="deepseek-flash", input="hi", stream=True))
    assert emu.request_count("/responses") == 2
