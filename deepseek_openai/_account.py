"""Account balance: ``GET /user/balance`` as typed values with ``Decimal`` amounts.

The request goes through the client's own request path (``client.get``), so the client's
retries, timeouts and error translation apply: a wrong key is an ``AuthenticationError``, an
unreadable body a ``MalformedResponseError``. Amounts arrive as strings ("110.00") and become
``Decimal``, never ``float``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx2

from ._client import AsyncDeepSeek, DeepSeek, require_async, require_sync
from ._errors import MalformedResponseError

BALANCE_PATH = "/user/balance"


@dataclass(frozen=True, slots=True)
class BalanceInfo:
    """The balance in one currency (``CNY`` or ``USD``)."""

    currency: str
    total: Decimal
    granted: Decimal
    """Granted (promotional) balance, spent first."""
    topped_up: Decimal


@dataclass(frozen=True, slots=True)
class Balance:
    """Whether the account can make requests, and its balances per currency."""

    is_available: bool
    infos: tuple[BalanceInfo, ...]

    def get(self, currency: str) -> BalanceInfo | None:
        """The balance in ``currency`` (case-insensitive), or ``None``."""
        wanted = currency.upper()
        return next((info for info in self.infos if info.currency.upper() == wanted), None)


def _amount(value: Any, field: str, response: httpx2.Response) -> Decimal:
    if isinstance(value, str | int) and not isinstance(value, bool):
        try:
            amount = Decimal(value)
        except InvalidOperation:
            pass
        else:
            if amount.is_finite():
                return amount
    elif isinstance(value, float):
        return Decimal(str(value))
    raise MalformedResponseError(response, None, detail=f"{field}={value!r} is not an amount")


def parse_balance(data: Any, response: httpx2.Response) -> Balance:
    """A :class:`Balance` from the decoded body; anything off is a :class:`MalformedResponseError`."""
    if not isinstance(data, Mapping) or not isinstance(data.get("is_available"), bool):
        raise MalformedResponseError(response, None, detail="no boolean 'is_available' in the balance body")
    raw_infos = data.get("balance_infos", [])
    if not isinstance(raw_infos, list):
        raise MalformedResponseError(response, None, detail="'balance_infos' is not a list")
    infos = []
    for i, raw in enumerate(raw_infos):
        if not isinstance(raw, Mapping) or not isinstance(raw.get("currency"), str):
            raise MalformedResponseError(response, None, detail=f"balance_infos[{i}] has no currency")
        infos.append(
            BalanceInfo(
                currency=raw["currency"],
                total=_amount(raw.get("total_balance"), f"balance_infos[{i}].total_balance", response),
                granted=_amount(
                    raw.get("granted_balance", "0"), f"balance_infos[{i}].granted_balance", response
                ),
                topped_up=_amount(
                    raw.get("topped_up_balance", "0"), f"balance_infos[{i}].topped_up_balance", response
                ),
            )
        )
    return Balance(is_available=data["is_available"], infos=tuple(infos))


def _decode(response: httpx2.Response) -> Balance:
    try:
        data = response.json()
    except ValueError as exc:
        raise MalformedResponseError(response, None, detail=f"{type(exc).__name__}: {exc}") from exc
    return parse_balance(data, response)


_WHY = "it reads the balance through the client's own request path (retries, error translation)"


def get_balance(client: DeepSeek) -> Balance:
    """The account balance (``GET /user/balance``), with the client's retries and error translation.

    The endpoint table sends the request to the standard base URL, also from a beta client.
    """
    response = require_sync(client, "get_balance", _WHY).get(BALANCE_PATH, cast_to=httpx2.Response)
    return _decode(response)


async def aget_balance(client: AsyncDeepSeek) -> Balance:
    """The async twin of :func:`get_balance`."""
    response = await require_async(client, "aget_balance", _WHY).get(BALANCE_PATH, cast_to=httpx2.Response)
    return _decode(response)
