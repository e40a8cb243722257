"""DeepSeek's errors as typed exceptions that still are the openai ones.

Every class below also subclasses the class openai would have raised, so existing
``except openai.RateLimitError`` code keeps working, while new code can catch the DeepSeek
meaning (``InsufficientBalanceError``) and read ``cause``, ``remedy``, ``retryable`` and
``trace_id``. The tree (openai's classes in brackets)::

    openai.OpenAIError
    └── DeepSeekError
        ├── ConfigurationError                 [ValueError]   bad settings, missing key, insecure URL
        ├── DeepSeekRequestError               [openai.BadRequestError, ValueError]
        │                                      refused before the network (guards): a 400, nothing sent
        ├── UnsupportedFeatureError            [openai.BadRequestError, NotImplementedError]
        │                                      no such DeepSeek endpoint/feature: a 400, nothing sent
        └── DeepSeekAPIError                   [openai.APIError]
            ├── DeepSeekStreamError                            an SSE error event inside a stream
            ├── MalformedResponseError         [openai.APIResponseValidationError]
            ├── DeepSeekConnectionError        [openai.APIConnectionError]
            │   ├── DeepSeekTimeoutError       [openai.APITimeoutError]
            │   └── IncompleteStreamError                      stream ended without its end marker
            └── DeepSeekStatusError            [openai.APIStatusError]  any other status
                ├── InvalidFormatError         [openai.BadRequestError]            400
                │   ├── ReasoningContentRequiredError
                │   ├── ThinkingToolChoiceError
                │   ├── BetaRequiredError
                │   ├── ModelNotFoundError
                │   ├── ContextLengthExceededError
                │   └── ResponseFormatUnavailableError
                ├── AuthenticationError        [openai.AuthenticationError]        401
                ├── InsufficientBalanceError                                       402
                ├── PermissionDeniedError      [openai.PermissionDeniedError]      403
                ├── NotFoundError              [openai.NotFoundError]              404
                ├── ConflictError              [openai.ConflictError]              409
                ├── InvalidParametersError     [openai.UnprocessableEntityError]   422
                ├── RateLimitError             [openai.RateLimitError]             429
                └── ServerError                [openai.InternalServerError]        500 (and other 5xx)
                    └── ServerOverloadedError                                      503

Refusals made before the network are also ``openai.BadRequestError`` (status 400) so that
frameworks treat them as the client error they are and never retry them (LiteLLM, LangChain and
openai-agents map a 400 to "bad request, do not retry"). Their ``response`` is a synthetic 400
built here, with no headers from the client (so no key), and the message says nothing was sent.

Warnings (both shown by default, once per call site): ``DeepSeekCompatibilityWarning`` (a
``UserWarning``: the default guard mode 'warn' dropped or translated something, once per client and
parameter) and ``RetiredModelWarning`` (a ``FutureWarning``: a retired model name was translated).

Causes and remedies come from DeepSeek's error-code page; the server's own message, the HTTP
status and the ``x-ds-trace-id`` header are part of every message. The API key never is:
:func:`redact` scrubs it from anything the server echoes back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Final, Self
from urllib.parse import urlsplit, urlunsplit

import httpx2
import openai

from ._catalogue import ERROR_CODES_PAGE, Source
from ._redact import (
    SECRET_HEADERS,
    header_secret,
    mask,
    mask_header,
    mask_url,
    redact,
    redact_all,
    url_credentials,
)

TRACE_HEADER = "x-ds-trace-id"


mask_key = mask  # the name the client and tests use


class DeepSeekError(openai.OpenAIError):
    """Base class of every exception this package raises.

    Every one pickles (openai's own exceptions do not: their constructors take keyword-only
    arguments), and the pickle never carries a credential: the request and response an error holds
    are copied with their secret headers and URL credentials masked, and every secret found there
    is masked in the message and body too.
    """

    def __reduce__(self) -> tuple[Any, ...]:
        secrets = _secrets_of(self)
        memo: dict[int, Any] = {}
        state = {name: _scrubbed(value, secrets, memo) for name, value in self.__dict__.items()}
        return (_restore, (type(self), redact_all(self.args, secrets), state))


class DeepSeekCompatibilityWarning(UserWarning):
    """The client changed a request to fit DeepSeek: dropped a parameter DeepSeek ignores, or translated
    one (once per client and parameter, in the default guard mode 'warn'; shown by default)."""


class RetiredModelWarning(FutureWarning):
    """A retired model name (``deepseek-chat``, ``deepseek-reasoner``) was translated to its replacement.

    A :class:`FutureWarning`, not a :class:`DeprecationWarning`: Python shows FutureWarning by default
    (it is the category documented for deprecations aimed at the people running the code), while
    DeprecationWarning is hidden outside ``__main__``, so a retired name in an imported module would
    be translated in silence. Shown once per call site, like every default-action warning.
    """


class ConfigurationError(DeepSeekError, ValueError):
    """The client cannot be built as asked: missing key, bad setting, unsafe base URL."""


NOT_SENT: Final = "Refused before sending (nothing reached DeepSeek): "
"""How every pre-send refusal starts, so a log reader knows no request was made."""

_UNSENT_URL: Final = "https://api.deepseek.com/"
"""The URL of the synthetic request a pre-send refusal carries when the seam did not say which it was."""


def _unsent_response(method: str, url: str) -> httpx2.Response:
    """A synthetic 400 for a request that was never sent: no client headers (so never the key)."""
    parts = urlsplit(url)
    if parts.username or parts.password:  # credentials in a URL never travel into an exception
        # The host and port as written (an IPv6 host keeps its brackets), without the user:password@.
        netloc = parts.netloc.rpartition("@")[2]
        url = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
    return httpx2.Response(400, request=httpx2.Request(method, url))


class _Explained(DeepSeekError, openai.BadRequestError):
    """An error raised before the network that says what, why (with its source) and the fix.

    Also an ``openai.BadRequestError`` (status 400): frameworks then report a client error and do
    not retry. ``param`` and ``rule`` name the parameter and the rule-table row; ``body`` is an
    OpenAI-shaped error object with the same message.
    """

    what: str
    why: str
    fix: str
    source: Source | None
    param: str | None
    rule: str | None
    """The id of the rule-table row that refused the request (``None`` for other refusals)."""
    before_send: bool
    """True for a request refused before sending; False for a helper that refused its input."""

    def __init__(  # noqa: PLR0913 (what, why, fix, source, param and rule are the parts of the message)
        self,
        what: str,
        *,
        why: str,
        fix: str,
        source: Source | None = None,
        param: str | None = None,
        rule: str | None = None,
        method: str = "POST",
        url: str = _UNSENT_URL,
        before_send: bool = True,
    ) -> None:
        dated = f" ({source.title}, {source.date.isoformat()})" if source else ""
        message = f"{NOT_SENT if before_send else ''}{what}. Why: {why}{dated}. Fix: {fix}"
        self.before_send = before_send
        body = {"message": message, "type": "invalid_request_error", "param": param, "code": rule}
        openai.BadRequestError.__init__(self, message, response=_unsent_response(method, url), body=body)
        self.what, self.why, self.fix, self.source, self.param, self.rule = (
            what,
            why,
            fix,
            source,
            param,
            rule,
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from its parts: the synthetic response holds nothing worth pickling.
        request = self.request
        return (
            _rebuild_explained,
            (
                type(self),
                self.what,
                {
                    "why": self.why,
                    "fix": self.fix,
                    "source": self.source,
                    "param": self.param,
                    "rule": self.rule,
                    "method": request.method,
                    "url": str(request.url),
                    "before_send": self.before_send,
                },
            ),
        )

    def for_request(self, method: str, url: str) -> Self:
        """The same refusal, naming the request that was not sent (the seam knows it; rules do not)."""
        request = _unsent_response(method, url).request
        self.request = self.response.request = request
        return self


def _rebuild_explained(cls: type[_Explained], what: str, parts: dict[str, Any]) -> _Explained:
    return cls(what, **parts)


class DeepSeekRequestError(_Explained, ValueError):
    """A request DeepSeek would reject or silently mishandle, refused before it is sent."""


class UnsupportedFeatureError(_Explained, NotImplementedError):
    """A feature or endpoint DeepSeek does not have, refused before any request is sent."""


def _restore(cls: type[BaseException], args: tuple[Any, ...], state: dict[str, Any]) -> BaseException:
    """Rebuild a pickled error without calling its constructor (which needs a live response)."""
    exc = cls.__new__(cls, *args)
    exc.args = args
    exc.__dict__.update(state)
    return exc


def _requests_of(exc: BaseException) -> Iterable[httpx2.Request]:
    for value in vars(exc).values():
        if isinstance(value, httpx2.Request):
            yield value
        elif isinstance(value, httpx2.Response):
            try:
                yield value.request
            except RuntimeError:  # a response built without a request
                continue


def _secrets_of(exc: BaseException) -> list[str]:
    """The credentials an error's request carried: header tokens and URL user/password."""
    found: list[str] = []
    for request in _requests_of(exc):
        for name, value in request.headers.multi_items():
            if name.lower() in SECRET_HEADERS and value:
                found.append(header_secret(value))
        found.extend(url_credentials(request.url))
    return sorted(set(found), key=len, reverse=True)  # longest first: a key before its substrings


