"""Run the command line and example scripts as a user would: a subprocess with a clean environment."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ANSI = "\x1b["


def clean_env(extra: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """The parent environment without DEEPSEEK_*, OPENAI_* or NO_COLOR, plus ``extra`` (None removes)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DEEPSEEK_", "OPENAI_")) and k not in ("NO_COLOR", "FORCE_COLOR")
    }
    env["PYTHONIOENCODING"] = "utf-8"
    for key, value in (extra or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def emulator_env(emulator: Any, **extra: str | None) -> dict[str, str]:
    """Environment pointing at the emulator, as a user would set it."""
    return clean_env({"DEEPSEEK_API_KEY": emulator.api_key, "DEEPSEEK_BASE_URL": emulator.base_url, **extra})


def run(
    argv: Sequence[str], env: Mapping[str, str], *, stdin: str | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(argv),
        env=dict(env),
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        cwd=ROOT,
        check=False,
    )


def run_cli(
    *args: str, env: Mapping[str, str], stdin: str | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """``python -m deepseek_openai ARGS`` with stdin a pipe (never a terminal)."""
    return run([sys.executable, "-m", "deepseek_openai", *args], env, stdin=stdin, timeout=timeout)


def run_cli_many(
    calls: Sequence[tuple[Sequence[str], Mapping[str, str]]], *, timeout: float = 60
) -> list[subprocess.CompletedProcess[str]]:
    """Several independent ``python -m deepseek_openai`` runs at once (each pays the import cost)."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "deepseek_openai", *argv],
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            cwd=ROOT,
        )
        for argv, env in calls
    ]
    results = []
    for (argv, _), proc in zip(calls, procs, strict=True):
        out, err = proc.communicate(timeout=timeout)
        results.append(subprocess.CompletedProcess([*argv], proc.returncode, out, err))
    return results
