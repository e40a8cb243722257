"""Error translation: each status and known 400 message becomes a DeepSeek class that is the openai one.

Covers messages (server text, status, trace id, cause, fix), ``retryable``, the retry counts seen at
the transport, Retry-After, non-JSON bodies, malformed 200s, transport failures, and the raw /
streaming-response / ``.parse()`` / ``.stream()`` paths, sync and async.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx2
import openai
import pydantic
import pytest
from openai.types.chat import ChatCompletionMessageParam

from deepseek_openai import (
    AsyncDeepSeek,
    AuthenticationError,
    BetaRequiredError,
    ConflictError,
    ContextLengthExceededError,
    DeepSeek,
    DeepSeekAPIError,
    DeepSeekCompatibilityWarning,
    DeepSeekConnectionError,
    DeepSeekError,
    DeepSeekRequestError,
    DeepSeekStatusError,
    DeepSeekTimeoutError,
    InsufficientBalanceError,
    InvalidFormatError,
    InvalidParametersError,
    MalformedResponseError,
    ModelNotFoundError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ReasoningContentRequiredError,
    ResponseFormatUnavailableError,
    ServerError,
    ServerOverloadedError,
    ThinkingToolChoiceError,
    UnsupportedFeatureError,
    get_async_client,
    get_client,
)
from deepseek_openai._errors import error_class_for
from deepseek_openai._redact import redact

from .conftest import KEY, Recorder, chunk, sse

MESSAGES: list[ChatCompletionMessageParam] = [{"role": "user", "content": "Hi"}]
TRACE = "ds-trace-0f3c"


def _chat(client: DeepSeek, **kwargs: Any) -> Any:
    return client.chat.completions.create(model="deepseek-flash", messages=MESSAGES, **kwargs)


async def _achat(client: AsyncDeepSeek, **kwargs: Any) -> Any:
    return await client.chat.completions.create(model="deepseek-flash", messages=MESSAGES, **kwargs)


def _drain_helper(client: DeepSeek) -> None:
    with client.chat.completions.stream(model="deepseek-flash", messages=MESSAGES) as s:
        s.until_done()


async def _adrain_helper(client: AsyncDeepSeek) -> None:
    async with client.chat.completions.stream(model="deepseek-flash", messages=MESSAGES) as s:
        await s.until_done()


def _parse_streaming_response(client: DeepSeek) -> Any:
    with client.chat.completions.with_streaming_response.create(
        model="deepseek-flash", messages=MESSAGES
    ) as r:
        return r.parse()


def _error_body(message: str, code: str = "invalid_request_error") -> dict[str, Any]:
    return {"error": {"message": message, "type": code, "param": None, "code": code}}


@pytest.fixture(autouse=True)
def retry_delays(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the SDK's computed retry delays and skip the actual sleeping (no timed tests)."""
    delays: list[float] = []
    original = openai._base_client.BaseClient._calculate_retry_timeout

    def fake(self: Any, remaining: int, options: Any, headers: Any = None) -> float:
        delays.append(original(self, remaining, options, headers))
        return 0.0

    monkeypatch.setattr(openai._base_client.BaseClient, "_calculate_retry_timeout", fake)
    return delays


@pytest.fixture
def client(http_client: httpx2.Client) -> DeepSeek:
    return get_client(KEY, http_client=http_client, max_retries=2)


@pytest.fixture
def aclient(async_http_client: httpx2.AsyncClient) -> AsyncDeepSeek:
    return get_async_client(KEY, http_client=async_http_client, max_retries=2)


# (status, DeepSeek class, openai class, retryable)
STATUSES: list[tuple[int, type[DeepSeekStatusError], type[openai.APIStatusError], bool]] = [
    (400, InvalidFormatError, openai.BadRequestError, False),
    (401, AuthenticationError, openai.AuthenticationError, False),
    (402, InsufficientBalanceError, openai.APIStatusError, False),
    (403, PermissionDeniedError, openai.PermissionDeniedError, False),
    (404, NotFoundError, openai.NotFoundError, False),
    (409, ConflictError, openai.ConflictError, True),
    (422, InvalidParametersError, openai.UnprocessableEntityError, False),
    (429, RateLimitError, openai.RateLimitError, True),
    (500, ServerError, openai.InternalServerError, True),
    (502, ServerError, openai.InternalServerError, True),
    (503, ServerOverloadedError, openai.InternalServerError, True),
    (418, DeepSeekStatusError, openai.APIStatusError, False),
]
CAUSES = {
    400: "malformed",
    401: "wrong",
    402: "run out of balance",
    422: "out of range",
    429: "Too many concurrent requests",
    500: "internal fault",
    503: "overloaded",
}


