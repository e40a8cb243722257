"""Mutation testing of the rules, the tables, the helpers and the emulator's validation (mutmut 3).

Run it before closing an issue that touches one of the modules below (it is not part of CI: a full
run takes tens of minutes on two cores)::

    pip install -e '.[dev,mutation]'
    python mutation/run.py                      # every module; resumes where it stopped
    python mutation/run.py --module rules       # one module (repeat --module for more)
    python mutation/run.py --report             # rewrite the report from the results kept
    python mutation/run.py --module usage --fresh   # forget the module's results first
    python mutation/run.py --module rules --survivors   # re-test only the survivors (after new tests)
    python mutation/run.py --module rules --fresh-pass  # only the second pass (below)

Each module is mutated in its own work folder (``mutation/work/<name>/``, not committed) with only
its own tests selected (``[tool.deepseek-mutation.modules]`` in ``pyproject.toml``), so runs stay
affordable and a module's results survive runs of the others; mutmut then runs, per mutant, only
the selected tests that reach the mutated function, and every survivor gets a second pass in fresh
processes against every selected test (see retest_fresh). The report (``mutation/report.md``) gives the
score per module and every survivor with file:line and the mutation; survivors listed in
``mutation/equivalent/<module>.toml`` (matched on function, old line and new line, so they outlive line
moves) are equivalent mutants and leave the score's denominator, each with its reason.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "mutation"
WORK = HERE / "work"
REPORT = HERE / "report.md"
EQUIVALENT = HERE / "equivalent"
"""One TOML file per module, so that work on one module never touches another's list."""
TARGET = 0.90

KILLED = {"killed", "timeout", "caught by type check", "segfault"}
"""mutmut's verdicts that mean a test (or the type checker) noticed the mutant."""
UNCHECKED = {"not checked", "check was interrupted by user"}
"""Verdicts of an interrupted run: the mutant was never tried, so it is neither killed nor a survivor."""


@dataclass(frozen=True)
class Module:
    name: str
    file: str
    tests: tuple[str, ...]


@dataclass
class Survivor:
    mutant: str
    function: str
    line: int
    old: str
    new: str
    status: str
    reason: str | None = None


@dataclass
class Score:
    module: Module
    total: int = 0
    killed: int = 0
    survivors: list[Survivor] = field(default_factory=list)
    seconds: float | None = None
    retest_seconds: float | None = None
    fresh_seconds: float | None = None
    """The last re-test of the survivors (``--survivors``), if any."""
    unchecked: int = 0
    """Mutants an interrupted run never tried; they stay out of the score until a run tries them."""

    @property
    def equivalent(self) -> list[Survivor]:
        return [s for s in self.survivors if s.reason]

    @property
    def alive(self) -> list[Survivor]:
        return [s for s in self.survivors if not s.reason]

    @property
    def ratio(self) -> float:
        counted = self.total - self.unchecked - len(self.equivalent)
        return self.killed / counted if counted else 1.0


def _pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))


def load_modules() -> dict[str, Module]:
    table = _pyproject()["tool"]["deepseek-mutation"]["modules"]
    return {name: Module(name, row["file"], tuple(row["tests"])) for name, row in table.items()}


# ------------------------------------------------------------------------------------------------
# The work folder of one module: the sources and tests linked, a pyproject that selects them


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML for {value!r}")


def _toml_table(name: str, table: Mapping[str, object]) -> str:
    lines = [f"[{name}]"] + [f"{key} = {_toml_value(value)}" for key, value in table.items()]
    return "\n".join(lines) + "\n"


