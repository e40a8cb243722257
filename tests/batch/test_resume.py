"""Killed and resumed: ``deepseek-openai batch run`` in a subprocess, stopped halfway, run again.

The emulator (in this process) injects 429s, 500s, 503s and dropped connections throughout; the
job is killed with SIGTERM (a clean stop: in-flight requests finish and are written) or SIGKILL
(no warning: in-flight requests are lost and a line may be torn). Either way the rerun completes
the job with every ``custom_id`` exactly once in the output, and the emulator's records show how
often each request was answered, so charged.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from deepseek_openai.testing import DeepSeekEmulator, Fault
from tests.cli._util import ROOT, emulator_env

from .conftest import answered, ids, write_requests

pytestmark = [pytest.mark.slow, pytest.mark.timeout(400)]

CONCURRENCY = 32


def _faults(emu: DeepSeekEmulator, rounds: int) -> int:
    """Spread faults over the whole run (each lets ``skip`` requests through, then strikes once)."""
    for _ in range(rounds):
        emu.inject(
            Fault(status=429, skip=37),
            Fault(status=500, skip=23),
            Fault(disconnect=True, skip=41),
            Fault(status=503, skip=29),
        )
    return 4 * rounds


def _start(source: Path, out: Path, emu: DeepSeekEmulator) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "deepseek_openai",
            "batch",
            "run",
            str(source),
            "-o",
            str(out),
            "--concurrency",
            str(CONCURRENCY),
        ],
        env=emulator_env(emu),
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def _lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def _kill_after(proc: subprocess.Popen[str], out: Path, lines: int, sig: signal.Signals) -> tuple[str, str]:
    deadline = time.monotonic() + 300
    while _lines(out) < lines:
        if proc.poll() is not None or time.monotonic() > deadline:
            stdout, stderr = proc.communicate()
            pytest.fail(f"the job ended before line {lines} (exit {proc.returncode}):\n{stdout}\n{stderr}")
        time.sleep(0.05)
    proc.send_signal(sig)
    return proc.communicate(timeout=60)


def _run(source: Path, out: Path, emu: DeepSeekEmulator) -> subprocess.CompletedProcess[str]:
    proc = _start(source, out, emu)
    stdout, stderr = proc.communicate(timeout=300)
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


def test_ten_thousand_requests_with_faults_killed_halfway_and_resumed(tmp_path: Path) -> None:
    # Its own emulator: the shared one remembers only the last 10,000 requests, and this test counts
    # every answer of more than that.
    with DeepSeekEmulator(max_records=50_000) as emu:
        _ten_thousand_killed_and_resumed(emu, tmp_path)


def _ten_thousand_killed_and_resumed(emu: DeepSeekEmulator, tmp_path: Path) -> None:
    n = 10_000
    source = write_requests(tmp_path / "requests.jsonl", n, thinking={"type": "disabled"})
    out = tmp_path / "results.jsonl"
    injected = _faults(emu, 120)

    stdout, stderr = _kill_after(_start(source, out, emu), out, n // 2, signal.SIGTERM)
    first = _lines(out)
    assert "interrupted" in stdout, stdout + stderr
    assert n // 2 <= first < n
    done = ids(out)
    assert len(done) == first
    assert max(done.values()) == 1
    sent_first = emu.request_count("/chat/completions")

    status = subprocess.run(
        [sys.executable, "-m", "deepseek_openai", "batch", "status", str(out)],
        env=emulator_env(emu),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert status.returncode == 0
    assert f"{n - first:,} left of {n:,}" in status.stdout
    assert "interrupted" in status.stdout

    second = _run(source, out, emu)
    assert second.returncode == 0, second.stdout + second.stderr
    assert f"{first:,} already done" in second.stdout
    assert ids(out) == {f"request-{i}": 1 for i in range(n)}
    # No duplicate charges: a clean stop lets in-flight requests finish, and a rerun skips them.
    charged = answered(emu)
    assert len(charged) == n
    assert max(charged.values()) == 1
    # Every fault struck a request that was then retried; the rerun sent only what was left.
    faults_used = injected - emu.pending_faults()
    assert emu.request_count("/chat/completions") == n + faults_used
    assert emu.request_count("/chat/completions") - sent_first < n - first + faults_used + 1


def test_a_job_killed_without_warning_loses_at_most_what_was_in_flight(
    deepseek_emulator: DeepSeekEmulator, tmp_path: Path
) -> None:
    emu = deepseek_emulator
    n = 2_000
    source = write_requests(tmp_path / "requests.jsonl", n, thinking={"type": "disabled"})
    out = tmp_path / "results.jsonl"
    _faults(emu, 20)
    _kill_after(_start(source, out, emu), out, n // 2, signal.SIGKILL)
    written = ids(out) if out.read_bytes().endswith(b"\n") else None
    before = answered(emu)

    again = _run(source, out, emu)
    assert again.returncode == 0, again.stdout + again.stderr
    assert ids(out) == {f"request-{i}": 1 for i in range(n)}
    # Answered twice only if it was in flight (answered, not yet written) when the job died.
    charged = answered(emu)
    twice = [cid for cid, count in charged.items() if count > 1]
    assert len(twice) <= CONCURRENCY
    if written is not None:
        assert all(cid not in written for cid in twice)
    assert all(before[cid] == 1 for cid in twice)
