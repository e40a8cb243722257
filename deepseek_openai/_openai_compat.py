"""Every touch of openai's private API, in one fenced place.

openai's public surface has no hooks for a provider, so a provider subclass overrides private
methods (openai's own ``lib/azure.py`` does the same). This module is the only one that names
them: it maps each private seam onto a plain ``_ds_*`` hook that the DeepSeek client implements,
and re-exports the few private types the package needs. :data:`PRIVATE_API` lists every private
name used here with the parameters it is called with; ``tests/test_openai_compat.py`` checks them
against the installed openai, so an upgrade that moves one fails there, loudly, in one place.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any, ClassVar, Final, Literal, Protocol, TypeVar, cast, overload

import httpx2
import openai
from openai import AsyncStream, Stream
from openai._base_client import BaseClient
from openai._compat import model_copy
from openai._constants import RAW_RESPONSE_HEADER
from openai._legacy_response import LegacyAPIResponse
from openai._models import FinalRequestOptions
from openai._response import BaseAPIResponse
from openai._streaming import ServerSentEvent
from openai._types import NOT_GIVEN, NotGiven, Omit, RequestOptions, ResponseT
from typing_extensions import override

__all__ = [
    "NOT_GIVEN",
    "PRIVATE_API",
    "RAW_RESPONSE_OPTIONS",
    "AsyncDeepSeekStream",
    "AsyncSeams",
    "DeepSeekStream",
    "FinalRequestOptions",
    "LegacyAPIResponse",
    "NotGiven",
    "Omit",
    "ResponseT",
    "ServerSentEvent",
    "StreamPolicy",
    "SyncSeams",
    "forget_openai_env",
    "merged_body",
    "replace_body",
    "stream_secret",
]

_HttpxT = TypeVar("_HttpxT", httpx2.Client, httpx2.AsyncClient)
_StreamT = TypeVar("_StreamT", bound=Stream[Any])
_AsyncStreamT = TypeVar("_AsyncStreamT", bound=AsyncStream[Any])
_T = TypeVar("_T")

PARSE_ERRORS: Final = (json.JSONDecodeError, UnicodeDecodeError)
"""What openai lets escape when a body that should be JSON is not."""

PRIVATE_API: Final[tuple[tuple[str, str, tuple[str, ...]], ...]] = (
    # (owner, attribute, parameters this module relies on; () for a plain attribute)
    (
        "openai.OpenAI",
        "__init__",
        (
            "api_key",
            "base_url",
            "timeout",
            "max_retries",
            "default_headers",
            "default_query",
            "http_client",
            "websocket_base_url",
            "webhook_secret",
            "_enforce_credentials",
            "_strict_response_validation",
        ),
    ),
    (
        "openai.AsyncOpenAI",
        "__init__",
        (
            "api_key",
            "base_url",
            "timeout",
            "max_retries",
            "default_headers",
            "default_query",
            "http_client",
            "websocket_base_url",
            "webhook_secret",
            "_enforce_credentials",
            "_strict_response_validation",
        ),
    ),
    ("openai.OpenAI", "request", ("cast_to", "options", "stream", "stream_cls")),
    ("openai.AsyncOpenAI", "request", ("cast_to", "options", "stream", "stream_cls")),
    (
        "openai.OpenAI",
        "_process_response",
        ("cast_to", "options", "response", "stream", "stream_cls", "retries_taken"),
    ),
    (
        "openai.AsyncOpenAI",
        "_process_response",
        ("cast_to", "options", "response", "stream", "stream_cls", "retries_taken"),
    ),
    ("openai.OpenAI", "_make_status_error", ("err_msg", "body", "response")),
    ("openai.OpenAI", "_should_retry", ("response",)),
    ("openai.OpenAI", "_process_response_data", ("data", "cast_to", "response")),
    (
        "openai.OpenAI",
        "copy",
        (
            "api_key",
            "base_url",
            "timeout",
            "http_client",
            "max_retries",
            "default_headers",
            "set_default_headers",
            "default_query",
            "set_default_query",
            "websocket_base_url",
            "_extra_kwargs",
        ),
    ),
    (
        "openai.AsyncOpenAI",
        "copy",
        (
            "api_key",
            "base_url",
            "timeout",
            "http_client",
            "max_retries",
            "default_headers",
            "set_default_headers",
            "default_query",
            "set_default_query",
            "websocket_base_url",
            "_extra_kwargs",
        ),
    ),
    ("openai.OpenAI", "_custom_headers", ()),
    ("openai._base_client.BaseClient", "_default_stream_cls", ()),
    ("openai.OpenAI", "_ambient_authorizations", ()),
    ("openai._models.FinalRequestOptions", "json_data", ()),
    ("openai._models.FinalRequestOptions", "extra_json", ()),
    ("openai._models.FinalRequestOptions", "url", ()),
    ("openai._models.FinalRequestOptions", "method", ()),
    ("openai._compat", "model_copy", ("model",)),
    ("openai._response.BaseAPIResponse", "_parse", ("to",)),
    ("openai._response.BaseAPIResponse", "_cast_to", ()),
    ("openai._legacy_response.LegacyAPIResponse", "_parse", ("to",)),
    ("openai.Stream", "_iter_events", ()),
    ("openai.Stream", "__stream__", ()),
    ("openai.Stream", "_client", ()),
    ("openai.AsyncStream", "_iter_events", ()),
    ("openai.AsyncStream", "__stream__", ()),
    ("openai._streaming", "ServerSentEvent", ()),
    ("openai._types", "NotGiven", ()),
    ("openai._types", "Omit", ()),
    ("openai._types", "RequestOptions", ()),
    ("openai._constants", "RAW_RESPONSE_HEADER", ()),
    ("openai._legacy_response.LegacyAPIResponse", "parse", ("to",)),
    ("openai._legacy_response.LegacyAPIResponse", "headers", ()),
    ("openai._legacy_response.LegacyAPIResponse", "content", ()),
)

RAW_RESPONSE_OPTIONS: Final[RequestOptions] = {"headers": {RAW_RESPONSE_HEADER: "true"}}
"""``client.post(..., options=RAW_RESPONSE_OPTIONS)`` returns openai's raw response (a
:class:`LegacyAPIResponse`: headers, bytes and ``parse()``, which runs the client's response checks),
as ``with_raw_response`` does for the namespace methods."""


# --------------------------------------------------------------------------------------------
# Request options


def merged_body(options: FinalRequestOptions) -> Mapping[str, Any] | None:
    """The JSON body openai will send: ``json_data`` with ``extra_body`` shallow-merged over it
    (``omit`` deletes a key, as openai does). ``None`` when the body is not a JSON object."""
    json_data = options.json_data
    if type(json_data) is not dict and not isinstance(json_data, Mapping):
        return None
    if not options.extra_json:
        return json_data
    merged = {**json_data, **options.extra_json}
    return {k: v for k, v in merged.items() if not isinstance(v, Omit)}


def replace_body(
    options: FinalRequestOptions, body: dict[str, Any] | None, url: str | None
) -> FinalRequestOptions:
    """A copy of ``options`` with a new body (``extra_body`` already merged in) and/or URL."""
    new = model_copy(options)
    if body is not None:
        new.json_data = body
        new.extra_json = None
    if url is not None:
        new.url = url
    return new


def forget_openai_env(
    client: openai.OpenAI | openai.AsyncOpenAI,
    default_headers: Mapping[str, str] | None,
    webhook_secret: str | None,
) -> None:
    """Undo what openai read from OpenAI's environment (OPENAI_*): none of it may reach DeepSeek."""
    client.organization = None
    client.project = None
    client.admin_api_key = None
    client.webhook_secret = webhook_secret
    client._custom_headers = dict(default_headers or {})
    client._ambient_authorizations = frozenset()


