"""The one thinking resolver on its own: what a body, a client and a model say about thinking.

Expected values from deepseek-api.md: ``thinking`` is ``{"type": "enabled" | "disabled"}``;
``reasoning_effort`` is none (thinking off), low, high (the default) or max, with minimal -> low,
medium -> high, xhigh -> high and ultra -> max; the Responses API says it with ``reasoning.effort``
(none is off there too); thinking is on by default on both models; the retired ``deepseek-chat``
meant Flash without thinking and ``deepseek-reasoner`` Flash with it.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import pytest

from deepseek_openai import DeepSeekRequestError
from deepseek_openai._catalogue import resolve_model
from deepseek_openai._thinking import (
    body_thinking,
    call_thinking,
    chat_switches_effort,
    client_thinking,
    effort_value,
    normalize_effort,
    resolve_thinking,
    responses_effort,
    responses_thinking,
    thinking_options,
    thinking_value,
)

OFF = {"type": "disabled"}
ON = {"type": "enabled"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (ON, True),
        (OFF, False),
        (MappingProxyType({"type": "disabled"}), False),
        (True, True),
        (False, False),
        ({"type": "disable"}, None),
        ({"type": None}, None),
        ({}, None),
        ("disabled", None),
        (None, None),
        (0, None),
    ],
)
def test_thinking_value(value: object, expected: bool | None) -> None:
    assert thinking_value(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("none", "none"),
        ("low", "low"),
        ("high", "high"),
        ("max", "max"),
        ("minimal", "low"),
        ("medium", "high"),
        ("xhigh", "high"),
        ("ultra", "max"),
        ("extreme", None),
        ("HIGH", None),
        (None, None),
        (3, None),
        (["high"], None),  # unhashable: still no effort, not a TypeError
        ({"effort": "high"}, None),
    ],
)
def test_effort_value(value: object, expected: str | None) -> None:
    assert effort_value(value) == expected


def test_normalize_effort_maps_or_refuses() -> None:
    assert normalize_effort("ultra") == "max"
    with pytest.raises(
        DeepSeekRequestError, match="reasoning_effort='extreme' is not a DeepSeek effort"
    ) as info:
        normalize_effort("extreme")
    assert info.value.param == "reasoning_effort"
    assert "Thinking Mode" in str(info.value)  # the dated source the error cites


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, None),
        ({"thinking": OFF}, False),
        ({"thinking": ON}, True),
        ({"reasoning_effort": "none"}, False),
        ({"reasoning_effort": "minimal"}, True),
        ({"reasoning_effort": "bogus"}, None),
        # thinking first: it is the switch; an effort beside it does not override it
        ({"thinking": OFF, "reasoning_effort": "max"}, False),
        ({"thinking": ON, "reasoning_effort": "none"}, True),
        ({"thinking": {"type": "maybe"}, "reasoning_effort": "none"}, False),
    ],
)
def test_body_thinking(body: dict[str, Any], expected: bool | None) -> None:
    assert body_thinking(body) is expected


@pytest.mark.parametrize(
    ("body", "effort", "thinks"),
    [
        ({}, None, None),
        ({"reasoning": {"effort": "none"}}, "none", False),
        ({"reasoning": {"effort": "max"}}, "max", True),
        ({"reasoning": {"effort": "medium"}}, "medium", True),
        ({"reasoning": {"effort": "loud"}}, "loud", None),
        ({"reasoning": "high"}, None, None),
        ({"reasoning": None}, None, None),
    ],
)
def test_responses_effort_and_thinking(body: dict[str, Any], effort: object, thinks: bool | None) -> None:
    assert responses_effort(body) == effort  # as given, not mapped
    assert responses_thinking(body) is thinks


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, None),
        ({"thinking": OFF}, "none"),
        ({"thinking": ON}, "high"),
        ({"reasoning_effort": "ultra"}, "max"),
        ({"reasoning_effort": "low", "thinking": ON}, "low"),
        ({"reasoning_effort": "none", "thinking": ON}, "none"),
        ({"reasoning_effort": "bogus", "thinking": OFF}, "none"),
    ],
)
def test_chat_switches_as_a_responses_effort(body: dict[str, Any], expected: str | None) -> None:
    assert chat_switches_effort(body) == expected


@pytest.mark.parametrize(
    ("thinking", "effort", "expected"),
    [
        (None, None, None),
        (False, None, False),
        (True, None, True),
        (None, "none", False),
        (None, "max", True),
        (None, "minimal", True),
        (True, "none", True),  # the explicit switch first
        (False, "max", False),
    ],
)
def test_client_thinking(thinking: bool | None, effort: str | None, expected: bool | None) -> None:
    assert client_thinking(thinking, effort) is expected


def test_resolve_thinking_order() -> None:
    flash = resolve_model("deepseek-flash")
    chat = resolve_model("deepseek-chat")  # retired: meant thinking off
    reasoner = resolve_model("deepseek-reasoner")  # retired: meant thinking on
    unknown = resolve_model("my-finetune")
    # the body's own switch beats everything
    assert resolve_thinking({"thinking": ON}, thinking=False, effort="none", model=chat) is True
    assert resolve_thinking({"reasoning_effort": "none"}, thinking=True, model=reasoner) is False
    # then what a retired name meant, over the client's defaults
    assert resolve_thinking({}, thinking=True, model=chat) is False
    assert resolve_thinking({}, thinking=False, model=reasoner) is True
    # then the client's defaults, over the model's default (on)
    assert resolve_thinking({}, thinking=False, model=flash) is False
    assert resolve_thinking({}, effort="none", model=flash) is False
    assert resolve_thinking({}, effort="low", model=unknown) is True
    # then the model's default: on for both models
    assert resolve_thinking({}, model=flash) is True
    assert resolve_thinking({}, model=resolve_model("deepseek-v4-pro")) is True
    # nothing says: an unknown model, or no model
    assert resolve_thinking({}, model=unknown) is None
    assert resolve_thinking({}) is None


def test_call_thinking_reads_the_create_keywords_and_extra_body() -> None:
    assert call_thinking(None, None, "deepseek-flash", {}) is True
    assert call_thinking(None, None, "deepseek-flash", {"extra_body": {"thinking": OFF}}) is False
    assert call_thinking(None, None, "deepseek-flash", {"reasoning_effort": "none"}) is False
    # extra_body is merged over the keywords, as openai sends it
    kwargs = {"reasoning_effort": "none", "extra_body": {"reasoning_effort": "max"}}
    assert call_thinking(None, None, "deepseek-flash", kwargs) is True
    assert call_thinking(None, None, "deepseek-chat", {}) is False
    assert call_thinking(True, None, None, {}) is True
    assert call_thinking(None, "none", "my-finetune", {"extra_body": None}) is False
    assert call_thinking(None, None, None, {}) is None
    # a model that is no string (a list by mistake) is not looked up in the catalogue
    assert call_thinking(None, None, ["deepseek-chat"], {}) is None  # type: ignore[arg-type]


def test_thinking_options_keeps_the_callers_extra_body() -> None:
    given = {"user_id": "u1", "thinking": OFF}
    assert thinking_options(False, extra_body=given) == {"extra_body": {"user_id": "u1", "thinking": OFF}}
    assert given == {"user_id": "u1", "thinking": OFF}  # a copy was merged, not the caller's dict
    assert thinking_options(extra_body={"user_id": "u1"}) == {"extra_body": {"user_id": "u1"}}
    assert thinking_options(effort="low", extra_body={"thinking": ON}) == {
        "reasoning_effort": "low",
        "extra_body": {"thinking": ON},
    }


@pytest.mark.parametrize(
    ("kwargs", "param", "says"),
    [
        ({"enabled": 1}, "thinking", "thinking_options(enabled=1)"),
        (
            {"enabled": False, "effort": "low"},
            "reasoning_effort",
            "thinking_options(enabled=False, effort='low') contradicts itself",
        ),
        (
            {"enabled": True, "effort": "none"},
            "reasoning_effort",
            "thinking_options(enabled=True, effort='none') contradicts itself",
        ),
        (
            {"enabled": False, "extra_body": {"thinking": ON}},
            "thinking",
            "extra_body['thinking']={'type': 'enabled'} contradicts thinking_options(enabled=False)",
        ),
        (
            {"effort": "max", "extra_body": {"thinking": OFF}},
            "thinking",
            "contradicts thinking_options(enabled=True)",
        ),
        (
            {"enabled": True, "extra_body": {"thinking": "on"}},
            "thinking",
            "contradicts thinking_options(enabled=True)",
        ),
    ],
)
def test_thinking_options_refusals_name_the_parameter(kwargs: dict[str, Any], param: str, says: str) -> None:
    with pytest.raises(DeepSeekRequestError) as info:
        thinking_options(**kwargs)
    assert info.value.param == param
    assert says in str(info.value)
    assert "Thinking Mode" in str(info.value)  # the dated source the error cites


def test_thinking_options_agreeing_switches_are_fine() -> None:
    assert thinking_options(True, "max") == {"reasoning_effort": "max", "extra_body": {"thinking": ON}}
    assert thinking_options(False, "none") == {"extra_body": {"thinking": OFF}}
    assert thinking_options(True, extra_body={"thinking": ON}) == {"extra_body": {"thinking": ON}}
