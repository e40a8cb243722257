"""The translations of the rule table (retired names, OpenAI's names for DeepSeek's parameters, the
thinking switches) and how values are shown in the errors.

From deepseek-api.md: section 1 and 4 (deepseek-chat meant V4-Flash with thinking off, deepseek-reasoner
with thinking on, both retired 2026-07-24, the API answers 400), section 5 (thinking is
``{"type": "enabled" | "disabled"}``; reasoning_effort none/low/high/max, minimal->low, medium->high,
xhigh->high, ultra->max; ``max_completion_tokens`` is not DeepSeek's name, ``max_tokens`` is; stop is
a string or a list of at most 16; temperature 0..2), section 12 (Responses: ``reasoning.effort``).
"""

from __future__ import annotations

from typing import Any

import pytest

from deepseek_openai import DeepSeekCompatibilityWarning, DeepSeekRequestError, RetiredModelWarning
from deepseek_openai._pipeline import prepare_request
from deepseek_openai._rules import Policy, Prepared
from deepseek_openai._settings import GuardMode

USER: list[Any] = [{"role": "user", "content": "hi"}]
MODES: tuple[GuardMode, ...] = ("strict", "warn")
ALIASES = {"minimal": "low", "medium": "high", "xhigh": "high", "ultra": "max"}
"""deepseek-api.md section 5: the effort aliases the API accepts and maps."""


def chat(**body: Any) -> dict[str, Any]:
    body.setdefault("model", "deepseek-flash")
    body.setdefault("messages", USER)
    return body


def run(body: dict[str, Any], kind: Any = "chat", **policy: Any) -> Prepared:
    return prepare_request(kind, body, Policy(**policy))


def refused(body: dict[str, Any], kind: Any = "chat", **policy: Any) -> Any:
    with pytest.raises(DeepSeekRequestError) as info:
        run(body, kind, **policy)
    return info.value


# --------------------------------------------------------------------------------------------
# Retired model names


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("kind", "body", "fix"),
    [
        ("chat", chat(model="deepseek-chat"), "use model='deepseek-flash', thinking=False"),
        ("chat", chat(model="deepseek-reasoner"), "use model='deepseek-flash'"),
        (
            "responses",
            {"model": "deepseek-chat", "input": "hi"},
            "use model='deepseek-flash', reasoning={'effort': 'none'}",
        ),
        ("responses", {"model": "deepseek-reasoner", "input": "hi"}, "use model='deepseek-flash'"),
        (
            "fim",
            {"model": "deepseek-chat", "prompt": "def f():"},
            "use model='deepseek-flash'",
        ),  # FIM never thinks
    ],
    ids=["chat-off", "chat-on", "responses-off", "responses-on", "fim"],
)
def test_a_retired_name_refused_by_policy_names_the_model_and_the_replacement(
    mode: GuardMode, kind: str, body: dict[str, Any], fix: str
) -> None:
    err = refused(dict(body), kind, retired="error", guard_mode=mode, beta=kind == "fim")
    assert (err.rule, err.param) == ("model.retired", "model")
    assert err.what == f"model={body['model']!r} is retired"
    assert err.fix == fix
    assert "2026-07-24" in err.why


def test_a_retired_name_is_sent_as_its_replacement_with_its_thinking_mode() -> None:
    off = run(chat(model="deepseek-chat"))
    assert off.body["model"] == "deepseek-flash"
    assert off.body["thinking"] == {"type": "disabled"}
    assert (off.thinking, off.implied_thinking) == (False, False)
    on = run(chat(model="deepseek-reasoner"))
    assert on.body["model"] == "deepseek-flash"
    assert (on.thinking, on.implied_thinking) == (True, True)
    for prepared in (off, on):
        [notice] = prepared.notices
        assert notice.category is RetiredModelWarning
        assert "2026-07-24" in notice.message


def test_a_retired_name_for_fim_gets_no_thinking_mode() -> None:
    prepared = run({"model": "deepseek-chat", "prompt": "def f():"}, "fim", beta=True)
    assert prepared.body == {"model": "deepseek-flash", "prompt": "def f():"}
    assert prepared.implied_thinking is None
    assert prepared.thinking is None


def test_a_retired_name_for_responses_turns_thinking_off_with_the_effort() -> None:
    prepared = run({"model": "deepseek-chat", "input": "hi"}, "responses")
    assert prepared.body == {"model": "deepseek-flash", "input": "hi", "reasoning": {"effort": "none"}}
    assert prepared.thinking is False


