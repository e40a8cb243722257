"""``python -m deepseek_openai.testing``: run the emulator from the command line."""

from ._cli import main

raise SystemExit(main())
