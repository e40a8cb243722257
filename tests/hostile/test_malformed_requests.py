"""Malformed requests get a clear error (before the network, or DeepSeek's own typed 4xx), never a bare
``TypeError`` / ``ValueError`` from inside the client, in every guard mode, sync and async.

Run against the emulator over loopback, so "sent" means the server's validation answered. Covers:
unhashable values where the rules test membership (role, part type, tool-call id, tool_call_id,
modalities, ...); content as a list of bare strings, numbers or bytes (openai turns ``bytes`` content
into a list of numbers); values JSON cannot carry (bytes, NaN, sets), which openai's encoder refuses
with a bare exception; and pydantic models passed as messages, which openai sends with only their
explicitly set fields (``M()`` becomes ``{}``).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from typing import Any

import httpx2
import openai
import pydantic
import pytest

from deepseek_openai import (
    DeepSeek,
    DeepSeekError,
    DeepSeekRequestError,
    DeepSeekStatusError,
    UnsupportedFeatureError,
    get_async_client,
    get_client,
)
from deepseek_openai.testing import DeepSeekEmulator

USER: list[Any] = [{"role": "user", "content": "hi"}]
TOOL = {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}
CALL = {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
MODES = ("strict", "warn", "off")
UNHASHABLE: list[Any] = [[], {}, [["x"]], {"a": []}]


def _messages(**message: Any) -> list[Any]:
    return [message]


# Where a value that should be a string (or a list of strings) is tested for membership.
POSITIONS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "role": lambda v: {"messages": [{"role": v, "content": "x"}]},
    "part type": lambda v: {"messages": [{"role": "user", "content": [{"type": v, "text": "x"}]}]},
    "tool call id": lambda v: {
        "messages": [
            *USER,
            {"role": "assistant", "content": "", "tool_calls": [{**CALL, "id": v}], "reasoning_content": ""},
            {"role": "tool", "tool_call_id": "call_1", "content": "r"},
        ],
        "tools": [TOOL],
    },
    "tool_call_id": lambda v: {
        "messages": [
            *USER,
            {"role": "assistant", "content": "", "tool_calls": [CALL], "reasoning_content": ""},
            {"role": "tool", "tool_call_id": v, "content": "r"},
        ]
    },
    "modalities": lambda v: {"modalities": v},
    "service_tier": lambda v: {"service_tier": v},
    "tool_choice": lambda v: {"tools": [TOOL], "tool_choice": v},
    "response_format.type": lambda v: {"response_format": {"type": v}},
    "thinking": lambda v: {"thinking": v},
    "thinking.type": lambda v: {"thinking": {"type": v}},
    "reasoning_effort": lambda v: {"reasoning_effort": v},
    "tools[0].type": lambda v: {"tools": [{**TOOL, "type": v}]},
    "tool name": lambda v: {"tools": [{"type": "function", "function": {"name": v}}]},
    "user": lambda v: {"user": v},
    "user_id": lambda v: {"user_id": v},
    "model": lambda v: {"model": v},
    "stop": lambda v: {"stop": [v]},
    "prefix": lambda v: {"messages": [*USER, {"role": "assistant", "content": "x", "prefix": v}]},
}


def _body(position: str, value: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"model": "deepseek-flash", "messages": USER}
    body.update(POSITIONS[position](value))
    return body


def _send(client: DeepSeek, body: dict[str, Any]) -> Any:
    """create() with the body, every key the SDK has no keyword for in extra_body, as users send them."""
    import inspect

    params = inspect.signature(openai.resources.chat.Completions.create).parameters
    kwargs = {k: v for k, v in body.items() if k in params}
    extra = {k: v for k, v in body.items() if k not in params}
    return client.chat.completions.create(**kwargs, extra_body=extra or None)


def _clear(error: BaseException) -> None:
    """A refusal says what, why and the fix; a server answer is a typed DeepSeek status error."""
    if isinstance(error, DeepSeekRequestError | UnsupportedFeatureError):
        assert "Why:" in str(error)
        assert "Fix:" in str(error)
    else:
        assert isinstance(error, DeepSeekStatusError), repr(error)
        assert error.status_code in (400, 422)


@pytest.fixture(scope="module")
def http() -> Iterator[httpx2.Client]:
    """One connection pool for the module (building a client's SSL context costs ~20 ms)."""
    with httpx2.Client() as client:
        yield client


@pytest.fixture
def clients(deepseek_emulator: DeepSeekEmulator, http: httpx2.Client) -> dict[str, DeepSeek]:
    base = get_client(
        api_key=deepseek_emulator.api_key,
        base_url=deepseek_emulator.base_url,
        max_retries=0,
        timeout=10,
        http_client=http,
    )
    return {
        "strict": base.with_options(guard_mode="strict"),
        "warn": base,  # the default mode
        "off": base.with_options(guard_mode="off"),
    }


@pytest.mark.parametrize("value", UNHASHABLE, ids=repr)
@pytest.mark.parametrize("position", POSITIONS)
def test_unhashable_values_get_a_clear_error_in_every_mode(
    position: str, value: Any, clients: dict[str, DeepSeek]
) -> None:
    for mode, client in clients.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                _send(client, _body(position, value))
            except DeepSeekError as error:
                _clear(error)
                continue
        # Accepted by the server too: only a value DeepSeek ignores may get here (OpenAI-only fields).
        assert mode != "strict" or position in ("service_tier",), f"{position}={value!r} passed in {mode}"


async def test_unhashable_values_get_a_clear_error_async(deepseek_emulator: DeepSeekEmulator) -> None:
    # strict: the default mode 'warn' drops modalities (DeepSeek ignores it) instead of refusing it.
    async with get_async_client(
        api_key=deepseek_emulator.api_key,
        base_url=deepseek_emulator.base_url,
        max_retries=0,
        timeout=10,
        guard_mode="strict",
    ) as client:
        for position in ("role", "part type", "tool_call_id", "modalities", "thinking.type"):
            for value in UNHASHABLE:
                body = _body(position, value)
                with pytest.raises(DeepSeekError) as info:
                    await client.chat.completions.create(
                        model=body.pop("model"), messages=body.pop("messages"), extra_body=body or None
                    )
                _clear(info.value)


# --------------------------------------------------------------------------------------------
# Content lists that are not lists of parts


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (["hello", "world"], "has a str in its content list"),
        ([1, 2, 3], "has a int in its content list"),
        ([None], "has a NoneType in its content list"),
        ([{"type": "text", "text": "a"}, "b"], "has a str in its content list"),
        ([{"type": "text", "text": 5}], "a text part whose text is not a string"),
        ([{"text": "no type"}], "a content part without a type"),
    ],
    ids=repr,
)
def test_content_lists_of_non_parts_are_named_for_what_they_are(
    content: list[Any], said: str, clients: dict[str, DeepSeek]
) -> None:
    with pytest.raises((DeepSeekRequestError, UnsupportedFeatureError)) as info:
        _send(
            clients["strict"], {"model": "deepseek-flash", "messages": [{"role": "user", "content": content}]}
        )
    assert said in str(info.value)
    assert "audio" not in info.value.what  # the old message blamed a missing audio input