def prepare_workdir(module: Module, *, fresh_imports: bool = False) -> Path:
    """Link the package and the tests into the module's folder; write the pyproject mutmut reads.

    ``fresh_imports``: each mutant's tests import the package afresh (mutmut's fork server, warmed
    with the third-party modules only), so code that runs at import time runs mutated.
    """
    folder = WORK / module.name
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("deepseek_openai", "tests"):
        link = folder / name
        if not link.is_symlink():
            link.symlink_to(ROOT / name, target_is_directory=True)
    project = _pyproject()["tool"]
    mutmut = dict(project["mutmut"])
    mutmut["only_mutate"] = [module.file]
    # A test file a branch has not written yet is left out rather than failing the whole run.
    mutmut["pytest_add_cli_args_test_selection"] = [t for t in module.tests if (ROOT / t).exists()]
    if fresh_imports:
        mutmut["process_isolation"] = "forkserver"
        mutmut["forkserver_warmup"] = "import"
        mutmut["preload_modules_file"] = str(folder / "preload.txt")
    text = _toml_table("tool.pytest.ini_options", project["pytest"]["ini_options"])
    text += "\n" + _toml_table("tool.mutmut", mutmut)
    target = folder / "pyproject.toml"
    if not target.exists() or target.read_text("utf-8") != text:
        target.write_text(text, "utf-8")
    return folder


