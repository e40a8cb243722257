"""The endpoint table: every (method, path) DeepSeek serves, on which base URL, with its dated source.

The client's request seam consults it for EVERY request, however it was made (a namespace method,
``client.post(...)``, a raw or streaming response, a paginator), so nothing DeepSeek does not serve
reaches the network, and a body endpoint called through ``client.post("/chat/completions?x=1")``
gets the same rules as ``create()``. The namespace guards at the bottom read the same table: a
client namespace no row is made by (``embeddings``, ``images``, ...) is refused when called, early
and with a friendlier message; they also cover the websocket namespaces (realtime), which never
pass the seam, and, per method (:data:`UNSERVED_METHODS`), the WebSocket methods of served
namespaces (``client.responses.connect``).
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Final, Literal, NoReturn, TypeVar
from urllib.parse import urlsplit

import wrapt

from ._catalogue import (
    BETA_PAGE,
    CATALOGUE_DATE,
    CHAT_API_PAGE,
    ENDPOINTS_PAGE,
    FILES_PAGE,
    RESPONSES_PAGE,
    Source,
)
from ._errors import DeepSeekRequestError, UnsupportedFeatureError
from ._rules import BodyKind

Base = Literal["standard", "beta"]
STANDARD: Final[frozenset[Base]] = frozenset({"standard"})
BETA: Final[frozenset[Base]] = frozenset({"beta"})
BOTH: Final[frozenset[Base]] = frozenset({"standard", "beta"})


def _path_pattern(path: str, tail: str) -> re.Pattern[str]:
    """``/files/{file_id}`` -> a pattern where ``{name}`` matches one path segment."""
    return re.compile(re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(path)) + tail)


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One endpoint DeepSeek serves."""

    method: str
    path: str
    """The path under the base URL; ``{name}`` matches one path segment."""
    bases: frozenset[Base]
    """The base URLs that serve it. A standard-only endpoint called on a beta client is sent to the
    standard URL; a beta-only one called on the standard URL is refused (the API answers 400/404)."""
    namespace: str | None
    """The openai client namespace that calls it (``None``: only through ``client.get/post``)."""
    body: BodyKind | None
    """Which rows of the rule table its body meets (``None``: no body rules). ``files`` is a multipart
    upload: its form fields, with the file read (not consumed) under ``file``."""
    title: str
    source: Source
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pattern", _path_pattern(self.path, "/?"))


ENDPOINTS: Final[tuple[Endpoint, ...]] = (
    # The standard base serves chat, models, balance, files and responses; beta adds prefix
    # completion, FIM and strict tools (deepseek-api.md sections 2 and 3).
    Endpoint("POST", "/chat/completions", BOTH, "chat", "chat", "chat completions", CHAT_API_PAGE),
    Endpoint("POST", "/completions", BETA, "completions", "fim", "FIM completions", BETA_PAGE),
    Endpoint("GET", "/models", STANDARD, "models", None, "the model list", ENDPOINTS_PAGE),
    Endpoint("GET", "/user/balance", STANDARD, None, None, "the balance", ENDPOINTS_PAGE),
    Endpoint("POST", "/responses", STANDARD, "responses", "responses", "the Responses API", RESPONSES_PAGE),
    Endpoint("POST", "/files", STANDARD, "files", "files", "file upload", FILES_PAGE),
    Endpoint("GET", "/files", STANDARD, "files", None, "the file list", FILES_PAGE),
    Endpoint("GET", "/files/{file_id}", STANDARD, "files", None, "a file", FILES_PAGE),
    Endpoint("DELETE", "/files/{file_id}", STANDARD, "files", None, "file deletion", FILES_PAGE),
)
"""Every endpoint DeepSeek serves in the OpenAI format (the Anthropic format is out of scope)."""

_EXACT: Final = {(e.method, e.path): e for e in ENDPOINTS if "{" not in e.path}
_PATTERNED: Final = tuple(e for e in ENDPOINTS if "{" in e.path)

SERVED_NAMESPACES: Final = frozenset(e.namespace for e in ENDPOINTS if e.namespace is not None)
"""Client namespaces at least one endpoint is made by; every other resource namespace is guarded."""


