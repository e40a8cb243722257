"""Every fault the emulator can inject x sync/async x stream/non-stream x endpoint (chat completions
and the Responses API), through the real client.

Each case ends in the documented DeepSeek exception (which is also the openai one) or in success,
within a bounded time, after exactly the number of requests the docs promise (counted at the
emulator): 400/401/402/422 are never retried; 429, 5xx, dropped connections and timeouts are
retried up to ``max_retries`` (2 here, so 3 requests in all); nothing is retried once a stream
has started. The same faults on ``/files`` (upload, list, retrieve, delete) end the same way. No bare
JSONDecodeError / KeyError / AttributeError / TypeError ever escapes:
``pytest.raises`` with the exact class lets any other exception fail the test.

A Responses stream has no ``[DONE]`` and reports how the reply ended as its terminal event
(section 12): a reply cut by the server's resources is ``failed`` there, where chat says
``insufficient_system_resource`` / ``aborted`` (the emulator's documented mapping).
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import openai
import pytest

import deepseek_openai as ds
from deepseek_openai.testing import DeepSeekEmulator, Fault
from tests.images import png

from .conftest import MAX_RETRIES, MESSAGES, fast_retries

pytestmark = pytest.mark.timeout(30)

ATTEMPTS = MAX_RETRIES + 1
CHAT = "/chat/completions"
RESPONSES = "/responses"
PATHS = {"chat": CHAT, "responses": RESPONSES}
# How a Responses reply reports each chat finish_reason (status, or the incomplete reason).
RESPONSES_FINISH = {"stop": "stop", "insufficient_system_resource": "failed", "aborted": "failed"}
BOUND_SECONDS = 15.0  # generous: a hang would take the 10 s client timeout x retries


@dataclass(frozen=True)
class Case:
    """One fault and what the client must make of it."""

    name: str
    faults: tuple[Fault, ...]
    error: type[BaseException] | None  # None: success
    openai_error: type[BaseException] | None
    requests: int
    modes: tuple[str, ...] = ("nonstream", "stream")
    finish_reason: str | None = None
    content: str | None = None
    timeout: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _status(code: int, **kw: Any) -> Fault:
    return Fault(status=code, **kw)


CASES = [
    # -- never-retried statuses ----------------------------------------------------------------
    Case("400", (_status(400),), ds.InvalidFormatError, openai.BadRequestError, 1),
    Case("401", (_status(401),), ds.AuthenticationError, openai.AuthenticationError, 1),
    Case("402", (_status(402),), ds.InsufficientBalanceError, openai.APIStatusError, 1),
    Case("422", (_status(422),), ds.InvalidParametersError, openai.UnprocessableEntityError, 1),
    Case(
        "400-retry-after", (_status(400, retry_after=0.01),), ds.InvalidFormatError, openai.BadRequestError, 1
    ),
    # -- retried statuses: exhausted, and recovered --------------------------------------------
    Case(
        "429-exhausted", (_status(429, times=ATTEMPTS),), ds.RateLimitError, openai.RateLimitError, ATTEMPTS
    ),
    Case(
        "429-retry-after-exhausted",
        (_status(429, retry_after=0.05, times=ATTEMPTS),),
        ds.RateLimitError,
        openai.RateLimitError,
        ATTEMPTS,
    ),
    Case("429-recovers", (_status(429),), None, None, 2),
    Case("429-retry-after-recovers", (_status(429, retry_after=0.05),), None, None, 2),
    Case(
        "500-exhausted", (_status(500, times=ATTEMPTS),), ds.ServerError, openai.InternalServerError, ATTEMPTS
    ),
    Case("500-recovers", (_status(500, times=2),), None, None, 3),
    Case(
        "503-exhausted",
        (_status(503, times=ATTEMPTS),),
        ds.ServerOverloadedError,
        openai.InternalServerError,
        ATTEMPTS,
    ),
    Case("503-retry-after-recovers", (_status(503, retry_after=0.05, times=2),), None, None, 3),
    # -- octet-stream error bodies (seen on the live API) ---------------------------------------
    Case(
        "400-octet-stream",
        (_status(400, octet_stream=True),),
        ds.InvalidFormatError,
        openai.BadRequestError,
        1,
    ),
    Case(
        "500-octet-stream",
        (_status(500, octet_stream=True, times=ATTEMPTS),),
        ds.ServerError,
        openai.InternalServerError,
        ATTEMPTS,
    ),
    # -- slow but fine ----------------------------------------------------------------------------
    Case("delay", (Fault(delay=0.2),), None, None, 1),
    Case("keepalive-padding", (Fault(keepalive=5),), None, None, 1),
    Case("keepalive-mid-stream", (Fault(keepalive=3, after_chunks=2),), None, None, 1, modes=("stream",)),
    Case("empty-data-line", (Fault(empty_data_line=True, after_chunks=1),), None, None, 1, modes=("stream",)),
    Case("blank-content", (Fault(blank_content=""),), None, None, 1, content=""),
    Case("whitespace-content", (Fault(blank_content="\n\n  "),), None, None, 1, content="\n\n  "),
    Case(
        "finish-insufficient-system-resource",
        (Fault(finish_reason="insufficient_system_resource"),),
        None,
        None,
        1,
        finish_reason="insufficient_system_resource",
    ),
    Case("finish-aborted", (Fault(finish_reason="aborted"),), None, None, 1, finish_reason="aborted"),
    # -- broken responses -------------------------------------------------------------------------
    Case(
        "malformed-json",
        (Fault(malformed=True),),
        ds.MalformedResponseError,
        openai.APIResponseValidationError,
        1,
        modes=("nonstream",),
    ),
    Case(
        "malformed-chunk",
        (Fault(malformed=True),),
        ds.MalformedResponseError,
        openai.APIError,
        1,
        modes=("stream",),
    ),
    Case(
        "sse-error-event",
        (Fault(sse_error=True, after_chunks=2),),
        ds.DeepSeekStreamError,
        openai.APIError,
        1,
        modes=("stream",),
    ),
    Case(
        "sse-error-first",
        (Fault(sse_error=True),),
        ds.DeepSeekStreamError,
        openai.APIError,
        1,
        modes=("stream",),
    ),
    # -- dropped connections and stalls -------------------------------------------------------------
    Case(
        "disconnect-before-headers-exhausted",
        (Fault(disconnect=True, times=ATTEMPTS),),
        ds.DeepSeekConnectionError,
        openai.APIConnectionError,
        ATTEMPTS,
    ),
    Case("disconnect-before-headers-recovers", (Fault(disconnect=True),), None, None, 2),
    Case(
        "disconnect-mid-stream",
        (Fault(disconnect=True, after_chunks=2),),
        ds.DeepSeekConnectionError,
        openai.APIConnectionError,
        1,
        modes=("stream",),
    ),
    Case(
        "stall-before-headers",
        (Fault(stall=3.0, times=ATTEMPTS),),
        ds.DeepSeekTimeoutError,
        openai.APITimeoutError,
        ATTEMPTS,
        timeout=0.3,
    ),
    Case(
        "stall-mid-stream",
        (Fault(stall=3.0, after_chunks=2),),
        ds.DeepSeekTimeoutError,
        openai.APITimeoutError,
        1,
        modes=("stream",),
        timeout=0.3,
    ),
]

MATRIX = [
    pytest.param(case, mode, kind, endpoint, id=f"{case.name}-{mode}-{kind}-{endpoint}")
    for endpoint in ("chat", "responses")
    for case in CASES
    for mode in case.modes
    for kind in ("sync", "async")
]


def _check_error(exc: BaseException, case: Case) -> None:
    assert isinstance(exc, ds.DeepSeekError), type(exc)
    assert case.openai_error is not None
    assert isinstance(exc, case.openai_error), type(exc).__mro__
    text = str(exc)
    assert text
    assert "Traceback" not in text


def _check_success(content: str | None, finish: str | None, case: Case, endpoint: str = "chat") -> None:
    if case.content is not None:
        assert content == case.content
    else:
        assert content  # the emulator's echo
    expected = case.finish_reason or "stop"
    assert finish == (RESPONSES_FINISH[expected] if endpoint == "responses" else expected)


def _finish_of(status: str | None) -> str | None:
    """A Responses status in chat's words, for the comparison (completed is a normal stop)."""
    return "stop" if status == "completed" else status


