"""``deepseek-openai models`` and ``balance``: what the API lists, with the package's catalogue facts.

Standard library only at import time.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from ._common import EXIT_OK, Output, add_command, kilo, make_client

HEADER = ("MODEL", "NAME", "CONTEXT / OUTPUT", "USD PER 1M TOKENS (PEAK: CACHE HIT / MISS / OUTPUT)")


def register(sub: Any) -> None:
    models = add_command(
        sub,
        "models",
        summary="list the models the API serves, with context, output limit and prices",
        description="List the models GET /models returns, each with what this package's catalogue knows: "
        "the display name, the context window and output limit, and the peak prices in USD per "
        "million tokens (cache hit / cache miss / output; off-peak hours cost half). --json prints "
        "the same as JSON.",
        handler=run_models,
    )
    models.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
    add_command(
        sub,
        "balance",
        summary="show the account balance",
        description="Show whether the account can make requests, and its balance per currency (total, "
        "topped up, granted), from GET /user/balance.",
        handler=run_balance,
    )


def _facts(model_id: str, owned_by: Any) -> dict[str, Any]:
    from deepseek_openai._catalogue import resolve_model

    info = resolve_model(model_id).info
    row: dict[str, Any] = {"id": model_id, "owned_by": owned_by, "in_catalogue": info is not None}
    if info is not None:
        p = info.prices
        row |= {
            "name": info.display_name,
            "context_window": info.limits.context_window,
            "max_output_tokens": info.limits.max_output_tokens,
            "usd_per_million_tokens_peak": {
                "cache_hit_input": str(p.cache_hit_input),
                "cache_miss_input": str(p.cache_miss_input),
                "output": str(p.output),
            },
        }
    return row


def run_models(args: argparse.Namespace, out: Output) -> int:
    client = make_client(args)
    out.status.start("asking for the models")
    try:
        page = client.models.list()
    finally:
        out.status.stop()
    facts = [_facts(model.id, getattr(model, "owned_by", None)) for model in page.data]
    if args.json:
        out.line(json.dumps(facts, indent=2))
        return EXIT_OK
    if not facts:
        out.line("(the API listed no models)")
        return EXIT_OK
    rows: list[tuple[str, str, str, str]] = [HEADER]
    for fact in facts:
        if not fact["in_catalogue"]:
            rows.append((fact["id"], "(not in this package's catalogue)", "", ""))
            continue
        p = fact["usd_per_million_tokens_peak"]
        rows.append(
            (
                fact["id"],
                fact["name"],
                f"{kilo(fact['context_window'])} / {kilo(fact['max_output_tokens'])}",
                f"${p['cache_hit_input']} / ${p['cache_miss_input']} / ${p['output']}",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for number, row in enumerate(rows):
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1]), row[2].ljust(widths[2]), row[3]]
        text = "  ".join(cells).rstrip()
        out.line(out.bold(text) if number == 0 else text)
    return EXIT_OK


def run_balance(args: argparse.Namespace, out: Output) -> int:
    from deepseek_openai._account import get_balance

    client = make_client(args)
    out.status.start("asking for the balance")
    try:
        balance = get_balance(client)
    finally:
        out.status.stop()
    out.line(f"available: {'yes' if balance.is_available else 'no (top up to keep using the API)'}")
    for info in balance.infos:
        out.line(f"{info.currency}: {info.total} total ({info.topped_up} topped up, {info.granted} granted)")
    return EXIT_OK