# --------------------------------------------------------------------------------------------
# What to do instead, for what DeepSeek does not serve


@dataclass(frozen=True, slots=True)
class Unserved:
    """A request the openai SDK can make that DeepSeek does not serve, with what to do instead."""

    method: str | None
    """``None``: any method."""
    path: str
    what: str
    fix: str
    source: Source = ENDPOINTS_PAGE
    why: str | None = None
    """Why it is not served, where the general reason ("no such endpoint") says too little."""
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pattern", _path_pattern(self.path, "(/.*)?"))


_RESEND = (
    "resend the whole input each turn: input=[*earlier_items, *deepseek_openai.to_input_items(response), "
    "{'role': 'user', 'content': ...}]"
)
_KEEP = "keep the Response that create() returned yourself"
_STATELESS = (
    "DeepSeek's Responses API is stateless (store is always false): it keeps no responses, so there is "
    "{what}, and the request would fail with 404 after the round trip"
)

UNSERVED: Final[tuple[Unserved, ...]] = (
    Unserved(
        "GET",
        "/chat/completions",
        "stored chat completions",
        "DeepSeek does not store completions: keep the responses you need yourself",
        CHAT_API_PAGE,
    ),
    Unserved(
        None,
        "/chat/completions/{completion_id}",
        "stored chat completions",
        "DeepSeek does not store completions: keep the responses you need yourself",
        CHAT_API_PAGE,
    ),
    Unserved(
        None,
        "/models/{model}",
        "a single model's record",
        "list the models with client.models.list() (the catalogue: deepseek_openai.resolve_model)",
    ),
    Unserved(
        "GET",
        "/files/{file_id}/content",
        "file content download",
        "keep your own copy of what you upload; DeepSeek serves no file content",
        FILES_PAGE,
    ),
    # DeepSeek's Responses API is stateless (Responses page, 2026-09-11): the specific paths first,
    # since "/responses/{response_id}" would match "/responses/compact" too.
    Unserved(
        None,
        "/responses/compact",
        "response compaction",
        "shorten the input yourself (summarise earlier turns with a request of your own) and " + _RESEND,
        RESPONSES_PAGE,
        _STATELESS.format(what="nothing on the server to compact"),
    ),
    Unserved(
        None,
        "/responses/input_tokens",
        "input token counting",
        "count locally, or send the request with max_output_tokens=1 and read response.usage.input_tokens",
        RESPONSES_PAGE,
        "DeepSeek's Responses API serves POST /responses only (no token counting endpoint), so the "
        "request would fail with 404 after the round trip",
    ),
    Unserved(
        None,
        "/responses/{response_id}/cancel",
        "response cancellation",
        "nothing runs in the background to cancel: stop a streamed response by closing the stream "
        "(stream.close()), or cancel your own task",
        RESPONSES_PAGE,
        _STATELESS.format(what="no background mode and nothing running to cancel"),
    ),
    Unserved(
        None,
        "/responses/{response_id}/input_items",
        "stored input items",
        "keep the input you sent yourself; " + _RESEND,
        RESPONSES_PAGE,
        _STATELESS.format(what="no stored input to list"),
    ),
    Unserved(
        None,
        "/responses/{response_id}",
        "stored responses",
        f"{_KEEP} (nothing is stored to retrieve or delete); " + _RESEND,
        RESPONSES_PAGE,
        _STATELESS.format(what="no stored response to retrieve or delete"),
    ),
)
"""Specific advice for paths of served resources that DeepSeek still does not serve."""

