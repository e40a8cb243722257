"""Run every benchmark: ``python benchmarks/run.py [--quick]``.

Prints a table of medians and ratios (this package vs the raw openai client, measured side by
side in the same run) and writes ``benchmarks/results/latest.json`` with the machine description.
Full run: about 6.5 minutes on 2 cores; ``--quick``: about 2 minutes with fewer rounds. Not a test: nothing
here fails a build; the ``ok`` column compares each figure with its target from the design notes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import math
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _common import Figure, machine_info  # noqa: E402

MODULES = (
    "bench_client",
    "bench_stream",
    "bench_history",
    "bench_import",
    "bench_loopback",
    "bench_emulator",
    "bench_vision",
    "bench_batch",
)


def _figures(module: Any, quick: bool) -> list[Figure]:
    result = module.run(quick)
    out = result if isinstance(result, list) else [result]
    return [f if isinstance(f, Figure) else Figure(**f) for f in out]


def _fmt(value: float) -> str:
    if math.isnan(value):
        return "-"
    return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"


def print_table(figures: list[Figure]) -> None:
    header = ("figure", "unit", "raw openai", "ours", "ratio", "target", "ok", "note")
    rows = [
        (
            f.name,
            f.unit,
            _fmt(f.raw),
            _fmt(f.ours),
            f"{f.ratio:.3f}",
            f.target,
            {True: "yes", False: "NO", None: "-"}[f.ok],
            f.note,
        )
        for f in figures
    ]
    widths = [max(len(str(r[i])) for r in (header, *rows)) for i in range(len(header))]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    print(line.format(*header))
    print(line.format(*("-" * w for w in widths)))
    for row in rows:
        print(line.format(*row))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run, about 1.5 minutes)")
    parser.add_argument("--only", nargs="*", default=None, help="run only these modules (e.g. bench_client)")
    parser.add_argument("--out", default=str(HERE / "results" / "latest.json"))
    args = parser.parse_args(argv)

    machine = machine_info()
    machine["loadavg_start"] = list(os.getloadavg())
    figures: list[Figure] = []
    timings: dict[str, float] = {}
    failures: dict[str, str] = {}
    sections: dict[str, Any] = {}
    started = time.perf_counter()
    for name in MODULES:
        if args.only and name not in args.only:
            continue
        if not (HERE / f"{name}.py").exists():
            continue
        t0 = time.perf_counter()
        try:
            module = importlib.import_module(name)
            if hasattr(module, "run"):
                figures.extend(_figures(module, args.quick))
            else:  # a stand-alone script (bench_emulator.py): run it, keep its JSON report
                module.main(["--requests", "100", "--rounds", "2"] if args.quick else [])
                report = HERE / "results" / "emulator.json"
                if report.exists():
                    sections[name] = json.loads(report.read_text(encoding="utf-8"))
        except Exception:  # one broken benchmark must not hide the others
            failures[name] = traceback.format_exc()
            print(f"[{name}] failed:\n{failures[name]}", file=sys.stderr)
        timings[name] = round(time.perf_counter() - t0, 1)
        print(f"[{name}] {timings[name]} s", file=sys.stderr)
    machine["loadavg_end"] = list(os.getloadavg())

    print()
    print(
        f"machine: {machine['cpu']}, {machine['cores']} cores, Python {machine['python']}, "
        f"openai {machine['openai']}, load {machine['loadavg_start'][0]:.1f}->{machine['loadavg_end'][0]:.1f}"
    )
    print_table(figures)
    result = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": machine,
        "seconds": round(time.perf_counter() - started, 1),
        "module_seconds": timings,
        "figures": [f.as_dict() for f in figures],
        "failures": failures,
        **sections,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"\nwrote {out} ({result['seconds']} s)")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
