"""The reasoning_content round trip (thinking-mode page, 2026-09-11), as pure functions over messages.

With ``tools`` in a thinking request, every earlier assistant turn must carry its
``reasoning_content`` (``""`` counts), or the API answers 400. Frameworks lose it (LangChain never
sends it back; others rename it ``reasoning`` or keep Anthropic's ``thinking_blocks``). The rule
row ``history.reasoning_content`` in :mod:`._rules` decides what to do; these functions find and
mend the turns. They copy on write: the caller's list and dicts are never changed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

FOREIGN_REASONING_FIELDS: Final = ("thinking_blocks", "signature", "reasoning", "reasoning_details")
"""Other providers' reasoning fields; DeepSeek does not know them, so they are removed when mending."""
_FOREIGN: Final = frozenset(FOREIGN_REASONING_FIELDS)

Recall = Callable[[Mapping[str, Any]], str | None]
"""Looks up the real reasoning text of an assistant turn the client received earlier (or ``None``)."""


def _is_mapping(value: object) -> bool:
    # Hot loop over the whole history: `type is dict` skips the slow ABC isinstance for dicts.
    return type(value) is dict or isinstance(value, Mapping)


def missing_reasoning(messages: Sequence[Any]) -> list[int]:
    """Indices of the assistant turns without ``reasoning_content`` (a prefix message is exempt)."""
    return [
        i
        for i, m in enumerate(messages)
        if _is_mapping(m)
        and m.get("role") == "assistant"
        and m.get("reasoning_content") is None
        and not m.get("prefix")
    ]


def backfill(messages: Sequence[Any], recall: Recall | None = None) -> list[Any] | None:
    """A new message list where every assistant turn has ``reasoning_content``, or ``None`` if none lacks it.

    A turn whose framework renamed the field (``reasoning``) keeps its text; otherwise ``recall``
    may supply the text the client saw earlier; ``""`` is the last resort.
    """
    fixed_list: list[Any] | None = None
    for i, message in enumerate(messages):
        if not _is_mapping(message) or message.get("role") != "assistant":
            continue
        if type(message.get("reasoning_content")) is str and _FOREIGN.isdisjoint(message):
            continue  # the well-formed turn: no copy
        fixed = _mend(message, recall)
        if fixed is not message:
            if fixed_list is None:
                fixed_list = list(messages)
            fixed_list[i] = fixed
    return fixed_list


def _mend(message: Mapping[str, Any], recall: Recall | None) -> Mapping[str, Any]:
    reasoning = message.get("reasoning_content")
    if isinstance(reasoning, str) and _FOREIGN.isdisjoint(message):
        return message
    fixed = {k: v for k, v in message.items() if k not in _FOREIGN}
    if not isinstance(reasoning, str):
        renamed = message.get("reasoning")
        if isinstance(renamed, str):
            fixed["reasoning_content"] = renamed
        else:
            remembered = recall(message) if recall is not None else None
            fixed["reasoning_content"] = remembered if remembered is not None else ""
    return fixed
