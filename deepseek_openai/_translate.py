"""Faithful translations: OpenAI's names to DeepSeek's, and the client's thinking defaults applied.

Chat Completions carries thinking as ``thinking`` / ``reasoning_effort``; the Responses API as
``reasoning.effort``. Reading either is :mod:`._thinking`'s job; writing them is done here.

Pure functions over a body dict the pipeline owns (it is a copy of the caller's). The rule rows
in :mod:`._rules` decide when each applies and what happens when one cannot be made.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from ._catalogue import IDENTIFIER_CHARS, Limits, ResolvedModel
from ._thinking import body_thinking, chat_switches_effort, effort_value, responses_effort, responses_thinking

OPENAI_USER_FIELDS: Final = ("safety_identifier", "user")
"""OpenAI's end-user fields, in the order they claim DeepSeek's ``user_id`` (first wins)."""


def identifier(limit: int) -> re.Pattern[str]:
    """The pattern of a DeepSeek identifier of at most ``limit`` characters (``fullmatch`` it)."""
    return re.compile(f"[{IDENTIFIER_CHARS}]{{1,{limit}}}")


def valid_user_id(value: object, limits: Limits) -> bool:
    return type(value) is str and _user_id(limits.max_user_id_length).fullmatch(value) is not None


_PATTERNS: dict[int, re.Pattern[str]] = {}


def _user_id(limit: int) -> re.Pattern[str]:
    pattern = _PATTERNS.get(limit)
    if pattern is None:
        pattern = _PATTERNS[limit] = identifier(limit)
    return pattern


def user_id_candidates(body: Mapping[str, Any], limits: Limits) -> list[tuple[str, Any]]:
    """``(field, value)`` for ``user_id`` and each valid OpenAI end-user field, in precedence order."""
    out: list[tuple[str, Any]] = []
    if body.get("user_id") is not None:
        out.append(("user_id", body["user_id"]))
    for name in OPENAI_USER_FIELDS:
        value = body.get(name)
        if value is not None and valid_user_id(value, limits):
            out.append((name, value))
    return out


def apply_user_id(body: dict[str, Any], limits: Limits) -> None:
    """Move the first valid OpenAI end-user field into ``user_id`` and remove OpenAI's fields.

    A null ``user_id`` says nothing (DeepSeek takes it as no id), so the OpenAI field fills it.
    """
    candidates = user_id_candidates(body, limits)
    for name in OPENAI_USER_FIELDS:
        body.pop(name, None)
    if candidates and body.get("user_id") is None:
        body["user_id"] = candidates[0][1]


def rename(body: dict[str, Any], old: str, new: str) -> None:
    """``old`` becomes ``new`` (a ``None`` value is just removed)."""
    value = body.pop(old, None)
    if value is not None:
        body[new] = value


def normalize_thinking(body: dict[str, Any]) -> None:
    """``thinking=True/False`` (a convenience in ``extra_body``) becomes the API's object."""
    thinking = body.get("thinking")
    if isinstance(thinking, bool):
        body["thinking"] = {"type": "enabled" if thinking else "disabled"}


def normalize_effort(body: dict[str, Any]) -> None:
    """An effort alias (``minimal``, ``medium``, ...) becomes the effort it runs at."""
    effort = effort_value(body.get("reasoning_effort"))
    if effort is not None:
        body["reasoning_effort"] = effort


def settle_thinking(
    body: dict[str, Any],
    model: ResolvedModel | None,
    implied: bool | None,
    default_thinking: bool | None,
    default_effort: str | None,
) -> bool | None:
    """Apply the client's default thinking mode and effort where the body says nothing; return the mode.

    ``implied`` is what a retired model name meant (``deepseek-reasoner`` thought). A body that
    enables thinking itself still gets the client's default effort. ``None`` when nothing says
    (an unknown model with no setting): the server decides.
    """
    said = body_thinking(body)
    if said is None and (body.get("thinking") is not None or body.get("reasoning_effort") is not None):
        # Values the API does not know (guard_mode "warn" / "off" send them): left exactly as given.
        return None
    if said is None:
        default = implied if implied is not None else default_thinking
        if default is False or (default_effort == "none" and implied is None):
            body["thinking"] = {"type": "disabled"}
            return False
        if default is True:
            body["thinking"] = {"type": "enabled"}
            said = True
        if default_effort is not None and default_effort != "none":
            body["reasoning_effort"] = default_effort
            said = True
    elif said and body.get("reasoning_effort") is None and default_effort not in (None, "none"):
        body["reasoning_effort"] = default_effort
    if said is not None:
        return said
    return model.info.thinking_default if model is not None and model.info is not None else None


def _with_effort(body: dict[str, Any], effort: str) -> None:
    """Set ``reasoning.effort`` (the caller's ``reasoning`` dict is copied, never changed)."""
    reasoning = body.get("reasoning")
    body["reasoning"] = (
        {**reasoning, "effort": effort} if isinstance(reasoning, Mapping) else {"effort": effort}
    )


def move_chat_switches(body: dict[str, Any]) -> None:
    """Chat Completions' ``thinking`` / ``reasoning_effort`` in a Responses body become ``reasoning.effort``.

    The Responses API ignores both fields, so sending them would silently leave thinking as it was.
    An effort already in ``reasoning`` wins (a contradiction is the rule table's business).
    """
    effort = chat_switches_effort(body)
    body.pop("thinking", None)
    body.pop("reasoning_effort", None)
    if effort is not None and responses_effort(body) is None:
        _with_effort(body, effort)


def normalize_responses_effort(body: dict[str, Any]) -> None:
    """A ``reasoning.effort`` alias (``minimal``, ``medium``, ...) becomes the effort it runs at."""
    effort = effort_value(responses_effort(body))
    if effort is not None:
        _with_effort(body, effort)


def settle_responses_thinking(
    body: dict[str, Any],
    model: ResolvedModel | None,
    implied: bool | None,
    default_thinking: bool | None,
    default_effort: str | None,
) -> bool | None:
    """The Responses twin of :func:`settle_thinking`: the client's defaults become ``reasoning.effort``.

    Thinking off is effort ``none``; a default effort is sent as it is; a default of thinking on
    without an effort sends nothing (the server thinks by default). A body whose ``reasoning``
    sets an effort keeps it. ``None`` when nothing says (an unknown model with no setting).
    """
    said = responses_thinking(body)
    if said is not None:
        return said
    default = implied if implied is not None else default_thinking
    if default is False or (default_effort == "none" and implied is None):
        _with_effort(body, "none")
        return False
    if default_effort is not None and default_effort != "none":
        _with_effort(body, default_effort)
        return True
    if default is True:
        return True
    return model.info.thinking_default if model is not None and model.info is not None else None
