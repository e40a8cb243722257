"""The emulator's validator on every shape of body, without HTTP: what it accepts, what it answers.

The statuses and the quoted messages are section 5, 8 and 10 of ../shared/deepseek-api.md (400 for a
body that does not fit the request type, 422 for a value out of range); the serde-style wording of
the 400s is the emulator's documented choice (its module docstring: the field's path, then what it
found and what it expected). Fast: pure functions, no server.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from deepseek_openai.testing import sample_png
from deepseek_openai.testing._errors import ApiError
from deepseek_openai.testing._validation import ChatRequest, FimRequest, parse_chat, parse_fim

U = {"role": "user", "content": "hi"}
OFF = {"type": "disabled"}
CALL = {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
ASK = {"role": "assistant", "content": None, "tool_calls": [CALL], "reasoning_content": ""}
ANSWER = {"role": "tool", "tool_call_id": "call_1", "content": "42"}
DESER = "Failed to deserialize the JSON body into the target type: "


def fn(name: str = "f", **extra: Any) -> dict[str, Any]:
    return {"type": "function", "function": {"name": name, **extra}}


def msgs(*messages: Any) -> dict[str, Any]:
    return {"messages": list(messages)}


# (id, body fields over {model, messages: [U]}, beta, status, the message or a piece of it)
REJECTED: list[tuple[str, dict[str, Any], bool, int, str]] = [
    ("model missing", {"model": None}, False, 400, "Model Not Exist"),
    (
        "model a number",
        {"model": 5},
        False,
        400,
        DESER + "model: invalid type: integer `5`, expected a string",
    ),
    ("messages missing", {"messages": None}, False, 400, "messages: invalid type: null, expected a sequence"),
    (
        "messages a string",
        {"messages": "hi"},
        False,
        400,
        'messages: invalid type: string "hi", expected a sequence',
    ),
    (
        "a message a number",
        msgs(5),
        False,
        400,
        "messages[0]: invalid type: integer `5`, expected internally tagged enum "
        "ChatCompletionRequestMessage",
    ),
    (
        "a role a number",
        msgs({"role": 1, "content": "x"}),
        False,
        400,
        "messages[0].role: invalid type: integer `1`",
    ),
    ("a name a number", msgs({**U, "name": 7}), False, 400, "messages[0].name: invalid type: integer `7`"),
    (
        "unknown role",
        msgs(U, {"role": "developer", "content": "x"}),
        False,
        400,
        "messages[1]: unknown variant `developer`, expected one of `system`, `user`, `assistant`, `tool`",
    ),
    (
        "system without content",
        msgs({"role": "system"}, U),
        False,
        400,
        "messages[0]: missing field `content`",
    ),
    (
        "system with parts",
        msgs({"role": "system", "content": [{"type": "text", "text": "x"}]}, U),
        False,
        400,
        "messages[0]: invalid type: sequence, expected a string",
    ),
    ("system content null", msgs({"role": "system", "content": None}, U), False, 400, "invalid type: null"),
    ("user without content", msgs({"role": "user"}), False, 400, "messages[0]: missing field `content`"),
    ("user content a number", msgs({"role": "user", "content": 3}), False, 400, "untagged enum"),
    ("a part a string", msgs({"role": "user", "content": ["x"]}), False, 400, "untagged enum"),
    (
        "text part without text",
        msgs({"role": "user", "content": [{"type": "text"}]}),
        False,
        400,
        "untagged enum",
    ),
    (
        "image part without url",
        msgs({"role": "user", "content": [{"type": "image_url", "image_url": {}}]}),
        False,
        400,
        "untagged enum",
    ),
    (
        "file part without file_id",
        msgs({"role": "user", "content": [{"type": "file", "file": {}}]}),
        False,
        400,
        "untagged enum",
    ),
    (
        "file part not an object",
        msgs({"role": "user", "content": [{"type": "file", "file": "file-1"}]}),
        False,
        400,
        "untagged enum",
    ),
    (
        "audio part",
        msgs({"role": "user", "content": [{"type": "input_audio", "input_audio": {}}]}),
        False,
        400,
        "untagged enum",
    ),
    (
        "image in an assistant message",
        msgs(U, {"role": "assistant", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}),
        False,
        400,
        "messages[1]: invalid type: sequence",
    ),
    (
        "image in a tool message",
        msgs(U, ASK, {**ANSWER, "content": [{"type": "image_url", "image_url": {"url": "x"}}]}),
        False,
        400,
        "messages[2]: invalid type: sequence",
    ),
    (
        "assistant content a number",
        msgs(U, {"role": "assistant", "content": 1}),
        False,
        400,
        "messages[1]: invalid type",
    ),
    (
        "tool_calls not a list",
        msgs(U, {"role": "assistant", "tool_calls": {}}),
        False,
        400,
        "messages[1].tool_calls: invalid type: map, expected a sequence",
    ),
    (
        "a tool call not an object",
        msgs(U, {"role": "assistant", "tool_calls": [1]}),
        False,
        400,
        "messages[1].tool_calls[0]: invalid type: integer `1`, expected struct ToolCall",
    ),
    (
        "a tool call without id",
        msgs(U, {"role": "assistant", "tool_calls": [{"function": CALL["function"]}]}),
        False,
        400,
        "messages[1].tool_calls[0]: missing field `id`",
    ),
    (
        "a tool call without function",
        msgs(U, {"role": "assistant", "tool_calls": [{"id": "c"}]}),
        False,
        400,
        "messages[1].tool_calls[0]: missing field `function`",
    ),
    (
        "a tool call id a number",
        msgs(U, {"role": "assistant", "tool_calls": [{**CALL, "id": 9}]}),
        False,
        400,
        "messages[1].tool_calls[0].id: invalid type: integer `9`",
    ),
    (
        "a tool call of another type",
        msgs(U, {"role": "assistant", "tool_calls": [{**CALL, "type": "custom"}]}),
        False,
        400,
        "messages[1].tool_calls[0].type: unknown variant `custom`, expected `function`",
    ),
    (
        "a tool call function a string",
        msgs(U, {"role": "assistant", "tool_calls": [{**CALL, "function": "f"}]}),
        False,
        400,
        "messages[1].tool_calls[0].function: invalid type",
    ),
    (
        "a tool call without arguments",
        msgs(U, {"role": "assistant", "tool_calls": [{**CALL, "function": {"name": "f"}}]}),
        False,
        400,
        "messages[1].tool_calls[0].function: missing field `arguments`",
    ),
    (
        "a tool call name a number",
        msgs(U, {"role": "assistant", "tool_calls": [{**CALL, "function": {"name": 1, "arguments": ""}}]}),
        False,
        400,
        "messages[1].tool_calls[0].function.name: invalid type: integer `1`",
    ),
    (
        "reasoning_content a number",
        msgs(U, {"role": "assistant", "content": "x", "reasoning_content": 1}),
        False,
        400,
        "messages[1].reasoning_content: invalid type",
    ),
    (
        "prefix a string",
        msgs(U, {"role": "assistant", "content": "x", "prefix": "yes"}),
        True,
        400,
        'messages[1].prefix: invalid type: string "yes", expected a boolean',
    ),
    (
        "tool without call id",
        msgs(U, ASK, {"role": "tool", "content": "x"}),
        False,
        400,
        "missing field `tool_call_id`",
    ),
    (
        "tool call id a number",
        msgs(U, ASK, {"role": "tool", "tool_call_id": 1, "content": "x"}),
        False,
        400,
        "messages[2].tool_call_id: invalid type",
    ),
    (
        "tool without content",
        msgs(U, ASK, {"role": "tool", "tool_call_id": "call_1"}),
        False,
        400,
        "messages[2]: missing field `content`",
    ),
    # Tool turns (section 5): every call answered, by the turn right after it.
    (
        "a call never answered",
        {**msgs(U, ASK), "thinking": OFF},
        False,
        400,
        "must be followed by tool messages responding to each 'tool_call_id'",
    ),
    (
        "a call answered after a user turn",
        {**msgs(U, ASK, U, ANSWER), "thinking": OFF},
        False,
        400,
        "must be followed by tool messages",
    ),
    (
        "one of two calls answered",
        {
            **msgs(U, {**ASK, "tool_calls": [CALL, {**CALL, "id": "call_2"}]}, ANSWER, U),
            "thinking": OFF,
        },
        False,
        400,
        "must be followed by tool messages",
    ),
    (
        "an answer to another id",
        {**msgs(U, ASK, {**ANSWER, "tool_call_id": "call_9"}), "thinking": OFF},
        False,
        400,
        "Messages with role 'tool' must be a response to a preceding message with 'tool_calls'",
    ),
    (
        "an answer given twice",
        {**msgs(U, ASK, ANSWER, ANSWER), "thinking": OFF},
        False,
        400,
        "must be a response to a preceding message",
    ),
    ("a tool message first", {**msgs(ANSWER, U), "thinking": OFF}, False, 400, "must be a response"),
    # Fields of the request
    (
        "stream a string",
        {"stream": "yes"},
        False,
        400,
        DESER + 'stream: invalid type: string "yes", expected a boolean',
    ),
    (
        "stream a float",
        {"stream": 1.5},
        False,
        400,
        "stream: invalid type: floating point `1.5`, expected a boolean",
    ),
    ("stream a map", {"stream": {}}, False, 400, "stream: invalid type: map, expected a boolean"),
    ("stream an integer", {"stream": 1}, False, 400, "stream: invalid type: integer `1`, expected a boolean"),
    (
        "stream_options a list",
        {"stream": True, "stream_options": []},
        False,
        400,
        "stream_options: invalid type: sequence, expected struct StreamOptions",
    ),
    (
        "include_usage a string",
        {"stream": True, "stream_options": {"include_usage": "yes"}},
        False,
        400,
        "stream_options.include_usage: invalid type",
    ),
    (
        "thinking a string",
        {"thinking": "on"},
        False,
        400,
        'thinking: invalid type: string "on", expected struct Thinking',
    ),
    ("thinking a boolean", {"thinking": True}, False, 400, "thinking: invalid type: boolean `true`"),
    ("thinking false", {"thinking": False}, False, 400, "thinking: invalid type: boolean `false`"),
    ("thinking without type", {"thinking": {}}, False, 400, "thinking: missing field `type`"),
    (
        "thinking type a number",
        {"thinking": {"type": 1}},
        False,
        400,
        "thinking.type: invalid type: integer `1`",
    ),
    (
        "thinking type auto",
        {"thinking": {"type": "auto"}},
        False,
        400,
        "thinking.type: unknown variant `auto`, expected `enabled` or `disabled`",
    ),
    ("effort a number", {"reasoning_effort": 3}, False, 400, "reasoning_effort: invalid type: integer `3`"),
    ("unknown effort", {"reasoning_effort": "extreme"}, False, 422, "Invalid reasoning_effort value"),
    ("response_format a string", {"response_format": "json"}, False, 400, "response_format: invalid type"),
    (
        "response_format without type",
        {"response_format": {}},
        False,
        400,
        "response_format: missing field `type`",
    ),
    (
        "response_format xml",
        {"response_format": {"type": "xml"}},
        False,
        400,
        "response_format.type: unknown variant `xml`, expected `text` or `json_object`",
    ),
    (
        "json_schema",
        {"response_format": {"type": "json_schema"}},
        False,
        400,
        "This response_format type is unavailable now",
    ),
    (
        "prefix outside beta",
        msgs(U, {"role": "assistant", "content": "x", "prefix": True}),
        False,
        400,
        "prefix is only available when using beta api",
    ),
    (
        "prefix not on the last message",
        msgs(U, {"role": "assistant", "content": "x", "prefix": True}, U),
        True,
        400,
        "prefix is only allowed on the last message, an assistant message",
    ),
    (
        "max_tokens a string",
        {"max_tokens": "5"},
        False,
        400,
        'max_tokens: invalid type: string "5", expected u32',
    ),
    ("max_tokens a boolean", {"max_tokens": True}, False, 400, "max_tokens: invalid type: boolean `true`"),
    (
        "stop a number",
        {"stop": 5},
        False,
        400,
        "stop: data did not match any variant of untagged enum StopConfiguration",
    ),
    ("stop with a number", {"stop": ["a", 5]}, False, 400, "untagged enum StopConfiguration"),
    (
        "temperature a string",
        {"temperature": "1"},
        False,
        400,
        'temperature: invalid type: string "1", expected f32',
    ),
    ("temperature a boolean", {"temperature": True}, False, 400, "temperature: invalid type: boolean `true`"),
    (
        "temperature above 2",
        {"temperature": 2.5},
        False,
        422,
        "Invalid temperature value, the valid range of temperature is [0, 2]",
    ),
    ("temperature below 0", {"temperature": -1}, False, 422, "the valid range of temperature is [0, 2]"),
    ("top_p 0", {"top_p": 0}, False, 422, "Invalid top_p value, the valid range of top_p is (0, 1]"),
    ("top_p above 1", {"top_p": 1.5}, False, 422, "the valid range of top_p is (0, 1]"),
    ("frequency_penalty above 2", {"frequency_penalty": 2.5}, False, 422, "frequency_penalty is [-2, 2]"),
    ("presence_penalty below -2", {"presence_penalty": -2.5}, False, 422, "presence_penalty is [-2, 2]"),
    ("logprobs a string", {"logprobs": "yes"}, False, 400, "logprobs: invalid type"),
    (
        "top_logprobs a string",
        {"logprobs": True, "top_logprobs": "3"},
        False,
        400,
        "top_logprobs: invalid type",
    ),
    (
        "top_logprobs without logprobs",
        {"top_logprobs": 3},
        False,
        422,
        "Invalid top_logprobs value, logprobs must be true when top_logprobs is set",
    ),
    (
        "top_logprobs 21",
        {"logprobs": True, "top_logprobs": 21},
        False,
        422,
        "the valid range of top_logprobs is [0, 20]",
    ),
    (
        "top_logprobs -1",
        {"logprobs": True, "top_logprobs": -1},
        False,
        422,
        "the valid range of top_logprobs is [0, 20]",
    ),
    ("user_id a number", {"user_id": 5}, False, 400, "user_id: invalid type: integer `5`"),
    (
        "user_id an e-mail",
        {"user_id": "a@b.c"},
        False,
        422,
        "Invalid user_id value, it must match ^[a-zA-Z0-9_-]{1,512}$",
    ),
    # Tools
    ("tools a map", {"tools": {}}, False, 400, "tools: invalid type: map, expected a sequence"),
    (
        "a tool a string",
        {"tools": ["f"]},
        False,
        400,
        'tools[0]: invalid type: string "f", expected struct Tool',
    ),
    (
        "a tool without type",
        {"tools": [{"function": {"name": "f"}}]},
        False,
        400,
        "tools[0]: missing field `type`",
    ),
    (
        "a built-in tool",
        {"tools": [{"type": "web_search"}]},
        False,
        400,
        "tools[0].type: unknown variant `web_search`, expected `function`",
    ),
    (
        "a tool without function",
        {"tools": [{"type": "function"}]},
        False,
        400,
        "tools[0]: missing field `function`",
    ),
    (
        "a tool function a string",
        {"tools": [{"type": "function", "function": "f"}]},
        False,
        400,
        "tools[0].function: invalid type",
    ),
    (
        "a tool without name",
        {"tools": [{"type": "function", "function": {}}]},
        False,
        400,
        "tools[0].function: missing field `name`",
    ),
    (
        "a tool name a number",
        {"tools": [fn(1)]},  # type: ignore[arg-type]  # a number where the API wants a name
        False,
        400,
        "tools[0].function.name: invalid type: integer `1`",
    ),
    (
        "parameters a list",
        {"tools": [fn(parameters=[])]},
        False,
        400,
        "tools[0].function.parameters: invalid type",
    ),
    ("strict a string", {"tools": [fn(strict="yes")]}, True, 400, "tools[0].function.strict: invalid type"),
    (
        "a bad name, second tool",
        {"tools": [fn("ok"), fn("no way")]},
        False,
        422,
        "Invalid tools[1].function.name value, a function name must match ^[a-zA-Z0-9_-]{1,128}$",
    ),
    (
        "129 tools",
        {"tools": [fn(f"t{i}") for i in range(129)]},
        False,
        422,
        "Invalid tools value, at most 128 tools are supported",
    ),
    (
        "a repeated name",
        {"tools": [fn("f"), fn("f")]},
        False,
        422,
        "Invalid tools value, duplicate function name `f`",
    ),
    # tool_choice
    (
        "tool_choice any",
        {"tools": [fn()], "tool_choice": "any"},
        False,
        400,
        "tool_choice: unknown variant `any`, expected one of `none`, `auto`, `required`",
    ),
    (
        "tool_choice required, no tools",
        {"tool_choice": "required", "thinking": OFF},
        False,
        422,
        "tool_choice requires tools",
    ),
    (
        "tool_choice names a missing tool",
        {"tools": [fn()], "tool_choice": {"type": "function", "function": {"name": "g"}}, "thinking": OFF},
        False,
        422,
        "Invalid tool_choice value, function `g` is not in tools",
    ),
    (
        "tool_choice without a name",
        {"tools": [fn()], "tool_choice": {"type": "function", "function": {}}, "thinking": OFF},
        False,
        400,
        "tool_choice: data did not match any variant of untagged enum ChatCompletionToolChoice",
    ),
    (
        "tool_choice of another type",
        {"tools": [fn()], "tool_choice": {"type": "custom", "function": {"name": "f"}}, "thinking": OFF},
        False,
        400,
        "untagged enum ChatCompletionToolChoice",
    ),
    (
        "tool_choice a number",
        {"tools": [fn()], "tool_choice": 1, "thinking": OFF},
        False,
        400,
        "untagged enum",
    ),
    (
        "tool_choice required while thinking",
        {"tools": [fn()], "tool_choice": "required"},
        False,
        400,
        "Thinking mode does not support this tool_choice",
    ),
    (
        "tool_choice named while thinking at low effort",
        {
            "tools": [fn()],
            "tool_choice": {"type": "function", "function": {"name": "f"}},
            "reasoning_effort": "low",
        },
        False,
        400,
        "Thinking mode does not support this tool_choice",
    ),
    # reasoning_content with tools while thinking (section 6)
    (
        "reasoning missing with tools",
        {**msgs(U, {**ASK, "reasoning_content": None}, ANSWER), "tools": [fn()]},
        False,
        400,
        "The `reasoning_content` in the thinking mode must be passed back to the API.",
    ),
    (
        "reasoning missing on a turn without calls",
        {**msgs(U, {"role": "assistant", "content": "x"}, U), "tools": [fn()]},
        False,
        400,
        "must be passed back",
    ),
]


def _body(change: dict[str, Any]) -> dict[str, Any]:
    """The change over a plain body; ``model: None`` leaves the model out (``messages: None`` stays)."""
    body: dict[str, Any] = {"model": "deepseek-flash", "messages": [U], **change}
    if body["model"] is None:
        del body["model"]
    return body


@pytest.mark.parametrize(
    ("name", "change", "beta", "status", "wording"), REJECTED, ids=[c[0] for c in REJECTED]
)
def test_chat_body_rejected(name: str, change: dict[str, Any], beta: bool, status: int, wording: str) -> None:
    verdict = parse_chat(_body(change), beta=beta)
    assert isinstance(verdict, ApiError), f"accepted: {verdict}"
    assert verdict.status == status
    assert wording in verdict.message


@pytest.mark.parametrize(
    ("body", "kind"),
    [([], "sequence"), ("x", 'string "x"'), (None, "null"), (1, "integer `1`"), (True, "boolean `true`")],
)
def test_a_body_that_is_not_an_object(body: Any, kind: str) -> None:
    chat = parse_chat(body, beta=False)
    fim = parse_fim(body)
    assert isinstance(chat, ApiError)
    assert isinstance(fim, ApiError)
    assert chat.message == DESER + f"invalid type: {kind}, expected struct ChatCompletionRequest"
    assert fim.message == DESER + f"invalid type: {kind}, expected struct CompletionRequest"


def _accepted(change: dict[str, Any], *, beta: bool = False) -> ChatRequest:
    verdict = parse_chat(_body(change), beta=beta)
    assert isinstance(verdict, ChatRequest), verdict.message
    return verdict


def test_a_plain_request_reads_as_its_defaults() -> None:
    r = _accepted({})
    assert (r.model, r.thinking, r.effort, r.stream, r.include_usage) == (
        "deepseek-flash",
        True,
        "high",
        False,
        False,
    )
    assert (r.max_tokens, r.stop, r.json_mode, r.tools, r.tool_choice) == (None, (), False, [], "none")
    assert (r.tool_choice_name, r.logprobs, r.top_logprobs, r.user_id, r.prefix) == (
        None,
        False,
        0,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("change", "thinking", "effort"),
    [
        ({"thinking": OFF}, False, "none"),
        ({"thinking": {"type": "enabled"}}, True, "high"),
        ({"reasoning_effort": "none"}, False, "none"),
        ({"reasoning_effort": "minimal"}, True, "low"),
        ({"reasoning_effort": "medium"}, True, "high"),
        ({"reasoning_effort": "xhigh"}, True, "high"),
        ({"reasoning_effort": "ultra"}, True, "max"),
        ({"reasoning_effort": "max"}, True, "max"),
        ({"thinking": OFF, "reasoning_effort": "max"}, False, "none"),
        ({"thinking": {"type": "enabled"}, "reasoning_effort": "low"}, True, "low"),
    ],
)
def test_thinking_and_effort(change: dict[str, Any], thinking: bool, effort: str) -> None:
    r = _accepted(change)
    assert (r.thinking, r.effort) == (thinking, effort)


def test_every_field_read_back() -> None:
    r = _accepted(
        {
            "model": "deepseek-v4-flash",
            "stream": True,
            "stream_options": {"include_usage": True},
            "max_tokens": 7,
            "stop": ["a", "", "b"],
            "response_format": {"type": "json_object"},
            "logprobs": True,
            "top_logprobs": 4,
            "user_id": "u-1",
            "frequency_penalty": -2,
            "presence_penalty": 2,
        }
    )
    assert r.model == "deepseek-flash"  # the alias is served by the canonical model
    assert (r.stream, r.include_usage, r.max_tokens, r.stop) == (True, True, 7, ("a", "b"))
    assert (r.json_mode, r.logprobs, r.top_logprobs, r.user_id) == (True, True, 4, "u-1")
    assert _accepted({"stop": "END"}).stop == ("END",)
    assert _accepted({"stream": True, "stream_options": {}}).include_usage is False
    assert _accepted({"response_format": {"type": "text"}}).json_mode is False
    assert _accepted({"stream": False}).stream is False


def test_tools_and_tool_choice_read_back() -> None:
    tools = [fn("a", parameters={"type": "object"}), fn("b")]
    r = _accepted({"tools": tools})
    assert [t["name"] for t in r.tools] == ["a", "b"]
    assert r.tool_choice == "auto"  # the default when tools are offered
    assert _accepted({"tools": tools, "tool_choice": "none"}).tool_choice == "none"
    named = _accepted(
        {"tools": tools, "thinking": OFF, "tool_choice": {"type": "function", "function": {"name": "b"}}}
    )
    assert (named.tool_choice, named.tool_choice_name) == ("named", "b")
    assert _accepted({"tools": tools, "thinking": OFF, "tool_choice": "required"}).tool_choice == "required"
    assert _accepted({"tools": [fn("a" * 128)]}).tools[0]["name"] == "a" * 128


PNG_DATA = "data:image/png;base64," + base64.b64encode(sample_png(8, 8)).decode()


def test_accepted_messages() -> None:
    # Content null with calls, every call answered, in any order; a name; an image URL given as a
    # plain string and a file part on Flash.
    two = {**ASK, "tool_calls": [CALL, {**CALL, "id": "call_2"}]}
    r = _accepted(
        {
            **msgs(
                {"role": "system", "content": "be brief", "name": "ops"},
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "?"},
                        {"type": "image_url", "image_url": "https://x/a.png"},
                    ],
                },
                {"role": "user", "content": [{"type": "file", "file": {"file_data": PNG_DATA}}]},
                two,
                {**ANSWER, "tool_call_id": "call_2"},
                ANSWER,
                {"role": "assistant", "content": "done", "reasoning_content": "r"},
                U,
            ),
            "tools": [fn()],
        }
    )
    assert len(r.messages) == 8
    # Without thinking, missing reasoning is fine even with tools (section 6 applies while thinking).
    _accepted({**msgs(U, {**ASK, "reasoning_content": None}, ANSWER), "tools": [fn()], "thinking": OFF})
    # Without tools, missing reasoning is ignored.
    _accepted(msgs(U, {"role": "assistant", "content": "x"}, U))


def test_a_prefix_message_on_beta() -> None:
    prefix = {"role": "assistant", "content": "```python\n", "prefix": True}
    r = _accepted(msgs(U, prefix), beta=True)
    assert r.prefix == prefix
    assert _accepted(msgs(U, {**prefix, "prefix": False})).prefix is None
    # The prefix needs no reasoning_content even with tools while thinking, and a call answered just
    # before it is a finished turn.
    r = _accepted({**msgs(U, ASK, ANSWER, prefix), "tools": [fn()]}, beta=True)
    assert r.prefix == prefix


STRICT_OK = {
    "type": "object",
    "properties": {
        "city": {"type": "string", "pattern": "^[A-Z]"},
        "days": {"type": "integer", "minimum": 1, "maximum": 7},
        "tags": {"type": "array", "items": {"type": "string"}},
        "unit": {"anyOf": [{"type": "string", "enum": ["C", "F"]}, {"$ref": "#/$defs/Unit"}]},
    },
    "required": ["city", "days", "tags", "unit"],
    "additionalProperties": False,
    "$defs": {"Unit": {"type": "object", "properties": {}, "additionalProperties": False}},
}


def _strict(schema: dict[str, Any]) -> dict[str, Any]:
    return {"tools": [fn("f", strict=True, parameters=schema)]}


def test_a_strict_schema_inside_the_subset_is_accepted_on_beta() -> None:
    _accepted(_strict(STRICT_OK), beta=True)
    _accepted({"tools": [fn("f", strict=True)]}, beta=True)  # no parameters at all
    _accepted({"tools": [fn("f", strict=False, parameters={"type": "object"})]})


def _props(**properties: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


@pytest.mark.parametrize(
    ("schema", "problem"),
    [
        ({"type": "object", "properties": {}}, "parameters: `additionalProperties` must be false"),
        (
            {"properties": {}, "additionalProperties": True},
            "parameters: `additionalProperties` must be false",
        ),
        (
            {
                "type": "object",
                "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
                "required": ["a"],
                "additionalProperties": False,
            },
            "parameters: every property must be listed in `required` (missing b)",
        ),
        (
            _props(name={"type": "string", "minLength": 1}),
            "parameters.name: `minLength` is not supported in strict mode",
        ),
        (_props(name={"type": "string", "maxLength": 9}), "parameters.name: `maxLength` is not supported"),
        (_props(tags={"type": "array", "minItems": 1}), "parameters.tags: `minItems` is not supported"),
        (_props(tags={"type": "array", "maxItems": 3}), "parameters.tags: `maxItems` is not supported"),
        (
            _props(tags={"type": "array", "items": {"type": "string", "maxLength": 3}}),
            "parameters.tags[]: `maxLength`",
        ),
        (
            _props(x={"anyOf": [{"type": "string"}, {"type": "string", "minLength": 2}]}),
            "parameters.x.anyOf[1]: `minLength`",
        ),
        (
            {**_props(), "$defs": {"A": {"type": "object", "properties": {}}}},
            "parameters.$defs.A: `additionalProperties` must be false",
        ),
        (
            {**_props(), "definitions": {"B": {"type": "string", "maxLength": 1}}},
            "parameters.definitions.B: `maxLength`",
        ),
        (
            _props(inner={"type": "object", "properties": {"z": {}}, "additionalProperties": False}),
            "parameters.inner: every property",
        ),
    ],
)
def test_a_strict_schema_outside_the_subset_is_400_on_beta(schema: dict[str, Any], problem: str) -> None:
    verdict = parse_chat(_body(_strict(schema)), beta=True)
    assert isinstance(verdict, ApiError)
    assert verdict.status == 400
    assert (
        verdict.message == f"Invalid schema for function `f` in strict mode: {problem}"
        or problem in verdict.message
    )


# ------------------------------------------------------------------------------------------------
# FIM


FIM_REJECTED: list[tuple[str, dict[str, Any], int, str]] = [
    ("model missing", {"model": None}, 400, "Model Not Exist"),
    ("retired model", {"model": "deepseek-chat"}, 400, "but you passed deepseek-chat."),
    ("prompt missing", {"prompt": None}, 400, DESER + "missing field `prompt`"),
    ("prompt a number", {"prompt": 5}, 400, "prompt: invalid type: integer `5`, expected a string"),
    ("suffix a number", {"suffix": 5}, 400, "suffix: invalid type: integer `5`"),
    ("echo a string", {"echo": "yes"}, 400, "echo: invalid type"),
    ("logprobs a string", {"logprobs": "2"}, 400, 'logprobs: invalid type: string "2", expected u32'),
    ("logprobs 21", {"logprobs": 21}, 422, "Invalid logprobs value, the valid range of logprobs is [0, 20]"),
    ("logprobs -1", {"logprobs": -1}, 422, "the valid range of logprobs is [0, 20]"),
    (
        "max_tokens 4097",
        {"max_tokens": 4097},
        422,
        "Invalid max_tokens value, the valid range of max_tokens is [1, 4096]",
    ),
    ("max_tokens 0", {"max_tokens": 0}, 422, "the valid range of max_tokens is [1, 4096]"),
    (
        "echo with suffix",
        {"echo": True, "suffix": "x"},
        422,
        "Invalid echo value, echo is not supported together with suffix",
    ),
    (
        "echo with logprobs",
        {"echo": True, "logprobs": 0},
        422,
        "echo is not supported together with logprobs",
    ),
    (
        "thinking enabled",
        {"thinking": {"type": "enabled"}},
        400,
        "FIM completion does not support thinking mode",
    ),
    ("an effort", {"reasoning_effort": "low"}, 400, "FIM completion does not support thinking mode"),
    ("stop 17", {"stop": ["s"] * 17}, 422, "the maximum number of stop sequences is 16"),
    ("temperature 3", {"temperature": 3}, 422, "Invalid temperature value"),
    (
        "stream_options without stream",
        {"stream_options": {"include_usage": True}},
        400,
        "stream_options should be set along with stream = true",
    ),
    ("user_id empty", {"user_id": ""}, 422, "Invalid user_id value"),
]


def _fim_body(change: dict[str, Any]) -> dict[str, Any]:
    body = {"model": "deepseek-flash", "prompt": "def f(", **change}
    return {k: v for k, v in body.items() if v is not None}


@pytest.mark.parametrize(
    ("name", "change", "status", "wording"), FIM_REJECTED, ids=[c[0] for c in FIM_REJECTED]
)
def test_fim_body_rejected(name: str, change: dict[str, Any], status: int, wording: str) -> None:
    verdict = parse_fim(_fim_body(change))
    assert isinstance(verdict, ApiError), f"accepted: {verdict}"
    assert verdict.status == status
    assert wording in verdict.message


def test_fim_fields_read_back() -> None:
    r = parse_fim(
        _fim_body(
            {
                "model": "deepseek-v4-flash",
                "suffix": "}",
                "max_tokens": 4096,
                "logprobs": 20,
                "stop": ["\n\n", ""],
                "stream": True,
                "stream_options": {"include_usage": True},
                "user_id": "u_1",
                "thinking": OFF,
                "reasoning_effort": "none",
            }
        )
    )
    assert isinstance(r, FimRequest), r
    assert (r.model, r.prompt, r.suffix, r.max_tokens, r.echo) == (
        "deepseek-flash",
        "def f(",
        "}",
        4096,
        False,
    )
    assert (r.logprobs, r.stop, r.stream, r.include_usage, r.user_id) == (20, ("\n\n",), True, True, "u_1")
    plain = parse_fim(_fim_body({"echo": True, "suffix": ""}))
    assert isinstance(plain, FimRequest), plain
    assert (plain.echo, plain.logprobs, plain.max_tokens, plain.user_id) == (True, None, None, None)


# ------------------------------------------------------------------------------------------------
# Exact wordings: the whole message, so a changed expectation or path shows


def _exact(verdict: Any, status: int, message: str) -> None:
    assert isinstance(verdict, ApiError), f"accepted: {verdict}"
    assert (verdict.status, verdict.message) == (status, message)
    assert verdict.body()["error"]["type"] == "invalid_request_error"
    assert verdict.body()["error"]["param"] is None


def _calling(call: Any) -> dict[str, Any]:
    return {**msgs(U, {"role": "assistant", "content": None, "tool_calls": [call]}), "thinking": OFF}


@pytest.mark.parametrize(
    ("call", "detail"),
    [
        ({**CALL, "id": 5}, "messages[1].tool_calls[0].id: invalid type: integer `5`, expected a string"),
        (
            {**CALL, "function": "f"},
            'messages[1].tool_calls[0].function: invalid type: string "f", expected struct FunctionCall',
        ),
        (
            {**CALL, "function": [1]},
            "messages[1].tool_calls[0].function: invalid type: sequence, expected struct FunctionCall",
        ),
        (
            {**CALL, "function": {"name": 5, "arguments": "{}"}},
            "messages[1].tool_calls[0].function.name: invalid type: integer `5`, expected a string",
        ),
        (
            {**CALL, "function": {"name": "f", "arguments": {}}},
            "messages[1].tool_calls[0].function.arguments: invalid type: map, expected a string",
        ),
        (
            {**CALL, "type": "code"},
            "messages[1].tool_calls[0].type: unknown variant `code`, expected `function`",
        ),
    ],
)
def test_a_malformed_tool_call_names_its_path(call: dict[str, Any], detail: str) -> None:
    _exact(parse_chat(_body(_calling(call)), beta=False), 400, DESER + detail)


def test_a_tool_call_without_type_is_a_function_call() -> None:
    untyped = {k: v for k, v in CALL.items() if k != "type"}
    body = {**msgs(U, {"role": "assistant", "content": None, "tool_calls": [untyped]}, ANSWER)}
    r = _accepted({**body, "thinking": OFF})
    assert r.messages[1]["tool_calls"] == [untyped]


@pytest.mark.parametrize(
    ("schema", "problem"),
    [
        ({"type": "object"}, "parameters: `additionalProperties` must be false"),
        ({"type": "object", "required": []}, "parameters: `additionalProperties` must be false"),
        (
            _props(inner={"type": "object", "additionalProperties": True}),
            "parameters.inner: `additionalProperties` must be false",
        ),
        (
            {
                "type": "object",
                "properties": {"a": {}, "b": {}, "c": {}},
                "required": ["b"],
                "additionalProperties": False,
            },
            "parameters: every property must be listed in `required` (missing a, c)",
        ),
    ],
)
def test_strict_object_rules_exactly(schema: dict[str, Any], problem: str) -> None:
    verdict = parse_chat(_body(_strict(schema)), beta=True)
    _exact(verdict, 400, f"Invalid schema for function `f` in strict mode: {problem}")


def test_strict_objects_without_properties_are_accepted_when_closed() -> None:
    _accepted(_strict({"type": "object", "additionalProperties": False}), beta=True)
    _accepted(_strict({"type": "string"}), beta=True)  # not an object: no object rules
    _accepted(_strict(_props(inner={"type": "object", "additionalProperties": False})), beta=True)


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"suffix": 5}, 400, DESER + "suffix: invalid type: integer `5`, expected a string"),
        ({"suffix": ["}"]}, 400, DESER + "suffix: invalid type: sequence, expected a string"),
        ({"logprobs": 21}, 422, "Invalid logprobs value, the valid range of logprobs is [0, 20]"),
        ({"logprobs": -1}, 422, "Invalid logprobs value, the valid range of logprobs is [0, 20]"),
        (
            {"echo": True, "suffix": "x"},
            422,
            "Invalid echo value, echo is not supported together with suffix",
        ),
        (
            {"echo": True, "logprobs": 0},
            422,
            "Invalid echo value, echo is not supported together with logprobs",
        ),
    ],
)
def test_fim_wordings_exactly(change: dict[str, Any], status: int, message: str) -> None:
    _exact(parse_fim(_fim_body(change)), status, message)


def test_fim_limits_just_inside() -> None:
    for change in (
        {"logprobs": 0},
        {"logprobs": 20},
        {"echo": True, "suffix": ""},
        {"echo": False, "logprobs": 3},
    ):
        assert isinstance(parse_fim(_fim_body(change)), FimRequest), change


@pytest.mark.parametrize(
    ("change", "beta", "status", "message"),
    [
        (
            {"logprobs": True, "top_logprobs": "2"},
            False,
            400,
            DESER + 'top_logprobs: invalid type: string "2", expected u32',
        ),
        (
            {"logprobs": True, "top_logprobs": 2.5},
            False,
            400,
            DESER + "top_logprobs: invalid type: floating point `2.5`, expected u32",
        ),
        (
            {"logprobs": True, "top_logprobs": 21},
            False,
            422,
            "Invalid top_logprobs value, the valid range of top_logprobs is [0, 20]",
        ),
        (
            {"top_logprobs": 3},
            False,
            422,
            "Invalid top_logprobs value, logprobs must be true when top_logprobs is set",
        ),
        (
            {"response_format": "json"},
            False,
            400,
            DESER
            + 'response_format: invalid type: string "json", expected internally tagged enum ResponseFormat',
        ),
        (
            {"response_format": ["json_object"]},
            False,
            400,
            DESER + "response_format: invalid type: sequence, expected internally tagged enum ResponseFormat",
        ),
        ({"response_format": {}}, False, 400, DESER + "response_format: missing field `type`"),
        (
            msgs(U, {"role": "assistant", "content": "x", "prefix": True}, U),
            True,
            400,
            "prefix is only allowed on the last message, an assistant message",
        ),
        (
            {"stream": True, "stream_options": {"include_usage": "yes"}},
            False,
            400,
            DESER + 'stream_options.include_usage: invalid type: string "yes", expected a boolean',
        ),
        (
            {"stream": True, "stream_options": {"include_usage": 1}},
            False,
            400,
            DESER + "stream_options.include_usage: invalid type: integer `1`, expected a boolean",
        ),
    ],
)
def test_chat_wordings_exactly(change: dict[str, Any], beta: bool, status: int, message: str) -> None:
    _exact(parse_chat(_body(change), beta=beta), status, message)


def test_tool_calls_before_a_prefix_must_be_answered() -> None:
    # Section 5/6: every tool call is answered by tool messages before the next turn; the prefix
    # (section 5: the last message, on beta) does not excuse an unanswered call before it.
    prefix = {"role": "assistant", "content": "The answer", "prefix": True}
    body = _body({**msgs(U, ASK, U, prefix), "tools": [fn()]})
    verdict = parse_chat(body, beta=True)
    assert isinstance(verdict, ApiError), f"accepted: {verdict}"
    assert (verdict.status, verdict.message) == (
        400,
        "An assistant message with 'tool_calls' must be followed by tool messages responding to each "
        "'tool_call_id'. (insufficient tool messages following tool_calls message)",
    )


def test_a_prefix_message_may_carry_tool_calls() -> None:
    # Section 5: an assistant message may have tool_calls and (beta, last message) prefix; being the
    # message the model continues, its calls have no answers yet.
    prefix = {"role": "assistant", "content": "", "tool_calls": [CALL], "prefix": True}
    r = _accepted({**msgs(U, prefix), "tools": [fn()], "thinking": OFF}, beta=True)
    assert r.prefix == prefix
