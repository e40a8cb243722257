"""Extract the fenced python blocks of a Markdown file with the test tag written just above each one.

Every python block must be tagged by an HTML comment on the line(s) before it:
``<!-- test: run -->`` (executed against the emulator), ``<!-- test: pytest -->`` (run as a test
file with the pytest plugin), or ``<!-- test: skip (why) -->`` (a "before" snippet, or one that needs
a package or key the suite does not have). An untagged block fails the suite, so nothing rots silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_BLOCK = re.compile(
    r"(?P<tag><!--\s*test:\s*(?P<kind>\w+)(?P<why>[^>]*)-->\s*\n)?```python\n(?P<code>.*?)```", re.S
)


@dataclass(frozen=True)
class Snippet:
    path: Path
    line: int
    kind: str  # run, pytest, skip, or "untagged"
    why: str
    code: str

    @property
    def id(self) -> str:
        return f"{self.path.name}:{self.line}"


def snippets(path: Path) -> list[Snippet]:
    text = path.read_text(encoding="utf-8")
    found = []
    for match in _BLOCK.finditer(text):
        line = text.count("\n", 0, match.start("code"))
        kind = match.group("kind") or "untagged"
        found.append(Snippet(path, line, kind, (match.group("why") or "").strip(), match.group("code")))
    return found
