"""Helpers for the bulk-job tests: Batch input files and readers of the output, on the emulator."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from deepseek_openai import AsyncDeepSeek, get_async_client
from deepseek_openai.testing import DeepSeekEmulator


def request(i: int, model: str = "deepseek-flash", **body: Any) -> dict[str, Any]:
    """One OpenAI Batch input line; its prompt names its id, so the emulator's records show which it was."""
    return {
        "custom_id": f"request-{i}",
        "method": "POST",
        "url": "/v1/chat/completions",
        "body": {
            "model": model,
            "messages": [{"role": "user", "content": f"Classify item {i}"}],
            "max_tokens": 20,
            **body,
        },
    }


def write_requests(path: Path, n: int, **body: Any) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            handle.write(json.dumps(request(i, **body)) + "\n")
    return path


def results(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def ids(path: Path) -> Counter[str]:
    return Counter(r["custom_id"] for r in results(path))


def answered(emu: DeepSeekEmulator) -> Counter[str]:
    """How often the emulator answered (and so charged) each request with a 200, by its prompt."""
    seen: Counter[str] = Counter()
    for record in emu.requests:
        if (
            record.status == 200
            and isinstance(record.json, dict)
            and record.path.endswith("/chat/completions")
        ):
            text = record.json["messages"][-1]["content"]
            seen["request-" + text.rsplit(" ", 1)[-1]] += 1
    return seen


@pytest.fixture
def emu(deepseek_emulator: DeepSeekEmulator) -> DeepSeekEmulator:
    return deepseek_emulator


@pytest.fixture
async def client(emu: DeepSeekEmulator) -> AsyncIterator[AsyncDeepSeek]:
    async with get_async_client(api_key=emu.api_key, base_url=emu.base_url, timeout=30) as c:
        yield c
