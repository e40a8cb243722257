"""The emulated server's own model table and price list.

The emulator imitates the server, so it keeps its own small copy of what the server accepts instead
of importing the client's ``deepseek_openai.catalogue``: a mistake in the catalogue must make the
client's tests fail against the emulator, not be mirrored by it. Facts from ../shared/deepseek-api.md
(model facts of 2026-09-11, prices of 2026-11-15).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

__all__ = [
    "ACCEPTED_MODELS",
    "CANONICAL_MODELS",
    "CONTEXT_LENGTH",
    "FIM_MAX_TOKENS",
    "MAX_OUTPUT_TOKENS",
    "MODELS",
    "ModelInfo",
    "default_max_tokens",
    "is_peak",
    "price_usd",
]


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """What the server knows about one canonical model."""

    id: str
    vision: bool  # image parts accepted in user messages
    concurrency: int  # in-flight requests per account before 429
    # USD per 1M tokens at peak hours: cache hit, cache miss, output. Off-peak is half.
    price_hit: Decimal
    price_miss: Decimal
    price_out: Decimal


MODELS: dict[str, ModelInfo] = {
    "deepseek-flash": ModelInfo(
        "deepseek-flash", True, 2500, Decimal("0.006"), Decimal("0.30"), Decimal("1.20")
    ),
    "deepseek-v4-pro": ModelInfo(
        "deepseek-v4-pro", False, 500, Decimal("0.044"), Decimal("1.32"), Decimal("3.96")
    ),
}

#: What ``GET /models`` lists, in this order.
CANONICAL_MODELS: tuple[str, ...] = ("deepseek-flash", "deepseek-v4-pro")

#: Every accepted ``model`` value and the canonical model that serves it. ``deepseek-chat`` and
#: ``deepseek-reasoner`` are deliberately absent: they were switched off on 2026-07-24.
ACCEPTED_MODELS: dict[str, str] = {
    "deepseek-flash": "deepseek-flash",
    "deepseek-v4-pro": "deepseek-v4-pro",
    "deepseek-v4-flash": "deepseek-flash",
    "deepseek-v4-flash-vision-exp": "deepseek-flash",
}

CONTEXT_LENGTH = 1_048_576
MAX_OUTPUT_TOKENS = 393_216
FIM_MAX_TOKENS = 4096

#: The server's ``max_tokens`` when a request sets none: 8K without thinking, 64K thinking, 128K at
#: effort ``max`` (models page, 2026-09-11).
DEFAULT_MAX_TOKENS = 8_192
DEFAULT_MAX_TOKENS_THINKING = 65_536
DEFAULT_MAX_TOKENS_MAX_EFFORT = 131_072


def default_max_tokens(thinking: bool, effort: str) -> int:
    """The completion budget of a request that sets no ``max_tokens``."""
    if not thinking:
        return DEFAULT_MAX_TOKENS
    return DEFAULT_MAX_TOKENS_MAX_EFFORT if effort == "max" else DEFAULT_MAX_TOKENS_THINKING


_MILLION = Decimal(1_000_000)


def is_peak(moment: datetime) -> bool:
    """Peak hours: 01:00-04:00 and 06:00-10:00 UTC, Monday to Friday (``moment`` must be UTC)."""
    if moment.weekday() >= 5:
        return False
    return 1 <= moment.hour < 4 or 6 <= moment.hour < 10


def price_usd(model: str, hit: int, miss: int, output: int, *, peak: bool) -> Decimal:
    """The cost of one request: tokens times the price, cache-hit input priced separately."""
    info = MODELS[model]
    cost = (hit * info.price_hit + miss * info.price_miss + output * info.price_out) / _MILLION
    return cost if peak else cost / 2
