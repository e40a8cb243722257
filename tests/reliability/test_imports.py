"""``import deepseek_openai`` must not drag in the emulator's server stack (checked in a fresh process)."""

from __future__ import annotations

import json
import subprocess
import sys


def test_import_does_not_load_emulator_dependencies() -> None:
    code = (
        "import sys, json, deepseek_openai; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('starlette', 'uvicorn', 'anyio._backends._trio', 'h11') "
        "or m.startswith('deepseek_openai.testing'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    loaded = json.loads(out.stdout)
    assert not [m for m in loaded if m.split(".")[0] in ("starlette", "uvicorn")], loaded
    assert not [m for m in loaded if m.startswith("deepseek_openai.testing")], loaded
