"""``DeepSeek`` / ``AsyncDeepSeek``: openai's clients, pointed at DeepSeek and made to follow its rules.

Built like openai's own ``lib/azure.py``: subclasses that override a few seams and keep the rest.

- ``__init__`` resolves the key and URLs from :class:`DeepSeekSettings` and neutralises everything
  openai would read from OpenAI's environment (``OPENAI_API_KEY``, ``OPENAI_BASE_URL``,
  ``OPENAI_ORG_ID``, ``OPENAI_PROJECT_ID``, ``OPENAI_CUSTOM_HEADERS``, ...).
- ``request`` runs the request pipeline once per call (every resource method, ``parse``, the
  ``.stream()`` helper and raw responses go through it), swaps in the stream classes that
  translate mid-stream failures, and translates transport errors.
- ``_make_status_error`` turns error responses into DeepSeek's typed exceptions.
- ``copy`` / ``with_options`` keep the DeepSeek state, so per-call policy is
  ``client.with_options(thinking=False)``.
"""

from __future__ import annotations

import ipaddress
import json
import sys
import warnings
from collections.abc import Awaitable, Callable, Mapping
from functools import cached_property
from typing import Any, Literal, Self, TypeVar, cast, overload
from urllib.parse import urlsplit

import httpx2
import openai
from httpx2 import Timeout
from openai import AsyncStream, Stream
from openai._compat import model_copy
from openai._legacy_response import LegacyAPIResponse
from openai._models import FinalRequestOptions
from openai._response import BaseAPIResponse
from openai._types import NOT_GIVEN, NotGiven, Omit
from openai._types import ResponseT as _ResponseT
from typing_extensions import override

from ._errors import (
    ConfigurationError,
    DeepSeekConnectionError,
    DeepSeekError,
    DeepSeekStatusError,
    DeepSeekTimeoutError,
    MalformedResponseError,
    make_status_error,
    mask_key,
)
from ._guards import guard_namespaces
from ._pipeline import Policy, endpoint_for, prepare_request
from ._settings import (
    DeepSeekSettings,
    Effort,
    GuardMode,
    HistoryPolicy,
    RetiredModelPolicy,
    derive_beta_url,
    settings_from_env,
)
from ._streaming import AsyncDeepSeekStream, DeepSeekStream, deepseek_stream_cls
from ._version import __version__

__all__ = ["AsyncDeepSeek", "DeepSeek", "check_base_url", "get_async_client", "get_client"]

_StreamT = TypeVar("_StreamT", bound=Stream[Any])
_AsyncStreamT = TypeVar("_AsyncStreamT", bound=AsyncStream[Any])

# DeepSeek's documented never-retry statuses: retrying cannot change the answer.
_NEVER_RETRY = frozenset({400, 401, 402, 422})
_PACKAGE_DIRS = (openai.__file__.rsplit("/", 1)[0], __file__.rsplit("/", 1)[0])


# --------------------------------------------------------------------------------------------
# Pure helpers shared by both clients