ALTERNATIVES: Final[dict[str, str]] = {
    "embeddings": "use a dedicated embedding provider (e.g. openai.OpenAI() with an OpenAI key, "
    "client.embeddings.create) or a local model such as sentence-transformers",
    "images": "generate images with another provider; to send images TO DeepSeek, put image_url parts "
    "in a user message for model='deepseek-flash' (deepseek_openai.image_part(path) builds one, "
    "deepseek_openai.ask_image asks about a picture in one call)",
    "audio": "transcribe or synthesise speech with another provider or a local model (e.g. Whisper) and "
    "send the text to DeepSeek",
    "moderations": "use a dedicated moderation service (e.g. openai.OpenAI().moderations with an OpenAI "
    "key), or ask DeepSeek to classify the text with response_format={'type': 'json_object'}",
    "fine_tuning": "put examples in the prompt (few-shot; DeepSeek's prefix cache makes a long fixed "
    "prefix cheap), or fine-tune open DeepSeek weights yourself",
    "batches": "run the same OpenAI Batch JSONL file with deepseek_openai.run_batch(path, output) or "
    "`deepseek-openai batch run FILE -o OUTPUT` (resumable, at the account's concurrency limit, "
    "optionally off-peak at half price and within a budget)",
    "vector_stores": "keep your own vector index (FAISS, pgvector, ...) with embeddings from another "
    "provider, and pass the retrieved text in the prompt or offer search as a function tool",
    "uploads": "upload images (JPEG/PNG/GIF/WebP, up to 64 MiB) with client.files.create(file=..., "
    "purpose='user_data'); DeepSeek accepts no other uploads",
    "realtime": "stream chat completions over HTTP instead (client.chat.completions.create(stream=True))",
    "containers": "run code in your own sandbox and offer it to the model as a function tool",
    "evals": "run evaluations locally: loop over your dataset with client.chat.completions.create and "
    "score the answers",
    "conversations": "keep the message history yourself and send it with every request (DeepSeek's "
    "Responses API is stateless too)",
    "videos": "use another provider for video generation",
    "webhooks": "DeepSeek sends no webhooks; await the request (or poll your own job queue) instead",
    "skills": "describe the procedure in the system prompt and offer its actions as function tools",
    "beta": "keep the conversation yourself and use client.chat.completions.create with function tools "
    "(client.beta.chat and client.beta.responses stay available)",
    "beta.assistants": "keep the conversation yourself and use client.chat.completions.create with "
    "function tools",
    "beta.threads": "keep the message list yourself and send it with client.chat.completions.create",
    "beta.realtime": "stream chat completions over HTTP instead "
    "(client.chat.completions.create(stream=True))",
    "beta.chatkit": "build the chat UI on client.chat.completions.create(stream=True)",
    "beta.agents": "run the agent loop yourself on client.chat.completions.create with function tools",
}
"""What to use instead, per client namespace (``beta.x`` for beta sub-namespaces)."""

_PATH_NAMESPACES: Final = {
    "assistants": "beta.assistants",
    "threads": "beta.threads",
    "chatkit": "beta.chatkit",
}
"""URL path heads whose namespace has another name."""

DEFAULT_ALTERNATIVE: Final = (
    "use client.chat.completions.create (with function tools for actions the model must take), or "
    "another provider for this feature"
)

_WHY_UNSERVED: Final = (
    "DeepSeek has no {thing} endpoint as of {date}; its OpenAI-format API serves chat completions, "
    "FIM completions (beta), models, files (images), responses and the balance only, so the request "
    "would fail with 404 after the round trip"
)


def alternative(path: tuple[str, ...]) -> str:
    """The advice for a namespace path (``("beta", "threads", "create")``), most specific first."""
    for depth in range(len(path), 0, -1):
        hit = ALTERNATIVES.get(".".join(path[:depth]))
        if hit is not None:
            return hit
    return DEFAULT_ALTERNATIVE


def unserved_advice(method: str, path: str) -> str | None:
    """What to do instead of a (method, path) DeepSeek does not serve, when the table has specific
    advice for it (``None`` otherwise). Read by the 404 translation too (guard mode off sends)."""
    for row in UNSERVED:
        if (row.method is None or row.method == method) and row.pattern.fullmatch(path):
            return row.fix
    return None