def _sync_responses(client: ds.DeepSeek, stream: bool) -> tuple[str | None, str | None]:
    if not stream:
        reply = client.responses.create(model="deepseek-flash", input="hello world")
        return reply.output_text, _finish_of(reply.status)
    parts: list[str] = []
    status = None
    with client.responses.create(model="deepseek-flash", input="hello world", stream=True) as s:
        for event in s:
            if event.type == "response.output_text.delta":
                parts.append(event.delta)
            elif event.type in ("response.completed", "response.incomplete", "response.failed"):
                status = event.response.status
    return "".join(parts), _finish_of(status)


async def _async_responses(client: ds.AsyncDeepSeek, stream: bool) -> tuple[str | None, str | None]:
    if not stream:
        reply = await client.responses.create(model="deepseek-flash", input="hello world")
        return reply.output_text, _finish_of(reply.status)
    parts: list[str] = []
    status = None
    s = await client.responses.create(model="deepseek-flash", input="hello world", stream=True)
    async with s:
        async for event in s:
            if event.type == "response.output_text.delta":
                parts.append(event.delta)
            elif event.type in ("response.completed", "response.incomplete", "response.failed"):
                status = event.response.status
    return "".join(parts), _finish_of(status)


def _sync_call(client: ds.DeepSeek, stream: bool) -> tuple[str | None, str | None]:
    if not stream:
        reply = client.chat.completions.create(model="deepseek-flash", messages=MESSAGES)
        return reply.choices[0].message.content, reply.choices[0].finish_reason
    parts: list[str] = []
    finish = None
    with client.chat.completions.create(model="deepseek-flash", messages=MESSAGES, stream=True) as s:
        for chunk in s:
            for choice in chunk.choices:
                parts.append(choice.delta.content or "")
                finish = choice.finish_reason or finish
    return "".join(parts), finish