def check_base_url(url: str, *, allow_insecure: bool) -> None:
    """Refuse plain ``http://`` to a non-loopback host: the bearer key would cross the network in clear."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(
            f"base_url {url!r} is not an http(s) URL. Fix: use https://api.deepseek.com (or "
            "http://127.0.0.1:PORT for a local emulator)."
        )
    if parts.scheme == "https" or allow_insecure or _is_loopback(parts.hostname):
        return
    raise ConfigurationError(
        f"base_url {url!r} uses plain http:// to a host that is not loopback, so the API key would be "
        "sent in clear text. Fix: use https://, or pass allow_insecure_http=True (env "
        "DEEPSEEK_ALLOW_INSECURE_HTTP=1) if the network path is trusted."
    )


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _resolve_key(
    api_key: str | Callable[[], Any] | None, settings: DeepSeekSettings
) -> str | Callable[[], Any]:
    key: str | Callable[[], Any] | None = api_key
    if key is None and settings.api_key is not None:
        key = settings.api_key.get_secret_value()
    if callable(key):
        return key
    if not key or not key.strip():
        raise ConfigurationError(
            "No DeepSeek API key. Fix: set the DEEPSEEK_API_KEY environment variable or pass "
            "get_client(api_key=...). OPENAI_API_KEY is deliberately not used: it holds an OpenAI key. "
            "For tests without a key, use deepseek_openai.testing.DeepSeekEmulator."
        )
    stripped = key.strip()
    if any(ch.isspace() for ch in stripped) or not stripped.isascii():
        raise ConfigurationError(
            "The DeepSeek API key contains spaces or non-ASCII characters, so it cannot be sent in a "
            "header. Fix: copy the key again (check DEEPSEEK_API_KEY for stray quotes or line breaks)."
        )
    return stripped


def _resolve_urls(
    base_url: str | httpx2.URL | None,
    settings: DeepSeekSettings,
    beta: bool,
    inherited: tuple[str, str] | None,
) -> tuple[str, bool, tuple[str, str]]:
    """The URL to use, the beta flag, and the (standard, beta) pair the twins use."""
    if inherited is not None and base_url is not None:
        return str(base_url), beta, inherited
    if base_url is None:
        standard, beta_url = settings.base_url, settings.resolved_beta_base_url
    else:
        given = str(base_url).rstrip("/")
        if given.endswith("/beta"):
            standard, beta_url, beta = given[: -len("/beta")], given, True
        else:
            standard, beta_url = given, derive_beta_url(given)
    for url in (standard, beta_url):
        check_base_url(url, allow_insecure=settings.allow_insecure_http)
    return (beta_url if beta else standard), beta, (standard, beta_url)


def _refuse_openai_only(**values: object) -> None:
    for name, value in values.items():
        if value is not None:
            raise ConfigurationError(
                f"{name} is an OpenAI account option; DeepSeek has no organizations, projects, admin keys "
                f"or workload identities. Fix: remove {name}=..."
            )


def _policy_updates(
    thinking: bool | NotGiven | None,
    effort: Effort | NotGiven | None,
    guard_mode: GuardMode | None,
    history_policy: HistoryPolicy | None,
    retired_model_policy: RetiredModelPolicy | None,
    allow_tools: bool | None,
) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if not isinstance(thinking, NotGiven):
        changes["thinking"] = thinking
    if not isinstance(effort, NotGiven):
        changes["reasoning_effort"] = effort
    for name, value in (
        ("guard_mode", guard_mode),
        ("history_policy", history_policy),
        ("retired_model_policy", retired_model_policy),
        ("allow_tools", allow_tools),
    ):
        if value is not None:
            changes[name] = value
    return changes


def _run_pipeline(options: FinalRequestOptions, policy: Policy) -> FinalRequestOptions:
    """Apply the request pipeline to a chat or FIM POST; other requests pass untouched."""
    json_data = options.json_data
    if (
        type(json_data) is not dict and not isinstance(json_data, Mapping)
    ) or options.method.lower() != "post":
        return options
    endpoint = endpoint_for(options.url)
    if endpoint is None:
        return options
    body: Mapping[str, Any] = json_data
    if options.extra_json:
        # extra_body is shallow-merged over the body and `omit` deletes a key, as openai does.
        merged = {**json_data, **options.extra_json}
        body = {k: v for k, v in merged.items() if not isinstance(v, Omit)}
    # prepare_request copies the body (it never mutates its input), so no copy is made here.
    prepared = prepare_request(endpoint, body, policy)
    if prepared.notices:  # the stack walk only when there is something to warn about
        level = _caller_stacklevel()
        for notice in prepared.notices:
            warnings.warn(notice.message, notice.category, stacklevel=level)
    if body is json_data and _unchanged(json_data, prepared.body):
        return options  # nothing changed (the common case): no copy of the options
    new = model_copy(options)
    new.json_data = prepared.body
    new.extra_json = None
    return new


def _unchanged(before: Mapping[str, Any], after: dict[str, Any]) -> bool:
    """Same keys with the very same value objects (identity, so 1 is never swapped for True)."""
    missing = object()
    return len(before) == len(after) and all(before.get(k, missing) is v for k, v in after.items())


def _caller_stacklevel() -> int:
    """The stacklevel that points a warning at the user's line, not at openai or this package."""
    frame = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIRS):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


def _translate_transport(exc: openai.APIConnectionError) -> DeepSeekConnectionError:
    if isinstance(exc, openai.APITimeoutError):
        return DeepSeekTimeoutError(exc.request)
    return DeepSeekConnectionError(request=exc.request)


