"""deepseek-openai: the official openai SDK as a first-class DeepSeek client.

Swap ``OpenAI(...)`` for :func:`get_client` and existing code works against DeepSeek, with
DeepSeek's rules applied before the network and its errors translated after it::

    from deepseek_openai import get_client, InsufficientBalanceError

    client = get_client()  # DEEPSEEK_API_KEY
    client.chat.completions.create(model="deepseek-flash", messages=[...])
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:  # static typing and IDEs see every name; at run time they load on first use (PEP 562)
    from .account import Balance, BalanceInfo, aget_balance, get_balance
    from .beta import afim_complete, aprefix_complete, fim_complete, prefix_complete
    from .catalogue import (
        CATALOGUE_DATE,
        Feature,
        ModelInfo,
        ResolvedModel,
        capability,
        is_peak,
        prices_at,
        resolve_model,
    )
    from .client import AsyncDeepSeek, DeepSeek, get_async_client, get_client
    from .errors import (
        AuthenticationError,
        BetaRequiredError,
        ConfigurationError,
        ConflictError,
        ContextLengthExceededError,
        DeepSeekAPIError,
        DeepSeekCompatibilityWarning,
        DeepSeekConnectionError,
        DeepSeekError,
        DeepSeekRequestError,
        DeepSeekStatusError,
        DeepSeekStreamError,
        DeepSeekTimeoutError,
        IncompleteStreamError,
        InsufficientBalanceError,
        InvalidFormatError,
        InvalidParametersError,
        MalformedResponseError,
        ModelNotFoundError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        ReasoningContentRequiredError,
        ResponseFormatUnavailableError,
        ServerError,
        ServerOverloadedError,
        ThinkingToolChoiceError,
        UnsupportedFeatureError,
    )
    from .json_mode import JSONModeError, JSONResult, ajson_complete, json_complete
    from .reasoning import (
        AsyncStreamEvents,
        ContentDelta,
        FinalMessage,
        Finish,
        ReasoningDelta,
        StreamEvent,
        StreamEvents,
        ToolCallDelta,
        UsageEvent,
        aiter_events,
        get_reasoning,
        iter_events,
        to_message,
    )
    from .settings import DeepSeekSettings
    from .thinking import thinking_options
    from .usage import UsageSummary, estimate_cost, usage_summary

# Public name -> submodule that defines it. ``import deepseek_openai`` stays cheap (it does not even
# import openai); the first use of a name imports its module once and caches the value here.
_LAZY: dict[str, str] = {
    "Balance": "account",
    "BalanceInfo": "account",
    "aget_balance": "account",
    "get_balance": "account",
    "afim_complete": "beta",
    "aprefix_complete": "beta",
    "fim_complete": "beta",
    "prefix_complete": "beta",
    "CATALOGUE_DATE": "catalogue",
    "Feature": "catalogue",
    "ModelInfo": "catalogue",
    "ResolvedModel": "catalogue",
    "capability": "catalogue",
    "is_peak": "catalogue",
    "prices_at": "catalogue",
    "resolve_model": "catalogue",
    "AsyncDeepSeek": "client",
    "DeepSeek": "client",
    "get_async_client": "client",
    "get_client": "client",
    "AuthenticationError": "errors",
    "BetaRequiredError": "errors",
    "ConfigurationError": "errors",
    "ConflictError": "errors",
    "ContextLengthExceededError": "errors",
    "DeepSeekAPIError": "errors",
    "DeepSeekCompatibilityWarning": "errors",
    "DeepSeekConnectionError": "errors",
    "DeepSeekError": "errors",
    "DeepSeekRequestError": "errors",
    "DeepSeekStatusError": "errors",
    "DeepSeekStreamError": "errors",
    "DeepSeekTimeoutError": "errors",
    "IncompleteStreamError": "errors",
    "InsufficientBalanceError": "errors",
    "InvalidFormatError": "errors",
    "InvalidParametersError": "errors",
    "MalformedResponseError": "errors",
    "ModelNotFoundError": "errors",
    "NotFoundError": "errors",
    "PermissionDeniedError": "errors",
    "RateLimitError": "errors",
    "ReasoningContentRequiredError": "errors",
    "ResponseFormatUnavailableError": "errors",
    "ServerError": "errors",
    "ServerOverloadedError": "errors",
    "ThinkingToolChoiceError": "errors",
    "UnsupportedFeatureError": "errors",
    "JSONModeError": "json_mode",
    "JSONResult": "json_mode",
    "ajson_complete": "json_mode",
    "json_complete": "json_mode",
    "AsyncStreamEvents": "reasoning",
    "ContentDelta": "reasoning",
    "FinalMessage": "reasoning",
    "Finish": "reasoning",
    "ReasoningDelta": "reasoning",
    "StreamEvent": "reasoning",
    "StreamEvents": "reasoning",
    "ToolCallDelta": "reasoning",
    "UsageEvent": "reasoning",
    "aiter_events": "reasoning",
    "get_reasoning": "reasoning",
    "iter_events": "reasoning",
    "to_message": "reasoning",
    "DeepSeekSettings": "settings",
    "thinking_options": "thinking",
    "UsageSummary": "usage",
    "estimate_cost": "usage",
    "usage_summary": "usage",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "CATALOGUE_DATE",
    "AsyncDeepSeek",
    "AsyncStreamEvents",
    "AuthenticationError",
    "Balance",
    "BalanceInfo",
    "BetaRequiredError",
    "ConfigurationError",
    "ConflictError",
    "ContentDelta",
    "ContextLengthExceededError",
    "DeepSeek",
    "DeepSeekAPIError",
    "DeepSeekCompatibilityWarning",
    "DeepSeekConnectionError",
    "DeepSeekError",
    "DeepSeekRequestError",
    "DeepSeekSettings",
    "DeepSeekStatusError",
    "DeepSeekStreamError",
    "DeepSeekTimeoutError",
    "Feature",
    "FinalMessage",
    "Finish",
    "IncompleteStreamError",
    "InsufficientBalanceError",
    "InvalidFormatError",
    "InvalidParametersError",
    "JSONModeError",
    "JSONResult",
    "MalformedResponseError",
    "ModelInfo",
    "ModelNotFoundError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ReasoningContentRequiredError",
    "ReasoningDelta",
    "ResolvedModel",
    "ResponseFormatUnavailableError",
    "ServerError",
    "ServerOverloadedError",
    "StreamEvent",
    "StreamEvents",
    "ThinkingToolChoiceError",
    "ToolCallDelta",
    "UnsupportedFeatureError",
    "UsageEvent",
    "UsageSummary",
    "__version__",
    "afim_complete",
    "aget_balance",
    "aiter_events",
    "ajson_complete",
    "aprefix_complete",
    "capability",
    "estimate_cost",
    "fim_complete",
    "get_async_client",
    "get_balance",
    "get_client",
    "get_reasoning",
    "is_peak",
    "iter_events",
    "json_complete",
    "prefix_complete",
    "prices_at",
    "resolve_model",
    "thinking_options",
    "to_message",
    "usage_summary",
]
