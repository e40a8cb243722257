"""prepare_request as a pure function: translations, the history policy, guard modes, explained errors.

The exhaustive walk over every guard lives in tests/guards/; this file covers the pipeline's basics.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from deepseek_openai import (
    DeepSeekCompatibilityWarning,
    DeepSeekRequestError,
    DeepSeekSettings,
    RetiredModelWarning,
    UnsupportedFeatureError,
)
from deepseek_openai._endpoints import find
from deepseek_openai._pipeline import prepare_request
from deepseek_openai._rules import Policy
from deepseek_openai._thinking import normalize_effort

USER = {"role": "user", "content": "Hi"}
TOOLS = [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}]


def chat(**body: Any) -> dict[str, Any]:
    body.setdefault("model", "deepseek-flash")
    body.setdefault("messages", [USER])
    return body


def run(body: dict[str, Any], **policy: Any) -> Any:
    return prepare_request("chat", body, Policy(**policy))


def test_the_endpoint_table_names_the_rules_a_body_meets() -> None:
    def body(method: str, path: str) -> str | None:
        endpoint = find(method, path)
        assert endpoint is not None
        return endpoint.body

    assert body("POST", "/chat/completions") == "chat"
    assert body("POST", "/chat/completions/") == "chat"
    assert body("POST", "/completions") == "fim"
    assert body("GET", "/models") is None
    assert body("GET", "/user/balance") is None


def test_a_plain_request_passes_unchanged_and_is_not_mutated() -> None:
    body = chat(temperature=0.5)
    original = copy.deepcopy(body)
    prepared = run(body)
    assert prepared.body == original
    assert prepared.notices == []
    assert prepared.thinking is True  # the catalogue's server default for a known model
    assert body == original
    assert prepared.body is not body


def test_a_plain_responses_body_thinks_as_the_model_does_by_default() -> None:
    # deepseek-api.md: thinking is on by default; a body and a client that say nothing leave it so.
    known = prepare_request("responses", {"model": "deepseek-flash", "input": "hi"}, Policy())
    assert known.body == {"model": "deepseek-flash", "input": "hi"}
    assert known.thinking is True
    unknown = prepare_request("responses", {"model": "deepseek-v9", "input": "hi"}, Policy())
    assert unknown.thinking is None


@pytest.mark.parametrize("model", ["deepseek-flash", "deepseek-v9"])
@pytest.mark.parametrize(
    ("defaults", "effort", "thinking"),
    [
        ({"thinking": False}, "none", False),
        ({"effort": "none"}, "none", False),
        ({"effort": "max"}, "max", True),
        ({"thinking": True, "effort": "low"}, "low", True),
        # Thinking on needs nothing written: the server thinks by default (deepseek-api.md section 12).
        ({"thinking": True}, None, True),
    ],
)
def test_the_clients_defaults_on_a_silent_responses_body_become_reasoning_effort(
    model: str, defaults: dict[str, Any], effort: str | None, thinking: bool
) -> None:
    prepared = prepare_request("responses", {"model": model, "input": "hi"}, Policy(**defaults))
    assert prepared.body.get("reasoning") == (None if effort is None else {"effort": effort})
    assert prepared.thinking is thinking  # what the client said, whether or not the model is known


def test_a_retired_thinking_name_on_responses_keeps_thinking_over_the_clients_effort_none() -> None:
    # As on chat: deepseek-reasoner meant thinking, and the name's meaning wins over a client default.
    body = {"model": "deepseek-reasoner", "input": "hi"}
    prepared = prepare_request("responses", body, Policy(effort="none"))
    assert prepared.body["model"] == "deepseek-flash"
    assert "reasoning" not in prepared.body
    assert prepared.thinking is True
    chat_twin = run(chat(model="deepseek-reasoner"), effort="none")
    assert chat_twin.body["thinking"] == {"type": "enabled"}
    assert "reasoning_effort" not in chat_twin.body


def test_the_clients_effort_joins_the_callers_other_reasoning_fields_without_changing_them() -> None:
    reasoning = {"summary": "auto"}
    body = {"model": "deepseek-flash", "input": "hi", "reasoning": reasoning}
    prepared = prepare_request("responses", body, Policy(effort="high", guard_mode="off"))
    assert prepared.body["reasoning"] == {"summary": "auto", "effort": "high"}
    assert reasoning == {"summary": "auto"}


# ------------------------------------------------------------------------------------------
# Translations


@pytest.mark.parametrize(("name", "thinking"), [("deepseek-chat", "disabled"), ("deepseek-reasoner", None)])
def test_retired_names_are_translated_with_a_visible_retirement_notice(
    name: str, thinking: str | None
) -> None:
    prepared = run(chat(model=name))
    assert prepared.body["model"] == "deepseek-flash"
    if thinking:
        assert prepared.body["thinking"] == {"type": thinking}
        assert prepared.thinking is False
    else:
        assert prepared.thinking is True
    [notice] = prepared.notices
    assert notice.category is RetiredModelWarning
    assert issubclass(notice.category, FutureWarning)  # shown by default, unlike DeprecationWarning
    assert name in notice.message
    assert "2026-07-24" in notice.message
    assert "deepseek-flash" in notice.message


def test_retired_name_with_explicit_thinking_keeps_the_callers_choice() -> None:
    prepared = run(chat(model="deepseek-chat", thinking={"type": "enabled"}))
    assert prepared.body["thinking"] == {"type": "enabled"}
    assert prepared.thinking is True


def test_retired_policy_error_refuses_with_the_fix() -> None:
    with pytest.raises(DeepSeekRequestError) as info:
        run(chat(model="deepseek-chat"), retired="error")
    err = info.value
    assert err.param == "model"
    assert "retired" in err.what
    assert "deepseek-flash" in err.fix
    assert "thinking=False" in err.fix
    assert err.source is not None
    assert err.source.date.isoformat() == "2026-07-24"


def test_aliases_and_unknown_models_are_sent_as_given() -> None:
    assert run(chat(model="deepseek-v4-flash")).body["model"] == "deepseek-v4-flash"
    unknown = run(chat(model="deepseek-v9"))
    assert unknown.body["model"] == "deepseek-v9"
    assert unknown.thinking is None
    assert unknown.notices == []


def test_max_completion_tokens_becomes_max_tokens() -> None:
    assert run(chat(max_completion_tokens=100)).body == chat(max_tokens=100)
    assert run(chat(max_completion_tokens=100, max_tokens=100)).body == chat(max_tokens=100)
    with pytest.raises(DeepSeekRequestError, match="pass only max_tokens"):
        run(chat(max_completion_tokens=100, max_tokens=200), guard_mode="strict")


@pytest.mark.parametrize("name", ["user", "safety_identifier"])
def test_openai_user_becomes_user_id(name: str) -> None:
    body = run(chat(**{name: "end-user_42"})).body
    assert body["user_id"] == "end-user_42"
    assert name not in body
    with pytest.raises(DeepSeekRequestError) as info:
        run(chat(**{name: "alice@example.com"}), guard_mode="strict")
    assert "hash" in info.value.fix
    with pytest.raises(DeepSeekRequestError):
        run(chat(**{name: "a"}, user_id="b"), guard_mode="strict")


@pytest.mark.parametrize(
    ("given", "sent"),
    [("minimal", "low"), ("medium", "high"), ("xhigh", "high"), ("ultra", "max"), ("max", "max")],
)
def test_efforts_are_normalised(given: str, sent: str) -> None:
    assert run(chat(reasoning_effort=given)).body["reasoning_effort"] == sent
    assert normalize_effort(given) == sent


def test_bad_effort_and_thinking_are_explained() -> None:
    with pytest.raises(DeepSeekRequestError) as info:
        run(chat(reasoning_effort="turbo"))
    assert "none, low, high" in info.value.why
    assert info.value.param == "reasoning_effort"
    with pytest.raises(DeepSeekRequestError) as info2:
        run(chat(thinking="yes"))
    assert info2.value.param == "thinking"
    assert "disabled" in info2.value.fix


def test_thinking_bool_convenience() -> None:
    prepared = run(chat(thinking=False))
    assert prepared.body["thinking"] == {"type": "disabled"}
    assert prepared.thinking is False


def test_client_defaults_apply_only_when_the_request_is_silent() -> None:
    assert run(chat(), thinking=False).body["thinking"] == {"type": "disabled"}
    assert run(chat(), thinking=True).body["thinking"] == {"type": "enabled"}
    assert run(chat(), effort="max").body["reasoning_effort"] == "max"
    assert run(chat(), effort="none").body["thinking"] == {"type": "disabled"}
    # The request's own choice wins.
    assert run(chat(thinking={"type": "enabled"}), thinking=False).body["thinking"] == {"type": "enabled"}
    assert run(chat(reasoning_effort="low"), effort="max").body["reasoning_effort"] == "low"


def test_policy_from_settings() -> None:
    settings = DeepSeekSettings(
        thinking=False, reasoning_effort="medium", guard_mode="warn", history_policy="off"
    )
    policy = Policy.from_settings(settings, beta=True)
    assert policy == Policy(beta=True, thinking=False, effort="high", history="off", guard_mode="warn")


# ------------------------------------------------------------------------------------------
# History policy


def _history(**assistant: Any) -> list[dict[str, Any]]:
    turn = {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {"id": "call_00_a", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}
        ],
    }
    turn.update(assistant)
    return [
        USER,
        turn,
        {"role": "tool", "tool_call_id": "call_00_a", "content": "sunny"},
        {"role": "assistant", "content": "It is sunny."},
        USER,
    ]


def test_backfill_adds_empty_reasoning_to_every_assistant_turn_with_tools() -> None:
    messages = _history()
    prepared = run(chat(messages=messages, tools=TOOLS))
    sent = prepared.body["messages"]
    assert sent[1]["reasoning_content"] == ""
    assert sent[3]["reasoning_content"] == ""
    assert sent[1]["tool_calls"] == messages[1]["tool_calls"]
    assert "reasoning_content" not in messages[1]  # the caller's list is untouched
    assert sent[0] is messages[0]
    assert sent[2] is messages[2]


def test_backfill_keeps_existing_reasoning_and_renamed_fields() -> None:
    messages = _history(reasoning_content="I should call the tool.")
    messages[3]["reasoning"] = "renamed by a framework"
    messages[3]["thinking_blocks"] = [{"x": 1}]
    sent = run(chat(messages=messages, tools=TOOLS)).body["messages"]
    assert sent[1]["reasoning_content"] == "I should call the tool."
    assert sent[3]["reasoning_content"] == "renamed by a framework"
    assert "reasoning" not in sent[3]
    assert "thinking_blocks" not in sent[3]


def test_backfill_does_nothing_without_tools_or_with_thinking_off() -> None:
    messages = _history()
    assert run(chat(messages=messages)).body["messages"] is messages
    assert (
        run(chat(messages=messages, tools=TOOLS, thinking={"type": "disabled"})).body["messages"] is messages
    )
    assert run(chat(messages=messages, tools=TOOLS), thinking=False).body["messages"] is messages


def test_history_error_policy_names_the_turns_and_the_fix() -> None:
    with pytest.raises(DeepSeekRequestError) as info:
        run(chat(messages=_history(), tools=TOOLS), history="error")
    err = info.value
    assert "index 1, 3" in err.what
    assert "reasoning_content" in err.why
    assert "400" in err.why
    assert "to_message" in err.fix
    assert "backfill" in err.fix
    assert err.source is not None
    assert err.source.date.isoformat() == "2026-09-11"
    # Complete history passes.
    ok = _history(reasoning_content="r")
    ok[3]["reasoning_content"] = ""
    assert run(chat(messages=ok, tools=TOOLS), history="error").body["messages"] == ok


def test_history_off_sends_as_given() -> None:
    messages = _history()
    assert run(chat(messages=messages, tools=TOOLS), history="off").body["messages"] is messages


# ------------------------------------------------------------------------------------------
# Guard modes and explained errors


def _explained(err: DeepSeekRequestError | UnsupportedFeatureError) -> None:
    assert err.what
    assert err.why
    assert err.fix
    text = str(err)
    assert err.what in text
    assert f"Why: {err.why}" in text
    assert f"Fix: {err.fix}" in text
    if err.source is not None:
        assert err.source.date.isoformat() in text


def _strict_tool(**string: Any) -> dict[str, Any]:
    """A strict function whose one string property carries ``string`` keywords."""
    parameters = {
        "type": "object",
        "properties": {"city": {"type": "string", **string}},
        "required": ["city"],
        "additionalProperties": False,
    }
    return {"type": "function", "function": {"name": "f", "strict": True, "parameters": parameters}}


# (body overrides, error class, param, a word the fix must contain)
RULES: list[tuple[dict[str, Any], type[Exception], str, str]] = [
    ({"messages": []}, DeepSeekRequestError, "messages", "role"),
    ({"messages": [{"role": "developer", "content": "x"}]}, DeepSeekRequestError, "messages", "system"),
    ({"n": 3}, UnsupportedFeatureError, "n", "remove n"),
    ({"seed": 1}, DeepSeekRequestError, "seed", "remove seed"),
    ({"logit_bias": {"1": 2}}, DeepSeekRequestError, "logit_bias", "remove"),
    ({"audio": {"voice": "x"}}, UnsupportedFeatureError, "audio", "remove"),
    (
        {"response_format": {"type": "json_schema", "json_schema": {}}},
        UnsupportedFeatureError,
        "response_format",
        "json_object",
    ),
    ({"response_format": {"type": "yaml"}}, DeepSeekRequestError, "response_format", "json_object"),
    ({"tools": [{"type": "web_search"}]}, UnsupportedFeatureError, "tools", "function"),
    (
        {"tools": [{"type": "function", "function": {"name": "bad name!"}}]},
        DeepSeekRequestError,
        "tools",
        "bad_name_",
    ),
    ({"tools": TOOLS + TOOLS}, DeepSeekRequestError, "tools", "own name"),
    ({"tools": [_strict_tool(minLength=1)]}, DeepSeekRequestError, "tools", "drop strict"),
    ({"tools": TOOLS, "tool_choice": "required"}, DeepSeekRequestError, "tool_choice", "thinking=False"),
    ({"stream_options": {"include_usage": True}}, DeepSeekRequestError, "stream_options", "stream=True"),
    ({"stop": ["x"] * 17}, DeepSeekRequestError, "stop", "16"),
    ({"top_logprobs": 5}, DeepSeekRequestError, "top_logprobs", "logprobs=True"),
    ({"logprobs": True, "top_logprobs": 21}, DeepSeekRequestError, "top_logprobs", "0 to 20"),
    ({"temperature": 2.5}, DeepSeekRequestError, "temperature", "0 to 2"),
    ({"top_p": 0}, DeepSeekRequestError, "top_p", "top_p"),
    ({"max_tokens": 400_000}, DeepSeekRequestError, "max_tokens", "393216"),
    (
        {"messages": [{"role": "assistant", "content": "x", "prefix": True}]},
        DeepSeekRequestError,
        "messages",
        "beta",
    ),
    (
        {
            "model": "deepseek-v4-pro",
            "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}],
        },
        UnsupportedFeatureError,
        "messages",
        "deepseek-flash",
    ),
    ({"messages": [{"role": "tool", "content": "x"}]}, DeepSeekRequestError, "messages", "tool_call_id"),
]


@pytest.mark.parametrize(("overrides", "cls", "param", "fix_word"), RULES)
def test_strict_mode_refuses_with_what_why_fix(
    overrides: dict[str, Any], cls: type[Exception], param: str, fix_word: str
) -> None:
    with pytest.raises(cls) as info:
        run(chat(**overrides), guard_mode="strict")
    err = info.value
    assert isinstance(err, DeepSeekRequestError | UnsupportedFeatureError)
    assert type(err) is cls
    assert err.param == param
    assert fix_word in err.fix
    _explained(err)


# What the default mode does with each of RULES (deepseek-api.md section 5 and 11): drop what DeepSeek
# ignores, translate where a faithful translation exists, refuse what it rejects or would get wrong.
WARN_OUTCOME = {
    "seed": "drop",
    "logit_bias": "drop",
    "stream_options": "drop",
    "tools:drop strict": "drop",
    "response_format:json_object": "translate",  # json_schema as a forced function tool
    "tool_choice": "translate",  # thinking off for the call
}


def _warn_outcome(overrides: dict[str, Any], fix_word: str) -> str:
    key = "tool_choice" if "tool_choice" in overrides else next(iter(overrides))
    if key in ("response_format", "tools"):
        key = f"{key}:{fix_word}"
    if key == "response_format:json_object" and overrides["response_format"]["type"] != "json_schema":
        return "refuse"
    return WARN_OUTCOME.get(key, "refuse")


@pytest.mark.parametrize(("overrides", "cls", "param", "fix_word"), RULES)
def test_warn_mode_translates_drops_or_refuses(
    overrides: dict[str, Any], cls: type[Exception], param: str, fix_word: str
) -> None:
    outcome = _warn_outcome(overrides, fix_word)
    if outcome == "refuse":
        with pytest.raises(cls) as info:
            run(chat(**overrides), guard_mode="warn")
        assert getattr(info.value, "param", None) == param
        return
    prepared = run(chat(**overrides), guard_mode="warn")
    assert prepared.notices
    assert all(n.category is DeepSeekCompatibilityWarning for n in prepared.notices)
    assert all(n.key is not None for n in prepared.notices)  # given once per client
    if outcome == "drop":
        assert any(
            fix_word in n.message and "Fix:" in n.message and "was dropped" in n.message
            for n in prepared.notices
        )
        assert prepared.body.get(param) != overrides[param]
    else:
        assert prepared.adjustments  # the response says what was changed


@pytest.mark.parametrize(("overrides", "cls", "param", "fix_word"), RULES)
def test_off_mode_sends_unchanged(
    overrides: dict[str, Any], cls: type[Exception], param: str, fix_word: str
) -> None:
    body = chat(**overrides)
    prepared = run(copy.deepcopy(body), guard_mode="off")
    assert prepared.notices == []
    for key, value in overrides.items():
        assert prepared.body[key] == value


def test_warn_is_the_default_mode() -> None:
    assert Policy().guard_mode == "warn"
    assert DeepSeekSettings().guard_mode == "warn"


def test_warn_mode_drops_droppable_params_and_keeps_the_rest() -> None:
    prepared = run(chat(seed=7, stream_options={"include_usage": True}, temperature=1.5), guard_mode="warn")
    assert "seed" not in prepared.body
    assert "stream_options" not in prepared.body
    assert prepared.body["temperature"] == 1.5
    texts = " | ".join(n.message for n in prepared.notices)
    assert "seed was dropped" in texts
    assert "stream_options was dropped" in texts


def test_warn_mode_refuses_what_would_silently_be_wrong_and_what_deepseek_rejects() -> None:
    with pytest.raises(UnsupportedFeatureError, match="n=2"):
        run(chat(n=2), guard_mode="warn")  # DeepSeek would give one choice, silently
    with pytest.raises(DeepSeekRequestError, match="temperature=3"):
        run(chat(temperature=3), guard_mode="warn")  # DeepSeek answers 422


def test_harmless_openai_values_pass() -> None:
    body = chat(store=False, parallel_tool_calls=True, service_tier="auto", modalities=["text"])
    assert run(body).body == body


def test_tool_choice_is_fine_without_thinking_and_auto_while_thinking() -> None:
    run(chat(tools=TOOLS, tool_choice="required", thinking={"type": "disabled"}))
    run(chat(tools=TOOLS, tool_choice="auto"))
    run(
        chat(tools=TOOLS, tool_choice={"type": "function", "function": {"name": "get_weather"}}),
        thinking=False,
    )
    # Unknown model, thinking not said: no assumption, so no refusal.
    run(chat(model="deepseek-v9", tools=TOOLS, tool_choice="required"))


def test_beta_features_pass_on_a_beta_policy() -> None:
    run(chat(messages=[USER, {"role": "assistant", "content": "x", "prefix": True}]), beta=True)
    run(chat(tools=[{"type": "function", "function": {"name": "f", "strict": True}}]), beta=True)


def test_vision_is_fine_on_flash_and_unknown_models() -> None:
    parts = [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "?"},
                {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
            ],
        }
    ]
    run(chat(messages=parts))
    run(chat(model="deepseek-v9", messages=parts))


def test_allow_tools_false_is_enforced_in_every_mode() -> None:
    for mode in ("strict", "warn", "off"):
        with pytest.raises(UnsupportedFeatureError) as info:
            run(chat(tools=TOOLS), allow_tools=False, guard_mode=mode)
        assert "allow_tools" in info.value.fix


# ------------------------------------------------------------------------------------------
# FIM


def fim(**body: Any) -> dict[str, Any]:
    body.setdefault("model", "deepseek-flash")
    body.setdefault("prompt", "def f(")
    return body


def test_fim_needs_no_thinking() -> None:
    # FIM needs the beta URL too: that is the endpoint table's job (tests/guards/test_request_paths.py).
    ok = prepare_request(
        "fim", fim(suffix=")", max_tokens=64), Policy(beta=True, thinking=True, effort="max")
    )
    assert "thinking" not in ok.body
    assert "reasoning_effort" not in ok.body
    with pytest.raises(DeepSeekRequestError, match="thinking"):
        prepare_request("fim", fim(thinking={"type": "enabled"}), Policy(beta=True))
    with pytest.raises(DeepSeekRequestError, match="4096"):
        prepare_request("fim", fim(max_tokens=5000), Policy(beta=True))
    with pytest.raises(DeepSeekRequestError, match="echo"):
        prepare_request("fim", fim(echo=True, suffix="x"), Policy(beta=True))


UNTRANSLATABLE = [
    # (body additions, strict error fragment, what warn/off send instead)
    ({"user": "alice@example.com"}, "cannot be used as DeepSeek's user_id", {}),
    ({"user": "u1", "user_id": "u2"}, "both user='u1' and user_id='u2'", {"user_id": "u2"}),
    ({"max_completion_tokens": 10, "max_tokens": 20}, "both max_completion_tokens=10", {"max_tokens": 20}),
]
_NAMES = ("user", "user_id", "max_tokens", "max_completion_tokens")


@pytest.mark.parametrize(("extra", "fragment", "sent"), UNTRANSLATABLE)
def test_untranslatable_openai_names_are_refused_only_in_strict_mode(
    extra: dict[str, Any], fragment: str, sent: dict[str, Any]
) -> None:
    """DeepSeek ignores OpenAI's names, so warn/off drop them instead of blocking an accepted request."""
    with pytest.raises(DeepSeekRequestError, match=fragment):
        run(chat(**extra), guard_mode="strict")
    warned = run(chat(**extra), guard_mode="warn")
    assert [n.category for n in warned.notices] == [DeepSeekCompatibilityWarning]
    assert fragment in warned.notices[0].message
    off = run(chat(**extra), guard_mode="off")
    assert off.notices == []
    for prepared in (warned, off):
        assert {k: prepared.body[k] for k in _NAMES if k in prepared.body} == sent


def test_thinking_effort_contradiction_is_left_to_the_server_with_a_warning() -> None:
    """deepseek-api.md section 5 lists both parameters and no error for the pair: never refused."""
    body = chat(thinking={"type": "disabled"}, reasoning_effort="high")
    for mode in ("strict", "warn"):
        warned = run(dict(body), guard_mode=mode)
        assert [n.message for n in warned.notices if "contradicts" in n.message], mode
        assert warned.body["thinking"] == {"type": "disabled"}
        assert warned.body["reasoning_effort"] == "high"
    off = run(dict(body), guard_mode="off")
    assert off.body["thinking"] == {"type": "disabled"}
    assert off.body["reasoning_effort"] == "high"
