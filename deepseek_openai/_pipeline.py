"""The request pipeline: runs the rule table over one body, and nothing else.

    translate  the TRANSLATE rows (model names, OpenAI's names, thinking values), then the
               client's default thinking mode and effort
    history    the HISTORY row (reasoning_content round trip when tools are sent while thinking)
    check      the CHECK rows: refuse, drop or warn, as each row says for the guard mode

Pure: it works on a shallow copy of the body (nested lists are copied on write), returns the
body to send with the notices to emit, and never touches the network. Which rows run for a kind
of request and a policy is worked out once and cached, so a plain body costs a few dict lookups.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from ._catalogue import API_LIMITS, resolve_model
from ._errors import DeepSeekCompatibilityWarning
from ._rules import (
    RULES,
    Action,
    BodyKind,
    Finding,
    Notice,
    Phase,
    Policy,
    Prepared,
    Rule,
    Scope,
    fill,
)
from ._thinking import body_thinking
from ._translate import settle_thinking

Step = tuple[Rule, Action]


@dataclass(frozen=True, slots=True)
class _Walk:
    """The MESSAGE and PART rows, run in one pass over the messages."""

    messages: tuple[Step, ...]
    parts: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    """The rows that can act for one kind of request under one policy, by phase."""

    translate: tuple[Step, ...]
    history: tuple[Step, ...]
    check: tuple[Step | _Walk, ...]


@functools.lru_cache(maxsize=256)
def plan(kind: BodyKind, policy: Policy) -> Plan:
    """The active rows: those for ``kind`` whose action under ``policy`` is not a silent send."""
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
    return Plan(tuple(by_phase[Phase.TRANSLATE]), tuple(by_phase[Phase.HISTORY]), tuple(check))


def prepare_request(kind: BodyKind, body: Mapping[str, Any], policy: Policy) -> Prepared:
    """Apply the translations, the history policy and the checks to one request body."""
    out = dict(body)
    model = out.get("model")
    resolved = resolve_model(model) if type(model) is str else None
    info = resolved.info if resolved is not None else None
    prepared = Prepared(out, policy, kind, resolved, info.limits if info is not None else API_LIMITS)
    steps = plan(kind, policy)
    _run(steps.translate, out, prepared)
    if kind == "chat":
        prepared.thinking = settle_thinking(
            out, resolved, prepared.implied_thinking, policy.thinking, policy.effort
        )
    else:
        # FIM never thinks, so the client's default thinking mode is deliberately not applied.
        prepared.thinking = body_thinking(out)
    _run(steps.history, out, prepared)
    _run(steps.check, out, prepared)
    return prepared


def _run(steps: tuple[Step | _Walk, ...], body: dict[str, Any], prepared: Prepared) -> None:
    for step in steps:
        if type(step) is _Walk:
            _walk(step, body, prepared)
            continue
        rule, action = step  # type: ignore[misc]
        keys = rule.keys
        if keys is not None and keys.isdisjoint(body):
            continue  # none of the keys this row reads is in the body (most rows, most calls)
        for finding in list(rule.check(body, prepared)):
            _act(rule, action, finding, body, prepared)


def _walk(walk: _Walk, body: dict[str, Any], prepared: Prepared) -> None:
    messages = body.get("messages")
    if type(messages) is not list and not isinstance(messages, list | tuple):
        return
    prepared.last = len(messages) - 1
    message_rows, part_rows = walk.messages, walk.parts
    for i, message in enumerate(messages):
        # Hot loop over the whole history: `type is dict` skips the slow ABC isinstance for dicts.
        if type(message) is not dict and not isinstance(message, Mapping):
            continue
        for rule, action in message_rows:
            finding = rule.check(message, i, prepared)
            if finding is not None:
                _act(rule, action, finding, body, prepared)
        content = message.get("content")
        if part_rows and type(content) is not str and isinstance(content, list | tuple):
            role = message.get("role")
            for part in content:
                for rule, action in part_rows:
                    finding = rule.check(part, i, role, prepared)
                    if finding is not None:
                        _act(rule, action, finding, body, prepared)


_SUFFIX: Final = {Action.DROP: " (warn mode: {} was dropped)", Action.WARN: " (warn mode: sent unchanged)"}


def _act(rule: Rule, action: Action, finding: Finding, body: dict[str, Any], prepared: Prepared) -> None:
    if action is Action.REFUSE:
        raise rule.error(finding)
    if action is Action.TRANSLATE:
        rule.apply_repair(body, finding, prepared)
        if rule.notice is not None:
            prepared.notices.append(Notice(rule.notice, fill(rule.translated, finding.fields)))
        return
    if action is Action.DROP:
        rule.apply_repair(body, finding, prepared)
    suffix = _SUFFIX[action].format(finding.param or rule.param)
    prepared.notices.append(Notice(DeepSeekCompatibilityWarning, f"{rule.error(finding)}{suffix}"))
