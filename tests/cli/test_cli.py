"""The command line as a user runs it: a subprocess against the emulator, judged by output and exit code."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from typing import Any

import pytest

from deepseek_openai.testing import ScriptedReply

from ._util import ANSI, ROOT, clean_env, emulator_env, run_cli, run_cli_many

pytestmark = pytest.mark.timeout(90)


def _assert_quiet_failure(proc: subprocess.CompletedProcess[str], code: int, *needles: str) -> None:
    """An expected error: the exit code, one line on stderr with the fix, no traceback."""
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    for needle in needles:
        assert needle in proc.stderr, proc.stderr


def _no_key(proc: subprocess.CompletedProcess[str], key: str) -> None:
    assert key not in proc.stdout
    assert key not in proc.stderr


# --------------------------------------------------------------------------------------------
# chat


def test_chat_piped_puts_only_the_answer_on_stdout_and_the_reasoning_on_stderr(
    deepseek_emulator: Any,
) -> None:
    deepseek_emulator.queue_reply(
        ScriptedReply(reasoning_content="Two and two make four.", content="The answer is 4.")
    )
    proc = run_cli("chat", "What is 2+2?", env=emulator_env(deepseek_emulator))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "The answer is 4.\n"  # `chat ... > answer.txt` holds the answer alone
    assert proc.stderr == "Two and two make four.\n"
    assert ANSI not in proc.stdout + proc.stderr  # neither is a terminal: plain text
    body = deepseek_emulator.requests[-1].json
    assert body["stream"] is True
    assert body["messages"] == [{"role": "user", "content": "What is 2+2?"}]
    assert body.get("thinking", {"type": "enabled"}) == {"type": "enabled"}
    _no_key(proc, deepseek_emulator.api_key)


def test_chat_no_think_sends_thinking_disabled_and_prints_only_the_answer(deepseek_emulator: Any) -> None:
    deepseek_emulator.queue_reply(ScriptedReply(reasoning_content="never shown", content="Four."))
    proc = run_cli(
        "chat",
        "--no-think",
        "--model",
        "deepseek-v4-pro",
        "2+2?",
        "--usage",
        env=emulator_env(deepseek_emulator),
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "Four.\n"
    body = deepseek_emulator.requests[-1].json
    assert body["thinking"] == {"type": "disabled"}
    assert body["model"] == "deepseek-v4-pro"
    # --usage: tokens and the estimated cost go to stderr, keeping stdout the answer alone
    assert "prompt tokens" in proc.stderr
    assert "estimated cost $" in proc.stderr


def test_chat_reads_the_prompt_from_stdin_with_system_and_effort(deepseek_emulator: Any) -> None:
    proc = run_cli(
        "chat",
        "-",
        "--system",
        "Be terse.",
        "--effort",
        "max",
        env=emulator_env(deepseek_emulator),
        stdin="Summarise the plot of Hamlet\nin one line.",
    )
    assert proc.returncode == 0, proc.stderr
    body = deepseek_emulator.requests[-1].json
    assert body["messages"] == [
        {"role": "system", "content": "Be terse."},
        {"role": "user", "content": "Summarise the plot of Hamlet\nin one line."},
    ]
    assert body["reasoning_effort"] == "max"
    assert proc.stdout.strip()  # the emulator's derived reply


def test_chat_json_prints_the_parsed_object(deepseek_emulator: Any) -> None:
    deepseek_emulator.queue_reply(ScriptedReply(content='  {"city": "Paris", "population": 2102650}'))
    proc = run_cli(
        "chat", "--json", "Give the capital of France as JSON.", env=emulator_env(deepseek_emulator)
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"city": "Paris", "population": 2102650}
    assert proc.stdout.startswith("{\n")  # pretty-printed
    assert deepseek_emulator.requests[-1].json["response_format"] == {"type": "json_object"}


def test_chat_json_without_json_in_the_prompt_is_refused_before_sending(deepseek_emulator: Any) -> None:
    proc = run_cli("chat", "--json", "Capital of France?", env=emulator_env(deepseek_emulator))
    assert proc.returncode == 2  # refused before the network: a usage error
    assert "Traceback" not in proc.stderr
    assert "json" in proc.stderr.lower()
    assert deepseek_emulator.request_count("/chat/completions") == 0


# --------------------------------------------------------------------------------------------
# models, balance


def test_models_lists_the_served_models_with_catalogue_facts(deepseek_emulator: Any) -> None:
    proc = run_cli("models", env=emulator_env(deepseek_emulator))
    assert proc.returncode == 0, proc.stderr
    header, *lines = proc.stdout.splitlines()
    assert header.split()[:2] == ["MODEL", "NAME"]
    assert "CACHE HIT / MISS / OUTPUT" in header
    assert [line.split()[0] for line in lines] == ["deepseek-flash", "deepseek-v4-pro"]
    assert "DeepSeek-V4.1-Flash" in lines[0]
    assert "$1.20" in lines[0]


def test_models_json_is_a_list_with_the_catalogue_facts(deepseek_emulator: Any) -> None:
    proc = run_cli("models", "--json", env=emulator_env(deepseek_emulator))
    assert proc.returncode == 0, proc.stderr
    models = json.loads(proc.stdout)
    assert [m["id"] for m in models] == ["deepseek-flash", "deepseek-v4-pro"]
    flash = models[0]
    assert flash["context_window"] == 1_048_576  # 1M, the documents' figure
    assert flash["max_output_tokens"] == 393_216
    assert flash["usd_per_million_tokens_peak"] == {
        "cache_hit_input": "0.006",
        "cache_miss_input": "0.30",
        "output": "1.20",
    }


def test_balance_shows_the_emulators_balance(deepseek_emulator: Any) -> None:
    deepseek_emulator.set_balance(deepseek_emulator.api_key, "12.34")
    proc = run_cli("balance", env=emulator_env(deepseek_emulator))
    assert proc.returncode == 0, proc.stderr
    assert "available: yes" in proc.stdout
    assert "12.34" in proc.stdout
    assert "USD" in proc.stdout


# --------------------------------------------------------------------------------------------
# doctor


def test_doctor_passes_against_the_emulator_and_masks_the_key(deepseek_emulator: Any) -> None:
    key = deepseek_emulator.api_key
    proc = run_cli("doctor", env=emulator_env(deepseek_emulator))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    for label in ("API key", "base URL", "key accepted", "balance", "pricing now"):
        assert f"✓ {label}:" in out, out
    assert "✗" not in out
    assert f"****{key[-4:]}" in out
    assert "peak" in out
    _no_key(proc, key)


def test_doctor_with_a_wrong_key_fails_with_exit_1_and_never_prints_it(deepseek_emulator: Any) -> None:
    wrong = "sk-wrong-key-0123456789abcdefXYZW"
    proc = run_cli("doctor", env=emulator_env(deepseek_emulator, DEEPSEEK_API_KEY=wrong))
    assert proc.returncode == 1, proc.stdout
    assert "✓ base URL:" in proc.stdout
    assert "✗ key accepted:" in proc.stdout
    assert "DEEPSEEK_API_KEY" in proc.stdout  # the fix names the variable
    assert "****XYZW" in proc.stdout
    _no_key(proc, wrong)


def _free_port() -> int:
    with socket.socket() as sock:  # a port nobody listens on once closed
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


BAD_USAGE = [
    ("chat", "--effort", "extreme", "hi"),
    ("chat", "--no-think", "--effort", "max", "hi"),
    ("frobnicate",),
    ("--api-key", "sk-x", "models"),  # deliberately not an option
]


def test_runs_without_an_emulator_exit_codes_and_messages() -> None:
    """The runs that need no server, started together to keep the suite quick."""
    port = _free_port()
    unreachable = clean_env(
        {"DEEPSEEK_API_KEY": "sk-test-0123456789abcdef", "DEEPSEEK_BASE_URL": f"http://127.0.0.1:{port}"}
    )
    openai_only = clean_env(
        {"DEEPSEEK_BASE_URL": f"http://127.0.0.1:{port}", "OPENAI_API_KEY": "sk-openai-not-for-deepseek"}
    )
    calls: list[tuple[tuple[str, ...], dict[str, str]]] = [
        (("doctor",), unreachable),
        (("doctor", "--timeout", "2"), openai_only),
        (("chat", "hello"), clean_env()),
        (("--help",), clean_env()),
        (("chat",), clean_env({"DEEPSEEK_API_KEY": "sk-test-0123456789abcdef"})),  # stdin is empty
        (("chat", "hello"), unreachable),
        *((argv, clean_env()) for argv in BAD_USAGE),
    ]
    doctor_down, doctor_no_key, no_key, helped, no_prompt, refused_connection, *bad = run_cli_many(calls)

    # doctor: an unreachable base URL fails the check, exit 1, with the fix
    assert doctor_down.returncode == 1, doctor_down.stdout + doctor_down.stderr
    assert f"✗ base URL: http://127.0.0.1:{port} is not reachable" in doctor_down.stdout
    assert "Fix:" in doctor_down.stdout
    assert "Traceback" not in doctor_down.stderr
    _no_key(doctor_down, "sk-test-0123456789abcdef")

    # doctor without DEEPSEEK_API_KEY: fails, and says OPENAI_API_KEY is deliberately not used
    assert doctor_no_key.returncode == 1
    assert (
        "✗ API key: DEEPSEEK_API_KEY is not set (OPENAI_API_KEY is set but deliberately not used)"
        in doctor_no_key.stdout
    )
    _no_key(doctor_no_key, "sk-openai-not-for-deepseek")

    # a command that needs the key: usage error 2, one line naming the variable and the fix
    _assert_quiet_failure(no_key, 2, "DEEPSEEK_API_KEY is not set", "Fix: export DEEPSEEK_API_KEY=")
    assert len(no_key.stderr.strip().splitlines()) == 1

    # --help: every command, and why there is no --api-key
    assert helped.returncode == 0
    assert "no --api-key" in " ".join(helped.stdout.split())
    for command in ("chat", "models", "balance", "doctor", "emulator", "demo"):
        assert command in helped.stdout

    # no prompt and nothing on stdin: a usage error that says how to give one
    _assert_quiet_failure(no_prompt, 2, "the prompt read from standard input is empty")

    # nothing listens on the port: the error names host:port and what to check, in CLI words
    _assert_quiet_failure(refused_connection, 1, f"could not connect to 127.0.0.1:{port}", "--base-url")
    assert "max_retries" not in refused_connection.stderr
    assert len(refused_connection.stderr.strip().splitlines()) == 1

    # bad usage: argparse's usage line and exit 2, no traceback
    for argv, proc in zip(BAD_USAGE, bad, strict=True):
        assert proc.returncode == 2, (argv, proc.stderr)
        assert "usage:" in proc.stderr, argv
        assert "Traceback" not in proc.stderr


def test_api_errors_exit_1_with_one_line_and_the_fix(deepseek_emulator: Any) -> None:
    deepseek_emulator.set_balance(deepseek_emulator.api_key, 0)
    proc = run_cli("chat", "hello", env=emulator_env(deepseek_emulator))
    _assert_quiet_failure(
        proc, 1, "DeepSeek 402 Insufficient Balance.", "top up", "`deepseek-openai balance`"
    )
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "get_balance" not in proc.stderr  # the fix in command-line words
    assert proc.stderr.count("Insufficient Balance") == 1  # the title is not said twice
    _no_key(proc, deepseek_emulator.api_key)


def test_rate_limit_error_after_retries_exits_1(deepseek_emulator: Any) -> None:
    deepseek_emulator.fail_next(429, times=5)
    proc = run_cli("models", env=emulator_env(deepseek_emulator, DEEPSEEK_MAX_RETRIES="0"))
    _assert_quiet_failure(proc, 1, "DeepSeek 429 Rate Limit Reached", "run the command again")
    assert "max_retries" not in proc.stderr
    assert "DEEPSEEK_MAX_RETRIES" in proc.stderr
    assert deepseek_emulator.request_count("/models") == 1


# --------------------------------------------------------------------------------------------
# demo


@pytest.mark.slow
def test_demo_without_a_key_runs_every_section_on_the_embedded_emulator() -> None:
    from deepseek_openai._cli._demo import SECTIONS

    proc = run_cli("demo", env=clean_env(), timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr
    out = proc.stdout
    assert "embedded DeepSeek emulator" in out
    for number, title in enumerate(SECTIONS, start=1):
        assert f"== {number}. {title} ==" in out
    assert "UnsupportedFeatureError" in out  # embeddings refused by the guards
    assert "InsufficientBalanceError" in out
    assert "RateLimitError" in out
    assert "requests that reached the server: 0" in out
    assert "estimated cost now" in out
    assert ANSI not in out
    assert "Traceback" not in proc.stderr


def test_demo_with_a_key_refuses_without_yes_when_it_cannot_ask(deepseek_emulator: Any) -> None:
    proc = run_cli("demo", env=emulator_env(deepseek_emulator))
    _assert_quiet_failure(proc, 2, "--yes", "unset DEEPSEEK_API_KEY")
    assert deepseek_emulator.requests == []  # nothing was spent
    _no_key(proc, deepseek_emulator.api_key)


@pytest.mark.slow
def test_demo_with_a_key_and_yes_runs_and_skips_the_fault_section(deepseek_emulator: Any) -> None:
    proc = run_cli("demo", "--yes", env=emulator_env(deepseek_emulator), timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr
    assert "Skipped with a real key" in proc.stdout
    assert "embedded" not in proc.stdout
    assert deepseek_emulator.request_count("/chat/completions") >= 5
    _no_key(proc, deepseek_emulator.api_key)


# --------------------------------------------------------------------------------------------
# terminal output


def _run_on_tty(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run the CLI with stdout on a pseudo-terminal and return (exit code, what the terminal got)."""
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "deepseek_openai", *args],
        env=env,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=subprocess.DEVNULL,
    )
    os.close(slave)
    data = b""
    while True:
        try:
            piece = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not piece:
            break
        data += piece
    os.close(master)
    return proc.wait(timeout=60), data.decode("utf-8").replace("\r\n", "\n")


