"""The python snippets of migration_guide.md and README.md run against the emulator: docs cannot rot."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

from deepseek_openai import RetiredModelWarning
from tests.cli._util import ROOT, clean_env

from ._snippets import Snippet, snippets

DOCS = [ROOT / "migration_guide.md", ROOT / "README.md"]
ALL = [s for doc in DOCS for s in snippets(doc)]
RUN = [s for s in ALL if s.kind == "run"]
PYTEST = [s for s in ALL if s.kind == "pytest"]


def test_every_python_block_is_tagged_and_most_run() -> None:
    assert ALL, "no python blocks found"
    bad = [s.id for s in ALL if s.kind not in ("run", "pytest", "skip")]
    assert not bad, f"untagged or mistagged python blocks (add <!-- test: run --> or skip): {bad}"
    skipped_without_reason = [s.id for s in ALL if s.kind == "skip" and not s.why]
    assert not skipped_without_reason, skipped_without_reason
    for doc in DOCS:
        assert any(s.path == doc and s.kind == "run" for s in ALL), f"{doc.name} has no tested snippet"


@pytest.mark.parametrize("snippet", RUN, ids=[s.id for s in RUN])
def test_snippet_runs_against_the_emulator(
    snippet: Snippet, deepseek_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each snippet runs as written, with DEEPSEEK_API_KEY / DEEPSEEK_BASE_URL pointing at the emulator."""
    monkeypatch.setenv("DEEPSEEK_API_KEY", deepseek_emulator.api_key)
    monkeypatch.setenv("DEEPSEEK_BASE_URL", deepseek_emulator.base_url)
    namespace: dict[str, Any] = {"__name__": "__snippet__"}
    code = compile(snippet.code, str(snippet.path) + f":{snippet.line}", "exec")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RetiredModelWarning)  # snippets that show retired names
        exec(code, namespace)


@pytest.mark.parametrize("snippet", PYTEST, ids=[s.id for s in PYTEST])
def test_pytest_snippet_passes_with_the_plugin(snippet: Snippet, tmp_path: Path) -> None:
    """Snippets that are tests themselves run under pytest, with the plugin's fixtures and no set-up."""
    test_file = tmp_path / "test_snippet.py"
    test_file.write_text(snippet.code, encoding="utf-8")
    env = clean_env()  # no key, no base URL: the plugin's fixtures need none
    proc = subprocess.run(
        # -p no:asyncio: the README's tests need nothing beyond pytest and the [emulator] extra
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:asyncio", str(test_file)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert " passed" in proc.stdout


def _bash_block_after(text: str, heading: str) -> list[str]:
    """The lines of the first ```bash block after ``heading``."""
    section = text[text.index(heading) :]
    block = section[section.index("```bash\n") + len("```bash\n") :]
    return [line for line in block[: block.index("```")].splitlines() if line.strip()]


def test_readme_installs_from_the_index_first_and_keeps_the_test_command() -> None:
    """The first section installs from the package index; .ci/run runs the README's test command."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.index("## Installation") < readme.index("## Quick start")
    assert _bash_block_after(readme, "## Installation") == ["pip install deepseek-openai"]
    assert _bash_block_after(readme, "**From an empty folder") == EMPTY_FOLDER
    assert "not made, endorsed or supported" in readme  # the "unofficial" line
    test_command = (
        "python -m venv .venv && . .venv/bin/activate && pip install -e '.[dev,compat,ray,batch]' "
        "&& python -m pytest"
    )
    assert test_command in readme
    assert "pip install --quiet -e '.[dev,compat,ray,batch]'" in (ROOT / ".ci" / "run").read_text(
        encoding="utf-8"
    )  # the extras the README names are the ones CI installs
    assert 'python -m pytest -m "not slow"' in readme
    assert "python -m pytest" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


EMPTY_FOLDER = [
    "python -m venv .venv && . .venv/bin/activate",
    "pip install 'deepseek-openai[emulator]'",
    "deepseek-openai demo",
]


@pytest.mark.slow
def test_the_installation_section_works_from_an_empty_folder(tmp_path: Path) -> None:
    """The README's three lines, run in an empty folder, with the package built from this checkout
    standing in for the index (the only change: the wheel's path instead of its name)."""
    dist = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    [wheel] = dist.glob("deepseek_openai-*.whl")
    folder = tmp_path / "empty"
    folder.mkdir()
    script = " && ".join(EMPTY_FOLDER).replace("'deepseek-openai[emulator]'", f"'{wheel}[emulator]'")
    env = clean_env({"VIRTUAL_ENV": None, "PYTHONPATH": None})
    # `python` is this interpreter; the README's own venv then isolates everything from it
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    proc = subprocess.run(
        ["bash", "-c", script],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "embedded DeepSeek emulator" in proc.stdout
    assert "Done." in proc.stdout
    assert sorted(p.name for p in folder.iterdir()) == [".venv"]  # nothing else was needed