_UNSAFE_TO_COPY = frozenset({"content-encoding", "content-length", "transfer-encoding"})
"""Headers a copied response must drop: its content is already decoded (and maybe redacted)."""


def _scrubbed_headers(headers: httpx2.Headers, secrets: list[str]) -> list[tuple[str, str]]:
    out = []
    for name, value in headers.multi_items():
        low = name.lower()
        if low in _UNSAFE_TO_COPY:
            continue
        out.append((name, mask_header(value) if low in SECRET_HEADERS else redact_all(value, secrets)))
    return out


def _scrubbed(value: Any, secrets: list[str], memo: dict[int, Any]) -> Any:
    """A copy of ``value`` safe to pickle: requests and responses rebuilt without credentials."""
    if isinstance(value, httpx2.Request | httpx2.Response):
        hit = memo.get(id(value))
        if hit is None:
            hit = memo[id(value)] = (
                _scrubbed_request(value, secrets)
                if isinstance(value, httpx2.Request)
                else _scrubbed_response(value, secrets, memo)
            )
        return hit
    return redact_all(value, secrets)


def _scrubbed_request(request: httpx2.Request, secrets: list[str]) -> httpx2.Request:
    try:
        content = request.content
    except httpx2.RequestNotRead:
        content = b""
    return httpx2.Request(
        request.method,
        mask_url(request.url),
        headers=_scrubbed_headers(request.headers, secrets),
        content=redact_all(content, secrets),
    )