def test_on_a_terminal_reasoning_is_dimmed_and_no_color_turns_styling_off(deepseek_emulator: Any) -> None:
    deepseek_emulator.queue_reply(ScriptedReply(reasoning_content="Thinking hard.", content="Done.", times=2))
    env = emulator_env(deepseek_emulator, TERM="xterm")
    code, styled = _run_on_tty(["chat", "go"], env)
    assert code == 0
    assert styled == "\x1b[2mThinking hard.\x1b[0m\n\nDone.\n"
    code, plain = _run_on_tty(["chat", "go"], {**env, "NO_COLOR": "1"})
    assert code == 0
    assert plain == "Thinking hard.\n\nDone.\n"


def _serve(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "deepseek_openai", "emulator", *args],
        env=clean_env(),
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def _banner(proc: subprocess.Popen[str]) -> list[str]:
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:  # bounded by the test timeout
        lines.append(line.rstrip("\n"))
        if "Press Ctrl-C" in line:
            break
    return lines


def test_emulator_command_prints_export_lines_logs_each_request_and_stops_on_ctrl_c() -> None:
    """`deepseek-openai emulator`: ready-to-paste exports, one log line per request (no key), Ctrl-C stops."""
    import signal

    import httpx2

    key = "sk-emulator-cli-test-key-0123456789"
    proc = _serve("--api-key", key)
    try:
        lines = _banner(proc)
        exports = dict(
            line.strip().removeprefix("export ").split("=", 1)
            for line in lines
            if line.strip().startswith("export ")
        )
        base_url = exports["DEEPSEEK_BASE_URL"]
        assert base_url.startswith("http://127.0.0.1:")
        assert exports["DEEPSEEK_API_KEY"] == key
        assert any("Echo: <your last message>" in line for line in lines)  # the made-up replies, explained
        ok = httpx2.get(base_url + "/models", headers={"Authorization": f"Bearer {key}"})
        assert ok.status_code == 200
        assert [m["id"] for m in ok.json()["data"]] == ["deepseek-flash", "deepseek-v4-pro"]
        refused = httpx2.get(base_url + "/models", headers={"Authorization": "Bearer other"})
        assert refused.status_code == 401
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
        assert proc.returncode == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    log = [line for line in out.splitlines() if " /models " in line]
    assert len(log) == 2, out
    assert log[0].split()[1:4] == ["GET", "/models", "200"]
    assert log[1].split()[1:4] == ["GET", "/models", "401"]
    assert f"x-ds-trace-id={ok.headers['x-ds-trace-id']}" in log[0]
    assert " ms " in log[0]
    assert key not in "\n".join(log)  # the key is in the export line, never in a request line
    assert "other" not in "\n".join(log)


def test_emulator_on_all_interfaces_prints_the_loopback_url_and_a_busy_port_says_port_0() -> None:
    import signal

    proc = _serve("--host", "0.0.0.0", "--quiet")
    try:
        lines = _banner(proc)
        listening = lines[0]
        assert listening.startswith("DeepSeek emulator listening on http://127.0.0.1:"), lines
        assert "0.0.0.0:" not in "\n".join(lines)
        port = listening.rsplit(":", 1)[1]
        busy = _serve("--port", port)
        _, err = busy.communicate(timeout=30)
        assert busy.returncode == 1
        assert f"could not listen on 127.0.0.1:{port}" in err
        assert "--port 0" in err
        assert "port=0" not in err
        assert "Traceback" not in err
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