def unserved_error(method: str, path: str) -> UnsupportedFeatureError:
    """The refusal for a (method, path) no row serves: what, why (dated) and what to do instead."""
    for row in UNSERVED:
        if (row.method is None or row.method == method) and row.pattern.fullmatch(path):
            thing, fix, source, why = row.what, row.fix, row.source, row.why
            break
    else:
        head = path.strip("/").split("/", 1)[0]
        namespace = _PATH_NAMESPACES.get(head, head)
        thing, fix, source = f"/{head}" if head else "such", alternative((namespace,)), ENDPOINTS_PAGE
        why = None
    return UnsupportedFeatureError(
        f"{method} {path} is not available on DeepSeek",
        why=why or _WHY_UNSERVED.format(thing=thing, date=CATALOGUE_DATE.isoformat()),
        fix=fix,
        source=source,
        param=None,
    )


@dataclass(frozen=True, slots=True)
class UnservedMethod:
    """A method of a served namespace that never reaches the request seam (it opens a WebSocket)."""

    name: str
    why: str
    fix: str
    source: Source


UNSERVED_METHODS: Final[dict[str, tuple[UnservedMethod, ...]]] = {
    "responses": (
        UnservedMethod(
            "connect",
            why="DeepSeek serves the Responses API over HTTP only (POST /responses); there is no "
            "WebSocket endpoint to connect to",
            fix="stream over HTTP instead: client.responses.create(..., stream=True) or "
            "client.responses.stream(...)",
            source=RESPONSES_PAGE,
        ),
    ),
}
"""Per served namespace (``client.responses``, ``client.beta.responses``), the methods refused when
called: they open a WebSocket, so the request seam never sees them."""


def unserved_method_error(path: tuple[str, ...], method: UnservedMethod) -> UnsupportedFeatureError:
    """The refusal for calling ``client.<path>()``: what, why (dated) and what to do instead."""
    return UnsupportedFeatureError(
        f"client.{'.'.join(path)}() is not available on DeepSeek",
        why=method.why,
        fix=method.fix,
        source=method.source,
        param=None,
    )


def beta_only_error(endpoint: Endpoint) -> DeepSeekRequestError:
    """The refusal for a beta-only endpoint sent to the standard base URL (it exists, elsewhere)."""
    return DeepSeekRequestError(
        f"{endpoint.method} {endpoint.path} ({endpoint.title}) was sent to the standard base URL",
        why=f"{endpoint.title} works only on the beta base URL (https://api.deepseek.com/beta); elsewhere "
        "the API answers 400",
        fix="use get_client(beta=True) or client.beta_client, or the helpers prefix_complete() / "
        "fim_complete(), which always use the beta URL",
        source=endpoint.source,
        param=None,
    )


def foreign_url_error(url: str) -> UnsupportedFeatureError:
    """The refusal for an absolute URL outside this client's base URLs (the key would go there)."""
    parts = urlsplit(url)
    return UnsupportedFeatureError(
        f"a request to {parts.scheme}://{parts.hostname}{parts.path} is outside this client's base URLs",
        why="the client sends its DeepSeek API key with every request, so it only talks to its own "
        "base URL and its beta twin",
        fix="use a separate HTTP client (httpx) for other hosts, or pass a path relative to the base URL",
        source=ENDPOINTS_PAGE,
        param=None,
    )


# --------------------------------------------------------------------------------------------
# Finding a request's row


@dataclass(frozen=True, slots=True)
class Located:
    """Where a request goes: its row (``None``: not served), base, path and query string."""

    method: str
    endpoint: Endpoint | None
    base: Base | None
    """``None`` for an absolute URL outside the client's base URLs."""
    path: str
    query: str


def find(method: str, path: str) -> Endpoint | None:
    """The row serving ``method path`` (path without base, version prefix or query), or ``None``."""
    hit = _EXACT.get((method, path))
    if hit is not None:
        return hit
    stripped = path.rstrip("/")
    if stripped != path:
        hit = _EXACT.get((method, stripped))
        if hit is not None:
            return hit
    for endpoint in _PATTERNED:
        if endpoint.method == method and endpoint.pattern.fullmatch(path):
            return endpoint
    return None


