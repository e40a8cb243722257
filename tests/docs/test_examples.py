"""Every script in examples/ runs against the emulator, as a user would run it, and prints what it should."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.cli._util import ROOT, emulator_env

EXAMPLES = ROOT / "examples"

# What each example must print (beyond exiting 0): proof it did its job, not just that it ran.
EXPECTED: dict[str, tuple[str, ...]] = {
    "quickstart.py": ("reasoning:", "answer:", "answer (no thinking):"),
    "async_quickstart.py": ("What is 2+2? ->", "Name a prime number. ->", "Capital of Italy? ->"),
    "streaming_reasoning.py": ("[usage:", "finish_reason: stop", "reasoning kept for the next turn: True"),
    "tool_loop.py": ("tool call: get_weather({'city':", "answer:"),
    "prefix_completion.py": ("```python\n",),
    "fim.py": ("def fib(a):\n", "    return fib(a-1) + fib(a-2)"),
    "json_mode.py": ("{",),
    "errors.py": ("unsupported:", "refused:", "the request succeeded"),
    "cost.py": ("cache hits", "at peak", "off-peak", "balance:"),
    "responses.py": (
        "tool call: get_weather(",
        "answer: Tool get_weather returned:",
        "parsed: name=",
        "finish: stop",
    ),
    "vision.py": (
        "image: image/png 64x48",
        "uploaded: file-api-",
        "answer: Echo: What is in this picture? [image image/png 64x48",
        "deleted: True",
        "one call: Echo: Its colour? [image image/png 64x48",
        "async: Echo: And this one? [image image/png 8x8",
    ),
    "bulk_job.py": ("requests this run", "city-0 ->", "0 left of 5"),
}


def test_every_example_is_listed() -> None:
    assert sorted(p.name for p in EXAMPLES.glob("*.py")) == sorted(EXPECTED)


@pytest.fixture(scope="module")
def results() -> Iterator[dict[str, subprocess.CompletedProcess[str]]]:
    """Run all examples at once against one emulator (they are independent)."""
    from deepseek_openai.testing import DeepSeekEmulator

    with DeepSeekEmulator() as emulator:
        env = emulator_env(emulator)
        procs = {
            name: subprocess.Popen(
                [sys.executable, str(EXAMPLES / name)],
                env=env,
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
            )
            for name in EXPECTED
        }
        done = {}
        for name, proc in procs.items():
            out, err = proc.communicate(timeout=90)
            done[name] = subprocess.CompletedProcess([name], proc.returncode, out, err)
        yield done


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_runs_against_the_emulator(
    name: str, results: dict[str, subprocess.CompletedProcess[str]]
) -> None:
    proc = results[name]
    assert proc.returncode == 0, proc.stderr
    for needle in EXPECTED[name]:
        assert needle in proc.stdout, (needle, proc.stdout)
    assert "Traceback" not in proc.stderr
