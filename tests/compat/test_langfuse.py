"""langfuse's openai patch, every tracing case, in a child process (the patch is process-wide).

Each case of test_tracing.py runs there with the tracer "langfuse"; every cell here is one of
them, read from the child's JUnit report.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

pytest.importorskip("langfuse")

CASES = [
    "test_chat",
    "test_stream",
    "test_async",
    "test_tool_loop_in_thinking_mode",
    "test_structured_output",
]


@pytest.fixture(scope="module")
def child_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    report = tmp_path_factory.mktemp("langfuse") / "report.xml"
    root = Path(__file__).resolve().parents[2]
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"--junitxml={report}",
            "tests/compat/_langfuse_cases.py",
        ],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root), "COMPAT_TRACER": "langfuse"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    outcomes: dict[str, str] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        failed = case.find("failure") is not None or case.find("error") is not None
        skipped = case.find("skipped") is not None
        outcomes[case.attrib["name"]] = "failed" if failed else "skipped" if skipped else "passed"
    assert outcomes, completed.stdout[-3000:] + completed.stderr[-3000:]
    outcomes["_output"] = completed.stdout[-3000:]
    return outcomes


@pytest.mark.parametrize("mode", ["base_url", "client"])
@pytest.mark.parametrize("case", CASES)
def test_langfuse_case(case: str, mode: str, child_report: dict[str, str]) -> None:
    name = f"{case}[langfuse-{mode}]"
    assert child_report.get(name) == "passed", (name, child_report["_output"])
