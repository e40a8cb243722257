"""What the parameter and tool rows of the rule table tell a caller: the parameter an error names, the
dated source it cites, and what a translation sends and reports.

Facts from deepseek-api.md: max_tokens 1..393,216 (sections 4 and 5); response_format ``text`` or
``json_object``, ``json_schema`` answers 400 (section 5); function names ``[a-zA-Z0-9_-]``, at most 128
characters, unique (section 5); a forced tool_choice is refused while thinking (section 5); strict
tools are enforced on the beta URL only, within a subset without minLength/maxLength/minItems/maxItems
(sections 8 and 11); FIM on the beta URL (sections 2 and 8). A feature the catalogue does not list for
a model is refused citing the catalogue's source for that feature (the rows below add a model that
lacks one feature, with a source of its own for each feature, so the source cited shows which one).
"""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any

import httpx2
import pytest

from deepseek_openai import (
    DeepSeekCompatibilityWarning,
    DeepSeekRequestError,
    UnsupportedFeatureError,
)
from deepseek_openai._catalogue import Feature, Source
from deepseek_openai._settings import GuardMode
from deepseek_openai.testing import DeepSeekEmulator

from ._support import FLASH, LACKING, USER, chat, emulator_client, refused, run

MODES: tuple[GuardMode, ...] = ("strict", "warn")

MODELS_URL = "https://api-docs.deepseek.com/quick_start/pricing"
CHAT_API_URL = "https://api-docs.deepseek.com/api/create-chat-completion"
BETA_URL = "https://api-docs.deepseek.com/guides/chat_prefix_completion"

# One source per feature for the LACKING row: the error must cite the one of the feature it is about.
FEATURE_SOURCES: dict[Feature, Source] = {
    feature: Source(
        f"Test copy: {feature.value}", f"https://example.test/{feature.value}", dt.date(2026, 1, 2)
    )
    for feature in (
        Feature.JSON_OUTPUT,
        Feature.TOOLS,
        Feature.TOOLS_WHILE_THINKING,
        Feature.STRICT_TOOLS,
        Feature.FIM,
    )
}

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"city": {"type": "string"}},
    "required": ["city"],
    "additionalProperties": False,
}
"""Inside DeepSeek's strict subset (deepseek-api.md section 8)."""

OUTSIDE: dict[str, Any] = {
    "type": "object",
    "properties": {"city": {"type": "string", "minLength": 1}},
    "required": ["city"],
    "additionalProperties": False,
}
"""Outside it: minLength is not supported (section 8)."""


