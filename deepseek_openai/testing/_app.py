"""The emulator's ASGI application: DeepSeek's HTTP surface on Starlette routing.

Endpoints are raw ASGI callables behind a Starlette :class:`~starlette.routing.Router`, because fault
injection needs byte-level control (headers first and then a stall, a stream cut without ``[DONE]``,
a dropped TCP connection) that ``Response`` objects do not give. Per request, in order: read the body
(413 over the limit), decode it as DeepSeek's parser would (:mod:`._body`), record it, check the key
(401), refuse a JSON body that is not JSON (400), apply the next matching fault, then validate
(400/422), check the balance (402) and the concurrency limit (429), and answer. Those first steps are
shared by every route, so hostile bodies (nested past serde's limit, lone surrogates, ``NaN``) get a
400 on any route instead of a 500 that clients would retry.

Served: ``/chat/completions`` (also under ``/v1`` and ``/beta``), ``/beta/completions`` (FIM),
``/models``, ``/user/balance`` and ``/responses`` (standard base only; :mod:`._responses` writes its
objects and typed events, and the stateful ``/responses/...`` paths are stateless 404s).

All mutable state lives in :class:`EmulatorState`, guarded by one lock, so the test thread can script
and inspect while the server thread answers. Recordings are bounded: at most ``max_records``
requests, and their bodies up to ``max_recorded_bytes`` in total (older bodies are let go first; the
record stays, with ``omitted`` set), so a flood of large requests cannot grow the server without end.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Iterable, MutableMapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

from starlette.routing import BaseRoute, Route, Router

from deepseek_openai._redact import mask_header

from ._body import NOT_JSON, decode, parse_error_message
from ._errors import (
    MIB,
    ApiError,
    auth_failed,
    bad_request,
    context_too_long,
    fim_not_found,
    insufficient_balance,
    not_found,
    payload_too_large,
    responses_not_found,
    status_error,
)
from ._faults import Fault, ScriptedReply, ScriptQueue
from ._files import FileStore, no_such_file, parse_upload
from ._models import (
    ACCEPTED_MODELS,
    CANONICAL_MODELS,
    CONTEXT_LENGTH,
    FIM_MAX_TOKENS,
    MODELS,
    default_max_tokens,
    is_peak,
    price_usd,
)
from ._replies import (
    Reply,
    build_chat_reply,
    build_fim_reply,
    chat_body,
    chat_events,
    fim_body,
    fim_events,
)
from ._responses import ResponsesRequest, parse_responses, response_object, responses_events
from ._tokens import PrefixCache, chat_prompt_tokens, fim_prompt_tokens, image_marker
from ._validation import ChatRequest, FimRequest, parse_chat, parse_fim

__all__ = ["DEFAULT_API_KEY", "DEFAULT_BALANCE", "EmulatorApp", "EmulatorState", "RecordedRequest"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

#: The key the emulator accepts when it is given none (it guards nothing: it only has to be stable).
DEFAULT_API_KEY = "sk-emulator-0000000000000000deepseek"
#: Every key's starting balance, in USD (``set_balance`` changes it).
DEFAULT_BALANCE = Decimal("100.00")
MAX_BODY_BYTES = 48 * MIB
MAX_RECORDS = 10_000
"""Requests remembered by default (the oldest are forgotten first)."""
MAX_RECORDED_BYTES = 64 * MIB
"""Bodies kept in recordings by default, in total, by their size on the wire."""
MAX_COUNTED_PATHS = 1_024
"""Distinct paths counted one by one; requests to further unknown paths are counted as ``<other>``."""
#: ``POST /files`` bodies: a 64 MiB file plus the form around it.
MAX_UPLOAD_BYTES = 64 * MIB + 64 * 1024
_SECRET_HEADERS = ("authorization", "api-key", "x-api-key", "cookie", "proxy-authorization")

request_log = logging.getLogger("deepseek_openai.testing")
"""One INFO line per request answered: method, path, status, time, trace id (never a header or a body)."""
_RAW_SEND = "deepseek_emulator.raw_send"


@dataclass(slots=True)
class RecordedRequest:
    """One request as the server saw it. ``headers`` has secrets masked; ``json`` is the parsed body
    (``None`` when there was none or it did not parse); ``status`` is filled in once answered."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    json: Any
    body_size: int
    status: int | None = None
    time: float = field(default_factory=time.time)
    omitted: bool = False
    """The body parsed but was not kept: recordings keep at most ``max_recorded_bytes`` of bodies."""


