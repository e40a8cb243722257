"""What the pipeline promises a row, where today's table cannot show it.

Every keyed MESSAGE row of the table needs the same key (``prefix``) and checks it again itself, no
DROP row's repair reads the request's state, and only compatibility notices are keyed: so the table
alone cannot tell whether the walk honours a row's own keys and roles, whether a repair is handed
the request, or how a notice is keyed. These tests add rows of their own to the table.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from deepseek_openai import DeepSeekCompatibilityWarning, RetiredModelWarning, _pipeline
from deepseek_openai._catalogue import CHAT_API_PAGE
from deepseek_openai._rules import (
    CHAT,
    IGNORED,
    REJECTED,
    RULES,
    TRANSLATED,
    Action,
    Finding,
    Prepared,
    Rule,
    Scope,
)
from deepseek_openai.testing import DeepSeekEmulator
from tests.guards._support import USER, chat, emulator_client, run

MET: list[tuple[str, int]] = []


def _recording(row: str) -> Any:
    def check(message: Any, i: int, p: Any) -> None:
        MET.append((row, i))

    return check


def _row(row: str, check: Any, **columns: Any) -> Rule:
    columns.setdefault("action", REJECTED)
    return Rule(row, CHAT, check, what="$what", why="a test row", fix="none", source=CHAT_API_PAGE, **columns)


def _keyed(row: str, keys: set[str], roles: set[str] | None) -> Rule:
    return _row(
        row,
        _recording(row),
        keys=frozenset(keys),
        roles=None if roles is None else frozenset(roles),
        scope=Scope.MESSAGE,
    )


@pytest.fixture
def table(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Add rows to the table for one test (the plans are worked out again before and after)."""

    def add(*rows: Rule) -> None:
        monkeypatch.setattr(_pipeline, "RULES", (*RULES, *rows))
        _pipeline.plan.cache_clear()

    MET.clear()
    yield add
    _pipeline.plan.cache_clear()


@pytest.fixture
def keyed(table: Any) -> None:
    """A row keyed on ``name`` for user messages and one keyed on ``tag`` for any message."""
    table(_keyed("test.name", {"name"}, {"user"}), _keyed("test.tag", {"tag"}, None))


# --------------------------------------------------------------------------------------------
# The walk's index: a keyed MESSAGE row meets only the messages that have one of its keys


@pytest.mark.usefixtures("keyed")
def test_a_message_meets_only_the_keyed_rows_whose_key_it_has() -> None:
    messages: list[Any] = [
        {"role": "user", "content": "a", "tag": 1},
        {"role": "user", "content": "b", "name": "x"},
    ]
    run(chat(messages=messages))
    assert MET == [("test.tag", 0), ("test.name", 1)]


@pytest.mark.usefixtures("keyed")
def test_a_message_with_another_rows_key_does_not_meet_this_one() -> None:
    # The message wakes the walk's keyed rows (it has "prefix", a key of the table's own rows) but
    # has neither "name" nor "tag".
    messages: list[Any] = [*USER, {"role": "assistant", "content": "def f(", "prefix": True}]
    run(chat(messages=messages), beta=True)
    assert MET == []


@pytest.mark.usefixtures("keyed")
def test_a_keyed_row_for_one_role_does_not_meet_another_role_with_its_key() -> None:
    messages: list[Any] = [
        *USER,
        {"role": "assistant", "content": "a", "name": "x", "reasoning_content": ""},
        {"role": "user", "content": "b", "name": "x"},
    ]
    run(chat(messages=messages))
    assert MET == [("test.name", 2)]


@pytest.mark.usefixtures("keyed")
def test_without_keyed_keys_a_message_meets_no_keyed_row() -> None:
    run(chat(messages=[{"role": "user", "content": "a"}, {"role": "user", "content": "b"}]))
    assert MET == []


# --------------------------------------------------------------------------------------------
# Acting on a finding


def test_a_drop_repair_is_handed_the_request_it_repairs(table: Any) -> None:
    def check(body: dict[str, Any], p: Prepared) -> Finding | None:
        return Finding("temperature", what="temperature") if "temperature" in body else None

    def repair(body: dict[str, Any], finding: Finding, p: Prepared) -> None:
        body.pop("temperature")
        p.adjust("test.drop", f"temperature dropped for {p.model.id if p.model else None}")

    table(_row("test.drop", check, action=IGNORED, keys=frozenset({"temperature"}), repair=repair))
    prepared = run(chat(temperature=0.5))
    assert "temperature" not in prepared.body
    assert ("test.drop", Action.DROP) in prepared.applied
    assert prepared.adjustments == [
        {"rule": "test.drop", "message": "temperature dropped for deepseek-flash"}
    ]


def test_a_compatibility_notice_is_keyed_by_its_findings_key_else_by_its_parameter(table: Any) -> None:
    def check(body: dict[str, Any], p: Prepared) -> list[Finding]:
        return [
            Finding("temperature", key="first"),
            Finding("temperature", key="second"),
            Finding("temperature"),
        ]

    table(
        _row(
            "test.notice",
            check,
            action=TRANSLATED,
            keys=frozenset({"temperature"}),
            repair=lambda body, finding, p: None,
            notice=DeepSeekCompatibilityWarning,
            translated="translated",
        )
    )
    notices = run(chat(temperature=0.5)).notices
    assert [n.key for n in notices if n.key and n.key[0] == "test.notice"] == [
        ("test.notice", "first"),
        ("test.notice", "second"),
        ("test.notice", "temperature"),
    ]


def test_a_retired_name_warns_at_every_call_and_a_compatibility_notice_once_per_client(
    deepseek_emulator: DeepSeekEmulator, http: httpx2.Client
) -> None:
    # Python's warning filters decide how often a RetiredModelWarning is shown (once per call site by
    # default, tests/test_warnings.py): the client must not hide a second call site's warning.
    client = emulator_client(deepseek_emulator, http)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        for _ in range(2):
            client.chat.completions.create(model="deepseek-chat", messages=USER)
        for _ in range(2):
            client.chat.completions.create(
                model="deepseek-flash",
                messages=USER,
                response_format={
                    "type": "json_schema",
                    "json_schema": {"name": "a", "schema": {"type": "object"}},
                },
            )
    categories = [
        w.category for w in seen if issubclass(w.category, RetiredModelWarning | DeepSeekCompatibilityWarning)
    ]
    assert categories == [RetiredModelWarning, RetiredModelWarning, DeepSeekCompatibilityWarning]