async def _async_call(client: ds.AsyncDeepSeek, stream: bool) -> tuple[str | None, str | None]:
    if not stream:
        reply = await client.chat.completions.create(model="deepseek-flash", messages=MESSAGES)
        return reply.choices[0].message.content, reply.choices[0].finish_reason
    parts: list[str] = []
    finish = None
    s = await client.chat.completions.create(model="deepseek-flash", messages=MESSAGES, stream=True)
    async with s:
        async for chunk in s:
            for choice in chunk.choices:
                parts.append(choice.delta.content or "")
                finish = choice.finish_reason or finish
    return "".join(parts), finish


@pytest.mark.parametrize(("case", "mode", "kind", "endpoint"), MATRIX)
async def test_fault_ends_in_documented_outcome(
    case: Case, mode: str, kind: str, endpoint: str, deepseek_emulator: DeepSeekEmulator
) -> None:
    emu = deepseek_emulator
    emu.inject(*case.faults)
    stream = mode == "stream"
    timeout = case.timeout if case.timeout is not None else 10.0
    started = time.monotonic()
    outcome: BaseException | tuple[str | None, str | None]
    if kind == "sync":
        sync = ds.get_client(
            api_key=emu.api_key, base_url=emu.base_url, max_retries=MAX_RETRIES, timeout=timeout
        )
        fast_retries(sync)
        with sync:
            # Run in a worker thread so the event loop pytest-asyncio gave this test stays free.
            call = _sync_call if endpoint == "chat" else _sync_responses
            outcome = await asyncio.to_thread(_catching, call, sync, stream)
    else:
        client = ds.get_async_client(
            api_key=emu.api_key, base_url=emu.base_url, max_retries=MAX_RETRIES, timeout=timeout
        )
        fast_retries(client)
        async with client:
            try:
                acall = _async_call if endpoint == "chat" else _async_responses
                outcome = await acall(client, stream)
            except Exception as exc:
                outcome = exc
    elapsed = time.monotonic() - started
    assert elapsed < BOUND_SECONDS, f"took {elapsed:.1f} s"
    if case.error is None:
        assert not isinstance(outcome, BaseException), repr(outcome)
        _check_success(*outcome, case, endpoint)
    else:
        assert isinstance(outcome, case.error), repr(outcome)
        _check_error(outcome, case)
    path = PATHS[endpoint]
    assert emu.request_count(path) == case.requests, emu.request_count(path)
    assert emu.pending_faults() == 0