def _check_status_error(
    err: BaseException,
    status: int,
    cls: type[DeepSeekStatusError],
    oa_cls: type[openai.APIStatusError],
    retryable: bool,
) -> None:
    assert type(err) is cls
    assert isinstance(err, oa_cls)
    assert isinstance(err, DeepSeekStatusError)
    assert isinstance(err, openai.APIStatusError)
    assert isinstance(err, DeepSeekError)
    assert isinstance(err, openai.OpenAIError)
    assert isinstance(err, openai.APIError)
    assert err.status_code == status
    assert err.retryable is retryable
    assert err.trace_id == TRACE
    assert err.request_id == TRACE
    text = str(err)
    assert f"server says {status}" in text
    assert str(status) in text
    assert f"x-ds-trace-id: {TRACE}" in text
    assert "Fix:" in text
    assert "Cause:" in text
    assert cls.remedy in text
    assert cls.cause in text
    if status in CAUSES:
        assert CAUSES[status] in text
    assert ("Retrying can help" in text) is retryable
    assert err.server_message == f"server says {status}"
    assert isinstance(err.body, dict)
    assert err.body["message"] == f"server says {status}"


@pytest.mark.parametrize(("status", "cls", "oa_cls", "retryable"), STATUSES)
def test_each_status_maps_to_deepseek_and_openai_classes(
    status: int,
    cls: type[DeepSeekStatusError],
    oa_cls: type[openai.APIStatusError],
    retryable: bool,
    recorder: Recorder,
    http_client: httpx2.Client,
) -> None:
    recorder.default = lambda req: httpx2.Response(
        status, json=_error_body(f"server says {status}"), headers={"x-ds-trace-id": TRACE}
    )
    client = get_client(KEY, http_client=http_client, max_retries=0)
    with pytest.raises(oa_cls) as info:
        _chat(client)
    _check_status_error(info.value, status, cls, oa_cls, retryable)
    assert len(recorder.requests) == 1


@pytest.mark.parametrize(("status", "cls", "oa_cls", "retryable"), STATUSES)
async def test_each_status_maps_async(
    status: int,
    cls: type[DeepSeekStatusError],
    oa_cls: type[openai.APIStatusError],
    retryable: bool,
    recorder: Recorder,
    async_http_client: httpx2.AsyncClient,
) -> None:
    recorder.default = lambda req: httpx2.Response(
        status, json=_error_body(f"server says {status}"), headers={"x-ds-trace-id": TRACE}
    )
    client = get_async_client(KEY, http_client=async_http_client, max_retries=0)
    with pytest.raises(oa_cls) as info:
        await _achat(client)
    _check_status_error(info.value, status, cls, oa_cls, retryable)


def test_except_openai_classes_keep_working(recorder: Recorder, client: DeepSeek) -> None:
    recorder.reply(429, json=_error_body("Rate Limit Reached"))
    recorder.reply(429, json=_error_body("Rate Limit Reached"))
    recorder.reply(429, json=_error_body("Rate Limit Reached"))
    with pytest.raises(openai.RateLimitError) as info:  # what the user's existing code catches
        _chat(client)
    assert isinstance(info.value, RateLimitError)


# Known 400 messages, as the live API words them.
KNOWN_400 = [
    (
        "The `reasoning_content` in the thinking mode must be passed back to the API.",
        ReasoningContentRequiredError,
        "to_message",
    ),
    ("Thinking mode does not support this tool_choice", ThinkingToolChoiceError, "thinking=False"),
    ("prefix is only available when using beta api", BetaRequiredError, "beta=True"),
    (
        "The supported API model names are deepseek-flash or deepseek-v4-pro, but you passed deepseek-chat.",
        ModelNotFoundError,
        "deepseek-flash",
    ),
    ("Model Not Exist", ModelNotFoundError, "deepseek-v4-pro"),
    (
        "This model's maximum context length is 1048576 tokens. However, you requested 1100000 tokens "
        "(1000000 in the messages, 100000 in the completion).",
        ContextLengthExceededError,
        "max_tokens",
    ),
    ("This response_format type is unavailable now", ResponseFormatUnavailableError, "json_object"),
    ("Some other format problem", InvalidFormatError, "server's message"),
]