def test_bytes_content_is_explained_in_every_mode(clients: dict[str, DeepSeek]) -> None:
    """openai turns ``content=b"..."`` into a list of numbers, and a bytes part into an encoder crash."""
    with pytest.raises(DeepSeekRequestError) as info:
        _send(
            clients["strict"], {"model": "deepseek-flash", "messages": [{"role": "user", "content": b"hi"}]}
        )
    assert "bytes" in info.value.why
    for mode, client in clients.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(DeepSeekRequestError) as caught:
                _send(client, {"model": "deepseek-flash", "messages": [{"role": "user", "content": [b"hi"]}]})
        if mode == "off":  # strict and warn refuse the part's shape first (DeepSeek rejects it)
            assert "messages[0].content[0] is bytes" in caught.value.what, mode
            assert "decode" in caught.value.fix
        else:
            assert caught.value.rule is not None, mode


# --------------------------------------------------------------------------------------------
# Values JSON cannot carry: openai's encoder raised a bare TypeError / ValueError


BYTES_PART: Any = [{"role": "user", "content": [b"x"]}]
SURROGATE: Any = [{"role": "user", "content": "caf\udce9"}]  # b"caf\xe9" decoded with surrogateescape
UNSENDABLE: list[tuple[dict[str, Any], str]] = [
    ({"temperature": float("nan")}, "temperature is the float nan"),
    ({"top_p": float("inf")}, "top_p is the float inf"),
    ({"x_labels": {"tags": {"a", "b"}}}, "x_labels.tags is a value of type set"),
    ({"user_id": b"u1"}, "user_id is bytes"),
    ({"stop": [object()]}, "stop[0] is a value of type object"),
    ({"x_index": {(1, 2): 3}}, "x_index is a dict with a tuple key"),
    ({"x_note": "bad \ud800 text"}, "x_note is a string with a lone surrogate"),
    ({"x_map": {"k\udfff": 1}}, "x_map is a dict with a key holding a lone surrogate"),
]


