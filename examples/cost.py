"""Usage and cost: cache-hit tokens and the peak / off-peak windows, in exact Decimal USD."""

import datetime as dt

from openai.types.chat import ChatCompletionSystemMessageParam

from deepseek_openai import estimate_cost, get_balance, get_client, usage_summary

client = get_client()
# a shared prefix
system: ChatCompletionSystemMessageParam = {"role": "system", "content": "You are a concise assistant. " * 50}
for question in ("What is 2+2?", "What is 3+3?"):
    response = client.chat.completions.create(
        model="deepseek-flash", messages=[system, {"role": "user", "content": question}]
    )
    usage = usage_summary(response.usage)
    print(
        f"{question}: {usage.prompt_tokens} prompt tokens ({usage.cache_hit_tokens} cache hits), "
        f"{usage.completion_tokens} output ({usage.reasoning_tokens} reasoning)"
    )
    peak = estimate_cost(response.usage, "deepseek-flash", at=dt.datetime(2026, 11, 25, 2, tzinfo=dt.UTC))
    off_peak = estimate_cost(
        response.usage, "deepseek-flash", at=dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC)
    )
    print(f"  cost: ${peak} at peak, ${off_peak} off-peak")

balance = get_balance(client)
for info in balance.infos:
    print(f"balance: {info.total} {info.currency} (available: {balance.is_available})")
