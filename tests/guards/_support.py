"""Shared helpers for the guard tests: clients whose transport counts every request it sees."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from deepseek_openai import (
    AsyncDeepSeek,
    DeepSeek,
    DeepSeekRequestError,
    UnsupportedFeatureError,
    get_async_client,
    get_client,
)
from deepseek_openai._endpoints import NamespaceGuard
from deepseek_openai._pipeline import prepare_request
from deepseek_openai._rules import Policy, Prepared
from deepseek_openai._settings import GuardMode
from deepseek_openai.testing import DeepSeekEmulator
from tests.conftest import KEY, Recorder

FLASH = "deepseek-flash"
LACKING = "deepseek-flash-lacking"
"""The id of the catalogue row the ``lacking`` fixture adds (tests/guards/conftest.py)."""
USER: list[Any] = [{"role": "user", "content": "hi"}]


def chat(**body: Any) -> dict[str, Any]:
    """A chat body: deepseek-flash and one user turn unless given."""
    body.setdefault("model", FLASH)
    body.setdefault("messages", USER)
    return body


def run(body: dict[str, Any], kind: Any = "chat", **policy: Any) -> Prepared:
    return prepare_request(kind, body, Policy(**policy))


def refused(body: dict[str, Any], kind: Any = "chat", **policy: Any) -> Any:
    """The refusal of ``body`` by the pipeline (either class a rule raises)."""
    with pytest.raises((DeepSeekRequestError, UnsupportedFeatureError)) as info:
        run(body, kind, **policy)
    return info.value


def sync_client(recorder: Recorder, **kwargs: Any) -> DeepSeek:
    return get_client(KEY, http_client=httpx2.Client(transport=recorder.transport()), max_retries=0, **kwargs)


def async_client(recorder: Recorder, **kwargs: Any) -> AsyncDeepSeek:
    return get_async_client(
        KEY, http_client=httpx2.AsyncClient(transport=recorder.transport()), max_retries=0, **kwargs
    )


def emulator_client(emu: DeepSeekEmulator, http: httpx2.Client, mode: GuardMode = "warn") -> DeepSeek:
    """A client of the emulator over a shared HTTP client, in one guard mode."""
    return get_client(
        api_key=emu.api_key, base_url=emu.base_url, max_retries=0, http_client=http, guard_mode=mode
    )


def public_members(
    guard: Any, path: tuple[str, ...], depth: int = 0
) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every public callable reachable under a guarded namespace (sub-namespaces and prefixes too)."""
    for name in sorted(dir(guard)):
        if name.startswith("_"):
            continue
        value = getattr(guard, name)
        if isinstance(value, NamespaceGuard):
            if depth < 6:
                yield from public_members(value, (*path, name), depth + 1)
        elif callable(value) and not inspect.isclass(value):
            yield (*path, name), value


def drive_sync(result: Any) -> None:
    """Finish a call whose request is lazy (``with_streaming_response`` and ``.stream()`` managers)."""
    if hasattr(result, "__enter__"):
        with result:
            pass


async def drive_async(result: Any) -> None:
    """Await a coroutine or enter an async context manager, whichever the call returned."""
    if inspect.iscoroutine(result) or (inspect.isawaitable(result) and not hasattr(result, "__aenter__")):
        await result
    elif hasattr(result, "__aenter__"):
        async with result:
            pass
