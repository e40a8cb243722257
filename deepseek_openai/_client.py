"""``DeepSeek`` / ``AsyncDeepSeek``: openai's clients, pointed at DeepSeek and made to follow its rules.

Built like openai's own ``lib/azure.py``: one generic base (:class:`_DeepSeekClient`) holds every
override that does not care about sync vs async, and the two public classes are only that base
joined to openai's client through the seams of :mod:`._openai_compat`.

- ``__init__`` resolves the key and URLs from :class:`DeepSeekSettings` (plus the same policy
  keywords as :func:`get_client`) and neutralises everything openai would read from OpenAI's
  environment (``OPENAI_API_KEY``, ``OPENAI_BASE_URL``, ``OPENAI_ORG_ID``, ...).
- The request seam (``_ds_prepare``) runs once per call, whatever made it: it finds the request's
  row in the endpoint table (refusing what DeepSeek does not serve, routing standard-only
  endpoints away from the beta URL), runs the rule table over a JSON body (and sends it where the
  pipeline routed it: strict tools to the beta URL), gives each notice once per client, installs
  the response hook a translated call needs (json_schema answers, ``deepseek_adjustments``), and
  swaps in the stream classes that translate mid-stream failures.
- Every chat completion and stream the client receives fills its bounded reasoning memory, which
  puts the real ``reasoning_content`` back into turns a framework dropped it from.
- Error responses, transport errors and unreadable bodies become DeepSeek's typed exceptions.
- ``copy`` / ``with_options`` keep the DeepSeek state, so per-call policy is
  ``client.with_options(thinking=False)``.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any, Generic, Self, TypedDict, TypeVar, Unpack, cast
from urllib.parse import urlsplit

import httpx2
import openai
from httpx2 import Timeout
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from typing_extensions import override

from . import _log
from ._catalogue import CHAT_API_PAGE, Effort
from ._endpoints import (
    Located,
    beta_only_error,
    foreign_url_error,
    guard_namespaces,
    locate,
    unserved_advice,
    unserved_error,
)
from ._errors import (
    TRACE_HEADER,
    ConfigurationError,
    DeepSeekConnectionError,
    DeepSeekError,
    DeepSeekRequestError,
    DeepSeekTimeoutError,
    MalformedResponseError,
    UnsupportedFeatureError,
    make_status_error,
)
from ._images import read_upload
from ._log import logger
from ._memory import Shared
from ._openai_compat import (
    NOT_GIVEN,
    AsyncDeepSeekStream,
    AsyncSeams,
    ClientSeams,
    DeepSeekStream,
    FinalRequestOptions,
    NotGiven,
    SyncSeams,
    add_post_parser,
    forget_openai_env,
    merged_body,
    replace_body,
    request_files,
    set_default_stream_cls,
)
from ._pipeline import Plan, plan, prepare_request
from ._redact import header_secret, mask, mask_url, redact
from ._rules import BodyKind, Notice, Policy, Prepared
from ._settings import (
    DeepSeekSettings,
    GuardMode,
    HistoryPolicy,
    RetiredModelPolicy,
    check_max_retries,
    check_timeout,
    derive_beta_url,
    settings_from_env,
)
from ._shapes import is_chunk, unsendable
from ._shapes import problem as shape_problem
from ._streaming import deepseek_stream_cls
from ._structured import ResponseHook
from ._version import __version__
from ._warnings import warn

_HttpxT = TypeVar("_HttpxT", httpx2.Client, httpx2.AsyncClient)

# DeepSeek's documented never-retry statuses: retrying cannot change the answer.
_NEVER_RETRY = frozenset({400, 401, 402, 422})


class PolicyOptions(TypedDict, total=False):
    """The DeepSeek policy keywords every constructor, factory and ``with_options`` accepts."""

    thinking: bool | None
    """Default thinking mode for requests that do not set it (``None``: the server default, on)."""
    effort: Effort | None
    """Default reasoning effort: none, low, high (the server default) or max."""
    guard_mode: GuardMode
    history_policy: HistoryPolicy
    retired_model_policy: RetiredModelPolicy
    allow_tools: bool
    allow_insecure_http: bool
    model: str
    """Default model for the helpers."""


# --------------------------------------------------------------------------------------------
# Pure helpers


def check_base_url(url: str, *, allow_insecure: bool) -> None:
    """Refuse what cannot carry the key safely: not http(s), credentials in the URL, plain ``http://``
    to a non-loopback host (the bearer key would cross the network in clear). Messages show the URL
    with any credentials masked."""
    shown = mask_url(url)
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # an unparsable port or IPv6 literal
        parts, host = None, None
    if parts is None or parts.scheme not in ("http", "https") or not host:
        raise ConfigurationError(
            f"base_url {shown!r} is not an http(s) URL. Fix: use https://api.deepseek.com (or "
            "http://127.0.0.1:PORT for a local emulator)."
        )
    if "@" in parts.netloc:
        raise ConfigurationError(
            f"base_url {shown!r} has credentials in it (user:password@). httpx sends them as HTTP Basic "
            "auth in place of the DeepSeek API key, so every request would fail with 401, and the URL "
            "would show them wherever it is printed. Fix: remove them from the URL; for a proxy that "
            "needs a login, configure it on the HTTP client (http_client=httpx2.Client(proxy=...))."
        )
    if parts.scheme == "https" or allow_insecure or _is_loopback(host):
        return
    raise ConfigurationError(
        f"base_url {shown!r} uses plain http:// to a host that is not loopback, so the API key would be "
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
    if stripped[0] in _QUOTES or stripped[-1] in _QUOTES:
        raise ConfigurationError(
            "The DeepSeek API key starts or ends with a quote character, so the quotes would be sent as "
            "part of the key and DeepSeek would answer 401. Fix: remove the quotes (a shell export or a "
            ".env line needs none: DEEPSEEK_API_KEY=sk-...)."
        )
    if any(ch.isspace() for ch in stripped) or not stripped.isascii():
        raise ConfigurationError(
            "The DeepSeek API key contains spaces or non-ASCII characters, so it cannot be sent in a "
            "header. Fix: copy the key again (check DEEPSEEK_API_KEY for stray quotes or line breaks)."
        )
    return stripped


_QUOTES = "\"'`\u2018\u2019\u201c\u201d"
"""Quote characters a copied key picks up (straight, back and typographic quotes)."""


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
            # A beta URL set on its own (keyword or environment) names another host: keep it.
            standard, beta_url = given, settings.beta_base_url or derive_beta_url(given)
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


def _setting_changes(policy: Mapping[str, Any]) -> dict[str, Any]:
    """Policy keywords -> :class:`DeepSeekSettings` field changes (``effort`` is ``reasoning_effort``)."""
    return {("reasoning_effort" if k == "effort" else k): v for k, v in policy.items()}


def _settings_for(settings: DeepSeekSettings | None, policy: Mapping[str, Any]) -> DeepSeekSettings:
    changes = _setting_changes(policy)
    if settings is None:
        return settings_from_env(**changes)
    return settings.updated(**changes) if changes else settings


def _unchanged(before: Mapping[str, Any], after: dict[str, Any]) -> bool:
    """Same keys with the very same value objects (identity, so 1 is never swapped for True)."""
    missing = object()
    return len(before) == len(after) and all(before.get(k, missing) is v for k, v in after.items())


def _describe_body(
    log: list[str], given: Mapping[str, Any], sent: Mapping[str, Any], applied: list[tuple[str, Any]]
) -> None:
    """The DEBUG line's account of a body: model, the rule rows that acted, the keys that changed."""
    model = sent.get("model")
    if model is not None:
        log.append(f"model={_log.short(model)}")
    if sent.get("stream"):
        log.append("stream")
    if applied:
        log.append("rules: " + ", ".join(f"{rule} ({action})" for rule, action in applied))
    changes = _log.body_changes(given, sent)
    if changes:
        log.append("sent " + ", ".join(changes))


