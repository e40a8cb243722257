"""Abandoned async streams close quietly.

Breaking out of ``async for`` and dropping the stream leaves its async generators to the event
loop's finalizer. The stream class once closed openai's inner generator itself from its own, and
the two closings raced: every abandoned stream logged "Task exception was never retrieved ...
aclose(): asynchronous generator is already running". The loop's exception handler records what
would have been logged; nothing may be.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest

from deepseek_openai import AsyncDeepSeek, aiter_events, get_async_client
from deepseek_openai.testing import DeepSeekEmulator, ScriptedReply

pytestmark = pytest.mark.timeout(60)

ROUNDS = 12
MESSAGES: list[Any] = [{"role": "user", "content": "hello there"}]


@pytest.fixture
async def client(deepseek_emulator: DeepSeekEmulator) -> AsyncIterator[AsyncDeepSeek]:
    async with get_async_client(
        api_key=deepseek_emulator.api_key, base_url=deepseek_emulator.base_url, max_retries=0, timeout=10
    ) as client:
        yield client


@pytest.fixture
async def loop_errors() -> AsyncIterator[list[dict[str, Any]]]:
    """What the running loop would log as unhandled (``Task exception was never retrieved``, ...)."""
    loop = asyncio.get_running_loop()
    seen: list[dict[str, Any]] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _loop, context: seen.append(context))
    yield seen
    loop.set_exception_handler(previous)


async def _settle() -> None:
    """Let the finalizer tasks of dropped generators run."""
    for _ in range(3):
        gc.collect()
        for _ in range(20):
            await asyncio.sleep(0)


def _described(errors: list[dict[str, Any]]) -> list[str]:
    return [f"{c.get('message')}: {c.get('exception')!r}" for c in errors]


async def test_breaking_out_of_raw_iteration_logs_nothing(
    client: AsyncDeepSeek, deepseek_emulator: DeepSeekEmulator, loop_errors: list[dict[str, Any]]
) -> None:
    for _ in range(ROUNDS):
        deepseek_emulator.queue_reply(ScriptedReply(content="one two three four five six", chunks=6))
        stream = await client.chat.completions.create(model="deepseek-flash", messages=MESSAGES, stream=True)
        async for _chunk in stream:
            break
        del stream
        await _settle()
    assert _described(loop_errors) == []


async def test_breaking_out_of_aiter_events_logs_nothing(
    client: AsyncDeepSeek, deepseek_emulator: DeepSeekEmulator, loop_errors: list[dict[str, Any]]
) -> None:
    for _ in range(ROUNDS):
        deepseek_emulator.queue_reply(ScriptedReply(content="one two three four five six", chunks=6))
        stream = await client.chat.completions.create(model="deepseek-flash", messages=MESSAGES, stream=True)
        async for _event in aiter_events(stream):
            break
        del stream
        await _settle()
    assert _described(loop_errors) == []


async def test_breaking_out_of_a_responses_stream_logs_nothing(
    client: AsyncDeepSeek, deepseek_emulator: DeepSeekEmulator, loop_errors: list[dict[str, Any]]
) -> None:
    """The typed-event streams of the Responses API use the same iterator protocol."""
    for _ in range(ROUNDS):
        deepseek_emulator.queue_reply(ScriptedReply(content="one two three four five six", chunks=6))
        stream = await client.responses.create(model="deepseek-flash", input="hello there", stream=True)
        async for _event in stream:
            break
        del stream
        await _settle()
    assert _described(loop_errors) == []


async def test_many_streams_abandoned_at_once_log_nothing(
    client: AsyncDeepSeek, deepseek_emulator: DeepSeekEmulator, loop_errors: list[dict[str, Any]]
) -> None:
    async def take_one() -> None:
        stream = await client.chat.completions.create(model="deepseek-flash", messages=MESSAGES, stream=True)
        async for _chunk in stream:
            return

    for _ in range(3):
        await asyncio.gather(*(take_one() for _ in range(ROUNDS)))
        await _settle()
    assert _described(loop_errors) == []


async def test_an_abandoned_stream_still_ends_like_a_stream(
    client: AsyncDeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    """The iterator protocol itself: the chunks, then a clean stop; closing early releases the response."""
    deepseek_emulator.queue_reply(ScriptedReply(content="a b c", chunks=3))
    stream = await client.chat.completions.create(model="deepseek-flash", messages=MESSAGES, stream=True)
    assert stream.__aiter__() is stream
    chunks = [c async for c in stream]
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "a b c"
    with pytest.raises(StopAsyncIteration):
        await stream.__anext__()
    deepseek_emulator.queue_reply(ScriptedReply(content="a b c", chunks=3))
    early = await client.chat.completions.create(model="deepseek-flash", messages=MESSAGES, stream=True)
    await early.__anext__()
    await early.close()
    assert early.response.is_closed
    assert isinstance(early.response, httpx2.Response)