@pytest.mark.parametrize(("message", "cls", "fix_word"), KNOWN_400)
def test_known_400_messages_get_their_subclass_and_fix(
    message: str, cls: type[InvalidFormatError], fix_word: str, recorder: Recorder, http_client: httpx2.Client
) -> None:
    recorder.reply(400, json=_error_body(message), headers={"x-ds-trace-id": TRACE})
    client = get_client(KEY, http_client=http_client, max_retries=2)
    with pytest.raises(openai.BadRequestError) as info:
        _chat(client.with_options(guard_mode="off"))
    err = info.value
    assert type(err) is cls
    assert isinstance(err, InvalidFormatError)
    text = str(err)
    assert message in text
    assert "400" in text
    assert TRACE in text
    assert fix_word in text
    assert cls.remedy in text
    assert err.retryable is False
    assert len(recorder.requests) == 1  # never retried


def test_context_length_error_exposes_the_numbers(recorder: Recorder, client: DeepSeek) -> None:
    recorder.reply(400, json=_error_body(KNOWN_400[5][0]))
    with pytest.raises(ContextLengthExceededError) as info:
        _chat(client)
    assert info.value.limits == {
        "maximum": 1048576,
        "requested": 1100000,
        "messages": 1000000,
        "completion": 100000,
    }


def test_error_class_for_is_pure_and_falls_back() -> None:
    assert error_class_for(400, None) is InvalidFormatError
    assert error_class_for(504, "x") is ServerError
    assert error_class_for(599, None) is ServerError
    assert error_class_for(451, None) is DeepSeekStatusError
    # A known 400 text under another status is not reinterpreted.
    assert error_class_for(422, "Model Not Exist") is InvalidParametersError


def test_error_without_trace_id_or_message(recorder: Recorder, http_client: httpx2.Client) -> None:
    recorder.reply(402, json={"error": {}})
    with pytest.raises(InsufficientBalanceError) as info:
        _chat(get_client(KEY, http_client=http_client, max_retries=0))
    text = str(info.value)
    assert text.startswith("DeepSeek 402 Insufficient Balance.")
    assert "Top up" in text
    assert "x-ds-trace-id" not in text
    assert info.value.trace_id is None
    assert info.value.server_message is None


# ------------------------------------------------------------------------------------------
# Retries, counted at the transport


@pytest.mark.parametrize("status", [400, 401, 402, 422])
def test_client_errors_are_sent_exactly_once(status: int, recorder: Recorder, client: DeepSeek) -> None:
    recorder.default = lambda req: httpx2.Response(
        status, json=_error_body("no"), headers={"retry-after": "0"}
    )
    with pytest.raises(DeepSeekStatusError):
        _chat(client)
    assert len(recorder.requests) == 1


@pytest.mark.parametrize("status", [400, 401, 402, 422])
def test_client_errors_are_not_retried_even_when_the_server_says_so(
    status: int, recorder: Recorder, client: DeepSeek
) -> None:
    recorder.default = lambda req: httpx2.Response(
        status, json=_error_body("no"), headers={"x-should-retry": "true"}
    )
    with pytest.raises(DeepSeekStatusError):
        _chat(client)
    assert len(recorder.requests) == 1


@pytest.mark.parametrize("status", [429, 500, 503])
def test_retryable_statuses_are_retried_max_retries_times(
    status: int, recorder: Recorder, client: DeepSeek, retry_delays: list[float]
) -> None:
    recorder.default = lambda req: httpx2.Response(status, json=_error_body("busy"))
    with pytest.raises(DeepSeekStatusError) as info:
        _chat(client)
    assert info.value.status_code == status
    assert len(recorder.requests) == 3  # 1 + max_retries
    assert len(retry_delays) == 2
    # Backoff without Retry-After: 0.5 s then 1 s, minus up to 25% jitter.
    assert 0.375 <= retry_delays[0] <= 0.5
    assert 0.75 <= retry_delays[1] <= 1.0


@pytest.mark.parametrize("status", [429, 500, 503])
async def test_retryable_statuses_are_retried_async(
    status: int, recorder: Recorder, aclient: AsyncDeepSeek
) -> None:
    recorder.default = lambda req: httpx2.Response(status, json=_error_body("busy"))
    with pytest.raises(DeepSeekStatusError):
        await _achat(aclient)
    assert len(recorder.requests) == 3


@pytest.mark.parametrize("status", [400, 401, 402, 422])
async def test_client_errors_sent_once_async(status: int, recorder: Recorder, aclient: AsyncDeepSeek) -> None:
    recorder.default = lambda req: httpx2.Response(status, json=_error_body("no"))
    with pytest.raises(DeepSeekStatusError):
        await _achat(aclient)
    assert len(recorder.requests) == 1


