"""The package's warnings are seen by default, once per call site, pointing at the caller's line.

Run in a fresh interpreter with Python's default warning filters (pytest's own filters would show
everything), from a module that is imported, where a DeprecationWarning would be hidden.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from deepseek_openai import DeepSeekCompatibilityWarning, RetiredModelWarning
from tests.cli._util import emulator_env

MODULE = textwrap.dedent(
    """
    from deepseek_openai import get_client

    HI = [{"role": "user", "content": "hi"}]


    def run() -> None:
        client = get_client()
        for _ in range(3):
            client.chat.completions.create(model="deepseek-chat", messages=HI)  # line 10: one warning
        client.chat.completions.create(model="deepseek-reasoner", messages=HI)  # line 11: another
        warn = client.with_options(guard_mode="warn")
        for _ in range(2):
            warn.chat.completions.create(model="deepseek-flash", messages=HI, seed=1)  # line 14
    """
)


def test_warnings_are_visible_by_default_once_per_call_site(tmp_path: Path, deepseek_emulator: Any) -> None:
    (tmp_path / "mymodule.py").write_text(MODULE, encoding="utf-8")
    env = emulator_env(deepseek_emulator, PYTHONPATH=str(tmp_path), PYTHONWARNINGS=None)
    proc = subprocess.run(
        [sys.executable, "-c", "import mymodule; mymodule.run()"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if "Warning: " in line]
    retired = [line for line in lines if "RetiredModelWarning" in line]
    assert len(retired) == 2, proc.stderr
    assert retired[0].startswith(f"{tmp_path / 'mymodule.py'}:10: RetiredModelWarning:")
    assert "deepseek-chat" in retired[0]
    assert retired[1].startswith(f"{tmp_path / 'mymodule.py'}:11: RetiredModelWarning:")
    dropped = [line for line in lines if "DeepSeekCompatibilityWarning" in line]
    assert len(dropped) == 1, proc.stderr
    assert ":14: DeepSeekCompatibilityWarning:" in dropped[0]


def test_the_categories_are_ones_python_shows_by_default() -> None:
    assert issubclass(RetiredModelWarning, FutureWarning)
    assert not issubclass(RetiredModelWarning, DeprecationWarning)
    assert issubclass(DeepSeekCompatibilityWarning, UserWarning)
