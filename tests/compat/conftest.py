"""The compatibility suite: real frameworks, with their defaults, against the emulator.

Each library runs every scenario (chat, stream, async, a three-round tool loop in thinking mode,
its default structured output) in two modes: ``base_url`` (the library pointed at the emulator, as
it would be at https://api.deepseek.com) and ``client`` (the library handed our client). A cell the
library itself prevents asserts the exact failure; README.md ("Using with frameworks") names the
reason and the fix for each.

Nothing here may reach the network: telemetry and tracing exports are switched off through the
environment before any library is imported, and a guard refuses every connection that is not to
the loopback interface. Needs the ``compat`` extra (``pip install -e '.[dev,compat]'``).
"""

from __future__ import annotations

import ipaddress
import os
import socket
from typing import Any

import pytest

# Before any library import: no telemetry, no tracing export, no remote price or model maps.
for _name, _value in {
    "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    "LITELLM_TELEMETRY": "False",
    "OPENAI_AGENTS_DISABLE_TRACING": "1",
    "LANGSMITH_TRACING": "false",
    "LANGCHAIN_TRACING_V2": "false",
    "LANGFUSE_TRACING_ENABLED": "false",
    "LOGFIRE_SEND_TO_LOGFIRE": "false",
    "LOGFIRE_CONSOLE": "false",
    "DO_NOT_TRACK": "1",
    "HF_HUB_OFFLINE": "1",
}.items():
    os.environ.setdefault(_name, _value)

MODES = ("base_url", "client")
"""The library pointed at the emulator by base URL; the library handed our client."""

MODEL = "deepseek-flash"
ROUNDS = 3
"""Tool rounds before the final answer."""


def _loopback(address: Any) -> bool:
    if not isinstance(address, tuple) or not address:
        return True  # AF_UNIX and friends stay on the machine
    host = str(address[0])
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%", maxsplit=1)[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to reach beyond 127.0.0.1 fails the test that made it (and names the address)."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def connect(self: socket.socket, address: Any) -> None:
        if not _loopback(address):
            raise AssertionError(f"the compatibility suite tried the network: {address!r}")
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if not _loopback(address):
            raise AssertionError(f"the compatibility suite tried the network: {address!r}")
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def script_tool_rounds(emulator: Any, tool: str, argument: str = "city") -> None:
    """Three rounds of tool calls, each with its reasoning, then the emulator's own final answer
    (``Tool <name> returned: ...``): the loop must send every earlier reasoning back (thinking mode)."""
    for i in range(ROUNDS):
        emulator.queue_reply(
            tool_calls=[{"name": tool, "arguments": {argument: f"city-{i}"}}],
            reasoning_content=f"Round {i}: I need the weather of city-{i}.",
        )


def assert_tool_loop(emulator: Any, answer: str) -> None:
    """Four requests, the last three carrying every earlier reasoning text, and the final answer."""
    chats = [r for r in emulator.requests if r.path.endswith("/chat/completions")]
    assert [r.status for r in chats] == [200] * (ROUNDS + 1), [r.status for r in chats]
    last = chats[-1].json["messages"]
    reasoning = [m.get("reasoning_content") for m in last if m.get("role") == "assistant"]
    assert reasoning == [f"Round {i}: I need the weather of city-{i}." for i in range(ROUNDS)]
    assert "returned" in answer


def assert_sent_ok(emulator: Any) -> None:
    """Every request the library made was answered 200."""
    assert emulator.requests, "the library sent nothing"
    assert all(r.status == 200 for r in emulator.requests), [(r.path, r.status) for r in emulator.requests]
