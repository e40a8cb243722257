"""How fast is the emulator? Requests per second and server CPU per request, non-streaming and streaming.

The emulator must never be the bottleneck when the client is measured against it, so this records its
own throughput on this machine. One plain ``openai.OpenAI`` client drives requests sequentially over
loopback (bounded: ``--requests`` per round, ``--rounds`` rounds, median reported). Server CPU is the
uvicorn thread's own CPU clock (Linux ``pthread_getcpuclockid``), so client work is excluded.

Run: ``python benchmarks/bench_emulator.py``. Writes ``benchmarks/results/emulator.json``. Not a test.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import openai
from openai.types.chat import ChatCompletionMessageParam

from deepseek_openai.testing import DeepSeekEmulator

MESSAGES: list[ChatCompletionMessageParam] = [
    {"role": "user", "content": "Summarise the benefits of unit tests in one sentence."}
]


def _one(client: openai.OpenAI, stream: bool | str) -> None:
    if stream == "raw":
        # The same stream read as bytes (no SDK parsing): the server's own ceiling.
        with client._client.stream(  # the SDK's own httpx2 client; auth by hand
            "POST",
            str(client.base_url).rstrip("/") + "/chat/completions",
            json={"model": "deepseek-flash", "messages": MESSAGES, "stream": True},
            headers={"Authorization": f"Bearer {client.api_key}"},
        ) as response:
            for _ in response.iter_bytes():
                pass
    elif stream:
        for _ in client.chat.completions.create(model="deepseek-flash", messages=MESSAGES, stream=True):
            pass
    else:
        client.chat.completions.create(model="deepseek-flash", messages=MESSAGES)


def _round(
    emu: DeepSeekEmulator, client: openai.OpenAI, stream: bool | str, count: int
) -> tuple[float, float | None]:
    cpu_start = emu.server_cpu_seconds()
    start = time.perf_counter()
    for _ in range(count):
        _one(client, stream)
    wall = time.perf_counter() - start
    cpu_end = emu.server_cpu_seconds()
    cpu = None if cpu_start is None or cpu_end is None else (cpu_end - cpu_start) / count
    return count / wall, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per round (default 300)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per mode (default 5)")
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "emulator.json"))
    args = parser.parse_args(argv)

    results: dict[str, Any] = {}
    with (
        DeepSeekEmulator() as emu,
        openai.OpenAI(api_key=emu.api_key, base_url=emu.base_url, max_retries=0) as client,
    ):
        modes: dict[str, bool | str] = {
            "non_streaming": False,
            "streaming": True,
            "streaming_bytes_only": "raw",
        }
        for name, stream in modes.items():
            for _ in range(20):  # warm-up: connection, imports, caches
                _one(client, stream)
            rates, cpus = [], []
            for _ in range(args.rounds):
                emu.reset()  # keep records from growing without bound
                rate, cpu = _round(emu, client, stream, args.requests)
                rates.append(rate)
                if cpu is not None:
                    cpus.append(cpu)
            probe = client.chat.completions.create(model="deepseek-flash", messages=MESSAGES)
            assert probe.usage is not None
            results[name] = {
                "requests_per_round": args.requests,
                "rounds": args.rounds,
                "req_per_s_median": round(statistics.median(rates), 1),
                "req_per_s_all": [round(r, 1) for r in rates],
                "server_cpu_ms_per_request_median": round(statistics.median(cpus) * 1000, 3)
                if cpus
                else None,
                "completion_tokens_per_request": probe.usage.completion_tokens,
            }
    results["machine"] = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "openai": openai.__version__,
    }
    print(f"{'mode':<22}{'req/s (median)':>16}{'server CPU ms/req':>20}{'tokens/reply':>14}")
    for name in ("non_streaming", "streaming", "streaming_bytes_only"):
        row = results[name]
        cpu = row["server_cpu_ms_per_request_median"]
        print(
            f"{name:<22}{row['req_per_s_median']:>16.1f}{(f'{cpu:.3f}' if cpu is not None else 'n/a'):>20}"
            f"{row['completion_tokens_per_request']:>14}"
        )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
