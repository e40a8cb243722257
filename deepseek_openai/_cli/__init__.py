"""The ``deepseek-openai`` command line: chat, models, balance, doctor, batch, emulator and demo.

Standard library only at import time (argparse), so ``deepseek-openai --help`` answers at once; the
package and the openai SDK are imported by the subcommand that needs them.

The API key is read only from ``DEEPSEEK_API_KEY``: a ``--api-key`` option would leave the key in
the shell history and in ``ps`` output. Exit codes: 0 success, 1 an API error (the request was made
and failed, or a check failed), 2 a usage error (bad arguments, missing key, bad setting), 130 when
interrupted. Expected errors print one line with the fix, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ._common import (
    EXIT_API,
    EXIT_INTERRUPTED,
    EXIT_NOTE,
    EXIT_OK,
    EXIT_USAGE,
    KEY_ENV,
    KEY_NOTE,
    PROG,
    Output,
    UsageError,
    kilo,
    make_client,
    one_line,
    redact_key,
    require_emulator_extra,
    silence_stdout,
)

if TYPE_CHECKING:
    from deepseek_openai._client import DeepSeek


def _common_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """--base-url and --timeout, accepted before or after the subcommand."""
    default: Any = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--base-url",
        metavar="URL",
        default=default,
        help="API base URL (default: DEEPSEEK_BASE_URL or https://api.deepseek.com)",
    )
    parser.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=_positive_float,
        default=default,
        help="request timeout in seconds (default: DEEPSEEK_TIMEOUT or 600)",
    )


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be greater than 0")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (cheap: nothing beyond argparse is imported)."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Talk to DeepSeek through the official openai SDK; check your setup; run the "
        "offline emulator and a guided demo.",
        epilog=f"{KEY_NOTE} {EXIT_NOTE} Colour is used only on a terminal and never when NO_COLOR is set.",
    )
    from deepseek_openai._version import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _common_options(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    chat = sub.add_parser(
        "chat",
        help="send one prompt and stream the answer (reasoning dimmed, then the answer)",
        description="Send one prompt and stream the reply. The reasoning (thinking mode, on by default) "
        "is printed first, dimmed on a terminal, then a blank line, then the answer.",
        epilog=KEY_NOTE,
    )
    _common_options(chat, suppress=True)
    chat.add_argument("prompt", help="the prompt; '-' reads it from standard input")
    chat.add_argument("--model", default=None, help="model id (default: DEEPSEEK_MODEL or deepseek-flash)")
    think = chat.add_mutually_exclusive_group()
    think.add_argument("--no-think", action="store_true", help="turn thinking off (faster, cheaper)")
    think.add_argument(
        "--effort",
        choices=["low", "high", "max"],
        default=None,
        help="reasoning effort while thinking (server default: high)",
    )
    chat.add_argument("--system", default=None, metavar="TEXT", help="a system message to send first")
    chat.add_argument(
        "--json",
        action="store_true",
        help="JSON mode: ask for a JSON object and print it parsed (the prompt must mention JSON)",
    )
    chat.add_argument("--max-tokens", type=_positive_int, default=None, help="cap on reasoning + answer")
    chat.add_argument("--hide-reasoning", action="store_true", help="print only the answer")
    chat.add_argument(
        "--usage", action="store_true", help="print token usage and the estimated cost (stderr)"
    )
    chat.set_defaults(handler=_cmd_chat)

    models = sub.add_parser("models", help="list the models the API serves, with catalogue facts")
    _common_options(models, suppress=True)
    models.set_defaults(handler=_cmd_models)

    balance = sub.add_parser("balance", help="show the account balance")
    _common_options(balance, suppress=True)
    balance.set_defaults(handler=_cmd_balance)

    doctor = sub.add_parser(
        "doctor",
        help="check the key, the base URL, the balance and the pricing window",
        description="Check that a key is set (it is never printed), that the base URL answers, that "
        "the key is accepted, the balance, and whether peak or off-peak prices apply now. "
        "Exit 1 if any check fails.",
        epilog=KEY_NOTE,
    )
    _common_options(doctor, suppress=True)
    doctor.set_defaults(handler=_cmd_doctor)

    from ._batch import add_parser as add_batch_parser

    add_batch_parser(sub, _common_options, _positive_int)

    emulator = sub.add_parser(
        "emulator",
        help="serve the offline DeepSeek emulator (needs the [emulator] extra)",
        description="Serve the DeepSeek API emulator on 127.0.0.1 until stopped. "
        "Run `deepseek-openai emulator --help` for its options.",
        add_help=False,
        prefix_chars="\0",  # every argument, --help included, goes to the emulator's own parser
    )
    emulator.add_argument("emulator_args", nargs=argparse.REMAINDER)
    emulator.set_defaults(handler=_cmd_emulator)

    demo = sub.add_parser(
        "demo",
        help="a guided tour; uses the embedded emulator when DEEPSEEK_API_KEY is unset",
        description="A guided tour of the package: chat, streamed reasoning, a tool loop while "
        "thinking, prefix completion, FIM, JSON mode, guards, translated errors, balance, usage and "
        "cost. Without DEEPSEEK_API_KEY it runs on the embedded emulator (no key, no network, "
        "nothing spent). With a key it asks before spending anything.",
        epilog=KEY_NOTE,
    )
    _common_options(demo, suppress=True)
    demo.add_argument("--yes", "-y", action="store_true", help="do not ask before spending balance")
    demo.add_argument("--model", default=None, help="model id (default: deepseek-flash)")
    demo.set_defaults(handler=_cmd_demo)
    return parser


# --------------------------------------------------------------------------------------------
# Entry point


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help/--version (0) or a usage error (2, already printed)
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    out = Output.detect()
    handler: Callable[[argparse.Namespace, Output], int] = args.handler
    try:
        return handler(args, out)
    except KeyboardInterrupt:
        out.error("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `deepseek-openai models | head -1`
        silence_stdout()
        return EXIT_OK
    except Exception as exc:
        code = _exit_code(exc)
        if code is None:
            raise  # a bug: the traceback is the useful output
        out.error(one_line(exc))
        return code


def _exit_code(exc: BaseException) -> int | None:
    if isinstance(exc, UsageError):
        return EXIT_USAGE
    if "deepseek_openai._errors" not in sys.modules and "openai" not in sys.modules:
        return None
    import openai

    from deepseek_openai._errors import ConfigurationError

    if isinstance(exc, ConfigurationError):
        return EXIT_USAGE
    if isinstance(exc, openai.OpenAIError):
        return EXIT_API
    return None


def _read_prompt(prompt: str) -> str:
    if prompt == "-":
        text = sys.stdin.read()
        if not text.strip():
            raise UsageError("the prompt read from standard input is empty. Fix: pipe some text in")
        return text
    if not prompt.strip():
        raise UsageError("the prompt is empty. Fix: pass the prompt text, or '-' to read standard input")
    return prompt


# --------------------------------------------------------------------------------------------
# chat


def _cmd_chat(args: argparse.Namespace, out: Output) -> int:  # noqa: PLR0912
    prompt = _read_prompt(args.prompt)
    client = make_client(args)
    if args.no_think:
        client = client.with_options(thinking=False)
    elif args.effort:
        client = client.with_options(effort=args.effort)
    model = args.model or client.settings.model
    messages: list[dict[str, Any]] = []
    if args.system:
        messages.append({"role": "system", "content": args.system})
    messages.append({"role": "user", "content": prompt})
    if args.json:
        return _chat_json(client, model, messages, args, out)

    request: dict[str, Any] = {
        "model": model,
        "messages": messages,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    if args.max_tokens is not None:
        request["max_tokens"] = args.max_tokens
    stream: Any = client.chat.completions.create(**request)
    from deepseek_openai._reasoning import ContentDelta, FinalMessage, ReasoningDelta, iter_events

    final: FinalMessage | None = None
    state = "start"  # start -> reasoning -> answer
    show_reasoning = not args.hide_reasoning
    try:
        with iter_events(stream) as events:
            for event in events:
                if isinstance(event, ReasoningDelta) and show_reasoning:
                    if state == "start" and out.color:
                        out.write("\x1b[2m")
                    state = "reasoning"
                    out.write(event.text)
                elif isinstance(event, ContentDelta):
                    if state == "reasoning":
                        out.write(("\x1b[0m" if out.color else "") + "\n\n")
                    state = "answer"
                    out.write(event.text)
                elif isinstance(event, FinalMessage):
                    final = event
    finally:
        if state == "reasoning" and out.color:
            out.write("\x1b[0m")
    finish = final.finish_reason if final is not None else None
    usage = final.usage if final is not None else None
    out.line()
    if finish not in (None, "stop", "tool_calls"):
        out.note(f"(finish_reason: {finish}: the answer is incomplete)")
    if args.usage:
        _print_usage(out, usage, model)
    return EXIT_OK


def _chat_json(
    client: DeepSeek, model: str, messages: list[dict[str, Any]], args: argparse.Namespace, out: Output
) -> int:
    import json

    from deepseek_openai._json_mode import json_complete

    kwargs: dict[str, Any] = {"model": model}
    if args.max_tokens is not None:
        kwargs["max_tokens"] = args.max_tokens
    result = json_complete(client, messages, **kwargs)
    out.line(json.dumps(result.value, indent=2, ensure_ascii=False))
    if args.usage:
        _print_usage(out, result.completion.usage, model)
    return EXIT_OK


def _print_usage(out: Output, usage: Any, model: str) -> None:
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


# --------------------------------------------------------------------------------------------
# models, balance


def _cmd_models(args: argparse.Namespace, out: Output) -> int:
    from deepseek_openai._catalogue import resolve_model

    client = make_client(args)
    page = client.models.list()
    rows = []
    for model in page.data:
        info = resolve_model(model.id).info
        if info is None:
            rows.append((model.id, "(not in this package's catalogue)", "", ""))
            continue
        p = info.prices
        rows.append(
            (
                model.id,
                info.display_name,
                f"{kilo(info.limits.context_window)} ctx, {kilo(info.limits.max_output_tokens)} out",
                f"${p.cache_hit_input}/${p.cache_miss_input}/${p.output} per 1M (hit/miss/out, peak)",
            )
        )
    if not rows:
        out.line("(the API listed no models)")
        return EXIT_OK
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for row in rows:
        out.line(
            "  ".join(
                [out.bold(row[0].ljust(widths[0])), row[1].ljust(widths[1]), row[2].ljust(widths[2]), row[3]]
            ).rstrip()
        )
    return EXIT_OK


def _cmd_balance(args: argparse.Namespace, out: Output) -> int:
    from deepseek_openai._account import get_balance

    balance = get_balance(make_client(args))
    out.line(f"available: {'yes' if balance.is_available else 'no (top up to keep using the API)'}")
    for info in balance.infos:
        out.line(f"{info.currency}: {info.total} total ({info.topped_up} topped up, {info.granted} granted)")
    return EXIT_OK


# --------------------------------------------------------------------------------------------
# doctor


def _cmd_doctor(args: argparse.Namespace, out: Output) -> int:
    """Each check prints one line; a failure says the fix. Exit 1 if any check fails."""
    import datetime as dt

    from deepseek_openai._errors import ConfigurationError

    failures = 0

    def check(ok: bool, label: str, detail: str) -> bool:
        nonlocal failures
        failures += not ok
        out.check(ok, label, redact_key(detail))
        return ok

    try:
        from deepseek_openai._settings import DeepSeekSettings

        overrides: dict[str, Any] = {}
        if getattr(args, "base_url", None):
            overrides["base_url"] = args.base_url
        settings = DeepSeekSettings(**overrides)
    except ConfigurationError as exc:
        check(False, "settings", one_line(exc))
        return EXIT_API
    base_url = settings.base_url

    from deepseek_openai._redact import mask

    key = settings.api_key.get_secret_value().strip() if settings.api_key is not None else ""
    if key:
        check(True, "API key", f"{KEY_ENV} is set ({mask(key)})")
    else:
        hint = (
            " (OPENAI_API_KEY is set but deliberately not used)" if os.environ.get("OPENAI_API_KEY") else ""
        )
        check(
            False,
            "API key",
            f"{KEY_ENV} is not set{hint}. Fix: export {KEY_ENV}=... "
            "(keys: https://platform.deepseek.com/api_keys)",
        )

    timeout = getattr(args, "timeout", None) or settings.timeout or 10.0
    reachable = check(*_reachable(base_url, timeout))

    client = None
    if key and reachable:
        try:
            client = make_client(args, max_retries=0)
        except ConfigurationError as exc:
            check(False, "configuration", one_line(exc))
    if client is not None:
        if _check_key(client, check):
            _check_balance(client, check)
    elif key and reachable is False:
        out.line(f"  (key and balance not checked: {base_url} is not reachable)")

    now = dt.datetime.now(dt.UTC)
    check(True, "pricing now", _pricing_window(now))
    out.line()
    if failures:
        out.line(f"{failures} check{'s' if failures != 1 else ''} failed.")
        return EXIT_API
    out.line("All checks passed.")
    return EXIT_OK


def _reachable(base_url: str, timeout: float) -> tuple[bool, str, str]:
    """Any HTTP answer from GET <base_url>/models (no key sent) proves the URL is reachable."""
    import httpx2

    from deepseek_openai._client import check_base_url

    label = "base URL"
    try:
        check_base_url(base_url, allow_insecure=True)
    except Exception as exc:
        return False, label, one_line(exc)
    try:
        response = httpx2.get(base_url.rstrip("/") + "/models", timeout=min(timeout, 10.0))
    except httpx2.TimeoutException:
        return False, label, f"{base_url} did not answer in time. Fix: check the network, proxy and base URL"
    except httpx2.HTTPError as exc:
        return (
            False,
            label,
            f"{base_url} is not reachable ({type(exc).__name__}). Fix: check the network, proxy and "
            "DEEPSEEK_BASE_URL",
        )
    return True, label, f"{base_url} answers (HTTP {response.status_code} without a key)"


def _check_key(client: DeepSeek, check: Callable[[bool, str, str], bool]) -> bool:
    import openai

    from deepseek_openai._errors import AuthenticationError

    try:
        models = client.models.list()
    except AuthenticationError as exc:
        return check(False, "key accepted", f"the API refused the key (401). Fix: {exc.remedy}")
    except openai.OpenAIError as exc:
        return check(False, "key accepted", one_line(exc))
    ids = ", ".join(m.id for m in models.data) or "none listed"
    return check(True, "key accepted", f"models: {ids}")


def _check_balance(client: DeepSeek, check: Callable[[bool, str, str], bool]) -> None:
    import openai

    from deepseek_openai._account import get_balance

    try:
        balance = get_balance(client)
    except openai.OpenAIError as exc:
        check(False, "balance", one_line(exc))
        return
    amounts = ", ".join(f"{b.total} {b.currency}" for b in balance.infos) or "no balance"
    if balance.is_available:
        check(True, "balance", f"{amounts}, available")
    else:
        check(
            False, "balance", f"{amounts}, not available. Fix: top up at https://platform.deepseek.com/top_up"
        )


def _pricing_window(now: Any) -> str:
    """'peak' or 'off-peak' now, and when it changes (catalogue windows, UTC)."""
    import datetime as dt

    from deepseek_openai._catalogue import is_peak

    peak = is_peak(now)
    change = now.replace(minute=0, second=0, microsecond=0)
    for _ in range(24 * 8):  # the windows repeat weekly, so a change comes within a week
        change += dt.timedelta(hours=1)
        if is_peak(change) != peak:
            break
    window = "peak (full price)" if peak else "off-peak (half price)"
    return (
        f"{window} at {now:%a %H:%M} UTC; {'off-peak' if peak else 'peak'} from {change:%a %H:%M} UTC "
        "(peak: 01-04 and 06-10 UTC, Mon-Fri)"
    )


# --------------------------------------------------------------------------------------------
# emulator, demo


def _cmd_emulator(args: argparse.Namespace, out: Output) -> int:
    require_emulator_extra()
    from deepseek_openai.testing import _cli

    parser = argparse.ArgumentParser(
        prog=f"{PROG} emulator", description="Serve the DeepSeek API emulator on 127.0.0.1 until stopped."
    )
    _cli.add_arguments(parser)
    try:
        ns = parser.parse_args(args.emulator_args)
    except SystemExit as exc:
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    return int(_cli.run(ns))


def _cmd_demo(args: argparse.Namespace, out: Output) -> int:
    from ._demo import run_demo

    return run_demo(args, out)