# --------------------------------------------------------------------------------------------
# OpenAI's names and DeepSeek's switches


@pytest.mark.parametrize("mode", [*MODES, "off"])
def test_max_completion_tokens_is_sent_as_max_tokens(mode: GuardMode) -> None:
    prepared = run(chat(max_completion_tokens=5), guard_mode=mode)
    assert prepared.body == chat(max_tokens=5)
    same = run(chat(max_completion_tokens=5, max_tokens=5), guard_mode=mode)
    assert same.body == chat(max_tokens=5)
    assert same.notices == []


def test_max_completion_tokens_beside_another_max_tokens_keeps_max_tokens_in_warn_mode() -> None:
    prepared = run(chat(max_completion_tokens=5, max_tokens=7))
    assert prepared.body == chat(max_tokens=7)
    [notice] = prepared.notices
    assert notice.category is DeepSeekCompatibilityWarning
    assert "max_completion_tokens=5 and max_tokens=7" in notice.message


@pytest.mark.parametrize(("given", "sent", "thinking"), [(True, "enabled", True), (False, "disabled", False)])
def test_a_bool_thinking_is_sent_as_deepseeks_object(given: bool, sent: str, thinking: bool) -> None:
    prepared = run(chat(thinking=given))
    assert prepared.body["thinking"] == {"type": sent}
    assert prepared.thinking is thinking
    assert prepared.notices == []


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        ("minimal", "low"),
        ("medium", "high"),
        ("xhigh", "high"),
        ("ultra", "max"),
        ("low", "low"),
        ("max", "max"),
    ],
)
def test_effort_aliases_are_sent_as_the_effort_they_map_to(given: str, sent: str) -> None:
    prepared = run(chat(reasoning_effort=given))
    assert prepared.body["reasoning_effort"] == sent
    assert prepared.notices == []
    assert [rule for rule, _ in prepared.applied] == (["reasoning_effort.alias"] if given != sent else [])


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("thinking", "effort"), [("enabled", "none"), ("disabled", "high"), ("disabled", "medium")]
)
def test_thinking_against_the_effort_is_sent_with_a_warning(
    mode: GuardMode, thinking: str, effort: str
) -> None:
    body = chat(thinking={"type": thinking}, reasoning_effort=effort)
    prepared = run(body, guard_mode=mode)
    assert prepared.body["thinking"] == {"type": thinking}
    [notice] = prepared.notices
    assert notice.category is DeepSeekCompatibilityWarning
    assert notice.message.startswith(
        f"thinking={{'type': {thinking!r}}} contradicts reasoning_effort={ALIASES.get(effort, effort)!r}. "
    )


@pytest.mark.parametrize(
    ("thinking", "effort"), [("enabled", "high"), ("disabled", "none"), ("enabled", "max")]
)
def test_thinking_that_agrees_with_the_effort_is_sent_quietly(thinking: str, effort: str) -> None:
    prepared = run(chat(thinking={"type": thinking}, reasoning_effort=effort), guard_mode="strict")
    assert prepared.notices == []


# --------------------------------------------------------------------------------------------
# How values are shown, and what counts as a number or a list


@pytest.mark.parametrize(("length", "shown"), [(77, None), (78, None), (79, 77), (120, 77)])
def test_values_are_shown_up_to_80_characters(length: int, shown: int | None) -> None:
    value = "x" * length
    err = refused(chat(temperature=value))
    text = repr(value)
    expected = text if shown is None else text[:shown] + "..."
    assert err.what == f"temperature={expected}"


@pytest.mark.parametrize("value", [True, False, "1", [1]])
def test_a_bool_or_a_string_is_not_a_temperature(value: Any) -> None:
    err = refused(chat(temperature=value))
    assert (err.rule, err.param) == ("temperature", "temperature")


@pytest.mark.parametrize("value", [0, 0.0, 1, 2, 2.0])
def test_ints_and_floats_within_the_range_are_temperatures(value: Any) -> None:
    assert run(chat(temperature=value), guard_mode="strict").body["temperature"] == value


@pytest.mark.parametrize(
    "stop", [tuple(str(i) for i in range(17)), [str(i) for i in range(17)]], ids=["tuple", "list"]
)
def test_seventeen_stop_sequences_are_refused_as_a_list_or_a_tuple(stop: Any) -> None:
    err = refused(chat(stop=stop))
    assert (err.rule, err.param) == ("stop", "stop")
    assert run(chat(stop=stop[:16])).body["stop"] == stop[:16]