def set_default_stream_cls(client: openai.OpenAI | openai.AsyncOpenAI, cls: type[Any]) -> None:
    """The stream class openai uses where a resource passes none (raw responses)."""
    client._default_stream_cls = cls


def stream_secret(stream: Stream[Any] | AsyncStream[Any]) -> str | None:
    """The API key of the client a stream belongs to (to redact it from error events)."""
    key = getattr(stream._client, "api_key", None)
    return key if isinstance(key, str) else None


# --------------------------------------------------------------------------------------------
# Client seams


class ClientSeams(BaseClient[_HttpxT, Any]):
    """openai's sync-or-async-agnostic private seams, mapped to ``_ds_*`` hooks."""

    def _ds_status_error(self, body: object, response: httpx2.Response) -> openai.APIStatusError:
        raise NotImplementedError

    def _ds_should_retry(self, response: httpx2.Response) -> bool | None:
        """``True``/``False`` to decide, ``None`` to leave it to openai."""
        return None

    def _ds_prepare(
        self, options: FinalRequestOptions, stream_cls: type[Any] | None
    ) -> tuple[FinalRequestOptions, type[Any] | None]:
        """Runs once per call, before openai's retry loop: the request seam."""
        return options, stream_cls

    def _ds_transport_error(self, exc: openai.APIConnectionError) -> Exception:
        return exc

    def _ds_malformed(self, response: httpx2.Response, exc: Exception) -> Exception:
        return exc

    def _ds_check_data(self, data: object, cast_to: Any, response: httpx2.Response) -> None:
        """Called with every decoded JSON body and stream chunk before openai builds its model;
        raise to refuse a wrong shape."""

    def _ds_parsed(self, value: Any, response: httpx2.Response) -> Any:
        """Called with every model openai built from a body or chunk; returns what the caller gets."""
        return value

    @override
    def _process_response_data(
        self, *, data: object, cast_to: type[ResponseT], response: httpx2.Response
    ) -> ResponseT:
        self._ds_check_data(data, cast_to, response)
        return cast(
            ResponseT,
            self._ds_parsed(
                super()._process_response_data(data=data, cast_to=cast_to, response=response), response
            ),
        )

    @override
    def _make_status_error(
        self, err_msg: str, *, body: object, response: httpx2.Response
    ) -> openai.APIStatusError:
        return self._ds_status_error(body, response)

    @override
    def _should_retry(self, response: httpx2.Response) -> bool:
        decided = self._ds_should_retry(response)
        return super()._should_retry(response) if decided is None else decided

    def _ds_checked(self, result: Any, cast_to: Any, response: httpx2.Response) -> Any:
        """Raw responses translate their own parse failures; text where a model was expected is malformed."""
        if isinstance(result, LegacyAPIResponse | BaseAPIResponse):
            original = result._parse

            def _parse(*, to: Any = None) -> Any:
                try:
                    value = original(to=to)
                except PARSE_ERRORS as exc:
                    raise self._ds_malformed(response, exc) from exc
                if isinstance(value, str) and _expects_model(to or result._cast_to):
                    raise self._ds_malformed(response, ValueError("the body is not JSON"))
                return value

            result.__dict__["_parse"] = _parse
            return result
        if isinstance(result, str) and _expects_model(cast_to):
            raise self._ds_malformed(response, ValueError("the body is not JSON"))
        return result