class EmulatorState:
    """Everything the server remembers between requests; safe to use from any thread."""

    def __init__(  # noqa: PLR0913 (the emulator's public options)
        self,
        api_keys: Sequence[str] | None = None,
        *,
        concurrency_limit: int | None = None,
        max_body_bytes: int = MAX_BODY_BYTES,
        max_upload_bytes: int = MAX_UPLOAD_BYTES,
        default_balance: Decimal = DEFAULT_BALANCE,
        max_records: int = MAX_RECORDS,
        max_recorded_bytes: int = MAX_RECORDED_BYTES,
    ) -> None:
        keys = tuple(api_keys) if api_keys else (DEFAULT_API_KEY,)
        if not all(isinstance(key, str) and key for key in keys):
            raise ValueError("api_keys must be non-empty strings")
        if concurrency_limit is not None and concurrency_limit < 1:
            raise ValueError("concurrency_limit must be >= 1 (or None for the per-model account limit)")
        if max_records < 1 or max_recorded_bytes < 0:
            raise ValueError("max_records must be >= 1 and max_recorded_bytes >= 0")
        self.max_records = max_records
        self.max_recorded_bytes = max_recorded_bytes
        self.api_keys = keys
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes
        self.default_balance = default_balance
        self.lock = threading.Lock()
        self.faults: ScriptQueue[Fault] = ScriptQueue()
        self.replies: ScriptQueue[ScriptedReply] = ScriptQueue()
        self.cache = PrefixCache()
        self._initial_concurrency = concurrency_limit
        self.concurrency_limit = concurrency_limit
        self.records: deque[RecordedRequest] = deque()
        self._with_bodies: deque[RecordedRequest] = deque()
        self._kept_bytes = 0
        self.counts: Counter[str] = Counter()
        self.balances: dict[str, Decimal] = {}
        self.in_flight: Counter[tuple[str, str | None]] = Counter()
        self.files = FileStore()
        self.peak_in_flight = 0
        """The most completions one key (and user_id) had in flight at once since the last reset."""

    def reset(self) -> None:
        """Forget scripts, records, cache, files, balances, limits and clock moves; keys stay."""
        self.faults.clear()
        self.replies.clear()
        self.cache.clear()
        self.files.clear()
        with self.lock:
            self.records.clear()
            self._with_bodies.clear()
            self._kept_bytes = 0
            self.counts.clear()
            self.balances.clear()
            self.concurrency_limit = self._initial_concurrency
            self.peak_in_flight = 0

    def record(self, entry: RecordedRequest, *, known_route: bool = True) -> None:
        """Remember a request, within the bounds (see the module docstring)."""
        with self.lock:
            records, bodies = self.records, self._with_bodies
            records.append(entry)
            if entry.json is not None:
                if entry.body_size > self.max_recorded_bytes:
                    entry.json, entry.omitted = None, True
                else:
                    bodies.append(entry)
                    self._kept_bytes += entry.body_size
            if len(records) > self.max_records:
                gone = records.popleft()
                if bodies and bodies[0] is gone:  # both deques are oldest first
                    bodies.popleft()
                    self._kept_bytes -= gone.body_size
            while self._kept_bytes > self.max_recorded_bytes:
                old = bodies.popleft()
                self._kept_bytes -= old.body_size
                old.json, old.omitted = None, True
            counts = self.counts
            path = entry.path
            if not known_route and path not in counts and len(counts) >= MAX_COUNTED_PATHS:
                path = "<other>"
            counts[path] += 1

    def balance(self, key: str) -> Decimal:
        with self.lock:
            return self.balances.get(key, self.default_balance)

    def set_balance(self, key: str, amount: Decimal) -> None:
        with self.lock:
            self.balances[key] = amount

    def charge(self, key: str, cost: Decimal) -> None:
        with self.lock:
            self.balances[key] = self.balances.get(key, self.default_balance) - cost

    def acquire(self, slot: tuple[str, str | None], account_limit: int) -> tuple[int, int] | None:
        """Take a concurrency slot; on refusal, (current, limit) for the 429 message."""
        with self.lock:
            limit = self.concurrency_limit if self.concurrency_limit is not None else account_limit
            current = self.in_flight[slot] + 1
            if current > limit:
                return current, limit
            self.in_flight[slot] = current
            self.peak_in_flight = max(self.peak_in_flight, current)
            return None

    def release(self, slot: tuple[str, str | None]) -> None:
        with self.lock:
            self.in_flight[slot] -= 1
            if self.in_flight[slot] <= 0:
                del self.in_flight[slot]


