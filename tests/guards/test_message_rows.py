"""What the message and content-part rows of the rule table tell a caller, and what they send.

Facts from deepseek-api.md section 5: the roles are system, user, assistant and tool (``developer`` is
OpenAI's); a tool message carries ``tool_call_id`` (the id of the call it answers, a string); user
content is a string or parts (text, image_url, file), system, assistant and tool content is a string;
``prefix`` is for the last message, an assistant message, on the beta URL only (section 8); while
thinking, ``tool_choice`` 'none' and 'auto' work and a forced choice is refused (section 5); the
parameters DeepSeek does not have are dropped in warn mode and refused in strict mode; vision input is
on deepseek-flash only (section 13).

A feature the catalogue does not list for a model is refused citing the catalogue's source for that
feature: the rows below add a model that lacks one feature, with a source of its own for it, so the
source an error cites shows which one it read.
"""

from __future__ import annotations

import copy
import datetime as dt
import warnings
from types import MappingProxyType
from typing import Any, cast

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

TOOL: dict[str, Any] = {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}
CALL = {
    "role": "assistant",
    "content": None,
    "reasoning_content": "",
    "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}],
}
IMAGE = {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}
MODES: tuple[GuardMode, ...] = ("strict", "warn")
OWN = Source("Test copy: the feature's own page", "https://example.test/feature", dt.date(2026, 1, 2))
"""The source the LACKING row gives the feature it lacks (the model's own source is another)."""


def body_param(exc: Any) -> Any:
    """The ``param`` of the OpenAI-shaped error body (what openai-based code reads)."""
    return exc.body["param"]


# --------------------------------------------------------------------------------------------
# messages.role


@pytest.mark.parametrize("mode", MODES)
def test_a_message_without_a_role_is_refused_naming_its_index_and_asking_for_a_role(mode: GuardMode) -> None:
    exc = refused(chat(messages=[*USER, {"content": "hello"}]), guard_mode=mode)
    assert type(exc) is DeepSeekRequestError
    assert exc.rule == "messages.role"
    assert exc.param == "messages"
    assert body_param(exc) == "messages"
    assert exc.what == "messages[1] has no role"
    assert exc.fix.startswith("give every message a role")
    assert "model_dump()" in exc.fix  # a pydantic message dumped with exclude_unset loses its role
    assert "give every message a role" in str(exc)


@pytest.mark.parametrize("mode", MODES)
def test_the_developer_role_is_refused_with_the_system_role_as_the_fix(mode: GuardMode) -> None:
    exc = refused(chat(messages=[{"role": "developer", "content": "be brief"}, *USER]), guard_mode=mode)
    assert exc.rule == "messages.role"
    assert exc.param == "messages"
    assert exc.what == "messages[0] has role 'developer'"
    assert exc.fix == "use role 'system' for instructions"
    assert "use one of those roles" not in str(exc)


@pytest.mark.parametrize("role", ["critic", "System", "USER", "function"])
def test_another_unknown_role_is_refused_asking_for_one_of_the_four_roles(role: str) -> None:
    exc = refused(chat(messages=[*USER, {"role": role, "content": "x"}]), guard_mode="warn")
    assert exc.rule == "messages.role"
    assert exc.param == "messages"
    assert exc.what == f"messages[1] has role {role!r}"
    assert exc.fix == "use one of those roles"
    assert "system, user, assistant and tool" in exc.why
    assert "'system' for instructions" not in str(exc)


@pytest.mark.parametrize("role", [["assistant"], {"role": "assistant"}, 1], ids=["list", "dict", "int"])
def test_a_role_that_is_no_string_on_a_prefix_message_is_refused_as_an_unknown_role(role: Any) -> None:
    # A list or dict cannot be looked up in a set of roles: the walk must not try (a TypeError
    # would lose the message index and the fix).
    prefix = {"role": role, "content": "def f(", "prefix": True}
    exc = refused(chat(messages=[*USER, prefix]), beta=True, guard_mode="warn")
    assert exc.rule == "messages.role"
    assert exc.what == f"messages[1] has role {role!r}"
    assert exc.fix == "use one of those roles"


