"""``deepseek-openai demo``: a guided tour of the package, on the embedded emulator or the real API.

Without ``DEEPSEEK_API_KEY`` it starts :class:`deepseek_openai.testing.DeepSeekEmulator` on
127.0.0.1 (no key, no network, nothing spent) and also shows the translated 402 and 429 errors
with the emulator's fault injection. With a key it asks before spending anything (``--yes`` skips
the question; without a terminal to ask on, it refuses) and skips the error section, which would
need an empty account or a real overload.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from collections.abc import Callable
from contextlib import ExitStack
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ._common import EXIT_OK, KEY_ENV, Output, UsageError, make_client, require_emulator_extra

if TYPE_CHECKING:
    from deepseek_openai._client import DeepSeek
    from deepseek_openai.testing import DeepSeekEmulator

SECTIONS = (
    "Chat",
    "Streamed reasoning",
    "A tool loop while thinking",
    "Chat prefix completion (beta)",
    "FIM completion (beta)",
    "JSON mode",
    "Guards: refused before the network",
    "DeepSeek errors, translated",
    "Balance",
    "Usage and cost",
)
"""The section titles, in order (the tests check that each one is printed)."""

_REQUESTS = 10  # about how many paid requests the tour sends with a real key


def run_demo(args: argparse.Namespace, out: Output) -> int:
    """Run the tour; returns the exit code."""
    key = os.environ.get(KEY_ENV, "").strip()
    with ExitStack() as stack:
        emulator: DeepSeekEmulator | None = None
        if not key:
            require_emulator_extra()
            from deepseek_openai._client import get_client
            from deepseek_openai.testing import DeepSeekEmulator

            emulator = stack.enter_context(DeepSeekEmulator())
            out.line(
                out.bold(f"No {KEY_ENV} is set, so this demo runs on the embedded DeepSeek emulator")
                + f" at {emulator.base_url}"
            )
            out.line("(a real HTTP server on 127.0.0.1: no key, no network, nothing is spent).")
            out.line("Its answers are made up, not generated: 'Echo: <your message>', a formulaic reasoning,")
            out.line(
                "a tool call built from the tool's schema. The tour shows what the package does, not a model."
            )
            if getattr(args, "base_url", None):
                out.line(f"--base-url {args.base_url} is ignored without a key.")
            kwargs: dict[str, Any] = {}
            if getattr(args, "timeout", None):
                kwargs["timeout"] = args.timeout
            client = get_client(api_key=emulator.api_key, base_url=emulator.base_url, **kwargs)
        else:
            client = make_client(args)
            if not _confirmed(args, out, str(client.base_url)):
                out.line("Nothing was sent.")
                return EXIT_OK
        stack.callback(client.close)
        Tour(client, out, emulator, args.model or client.settings.model).run()
    return EXIT_OK


def _confirmed(args: argparse.Namespace, out: Output, base_url: str) -> bool:
    if args.yes:
        return True
    question = (
        f"{KEY_ENV} is set: this demo sends about {_REQUESTS} small requests to {base_url} and spends a "
        "little of your balance (well under $0.01). Continue? [y/N] "
    )
    if not sys.stdin.isatty():
        raise UsageError(
            f"{KEY_ENV} is set, so the demo would spend balance, and it cannot ask first because standard "
            f"input is not a terminal. Fix: run `deepseek-openai demo --yes` to agree, or unset {KEY_ENV} "
            "to run it on the embedded emulator for free"
        )
    out.write(question)
    try:
        answer = input()
    except EOFError:
        answer = ""
    return answer.strip().lower() in ("y", "yes")


class Tour:
    """The sections of the demo, each printing what it calls and what came back."""

    def __init__(self, client: DeepSeek, out: Output, emulator: DeepSeekEmulator | None, model: str) -> None:
        self.client = client
        self.out = out
        self.emulator = emulator
        self.model = model
        self.usages: list[Any] = []
        self._number = 0

    def run(self) -> None:
        steps: list[Callable[[], None]] = [
            self.chat,
            self.streamed_reasoning,
            self.tool_loop,
            self.prefix_completion,
            self.fim,
            self.json_mode,
            self.guards,
            self.errors,
            self.balance,
            self.usage_and_cost,
        ]
        for title, step in zip(SECTIONS, steps, strict=True):
            self._section(title)
            step()
        self.out.line()
        self.out.line(
            self.out.bold("Done.")
            + " Next: the README's quick start, or `deepseek-openai chat` for a conversation."
        )

    # -- printing ------------------------------------------------------------------------------

    def _section(self, title: str) -> None:
        self._number += 1
        self.out.line()
        self.out.line(self.out.bold(f"== {self._number}. {title} =="))

    def _code(self, code: str) -> None:
        for line in textwrap.dedent(code).strip().splitlines():
            self.out.line(self.out.dim("  >>> " + line))

    def _say(self, text: str, indent: str = "  ") -> None:
        for para in text.splitlines() or [""]:
            wrapped = textwrap.wrap(para, width=100, initial_indent=indent, subsequent_indent=indent)
            self.out.line("\n".join(wrapped) if wrapped else "")

    def _error(self, exc: BaseException) -> None:
        self._say(f"{type(exc).__name__}: {exc}", indent="    ")

    # -- sections ------------------------------------------------------------------------------

    def chat(self) -> None:
        self._code(
            """
            client = get_client()   # the one-line swap for OpenAI(); DEEPSEEK_API_KEY from the env
            fast = client.with_options(thinking=False)
            fast.chat.completions.create(model="deepseek-flash", messages=[...])
            """
        )
        fast = self.client.with_options(thinking=False)
        response = fast.chat.completions.create(
            model=self.model,
            messages=[{"role": "user", "content": "In one sentence: what is the DeepSeek API?"}],
            max_tokens=200,
        )
        self.usages.append(response.usage)
        self._say(response.choices[0].message.content or "")

    def streamed_reasoning(self) -> None:
        from deepseek_openai._reasoning import ContentDelta, ReasoningDelta, iter_events

        self._code(
            """
            stream = client.chat.completions.create(..., stream=True)   # thinking is on by default
            for event in iter_events(stream):   # ReasoningDelta, ContentDelta, ..., FinalMessage
            """
        )
        stream = self.client.chat.completions.create(
            model=self.model,
            messages=[{"role": "user", "content": "Is 97 a prime number? Answer briefly."}],
            stream=True,
            stream_options={"include_usage": True},
            max_tokens=600,
        )
        reasoning = answer = ""
        with iter_events(stream) as events:
            for event in events:
                if isinstance(event, ReasoningDelta):
                    reasoning += event.text
                elif isinstance(event, ContentDelta):
                    answer += event.text
            final = events.final
        self.usages.append(final.usage)
        self.out.line("  reasoning (streamed first, shown dimmed on a terminal):")
        with self.out.dimmed():
            self._say(reasoning or "(none)", indent="    ")
        self.out.line("  answer:")
        self._say(answer, indent="    ")
        kept = len(final.reasoning_content or "")
        self._say(
            f"final message: finish_reason={final.finish_reason!r}, reasoning_content kept ({kept} chars)"
        )

    def tool_loop(self) -> None:
        from deepseek_openai._reasoning import to_message

        self._code(
            """
            response = client.chat.completions.create(model=..., messages=messages, tools=tools)
            messages.append(to_message(response))   # keeps reasoning_content: required with tools
            """
        )
        tools = [
            {
                "type": "function",
                "function": {
                    "name": "get_weather",
                    "description": "Current weather for a city.",
                    "parameters": {
                        "type": "object",
                        "properties": {"city": {"type": "string"}},
                        "required": ["city"],
                    },
                },
            }
        ]
        messages: list[dict[str, Any]] = [
            {"role": "user", "content": "What is the weather in Hangzhou? Use the tool."}
        ]
        for round_number in range(1, 5):
            response = self.client.chat.completions.create(
                model=self.model,
                messages=messages,  # type: ignore[arg-type]
                tools=tools,  # type: ignore[arg-type]
                max_tokens=800,
            )
            self.usages.append(response.usage)
            message = response.choices[0].message
            messages.append(to_message(response))
            if not message.tool_calls:
                self._say(f"round {round_number}: answer: {message.content}")
                break
            for call in message.tool_calls:
                function = getattr(call, "function", None)
                if function is None:
                    continue
                result = _local_tool(function.name, function.arguments)
                self._say(
                    f"round {round_number}: model calls {function.name}({function.arguments}) -> {result}"
                )
                messages.append({"role": "tool", "tool_call_id": call.id, "content": result})
        turns = sum(1 for m in messages if m["role"] == "assistant")
        self._say(
            f"{turns} assistant turns, each sent back with its reasoning_content (DeepSeek's rule since "
            "2026-09-11; the client's history_policy='backfill' also fills in any turn that lost it)."
        )

    def prefix_completion(self) -> None:
        from deepseek_openai._beta import prefix_complete

        self._code(
            """
            prefix_complete(client, messages, "```python\\n", stop=["```"])   # always via /beta
            """
        )
        response = prefix_complete(
            self.client.with_options(thinking=False),
            [{"role": "user", "content": "Please write quick sort code"}],
            "```python\n",
            stop=["```"],
            model=self.model,
            max_tokens=400,
        )
        self.usages.append(response.usage)
        self._say("```python\n" + (response.choices[0].message.content or "") + "\n```", indent="    ")

    def fim(self) -> None:
        from deepseek_openai._beta import fim_complete

        self._code(
            """
            fim_complete(client, "def fib(a):", suffix="    return fib(a-1) + fib(a-2)", max_tokens=128)
            """
        )
        prompt, suffix = "def fib(a):", "    return fib(a-1) + fib(a-2)"
        response = fim_complete(self.client, prompt, suffix=suffix, model=self.model, max_tokens=128)
        self.usages.append(response.usage)
        middle = response.choices[0].text or ""
        self._say("FIM (fill in the middle) writes what goes between a prompt and a suffix:")
        self._say(
            f"prompt: {prompt!r}\nmiddle: {middle!r}   <- the completion\nsuffix: {suffix!r}", indent="    "
        )
        if self.emulator is not None:
            self._say(
                "(on the emulator the middle is an echo of the prompt's last line; DeepSeek writes code)"
            )

    def json_mode(self) -> None:
        from deepseek_openai._json_mode import json_complete

        self._code(
            """
            json_complete(client, messages)   # json_object; checks the prompt says JSON; parses
            """
        )
        result = json_complete(
            self.client.with_options(thinking=False),
            [
                {
                    "role": "system",
                    "content": 'Reply in JSON with the shape {"question": str, "answer": str}.',
                },
                {"role": "user", "content": "Which is the longest river in the world?"},
            ],
            model=self.model,
            max_tokens=300,
        )
        self.usages.append(result.completion.usage)
        self._say(json.dumps(result.value, ensure_ascii=False), indent="    ")

    def guards(self) -> None:
        import openai

        from deepseek_openai._errors import DeepSeekError

        before = len(self.emulator.requests) if self.emulator is not None else None
        self._code('client.embeddings.create(model="text-embedding-3-small", input="hello")')
        try:
            self.client.embeddings.create(model="text-embedding-3-small", input="hello")
        except (DeepSeekError, openai.OpenAIError, NotImplementedError) as exc:
            self._error(exc)
        else:  # pragma: no cover - the guards refuse this before the network
            self._say("(no error: this openai release has no guard for embeddings)")
        self._code("client.chat.completions.create(..., n=2)  # DeepSeek would silently answer one")
        try:
            self.client.chat.completions.create(
                model=self.model, messages=[{"role": "user", "content": "Two haiku, please."}], n=2
            )
        except (DeepSeekError, openai.OpenAIError) as exc:
            self._error(exc)
        if before is not None and self.emulator is not None:
            sent = len(self.emulator.requests) - before
            self._say(f"requests that reached the server: {sent}")

    def errors(self) -> None:
        from deepseek_openai._errors import InsufficientBalanceError, RateLimitError

        if self.emulator is None:
            self._say(
                "Skipped with a real key: showing these needs an empty account (402) or a real overload "
                "(429). Run the demo without DEEPSEEK_API_KEY to see them on the emulator."
            )
            return
        emulator = self.emulator
        once = self.client.with_options(max_retries=0)
        request: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": "user", "content": "hello"}],
            "max_tokens": 50,
        }

        self._code("emulator.set_balance(key, 0)   # then any request:")
        balance = emulator.balance()
        emulator.set_balance(emulator.api_key, Decimal(0))
        try:
            once.chat.completions.create(**request)
        except InsufficientBalanceError as exc:
            self._say(
                f"except InsufficientBalanceError (also openai.APIStatusError), retryable={exc.retryable}:"
            )
            self._error(exc)
        finally:
            emulator.set_balance(emulator.api_key, balance)

        self._code("emulator.fail_next(429)   # a concurrency limit, as DeepSeek reports it")
        emulator.fail_next(429)
        try:
            once.chat.completions.create(**request)
        except RateLimitError as exc:
            self._say(f"except RateLimitError (also openai.RateLimitError), retryable={exc.retryable}:")
            self._error(exc)
        self._say("With the default max_retries=2 openai retries 429 and 5xx itself; 400/401/402/422 never.")

    def balance(self) -> None:
        from deepseek_openai._account import get_balance

        self._code("get_balance(client)")
        balance = get_balance(self.client)
        self._say(f"available: {balance.is_available}")
        for info in balance.infos:
            self._say(f"{info.currency}: {info.total} (topped up {info.topped_up}, granted {info.granted})")

    def usage_and_cost(self) -> None:
        import datetime as dt

        from deepseek_openai._catalogue import is_peak
        from deepseek_openai._usage import estimate_cost, usage_summary

        self._code("usage_summary(response.usage); estimate_cost(response.usage, model)")
        usages = [u for u in self.usages if u is not None]
        summaries = [usage_summary(u) for u in usages]
        prompt = sum(s.prompt_tokens for s in summaries)
        hits = sum(s.cache_hit_tokens for s in summaries)
        output = sum(s.completion_tokens for s in summaries)
        reasoning = sum(s.reasoning_tokens for s in summaries)
        now = dt.datetime.now(dt.UTC)
        cost = sum((estimate_cost(u, self.model, at=now) for u in usages), Decimal(0))
        self._say(
            f"{len(usages)} requests: {prompt} prompt tokens ({hits} cache hits, priced at the hit rate), "
            f"{output} output tokens ({reasoning} of them reasoning)."
        )
        window = "peak" if is_peak(now) else "off-peak"
        self._say(f"estimated cost now ({window}, {now:%H:%M} UTC): ${cost:.6f}")
        if self.emulator is not None:
            self._say("(on the emulator: nothing was charged; the figures use DeepSeek's real prices)")


def _local_tool(name: str, arguments: str) -> str:
    """The demo's stand-in for a real tool: a fixed weather report."""
    try:
        args = json.loads(arguments or "{}")
    except json.JSONDecodeError:
        return json.dumps({"error": "arguments were not valid JSON"})
    if name == "get_weather":
        city = args.get("city", "?") if isinstance(args, dict) else "?"
        return json.dumps({"city": city, "weather": "sunny", "celsius": 21})
    return json.dumps({"error": f"unknown tool {name}"})
