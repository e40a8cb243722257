"""Bulk jobs: OpenAI Batch files run against DeepSeek, resumable, within the account's limits and a budget.

DeepSeek has no Batch API; its limit is concurrency (requests in flight), not requests per minute,
and off-peak hours cost half. :func:`run_batch` / :func:`arun_batch` take an OpenAI Batch input
file (or an iterable of request dicts) and send every request through the client's full pipeline
(endpoint table, rule table, translations, history) with as many in flight as the account allows:

- **Resumable.** Each result is appended to the output as it finishes (OpenAI's Batch output
  format) and flushed; a rerun with the same output skips every ``custom_id`` already there.
  Ctrl-C or SIGTERM stops cleanly (in-flight requests finish, up to ``grace`` seconds), so a kill
  loses at most the requests in flight.
- **Failures.** 400 / 422 (and other refusals that retrying cannot change) are written as error
  lines and never retried; 429, 5xx and transport errors are retried with backoff; 401 and 402 stop
  the job with everything done kept (top up, then run again).
- **Concurrency** starts at the catalogue's limit for the model (2,500 Flash, 500 Pro) or the
  given one, drops on 429 and probes back up (:mod:`._batch_control`), so a low balance slows the
  job instead of failing it.
- **Money.** ``budget`` (USD) admits a request only while the spend so far (priced from each
  answer's usage with :func:`estimate_cost`) plus the worst case of what is in flight stays
  within it; ``when="off-peak"`` sends only outside DeepSeek's peak hours, waiting (and showing the
  wait) when they start.

The client's own retries are turned off for the job (``max_retries=0``): the job retries itself,
so it sees every 429 and can lower its concurrency instead of hammering the account.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import signal
import threading
import time
from collections.abc import AsyncIterator, Callable, Container, Iterable, Iterator, Mapping, Sized
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final, Literal

import openai

from ._batch_control import (
    AdaptiveLimit,
    Budget,
    Clock,
    Gate,
    Sleep,
    Stopped,
    Window,
    _first,
    backoff,
    cost_bound,
    refuse,
    start_concurrency,
    utc_now,
)
from ._batch_io import (
    BatchLine,
    IdIndex,
    Writer,
    error_line,
    parse_line,
    priced,
    read_lines,
    response_line,
    tally,
    write_state,
)
from ._batch_progress import Progress, Stats
from ._catalogue import resolve_model
from ._errors import DeepSeekRequestError, UnsupportedFeatureError
from ._openai_compat import RAW_RESPONSE_OPTIONS
from ._usage import UsageSummary

if TYPE_CHECKING:
    from ._client import AsyncDeepSeek, DeepSeek

StopReason = Literal["finished", "budget", "insufficient_balance", "authentication", "interrupted"]
When = Literal["any", "off-peak"]

DEFAULT_RETRIES: Final = 6
"""Tries after the first for a 5xx or transport error (429s are counted apart: they mean "slower")."""
RATE_LIMIT_RETRIES: Final = 60
"""Most 429s one request may get before it is left for a rerun (the job slows down after each)."""
_RETRY_AFTER_MAX: Final = 120.0

# Statuses that stop the job: every other request would fail the same way.
_FATAL: Final[dict[int, StopReason]] = {401: "authentication", 402: "insufficient_balance"}
# Statuses worth sending again (openai's own list: 408, 409, 429 and every 5xx).
_RETRYABLE: Final = frozenset({408, 409})


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What a run of :func:`run_batch` did (this run's figures, plus what earlier runs left in the output)."""

    output: Path
    stop_reason: StopReason
    """``finished`` (the input was read to the end), ``budget``, ``insufficient_balance`` (402),
    ``authentication`` (401) or ``interrupted`` (Ctrl-C / SIGTERM / cancelled)."""
    total: int | None
    """Requests in the input (``None`` for an iterable of unknown length)."""
    succeeded: int
    failed: int
    """Error lines written this run (requests that retrying cannot fix: 400, 422, refusals)."""
    skipped: int
    """Requests already in the output before this run."""
    left: int | None
    """Requests not done: stopped early, or still failing after their retries. Run again to finish
    them (``None`` when the input's length is unknown and the job stopped early)."""
    retried: int
    rate_limited: int
    usage: UsageSummary
    cost: Decimal
    """This run's estimated cost in USD (answers priced with :func:`estimate_cost`)."""
    spent: Decimal
    """The estimated cost of every answer in the output, earlier runs included."""
    elapsed: float
    concurrency: int
    """The concurrency limit at the end (summed over models)."""
    concurrency_range: tuple[int, int]
    """The lowest and highest limit the job ran at."""
    waited: float
    """Seconds spent waiting for off-peak hours."""
    unpriced: int = 0
    """Answers whose cost is unknown (a model the catalogue has no prices for)."""
    last_error: str | None = None
    """The last error that left a request undone, if any."""

    @property
    def complete(self) -> bool:
        """Every request of the input has a line in the output."""
        return self.stop_reason == "finished" and self.left == 0

    def summary(self) -> str:
        """A few lines for people: counts, tokens, spend, time and what to do next."""
        done = self.succeeded + self.failed
        low, high = self.concurrency_range
        lines = [
            f"{done:,} requests this run: {self.succeeded:,} succeeded, {self.failed:,} failed"
            + (f", {self.skipped:,} already done" if self.skipped else "")
            + (f", {self.left:,} left" if self.left else "")
            + (f" (of {self.total:,})" if self.total is not None else ""),
            f"{self.usage.total_tokens:,} tokens ({self.usage.prompt_tokens:,} in, "
            f"{self.usage.cache_hit_tokens:,} of them cached; {self.usage.completion_tokens:,} out); "
            f"estimated cost ${self.cost:.4f} (${self.spent:.4f} in the output so far)"
            + (f"; {self.unpriced:,} answers not priced" if self.unpriced else ""),
            f"{_duration(self.elapsed)}, concurrency {low:,}-{high:,} (ended at {self.concurrency:,}); "
            f"{self.retried:,} retries, {self.rate_limited:,} rate-limited"
            + (f"; waited {_duration(self.waited)} for off-peak hours" if self.waited else ""),
        ]
        reason = _REASONS[self.stop_reason]
        if reason:
            lines.append(reason)
        elif self.left:
            lines.append(f"{self.left:,} requests still failed after their retries; run again to retry them.")
        if self.last_error and not self.complete:
            lines.append(f"last error: {self.last_error}")
        return "\n".join(lines)


