"""Scale-out on Ray Data: the bulk-job pipeline as a ``map_batches`` callable (the ``[ray]`` extra).

:class:`RayBatchProcessor` runs each batch of OpenAI Batch lines through the same per-request
pipeline as :func:`~deepseek_openai.run_batch` (the client's endpoint and rule tables, retries,
429 handling, off-peak gating), with the account-wide concurrency shared across every worker by
one small limiter actor: each worker gets its share, cuts it at once on a 429, and the limiter
cuts the account's figure and probes it back up. Results are appended per block to
``OUTPUT_DIR/part-<block>.jsonl``; a rerun skips every ``custom_id`` already in any part file.
:func:`run_batch_on_ray` wires it up for an input file. Ray is imported only here, only when asked;
the local runner stays the default.

The API key is never passed to Ray (it would be pickled into the cluster's metadata): workers read
``DEEPSEEK_API_KEY`` from their own environment, which a local cluster inherits from the driver.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import socket
import time
import uuid
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from ._batch import DEFAULT_RETRIES, BatchResult, Job, When, _Outcome
from ._batch_control import AdaptiveLimit, Gate, Window, start_concurrency
from ._batch_io import IdIndex, Tally, Writer, parse_line, read_lines, tally
from ._batch_progress import Stats
from ._errors import DeepSeekRequestError
from ._usage import UsageSummary

SYNC_EVERY: Final = 0.25
"""Seconds between a worker's reports to the limiter (and updates of its share)."""
CUT_COOLDOWN: Final = 0.5
"""The limiter cuts the account's figure at most this often (429s of one burst count once)."""
ACTIVE_FOR: Final = 30.0
"""A worker that has not reported for this long no longer gets a share."""


def _ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise ImportError(
            f"Scale-out on Ray needs Ray Data ({exc}). Install it with: pip install 'deepseek-openai[ray]'"
        ) from exc
    return ray


