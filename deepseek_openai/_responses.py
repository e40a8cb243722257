"""Helpers for DeepSeek's Responses API (``POST /responses``): reasoning, typed stream events, next turns.

DeepSeek serves the Responses API statelessly (Responses page, 2026-09-11): nothing is stored, so
each turn resends the whole input, and the chain of thought comes back as a ``reasoning`` output
item (``content: [{"type": "reasoning_text", "text": ...}]``) that should be replayed. These
helpers make that the short path:

- :func:`to_input_items` turns a ``Response`` (or a streamed :class:`FinalMessage`) into the next
  turn's input items, reasoning items and function calls kept, with the function outputs you pass
  appended, so a stateless tool loop is three lines::

      while calls := function_calls(response):
          items += to_input_items(response, {c.id: run(c) for c in calls})
          response = client.responses.create(model="deepseek-flash", input=items, tools=TOOLS)

- :func:`function_calls` lists a response's tool calls as :class:`ToolCall` (``id`` is the
  ``call_id`` the output must name);
- :func:`deepseek_openai.get_reasoning`, :func:`deepseek_openai.iter_events` and the usage helpers
  read Responses objects through the functions below.

Objects may be openai's models or their dict forms (recorded responses).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, cast

from ._reasoning import (
    ContentDelta,
    FinalMessage,
    Finish,
    FunctionCall,
    ReasoningDelta,
    StreamEvent,
    ToolCall,
    UsageEvent,
)

if TYPE_CHECKING:
    from openai.types.responses import ResponseInputItemParam

    from ._reasoning import _Accumulator

TERMINAL: Final = frozenset({"response.completed", "response.incomplete", "response.failed"})
_CALL_TYPES: Final = {"function_call": "function", "custom_tool_call": "custom"}
_ITEM_OF_CALL: Final = {v: k for k, v in _CALL_TYPES.items()}
_OUTPUT_OF_CALL: Final = {"function": "function_call_output", "custom": "custom_tool_call_output"}
_INCOMPLETE: Final = {"max_output_tokens": "length", "content_filter": "content_filter"}


def _get(obj: Any, name: str) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)


def is_response(obj: Any) -> bool:
    """A Responses API ``Response`` (model or dict), as opposed to a chat completion."""
    return bool(_get(obj, "object") == "response")


def is_response_event(obj: Any) -> bool:
    """A Responses stream event (``response.*`` or ``error``), as opposed to a chat chunk."""
    kind = _get(obj, "type")
    return isinstance(kind, str) and (kind.startswith("response.") or kind == "error")


def _texts(parts: Any, kind: str) -> list[str]:
    return [
        text
        for part in parts or ()
        if _get(part, "type") == kind and isinstance(text := _get(part, "text"), str)
    ]


def _item_reasoning(item: Any) -> str:
    texts = _texts(_get(item, "content"), "reasoning_text")
    if not texts:  # another provider's summaries, where there is no full text
        texts = _texts(_get(item, "summary"), "summary_text")
    return "".join(texts)


def response_reasoning(obj: Any) -> str | None:
    """The reasoning text of a ``Response`` or ``reasoning`` item; ``None`` when it has none (no thinking)."""
    if _get(obj, "type") == "reasoning":
        return _item_reasoning(obj)
    items = [item for item in _get(obj, "output") or () if _get(item, "type") == "reasoning"]
    if not items:
        return None
    return "".join(_item_reasoning(item) for item in items)


# --------------------------------------------------------------------------------------------
# Stream events


def _finish_reason(response: Any, acc: _Accumulator) -> str:
    """A Responses status in the chat vocabulary :class:`Finish` uses (``failed`` stays ``failed``)."""
    status = _get(response, "status")
    if status == "incomplete":
        reason = _get(_get(response, "incomplete_details"), "reason")
        return _INCOMPLETE.get(reason, reason) if isinstance(reason, str) else "length"
    if status == "failed":
        return "failed"
    return "tool_calls" if acc.tools else "stop"


def response_stream_events(acc: _Accumulator, event: Any) -> Iterator[StreamEvent]:  # noqa: PLR0912
    """The typed events of one Responses stream event, recorded into ``acc`` (see :func:`iter_events`).

    Reasoning and text deltas, tool-call pieces (the first carries the ``call_id`` and name), then
    :class:`Finish` and :class:`UsageEvent` on the terminal event. An ``error`` event finishes with
    reason ``error``.
    """
    kind = _get(event, "type")
    if kind == "response.reasoning_text.delta":
        text = _get(event, "delta")
        if isinstance(text, str):
            if acc.reasoning is None:
                acc.reasoning = []
            acc.reasoning.append(text)
            if text:
                yield ReasoningDelta(text)
    elif kind == "response.output_text.delta":
        text = _get(event, "delta")
        if isinstance(text, str):
            if acc.content is None:
                acc.content = []
            acc.content.append(text)
            if text:
                yield ContentDelta(text)
    elif kind in ("response.function_call_arguments.delta", "response.custom_tool_call_input.delta"):
        index = acc.outputs.get(_get(event, "output_index"))
        if index is not None:
            yield acc.tool_piece(index, None, None, {"name": None, "arguments": _get(event, "delta")})
    elif kind == "response.output_item.added":
        yield from _item_added(acc, event)
    elif kind in ("response.created", "response.in_progress"):
        _note_response(acc, _get(event, "response"))
    elif kind in TERMINAL:
        response = _get(event, "response")
        _note_response(acc, response)
        acc.response = response
        acc.finish_reason = reason = _finish_reason(response, acc)
        yield Finish(reason)
        usage = _get(response, "usage")
        if usage is not None:
            acc.usage = usage
            yield UsageEvent(usage)
    elif kind == "error":
        acc.finish_reason = "error"
        yield Finish("error")


def _item_added(acc: _Accumulator, event: Any) -> Iterator[StreamEvent]:
    item = _get(event, "item")
    item_type = _get(item, "type")
    call_type = _CALL_TYPES.get(item_type)
    if call_type is not None:
        index = acc.outputs[_get(event, "output_index")] = len(acc.outputs)
        arguments = _get(item, "arguments" if call_type == "function" else "input") or None
        yield acc.tool_piece(
            index, _get(item, "call_id"), call_type, {"name": _get(item, "name"), "arguments": arguments}
        )
    elif item_type == "reasoning" and acc.reasoning is None:
        acc.reasoning = []
    elif item_type == "message" and acc.content is None:
        acc.content = []


def _note_response(acc: _Accumulator, response: Any) -> None:
    if response is None or acc.id is not None:
        return
    acc.id, acc.model = _get(response, "id"), _get(response, "model")
    created = _get(response, "created_at")
    acc.created = int(created) if isinstance(created, int | float) and not isinstance(created, bool) else None


# --------------------------------------------------------------------------------------------
# The next turn


def _output_items(obj: Any, func: str) -> Sequence[Any] | None:
    """The output items of a Response (``None`` for a streamed message without its final Response)."""
    if isinstance(obj, FinalMessage):
        return _get(obj.response, "output") if obj.response is not None else None
    if is_response(obj) or _get(obj, "output") is not None:
        return cast("Sequence[Any]", _get(obj, "output") or ())
    raise TypeError(
        f"{func}() got {type(obj).__name__}. Why: it reads a Responses API Response (or its dict form), "
        "or the FinalMessage of iter_events() over a Responses stream. Fix: pass the value "
        "client.responses.create(...) returned (for Chat Completions, use deepseek_openai.to_message)."
    )


def _dump(item: Any) -> dict[str, Any]:
    if isinstance(item, Mapping):
        return {k: v for k, v in item.items() if v is not None}
    dump = getattr(item, "model_dump", None)
    return cast("dict[str, Any]", dump(exclude_none=True)) if callable(dump) else dict(item)


def _input_item(item: Any) -> dict[str, Any]:
    """One output item as the input item that replays it (only the fields the input takes)."""
    kind = _get(item, "type")
    if kind == "reasoning":
        out: dict[str, Any] = {
            "type": "reasoning",
            "id": _get(item, "id") or "rs_replayed",
            "summary": [_dump(s) for s in _get(item, "summary") or ()],
            "content": [
                {"type": "reasoning_text", "text": t} for t in _texts(_get(item, "content"), "reasoning_text")
            ],
        }
        encrypted = _get(item, "encrypted_content")
        if encrypted is not None:
            out["encrypted_content"] = encrypted
        return out
    if kind == "message":
        return {
            "type": "message",
            "role": "assistant",
            "id": _get(item, "id") or "msg_replayed",
            "status": "completed",
            "content": [
                {"type": "output_text", "text": t, "annotations": []}
                for t in _texts(_get(item, "content"), "output_text")
            ],
        }
    call_type = _CALL_TYPES.get(kind)
    if call_type is not None:
        field = "arguments" if call_type == "function" else "input"
        out = {
            "type": kind,
            "call_id": _get(item, "call_id"),
            "name": _get(item, "name"),
            field: _get(item, field),
        }
        if _get(item, "id"):
            out["id"] = _get(item, "id")
        return out
    return _dump(item)  # another provider's item types: passed on as they came


def _streamed_items(final: FinalMessage) -> list[dict[str, Any]]:
    """The input items of a streamed message whose final Response was not seen."""
    ref = final.id or "streamed"
    items: list[dict[str, Any]] = []
    if final.reasoning_content is not None:
        items.append(
            {
                "type": "reasoning",
                "id": f"rs_{ref}",
                "summary": [],
                "content": [{"type": "reasoning_text", "text": final.reasoning_content}],
            }
        )
    if final.content:
        items.append(
            {
                "type": "message",
                "role": "assistant",
                "id": f"msg_{ref}",
                "status": "completed",
                "content": [{"type": "output_text", "text": final.content, "annotations": []}],
            }
        )
    for call in final.tool_calls:
        field = "arguments" if call.type != "custom" else "input"
        kind = _ITEM_OF_CALL.get(call.type, "function_call")
        items.append(
            {"type": kind, "call_id": call.id, "name": call.function.name, field: call.function.arguments}
        )
    return items


def to_input_items(obj: Any, outputs: Mapping[str, Any] | None = None) -> list[ResponseInputItemParam]:
    """The input items that replay a ``Response`` in the next request, with your tool outputs appended.

    Takes a ``Response`` (or its dict form) or the :class:`FinalMessage` of :func:`iter_events` over a
    Responses stream. Reasoning items (DeepSeek's chain of thought, which it merges into the assistant
    turn), messages and function calls are kept, in order. ``outputs`` maps each tool call's id
    (:func:`function_calls` lists them) to its result (a string, or a list of content parts); one
    ``function_call_output`` item per call is appended, in call order. Every call needs its output:
    a call left unanswered is an error here, not a 400 after the round trip.
    """
    items = _output_items(obj, "to_input_items")
    if items is None:
        assert isinstance(obj, FinalMessage)
        out = _streamed_items(obj)
    else:
        out = [_input_item(item) for item in items]
    if outputs is not None:
        calls = function_calls(obj)
        missing = [call.id for call in calls if call.id not in outputs]
        if missing:
            raise ValueError(
                f"to_input_items(): no output for the tool calls {missing}. Why: every function call must be "
                "followed by its output in the next request. Fix: pass {call.id: result} for each call "
                "function_calls(response) lists."
            )
        for call in calls:
            out.append(
                {
                    "type": _OUTPUT_OF_CALL.get(call.type, "function_call_output"),
                    "call_id": call.id,
                    "output": outputs[call.id],
                }
            )
    return cast("list[ResponseInputItemParam]", out)


def function_calls(obj: Any) -> list[ToolCall]:
    """The tool calls of a ``Response`` or a streamed :class:`FinalMessage`, in order.

    ``call.id`` is the ``call_id`` its output must name; ``call.function.name`` / ``.arguments``
    read as in Chat Completions (a custom tool's input is its ``arguments``, with ``type="custom"``).
    """
    items = _output_items(obj, "function_calls")
    if items is None:
        assert isinstance(obj, FinalMessage)
        return list(obj.tool_calls)
    calls: list[ToolCall] = []
    for item in items:
        call_type = _CALL_TYPES.get(_get(item, "type"))
        if call_type is None:
            continue
        field = "arguments" if call_type == "function" else "input"
        calls.append(
            ToolCall(
                id=str(_get(item, "call_id") or ""),
                function=FunctionCall(str(_get(item, "name") or ""), str(_get(item, field) or "")),
                type=call_type,
                index=len(calls),
            )
        )
    return calls