_REASONS: Final[dict[StopReason, str]] = {
    "finished": "",
    "budget": "Stopped: the budget would have been passed. Raise it and run again to continue.",
    "insufficient_balance": "Stopped: the account's balance ran out (402). Top up at "
    "https://platform.deepseek.com/top_up and run again to continue.",
    "authentication": "Stopped: the API key was refused (401). Check DEEPSEEK_API_KEY and run again.",
    "interrupted": "Stopped: interrupted. Run the same command again to continue.",
}


def _duration(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"


# --------------------------------------------------------------------------------------------
# One request's outcome


@dataclass(frozen=True, slots=True)
class _Outcome:
    kind: Literal["ok", "failed", "retry", "rate_limited", "fatal"]
    line: bytes = b""
    usage: UsageSummary | None = None
    cost: Decimal | None = None
    retry_after: float | None = None
    error: str | None = None
    reason: StopReason | None = None


@dataclass(slots=True)
class _Tries:
    failed: int = 0
    rate_limited: int = 0


def _retry_after(response: Any) -> float | None:
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value) * scale
        except ValueError:
            continue
        if 0 < seconds <= _RETRY_AFTER_MAX:
            return seconds
    return None


def _error_body(exc: openai.APIStatusError) -> object:
    body = exc.body
    if isinstance(body, Mapping):
        return {"error": dict(body)}
    return {"error": {"message": str(body) if body else str(exc), "type": None, "code": None}}


def _cast_to(kind: str) -> Any:
    if kind == "chat":
        from openai.types.chat import ChatCompletion

        return ChatCompletion
    if kind == "responses":
        from openai.types.responses import Response

        return Response
    if kind == "fim":
        from openai.types import Completion

        return Completion
    return object


def _nofile_room() -> int | None:
    """Sockets this process may still open (its open-file limit less some room for files)."""
    try:
        import resource

        soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, OSError, ValueError):
        return None
    if soft == resource.RLIM_INFINITY:
        return None
    return max(1, soft - 64)


# --------------------------------------------------------------------------------------------
# The job


