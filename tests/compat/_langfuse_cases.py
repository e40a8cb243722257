"""The tracing cases with langfuse's openai patch; run by test_langfuse.py in a child process only."""

from __future__ import annotations

import pytest

pytest.importorskip("langfuse")

from .test_tracing import *  # noqa: F403 (the same cases, with COMPAT_TRACER=langfuse)