class _State:
    """What a DeepSeek client knows beyond openai's options."""

    __slots__ = ("beta", "located", "plans", "policy", "settings", "shared", "urls")

    def __init__(
        self, settings: DeepSeekSettings, beta: bool, urls: tuple[str, str], shared: Shared | None
    ) -> None:
        self.settings = settings
        self.shared = shared if shared is not None else Shared()
        """The reasoning memory and the notices given, shared with this client's copies."""
        self.beta = beta
        self.urls = urls
        """(standard, beta) base URLs: the twins share them."""
        self.policy = Policy.from_settings(settings, beta=beta)
        self.plans: dict[BodyKind, Plan] = {}
        """The rule-table rows this client's policy runs, per kind of body (worked out on first use)."""
        self.located: dict[tuple[str, str], Located] = {}
        """Endpoint-table lookups by (method, URL): code calls the same few URLs over and over."""

    def locate(self, method: str, url: str) -> Located:
        hit = self.located.get((method, url))
        if hit is None:
            if len(self.located) >= _LOCATED:
                self.located.clear()
            standard, beta = self.urls
            hit = self.located[(method, url)] = locate(
                method, url, standard=standard, beta=beta, is_beta=self.beta
            )
        return hit

    def plan(self, kind: BodyKind) -> Plan:
        steps = self.plans.get(kind)
        if steps is None:
            steps = self.plans[kind] = plan(kind, self.policy)
        return steps


