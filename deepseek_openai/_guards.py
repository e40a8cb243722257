"""Namespace guards: the openai resources DeepSeek does not have fail fast, before the network.

The openai client exposes one ``cached_property`` per resource namespace (``embeddings``,
``images``, ``audio``, ...). :func:`guard_namespaces` (a class decorator applied to ``DeepSeek``
and ``AsyncDeepSeek``) replaces every such property that is not in :data:`SUPPORTED_NAMESPACES`
with one that returns the real resource inside a :class:`NamespaceGuard` (a ``wrapt``
object proxy). The list is read from the installed openai client class, so a namespace a new
openai release adds is guarded without a change here.

Behaviour, chosen so that probing never explodes and calling never reaches the network:

- attribute access (``client.embeddings``, ``dir()``, ``hasattr``) works, and
  ``isinstance(client.embeddings, openai.resources.Embeddings)`` stays true;
- calling any public method raises :class:`UnsupportedFeatureError` (what, why with the dated
  source, and an alternative). Sync methods raise on call; ``async def`` methods raise when
  awaited (like every other API error of the async client, so ``asyncio.gather`` and task code
  see it in the usual place); async methods that are not coroutines (paginators, connection
  managers) raise on call;
- sub-namespaces, ``with_raw_response`` and ``with_streaming_response`` are guarded too, and
  the client-level ``client.with_raw_response.embeddings`` builds on the guarded resource;
- ``guard_mode`` is read at call time: ``warn`` emits :class:`DeepSeekCompatibilityWarning` and
  sends the request (the server answers 404), ``off`` sends it silently;
- supported namespaces are untouched: no proxy and no per-access cost on ``client.chat``.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import os
import sys
import warnings
from collections.abc import Callable, Coroutine
from functools import cached_property
from typing import Any, Final, NoReturn, TypeVar

import openai
import wrapt

from ._catalogue import CATALOGUE_DATE, Source
from ._errors import DeepSeekCompatibilityWarning, UnsupportedFeatureError

__all__ = [
    "ALTERNATIVES",
    "ENDPOINTS_PAGE",
    "SUPPORTED_NAMESPACES",
    "SUPPORTED_SUBNAMESPACES",
    "NamespaceGuard",
    "guard_namespaces",
    "resource_namespaces",
    "unsupported_error",
    "unsupported_namespaces",
]

ENDPOINTS_PAGE: Final = Source(
    "DeepSeek API docs: API reference (endpoints)",
    "https://api-docs.deepseek.com/api/deepseek-api",
    dt.date(2026, 9, 11),
)
"""The endpoint list the guards follow: chat, FIM (beta), models, balance, files, responses."""

SUPPORTED_NAMESPACES: Final = frozenset(
    {
        "chat",  # POST /chat/completions
        "completions",  # POST /beta/completions (FIM)
        "models",  # GET /models
        "files",  # /files, images only (purpose user_data)
        "responses",  # POST /responses, stateless
        "with_raw_response",  # prefixes: their namespaces read the (guarded) client attributes
        "with_streaming_response",
    }
)
"""Client namespaces DeepSeek serves; every other resource namespace of the openai client is guarded."""

SUPPORTED_SUBNAMESPACES: Final = frozenset({("beta", "chat"), ("beta", "responses")})
"""Paths inside a guarded namespace that DeepSeek serves (``client.beta.chat.completions.parse``)."""

_LIBRARY_DIRS: Final = tuple(
    os.path.dirname(path) + os.sep for path in (openai.__file__, wrapt.__file__, __file__) if path
)
"""Frames in these directories are library code; warnings point past them at the caller."""
_PREFIXES: Final = frozenset({"with_raw_response", "with_streaming_response"})

ALTERNATIVES: Final[dict[str, str]] = {
    "embeddings": "use a dedicated embedding provider (e.g. openai.OpenAI() with an OpenAI key, "
    "client.embeddings.create) or a local model such as sentence-transformers",
    "images": "generate images with another provider; to send images TO DeepSeek, put image_url parts "
    "in a user message for model='deepseek-flash'",
    "audio": "transcribe or synthesise speech with another provider or a local model (e.g. Whisper) and "
    "send the text to DeepSeek",
    "moderations": "use a dedicated moderation service (e.g. openai.OpenAI().moderations with an OpenAI "
    "key), or ask DeepSeek to classify the text with response_format={'type': 'json_object'}",
    "fine_tuning": "put examples in the prompt (few-shot; DeepSeek's prefix cache makes a long fixed "
    "prefix cheap), or fine-tune open DeepSeek weights yourself",
    "batches": "send the requests concurrently with get_async_client() (bounded by a semaphore), "
    "ideally off-peak when prices are half (deepseek_openai.is_peak tells the window)",
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
"""What to use instead, per namespace (``beta.x`` keys for beta sub-namespaces)."""

DEFAULT_ALTERNATIVE: Final = (
    "use client.chat.completions.create (with function tools for actions the model must take), or "
    "another provider for this feature"
)

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
    """The client's namespaces DeepSeek lacks: every resource namespace minus the supported ones."""
    return tuple(n for n in resource_namespaces(client_cls) if n not in SUPPORTED_NAMESPACES)


