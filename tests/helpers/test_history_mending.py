"""The history functions on their own: which assistant turns lack ``reasoning_content``, and how they
are mended (thinking-mode page: with tools, every earlier assistant turn carries it, ``""`` counts;
chat prefix completion's last message "may also carry" it, so a prefix turn is exempt).

Pure functions over plain messages; the HTTP round trip is in test_history.py.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from deepseek_openai._history import backfill, missing_reasoning

USER = {"role": "user", "content": "Weather in Paris?"}
BARE = {"role": "assistant", "content": "Let me look.", "tool_calls": []}
"""An assistant turn a framework sent back without its reasoning."""


def test_a_prefix_turn_needs_no_reasoning() -> None:
    prefix = {"role": "assistant", "content": "```python\n", "prefix": True}
    assert missing_reasoning([USER, BARE, USER, prefix]) == [1]


def test_a_prefix_false_turn_is_not_exempt() -> None:
    assert missing_reasoning([USER, {**BARE, "prefix": False}]) == [1]


def test_a_turn_held_in_a_read_only_mapping_is_looked_at_too() -> None:
    """Messages can be any Mapping (a MappingProxyType, a framework's own class), not only dicts."""
    turn = MappingProxyType(dict(BARE))
    assert missing_reasoning([USER, turn]) == [1]
    fixed = backfill([USER, turn])
    assert fixed is not None
    assert fixed[1]["reasoning_content"] == ""


def test_messages_that_are_not_mappings_are_left_alone() -> None:
    """A message object that is no mapping (a string, a model instance) is not a dict turn to mend."""

    class Message:
        role = "assistant"

    odd: list[Any] = [USER, "assistant", Message(), 7]
    assert missing_reasoning(odd) == []
    assert backfill(odd) is None


def test_the_real_reasoning_is_kept_when_a_foreign_field_goes() -> None:
    """Anthropic's thinking_blocks beside a real reasoning_content: the foreign field goes, the text stays."""
    turn = {**BARE, "reasoning_content": "Paris: call the tool.", "thinking_blocks": [{"thinking": "x"}]}
    before = copy.deepcopy(turn)
    fixed = backfill([USER, turn])
    assert fixed is not None
    assert fixed[1] == {**BARE, "reasoning_content": "Paris: call the tool."}
    assert turn == before  # copy on write


def test_a_renamed_reasoning_field_gives_its_text() -> None:
    fixed = backfill([USER, {**BARE, "reasoning": "Use the weather tool."}])
    assert fixed is not None
    assert fixed[1] == {**BARE, "reasoning_content": "Use the weather tool."}


def test_recall_supplies_the_reasoning_the_client_saw() -> None:
    seen: list[Mapping[str, Any]] = []

    def recall(message: Mapping[str, Any]) -> str | None:
        seen.append(message)
        return "I should call get_weather."

    fixed = backfill([USER, BARE], recall)
    assert fixed is not None
    assert fixed[1]["reasoning_content"] == "I should call get_weather."
    assert seen == [BARE]  # asked about that very turn


def test_recall_may_remember_an_empty_reasoning() -> None:
    fixed = backfill([USER, BARE], lambda message: "")
    assert fixed is not None
    assert fixed[1]["reasoning_content"] == ""


def test_what_recall_does_not_know_becomes_an_empty_reasoning() -> None:
    fixed = backfill([USER, BARE], lambda message: None)
    assert fixed is not None
    assert fixed[1]["reasoning_content"] == ""


def test_a_well_formed_history_is_not_copied() -> None:
    history = [USER, {**BARE, "reasoning_content": ""}]
    assert missing_reasoning(history) == []
    assert backfill(history) is None