def _malformed(response: httpx2.Response, exc: Exception) -> MalformedResponseError:
    try:
        text: object = response.text[:500]
    except Exception:  # the body may be unreadable too
        text = None
    return MalformedResponseError(response, text, detail=f"{type(exc).__name__}: {exc}")


_PARSE_ERRORS = (json.JSONDecodeError, UnicodeDecodeError)


def _checked(result: Any, cast_to: Any, response: httpx2.Response) -> Any:
    """Make raw responses translate parse failures, and refuse text where a model was expected."""
    if isinstance(result, LegacyAPIResponse | BaseAPIResponse):
        original = result._parse

        def _parse(*, to: Any = None) -> Any:
            try:
                value = original(to=to)
            except _PARSE_ERRORS as exc:
                raise _malformed(response, exc) from exc
            if isinstance(value, str) and _expects_model(to or result._cast_to):
                raise _malformed(response, ValueError("the body is not JSON"))
            return value

        result.__dict__["_parse"] = _parse
        return result
    if isinstance(result, str) and _expects_model(cast_to):
        raise _malformed(response, ValueError("the body is not JSON"))
    return result


def _expects_model(cast_to: Any) -> bool:
    return isinstance(cast_to, type) and issubclass(cast_to, openai.BaseModel)


class _DeepSeekState:
    """What a DeepSeek client knows beyond openai's options (shared by the sync and async client)."""

    __slots__ = ("beta", "policy", "settings", "urls")

    def __init__(self, settings: DeepSeekSettings, beta: bool, urls: tuple[str, str]) -> None:
        self.settings = settings
        self.beta = beta
        self.urls = urls
        self.policy = Policy.from_settings(settings, beta=beta)


def _prepare_init(
    *,
    api_key: str | Callable[[], Any] | None,
    base_url: str | httpx2.URL | None,
    settings: DeepSeekSettings | None,
    beta: bool,
    timeout: float | Timeout | NotGiven | None,
    max_retries: int | NotGiven,
    inherited_urls: tuple[str, str] | None,
    strict_validation: bool,
) -> tuple[_DeepSeekState, dict[str, Any]]:
    if strict_validation:
        raise ConfigurationError(
            "_strict_response_validation=True breaks on DeepSeek responses (finish_reason "
            "'insufficient_system_resource', /models without 'created'). Fix: leave it off."
        )
    settings = settings if settings is not None else settings_from_env()
    key = _resolve_key(api_key, settings)
    url, beta, urls = _resolve_urls(base_url, settings, beta, inherited_urls)
    if isinstance(timeout, NotGiven) and settings.timeout is not None:
        timeout = settings.timeout
    if isinstance(max_retries, NotGiven):
        max_retries = settings.max_retries
    state = _DeepSeekState(settings, beta, urls)
    return state, {"api_key": key, "base_url": url, "timeout": timeout, "max_retries": max_retries}


# --------------------------------------------------------------------------------------------
# Clients


def _forget_openai_env(
    client: openai.OpenAI | openai.AsyncOpenAI,
    default_headers: Mapping[str, str] | None,
    webhook_secret: str | None,
) -> None:
    """openai read these from OpenAI's environment (OPENAI_*); none of it may reach DeepSeek."""
    client.organization = None
    client.project = None
    client.admin_api_key = None
    client.webhook_secret = webhook_secret
    client._custom_headers = dict(default_headers or {})
    client._ambient_authorizations = frozenset()


class _DeepSeekMembers:
    """The members the sync and async client share (none of them does I/O)."""

    _deepseek: _DeepSeekState
    _version: str
    api_key: str

    @property
    def settings(self) -> DeepSeekSettings:
        """The settings this client was built from (policies included)."""
        return self._deepseek.settings

    @property
    def is_beta(self) -> bool:
        """Whether this client talks to the beta base URL."""
        return self._deepseek.beta

    @property
    def user_agent(self) -> str:
        return f"deepseek-openai/{__version__} (openai-python/{self._version})"

    def __repr__(self) -> str:
        key = self.api_key if isinstance(self.api_key, str) else ""
        return (
            f"{type(self).__name__}(base_url={str(getattr(self, 'base_url', ''))!r}, beta={self.is_beta}, "
            f"api_key={mask_key(key)!r})"
        )

    def _make_status_error(
        self, err_msg: str, *, body: object, response: httpx2.Response
    ) -> DeepSeekStatusError:
        return make_status_error(body=body, response=response, secret=self.api_key)


