"""A 200 whose JSON has the wrong shape is a MalformedResponseError, never a half-built success.

openai builds response models without validating them, so ``null`` came back from ``create()`` as
``None``, a list as a list and ``{"choices": null}`` as an object whose helpers then raised
``AttributeError``. Each case runs through the real openai client (our subclass) with the server's
bytes scripted at a MockTransport: plain calls, raw responses, ``/models``, FIM, sync and async.
"""

from __future__ import annotations

import json
from typing import Any

import httpx2
import openai
import pytest
from openai.types.chat import ChatCompletionMessageParam

from deepseek_openai import (
    AsyncDeepSeek,
    DeepSeek,
    MalformedResponseError,
    get_async_client,
    get_client,
)
from tests.conftest import KEY, Recorder, completion_body

MESSAGES: list[ChatCompletionMessageParam] = [{"role": "user", "content": "Hi"}]
TRACE = "trace-shape"

GOOD = completion_body()
GOOD_CHOICE = GOOD["choices"][0]

# (the JSON body, a fragment the error must name); each one a shape spec section 7 rules out.
CHAT_BODIES: list[tuple[Any, str]] = [
    (None, "it is null"),
    ([], "it is a list"),
    ([GOOD], "it is a list"),
    ("a string", "it is a string"),
    (42, "it is a number"),
    ({}, "choices is null"),
    ({**GOOD, "choices": None}, "choices is null"),
    ({**GOOD, "choices": {"0": GOOD_CHOICE}}, "choices is an object"),
    ({**GOOD, "choices": [None]}, "choices[0] is null"),
    ({**GOOD, "choices": ["text"]}, "choices[0] is a string"),
    ({**GOOD, "choices": [{**GOOD_CHOICE, "message": None}]}, "choices[0].message is null"),
    ({**GOOD, "choices": [{**GOOD_CHOICE, "message": ["x"]}]}, "choices[0].message is a list"),
    ({**GOOD, "choices": [{**GOOD_CHOICE, "message": {"role": "assistant", "content": 5}}]}, ".content is"),
    (
        {**GOOD, "choices": [{**GOOD_CHOICE, "message": {"role": "assistant", "reasoning_content": []}}]},
        ".reasoning_content is a list",
    ),
    (
        {**GOOD, "choices": [{**GOOD_CHOICE, "message": {"role": "assistant", "tool_calls": {"id": 1}}}]},
        ".tool_calls is an object",
    ),
    (
        {**GOOD, "choices": [{**GOOD_CHOICE, "message": {"role": "assistant", "tool_calls": [None]}}]},
        ".tool_calls[0] is null",
    ),
    ({**GOOD, "usage": [1, 2]}, "usage is a list"),
]


def _reply_json(recorder: Recorder, data: Any) -> None:
    recorder.reply(
        200,
        content=json.dumps(data).encode(),
        headers={"content-type": "application/json", "x-ds-trace-id": TRACE},
    )


def _check(err: MalformedResponseError, fragment: str) -> None:
    assert isinstance(err, openai.APIResponseValidationError)
    assert fragment in str(err), str(err)
    assert err.trace_id == TRACE
    assert err.status_code == 200


@pytest.fixture
def client(http_client: httpx2.Client) -> DeepSeek:
    return get_client(KEY, http_client=http_client, max_retries=0)


@pytest.fixture
def aclient(async_http_client: httpx2.AsyncClient) -> AsyncDeepSeek:
    return get_async_client(KEY, http_client=async_http_client, max_retries=0)


@pytest.mark.parametrize(("data", "fragment"), CHAT_BODIES, ids=lambda v: repr(v)[:40])
def test_wrongly_shaped_chat_completion_is_malformed(
    data: Any, fragment: str, recorder: Recorder, client: DeepSeek
) -> None:
    _reply_json(recorder, data)
    with pytest.raises(MalformedResponseError) as info:
        client.chat.completions.create(model="deepseek-flash", messages=MESSAGES)
    _check(info.value, fragment)


@pytest.mark.parametrize(("data", "fragment"), CHAT_BODIES[::2], ids=lambda v: repr(v)[:40])
async def test_wrongly_shaped_chat_completion_is_malformed_async(
    data: Any, fragment: str, recorder: Recorder, aclient: AsyncDeepSeek
) -> None:
    _reply_json(recorder, data)
    with pytest.raises(MalformedResponseError) as info:
        await aclient.chat.completions.create(model="deepseek-flash", messages=MESSAGES)
    _check(info.value, fragment)


@pytest.mark.parametrize("data", [None, [], {"choices": None}], ids=repr)
def test_raw_response_parse_refuses_wrong_shapes_too(data: Any, recorder: Recorder, client: DeepSeek) -> None:
    _reply_json(recorder, data)
    raw = client.chat.completions.with_raw_response.create(model="deepseek-flash", messages=MESSAGES)
    with pytest.raises(MalformedResponseError):
        raw.parse()