def test_retry_then_success(recorder: Recorder, client: DeepSeek) -> None:
    recorder.reply(503, json=_error_body("busy"))
    recorder.reply(429, json=_error_body("slow down"))
    result = _chat(client)
    assert result.choices[0].message.content == "Hello"
    assert len(recorder.requests) == 3
    # Every attempt sends the same body.
    assert len({r.content for r in recorder.requests}) == 1


def test_retry_after_is_honoured(recorder: Recorder, client: DeepSeek, retry_delays: list[float]) -> None:
    recorder.reply(429, json=_error_body("slow"), headers={"retry-after": "7"})
    recorder.reply(503, json=_error_body("busy"), headers={"retry-after-ms": "1500"})
    _chat(client)
    assert retry_delays == [7.0, 1.5]
    assert len(recorder.requests) == 3


def test_retry_after_too_long_means_no_retry(recorder: Recorder, client: DeepSeek) -> None:
    recorder.default = lambda req: httpx2.Response(
        429, json=_error_body("slow"), headers={"retry-after": "3600"}
    )
    with pytest.raises(RateLimitError):
        _chat(client)
    assert len(recorder.requests) == 1


def test_per_call_max_retries(recorder: Recorder, client: DeepSeek) -> None:
    recorder.default = lambda req: httpx2.Response(500, json=_error_body("x"))
    with pytest.raises(ServerError):
        _chat(client.with_options(max_retries=0))
    assert len(recorder.requests) == 1
    with pytest.raises(ServerError):
        _chat(client.with_options(max_retries=4))
    assert len(recorder.requests) == 1 + 5


# ------------------------------------------------------------------------------------------
# Bodies that are not JSON


@pytest.mark.parametrize(
    ("status", "content_type", "body", "cls"),
    [
        (
            402,
            "application/octet-stream",
            json.dumps(_error_body("Insufficient Balance")).encode(),
            InsufficientBalanceError,
        ),
        (
            503,
            "text/html",
            b"<html><body>503 Service Temporarily Unavailable</body></html>",
            ServerOverloadedError,
        ),
        (400, "text/plain", b"Model Not Exist", ModelNotFoundError),
        (500, "application/json", b"{not json", ServerError),
        (401, "application/octet-stream", b"", AuthenticationError),
    ],
)
def test_non_json_error_bodies(
    status: int, content_type: str, body: bytes, cls: type, recorder: Recorder, http_client: httpx2.Client
) -> None:
    recorder.reply(status, content=body, headers={"content-type": content_type, "x-ds-trace-id": TRACE})
    with pytest.raises(DeepSeekStatusError) as info:
        _chat(get_client(KEY, http_client=http_client, max_retries=0))
    err = info.value
    assert type(err) is cls
    assert err.status_code == status
    assert TRACE in str(err)
    assert str(status) in str(err)
    if body.strip():
        assert err.server_message is not None


def test_octet_stream_json_error_body_keeps_the_server_message(
    recorder: Recorder, http_client: httpx2.Client
) -> None:
    recorder.reply(
        402,
        content=json.dumps(_error_body("Insufficient Balance")).encode(),
        headers={"content-type": "application/octet-stream"},
    )
    with pytest.raises(InsufficientBalanceError) as info:
        _chat(get_client(KEY, http_client=http_client, max_retries=0))
    assert info.value.server_message == "Insufficient Balance"
    assert "Top up" in str(info.value)


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"id": "x", "choices": [', "application/json"),
        (b"<html>gateway</html>", "text/html"),
        (b"\xff\xfe\x00garbage", "application/json"),
        (b"", "application/json"),
    ],
)
def test_malformed_200_is_a_malformed_response_error(
    content: bytes, content_type: str, recorder: Recorder, http_client: httpx2.Client
) -> None:
    recorder.reply(200, content=content, headers={"content-type": content_type, "x-ds-trace-id": TRACE})
    with pytest.raises(MalformedResponseError) as info:
        _chat(get_client(KEY, http_client=http_client, max_retries=0))
    err = info.value
    assert isinstance(err, openai.APIResponseValidationError)
    assert isinstance(err, DeepSeekAPIError)
    assert not isinstance(err, json.JSONDecodeError)
    assert err.retryable is True
    assert err.trace_id == TRACE
    assert "200" in str(err)


async def test_malformed_200_async(recorder: Recorder, aclient: AsyncDeepSeek) -> None:
    recorder.reply(200, content=b'{"choices": [', headers={"content-type": "application/json"})
    with pytest.raises(MalformedResponseError):
        await _achat(aclient)


