"""Every fault kind, injected per request, seen by the real client over the real server."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx2
import openai
import pytest

from deepseek_openai.testing import DeepSeekEmulator, Fault

from .conftest import USER, sse_events

CHAT = {"model": "deepseek-flash", "messages": USER}
STREAM = {**CHAT, "stream": True}


def test_status_with_body_and_retry_after(raw: openai.OpenAI, emu: DeepSeekEmulator) -> None:
    emu.fail_next(429, retry_after=7)
    with pytest.raises(openai.RateLimitError) as caught:
        raw.chat.completions.create(**CHAT)  # type: ignore[call-overload]
    response = caught.value.response
    assert response.headers["retry-after"] == "7"
    assert response.json() == {
        "error": {
            "message": "Rate Limit Reached",
            "type": "rate_limit_error",
            "param": None,
            "code": "rate_limit_reached",
        }
    }
    assert raw.chat.completions.create(**CHAT).choices[0].message.content == "Echo: hello world"  # type: ignore[call-overload]


def test_retries_are_counted(deepseek_client: openai.OpenAI, emu: DeepSeekEmulator) -> None:
    emu.fail_next(503, "Server Overloaded", retry_after=0.01, times=2, path="/chat/completions")
    reply = deepseek_client.chat.completions.create(model="deepseek-flash", messages=USER)
    assert reply.choices[0].message.content == "Echo: hello world"
    assert emu.request_count("/chat/completions") == 3
    assert emu.pending_faults() == 0


def test_fault_scoped_to_a_path_and_skip(raw: openai.OpenAI, emu: DeepSeekEmulator) -> None:
    emu.inject(Fault(status=500, path="/models", skip=1))
    raw.chat.completions.create(**CHAT)  # type: ignore[call-overload]
    raw.models.list()  # skipped once
    with pytest.raises(openai.InternalServerError):
        raw.models.list()
    raw.models.list()


def test_delay_then_answer_and_client_timeout(emu: DeepSeekEmulator) -> None:
    emu.inject(Fault(delay=0.2))
    with openai.OpenAI(api_key=emu.api_key, base_url=emu.base_url, max_retries=0, timeout=5) as client:
        assert client.chat.completions.create(**CHAT).choices[0].message.content  # type: ignore[call-overload]
    emu.inject(Fault(delay=3))
    with (
        openai.OpenAI(api_key=emu.api_key, base_url=emu.base_url, max_retries=0, timeout=0.2) as client,
        pytest.raises(openai.APITimeoutError),
    ):
        client.chat.completions.create(**CHAT)  # type: ignore[call-overload]


def test_keepalive_blank_lines_before_json(
    http: httpx2.Client, raw: openai.OpenAI, emu: DeepSeekEmulator
) -> None:
    emu.inject(Fault(keepalive=3))
    response = http.post("/chat/completions", json=CHAT)
    assert response.text.startswith("\n\n\n{")
    emu.inject(Fault(keepalive=3))
    assert raw.chat.completions.create(**CHAT).choices[0].message.content == "Echo: hello world"  # type: ignore[call-overload]


def test_keepalive_comments_in_stream(http: httpx2.Client, raw: openai.OpenAI, emu: DeepSeekEmulator) -> None:
    emu.inject(Fault(keepalive=2, after_chunks=1))
    text = http.post("/chat/completions", json=STREAM).text
    assert text.count(": keep-alive\n\n") == 2
    assert text.index(": keep-alive") > text.index("data: ")
    assert text.endswith("data: [DONE]\n\n")
    emu.inject(Fault(keepalive=2))
    chunks = list(raw.chat.completions.create(**STREAM))  # type: ignore[call-overload]
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "Echo: hello world"


def test_sse_error_mid_stream(http: httpx2.Client, raw: openai.OpenAI, emu: DeepSeekEmulator) -> None:
    emu.inject(Fault(sse_error=True, after_chunks=3, message="Server Overloaded"))
    events = sse_events(http.post("/chat/completions", json=STREAM).text)
    assert len(events) == 4
    assert "[DONE]" not in events
    assert events[-1]["error"]["message"] == "Server Overloaded"
    emu.inject(Fault(sse_error=True, after_chunks=3))
    with pytest.raises(openai.APIError):
        list(raw.chat.completions.create(**STREAM))  # type: ignore[call-overload]


def test_disconnect_mid_stream(raw: openai.OpenAI, emu: DeepSeekEmulator) -> None:
    emu.inject(Fault(disconnect=True, after_chunks=2))
    seen: list[object] = []
    stream = raw.chat.completions.create(**STREAM)  # type: ignore[call-overload]
    with pytest.raises((httpx2.TransportError, openai.APIError)):
        seen.extend(stream)
    assert len(seen) == 2


def test_disconnect_before_headers(raw: openai.OpenAI, emu: DeepSeekEmulator) -> None:
    emu.inject(Fault(disconnect=True))
    with pytest.raises(openai.APIConnectionError):
        raw.chat.completions.create(**CHAT)  # type: ignore[call-overload]
    assert raw.chat.completions.create(**CHAT).choices[0].message.content  # type: ignore[call-overload]


def test_disconnect_after_headers_non_streaming(http: httpx2.Client, emu: DeepSeekEmulator) -> None:
    emu.inject(Fault(disconnect=True, after_chunks=0))
    with pytest.raises(httpx2.TransportError):
        http.post("/chat/completions", json=CHAT)


def test_stall_before_headers_times_out(emu: DeepSeekEmulator) -> None:
    emu.inject(Fault(stall=5))
    with (
        openai.OpenAI(api_key=emu.api_key, base_url=emu.base_url, max_retries=0, timeout=0.3) as client,
        pytest.raises(openai.APITimeoutError),
    ):
        client.chat.completions.create(**CHAT)  # type: ignore[call-overload]


def test_stall_mid_stream_hits_read_timeout(emu: DeepSeekEmulator) -> None:
    emu.inject(Fault(stall=5, after_chunks=2))
    with openai.OpenAI(api_key=emu.api_key, base_url=emu.base_url, max_retries=0, timeout=0.3) as client:
        seen: list[object] = []
        stream = client.chat.completions.create(**STREAM)  # type: ignore[call-overload]
        with pytest.raises((httpx2.TimeoutException, openai.APITimeoutError)):
            seen.extend(stream)
    assert len(seen) == 2


@pytest.mark.parametrize("blank", ["", " \n\n  "])
def test_blank_json_content(raw: openai.OpenAI, emu: DeepSeekEmulator, blank: str) -> None:
    emu.inject(Fault(blank_content=blank))
    reply = raw.chat.completions.create(**CHAT, response_format={"type": "json_object"})  # type: ignore[call-overload]
    assert reply.choices[0].message.content == blank


@pytest.mark.parametrize("reason", ["insufficient_system_resource", "aborted"])
def test_forced_finish_reasons(raw: openai.OpenAI, emu: DeepSeekEmulator, reason: str) -> None:
    emu.inject(Fault(finish_reason=reason))
    reply = raw.chat.completions.create(**CHAT)  # type: ignore[call-overload]
    assert reply.choices[0].finish_reason == reason
    emu.inject(Fault(finish_reason=reason))
    chunks = list(raw.chat.completions.create(**STREAM))  # type: ignore[call-overload]
    assert chunks[-1].choices[0].finish_reason == reason


def test_malformed_json_body_and_chunk(http: httpx2.Client, emu: DeepSeekEmulator) -> None:
    emu.inject(Fault(malformed=True))
    response = http.post("/chat/completions", json=CHAT)
    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()
    emu.inject(Fault(malformed=True, after_chunks=1))
    with pytest.raises(ValueError):
        sse_events(http.post("/chat/completions", json=STREAM).text)


def test_empty_data_line(http: httpx2.Client, emu: DeepSeekEmulator) -> None:
    emu.inject(Fault(empty_data_line=True, after_chunks=2))
    text = http.post("/chat/completions", json=STREAM).text
    assert "\ndata:\n\n" in text
    assert text.endswith("data: [DONE]\n\n")


def test_octet_stream_error_body(raw: openai.OpenAI, emu: DeepSeekEmulator) -> None:
    emu.inject(Fault(status=402, message="Insufficient Balance", octet_stream=True))
    with pytest.raises(openai.APIStatusError) as caught:
        raw.chat.completions.create(**CHAT)  # type: ignore[call-overload]
    assert caught.value.status_code == 402
    assert caught.value.response.headers["content-type"] == "application/octet-stream"
    assert b"Insufficient Balance" in caught.value.response.content


def test_fault_validation() -> None:
    with pytest.raises(ValueError, match="status"):
        Fault(status=200)
    with pytest.raises(ValueError, match="finish_reason"):
        Fault(finish_reason="done")
    with pytest.raises(ValueError):
        Fault(status=500, disconnect=True)


@pytest.fixture
def limited(emu: DeepSeekEmulator) -> Iterator[DeepSeekEmulator]:
    emu.set_concurrency_limit(1)
    yield emu
    emu.set_concurrency_limit(None)


def test_concurrency_limit_answers_429(limited: DeepSeekEmulator, raw: openai.OpenAI) -> None:
    limited.inject(Fault(delay=2))
    slow = threading.Thread(target=lambda: raw.chat.completions.create(**CHAT), daemon=True)  # type: ignore[call-overload]
    slow.start()
    deadline = time.monotonic() + 5
    while limited.request_count("/chat/completions") < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)  # the first request is now inside its delay, holding the slot
    with pytest.raises(openai.RateLimitError) as caught:
        raw.chat.completions.create(**CHAT)  # type: ignore[call-overload]
    assert "exceeds your concurrency limit of 1" in caught.value.message
    # Another user_id has its own slots.
    assert raw.chat.completions.create(**CHAT, extra_body={"user_id": "other"}).choices  # type: ignore[call-overload]
    slow.join(10)
    assert not slow.is_alive()
    assert raw.chat.completions.create(**CHAT).choices  # type: ignore[call-overload]