def run_module(module: Module, *, fresh: bool, children: int, names: Sequence[str] = ()) -> float:
    """Run mutmut over the module; with ``names``, re-test only those mutants (new tests are picked up)."""
    folder = prepare_workdir(module)
    if fresh:
        shutil.rmtree(folder / "mutants", ignore_errors=True)
        (folder / "fresh-survivors.txt").unlink(missing_ok=True)
    elif (folder / "mutants").exists():
        # mutmut copies a source file once; a changed original must be copied (and mutated) again.
        _refresh_copies(folder)
    log = folder / "mutmut.log"
    # mutmut forgets every verdict when the test selection changes; the mutants not re-tested keep theirs.
    before = _verdicts(folder, module) if names else {}
    what = f"{len(names)} survivors of" if names else "mutating"
    print(f"[{module.name}] {what} {module.file} against {' '.join(module.tests)} (log: {log})")
    env = _env()
    started = time.monotonic()
    with log.open("w") as out:
        code = subprocess.call(
            [sys.executable, "-m", "mutmut", "run", "--max-children", str(children), *names],
            cwd=folder,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    seconds = time.monotonic() - started
    if before:
        # A failed run (its clean test run failed, say) tried nothing: every verdict comes back.
        _restore_verdicts(folder, module, before, set() if code else set(names))
    if code:
        tail = log.read_text("utf-8", "replace")[-2000:]
        raise SystemExit(f"[{module.name}] mutmut exited {code}; the end of {log}:\n{tail}")
    # A re-test of the survivors keeps the full run's time as the module's run time.
    (folder / ("seconds-survivors" if names else "seconds")).write_text(f"{seconds:.0f}\n")
    print(f"[{module.name}] done in {seconds:.0f} s")
    return seconds


# ------------------------------------------------------------------------------------------------
# The second pass
#
# mutmut forks each mutant's tests from a process that imported the package already and ran the
# stats, and runs only the tests the stats tie to the mutated function. Both hide real kills: a
# function that only runs at import time (the tables' row factories, a dataclass's __post_init__
# over the table's rows, the client's class set-up) is never active in the fork, and a function
# whose result a cache keeps is tied only to the first test that filled the cache (tests/conftest.py
# empties the pipeline's plan cache per test under mutmut for that reason; a cache it does not know
# of is still caught here). So every survivor of the forked pass is re-tested in fresh processes (mutmut's
# fork server, warmed with the third-party modules only) against every selected test: what
# survives that survives real use.

_PROBE = r"""
import importlib, json, pkgutil, sys
target = sys.argv[1]
seen = set()
def probe(frame, event, arg):
    if event == "call" and frame.f_code.co_filename == target:
        seen.add(frame.f_code.co_qualname.split(".<locals>")[0])
sys.setprofile(probe)
import deepseek_openai
for info in pkgutil.walk_packages(deepseek_openai.__path__, "deepseek_openai."):
    if info.name.endswith("__main__"):
        continue
    try:
        importlib.import_module(info.name)
    except ImportError:
        pass
sys.setprofile(None)
third = sorted({m.split(".")[0] for m in sys.modules} - set(sys.stdlib_module_names) - {"deepseek_openai"})
print(json.dumps({"functions": sorted(seen), "modules": [m for m in third if not m.startswith("_")]}))
"""


def import_time(module: Module) -> tuple[set[str], list[str]]:
    """The module's functions that run when the package is imported, and the third-party modules."""
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, str(ROOT / module.file)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = json.loads(out)
    return set(found["functions"]), [*found["modules"], "pytest", "hypothesis", "starlette", "uvicorn"]


def _mangled(module: Module, function: str) -> str:
    dotted = module.file.removesuffix(".py").replace("/", ".")
    cls, _, method = function.rpartition(".")
    return f"{dotted}.xǁ{cls}ǁ{method}" if cls else f"{dotted}.x_{function}"


def retest_fresh(module: Module, *, children: int, again: bool = False) -> None:
    """Re-test every survivor with fresh imports and every selected test (see above).

    A mutant that survived this pass once is not re-tested by later runs (``again`` re-tests it):
    each costs a run of every selected test, and skipping one can only keep a survivor alive.
    """
    folder = WORK / module.name
    record = folder / "fresh-survivors.txt"
    done = set() if again or not record.exists() else set(record.read_text("utf-8").split())
    kept = collect(module, load_equivalent())
    names = [s.mutant for s in kept.alive if s.mutant not in done] if kept else []
    if not names:
        return
    preload = import_time(module)[1]
    _refresh_copies(folder)  # the tests as they are now, as in the first pass
    stats_path = folder / "mutants" / "mutmut-stats.json"
    saved = stats_path.read_text("utf-8")
    stats = json.loads(saved)
    every = sorted(stats["duration_by_test"])
    for function in {s.function for s in kept.alive} if kept else ():
        stats["tests_by_mangled_function_name"][_mangled(module, function)] = every
    stats_path.write_text(json.dumps(stats), "utf-8")
    (folder / "preload.txt").write_text("\n".join(preload) + "\n", "utf-8")
    prepare_workdir(module, fresh_imports=True)
    log = folder / "mutmut-fresh.log"
    print(f"[{module.name}] second pass: {len(names)} survivors, fresh imports, every selected test")
    before = _verdicts(folder, module)
    started = time.monotonic()
    try:
        with log.open("w") as out:
            subprocess.call(
                [sys.executable, "-m", "mutmut", "run", "--max-children", str(children), *names],
                cwd=folder,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=_env(),
            )
        (folder / "seconds-fresh").write_text(f"{time.monotonic() - started:.0f}\n")
    finally:
        _restore_verdicts(folder, module, before, set(names))
        stats_path.write_text(saved, "utf-8")
        prepare_workdir(module)
    codes = _verdicts(folder, module)
    done |= {name for name in names if codes.get(name) == 0}
    record.write_text("\n".join(sorted(done)) + "\n", "utf-8")


def _env() -> dict[str, str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    # Derandomized property tests (the project's hypothesis profile under CI): a verdict must not
    # depend on what hypothesis happened to draw for that mutant.
    env["CI"] = "true"
    return env


def _meta(folder: Path, module: Module) -> Path:
    return folder / "mutants" / (module.file + ".meta")


def _verdicts(folder: Path, module: Module) -> dict[str, int | None]:
    path = _meta(folder, module)
    if not path.exists():
        return {}
    return dict(json.loads(path.read_text("utf-8"))["exit_code_by_key"])


def _restore_verdicts(
    folder: Path, module: Module, before: Mapping[str, int | None], retested: set[str]
) -> None:
    """Give back the verdicts mutmut reset but did not re-test (a wider selection cannot revive a kill)."""
    path = _meta(folder, module)
    meta = json.loads(path.read_text("utf-8"))
    codes = meta["exit_code_by_key"]
    for key, code in before.items():
        if key not in retested and codes.get(key) is None and code is not None:
            codes[key] = code
    path.write_text(json.dumps(meta, indent=4), "utf-8")


def _refresh_copies(folder: Path) -> None:
    """Drop the copies in ``mutants/`` whose original changed (or the tests, which mutmut copies)."""
    mutants = folder / "mutants"
    for copy in (mutants / "deepseek_openai").rglob("*.py"):
        original = ROOT / copy.relative_to(mutants)
        if not original.exists():
            copy.unlink()
            continue
        meta = copy.with_suffix(copy.suffix + ".meta")
        if original.stat().st_mtime > copy.stat().st_mtime and (
            not meta.exists() or original.stat().st_mtime > meta.stat().st_mtime
        ):
            copy.unlink()
    shutil.rmtree(mutants / "tests", ignore_errors=True)


# ------------------------------------------------------------------------------------------------
# Reading the results back


_NAME = re.compile(r"^(?P<module>[\w.]+?)\.x(?:ǁ(?P<cls>\w+)ǁ(?P<method>\w+)|_(?P<func>\w+))__mutmut_\d+$")


def _function_of(mutant: str) -> str:
    match = _NAME.match(mutant)
    if not match:
        return mutant
    if match["cls"]:
        return f"{match['cls']}.{match['method']}"
    return match["func"]


def _function_lines(source: str) -> dict[str, tuple[int, int]]:
    spans: dict[str, tuple[int, int]] = {}
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            spans[node.name] = (node.lineno, node.end_lineno or node.lineno)
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    spans[f"{node.name}.{item.name}"] = (item.lineno, item.end_lineno or item.lineno)
    return spans


def _locate(diff: str, lines: Sequence[str], span: tuple[int, int] | None) -> tuple[int, str, str]:
    """The file line of a mutation, and its old and new text, from mutmut's function-relative diff."""
    body = diff.splitlines()
    old = [line[1:] for line in body if line.startswith("-") and not line.startswith("---")]
    new = [line[1:] for line in body if line.startswith("+") and not line.startswith("+++")]
    if span is None:
        return 0, " / ".join(s.strip() for s in old), " / ".join(s.strip() for s in new)
    start, end = span
    expected = start
    relative = 0
    for row in body:
        hunk = re.match(r"^@@ -(\d+)", row)
        if hunk:
            relative = int(hunk[1]) - 1
        elif row.startswith(("-", "+")) and not row.startswith(("---", "+++")):
            expected = start + relative
            break
        elif row.startswith(" "):
            relative += 1
    first = old[0].rstrip() if old else ""
    matches = [
        n for n in range(start, min(len(lines), end) + 1) if first and lines[n - 1].strip() == first.strip()
    ]
    number = min(matches, key=lambda n: abs(n - expected)) if matches else expected
    return number, " / ".join(s.strip() for s in old), " / ".join(s.strip() for s in new)


def load_equivalent() -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in sorted(EQUIVALENT.glob("*.toml")):
        rows.extend(tomllib.loads(path.read_text("utf-8")).get("equivalent", []))
    return rows


def _reason(module: Module, survivor: Survivor, equivalent: Sequence[Mapping[str, str]]) -> str | None:
    for row in equivalent:
        if (
            row.get("module") == module.name
            and row.get("function") == survivor.function
            and row.get("old", "").strip() == survivor.old
            and row.get("new", "").strip() == survivor.new
        ):
            return row["reason"]
    return None


@contextlib.contextmanager
def _inside(folder: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def collect(module: Module, equivalent: Sequence[Mapping[str, str]]) -> Score | None:
    folder = WORK / module.name
    if not (folder / "mutants").exists():
        return None
    from mutmut import configuration
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    from mutmut.stats import status_by_exit_code

    score = Score(module)
    seconds = folder / "seconds"
    score.seconds = float(seconds.read_text()) if seconds.exists() else None
    retest = folder / "seconds-survivors"
    score.retest_seconds = float(retest.read_text()) if retest.exists() else None
    fresh = folder / "seconds-fresh"
    score.fresh_seconds = float(fresh.read_text()) if fresh.exists() else None
    source_lines = (ROOT / module.file).read_text("utf-8").splitlines()
    spans = _function_lines("\n".join(source_lines))
    with _inside(folder):
        configuration.reset_config()
        data = SourceFileMutationData(path=Path(module.file))
        for attempt in range(20):  # a running mutmut rewrites the file as it goes
            try:
                data.load()
                break
            except ValueError:
                if attempt == 19:
                    raise
                time.sleep(0.5)
        for mutant, exit_code in sorted(data.exit_code_by_key.items(), key=lambda kv: _order(kv[0])):
            status = status_by_exit_code[exit_code]
            score.total += 1
            if status in UNCHECKED:
                score.unchecked += 1
                continue
            if status in KILLED:
                score.killed += 1
                continue
            with contextlib.redirect_stdout(io.StringIO()):
                diff = get_diff_for_mutant(mutant, path=Path(module.file))
            function = _function_of(mutant)
            line, old, new = _locate(diff, source_lines, spans.get(function))
            survivor = Survivor(mutant, function, line, old, new, status)
            survivor.reason = _reason(module, survivor, equivalent)
            score.survivors.append(survivor)
        configuration.reset_config()
    score.survivors.sort(key=lambda s: (s.line, s.mutant))
    return score


def _order(mutant: str) -> tuple[str, int]:
    head, _, number = mutant.rpartition("__mutmut_")
    return head, int(number) if number.isdigit() else 0


# ------------------------------------------------------------------------------------------------
# The report


def _cell(text: str) -> str:
    return "`" + text.replace("`", "'").replace("|", "\\|") + "`" if text else "(removed)"


KEPT = " \N{DAGGER}"
"""Marks a module whose row and survivors are copied from the report as it was."""


def kept_from_report(text: str, names: Sequence[str]) -> dict[str, tuple[str, str]]:
    """The summary row and the survivors section (under its heading) of each of ``names`` in a report.

    ``mutation/work/`` is not committed, so a fresh checkout has the results of the modules it ran
    and no others: their rows are carried over (marked) rather than turned into "not run yet".
    """
    kept: dict[str, tuple[str, str]] = {}
    lines = text.splitlines()
    for name in names:
        row = next(
            (
                line
                for line in lines
                if line.startswith((f"| {name} |", f"| {name}{KEPT} |")) and "not run yet" not in line
            ),
            None,
        )
        if row is None:
            continue
        cells = row.split(" | ")
        cells[0] = f"| {name}{KEPT}"
        heading = next(
            (h for h in (f"## {name}: survivors", f"## {name}{KEPT}: survivors") if h in lines), None
        )
        section = ""
        if heading is not None:
            start = lines.index(heading) + 1
            end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
            section = "\n".join(lines[start:end]).rstrip()
        kept[name] = (" | ".join(cells), section)
    return kept


def _row(s: Score) -> str:
    mark = "" if s.ratio >= TARGET else " (below target)"
    took = f"{s.seconds / 60:.1f} min" if s.seconds else "? (interrupted)"
    if s.retest_seconds:
        took += f" + {s.retest_seconds / 60:.1f} min re-test"
    if s.fresh_seconds:
        took += f" + {s.fresh_seconds / 60:.1f} min second pass"
    score = f"{s.ratio:.1%}{mark}"
    if s.unchecked:  # a score over the few mutants an interrupted run tried would mislead
        score = f"incomplete: {s.total - s.unchecked} of {s.total} tried"
    return (
        f"| {s.module.name} | `{s.module.file}` | {s.total} | {s.killed} | {len(s.alive)} | "
        f"{len(s.equivalent)} | {score} | {took} |"
    )


def _section(s: Score) -> list[str]:
    out = ["", f"## {s.module.name}: survivors", ""]
    if s.alive:
        out += ["| where | function | was | became | verdict |", "|---|---|---|---|---|"]
        out.extend(
            f"| {s.module.file}:{v.line} | `{v.function}` | {_cell(v.old)} | {_cell(v.new)} | {v.status} |"
            for v in s.alive
        )
    if s.equivalent:
        out += ["", "Equivalent mutants:", "", "| where | was | became | why it is equivalent |"]
        out.append("|---|---|---|---|")
        out.extend(
            f"| {s.module.file}:{v.line} | {_cell(v.old)} | {_cell(v.new)} | {v.reason} |"
            for v in s.equivalent
        )
    return out


def write_report(results: Sequence[Score | Module], kept: Mapping[str, tuple[str, str]]) -> str:
    """The report: a module's Score, or the Module itself when it has no results on this machine
    (``kept``, see kept_from_report, then stands in), in the table's order."""
    scores = [r for r in results if isinstance(r, Score)]
    missing = [r for r in results if isinstance(r, Module)]
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    total_seconds = sum(s.seconds or 0 for s in scores)
    out = [
        "# Mutation report",
        "",
        f"Written by `python mutation/run.py` on {now} (mutmut 3; the modules run here took "
        f"{total_seconds / 60:.0f} min of wall time, on a shared two-core machine). "
        f"Score = killed / (mutants - equivalent); the target is {TARGET:.0%} per module. Survivors that "
        "are equivalent mutants are listed with the reason (from `mutation/equivalent/`).",
        *(
            [
                "",
                f"Rows marked{KEPT} are copied from the report as it was: their results are not on the "
                "machine that wrote this one (`mutation/work/` is not committed).",
            ]
            if any(m.name in kept for m in missing)
            else []
        ),
        "",
        "| module | file | mutants | killed | survived | equivalent | score | run time |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    sections: list[str] = []
    for r in results:
        if isinstance(r, Score):
            out.append(_row(r))
            sections += _section(r) if r.survivors else []
            continue
        row, section = kept.get(r.name, (f"| {r.name} | `{r.file}` | not run yet | | | | | |", ""))
        out.append(row)
        sections += ["", f"## {r.name}{KEPT}: survivors", section] if section else []
    return "\n".join(out + sections) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    modules = load_modules()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--module", action="append", choices=sorted(modules), help="only this module")
    parser.add_argument("--report", action="store_true", help="only rewrite the report")
    parser.add_argument("--fresh", action="store_true", help="forget the selected modules' results")
    parser.add_argument("--survivors", action="store_true", help="re-test only the survivors kept")
    parser.add_argument(
        "--fresh-pass",
        action="store_true",
        help="only the second pass: every survivor (again), fresh imports, every selected test",
    )
    parser.add_argument("--children", type=int, default=2, help="parallel mutants (default 2)")
    args = parser.parse_args(argv)
    chosen = [modules[name] for name in args.module] if args.module else list(modules.values())
    equivalent = load_equivalent()
    if not args.report:
        for module in chosen:
            if args.fresh_pass:
                retest_fresh(module, children=args.children, again=True)
                continue
            names: list[str] = []
            if args.survivors:
                kept = collect(module, equivalent)
                # Survivors that run at import time cannot die in a forked run: only the second pass.
                at_import = import_time(module)[0]
                names = [s.mutant for s in kept.alive if s.function not in at_import] if kept else []
            if names or not args.survivors:
                run_module(module, fresh=args.fresh, children=args.children, names=names)
            retest_fresh(module, children=args.children)
    results: list[Score | Module] = [collect(module, equivalent) or module for module in modules.values()]
    scores = [r for r in results if isinstance(r, Score)]
    earlier = REPORT.read_text("utf-8") if REPORT.exists() else ""
    carried = kept_from_report(earlier, [r.name for r in results if isinstance(r, Module)])
    REPORT.write_text(write_report(results, carried), "utf-8")
    for s in scores:
        tried = s.total - s.unchecked - len(s.equivalent)
        note = " (incomplete)" if s.unchecked else ""
        print(f"{s.module.name:14} {s.killed:5}/{tried:<5} {s.ratio:6.1%}{note}")
    print(f"report: {REPORT.relative_to(ROOT)}")
    below = [s.module.name for s in scores if s.module in chosen and (s.ratio < TARGET or s.unchecked)]
    return 1 if below else 0


if __name__ == "__main__":
    raise SystemExit(main())