_NOT_JSON = "(ValueError: the body is not JSON)"
"""How a malformed-response error says why: a text body where a JSON object was expected."""


def test_a_text_200_names_why_it_cannot_be_read_on_create_and_on_a_raw_parse(
    recorder: Recorder, http_client: httpx2.Client
) -> None:
    client = get_client(KEY, http_client=http_client, max_retries=0)
    recorder.reply(200, content=b"<html>gateway</html>", headers={"content-type": "text/html"})
    with pytest.raises(MalformedResponseError) as info:
        _chat(client)
    assert _NOT_JSON in str(info.value)
    recorder.reply(200, content=b"<html>gateway</html>", headers={"content-type": "text/html"})
    raw = client.chat.completions.with_raw_response.create(model="deepseek-flash", messages=MESSAGES)
    with pytest.raises(MalformedResponseError) as parsed:
        raw.parse()
    assert _NOT_JSON in str(parsed.value)
    assert "HTTP 200" in str(parsed.value)


def test_a_raw_parse_of_broken_json_names_the_decoder_error(
    recorder: Recorder, http_client: httpx2.Client
) -> None:
    client = get_client(KEY, http_client=http_client, max_retries=0)
    recorder.reply(200, content=b'{"choices": [', headers={"content-type": "application/json"})
    raw = client.chat.completions.with_raw_response.create(model="deepseek-flash", messages=MESSAGES)
    with pytest.raises(MalformedResponseError) as info:
        raw.parse()
    assert "(JSONDecodeError: " in str(info.value)


def test_a_raw_parse_to_another_type_is_given_that_type(
    recorder: Recorder, http_client: httpx2.Client
) -> None:
    from .conftest import completion_body

    client = get_client(KEY, http_client=http_client, max_retries=0)
    recorder.reply(200, json=completion_body("Hi"), headers={"x-ds-trace-id": TRACE})
    raw = client.chat.completions.with_raw_response.create(model="deepseek-flash", messages=MESSAGES)
    text = raw.parse(to=str)
    assert isinstance(text, str)
    assert json.loads(text)["choices"][0]["message"]["content"] == "Hi"
    completion = raw.parse()
    assert completion.choices[0].message.content == "Hi"
    assert completion._request_id == TRACE


async def test_an_async_raw_parse_to_another_type_is_given_that_type(
    recorder: Recorder, aclient: AsyncDeepSeek
) -> None:
    from .conftest import completion_body

    recorder.reply(200, json=completion_body("Hi"), headers={"x-ds-trace-id": TRACE})
    raw = await aclient.chat.completions.with_raw_response.create(model="deepseek-flash", messages=MESSAGES)
    text = raw.parse(to=str)
    assert isinstance(text, str)
    completion = raw.parse()
    assert completion._request_id == TRACE


def test_keepalive_blank_lines_before_json_are_fine(recorder: Recorder, client: DeepSeek) -> None:
    from .conftest import completion_body

    recorder.reply(
        200,
        content=b"\n\n\n" + json.dumps(completion_body("ok")).encode(),
        headers={"content-type": "application/json"},
    )
    assert _chat(client).choices[0].message.content == "ok"


# ------------------------------------------------------------------------------------------
# Transport failures


def _raiser(exc: Callable[[httpx2.Request], Exception]) -> Callable[[httpx2.Request], httpx2.Response]:
    def answer(request: httpx2.Request) -> httpx2.Response:
        raise exc(request)

    return answer


@pytest.mark.parametrize(
    ("make_exc", "cls", "oa_cls"),
    [
        (
            lambda r: httpx2.ConnectError("Connection refused", request=r),
            DeepSeekConnectionError,
            openai.APIConnectionError,
        ),
        (lambda r: httpx2.ReadError("reset", request=r), DeepSeekConnectionError, openai.APIConnectionError),
        (
            lambda r: httpx2.RemoteProtocolError("closed", request=r),
            DeepSeekConnectionError,
            openai.APIConnectionError,
        ),
        (lambda r: httpx2.ReadTimeout("slow", request=r), DeepSeekTimeoutError, openai.APITimeoutError),
        (lambda r: httpx2.ConnectTimeout("slow", request=r), DeepSeekTimeoutError, openai.APITimeoutError),
    ],
)
def test_transport_failures_are_translated_and_retried(
    make_exc: Callable[[httpx2.Request], Exception],
    cls: type[DeepSeekConnectionError],
    oa_cls: type[openai.APIConnectionError],
    recorder: Recorder,
    client: DeepSeek,
) -> None:
    recorder.default = _raiser(make_exc)
    with pytest.raises(oa_cls) as info:
        _chat(client)
    err = info.value
    assert type(err) is cls
    assert isinstance(err, DeepSeekError)
    assert isinstance(err, openai.APIConnectionError)
    assert err.retryable is True
    assert "api.deepseek.com" in str(err)
    assert KEY not in str(err)
    assert len(recorder.requests) == 3  # connection errors are retried too