def locate(method: str, url: str, *, standard: str, beta: str, is_beta: bool) -> Located:
    """Find the row, base and path of a request URL as openai would send it.

    ``url`` is what the SDK builds: usually a path relative to the client's base URL, with a query
    string at times (``/responses?beta=true``), or an absolute URL.
    """
    method = method.upper()
    path, _, query = url.partition("?")
    base: Base | None = "beta" if is_beta else "standard"
    if "://" in path:
        if path == beta or path.startswith(beta + "/"):
            base, path = "beta", path[len(beta) :]
        elif path == standard or path.startswith(standard + "/"):
            base, path = "standard", path[len(standard) :]
        else:
            return Located(method, None, None, path, query)
    if not path.startswith("/"):
        path = "/" + path
    if base == "standard" and path.startswith("/beta/"):
        base, path = "beta", path[len("/beta") :]
    if path.startswith("/v1/"):  # an alias of the root, not a model version
        path = path[len("/v1") :]
    return Located(method, find(method, path), base, path, query)


# --------------------------------------------------------------------------------------------
# Namespace guards


SUPPORTED_SUBNAMESPACES: Final = frozenset(
    {("beta", ns) for ns in SERVED_NAMESPACES if ns in ("chat", "responses")}
)
"""Paths inside a guarded namespace that reach served endpoints (``client.beta.chat.completions.parse``)."""

_PREFIXES: Final = frozenset({"with_raw_response", "with_streaming_response"})
_C = TypeVar("_C", bound=type)


def resource_namespaces(client_cls: type) -> tuple[str, ...]:
    """The resource namespaces openai's client class defines (its ``cached_property`` attributes)."""
    names: dict[str, None] = {}
    for klass in reversed(client_cls.__mro__):
        if klass.__module__.split(".", 1)[0] != "openai":
            continue  # only openai's own namespaces; our subclasses add beta_client & co.
        for name, attr in vars(klass).items():
            if isinstance(attr, cached_property) and not name.startswith("_"):
                names[name] = None
    return tuple(names)


def unsupported_namespaces(client_cls: type) -> tuple[str, ...]:
    """The client's namespaces no endpoint row is made by (the raw/streaming prefixes are not namespaces)."""
    return tuple(
        n for n in resource_namespaces(client_cls) if n not in SERVED_NAMESPACES and n not in _PREFIXES
    )


def unsupported_error(path: tuple[str, ...]) -> UnsupportedFeatureError:
    """The error for calling ``client.<path>``: what, why (dated), and the alternative."""
    feature = "client." + ".".join(path)
    namespace = ".".join(path[:-1]) if len(path) > 1 else path[0]
    return UnsupportedFeatureError(
        f"{feature}() is not available on DeepSeek",
        why=_WHY_UNSERVED.format(thing=namespace, date=CATALOGUE_DATE.isoformat()),
        fix=alternative(path),
        source=ENDPOINTS_PAGE,
        param=None,
    )


def _guard_mode(client: object) -> str:
    state = getattr(client, "_deepseek", None)
    mode = getattr(getattr(state, "policy", None), "guard_mode", "warn")
    return mode if isinstance(mode, str) else "warn"