def _scrubbed_response(
    response: httpx2.Response, secrets: list[str], memo: dict[int, Any]
) -> httpx2.Response:
    try:
        content = response.content
    except httpx2.ResponseNotRead:  # a stream: its body was never kept
        content = b""
    try:
        request: httpx2.Request | None = _scrubbed(response.request, secrets, memo)
    except RuntimeError:
        request = None
    return httpx2.Response(
        response.status_code,
        headers=_scrubbed_headers(response.headers, secrets),
        content=redact_all(content, secrets),
        request=request,
    )


# --------------------------------------------------------------------------------------------
# Errors from the API


class DeepSeekAPIError(DeepSeekError, openai.APIError):
    """An error that involved a request to the API."""

    retryable: bool = False
    """Whether sending the same request again can succeed."""
    trace_id: str | None = None
    """DeepSeek's ``x-ds-trace-id``, to quote when contacting support."""


class DeepSeekStreamError(DeepSeekAPIError):
    """An ``error`` event arrived inside a stream; the answer so far is incomplete."""

    def __init__(
        self,
        message: str,
        request: httpx2.Request,
        *,
        body: object | None,
        secret: str | None,
        trace_id: str | None = None,
    ) -> None:
        server = redact(message, secret)
        # The server may echo the key in the event body too, not only in the message.
        body = redact(body, secret)
        text = (
            f"DeepSeek reported an error in the middle of the stream: {server}. "
            "The partial answer is incomplete; send the request again."
        )
        if trace_id:
            text += f" (x-ds-trace-id: {trace_id})"
        openai.APIError.__init__(self, text, request, body=body)
        self.server_message = server
        self.trace_id = trace_id
        self.retryable = True


class MalformedResponseError(DeepSeekAPIError, openai.APIResponseValidationError):
    """The server answered with something that is not the JSON it should be."""

    def __init__(self, response: httpx2.Response, body: object | None, *, detail: str) -> None:
        # Whoever builds one, the key the request carried is masked in what the server sent back.
        secret = _request_secret(response)
        body, detail = redact(body, secret), redact(detail, secret)
        message = (
            f"DeepSeek answered HTTP {response.status_code} with a body that could not be read ({detail}). "
            "This is a server or proxy fault; retrying may help."
        )
        openai.APIResponseValidationError.__init__(self, response, body, message=message)
        self.trace_id = response.headers.get(TRACE_HEADER)
        self.retryable = True