class _Aborted(Exception):
    """The connection was dropped on purpose (fault or shutdown); nothing more is sent."""


class _Exchange:
    """One request/response: the ASGI channels plus the trace id every response carries."""

    __slots__ = ("closing", "raw_send", "receive", "record", "send", "started", "trace_id")

    def __init__(self, scope: Scope, receive: Receive, send: Send, closing: asyncio.Event) -> None:
        self.receive = receive
        self.send = send
        self.raw_send: Send = scope.get(_RAW_SEND, send)
        self.trace_id = str(uuid.uuid4())
        self.closing = closing
        self.record: RecordedRequest | None = None
        self.started = False

    async def start(self, status: int, content_type: str, extra: Iterable[tuple[str, str]] = ()) -> None:
        headers = [(b"content-type", content_type.encode()), (b"x-ds-trace-id", self.trace_id.encode())]
        headers += [(name.encode(), value.encode()) for name, value in extra]
        if self.record is not None:
            self.record.status = status
        self.started = True
        await self.send({"type": "http.response.start", "status": status, "headers": headers})

    async def body(self, data: bytes, more: bool = False) -> None:
        await self.send({"type": "http.response.body", "body": data, "more_body": more})

    async def whole(
        self, status: int, data: bytes, content_type: str = "application/json", extra: Sequence[Any] = ()
    ) -> None:
        await self.start(status, content_type, [("content-length", str(len(data))), *extra])
        await self.body(data)

    async def error(self, error: ApiError, *, octet: bool = False, retry_after: float | None = None) -> None:
        extra = [("retry-after", f"{retry_after:g}")] if retry_after is not None else []
        kind = "application/octet-stream" if octet else "application/json"
        await self.whole(error.status, error.body_bytes(), kind, extra)

    async def pause(self, seconds: float) -> None:
        """Sleep, ended early by the client going away or the server stopping (then :class:`_Aborted`)."""
        if seconds <= 0:
            return
        if self.closing.is_set():
            raise _Aborted
        sleeper = asyncio.ensure_future(asyncio.sleep(seconds))
        gone = asyncio.ensure_future(self._wait_disconnect())
        closing = asyncio.ensure_future(self.closing.wait())
        done, pending = await asyncio.wait({sleeper, gone, closing}, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        if sleeper in done:
            return
        if closing in done:
            await self.abort()  # the server is stopping: drop the connection like a dying server
        raise _Aborted

    async def _wait_disconnect(self) -> None:
        while (await self.receive())["type"] != "http.disconnect":
            pass

    async def abort(self) -> None:
        """Drop the TCP connection (whatever was sent so far is flushed first)."""
        transport = getattr(getattr(self.raw_send, "__self__", None), "transport", None)
        if transport is None or not hasattr(transport, "close"):
            # In-process (ASGI transport): an exception is the only way to break the exchange.
            raise ConnectionResetError("the emulator dropped the connection (injected fault)")
        transport.close()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wait_disconnect(), timeout=2.0)
        raise _Aborted


def concurrency_exceeded(current: int, limit: int) -> ApiError:
    """429 in the live API's words (spec section 10)."""
    return status_error(
        429,
        f"Your current concurrency is {current}, which exceeds your concurrency limit of {limit}. "
        "Please reduce the number of concurrent requests or try again later.",
    )


_Handler = Callable[[_Exchange, Scope, Any, str | None], Awaitable[None]]


class _Endpoint:
    """A raw ASGI endpoint (an instance, not a function, so Starlette routes to it without wrapping)."""

    __slots__ = ("app", "handler")

    def __init__(self, app: EmulatorApp, handler: _Handler) -> None:
        self.app = app
        self.handler = handler

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app._handle(self.handler, scope, receive, send)