def _catching(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except Exception as exc:
        return exc


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_concurrency_429_is_a_rate_limit_error(kind: str, deepseek_emulator: DeepSeekEmulator) -> None:
    """Over the account's concurrency limit DeepSeek answers 429; retried, then RateLimitError."""
    emu = deepseek_emulator
    emu.set_concurrency_limit(1)
    emu.inject(Fault(delay=2.0))  # the first request holds the only slot
    hold_client = ds.get_client(api_key=emu.api_key, base_url=emu.base_url, max_retries=0, timeout=10)
    holder = threading.Thread(target=_catching, args=(_sync_call, hold_client, False))
    holder.start()
    deadline = time.monotonic() + 5
    while emu.request_count(CHAT) < 1 and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    try:
        if kind == "sync":
            client = ds.get_client(api_key=emu.api_key, base_url=emu.base_url, max_retries=1, timeout=10)
            fast_retries(client)
            outcome = await asyncio.to_thread(_catching, _sync_call, client, False)
            client.close()
        else:
            aclient = ds.get_async_client(
                api_key=emu.api_key, base_url=emu.base_url, max_retries=1, timeout=10
            )
            fast_retries(aclient)
            try:
                outcome = await _async_call(aclient, False)
            except Exception as exc:
                outcome = exc
            await aclient.close()
    finally:
        await asyncio.to_thread(holder.join, 10)
        hold_client.close()
    assert isinstance(outcome, ds.RateLimitError), repr(outcome)
    assert isinstance(outcome, openai.RateLimitError)
    assert emu.request_count(CHAT) == 1 + 2  # the holder, then one try and one retry


# --------------------------------------------------------------------------------------------
# The same faults on /files: upload (multipart, replayed on retry), list, retrieve, delete


_CHAT_ONLY = {"blank-content", "whitespace-content", "finish-insufficient-system-resource", "finish-aborted"}
FILE_CASES = [c for c in CASES if "nonstream" in c.modes and c.name not in _CHAT_ONLY]
_REPRESENTATIVE = {
    "400",
    "429-recovers",
    "500-exhausted",
    "malformed-json",
    "disconnect-before-headers-recovers",
}
FILE_MATRIX = [
    pytest.param(case, op, kind, id=f"{case.name}-{op}-{kind}")
    for case in FILE_CASES
    for op in ("create", "list", "retrieve", "delete")
    if op in ("create", "list") or case.name in _REPRESENTATIVE
    for kind in ("sync", "async")
]
PNG = png(4, 4)


def _sync_files(client: ds.DeepSeek, op: str, file_id: str) -> object:
    if op == "create":
        return client.files.create(file=("dot.png", PNG), purpose="user_data").id
    if op == "list":
        return [f.id for f in client.files.list()]
    if op == "retrieve":
        return client.files.retrieve(file_id).id
    return client.files.delete(file_id).deleted


async def _async_files(client: ds.AsyncDeepSeek, op: str, file_id: str) -> object:
    if op == "create":
        return (await client.files.create(file=("dot.png", PNG), purpose="user_data")).id
    if op == "list":
        return [f.id async for f in client.files.list()]
    if op == "retrieve":
        return (await client.files.retrieve(file_id)).id
    return (await client.files.delete(file_id)).deleted


@pytest.mark.parametrize(("case", "op", "kind"), FILE_MATRIX)
async def test_file_fault_ends_in_documented_outcome(
    case: Case, op: str, kind: str, deepseek_emulator: DeepSeekEmulator
) -> None:
    emu = deepseek_emulator
    timeout = case.timeout if case.timeout is not None else 10.0
    setup = ds.get_client(api_key=emu.api_key, base_url=emu.base_url, max_retries=0)
    existing = setup.files.create(file=("kept.png", PNG), purpose="user_data").id
    setup.close()
    before = emu.request_count()
    emu.inject(*case.faults)
    started = time.monotonic()
    outcome: Any
    if kind == "sync":
        sync = ds.get_client(
            api_key=emu.api_key, base_url=emu.base_url, max_retries=MAX_RETRIES, timeout=timeout
        )
        fast_retries(sync)
        with sync:
            outcome = await asyncio.to_thread(_catching, _sync_files, sync, op, existing)
    else:
        client = ds.get_async_client(
            api_key=emu.api_key, base_url=emu.base_url, max_retries=MAX_RETRIES, timeout=timeout
        )
        fast_retries(client)
        async with client:
            try:
                outcome = await _async_files(client, op, existing)
            except Exception as exc:
                outcome = exc
    assert time.monotonic() - started < BOUND_SECONDS
    if case.error is None:
        assert not isinstance(outcome, BaseException), repr(outcome)
        expected = {"list": [existing], "retrieve": existing, "delete": True}
        if op == "create":
            assert isinstance(outcome, str)
            assert outcome.startswith("file-api-")
            assert sorted(emu.file_ids()) == sorted([existing, outcome])  # stored once, whatever the retries
        else:
            assert outcome == expected[op]
    else:
        assert isinstance(outcome, case.error), repr(outcome)
        _check_error(outcome, case)
    assert emu.request_count() - before == case.requests
    assert emu.pending_faults() == 0
