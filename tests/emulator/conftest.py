"""Clients for the emulator tests: a plain ``openai.OpenAI`` (no client-side rules, no retries)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2
import openai
import pytest
from openai.types.chat import ChatCompletionMessageParam

from deepseek_openai.testing import DeepSeekEmulator

USER: list[ChatCompletionMessageParam] = [{"role": "user", "content": "hello world"}]


@pytest.fixture
def emu(deepseek_emulator: DeepSeekEmulator) -> DeepSeekEmulator:
    return deepseek_emulator


@pytest.fixture
def raw(emu: DeepSeekEmulator) -> Iterator[openai.OpenAI]:
    """The plain OpenAI SDK, so the server's own validation is what answers."""
    with openai.OpenAI(api_key=emu.api_key, base_url=emu.base_url, max_retries=0, timeout=10) as client:
        yield client


@pytest.fixture
def beta(emu: DeepSeekEmulator) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(api_key=emu.api_key, base_url=emu.beta_base_url, max_retries=0, timeout=10) as client:
        yield client


@pytest.fixture
def http(emu: DeepSeekEmulator) -> Iterator[httpx2.Client]:
    """Bytes-level access, for what the SDK hides (headers, raw SSE, bodies the SDK would not send)."""
    headers = {"Authorization": f"Bearer {emu.api_key}"}
    with httpx2.Client(base_url=emu.base_url, headers=headers, timeout=10) as client:
        yield client


def sse_events(text: str) -> list[Any]:
    """The JSON payloads of ``data:`` lines, with ``[DONE]`` kept as the string."""
    import json

    out: list[Any] = []
    for line in text.split("\n"):
        if line.startswith("data: "):
            payload = line[len("data: ") :]
            out.append(payload if payload == "[DONE]" else json.loads(payload))
    return out