def _expects_model(cast_to: Any) -> bool:
    return isinstance(cast_to, type) and issubclass(cast_to, openai.BaseModel)


class SyncSeams(ClientSeams[httpx2.Client], openai.OpenAI):
    """The sync client's seams: ``request`` and ``_process_response``."""

    @overload
    def request(
        self,
        cast_to: type[ResponseT],
        options: FinalRequestOptions,
        *,
        stream: Literal[True],
        stream_cls: type[_StreamT],
    ) -> _StreamT: ...

    @overload
    def request(
        self, cast_to: type[ResponseT], options: FinalRequestOptions, *, stream: Literal[False] = False
    ) -> ResponseT: ...

    @overload
    def request(
        self,
        cast_to: type[ResponseT],
        options: FinalRequestOptions,
        *,
        stream: bool = False,
        stream_cls: type[_StreamT] | None = None,
    ) -> ResponseT | _StreamT: ...

    @override
    def request(
        self,
        cast_to: type[ResponseT],
        options: FinalRequestOptions,
        *,
        stream: bool = False,
        stream_cls: type[_StreamT] | None = None,
    ) -> ResponseT | _StreamT:
        options, stream_cls = self._ds_prepare(options, stream_cls)
        try:
            return super().request(cast_to, options, stream=stream, stream_cls=stream_cls)
        except openai.APIConnectionError as exc:
            raise self._ds_transport_error(exc) from exc

    @override
    def _process_response(
        self,
        *,
        cast_to: type[ResponseT],
        options: FinalRequestOptions,
        response: httpx2.Response,
        stream: bool,
        stream_cls: type[Stream[Any]] | type[AsyncStream[Any]] | None,
        retries_taken: int = 0,
    ) -> ResponseT:
        try:
            result = super()._process_response(
                cast_to=cast_to,
                options=options,
                response=response,
                stream=stream,
                stream_cls=stream_cls,
                retries_taken=retries_taken,
            )
        except PARSE_ERRORS as exc:
            raise self._ds_malformed(response, exc) from exc
        return cast(ResponseT, self._ds_checked(result, cast_to, response))


