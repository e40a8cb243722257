"""deepseek-openai: the official openai SDK as a first-class DeepSeek client.

Swap ``OpenAI(...)`` for :func:`get_client` and existing code works against DeepSeek, with
DeepSeek's rules applied before the network and its errors translated after it::

    from deepseek_openai import get_client, InsufficientBalanceError

    client = get_client()  # DEEPSEEK_API_KEY
    client.chat.completions.create(model="deepseek-flash", messages=[...])
"""

from __future__ import annotations

from ._version import __version__
from .catalogue import (
    CATALOGUE_DATE,
    Feature,
    ModelInfo,
    ResolvedModel,
    capability,
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
from .settings import DeepSeekSettings

__all__ = [
    "CATALOGUE_DATE",
    "AsyncDeepSeek",
    "AuthenticationError",
    "BetaRequiredError",
    "ConfigurationError",
    "ConflictError",
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
    "IncompleteStreamError",
    "InsufficientBalanceError",
    "InvalidFormatError",
    "InvalidParametersError",
    "MalformedResponseError",
    "ModelInfo",
    "ModelNotFoundError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ReasoningContentRequiredError",
    "ResolvedModel",
    "ResponseFormatUnavailableError",
    "ServerError",
    "ServerOverloadedError",
    "ThinkingToolChoiceError",
    "UnsupportedFeatureError",
    "__version__",
    "capability",
    "get_async_client",
    "get_client",
    "resolve_model",
]
