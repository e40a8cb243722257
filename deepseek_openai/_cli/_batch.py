"""``deepseek-openai batch run`` and ``batch status``: bulk jobs from the command line.

``batch run INPUT.jsonl -o OUTPUT.jsonl`` runs an OpenAI Batch input file against DeepSeek (see
:mod:`deepseek_openai._batch`); running it again with the same output finishes what is left.
``batch status OUTPUT.jsonl`` says what is done, failed and left. Exit codes of ``batch run``: 0
every request has its line, 1 the job stopped before that (budget, balance, key, or requests that
still failed after their retries: run again), 2 a usage error (bad arguments or input file), 130
interrupted (Ctrl-C or SIGTERM; what finished is kept).
"""

from __future__ import annotations

import argparse
from typing import Any

from ._common import (
    EXIT_API,
    EXIT_INTERRUPTED,
    EXIT_OK,
    KEY_NOTE,
    Output,
    UsageError,
    common_options,
    make_async_client,
    positive_int,
)

BATCH_NOTE = (
    "Input lines are OpenAI Batch requests ({custom_id, method, url, body}; /v1/chat/completions and "
    "/v1/responses); output lines are OpenAI Batch results, appended as each request finishes. "
    "Run the same command again to finish an interrupted or stopped job: done custom_ids are skipped."
)


def _usd(text: str) -> str:
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(text.lstrip("$"))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount in USD") from None
    if not value.is_finite() or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a positive amount in USD")
    return str(value)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be 0 or more")
    return value


def register(sub: Any) -> None:
    """Register ``batch run`` and ``batch status`` under the top-level subparsers ``sub``."""
    batch = sub.add_parser(
        "batch",
        help="run an OpenAI Batch file against DeepSeek (resumable, within limits and a budget)",
        description="Bulk jobs: OpenAI Batch JSONL files run against DeepSeek, resumable, at the "
        "account's concurrency limit, optionally within a budget and off-peak only.",
        epilog=BATCH_NOTE,
    )
    common_options(batch, suppress=True)
    verbs = batch.add_subparsers(dest="batch_command", metavar="{run,status}", required=True)

    run = verbs.add_parser(
        "run",
        help="send every request of INPUT not yet in OUTPUT",
        description="Send every request of INPUT whose custom_id is not yet in OUTPUT, appending each "
        "result to OUTPUT as it finishes. 400/422 answers become error lines (never retried); 429, 5xx "
        "and dropped connections are retried with backoff; a 402 stops the job with what was done "
        "kept. Exit 0 when every request has its line, 1 when the job stopped before (run it again).",
        epilog=f"{BATCH_NOTE} {KEY_NOTE}",
    )
    common_options(run, suppress=True)
    run.add_argument("input", metavar="INPUT.jsonl", help="OpenAI Batch input file")
    run.add_argument("-o", "--output", metavar="OUTPUT.jsonl", required=True, help="results file (appended)")
    run.add_argument(
        "--concurrency",
        type=positive_int,
        default=None,
        metavar="N",
        help="requests in flight to start from and never exceed (default: the model's account limit, "
        "2,500 Flash / 500 Pro); lowered on 429 and probed back up",
    )
    run.add_argument(
        "--budget",
        type=_usd,
        default=None,
        metavar="USD",
        help="stop before the estimated spend could pass this many US dollars (earlier runs count)",
    )
    run.add_argument(
        "--when",
        choices=["any", "off-peak"],
        default="any",
        help="off-peak: send only outside DeepSeek's peak hours (half price), waiting when they start",
    )
    run.add_argument("--model", default=None, help="send every request with this model (replaces the file's)")
    run.add_argument(
        "--retries",
        type=_count,
        default=None,
        metavar="N",
        help="tries after the first for 5xx and dropped connections (default 6)",
    )
    bar = run.add_mutually_exclusive_group()
    bar.add_argument(
        "--progress", dest="progress", action="store_true", default=None, help="always show the bar"
    )
    bar.add_argument("--no-progress", dest="progress", action="store_false", help="never show the bar")
    run.set_defaults(handler=_cmd_run)

    status = verbs.add_parser(
        "status",
        help="what OUTPUT holds: done, failed and left",
        description="Count what OUTPUT holds (succeeded, failed, tokens, estimated cost) and, with the "
        "input (remembered from the last run, or --input), what is left.",
    )
    status.add_argument("output", metavar="OUTPUT.jsonl")
    status.add_argument("--input", metavar="INPUT.jsonl", default=None, help="the job's input file")
    status.set_defaults(handler=_cmd_status)


def _raise_open_files() -> None:
    """Let a job open as many sockets as the hard limit allows (2,500 in flight need 2,500 sockets)."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft != hard:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    except (ImportError, OSError, ValueError):
        pass


def _cmd_run(args: argparse.Namespace, out: Output) -> int:
    from pathlib import Path

    from deepseek_openai._batch import DEFAULT_RETRIES, run_batch
    from deepseek_openai._errors import DeepSeekRequestError

    source = Path(args.input)
    if not source.is_file():
        raise UsageError(f"no input file at {source}. Fix: pass the path of an OpenAI Batch JSONL file")
    _raise_open_files()
    client = make_async_client(args, max_connections=(args.concurrency or 2500) + 16)
    try:
        result = run_batch(
            source,
            args.output,
            client=client,
            concurrency=args.concurrency,
            budget=args.budget,
            when=args.when,
            model=args.model,
            retries=args.retries if args.retries is not None else DEFAULT_RETRIES,
            progress=args.progress,
        )
    except DeepSeekRequestError as exc:  # the input file is not a Batch file: nothing was sent
        raise UsageError(str(exc)) from None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    out.line(result.summary())
    if result.stop_reason == "interrupted":
        return EXIT_INTERRUPTED
    return EXIT_OK if result.complete else EXIT_API


def _cmd_status(args: argparse.Namespace, out: Output) -> int:
    from deepseek_openai._batch import batch_status
    from deepseek_openai._errors import DeepSeekRequestError

    try:
        status = batch_status(args.output, args.input)
    except FileNotFoundError as exc:
        raise UsageError(f"{exc}. Fix: pass the OUTPUT.jsonl of a `batch run`") from None
    except DeepSeekRequestError as exc:
        raise UsageError(str(exc)) from None
    out.line(status.summary())
    return EXIT_OK