@guard_namespaces
class DeepSeek(_DeepSeekMembers, openai.OpenAI):
    """An :class:`openai.OpenAI` for DeepSeek. Build it with :func:`get_client`."""

    def __init__(
        self,
        *,
        api_key: str | Callable[[], str] | None = None,
        base_url: str | httpx2.URL | None = None,
        settings: DeepSeekSettings | None = None,
        beta: bool = False,
        timeout: float | Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        http_client: httpx2.Client | None = None,
        websocket_base_url: str | httpx2.URL | None = None,
        webhook_secret: str | None = None,
        organization: str | None = None,
        project: str | None = None,
        admin_api_key: str | None = None,
        workload_identity: object | None = None,
        _strict_response_validation: bool = False,
        _enforce_credentials: bool = True,
        _deepseek_urls: tuple[str, str] | None = None,
    ) -> None:
        _refuse_openai_only(
            organization=organization,
            project=project,
            admin_api_key=admin_api_key,
            workload_identity=workload_identity,
        )
        state, resolved = _prepare_init(
            api_key=api_key,
            base_url=base_url,
            settings=settings,
            beta=beta,
            timeout=timeout,
            max_retries=max_retries,
            inherited_urls=_deepseek_urls,
            strict_validation=_strict_response_validation,
        )
        self._deepseek = state
        super().__init__(
            **resolved,
            websocket_base_url=websocket_base_url,
            webhook_secret=webhook_secret,
            default_headers=default_headers,
            default_query=default_query,
            http_client=http_client,
            _enforce_credentials=_enforce_credentials,
        )
        _forget_openai_env(self, default_headers, webhook_secret)
        self._default_stream_cls = DeepSeekStream

    # -- DeepSeek state ------------------------------------------------------------------------

    @cached_property
    def beta_client(self) -> Self:
        """The beta twin (prefix completion, FIM, strict tools), sharing this client's connection pool."""
        return self if self.is_beta else self.copy(beta=True)

    @cached_property
    def standard_client(self) -> Self:
        """The standard twin of a beta client, sharing the connection pool."""
        return self.copy(beta=False) if self.is_beta else self

    # -- openai seams --------------------------------------------------------------------------

    @overload
    def request(
        self,
        cast_to: type[_ResponseT],
        options: FinalRequestOptions,
        *,
        stream: Literal[True],
        stream_cls: type[_StreamT],
    ) -> _StreamT: ...

    @overload
    def request(
        self,
        cast_to: type[_ResponseT],
        options: FinalRequestOptions,
        *,
        stream: Literal[False] = False,
    ) -> _ResponseT: ...

    @overload
    def request(
        self,
        cast_to: type[_ResponseT],
        options: FinalRequestOptions,
        *,
        stream: bool = False,
        stream_cls: type[_StreamT] | None = None,
    ) -> _ResponseT | _StreamT: ...

    @override
    def request(
        self,
        cast_to: type[_ResponseT],
        options: FinalRequestOptions,
        *,
        stream: bool = False,
        stream_cls: type[_StreamT] | None = None,
    ) -> _ResponseT | _StreamT:
        options = _run_pipeline(options, self._deepseek.policy)
        if stream_cls is not None:
            stream_cls = deepseek_stream_cls(cast(Any, stream_cls))
        try:
            return super().request(cast_to, options, stream=stream, stream_cls=stream_cls)
        except DeepSeekError:
            raise
        except openai.APIConnectionError as exc:
            raise _translate_transport(exc) from exc

    @override
    def _process_response(
        self,
        *,
        cast_to: type[_ResponseT],
        options: FinalRequestOptions,
        response: httpx2.Response,
        stream: bool,
        stream_cls: type[Stream[Any]] | type[AsyncStream[Any]] | None,
        retries_taken: int = 0,
    ) -> _ResponseT:
        try:
            result = super()._process_response(
                cast_to=cast_to,
                options=options,
                response=response,
                stream=stream,
                stream_cls=stream_cls,
                retries_taken=retries_taken,
            )
        except _PARSE_ERRORS as exc:
            raise _malformed(response, exc) from exc
        checked: _ResponseT = _checked(result, cast_to, response)
        return checked

    @override
    def _should_retry(self, response: httpx2.Response) -> bool:
        if response.status_code in _NEVER_RETRY:
            return False
        return super()._should_retry(response)

    @override
    def copy(  # type: ignore[override]
        self,
        *,
        api_key: str | Callable[[], str] | None = None,
        base_url: str | httpx2.URL | NotGiven | None = NOT_GIVEN,
        timeout: float | Timeout | NotGiven | None = NOT_GIVEN,
        http_client: httpx2.Client | None = None,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | None = None,
        set_default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        set_default_query: Mapping[str, object] | None = None,
        websocket_base_url: str | httpx2.URL | None = None,
        settings: DeepSeekSettings | None = None,
        beta: bool | None = None,
        thinking: bool | NotGiven | None = NOT_GIVEN,
        effort: Effort | NotGiven | None = NOT_GIVEN,
        guard_mode: GuardMode | None = None,
        history_policy: HistoryPolicy | None = None,
        retired_model_policy: RetiredModelPolicy | None = None,
        allow_tools: bool | None = None,
        _extra_kwargs: Mapping[str, Any] = {},
    ) -> Self:
        """A new client with the given options changed; DeepSeek state and policies are kept.

        ``client.with_options(thinking=False, effort="max")`` is the per-call way to set thinking.
        """
        extra, base_url = _copy_state(
            self._deepseek,
            base_url,
            settings,
            beta,
            _policy_updates(thinking, effort, guard_mode, history_policy, retired_model_policy, allow_tools),
        )
        return super().copy(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            http_client=http_client,
            max_retries=max_retries,
            default_headers=default_headers,
            set_default_headers=set_default_headers,
            default_query=default_query,
            set_default_query=set_default_query,
            websocket_base_url=websocket_base_url,
            _extra_kwargs={**extra, **_extra_kwargs},
        )

    with_options = copy  # type: ignore[assignment]


