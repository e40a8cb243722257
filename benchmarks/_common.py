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
    """Per-call timings (ns) of the raw side and our side, in the order they ran."""

    raw: list[float] = field(default_factory=list)
    ours: list[float] = field(default_factory=list)
    raw_cpu: list[float] = field(default_factory=list)
    ours_cpu: list[float] = field(default_factory=list)

    @property
    def raw_median(self) -> float:
        return statistics.median(self.raw)

    @property
    def ours_median(self) -> float:
        return statistics.median(self.ours)

    @property
    def ratio(self) -> float:
        """ours / raw of the medians (time: lower is better)."""
        return self.ours_median / self.raw_median

    @property
    def paired_ratio(self) -> float:
        """The median of per-pair ratios (each pair ran back to back): robust to drift."""
        return statistics.median(o / r for o, r in zip(self.ours, self.raw, strict=True))

    @property
    def cpu_ratio(self) -> float:
        """ours / raw of the median thread CPU time (blind to time spent preempted)."""
        return statistics.median(self.ours_cpu) / statistics.median(self.raw_cpu)

    def stats(self) -> dict[str, float]:
        """The secondary estimators, for the JSON file."""
        return {
            "n": len(self.raw),
            "paired_ratio": round(self.paired_ratio, 4),
            "mean_ratio": round(self.mean_ratio, 4),
            "cpu_ratio": round(self.cpu_ratio, 4) if self.raw_cpu else float("nan"),
        }

    @property
    def mean_ratio(self) -> float:
        """ours / raw of the means: includes the outliers (GC pauses, preemption)."""
        return statistics.fmean(self.ours) / statistics.fmean(self.raw)


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
        for i in range(batch):
            first, second, a, b = (
                (raw, ours, (pair.raw, pair.raw_cpu), (pair.ours, pair.ours_cpu))
                if (i + r) % 2 == 0
                else (ours, raw, (pair.ours, pair.ours_cpu), (pair.raw, pair.raw_cpu))
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
