"""DeepSeek's errors are typed, and still the openai ones: old except clauses keep working.

Each says DeepSeek's cause and fix, whether a retry can help (.retryable) and the x-ds-trace-id.
Guards refuse what DeepSeek would reject before anything is sent.
"""

import openai

from deepseek_openai import (
    DeepSeekRequestError,
    InsufficientBalanceError,
    UnsupportedFeatureError,
    get_client,
)

client = get_client()

# An endpoint DeepSeek does not have: refused before the network.
try:
    client.embeddings.create(model="text-embedding-3-small", input="hello")
except UnsupportedFeatureError as exc:  # also a NotImplementedError
    print("unsupported:", exc)

# A value DeepSeek would reject (422): refused before the network, with the fix. It is an
# openai.BadRequestError too (status 400), so frameworks do not retry it. (What DeepSeek merely
# ignores, such as seed, is dropped with one warning instead.)
try:
    client.chat.completions.create(
        model="deepseek-flash", messages=[{"role": "user", "content": "hi"}], temperature=3
    )
except DeepSeekRequestError as exc:  # also a ValueError and an openai.BadRequestError
    print("refused:", exc)

# Errors from the API: catch the DeepSeek meaning, or the openai class as before.
try:
    client.chat.completions.create(model="deepseek-flash", messages=[{"role": "user", "content": "hi"}])
except InsufficientBalanceError as exc:  # 402, never retried
    print("top up:", exc.remedy)
except openai.RateLimitError as exc:  # a deepseek_openai.RateLimitError is one too
    print("slow down; retryable:", getattr(exc, "retryable", True))
except openai.APIError as exc:
    print("API error:", exc)
else:
    print("the request succeeded")