@guard_namespaces
class AsyncDeepSeek(_DeepSeekMembers, openai.AsyncOpenAI):
    """An :class:`openai.AsyncOpenAI` for DeepSeek. Build it with :func:`get_async_client`."""

    def __init__(
        self,
        *,
        api_key: str | Callable[[], Any] | None = None,
        base_url: str | httpx2.URL | None = None,
        settings: DeepSeekSettings | None = None,
        beta: bool = False,
        timeout: float | Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        http_client: httpx2.AsyncClient | None = None,
        websocket_base_url: str | httpx2.URL | None = None,
        webhook_secret: str | None = None,
        organization: str | None = None,
        project: str | None = None,
        admin_api_key: str | None = None,
        workload_identity: object | None = None,
        _strict_response_validation: bool = False,
        _enforce_credentials: bool = True,
        _deepseek_urls: tuple[str, str] | None = None,
    ) -> None:
        _refuse_openai_only(
            organization=organization,
            project=project,
            admin_api_key=admin_api_key,
            workload_identity=workload_identity,
        )
        state, resolved = _prepare_init(
            api_key=api_key,
            base_url=base_url,
            settings=settings,
            beta=beta,
            timeout=timeout,
            max_retries=max_retries,
            inherited_urls=_deepseek_urls,
            strict_validation=_strict_response_validation,
        )
        self._deepseek = state
        super().__init__(
            **resolved,
            websocket_base_url=websocket_base_url,
            webhook_secret=webhook_secret,
            default_headers=default_headers,
            default_query=default_query,
            http_client=http_client,
            _enforce_credentials=_enforce_credentials,
        )
        _forget_openai_env(self, default_headers, webhook_secret)
        self._default_stream_cls = AsyncDeepSeekStream

    @cached_property
    def beta_client(self) -> Self:
        """The beta twin (prefix completion, FIM, strict tools), sharing this client's connection pool."""
        return self if self.is_beta else self.copy(beta=True)

    @cached_property
    def standard_client(self) -> Self:
        """The standard twin of a beta client, sharing the connection pool."""
        return self.copy(beta=False) if self.is_beta else self

    @overload
    async def request(
        self,
        cast_to: type[_ResponseT],
        options: FinalRequestOptions,
        *,
        stream: Literal[False] = False,
    ) -> _ResponseT: ...

    @overload
    async def request(
        self,
        cast_to: type[_ResponseT],
        options: FinalRequestOptions,
        *,
        stream: Literal[True],
        stream_cls: type[_AsyncStreamT],
    ) -> _AsyncStreamT: ...

    @overload
    async def request(
        self,
        cast_to: type[_ResponseT],
        options: FinalRequestOptions,
        *,
        stream: bool,
        stream_cls: type[_AsyncStreamT] | None = None,
    ) -> _ResponseT | _AsyncStreamT: ...

    @override
    async def request(
        self,
        cast_to: type[_ResponseT],
        options: FinalRequestOptions,
        *,
        stream: bool = False,
        stream_cls: type[_AsyncStreamT] | None = None,
    ) -> _ResponseT | _AsyncStreamT:
        options = _run_pipeline(options, self._deepseek.policy)
        if stream_cls is not None:
            stream_cls = deepseek_stream_cls(cast(Any, stream_cls))
        try:
            return await super().request(cast_to, options, stream=stream, stream_cls=stream_cls)
        except DeepSeekError:
            raise
        except openai.APIConnectionError as exc:
            raise _translate_transport(exc) from exc

    @override
    async def _process_response(
        self,
        *,
        cast_to: type[_ResponseT],
        options: FinalRequestOptions,
        response: httpx2.Response,
        stream: bool,
        stream_cls: type[Stream[Any]] | type[AsyncStream[Any]] | None,
        retries_taken: int = 0,
    ) -> _ResponseT:
        try:
            result = await super()._process_response(
                cast_to=cast_to,
                options=options,
                response=response,
                stream=stream,
                stream_cls=stream_cls,
                retries_taken=retries_taken,
            )
        except _PARSE_ERRORS as exc:
            raise _malformed(response, exc) from exc
        checked: _ResponseT = _checked(result, cast_to, response)
        return checked

    @override
    def _should_retry(self, response: httpx2.Response) -> bool:
        if response.status_code in _NEVER_RETRY:
            return False
        return super()._should_retry(response)

    @override
    def copy(  # type: ignore[override]
        self,
        *,
        api_key: str | Callable[[], Awaitable[str]] | None = None,
        base_url: str | httpx2.URL | NotGiven | None = NOT_GIVEN,
        timeout: float | Timeout | NotGiven | None = NOT_GIVEN,
        http_client: httpx2.AsyncClient | None = None,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | None = None,
        set_default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        set_default_query: Mapping[str, object] | None = None,
        websocket_base_url: str | httpx2.URL | None = None,
        settings: DeepSeekSettings | None = None,
        beta: bool | None = None,
        thinking: bool | NotGiven | None = NOT_GIVEN,
        effort: Effort | NotGiven | None = NOT_GIVEN,
        guard_mode: GuardMode | None = None,
        history_policy: HistoryPolicy | None = None,
        retired_model_policy: RetiredModelPolicy | None = None,
        allow_tools: bool | None = None,
        _extra_kwargs: Mapping[str, Any] = {},
    ) -> Self:
        """A new client with the given options changed; DeepSeek state and policies are kept."""
        extra, base_url = _copy_state(
            self._deepseek,
            base_url,
            settings,
            beta,
            _policy_updates(thinking, effort, guard_mode, history_policy, retired_model_policy, allow_tools),
        )
        return super().copy(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            http_client=http_client,
            max_retries=max_retries,
            default_headers=default_headers,
            set_default_headers=set_default_headers,
            default_query=default_query,
            set_default_query=set_default_query,
            websocket_base_url=websocket_base_url,
            _extra_kwargs={**extra, **_extra_kwargs},
        )

    with_options = copy  # type: ignore[assignment]


