"""`deepseek-openai chat` as people use it: piped, redirected, cut off, refused, and as a conversation.

Subprocesses against the emulator; the conversation runs on a pseudo-terminal (stdin, stdout and
stderr all a terminal), typed into line by line.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from typing import Any

import pytest

from deepseek_openai.testing import Fault, ScriptedReply

from ._pty import Terminal
from ._util import ROOT, clean_env, emulator_env, run, run_cli

pytestmark = pytest.mark.timeout(120)

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


def _one_error_line(proc: subprocess.CompletedProcess[str], code: int, *needles: str) -> str:
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("deepseek-openai: error:")]
    assert len(errors) == 1, proc.stderr
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]


# --------------------------------------------------------------------------------------------
# Piped and redirected


def test_reasoning_can_be_sent_to_stdout_or_hidden(deepseek_emulator: Any) -> None:
    deepseek_emulator.queue_reply(ScriptedReply(reasoning_content="Hmm.", content="Yes.", times=2))
    env = emulator_env(deepseek_emulator)
    on_stdout = run_cli("chat", "--reasoning", "stdout", "Is 7 prime?", env=env)
    assert on_stdout.stdout == "Hmm.\n\nYes.\n"
    hidden = run_cli("chat", "--hide-reasoning", "Is 7 prime?", env=env)
    assert (hidden.stdout, hidden.stderr) == ("Yes.\n", "")


def test_no_prompt_with_stdin_redirected_reads_the_prompt_from_it(deepseek_emulator: Any) -> None:
    proc = run_cli("chat", "--no-think", env=emulator_env(deepseek_emulator), stdin="What is an echo?\n")
    assert proc.returncode == 0, proc.stderr
    assert deepseek_emulator.requests[-1].json["messages"] == [
        {"role": "user", "content": "What is an echo?\n"}
    ]


def test_an_answer_cut_at_max_tokens_exits_3_with_a_visible_note(deepseek_emulator: Any) -> None:
    env = emulator_env(deepseek_emulator)
    empty = run_cli("chat", "--max-tokens", "5", "Tell me a long story", env=env)
    assert empty.returncode == 3, empty.stderr
    assert empty.stdout == ""  # the reasoning used up the 5 tokens: no answer at all
    [note] = [line for line in empty.stderr.splitlines() if line.startswith("note:")]
    assert "the answer is empty" in note
    assert "--max-tokens limit of 5" in note
    assert "--no-think" in note
    deepseek_emulator.queue_reply(
        ScriptedReply(content="one two three four five six seven eight", finish_reason="length")
    )
    cut = run_cli("chat", "--no-think", "Count", env=env)
    assert cut.returncode == 3
    assert cut.stdout.startswith("one two")
    assert "note: the answer was cut short" in cut.stderr


def test_a_stream_cut_midway_ends_the_line_and_says_the_answer_is_incomplete(deepseek_emulator: Any) -> None:
    deepseek_emulator.queue_reply(ScriptedReply(content="alpha beta gamma delta epsilon", chunks=5))
    deepseek_emulator.inject(Fault(after_chunks=3, disconnect=True))
    proc = run_cli("chat", "--no-think", "Greek letters", env=emulator_env(deepseek_emulator))
    error = _one_error_line(
        proc, 1, f"127.0.0.1:{deepseek_emulator.port}", "incomplete", "run the command again"
    )
    assert proc.stdout.startswith("alpha")
    assert proc.stdout.endswith("\n")  # the partial answer is not glued to anything
    assert "retries" not in error  # a stream is not retried, and the message does not claim it is
    assert "max_retries" not in error


def test_a_refusal_before_the_network_exits_2_in_cli_words(deepseek_emulator: Any) -> None:
    proc = run_cli("chat", "--max-tokens", "999999", "hi", env=emulator_env(deepseek_emulator))
    error = _one_error_line(proc, 2, "refused before sending", "--max-tokens")
    assert "393216" in error
    assert deepseek_emulator.requests == []  # nothing was sent


def test_json_mode_without_json_in_the_prompt_is_a_usage_error(deepseek_emulator: Any) -> None:
    proc = run_cli("chat", "--json", "Capital of France?", env=emulator_env(deepseek_emulator))
    _one_error_line(proc, 2, "JSON")
    assert deepseek_emulator.request_count("/chat/completions") == 0


def test_a_retired_model_is_one_clean_note(deepseek_emulator: Any) -> None:
    proc = run_cli("chat", "--model", "deepseek-chat", "hi", env=emulator_env(deepseek_emulator))
    assert proc.returncode == 0, proc.stderr
    notes = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(notes) == 1, proc.stderr
    assert notes[0].startswith("note: The model name 'deepseek-chat' was retired")
    assert "--model deepseek-flash --no-think" in notes[0]
    assert ".py:" not in proc.stderr  # not a raw Python warning line
    assert "RetiredModelWarning" not in proc.stderr
    assert deepseek_emulator.requests[-1].json["model"] == "deepseek-flash"


def test_non_utf8_standard_input_is_a_usage_error_not_a_traceback(deepseek_emulator: Any) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "deepseek_openai", "chat", "-"],
        env=emulator_env(deepseek_emulator),
        input=b"caf\xe9 au lait\n",
        capture_output=True,
        timeout=60,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    err = proc.stderr.decode()
    assert "Traceback" not in err
    assert "not UTF-8" in err
    assert "0xe9 at offset 3" in err
    assert deepseek_emulator.requests == []


@pytest.mark.parametrize("command", [["chat", "hi"], ["models"], ["--help"]])
def test_a_closed_stdout_is_a_clear_error_not_a_traceback(command: list[str], deepseek_emulator: Any) -> None:
    shell = " ".join([sys.executable, "-m", "deepseek_openai", *(f"'{c}'" for c in command), ">&-"])
    proc = run(["sh", "-c", shell], emulator_env(deepseek_emulator))
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "standard output is closed" in proc.stderr
    assert deepseek_emulator.requests == []


def test_help_is_fast_because_it_imports_neither_openai_nor_the_package() -> None:
    code = (
        "import sys\n"
        "from deepseek_openai._cli import main\n"
        "for argv in (['--help'], ['chat', '--help'], ['models', '--help'], ['balance', '--help']):\n"
        "    assert main(argv) == 0\n"
        "names = ('openai', 'pydantic', 'httpx2', 'deepseek_openai._client')\n"
        "heavy = [m for m in names if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    proc = run([sys.executable, "-c", code], clean_env())
    assert proc.returncode == 0, proc.stderr
    assert "HEAVY []" in proc.stdout
    # every command says what it does, not just its name
    assert "List the models GET /models returns" in proc.stdout
    assert "Show whether the account can make requests" in proc.stdout


# --------------------------------------------------------------------------------------------
# On a terminal


def test_a_three_turn_conversation_on_a_terminal_with_a_spinner_before_the_first_token(
    deepseek_emulator: Any,
) -> None:
    deepseek_emulator.inject(Fault(delay=1.0))  # a slow first answer: the spinner must show
    with Terminal(["chat", "--system", "Be brief."], emulator_env(deepseek_emulator)) as term:
        banner = term.expect("Ctrl-D to leave")
        assert "deepseek-flash, thinking on" in banner
        term.expect("> ")
        term.line("My name is Ada.")
        waited = term.expect("Echo: My name is Ada.")
        assert any(frame in waited for frame in SPINNER), waited
        assert "waiting for deepseek-flash" in waited
        term.expect("> ")
        term.line("/think off")
        assert "thinking off, 1 turn so far" in term.expect("> ")
        term.line("What is my name?")
        term.expect("Echo: What is my name?")
        term.expect("> ")
        term.line("/model deepseek-v4-pro")
        assert "deepseek-v4-pro, thinking off, 2 turns so far" in term.expect("> ")
        term.line("And once more?")
        term.expect("Echo: And once more?")
        term.expect("> ")
        term.send("\x04")  # Ctrl-D leaves
        assert term.wait() == 0
    chats = [r.json for r in deepseek_emulator.requests if r.path == "/chat/completions"]
    assert len(chats) == 3
    third = chats[2]["messages"]
    assert [m["role"] for m in third] == ["system", "user", "assistant", "user", "assistant", "user"]
    assert third[1]["content"] == "My name is Ada."
    assert third[2]["content"] == "Echo: My name is Ada."
    # no tools in the request: earlier reasoning is not sent back (DeepSeek ignores it then)
    assert all("reasoning_content" not in m for m in third)
    assert chats[0].get("thinking", {"type": "enabled"}) == {"type": "enabled"}
    assert chats[1]["thinking"] == {"type": "disabled"}
    assert chats[2]["model"] == "deepseek-v4-pro"


def test_reset_forgets_the_conversation_and_an_error_ends_only_the_turn(deepseek_emulator: Any) -> None:
    with Terminal(["chat", "--no-think"], emulator_env(deepseek_emulator)) as term:
        term.expect("> ")
        term.line("first")
        term.expect("Echo: first")
        term.expect("> ")
        deepseek_emulator.set_balance(deepseek_emulator.api_key, 0)
        term.line("second")
        failed = term.expect("> ")
        assert "DeepSeek 402 Insufficient Balance" in failed
        assert "deepseek-openai balance" in failed
        deepseek_emulator.set_balance(deepseek_emulator.api_key, 10)
        term.line("/reset")
        assert "conversation cleared" in term.expect("> ")
        term.line("third")
        term.expect("Echo: third")
        term.expect("> ")
        term.line("/exit")
        assert term.wait() == 0
    chats = [r.json for r in deepseek_emulator.requests if r.path == "/chat/completions"]
    assert [m["content"] for m in chats[1]["messages"]] == ["first", "Echo: first", "second"]
    assert [m["content"] for m in chats[2]["messages"]] == ["third"]  # the failed turn and the reset are gone


def test_the_spinner_says_when_it_retries(deepseek_emulator: Any) -> None:
    deepseek_emulator.fail_next(429, retry_after=1.5)
    with Terminal(["chat", "--no-think", "hello"], emulator_env(deepseek_emulator)) as term:
        waited = term.expect("Echo: hello")
        assert "rate limited (429), retry 1 of 2" in waited, waited
        assert term.wait() == 0


def test_interrupting_an_answer_keeps_the_conversation(deepseek_emulator: Any) -> None:
    deepseek_emulator.inject(Fault(delay=20))
    with Terminal(["chat", "--no-think"], emulator_env(deepseek_emulator)) as term:
        term.expect("> ")
        term.line("a slow one")
        term.expect("waiting for deepseek-flash")
        term.proc.send_signal(signal.SIGINT)  # what Ctrl-C does
        assert "answer stopped" in term.expect("> ")
        term.line("a quick one")
        term.expect("Echo: a quick one")
        term.expect("> ")
        term.send("\x04")
        assert term.wait() == 0
    chats = [r.json for r in deepseek_emulator.requests if r.path == "/chat/completions"]
    assert [m["content"] for m in chats[-1]["messages"]] == ["a quick one"]
