"""What a 30 MiB inline image costs to send: time and peak memory of building the request.

Three steps, each timed (median CPU time of the calling thread) and measured for peak traced memory
(``tracemalloc``, in a separate run so tracing does not slow the timings):

- the part: ``image_part(data)`` (sniffs the type, reads the pixel size, base64-encodes) against
  what one writes by hand with the raw SDK (``"data:image/png;base64," + b64encode(data)``);
- the seam: the client's request seam over the body (endpoint lookup, every rule, the image rows
  reading only the data URL's header quartets), against the SDK's own JSON encoding of that body;
- the whole call: ``chat.completions.create`` on an in-process transport that answers at once,
  raw ``openai.OpenAI`` against ours (same prebuilt part), so the ratio is what the client adds.

Not a test: ``python benchmarks/bench_vision.py`` prints the figures; ``run.py`` includes them.
"""

from __future__ import annotations

import base64
import gc
import statistics
import struct
import sys
import time
import tracemalloc
import zlib
from collections.abc import Callable
from typing import Any

import httpx2
import openai
from openai._models import FinalRequestOptions
from openai._utils._json import openapi_dumps

import deepseek_openai as ds
from _common import Figure
from bench_client import BASE, KEY, _handler
from deepseek_openai.testing import sample_png

MIB = 1024 * 1024
SIZE = 30 * MIB


def image_bytes(size: int = SIZE) -> bytes:
    """A valid 1024x768 PNG, padded to ``size`` bytes with an ancillary (ignored) text chunk."""
    png = sample_png(1024, 768)
    text = b"pad\0" + b"x" * (size - len(png) - 16)
    chunk = struct.pack(">I", len(text)) + b"tEXt" + text + struct.pack(">I", zlib.crc32(b"tEXt" + text))
    return png[:33] + chunk + png[33:]  # after the 33 bytes of signature and IHDR


def _time(fn: Callable[[], object], reps: int) -> float:
    """Median CPU seconds of ``reps`` calls (one warm-up call first). CPU time, not wall time: on a
    shared machine it is what other processes disturb least (the design notes' advice)."""
    fn()
    times = []
    for _ in range(reps):
        gc.collect()
        start = time.thread_time()
        fn()
        times.append(time.thread_time() - start)
    return statistics.median(times)


def _peak(fn: Callable[[], object]) -> float:
    """Peak traced memory of one call, in MiB above what was allocated before it."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    result = fn()
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    del result
    return peak / MIB


def _body(part: Any) -> dict[str, Any]:
    return {
        "model": "deepseek-flash",
        "messages": [{"role": "user", "content": [{"type": "text", "text": "What is it?"}, part]}],
    }


def measure(reps: int) -> dict[str, tuple[float, float, float, float]]:
    """Per step: (raw seconds, ours seconds, raw peak MiB, ours peak MiB)."""
    data = image_bytes()
    assert len(data) == SIZE
    out: dict[str, tuple[float, float, float, float]] = {}

    def by_hand() -> object:
        return {
            "type": "image_url",
            "image_url": {"url": "data:image/png;base64," + base64.b64encode(data).decode()},
        }

    def helper() -> object:
        return ds.image_part(data)

    out["part"] = (_time(by_hand, reps), _time(helper, reps), _peak(by_hand), _peak(helper))

    part = ds.image_part(data)
    body = _body(part)
    ours = ds.get_client(
        KEY, base_url=BASE, http_client=httpx2.Client(transport=httpx2.MockTransport(_handler))
    )
    raw = openai.OpenAI(
        api_key=KEY, base_url=BASE, http_client=httpx2.Client(transport=httpx2.MockTransport(_handler))
    )

    def seam() -> object:
        options = FinalRequestOptions.construct(method="post", url="/chat/completions", json_data=body)
        return ours._ds_prepare(options, None)

    def encode() -> object:
        return openapi_dumps(body)

    out["seam"] = (_time(encode, reps), _time(seam, reps * 5), _peak(encode), _peak(seam))

    def call(client: openai.OpenAI) -> Callable[[], object]:
        return lambda: client.chat.completions.create(model="deepseek-flash", messages=body["messages"])

    out["call"] = (_time(call(raw), reps), _time(call(ours), reps), _peak(call(raw)), _peak(call(ours)))
    return out


def run(quick: bool) -> list[Figure]:
    results = measure(3 if quick else 7)
    notes = {
        "part": "image_part(30 MiB) vs hand-written base64 data URL",
        "seam": "our request seam vs the SDK's JSON encoding of the same body (raw column)",
        "call": "chat.completions.create with a 30 MiB inline image, in-process transport",
    }
    figures = []
    for step, (raw_s, ours_s, raw_mib, ours_mib) in results.items():
        figures.append(
            Figure(
                name=f"30 MiB inline image: {step}",
                unit="ms cpu",
                raw=raw_s * 1000,
                ours=ours_s * 1000,
                ratio=ours_s / raw_s,
                target="-",
                ok=None,
                note=notes[step],
                extra={"raw_peak_mib": round(raw_mib, 1), "ours_peak_mib": round(ours_mib, 1)},
            )
        )
    return figures


def main() -> None:
    for figure in run(quick="--quick" in sys.argv):
        peaks = figure.extra
        print(
            f"{figure.name:32} raw {figure.raw:9.2f} ms  ours {figure.ours:9.3f} ms (cpu)  "
            f"ratio {figure.ratio:6.3f}  peak raw {peaks['raw_peak_mib']:6.1f} MiB  "
            f"ours {peaks['ours_peak_mib']:6.1f} MiB  ({figure.note})"
        )


if __name__ == "__main__":
    main()