def _copy_state(
    state: _DeepSeekState,
    base_url: str | httpx2.URL | NotGiven | None,
    settings: DeepSeekSettings | None,
    beta: bool | None,
    changes: dict[str, Any],
) -> tuple[dict[str, Any], str | httpx2.URL | NotGiven | None]:
    """The extra constructor kwargs that carry DeepSeek state into a copy, and the base URL to use."""
    new_settings = settings if settings is not None else state.settings
    if changes:
        new_settings = new_settings.updated(**changes)
    new_beta = state.beta if beta is None else beta
    extra: dict[str, Any] = {"settings": new_settings, "beta": new_beta}
    if isinstance(base_url, NotGiven) or base_url is None:
        extra["_deepseek_urls"] = state.urls
        if new_beta != state.beta:
            base_url = state.urls[1] if new_beta else state.urls[0]
    return extra, base_url


# --------------------------------------------------------------------------------------------
# Factories


def _settings_for(settings: DeepSeekSettings | None, overrides: dict[str, Any]) -> DeepSeekSettings:
    if settings is None:
        return settings_from_env(**overrides)
    return settings.updated(**overrides) if overrides else settings


def _overrides(
    thinking: bool | NotGiven | None,
    effort: Effort | NotGiven | None,
    guard_mode: GuardMode | None,
    history_policy: HistoryPolicy | None,
    retired_model_policy: RetiredModelPolicy | None,
    allow_tools: bool | None,
    allow_insecure_http: bool | None,
    model: str | None,
) -> dict[str, Any]:
    changes = _policy_updates(thinking, effort, guard_mode, history_policy, retired_model_policy, allow_tools)
    if allow_insecure_http is not None:
        changes["allow_insecure_http"] = allow_insecure_http
    if model is not None:
        changes["model"] = model
    return changes


