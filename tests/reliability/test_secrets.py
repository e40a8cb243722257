"""A canary key never appears: not in errors (every path), repr/str, DEBUG logs or CLI output; and
OpenAI-only environment variables never reach a request DeepSeek receives."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import traceback
from typing import Any

import openai
import pytest

import deepseek_openai as ds
from deepseek_openai.testing import DeepSeekEmulator, Fault

from .conftest import MESSAGES

pytestmark = pytest.mark.timeout(60)

CANARY = "sk-canary-0123456789abcdef0123456789"
FAULTS = [
    Fault(status=400, message=f"bad key {CANARY}"),
    Fault(status=401, message=f"Authentication Fails, Your api key: {CANARY} is invalid"),
    Fault(status=402),
    Fault(status=422, message=f"Invalid value {CANARY}"),
    Fault(status=429),
    Fault(status=500, message=CANARY),
    Fault(status=503, octet_stream=True, message=CANARY),
    Fault(malformed=True),
    Fault(disconnect=True),
    Fault(stall=2.0),
    Fault(sse_error=True, after_chunks=1, message=f"oops {CANARY}"),
    Fault(disconnect=True, after_chunks=1),
]


@pytest.fixture
def canary_emulator() -> Any:
    with DeepSeekEmulator(api_keys=[CANARY]) as emu:
        yield emu


def _everything(exc: BaseException) -> str:
    parts = [str(exc), repr(exc), repr(getattr(exc, "body", None)), repr(getattr(exc, "args", None))]
    response = getattr(exc, "response", None)
    if response is not None:
        parts.append(repr(response.headers))
    parts.extend(traceback.format_exception(exc))  # what a crash would print, chained causes included
    return "\n".join(parts)


def _stream_only(fault: Fault) -> bool:
    return bool(fault.sse_error) or fault.after_chunks is not None


@pytest.mark.parametrize(
    ("fault", "stream"),
    [(f, s) for f in FAULTS for s in (False, True) if s or not _stream_only(f)],
    ids=lambda v: repr(v)[6:60] if isinstance(v, Fault) else ("stream" if v else "plain"),
)
def test_canary_never_in_errors_or_debug_logs(
    fault: Fault,
    stream: bool,
    canary_emulator: DeepSeekEmulator,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_LOG", "debug")
    caplog.set_level(logging.DEBUG)
    for name in ("openai", "httpx2", "httpcore", "deepseek_openai", ""):
        logging.getLogger(name).setLevel(logging.DEBUG)
    canary_emulator.inject(fault)
    client = ds.get_client(api_key=CANARY, base_url=canary_emulator.base_url, max_retries=0, timeout=0.5)
    with client, pytest.raises(ds.DeepSeekError) as caught:  # noqa: PT012 (the stream raises while iterating)
        if stream:
            for _ in client.chat.completions.create(model="deepseek-flash", messages=MESSAGES, stream=True):
                pass
        else:
            client.chat.completions.create(model="deepseek-flash", messages=MESSAGES)
    assert isinstance(caught.value, openai.OpenAIError)
    assert CANARY not in _everything(caught.value)
    assert CANARY not in caplog.text
    assert CANARY not in repr(client)
    assert CANARY not in str(client)
    assert CANARY not in repr(client.settings)
    assert CANARY not in str(client.settings)


def test_canary_never_in_connection_refused_error(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = ds.get_client(api_key=CANARY, base_url="http://127.0.0.1:9", max_retries=0, timeout=2)
    with client, pytest.raises(ds.DeepSeekConnectionError) as caught:
        client.chat.completions.create(model="deepseek-flash", messages=MESSAGES)
    assert CANARY not in _everything(caught.value)
    assert CANARY not in caplog.text


def test_canary_never_in_settings_or_async_client_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEEPSEEK_API_KEY", CANARY)
    settings = ds.DeepSeekSettings()
    client = ds.get_async_client(base_url="http://127.0.0.1:9")
    for text in (repr(settings), str(settings), repr(client), str(client), repr(settings.model_dump())):
        assert CANARY not in text


def test_openai_environment_never_reaches_deepseek(
    canary_emulator: DeepSeekEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-leak-1111")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/openai-leak")
    monkeypatch.setenv("OPENAI_ORG_ID", "org-leak-2222")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-leak-3333")
    monkeypatch.setenv(
        "OPENAI_CUSTOM_HEADERS", "Authorization: Bearer sk-openai-leak-4444\nX-Leak: leak-5555"
    )
    monkeypatch.setenv("DEEPSEEK_API_KEY", CANARY)
    monkeypatch.setenv("DEEPSEEK_BASE_URL", canary_emulator.base_url)
    with ds.get_client(max_retries=0) as client:
        client.chat.completions.create(model="deepseek-flash", messages=MESSAGES)
    (record,) = canary_emulator.requests
    dump = repr(record)
    for leak in ("leak-1111", "openai-leak", "org-leak", "proj-leak", "leak-4444", "leak-5555"):
        assert leak not in dump, leak
    headers = {k.lower(): v for k, v in dict(record.headers).items()}
    assert "openai-organization" not in headers
    assert "openai-project" not in headers
    assert "x-leak" not in headers


@pytest.mark.skipif(
    shutil.which("deepseek-openai") is None
    and not os.path.exists(os.path.join(os.path.dirname(ds.__file__), "cli.py")),
    reason="the CLI is not there yet",
)
@pytest.mark.parametrize("args", [["doctor"], ["chat", "hello"]])
def test_canary_never_in_cli_output(args: list[str], canary_emulator: DeepSeekEmulator) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DEEPSEEK_", "OPENAI_"))}
    env.update(DEEPSEEK_API_KEY=CANARY, DEEPSEEK_BASE_URL=canary_emulator.base_url, DEEPSEEK_LOG="debug")
    for fault in (None, Fault(status=401, message=f"bad {CANARY}")):
        if fault is not None:
            canary_emulator.inject(Fault(status=401, message=f"bad {CANARY}", times=10))
        out = subprocess.run(
            [sys.executable, "-m", "deepseek_openai", *args],
            check=False,
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert CANARY not in out.stdout, out.stdout
        assert CANARY not in out.stderr, out.stderr
