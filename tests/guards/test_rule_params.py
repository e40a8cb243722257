"""Each refusing row of the chat rule table names the parameter at fault (the ``param`` of the error and
of its 400-shaped body), what was wrong (the value and where), and the limit it breaks; in the default
guard mode 'warn' the rows DeepSeek would ignore are dropped from the body instead, with one warning.

Limits and rules from deepseek-api.md section 5 (roles, tool_call_id, stop <= 16, top_logprobs 0..20 and
only with logprobs, temperature 0..2, top_p (0, 1], max_tokens 1..393,216, tools <= 128 with unique
names of [a-zA-Z0-9_-] up to 128 characters, user_id <= 512, stream_options only with stream,
response_format text/json_object, n > 1 gives one choice), section 6 (reasoning_content with tools),
section 8 (prefix: last message, beta URL; strict subset) and section 13 (images in user messages only,
no vision on deepseek-v4-pro).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from deepseek_openai import DeepSeekCompatibilityWarning, DeepSeekRequestError, UnsupportedFeatureError
from deepseek_openai._pipeline import prepare_request
from deepseek_openai._rules import Policy
from deepseek_openai._settings import GuardMode

USER: list[Any] = [{"role": "user", "content": "hi"}]
TOOL = {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}
CALL = {
    "role": "assistant",
    "content": None,
    "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}],
}
IMAGE = {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}
MAX_LENGTH = {
    "type": "object",
    "properties": {"a": {"type": "string", "maxLength": 3}},
    "required": ["a"],
    "additionalProperties": False,
}


@dataclass(frozen=True)
class Refusal:
    """A body a row refuses: the error's class, rule, param and what; a fact its why or fix names."""

    id: str
    body: dict[str, Any]
    cls: type[Exception]
    rule: str
    param: str
    what: str
    names: str = ""
    """A fragment the why or the fix must contain (the limit, the fact)."""
    warn_drops: tuple[str, ...] | None = None
    """In warn mode: the keys dropped from the body instead of a refusal (``None``: refused there too)."""
    policy: dict[str, Any] = field(default_factory=dict)
    kind: str = "chat"