@pytest.mark.parametrize("role", ["system", "user", "assistant", "tool"])
def test_each_of_the_four_roles_passes_the_role_row(role: str) -> None:
    message: dict[str, Any] = {"role": role, "content": "x"}
    messages: list[Any] = [*USER, message]
    if role == "assistant":
        message["reasoning_content"] = ""
    if role == "tool":
        message["tool_call_id"] = "c1"
        messages = [*USER, CALL, message]
    prepared = run(chat(messages=messages, tools=[TOOL]), guard_mode="strict")
    assert prepared.body["messages"] == messages


# --------------------------------------------------------------------------------------------
# messages.tool_call_id


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("call_id", "kind"), [(7, "int"), (["c1"], "list"), ({"id": "c1"}, "dict")])
def test_a_tool_call_id_that_is_not_a_string_is_refused_naming_the_message_and_its_type(
    mode: GuardMode, call_id: object, kind: str
) -> None:
    tool = {"role": "tool", "tool_call_id": call_id, "content": "42"}
    exc = refused(chat(messages=[*USER, CALL, tool], tools=[TOOL]), guard_mode=mode)
    assert type(exc) is DeepSeekRequestError
    assert exc.rule == "messages.tool_call_id"
    assert exc.param == "messages"
    assert body_param(exc) == "messages"
    assert exc.what == f"messages[2] is a tool result whose tool_call_id is a {kind}, not a string"


# --------------------------------------------------------------------------------------------
# messages.content_list: text parts outside user messages are joined into one string


def test_text_parts_of_a_system_message_are_joined_and_the_callers_list_is_left_alone(
    deepseek_emulator: DeepSeekEmulator, http: httpx2.Client
) -> None:
    messages: list[Any] = [
        {"role": "system", "content": [{"type": "text", "text": "Be "}, {"type": "text", "text": "brief."}]},
        *USER,
    ]
    before = copy.deepcopy(messages)
    emulator_client(deepseek_emulator, http).chat.completions.create(model=FLASH, messages=messages)
    (request,) = deepseek_emulator.requests
    assert request.json["messages"] == [{"role": "system", "content": "Be brief."}, *USER]
    assert messages == before  # the caller's list and its messages are not changed


@pytest.mark.parametrize("mode", ["strict", "warn", "off"])
def test_two_text_part_messages_are_both_joined_without_touching_the_callers_list(mode: GuardMode) -> None:
    system = {"role": "system", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]}
    answer = {"role": "assistant", "content": [{"type": "text", "text": "c"}]}
    messages: list[Any] = [system, *USER, answer, *USER]
    before = copy.deepcopy(messages)
    prepared = run(chat(messages=messages), guard_mode=mode)
    assert prepared.body["messages"] == [
        {"role": "system", "content": "ab"},
        *USER,
        {"role": "assistant", "content": "c"},
        *USER,
    ]
    assert messages == before
    assert prepared.body["messages"] is not messages


def test_text_parts_after_a_history_backfill_are_joined_and_the_callers_list_is_left_alone() -> None:
    # With tools while thinking the assistant turn needs reasoning_content ('' when lost, section 6).
    turn = {"role": "assistant", "content": [{"type": "text", "text": "done"}]}
    messages: list[Any] = [*USER, turn, *USER]
    before = copy.deepcopy(messages)
    prepared = run(chat(messages=messages, tools=[TOOL]))
    assert prepared.body["messages"] == [
        *USER,
        {"role": "assistant", "content": "done", "reasoning_content": ""},
        *USER,
    ]
    assert messages == before


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("role", ["system", "assistant", "tool"])
def test_a_list_of_plain_strings_outside_a_user_message_is_refused_as_a_bad_part(
    mode: GuardMode, role: str
) -> None:
    message: dict[str, Any] = {"role": role, "content": ["hello"]}
    messages: list[Any] = [*USER, message]
    if role == "tool":
        message["tool_call_id"] = "c1"
        messages = [*USER, CALL, message]
    exc = refused(chat(messages=messages, tools=[TOOL]), guard_mode=mode)
    assert type(exc) is DeepSeekRequestError
    assert exc.rule == "messages.part_shape"
    assert exc.param == "messages"
    assert exc.what == f"messages[{len(messages) - 1}] ({role!r}) has a str in its content list"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("text", [5, None, ["a"], b"a"])
