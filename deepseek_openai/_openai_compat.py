"""Every touch of openai's private API, in one fenced place.

openai's public surface has no hooks for a provider, so a provider subclass overrides private
methods (openai's own ``lib/azure.py`` does the same). This module is the only one that names
them: it maps each private seam onto a plain ``_ds_*`` hook that the DeepSeek client implements,
and re-exports the few private types the package needs. :data:`PRIVATE_API` lists every private
name used here with the parameters it is called with; ``tests/test_openai_compat.py`` checks them
against the installed openai, so an upgrade that moves one fails there, loudly, in one place.
"""

from __future__ import annotations

import inspect
import json
import sys
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
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
    "AsyncDeepSeekEventStream",
    "AsyncDeepSeekStream",
    "AsyncSeams",
    "DeepSeekEventStream",
    "DeepSeekStream",
    "FinalRequestOptions",
    "LegacyAPIResponse",
    "NotGiven",
    "Omit",
    "ResponseT",
    "ServerSentEvent",
    "StreamPolicy",
    "SyncSeams",
    "add_post_parser",
    "forget_openai_env",
    "merged_body",
    "model_request_id",
    "replace_body",
    "request_files",
    "stream_response",
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
    ("openai.OpenAI", "_build_request", ("options", "retries_taken")),
    ("openai.OpenAI", "_sleep_for_retry", ("retries_taken", "max_retries", "options", "response")),
    ("openai.AsyncOpenAI", "_sleep_for_retry", ("retries_taken", "max_retries", "options", "response")),
    ("openai._models", "add_request_id", ("obj", "request_id")),
    ("openai._response.APIResponse", "parse", ("to",)),
    ("openai._legacy_response.LegacyAPIResponse", "parse", ("to",)),
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
    ("openai._models.FinalRequestOptions", "post_parser", ()),
    ("openai._models.FinalRequestOptions", "files", ()),
    ("openai._compat", "model_copy", ("model",)),
    ("openai._response.BaseAPIResponse", "_parse", ("to",)),
    ("openai._response.BaseAPIResponse", "_cast_to", ()),
    ("openai._legacy_response.LegacyAPIResponse", "_parse", ("to",)),
    ("openai.Stream", "_iter_events", ()),
    ("openai.Stream", "__stream__", ()),
    ("openai.Stream", "_client", ()),
    ("openai.AsyncStream", "_iterator", ()),
    ("openai.AsyncStream", "_iter_events", ()),
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


def request_files(options: FinalRequestOptions) -> list[tuple[str, Any]]:
    """The multipart files of a request, as ``(field, value)`` pairs in httpx's shapes (bytes, a file
    object, or a ``(filename, content[, content_type[, headers]])`` tuple); ``[]`` for none."""
    files = options.files
    if not files:
        return []
    return list(files.items()) if isinstance(files, Mapping) else list(files)


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


def add_post_parser(options: FinalRequestOptions, hook: Callable[[Any], Any]) -> FinalRequestOptions:
    """A copy of ``options`` whose parsed result goes through ``hook`` first, then openai's own
    post-parser (``.parse()`` has one). openai applies it to a completion, and to a stream object
    before it is iterated (see :class:`DeepSeekStream`)."""
    new = model_copy(options)
    original = options.post_parser
    if isinstance(original, NotGiven) or original is None:
        new.post_parser = hook
    else:
        new.post_parser = lambda value: original(hook(value))
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


def model_request_id(value: object) -> str | None:
    """The ``_request_id`` openai keeps on every model it returns (``None`` when it has none)."""
    if isinstance(value, openai.BaseModel):
        # openai's add_request_id sets a plain attribute: it lands in the instance __dict__.
        rid = value.__dict__.get("_request_id")
        return rid if isinstance(rid, str) else None
    return None


def _fill_request_id(value: object, request_id: str | None) -> None:
    """Set ``value._request_id`` (what openai fills from ``x-request-id``) when openai left it empty."""
    if request_id is None or not isinstance(value, openai.BaseModel):
        return
    # Where openai's own add_request_id puts it (a plain attribute lands in the instance __dict__);
    # writing the dict directly skips pydantic's __setattr__, which costs ~1 us per stream chunk.
    attributes = value.__dict__
    if attributes.get("_request_id") is None:
        attributes["_request_id"] = request_id


