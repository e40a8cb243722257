"""A bulk job: an OpenAI Batch file run against DeepSeek, resumable, within a budget.

Run it twice: the second run finds every request done and sends nothing.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from deepseek_openai import batch_status, run_batch

work = Path(tempfile.gettempdir()) / "deepseek-openai-bulk-example"
work.mkdir(exist_ok=True)
requests = work / "requests.jsonl"
with requests.open("w", encoding="utf-8") as handle:
    for i, city in enumerate(["Paris", "Lima", "Osaka", "Accra", "Oslo"]):
        body = {
            "model": "deepseek-flash",
            "messages": [{"role": "user", "content": f"In which country is {city}? One word."}],
            "max_tokens": 50,
            "thinking": {"type": "disabled"},
        }
        line = {"custom_id": f"city-{i}", "method": "POST", "url": "/v1/chat/completions", "body": body}
        handle.write(json.dumps(line) + "\n")

results = work / "results.jsonl"
result = run_batch(requests, results, budget="0.50", concurrency=4)
print(result.summary())
for record in map(json.loads, results.open(encoding="utf-8")):
    response = record["response"]
    if response is not None and response["status_code"] == 200:
        print(record["custom_id"], "->", response["body"]["choices"][0]["message"]["content"])
print(batch_status(results).summary())
