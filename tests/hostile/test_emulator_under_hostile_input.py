"""The emulator under hostile input: a JSON 400 where DeepSeek's parser says no, bounded memory,
and a dropped connection that is a connection error even in process.

Before: deeply nested JSON (even unauthenticated) got a plain-text 500 with a traceback; a lone
surrogate escape a 500 that clients then retried; ``temperature: NaN`` was accepted; every body was
recorded without limit; under ``asgi_transport()`` a disconnect fault raised a bare
``ConnectionResetError``. The requests here are raw bytes over loopback (no client would send them).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx2
import openai
import pytest

from deepseek_openai import DeepSeekConnectionError, get_async_client
from deepseek_openai.testing import DeepSeekEmulator, Fault
from deepseek_openai.testing._app import RecordedRequest

pytestmark = pytest.mark.timeout(60)

CHAT = b'{"model": "deepseek-flash", "messages": [{"role": "user", "content": "hi"}]'
MAX_DEPTH = 127
"""The deepest nesting serde_json (the server's parser) takes: its limit of 128 refuses level 128."""


def _nested(depth: int) -> bytes:
    """A chat body whose extra field nests ``depth`` arrays (the body object itself is level 1)."""
    return CHAT + b', "x": ' + b"[" * (depth - 1) + b"]" * (depth - 1) + b"}"


@pytest.fixture
def http(deepseek_emulator: DeepSeekEmulator) -> Iterator[httpx2.Client]:
    headers = {"Authorization": f"Bearer {deepseek_emulator.api_key}", "content-type": "application/json"}
    with httpx2.Client(base_url=deepseek_emulator.base_url, headers=headers, timeout=20) as client:
        yield client


def _is_deepseek_error(response: httpx2.Response, status: int, fragment: str) -> None:
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert fragment in error["message"], error
    assert "Traceback" not in response.text
    assert "Emulator error" not in response.text


HOSTILE: list[tuple[bytes, str]] = [
    (_nested(MAX_DEPTH + 1), "recursion limit exceeded"),
    (_nested(5_000), "recursion limit exceeded"),
    (b"[" * 200_000 + b"]" * 200_000, "recursion limit exceeded"),
    (b'{"a": ' * 50_000 + b"1" + b"}" * 50_000, "recursion limit exceeded"),
    (CHAT[:-1] + b', {"role": "user", "content": "\\ud800"}]}', "lone leading surrogate"),
    (CHAT[:-1] + b', {"role": "user", "content": "x\\udfff"}]}', "lone leading surrogate"),
    (CHAT + b', "\\ud800key": 1}', "lone leading surrogate"),
    (CHAT + b', "temperature": NaN}', "NaN is not JSON"),
    (CHAT + b', "top_p": Infinity}', "Infinity is not JSON"),
    (CHAT + b', "top_p": -Infinity}', "-Infinity is not JSON"),
    (CHAT + b', "seed": ' + b"9" * 5_000 + b"}", "number out of range"),
    (b'{"model": "deepseek-flash", "messages": "\xff\xfe"}', "invalid UTF-8"),
    (b"{not json", "at line 1 column 2"),
]


@pytest.mark.parametrize(("body", "fragment"), HOSTILE, ids=lambda v: repr(v)[:40])
@pytest.mark.parametrize(
    "path", ["/chat/completions", "/beta/completions", "/v1/chat/completions", "/responses", "/models"]
)
def test_hostile_bodies_get_a_json_400_on_every_route(
    body: bytes, fragment: str, path: str, http: httpx2.Client
) -> None:
    response = http.post(path, content=body)
    _is_deepseek_error(response, 400, fragment)
    assert response.json()["error"]["message"].startswith("Failed to parse the request body as JSON: ")


@pytest.mark.parametrize(("body", "fragment"), HOSTILE[:5], ids=lambda v: repr(v)[:40])
def test_hostile_bodies_without_a_key_get_the_401(
    body: bytes, fragment: str, deepseek_emulator: DeepSeekEmulator
) -> None:
    response = httpx2.post(
        f"{deepseek_emulator.base_url}/chat/completions",
        content=body,
        headers={"content-type": "application/json"},
        timeout=20,
    )
    _is_deepseek_error(response, 401, "Authentication Fails")


def test_what_deepseek_accepts_still_passes(http: httpx2.Client) -> None:
    assert http.post("/chat/completions", content=_nested(MAX_DEPTH)).status_code == 200
    pair = (
        CHAT[:-1]
        + b', {"role": "assistant", "content": "\\ud83d\\ude00"}, {"role": "user", "content": "x"}]}'
    )
    assert http.post("/chat/completions", content=pair).status_code == 200
    assert http.post("/chat/completions", content=CHAT + b', "temperature": 1.5}').status_code == 200


def test_a_client_does_not_retry_them(deepseek_emulator: DeepSeekEmulator) -> None:
    """A 500 is retryable; the 400 is not: one request, one answer, through openai's own retry loop."""
    body = CHAT[:-1] + b', {"role": "user", "content": "\\ud800"}]}'
    with (
        openai.OpenAI(
            api_key=deepseek_emulator.api_key, base_url=deepseek_emulator.base_url, max_retries=2
        ) as raw,
        pytest.raises(openai.BadRequestError, match="lone leading surrogate"),
    ):
        raw.post(
            "/chat/completions",
            content=body,
            options={"headers": {"content-type": "application/json"}},
            cast_to=object,
        )
    assert deepseek_emulator.request_count("/chat/completions") == 1


# --------------------------------------------------------------------------------------------
# Bounded recordings


def test_recorded_bodies_stay_within_their_budget() -> None:
    big = json.dumps({"model": "deepseek-flash", "messages": [{"role": "user", "content": "x" * 400_000}]})
    with DeepSeekEmulator(max_recorded_bytes=1_000_000, max_records=50) as emu:
        for _ in range(6):  # unauthenticated: recorded all the same
            httpx2.post(
                f"{emu.base_url}/chat/completions", content=big, headers={"content-type": "application/json"}
            )
        records = emu.requests
        assert len(records) == 6
        kept = [r for r in records if r.json is not None]
        assert sum(r.body_size for r in kept) <= 1_000_000
        assert kept == records[-len(kept) :]  # the newest bodies are the ones kept
        assert all(r.omitted for r in records[: -len(kept)])
        assert all(r.status == 401 for r in records)


def test_a_body_over_the_whole_budget_is_never_kept_and_old_records_go() -> None:
    with DeepSeekEmulator(max_recorded_bytes=100, max_records=3) as emu:
        client = httpx2.Client(base_url=emu.base_url, headers={"Authorization": f"Bearer {emu.api_key}"})
        with client:
            for i in range(5):
                client.post("/chat/completions", content=CHAT + f', "x": "{i:0>200}"}}'.encode())
            client.post("/chat/completions", content=CHAT + b"}")
        records = emu.requests
        assert len(records) == 3
        assert [r.omitted for r in records] == [True, True, False]
        assert records[-1].json["model"] == "deepseek-flash"


def test_a_flood_of_unknown_paths_is_counted_within_bounds(deepseek_emulator: DeepSeekEmulator) -> None:
    from deepseek_openai.testing._app import MAX_COUNTED_PATHS

    with httpx2.Client(base_url=deepseek_emulator.base_url) as client:
        assert client.get("/no/such/0").status_code == 401
    state = deepseek_emulator._state
    for i in range(1, MAX_COUNTED_PATHS + 50):  # the rest straight into the state: same code, no sockets
        state.record(RecordedRequest("GET", f"/no/such/{i}", "", {}, None, 0), known_route=False)
    state.record(RecordedRequest("POST", "/chat/completions", "", {}, None, 0))
    assert len(state.counts) <= MAX_COUNTED_PATHS + 2
    assert sum(state.counts.values()) == MAX_COUNTED_PATHS + 50 + 1
    assert deepseek_emulator.request_count("/no/such/0") == 1
    assert deepseek_emulator.request_count("/chat/completions") == 1  # known routes are always counted


def test_the_default_bounds_are_finite() -> None:
    emu = DeepSeekEmulator()
    assert 0 < emu._state.max_records <= 100_000
    assert 0 < emu._state.max_recorded_bytes <= 256 * 1024 * 1024


# --------------------------------------------------------------------------------------------
# A dropped connection in process


@pytest.mark.parametrize(
    "fault", [Fault(disconnect=True), Fault(disconnect=True, after_chunks=1)], ids=["before", "mid-stream"]
)
@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
async def test_a_disconnect_under_the_asgi_transport_is_a_connection_error(
    fault: Fault, stream: bool
) -> None:
    emu = DeepSeekEmulator()
    emu.inject(Fault(**{**_fields(fault), "times": 3}))
    async with get_async_client(
        emu.api_key,
        base_url="http://127.0.0.1",
        http_client=httpx2.AsyncClient(transport=emu.asgi_transport()),
        max_retries=2,
    ) as client:
        client._calculate_retry_timeout = lambda *args: 0.0  # type: ignore[method-assign]

        async def call() -> None:
            result: Any = await client.chat.completions.create(
                model="deepseek-flash", messages=[{"role": "user", "content": "hi"}], stream=stream
            )
            if stream:
                async for _ in result:
                    pass

        with pytest.raises(DeepSeekConnectionError):
            await call()
    assert emu.request_count("/chat/completions") == 3  # retried like any dropped connection


async def test_a_disconnect_under_the_asgi_transport_is_an_openai_connection_error_too() -> None:
    emu = DeepSeekEmulator()
    emu.inject(Fault(disconnect=True))
    async with openai.AsyncOpenAI(
        api_key=emu.api_key,
        base_url="http://127.0.0.1",
        http_client=httpx2.AsyncClient(transport=emu.asgi_transport()),
        max_retries=0,
    ) as raw:
        with pytest.raises(openai.APIConnectionError):
            await raw.chat.completions.create(
                model="deepseek-flash", messages=[{"role": "user", "content": "hi"}]
            )


def _fields(fault: Fault) -> dict[str, Any]:
    return {name: getattr(fault, name) for name in fault.__dataclass_fields__}
