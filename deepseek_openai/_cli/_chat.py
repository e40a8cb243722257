"""``deepseek-openai chat``: one prompt and its streamed answer, or a conversation on a terminal.

Where things go:

- the answer on stdout, always (so ``chat ... > answer.txt`` holds the answer and nothing else);
- the reasoning dimmed before it on a terminal, on stderr when stdout is not a terminal, or
  nowhere (``--reasoning``);
- a spinner on stderr while waiting, retrying or thinking unseen, only when stderr is a terminal;
- notes (an incomplete answer, a translated model name) and errors on stderr, each on its own line.

Without a prompt on a terminal it is a conversation: the history is kept between turns (the
reasoning of earlier turns is kept too, and sent back only when a request carries tools, which is
when DeepSeek requires it), with ``/reset``, ``/model``, ``/think`` and Ctrl-D to leave.
Standard library only at import time.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from ._common import (
    EXIT_INCOMPLETE,
    EXIT_OK,
    Output,
    UsageError,
    add_command,
    make_client,
    positive_int,
)

if TYPE_CHECKING:
    from deepseek_openai._client import DeepSeek
    from deepseek_openai._reasoning import FinalMessage

REASONING_CHOICES = ("auto", "stdout", "stderr", "hide")
EFFORTS = ("low", "high", "max")


def register(sub: Any) -> None:
    chat = add_command(
        sub,
        "chat",
        summary="stream the answer to a prompt, or hold a conversation (no prompt, on a terminal)",
        description="Send a prompt and stream the answer to stdout. Thinking is on by default: the "
        "reasoning is shown dimmed before the answer on a terminal, and goes to stderr when stdout is "
        "redirected, so a file gets only the answer. Without a prompt on a terminal, start a "
        "conversation (history kept; /help lists the commands; Ctrl-D leaves). Without a prompt and "
        "with standard input redirected, the prompt is read from it.",
        handler=run,
    )
    chat.add_argument("prompt", nargs="?", default=None, help="the prompt; '-' reads it from standard input")
    chat.add_argument("--model", default=None, help="model id (default: DEEPSEEK_MODEL or deepseek-flash)")
    think = chat.add_mutually_exclusive_group()
    think.add_argument("--no-think", action="store_true", help="turn thinking off (faster, cheaper)")
    think.add_argument(
        "--effort",
        choices=EFFORTS,
        default=None,
        help="reasoning effort while thinking (server default: high)",
    )
    chat.add_argument("--system", default=None, metavar="TEXT", help="a system message to send first")
    chat.add_argument(
        "--json",
        action="store_true",
        help="JSON mode: ask for a JSON object and print it parsed (the prompt must mention JSON)",
    )
    chat.add_argument(
        "--max-tokens",
        type=positive_int,
        default=None,
        metavar="N",
        help="cap on reasoning + answer tokens (an answer cut at the cap exits 3)",
    )
    chat.add_argument(
        "--reasoning",
        choices=REASONING_CHOICES,
        default="auto",
        help="where the reasoning goes: auto (dimmed before the answer on a terminal, else stderr), "
        "stdout, stderr or hide",
    )
    chat.add_argument("--hide-reasoning", action="store_true", help="the same as --reasoning hide")
    chat.add_argument(
        "--usage", action="store_true", help="print token usage and the estimated cost (stderr)"
    )


# --------------------------------------------------------------------------------------------
# Entry


def run(args: argparse.Namespace, out: Output) -> int:
    interactive = args.prompt is None and _isatty(sys.stdin) and out.out_tty
    if interactive and args.json:
        raise UsageError(
            "--json needs a prompt. Fix: pass the prompt, e.g. chat --json 'the capital, as JSON'"
        )
    if args.prompt is None and not interactive and _isatty(sys.stdin):
        raise UsageError(
            "no prompt given, and a conversation needs stdout on a terminal. Fix: pass a prompt, or "
            "run `deepseek-openai chat` without redirecting its output"
        )
    prompt = None if interactive else read_prompt(args.prompt)
    session = Session(make_client(args), args, out)
    if interactive:
        return session.converse()
    return session.once(prompt or "")


def read_prompt(prompt: str | None) -> str:
    """The prompt argument, or standard input for ``-`` / no argument; checked to be sendable text."""
    if prompt is None or prompt == "-":
        text = _read_stdin()
        if not text.strip():
            raise UsageError("the prompt read from standard input is empty. Fix: pipe some text in")
        return text
    if not prompt.strip():
        raise UsageError("the prompt is empty. Fix: pass the prompt text, or '-' to read standard input")
    _check_text(prompt, "the prompt argument")
    return prompt


def _read_stdin() -> str:
    stream = sys.stdin
    if stream is None:
        raise UsageError("standard input is closed. Fix: pass the prompt as an argument, or pipe it in")
    buffer = getattr(stream, "buffer", None)
    try:
        raw = buffer.read() if buffer is not None else stream.read().encode("utf-8", "surrogateescape")
    except OSError as exc:
        raise UsageError(f"standard input could not be read ({exc.strerror or exc}).") from None
    try:
        return str(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"standard input is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}). Fix: "
            "convert it first, e.g. `iconv -f latin1 -t utf-8 FILE | deepseek-openai chat -`"
        ) from None


def _check_text(text: str, what: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise UsageError(
            f"{what} is not valid UTF-8 (at character {exc.start}). Fix: pass it as UTF-8 text"
        ) from None


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (OSError, ValueError):
        return False


def request_messages(history: list[dict[str, Any]], *, tools: bool) -> list[dict[str, Any]]:
    """The history as sent: earlier reasoning goes back only when the request carries tools.

    DeepSeek (2026-09-11 rule) requires every earlier assistant turn's ``reasoning_content`` when
    tools are sent and ignores it otherwise, so without tools it is left out (less to upload).
    """
    if tools:
        return [dict(m) for m in history]
    return [{k: v for k, v in m.items() if k != "reasoning_content"} for m in history]


# --------------------------------------------------------------------------------------------
# A session: one prompt, or a conversation


class Session:
    """The client, the model and the thinking choice, and (in a conversation) the history."""

    def __init__(self, client: DeepSeek, args: argparse.Namespace, out: Output) -> None:
        self.base = client
        self.args = args
        self.out = out
        self.model: str = args.model or client.settings.model
        self.thinking: bool | None = False if args.no_think else None
        self.effort: str | None = args.effort
        self.history: list[dict[str, Any]] = self._fresh()
        where = "hide" if args.hide_reasoning else args.reasoning
        if where == "auto":
            where = "stdout" if out.out_tty else "stderr"
        self.reasoning: str | None = None if where == "hide" else where

    def _fresh(self) -> list[dict[str, Any]]:
        return [{"role": "system", "content": self.args.system}] if self.args.system else []

    def client(self) -> DeepSeek:
        policy: dict[str, Any] = {}
        if self.thinking is not None:
            policy["thinking"] = self.thinking
        if self.effort is not None:
            policy["effort"] = self.effort
        return self.base.with_options(**policy) if policy else self.base

    # -- one prompt -----------------------------------------------------------------------------

    def once(self, prompt: str) -> int:
        self.history.append({"role": "user", "content": prompt})
        if self.args.json:
            return self._json()
        final = self.reply()
        incomplete = self._finish_notice(final)
        if self.args.usage:
            print_usage(self.out, final.usage, self.model)
        return EXIT_INCOMPLETE if incomplete else EXIT_OK

    def _json(self) -> int:
        import json

        from deepseek_openai._json_mode import json_complete

        kwargs: dict[str, Any] = {"model": self.model}
        if self.args.max_tokens is not None:
            kwargs["max_tokens"] = self.args.max_tokens
        self.out.status.start(f"waiting for {self.model} (JSON mode)")
        try:
            result = json_complete(self.client(), self.history, **kwargs)
        finally:
            self.out.status.stop()
        self.out.line(json.dumps(result.value, indent=2, ensure_ascii=False))
        if self.args.usage:
            print_usage(self.out, result.completion.usage, self.model)
        return EXIT_OK

    # -- one answer, streamed -------------------------------------------------------------------

    def reply(self) -> FinalMessage:
        """Send the history, stream the answer as the module docstring says; the accumulated message."""
        request: dict[str, Any] = {
            "model": self.model,
            "messages": request_messages(self.history, tools=False),
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        if self.args.max_tokens is not None:
            request["max_tokens"] = self.args.max_tokens
        status = self.out.status
        status.start(f"waiting for {self.model}")
        try:
            stream: Any = self.client().chat.completions.create(**request)
            return Render(self.out, self.reasoning, self.model).run(stream)
        finally:
            status.stop()

    def _finish_notice(self, final: FinalMessage) -> bool:
        """Say so when the answer is incomplete; True if it was."""
        notice = finish_notice(final, self.args.max_tokens, thinking=self.thinking)
        if notice:
            self.out.notice(notice)
        return notice is not None

    # -- a conversation -------------------------------------------------------------------------

    def converse(self) -> int:
        from ._repl import Repl

        return Repl(self).run()


class Render:
    """Writes one streamed answer where the module docstring says, and keeps lines whole."""

    def __init__(self, out: Output, reasoning: str | None, model: str) -> None:
        self.out = out
        self.reasoning = reasoning
        self.model = model
        self.state = "waiting"  # -> reasoning -> answer
        self.reasoning_chars = 0
        self.answer_chars = 0

    def run(self, stream: Any) -> FinalMessage:
        from deepseek_openai._reasoning import ContentDelta, FinalMessage, ReasoningDelta, iter_events

        final: FinalMessage | None = None
        try:
            with iter_events(stream) as events:
                for event in events:
                    if isinstance(event, ReasoningDelta):
                        self._reasoning(event.text)
                    elif isinstance(event, ContentDelta):
                        self._answer(event.text)
                    elif isinstance(event, FinalMessage):
                        final = event
        finally:
            self._close()
        assert final is not None  # iter_events always ends with the final message
        return final

    def _reasoning(self, text: str) -> None:
        out = self.out
        first = self.state == "waiting"
        self.state = "reasoning"
        self.reasoning_chars += len(text)
        if self.reasoning == "stdout":
            out.write(("\x1b[2m" if first and out.color else "") + text)
        elif self.reasoning == "stderr":
            out.write_err(("\x1b[2m" if first and out.err_color else "") + text)
        else:
            out.status.update(f"{self.model} is thinking", detail=f"{self.reasoning_chars:,} characters")

    def _answer(self, text: str) -> None:
        out = self.out
        if self.state == "reasoning":
            self._end_reasoning(before_answer=True)
        if self.state != "answer":
            self.state = "answer"
            if not out.out_tty:  # the answer goes to a file or a pipe: say that it is coming
                out.status.start("receiving the answer")
        self.answer_chars += len(text)
        out.write(text)
        if not out.out_tty:
            out.status.update(detail=f"{self.answer_chars:,} characters")

    def _end_reasoning(self, *, before_answer: bool) -> None:
        out = self.out
        if self.reasoning == "stdout":
            out.write(("\x1b[0m" if out.color else "") + ("\n\n" if before_answer else "\n"))
        elif self.reasoning == "stderr":
            out.write_err(("\x1b[0m" if out.err_color else "") + "\n")

    def _close(self) -> None:
        """After the last chunk, or when the stream failed: reset styles and end the lines."""
        if self.state == "reasoning":
            self._end_reasoning(before_answer=False)
        self.out.status.stop()
        self.out.end_line()


# --------------------------------------------------------------------------------------------
# Footers


_FINISH = {
    "content_filter": "DeepSeek's content filter stopped the answer (finish_reason: content_filter)",
    "insufficient_system_resource": "DeepSeek ran out of capacity and stopped the answer "
    "(finish_reason: insufficient_system_resource). Fix: run the command again",
    "aborted": "the answer was aborted by the server (finish_reason: aborted). Fix: run the command again",
}


def finish_notice(final: FinalMessage, max_tokens: int | None, *, thinking: bool | None) -> str | None:
    """What to tell the user about an answer that did not finish normally (None when it did)."""
    reason = final.finish_reason
    if reason in (None, "stop", "tool_calls"):
        return None
    if reason == "length":
        limit = f"the --max-tokens limit of {max_tokens}" if max_tokens else "the model's output limit"
        if not (final.content or "").strip():
            tip = "raise --max-tokens" + ("" if thinking is False else ", or use --no-think")
            return (
                f"the answer is empty: the reasoning used up {limit} before any answer (finish_reason: "
                f"length). Fix: {tip}"
            )
        return f"the answer was cut short at {limit} (finish_reason: length). Fix: raise --max-tokens"
    return _FINISH.get(reason, f"the answer ended early (finish_reason: {reason})")


def print_usage(out: Output, usage: Any, model: str) -> None:
    if usage is None:
        out.note("usage: not reported")
        return
    from deepseek_openai._errors import DeepSeekRequestError
    from deepseek_openai._usage import estimate_cost, usage_summary

    summary = usage_summary(usage)
    try:
        cost = f"estimated cost ${estimate_cost(usage, model):.6f}"
    except DeepSeekRequestError:
        cost = f"no price known for {model}"
    out.note(
        f"usage: {summary.prompt_tokens} prompt tokens ({summary.cache_hit_tokens} from cache), "
        f"{summary.completion_tokens} output tokens ({summary.reasoning_tokens} reasoning); {cost}"
    )
