"""DeepSeek error bodies and their exact wordings, as the emulator sends them.

The client's error translation matches on these strings, so every wording lives here once. Bodies
are ``{"error": {"message", "type", "param": null, "code"}}`` (spec section 10).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from deepseek_openai._redact import mask

__all__ = [
    "MIB",
    "ApiError",
    "auth_failed",
    "bad_request",
    "context_too_long",
    "deserialize_error",
    "fim_not_found",
    "insufficient_balance",
    "invalid_parameter",
    "model_not_exist",
    "not_found",
    "payload_too_large",
    "responses_not_found",
    "status_error",
    "unsupported_model",
]

MIB = 1024 * 1024

# (type, code) per status where the spec shows no body. 400/401/402/422 follow the bodies observed on the
# live API; 413, 429 and 5xx are this emulator's choice (the spec documents statuses, not their types).
_TYPES: dict[int, tuple[str, str]] = {
    400: ("invalid_request_error", "invalid_request_error"),
    401: ("authentication_error", "invalid_request_error"),
    402: ("unknown_error", "invalid_request_error"),
    404: ("invalid_request_error", "invalid_request_error"),
    405: ("invalid_request_error", "invalid_request_error"),
    413: ("invalid_request_error", "invalid_request_error"),
    422: ("invalid_request_error", "invalid_request_error"),
    429: ("rate_limit_error", "rate_limit_reached"),
    500: ("server_error", "server_error"),
    503: ("server_error", "server_overloaded"),
}

# Default message per status, named after the spec's error table.
_DEFAULT_MESSAGES: dict[int, str] = {
    400: "Invalid Format",
    401: "Authentication Fails (no such user)",
    402: "Insufficient Balance",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    409: "Conflict",
    413: "Request Entity Too Large",
    422: "Invalid Parameters",
    429: "Rate Limit Reached",
    500: "Server Error",
    502: "Bad Gateway",
    503: "Server Overloaded",
    504: "Gateway Timeout",
}


@dataclass(frozen=True, slots=True)
class ApiError:
    """One DeepSeek error response: status, message and the body's type and code."""

    status: int
    message: str
    type: str = "invalid_request_error"
    code: str = "invalid_request_error"

    def body(self) -> dict[str, Any]:
        """The JSON body, exactly as DeepSeek shapes it."""
        return {"error": {"message": self.message, "type": self.type, "param": None, "code": self.code}}

    def body_bytes(self) -> bytes:
        return json.dumps(self.body(), ensure_ascii=False, separators=(",", ":")).encode()


def status_error(status: int, message: str | None = None) -> ApiError:
    """An error for any status, with the type/code and default message that status gets."""
    if status in _TYPES:
        kind, code = _TYPES[status]
    elif status >= 500:
        kind, code = "server_error", "server_error"
    else:
        kind, code = "invalid_request_error", "invalid_request_error"
    text = message if message is not None else _DEFAULT_MESSAGES.get(status, f"HTTP {status}")
    return ApiError(status, text, kind, code)


def bad_request(message: str) -> ApiError:
    """400 Invalid Format with a specific message."""
    return status_error(400, message)


def deserialize_error(detail: str) -> ApiError:
    """400 for a body that does not fit DeepSeek's request type (serde's wording, no line/column)."""
    return bad_request(f"Failed to deserialize the JSON body into the target type: {detail}")


def invalid_parameter(message: str) -> ApiError:
    """422 Invalid Parameters: the body parsed, but a value is out of range."""
    return status_error(422, message)


def auth_failed(key: str | None) -> ApiError:
    """401, naming only the last four characters of the key, as the live API does."""
    if not key:
        return status_error(401, "Authentication Fails (no such user)")
    return status_error(401, f"Authentication Fails, Your api key: {mask(key)} is invalid")


def insufficient_balance() -> ApiError:
    return status_error(402, "Insufficient Balance")


def model_not_exist() -> ApiError:
    return bad_request("Model Not Exist")


def unsupported_model(model: str) -> ApiError:
    """400 for retired names (deepseek-chat, deepseek-reasoner) and unknown models alike."""
    return bad_request(
        f"The supported API model names are deepseek-flash or deepseek-v4-pro, but you passed {model}."
    )


def context_too_long(limit: int, prompt_tokens: int, completion_tokens: int) -> ApiError:
    total = prompt_tokens + completion_tokens
    return bad_request(
        f"This model's maximum context length is {limit} tokens. However, you requested {total} tokens "
        f"({prompt_tokens} in the messages, {completion_tokens} in the completion). "
        "Please reduce the length of the messages or completion."
    )


def payload_too_large(limit: int) -> ApiError:
    """413: the gateway refuses the body before it is parsed (the spec's limit is 48 MiB)."""
    size = f"{limit // MIB} MiB" if limit % MIB == 0 else f"{limit} bytes"
    return status_error(413, f"Request Entity Too Large: the request body exceeds the limit of {size}")


def not_found() -> ApiError:
    return status_error(404, "Not Found")


def fim_not_found() -> ApiError:
    """404 for FIM on the standard base URL: it only exists under /beta."""
    return status_error(
        404,
        "Not Found. FIM completion is only available when using beta api "
        "(base_url=https://api.deepseek.com/beta)",
    )


def responses_not_found(*, beta: bool = False) -> ApiError:
    """404 for ``/responses/{id}``, cancel, input_items, compact, input_tokens: the Responses API is
    stateless (section 12 says these do not exist; the wording is the emulator's). ``beta``: the
    Responses API under ``/beta``, which serves it not (it lives on the standard base URL)."""
    if beta:
        return status_error(
            404,
            "Not Found. The Responses API is served on the standard base URL "
            "(base_url=https://api.deepseek.com), not under /beta",
        )
    return status_error(
        404,
        "Not Found. The Responses API is stateless: responses are not stored, so there is nothing to "
        "retrieve, delete, cancel, list or compact; send the whole input with each POST /responses",
    )
