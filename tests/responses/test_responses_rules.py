"""Each Responses API rule through ``client.responses.create(...)`` against the emulator, in the warn
and strict guard modes: the error class, its ``param``, the facts the message names, and what was sent
(or the warning). Every expected value is a literal from deepseek-api.md section 12 (stateless: stored
items do not exist; only function tools and the custom tool apply_patch; reasoning.effort none | low
| high | max, summary and encrypted_content unsupported; text.format text | json_object |
json_schema; max_output_tokens 1..393216).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from typing import Any, Literal

import pytest

import deepseek_openai as ds
from deepseek_openai.testing import DeepSeekEmulator

FLASH = "deepseek-flash"
Mode = Literal["warn", "strict", "off"]
MODES: tuple[Mode, ...] = ("warn", "strict")
FUNCTION_TOOL: dict[str, Any] = {
    "type": "function",
    "name": "get_weather",
    "parameters": {"type": "object", "properties": {}},
}


@pytest.fixture
def clients(deepseek_emulator: DeepSeekEmulator) -> Iterator[dict[str, ds.DeepSeek]]:
    """A fresh client per guard mode (warnings are given once per client and parameter)."""
    emu = deepseek_emulator
    made: dict[str, ds.DeepSeek] = {
        mode: ds.get_client(api_key=emu.api_key, base_url=emu.base_url, max_retries=0, guard_mode=mode)
        for mode in MODES
    }
    yield made
    for client in made.values():
        client.close()


def create(client: ds.DeepSeek, **kwargs: Any) -> Any:
    kwargs.setdefault("model", FLASH)
    kwargs.setdefault("input", "hi")
    return client.responses.create(**kwargs)


def refused(
    client: ds.DeepSeek, emu: DeepSeekEmulator, error: type[Exception], **kwargs: Any
) -> ds.DeepSeekRequestError | ds.UnsupportedFeatureError:
    """The refusal of one call, checked to be of exactly ``error`` and to have reached nobody."""
    before = emu.request_count()
    with pytest.raises(error) as info:
        create(client, **kwargs)
    assert type(info.value) is error
    assert emu.request_count() == before
    value = info.value
    assert isinstance(value, ds.DeepSeekRequestError | ds.UnsupportedFeatureError)
    return value


def sent_quietly(client: ds.DeepSeek, emu: DeepSeekEmulator, **kwargs: Any) -> dict[str, Any]:
    """The body the server received for one call that must raise nothing and warn nothing."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        create(client, **kwargs)
    body: dict[str, Any] = emu.requests[-1].json
    return body