def _request_secret(response: httpx2.Response) -> str | None:
    try:
        sent = response.request.headers.get("authorization")
    except RuntimeError:  # a response built without a request
        return None
    return header_secret(sent) if sent else None


def where(url: httpx2.URL) -> str:
    """``host:port`` of a request (the port only when the URL names one), for error messages."""
    host = url.host
    if ":" in host:
        host = f"[{host}]"
    return f"{host}:{url.port}" if url.port else host


class DeepSeekConnectionError(DeepSeekAPIError, openai.APIConnectionError):
    """The connection failed or dropped, before a response or in the middle of a stream."""

    in_stream: bool = False
    """True when the connection dropped after a stream had started (openai does not retry that)."""

    def __init__(
        self, *, message: str = "Connection error.", request: httpx2.Request, in_stream: bool = False
    ) -> None:
        if in_stream:
            text = (
                f"The connection to {where(request.url)} dropped in the middle of the stream; the answer "
                "so far is incomplete. A stream is not retried: send the request again."
            )
        else:
            text = (
                f"{message} Could not complete the exchange with {where(request.url)}. "
                "Check the network and base_url; openai retries this automatically (max_retries)."
            )
        openai.APIError.__init__(self, text, request, body=None)
        self.retryable = True
        self.in_stream = in_stream


class DeepSeekTimeoutError(DeepSeekConnectionError, openai.APITimeoutError):
    """No answer within the timeout (long reasoning can take minutes: raise ``timeout``)."""

    def __init__(self, request: httpx2.Request, *, in_stream: bool = False) -> None:
        if in_stream:
            text = (
                f"The stream from {where(request.url)} stalled past the timeout; the answer so far is "
                "incomplete. Pass a larger timeout= and send the request again."
            )
        else:
            text = (
                f"Request to {where(request.url)} timed out. Long reasoning can take minutes: pass a "
                "larger timeout= (the openai default is 600 s) or stream the answer."
            )
        openai.APIError.__init__(self, text, request, body=None)
        self.retryable = True
        self.in_stream = in_stream


class IncompleteStreamError(DeepSeekConnectionError):
    """The stream ended without its end marker (``data: [DONE]``, or a Responses stream's terminal
    event): the answer is incomplete."""

    in_stream = True

    def __init__(self, *, request: httpx2.Request, detail: str, expected: str = "'data: [DONE]'") -> None:
        text = (
            f"The DeepSeek stream from {where(request.url)} ended without {expected} ({detail}); "
            "the answer is incomplete. Send the request again."
        )
        openai.APIError.__init__(self, text, request, body=None)
        self.retryable = True


# --------------------------------------------------------------------------------------------
# Status errors


class DeepSeekStatusError(DeepSeekAPIError, openai.APIStatusError):
    """The API answered with an error status. Message = title, server text, cause, remedy, trace id."""

    source: ClassVar[Source] = ERROR_CODES_PAGE
    """The page the cause and remedy come from."""
    title: ClassVar[str] = "Error"
    cause: ClassVar[str] = "The server rejected the request."
    remedy: ClassVar[str] = "Read the server's message above and fix the request."
    retryable_status: ClassVar[bool] = False

    server_message: str | None

    def __init__(self, message: str, *, response: httpx2.Response, body: object | None) -> None:
        openai.APIStatusError.__init__(self, message, response=response, body=body)
        self.trace_id = response.headers.get(TRACE_HEADER)
        if self.request_id is None:
            self.request_id = self.trace_id
        self.retryable = self.retryable_status

    @classmethod
    def build(
        cls, *, response: httpx2.Response, body: object | None, secret: str | None, remedy: str | None = None
    ) -> DeepSeekStatusError:
        """Build the message from the server's text plus DeepSeek's documented cause and remedy
        (``remedy``: a more specific one the caller knows, e.g. for a path DeepSeek does not serve)."""
        server = _server_message(body, response)
        server = redact(server, secret) if server else None
        body = redact(body, secret)
        parts = [f"DeepSeek {response.status_code} {cls.title}"]
        # A server message that only repeats the title ("Insufficient Balance") is not said twice.
        shown = None if server and same_words(server, cls.title) else server
        if shown:
            parts.append(f": {shown}" + ("" if shown.rstrip().endswith((".", "!", "?")) else "."))
        else:
            parts.append(".")
        fix = remedy or cls._fix(server)
        text = "".join(parts) + f" Cause: {cls.cause} Fix: {fix}" + ("" if fix.endswith(".") else ".")
        text += " Retrying can help." if cls.retryable_status else " Retrying will not help."
        trace = response.headers.get(TRACE_HEADER)
        if trace:
            text += f" (x-ds-trace-id: {trace})"
        err = cls(text, response=response, body=body)
        err.server_message = server
        return err

    @classmethod
    def _fix(cls, server: str | None) -> str:
        return cls.remedy