_LOCATED = 256

_UNSENDABLE_FIXES = {
    "bytes": "decode text first (data.decode()); send an image as a base64 data: URL in an image_url part",
    "number": "pass a finite number (check for NaN and infinity before the call)",
    "key": "use str keys",
    "text": "repair the text (a lone surrogate usually comes from bytes decoded with "
    "errors='surrogateescape'): text.encode('utf-8', 'replace').decode()",
    "type": "convert the value to str, int, float, bool, None, a list or a dict first (a set: a list)",
    "depth": "flatten the structure",
}
"""The fix for an unsendable value, by its kind (see :func:`._shapes.unsendable`)."""


# --------------------------------------------------------------------------------------------
# The client


class _DeepSeekClient(ClientSeams[_HttpxT], Generic[_HttpxT]):
    """Everything the sync and async DeepSeek clients share."""

    _deepseek: _State
    api_key: str

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
        http_client: _HttpxT | None = None,
        websocket_base_url: str | httpx2.URL | None = None,
        webhook_secret: str | None = None,
        organization: str | None = None,
        project: str | None = None,
        admin_api_key: str | None = None,
        workload_identity: object | None = None,
        _strict_response_validation: bool = False,
        _enforce_credentials: bool = True,
        _deepseek_urls: tuple[str, str] | None = None,
        _deepseek_shared: Shared | None = None,
        **policy: Unpack[PolicyOptions],
    ) -> None:
        _refuse_openai_only(
            organization=organization,
            project=project,
            admin_api_key=admin_api_key,
            workload_identity=workload_identity,
        )
        if _strict_response_validation:
            raise ConfigurationError(
                "_strict_response_validation=True breaks on DeepSeek responses (finish_reason "
                "'insufficient_system_resource', /models without 'created'). Fix: leave it off."
            )
        settings = _settings_for(settings, policy)
        _log.configure(settings.log)
        key = _resolve_key(api_key, settings)
        url, beta, urls = _resolve_urls(base_url, settings, beta, _deepseek_urls)
        if isinstance(timeout, NotGiven):
            if settings.timeout is not None:
                timeout = settings.timeout
        else:
            check_timeout(timeout)
        if not isinstance(max_retries, NotGiven):
            check_max_retries(max_retries)
        self._deepseek = _State(settings, beta, urls, _deepseek_shared)
        cast(Any, super()).__init__(
            api_key=key,
            base_url=url,
            timeout=timeout,
            max_retries=settings.max_retries if isinstance(max_retries, NotGiven) else max_retries,
            websocket_base_url=websocket_base_url,
            webhook_secret=webhook_secret,
            default_headers=default_headers,
            default_query=default_query,
            http_client=http_client,
            _enforce_credentials=_enforce_credentials,
        )
        forget_openai_env(cast(Any, self), default_headers, webhook_secret)
        set_default_stream_cls(
            cast(Any, self), AsyncDeepSeekStream if isinstance(self, openai.AsyncOpenAI) else DeepSeekStream
        )

    # -- DeepSeek state -------------------------------------------------------------------------

    @property
    def settings(self) -> DeepSeekSettings:
        """The settings this client was built from (policies included)."""
        return self._deepseek.settings

    @property
    def is_beta(self) -> bool:
        """Whether this client talks to the beta base URL."""
        return self._deepseek.beta

    @cached_property
    def beta_client(self) -> Self:
        """The beta twin (prefix completion, FIM, strict tools), sharing this client's connection pool."""
        return self if self.is_beta else self.copy(beta=True)

    @cached_property
    def standard_client(self) -> Self:
        """The standard twin of a beta client, sharing the connection pool."""
        return self.copy(beta=False) if self.is_beta else self

    @property
    @override
    def user_agent(self) -> str:
        return f"deepseek-openai/{__version__} (openai-python/{openai.__version__})"

    def __repr__(self) -> str:
        key = self.api_key if isinstance(self.api_key, str) else ""
        url = mask_url(getattr(self, "base_url", ""))
        return f"{type(self).__name__}(base_url={url!r}, beta={self.is_beta}, api_key={mask(key)!r})"

    # -- the seams ------------------------------------------------------------------------------

    @override
    def _ds_prepare(
        self, options: FinalRequestOptions, stream_cls: type[Any] | None
    ) -> tuple[FinalRequestOptions, type[Any] | None]:
        if logger.isEnabledFor(logging.INFO):
            return self._prepare_logged(options, stream_cls)
        return self._prepare(options, stream_cls, None)

    def _prepare(
        self, options: FinalRequestOptions, stream_cls: type[Any] | None, log: list[str] | None
    ) -> tuple[FinalRequestOptions, type[Any] | None]:
        """The seam itself; ``log`` (at DEBUG) collects what it did, for one log line."""
        state = self._deepseek
        located = state.locate(options.method, options.url)
        url = self._route(located, options.url)
        body: dict[str, Any] | None = None
        hook: ResponseHook | None = None
        endpoint = located.endpoint
        if endpoint is not None and endpoint.body == "files":
            body = self._prepare_upload(options)
        elif endpoint is not None and endpoint.body is not None:
            given = merged_body(options)
            if given is not None:
                # prepare_request copies the body (it never mutates its input), so no copy is made here.
                prepared = self._prepare_body(endpoint.body, given, options)
                if not (given is options.json_data and _unchanged(given, prepared.body)):
                    body = prepared.body
                if prepared.route == "beta" and not state.beta:
                    query = f"?{located.query}" if located.query else ""
                    url = state.urls[1] + located.path + query
                if prepared.output_tool is not None or prepared.adjustments:
                    hook = ResponseHook(prepared.output_tool, prepared.adjustments)
                if log is not None:
                    _describe_body(log, given, prepared.body, prepared.applied)
        if url is not None and log is not None:
            log.append(f"routed to {_log.safe_url(url)}")
        if body is not None or url is not None:
            options = replace_body(options, body, url)
        if hook is not None:
            options = add_post_parser(options, hook)
        if stream_cls is None:
            return options, None
        # Each endpoint's streams end their own way ([DONE], or a Responses terminal event).
        return options, deepseek_stream_cls(cast(Any, stream_cls), endpoint.body if endpoint else None)

    def _prepare_body(
        self, kind: BodyKind, given: Mapping[str, Any], options: FinalRequestOptions
    ) -> Prepared:
        """The rule table over one body; a refusal names the request not sent; the notices are given."""
        state = self._deepseek
        try:
            prepared = prepare_request(
                kind, given, state.policy, state.plan(kind), state.shared.memory.recall
            )
        except (DeepSeekRequestError, UnsupportedFeatureError) as exc:
            raise exc.for_request(options.method, self._full_url(options.url)) from None
        self._notify(prepared.notices)
        return prepared

    def _prepare_logged(
        self, options: FinalRequestOptions, stream_cls: type[Any] | None
    ) -> tuple[FinalRequestOptions, type[Any] | None]:
        call = _log.begin()
        log: list[str] | None = [] if logger.isEnabledFor(logging.DEBUG) else None
        where = f"{options.method.upper()} {_log.safe_url(options.url)}"
        try:
            result = self._prepare(options, stream_cls, log)
        except DeepSeekError as exc:
            logger.info("#%d %s refused before sending: %s", call.number, where, self._redacted(str(exc)))
            raise
        if log is not None:
            logger.debug("#%d %s%s", call.number, where, (": " + "; ".join(log)) if log else "")
        return result

    def _redacted(self, text: str) -> str:
        return cast(str, redact(text, self.api_key if isinstance(self.api_key, str) else None))

    def _prepare_upload(self, options: FinalRequestOptions) -> dict[str, Any] | None:
        """The upload rows over a multipart form: its fields, with the file (read, not consumed)
        under ``file``. Returns the fields to send instead, or ``None`` to send them as they are."""
        fields = dict(merged_body(options) or {})
        view = dict(fields)
        for name, value in request_files(options):
            if name == "file":
                view["file"] = read_upload(value)
        prepared = self._prepare_body("files", view, options)
        out = {k: v for k, v in prepared.body.items() if k != "file"}
        return None if _unchanged(fields, out) else out

    def _notify(self, notices: list[Notice]) -> None:
        """Emit the pipeline's notices; a keyed notice only the first time this client family sees it."""
        registry = self._deepseek.shared.notices
        for notice in notices:
            if logger.isEnabledFor(logging.INFO):  # the log records every call's notices
                logger.info("%s%s", _log.tag(), self._redacted(notice.message))
            if notice.key is None or registry.first(notice.key):
                warn(notice.message, notice.category)

    def _full_url(self, url: str) -> str:
        return url if "://" in url else str(self.base_url).rstrip("/") + "/" + url.lstrip("/")

    @override
    def _ds_parsed(self, value: Any, response: httpx2.Response) -> Any:
        kind = type(value)
        if kind is ChatCompletionChunk:
            self._deepseek.shared.memory.observe_chunk(response, value)
        elif kind is ChatCompletion or isinstance(value, ChatCompletion):
            self._deepseek.shared.memory.remember(value)
        return value

    def _route(self, located: Located, url: str) -> str | None:
        """The URL to send to instead (a standard-only endpoint called on the beta URL), or ``None``.

        Refuses what DeepSeek does not serve, as the guard mode says.
        """
        endpoint = located.endpoint
        if located.base is None:
            self._refuse(foreign_url_error(url), located.method, url)
        elif endpoint is None:
            self._refuse(unserved_error(located.method, located.path), located.method, url)
        elif located.base not in endpoint.bases:
            if "standard" not in endpoint.bases:
                self._refuse(beta_only_error(endpoint), located.method, url)
                return None
            query = f"?{located.query}" if located.query else ""
            return self._deepseek.urls[0] + located.path + query
        return None

    def _refuse(self, error: DeepSeekRequestError | UnsupportedFeatureError, method: str, url: str) -> None:
        """DeepSeek would answer an error: refused in strict and warn mode; off sends it."""
        if self._deepseek.policy.guard_mode != "off":
            raise error.for_request(method, self._full_url(url))

    def _ds_secret(self, response: httpx2.Response | None = None) -> str | None:
        """The key to mask in what the server sends back: the one the request carried."""
        if response is not None:
            try:
                sent = response.request.headers.get("authorization")
            except RuntimeError:  # a response built without a request
                sent = None
            if sent:
                return header_secret(sent)
        return self.api_key if isinstance(self.api_key, str) else None

    @override
    def _ds_status_error(self, body: object, response: httpx2.Response) -> openai.APIStatusError:
        remedy = None
        if response.status_code == 404:
            # A 404 for a path the endpoint table knows DeepSeek does not serve (sent in guard mode off)
            # gets that path's advice, not "check base_url".
            request = response.request
            located = self._deepseek.locate(request.method, str(request.url))
            if located.endpoint is None and located.base is not None:
                remedy = unserved_advice(located.method, located.path)
        error = make_status_error(
            body=body, response=response, secret=self._ds_secret(response), remedy=remedy
        )
        if logger.isEnabledFor(logging.INFO):
            logger.info("%sfailed: %s", _log.tag(), error)
        return error

    @override
    def _ds_should_retry(self, response: httpx2.Response) -> bool | None:
        return False if response.status_code in _NEVER_RETRY else None

    @override
    def _ds_request_id(self, response: httpx2.Response) -> str | None:
        return response.headers.get(TRACE_HEADER)

    @override
    def _ds_response(self, response: httpx2.Response, retries_taken: int) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            call = _log.current()
            retried = (
                f" after {retries_taken} retr{'y' if retries_taken == 1 else 'ies'}" if retries_taken else ""
            )
            logger.debug(
                "%s%d in %s%s (x-ds-trace-id: %s)",
                _log.tag(),
                response.status_code,
                call.elapsed() if call is not None else "?",
                retried,
                response.headers.get(TRACE_HEADER) or "none",
            )

    @override
    def _ds_retrying(
        self, response: httpx2.Response | None, retry: int, max_retries: int, error: BaseException | None
    ) -> None:
        if not logger.isEnabledFor(logging.INFO):
            return
        if response is not None:
            reason = f"HTTP {response.status_code}"
            trace = response.headers.get(TRACE_HEADER)
            if trace:
                reason += f" (x-ds-trace-id: {trace})"
        else:
            reason = _log.transport_failure(error)
        logger.info(
            "%sretry %d of %d after %s",
            _log.tag(),
            retry,
            max_retries,
            reason,
            extra={"deepseek_retry": (retry, max_retries, response.status_code if response else None)},
        )

    @override
    def _ds_transport_error(self, exc: openai.APIConnectionError) -> Exception:
        if isinstance(exc, DeepSeekConnectionError):
            return exc
        error: DeepSeekConnectionError
        if isinstance(exc, openai.APITimeoutError):
            error = DeepSeekTimeoutError(exc.request)
        else:
            error = DeepSeekConnectionError(request=exc.request)
        if logger.isEnabledFor(logging.INFO):
            logger.info("%sfailed: %s", _log.tag(), error)
        return error

    @override
    def _ds_malformed(self, response: httpx2.Response, exc: Exception) -> Exception:
        try:
            text: object = redact(response.text[:500], self._ds_secret(response))
        except Exception:  # the body may be unreadable too
            text = None
        return MalformedResponseError(response, text, detail=f"{type(exc).__name__}: {exc}")

    @override
    def _ds_unsendable(self, options: FinalRequestOptions, exc: Exception) -> Exception | None:
        found = unsendable(options.json_data) or unsendable(options.extra_json)
        if found is None:
            if not isinstance(exc, RecursionError):
                return None
            found = ("the body", "nested too deeply to encode", "depth")
        where, what, kind = found
        return DeepSeekRequestError(
            f"the request cannot be sent: {where} is {what}",
            why="a request body travels as JSON, which has no such value (openai's JSON encoder refused it)",
            fix=_UNSENDABLE_FIXES[kind],
            source=CHAT_API_PAGE,
            param=where.split(".", 1)[0].split("[", 1)[0],
        )

    @override
    def _ds_check_data(self, data: object, cast_to: Any, response: httpx2.Response) -> None:
        found = shape_problem(data, cast_to)
        if found is not None:
            where = "a stream chunk" if is_chunk(cast_to) else "the body"
            raise MalformedResponseError(
                response,
                redact(data, self._ds_secret(response)),
                detail=f"{where} has the wrong shape: {found}",
            )

    # -- copies ---------------------------------------------------------------------------------

    def copy(
        self,
        *,
        api_key: str | Callable[[], Any] | None = None,
        base_url: str | httpx2.URL | NotGiven | None = NOT_GIVEN,
        timeout: float | Timeout | NotGiven | None = NOT_GIVEN,
        http_client: _HttpxT | None = None,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | None = None,
        set_default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, object] | None = None,
        set_default_query: Mapping[str, object] | None = None,
        websocket_base_url: str | httpx2.URL | None = None,
        settings: DeepSeekSettings | None = None,
        beta: bool | None = None,
        _extra_kwargs: Mapping[str, Any] = {},
        **policy: Unpack[PolicyOptions],
    ) -> Self:
        """A new client with the given options changed; DeepSeek state and policies are kept.

        ``client.with_options(thinking=False, effort="max")`` is the per-call way to set thinking.
        """
        state = self._deepseek
        new_settings = settings if settings is not None else state.settings
        changes = _setting_changes(policy)
        if changes:
            new_settings = new_settings.updated(**changes)
        new_beta = state.beta if beta is None else beta
        extra: dict[str, Any] = {
            "settings": new_settings,
            "beta": new_beta,
            "_deepseek_shared": state.shared,
        }
        if isinstance(base_url, NotGiven) or base_url is None:
            extra["_deepseek_urls"] = state.urls
            if new_beta != state.beta:
                base_url = state.urls[1] if new_beta else state.urls[0]
        copied: Self = cast(Any, super()).copy(
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
        return copied

    with_options = copy


@guard_namespaces
class DeepSeek(_DeepSeekClient[httpx2.Client], SyncSeams):  # type: ignore[misc]  # copy takes the policies
    """An :class:`openai.OpenAI` for DeepSeek. Build it with :func:`get_client`."""


@guard_namespaces
class AsyncDeepSeek(_DeepSeekClient[httpx2.AsyncClient], AsyncSeams):  # type: ignore[misc]  # copy, too
    """An :class:`openai.AsyncOpenAI` for DeepSeek. Build it with :func:`get_async_client`."""


# --------------------------------------------------------------------------------------------
# Factories


class ClientOptions(PolicyOptions, total=False):
    """The keywords of :func:`get_client` / :func:`get_async_client` besides the key and HTTP client."""

    base_url: str | httpx2.URL | None
    settings: DeepSeekSettings | None
    beta: bool
    timeout: float | Timeout | NotGiven | None
    max_retries: int | NotGiven
    default_headers: Mapping[str, str] | None
    default_query: Mapping[str, object] | None
    websocket_base_url: str | httpx2.URL | None
    webhook_secret: str | None
    organization: str | None
    project: str | None
    _strict_response_validation: bool


def get_client(
    api_key: str | Callable[[], str] | None = None,
    *,
    http_client: httpx2.Client | None = None,
    **kwargs: Unpack[ClientOptions],
) -> DeepSeek:
    """The one-line swap for ``OpenAI(...)``: a :class:`DeepSeek` client from arguments and ``DEEPSEEK_*``.

    Takes every :class:`DeepSeek` keyword: the policies (``thinking``, ``effort``, ``guard_mode``,
    ``history_policy``, ...), ``beta``, ``settings``, and openai's own ``base_url``, ``timeout``,
    ``max_retries``, ``http_client``, ``default_headers``, ...
    """
    return DeepSeek(api_key=api_key, http_client=http_client, **kwargs)


def get_async_client(
    api_key: str | Callable[[], Any] | None = None,
    *,
    http_client: httpx2.AsyncClient | None = None,
    **kwargs: Unpack[ClientOptions],
) -> AsyncDeepSeek:
    """The async twin of :func:`get_client`: an :class:`AsyncDeepSeek` (an ``openai.AsyncOpenAI``)."""
    return AsyncDeepSeek(api_key=api_key, http_client=http_client, **kwargs)


_WRONG_KIND = {
    True: ("an AsyncDeepSeek client", "a{func}() with async clients"),
    False: ("a sync DeepSeek client", "{plain}() with sync clients"),
}


def require_client(client: object, func: str, why: str, *, is_async: bool) -> Any:
    """The client a helper needs, or a TypeError naming the right helper for the client given.

    ``func`` is the helper's own name (``prefix_complete`` or ``aprefix_complete``).
    """
    want, other = (AsyncDeepSeek, DeepSeek) if is_async else (DeepSeek, AsyncDeepSeek)
    if isinstance(client, want):
        return client
    plain = func[1:] if is_async else func
    if isinstance(client, other):
        got, use = _WRONG_KIND[not is_async]
        raise TypeError(f"{func}() got {got}. Fix: use {use.format(func=plain, plain=plain)}.")
    factory = "get_async_client" if is_async else "get_client"
    raise TypeError(
        f"{func}() needs {'an AsyncDeepSeek' if is_async else 'a DeepSeek'} client, got "
        f"{type(client).__name__}. Why: {why}. Fix: build the client with deepseek_openai.{factory}()."
    )


def require_sync(client: object, func: str, why: str) -> DeepSeek:
    """The client a sync helper needs (see :func:`require_client`)."""
    result: DeepSeek = require_client(client, func, why, is_async=False)
    return result


def require_async(client: object, func: str, why: str) -> AsyncDeepSeek:
    """The client an async helper needs (``func`` is the async helper's name, ``a...``)."""
    result: AsyncDeepSeek = require_client(client, func, why, is_async=True)
    return result