REFUSALS: tuple[Refusal, ...] = (
    Refusal(
        "max_completion_tokens.conflict",
        {"max_completion_tokens": 10, "max_tokens": 20},
        DeepSeekRequestError,
        "max_completion_tokens.conflict",
        "max_completion_tokens",
        "both max_completion_tokens=10 and max_tokens=20 were given",
        "max_tokens",
        warn_drops=("max_completion_tokens",),
    ),
    Refusal(
        "user.untranslatable",
        {"user": "bad id!"},
        DeepSeekRequestError,
        "user_id.untranslatable",
        "user",
        "user='bad id!' cannot be used as DeepSeek's user_id",
        "at most 512 characters",
        warn_drops=("user",),
    ),
    Refusal(
        "thinking.invalid",
        {"thinking": {"type": "maybe"}},
        DeepSeekRequestError,
        "thinking.invalid",
        "thinking",
        "thinking={'type': 'maybe'} is not a DeepSeek thinking setting",
        '{"type": "enabled"} or {"type": "disabled"}',
    ),
    Refusal(
        "thinking.invalid.string",
        {"thinking": "on"},
        DeepSeekRequestError,
        "thinking.invalid",
        "thinking",
        "thinking='on' is not a DeepSeek thinking setting",
    ),
    Refusal(
        "reasoning_effort.invalid",
        {"reasoning_effort": "huge"},
        DeepSeekRequestError,
        "reasoning_effort.invalid",
        "reasoning_effort",
        "reasoning_effort='huge' is not a DeepSeek effort",
        "none, low, high (default) and max",
    ),
    Refusal(
        "tool_choice.thinking",
        {"tools": [TOOL], "tool_choice": "required"},
        DeepSeekRequestError,
        "tool_choice.thinking",
        "tool_choice",
        "tool_choice='required' while thinking",
        "Thinking mode does not support this tool_choice",
        warn_drops=(),  # warn turns thinking off instead (tests/guards/test_rule_findings.py)
    ),
    Refusal(
        "history.reasoning_content",
        {"tools": [TOOL], "messages": [*USER, {"role": "assistant", "content": "a"}, *USER]},
        DeepSeekRequestError,
        "history.reasoning_content",
        "messages",
        "assistant messages at index 1 have no reasoning_content",
        policy={"history": "error"},
    ),
    Refusal(
        "messages.empty",
        {"messages": []},
        DeepSeekRequestError,
        "messages.empty",
        "messages",
        "messages is empty or not a list",
        "at least one message",
    ),
    Refusal(
        "messages.role",
        {"messages": [{"role": "developer", "content": "x"}]},
        DeepSeekRequestError,
        "messages.role",
        "messages",
        "messages[0] has role 'developer'",
        "system, user, assistant and tool",
    ),
    Refusal(
        "messages.content_missing",
        {"messages": [*USER, {"role": "user"}]},
        DeepSeekRequestError,
        "messages.content_missing",
        "messages",
        "messages[1] ('user') has no content",
    ),
    Refusal(
        "messages.tool_call_id",
        {"messages": [*USER, CALL, {"role": "tool", "content": "x"}]},
        DeepSeekRequestError,
        "messages.tool_call_id",
        "messages",
        "messages[2] is a tool result without tool_call_id",
    ),
    Refusal(
        "messages.prefix_position",
        {"messages": [{"role": "assistant", "content": "x", "prefix": True}, *USER]},
        DeepSeekRequestError,
        "messages.prefix_position",
        "messages",
        "messages[0] has prefix=True",
        "the last message",
    ),
    Refusal(
        "beta_only.prefix",
        {"messages": [*USER, {"role": "assistant", "content": "x", "prefix": True}]},
        DeepSeekRequestError,
        "beta_only.prefix",
        "messages",
        "messages[1] has prefix=True, but this client uses the standard base URL",
        "https://api.deepseek.com/beta",
    ),
    Refusal(
        "messages.part_role",
        {"messages": [*USER, {"role": "assistant", "content": [IMAGE]}]},
        DeepSeekRequestError,
        "messages.part_role",
        "messages",
        "messages[1] ('assistant') has a 'image_url' content part",
        "only in user messages",
    ),
    Refusal(
        "messages.part_shape",
        {"messages": [{"role": "user", "content": ["hi"]}]},
        DeepSeekRequestError,
        "messages.part_shape",
        "messages",
        "messages[0] ('user') has a str in its content list",
    ),
    Refusal(
        "messages.part_type",
        {"messages": [{"role": "user", "content": [{"type": "input_audio", "input_audio": {}}]}]},
        UnsupportedFeatureError,
        "messages.part_type",
        "messages",
        "messages[0] ('user') has a 'input_audio' content part",
        "text, image_url and file",
    ),
    Refusal(
        "messages.vision",
        {"model": "deepseek-v4-pro", "messages": [{"role": "user", "content": [IMAGE]}]},
        UnsupportedFeatureError,
        "messages.vision",
        "messages",
        "messages[0] has an image part for model 'deepseek-v4-pro'",
        "model='deepseek-flash'",
    ),
    Refusal(
        "messages.type",
        {"messages": [*USER, "hi"]},
        DeepSeekRequestError,
        "messages.type",
        "messages",
        "messages[1] is a str",
    ),
    Refusal(
        "messages.tool_order",
        {"messages": [*USER, {"role": "tool", "tool_call_id": "c1", "content": "x"}]},
        DeepSeekRequestError,
        "messages.tool_order",
        "messages",
        "messages[1] answers tool call 'c1', which the assistant turn before it did not make",
    ),
    Refusal(
        "n", {"n": 2}, UnsupportedFeatureError, "n", "n", "n=2 asks for several choices", "exactly one choice"
    ),
    Refusal(
        "response_format.type",
        {"response_format": {"type": "yaml"}},
        DeepSeekRequestError,
        "response_format.type",
        "response_format",
        "response_format={'type': 'yaml'}",
        "{'type': 'json_object'}",
    ),
    Refusal(
        "tools.type",
        {"tools": "f"},
        DeepSeekRequestError,
        "tools.type",
        "tools",
        "tools is a str, not a list",
    ),
    Refusal(
        "tools.count",
        {"tools": [{"type": "function", "function": {"name": f"f{i}"}} for i in range(129)]},
        DeepSeekRequestError,
        "tools.count",
        "tools",
        "129 tools were sent",
        "at most 128 tools",
    ),
    Refusal(
        "tools.builtin",
        {"tools": [{"type": "web_search"}]},
        UnsupportedFeatureError,
        "tools.builtin",
        "tools",
        "tools[0] has type 'web_search'",
        "type 'function'",
    ),
    Refusal(
        "tools.name",
        {"tools": [TOOL, {"type": "function", "function": {"name": "bad name"}}]},
        DeepSeekRequestError,
        "tools.name",
        "tools",
        "tools[1] has the function name 'bad name'",
        "at most 128 characters",
    ),
    Refusal(
        "tools.unique",
        {"tools": [TOOL, TOOL]},
        DeepSeekRequestError,
        "tools.unique",
        "tools",
        "the function name 'f' appears twice",
    ),
    Refusal(
        "tools.strict_schema",
        {
            "tools": [
                {"type": "function", "function": {"name": "f", "strict": True, "parameters": MAX_LENGTH}}
            ]
        },
        DeepSeekRequestError,
        "tools.strict_schema",
        "tools",
        "tools[0] ('f') has strict=True but its schema is outside DeepSeek's strict subset: "
        "parameters.properties.a uses 'maxLength', which strict mode does not support",
        "no minLength, maxLength, minItems or maxItems",
        warn_drops=(),  # warn drops strict from that tool (tests/guards/test_rule_findings.py)
        policy={"beta": True},
    ),
    Refusal(
        "stream_options",
        {"stream_options": {"include_usage": True}},
        DeepSeekRequestError,
        "stream_options",
        "stream_options",
        "stream_options without stream=True",
        "non-streaming",
        warn_drops=("stream_options",),
    ),
    Refusal(
        "stop", {"stop": ["x"] * 17}, DeepSeekRequestError, "stop", "stop", "stop has 17 sequences", "16"
    ),
    Refusal(
        "top_logprobs.without_logprobs",
        {"top_logprobs": 3},
        DeepSeekRequestError,
        "top_logprobs.without_logprobs",
        "top_logprobs",
        "top_logprobs=3 without logprobs=True",
        "logprobs=True",
    ),
    Refusal(
        "top_logprobs.range",
        {"logprobs": True, "top_logprobs": 21},
        DeepSeekRequestError,
        "top_logprobs.range",
        "top_logprobs",
        "top_logprobs=21",
        "from 0 to 20",
    ),
    Refusal(
        "temperature",
        {"temperature": 2.5},
        DeepSeekRequestError,
        "temperature",
        "temperature",
        "temperature=2.5",
        "0 to 2",
    ),
    Refusal("top_p", {"top_p": 0}, DeepSeekRequestError, "top_p", "top_p", "top_p=0", "(0, 1]"),
    Refusal(
        "max_tokens",
        {"max_tokens": 0},
        DeepSeekRequestError,
        "max_tokens",
        "max_tokens",
        "max_tokens=0",
        "393216",
    ),
    Refusal(
        "user_id",
        {"user_id": "bad id!"},
        DeepSeekRequestError,
        "user_id",
        "user_id",
        "user_id='bad id!'",
        "512",
    ),
    Refusal(
        "allow_tools",
        {"tools": [TOOL]},
        UnsupportedFeatureError,
        "allow_tools",
        "tools",
        "tools were sent but this client has allow_tools=False",
        "allow_tools=True",
        policy={"allow_tools": False},
    ),
    Refusal(
        "fim.thinking",
        {"thinking": {"type": "enabled"}},
        DeepSeekRequestError,
        "fim.thinking",
        "thinking",
        "FIM with thinking enabled",
        "without thinking",
        kind="fim",
    ),
    Refusal(
        "fim.thinking.effort",
        {"reasoning_effort": "high"},
        DeepSeekRequestError,
        "fim.thinking",
        "thinking",
        "FIM with thinking enabled",
        kind="fim",
    ),
    Refusal(
        "fim.thinking.effort_beside_disabled",  # an effort is a thinking parameter too
        {"thinking": {"type": "disabled"}, "reasoning_effort": "low"},
        DeepSeekRequestError,
        "fim.thinking",
        "thinking",
        "FIM with thinking enabled",
        kind="fim",
    ),
    Refusal(
        "fim.max_tokens",
        {"max_tokens": 4097},
        DeepSeekRequestError,
        "fim.max_tokens",
        "max_tokens",
        "max_tokens=4097 for FIM",
        "from 1 to 4096",
        kind="fim",
    ),
    Refusal(
        "fim.echo.suffix",
        {"echo": True, "suffix": "x"},
        DeepSeekRequestError,
        "fim.echo",
        "echo",
        "echo=True together with suffix",
        "suffix or logprobs",
        kind="fim",
    ),
    Refusal(
        "fim.echo.logprobs",
        {"echo": True, "logprobs": 2},
        DeepSeekRequestError,
        "fim.echo",
        "echo",
        "echo=True together with logprobs",
        kind="fim",
    ),
    Refusal(
        "fim.logprobs",
        {"logprobs": 21},
        DeepSeekRequestError,
        "fim.logprobs",
        "logprobs",
        "logprobs=21 for FIM",
        "from 0 to 20",
        kind="fim",
    ),
    Refusal("fim.n", {"n": 2}, UnsupportedFeatureError, "n", "n", "n=2 asks for several choices", kind="fim"),
)


