"""What a person reads in each error, and the fields code reads next to it.

Status errors: the server's text, punctuated once; the fix, punctuated once; whether retrying helps;
a long plain-text body cut at 500 characters; a message that only repeats the title said once; every
5xx DeepSeek does not document is a ServerError. Stream errors (an ``event: error``, or openai's own
``{"error": ...}`` chunk): the key masked in the text and the body, the trace id, the request.
Malformed bodies: the key masked in the body and in the detail. Connection failures and timeouts:
the host (IPv6 in brackets, the port only when the URL names one), whether it happened inside a
stream, what to do. Refusals made before the network: the OpenAI-shaped body, the request that was
not sent (never its URL credentials), the source and its date, and no "nothing was sent" prefix
for a helper that refused its input.

Expected values are literals from the DeepSeek error-code page (deepseek-api.md section 10) and
openai's documented classes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import httpx2
import openai
import pytest
from openai.types.chat import ChatCompletionMessageParam

from deepseek_openai import (
    DeepSeek,
    DeepSeekConnectionError,
    DeepSeekRequestError,
    DeepSeekStatusError,
    DeepSeekStreamError,
    DeepSeekTimeoutError,
    IncompleteStreamError,
    InsufficientBalanceError,
    InvalidFormatError,
    InvalidParametersError,
    MalformedResponseError,
    NotFoundError,
    ServerError,
    UnsupportedFeatureError,
    get_client,
)
from deepseek_openai._account import get_balance
from deepseek_openai._catalogue import Source
from deepseek_openai._errors import error_class_for, make_status_error, same_words

from .conftest import KEY, Recorder, chunk, sse

MESSAGES: list[ChatCompletionMessageParam] = [{"role": "user", "content": "Hi"}]
MASKED = "****" + KEY[-4:]
TRACE = "ds-trace-77aa"
CHAT_URL = "https://api.deepseek.com/chat/completions"
SSE = {"content-type": "text/event-stream", "x-ds-trace-id": TRACE}


@pytest.fixture
def client(http_client: httpx2.Client) -> DeepSeek:
    return get_client(KEY, http_client=http_client, max_retries=0)


def _chat(client: DeepSeek, **kwargs: Any) -> Any:
    return client.chat.completions.create(model="deepseek-flash", messages=MESSAGES, **kwargs)


def _drain(client: DeepSeek) -> None:
    for _ in _chat(client, stream=True):
        pass


def _status_error(recorder: Recorder, client: DeepSeek, status: int, **reply: Any) -> DeepSeekStatusError:
    recorder.reply(status, **reply)
    with pytest.raises(DeepSeekStatusError) as info:
        _chat(client)
    return info.value


def _error_body(message: str) -> dict[str, Any]:
    return {
        "error": {
            "message": message,
            "type": "invalid_request_error",
            "param": None,
            "code": "invalid_request_error",
        }
    }


# --------------------------------------------------------------------------------------------
# Status errors: the message


@pytest.mark.parametrize(
    ("server", "shown"),
    [
        ("temperature must be at most 2", "temperature must be at most 2."),
        ("temperature must be at most 2.", "temperature must be at most 2."),
        ("temperature is out of range!", "temperature is out of range!"),
        ("is temperature out of range?", "is temperature out of range?"),
    ],
)
def test_the_server_text_ends_with_one_full_stop(
    server: str, shown: str, recorder: Recorder, client: DeepSeek
) -> None:
    err = _status_error(recorder, client, 422, json=_error_body(server))
    assert type(err) is InvalidParametersError
    assert str(err).startswith(f"DeepSeek 422 Invalid Parameters: {shown} Cause: ")
    assert err.server_message == server


def test_a_client_error_says_retrying_will_not_help(recorder: Recorder, client: DeepSeek) -> None:
    err = _status_error(recorder, client, 400, json=_error_body("Invalid request"))
    assert str(err).endswith(" Retrying will not help.")
    assert err.retryable is False


def test_a_server_error_says_retrying_can_help(recorder: Recorder, client: DeepSeek) -> None:
    err = _status_error(recorder, client, 500, json=_error_body("Internal error"))
    assert str(err).endswith(" Retrying can help.")
    assert err.retryable is True


@pytest.mark.parametrize(
    ("remedy", "said"),
    [
        ("Send it to /chat/completions", "Fix: Send it to /chat/completions. Retrying will not help."),
        ("Send it to /chat/completions.", "Fix: Send it to /chat/completions. Retrying will not help."),
    ],
)
def test_a_remedy_the_caller_knows_replaces_the_default_and_ends_with_one_full_stop(
    remedy: str, said: str
) -> None:
    request = httpx2.Request("POST", "https://api.deepseek.com/embeddings")
    response = httpx2.Response(404, json=_error_body("Not Found"), request=request)
    err = make_status_error(body=response.json(), response=response, secret=KEY, remedy=remedy)
    assert type(err) is NotFoundError
    assert isinstance(err, openai.NotFoundError)
    assert str(err).endswith(said)
    assert "Check base_url" not in str(err)


def test_without_a_remedy_from_the_caller_the_documented_one_is_given() -> None:
    request = httpx2.Request("POST", "https://api.deepseek.com/embeddings")
    response = httpx2.Response(404, request=request)
    err = make_status_error(body=None, response=response, secret=KEY)
    assert type(err) is NotFoundError
    assert err.server_message is None
    assert err.body is None
    assert str(err).startswith("DeepSeek 404 Not Found. Cause: ")
    assert "Fix: Check base_url" in str(err)


@pytest.mark.parametrize("status", [501, 504, 520, 599])
def test_an_undocumented_5xx_is_a_server_error(status: int, recorder: Recorder, client: DeepSeek) -> None:
    err = _status_error(recorder, client, status, json=_error_body("upstream failed"))
    assert type(err) is ServerError
    assert isinstance(err, openai.InternalServerError)
    assert err.retryable is True
    assert error_class_for(status, None) is ServerError


@pytest.mark.parametrize("status", [405, 413, 499])
def test_an_undocumented_4xx_is_a_plain_status_error(status: int) -> None:
    assert error_class_for(status, "whatever") is DeepSeekStatusError
    assert error_class_for(status, None) is DeepSeekStatusError


@pytest.mark.parametrize(
    ("length", "kept"),
    [(499, 499), (500, 500), (501, 500), (2000, 500)],
)
def test_a_plain_text_body_is_cut_after_500_characters(
    length: int, kept: int, recorder: Recorder, client: DeepSeek
) -> None:
    text = "".join("abcdefghij"[i % 10] for i in range(length))
    err = _status_error(recorder, client, 502, content=text.encode(), headers={"content-type": "text/plain"})
    expected = text if length <= 500 else text[:kept] + "..."
    assert err.server_message == expected
    shown = expected if length > 500 else expected + "."  # an ellipsis already ends the sentence
    assert f"DeepSeek 502 Server Error: {shown} Cause: " in str(err)


@pytest.mark.parametrize("body", [[{"message": "bad"}], 42, None])
def test_a_body_that_is_neither_an_object_nor_text_has_no_server_message(body: Any) -> None:
    request = httpx2.Request("POST", CHAT_URL)
    response = httpx2.Response(400, request=request)
    err = make_status_error(body=body, response=response, secret=KEY)
    assert type(err) is InvalidFormatError
    assert err.server_message is None
    assert err.body == body
    assert str(err).startswith("DeepSeek 400 Invalid Format. Cause: ")


def test_a_title_with_a_parenthesised_detail_is_still_the_title() -> None:
    assert same_words("Insufficient Balance (account 7)", "Insufficient Balance")
    assert same_words("Invalid Format", "Invalid Format (model)")
    assert same_words("insufficient   balance!", "Insufficient Balance")
    assert not same_words("Insufficient Balance", "Insufficient")
    assert not same_words("Insufficient Balance (account 7)", "Insufficient Balance account 7 more")
    # The detail is cut out, nothing is put in its place: the words on either side close up.
    assert same_words("Server(busy)Error", "ServerError")
    assert not same_words("Server(busy)Error", "Server Error")


def test_a_402_that_repeats_the_title_with_a_detail_is_said_once(
    recorder: Recorder, client: DeepSeek
) -> None:
    err = _status_error(recorder, client, 402, json=_error_body("Insufficient Balance (account 7)"))
    assert type(err) is InsufficientBalanceError
    assert str(err).startswith("DeepSeek 402 Insufficient Balance. Cause: ")
    assert str(err).count("Insufficient Balance") == 1
    assert err.server_message == "Insufficient Balance (account 7)"


# --------------------------------------------------------------------------------------------
# Errors inside a stream


STREAM_ERRORS = {
    "event: error": "event: error\ndata: "
    + json.dumps({"error": {"message": f"key {KEY} over quota", "type": "rate_limit", "seen": KEY}}),
    "openai's error chunk": "data: "
    + json.dumps({"error": {"message": f"key {KEY} over quota", "type": "rate_limit", "seen": KEY}}),
}


@pytest.mark.parametrize("event", STREAM_ERRORS.values(), ids=list(STREAM_ERRORS))
def test_an_error_inside_a_stream_masks_the_key_and_keeps_the_body(
    event: str, recorder: Recorder, client: DeepSeek
) -> None:
    recorder.reply(200, content=sse(chunk({"content": "par"}), event), headers=SSE)
    with pytest.raises(DeepSeekStreamError) as info:
        _drain(client)
    err = info.value
    assert isinstance(err, openai.APIError)
    assert str(err) == (
        f"DeepSeek reported an error in the middle of the stream: key {MASKED} over quota. "
        f"The partial answer is incomplete; send the request again. (x-ds-trace-id: {TRACE})"
    )
    assert err.server_message == f"key {MASKED} over quota"
    assert err.body == {"message": f"key {MASKED} over quota", "type": "rate_limit", "seen": MASKED}
    assert err.trace_id == TRACE
    assert err.retryable is True
    assert err.request.method == "POST"
    assert str(err.request.url) == CHAT_URL


def test_an_error_event_without_a_trace_id_names_none(recorder: Recorder, client: DeepSeek) -> None:
    recorder.reply(
        200,
        content=sse('event: error\ndata: {"message": "overloaded"}'),
        headers={"content-type": "text/event-stream"},
    )
    with pytest.raises(DeepSeekStreamError) as info:
        _drain(client)
    assert str(info.value).endswith("send the request again.")
    assert "x-ds-trace-id" not in str(info.value)
    assert info.value.trace_id is None


class _CutStream(httpx2.SyncByteStream):
    """One chunk, then the transport fails the way ``exc`` says."""

    def __init__(self, request: httpx2.Request, exc: type[httpx2.TransportError]) -> None:
        self.request, self.exc = request, exc

    def __iter__(self) -> Iterator[bytes]:
        yield sse(chunk({"content": "par"}), done=False)
        raise self.exc("cut", request=self.request)


@pytest.mark.parametrize(
    ("exc", "cls", "text"),
    [
        (
            httpx2.ReadTimeout,
            DeepSeekTimeoutError,
            "The stream from api.deepseek.com stalled past the timeout; the answer so far is incomplete. "
            "Pass a larger timeout= and send the request again.",
        ),
        (
            httpx2.ReadError,
            DeepSeekConnectionError,
            "The connection to api.deepseek.com dropped in the middle of the stream; the answer so far is "
            "incomplete. A stream is not retried: send the request again.",
        ),
    ],
)
def test_a_stream_cut_by_the_transport_says_so(
    exc: type[httpx2.TransportError], cls: type, text: str, recorder: Recorder, client: DeepSeek
) -> None:
    recorder.queue.append(lambda r: httpx2.Response(200, stream=_CutStream(r, exc), headers=SSE))
    with pytest.raises(DeepSeekConnectionError) as info:
        _drain(client)
    err = info.value
    assert type(err) is cls
    assert str(err) == text
    assert err.in_stream is True
    assert err.retryable is True
    assert str(err.request.url) == CHAT_URL


def test_a_stream_without_its_end_marker_is_incomplete(recorder: Recorder, client: DeepSeek) -> None:
    recorder.reply(200, content=sse(chunk({"content": "par"}), done=False), headers=SSE)
    with pytest.raises(IncompleteStreamError) as info:
        _drain(client)
    err = info.value
    assert isinstance(err, openai.APIConnectionError)
    assert str(err) == (
        "The DeepSeek stream from api.deepseek.com ended without 'data: [DONE]' (the connection closed "
        "early); the answer is incomplete. Send the request again."
    )
    assert err.in_stream is True
    assert err.retryable is True
    assert str(err.request.url) == CHAT_URL


def test_an_incomplete_stream_error_expects_done_unless_told_otherwise() -> None:
    request = httpx2.Request("POST", "http://127.0.0.1:8123/chat/completions")
    err = IncompleteStreamError(request=request, detail="the connection closed early")
    assert str(err) == (
        "The DeepSeek stream from 127.0.0.1:8123 ended without 'data: [DONE]' (the connection closed "
        "early); the answer is incomplete. Send the request again."
    )
    assert err.request is request
    assert err.retryable is True
    other = IncompleteStreamError(request=request, detail="d", expected='"response.completed"')
    assert 'ended without "response.completed" (d)' in str(other)


# --------------------------------------------------------------------------------------------
# Malformed bodies


def test_a_malformed_body_keeps_what_the_server_sent(recorder: Recorder, client: DeepSeek) -> None:
    recorder.reply(200, content=b"<html>gateway</html>", headers={"content-type": "text/html"})
    with pytest.raises(MalformedResponseError) as info:
        _chat(client)
    err = info.value
    assert err.body == "<html>gateway</html>"
    assert str(err).startswith("DeepSeek answered HTTP 200 with a body that could not be read (")
    assert str(err).endswith("). This is a server or proxy fault; retrying may help.")


def test_a_balance_that_echoes_the_key_is_masked_in_the_detail(recorder: Recorder, client: DeepSeek) -> None:
    recorder.reply(
        200,
        json={"is_available": True, "balance_infos": [{"currency": "CNY", "total_balance": KEY}]},
        headers={"x-ds-trace-id": TRACE},
    )
    with pytest.raises(MalformedResponseError) as info:
        get_balance(client)
    err = info.value
    assert KEY not in str(err)
    assert f"balance_infos[0].total_balance='{MASKED}' is not an amount" in str(err)
    assert err.trace_id == TRACE
    assert err.retryable is True


@pytest.mark.parametrize("header", ["Authorization", "authorization"])
def test_a_malformed_response_masks_the_key_its_request_carried(header: str) -> None:
    request = httpx2.Request("POST", CHAT_URL, headers={header: f"Bearer {KEY}"})
    response = httpx2.Response(200, request=request)
    err = MalformedResponseError(response, {"echo": [KEY]}, detail=f"saw {KEY}")
    assert err.body == {"echo": [MASKED]}
    assert str(err) == (
        f"DeepSeek answered HTTP 200 with a body that could not be read (saw {MASKED}). "
        "This is a server or proxy fault; retrying may help."
    )


def test_a_malformed_response_to_a_request_without_a_key_keeps_the_text() -> None:
    unsigned = httpx2.Response(200, request=httpx2.Request("GET", "https://api.deepseek.com/models"))
    err = MalformedResponseError(unsigned, "raw text", detail="bad")
    assert err.body == "raw text"
    assert "(bad)" in str(err)


# --------------------------------------------------------------------------------------------
# Connection failures and timeouts


def _raise(exc: type[httpx2.TransportError]) -> Any:
    def answer(request: httpx2.Request) -> httpx2.Response:
        raise exc("failed", request=request)

    return answer


def test_a_connection_failure_says_what_to_check(recorder: Recorder, client: DeepSeek) -> None:
    recorder.default = _raise(httpx2.ConnectError)
    with pytest.raises(DeepSeekConnectionError) as info:
        _chat(client)
    err = info.value
    assert type(err) is DeepSeekConnectionError
    assert str(err) == (
        "Connection error. Could not complete the exchange with api.deepseek.com. "
        "Check the network and base_url; openai retries this automatically (max_retries)."
    )
    assert err.in_stream is False
    assert str(err.request.url) == CHAT_URL


def test_a_timeout_before_the_answer_says_to_raise_the_timeout(recorder: Recorder, client: DeepSeek) -> None:
    recorder.default = _raise(httpx2.ReadTimeout)
    with pytest.raises(DeepSeekTimeoutError) as info:
        _chat(client)
    err = info.value
    assert str(err) == (
        "Request to api.deepseek.com timed out. Long reasoning can take minutes: pass a larger timeout= "
        "(the openai default is 600 s) or stream the answer."
    )
    assert err.in_stream is False
    assert str(err.request.url) == CHAT_URL


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("http://[::1]:8080/chat/completions", "[::1]:8080"),
        ("http://[::1]/chat/completions", "[::1]"),
        ("http://127.0.0.1:8123/chat/completions", "127.0.0.1:8123"),
        ("https://api.deepseek.com/chat/completions", "api.deepseek.com"),
    ],
)
def test_the_host_is_named_with_its_port_only_when_the_url_has_one(url: str, host: str) -> None:
    request = httpx2.Request("POST", url)
    err = DeepSeekConnectionError(message="Connection error.", request=request)
    assert f" with {host}. Check the network" in str(err)
    assert err.request is request
    stalled = DeepSeekTimeoutError(request)
    assert str(stalled).startswith(f"Request to {host} timed out.")
    assert stalled.in_stream is False
    assert stalled.request is request


# --------------------------------------------------------------------------------------------
# Refusals made before the network


def test_a_refusal_carries_an_openai_shaped_body_and_the_request_not_sent(
    recorder: Recorder, client: DeepSeek
) -> None:
    with pytest.raises(UnsupportedFeatureError) as info:
        _chat(client, n=3)
    err = info.value
    assert isinstance(err, openai.BadRequestError)
    assert err.status_code == 400
    assert err.body == {
        "message": str(err),
        "type": "invalid_request_error",
        "param": "n",
        "code": err.rule,
    }
    assert err.param == "n"
    assert err.code == err.rule
    assert err.type == "invalid_request_error"
    assert str(err).startswith("Refused before sending (nothing reached DeepSeek): n=3")
    assert err.before_send is True
    assert err.request.method == "POST"
    assert str(err.request.url) == CHAT_URL
    assert err.response.request is err.request
    assert "authorization" not in err.request.headers
    assert recorder.requests == []


SOURCE = Source(
    "DeepSeek API docs: Error Codes",
    "https://api-docs.deepseek.com/quick_start/error_codes",
    dt.date(2026, 9, 11),
)


def test_a_refusal_names_its_source_and_date() -> None:
    err = DeepSeekRequestError("x is wrong", why="DeepSeek says so", fix="send y", source=SOURCE, param="x")
    assert str(err) == (
        "Refused before sending (nothing reached DeepSeek): x is wrong. Why: DeepSeek says so "
        "(DeepSeek API docs: Error Codes, 2026-09-11). Fix: send y"
    )


def test_a_refusal_without_a_source_names_none() -> None:
    err = DeepSeekRequestError("x is wrong", why="DeepSeek says so", fix="send y")
    assert str(err) == (
        "Refused before sending (nothing reached DeepSeek): x is wrong. Why: DeepSeek says so. Fix: send y"
    )
    assert err.body == {"message": str(err), "type": "invalid_request_error", "param": None, "code": None}
    assert err.before_send is True
    assert err.request.method == "POST"
    assert str(err.request.url) == "https://api.deepseek.com/"


def test_a_helper_refusing_its_input_does_not_say_nothing_was_sent() -> None:
    err = DeepSeekRequestError("x is wrong", why="because", fix="send y", before_send=False)
    assert str(err) == "x is wrong. Why: because. Fix: send y"
    assert err.before_send is False
    assert err.body is not None
    assert err.body["message"] == "x is wrong. Why: because. Fix: send y"  # type: ignore[index]


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://user:secret@example.com:8443/v1/chat?q=1#frag", "https://example.com:8443/v1/chat?q=1"),
        ("https://user@example.com/v1/chat", "https://example.com/v1/chat"),
        ("https://:secret@example.com/v1/chat", "https://example.com/v1/chat"),
        ("https://user:secret@example.com/v1/chat", "https://example.com/v1/chat"),
        ("https://user:p@ss@example.com/v1/chat", "https://example.com/v1/chat"),
        ("https://user:secret@[::1]:8443/v1/chat", "https://[::1]:8443/v1/chat"),
        ("https://user:secret@[::1]/v1/chat", "https://[::1]/v1/chat"),
        ("https://user:secret@:8443/v1/chat", "https://:8443/v1/chat"),
        ("https://example.com:8443/v1/chat?q=1", "https://example.com:8443/v1/chat?q=1"),
    ],
)
def test_the_request_not_sent_never_carries_url_credentials(url: str, kept: str) -> None:
    err = DeepSeekRequestError("x", why="y", fix="z", url=url, method="GET")
    assert str(err.request.url) == kept
    assert err.request.method == "GET"
    moved = DeepSeekRequestError("x", why="y", fix="z").for_request("PUT", url)
    assert str(moved.request.url) == kept
    assert moved.request.method == "PUT"
    assert moved.response.request is moved.request
    assert "secret" not in str(moved.request.url)


def test_a_refused_url_with_credentials_and_an_ipv6_host_is_still_a_refusal(
    recorder: Recorder, client: DeepSeek
) -> None:
    """It was an httpx InvalidURL ("Invalid port: ':1:8443'"): the brackets were lost with the credentials."""
    with pytest.raises(UnsupportedFeatureError) as info:
        client.post("https://user:secret@[::1]:8443/embeddings", body={"input": "x"}, cast_to=object)
    err = info.value
    assert str(err.request.url) == "https://[::1]:8443/embeddings"
    assert "secret" not in str(err.request.url)
    assert recorder.requests == []
