"""Import time of ``deepseek_openai`` vs ``openai``, each in a fresh interpreter; and first use.

Each sample is one subprocess that times only the statements (interpreter start-up is excluded);
A and B subprocesses alternate.

- ``import deepseek_openai`` vs ``import openai``: the package's names load on first use (PEP 562),
  so the bare import does not even import openai. This is the figure with the +25 ms target.
- first use, ``import deepseek_openai; get_client(...)`` vs ``import openai; openai.OpenAI(...)``:
  what a program actually pays before its first request (openai, pydantic-settings, the pipeline,
  the catalogue, the guards). Reported, with the added milliseconds, so the lazy import cannot hide
  the cost.
- ``deepseek-openai --help`` (``python -m deepseek_openai --help``) vs a bare ``python -c pass``:
  the CLI start-up, report only.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

from _common import Figure

_CODE = "import time; t = time.perf_counter_ns(); {stmt}; print(time.perf_counter_ns() - t)"
_KEY = "sk-bench-0000000000000000000000000000"
STATEMENTS = {
    "import openai": "import openai",
    "import deepseek_openai": "import deepseek_openai",
    "first use, openai": f"import openai; openai.OpenAI(api_key={_KEY!r}, base_url='https://api.deepseek.com')",
    "first use, deepseek_openai": (
        f"import deepseek_openai; deepseek_openai.get_client(api_key={_KEY!r}, base_url='https://api.deepseek.com')"
    ),
}


def _env(cache: str) -> dict[str, str]:
    """Bytecode caching on (an installed wheel has .pyc files; PYTHONDONTWRITEBYTECODE=1 would make
    every sample recompile this package from source), cached outside the source tree."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = cache
    return env


def _sample(stmt: str, env: dict[str, str]) -> float:
    out = subprocess.run(
        [sys.executable, "-c", _CODE.format(stmt=stmt)], capture_output=True, text=True, check=True, env=env
    )
    return int(out.stdout.strip()) / 1e6


def _wall(argv: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter_ns()
    subprocess.run(argv, capture_output=True, check=True, env=env)
    return (time.perf_counter_ns() - t0) / 1e6


def _ab(a: Callable[[], float], b: Callable[[], float], samples: int) -> tuple[list[float], list[float]]:
    ra: list[float] = []
    rb: list[float] = []
    a()  # writes the .pyc files and warms the OS file cache for both
    b()
    for i in range(samples):
        if i % 2 == 0:
            ra.append(a())
            rb.append(b())
        else:
            rb.append(b())
            ra.append(a())
    return ra, rb


def run(quick: bool) -> list[Figure]:
    samples = 5 if quick else 11
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="ds-bench-pyc-") as cache:
        env = _env(cache)
        for raw_key, our_key, title, target in (
            ("import openai", "import deepseek_openai", "import deepseek_openai vs import openai", 25.0),
            (
                "first use, openai",
                "first use, deepseek_openai",
                "first use: import + get_client vs + OpenAI",
                None,
            ),
        ):
            raw, ours = _ab(
                lambda k=raw_key: _sample(STATEMENTS[k], env),  # type: ignore[misc]
                lambda k=our_key: _sample(STATEMENTS[k], env),  # type: ignore[misc]
                samples,
            )
            r, o = statistics.median(raw), statistics.median(ours)
            added = o - r
            figures.append(
                Figure(
                    f"{title} (fresh process)",
                    "ms",
                    r,
                    o,
                    o / r,
                    "<= +25 ms" if target is not None else "report",
                    added <= target if target is not None else None,
                    note=f"added {added:+.1f} ms",
                    extra={"added_ms": round(added, 2), "samples": len(raw)},
                )
            )
        raw, ours = _ab(
            lambda: _wall([sys.executable, "-c", "pass"], env),
            lambda: _wall([sys.executable, "-m", "deepseek_openai", "--help"], env),
            samples,
        )
        r, o = statistics.median(raw), statistics.median(ours)
        figures.append(
            Figure(
                "deepseek-openai --help vs python -c pass (process wall time)",
                "ms",
                r,
                o,
                o / r,
                "report",
                None,
                note=f"CLI start-up {o - r:+.1f} ms over a bare interpreter",
                extra={"samples": len(raw)},
            )
        )
    return figures