class Job:
    """Sends a stream of :class:`BatchLine` s through one client, within the limits, writing each result."""

    def __init__(  # noqa: PLR0913 (the job's knobs, each documented on run_batch)
        self,
        client: AsyncDeepSeek,
        writer: Writer,
        stats: Stats,
        *,
        done: Container[str],
        model: str | None = None,
        concurrency: int | None = None,
        budget: Budget | None = None,
        window: Window | None = None,
        retries: int = DEFAULT_RETRIES,
        backoff_base: float = 0.5,
        limit_for: Callable[[str, int], AdaptiveLimit] | None = None,
        gates: dict[str, Gate] | None = None,
        on_result: Callable[[str, str, _Outcome | None], None] | None = None,
        unique: bool = False,
    ) -> None:
        self.client = client
        self.writer = writer
        self.stats = stats
        self.done = done
        self.model = model
        self.concurrency = concurrency
        self.budget = budget
        self.window = window
        self.retries = retries
        self.backoff_base = backoff_base
        self._limit_for = limit_for or (lambda _model, start: AdaptiveLimit(start))
        self._room = _nofile_room()
        self.gates: dict[str, Gate] = gates if gates is not None else {}
        """Per model (canonical id): the concurrency gate; several jobs may share them (Ray workers)."""
        self.on_result = on_result
        """Called with (custom_id, "succeeded" | "failed" | "skipped" | "left", outcome) as each ends."""
        self.seen: IdIndex | None = None if unique else IdIndex()
        """The ids sent this run, to refuse one given twice (``None`` when the input was checked whole)."""
        self.stopping = asyncio.Event()
        self.stop_reason: StopReason | None = None
        self.tasks: set[asyncio.Task[None]] = set()
        self._live_changed = asyncio.Event()
        self._waiting: set[asyncio.Future[None]] = set()
        self.crashed: BaseException | None = None
        """An unexpected exception in a request task (a bug): the job stops and run() raises it."""
        self._beta: AsyncDeepSeek | None = None
        settings = client.settings
        self._thinking = settings.thinking
        self._effort = settings.reasoning_effort
        stats.concurrency = self.concurrency_now

    # -- control --------------------------------------------------------------------------------

    def stop(self, reason: StopReason, error: str | None = None) -> None:
        """Stop admitting requests (the first reason given is kept)."""
        if self.stop_reason is None:
            self.stop_reason = reason
        if error:
            self.stats.last_error = error
        self.stopping.set()
        refuse(self._waiting)

    def concurrency_now(self) -> int:
        return sum(g.limit.value for g in self.gates.values())

    def concurrency_range(self) -> tuple[int, int]:
        if not self.gates:
            return (0, 0)
        return (
            min(g.limit.lowest for g in self.gates.values()),
            max(g.limit.highest for g in self.gates.values()),
        )

    def _gate(self, line: BatchLine) -> Gate:
        name = line.model or ""
        key = resolve_model(name).id if name else ""
        gate = self.gates.get(key)
        if gate is None:
            start = start_concurrency(key or None, self.concurrency)
            if self._room is not None:
                start = min(start, self._room)
            gate = self.gates[key] = Gate(self._limit_for(key, start))
        return gate

    async def _acquire(self, gate: Gate) -> int:
        if self.stopping.is_set():
            raise Stopped
        epoch = await gate.acquire(self._waiting)
        if self.stopping.is_set():  # given a slot as the job stopped: give it back
            gate.release()
            raise Stopped
        return epoch

    def _live_cap(self) -> int:
        # Requests waiting out a backoff hold no slot; cap them too, so memory stays bounded.
        return 2 * max(1, self.concurrency_now()) + 16

    # -- the loop -------------------------------------------------------------------------------

    async def run(self, lines: Iterable[BatchLine]) -> None:
        """Send every line not done yet; returns when all admitted requests have finished."""
        try:
            for line in lines:
                if self.stopping.is_set():
                    break
                if line.custom_id in self.done:
                    self.stats.skipped += 1
                    self._report(line.custom_id, "skipped", None)
                    continue
                if self.seen is not None and not self.seen.add(line.custom_id):
                    raise DeepSeekRequestError(
                        f"custom_id {line.custom_id!r} appears twice in the input"
                        + (f" (again on line {line.line})" if line.line else ""),
                        why="each result is matched to its request, and a rerun skips finished requests, "
                        "by custom_id",
                        fix="give every request its own custom_id",
                        param="custom_id",
                    )
                await self._admit(line)
        except Stopped:
            pass
        finally:
            await self._wait_all()
        if self.crashed is not None:
            raise self.crashed

    async def _admit(self, line: BatchLine) -> None:
        bound: Decimal | None = None
        if self.budget is not None:
            bound = cost_bound(
                line.route.kind,
                line.body,
                _body_bytes(line.body),
                thinking=self._thinking,
                effort=self._effort,
            )
            if bound is None:
                self._finish_failed(
                    line.custom_id,
                    error_line(
                        line.custom_id,
                        "unpriced",
                        f"model {line.model!r} has no known prices, so the budget cannot be kept; "
                        "not sent. Fix: use a catalogue model (deepseek-flash, deepseek-v4-pro) or run "
                        "without a budget.",
                    ),
                )
                return
            if not await self.budget.reserve(bound, self.stopping):
                self.stop("budget")
                self._left(line.custom_id)
                return
        try:
            while len(self.tasks) >= self._live_cap():
                self._live_changed.clear()
                await _first(self._live_changed.wait(), self.stopping)
                if self.stopping.is_set():
                    raise Stopped
            if self.window is not None:
                await self.window.wait(self.stopping)
            gate = self._gate(line)
            epoch = await self._acquire(gate)
        except BaseException:
            if self.budget is not None and bound is not None:
                self.budget.settle(bound, Decimal(0))
            self._left(line.custom_id)
            raise
        task = asyncio.get_running_loop().create_task(self._request(line, gate, epoch, bound))
        self.tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self.tasks.discard(task)
        self._live_changed.set()
        if not task.cancelled() and task.exception() is not None:
            # A bug, not a request failure: stop the job; run() raises it once the rest finished.
            if self.crashed is None:
                self.crashed = task.exception()
            self.stop("interrupted", _short(task.exception() or Exception()))

    async def _wait_all(self) -> None:
        while self.tasks:
            await asyncio.wait(set(self.tasks))

    def cancel_in_flight(self) -> None:
        for task in list(self.tasks):
            task.cancel()

    # -- one request ----------------------------------------------------------------------------

    async def _request(self, line: BatchLine, gate: Gate, epoch: int, bound: Decimal | None) -> None:
        """Send one request until it has an answer to write, is left for a rerun, or stops the job."""
        tries = _Tries()
        cost = Decimal(0)
        holding = True
        try:
            while True:
                outcome = await self._send(line)
                in_flight = gate.in_flight
                gate.release()
                holding = False
                delay = self._settle(line, gate, epoch, in_flight, outcome, tries)
                if delay is None:
                    if outcome.kind == "ok":
                        cost = outcome.cost or Decimal(0)
                    return
                await _first(asyncio.sleep(delay), self.stopping)
                if self.stopping.is_set():
                    raise Stopped
                if self.window is not None:
                    await self.window.wait(self.stopping)
                epoch = await self._acquire(gate)
                holding = True
        except Stopped:
            self._left(line.custom_id)
        except asyncio.CancelledError:
            self._left(line.custom_id)
            raise
        finally:
            if holding:
                gate.release()
            if self.budget is not None and bound is not None:
                self.budget.settle(bound, cost)

    def _settle(  # noqa: PLR0913 (one attempt's facts)
        self, line: BatchLine, gate: Gate, epoch: int, in_flight: int, outcome: _Outcome, tries: _Tries
    ) -> float | None:
        """Act on one attempt's outcome: ``None`` when the request is over, else the delay before the next."""
        if outcome.kind == "ok":
            self._finish_ok(line.custom_id, outcome)
            gate.limit.success()
            gate.wake()
            return None
        if outcome.kind == "failed":
            self._finish_failed(line.custom_id, outcome.line, outcome)
            return None
        if outcome.kind == "fatal":
            assert outcome.reason is not None
            self._left(line.custom_id)
            self.stop(outcome.reason, outcome.error)
            return None
        if outcome.kind == "rate_limited":
            self.stats.rate_limited += 1
            gate.limit.rate_limited(epoch, in_flight)
            tries.rate_limited += 1
            if tries.rate_limited > RATE_LIMIT_RETRIES:
                self._left(line.custom_id, outcome.error)
                return None
            return outcome.retry_after or backoff(min(tries.rate_limited, 6), self.backoff_base / 2, 10.0)
        tries.failed += 1
        if tries.failed > self.retries:
            self._left(line.custom_id, outcome.error)
            return None
        self.stats.retried += 1
        return outcome.retry_after or backoff(tries.failed - 1, self.backoff_base)

    def _report(self, custom_id: str, status: str, outcome: _Outcome | None) -> None:
        if self.on_result is not None:
            self.on_result(custom_id, status, outcome)

    def _finish_ok(self, custom_id: str, outcome: _Outcome) -> None:
        self.writer.write(outcome.line)
        stats = self.stats
        stats.succeeded += 1
        if outcome.usage is not None:
            stats.usage = stats.usage + outcome.usage
        if outcome.cost is None:
            stats.unpriced += 1
        else:
            stats.cost += outcome.cost
        self._report(custom_id, "succeeded", outcome)

    def _finish_failed(self, custom_id: str, data: bytes, outcome: _Outcome | None = None) -> None:
        self.writer.write(data)
        self.stats.failed += 1
        self._report(custom_id, "failed", outcome)

    def _left(self, custom_id: str, error: str | None = None) -> None:
        """Not done this run (stopped, or still failing after its retries): a rerun sends it again."""
        self.stats.left += 1
        if error:
            self.stats.last_error = error
        self._report(custom_id, "left", None)

    def _client_for(self, beta: bool) -> AsyncDeepSeek:
        if not beta:
            return self.client
        if self._beta is None:
            self._beta = self.client.beta_client
        return self._beta

    async def _send(self, line: BatchLine) -> _Outcome:
        custom_id = line.custom_id
        if line.method != "POST":
            return _Outcome(
                "failed",
                error_line(
                    custom_id,
                    "invalid_request",
                    f"method {line.method} is not batchable: DeepSeek's completion endpoints take POST",
                ),
            )
        if line.body.get("stream") is True:
            return _Outcome(
                "failed",
                error_line(
                    custom_id,
                    "invalid_request",
                    "stream: true is not supported in a batch (as in OpenAI's Batch API); remove it",
                    param="stream",
                ),
            )
        route = line.route
        try:
            raw = await self._client_for(route.beta).post(
                route.path, cast_to=_cast_to(route.kind), body=line.body, options=RAW_RESPONSE_OPTIONS
            )
            raw.parse()  # the client's response checks: a wrong-shaped 200 raises here
            body = raw.http_response.json()
        except (DeepSeekRequestError, UnsupportedFeatureError) as exc:
            # First: a refusal is also an openai.BadRequestError, but nothing was sent.
            return _Outcome(
                "failed",
                error_line(custom_id, "refused", str(exc), rule=exc.rule, param=exc.param),
            )
        except openai.APIStatusError as exc:
            return self._status_outcome(custom_id, exc)
        except (openai.APIConnectionError, openai.APIResponseValidationError) as exc:
            return _Outcome("retry", error=_short(exc))
        except (TypeError, ValueError) as exc:  # a body the SDK cannot serialise
            return _Outcome(
                "failed", error_line(custom_id, "invalid_request", f"{type(exc).__name__}: {exc}")
            )
        request_id = raw.headers.get("x-ds-trace-id") or raw.request_id
        usage, cost = priced(body, line.model)
        return _Outcome("ok", response_line(custom_id, body, request_id, raw.status_code), usage, cost)

    def _status_outcome(self, custom_id: str, exc: openai.APIStatusError) -> _Outcome:
        status = exc.status_code
        if status in _FATAL:
            return _Outcome("fatal", error=_short(exc), reason=_FATAL[status])
        if status == 429:
            return _Outcome("rate_limited", retry_after=_retry_after(exc.response), error=_short(exc))
        if status >= 500 or status in _RETRYABLE:
            return _Outcome("retry", retry_after=_retry_after(exc.response), error=_short(exc))
        request_id = getattr(exc, "trace_id", None) or exc.request_id
        return _Outcome("failed", response_line(custom_id, _error_body(exc), request_id, status))


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:300]}"


