"""``deepseek-openai batch run`` / ``batch status`` as a user runs them: exit codes, summaries, fixes."""

from __future__ import annotations

import json
from pathlib import Path

from deepseek_openai.testing import DeepSeekEmulator, Fault
from tests.cli._util import clean_env, emulator_env, run_cli, run_cli_many

from .conftest import ids, write_requests


def test_batch_run_completes_a_file_and_status_says_nothing_is_left(
    deepseek_emulator: DeepSeekEmulator, tmp_path: Path
) -> None:
    env = emulator_env(deepseek_emulator)
    source = write_requests(tmp_path / "in.jsonl", 25)
    out = tmp_path / "out.jsonl"
    done = run_cli("batch", "run", str(source), "-o", str(out), "--concurrency", "8", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "25 requests this run: 25 succeeded, 0 failed (of 25)" in done.stdout
    assert "estimated cost $" in done.stdout
    assert done.stderr == ""  # not a terminal: no progress bar
    assert len(ids(out)) == 25
    status = run_cli("batch", "status", str(out), env=env)
    assert status.returncode == 0
    assert "25 succeeded, 0 failed, 0 left of 25" in status.stdout
    assert "read the input to the end" in status.stdout
    again = run_cli("batch", "run", str(source), "-o", str(out), env=env)
    assert again.returncode == 0
    assert "25 already done" in again.stdout


def test_a_budget_stop_exits_1_and_says_how_to_continue(
    deepseek_emulator: DeepSeekEmulator, tmp_path: Path
) -> None:
    env = emulator_env(deepseek_emulator)
    source = write_requests(tmp_path / "in.jsonl", 80, thinking={"type": "disabled"})
    out = tmp_path / "out.jsonl"
    stopped = run_cli("batch", "run", str(source), "-o", str(out), "--budget", "0.0002", env=env)
    assert stopped.returncode == 1, stdout_err(stopped)
    assert "budget would have been passed" in stopped.stdout
    status = run_cli("batch", "status", str(out), "--input", str(source), env=env)
    left = 80 - len(ids(out))
    assert f"{left:,} left of 80" in status.stdout
    assert "stopped at the budget" in status.stdout
    assert "Run the same `batch run` command again" in status.stdout


def stdout_err(proc: object) -> str:
    return f"{getattr(proc, 'stdout', '')}\n{getattr(proc, 'stderr', '')}"


def test_usage_errors_exit_2_with_the_fix_and_nothing_is_sent(
    deepseek_emulator: DeepSeekEmulator, tmp_path: Path
) -> None:
    env = emulator_env(deepseek_emulator)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"custom_id": "a", "body": {"model": "deepseek-flash"}}) + "\nnot json\n")
    good = write_requests(tmp_path / "good.jsonl", 2)
    out = str(tmp_path / "out.jsonl")
    results = run_cli_many(
        [
            (["batch", "run", str(bad), "-o", out], env),
            (["batch", "run", str(tmp_path / "missing.jsonl"), "-o", out], env),
            (["batch", "run", str(good), "-o", out, "--budget", "-1"], env),
            (["batch", "run", str(good), "-o", out, "--when", "tonight"], env),
            (["batch", "run", str(good), "-o", out, "--retries", "-1"], env),
            (["batch", "run", str(good)], env),
            (["batch", "status", str(tmp_path / "nothing.jsonl")], env),
            (["batch", "run", str(good), "-o", out], clean_env()),  # no key
        ]
    )
    codes = [r.returncode for r in results]
    assert codes == [2] * 8, [stdout_err(r) for r in results]
    assert "line 2 of the input is not JSON" in results[0].stderr
    assert "Fix:" in results[0].stderr
    assert "no input file" in results[1].stderr
    assert "positive amount" in results[2].stderr
    assert "invalid choice" in results[3].stderr
    assert "must be 0 or more" in results[4].stderr
    assert "-o/--output" in results[5].stderr
    assert "no output file" in results[6].stderr
    assert "DEEPSEEK_API_KEY is not set" in results[7].stderr
    assert deepseek_emulator.request_count() == 0


def test_retries_0_sends_each_request_once_and_a_500_is_left_for_the_next_run(
    deepseek_emulator: DeepSeekEmulator, tmp_path: Path
) -> None:
    env = emulator_env(deepseek_emulator)
    source = write_requests(tmp_path / "in.jsonl", 3)
    out = tmp_path / "out.jsonl"
    deepseek_emulator.inject(Fault(status=500, times=1))
    first = run_cli(
        "batch", "run", str(source), "-o", str(out), "--concurrency", "1", "--retries", "0", env=env
    )
    assert first.returncode == 1, stdout_err(first)  # something is left: run again
    assert deepseek_emulator.request_count("/chat/completions") == 3  # the 500 was not retried
    assert len(ids(out)) == 2
    again = run_cli("batch", "run", str(source), "-o", str(out), "--retries", "0", env=env)
    assert again.returncode == 0, stdout_err(again)
    assert ids(out) == {f"request-{i}": 1 for i in range(3)}
