"""The package logger: what the client decided and why, with the trace id, and never the key.

The canary runs as a user would: ``DEEPSEEK_LOG=debug`` in a fresh interpreter against the emulator,
with a key that must not appear anywhere in what it prints. The other tests read the records with
pytest's ``caplog`` in process.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
from collections.abc import Iterator

import pytest

from deepseek_openai import (
    DeepSeekCompatibilityWarning,
    DeepSeekRequestError,
    InsufficientBalanceError,
    get_async_client,
    get_client,
)
from deepseek_openai.testing import DeepSeekEmulator
from tests.cli._util import ROOT, clean_env

CANARY = "sk-canary-log-0123456789abcdefCANARY"


@pytest.fixture(scope="module")
def canary_emulator() -> Iterator[DeepSeekEmulator]:
    with DeepSeekEmulator([CANARY]) as emulator:
        yield emulator


@pytest.fixture
def emu(canary_emulator: DeepSeekEmulator) -> Iterator[DeepSeekEmulator]:
    canary_emulator.reset()
    yield canary_emulator
    canary_emulator.reset()


SCRIPT = textwrap.dedent(
    """
    import warnings
    from deepseek_openai import get_client

    warnings.simplefilter("ignore")
    client = get_client(max_retries=1)
    response = client.chat.completions.create(
        model="deepseek-chat",
        messages=[{"role": "user", "content": "a private question"}],
        max_completion_tokens=100,
        user="customer-42",
    )
    print("TRACE", response._request_id)
    """
)


def test_deepseek_log_debug_shows_the_translations_and_the_trace_id_and_never_the_key(
    emu: DeepSeekEmulator,
) -> None:
    emu.fail_next(429)  # one retry, logged with its own trace id
    env = clean_env({"DEEPSEEK_API_KEY": CANARY, "DEEPSEEK_BASE_URL": emu.base_url, "DEEPSEEK_LOG": "debug"})
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    trace = proc.stdout.split("TRACE ", 1)[1].strip()
    log = proc.stderr
    assert "deepseek_openai - DEBUG" in log
    # the translations, by rule and by key
    for expected in (
        "model.retired (translate)",
        "max_completion_tokens (translate)",
        "user_id.from_openai (translate)",
        "model: 'deepseek-chat' -> 'deepseek-flash'",
        "+max_tokens=100",
        "-max_completion_tokens",
        "+thinking={'type': 'disabled'}",
    ):
        assert expected in log, (expected, log)
    assert "retry 1 of 1 after HTTP 429 (x-ds-trace-id: " in log
    assert "200 in " in log
    assert f"after 1 retry (x-ds-trace-id: {trace})" in log
    assert trace
    assert trace != "None"
    # never the key, nor the conversation
    assert CANARY not in log + proc.stdout
    assert CANARY[-12:] not in log
    assert "a private question" not in log
    assert "customer-42" not in log  # user_id is shown by name only


def test_refusals_dropped_parameters_and_errors_are_logged_at_info(
    emu: DeepSeekEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    client = get_client(api_key=CANARY, base_url=emu.base_url, max_retries=0)
    caplog.set_level(logging.INFO, logger="deepseek_openai")
    with pytest.raises(DeepSeekRequestError):
        client.with_options(guard_mode="strict").chat.completions.create(
            model="deepseek-flash", messages=[{"role": "user", "content": "hi"}], seed=3
        )
    warn = client  # the default mode drops seed, with a warning
    with pytest.warns(DeepSeekCompatibilityWarning, match="seed"):
        warn.chat.completions.create(
            model="deepseek-flash", messages=[{"role": "user", "content": "hi"}], seed=3
        )
    emu.set_balance(CANARY, 0)
    with pytest.raises(InsufficientBalanceError) as failed:
        client.chat.completions.create(model="deepseek-flash", messages=[{"role": "user", "content": "hi"}])
    messages = [r.getMessage() for r in caplog.records if r.name == "deepseek_openai"]
    assert all(r.levelno == logging.INFO for r in caplog.records if r.name == "deepseek_openai")
    refused = [m for m in messages if "refused before sending" in m]
    assert len(refused) == 1
    assert "seed" in refused[0]
    assert "POST /chat/completions" in refused[0]
    assert any("seed" in m and "dropped" in m for m in messages), messages
    [error] = [m for m in messages if "failed:" in m]
    assert "402" in error
    assert f"x-ds-trace-id: {failed.value.trace_id}" in error
    assert not any(CANARY in m for m in messages)
    assert not [r for r in caplog.records if r.levelno == logging.DEBUG]  # INFO asked: no DEBUG lines


def test_routing_away_from_beta_is_logged_at_debug(
    emu: DeepSeekEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    beta = get_client(api_key=CANARY, base_url=emu.base_url, beta=True)
    caplog.set_level(logging.DEBUG, logger="deepseek_openai")
    beta.models.list()
    lines = [r.getMessage() for r in caplog.records if r.name == "deepseek_openai"]
    assert any(f"GET /models: routed to {emu.base_url}/models" in m for m in lines), lines


async def test_async_retries_after_a_dropped_connection_are_logged(
    emu: DeepSeekEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    from deepseek_openai.testing import Fault

    emu.inject(Fault(disconnect=True))
    caplog.set_level(logging.DEBUG, logger="deepseek_openai")
    async with get_async_client(api_key=CANARY, base_url=emu.base_url, max_retries=1) as client:
        response = await client.chat.completions.create(
            model="deepseek-flash", messages=[{"role": "user", "content": "hi"}]
        )
    lines = [r.getMessage() for r in caplog.records if r.name == "deepseek_openai"]
    [retry] = [m for m in lines if "retry 1 of 1" in m]
    assert "after a connection error" in retry
    [done] = [m for m in lines if "after 1 retry" in m]
    assert f"x-ds-trace-id: {response._request_id}" in done
    numbers = {m.split()[0] for m in lines}
    assert len(numbers) == 1  # every line of this call carries the same #N


def test_nothing_is_logged_and_no_message_is_built_when_logging_is_off(
    emu: DeepSeekEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="deepseek_openai")
    client = get_client(api_key=CANARY, base_url=emu.base_url)
    client.chat.completions.create(model="deepseek-flash", messages=[{"role": "user", "content": "hi"}])
    assert [r for r in caplog.records if r.name == "deepseek_openai"] == []


def test_deepseek_log_takes_the_levels_in_any_case_and_names_the_valid_ones() -> None:
    from deepseek_openai import ConfigurationError, DeepSeekSettings

    assert DeepSeekSettings(log="DEBUG").log == "debug"
    assert DeepSeekSettings(log="").log is None
    with pytest.raises(ConfigurationError, match="'debug', 'info' or 'warning'"):
        DeepSeekSettings(log="loud")
