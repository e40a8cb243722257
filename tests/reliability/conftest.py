"""Shared helpers for the reliability suite: clients on the emulator with fast, counted retries."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from openai.types.chat import ChatCompletionMessageParam

from deepseek_openai import AsyncDeepSeek, DeepSeek, get_async_client, get_client
from deepseek_openai.testing import DeepSeekEmulator

MESSAGES: list[ChatCompletionMessageParam] = [{"role": "user", "content": "hello world"}]
MAX_RETRIES = 2


def fast_retries(client: Any) -> None:
    """No exponential backoff between retries; a short server Retry-After is still honoured, so the
    tests that send one check it is obeyed (the retry still happens, just without a long sleep)."""
    parse = client._parse_retry_after_header

    def no_wait(remaining: int, options: Any, headers: Any) -> float:
        value = parse(headers)
        return float(value) if value is not None and 0 < value <= 2 else 0.0

    client._calculate_retry_timeout = no_wait


@pytest.fixture
def sync_client(deepseek_emulator: DeepSeekEmulator) -> Iterator[DeepSeek]:
    client = get_client(
        api_key=deepseek_emulator.api_key,
        base_url=deepseek_emulator.base_url,
        max_retries=MAX_RETRIES,
        timeout=10,
    )
    fast_retries(client)
    with client:
        yield client


@pytest.fixture
async def async_client(deepseek_emulator: DeepSeekEmulator) -> AsyncIterator[AsyncDeepSeek]:
    client: AsyncDeepSeek = get_async_client(
        api_key=deepseek_emulator.api_key,
        base_url=deepseek_emulator.base_url,
        max_retries=MAX_RETRIES,
        timeout=10,
    )
    fast_retries(client)
    async with client:
        yield client
