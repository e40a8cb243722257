"""Rows of the rule table that disagreed with deepseek-api.md, now following it; each expectation cites
the section it is written from.

- Section 5: ``thinking`` disabled with a ``reasoning_effort`` is not an error the documents know of:
  sent (with a warning) in every mode, never refused.
- Section 5: an assistant turn's content is "str or null" and its tool_calls optional: an assistant turn
  with neither is sent.
- Section 5: only user content may be a list of parts; system, assistant and tool content given as a list
  of text parts is sent as one string (the texts joined, as LiteLLM does for DeepSeek).
- Section 11: the standard URL accepts ``strict`` tools and ignores them (no 400): strict mode refuses
  (the schema would silently not be enforced), warn drops ``strict`` with a warning, off sends it.
- Section 8: FIM takes ``temperature`` and ``top_p`` like chat; out of range is refused for FIM too.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from deepseek_openai import (
    DeepSeek,
    DeepSeekCompatibilityWarning,
    DeepSeekRequestError,
    UnsupportedFeatureError,
    get_async_client,
    get_client,
)
from deepseek_openai._settings import GuardMode
from deepseek_openai.testing import DeepSeekEmulator

USER: list[Any] = [{"role": "user", "content": "hi"}]
MODES: tuple[GuardMode, ...] = ("strict", "warn", "off")


@pytest.fixture(scope="module")
def http() -> Iterator[httpx2.Client]:
    with httpx2.Client() as client:
        yield client


def _client(emu: DeepSeekEmulator, http: httpx2.Client, mode: GuardMode = "strict") -> DeepSeek:
    return get_client(
        api_key=emu.api_key, base_url=emu.base_url, max_retries=0, http_client=http, guard_mode=mode
    )


def test_thinking_disabled_with_an_effort_is_sent_in_every_mode(
    deepseek_emulator: DeepSeekEmulator, http: httpx2.Client
) -> None:
    for mode in MODES:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            reply = _client(deepseek_emulator, http, mode).chat.completions.create(
                model="deepseek-flash",
                messages=USER,
                reasoning_effort="high",
                extra_body={"thinking": {"type": "disabled"}},
            )
        assert reply.choices[0].message.content
        sent = deepseek_emulator.requests[-1].json
        assert sent["thinking"] == {"type": "disabled"}
        assert sent["reasoning_effort"] == "high"
        said = [str(w.message) for w in caught if issubclass(w.category, DeepSeekCompatibilityWarning)]
        assert len(said) == (0 if mode == "off" else 1), (mode, said)


def test_an_assistant_turn_with_null_content_and_no_tool_calls_is_sent(
    deepseek_emulator: DeepSeekEmulator, http: httpx2.Client
) -> None:
    history: Any = [*USER, {"role": "assistant", "content": None}, *USER]
    for mode in MODES:
        _client(deepseek_emulator, http, mode).chat.completions.create(
            model="deepseek-flash", messages=history
        )
        assert deepseek_emulator.requests[-1].json["messages"][1] == {"role": "assistant", "content": None}


@pytest.mark.parametrize("mode", MODES)
async def test_thinking_disabled_with_an_effort_and_a_bare_assistant_turn_are_sent_async(
    mode: GuardMode, deepseek_emulator: DeepSeekEmulator
) -> None:
    history: Any = [*USER, {"role": "assistant", "content": None}, *USER]
    async with get_async_client(
        api_key=deepseek_emulator.api_key, base_url=deepseek_emulator.base_url, max_retries=0, guard_mode=mode
    ) as client:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reply = await client.chat.completions.create(
                model="deepseek-flash",
                messages=history,
                reasoning_effort="high",
                extra_body={"thinking": {"type": "disabled"}},
            )
    assert reply.choices[0].message.content
    sent = deepseek_emulator.requests[-1].json
    assert (sent["thinking"], sent["reasoning_effort"]) == ({"type": "disabled"}, "high")
    assert sent["messages"][1] == {"role": "assistant", "content": None}


def _parts(*texts: str) -> Any:
    return [{"type": "text", "text": t} for t in texts]


@pytest.mark.parametrize("mode", MODES)
def test_system_assistant_and_tool_content_lists_of_text_are_sent_as_strings(
    mode: GuardMode, deepseek_emulator: DeepSeekEmulator, http: httpx2.Client
) -> None:
    call = {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    history: Any = [
        {"role": "system", "content": _parts("You are ", "brief.")},
        *USER,
        {
            "role": "assistant",
            "content": _parts("Let me ", "check."),
            "tool_calls": [call],
            "reasoning_content": "",
        },
        {"role": "tool", "tool_call_id": "call_1", "content": _parts('{"ok": ', "true}")},
        {"role": "assistant", "content": _parts()},
        *USER,
    ]
    tool: Any = {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}
    _client(deepseek_emulator, http, mode).chat.completions.create(
        model="deepseek-flash", messages=history, tools=[tool]
    )
    sent = deepseek_emulator.requests[-1].json["messages"]
    assert [m.get("content") for m in sent] == [
        "You are brief.",
        "hi",
        "Let me check.",
        '{"ok": true}',
        "",
        "hi",
    ]
    assert history[0]["content"] == _parts("You are ", "brief.")  # the caller's list is untouched


async def test_content_lists_are_joined_async(deepseek_emulator: DeepSeekEmulator) -> None:
    async with get_async_client(
        api_key=deepseek_emulator.api_key, base_url=deepseek_emulator.base_url, max_retries=0
    ) as client:
        await client.chat.completions.create(
            model="deepseek-flash",
            messages=[{"role": "system", "content": _parts("a", "b")}, *USER],
        )
    assert deepseek_emulator.requests[-1].json["messages"][0] == {"role": "system", "content": "ab"}


def test_images_outside_user_messages_are_still_refused(
    deepseek_emulator: DeepSeekEmulator, http: httpx2.Client
) -> None:
    """Section 13: an image in a system, assistant or tool message is a 400; joining cannot fix that."""
    image: Any = {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}
    with pytest.raises(DeepSeekRequestError, match="image_url"):
        _client(deepseek_emulator, http).chat.completions.create(
            model="deepseek-flash",
            messages=[{"role": "system", "content": [*_parts("x"), image]}, *USER],
        )
    assert deepseek_emulator.request_count() == 0


STRICT_TOOL: Any = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "strict": True,
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
            "additionalProperties": False,
        },
    },
}


def test_strict_tools_on_the_standard_url_follow_section_11(
    deepseek_emulator: DeepSeekEmulator, http: httpx2.Client
) -> None:
    """Section 11: the standard URL accepts strict=True and silently ignores it; only /beta enforces it.
    So strict and warn mode send strict tools to /beta (as given, and say so on the response); off
    sends them where it was told, where DeepSeek accepts them."""
    for mode in ("strict", "warn"):
        with warnings.catch_warnings():
            warnings.simplefilter("error", DeepSeekCompatibilityWarning)  # nothing dropped, nothing to warn
            reply: Any = _client(deepseek_emulator, http, mode).chat.completions.create(
                model="deepseek-flash", messages=USER, tools=[STRICT_TOOL]
            )
        request = deepseek_emulator.requests[-1]
        assert request.path == "/beta/chat/completions", mode
        assert request.json["tools"][0]["function"]["strict"] is True
        assert [a["rule"] for a in reply.deepseek_adjustments] == ["tools.strict_route"], mode
    assert STRICT_TOOL["function"]["strict"] is True  # the caller's tool is untouched
    _client(deepseek_emulator, http, "off").chat.completions.create(
        model="deepseek-flash", messages=USER, tools=[STRICT_TOOL]
    )
    assert deepseek_emulator.requests[-1].path == "/chat/completions"
    assert deepseek_emulator.requests[-1].json["tools"][0]["function"]["strict"] is True
    # and where strict means something, it is sent as given
    beta = _client(deepseek_emulator, http).beta_client
    beta.chat.completions.create(model="deepseek-flash", messages=USER, tools=[STRICT_TOOL])
    assert deepseek_emulator.requests[-1].path == "/beta/chat/completions"
    assert deepseek_emulator.requests[-1].json["tools"][0]["function"]["strict"] is True


@pytest.mark.parametrize(
    "extra", [{"temperature": 2.5}, {"temperature": -0.1}, {"top_p": 0}, {"top_p": 1.5}], ids=repr
)
def test_fim_sampling_parameters_out_of_range_are_refused(
    extra: dict[str, Any], deepseek_emulator: DeepSeekEmulator, http: httpx2.Client
) -> None:
    client = _client(deepseek_emulator, http).beta_client
    with pytest.raises((DeepSeekRequestError, UnsupportedFeatureError)):
        client.completions.create(model="deepseek-flash", prompt="def f():", **extra)
    assert deepseek_emulator.request_count() == 0
