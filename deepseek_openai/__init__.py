"""deepseek-openai: the official openai SDK as a first-class DeepSeek client.

Swap ``OpenAI(...)`` for :func:`get_client` and existing code works against DeepSeek, with
DeepSeek's rules applied before the network and its errors translated after it::

    from deepseek_openai import get_client, InsufficientBalanceError

    client = get_client()  # DEEPSEEK_API_KEY
    client.chat.completions.create(model="deepseek-flash", messages=[...])
    client.responses.create(model="deepseek-flash", input="...")  # stateless on DeepSeek
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:  # static typing and IDEs see every name; at run time they load on first use (PEP 562)
    from ._account import Balance, BalanceInfo, aget_balance, get_balance
    from ._beta import afim_complete, aprefix_complete, fim_complete, prefix_complete
    from ._catalogue import (
        CATALOGUE_DATE,
        Answer,
        Effort,
        Feature,
        Limits,
        ModelInfo,
        Prices,
        ResolvedModel,
        Source,
        capability,
        is_peak,
        prices_at,
        resolve_model,
    )
    from ._client import (
        AsyncDeepSeek,
        ClientOptions,
        DeepSeek,
        PolicyOptions,
        get_async_client,
        get_client,
    )
    from ._errors import (
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
        RetiredModelWarning,
        ServerError,
        ServerOverloadedError,
        ThinkingToolChoiceError,
        UnsupportedFeatureError,
    )
    from ._json_mode import JSONModeError, JSONResult, ajson_complete, json_complete
    from ._reasoning import (
        AsyncStreamEvents,
        ContentDelta,
        FinalMessage,
        Finish,
        FunctionCall,
        ReasoningDelta,
        StreamEvent,
        StreamEvents,
        ToolCall,
        ToolCallDelta,
        UsageEvent,
        aiter_events,
        get_reasoning,
        iter_events,
        to_message,
    )
    from ._responses import function_calls, to_input_items
    from ._settings import DeepSeekSettings, GuardMode, HistoryPolicy, RetiredModelPolicy
    from ._thinking import thinking_options
    from ._trace import request_id
    from ._usage import UsageSummary, estimate_cost, usage_summary

# Public name -> submodule that defines it. ``import deepseek_openai`` stays cheap (it does not even
# import openai); the first use of a name imports its module once and caches the value here.
_LAZY: dict[str, str] = {
    "Balance": "_account",
    "BalanceInfo": "_account",
    "aget_balance": "_account",
    "get_balance": "_account",
    "afim_complete": "_beta",
    "aprefix_complete": "_beta",
    "fim_complete": "_beta",
    "prefix_complete": "_beta",
    "CATALOGUE_DATE": "_catalogue",
    "Answer": "_catalogue",
    "Effort": "_catalogue",
    "Limits": "_catalogue",
    "Prices": "_catalogue",
    "Source": "_catalogue",
    "Feature": "_catalogue",
    "ModelInfo": "_catalogue",
    "ResolvedModel": "_catalogue",
    "capability": "_catalogue",
    "is_peak": "_catalogue",
    "prices_at": "_catalogue",
    "resolve_model": "_catalogue",
    "AsyncDeepSeek": "_client",
    "ClientOptions": "_client",
    "PolicyOptions": "_client",
    "DeepSeek": "_client",
    "get_async_client": "_client",
    "get_client": "_client",
    "AuthenticationError": "_errors",
    "BetaRequiredError": "_errors",
    "ConfigurationError": "_errors",
    "ConflictError": "_errors",
    "ContextLengthExceededError": "_errors",
    "DeepSeekAPIError": "_errors",
    "DeepSeekCompatibilityWarning": "_errors",
    "DeepSeekConnectionError": "_errors",
    "DeepSeekError": "_errors",
    "DeepSeekRequestError": "_errors",
    "DeepSeekStatusError": "_errors",
    "DeepSeekStreamError": "_errors",
    "DeepSeekTimeoutError": "_errors",
    "IncompleteStreamError": "_errors",
    "InsufficientBalanceError": "_errors",
    "InvalidFormatError": "_errors",
    "InvalidParametersError": "_errors",
    "MalformedResponseError": "_errors",
    "ModelNotFoundError": "_errors",
    "NotFoundError": "_errors",
    "PermissionDeniedError": "_errors",
    "RateLimitError": "_errors",
    "ReasoningContentRequiredError": "_errors",
    "ResponseFormatUnavailableError": "_errors",
    "RetiredModelWarning": "_errors",
    "ServerError": "_errors",
    "ServerOverloadedError": "_errors",
    "ThinkingToolChoiceError": "_errors",
    "UnsupportedFeatureError": "_errors",
    "JSONModeError": "_json_mode",
    "JSONResult": "_json_mode",
    "ajson_complete": "_json_mode",
    "json_complete": "_json_mode",
    "AsyncStreamEvents": "_reasoning",
    "ContentDelta": "_reasoning",
    "FinalMessage": "_reasoning",
    "Finish": "_reasoning",
    "FunctionCall": "_reasoning",
    "ToolCall": "_reasoning",
    "ReasoningDelta": "_reasoning",
    "StreamEvent": "_reasoning",
    "StreamEvents": "_reasoning",
    "ToolCallDelta": "_reasoning",
    "UsageEvent": "_reasoning",
    "aiter_events": "_reasoning",
    "get_reasoning": "_reasoning",
    "iter_events": "_reasoning",
    "to_message": "_reasoning",
    "function_calls": "_responses",
    "to_input_items": "_responses",
    "DeepSeekSettings": "_settings",
    "GuardMode": "_settings",
    "HistoryPolicy": "_settings",
    "RetiredModelPolicy": "_settings",
    "thinking_options": "_thinking",
    "request_id": "_trace",
    "UsageSummary": "_usage",
    "estimate_cost": "_usage",
    "usage_summary": "_usage",
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
    "Answer",
    "AsyncDeepSeek",
    "AsyncStreamEvents",
    "AuthenticationError",
    "Balance",
    "BalanceInfo",
    "BetaRequiredError",
    "ClientOptions",
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
    "Effort",
    "Feature",
    "FinalMessage",
    "Finish",
    "FunctionCall",
    "GuardMode",
    "HistoryPolicy",
    "IncompleteStreamError",
    "InsufficientBalanceError",
    "InvalidFormatError",
    "InvalidParametersError",
    "JSONModeError",
    "JSONResult",
    "Limits",
    "MalformedResponseError",
    "ModelInfo",
    "ModelNotFoundError",
    "NotFoundError",
    "PermissionDeniedError",
    "PolicyOptions",
    "Prices",
    "RateLimitError",
    "ReasoningContentRequiredError",
    "ReasoningDelta",
    "ResolvedModel",
    "ResponseFormatUnavailableError",
    "RetiredModelPolicy",
    "RetiredModelWarning",
    "ServerError",
    "ServerOverloadedError",
    "Source",
    "StreamEvent",
    "StreamEvents",
    "ThinkingToolChoiceError",
    "ToolCall",
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
    "function_calls",
    "get_async_client",
    "get_balance",
    "get_client",
    "get_reasoning",
    "is_peak",
    "iter_events",
    "json_complete",
    "prefix_complete",
    "prices_at",
    "request_id",
    "resolve_model",
    "thinking_options",
    "to_input_items",
    "to_message",
    "usage_summary",
]