class AsyncSeams(ClientSeams[httpx2.AsyncClient], openai.AsyncOpenAI):
    """The async client's seams: ``request`` and ``_process_response``."""

    @overload
    async def request(
        self, cast_to: type[ResponseT], options: FinalRequestOptions, *, stream: Literal[False] = False
    ) -> ResponseT: ...

    @overload
    async def request(
        self,
        cast_to: type[ResponseT],
        options: FinalRequestOptions,
        *,
        stream: Literal[True],
        stream_cls: type[_AsyncStreamT],
    ) -> _AsyncStreamT: ...

    @overload
    async def request(
        self,
        cast_to: type[ResponseT],
        options: FinalRequestOptions,
        *,
        stream: bool,
        stream_cls: type[_AsyncStreamT] | None = None,
    ) -> ResponseT | _AsyncStreamT: ...

    @override
    async def request(
        self,
        cast_to: type[ResponseT],
        options: FinalRequestOptions,
        *,
        stream: bool = False,
        stream_cls: type[_AsyncStreamT] | None = None,
    ) -> ResponseT | _AsyncStreamT:
        options, stream_cls = self._ds_prepare(options, stream_cls)
        try:
            return await super().request(cast_to, options, stream=stream, stream_cls=stream_cls)
        except openai.APIConnectionError as exc:
            raise self._ds_transport_error(exc) from exc

    @override
    async def _process_response(
        self,
        *,
        cast_to: type[ResponseT],
        options: FinalRequestOptions,
        response: httpx2.Response,
        stream: bool,
        stream_cls: type[Stream[Any]] | type[AsyncStream[Any]] | None,
        retries_taken: int = 0,
    ) -> ResponseT:
        try:
            result = await super()._process_response(
                cast_to=cast_to,
                options=options,
                response=response,
                stream=stream,
                stream_cls=stream_cls,
                retries_taken=retries_taken,
            )
        except PARSE_ERRORS as exc:
            raise self._ds_malformed(response, exc) from exc
        return cast(ResponseT, self._ds_checked(result, cast_to, response))


# --------------------------------------------------------------------------------------------
# Stream seams
#
# openai finds a stream's chunk type through the class's first generic base, which must be
# ``Stream[T]`` itself; so the stream classes are defined here, directly on openai's, and the
# DeepSeek behaviour (:mod:`._streaming`) is installed into them as a :class:`StreamPolicy`.


class StreamPolicy(Protocol):
    """What a stream does with each server-sent event, with errors and at the end."""

    def keep(self, stream: Any, sse: ServerSentEvent) -> bool:
        """Whether openai should see this event (``False`` skips it)."""
        ...

    def error(self, stream: Any, exc: Exception) -> Exception | None:
        """The exception to raise for ``exc`` raised while iterating (``None``: re-raise it)."""
        ...

    def end(self, stream: Any) -> None:
        """Called when the events ran out without an error (may raise)."""
        ...


class _Plain:
    def keep(self, stream: Any, sse: ServerSentEvent) -> bool:
        return True

    def error(self, stream: Any, exc: Exception) -> Exception | None:
        return None

    def end(self, stream: Any) -> None:
        return None


class DeepSeekStream(Stream[_T]):
    """A :class:`openai.Stream` that follows its :class:`StreamPolicy` (see :mod:`._streaming`)."""

    policy: ClassVar[StreamPolicy] = _Plain()

    @override
    def _iter_events(self) -> Iterator[ServerSentEvent]:
        keep = self.policy.keep
        for sse in super()._iter_events():
            if keep(self, sse):
                yield sse

    @override
    def __stream__(self) -> Iterator[_T]:
        try:
            yield from super().__stream__()
        except Exception as exc:
            translated = self.policy.error(self, exc)
            if translated is None:
                raise
            raise translated  # noqa: B904 (the policy decides what is chained)
        self.policy.end(self)


class AsyncDeepSeekStream(AsyncStream[_T]):
    """The async twin of :class:`DeepSeekStream`."""

    policy: ClassVar[StreamPolicy] = _Plain()

    @override
    async def _iter_events(self) -> AsyncIterator[ServerSentEvent]:
        keep = self.policy.keep
        async for sse in super()._iter_events():
            if keep(self, sse):
                yield sse

    @override
    async def __stream__(self) -> AsyncIterator[_T]:
        inner = super().__stream__()
        try:
            async for item in inner:
                yield item
        except Exception as exc:
            translated = self.policy.error(self, exc)
            if translated is None:
                raise
            raise translated  # noqa: B904 (the policy decides what is chained)
        finally:
            # Unlike `yield from`, `async for` does not close the inner generator when ours is
            # closed early; close it so the response is released now, not at garbage collection.
            await cast(Any, inner).aclose()
        self.policy.end(self)