def function(name: str, parameters: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    fn: dict[str, Any] = {"name": name, **extra}
    if parameters is not None:
        fn["parameters"] = parameters
    return {"type": "function", "function": fn}


# --------------------------------------------------------------------------------------------
# response_format


def test_json_schema_alone_goes_as_a_forced_tool_with_thinking_off_and_says_so(
    deepseek_emulator: DeepSeekEmulator, http: httpx2.Client
) -> None:
    rf: Any = {"type": "json_schema", "json_schema": {"name": "answer", "schema": SCHEMA}}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        reply: Any = emulator_client(deepseek_emulator, http).chat.completions.create(
            model=FLASH, messages=USER, response_format=rf, reasoning_effort="high"
        )
    (request,) = deepseek_emulator.requests
    sent = request.json
    assert set(sent) == {"model", "messages", "tools", "tool_choice", "thinking"}
    assert sent["thinking"] == {"type": "disabled"}  # a forced tool choice needs thinking off (section 5)
    assert [t["function"]["name"] for t in sent["tools"]] == ["answer"]
    assert sent["tool_choice"] == {"type": "function", "function": {"name": "answer"}}
    note = "response_format json_schema was sent as the function tool 'answer'; its call is the content"
    # one change, one warning: thinking was already off when the tool_choice row looked
    assert reply.deepseek_adjustments == [
        {"rule": "response_format.json_schema", "message": note + " (thinking off for this call)"}
    ]
    shown = [str(w.message) for w in caught if issubclass(w.category, DeepSeekCompatibilityWarning)]
    assert shown == [note + " (thinking off for this call); see deepseek_adjustments on the response"]


def test_json_schema_beside_tools_takes_a_free_name_and_leaves_thinking_alone() -> None:
    rf = {"type": "json_schema", "json_schema": {"name": "answer", "schema": SCHEMA}}
    prepared = run(chat(response_format=rf, tools=[function("answer", SCHEMA)]))
    names = [t["function"]["name"] for t in prepared.body["tools"]]
    assert names == ["answer", "answer_1"]  # function names must be unique (section 5)
    assert "tool_choice" not in prepared.body
    assert "thinking" not in prepared.body
    assert prepared.output_tool == "answer_1"
    assert prepared.adjustments == [
        {
            "rule": "response_format.json_schema",
            "message": "response_format json_schema was sent as the function tool 'answer_1'; "
            "its call is the content",
        }
    ]


@pytest.mark.parametrize(("given", "sent"), [(127, 127), (128, 128), (129, 128), (200, 128)])
def test_json_schema_names_are_cut_to_the_128_character_limit(given: int, sent: int) -> None:
    rf = {"type": "json_schema", "json_schema": {"name": "a" * given, "schema": SCHEMA}}
    prepared = run(chat(response_format=rf))
    (tool,) = prepared.body["tools"]
    assert tool["function"]["name"] == "a" * sent


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("rf", ["json_object", ["json_object"], 1])
def test_a_response_format_that_is_not_an_object_is_refused(mode: GuardMode, rf: Any) -> None:
    err = refused(chat(response_format=rf), guard_mode=mode)
    assert type(err) is DeepSeekRequestError
    assert err.param == "response_format"
    assert err.rule == "response_format.type"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", ["text", "json_object"])
def test_the_documented_response_formats_pass(mode: GuardMode, kind: str) -> None:
    prepared = run(chat(response_format={"type": kind}), guard_mode=mode)
    assert prepared.body["response_format"] == {"type": kind}


@pytest.mark.parametrize("mode", MODES)
def test_json_object_for_a_model_without_json_output_cites_that_features_source(
    mode: GuardMode, lacking: Any
) -> None:
    lacking(Feature.JSON_OUTPUT, FEATURE_SOURCES)
    err = refused(chat(model=LACKING, response_format={"type": "json_object"}), guard_mode=mode)
    assert type(err) is UnsupportedFeatureError
    assert err.param == "response_format"
    assert err.rule == "response_format.model"
    assert err.source == FEATURE_SOURCES[Feature.JSON_OUTPUT]
    assert "'deepseek-flash-lacking'" in err.what


def test_json_object_refusal_cites_the_models_page_by_default(lacking: Any) -> None:
    lacking(Feature.JSON_OUTPUT)
    err = refused(chat(model=LACKING, response_format={"type": "json_object"}))
    assert err.source is not None
    assert err.source.url == MODELS_URL


# --------------------------------------------------------------------------------------------
# max_tokens: 1..393,216 (deepseek-api.md sections 4 and 5)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("value", [1, 2, 393_215, 393_216])
def test_max_tokens_within_the_limits_pass(mode: GuardMode, value: int) -> None:
    assert run(chat(max_tokens=value), guard_mode=mode).body["max_tokens"] == value


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("value", [0, -1, 393_217, 400_000, 1.5, "8"])
def test_max_tokens_outside_the_limits_cite_the_models_page(mode: GuardMode, value: Any) -> None:
    err = refused(chat(max_tokens=value), guard_mode=mode)
    assert type(err) is DeepSeekRequestError
    assert err.param == "max_tokens"
    assert err.what == f"max_tokens={value!r}"
    assert "393216" in err.fix
    assert err.source is not None
    assert err.source.url == MODELS_URL  # the model's limit comes from the models page
    assert err.source.date == dt.date(2026, 9, 11)


def test_max_tokens_for_an_unknown_model_is_checked_against_the_model_maximum() -> None:
    assert run(chat(model="deepseek-next", max_tokens=10**9)).body["max_tokens"] == 10**9
    err = refused(chat(model="deepseek-next", max_tokens=0))
    assert err.param == "max_tokens"
    assert err.fix == "use 1 <= max_tokens <= the model maximum"
    assert err.source is not None
    assert err.source.url == CHAT_API_URL


# --------------------------------------------------------------------------------------------
# Tools: the model, strict schemas, the beta URL, tool_choice while thinking


@pytest.mark.parametrize("mode", MODES)
def test_tools_for_a_model_without_function_calling(mode: GuardMode, lacking: Any) -> None:
    lacking(Feature.TOOLS, FEATURE_SOURCES)
    err = refused(chat(model=LACKING, tools=[function("get_weather", SCHEMA)]), guard_mode=mode)
    assert type(err) is UnsupportedFeatureError
    assert (err.param, err.rule) == ("tools", "tools.model")
    assert err.source == FEATURE_SOURCES[Feature.TOOLS]
    assert "'deepseek-flash-lacking'" in err.what


@pytest.mark.parametrize("mode", MODES)
def test_tools_while_thinking_for_a_model_without_them(mode: GuardMode, lacking: Any) -> None:
    lacking(Feature.TOOLS_WHILE_THINKING, FEATURE_SOURCES)
    tools = [function("get_weather", SCHEMA)]
    err = refused(chat(model=LACKING, tools=tools), guard_mode=mode)  # thinking is on by default
    assert type(err) is UnsupportedFeatureError
    assert (err.param, err.rule) == ("tools", "tools.model")
    assert err.source == FEATURE_SOURCES[Feature.TOOLS_WHILE_THINKING]
    assert "'deepseek-flash-lacking'" in err.what
    # with thinking off the model has tools
    prepared = run(chat(model=LACKING, tools=tools, thinking={"type": "disabled"}), guard_mode=mode)
    assert prepared.body["tools"] == tools


@pytest.mark.parametrize("mode", MODES)
def test_strict_tools_for_a_model_without_them(mode: GuardMode, lacking: Any) -> None:
    lacking(Feature.STRICT_TOOLS, FEATURE_SOURCES)
    err = refused(
        chat(model=LACKING, tools=[function("get_weather", SCHEMA, strict=True)]), guard_mode=mode, beta=True
    )
    assert type(err) is UnsupportedFeatureError
    assert (err.param, err.rule) == ("tools", "tools.strict_model")
    assert err.source == FEATURE_SOURCES[Feature.STRICT_TOOLS]


def test_strict_tools_refusal_cites_the_beta_page_by_default(lacking: Any) -> None:
    lacking(Feature.STRICT_TOOLS)
    err = refused(chat(model=LACKING, tools=[function("get_weather", SCHEMA, strict=True)]), beta=True)
    assert err.source is not None
    assert err.source.url == BETA_URL


@pytest.mark.parametrize("mode", MODES)
def test_fim_for_a_model_without_fim(mode: GuardMode, lacking: Any) -> None:
    lacking(Feature.FIM, FEATURE_SOURCES)
    err = refused({"model": LACKING, "prompt": "def f():"}, "fim", guard_mode=mode, beta=True)
    assert type(err) is UnsupportedFeatureError
    assert (err.param, err.rule) == ("model", "fim.model")
    assert err.source == FEATURE_SOURCES[Feature.FIM]


def test_fim_refusal_cites_the_beta_page_by_default(lacking: Any) -> None:
    lacking(Feature.FIM)
    err = refused({"model": LACKING, "prompt": "def f():"}, "fim", beta=True)
    assert err.source is not None
    assert err.source.url == BETA_URL


def test_a_strict_schema_outside_the_subset_is_refused_in_strict_mode_naming_the_tool() -> None:
    tools = [function("get_weather", SCHEMA, strict=True), function("lookup", OUTSIDE, strict=True)]
    err = refused(chat(tools=tools), guard_mode="strict", beta=True)
    assert type(err) is DeepSeekRequestError
    assert (err.param, err.rule) == ("tools", "tools.strict_schema")
    assert err.what.startswith("tools[1] ('lookup') has strict=True")
    assert "'minLength'" in err.what
    assert err.source is not None
    assert err.source.url == BETA_URL


def test_a_strict_function_without_parameters_is_inside_the_subset() -> None:
    tools = [function("ping", strict=True)]
    for mode in MODES:
        prepared = run(chat(tools=tools), guard_mode=mode, beta=True)
        assert prepared.body["tools"] == tools
        assert prepared.notices == []


def test_warn_mode_drops_strict_from_each_tool_outside_the_subset_and_warns_for_each(
    deepseek_emulator: DeepSeekEmulator, http: httpx2.Client
) -> None:
    tools: Any = [
        function("lookup", OUTSIDE, strict=True, description="d"),
        function("get_weather", SCHEMA),
        function("find", OUTSIDE, strict=True),
    ]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        emulator_client(deepseek_emulator, http).chat.completions.create(
            model=FLASH, messages=USER, tools=tools
        )
    (request,) = deepseek_emulator.requests
    # no strict tool is left, so nothing goes to the beta URL
    assert request.path == "/chat/completions"
    assert request.json["tools"] == [
        function("lookup", OUTSIDE, description="d"),
        function("get_weather", SCHEMA),
        function("find", OUTSIDE),
    ]
    assert tools[0]["function"]["strict"] is True  # the caller's tools are untouched
    shown = [str(w.message) for w in caught if issubclass(w.category, DeepSeekCompatibilityWarning)]
    assert len(shown) == 2, shown  # one per tool, not one for all
    assert "tools[0] ('lookup')" in shown[0]
    assert "tools[2] ('find')" in shown[1]


@pytest.mark.parametrize("mode", MODES)
def test_strict_tools_on_the_standard_url_go_to_the_beta_url_and_say_which(mode: GuardMode) -> None:
    tools = [
        function("get_weather", SCHEMA, strict=True),
        function("plain", SCHEMA),
        function("lookup", SCHEMA, strict=True),
    ]
    prepared = run(chat(tools=tools), guard_mode=mode)
    assert prepared.route == "beta"
    assert prepared.body["tools"] == tools
    assert prepared.adjustments == [
        {
            "rule": "tools.strict_route",
            "message": "strict tools ('get_weather', 'lookup') were sent to the beta URL",
        }
    ]
    assert prepared.notices == []  # a quiet translation: nothing changed in the body


def test_a_forced_tool_choice_while_thinking_turns_thinking_off_in_warn_mode() -> None:
    history = [
        *USER,
        {"role": "assistant", "content": "Which city?"},  # no reasoning_content
        {"role": "user", "content": "Paris"},
    ]
    tools = [function("get_weather", SCHEMA)]
    prepared = run(chat(messages=history, tools=tools, tool_choice="required", reasoning_effort="max"))
    body = prepared.body
    assert body["thinking"] == {"type": "disabled"}
    assert "reasoning_effort" not in body
    assert body["tool_choice"] == "required"
    assert prepared.thinking is False
    # thinking is off, so the earlier turn needs no reasoning_content (section 6): none is backfilled
    assert body["messages"] == history
    assert prepared.adjustments == [
        {
            "rule": "tool_choice.thinking",
            "message": "thinking was turned off for this call: "
            "DeepSeek refuses tool_choice='required' while thinking",
        }
    ]
    [notice] = prepared.notices
    assert notice.category is DeepSeekCompatibilityWarning


def test_a_forced_tool_choice_while_thinking_is_refused_in_strict_mode() -> None:
    err = refused(
        chat(
            tools=[function("get_weather", SCHEMA)],
            tool_choice={"type": "function", "function": {"name": "get_weather"}},
        ),
        guard_mode="strict",
    )
    assert (err.param, err.rule) == ("tool_choice", "tool_choice.thinking")
