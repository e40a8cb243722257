"""``DeepSeekEmulator``: the emulator app served by uvicorn on a loopback port, in a daemon thread.

Requires the ``emulator`` extra (Starlette and uvicorn); importing this module without it raises an
ImportError that names the install command.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import threading
import time
from collections.abc import Sequence
from decimal import Decimal
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

try:
    import uvicorn

    from ._app import (
        DEFAULT_API_KEY,
        MAX_BODY_BYTES,
        MAX_RECORDED_BYTES,
        MAX_RECORDS,
        EmulatorApp,
        EmulatorState,
        RecordedRequest,
    )
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        f"The DeepSeek emulator needs Starlette and uvicorn ({exc}). "
        "Install them with: pip install 'deepseek-openai[emulator]'"
    ) from exc

from ._faults import Fault, ScriptedReply, route_matches

if TYPE_CHECKING:
    import httpx2

__all__ = ["DeepSeekEmulator"]


@functools.cache
def _asgi_transport_class() -> type[httpx2.ASGITransport]:
    """httpx2's ASGI transport, with the app's simulated connection drop turned into httpx2's own error.

    In process there is no socket to close, so the app can only raise ``ConnectionResetError``; left
    alone it escapes the HTTP client bare (openai translates httpx2's errors, not OSErrors).
    """
    import httpx2

    class DroppingASGITransport(httpx2.ASGITransport):
        async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
            try:
                return await super().handle_async_request(request)
            except ConnectionResetError as exc:
                raise httpx2.RemoteProtocolError(
                    f"Server disconnected without sending a response ({exc}).", request=request
                ) from exc

    return DroppingASGITransport


_ANY_TO_LOOPBACK = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1", "[::]": "::1"}
"""The wildcard addresses, and the loopback address a local client uses for each."""
_START_TIMEOUT = 10.0
_STOP_TIMEOUT = 5.0


class DeepSeekEmulator:
    """An offline DeepSeek API on ``http://127.0.0.1:<free port>``.

    Use it as a context manager (``with`` or ``async with``) or call :meth:`start` / :meth:`stop`.
    Script it from the test thread while it serves: :meth:`queue_reply`, :meth:`inject`,
    :meth:`fail_next`, :meth:`set_balance`, :meth:`advance_clock`, :meth:`set_concurrency_limit`
    (also mid-run); inspect :attr:`requests`, :meth:`request_count`, :meth:`file_ids`,
    :meth:`in_flight` and :meth:`peak_in_flight`.
    """

    def __init__(  # noqa: PLR0913 (the emulator's public options)
        self,
        api_keys: Sequence[str] | str | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        concurrency_limit: int | None = None,
        max_body_bytes: int = MAX_BODY_BYTES,
        default_balance: Decimal | int | str = Decimal("100.00"),
        max_records: int = MAX_RECORDS,
        max_recorded_bytes: int = MAX_RECORDED_BYTES,
    ) -> None:
        keys = [api_keys] if isinstance(api_keys, str) else list(api_keys or [DEFAULT_API_KEY])
        self._state = EmulatorState(
            keys,
            concurrency_limit=concurrency_limit,
            max_body_bytes=max_body_bytes,
            default_balance=Decimal(str(default_balance)),
            max_records=max_records,
            max_recorded_bytes=max_recorded_bytes,
        )
        self._host = host
        self._port = port
        self._app = EmulatorApp(self._state)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._bound_port: int | None = None
        self._failure: BaseException | None = None
        self._lifecycle = threading.Lock()

    # --------------------------------------------------------------------------------- lifecycle

    def start(self) -> Self:
        """Start serving (idempotent); returns once the port is bound, or raises within 10 s."""
        with self._lifecycle:
            if self._thread is not None:
                return self
            config = uvicorn.Config(
                self._app,
                host=self._host,
                port=self._port,
                log_config=None,
                log_level="warning",
                access_log=False,
                lifespan="off",
                http="h11",
                ws="none",
                timeout_graceful_shutdown=1,
                # Longer than any client's pool expiry (httpx2: 5 s from when the *client* finished
                # reading): under load the server finishes writing seconds before the client reads, so
                # with 5 s here it closed connections the client was reusing (ReadError at 500 streams).
                # 75 s is nginx's default; shutdown still closes idle connections at once.
                timeout_keep_alive=75,
            )
            server = uvicorn.Server(config)
            self._server = server
            self._failure = None
            thread = threading.Thread(target=self._run, name="deepseek-emulator", daemon=True)
            self._thread = thread
            thread.start()
            deadline = time.monotonic() + _START_TIMEOUT
            while not server.started:
                if not thread.is_alive() or time.monotonic() > deadline:
                    server.should_exit = True
                    thread.join(_STOP_TIMEOUT)
                    self._thread = None
                    self._server = None
                    reason = f": {self._failure!r}" if self._failure else ""
                    raise RuntimeError(
                        f"The DeepSeek emulator could not listen on {self._host}:{self._port}{reason}. "
                        "Is the port taken? Pass port=0 for a free one."
                    )
                time.sleep(0.005)
            sockets = [sock for srv in server.servers for sock in (srv.sockets or ())]
            self._bound_port = int(sockets[0].getsockname()[1])
            return self

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # SystemExit from a failed bind included
            self._failure = exc

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        assert self._server is not None
        await self._server.serve()

    def stop(self) -> None:
        """Stop serving: in-flight delays and stalls end at once, their connections are dropped."""
        with self._lifecycle:
            server, thread, loop = self._server, self._thread, self._loop
            if server is None or thread is None:
                return
            if loop is not None and not loop.is_closed():
                with contextlib.suppress(RuntimeError):  # the loop closed in between
                    loop.call_soon_threadsafe(self._app.closing.set)
            server.should_exit = True
            thread.join(_STOP_TIMEOUT)
            if thread.is_alive():
                server.force_exit = True
                thread.join(_STOP_TIMEOUT)
            self._server = self._thread = self._loop = None
            self._bound_port = None
            self._app = EmulatorApp(self._state)  # a fresh closing event for a later start()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        return await asyncio.to_thread(self.start)

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        await asyncio.to_thread(self.stop)

    @property
    def running(self) -> bool:
        return self._bound_port is not None

    # ------------------------------------------------------------------------------------- where

    @property
    def port(self) -> int:
        if self._bound_port is None:
            raise RuntimeError("The emulator is not running: use it as a context manager or call start()")
        return self._bound_port

    @property
    def host(self) -> str:
        """The interface it listens on (``0.0.0.0`` or ``::`` for all of them)."""
        return self._host

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash): the standard base URL.

        Bound to all interfaces (``0.0.0.0`` / ``::``), this is still the loopback URL: a client on this
        machine reaches it there, and the DeepSeek client refuses plain http to other hosts.
        """
        host = _ANY_TO_LOOPBACK.get(self._host, self._host)
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}"

    @property
    def beta_base_url(self) -> str:
        """``<base_url>/beta``: for prefix completion, FIM and strict tools."""
        return f"{self.base_url}/beta"

    @property
    def api_key(self) -> str:
        """The first accepted key (the default key when none was given)."""
        return self._state.api_keys[0]

    @property
    def api_keys(self) -> tuple[str, ...]:
        return self._state.api_keys

    # ---------------------------------------------------------------------------------- scripting

    def queue_reply(self, reply: ScriptedReply | None = None, /, **fields: Any) -> ScriptedReply:
        """Queue a reply for the next chat/FIM request: a :class:`ScriptedReply` or its fields
        (``content``, ``reasoning_content``, ``tool_calls``, ``finish_reason``, ``path``, ``times``...)."""
        if reply is None:
            reply = ScriptedReply(**fields)
        elif fields:
            raise TypeError("pass either a ScriptedReply or its fields, not both")
        self._state.replies.push(reply)
        return reply

    def inject(self, *faults: Fault) -> None:
        """Queue faults; each request takes the first one whose ``path`` matches (FIFO)."""
        for fault in faults:
            if not isinstance(fault, Fault):
                raise TypeError(f"inject() takes Fault objects, got {type(fault).__name__}")
            self._state.faults.push(fault)

    def fail_next(
        self,
        status: int,
        message: str | None = None,
        *,
        retry_after: float | None = None,
        times: int = 1,
        path: str | None = None,
    ) -> Fault:
        """Answer the next ``times`` matching requests with ``status`` and a DeepSeek error body."""
        fault = Fault(status=status, message=message, retry_after=retry_after, times=times, path=path)
        self._state.faults.push(fault)
        return fault

    def pending_faults(self) -> int:
        return self._state.faults.pending()

    def set_balance(self, key: str, amount: Decimal | int | str | float) -> None:
        """Set a key's balance in USD; usage runs it down and requests get 402 once it is <= 0."""
        self._state.set_balance(key, Decimal(str(amount)))

    def balance(self, key: str | None = None) -> Decimal:
        return self._state.balance(key or self.api_key)

    def advance_clock(self, seconds: float) -> None:
        """Move the emulator's clock forward (file expiry and ``created_at``); :meth:`reset` puts it back."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        self._state.files.offset += seconds

    def file_ids(self, key: str | None = None) -> list[str]:
        """The ids of a key's live files (default: the first key), oldest first."""
        return self._state.files.ids(key or self.api_key)

    def set_concurrency_limit(self, limit: int | None) -> None:
        """In-flight requests allowed per key and ``user_id`` before 429 (None: the model's account limit)."""
        if limit is not None and limit < 1:
            raise ValueError("limit must be >= 1 or None")
        with self._state.lock:
            self._state.concurrency_limit = limit

    # ---------------------------------------------------------------------------------- inspection

    def in_flight(self) -> int:
        """Completions being answered right now (all keys)."""
        with self._state.lock:
            return sum(self._state.in_flight.values())

    def peak_in_flight(self, *, reset: bool = False) -> int:
        """The most completions one key (and ``user_id``) had in flight at once; ``reset`` starts over."""
        with self._state.lock:
            peak = self._state.peak_in_flight
            if reset:
                self._state.peak_in_flight = max(self._state.in_flight.values(), default=0)
            return peak

    @property
    def requests(self) -> list[RecordedRequest]:
        """The requests so far, oldest first (a copy): the last ``max_records`` (10,000 by default), their
        bodies kept up to ``max_recorded_bytes`` in total (64 MiB; older ones are dropped first and
        marked ``omitted``)."""
        with self._state.lock:
            return list(self._state.records)

    def request_count(self, path: str | None = None) -> int:
        """Requests to ``path`` (``/chat/completions`` also counts ``/v1/...`` and ``/beta/...``)."""
        with self._state.lock:
            return sum(n for p, n in self._state.counts.items() if route_matches(path, p))

    def reset(self) -> None:
        """Back to a fresh state: no scripts, records, cache, files, balances, limits or clock moves
        (keys stay)."""
        self._state.reset()

    def server_cpu_seconds(self) -> float | None:
        """CPU time the server thread has used so far (Linux), for benchmarks; None where unknown."""
        thread = self._thread
        if thread is None or thread.ident is None or not hasattr(time, "pthread_getcpuclockid"):
            return None
        try:
            return time.clock_gettime(time.pthread_getcpuclockid(thread.ident))
        except OSError:
            return None

    def asgi_transport(self) -> httpx2.ASGITransport:
        """An in-process transport for ``httpx2.AsyncClient`` sharing this emulator's state.

        No server or socket is needed: ``get_async_client(base_url="http://127.0.0.1",
        http_client=httpx2.AsyncClient(transport=emu.asgi_transport()))``. httpx2's ASGI transport
        buffers each response whole, so streams arrive all at once, stalls block until they end, and
        a dropped connection (a ``disconnect`` fault) surfaces before the response as
        ``httpx2.RemoteProtocolError``, the error a real socket gives, which clients translate and
        retry like any connection failure. Async clients only.
        """
        return _asgi_transport_class()(app=EmulatorApp(self._state))

    def __repr__(self) -> str:
        where = self.base_url if self.running else "stopped"
        return f"DeepSeekEmulator({where}, keys={len(self._state.api_keys)})"