class EmulatorApp:
    """The ASGI app. Several apps may share one :class:`EmulatorState` (server and in-process transport)."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state
        self._closing: asyncio.Event | None = None
        routes: list[BaseRoute] = []
        for prefix in ("", "/v1", "/beta"):
            routes.append(Route(f"{prefix}/chat/completions", self._endpoint(self._chat)))
            routes.append(Route(f"{prefix}/models", self._endpoint(self._models)))
            routes.append(Route(f"{prefix}/user/balance", self._endpoint(self._balance)))
        for prefix in ("", "/v1"):  # the Responses API is served on the standard base URL only
            routes.append(Route(f"{prefix}/responses", self._endpoint(self._responses)))
            routes.append(Route(f"{prefix}/responses/{{rest:path}}", self._endpoint(self._stateless)))
        routes.append(Route("/beta/responses", self._endpoint(self._responses_outside_standard)))
        for prefix in ("", "/v1"):
            routes.append(Route(f"{prefix}/files", self._endpoint(self._files)))
            routes.append(Route(f"{prefix}/files/{{file_id}}", self._endpoint(self._file)))
        routes.append(Route("/beta/completions", self._endpoint(self._fim)))
        routes.append(Route("/completions", self._endpoint(self._fim_outside_beta)))
        routes.append(Route("/v1/completions", self._endpoint(self._fim_outside_beta)))
        self.router = Router(routes=routes, default=self._endpoint(self._not_found))

    @property
    def closing(self) -> asyncio.Event:
        if self._closing is None:
            self._closing = asyncio.Event()
        return self._closing

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        scope[_RAW_SEND] = send
        await self.router(scope, receive, send)

    def _endpoint(self, handler: _Handler) -> _Endpoint:
        return _Endpoint(self, handler)

    # ------------------------------------------------------------------------------------------ flow

    async def _handle(
        self,
        handler: _Handler,
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> None:
        if not request_log.isEnabledFor(logging.INFO):
            await self._exchange(handler, scope, receive, send, None)
            return
        started = time.perf_counter()
        ex = _Exchange(scope, receive, send, self.closing)
        try:
            await self._exchange(handler, scope, receive, send, ex)
        finally:
            status = ex.record.status if ex.record is not None else None
            request_log.info(
                "%s %s %s %.1f ms x-ds-trace-id=%s",
                scope.get("method", "?"),
                scope.get("path", "?"),
                status if status is not None else "dropped",
                (time.perf_counter() - started) * 1000,
                ex.trace_id,
            )

    async def _exchange(  # noqa: PLR0912, PLR0915 (the request path of the server, step by step)
        self,
        handler: _Handler,
        scope: Scope,
        receive: Receive,
        send: Send,
        exchange: _Exchange | None,
    ) -> None:
        ex = exchange or _Exchange(scope, receive, send, self.closing)
        state = self.state
        path: str = scope["path"]
        headers: dict[str, str] = {}
        for name, value in scope["headers"]:
            headers[name.decode("latin-1").lower()] = value.decode("latin-1")
        too_large = False
        raw = b""
        limit = state.max_upload_bytes if handler == self._files else state.max_body_bytes
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            too_large = True
        else:
            chunks: list[bytes] = []
            size = 0
            more = True
            while more:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > limit:
                    too_large = True
                    break
                chunks.append(chunk)
                more = message.get("more_body", False)
            raw = b"".join(chunks)
        multipart = headers.get("content-type", "").lower().startswith("multipart/")
        parsed, problem = (NOT_JSON, None) if too_large or multipart else decode(raw)
        masked = {k: (mask_header(v) if k in _SECRET_HEADERS else v) for k, v in headers.items()}
        ex.record = RecordedRequest(
            method=scope["method"],
            path=path,
            query=scope.get("query_string", b"").decode("latin-1"),
            headers=masked,
            json=None if parsed is NOT_JSON else parsed,
            body_size=len(raw) if not too_large else int(declared or 0),
        )
        state.record(ex.record, known_route=handler != self._not_found)
        try:
            if too_large:
                await ex.error(payload_too_large(limit), retry_after=None)
                return
            auth = headers.get("authorization", "")
            scheme, _, key = auth.partition(" ")
            key = key.strip()
            if scheme.lower() != "bearer" or key not in state.api_keys:
                await ex.error(auth_failed(key or (scheme if scheme.lower() != "bearer" else "")))
                return
            if (
                problem is not None
                and handler != self._not_found
                and "json" in headers.get("content-type", "json")
            ):
                await ex.error(bad_request(parse_error_message(problem)))
                return
            body = None if parsed is NOT_JSON else parsed
            if handler not in (self._chat, self._fim, self._responses) or scope["method"] != "POST":
                if handler == self._files:
                    body = headers.get("content-type", "")  # the upload handler parses the form itself
                await self._after_auth(ex, handler, scope, body, raw, key)
                return
            # Completions hold a concurrency slot from here on, through any injected delay or stall.
            user_id = body.get("user_id") if isinstance(body, dict) else None
            slot = (key, user_id if isinstance(user_id, str) else None)
            named = body.get("model") if isinstance(body, dict) else None
            model = ACCEPTED_MODELS.get(named) if isinstance(named, str) else None
            refused = state.acquire(slot, MODELS[model].concurrency if isinstance(model, str) else 2500)
            if refused is not None:
                await ex.error(concurrency_exceeded(*refused))
                return
            try:
                if raw and body is None:
                    body = _MALFORMED
                await self._after_auth(ex, handler, scope, body, raw, key)
            finally:
                state.release(slot)
        except _Aborted:
            return
        except ConnectionResetError:
            raise
        except Exception as exc:  # a bug in the emulator: answer 500 so the test sees it, and say what
            if not ex.started:
                await ex.error(status_error(500, f"Emulator error: {type(exc).__name__}: {exc}"))
                return
            raise

    async def _after_auth(  # noqa: PLR0913 (the request path of the server, step by step)
        self, ex: _Exchange, handler: _Handler, scope: Scope, body: Any, raw: bytes, key: str
    ) -> None:
        fault = self.state.faults.take(scope["path"])
        if fault is not None:
            if fault.delay:
                await ex.pause(fault.delay)
            if fault.status is not None:
                error = status_error(fault.status, fault.message)
                await ex.error(error, octet=fault.octet_stream, retry_after=fault.retry_after)
                return
            if fault.after_chunks is None:
                if fault.stall:
                    await ex.pause(fault.stall)
                if fault.disconnect:
                    await ex.abort()
        await handler(ex, scope, (body, raw, fault), key)

    # ------------------------------------------------------------------------------------- endpoints

    async def _not_found(self, ex: _Exchange, scope: Scope, payload: Any, key: str | None) -> None:
        await ex.error(not_found())

    async def _fim_outside_beta(self, ex: _Exchange, scope: Scope, payload: Any, key: str | None) -> None:
        await ex.error(fim_not_found())

    async def _get_only(self, ex: _Exchange, scope: Scope) -> bool:
        if scope["method"] in ("GET", "HEAD"):
            return True
        await ex.error(status_error(405))
        return False

    async def _plain_json(self, ex: _Exchange, data: bytes, fault: Fault | None) -> None:
        if fault is None:
            await ex.whole(200, data)
            return
        await self._send_padded(ex, data, fault)

    async def _models(self, ex: _Exchange, scope: Scope, payload: Any, key: str | None) -> None:
        if not await self._get_only(ex, scope):
            return
        body = {
            "object": "list",
            "data": [{"id": model, "object": "model", "owned_by": "deepseek"} for model in CANONICAL_MODELS],
        }
        await self._plain_json(ex, json.dumps(body).encode(), payload[2])

    async def _balance(self, ex: _Exchange, scope: Scope, payload: Any, key: str | None) -> None:
        if not await self._get_only(ex, scope):
            return
        assert key is not None
        amount = self.state.balance(key)
        shown = max(amount, Decimal(0)).quantize(Decimal("0.01"))
        body = {
            "is_available": amount > 0,
            "balance_infos": [
                {
                    "currency": "USD",
                    "total_balance": str(shown),
                    "granted_balance": "0.00",
                    "topped_up_balance": str(shown),
                }
            ],
        }
        await self._plain_json(ex, json.dumps(body).encode(), payload[2])

    async def _files(self, ex: _Exchange, scope: Scope, payload: Any, key: str | None) -> None:
        """``POST /files`` (upload) and ``GET /files`` (list)."""
        assert key is not None
        store = self.state.files
        content_type, raw, fault = payload
        method = scope["method"]
        result: dict[str, Any] | ApiError
        if method == "POST":
            upload = parse_upload(content_type if isinstance(content_type, str) else "", raw)
            if isinstance(upload, ApiError):
                result = upload
            else:
                stored = store.add(key, *upload)
                result = stored if isinstance(stored, ApiError) else stored.body()
        elif method in ("GET", "HEAD"):
            query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
            result = store.page(key, query)
        else:
            result = status_error(405)
        await self._answer(ex, result, fault)

    async def _file(self, ex: _Exchange, scope: Scope, payload: Any, key: str | None) -> None:
        """``GET /files/{id}`` and ``DELETE /files/{id}`` (DeepSeek serves no content download)."""
        assert key is not None
        store = self.state.files
        file_id: str = scope["path_params"]["file_id"]
        method = scope["method"]
        result: dict[str, Any] | ApiError
        if method in ("GET", "HEAD"):
            found = store.get(key, file_id)
            result = found.body() if found is not None else no_such_file(file_id)
        elif method == "DELETE":
            deleted = store.delete(key, file_id)
            result = {"id": file_id, "object": "file", "deleted": True} if deleted else no_such_file(file_id)
        else:
            result = status_error(405)
        await self._answer(ex, result, payload[2])

    async def _answer(self, ex: _Exchange, result: dict[str, Any] | ApiError, fault: Fault | None) -> None:
        if isinstance(result, ApiError):
            await ex.error(result, octet=bool(fault and fault.octet_stream))
            return
        await self._plain_json(ex, json.dumps(result).encode(), fault)

    async def _chat(self, ex: _Exchange, scope: Scope, payload: Any, key: str | None) -> None:
        if scope["method"] != "POST":
            await ex.error(status_error(405))
            return
        body, _raw, fault = payload
        path: str = scope["path"]
        assert key is not None
        request = parse_chat(
            _for_validation(body), beta=path.startswith("/beta/"), files=self.state.files.lookup(key)
        )
        if isinstance(request, ApiError):
            await ex.error(request, octet=bool(fault and fault.octet_stream))
            return
        images = {(i.message, i.part): (image_marker(i.ref), i.tokens) for i in request.images}
        tokens = chat_prompt_tokens(
            request.messages, [{"type": "function", "function": f} for f in request.tools], images
        )
        await self._complete(ex, request, tokens, key, path, fault)

    async def _responses(self, ex: _Exchange, scope: Scope, payload: Any, key: str | None) -> None:
        if scope["method"] != "POST":
            await ex.error(status_error(405))
            return
        body, _raw, fault = payload
        request = parse_responses(_for_validation(body))
        if isinstance(request, ApiError):
            await ex.error(request, octet=bool(fault and fault.octet_stream))
            return
        assert key is not None
        chat = request.chat
        tools = [{"type": "function", "function": f} for f in chat.tools]
        tokens = chat_prompt_tokens(chat.messages, tools)
        await self._complete(ex, chat, tokens, key, scope["path"], fault, responses=request)

    async def _responses_outside_standard(
        self, ex: _Exchange, scope: Scope, payload: Any, key: str | None
    ) -> None:
        await ex.error(responses_not_found(beta=True))

    async def _stateless(self, ex: _Exchange, scope: Scope, payload: Any, key: str | None) -> None:
        """``/responses/{id}``, ``.../cancel``, ``/responses/compact``, ...: nothing is stored (spec 12)."""
        await ex.error(responses_not_found())

    async def _fim(self, ex: _Exchange, scope: Scope, payload: Any, key: str | None) -> None:
        if scope["method"] != "POST":
            await ex.error(status_error(405))
            return
        body, _raw, fault = payload
        request = parse_fim(_for_validation(body))
        if isinstance(request, ApiError):
            await ex.error(request, octet=bool(fault and fault.octet_stream))
            return
        assert key is not None
        tokens = fim_prompt_tokens(request.prompt, request.suffix)
        await self._complete(ex, request, tokens, key, scope["path"], fault)

    async def _complete(  # noqa: PLR0913 (the request path of the server, step by step)
        self,
        ex: _Exchange,
        request: ChatRequest | FimRequest,
        tokens: list[str],
        key: str,
        path: str,
        fault: Fault | None,
        responses: ResponsesRequest | None = None,
    ) -> None:
        state = self.state
        octet = bool(fault and fault.octet_stream)
        is_chat = isinstance(request, ChatRequest)
        completion_budget = request.max_tokens or (
            default_max_tokens(request.thinking, request.effort)
            if isinstance(request, ChatRequest)
            else FIM_MAX_TOKENS
        )
        if len(tokens) + completion_budget > CONTEXT_LENGTH:
            await ex.error(context_too_long(CONTEXT_LENGTH, len(tokens), completion_budget), octet=octet)
            return
        if state.balance(key) <= 0:
            await ex.error(insufficient_balance(), octet=octet)
            return
        hits = state.cache.lookup_and_store((key, request.user_id), tokens)
        script = state.replies.take(path)
        reply: Reply
        if isinstance(request, ChatRequest):
            reply = build_chat_reply(
                request, prompt_tokens=len(tokens), hit_tokens=hits, script=script, fault=fault
            )
        else:
            reply = build_fim_reply(
                request, prompt_tokens=len(tokens), hit_tokens=hits, script=script, fault=fault
            )
        peak = is_peak(datetime.now(UTC))
        hit = reply.hit_tokens
        state.charge(
            key,
            price_usd(request.model, hit, reply.prompt_tokens - hit, reply.completion_tokens, peak=peak),
        )
        request_id = ex.trace_id if is_chat else f"cmpl-{ex.trace_id}"
        created = int(time.time())
        if responses is not None:
            await self._respond(ex, reply, responses, f"resp_{ex.trace_id.replace('-', '')}", created, fault)
            return
        if request.stream:
            make_events = chat_events if is_chat else fim_events
            events = make_events(
                reply,
                request_id=request_id,
                created=created,
                model=request.model,
                include_usage=request.include_usage,
            )
            await self._send_stream(ex, events, fault)
        else:
            make_body = chat_body if is_chat else fim_body
            data = json.dumps(
                make_body(reply, request_id=request_id, created=created, model=request.model),
                ensure_ascii=False,
                separators=(",", ":"),
            ).encode()
            if fault is None:
                await ex.whole(200, data)
            else:
                await self._send_padded(ex, data, fault)

    async def _respond(  # noqa: PLR0913 (the request path of the server, step by step)
        self,
        ex: _Exchange,
        reply: Reply,
        request: ResponsesRequest,
        response_id: str,
        created: int,
        fault: Fault | None,
    ) -> None:
        """A Responses answer: typed events (no ``[DONE]``) or the ``Response`` object."""
        model = request.chat.model
        if request.chat.stream:
            events = responses_events(reply, request, response_id=response_id, created=created, model=model)
            await self._send_stream(ex, events, fault)
            return
        obj = response_object(reply, request, response_id=response_id, created=created, model=model)
        data = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()
        if fault is None:
            await ex.whole(200, data)
        else:
            await self._send_padded(ex, data, fault)

    # ------------------------------------------------------------------------------------------ wire

    async def _send_padded(self, ex: _Exchange, data: bytes, fault: Fault) -> None:
        """A 200 JSON body with the fault's keep-alive padding, stall, cut or corruption applied."""
        if fault.malformed:
            data = data[: max(1, len(data) // 2)]
        await ex.start(200, "application/json")
        if fault.after_chunks is not None:
            if fault.stall:
                await ex.pause(fault.stall)
            if fault.disconnect:
                await ex.abort()
        for _ in range(fault.keepalive):
            await ex.body(b"\n", more=True)
        await ex.body(data)

    async def _send_stream(self, ex: _Exchange, events: list[bytes], fault: Fault | None) -> None:
        await ex.start(200, "text/event-stream; charset=utf-8", [("cache-control", "no-cache")])
        if fault is None:
            for event in events:
                await ex.body(event, more=True)
            await ex.body(b"")
            return
        at = min(fault.after_chunks or 0, len(events) - 1)
        for index, original in enumerate(events):
            event = original
            if index == at:
                for _ in range(fault.keepalive):
                    await ex.body(b": keep-alive\n\n", more=True)
                if fault.empty_data_line:
                    await ex.body(b"data:\n\n", more=True)
                if fault.after_chunks is not None:
                    if fault.stall:
                        await ex.pause(fault.stall)
                    if fault.disconnect:
                        await ex.abort()
                if fault.sse_error:
                    error = status_error(500, fault.message or "Server Error")
                    await ex.body(b"data: " + error.body_bytes() + b"\n\n", more=True)
                    await ex.body(b"")
                    return
                if fault.malformed:
                    event = event[: max(7, len(event) // 2)] + b"\n\n"
            await ex.body(event, more=True)
        await ex.body(b"")


class _Malformed:
    """A body that was not JSON: validation reports it as the deserialize error DeepSeek gives."""


_MALFORMED = _Malformed()


def _for_validation(body: Any) -> Any:
    # parse_* reports "invalid type" for non-objects; an unparsable body is reported the same way.
    return "<not json>" if body is _MALFORMED else body
