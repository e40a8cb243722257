"""Deterministic token counting and the simulated prefix (context) cache.

Token model: a word is one token per started four characters (``"hello"`` is ``"hell"``, ``"o"``), every
other non-space character is one token, and whitespace rides on the token that follows it. The pieces
concatenate back to the exact text, so a reply can be cut at a token budget or streamed token by
token. It is not DeepSeek's tokenizer; it is close enough in scale (about four characters per token
for English) and it is stable, so tests can assert on counts.

Cache model: DeepSeek's disk cache works in 64-token units. A prompt is cut into 64-token blocks; each
block's key is a hash chained over every block before it, seeded with the API key and ``user_id`` (the
spec says ``user_id`` isolates the KV cache). Hit tokens are 64 times the number of leading blocks
already seen; hit + miss = prompt tokens. Blocks are stored as soon as a request is accepted (the real
cache takes seconds to build; tests prefer it immediate) and evicted least recently used first.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

__all__ = [
    "CACHE_BLOCK",
    "PrefixCache",
    "chat_prompt_tokens",
    "fim_prompt_tokens",
    "image_marker",
    "split_tokens",
]

_TOKEN_RE = re.compile(r"\s*(?:\w{1,4}|\S)|\s+")

CACHE_BLOCK = 64


def split_tokens(text: str) -> list[str]:
    """The token pieces of ``text``; ``"".join(split_tokens(t)) == t``."""
    return _TOKEN_RE.findall(text)


def _content_tokens(content: Any, out: list[str], images: Mapping[int, tuple[str, int]]) -> None:
    if isinstance(content, str):
        out.extend(_TOKEN_RE.findall(content))
    elif isinstance(content, list):
        for j, part in enumerate(content):
            if not isinstance(part, Mapping):
                continue
            kind = part.get("type")
            if kind == "text":
                out.extend(_TOKEN_RE.findall(str(part.get("text", ""))))
            elif j in images:
                marker, count = images[j]
                out.extend([marker] * count)


def image_marker(ref: str) -> str:
    """The token one image repeats: its reference (URL or file id) makes a different image a cache miss
    while a repeated one hits."""
    return f"<image:{hash(ref) & 0xFFFFFFFF:08x}>"


def chat_prompt_tokens(
    messages: Sequence[Mapping[str, Any]],
    tools: Sequence[Any] | None,
    images: Mapping[tuple[int, int], tuple[str, int]] | None = None,
) -> list[str]:
    """The prompt as token pieces: tool definitions first, then each message behind a role marker.

    ``images`` maps (message index, part index) to the marker and token count of each image part.
    Earlier ``reasoning_content`` counts only when tools are present: that is the only case in which
    the server keeps it (spec section 6).
    """
    out: list[str] = []
    by_message: dict[int, dict[int, tuple[str, int]]] = {}
    for (i, j), value in (images or {}).items():
        by_message.setdefault(i, {})[j] = value
    if tools:
        out.append("<|tools|>")
        out.extend(_TOKEN_RE.findall(json.dumps(tools, sort_keys=True, separators=(",", ":"))))
    for i, message in enumerate(messages):
        out.append(f"<|{message.get('role')}|>")
        if tools:
            reasoning = message.get("reasoning_content")
            if isinstance(reasoning, str):
                out.extend(_TOKEN_RE.findall(reasoning))
        _content_tokens(message.get("content"), out, by_message.get(i, {}))
        calls = message.get("tool_calls")
        if isinstance(calls, list):
            for call in calls:
                function = call.get("function") if isinstance(call, Mapping) else None
                if isinstance(function, Mapping):
                    out.append("<|tool_call|>")
                    out.extend(_TOKEN_RE.findall(str(function.get("name", ""))))
                    out.extend(_TOKEN_RE.findall(str(function.get("arguments", ""))))
    return out


def fim_prompt_tokens(prompt: str, suffix: str | None) -> list[str]:
    out = ["<|fim_begin|>", *_TOKEN_RE.findall(prompt)]
    if suffix:
        out.append("<|fim_hole|>")
        out.extend(_TOKEN_RE.findall(suffix))
    out.append("<|fim_end|>")
    return out


class PrefixCache:
    """Block-chained prefix cache, shared by all keys but namespaced per (key, user_id)."""

    def __init__(self, max_blocks: int = 500_000) -> None:
        self._blocks: OrderedDict[int, None] = OrderedDict()
        self._max_blocks = max_blocks
        self._lock = threading.Lock()

    def _chain(self, namespace: Hashable, tokens: Sequence[str]) -> Iterable[int]:
        digest = hash(namespace)
        for start in range(0, len(tokens) - CACHE_BLOCK + 1, CACHE_BLOCK):
            digest = hash((digest, *tokens[start : start + CACHE_BLOCK]))
            yield digest

    def lookup_and_store(self, namespace: Hashable, tokens: Sequence[str]) -> int:
        """Hit tokens for this prompt, then remember its blocks for the next request."""
        if len(tokens) < CACHE_BLOCK:
            return 0
        chain = list(self._chain(namespace, tokens))
        with self._lock:
            blocks = self._blocks
            hits = 0
            for digest in chain:
                if digest not in blocks:
                    break
                hits += 1
            for digest in chain:
                blocks[digest] = None
                blocks.move_to_end(digest)
            while len(blocks) > self._max_blocks:
                blocks.popitem(last=False)
        return hits * CACHE_BLOCK

    def clear(self) -> None:
        with self._lock:
            self._blocks.clear()