def _body_bytes(body: Mapping[str, Any]) -> int:
    import json

    return len(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


# --------------------------------------------------------------------------------------------
# Inputs


Requests = str | os.PathLike[str] | Iterable[Mapping[str, Any] | str | bytes]
"""An OpenAI Batch input file (path), or an iterable of request dicts (or JSONL lines)."""


def _lines_of(requests: Requests, model: str | None) -> Iterator[BatchLine]:
    if isinstance(requests, str | os.PathLike):
        for number, raw in read_lines(Path(requests)):
            yield parse_line(raw, number, model=model)
        return
    for item in requests:
        yield item if isinstance(item, BatchLine) else parse_line(item, None, model=model)


def validate_file(path: Path, model: str | None = None) -> int:
    """Read the whole input once before anything is sent: every line a Batch request, no id twice.

    Returns the number of requests; raises :class:`~deepseek_openai.DeepSeekRequestError` naming the
    first problems (so nothing is spent on a file that would stop halfway).
    """
    seen = IdIndex()
    problems: list[str] = []
    count = 0
    for number, raw in read_lines(path):
        try:
            line = parse_line(raw, number, model=model)
        except DeepSeekRequestError as exc:
            problems.append(exc.what)
        else:
            count += 1
            if not seen.add(line.custom_id):
                problems.append(f"line {number}: custom_id {line.custom_id!r} appears twice")
        if len(problems) >= 5:
            break
    if problems:
        raise DeepSeekRequestError(
            f"{path} is not a valid Batch input file: " + "; ".join(problems),
            why="each line must be a request (custom_id, method, url, body) with its own custom_id, and "
            "the file is checked whole before anything is sent or spent",
            fix="fix the lines named, then run again",
            param="input",
        )
    return count


# --------------------------------------------------------------------------------------------
# Entry points


def _open_client(client: AsyncDeepSeek | DeepSeek | None, concurrency: int | None) -> tuple[Any, bool]:
    """The async client the job uses (its own retries off) and whether the job must close it."""
    from ._client import AsyncDeepSeek, DeepSeek, get_async_client

    if isinstance(client, AsyncDeepSeek):
        return client.with_options(max_retries=0), False
    if isinstance(client, DeepSeek):
        # An async twin with the same key, URL, settings and policies (the job is async inside).
        twin = AsyncDeepSeek(
            api_key=client.api_key,
            base_url=str(client.base_url),
            settings=client.settings,
            timeout=client.timeout,
            max_retries=0,
        )
        return twin, True
    if client is not None:
        raise TypeError(
            f"run_batch() needs a DeepSeek or AsyncDeepSeek client, got {type(client).__name__}. "
            "Fix: build it with deepseek_openai.get_client() / get_async_client(), or pass none."
        )
    import httpx2

    pool = (concurrency or 1024) + 16
    http = openai.DefaultAsyncHttpxClient(
        limits=httpx2.Limits(max_connections=pool, max_keepalive_connections=pool, keepalive_expiry=60)
    )
    return get_async_client(max_retries=0, http_client=http), True


@dataclass
class _Run:
    """Everything one call of :func:`arun_batch` owns."""

    job: Job
    writer: Writer
    progress: Progress
    started: float


async def arun_batch(  # noqa: PLR0913 (the documented options of a bulk job)
    requests: Requests,
    output: str | os.PathLike[str],
    *,
    client: AsyncDeepSeek | DeepSeek | None = None,
    concurrency: int | None = None,
    budget: Decimal | float | str | None = None,
    when: When = "any",
    model: str | None = None,
    retries: int = DEFAULT_RETRIES,
    progress: bool | None = None,
    validate: bool = True,
    clock: Clock | None = None,
    sleep: Sleep | None = None,
    holidays: frozenset[dt.date] = frozenset(),
    grace: float = 10.0,
    handle_signals: bool = False,
    backoff_base: float = 0.5,
    progress_stream: IO[str] | None = None,
) -> BatchResult:
    """The async form of :func:`run_batch` (same options), for code that already runs an event loop.

    ``handle_signals=True`` makes Ctrl-C and SIGTERM stop the job cleanly (the sync form and the
    CLI do this); otherwise cancel the task: finished results are kept either way.
    """
    out = Path(output)
    if concurrency is not None and concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    if when not in ("any", "off-peak"):
        raise ValueError(f"when must be 'any' or 'off-peak', got {when!r}")
    budget_usd = _as_budget(budget)
    source, total = _check_input(requests, out, model, validate=validate)
    before = tally(out)
    stats = Stats(total=total, spent_before=before.cost)
    ai_client, owned = _open_client(client, concurrency)
    writer = Writer(out)
    shown = Progress(stats, enabled=progress, stream=progress_stream, notes=progress is None)
    window = None
    if when == "off-peak":
        now = clock or utc_now
        window = Window(now, sleep or asyncio.sleep, holidays, lambda until: shown.waiting(until, now()))
    job = Job(
        ai_client,
        writer,
        stats,
        done=before.done,
        model=model,
        concurrency=concurrency,
        budget=Budget(budget_usd, before.cost) if budget_usd is not None else None,
        window=window,
        retries=retries,
        backoff_base=backoff_base,
        unique=source is not None and validate,  # validate_file already refused any id given twice
    )
    run = _Run(job, writer, shown, time.monotonic())
    write_state(
        out,
        input=str(source.resolve()) if source is not None else None,
        total=total,
        model=model,
        budget=str(budget_usd) if budget_usd is not None else None,
        when=when,
        stop_reason="running",
        pid=os.getpid(),
    )
    try:
        async with _signals(job, grace, enabled=handle_signals):
            run.progress.start()
            syncing = asyncio.get_running_loop().create_task(writer.keep_synced())
            try:
                await job.run(_lines_of(requests, model))
            except asyncio.CancelledError:
                job.stop("interrupted")
                job.cancel_in_flight()
                raise
            finally:
                syncing.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await syncing
    finally:
        await run.progress.close()
        await writer.aclose()
        if owned:
            await ai_client.close()
        result = _result(run, before.cost, len(before.done))
        write_state(out, stop_reason=result.stop_reason, left=result.left, pid=None)
    return result


def _check_input(
    requests: Requests, out: Path, model: str | None, *, validate: bool
) -> tuple[Path | None, int | None]:
    """The input file (``None`` for an iterable) and the number of requests, if known."""
    if not isinstance(requests, str | os.PathLike):
        return None, len(requests) if isinstance(requests, Sized) else None
    path = Path(requests)
    if not path.is_file():
        raise FileNotFoundError(f"no input file at {path}")
    if path.resolve() == out.resolve():
        raise ValueError("the output must be another file than the input")
    return path, validate_file(path, model) if validate else None


def _result(run: _Run, spent_before: Decimal, done_before: int) -> BatchResult:
    job = run.job
    stats = job.stats
    reason: StopReason = job.stop_reason or "finished"
    left: int | None = stats.left
    if stats.total is not None:
        left = max(stats.total - done_before - stats.succeeded - stats.failed, 0)
    elif reason != "finished":
        left = None
    window = job.window
    return BatchResult(
        output=job.writer.path,
        stop_reason=reason,
        total=stats.total,
        succeeded=stats.succeeded,
        failed=stats.failed,
        skipped=stats.skipped,
        left=left,
        retried=stats.retried,
        rate_limited=stats.rate_limited,
        usage=stats.usage,
        cost=stats.cost,
        spent=spent_before + stats.cost,
        elapsed=time.monotonic() - run.started,
        concurrency=job.concurrency_now(),
        concurrency_range=job.concurrency_range(),
        waited=window.waited if window is not None else 0.0,
        unpriced=stats.unpriced,
        last_error=stats.last_error,
    )


def _as_budget(budget: Decimal | float | str | None) -> Decimal | None:
    if budget is None:
        return None
    try:
        value = Decimal(str(budget))
    except ArithmeticError:
        raise ValueError(f"budget={budget!r} is not an amount in USD") from None
    if not value.is_finite() or value <= 0:
        raise ValueError(f"budget must be a positive amount in USD, got {budget!r}")
    return value


@contextlib.asynccontextmanager
async def _signals(job: Job, grace: float, *, enabled: bool) -> AsyncIterator[None]:
    """Ctrl-C / SIGTERM: stop admitting, let in-flight requests finish for ``grace`` s, then cancel
    them; a second signal cancels them at once."""
    if not enabled or threading.current_thread() is not threading.main_thread():
        yield
        return
    loop = asyncio.get_running_loop()
    timer: list[asyncio.TimerHandle] = []

    def on_signal() -> None:
        if job.stopping.is_set() and job.stop_reason == "interrupted":
            job.cancel_in_flight()
            return
        job.stop("interrupted")
        timer.append(loop.call_later(grace, job.cancel_in_flight))

    installed: dict[signal.Signals, Any] = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        before = signal.getsignal(sig)
        try:
            loop.add_signal_handler(sig, on_signal)
        except (NotImplementedError, RuntimeError, ValueError):  # not on this platform / loop
            continue
        installed[sig] = before
    try:
        yield
    finally:
        for handle in timer:
            handle.cancel()
        for sig, before in installed.items():
            loop.remove_signal_handler(sig)
            if before is not None:
                signal.signal(sig, before)  # whatever the program had (asyncio's, a framework's)


def run_batch(  # noqa: PLR0913 (the documented options of a bulk job)
    requests: Requests,
    output: str | os.PathLike[str],
    *,
    client: AsyncDeepSeek | DeepSeek | None = None,
    concurrency: int | None = None,
    budget: Decimal | float | str | None = None,
    when: When = "any",
    model: str | None = None,
    retries: int = DEFAULT_RETRIES,
    progress: bool | None = None,
    validate: bool = True,
    clock: Clock | None = None,
    sleep: Sleep | None = None,
    holidays: frozenset[dt.date] = frozenset(),
    grace: float = 10.0,
) -> BatchResult:
    """Run a bulk job: every request of ``requests`` sent once, its result appended to ``output``.

    ``requests`` is an OpenAI Batch input file (JSONL of ``custom_id``, ``method``, ``url``,
    ``body``; ``/v1/chat/completions`` and ``/v1/responses`` bodies run unchanged) or an iterable of
    such dicts. ``output`` gets OpenAI's Batch output lines; run again with the same output to
    finish what is left (done ``custom_id`` s are skipped).

    - ``client``: a :class:`DeepSeek` or :class:`AsyncDeepSeek` (default: one from ``DEEPSEEK_*``).
    - ``concurrency``: requests in flight to start from and never exceed (default: the catalogue's
      account limit for the model: 2,500 Flash, 500 Pro); lowered on 429, probed back up.
    - ``budget``: USD; no request is sent that could take the estimated spend past it.
    - ``when="off-peak"``: send only outside DeepSeek's peak hours (half price), waiting when they
      start; ``clock`` / ``sleep`` / ``holidays`` replace the UTC clock, the sleep and the holiday
      list (for tests and for exact holiday pricing).
    - ``model``: replaces every body's model (run a file written for OpenAI's models).
    - ``retries``: tries after the first for 5xx and transport errors; 429s slow the job instead.
    - ``progress``: the progress bar (default: only when stderr is a terminal).
    - ``validate``: read the whole file once first, so a bad line stops the job before any spend.

    Ctrl-C or SIGTERM stops cleanly (``stop_reason="interrupted"``) after in-flight requests finish
    (at most ``grace`` seconds). In a running event loop (Jupyter) use ``await arun_batch(...)``.
    """
    kwargs: dict[str, Any] = {
        "client": client,
        "concurrency": concurrency,
        "budget": budget,
        "when": when,
        "model": model,
        "retries": retries,
        "progress": progress,
        "validate": validate,
        "clock": clock,
        "sleep": sleep,
        "holidays": holidays,
        "grace": grace,
    }
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(arun_batch(requests, output, handle_signals=True, **kwargs))
    # Called from inside an event loop (a notebook): run the job on its own loop in a thread.
    box: list[BatchResult] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            box.append(asyncio.run(arun_batch(requests, output, **kwargs)))
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=target, name="deepseek-batch", daemon=True)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return box[0]