def _run(refusal: Refusal, mode: GuardMode) -> Any:
    if refusal.kind == "fim":  # FIM is served on the beta URL only (section 8)
        body = {"model": "deepseek-flash", "prompt": "def f():", **refusal.body}
        return prepare_request("fim", body, Policy(guard_mode=mode, beta=True, **refusal.policy))
    body = {"model": "deepseek-flash", "messages": USER, **refusal.body}
    return prepare_request("chat", body, Policy(guard_mode=mode, **refusal.policy))


def _check(err: Any, refusal: Refusal) -> None:
    assert (err.rule, err.param) == (refusal.rule, refusal.param)
    assert err.body == {
        "message": str(err),
        "type": "invalid_request_error",
        "param": refusal.param,
        "code": refusal.rule,
    }
    assert err.what == refusal.what
    assert refusal.names in err.why + err.fix
    assert type(err) is refusal.cls  # last: it narrows err for the type checker


@pytest.mark.parametrize("refusal", REFUSALS, ids=lambda r: r.id)
def test_strict_mode_refuses_naming_the_parameter(refusal: Refusal) -> None:
    with pytest.raises((DeepSeekRequestError, UnsupportedFeatureError)) as info:
        _run(refusal, "strict")
    _check(info.value, refusal)


@pytest.mark.parametrize("refusal", REFUSALS, ids=lambda r: r.id)
def test_warn_mode_refuses_or_drops_the_parameter(refusal: Refusal) -> None:
    if refusal.warn_drops is None:
        with pytest.raises((DeepSeekRequestError, UnsupportedFeatureError)) as info:
            _run(refusal, "warn")
        _check(info.value, refusal)
        return
    prepared = _run(refusal, "warn")
    for key in refusal.warn_drops:
        assert key not in prepared.body
    [notice] = prepared.notices
    assert notice.category is DeepSeekCompatibilityWarning
    assert refusal.what in notice.message