@pytest.mark.parametrize(
    ("make_exc", "cls"),
    [
        (lambda r: httpx2.ConnectError("refused", request=r), DeepSeekConnectionError),
        (lambda r: httpx2.ReadTimeout("slow", request=r), DeepSeekTimeoutError),
    ],
)
async def test_transport_failures_async(
    make_exc: Callable[[httpx2.Request], Exception], cls: type, recorder: Recorder, aclient: AsyncDeepSeek
) -> None:
    recorder.default = _raiser(make_exc)
    with pytest.raises(cls):
        await _achat(aclient)
    assert len(recorder.requests) == 3


def test_transport_failure_on_a_streamed_call(recorder: Recorder, client: DeepSeek) -> None:
    recorder.default = _raiser(lambda r: httpx2.ConnectError("refused", request=r))
    with pytest.raises(DeepSeekConnectionError):
        _chat(client, stream=True)
    with pytest.raises(DeepSeekConnectionError):
        _drain_helper(client)


# ------------------------------------------------------------------------------------------
# Raw, streaming-response, stream=True, .stream() and .parse() paths


def _reply_402(recorder: Recorder) -> None:
    recorder.default = lambda req: httpx2.Response(
        402, json=_error_body("Insufficient Balance"), headers={"x-ds-trace-id": TRACE}
    )


def test_with_raw_response_translates_status_errors(recorder: Recorder, client: DeepSeek) -> None:
    _reply_402(recorder)
    with pytest.raises(InsufficientBalanceError):
        client.chat.completions.with_raw_response.create(model="deepseek-flash", messages=MESSAGES)
    assert len(recorder.requests) == 1


def test_with_raw_response_malformed_parse(recorder: Recorder, client: DeepSeek) -> None:
    recorder.reply(200, content=b"{broken", headers={"content-type": "application/json"})
    raw = client.chat.completions.with_raw_response.create(model="deepseek-flash", messages=MESSAGES)
    assert raw.status_code == 200
    with pytest.raises(MalformedResponseError):
        raw.parse()


def test_with_raw_response_success(recorder: Recorder, client: DeepSeek) -> None:
    raw = client.chat.completions.with_raw_response.create(model="deepseek-flash", messages=MESSAGES)
    assert raw.parse().choices[0].message.content == "Hello"
    assert raw.http_request.url.path == "/chat/completions"


def test_with_streaming_response_translates(recorder: Recorder, client: DeepSeek) -> None:
    _reply_402(recorder)
    with pytest.raises(InsufficientBalanceError):
        _parse_streaming_response(client)
    recorder.default = lambda req: httpx2.Response(
        200, content=b"{oops", headers={"content-type": "application/json"}
    )
    with pytest.raises(MalformedResponseError):
        _parse_streaming_response(client)
    assert len(recorder.requests) == 2


async def test_async_raw_and_streaming_response(recorder: Recorder, aclient: AsyncDeepSeek) -> None:
    _reply_402(recorder)
    with pytest.raises(InsufficientBalanceError):
        await aclient.chat.completions.with_raw_response.create(model="deepseek-flash", messages=MESSAGES)
    with pytest.raises(InsufficientBalanceError):
        async with aclient.chat.completions.with_streaming_response.create(
            model="deepseek-flash",
            messages=MESSAGES,
        ) as r:
            await r.parse()
    recorder.default = lambda req: httpx2.Response(
        200, content=b"{oops", headers={"content-type": "application/json"}
    )
    raw = await aclient.chat.completions.with_raw_response.create(model="deepseek-flash", messages=MESSAGES)
    with pytest.raises(MalformedResponseError):
        raw.parse()  # with_raw_response's parse() is synchronous on the async client too


def test_stream_true_with_error_status(recorder: Recorder, client: DeepSeek) -> None:
    _reply_402(recorder)
    with pytest.raises(InsufficientBalanceError):
        _chat(client, stream=True)
    recorder.default = lambda req: httpx2.Response(503, json=_error_body("busy"))
    with pytest.raises(ServerOverloadedError):
        _chat(client, stream=True)
    assert len(recorder.requests) == 1 + 3