class InvalidFormatError(DeepSeekStatusError, openai.BadRequestError):
    title = "Invalid Format"
    cause = "The request body is malformed or asks for something the API does not accept."
    remedy = "Change the request as the server's message says."


class ReasoningContentRequiredError(InvalidFormatError):
    """Tools are present and an earlier assistant turn lost its ``reasoning_content``."""

    title = "Invalid Format (reasoning_content missing)"
    cause = (
        "When a request carries tools, every earlier assistant turn's reasoning_content must be sent "
        "back (rule of 2026-09-11; the 2025 rule was the opposite)."
    )
    remedy = (
        "Append assistant turns with deepseek_openai.to_message(response) so reasoning_content is kept, "
        "or leave the client's history_policy at 'backfill'."
    )


class ThinkingToolChoiceError(InvalidFormatError):
    """``tool_choice`` required / named is refused while thinking."""

    title = "Invalid Format (tool_choice in thinking mode)"
    cause = "Thinking mode accepts only tool_choice 'auto' or 'none'."
    remedy = "Use tool_choice='auto', or turn thinking off for this call (thinking=False)."


class BetaRequiredError(InvalidFormatError):
    """Prefix completion, FIM or strict tools were sent outside the beta base URL."""

    title = "Invalid Format (beta feature)"
    cause = "Chat prefix completion, FIM and strict tools exist only on the beta base URL."
    remedy = (
        "Use get_client(beta=True) or client.beta, or the helpers prefix_complete() / fim_complete(), "
        "which always use https://api.deepseek.com/beta."
    )


class ModelNotFoundError(InvalidFormatError):
    """The model name is unknown or retired."""

    title = "Invalid Format (model)"
    cause = (
        "The model name is unknown or retired: deepseek-chat and deepseek-reasoner were switched off on "
        "2026-07-24."
    )
    remedy = (
        "Use 'deepseek-flash' or 'deepseek-v4-pro' (deepseek-chat -> deepseek-flash with thinking=False; "
        "deepseek-reasoner -> deepseek-flash)."
    )


class ContextLengthExceededError(InvalidFormatError):
    """Messages plus ``max_tokens`` exceed the context window."""

    title = "Invalid Format (context length)"
    cause = "The messages plus max_tokens exceed the model's context window."
    remedy = "Shorten or summarise the history, or lower max_tokens."

    @property
    def limits(self) -> dict[str, int]:
        """The numbers in the server's message: ``maximum``, ``requested``, ``messages``, ``completion``."""
        nums = [int(n) for n in re.findall(r"\d+", self.server_message or "")]
        keys = ("maximum", "requested", "messages", "completion")
        return dict(zip(keys, nums, strict=False))


class ResponseFormatUnavailableError(InvalidFormatError):
    """``response_format`` ``json_schema`` is not available."""

    title = "Invalid Format (response_format)"
    cause = "DeepSeek has no json_schema structured output."
    remedy = (
        "Use response_format={'type': 'json_object'} and show the JSON shape in the prompt "
        "(deepseek_openai.json_complete), or strict function tools on the beta URL."
    )


class AuthenticationError(DeepSeekStatusError, openai.AuthenticationError):
    title = "Authentication Fails"
    cause = "The API key is wrong, revoked or missing."
    remedy = "Check DEEPSEEK_API_KEY (keys are made at https://platform.deepseek.com/api_keys)."


class InsufficientBalanceError(DeepSeekStatusError):
    title = "Insufficient Balance"
    cause = "The account has run out of balance."
    remedy = "Top up at https://platform.deepseek.com/top_up, then check with get_balance()."


