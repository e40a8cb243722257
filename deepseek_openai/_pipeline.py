"""The request pipeline: runs the rule table over one body, and nothing else.

    translate  the TRANSLATE rows (model names, OpenAI's names, thinking values), then the
               client's default thinking mode and effort, as each kind of body carries them
    history    the HISTORY rows, once thinking is settled: a forced tool choice while thinking turns
               thinking off for the call; then the reasoning_content round trip when tools are sent
               while thinking
    check      the CHECK rows: refuse, drop or warn, as each row says for the guard mode

Pure: it works on a shallow copy of the body (nested lists are copied on write), returns the
body to send with the notices to emit, and never touches the network. Which rows run for a kind
of request and a policy is worked out once and cached, so a plain body costs a few dict lookups.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from ._catalogue import API_LIMITS, resolve_model
from ._errors import NOT_SENT, DeepSeekCompatibilityWarning
from ._rules import (
    ROLES,
    RULES,
    Action,
    BodyKind,
    Finding,
    Notice,
    Phase,
    Policy,
    Prepared,
    Recall,
    Rule,
    Scope,
    fill,
)
from ._thinking import body_thinking
from ._translate import settle_responses_thinking, settle_thinking

Step = tuple[Rule, Action]


class _Walk:
    """The MESSAGE and PART rows, run in one pass over the messages.

    The MESSAGE rows are sorted by the role they read, so a message meets only its role's rows
    (a user turn of a plain chat meets none), and the rows that need a key only when it is there.

    The PART rows are sorted the same way by the part type they read, so a text part meets only
    the rows for every part and an image part the image rows.
    """

    __slots__ = ("by_part", "by_role", "keyed", "keys", "other_parts", "parts", "unknown")

    def __init__(self, messages: tuple[Step, ...], parts: tuple[Step, ...]) -> None:
        def reads(step: Step, role: str | None) -> bool:
            roles = step[0].roles
            if role is None:
                return roles is None or not roles
            return roles is None or role in roles

        def reads_part(step: Step, kind: str | None) -> bool:
            kinds = step[0].parts
            if kind is None:
                return kinds is None or not kinds
            return kinds is None or kind in kinds

        plain = tuple(s for s in messages if s[0].keys is None)
        keyed = tuple(s for s in messages if s[0].keys is not None)
        self.by_role = {role: tuple(s for s in plain if reads(s, role)) for role in ROLES}
        self.unknown = tuple(s for s in plain if reads(s, None))
        self.keyed = keyed
        self.keys: frozenset[str] = frozenset().union(*(s[0].keys or () for s in keyed))
        self.parts = parts
        named = frozenset().union(*(s[0].parts or () for s in parts))
        self.by_part = {kind: tuple(s for s in parts if reads_part(s, kind)) for kind in named}
        self.other_parts = tuple(s for s in parts if reads_part(s, None))

    def part_rows(self, part: object) -> tuple[Step, ...]:
        kind = part.get("type") if type(part) is dict or isinstance(part, Mapping) else None
        rows = self.by_part.get(kind) if type(kind) is str else None
        return self.other_parts if rows is None else rows

    def rows(self, role: object, message: Mapping[str, Any]) -> tuple[Step, ...]:
        rows = self.by_role.get(role) if type(role) is str else None
        if rows is None:
            rows = self.unknown
        if self.keyed and not self.keys.isdisjoint(message):
            rows = rows + tuple(s for s in self.keyed if _message_reads(s, role, message))
        return rows


def _message_reads(step: Step, role: object, message: Mapping[str, Any]) -> bool:
    rule = step[0]
    keys = rule.keys
    if keys is not None and keys.isdisjoint(message):
        return False
    return rule.roles is None or (type(role) is str and role in rule.roles)


class _Phase:
    """One phase's active steps, and which of them a body's keys wake (worked out once per key set)."""

    __slots__ = ("_selected", "keys", "steps")

    def __init__(self, steps: tuple[Step | _Walk, ...]) -> None:
        self.steps = steps
        self.keys: frozenset[str] = frozenset().union(
            *(s[0].keys or () for s in steps if not isinstance(s, _Walk))
        )
        self._selected: dict[frozenset[str], tuple[Step | _Walk, ...]] = {}

    def select(self, body: Mapping[str, Any]) -> tuple[Step | _Walk, ...]:
        """The steps to run for ``body``: those without keys, and those one of whose keys it has."""
        present = self.keys.intersection(body)
        hit = self._selected.get(present)
        if hit is None:
            if len(self._selected) >= _SELECTIONS:
                self._selected.clear()
            hit = self._selected[present] = tuple(s for s in self.steps if _wakes(s, present))
        return hit


def _wakes(step: Step | _Walk, present: frozenset[str]) -> bool:
    if isinstance(step, _Walk):
        return True
    keys = step[0].keys
    return keys is None or not keys.isdisjoint(present)


_SELECTIONS: Final = 256
"""Distinct key sets remembered per phase (code sends the same few shapes over and over)."""


@dataclass(frozen=True, slots=True)
class Plan:
    """The rows that can act for one kind of request under one policy, by phase."""

    translate: _Phase
    history: _Phase
    check: _Phase


@functools.lru_cache(maxsize=256)
def plan(kind: BodyKind, policy: Policy) -> Plan:
    """The active rows: those for ``kind`` whose action under ``policy`` is not a silent send.

    Clients keep their plans (:func:`prepare_request` takes one), so this runs once per policy.
    """
    by_phase: dict[Phase, list[Step]] = {phase: [] for phase in Phase}
    for rule in RULES:
        if kind in rule.kinds:
            action = rule.action(policy)
            if action is not Action.SEND:
                by_phase[rule.phase].append((rule, action))
    check: list[Step | _Walk] = []
    messages = [s for s in by_phase[Phase.CHECK] if s[0].scope is Scope.MESSAGE]
    parts = [s for s in by_phase[Phase.CHECK] if s[0].scope is Scope.PART]
    for step in by_phase[Phase.CHECK]:
        if step[0].scope is Scope.BODY:
            check.append(step)
        elif not any(isinstance(s, _Walk) for s in check):
            check.append(_Walk(tuple(messages), tuple(parts)))
    return Plan(
        _Phase(tuple(by_phase[Phase.TRANSLATE])), _Phase(tuple(by_phase[Phase.HISTORY])), _Phase(tuple(check))
    )


def prepare_request(
    kind: BodyKind,
    body: Mapping[str, Any],
    policy: Policy,
    steps: Plan | None = None,
    recall: Recall | None = None,
) -> Prepared:
    """Apply the translations, the history policy and the checks to one request body.

    ``steps`` is ``plan(kind, policy)``, passed by callers that keep it; ``recall`` is the client's
    reasoning memory (read only).
    """
    out = dict(body)
    model = out.get("model")
    resolved = resolve_model(model) if type(model) is str else None
    info = resolved.info if resolved is not None else None
    prepared = Prepared(out, policy, kind, resolved, info.limits if info is not None else API_LIMITS)
    prepared.recall = recall
    if steps is None:
        steps = plan(kind, policy)
    _run(steps.translate.select(out), out, prepared)
    prepared.thinking = _SETTLE[kind](out, prepared)
    _run(steps.history.select(out), out, prepared)
    _run(steps.check.select(out), out, prepared)
    return prepared


def _settle_chat(body: dict[str, Any], p: Prepared) -> bool | None:
    return settle_thinking(body, p.model, p.implied_thinking, p.policy.thinking, p.policy.effort)


def _settle_responses(body: dict[str, Any], p: Prepared) -> bool | None:
    return settle_responses_thinking(body, p.model, p.implied_thinking, p.policy.thinking, p.policy.effort)


def _settle_fim(body: dict[str, Any], p: Prepared) -> bool | None:
    # FIM never thinks, so the client's default thinking mode is deliberately not applied.
    return body_thinking(body)


_SETTLE: Final[dict[BodyKind, Callable[[dict[str, Any], Prepared], bool | None]]] = {
    "chat": _settle_chat,
    "responses": _settle_responses,
    "fim": _settle_fim,
    "files": lambda body, p: None,  # an upload has no thinking mode
}
"""How each kind of body settles its thinking mode after the translations: the client's defaults
written the way that endpoint carries them (``thinking`` / ``reasoning_effort``, ``reasoning.effort``)."""


def _run(steps: tuple[Step | _Walk, ...], body: dict[str, Any], prepared: Prepared) -> None:
    for step in steps:
        if type(step) is _Walk:
            _walk(step, body, prepared)
            continue
        rule, action = step  # type: ignore[misc]
        found = rule.check(body, prepared)
        if found is None:
            continue
        if type(found) is Finding:
            _act(rule, action, found, body, prepared)
        else:
            for finding in list(found):  # a list first: a repair may change what the check reads
                _act(rule, action, finding, body, prepared)


def _walk(walk: _Walk, body: dict[str, Any], prepared: Prepared) -> None:
    messages = body.get("messages")
    if type(messages) is not list and not isinstance(messages, list | tuple):
        return
    prepared.last = len(messages) - 1
    part_rows = walk.parts
    odd = tool_turns = False
    for i, message in enumerate(messages):
        # Hot loop over the whole history: `type is dict` skips the slow ABC isinstance for dicts.
        if type(message) is not dict and not isinstance(message, Mapping):
            odd = True
            continue
        role = message.get("role")
        if role == "tool" or "tool_calls" in message:
            tool_turns = True
        for rule, action in walk.rows(role, message):
            finding = rule.check(message, i, prepared)
            if finding is not None:
                _act(rule, action, finding, body, prepared)
        content = message.get("content")
        if part_rows and type(content) is not str and isinstance(content, list | tuple):
            for j, part in enumerate(content):
                prepared.part = j
                for rule, action in walk.part_rows(part):
                    finding = rule.check(part, i, role, prepared)
                    if finding is not None:
                        _act(rule, action, finding, body, prepared)
    prepared.odd_messages, prepared.tool_turns = odd, tool_turns


_SUFFIX: Final = {
    Action.DROP: " ({mode} mode: {param} was dropped)",
    Action.WARN: " ({mode} mode: sent unchanged)",
}


def _act(rule: Rule, action: Action, finding: Finding, body: dict[str, Any], prepared: Prepared) -> None:
    if action is Action.REFUSE:
        raise rule.error(finding)
    param = finding.param or rule.param
    prepared.applied.append((rule.id, action))
    if action is Action.TRANSLATE:
        rule.apply_repair(body, finding, prepared)
        if rule.notice is not None:
            key = (rule.id, finding.key or param) if rule.notice is DeepSeekCompatibilityWarning else None
            prepared.notices.append(Notice(rule.notice, fill(rule.translated, finding.fields), key))
        return
    if action is Action.DROP:
        rule.apply_repair(body, finding, prepared)
    suffix = _SUFFIX[action].format(mode=prepared.policy.guard_mode, param=param)
    text = str(rule.error(finding)).removeprefix(NOT_SENT)
    key = (rule.id, finding.key or param)
    prepared.notices.append(Notice(DeepSeekCompatibilityWarning, text + suffix, key))