def test_stream_helper_translates_errors(recorder: Recorder, client: DeepSeek) -> None:
    _reply_402(recorder)
    with pytest.raises(InsufficientBalanceError):
        _drain_helper(client)
    assert recorder.last_json()["stream"] is True


def test_stream_helper_success_keeps_reasoning(recorder: Recorder, client: DeepSeek) -> None:
    recorder.reply(
        200,
        content=sse(
            chunk({"role": "assistant", "content": "", "reasoning_content": ""}),
            chunk({"reasoning_content": "Let me think."}),
            chunk({"content": "Answer"}),
            chunk({}, finish="stop"),
        ),
        headers={"content-type": "text/event-stream"},
    )
    with client.chat.completions.stream(model="deepseek-flash", messages=MESSAGES) as s:
        final = s.get_final_completion()
    msg = final.choices[0].message
    assert msg.content == "Answer"
    assert getattr(msg, "reasoning_content", None) == "Let me think."


async def test_async_stream_helper_translates_errors(recorder: Recorder, aclient: AsyncDeepSeek) -> None:
    recorder.default = lambda req: httpx2.Response(401, json=_error_body("Authentication Fails"))
    with pytest.raises(AuthenticationError):
        await _adrain_helper(aclient)
    assert len(recorder.requests) == 1


class Answer(pydantic.BaseModel):
    value: int


def test_parse_with_a_pydantic_model_is_refused_before_the_network_in_strict_mode(
    recorder: Recorder, client: DeepSeek
) -> None:
    with pytest.raises(UnsupportedFeatureError) as info:
        client.with_options(guard_mode="strict").chat.completions.parse(
            model="deepseek-flash", messages=MESSAGES, response_format=Answer
        )
    assert isinstance(info.value, DeepSeekError)
    assert isinstance(info.value, openai.BadRequestError)  # a 400: frameworks do not retry it
    assert info.value.status_code == 400
    assert "json_schema" in str(info.value)
    assert "json_object" in str(info.value)
    assert "nothing reached DeepSeek" in str(info.value)
    assert recorder.requests == []


def test_parse_with_a_pydantic_model_is_sent_as_a_forced_strict_tool_on_the_beta_url(
    recorder: Recorder, client: DeepSeek
) -> None:
    with (
        pytest.warns(DeepSeekCompatibilityWarning, match="thinking off for this call"),
        pytest.raises(pydantic.ValidationError),  # the recorder answers "Hello", not a call
    ):
        client.chat.completions.parse(model="deepseek-flash", messages=MESSAGES, response_format=Answer)
    sent = recorder.last_json()
    assert str(recorder.requests[-1].url).endswith("/beta/chat/completions")
    assert "response_format" not in sent
    assert sent["tool_choice"] == {"type": "function", "function": {"name": "Answer"}}
    assert sent["thinking"] == {"type": "disabled"}
    (tool,) = sent["tools"]
    assert tool["function"]["name"] == "Answer"
    assert tool["function"]["strict"] is True
    assert tool["function"]["parameters"]["properties"] == {"value": {"title": "Value", "type": "integer"}}


def test_parse_with_guard_off_gets_the_server_400_translated(recorder: Recorder, client: DeepSeek) -> None:
    recorder.reply(400, json=_error_body("This response_format type is unavailable now"))
    with pytest.raises(ResponseFormatUnavailableError):
        client.with_options(guard_mode="off").chat.completions.parse(
            model="deepseek-flash",
            messages=MESSAGES,
            response_format=Answer,
        )
    assert recorder.last_json()["response_format"]["type"] == "json_schema"


def test_parse_without_schema_and_its_errors(recorder: Recorder, client: DeepSeek) -> None:
    result = client.chat.completions.parse(model="deepseek-flash", messages=MESSAGES)
    assert result.choices[0].message.content == "Hello"
    recorder.reply(429, json=_error_body("busy"))
    recorder.reply(429, json=_error_body("busy"))
    recorder.reply(429, json=_error_body("busy"))
    with pytest.raises(RateLimitError):
        client.chat.completions.parse(model="deepseek-flash", messages=MESSAGES)
    recorder.reply(200, content=b"{bad", headers={"content-type": "application/json"})
    with pytest.raises(MalformedResponseError):
        client.chat.completions.parse(model="deepseek-flash", messages=MESSAGES)