@pytest.mark.parametrize(("extra", "said"), UNSENDABLE, ids=lambda v: str(v)[:30])
def test_values_json_cannot_carry_are_refused_clearly_in_every_mode(
    extra: dict[str, Any], said: str, clients: dict[str, DeepSeek], deepseek_emulator: DeepSeekEmulator
) -> None:
    # strict and warn may refuse earlier, for a rule of their own (a value out of range); off sends
    # what it is given, so only the encoder's refusal stands between it and the network.
    with pytest.raises(DeepSeekRequestError) as info:
        _send(clients["off"], {"model": "deepseek-flash", "messages": USER, **extra})
    assert said in info.value.what, str(info.value)
    assert "JSON" in info.value.why
    assert isinstance(info.value, ValueError)
    for mode in ("strict", "warn"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(DeepSeekRequestError) as info:
                _send(clients[mode], {"model": "deepseek-flash", "messages": USER, **extra})
        assert isinstance(info.value, ValueError), mode
    assert deepseek_emulator.request_count() == 0


async def test_values_json_cannot_carry_are_refused_async(deepseek_emulator: DeepSeekEmulator) -> None:
    async with get_async_client(
        api_key=deepseek_emulator.api_key,
        base_url=deepseek_emulator.base_url,
        guard_mode="off",
        max_retries=0,
    ) as client:
        with pytest.raises(DeepSeekRequestError, match="temperature is the float nan"):
            await client.chat.completions.create(
                model="deepseek-flash", messages=USER, temperature=float("nan")
            )
        with pytest.raises(DeepSeekRequestError, match="is bytes"):
            await client.chat.completions.create(
                model="deepseek-flash",
                messages=BYTES_PART,
            )
        with pytest.raises(
            DeepSeekRequestError, match=r"messages\[0\]\.content is a string with a lone surrogate"
        ):
            await client.chat.completions.create(model="deepseek-flash", messages=SURROGATE)


# --------------------------------------------------------------------------------------------
# pydantic models as messages


class Message(pydantic.BaseModel):
    role: str = "user"
    content: str = "hello"


def _as_messages(*messages: object) -> Any:
    """Messages as a user may pass them (openai's types do not admit a pydantic model)."""
    return list(messages)


def test_a_default_built_pydantic_message_is_refused_with_the_reason(clients: dict[str, DeepSeek]) -> None:
    """openai dumps a model with exclude_unset=True: ``Message()`` is sent as ``{}``."""
    with pytest.raises(DeepSeekRequestError) as info:
        clients["strict"].chat.completions.create(model="deepseek-flash", messages=_as_messages(Message()))
    assert info.value.what == "messages[0] has no role"
    assert "model_dump()" in info.value.fix


def test_a_half_set_pydantic_message_is_refused_with_the_reason(clients: dict[str, DeepSeek]) -> None:
    with pytest.raises(DeepSeekRequestError) as info:
        clients["strict"].chat.completions.create(
            model="deepseek-flash",
            messages=_as_messages(Message(role="user")),
        )
    assert info.value.what == "messages[0] ('user') has no content"
    assert "model_dump()" in info.value.fix


def test_a_pydantic_message_with_its_fields_set_and_a_dumped_one_are_sent(
    clients: dict[str, DeepSeek], deepseek_emulator: DeepSeekEmulator
) -> None:
    client = clients["strict"]
    client.chat.completions.create(
        model="deepseek-flash", messages=_as_messages(Message(role="user", content="hi"))
    )
    client.chat.completions.create(model="deepseek-flash", messages=_as_messages(Message().model_dump()))
    sent = [r.json["messages"] for r in deepseek_emulator.requests]
    assert sent == [[{"role": "user", "content": "hi"}], [{"role": "user", "content": "hello"}]]


def test_the_empty_message_is_refused_in_the_default_mode_and_answered_by_the_server_in_off_mode(
    clients: dict[str, DeepSeek], deepseek_emulator: DeepSeekEmulator
) -> None:
    empty: Any = [Message()]
    with pytest.raises(DeepSeekRequestError, match="has no role"):  # DeepSeek rejects it
        clients["warn"].chat.completions.create(model="deepseek-flash", messages=empty)
    assert deepseek_emulator.request_count() == 0
    with pytest.raises(DeepSeekStatusError) as info:
        clients["off"].chat.completions.create(model="deepseek-flash", messages=empty)
    assert "role" in str(info.value)
