"""Shared measurement code: interleaved A/B rounds, medians, ratios and the machine description.

Every figure compares this package (B, "ours") with the raw openai client (A, "raw") in the same
process and run. Calls alternate A-B / B-A so slow drift (thermal, other load) hits both sides equally;
each call is timed with ``time.perf_counter_ns``.
"""

from __future__ import annotations

import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Figure", "Pair", "interleave", "machine_info", "median_ns"]


@dataclass
class Pair:
    """Per-call timings (ns) of the raw side and our side, grouped by round.

    The headline estimator is robust to a shared, noisy machine: each round's median per side
    (single calls alternate inside a round), then the median over rounds of the per-round
    ratio. Load that comes and goes between rounds moves both sides of a round together.
    """

    raw_rounds: list[list[float]] = field(default_factory=list)
    ours_rounds: list[list[float]] = field(default_factory=list)
    raw_cpu: list[float] = field(default_factory=list)
    ours_cpu: list[float] = field(default_factory=list)

    @property
    def raw(self) -> list[float]:
        return [x for r in self.raw_rounds for x in r]

    @property
    def ours(self) -> list[float]:
        return [x for r in self.ours_rounds for x in r]

    @property
    def raw_median(self) -> float:
        """Median of the per-round medians."""
        return statistics.median(statistics.median(r) for r in self.raw_rounds)

    @property
    def ours_median(self) -> float:
        return statistics.median(statistics.median(r) for r in self.ours_rounds)

    @property
    def ratio(self) -> float:
        """ours / raw: the median over rounds of the ratio of that round's medians (lower is better)."""
        return statistics.median(
            statistics.median(o) / statistics.median(r)
            for o, r in zip(self.ours_rounds, self.raw_rounds, strict=True)
        )

    @property
    def pooled_ratio(self) -> float:
        """ours / raw of the medians of all calls pooled."""
        return statistics.median(self.ours) / statistics.median(self.raw)

    @property
    def paired_ratio(self) -> float:
        """The median of per-pair ratios (each pair ran back to back)."""
        return statistics.median(o / r for o, r in zip(self.ours, self.raw, strict=True))

    @property
    def mean_ratio(self) -> float:
        """ours / raw of the means: includes the outliers (GC pauses, preemption)."""
        return statistics.fmean(self.ours) / statistics.fmean(self.raw)

    @property
    def cpu_ratio(self) -> float:
        """ours / raw of the median thread CPU time (blind to time spent preempted)."""
        return statistics.median(self.ours_cpu) / statistics.median(self.raw_cpu)

    @property
    def round_ratio_spread(self) -> tuple[float, float]:
        """The lowest and highest per-round ratio: how much the rounds disagree."""
        ratios = [
            statistics.median(o) / statistics.median(r)
            for o, r in zip(self.ours_rounds, self.raw_rounds, strict=True)
        ]
        return min(ratios), max(ratios)

    def stats(self) -> dict[str, float]:
        """The secondary estimators, for the JSON file."""
        lo, hi = self.round_ratio_spread
        return {
            "calls_per_side": len(self.raw),
            "rounds": len(self.raw_rounds),
            "pooled_ratio": round(self.pooled_ratio, 4),
            "paired_ratio": round(self.paired_ratio, 4),
            "mean_ratio": round(self.mean_ratio, 4),
            "cpu_ratio": round(self.cpu_ratio, 4) if self.raw_cpu else float("nan"),
            "round_ratio_min": round(lo, 4),
            "round_ratio_max": round(hi, 4),
        }


@dataclass
class Figure:
    """One line of the results table."""

    name: str
    unit: str
    raw: float
    ours: float
    ratio: float
    target: str
    ok: bool | None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def interleave(
    raw: Callable[[], object],
    ours: Callable[[], object],
    *,
    rounds: int,
    batch: int,
    warmup: int = 20,
) -> Pair:
    """Time ``raw`` and ``ours`` call by call, alternating A-B / B-A; every call kept.

    Alternating single calls (rather than whole batches) makes both sides see the same machine
    state, which matters on a shared 2-core box; medians of single calls ignore the odd
    preemption. ``gc.collect()`` runs between rounds, so collection cost still lands on whichever
    side allocates more. Wall time (``perf_counter_ns``) is the figure; the thread's CPU time is
    kept too, because it is what other processes on a busy machine disturb least.
    """
    clock, cpu = time.perf_counter_ns, time.thread_time_ns
    for _ in range(warmup):
        raw()
        ours()
    pair = Pair()
    for r in range(rounds):
        gc.collect()
        raw_t: list[float] = []
        ours_t: list[float] = []
        for i in range(batch):
            first, second, a, b = (
                (raw, ours, (raw_t, pair.raw_cpu), (ours_t, pair.ours_cpu))
                if (i + r) % 2 == 0
                else (ours, raw, (ours_t, pair.ours_cpu), (raw_t, pair.raw_cpu))
            )
            c0, t0 = cpu(), clock()
            first()
            t1, c1 = clock(), cpu()
            second()
            t2, c2 = clock(), cpu()
            a[0].append(t1 - t0)
            a[1].append(c1 - c0)
            b[0].append(t2 - t1)
            b[1].append(c2 - c1)
        pair.raw_rounds.append(raw_t)
        pair.ours_rounds.append(ours_t)
    return pair


def median_ns(samples: list[float]) -> float:
    return statistics.median(samples)


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_info() -> dict[str, Any]:
    """What the figures were measured on."""
    import httpx2
    import openai

    from deepseek_openai import __version__

    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        affinity = os.cpu_count() or 0
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": affinity,
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "openai": openai.__version__,
        "httpx2": getattr(httpx2, "__version__", "?"),
        "deepseek_openai": __version__,
    }
