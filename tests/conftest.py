"""Shared fixtures: an in-process DeepSeek stand-in on httpx2.MockTransport.

HTTP behaviour that needs a real server is tested against the emulator
(``deepseek_openai.testing``); these fixtures cover the client seams with exact control over
every byte the "server" sends.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx2
import pytest
from hypothesis import settings

# Property tests: derandomized in CI, so a submission's fate never depends on which examples a run
# happens to draw (every failure hypothesis ever found stays as an explicit @example); random locally,
# so running the suite keeps exploring. HYPOTHESIS_PROFILE overrides either choice.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
# derandomize=False spelled out: under CI=true hypothesis's own default is derandomized, and a profile
# inherits the default it is registered under, so "dev" would not be random there.
settings.register_profile("dev", derandomize=False, print_blob=True)


def hypothesis_profile(environ: Mapping[str, str]) -> str:
    """``ci`` when the environment says CI (``CI=true``, as CI services set it), else ``dev``."""
    chosen = environ.get("HYPOTHESIS_PROFILE")
    if chosen:
        return chosen
    return "ci" if environ.get("CI", "").strip().lower() not in ("", "0", "false", "no") else "dev"


settings.load_profile(hypothesis_profile(os.environ))

KEY = "sk-canary-0123456789abcdef0123456789"
"""A canary key: tests assert it never appears anywhere."""

OPENAI_ENV = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_ORG_ID",
    "OPENAI_PROJECT_ID",
    "OPENAI_CUSTOM_HEADERS",
    "OPENAI_ADMIN_KEY",
    "OPENAI_WEBHOOK_SECRET",
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts without DeepSeek or OpenAI variables from the developer's shell."""
    import os

    for name in list(os.environ):
        if name.startswith("DEEPSEEK_") or name in OPENAI_ENV:
            monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _plans_worked_out_per_test() -> None:
    """Under mutation testing only, each test works out the pipeline's plans itself.

    mutmut ties a test to the functions it calls and forks each mutant's tests from a process whose
    caches are full, so a plan cached by an earlier test would hide a mutant in the code that builds
    plans (``_Walk``, ``_Phase``) from every later test. mutmut sets ``MUTANT_UNDER_TEST``.
    """
    if "MUTANT_UNDER_TEST" in os.environ:
        from deepseek_openai import _pipeline

        _pipeline.plan.cache_clear()


def completion_body(
    content: str = "Hello", reasoning: str | None = "Thinking...", **extra: Any
) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if reasoning is not None:
        message["reasoning_content"] = reasoning
    body: dict[str, Any] = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1764000000,
        "model": "deepseek-flash",
        "system_fingerprint": "fp_1",
        "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None, "message": message}],
        "usage": {
            "prompt_tokens": 10,
            "completion_tokens": 5,
            "total_tokens": 15,
            "prompt_cache_hit_tokens": 4,
            "prompt_cache_miss_tokens": 6,
        },
    }
    body.update(extra)
    return body


def sse(*events: dict[str, Any] | str, done: bool = True) -> bytes:
    """An SSE body from chunks (dicts are JSON-encoded, strings sent as raw lines)."""
    lines = []
    for event in events:
        if isinstance(event, str):
            lines.append(event + "\n\n")
        else:
            lines.append("data: " + json.dumps(event) + "\n\n")
    if done:
        lines.append("data: [DONE]\n\n")
    return "".join(lines).encode()


def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> dict[str, Any]:
    body = {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1764000000,
        "model": "deepseek-flash",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
    }
    body.update(extra)
    return body


@dataclass
class Recorder:
    """Records requests and answers each one with the next queued handler (or a default)."""

    requests: list[httpx2.Request] = field(default_factory=list)
    queue: list[Callable[[httpx2.Request], httpx2.Response]] = field(default_factory=list)
    default: Callable[[httpx2.Request], httpx2.Response] = field(
        default=lambda req: httpx2.Response(200, json=completion_body())
    )

    def handler(self, request: httpx2.Request) -> httpx2.Response:
        request.read()
        self.requests.append(request)
        answer = self.queue.pop(0) if self.queue else self.default
        return answer(request)

    def reply(self, status: int = 200, **kwargs: Any) -> None:
        self.queue.append(lambda req: httpx2.Response(status, **kwargs))

    @property
    def last(self) -> httpx2.Request:
        return self.requests[-1]

    def last_json(self) -> Any:
        return json.loads(self.last.content)

    def transport(self) -> httpx2.MockTransport:
        return httpx2.MockTransport(self.handler)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def http_client(recorder: Recorder) -> Iterator[httpx2.Client]:
    with httpx2.Client(transport=recorder.transport()) as client:
        yield client


@pytest.fixture
def async_http_client(recorder: Recorder) -> httpx2.AsyncClient:
    return httpx2.AsyncClient(transport=recorder.transport())
