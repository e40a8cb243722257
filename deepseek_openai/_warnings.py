"""Warnings that point at the user's line, not at openai, wrapt or this package, and come once per line.

Python's own "once per location" (the ``default`` action) forgets what it has shown whenever any
code touches the warning filters, and pydantic does so each time it builds a model type, which
openai's lazily built types do during a program's first requests. So for the ``default`` action
this module keeps its own record of (message, category, file, line) and shows each once; every
other action (``always``, ``error``, ``ignore``, ``once``, ``module``, and ``catch_warnings`` in
tests) is left to :mod:`warnings` untouched.
"""

from __future__ import annotations

import os
import sys
import warnings
from types import FrameType

import openai
import wrapt

_LIBRARY_DIRS = tuple(
    os.path.dirname(os.path.abspath(path)) + os.sep for path in (openai.__file__, wrapt.__file__, __file__)
)
"""Frames under these directories are library code (``os.sep``-joined, so Windows paths match too)."""

_SHOWN: set[tuple[str, type[Warning], str, int]] = set()
_SHOWN_LIMIT = 4096
"""Call sites remembered; past this the record starts afresh (a warning may then show once more)."""


def _caller(start: FrameType) -> tuple[int, FrameType]:
    """The ``stacklevel`` and frame of the first frame outside openai, wrapt and this package."""
    frame = start
    level = 1
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_LIBRARY_DIRS):
        frame = frame.f_back
        level += 1
    return level, frame


def caller_stacklevel() -> int:
    """The ``stacklevel`` of the first frame outside openai, wrapt and this package (the caller's line)."""
    return _caller(sys._getframe(1))[0]


def _action(message: str, category: type[Warning], module: str, lineno: int) -> str:
    """The action the warning filters give this warning (the lookup :func:`warnings.warn_explicit` does)."""
    for action, text, kind, mod, line in warnings.filters:
        if (
            (text is None or text.match(message))
            and issubclass(category, kind)
            and (mod is None or mod.match(module))
            and line in (0, lineno)
        ):
            return str(action)
    return str(getattr(warnings, "defaultaction", "default"))


def warn(message: str, category: type[Warning]) -> None:
    """Emit ``message`` attributed to the caller's own line; with the ``default`` action, once per line."""
    level, frame = _caller(sys._getframe(0))  # level 1 is this function, as warnings.warn counts
    lineno = frame.f_lineno
    if _action(message, category, str(frame.f_globals.get("__name__", "")), lineno) == "default":
        site = (message, category, frame.f_code.co_filename, lineno)
        if site in _SHOWN:
            return
        if len(_SHOWN) >= _SHOWN_LIMIT:
            _SHOWN.clear()
        _SHOWN.add(site)
    warnings.warn(message, category, stacklevel=level)
