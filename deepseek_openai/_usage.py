"""Token usage and cost, with DeepSeek's cache hits and peak/off-peak prices counted.

DeepSeek reports cache hits twice: its own top-level ``prompt_cache_hit_tokens`` /
``prompt_cache_miss_tokens`` and OpenAI's nested ``prompt_tokens_details.cached_tokens``. The
openai types declare only the nested one, so the top-level fields live in pydantic's extras,
where cost code written for OpenAI never looks; cache-hit input costs about 2% of a miss, so
ignoring it overstates costs badly. :func:`usage_summary` reads both, from any object that
carries usage, and :func:`estimate_cost` prices it with the catalogue in the right time window.
The Responses API reports ``input_tokens`` (hits in ``input_tokens_details.cached_tokens``) and
``output_tokens`` (reasoning in ``output_tokens_details.reasoning_tokens``); both read the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from ._catalogue import PRICING_PAGE, known_model_ids, prices_at, resolve_model
from ._errors import DeepSeekRequestError

_MILLION: Final = Decimal(1_000_000)


@dataclass(frozen=True, slots=True)
class UsageSummary:
    """Token counts of one response (or, added together with ``+`` / ``sum()``, of several)."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    cache_hit_tokens: int
    """Input tokens served from DeepSeek's prompt cache (priced at the cache-hit rate)."""
    cache_miss_tokens: int
    reasoning_tokens: int
    """Output tokens spent thinking (included in ``completion_tokens``)."""

    @property
    def cache_hit_ratio(self) -> float:
        """Share of input tokens that hit the cache (0.0 with no input)."""
        return self.cache_hit_tokens / self.prompt_tokens if self.prompt_tokens else 0.0

    @property
    def answer_tokens(self) -> int:
        """Output tokens of the answer itself (completion minus reasoning)."""
        return self.completion_tokens - self.reasoning_tokens

    def __add__(self, other: UsageSummary) -> UsageSummary:
        if not isinstance(other, UsageSummary):
            return NotImplemented
        return UsageSummary(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
            self.total_tokens + other.total_tokens,
            self.cache_hit_tokens + other.cache_hit_tokens,
            self.cache_miss_tokens + other.cache_miss_tokens,
            self.reasoning_tokens + other.reasoning_tokens,
        )

    def __radd__(self, other: object) -> UsageSummary:
        if other == 0:  # sum() starts from 0
            return self
        return NotImplemented


def _get(obj: Any, name: str) -> Any:
    if obj is None:
        return None
    if isinstance(obj, Mapping):
        return obj.get(name)
    extra = getattr(obj, "__pydantic_extra__", None)
    if extra and name in extra:
        return extra[name]
    return getattr(obj, name, None)


def _is_usage(obj: Any) -> bool:
    return _is_chat_usage(obj) or _is_responses_usage(obj)


def _is_chat_usage(obj: Any) -> bool:
    return _get(obj, "prompt_tokens") is not None or _get(obj, "completion_tokens") is not None


def _is_responses_usage(obj: Any) -> bool:
    """The Responses API's names: input_tokens (+ cached), output_tokens (+ reasoning)."""
    return _get(obj, "input_tokens") is not None or _get(obj, "output_tokens") is not None


def _find_usage(obj: Any) -> Any:
    """The usage object itself, from a usage, a completion, a stream chunk or a final message."""
    if isinstance(obj, UsageSummary) or _is_usage(obj):
        return obj
    inner = _get(obj, "usage")
    if inner is not None and _is_usage(inner):
        return inner
    raise DeepSeekRequestError(
        f"no token usage in {type(obj).__name__}",
        why="usage comes on a completion or a Responses Response, or on the last chunk of a chat stream "
        "only when it was asked for",
        fix="pass response.usage, a completion, a Response, or (chat streams) the usage chunk of a request "
        "made with stream_options={'include_usage': True}",
        param="usage",
        before_send=False,
    )


def _count(value: Any, name: str, *, default: int | None = None) -> int:
    if value is None and default is not None:
        return default
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise DeepSeekRequestError(
        f"usage field {name}={value!r} is not a token count",
        why="token counts are non-negative integers",
        fix="pass the usage object the API returned, unchanged",
        param="usage",
        before_send=False,
    )