def stream_response(value: object) -> httpx2.Response | None:
    """The HTTP response behind a stream, a raw response or an error, if ``value`` is one."""
    if isinstance(value, Stream | AsyncStream):
        return value.response
    if isinstance(value, LegacyAPIResponse | BaseAPIResponse):
        return value.http_response
    if isinstance(value, httpx2.Response):
        return value
    response = getattr(value, "response", None)
    return response if isinstance(response, httpx2.Response) else None


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

    def _ds_unsendable(self, options: FinalRequestOptions, exc: Exception) -> Exception | None:
        """Called when openai could not build the request (the body would not encode as JSON, say):
        the exception to raise instead, or ``None`` to let ``exc`` through."""
        return None

    @override
    def _build_request(self, options: FinalRequestOptions, *, retries_taken: int = 0) -> httpx2.Request:
        try:
            return super()._build_request(options, retries_taken=retries_taken)
        except (TypeError, ValueError, RecursionError) as exc:
            replaced = self._ds_unsendable(options, exc)
            if replaced is None:
                raise
            raise replaced from exc

    def _ds_check_data(self, data: object, cast_to: Any, response: httpx2.Response) -> None:
        """Called with every decoded JSON body and stream chunk before openai builds its model;
        raise to refuse a wrong shape."""

    def _ds_parsed(self, value: Any, response: httpx2.Response) -> Any:
        """Called with every model openai built from a body or chunk; returns what the caller gets."""
        return value

    def _ds_request_id(self, response: httpx2.Response) -> str | None:
        """The request id to put in ``_request_id`` when openai found none (it reads ``x-request-id``)."""
        return None

    def _ds_response(self, response: httpx2.Response, retries_taken: int) -> None:
        """Called once per successful HTTP response (a stream: once its headers arrived)."""

    def _ds_retrying(
        self, response: httpx2.Response | None, retry: int, max_retries: int, error: BaseException | None
    ) -> None:
        """Called before openai sleeps and sends again: retry ``retry`` of ``max_retries``, after
        ``response`` (an error status) or ``error`` (a connection failure or timeout)."""

    def _ds_cached_request_id(self, response: httpx2.Response) -> str | None:
        # Read once per response (a header lookup costs ~2 us; a stream asks for every chunk).
        cached = response.__dict__.get("_ds_request_id", _UNSET)
        if cached is _UNSET:
            cached = response.__dict__["_ds_request_id"] = self._ds_request_id(response)
        return cast("str | None", cached)

    @override
    def _process_response_data(
        self, *, data: object, cast_to: type[ResponseT], response: httpx2.Response
    ) -> ResponseT:
        self._ds_check_data(data, cast_to, response)
        value = super()._process_response_data(data=data, cast_to=cast_to, response=response)
        # Stream chunks are built here and nowhere else; bodies are filled again after openai's own
        # add_request_id (which writes x-request-id, None on DeepSeek) in _ds_checked.
        _fill_request_id(value, self._ds_cached_request_id(response))
        return cast(ResponseT, self._ds_parsed(value, response))

    @override
    def _make_status_error(
        self, err_msg: str, *, body: object, response: httpx2.Response
    ) -> openai.APIStatusError:
        return self._ds_status_error(body, response)

    @override
    def _should_retry(self, response: httpx2.Response) -> bool:
        decided = self._ds_should_retry(response)
        return super()._should_retry(response) if decided is None else decided

    def _ds_checked(self, result: Any, cast_to: Any, response: httpx2.Response, retries_taken: int) -> Any:
        """Raw responses translate their own parse failures; text where a model was expected is malformed.

        Also where the request id is filled in: openai's ``add_request_id`` runs after parsing and
        writes ``x-request-id`` (absent on DeepSeek), so DeepSeek's id goes in after it.
        """
        self._ds_response(response, retries_taken)
        request_id = self._ds_cached_request_id(response)
        if isinstance(result, LegacyAPIResponse | BaseAPIResponse):
            original = result._parse
            _with_request_id(result, request_id)

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
        _fill_request_id(result, request_id)
        return result


_UNSET: Final = object()


def _with_request_id(result: LegacyAPIResponse[Any] | BaseAPIResponse[Any], request_id: str | None) -> None:
    """Make a raw response's ``parse()`` fill the request id into what it returns (sync or async)."""
    parse = getattr(result, "parse", None)
    if parse is None or request_id is None:
        return
    if inspect.iscoroutinefunction(parse):

        async def _aparse(*, to: Any = None) -> Any:
            value = await parse(to=to)
            _fill_request_id(value, request_id)
            return value

        result.__dict__["parse"] = _aparse
        return

    def _parse(*, to: Any = None) -> Any:
        value = parse(to=to)
        _fill_request_id(value, request_id)
        return value

    result.__dict__["parse"] = _parse


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
    def _sleep_for_retry(
        self,
        *,
        retries_taken: int,
        max_retries: int,
        options: FinalRequestOptions,
        response: httpx2.Response | None,
    ) -> None:
        # openai calls this inside its `except` clause, so the failure being retried is the current one.
        self._ds_retrying(response, retries_taken + 1, max_retries, sys.exc_info()[1])
        super()._sleep_for_retry(
            retries_taken=retries_taken, max_retries=max_retries, options=options, response=response
        )

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
        return cast(ResponseT, self._ds_checked(result, cast_to, response, retries_taken))


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
    async def _sleep_for_retry(
        self,
        *,
        retries_taken: int,
        max_retries: int,
        options: FinalRequestOptions,
        response: httpx2.Response | None,
    ) -> None:
        self._ds_retrying(response, retries_taken + 1, max_retries, sys.exc_info()[1])
        await super()._sleep_for_retry(
            retries_taken=retries_taken, max_retries=max_retries, options=options, response=response
        )

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
        return cast(ResponseT, self._ds_checked(result, cast_to, response, retries_taken))


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


