"""json_complete / ajson_complete: checked prompt, parsed answer, clear errors, opt-in retries."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from deepseek_openai import AsyncDeepSeek, DeepSeek, DeepSeekRequestError
from deepseek_openai._json_mode import JSONModeError, ajson_complete, json_complete
from deepseek_openai.testing import DeepSeekEmulator, Fault

ASK = [
    {"role": "system", "content": 'Answer in JSON like {"city": "...", "temp": 0}.'},
    {"role": "user", "content": "Weather in Oslo?"},
]


class Weather(BaseModel):
    city: str
    temp: int


def test_json_complete_parses_and_sets_json_object(
    deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    deepseek_emulator.queue_reply(content='{"city": "Oslo", "temp": 3}')
    result = json_complete(deepseek_client, ASK)
    assert result.value == {"city": "Oslo", "temp": 3}
    assert result.attempts == 1
    assert result.usage is result.completion.usage
    assert deepseek_emulator.requests[-1].json["response_format"] == {"type": "json_object"}


def test_json_complete_into_a_model(deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator) -> None:
    deepseek_emulator.queue_reply(content='{"city": "Oslo", "temp": 3}')
    assert json_complete(deepseek_client, ASK, into=Weather).value == Weather(city="Oslo", temp=3)
    deepseek_emulator.queue_reply(content='{"city": "Oslo"}')
    with pytest.raises(JSONModeError, match="temp") as info:
        json_complete(deepseek_client, ASK, into=Weather)
    assert info.value.reason == "schema"


def test_prompt_without_json_is_refused_before_sending(
    deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    with pytest.raises(DeepSeekRequestError, match="mention JSON") as info:
        json_complete(deepseek_client, [{"role": "user", "content": "Weather in Oslo?"}])
    assert "Fix:" in str(info.value)
    assert deepseek_emulator.request_count() == 0


def test_json_in_a_text_part_counts(deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator) -> None:
    deepseek_emulator.queue_reply(content="[1, 2]")
    messages = [{"role": "user", "content": [{"type": "text", "text": "Give a JSON list"}]}]
    assert json_complete(deepseek_client, messages).value == [1, 2]


@pytest.mark.parametrize("blank", ["", "\n\n   \n"])
def test_blank_content_is_a_clear_error(
    deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator, blank: str
) -> None:
    deepseek_emulator.inject(Fault(blank_content=blank))
    with pytest.raises(JSONModeError, match="empty or whitespace-only") as info:
        json_complete(deepseek_client, ASK)
    assert info.value.reason == "empty"
    assert info.value.completion.choices[0].message.content == blank


def test_retries_resend_on_blank_content(
    deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    deepseek_emulator.inject(Fault(blank_content="  ", times=2))
    deepseek_emulator.queue_reply(content='{"ok": true}', times=3)
    result = json_complete(deepseek_client, ASK, retries=2)
    assert result.value == {"ok": True}
    assert result.attempts == 3
    assert deepseek_emulator.request_count("/chat/completions") == 3


def test_retries_give_up(deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator) -> None:
    deepseek_emulator.inject(Fault(blank_content="", times=5))
    with pytest.raises(JSONModeError, match="after 2 attempts"):
        json_complete(deepseek_client, ASK, retries=1)
    assert deepseek_emulator.request_count("/chat/completions") == 2


def test_truncated_json_is_not_retried(
    deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    deepseek_emulator.queue_reply(content='{"city": "Os', finish_reason="length")
    with pytest.raises(JSONModeError, match="length") as info:
        json_complete(deepseek_client, ASK, retries=3)
    assert info.value.reason == "truncated"
    assert info.value.finish_reason == "length"
    assert deepseek_emulator.request_count("/chat/completions") == 1


def test_invalid_json(deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator) -> None:
    deepseek_emulator.queue_reply(content="city: Oslo")
    with pytest.raises(JSONModeError, match="not valid JSON") as info:
        json_complete(deepseek_client, ASK)
    assert info.value.content == "city: Oslo"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"retries": -1}, "retries"),
        ({"stream": True}, "stream=True"),
        ({"response_format": {"type": "json_schema"}}, "response_format"),
    ],
)
def test_bad_arguments(deepseek_client: DeepSeek, kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(DeepSeekRequestError, match=match):
        json_complete(deepseek_client, ASK, **kwargs)


async def test_ajson_complete(
    async_deepseek_client: AsyncDeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    deepseek_emulator.inject(Fault(blank_content=""))
    deepseek_emulator.queue_reply(content='{"city": "Oslo", "temp": -2}', times=2)
    result = await ajson_complete(async_deepseek_client, ASK, into=Weather, retries=1)
    assert result.value.temp == -2
    assert result.attempts == 2
    with pytest.raises(TypeError, match="AsyncDeepSeek"):
        await ajson_complete(object(), ASK)  # type: ignore[call-overload]