def usage_summary(usage: Any) -> UsageSummary:
    """The token counts of a usage object, completion, stream usage chunk, final message or dict.

    Cache hits come from DeepSeek's ``prompt_cache_hit_tokens`` / ``prompt_cache_miss_tokens``,
    falling back to OpenAI's ``prompt_tokens_details.cached_tokens``; with neither, every input
    token counts as a miss (the cost estimate then errs high, never low).
    """
    if isinstance(usage, UsageSummary):
        return usage
    found = _find_usage(usage)
    if isinstance(found, UsageSummary):
        return found
    if not _is_chat_usage(found):
        return _responses_summary(found)
    prompt = _count(_get(found, "prompt_tokens"), "prompt_tokens", default=0)
    completion = _count(_get(found, "completion_tokens"), "completion_tokens", default=0)
    total = _count(_get(found, "total_tokens"), "total_tokens", default=prompt + completion)
    hit_raw = _get(found, "prompt_cache_hit_tokens")
    miss_raw = _get(found, "prompt_cache_miss_tokens")
    if hit_raw is None:
        hit_raw = _get(_get(found, "prompt_tokens_details"), "cached_tokens")
    if hit_raw is not None:
        hit = _count(hit_raw, "prompt_cache_hit_tokens")
        miss = _count(miss_raw, "prompt_cache_miss_tokens", default=max(prompt - hit, 0))
    elif miss_raw is not None:
        miss = _count(miss_raw, "prompt_cache_miss_tokens")
        hit = max(prompt - miss, 0)
    else:
        hit, miss = 0, prompt
    reasoning = _count(
        _get(_get(found, "completion_tokens_details"), "reasoning_tokens"), "reasoning_tokens", default=0
    )
    return UsageSummary(prompt, completion, total, hit, miss, reasoning)


def _responses_summary(found: Any) -> UsageSummary:
    """A Responses usage: ``input_tokens_details.cached_tokens`` are the cache hits (Responses page)."""
    prompt = _count(_get(found, "input_tokens"), "input_tokens", default=0)
    completion = _count(_get(found, "output_tokens"), "output_tokens", default=0)
    total = _count(_get(found, "total_tokens"), "total_tokens", default=prompt + completion)
    hit = _count(_get(_get(found, "input_tokens_details"), "cached_tokens"), "cached_tokens", default=0)
    reasoning = _count(
        _get(_get(found, "output_tokens_details"), "reasoning_tokens"), "reasoning_tokens", default=0
    )
    return UsageSummary(prompt, completion, total, hit, max(prompt - hit, 0), reasoning)


def _when(usage: Any, at: dt.datetime | None) -> dt.datetime:
    if at is not None:
        if not isinstance(at, dt.datetime):
            raise DeepSeekRequestError(
                f"at={at!r} is not a datetime",
                why="prices depend on the UTC hour and weekday (peak / off-peak)",
                fix="pass a datetime, e.g. datetime.now(timezone.utc), or leave at out",
                param="at",
                before_send=False,
            )
        return at
    created = None
    if not isinstance(usage, UsageSummary):
        # chat completions carry ``created``; Responses ``created_at`` (a number of seconds)
        created = _get(usage, "created")
        if created is None:
            created = _get(usage, "created_at")
    if isinstance(created, int | float) and not isinstance(created, bool) and created > 0:
        return dt.datetime.fromtimestamp(created, dt.UTC)
    return dt.datetime.now(dt.UTC)


def estimate_cost(
    usage: Any,
    model: str,
    *,
    at: dt.datetime | None = None,
    holidays: frozenset[dt.date] | set[dt.date] = frozenset(),
) -> Decimal:
    """The cost in USD, exact, from the catalogue prices at ``at`` (UTC peak / off-peak windows).

    ``usage`` is anything :func:`usage_summary` reads. Without ``at``, the completion's
    ``created`` time is used when the object has one, else now. Cache-hit input, cache-miss input
    and output tokens (reasoning included) are priced separately. Aliases and retired names are
    priced as the model that serves them; an unknown model raises a clear error. ``holidays``
    lists Chinese public holidays, which DeepSeek prices off-peak.
    """
    if not isinstance(model, str):
        raise DeepSeekRequestError(
            f"model={model!r} is not a model name",
            why="prices are per model",
            fix="pass the model the request used, e.g. 'deepseek-flash'",
            param="model",
            before_send=False,
        )
    resolved = resolve_model(model)
    when = _when(usage, at)
    prices = prices_at(resolved.id, when, holidays=holidays)
    if prices is None:
        raise DeepSeekRequestError(
            f"no prices for model {model!r}",
            why=f"the catalogue knows {', '.join(known_model_ids())} (and their aliases); "
            "guessing a price could understate the cost",
            fix="pass one of those model names (completion.model names the one that answered)",
            source=PRICING_PAGE,
            param="model",
            before_send=False,
        )
    summary = usage_summary(usage)
    cost = (
        summary.cache_hit_tokens * prices.cache_hit_input
        + summary.cache_miss_tokens * prices.cache_miss_input
        + summary.completion_tokens * prices.output
    )
    return cost / _MILLION