# --------------------------------------------------------------------------------------------
# Status


@dataclass(frozen=True, slots=True)
class BatchStatus:
    """What an output file holds, and (with its input) what is left; from :func:`batch_status`."""

    output: Path
    input: Path | None
    total: int | None
    """Requests in the input (``None`` when the input is not known or not found)."""
    succeeded: int
    failed: int
    left: int | None
    usage: UsageSummary
    spent: Decimal
    """Estimated cost of every answer in the output (USD)."""
    unpriced: int
    failures: dict[str, int]
    """Failed lines by HTTP status or error code."""
    state: str | None
    """How the last run ended (``finished``, ``budget``, ..., ``running``, ``died``), if known."""
    updated: str | None

    @property
    def complete(self) -> bool:
        return self.left == 0

    def summary(self) -> str:
        lines = [f"{self.output}: {self.succeeded:,} succeeded, {self.failed:,} failed"]
        if self.left is not None:
            lines[0] += f", {self.left:,} left of {self.total:,}"
        else:
            lines[0] += " (left: unknown; pass the input file to count it)"
        lines.append(
            f"{self.usage.total_tokens:,} tokens; estimated cost ${self.spent:.4f}"
            + (f" ({self.unpriced:,} answers not priced)" if self.unpriced else "")
        )
        if self.failures:
            top = sorted(self.failures.items(), key=lambda kv: -kv[1])[:5]
            lines.append("failures: " + ", ".join(f"{code}: {n:,}" for code, n in top))
        if self.state:
            lines.append(
                f"last run: {_STATES.get(self.state, self.state)}"
                + (f" ({self.updated})" if self.updated else "")
            )
        if self.left:
            lines.append("Run the same `batch run` command again to finish what is left.")
        return "\n".join(lines)


