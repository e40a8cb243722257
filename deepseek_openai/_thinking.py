"""Thinking semantics in one place: what a body, a client and a model say about thinking.

DeepSeek has two switches for one thing in Chat Completions: ``thinking={"type": "enabled" |
"disabled"}`` and ``reasoning_effort`` (``none`` is thinking off); the Responses API has one,
``reasoning={"effort": ...}`` (``none`` is thinking off there too). The request pipeline, the
helpers and the CLI all ask the same questions of them, so they all ask this module.

Per call, :func:`thinking_options` builds the ``create()`` keywords::

    client.chat.completions.create(model=..., messages=..., **thinking_options(False))
    client.chat.completions.create(model=..., messages=..., **thinking_options(effort="max"))

``thinking`` is not an openai keyword, so it has to travel in ``extra_body``; getting that wrong
(``thinking=False`` as a kwarg, ``{"thinking": False}`` at the top level, ``"disable"``) is the usual
mistake this function removes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._catalogue import DEFAULT_EFFORT, EFFORTS, REASONING_PAGE, ResolvedModel, resolve_model
from ._errors import DeepSeekRequestError

THINKING_TYPES = {"enabled": True, "disabled": False}
"""The ``thinking.type`` values the API accepts, and whether each thinks."""


def thinking_value(value: object) -> bool | None:
    """``True``/``False`` for ``{"type": "enabled"|"disabled"}`` (or a bool); ``None`` for anything else."""
    if isinstance(value, bool):
        return value
    if isinstance(value, Mapping):
        kind = value.get("type")
        if type(kind) is str:
            return THINKING_TYPES.get(kind)
    return None


def effort_value(value: object) -> str | None:
    """The effort the API runs ``value`` at (``minimal`` -> ``low``, ...), or ``None`` if it is not one."""
    return EFFORTS.get(value) if type(value) is str else None


def normalize_effort(value: object) -> str:
    """:func:`effort_value`, or a clear error for a value the API does not accept."""
    effort = effort_value(value)
    if effort is not None:
        return effort
    raise DeepSeekRequestError(
        f"reasoning_effort={value!r} is not a DeepSeek effort",
        why="the API accepts none, low, high (default) and max (minimal, medium, xhigh and ultra are mapped)",
        fix="use effort='low', 'high' or 'max', or thinking=False to turn thinking off",
        source=REASONING_PAGE,
        param="reasoning_effort",
    )


def body_thinking(body: Mapping[str, Any]) -> bool | None:
    """The thinking mode a request body asks for itself: ``thinking`` first, then ``reasoning_effort``."""
    said = thinking_value(body.get("thinking"))
    if said is not None:
        return said
    effort = effort_value(body.get("reasoning_effort"))
    return None if effort is None else effort != "none"


def responses_effort(body: Mapping[str, Any]) -> object:
    """The raw ``reasoning.effort`` of a Responses body, as given (``None`` when there is none)."""
    reasoning = body.get("reasoning")
    return reasoning.get("effort") if isinstance(reasoning, Mapping) else None


def responses_thinking(body: Mapping[str, Any]) -> bool | None:
    """The thinking mode a Responses body asks for itself (``reasoning.effort``; ``none`` is off)."""
    effort = effort_value(responses_effort(body))
    return None if effort is None else effort != "none"


def chat_switches_effort(body: Mapping[str, Any]) -> str | None:
    """The Responses effort that Chat Completions' switches in a body mean, or ``None`` if they say nothing.

    ``reasoning_effort`` wins (it is the more precise one); ``thinking`` disabled is ``none`` and
    enabled is ``high``, the server default (the Responses API has no other way to say "on").
    """
    effort = effort_value(body.get("reasoning_effort"))
    if effort is not None:
        return effort
    said = thinking_value(body.get("thinking"))
    if said is None:
        return None
    return DEFAULT_EFFORT if said else "none"


def client_thinking(thinking: bool | None, effort: str | None) -> bool | None:
    """The thinking mode a client's defaults imply (``effort="none"`` is thinking off)."""
    if thinking is not None:
        return thinking
    if effort is not None:
        return effort_value(effort) != "none"
    return None


def resolve_thinking(
    body: Mapping[str, Any],
    *,
    thinking: bool | None = None,
    effort: str | None = None,
    model: ResolvedModel | None = None,
) -> bool | None:
    """Whether a request runs with thinking: the body's own switch, then what a retired model name
    implied, then the client's defaults, then the model's default. ``None`` when nothing says
    (an unknown model with nothing set)."""
    said = body_thinking(body)
    if said is not None:
        return said
    if model is not None and model.thinking is not None:
        return model.thinking
    said = client_thinking(thinking, effort)
    if said is not None:
        return said
    if model is not None and model.info is not None:
        return model.info.thinking_default
    return None


def call_thinking(
    thinking: bool | None, effort: str | None, model: str | None, kwargs: Mapping[str, Any]
) -> bool | None:
    """:func:`resolve_thinking` for the keywords of a ``create()`` call (``extra_body`` merged over them)."""
    extra = kwargs.get("extra_body")
    body = {**kwargs, **extra} if isinstance(extra, Mapping) else kwargs
    resolved = resolve_model(model) if isinstance(model, str) else None
    return resolve_thinking(body, thinking=thinking, effort=effort, model=resolved)


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
    if mapped is not None:
        wants = mapped != "none"
        if enabled is not None and enabled is not wants:
            raise _contradiction(enabled, effort)
        enabled, mapped = wants, (mapped if wants else None)
    body = dict(extra_body or {})
    out: dict[str, Any] = {}
    if enabled is not None:
        given = body.get("thinking")
        if given is not None and thinking_value(given) is not enabled:
            raise DeepSeekRequestError(
                f"extra_body['thinking']={given!r} contradicts thinking_options(enabled={enabled!r})",
                why="the call would both enable and disable thinking",
                fix="set thinking in one place only",
                source=REASONING_PAGE,
                param="thinking",
            )
        body["thinking"] = {"type": "enabled" if enabled else "disabled"}
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
