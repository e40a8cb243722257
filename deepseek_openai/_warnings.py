"""Warnings that point at the user's line, not at openai, wrapt or this package."""

from __future__ import annotations

import os
import sys
import warnings

import openai
import wrapt

_LIBRARY_DIRS = tuple(
    os.path.dirname(os.path.abspath(path)) + os.sep for path in (openai.__file__, wrapt.__file__, __file__)
)
"""Frames under these directories are library code (``os.sep``-joined, so Windows paths match too)."""


def caller_stacklevel() -> int:
    """The ``stacklevel`` of the first frame outside openai, wrapt and this package (the caller's line)."""
    frame = sys._getframe(1)
    level = 1
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_LIBRARY_DIRS):
        frame = frame.f_back
        level += 1
    return level


def warn(message: str, category: type[Warning]) -> None:
    """Emit ``message`` attributed to the caller's own line."""
    warnings.warn(message, category, stacklevel=caller_stacklevel())
