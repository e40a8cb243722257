"""``python -m deepseek_openai``: the same command line as ``deepseek-openai``."""

from __future__ import annotations

from ._cli import main

if __name__ == "__main__":
    raise SystemExit(main())