_STATES: Final = {
    "finished": "read the input to the end",
    "budget": "stopped at the budget",
    "insufficient_balance": "stopped: insufficient balance (402)",
    "authentication": "stopped: the API key was refused (401)",
    "interrupted": "interrupted",
    "running": "still running",
    "died": "ended without finishing (killed?)",
}


def _alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def batch_status(output: str | os.PathLike[str], input: str | os.PathLike[str] | None = None) -> BatchStatus:
    """Done, failed and left for a job's output (the input is found from the last run if not given)."""
    from ._batch_io import read_state

    out = Path(output)
    if not out.exists():
        raise FileNotFoundError(f"no output file at {out}")
    found = tally(out)
    state = read_state(out)
    source = Path(input) if input is not None else (Path(state["input"]) if state.get("input") else None)
    total: int | None = None
    left: int | None = None
    if source is not None and source.is_file():
        total = left = 0
        for line in _lines_of(source, None):
            total += 1
            if line.custom_id not in found.done:
                left += 1
    stop = state.get("stop_reason")
    if stop == "running" and not _alive(state.get("pid")):
        stop = "died"
    return BatchStatus(
        output=out,
        input=source,
        total=total,
        succeeded=found.succeeded,
        failed=found.failed,
        left=left,
        usage=found.usage,
        spent=found.cost,
        unpriced=found.unpriced,
        failures=dict(found.failures),
        state=stop if isinstance(stop, str) else None,
        updated=state.get("updated") if isinstance(state.get("updated"), str) else None,
    )
