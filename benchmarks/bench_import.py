"""Import time of ``deepseek_openai`` vs ``openai``, each in a fresh interpreter.

Each sample is one subprocess that times only the import statement (interpreter start-up is
excluded); A and B subprocesses alternate. ``import deepseek_openai`` includes importing openai.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile

from _common import Figure

_CODE = "import time; t = time.perf_counter_ns(); import {mod}; print(time.perf_counter_ns() - t)"


def _env(cache: str) -> dict[str, str]:
    """Bytecode caching on (an installed wheel has .pyc files; PYTHONDONTWRITEBYTECODE=1 would make
    every sample recompile this package from source), cached outside the source tree."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = cache
    return env


def _sample(module: str, env: dict[str, str]) -> float:
    out = subprocess.run(
        [sys.executable, "-c", _CODE.format(mod=module)], capture_output=True, text=True, check=True, env=env
    )
    return int(out.stdout.strip()) / 1e6


def run(quick: bool) -> list[Figure]:
    raw: list[float] = []
    ours: list[float] = []
    with tempfile.TemporaryDirectory(prefix="ds-bench-pyc-") as cache:
        env = _env(cache)
        _sample("openai", env)  # writes the .pyc files and warms the OS file cache for both
        _sample("deepseek_openai", env)
        for i in range(5 if quick else 15):
            if i % 2 == 0:
                raw.append(_sample("openai", env))
                ours.append(_sample("deepseek_openai", env))
            else:
                ours.append(_sample("deepseek_openai", env))
                raw.append(_sample("openai", env))
    r, o = statistics.median(raw), statistics.median(ours)
    added = o - r
    return [
        Figure(
            "import deepseek_openai vs import openai (fresh process)",
            "ms",
            r,
            o,
            o / r,
            "<= +25 ms",
            added <= 25.0,
            note=f"added {added:+.1f} ms",
            extra={"added_ms": round(added, 2), "samples": len(raw)},
        )
    ]
