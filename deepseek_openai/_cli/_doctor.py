"""``deepseek-openai doctor``: is the key set, does the base URL answer, is the key accepted, the balance.

Each check prints one line, a failure says the fix; exit 1 if any check fails. The key is shown
masked (``****abcd``) and never sent anywhere but the configured base URL. Standard library only
at import time.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ._common import EXIT_API, EXIT_OK, KEY_ENV, Output, add_command, make_client, one_line, redact_key
from ._explain import describe

if TYPE_CHECKING:
    from deepseek_openai._client import DeepSeek


def register(sub: Any) -> None:
    add_command(
        sub,
        "doctor",
        summary="check the key, the base URL, the balance and the pricing window",
        description="Check that a key is set (it is never printed), that the base URL answers, that "
        "the key is accepted, the balance, and whether peak or off-peak prices apply now. "
        "Exit 1 if any check fails.",
        handler=run,
    )


def run(args: argparse.Namespace, out: Output) -> int:
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
        return check(False, "key accepted", describe(exc))
    ids = ", ".join(m.id for m in models.data) or "none listed"
    return check(True, "key accepted", f"models: {ids}")


def _check_balance(client: DeepSeek, check: Callable[[bool, str, str], bool]) -> None:
    import openai

    from deepseek_openai._account import get_balance

    try:
        balance = get_balance(client)
    except openai.OpenAIError as exc:
        check(False, "balance", describe(exc))
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
