"""The README's Ray example, run as written on a local two-CPU Ray cluster against the emulator.

The emulator (in this process) holds every answer a few milliseconds, so requests overlap, and
its concurrency limit is lowered below what the workers start with: the shared limiter must bring
the whole cluster down to it. Then the example runs again with the same output directory and
sends nothing. Needs the ``[ray]`` extra (CI installs it); skipped without it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from deepseek_openai.testing import DeepSeekEmulator, Fault
from tests.cli._util import ROOT, emulator_env
from tests.docs._snippets import snippets

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

pytest.importorskip("ray.data", reason="needs the [ray] extra: pip install -e '.[dev,ray]'")


def _readme_example() -> str:
    found = [
        s.code
        for s in snippets(ROOT / "README.md")
        if "run_batch_on_ray(" in s.code and "ray.init(" in s.code
    ]
    assert len(found) == 1, "the README has one complete Ray example"
    return found[0]


def _run(code: str, cwd: Path, emu: DeepSeekEmulator) -> subprocess.CompletedProcess[str]:
    env = emulator_env(emu, RAY_USAGE_STATS_ENABLED="0")  # Ray sends no usage report anywhere
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=500,
        check=False,
    )


def test_the_readme_ray_example_runs_on_a_local_cluster_shares_the_limit_and_resumes(
    deepseek_emulator: DeepSeekEmulator, tmp_path: Path
) -> None:
    emu = deepseek_emulator
    code = _readme_example()
    emu.inject(Fault(status=500, skip=100), Fault(disconnect=True, skip=100))
    emu.inject(Fault(delay=0.005, times=10**6))  # every later answer takes 5 ms
    emu.set_concurrency_limit(6)  # the account's limit, below the workers' first shares (8 each)

    first = _run(code, tmp_path, emu)
    assert first.returncode == 0, first.stdout + first.stderr[-4000:]
    assert "1,000 requests this run: 1,000 succeeded, 0 failed" in first.stdout, first.stdout
    assert "1000 answers" in first.stdout
    parts = sorted((tmp_path / "results").glob("part-*.jsonl"))
    assert len(parts) >= 2  # written per block
    seen = Counter(json.loads(line)["custom_id"] for part in parts for line in part.open())
    assert seen == {f"n-{i}": 1 for i in range(1000)}
    # The limiter cut the account-wide figure from 2,500 (Flash's documented limit) to about the
    # emulator's 6 (its cuts are 0.7 times what the workers had in flight), and most requests went
    # through at the first try.
    low = re.search(r"concurrency ([\d,]+)-([\d,]+)", first.stdout)
    assert low is not None
    assert int(low.group(1).replace(",", "")) <= 12
    assert low.group(2) == "2,500"
    sent = emu.request_count("/chat/completions")
    rate_limited = sum(1 for r in emu.requests if r.status == 429)
    assert rate_limited < 0.3 * sent

    again = _run(code, tmp_path, emu)
    assert again.returncode == 0, again.stdout + again.stderr[-4000:]
    assert "1,000 already done" in again.stdout
    assert emu.request_count("/chat/completions") == sent  # nothing sent twice