def test_warn_mode_drops_the_loser_of_two_user_ids_and_sends_the_winner() -> None:
    body = {"model": "deepseek-flash", "messages": USER, "user": "a", "safety_identifier": "b"}
    with pytest.raises(DeepSeekRequestError) as info:
        prepare_request("chat", body, Policy(guard_mode="strict"))
    err = info.value
    assert (err.rule, err.param) == ("user_id.conflict", "user")
    assert err.what == "both user='a' and safety_identifier='b' were given"
    prepared = prepare_request("chat", body, Policy())
    assert prepared.body["user_id"] == "b"
    assert "user" not in prepared.body
    assert "safety_identifier" not in prepared.body


@pytest.mark.parametrize("mode", ["strict", "warn"])
@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"max_tokens": 4096},
        {"max_tokens": 1},
        {"logprobs": 20},
        {"logprobs": 0},
        {"reasoning_effort": "none"},
        {"thinking": {"type": "disabled"}},
        {"echo": True},
        {"echo": True, "suffix": ""},
        {"suffix": "x", "logprobs": 3},
    ],
    ids=repr,
)
def test_fim_within_its_limits_is_sent_as_given(mode: GuardMode, extra: dict[str, Any]) -> None:
    body = {"model": "deepseek-flash", "prompt": "def f():", **extra}
    prepared = prepare_request("fim", body, Policy(guard_mode=mode, beta=True))
    assert prepared.body == body
    assert prepared.notices == []


@pytest.mark.parametrize("kind", ["chat", "fim"])
@pytest.mark.parametrize("n", [None, 1])
def test_n_of_one_or_null_is_sent(kind: str, n: int | None) -> None:
    base: dict[str, Any] = {"prompt": "def f():"} if kind == "fim" else {"messages": USER}
    body = {"model": "deepseek-flash", **base, "n": n}
    prepared = prepare_request(kind, body, Policy(guard_mode="strict", beta=kind == "fim"))  # type: ignore[arg-type]
    assert prepared.body == body
