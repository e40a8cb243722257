"""What a pickled DeepSeek error keeps, and what it never carries.

It keeps the request's body, the response's headers (the trace id) and one request shared by the
error and its response; it drops the headers that no longer describe the copied content
(``content-length``, ``content-encoding``); it masks every credential the request carried (the
bearer key, a cookie, URL user and password) wherever it shows up: in the message, the body, an
echoed header, the request body. A key and a URL password that is part of it are masked longest
first, so no tail of the key survives. An error that holds extra requests or responses (a framework
may attach them) gets the same treatment, a response built without a request included.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from typing import Any

import httpx2
import openai
import pytest

from deepseek_openai import (
    DeepSeek,
    DeepSeekConnectionError,
    DeepSeekError,
    DeepSeekStreamError,
    InvalidFormatError,
    MalformedResponseError,
    get_client,
)
from tests.conftest import KEY, Recorder

MASKED = "****" + KEY[-4:]
TRACE = "ds-trace-pk01"
URL = "https://api.deepseek.com/chat/completions"
# A URL password that is a piece of the key and sorts after it ("y" > "s"): masked before the key,
# it would leave the key's tail readable.
PIECE = "y-0123456789abcdef"


def _round_trip(err: BaseException) -> Any:
    data = pickle.dumps(err)
    assert KEY.encode() not in data
    return pickle.loads(data)


@pytest.fixture
def status_error(recorder: Recorder, http_client: httpx2.Client) -> InvalidFormatError:
    """A 400 from the client, its response carrying the key in a header and in the raw body."""
    recorder.reply(
        400,
        json={"error": {"message": "Invalid request", "type": "invalid_request_error"}, "echo": KEY},
        headers=[
            ("content-encoding", "identity"),
            ("x-ds-trace-id", TRACE),
            ("set-cookie", "session=0123456789abcdefXYZW"),
            ("x-echo", f"you sent {KEY}"),
        ],
    )
    client: DeepSeek = get_client(KEY, http_client=http_client, max_retries=0)
    with pytest.raises(InvalidFormatError) as info:
        client.chat.completions.create(
            model="deepseek-flash", messages=[{"role": "user", "content": f"my key is {KEY}"}]
        )
    return info.value


def test_a_pickled_status_error_keeps_its_headers_and_masks_the_secret_ones(
    status_error: InvalidFormatError,
) -> None:
    back = _round_trip(status_error)
    headers = back.response.headers
    assert headers["x-ds-trace-id"] == TRACE
    assert headers["set-cookie"] == "****XYZW"
    assert headers["x-echo"] == f"you sent {MASKED}"
    assert back.request.headers["authorization"] == f"Bearer {MASKED}"
    assert back.trace_id == TRACE


def test_a_pickled_response_describes_the_content_it_holds(status_error: InvalidFormatError) -> None:
    back = _round_trip(status_error)
    response = back.response
    assert "content-encoding" not in response.headers
    assert response.headers.get_list("content-length") == [str(len(response.content))]
    assert response.json()["echo"] == MASKED
    assert back.status_code == 400


def test_a_pickled_error_keeps_the_request_body_masked(status_error: InvalidFormatError) -> None:
    back = _round_trip(status_error)
    sent = status_error.request.content
    assert KEY.encode() in sent  # what the user asked to send
    assert back.request.content == sent.replace(KEY.encode(), MASKED.encode())
    assert back.request.method == "POST"
    assert str(back.request.url) == URL


def test_a_pickled_error_and_its_response_share_one_request(status_error: InvalidFormatError) -> None:
    assert status_error.response.request is status_error.request
    back = _round_trip(status_error)
    assert back.response.request is back.request


def test_url_credentials_are_masked_in_the_message_and_body_longest_first() -> None:
    assert PIECE in KEY
    assert sorted([KEY, PIECE]) == [KEY, PIECE]  # so neither sorting by text nor shortest first works
    request = httpx2.Request(
        "POST",
        f"https://:{PIECE}@api.deepseek.com/chat/completions",
        headers={"authorization": f"Bearer {KEY}"},
    )
    err = DeepSeekStreamError(
        f"proxy saw {KEY} and {PIECE}", request, body={"seen": [KEY, PIECE]}, secret=None
    )
    back = _round_trip(err)
    piece = "****" + PIECE[-4:]
    assert back.server_message == f"proxy saw {MASKED} and {piece}"
    assert back.body == {"seen": [MASKED, piece]}
    assert f"proxy saw {MASKED} and {piece}." in str(back)
    assert PIECE.encode() not in pickle.dumps(err)
    assert str(back.request.url) == "https://****@api.deepseek.com/chat/completions"


def test_a_url_user_and_password_are_both_masked() -> None:
    request = httpx2.Request("GET", "https://alice-the-admin:hunter2-hunter2@api.deepseek.com/models")
    err = DeepSeekConnectionError(request=request)
    err.args = ("alice-the-admin used hunter2-hunter2",)
    back = _round_trip(err)
    assert back.args == ("****dmin used ****ter2",)
    assert isinstance(back, openai.APIConnectionError)


class _Unread(httpx2.SyncByteStream):
    def __iter__(self) -> Iterator[bytes]:
        yield b'{"partial": '


def test_an_unread_request_or_response_body_pickles_as_empty() -> None:
    request = httpx2.Request("POST", URL, content=iter([b'{"model": "deepseek-flash"}']))
    with pytest.raises(httpx2.RequestNotRead):
        _ = request.content
    err = DeepSeekConnectionError(request=request)
    assert _round_trip(err).request.content == b""

    signed = httpx2.Request("POST", URL, headers={"authorization": f"Bearer {KEY}"})
    stream = httpx2.Response(200, stream=_Unread(), request=signed, headers={"x-ds-trace-id": TRACE})
    malformed = MalformedResponseError(stream, None, detail="the stream broke")
    back = _round_trip(malformed)
    assert back.response.content == b""
    assert back.response.headers["x-ds-trace-id"] == TRACE
    assert back.response.request is back.request


def test_an_attached_response_without_a_request_does_not_hide_the_request_after_it() -> None:
    err = DeepSeekError(f"framework saw {KEY}")
    err.first = httpx2.Response(502, content=b"bad gateway")  # type: ignore[attr-defined]
    err.sent = httpx2.Request("POST", URL, headers={"authorization": f"Bearer {KEY}"})  # type: ignore[attr-defined]
    back = _round_trip(err)
    assert back.args == (f"framework saw {MASKED}",)
    assert back.first.content == b"bad gateway"
    with pytest.raises(RuntimeError):
        _ = back.first.request
    assert back.sent.headers["authorization"] == f"Bearer {MASKED}"


def test_an_attached_response_alone_has_its_request_scrubbed() -> None:
    err = DeepSeekError("framework kept the response")
    signed = httpx2.Request("POST", URL, headers={"authorization": f"Bearer {KEY}", "x-trace": "t"})
    err.kept = httpx2.Response(500, content=f"echo {KEY}".encode(), request=signed)  # type: ignore[attr-defined]
    back = _round_trip(err)
    assert back.kept.content == f"echo {MASKED}".encode()
    assert back.kept.request.headers["authorization"] == f"Bearer {MASKED}"
    assert back.kept.request.headers["x-trace"] == "t"
