"""get_balance / aget_balance through the client's request path, and models.list without created."""

from __future__ import annotations

from decimal import Decimal

import httpx2
import pytest

from deepseek_openai import (
    AsyncDeepSeek,
    AuthenticationError,
    DeepSeek,
    MalformedResponseError,
    ServerError,
    get_client,
)
from deepseek_openai._account import Balance, BalanceInfo, aget_balance, get_balance
from deepseek_openai.testing import DeepSeekEmulator
from tests.conftest import KEY, Recorder


def test_get_balance(deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator) -> None:
    deepseek_emulator.set_balance(deepseek_emulator.api_key, "12.5")
    balance = get_balance(deepseek_client)
    assert balance == Balance(
        True, (BalanceInfo("USD", Decimal("12.50"), Decimal("0.00"), Decimal("12.50")),)
    )
    assert balance.get("usd") is balance.infos[0]
    assert balance.get("CNY") is None
    assert deepseek_emulator.requests[-1].path == "/user/balance"


def test_empty_balance_is_not_available(
    deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    deepseek_emulator.set_balance(deepseek_emulator.api_key, 0)
    assert get_balance(deepseek_client).is_available is False


def test_balance_from_a_beta_client_uses_the_standard_url(
    deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    get_balance(deepseek_client.beta_client)
    assert deepseek_emulator.requests[-1].path == "/user/balance"


def test_balance_retries_and_translates_errors(
    deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    deepseek_emulator.fail_next(500, path="/user/balance")
    assert get_balance(deepseek_client).is_available
    assert deepseek_emulator.request_count("/user/balance") == 2
    deepseek_emulator.fail_next(503, path="/user/balance", times=5)
    with pytest.raises(ServerError):
        get_balance(deepseek_client)
    wrong = get_client(api_key="sk-wrong-key-000000000", base_url=deepseek_emulator.base_url)
    with wrong, pytest.raises(AuthenticationError):
        get_balance(wrong)


async def test_aget_balance(
    async_deepseek_client: AsyncDeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    deepseek_emulator.set_balance(deepseek_emulator.api_key, "3")
    balance = await aget_balance(async_deepseek_client)
    assert balance.infos[0].total == Decimal("3.00")
    with pytest.raises(TypeError, match="get_balance"):
        await aget_balance(get_client(api_key=KEY))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b'{"balance_infos": []}',
        b'{"is_available": true, "balance_infos": [{"currency": "USD", "total_balance": "lots"}]}',
    ],
)
def test_malformed_balance_bodies(body: bytes, recorder: Recorder) -> None:
    recorder.default = lambda req: httpx2.Response(
        200, content=body, headers={"content-type": "application/json"}
    )
    client = get_client(api_key=KEY, http_client=httpx2.Client(transport=recorder.transport()), max_retries=0)
    with pytest.raises(MalformedResponseError) as info:
        get_balance(client)
    assert KEY not in str(info.value)


def test_balance_parses_cny_and_usd(recorder: Recorder) -> None:
    recorder.reply(
        json={
            "is_available": True,
            "balance_infos": [
                {
                    "currency": "CNY",
                    "total_balance": "110.00",
                    "granted_balance": "10.00",
                    "topped_up_balance": "100.00",
                },
                {
                    "currency": "USD",
                    "total_balance": "1.5",
                    "granted_balance": "0",
                    "topped_up_balance": "1.5",
                },
            ],
        }
    )
    client = get_client(api_key=KEY, http_client=httpx2.Client(transport=recorder.transport()))
    balance = get_balance(client)
    assert balance.get("CNY") == BalanceInfo("CNY", Decimal("110.00"), Decimal("10.00"), Decimal("100.00"))
    assert str(recorder.last.url) == "https://api.deepseek.com/user/balance"


def test_models_list_works_without_created(deepseek_client: DeepSeek) -> None:
    models = list(deepseek_client.models.list())
    assert [m.id for m in models] == ["deepseek-flash", "deepseek-v4-pro"]
    assert all(m.created is None and m.owned_by == "deepseek" for m in models)


async def test_async_models_list(async_deepseek_client: AsyncDeepSeek) -> None:
    ids = [m.id async for m in async_deepseek_client.models.list()]
    assert ids == ["deepseek-flash", "deepseek-v4-pro"]