def sent_with_warning(
    client: ds.DeepSeek, emu: DeepSeekEmulator, **kwargs: Any
) -> tuple[dict[str, Any], str]:
    """The body received and the text of the one DeepSeekCompatibilityWarning the call gave."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = create(client, **kwargs)
    assert response.output_text == "Echo: hi"
    texts = [str(w.message) for w in caught if issubclass(w.category, ds.DeepSeekCompatibilityWarning)]
    assert len(texts) == 1, texts
    body: dict[str, Any] = emu.requests[-1].json
    return body, texts[0]


# --- stateless: item_reference -------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_an_item_reference_is_refused_naming_its_index_and_id(
    mode: str, clients: dict[str, ds.DeepSeek], deepseek_emulator: DeepSeekEmulator
) -> None:
    items = [{"role": "user", "content": "hi"}, {"type": "item_reference", "id": "msg_1"}]
    exc = refused(clients[mode], deepseek_emulator, ds.UnsupportedFeatureError, input=items)
    assert exc.param == "input"
    assert "input[1] is an item_reference to 'msg_1'" in str(exc)


# --- include -------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_encrypted_reasoning_in_include_is_refused_naming_the_value(
    mode: str, clients: dict[str, ds.DeepSeek], deepseek_emulator: DeepSeekEmulator
) -> None:
    exc = refused(
        clients[mode],
        deepseek_emulator,
        ds.UnsupportedFeatureError,
        include=["reasoning.encrypted_content", "message.output_text.logprobs"],
    )
    assert exc.param == "include"
    assert "include=['reasoning.encrypted_content'] asks for encrypted reasoning" in str(exc)


def test_other_include_values_are_dropped_with_a_warning_in_warn_mode(
    clients: dict[str, ds.DeepSeek], deepseek_emulator: DeepSeekEmulator
) -> None:
    body, text = sent_with_warning(
        clients["warn"],
        deepseek_emulator,
        include=["file_search_call.results", "message.output_text.logprobs"],
    )
    assert "include" not in body
    assert "include=['file_search_call.results', 'message.output_text.logprobs']" in text
    assert "(warn mode: include was dropped)" in text


def test_other_include_values_are_refused_in_strict_mode(
    clients: dict[str, ds.DeepSeek], deepseek_emulator: DeepSeekEmulator
) -> None:
    exc = refused(
        clients["strict"], deepseek_emulator, ds.DeepSeekRequestError, include=["file_search_call.results"]
    )
    assert exc.param == "include"
    assert "include=['file_search_call.results']" in str(exc)


@pytest.mark.parametrize("mode", MODES)
def test_an_include_of_null_is_sent_as_given(
    mode: str, clients: dict[str, ds.DeepSeek], deepseek_emulator: DeepSeekEmulator
) -> None:
    """null asks for nothing: no rule has anything to say about it."""
    body = sent_quietly(clients[mode], deepseek_emulator, include=None)
    assert body["include"] is None


# --- tools ---------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_a_built_in_tool_is_refused_naming_its_index_and_type(
    mode: str, clients: dict[str, ds.DeepSeek], deepseek_emulator: DeepSeekEmulator
) -> None:
    exc = refused(
        clients[mode],
        deepseek_emulator,
        ds.UnsupportedFeatureError,
        tools=[FUNCTION_TOOL, {"type": "web_search"}],
    )
    assert exc.param == "tools"
    assert "tools[1] has type 'web_search'" in str(exc)


@pytest.mark.parametrize("mode", MODES)
def test_a_tool_that_is_not_an_object_is_refused_as_having_no_type(
    mode: str, clients: dict[str, ds.DeepSeek], deepseek_emulator: DeepSeekEmulator
) -> None:
    exc = refused(clients[mode], deepseek_emulator, ds.UnsupportedFeatureError, tools=["web_search"])
    assert exc.param == "tools"
    assert "tools[0] has type None" in str(exc)


@pytest.mark.parametrize("mode", MODES)
def test_a_custom_tool_other_than_apply_patch_is_refused_naming_its_index_and_name(
    mode: str, clients: dict[str, ds.DeepSeek], deepseek_emulator: DeepSeekEmulator
) -> None:
    exc = refused(
        clients[mode],
        deepseek_emulator,
        ds.UnsupportedFeatureError,
        tools=[FUNCTION_TOOL, {"type": "custom", "name": "run_sql"}],
    )
    assert exc.param == "tools"
    assert "tools[1] is the custom tool 'run_sql'" in str(exc)


@pytest.mark.parametrize("mode", MODES)
def test_the_custom_tool_apply_patch_is_sent(
    mode: str, clients: dict[str, ds.DeepSeek], deepseek_emulator: DeepSeekEmulator
) -> None:
    tools = [FUNCTION_TOOL, {"type": "custom", "name": "apply_patch"}]
    body = sent_quietly(clients[mode], deepseek_emulator, tools=tools)
    assert [t.get("name") for t in body["tools"]] == ["get_weather", "apply_patch"]


# --- reasoning -----------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["summary", "generate_summary"])
def test_a_reasoning_summary_is_dropped_with_a_warning_in_warn_mode(
    field: str, clients: dict[str, ds.DeepSeek], deepseek_emulator: DeepSeekEmulator
) -> None:
    body, text = sent_with_warning(
        clients["warn"], deepseek_emulator, reasoning={"effort": "low", field: "auto"}
    )
    assert body["reasoning"] == {"effort": "low"}
    assert f"(warn mode: reasoning.{field} was dropped)" in text


@pytest.mark.parametrize("field", ["summary", "generate_summary"])
def test_a_reasoning_summary_is_refused_in_strict_mode(
    field: str, clients: dict[str, ds.DeepSeek], deepseek_emulator: DeepSeekEmulator
) -> None:
    exc = refused(
        clients["strict"],
        deepseek_emulator,
        ds.DeepSeekRequestError,
        reasoning={"effort": "low", field: "auto"},
    )
    assert exc.param == f"reasoning.{field}"
    assert "='auto'" in str(exc)


@pytest.mark.parametrize("mode", MODES)
def test_a_reasoning_of_null_is_sent_as_given(
    mode: str, clients: dict[str, ds.DeepSeek], deepseek_emulator: DeepSeekEmulator
) -> None:
    body = sent_quietly(clients[mode], deepseek_emulator, reasoning=None)
    assert body["reasoning"] is None


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("effort", ["bogus", "HIGH", 5])
def test_an_effort_that_is_not_deepseeks_is_refused(
    mode: str, effort: object, clients: dict[str, ds.DeepSeek], deepseek_emulator: DeepSeekEmulator
) -> None:
    exc = refused(clients[mode], deepseek_emulator, ds.DeepSeekRequestError, reasoning={"effort": effort})
    assert exc.param == "reasoning.effort"
    assert f"reasoning.effort={effort!r} is not a DeepSeek effort" in str(exc)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("alias", "runs_at"), [("minimal", "low"), ("medium", "high"), ("xhigh", "high"), ("ultra", "max")]
)
def test_an_effort_alias_is_sent_as_the_effort_it_runs_at(
    mode: str, alias: str, runs_at: str, clients: dict[str, ds.DeepSeek], deepseek_emulator: DeepSeekEmulator
) -> None:
    body = sent_quietly(clients[mode], deepseek_emulator, reasoning={"effort": alias})
    assert body["reasoning"] == {"effort": runs_at}


# --- Chat Completions' thinking switches in a Responses body --------------------------------

CONTRADICTIONS: dict[str, tuple[dict[str, Any], dict[str, Any] | None, str, dict[str, Any]]] = {
    # name: (extra_body, reasoning, the settings the message names, what warn mode sends)
    "thinking off, effort high": (
        {"thinking": {"type": "disabled"}},
        {"effort": "high"},
        "{'thinking': {'type': 'disabled'}, 'reasoning': {'effort': 'high'}}",
        {"reasoning": {"effort": "high"}},
    ),
    "thinking on, effort none": (
        {"thinking": {"type": "enabled"}},
        {"effort": "none"},
        "{'thinking': {'type': 'enabled'}, 'reasoning': {'effort': 'none'}}",
        {"reasoning": {"effort": "none"}},
    ),
    "reasoning_effort none, effort high": (
        {"reasoning_effort": "none"},
        {"effort": "high"},
        "{'reasoning_effort': 'none', 'reasoning': {'effort': 'high'}}",
        {"reasoning": {"effort": "high"}},
    ),
    "reasoning_effort low, effort high": (
        {"reasoning_effort": "low"},
        {"effort": "high"},
        "{'reasoning_effort': 'low', 'reasoning': {'effort': 'high'}}",
        {"reasoning": {"effort": "high"}},
    ),
    "reasoning_effort alias minimal, effort max": (
        {"reasoning_effort": "minimal"},
        {"effort": "max"},
        "{'reasoning_effort': 'low', 'reasoning': {'effort': 'max'}}",  # minimal runs at low
        {"reasoning": {"effort": "max"}},
    ),
    "thinking off, reasoning_effort high": (
        {"thinking": {"type": "disabled"}, "reasoning_effort": "high"},
        None,
        "{'thinking': {'type': 'disabled'}, 'reasoning_effort': 'high'}",
        {},
    ),
    "thinking on, reasoning_effort none": (
        {"thinking": {"type": "enabled"}, "reasoning_effort": "none"},
        None,
        "{'thinking': {'type': 'enabled'}, 'reasoning_effort': 'none'}",
        {},
    ),
    "all three": (
        {"thinking": {"type": "enabled"}, "reasoning_effort": "low"},
        {"effort": "none"},
        # cut at 80 characters, as every value a message quotes
        "{'thinking': {'type': 'enabled'}, 'reasoning_effort': 'low', 'reasoning': {'e...",
        {"reasoning": {"effort": "none"}},
    ),
}


def _switches(extra: dict[str, Any], reasoning: dict[str, Any] | None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"extra_body": extra}
    if reasoning is not None:
        kwargs["reasoning"] = reasoning
    return kwargs


@pytest.mark.parametrize("name", CONTRADICTIONS)
def test_contradicting_thinking_settings_are_refused_in_strict_mode(
    name: str, clients: dict[str, ds.DeepSeek], deepseek_emulator: DeepSeekEmulator
) -> None:
    extra, reasoning, given, _ = CONTRADICTIONS[name]
    exc = refused(
        clients["strict"], deepseek_emulator, ds.DeepSeekRequestError, **_switches(extra, reasoning)
    )
    assert exc.param == "thinking"
    assert f"the thinking settings {given} contradict each other" in str(exc)


@pytest.mark.parametrize("name", CONTRADICTIONS)
def test_contradicting_chat_switches_are_dropped_with_a_warning_in_warn_mode(
    name: str, clients: dict[str, ds.DeepSeek], deepseek_emulator: DeepSeekEmulator
) -> None:
    """Warn mode drops thinking / reasoning_effort (the Responses API ignores them) and keeps
    reasoning.effort, the only switch section 12 documents; with no reasoning.effort, none is sent."""
    extra, reasoning, given, expected = CONTRADICTIONS[name]
    body, text = sent_with_warning(clients["warn"], deepseek_emulator, **_switches(extra, reasoning))
    assert f"the thinking settings {given} contradict each other" in text
    assert "(warn mode: thinking was dropped)" in text
    assert "thinking" not in body
    assert "reasoning_effort" not in body
    assert {k: body[k] for k in ("reasoning",) if k in body} == expected


AGREEMENTS: dict[str, tuple[dict[str, Any], dict[str, Any] | None, str]] = {
    # name: (extra_body, reasoning, the effort sent)
    "thinking off, effort none": ({"thinking": {"type": "disabled"}}, {"effort": "none"}, "none"),
    "thinking on, effort high": ({"thinking": {"type": "enabled"}}, {"effort": "high"}, "high"),
    "thinking on, effort low": ({"thinking": {"type": "enabled"}}, {"effort": "low"}, "low"),
    "reasoning_effort high, effort high": ({"reasoning_effort": "high"}, {"effort": "high"}, "high"),
    "reasoning_effort alias medium, effort high": (
        {"reasoning_effort": "medium"},
        {"effort": "high"},
        "high",
    ),
    "reasoning_effort none, effort none": ({"reasoning_effort": "none"}, {"effort": "none"}, "none"),
    "thinking off, reasoning_effort none": (
        {"thinking": {"type": "disabled"}, "reasoning_effort": "none"},
        None,
        "none",
    ),
    "thinking on, reasoning_effort low": (
        {"thinking": {"type": "enabled"}, "reasoning_effort": "low"},
        None,
        "low",
    ),
    "thinking off alone": ({"thinking": {"type": "disabled"}}, None, "none"),
    "reasoning_effort max alone": ({"reasoning_effort": "max"}, None, "max"),
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", AGREEMENTS)
def test_agreeing_chat_switches_become_reasoning_effort_quietly(
    mode: str, name: str, clients: dict[str, ds.DeepSeek], deepseek_emulator: DeepSeekEmulator
) -> None:
    extra, reasoning, effort = AGREEMENTS[name]
    body = sent_quietly(clients[mode], deepseek_emulator, **_switches(extra, reasoning))
    assert "thinking" not in body
    assert "reasoning_effort" not in body
    assert body["reasoning"] == {"effort": effort}


# --- max_output_tokens ---------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("value", [1, 2, 393_215, 393_216])
def test_max_output_tokens_within_1_to_393216_is_sent(
    mode: str, value: int, clients: dict[str, ds.DeepSeek], deepseek_emulator: DeepSeekEmulator
) -> None:
    body = sent_quietly(clients[mode], deepseek_emulator, max_output_tokens=value)
    assert body["max_output_tokens"] == value


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("value", [0, -1, 393_217, 1.5, "100", True])
def test_max_output_tokens_outside_1_to_393216_is_refused(
    mode: str, value: object, clients: dict[str, ds.DeepSeek], deepseek_emulator: DeepSeekEmulator
) -> None:
    exc = refused(clients[mode], deepseek_emulator, ds.DeepSeekRequestError, max_output_tokens=value)
    assert exc.param == "max_output_tokens"
    assert f"max_output_tokens={value!r}" in str(exc)
    assert "from 1 to 393216" in str(exc)


@pytest.mark.parametrize("mode", MODES)
def test_max_output_tokens_for_a_model_the_catalogue_does_not_know_names_the_model_maximum(
    mode: str, clients: dict[str, ds.DeepSeek], deepseek_emulator: DeepSeekEmulator
) -> None:
    exc = refused(
        clients[mode], deepseek_emulator, ds.DeepSeekRequestError, model="my-model", max_output_tokens=0
    )
    assert exc.param == "max_output_tokens"
    assert "use 1 <= max_output_tokens <= the model maximum" in str(exc)
    assert "None" not in str(exc)


# --- text.format ---------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fmt", [{"type": "xml"}, {"type": "JSON_OBJECT"}, "json_object", {}])
def test_a_text_format_deepseek_lacks_is_refused(
    mode: str, fmt: object, clients: dict[str, ds.DeepSeek], deepseek_emulator: DeepSeekEmulator
) -> None:
    exc = refused(clients[mode], deepseek_emulator, ds.DeepSeekRequestError, text={"format": fmt})
    assert exc.param == "text"
    assert f"text.format={fmt!r}" in str(exc)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("text", [None, {"format": None}, {"verbosity": "low"}, {"format": {"type": "text"}}])
def test_a_text_without_a_format_deepseek_lacks_is_sent(
    mode: str, text: object, clients: dict[str, ds.DeepSeek], deepseek_emulator: DeepSeekEmulator
) -> None:
    body = sent_quietly(clients[mode], deepseek_emulator, text=text)
    assert body["text"] == text


# --- what the DEBUG log says was applied ---------------------------------------------------


def _rules_logged(caplog: pytest.LogCaptureFixture) -> str:
    lines = [
        r.getMessage() for r in caplog.records if r.name == "deepseek_openai" and "rules: " in r.getMessage()
    ]
    return " | ".join(lines)


@pytest.mark.parametrize("mode", MODES)
def test_the_debug_log_names_the_alias_translation_only_for_an_alias(
    mode: str,
    clients: dict[str, ds.DeepSeek],
    deepseek_emulator: DeepSeekEmulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="deepseek_openai")
    for effort in ("none", "low", "high", "max"):
        create(clients[mode], reasoning={"effort": effort})
    assert "responses.reasoning_effort.alias" not in _rules_logged(caplog)
    caplog.clear()
    create(clients[mode], reasoning={"effort": "medium"})
    assert "responses.reasoning_effort.alias (translate)" in _rules_logged(caplog)
    assert deepseek_emulator.requests[-1].json["reasoning"] == {"effort": "high"}


# --- the source an OpenAI-only parameter cites -----------------------------------------------


def test_an_openai_only_parameter_cites_the_page_of_the_api_it_was_sent_to(
    clients: dict[str, ds.DeepSeek], deepseek_emulator: DeepSeekEmulator
) -> None:
    """The Responses page says unknown parameters are ignored there (deepseek-api.md section 12);
    on chat the Create Chat Completion page is the one that lists the parameters."""
    strict = clients["strict"]
    on_responses = refused(strict, deepseek_emulator, ds.DeepSeekRequestError, metadata={"run": "1"})
    with pytest.raises(ds.DeepSeekRequestError) as info:
        strict.chat.completions.create(
            model=FLASH, messages=[{"role": "user", "content": "hi"}], metadata={"run": "1"}
        )
    on_chat = info.value
    assert on_responses.param == on_chat.param == "metadata"
    assert on_responses.source is not None
    assert on_responses.source.url == "https://api-docs.deepseek.com/guides/responses"
    assert on_chat.source is not None
    assert on_chat.source.url == "https://api-docs.deepseek.com/api/create-chat-completion"


# --- the stateless fields, given as DeepSeek has them ------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "field",
    [
        {"store": False},
        {"background": False},
        {"truncation": "disabled"},
        {"previous_response_id": None},
        {"conversation": None},
        {"prompt": None},
    ],
    ids=lambda f: f"{next(iter(f))}={next(iter(f.values()))}",
)
def test_a_stateless_field_given_as_deepseek_has_it_is_sent_quietly(
    mode: str, field: dict[str, Any], clients: dict[str, ds.DeepSeek], deepseek_emulator: DeepSeekEmulator
) -> None:
    """Section 12: store is always false, nothing runs in the background, the input is never cut;
    asking for exactly that, or giving null, asks for nothing DeepSeek lacks."""
    body = sent_quietly(clients[mode], deepseek_emulator, **field)
    ((key, value),) = field.items()
    assert key in body
    assert body[key] == value


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("field", "error", "shown"),
    [
        ({"previous_response_id": "resp_1"}, ds.UnsupportedFeatureError, "previous_response_id='resp_1'"),
        ({"conversation": "conv_1"}, ds.UnsupportedFeatureError, "conversation='conv_1'"),
        ({"background": True}, ds.UnsupportedFeatureError, "background=True"),
        ({"store": True}, ds.UnsupportedFeatureError, "store=True"),
        ({"prompt": {"id": "pmpt_1"}}, ds.UnsupportedFeatureError, "prompt={'id': 'pmpt_1'}"),
    ],
    ids=lambda v: next(iter(v)) if isinstance(v, dict) else "",
)
def test_a_stateful_field_is_refused_naming_it_and_its_value(
    mode: str,
    field: dict[str, Any],
    error: type[Exception],
    shown: str,
    clients: dict[str, ds.DeepSeek],
    deepseek_emulator: DeepSeekEmulator,
) -> None:
    """Section 12: stateless, so a call that relies on stored state would silently lose it."""
    exc = refused(clients[mode], deepseek_emulator, error, **field)
    assert exc.param == next(iter(field))
    assert shown in str(exc)


def test_truncation_is_refused_in_strict_mode_naming_it_and_its_value(
    clients: dict[str, ds.DeepSeek], deepseek_emulator: DeepSeekEmulator
) -> None:
    exc = refused(clients["strict"], deepseek_emulator, ds.UnsupportedFeatureError, truncation="auto")
    assert exc.param == "truncation"
    assert "truncation='auto'" in str(exc)
