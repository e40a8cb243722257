"""The command line's words: each error said for a person at a shell, with the right exit code.

In process (the functions the CLI prints with), on errors raised by a real client against the
emulator; the subprocess tests in test_cli.py and test_chat.py check the same end to end.
"""

from __future__ import annotations

import argparse
from typing import Any

import openai
import pytest

from deepseek_openai import DeepSeekRequestError, get_client
from deepseek_openai._cli._chat import finish_notice, request_messages
from deepseek_openai._cli._common import EXIT_API, EXIT_USAGE, UsageError, cli_terms
from deepseek_openai._cli._explain import describe, exit_code
from deepseek_openai._reasoning import FinalMessage
from deepseek_openai.testing import Fault

PYTHON_WORDS = ("get_balance", "max_retries", "port=0", "openai retries", "get_client", "with_options(")
ARGS = argparse.Namespace()


def _fail(emulator: Any, **kwargs: Any) -> openai.OpenAIError:
    client = get_client(api_key=emulator.api_key, base_url=emulator.base_url, max_retries=0, **kwargs)
    with pytest.raises(openai.OpenAIError) as failed:
        client.chat.completions.create(model="deepseek-flash", messages=[{"role": "user", "content": "hi"}])
    return failed.value


@pytest.mark.parametrize(
    ("status", "needle"),
    [
        (401, "DEEPSEEK_API_KEY"),
        (402, "`deepseek-openai balance`"),
        (422, "change the command"),
        (429, "run the command again"),
        (500, "run the command again"),
        (503, "run the command again"),
    ],
)
def test_status_errors_read_in_command_line_terms(deepseek_emulator: Any, status: int, needle: str) -> None:
    deepseek_emulator.fail_next(status)
    error = _fail(deepseek_emulator)
    text = describe(error, ARGS)
    assert text.startswith(f"DeepSeek {status} ")
    assert needle in text
    assert "Fix: " in text
    assert f"x-ds-trace-id: {error.trace_id}" in text  # type: ignore[attr-defined]
    for word in PYTHON_WORDS:
        assert word not in text, (word, text)
    assert exit_code(error) == EXIT_API


def test_a_retired_model_refused_in_error_mode_is_a_usage_error_in_cli_terms(deepseek_emulator: Any) -> None:
    client = get_client(
        api_key=deepseek_emulator.api_key, base_url=deepseek_emulator.base_url, retired_model_policy="error"
    )
    with pytest.raises(DeepSeekRequestError) as refused:
        client.chat.completions.create(model="deepseek-chat", messages=[{"role": "user", "content": "hi"}])
    text = describe(refused.value, ARGS)
    assert text.startswith("refused before sending: --model deepseek-chat is retired")
    assert "--model deepseek-flash --no-think" in text
    assert exit_code(refused.value) == EXIT_USAGE
    assert deepseek_emulator.requests == []


def test_a_timeout_says_to_raise_timeout(deepseek_emulator: Any) -> None:
    deepseek_emulator.inject(Fault(delay=5))
    error = _fail(deepseek_emulator, timeout=0.5)
    text = describe(error, ARGS)
    assert f"127.0.0.1:{deepseek_emulator.port}" in text
    assert "--timeout" in text
    assert exit_code(error) == EXIT_API


def test_usage_errors_and_bugs() -> None:
    assert exit_code(UsageError("x")) == EXIT_USAGE
    assert exit_code(RuntimeError("a bug")) is None  # a bug keeps its traceback
    assert describe(UsageError("say it plainly")) == "say it plainly"


def test_python_wording_becomes_command_line_wording() -> None:
    assert cli_terms("use model='deepseek-flash', thinking=False instead") == (
        "use --model deepseek-flash --no-think instead"
    )
    assert cli_terms("Sent as model='deepseek-flash' for now.") == "Sent as deepseek-flash for now."
    assert cli_terms("pass max_tokens, or max_completion_tokens") == "pass --max-tokens, or --max-tokens"
    assert cli_terms("then check with get_balance().") == "then check with `deepseek-openai balance`."
    assert cli_terms("Pass port=0 for a free one") == "Pass --port 0 for a free one"


def _final(content: str | None, finish: str | None) -> FinalMessage:
    return FinalMessage(
        content=content, reasoning_content="r", tool_calls=(), finish_reason=finish, usage=None
    )


def test_finish_notices_say_why_the_answer_is_incomplete() -> None:
    assert finish_notice(_final("ok", "stop"), None, thinking=None) is None
    assert finish_notice(_final("", "tool_calls"), None, thinking=None) is None
    empty = finish_notice(_final("", "length"), 5, thinking=None)
    assert empty is not None
    assert "the answer is empty" in empty
    assert "--no-think" in empty
    no_tip = finish_notice(_final(" ", "length"), 5, thinking=False)
    assert no_tip is not None
    assert "--no-think" not in no_tip  # thinking is already off
    cut = finish_notice(_final("half an ans", "length"), None, thinking=None)
    assert cut is not None
    assert "the model's output limit" in cut
    for reason in ("content_filter", "insufficient_system_resource", "aborted", "something_new"):
        notice = finish_notice(_final("x", reason), None, thinking=None)
        assert notice is not None
        assert reason in notice


def test_earlier_reasoning_is_sent_back_only_with_tools() -> None:
    history: list[dict[str, Any]] = [
        {"role": "user", "content": "q"},
        {"role": "assistant", "content": "a", "reasoning_content": "because"},
        {"role": "user", "content": "q2"},
    ]
    plain = request_messages(history, tools=False)
    assert plain[1] == {"role": "assistant", "content": "a"}
    with_tools = request_messages(history, tools=True)
    assert with_tools[1]["reasoning_content"] == "because"  # DeepSeek requires it then
    assert history[1]["reasoning_content"] == "because"  # the history itself keeps it


def test_ctrl_c_inside_an_import_is_still_an_interruption() -> None:
    from deepseek_openai._cli._common import interrupted

    wrapped = RuntimeError("Error calling __set_name__ on 'cached_property'")
    wrapped.__cause__ = KeyboardInterrupt()  # what Python raises when Ctrl-C lands in a class body
    assert interrupted(wrapped)
    assert not interrupted(RuntimeError("a plain bug"))