class PermissionDeniedError(DeepSeekStatusError, openai.PermissionDeniedError):
    title = "Permission Denied"


class NotFoundError(DeepSeekStatusError, openai.NotFoundError):
    title = "Not Found"
    cause = "DeepSeek has no such endpoint at this base URL."
    remedy = (
        "Check base_url (https://api.deepseek.com, or https://api.deepseek.com/beta for FIM and prefix "
        "completion)."
    )


class ConflictError(DeepSeekStatusError, openai.ConflictError):
    title = "Conflict"
    remedy = "Retry after a brief wait; openai retries 409 automatically."
    retryable_status = True


class InvalidParametersError(DeepSeekStatusError, openai.UnprocessableEntityError):
    title = "Invalid Parameters"
    cause = "A parameter value is out of range or of the wrong kind."
    remedy = "Change the parameter the server's message names."


class RateLimitError(DeepSeekStatusError, openai.RateLimitError):
    title = "Rate Limit Reached"
    cause = (
        "Too many concurrent requests for the account (or for one user_id); a low balance lowers the limit."
    )
    remedy = "Send fewer requests at once and back off; openai retries 429 automatically (max_retries)."
    retryable_status = True


class ServerError(DeepSeekStatusError, openai.InternalServerError):
    title = "Server Error"
    cause = "The server had an internal fault."
    remedy = "Retry after a brief wait; openai retries this automatically (max_retries)."
    retryable_status = True


class ServerOverloadedError(ServerError):
    title = "Server Overloaded"
    cause = "The server is overloaded by high traffic."
    remedy = "Retry after a brief wait; openai retries this automatically (max_retries)."


_BY_STATUS: dict[int, type[DeepSeekStatusError]] = {
    400: InvalidFormatError,
    401: AuthenticationError,
    402: InsufficientBalanceError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: InvalidParametersError,
    429: RateLimitError,
    500: ServerError,
    503: ServerOverloadedError,
}

# Known 400 messages (as the live API words them), most specific first.
_KNOWN_400: tuple[tuple[re.Pattern[str], type[InvalidFormatError]], ...] = (
    (re.compile(r"reasoning_content.*must be passed back", re.I), ReasoningContentRequiredError),
    (re.compile(r"does not support this tool_choice", re.I), ThinkingToolChoiceError),
    (re.compile(r"only available when using beta", re.I), BetaRequiredError),
    (re.compile(r"supported API model names|model not exist", re.I), ModelNotFoundError),
    (re.compile(r"maximum context length", re.I), ContextLengthExceededError),
    (re.compile(r"response_format type is unavailable", re.I), ResponseFormatUnavailableError),
)


def error_class_for(status: int, server_message: str | None) -> type[DeepSeekStatusError]:
    """The DeepSeek class for a status code and the server's message (a pure function)."""
    if status == 400 and server_message:
        for pattern, klass in _KNOWN_400:
            if pattern.search(server_message):
                return klass
    cls = _BY_STATUS.get(status)
    if cls is not None:
        return cls
    return ServerError if status >= 500 else DeepSeekStatusError


def make_status_error(
    *, body: object, response: httpx2.Response, secret: str | None, remedy: str | None = None
) -> DeepSeekStatusError:
    """Translate an error response into its DeepSeek exception (used by the client's openai seam)."""
    inner = body.get("error") if isinstance(body, Mapping) else None
    # {"error": {...}} or {"error": "text"}; any other shape (a list, {"detail": ...}) is kept whole.
    data = inner if isinstance(inner, Mapping | str) else body
    cls = error_class_for(response.status_code, _server_message(data, response))
    return cls.build(response=response, body=data, secret=secret, remedy=remedy)


def same_words(a: str, b: str) -> bool:
    """Whether two texts say the same words, ignoring case, punctuation and a parenthesised detail."""

    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9]+", re.sub(r"\(.*?\)", "", text.lower()))

    return words(a) == words(b)


def _server_message(body: object, response: httpx2.Response) -> str | None:
    if isinstance(body, Mapping):
        msg = body.get("message")
        if isinstance(msg, str) and msg.strip():
            return msg.strip()
        return None
    if isinstance(body, str) and body.strip():
        text = body.strip()
        return text if len(text) <= 500 else text[:500] + "..."
    return None
