"""deepseek-openai: the official openai SDK as a first-class DeepSeek client.

Swap ``OpenAI(...)`` for :func:`get_client` and existing code works against DeepSeek, with
DeepSeek's rules applied before the network and its errors translated after it::

    from deepseek_openai import get_client, InsufficientBalanceError

    client = get_client()  # DEEPSEEK_API_KEY
    client.chat.completions.create(model="deepseek-flash", messages=[...])
"""

from __future__ import annotations

from ._version import __version__
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