async def test_async_parse_refused_and_translated(recorder: Recorder, aclient: AsyncDeepSeek) -> None:
    with pytest.raises(UnsupportedFeatureError):
        await aclient.with_options(guard_mode="strict").chat.completions.parse(
            model="deepseek-flash", messages=MESSAGES, response_format=Answer
        )
    assert recorder.requests == []
    recorder.reply(402, json=_error_body("Insufficient Balance"))
    with pytest.raises(InsufficientBalanceError):
        await aclient.chat.completions.parse(model="deepseek-flash", messages=MESSAGES)


def test_guard_errors_are_value_errors_and_deepseek_errors(recorder: Recorder, client: DeepSeek) -> None:
    with pytest.raises(DeepSeekRequestError) as info:
        _chat(client, temperature=5)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, openai.OpenAIError)
    assert recorder.requests == []


def test_other_endpoints_translate_errors_too(recorder: Recorder, client: DeepSeek) -> None:
    recorder.reply(401, json=_error_body("Authentication Fails"))
    with pytest.raises(AuthenticationError):
        client.models.list()
    assert recorder.last.url.path == "/models"
    assert recorder.last.method == "GET"


def test_redact_masks_every_occurrence() -> None:
    text = f"a {KEY} b {KEY}"
    out = redact(text, KEY)
    assert KEY not in out
    assert out.count("****" + KEY[-4:]) == 2
    assert redact("nothing", KEY) == "nothing"
    assert redact("abc", None) == "abc"


# --------------------------------------------------------------------------------------------
# Messages a person reads


def test_a_server_message_that_repeats_the_title_is_said_once(recorder: Recorder, client: DeepSeek) -> None:
    recorder.reply(402, json=_error_body("Insufficient Balance"))
    with pytest.raises(InsufficientBalanceError) as info:
        client.chat.completions.create(model="deepseek-flash", messages=MESSAGES)
    text = str(info.value)
    assert text.count("Insufficient Balance") == 1, text
    assert info.value.server_message == "Insufficient Balance"  # still kept for code that reads it


def test_a_connection_error_names_the_host_and_port() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = get_client(
        api_key="sk-test-0123456789abcdef", base_url=f"http://127.0.0.1:{port}", max_retries=0
    )
    with pytest.raises(DeepSeekConnectionError) as info:
        client.models.list()
    assert f"127.0.0.1:{port}" in str(info.value)
    assert info.value.in_stream is False


def test_a_stream_cut_midway_says_it_is_not_retried(deepseek_emulator: Any) -> None:
    from deepseek_openai.testing import Fault

    deepseek_emulator.inject(Fault(after_chunks=2, disconnect=True))
    client = get_client(api_key=deepseek_emulator.api_key, base_url=deepseek_emulator.base_url)
    stream = client.chat.completions.create(model="deepseek-flash", messages=MESSAGES, stream=True)
    with pytest.raises(DeepSeekConnectionError) as info:
        for _ in stream:
            pass
    assert info.value.in_stream is True
    assert "not retried" in str(info.value)
    assert "max_retries" not in str(info.value)
    assert f"127.0.0.1:{deepseek_emulator.port}" in str(info.value)


def test_the_key_in_a_nested_error_body_is_masked(recorder: Recorder, client: DeepSeek) -> None:
    """A server that echoes the key deep in its error body (a list of dicts, a dict key) leaks nothing."""
    echoed = {
        "error": {
            "message": "Authentication Fails",
            "type": "authentication_error",
            "param": None,
            "code": "invalid_api_key",
            "details": [{"seen": f"Bearer {KEY}", KEY: "as a key"}, [f"x{KEY}y"]],
        }
    }
    recorder.reply(401, json=echoed)
    with pytest.raises(AuthenticationError) as caught:
        client.models.list()
    error = caught.value
    for shown in (str(error), repr(error), json.dumps(error.body)):
        assert KEY not in shown
    body: Any = error.body
    details = body["error"]["details"] if "error" in body else body["details"]
    assert details[0]["seen"] == "Bearer ****" + KEY[-4:]
    assert "****" + KEY[-4:] in details[0]
    assert details[1] == ["x****" + KEY[-4:] + "y"]


def test_redact_reaches_every_container_and_leaves_short_secrets_alone() -> None:
    masked = "****" + KEY[-4:]
    value = {"a": [KEY, (KEY, 1)], KEY: {"b": KEY.encode()}, "n": None}
    assert redact(value, KEY) == {"a": [masked, (masked, 1)], masked: {"b": masked.encode()}, "n": None}
    assert redact(["abc"], "abc") == ["abc"]  # fewer than four characters: nothing to mask
