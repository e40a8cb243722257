"""DeepSeek's ``user_id`` (deepseek-api.md section 5: ``[a-zA-Z0-9_-]``, at most 512 characters, sent in
``extra_body``) through chat and FIM calls against the emulator, in the warn and strict guard modes:
a valid id is sent as given, anything else is refused before the network with ``param="user_id"``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import deepseek_openai as ds
from deepseek_openai.testing import DeepSeekEmulator

MODES = ("warn", "strict")


def _chat(client: ds.DeepSeek, user_id: object) -> Any:
    return client.chat.completions.create(
        model="deepseek-flash", messages=[{"role": "user", "content": "hi"}], extra_body={"user_id": user_id}
    )


def _fim(client: ds.DeepSeek, user_id: object) -> Any:
    return client.beta_client.completions.create(
        model="deepseek-flash",
        prompt="def f():",
        extra_body={"user_id": user_id, "thinking": {"type": "disabled"}},
    )


CALLS: dict[str, Callable[[ds.DeepSeek, object], Any]] = {"chat": _chat, "fim": _fim}


@pytest.fixture(params=MODES)
def client(request: pytest.FixtureRequest, deepseek_emulator: DeepSeekEmulator) -> Iterator[ds.DeepSeek]:
    emu = deepseek_emulator
    made = ds.get_client(api_key=emu.api_key, base_url=emu.base_url, max_retries=0, guard_mode=request.param)
    with made:
        yield made


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize(
    "user_id", ["u", "user_42", "A-b_9", "x" * 511, "x" * 512], ids=["u", "user_42", "A-b_9", "511", "512"]
)
def test_a_valid_user_id_is_sent_as_given(
    call: str, user_id: str, client: ds.DeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", ds.DeepSeekCompatibilityWarning)
        CALLS[call](client, user_id)
    assert deepseek_emulator.requests[-1].json["user_id"] == user_id


@pytest.mark.parametrize("call", CALLS)
def test_a_null_user_id_is_no_user_id(
    call: str, client: ds.DeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    CALLS[call](client, None)
    assert deepseek_emulator.requests[-1].json.get("user_id") is None


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize(
    "user_id",
    ["x" * 513, "a@b.c", "with space", "", "\u00e9", 42],
    ids=["513 characters", "an e-mail address", "a space", "empty", "a letter outside ASCII", "a number"],
)
def test_an_invalid_user_id_is_refused_naming_it_and_the_512_limit(
    call: str, user_id: object, client: ds.DeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    with pytest.raises(ds.DeepSeekRequestError) as info:
        CALLS[call](client, user_id)
    exc = info.value
    assert type(exc) is ds.DeepSeekRequestError
    assert exc.param == "user_id"
    shown = repr(user_id)
    shown = shown if len(shown) <= 80 else shown[:77] + "..."
    assert f"user_id={shown}" in str(exc)
    assert "at most 512 characters" in str(exc)
    assert deepseek_emulator.request_count() == 0


@pytest.mark.parametrize("field", ["user", "safety_identifier"])
def test_openais_end_user_field_fills_a_null_user_id(
    field: str, client: ds.DeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    # A framework that always sends user_id (None when unset) must not lose the caller's end-user id.
    client.chat.completions.create(
        model="deepseek-flash",
        messages=[{"role": "user", "content": "hi"}],
        extra_body={"user_id": None, field: "end-user_1"},
    )
    sent = deepseek_emulator.requests[-1].json
    assert sent["user_id"] == "end-user_1"
    assert field not in sent


def test_a_user_id_given_wins_over_openais_field_of_the_same_value(
    client: ds.DeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    client.chat.completions.create(
        model="deepseek-flash",
        messages=[{"role": "user", "content": "hi"}],
        extra_body={"user_id": "u1", "user": "u1"},
    )
    sent = deepseek_emulator.requests[-1].json
    assert sent["user_id"] == "u1"
    assert "user" not in sent


@pytest.mark.parametrize("field", ["user", "safety_identifier"])
def test_a_null_openai_end_user_field_is_removed_and_gives_no_user_id(
    field: str, client: ds.DeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    client.chat.completions.create(
        model="deepseek-flash", messages=[{"role": "user", "content": "hi"}], extra_body={field: None}
    )
    sent = deepseek_emulator.requests[-1].json
    assert field not in sent
    assert "user_id" not in sent