def _alternative(path: tuple[str, ...]) -> str:
    for depth in range(len(path), 0, -1):
        hit = ALTERNATIVES.get(".".join(path[:depth]))
        if hit is not None:
            return hit
    return DEFAULT_ALTERNATIVE


def unsupported_error(path: tuple[str, ...]) -> UnsupportedFeatureError:
    """The error for calling ``client.<path>``: what, why (dated), and the alternative."""
    feature = "client." + ".".join(path)
    namespace = ".".join(path[:-1]) if len(path) > 1 else path[0]
    return UnsupportedFeatureError(
        f"{feature}() is not available on DeepSeek",
        why=f"DeepSeek has no {namespace} endpoint as of {CATALOGUE_DATE.isoformat()}; its OpenAI-format "
        "API serves chat completions, FIM completions (beta), models, files (images), responses and "
        "the balance only, so the request would fail with 404 after the round trip",
        fix=_alternative(path),
        source=ENDPOINTS_PAGE,
        param=None,
    )


def _guard_mode(client: object) -> str:
    state = getattr(client, "_deepseek", None)
    policy = getattr(state, "policy", None)
    mode = getattr(policy, "guard_mode", "strict")
    return mode if isinstance(mode, str) else "strict"


def _guard_callable(func: Callable[..., Any], client: object, path: tuple[str, ...]) -> Any:
    """Wrap one SDK method so calling it raises (strict), warns (warn) or passes (off)."""
    is_coroutine = inspect.iscoroutinefunction(func)

    def let_through() -> bool:
        mode = _guard_mode(client)
        if mode == "strict":
            return False
        if mode == "warn":
            message = f"{unsupported_error(path)} (warn mode: sent anyway; expect a 404)"
            warnings.warn(message, DeepSeekCompatibilityWarning, stacklevel=_caller_stacklevel())
        return True

    if is_coroutine:

        def async_wrapper(
            wrapped: Callable[..., Any], instance: object, args: tuple[Any, ...], kwargs: dict[str, Any]
        ) -> Coroutine[Any, Any, Any]:
            if let_through():
                result: Coroutine[Any, Any, Any] = wrapped(*args, **kwargs)
                return result
            return _raise_later(unsupported_error(path))

        return wrapt.FunctionWrapper(func, async_wrapper)

    def wrapper(
        wrapped: Callable[..., Any], instance: object, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        if let_through():
            return wrapped(*args, **kwargs)
        raise unsupported_error(path)

    return wrapt.FunctionWrapper(func, wrapper)


def _caller_stacklevel() -> int:
    """The stacklevel of the first frame outside openai, wrapt and this package (the user's line)."""
    frame = sys._getframe(1)
    level = 1
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_LIBRARY_DIRS):
        frame = frame.f_back
        level += 1
    return level


async def _raise_later(error: UnsupportedFeatureError) -> NoReturn:
    raise error


def _is_sdk_object(value: object) -> bool:
    return type(value).__module__.startswith("openai.resources.")


class NamespaceGuard(wrapt.ObjectProxy):  # type: ignore[type-arg]
    """A resource namespace DeepSeek lacks: readable like the real one, but every call is refused."""

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
            return value
        if callable(value) and not isinstance(value, type):
            return _guard_callable(value, self._self_client, path)
        if _is_sdk_object(value):
            return NamespaceGuard(value, self._self_client, path)
        return value

    def __repr__(self) -> str:
        return f"<unsupported on DeepSeek: client.{'.'.join(self._self_path)} ({self.__wrapped__!r})>"


def _guarded_property(owner: type, name: str, original: cached_property[Any]) -> cached_property[Any]:
    build = original.func

    @functools.wraps(build)
    def get(self: Any) -> Any:
        return NamespaceGuard(build(self), self, (name,))

    prop: cached_property[Any] = cached_property(get)
    prop.__set_name__(owner, name)
    return prop


def guard_namespaces(client_cls: _C) -> _C:
    """Class decorator: guard every resource namespace of ``client_cls`` that DeepSeek lacks.

    Supported namespaces keep openai's own ``cached_property`` (no proxy, no per-access cost).
    """
    guarded = unsupported_namespaces(client_cls)
    for name in guarded:
        original = next(
            vars(k)[name] for k in client_cls.__mro__ if isinstance(vars(k).get(name), cached_property)
        )
        setattr(client_cls, name, _guarded_property(client_cls, name, original))
    client_cls.__deepseek_guarded_namespaces__ = guarded  # type: ignore[attr-defined]
    return client_cls
