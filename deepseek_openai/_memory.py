"""What a client remembers between calls: reasoning it received, and the notices it already gave.

Both are bounded and shared by a client's copies (``with_options``, the beta twin), so a
framework that makes a copy per call still gets one warning per parameter and its reasoning back.

Reasoning memory: frameworks drop ``reasoning_content`` from the assistant turns they send back
(LangChain never sends it), and with tools in thinking mode DeepSeek then answers 400. The
history policy mends such turns; this memory lets it put back the real text the client received,
looked up by the turn's tool-call ids, or by its content when it made no calls. A turn the client
never saw still gets ``""``.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from typing import Any, Final
from weakref import WeakKeyDictionary

from openai.types.chat import ChatCompletion, ChatCompletionChunk

REASONING_ENTRIES: Final = 2048
"""Assistant turns remembered per client family (least recently used first out)."""
NOTICE_KEYS: Final = 1024
"""Distinct (rule, parameter) notices remembered per client family."""


def _content_key(content: object) -> str | None:
    if type(content) is not str or not content:
        return None
    return "c:" + hashlib.blake2b(content.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _extra(model: Any, name: str) -> Any:
    extra = model.model_extra
    return extra.get(name) if extra else None


class _Turn:
    """One streamed assistant turn being put together."""

    __slots__ = ("content", "ids", "reasoning")

    def __init__(self) -> None:
        self.reasoning: list[str] = []
        self.content: list[str] = []
        self.ids: list[str] = []


class ReasoningMemory:
    """A bounded map from assistant turns (tool-call ids, content digests) to their reasoning text."""

    def __init__(self, size: int = REASONING_ENTRIES) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, str] = OrderedDict()
        self._streams: WeakKeyDictionary[Any, dict[int, _Turn]] = WeakKeyDictionary()

    def __len__(self) -> int:
        return len(self._entries)

    def _put(self, keys: list[str], reasoning: str) -> None:
        with self._lock:
            entries = self._entries
            for key in keys:
                entries[key] = reasoning
                entries.move_to_end(key)
            while len(entries) > self._size:
                entries.popitem(last=False)

    def _keys(self, ids: list[str], content: object) -> list[str]:
        if ids:
            return [f"t:{i}" for i in ids]
        key = _content_key(content)
        return [key] if key is not None else []

    def remember(self, completion: ChatCompletion) -> None:
        """Keep the reasoning of each choice of a completion the client received."""
        for choice in completion.choices:
            message = choice.message
            reasoning = _extra(message, "reasoning_content")
            if type(reasoning) is not str or not reasoning:
                continue
            ids = [c.id for c in message.tool_calls or () if type(c.id) is str]
            keys = self._keys(ids, message.content)
            if keys:
                self._put(keys, reasoning)

    def observe_chunk(self, stream_key: Any, chunk: ChatCompletionChunk) -> None:
        """Put a streamed turn together; it is remembered when its choice finishes."""
        for choice in chunk.choices:
            delta = choice.delta
            reasoning = _extra(delta, "reasoning_content")
            turns = self._streams.get(stream_key)
            if turns is None:
                if not reasoning:
                    continue  # nothing to remember from a turn that does not think
                turns = self._streams.setdefault(stream_key, {})
            turn = turns.get(choice.index)
            if turn is None:
                turn = turns[choice.index] = _Turn()
            if reasoning:
                turn.reasoning.append(reasoning)
            if delta.content:
                turn.content.append(delta.content)
            for call in delta.tool_calls or ():
                if call.id:
                    turn.ids.append(call.id)
            if choice.finish_reason is not None:
                del turns[choice.index]
                if turn.reasoning:
                    keys = self._keys(turn.ids, "".join(turn.content))
                    if keys:
                        self._put(keys, "".join(turn.reasoning))

    def recall(self, message: Mapping[str, Any]) -> str | None:
        """The reasoning the client received with this assistant turn, or ``None`` if it never saw it."""
        calls = message.get("tool_calls")
        ids: list[str] = []
        if isinstance(calls, list | tuple):
            for call in calls:
                call_id = call.get("id") if isinstance(call, Mapping) else getattr(call, "id", None)
                if type(call_id) is str:
                    ids.append(call_id)
        with self._lock:
            for key in self._keys(ids, message.get("content")):
                hit = self._entries.get(key)
                if hit is not None:
                    self._entries.move_to_end(key)
                    return hit
        return None


class NoticeRegistry:
    """The notices already given, so each (rule, parameter) warns once per client family."""

    def __init__(self, size: int = NOTICE_KEYS) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._seen: OrderedDict[Hashable, None] = OrderedDict()

    def first(self, key: Hashable) -> bool:
        """True the first time ``key`` is seen (a full registry forgets the oldest keys)."""
        with self._lock:
            if key in self._seen:
                return False
            self._seen[key] = None
            if len(self._seen) > self._size:
                self._seen.popitem(last=False)
            return True

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()


class Shared:
    """What a client and its copies share."""

    __slots__ = ("memory", "notices")

    def __init__(self) -> None:
        self.memory = ReasoningMemory()
        self.notices = NoticeRegistry()