def test_parse_refuses_wrong_shapes_too(recorder: Recorder, client: DeepSeek) -> None:
    _reply_json(recorder, {**GOOD, "choices": None})
    with pytest.raises(MalformedResponseError, match="choices is null"):
        client.chat.completions.parse(model="deepseek-flash", messages=MESSAGES)


def test_a_well_formed_body_still_passes(recorder: Recorder, client: DeepSeek) -> None:
    """Shapes the spec allows: null content with tool calls, no usage, extra fields, empty choices."""
    message = {"role": "assistant", "content": None, "tool_calls": [{"id": "c", "type": "function"}]}
    _reply_json(recorder, {**GOOD, "choices": [{**GOOD_CHOICE, "message": message}], "usage": None, "x": [1]})
    result = client.chat.completions.create(model="deepseek-flash", messages=MESSAGES)
    assert result.choices[0].message.content is None
    _reply_json(recorder, {**GOOD, "choices": []})
    assert client.chat.completions.create(model="deepseek-flash", messages=MESSAGES).choices == []


MODEL_LISTS: list[tuple[Any, str]] = [
    (None, "it is null"),
    ([], "it is a list"),
    ({"object": "list"}, "data is null"),
    ({"object": "list", "data": None}, "data is null"),
    ({"object": "list", "data": {"id": "deepseek-flash"}}, "data is an object"),
    ({"object": "list", "data": [None]}, "data[0] is null"),
    ({"object": "list", "data": ["deepseek-flash"]}, "data[0] is a string"),
    ({"object": "list", "data": [{"id": 5, "object": "model"}]}, "data[0].id is a number"),
    ({"object": "list", "data": [{"object": "model"}]}, "data[0].id is null"),
]


@pytest.mark.parametrize(("data", "fragment"), MODEL_LISTS, ids=lambda v: repr(v)[:40])
def test_wrongly_shaped_model_list_is_malformed(
    data: Any, fragment: str, recorder: Recorder, client: DeepSeek
) -> None:
    _reply_json(recorder, data)
    with pytest.raises(MalformedResponseError) as info:
        client.models.list()
    _check(info.value, fragment)


@pytest.mark.parametrize(("data", "fragment"), MODEL_LISTS[::3], ids=lambda v: repr(v)[:40])
async def test_wrongly_shaped_model_list_is_malformed_async(
    data: Any, fragment: str, recorder: Recorder, aclient: AsyncDeepSeek
) -> None:
    _reply_json(recorder, data)
    with pytest.raises(MalformedResponseError) as info:
        await aclient.models.list()
    _check(info.value, fragment)


def test_a_well_formed_model_list_still_passes(recorder: Recorder, client: DeepSeek) -> None:
    _reply_json(
        recorder, {"object": "list", "data": [{"id": "deepseek-flash", "object": "model", "owned_by": "x"}]}
    )
    assert [m.id for m in client.models.list()] == ["deepseek-flash"]


FIM_GOOD = {"id": "c", "object": "text_completion", "created": 1, "model": "deepseek-flash"}


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (None, "it is null"),
        ({**FIM_GOOD, "choices": None}, "choices is null"),
        ({**FIM_GOOD, "choices": [{"index": 0, "text": None}]}, "choices[0].text is null"),
        ({**FIM_GOOD, "choices": [{"index": 0, "text": ["x"]}]}, "choices[0].text is a list"),
    ],
    ids=lambda v: repr(v)[:40],
)
def test_wrongly_shaped_fim_completion_is_malformed(
    data: Any, fragment: str, recorder: Recorder, client: DeepSeek
) -> None:
    _reply_json(recorder, data)
    with pytest.raises(MalformedResponseError) as info:
        client.beta_client.completions.create(model="deepseek-flash", prompt="def f():")
    _check(info.value, fragment)


def test_malformed_error_body_is_the_redacted_data(recorder: Recorder, client: DeepSeek) -> None:
    _reply_json(recorder, [{"echo": KEY}])
    with pytest.raises(MalformedResponseError) as info:
        client.chat.completions.create(model="deepseek-flash", messages=MESSAGES)
    assert info.value.body == [{"echo": "****6789"}]
    assert KEY not in str(info.value)


def test_helpers_never_see_a_half_built_completion(recorder: Recorder, client: DeepSeek) -> None:
    """The review's path: create() returned None, then a helper failed with AttributeError."""
    from deepseek_openai import get_reasoning, to_message

    _reply_json(recorder, None)
    with pytest.raises(MalformedResponseError):
        to_message(client.chat.completions.create(model="deepseek-flash", messages=MESSAGES))
    _reply_json(recorder, {**GOOD, "choices": [{"message": None}]})
    with pytest.raises(MalformedResponseError):
        get_reasoning(client.chat.completions.create(model="deepseek-flash", messages=MESSAGES))
