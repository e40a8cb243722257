"""Thinking mode per call: one function whose result is splatted into ``create()``.

Per client, thinking is set on the client itself (``get_client(thinking=False, effort="max")`` or
``client.with_options(thinking=False)``). Per call, use :func:`thinking_options`::

    client.chat.completions.create(model=..., messages=..., **thinking_options(False))
    client.chat.completions.create(model=..., messages=..., **thinking_options(effort="max"))

``thinking`` is not an openai keyword, so it has to travel in ``extra_body``; getting that
wrong (``thinking=False`` as a kwarg, ``{"thinking": False}`` at the top level, ``"disable"``)
is the usual mistake this function removes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._catalogue import REASONING_PAGE, resolve_model
from ._errors import DeepSeekRequestError
from ._pipeline import normalize_effort

__all__ = ["call_thinking", "thinking_options"]


def thinking_options(
    enabled: bool | None = None,
    effort: str | None = None,
    *,
    extra_body: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The ``create()`` keywords that turn thinking on/off and set its effort for one call.

    ``enabled=False`` sends ``extra_body={"thinking": {"type": "disabled"}}``; ``enabled=True``
    sends ``{"type": "enabled"}``; ``effort`` (``low``, ``high``, ``max``; ``minimal``,
    ``medium``, ``xhigh`` and ``ultra`` are mapped) is sent as ``reasoning_effort`` and implies
    thinking on, except ``"none"``, which turns it off. Pass your own ``extra_body`` here rather
    than to ``create()`` (the two would collide): it is merged. Invalid values raise
    :class:`~deepseek_openai.DeepSeekRequestError` before anything is sent.
    """
    if enabled is not None and not isinstance(enabled, bool):
        raise DeepSeekRequestError(
            f"thinking_options(enabled={enabled!r})",
            why="enabled must be True (thinking on), False (thinking off) or None (leave it to the client)",
            fix="pass thinking_options(False) or thinking_options(True)",
            source=REASONING_PAGE,
            param="thinking",
        )
    mapped = normalize_effort(effort) if effort is not None else None
    if mapped == "none":
        if enabled is True:
            raise _contradiction(enabled, effort)
        enabled, mapped = False, None
    elif mapped is not None:
        if enabled is False:
            raise _contradiction(enabled, effort)
        enabled = True
    body = dict(extra_body or {})
    out: dict[str, Any] = {}
    if enabled is not None:
        wanted = {"type": "enabled" if enabled else "disabled"}
        given = body.get("thinking")
        if given is not None and _thinking_value(given) != enabled:
            raise DeepSeekRequestError(
                f"extra_body['thinking']={given!r} contradicts thinking_options(enabled={enabled!r})",
                why="the call would both enable and disable thinking",
                fix="set thinking in one place only",
                source=REASONING_PAGE,
                param="thinking",
            )
        body["thinking"] = wanted
    if mapped is not None:
        out["reasoning_effort"] = mapped
    if body:
        out["extra_body"] = body
    return out


def _contradiction(enabled: bool | None, effort: str | None) -> DeepSeekRequestError:
    return DeepSeekRequestError(
        f"thinking_options(enabled={enabled!r}, effort={effort!r}) contradicts itself",
        why="effort 'none' turns thinking off and any other effort needs thinking on",
        fix="pass only one of them, e.g. thinking_options(False) or thinking_options(effort='max')",
        source=REASONING_PAGE,
        param="reasoning_effort",
    )


def _thinking_value(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, Mapping):
        kind = value.get("type")
        if kind in ("enabled", "disabled"):
            return bool(kind == "enabled")
    return None


def call_thinking(
    settings_thinking: bool | None, settings_effort: str | None, model: str | None, kwargs: Mapping[str, Any]
) -> bool | None:
    """Whether a chat call will run with thinking: the call's own switch, then the client's, then
    the model's default. ``None`` when unknown (an unknown model with nothing set)."""
    extra = kwargs.get("extra_body")
    if isinstance(extra, Mapping):
        said = _thinking_value(extra.get("thinking"))
        if said is not None:
            return said
        effort = extra.get("reasoning_effort")
        if isinstance(effort, str):
            return normalize_effort(effort) != "none"
    effort = kwargs.get("reasoning_effort")
    if isinstance(effort, str):
        return normalize_effort(effort) != "none"
    if settings_thinking is not None:
        return settings_thinking
    if settings_effort is not None and normalize_effort(settings_effort) == "none":
        return False
    if model is not None:
        resolved = resolve_model(model)
        if resolved.thinking is not None:
            return resolved.thinking
        if resolved.info is not None:
            return resolved.info.thinking_default
    return None
