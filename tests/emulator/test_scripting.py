"""Recording, balance, scripted replies, the default tool loop, lifecycle, in-process transport, CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from decimal import Decimal
from typing import cast

import httpx2
import openai
import pytest
from openai.types.chat import (
    ChatCompletionAssistantMessageParam,
    ChatCompletionFunctionToolParam,
    ChatCompletionMessageParam,
)

from deepseek_openai.testing import DeepSeekEmulator, ScriptedReply, ScriptedToolCall

from .conftest import USER

WEATHER: ChatCompletionFunctionToolParam = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "days": {"type": "integer", "minimum": 3},
                "unit": {"enum": ["c", "f"]},
            },
            "required": ["city", "days", "unit"],
        },
    },
}


def test_requests_are_recorded_with_the_key_masked(raw: openai.OpenAI, emu: DeepSeekEmulator) -> None:
    raw.chat.completions.create(model="deepseek-flash", messages=USER, temperature=0.5)
    raw.models.list()
    first, second = emu.requests
    assert (first.method, first.path, first.status) == ("POST", "/chat/completions", 200)
    assert first.json["temperature"] == 0.5
    assert first.headers["authorization"] == f"Bearer ****{emu.api_key[-4:]}"
    assert emu.api_key not in repr(emu.requests)
    assert (second.method, second.path, second.json) == ("GET", "/models", None)
    assert emu.request_count() == 2
    assert emu.request_count("/chat/completions") == 1
    emu.reset()
    assert emu.requests == []
    assert emu.request_count() == 0


def test_balance_runs_down_and_402(raw: openai.OpenAI, emu: DeepSeekEmulator, http: httpx2.Client) -> None:
    emu.set_balance(emu.api_key, "0.0000001")
    raw.chat.completions.create(model="deepseek-v4-pro", messages=USER)
    assert emu.balance() < 0
    with pytest.raises(openai.APIStatusError) as caught:
        raw.chat.completions.create(model="deepseek-flash", messages=USER)
    assert caught.value.status_code == 402
    assert caught.value.message.endswith("Insufficient Balance")
    body = http.get("/user/balance").json()
    assert body["is_available"] is False
    assert body["balance_infos"][0]["total_balance"] == "0.00"
    emu.set_balance(emu.api_key, Decimal("5"))
    assert raw.chat.completions.create(model="deepseek-flash", messages=USER).choices


def test_scripted_replies_fifo(raw: openai.OpenAI, emu: DeepSeekEmulator) -> None:
    emu.queue_reply(content="first", reasoning_content="because")
    emu.queue_reply(ScriptedReply(content="cut", finish_reason="content_filter"))
    one = raw.chat.completions.create(model="deepseek-flash", messages=USER)
    assert one.choices[0].message.content == "first"
    assert getattr(one.choices[0].message, "reasoning_content", None) == "because"
    two = raw.chat.completions.create(model="deepseek-flash", messages=USER)
    assert (two.choices[0].message.content, two.choices[0].finish_reason) == ("cut", "content_filter")
    three = raw.chat.completions.create(model="deepseek-flash", messages=USER)
    assert three.choices[0].message.content == "Echo: hello world"


def test_scripted_tool_calls_and_invalid_arguments(raw: openai.OpenAI, emu: DeepSeekEmulator) -> None:
    emu.queue_reply(
        tool_calls=[ScriptedToolCall("lookup", {"q": "x"}), ScriptedToolCall("broken", "{not json")]
    )
    reply = raw.chat.completions.create(model="deepseek-flash", messages=USER)
    calls = reply.choices[0].message.tool_calls or []
    assert [c.function.name for c in calls] == ["lookup", "broken"]  # type: ignore[union-attr]
    assert json.loads(calls[0].function.arguments) == {"q": "x"}  # type: ignore[union-attr]
    assert calls[1].function.arguments == "{not json"  # type: ignore[union-attr]
    assert reply.choices[0].finish_reason == "tool_calls"


def test_default_tool_loop_with_deepseek_client(deepseek_client: openai.OpenAI) -> None:
    messages: list[ChatCompletionMessageParam] = [{"role": "user", "content": "weather in Paris?"}]
    first = deepseek_client.chat.completions.create(
        model="deepseek-flash", messages=messages, tools=[WEATHER]
    )
    message = first.choices[0].message
    assert first.choices[0].finish_reason == "tool_calls"
    (call,) = message.tool_calls or []
    assert json.loads(call.function.arguments) == {"city": "example", "days": 3, "unit": "c"}  # type: ignore[union-attr]
    messages.append(cast(ChatCompletionAssistantMessageParam, message.model_dump(exclude_none=True)))
    messages.append({"role": "tool", "tool_call_id": call.id, "content": "18C"})
    second = deepseek_client.chat.completions.create(
        model="deepseek-flash", messages=messages, tools=[WEATHER]
    )
    assert second.choices[0].message.content == "Tool get_weather returned: 18C"
    assert second.choices[0].finish_reason == "stop"


async def test_async_client_fixture(async_deepseek_client: openai.AsyncOpenAI) -> None:
    reply = await async_deepseek_client.chat.completions.create(model="deepseek-flash", messages=USER)
    assert reply.choices[0].message.content == "Echo: hello world"


async def test_in_process_asgi_transport() -> None:
    from deepseek_openai import get_async_client

    emu = DeepSeekEmulator(["sk-in-process-key"])  # never started: no socket at all
    async with httpx2.AsyncClient(transport=emu.asgi_transport()) as http_client:
        client = get_async_client(
            api_key="sk-in-process-key", base_url="http://127.0.0.1", http_client=http_client, max_retries=0
        )
        reply = await client.chat.completions.create(model="deepseek-flash", messages=USER)
        stream = await client.chat.completions.create(model="deepseek-flash", messages=USER, stream=True)
        text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
    assert reply.choices[0].message.content == text == "Echo: hello world"
    assert emu.request_count("/chat/completions") == 2


async def test_async_context_manager_and_restart() -> None:
    def emulator_threads() -> set[threading.Thread]:
        return {t for t in threading.enumerate() if t.name == "deepseek-emulator"}

    threads = emulator_threads()
    emu = DeepSeekEmulator("sk-one")
    async with emu:
        first = emu.base_url
        async with httpx2.AsyncClient() as http:
            assert (
                await http.get(f"{first}/models", headers={"Authorization": "Bearer sk-one"})
            ).status_code == 200
    assert not emu.running
    with pytest.raises(RuntimeError, match="not running"):
        _ = emu.base_url
    with emu:
        assert emu.base_url.startswith("http://127.0.0.1:")
        assert not emu.base_url.endswith("/")
        assert emu.beta_base_url == emu.base_url + "/beta"
    assert emulator_threads() == threads  # no server thread left behind


def test_stop_ends_stalled_requests_quickly(emu: DeepSeekEmulator) -> None:
    from deepseek_openai.testing import Fault

    local = DeepSeekEmulator()
    local.start()
    local.inject(Fault(stall=60))
    errors: list[BaseException] = []

    def call() -> None:
        try:
            with openai.OpenAI(api_key=local.api_key, base_url=local.base_url, max_retries=0) as client:
                client.models.list()
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=call, daemon=True)
    worker.start()
    while local.request_count() < 1:
        threading.Event().wait(0.01)
    local.stop()
    worker.join(10)
    assert not worker.is_alive()
    assert errors
    assert isinstance(errors[0], openai.APIConnectionError)


def test_port_in_use_is_a_clear_error(emu: DeepSeekEmulator) -> None:
    with pytest.raises(RuntimeError, match="could not listen"):
        DeepSeekEmulator(port=emu.port).start()


@pytest.mark.timeout(30)
def test_cli_serves_until_terminated() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "deepseek_openai.testing", "--port", "0", "--api-key", "sk-cli-key-1234"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        lines: list[str] = []
        while not lines or "Press Ctrl-C" not in lines[-1]:  # bounded: the banner is a dozen lines
            lines.append(proc.stdout.readline())
            assert len(lines) < 40, lines
        exports = [line.split("export ", 1)[1].strip() for line in lines if "export " in line]
        assert exports[1] == "DEEPSEEK_API_KEY=sk-cli-key-1234"
        base_url = exports[0].removeprefix("DEEPSEEK_BASE_URL=")
        assert base_url.startswith("http://127.0.0.1:")
        assert any(f"beta URL: {base_url}/beta" in line for line in lines)
        with openai.OpenAI(api_key="sk-cli-key-1234", base_url=base_url, max_retries=0) as client:
            assert [m.id for m in client.models.list()] == ["deepseek-flash", "deepseek-v4-pro"]
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=10)
        assert proc.returncode == 0
        assert "stopped" in out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=5)


def test_import_deepseek_openai_stays_light() -> None:
    code = (
        "import sys, deepseek_openai, deepseek_openai.testing, deepseek_openai.testing.pytest_plugin;"
        "bad=[m for m in sys.modules if m.split('.')[0] in ('starlette','uvicorn')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    assert (
        subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, timeout=30).returncode
        == 0
    )