def test_a_text_part_whose_text_is_not_a_string_is_refused_naming_the_message_and_role(
    mode: GuardMode, text: object
) -> None:
    messages: list[Any] = [*USER, {"role": "user", "content": [{"type": "text", "text": text}]}]
    exc = refused(chat(messages=messages), guard_mode=mode)
    assert type(exc) is DeepSeekRequestError
    assert exc.rule == "messages.part_shape"
    assert exc.param == "messages"
    assert body_param(exc) == "messages"
    assert exc.what == "messages[1] ('user') has a text part whose text is not a string"


def test_read_only_mapping_parts_and_messages_are_read_like_dicts() -> None:
    # A Mapping that is not a dict (a read-only view) is a part or message all the same.
    parts = [
        MappingProxyType({"type": "text", "text": "Be "}),
        MappingProxyType({"type": "text", "text": "brief."}),
    ]
    messages: list[Any] = [
        {"role": "system", "content": parts},
        MappingProxyType({"role": "user", "content": "hi"}),
    ]
    prepared = run(chat(messages=messages), guard_mode="strict")
    assert prepared.body["messages"][0] == {"role": "system", "content": "Be brief."}
    assert prepared.body["messages"][1] == {"role": "user", "content": "hi"}


def test_a_read_only_mapping_part_with_a_bad_text_is_refused_as_a_text_part() -> None:
    part = MappingProxyType({"type": "text", "text": 5})
    exc = refused(chat(messages=[{"role": "user", "content": [part]}]), guard_mode="strict")
    assert exc.rule == "messages.part_shape"
    assert exc.what == "messages[0] ('user') has a text part whose text is not a string"


def test_a_non_text_part_beside_text_parts_is_not_joined_in_off_mode() -> None:
    content = [{"type": "text", "text": "a"}, {"type": "input_text", "text": "b"}]
    prepared = run(chat(messages=[{"role": "system", "content": content}, *USER]), guard_mode="off")
    assert prepared.body["messages"][0] == {"role": "system", "content": content}


# --------------------------------------------------------------------------------------------
# prefix: only a last assistant message with prefix=True is a prefix message


@pytest.mark.parametrize("mode", MODES)
def test_a_last_assistant_message_with_prefix_false_is_no_prefix_and_is_sent(mode: GuardMode) -> None:
    messages: list[Any] = [*USER, {"role": "assistant", "content": "Sure", "prefix": False}]
    prepared = run(chat(messages=messages), guard_mode=mode)
    assert prepared.body["messages"] == messages


@pytest.mark.parametrize("mode", MODES)
def test_a_prefix_message_for_a_model_without_prefix_completion_cites_that_features_source(
    mode: GuardMode, lacking: Any
) -> None:
    lacking(Feature.PREFIX_COMPLETION, {Feature.PREFIX_COMPLETION: OWN})
    messages: list[Any] = [*USER, {"role": "assistant", "content": "def f(", "prefix": True}]
    exc = refused(chat(model=LACKING, messages=messages), guard_mode=mode, beta=True)
    assert type(exc) is UnsupportedFeatureError
    assert exc.rule == "messages.prefix_model"
    assert exc.param == "messages"
    assert body_param(exc) == "messages"
    assert exc.what == "messages[1] is a prefix message for model 'deepseek-flash-lacking'"
    assert exc.source == OWN
    assert "(Test copy: the feature's own page, 2026-01-02)" in str(exc)


def test_a_prefix_message_for_a_model_with_prefix_completion_is_sent_on_the_beta_url() -> None:
    messages: list[Any] = [*USER, {"role": "assistant", "content": "def f(", "prefix": True}]
    prepared = run(chat(messages=messages), guard_mode="strict", beta=True)
    assert prepared.body["messages"] == messages


# --------------------------------------------------------------------------------------------
# content parts


@pytest.mark.parametrize("mode", MODES)
def test_a_content_part_without_a_type_is_refused_saying_so(mode: GuardMode) -> None:
    exc = refused(chat(messages=[{"role": "user", "content": [{"text": "hi"}]}]), guard_mode=mode)
    assert type(exc) is UnsupportedFeatureError
    assert exc.rule == "messages.part_type"
    assert exc.param == "messages"
    assert exc.what == "messages[0] ('user') has a content part without a type"