def _guard_callable(
    func: Callable[..., Any],
    client: object,
    path: tuple[str, ...],
    error: Callable[[], UnsupportedFeatureError] | None = None,
) -> Any:
    """Wrap one SDK method so calling it raises (strict, warn: DeepSeek would answer 404) or passes (off).

    ``error`` builds the refusal (by default: the namespace is not served).
    """
    refusal = error if error is not None else functools.partial(unsupported_error, path)

    def let_through() -> bool:
        return _guard_mode(client) == "off"

    if inspect.iscoroutinefunction(func):
        # async def methods raise when awaited, like every other API error of the async client.
        def async_wrapper(
            wrapped: Callable[..., Any], instance: object, args: tuple[Any, ...], kwargs: dict[str, Any]
        ) -> Coroutine[Any, Any, Any]:
            if let_through():
                result: Coroutine[Any, Any, Any] = wrapped(*args, **kwargs)
                return result
            return _raise_later(refusal())

        return wrapt.FunctionWrapper(func, async_wrapper)

    def wrapper(
        wrapped: Callable[..., Any], instance: object, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        if let_through():
            return wrapped(*args, **kwargs)
        raise refusal()

    return wrapt.FunctionWrapper(func, wrapper)


def guard_methods(resource: Any, client: object, path: tuple[str, ...]) -> Any:
    """Refuse, on this resource instance, the methods :data:`UNSERVED_METHODS` lists for ``path[-1]``.

    The wrapper is set on the instance (openai's resources are built once per client), so the
    namespace's other methods stay openai's own, with no per-call cost.
    """
    for method in UNSERVED_METHODS.get(path[-1], ()):
        if method.name in vars(resource) or not callable(getattr(resource, method.name, None)):
            continue  # guarded already, or this openai version has no such method
        full = (*path, method.name)
        setattr(
            resource,
            method.name,
            _guard_callable(
                getattr(resource, method.name),
                client,
                full,
                functools.partial(unserved_method_error, full, method),
            ),
        )
    return resource


async def _raise_later(error: UnsupportedFeatureError) -> NoReturn:
    raise error


def _is_sdk_object(value: object) -> bool:
    return type(value).__module__.startswith("openai.resources.")


class NamespaceGuard(wrapt.ObjectProxy):  # type: ignore[type-arg]
    """A resource namespace DeepSeek lacks: readable like the real one, but every call is refused.

    Attribute access, ``dir()`` and ``isinstance`` keep working, so probing never explodes;
    sub-namespaces and the raw/streaming prefixes are guarded too. ``guard_mode`` is read at call
    time: ``strict`` and ``warn`` refuse (DeepSeek would answer 404), ``off`` sends.
    """

    _self_client: object
    _self_path: tuple[str, ...]

    def __init__(self, wrapped: object, client: object, path: tuple[str, ...]) -> None:
        super().__init__(wrapped)
        self._self_client = client
        self._self_path = path

    def __getattr__(self, name: str) -> Any:
        value = getattr(self.__wrapped__, name)
        if name.startswith("_"):
            return value
        if name in _PREFIXES:  # same endpoints, other return shape: same logical path
            return NamespaceGuard(value, self._self_client, self._self_path)
        path = (*self._self_path, name)
        if path in SUPPORTED_SUBNAMESPACES:
            return guard_methods(value, self._self_client, path)
        if callable(value) and not isinstance(value, type):
            return _guard_callable(value, self._self_client, path)
        if _is_sdk_object(value):
            return NamespaceGuard(value, self._self_client, path)
        return value

    def __repr__(self) -> str:
        return f"<unsupported on DeepSeek: client.{'.'.join(self._self_path)} ({self.__wrapped__!r})>"


def _guarded_property(
    owner: type, name: str, original: cached_property[Any], *, served: bool = False
) -> cached_property[Any]:
    build = original.func

    @functools.wraps(build)
    def get(self: Any) -> Any:
        if served:
            return guard_methods(build(self), self, (name,))
        return NamespaceGuard(build(self), self, (name,))

    prop: cached_property[Any] = cached_property(get)
    prop.__set_name__(owner, name)
    return prop


def _cached_property(client_cls: type, name: str) -> cached_property[Any]:
    return next(vars(k)[name] for k in client_cls.__mro__ if isinstance(vars(k).get(name), cached_property))


def guard_namespaces(client_cls: _C) -> _C:
    """Class decorator: guard every resource namespace of ``client_cls`` that no endpoint row serves.

    Served namespaces keep openai's own resource (no proxy, no per-access cost once built); those
    with methods that never pass the request seam (:data:`UNSERVED_METHODS`) get them refused.
    """
    guarded = unsupported_namespaces(client_cls)
    for name in guarded:
        setattr(client_cls, name, _guarded_property(client_cls, name, _cached_property(client_cls, name)))
    for name in UNSERVED_METHODS:
        if name in resource_namespaces(client_cls) and name not in guarded:
            prop = _guarded_property(client_cls, name, _cached_property(client_cls, name), served=True)
            setattr(client_cls, name, prop)
    client_cls.__deepseek_guarded_namespaces__ = guarded  # type: ignore[attr-defined]
    return client_cls