class RayConcurrencyLimiter:
    """The account-wide concurrency of a Ray job (run as one actor): each worker's share of it.

    Workers report their successes and 429s; any 429 cuts the account's figure (at most once per
    :data:`CUT_COOLDOWN`), successes probe it up (:class:`~._batch_control.AdaptiveLimit`). The
    share is the figure divided by the workers that reported recently, at least one each.
    """

    def __init__(self, start: int, cap: int | None = None) -> None:
        self.limits: dict[str, AdaptiveLimit] = {}
        self.start = start
        self.cap = cap if cap is not None else start
        self.workers: dict[str, float] = {}
        self.cuts: dict[str, float] = {}
        self.in_flight: dict[tuple[str, str], int] = {}
        self.rate_limited = 0

    def _limit(self, model: str) -> AdaptiveLimit:
        limit = self.limits.get(model)
        if limit is None:
            limit = self.limits[model] = AdaptiveLimit(self.start, self.cap)
        return limit

    def sync(self, worker: str, reports: Mapping[str, tuple[int, int, int]]) -> dict[str, int]:
        """``reports``: per model, (successes, 429s since the last call, requests in flight now).
        Returns the worker's shares."""
        now = time.monotonic()
        self.workers[worker] = now
        for model, (successes, limited, in_flight) in reports.items():
            self.in_flight[(worker, model)] = in_flight
            limit = self._limit(model)
            if limited:
                self.rate_limited += limited
                if now - self.cuts.get(model, 0.0) >= CUT_COOLDOWN:
                    # As in one process: 0.7 times what the account had in flight when refused.
                    total = sum(n for (w, m), n in self.in_flight.items() if m == model) or limit.value
                    limit.rate_limited(limit.epoch, max(total, 1))
                    self.cuts[model] = now
            elif successes:
                limit.success(successes)
        active = sum(1 for seen in self.workers.values() if now - seen < ACTIVE_FOR)
        models = set(self.limits) | set(reports)
        return {m: max(1, self._limit(m).value // max(1, active)) for m in models}

    def leave(self, worker: str) -> None:
        self.workers.pop(worker, None)
        for key in [k for k in self.in_flight if k[0] == worker]:
            del self.in_flight[key]

    def snapshot(self) -> dict[str, Any]:
        """The account's figures now (for the summary)."""
        return {
            "limits": {m: limit.value for m, limit in self.limits.items()},
            "lowest": min((limit.lowest for limit in self.limits.values()), default=self.start),
            "highest": max((limit.highest for limit in self.limits.values()), default=self.start),
            "workers": len(self.workers),
            "rate_limited": self.rate_limited,
        }


class SharedLimit(AdaptiveLimit):
    """One worker's limit: its own additive-increase, multiplicative-decrease limit (cut here at
    once on a 429, as in one process), never above its share of the account's, which the limiter
    sets (:meth:`set_share`)."""

    def __init__(self, start: int, share: int) -> None:
        super().__init__(start, share)
        self.successes = 0
        self.limited = 0

    def success(self, count: int = 1) -> None:
        self.successes += count
        super().success(count)

    def rate_limited(self, epoch: int, in_flight: int) -> bool:
        self.limited += 1
        return super().rate_limited(epoch, in_flight)

    def set_share(self, share: int) -> None:
        self.cap = max(1, share)
        if self.value > self.cap:
            self.set(self.cap)
        self.highest = max(self.highest, self.value)

    def take_report(self) -> tuple[int, int]:
        report = (self.successes, self.limited)
        self.successes = self.limited = 0
        return report


def _block_name(ids: list[str]) -> str:
    digest = hashlib.blake2b("\n".join(ids).encode("utf-8", "surrogatepass"), digest_size=10).hexdigest()
    return f"part-{digest}.jsonl"


class RayBatchProcessor:
    """A Ray Data ``map_batches`` callable class: OpenAI Batch lines in, one status row per line out.

    Use it with an actor pool (``compute=ray.data.ActorPoolStrategy(size=N)``) over a dataset whose
    ``text`` column holds JSONL lines (``ray.data.read_text``), or whose columns are ``custom_id``,
    ``method``, ``url`` and ``body``. Each batch's results are appended to
    ``output_dir/part-<digest of its ids>.jsonl`` as they finish (OpenAI's Batch output format).
    Rows out: ``custom_id``, ``status`` (succeeded, failed, skipped, left), ``total_tokens`` and
    ``cost_usd`` (a decimal string).

    ``limiter`` is an :class:`RayConcurrencyLimiter` actor handle shared by all workers (without one, each
    worker keeps its own limit of ``concurrency``); ``done`` an :class:`~._batch_io.IdIndex` (or an
    object ref to one) of ids to skip. The client is built in the worker from ``DEEPSEEK_*``.
    """

    def __init__(  # noqa: PLR0913 (the job's options, as run_batch takes them)
        self,
        output_dir: str,
        *,
        limiter: Any = None,
        concurrency: int | None = None,
        model: str | None = None,
        when: When = "any",
        retries: int = DEFAULT_RETRIES,
        base_url: str | None = None,
        done: Any = None,
        backoff_base: float = 0.5,
    ) -> None:
        self.output_dir = Path(output_dir)
        self.output_dir.mkdir(parents=True, exist_ok=True)
        self.limiter = limiter
        self.concurrency = concurrency
        self.model = model
        self.when = when
        self.retries = retries
        self.base_url = base_url
        self.backoff_base = backoff_base
        if done is not None and not isinstance(done, IdIndex):
            done = _ray().get(done)
        self.done: IdIndex = done if done is not None else IdIndex()
        self.worker = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.gates: dict[str, Gate] = {}
        self.shared: dict[str, SharedLimit] = {}
        self._client: Any = None
        self._sync: asyncio.Task[None] | None = None
        self._window: Window | None = None

    # -- set-up in the worker's event loop ------------------------------------------------------

    def _start(self) -> None:
        if self._client is not None:
            return
        import httpx2
        import openai

        from ._client import get_async_client

        pool = (self.concurrency or 1024) + 16
        http = openai.DefaultAsyncHttpxClient(
            limits=httpx2.Limits(max_connections=pool, max_keepalive_connections=pool, keepalive_expiry=60)
        )
        kwargs: dict[str, Any] = {"max_retries": 0, "http_client": http}
        if self.base_url:
            kwargs["base_url"] = self.base_url
        self._client = get_async_client(**kwargs)
        if self.when == "off-peak":
            self._window = Window()
        if self.limiter is not None:
            self._sync = asyncio.get_running_loop().create_task(self._sync_forever())

    def _limit_for(self, model: str, start: int) -> AdaptiveLimit:
        if self.limiter is None:
            return AdaptiveLimit(start)
        limit = self.shared.get(model)
        if limit is None:
            # A worker starts small and probes up (doubling each clean round trip) to its share,
            # so a cluster joining at once does not burst past the account's limit.
            first = max(1, min(start, 8))
            limit = self.shared[model] = SharedLimit(first, first)
        return limit

    async def _sync_forever(self) -> None:
        while True:
            await self._sync_once()
            await asyncio.sleep(SYNC_EVERY)

    async def _sync_once(self) -> None:
        reports = {
            model: (*limit.take_report(), self.gates[model].in_flight if model in self.gates else 0)
            for model, limit in self.shared.items()
        }
        try:
            shares: dict[str, int] = await self.limiter.sync.remote(self.worker, reports)
        except Exception:  # the limiter is gone (job over): keep the last shares
            return
        for model, share in shares.items():
            limit = self.shared.get(model)
            if limit is not None:
                limit.set_share(share)
                gate = self.gates.get(model)
                if gate is not None:
                    gate.wake()

    # -- one batch ------------------------------------------------------------------------------

    async def __call__(self, batch: Mapping[str, Any]) -> dict[str, list[Any]]:
        self._start()
        rows: dict[str, list[Any]] = {"custom_id": [], "status": [], "total_tokens": [], "cost_usd": []}
        lines = []
        for item in _items(batch):
            if item is None:
                continue
            try:
                lines.append(parse_line(item, None, model=self.model))
            except DeepSeekRequestError as exc:
                rows["custom_id"].append(None)
                rows["status"].append("invalid")
                rows["total_tokens"].append(0)
                rows["cost_usd"].append("0")
                print(f"deepseek-openai: skipped an invalid line: {exc.what}")
        if not lines:
            return rows
        part = self.output_dir / _block_name([line.custom_id for line in lines])
        block = tally(part)  # this block ran before (a rerun after a kill): skip what it finished
        done = _Either(self.done, block.done)

        def record(custom_id: str, status: str, outcome: _Outcome | None) -> None:
            usage = outcome.usage if outcome is not None else None
            cost = outcome.cost if outcome is not None else None
            rows["custom_id"].append(custom_id)
            rows["status"].append(status)
            rows["total_tokens"].append(usage.total_tokens if isinstance(usage, UsageSummary) else 0)
            rows["cost_usd"].append(str(cost) if cost is not None else "0")

        stats = Stats(total=len(lines))
        with Writer(part) as writer:
            job = Job(
                self._client,
                writer,
                stats,
                done=done,
                concurrency=self.concurrency,
                window=self._window,
                retries=self.retries,
                backoff_base=self.backoff_base,
                limit_for=self._limit_for,
                gates=self.gates,
                on_result=record,
            )
            await job.run(lines)
        reported = set(rows["custom_id"])
        for line in lines:  # not reached because the job stopped (402, 401): a rerun sends them
            if line.custom_id not in reported:
                record(line.custom_id, "left", None)
        return rows

    def __del__(self) -> None:
        task = self._sync
        if task is not None and not task.done():
            with contextlib.suppress(RuntimeError):
                task.cancel()


class _Either:
    """Membership in either of two id sets (the driver's index and this block's own file)."""

    __slots__ = ("a", "b")

    def __init__(self, a: IdIndex, b: IdIndex) -> None:
        self.a, self.b = a, b

    def __contains__(self, custom_id: object) -> bool:
        return custom_id in self.a or custom_id in self.b


def _items(batch: Mapping[str, Any]) -> list[Any]:
    """The batch's requests: JSONL strings from a ``text`` column, else dicts from the columns."""
    if "text" in batch:
        return [str(text) if str(text).strip() else None for text in batch["text"]]
    columns = [c for c in ("custom_id", "method", "url", "body") if c in batch]
    size = len(batch[columns[0]]) if columns else 0
    items = []
    for index in range(size):
        item: dict[str, Any] = {c: _plain(batch[c][index]) for c in columns}
        if isinstance(item.get("body"), str | bytes):
            import json

            item["body"] = json.loads(item["body"])
        items.append(item)
    return items


def _plain(value: Any) -> Any:
    """numpy / arrow scalars and arrays -> Python values (bodies may come back as numpy objects)."""
    if hasattr(value, "item") and not isinstance(value, dict | list | str | bytes):
        try:
            return value.item()
        except (ValueError, AttributeError):
            pass
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


# --------------------------------------------------------------------------------------------
# The driver


def _minus(a: UsageSummary, b: UsageSummary) -> UsageSummary:
    return UsageSummary(
        a.prompt_tokens - b.prompt_tokens,
        a.completion_tokens - b.completion_tokens,
        a.total_tokens - b.total_tokens,
        a.cache_hit_tokens - b.cache_hit_tokens,
        a.cache_miss_tokens - b.cache_miss_tokens,
        a.reasoning_tokens - b.reasoning_tokens,
    )


def _first_model(path: Path, model: str | None) -> str | None:
    if model is not None:
        return model
    for number, raw in read_lines(path):
        with contextlib.suppress(DeepSeekRequestError):
            return parse_line(raw, number).model
    return None


def run_batch_on_ray(  # noqa: PLR0913 (the job's options, as run_batch takes them)
    requests: str | os.PathLike[str],
    output_dir: str | os.PathLike[str],
    *,
    concurrency: int | None = None,
    model: str | None = None,
    when: When = "any",
    workers: int = 2,
    batch_size: int = 256,
    retries: int = DEFAULT_RETRIES,
    base_url: str | None = None,
    cpus_per_worker: float = 0.5,
) -> BatchResult:
    """Run an OpenAI Batch file on Ray Data: ``workers`` actors share the account's concurrency.

    Results go to ``output_dir/part-*.jsonl`` (OpenAI's Batch output format, appended per block);
    run again with the same ``output_dir`` to finish what is left. Connect to a cluster first
    (``ray.init(...)``); without it Ray starts a local one. Workers read ``DEEPSEEK_API_KEY`` from
    their environment; ``base_url`` (else ``DEEPSEEK_BASE_URL``) is passed to them.
    """
    ray = _ray()
    source = Path(requests)
    if not source.is_file():
        raise FileNotFoundError(f"no input file at {source}")
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    before = Tally()
    for part in sorted(out.glob("part-*.jsonl")):
        tally(part, before)
    started = time.monotonic()
    start = start_concurrency(_first_model(source, model), concurrency)
    limiter = ray.remote(num_cpus=0)(RayConcurrencyLimiter).remote(start)
    done_ref = ray.put(before.done)
    dataset = ray.data.read_text(str(source)).map_batches(
        RayBatchProcessor,
        fn_constructor_kwargs={
            "output_dir": str(out.resolve()),
            "limiter": limiter,
            "concurrency": start,
            "model": model,
            "when": when,
            "retries": retries,
            "base_url": base_url or os.environ.get("DEEPSEEK_BASE_URL") or None,
            "done": done_ref,
        },
        batch_size=batch_size,
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=workers),
        num_cpus=cpus_per_worker,
    )
    counts = {"succeeded": 0, "failed": 0, "skipped": 0, "left": 0, "invalid": 0}
    tokens = 0
    cost = Decimal(0)
    for rows in dataset.iter_batches(batch_format="numpy", batch_size=None):
        for status in rows["status"]:
            counts[str(status)] = counts.get(str(status), 0) + 1
        tokens += int(sum(int(t) for t in rows["total_tokens"]))
        cost += sum((Decimal(str(c)) for c in rows["cost_usd"]), Decimal(0))
    snapshot = ray.get(limiter.snapshot.remote())
    ray.kill(limiter)
    after = Tally()
    for part in sorted(out.glob("part-*.jsonl")):
        tally(part, after)
    total = sum(counts.values())
    return BatchResult(
        output=out,
        stop_reason="finished",
        total=total,
        succeeded=counts["succeeded"],
        failed=counts["failed"] + counts["invalid"],
        skipped=counts["skipped"],
        left=counts["left"],
        retried=0,
        rate_limited=int(snapshot["rate_limited"]),
        usage=_minus(after.usage, before.usage),
        cost=cost,
        spent=after.cost,
        elapsed=time.monotonic() - started,
        concurrency=sum(snapshot["limits"].values()) or start,
        concurrency_range=(int(snapshot["lowest"]), int(snapshot["highest"])),
        waited=0.0,
        unpriced=after.unpriced - before.unpriced,
        last_error=None,
    )