@pytest.mark.parametrize("mode", MODES)
def test_an_image_for_a_model_without_vision_cites_the_vision_source(mode: GuardMode, lacking: Any) -> None:
    lacking(Feature.VISION, {Feature.VISION: OWN})
    body = chat(model=LACKING, messages=[{"role": "user", "content": [{"type": "text", "text": "?"}, IMAGE]}])
    exc = refused(body, guard_mode=mode)
    assert type(exc) is UnsupportedFeatureError
    assert exc.rule == "messages.vision"
    assert exc.param == "messages"
    assert exc.what == "messages[0] has an image part for model 'deepseek-flash-lacking'"
    assert exc.source == OWN


@pytest.mark.parametrize("mode", MODES)
def test_a_responses_image_for_a_model_without_vision_cites_the_vision_source(
    mode: GuardMode, lacking: Any
) -> None:
    lacking(Feature.VISION, {Feature.VISION: OWN})
    image = {"type": "input_image", "image_url": "https://example.com/cat.png"}
    item = {"role": "user", "content": [{"type": "input_text", "text": "?"}, image]}
    exc = refused({"model": LACKING, "input": [item]}, "responses", guard_mode=mode)
    assert type(exc) is UnsupportedFeatureError
    assert exc.param == "input"
    assert "input[0].content[1]" in exc.what
    assert "'deepseek-flash-lacking'" in exc.what
    assert exc.source == OWN


# --------------------------------------------------------------------------------------------
# A parameter DeepSeek does not have: a value that cannot even be compared is not harmless


class Incomparable:
    """A value whose comparison raises TypeError (so it cannot be the harmless best_of=1)."""

    def __eq__(self, other: object) -> bool:
        raise TypeError("cannot compare")

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return "Incomparable()"


def test_a_best_of_that_cannot_be_compared_is_refused_in_strict_mode() -> None:
    exc = refused(chat(best_of=Incomparable()), guard_mode="strict")
    assert exc.rule == "openai_only.best_of"
    assert exc.param == "best_of"
    assert exc.what == "best_of=Incomparable() is an OpenAI-only parameter"


def test_a_best_of_that_cannot_be_compared_is_dropped_in_warn_mode() -> None:
    prepared = run(chat(best_of=Incomparable()), guard_mode="warn")
    assert "best_of" not in prepared.body
    (notice,) = prepared.notices
    assert notice.category is DeepSeekCompatibilityWarning
    assert "best_of=Incomparable()" in notice.message


def test_a_modalities_list_that_cannot_be_compared_is_refused_in_strict_mode() -> None:
    exc = refused(chat(modalities=[Incomparable()]), guard_mode="strict")
    assert exc.rule == "openai_only.modalities"
    assert exc.param == "modalities"


# --------------------------------------------------------------------------------------------
# tool_choice while thinking: 'none' and 'auto' work, a forced choice does not


@pytest.mark.parametrize("choice", ["none", "auto"])
def test_tool_choice_none_or_auto_while_thinking_is_sent_as_given_without_a_warning(
    deepseek_emulator: DeepSeekEmulator, http: httpx2.Client, choice: Any
) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        reply: Any = emulator_client(deepseek_emulator, http).chat.completions.create(
            model=FLASH, messages=USER, tools=[cast(Any, TOOL)], tool_choice=choice
        )
    (request,) = deepseek_emulator.requests
    sent = request.json
    assert sent["tool_choice"] == choice
    assert sent.get("thinking") != {"type": "disabled"}  # thinking stays on (the default, section 4)
    assert [w for w in caught if issubclass(w.category, DeepSeekCompatibilityWarning)] == []
    assert getattr(reply, "deepseek_adjustments", None) in (None, [])


@pytest.mark.parametrize("choice", ["none", "auto"])
def test_tool_choice_none_or_auto_while_thinking_is_not_refused_in_strict_mode(choice: str) -> None:
    prepared = run(chat(tools=[TOOL], tool_choice=choice), guard_mode="strict")
    assert prepared.body["tool_choice"] == choice
    assert prepared.thinking is True
    assert prepared.notices == []


def test_a_forced_tool_choice_while_thinking_is_refused_in_strict_mode() -> None:
    exc = refused(chat(tools=[TOOL], tool_choice="required"), guard_mode="strict")
    assert exc.rule == "tool_choice.thinking"
    assert exc.param == "tool_choice"