def get_client(
    api_key: str | Callable[[], str] | None = None,
    *,
    beta: bool = False,
    settings: DeepSeekSettings | None = None,
    thinking: bool | NotGiven | None = NOT_GIVEN,
    effort: Effort | NotGiven | None = NOT_GIVEN,
    guard_mode: GuardMode | None = None,
    history_policy: HistoryPolicy | None = None,
    retired_model_policy: RetiredModelPolicy | None = None,
    allow_tools: bool | None = None,
    allow_insecure_http: bool | None = None,
    model: str | None = None,
    **openai_kwargs: Any,
) -> DeepSeek:
    """The one-line swap for ``OpenAI(...)``: a :class:`DeepSeek` client from arguments and ``DEEPSEEK_*``.

    Any other :class:`openai.OpenAI` keyword (``base_url``, ``timeout``, ``max_retries``,
    ``http_client``, ``default_headers``, ...) passes through.
    """
    overrides = _overrides(
        thinking,
        effort,
        guard_mode,
        history_policy,
        retired_model_policy,
        allow_tools,
        allow_insecure_http,
        model,
    )
    return DeepSeek(api_key=api_key, beta=beta, settings=_settings_for(settings, overrides), **openai_kwargs)


def get_async_client(
    api_key: str | Callable[[], Any] | None = None,
    *,
    beta: bool = False,
    settings: DeepSeekSettings | None = None,
    thinking: bool | NotGiven | None = NOT_GIVEN,
    effort: Effort | NotGiven | None = NOT_GIVEN,
    guard_mode: GuardMode | None = None,
    history_policy: HistoryPolicy | None = None,
    retired_model_policy: RetiredModelPolicy | None = None,
    allow_tools: bool | None = None,
    allow_insecure_http: bool | None = None,
    model: str | None = None,
    **openai_kwargs: Any,
) -> AsyncDeepSeek:
    """The async twin of :func:`get_client`: an :class:`AsyncDeepSeek` (an ``openai.AsyncOpenAI``)."""
    overrides = _overrides(
        thinking,
        effort,
        guard_mode,
        history_policy,
        retired_model_policy,
        allow_tools,
        allow_insecure_http,
        model,
    )
    return AsyncDeepSeek(
        api_key=api_key, beta=beta, settings=_settings_for(settings, overrides), **openai_kwargs
    )


def require_sync(client: object, func: str, why: str) -> DeepSeek:
    """The client a sync helper needs, or a TypeError naming the helper for the client given."""
    if isinstance(client, DeepSeek):
        return client
    if isinstance(client, AsyncDeepSeek):
        raise TypeError(f"{func}() got an AsyncDeepSeek client. Fix: use a{func}() with async clients.")
    raise TypeError(
        f"{func}() needs a DeepSeek client, got {type(client).__name__}. Why: {why}. "
        "Fix: build the client with deepseek_openai.get_client()."
    )


def require_async(client: object, func: str, why: str) -> AsyncDeepSeek:
    """The async twin of :func:`require_sync` (``func`` is the async helper's name, ``a...``)."""
    if isinstance(client, AsyncDeepSeek):
        return client
    if isinstance(client, DeepSeek):
        raise TypeError(f"{func}() got a sync DeepSeek client. Fix: use {func[1:]}() with sync clients.")
    raise TypeError(
        f"{func}() needs an AsyncDeepSeek client, got {type(client).__name__}. Why: {why}. "
        "Fix: build it with deepseek_openai.get_async_client()."
    )