def _kept(stream: Any, events: Iterator[ServerSentEvent]) -> Iterator[ServerSentEvent]:
    keep = stream.policy.keep
    for sse in events:
        if keep(stream, sse):
            yield sse


async def _akept(stream: Any, events: AsyncIterator[ServerSentEvent]) -> AsyncIterator[ServerSentEvent]:
    keep = stream.policy.keep
    async for sse in events:
        if keep(stream, sse):
            yield sse


def _policed(stream: Any, items: Iterator[_T]) -> Iterator[_T]:
    try:
        mend = getattr(stream, "_ds_mend", None)  # read at the first item: the post-parser sets it
        if mend is None:
            yield from items
        else:
            for item in items:
                yield mend(item)
    except Exception as exc:
        translated = stream.policy.error(stream, exc)
        if translated is None:
            raise
        raise translated  # noqa: B904 (the policy decides what is chained)
    stream.policy.end(stream)


async def _apoliced_next(stream: Any) -> Any:
    """One item of an async stream, with the policy's translation and end check.

    A plain coroutine, called from ``__anext__``, rather than one more async generator around
    openai's ``__stream__``: a stream abandoned mid-way (``break`` out of ``async for``, then dropped)
    leaves its generators to the event loop's finalizer, which closes each in its own task, and a
    wrapper that closed the inner generator itself raced it ("aclose(): asynchronous generator is
    already running", logged as "Task exception was never retrieved" for every abandoned stream).
    """
    if stream._ds_finished:
        raise StopAsyncIteration
    try:
        item = await stream._iterator.__anext__()
        mend = getattr(stream, "_ds_mend", None)
        return item if mend is None else mend(item)
    except StopAsyncIteration:
        stream._ds_finished = True
        stream.policy.end(stream)
        raise
    except Exception as exc:
        stream._ds_finished = True
        translated = stream.policy.error(stream, exc)
        if translated is None:
            raise
        raise translated  # noqa: B904 (the policy decides what is chained)


class DeepSeekStream(Stream[_T]):
    """A :class:`openai.Stream` that follows its :class:`StreamPolicy` (see :mod:`._streaming`).

    ``_ds_mend``, when a call's post-parser set it, is applied to every item before it is yielded.
    """

    policy: ClassVar[StreamPolicy] = _Plain()
    _ds_mend: Callable[[Any], Any] | None = None

    @override
    def _iter_events(self) -> Iterator[ServerSentEvent]:
        return _kept(self, super()._iter_events())

    @override
    def __stream__(self) -> Iterator[_T]:
        return _policed(self, super().__stream__())


class AsyncDeepSeekStream(AsyncStream[_T]):
    """The async twin of :class:`DeepSeekStream`; its own iterator (see :func:`_apoliced_next`)."""

    policy: ClassVar[StreamPolicy] = _Plain()
    _ds_finished: bool = False
    _ds_mend: Callable[[Any], Any] | None = None

    @override
    def _iter_events(self) -> AsyncIterator[ServerSentEvent]:
        return _akept(self, super()._iter_events())

    @override
    def __aiter__(self) -> AsyncIterator[_T]:
        return self

    @override
    async def __anext__(self) -> _T:
        item: _T = await _apoliced_next(self)
        return item


# The same on a second pair of classes, for endpoints whose streams end differently (the Responses
# API's typed events end with a terminal event, not [DONE]): each pair carries its own policy, and
# each class must derive from openai's Stream directly (see the note above).


class DeepSeekEventStream(Stream[_T]):
    """A :class:`DeepSeekStream` for typed-event streams (its own :class:`StreamPolicy`)."""

    policy: ClassVar[StreamPolicy] = _Plain()

    @override
    def _iter_events(self) -> Iterator[ServerSentEvent]:
        return _kept(self, super()._iter_events())

    @override
    def __stream__(self) -> Iterator[_T]:
        return _policed(self, super().__stream__())


class AsyncDeepSeekEventStream(AsyncStream[_T]):
    """The async twin of :class:`DeepSeekEventStream`; its own iterator, like :class:`AsyncDeepSeekStream`."""

    policy: ClassVar[StreamPolicy] = _Plain()
    _ds_finished: bool = False

    @override
    def _iter_events(self) -> AsyncIterator[ServerSentEvent]:
        return _akept(self, super()._iter_events())

    @override
    def __aiter__(self) -> AsyncIterator[_T]:
        return self

    @override
    async def __anext__(self) -> _T:
        item: _T = await _apoliced_next(self)
        return item
