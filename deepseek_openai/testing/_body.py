"""Request bodies decoded the way DeepSeek's server decodes them, hostile ones included.

Python's ``json`` is more lenient than the server's parser (serde_json behind axum): it takes ``NaN``
and ``Infinity``, lone surrogate escapes (``"\\ud800"``, a string no UTF-8 can hold, which then fails
wherever it is encoded) and nesting limited only by the interpreter's stack (a ``RecursionError``).
The server answers all of those with a 400 before it looks at the request, so the emulator does
too: :func:`decode` returns the parsed body, or the reason it is not JSON in serde's words
(``recursion limit exceeded``, ``lone leading surrogate in hex escape``...). Every route gets this,
since it runs in the shared request path, before any handler.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

__all__ = ["MAX_DEPTH", "NOT_JSON", "decode", "parse_error_message"]

MAX_DEPTH: Final = 127
"""The deepest nesting serde_json parses: its recursion limit of 128 refuses the 128th level (its own
test: 127 brackets parse, 128 give "recursion limit exceeded")."""

NOT_JSON: Final = object()
"""What :func:`decode` returns as the body when there is a body and it is not JSON."""

_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
"""A ``\\uD800``-``\\uDFFF`` escape: only a body with one can decode to a lone surrogate."""


class _Constant(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _Constant(name)


def decode(raw: bytes) -> tuple[Any, str | None]:
    """``(body, None)`` for JSON (``None`` for no body), ``(NOT_JSON, why)`` for anything else."""
    if not raw:
        return None, None
    try:
        value = json.loads(raw, parse_constant=_refuse_constant)
    except _Constant as exc:
        return NOT_JSON, f"expected value ({exc} is not JSON)"
    except json.JSONDecodeError as exc:
        return NOT_JSON, f"{exc.msg} at line {exc.lineno} column {exc.colno}"
    except UnicodeDecodeError:
        return NOT_JSON, "invalid UTF-8"
    except RecursionError:
        return NOT_JSON, "recursion limit exceeded"
    except ValueError:  # an integer literal of thousands of digits
        return NOT_JSON, "number out of range"
    if type(value) in _CONTAINERS:
        if not _within_depth(value):
            return NOT_JSON, "recursion limit exceeded"
        if _SURROGATE_ESCAPE.search(raw) is not None and not _valid_text(value):
            return NOT_JSON, "lone leading surrogate in hex escape"
    return value, None


_CONTAINERS: Final = {dict, list}


def _within_depth(value: Any) -> bool:
    """Nesting at most MAX_DEPTH, checked level by level (no recursion, C-speed inner loop)."""
    level = [value]
    for _ in range(MAX_DEPTH):
        below: list[Any] = []
        for node in level:
            below += [v for v in (node.values() if type(node) is dict else node) if type(v) in _CONTAINERS]
        if not below:
            return True
        level = below
    return False


def _valid_text(value: Any) -> bool:
    """No string or key holds a lone surrogate (only run when the raw body has a surrogate escape)."""
    stack = [value]
    while stack:
        node = stack.pop()
        if type(node) is dict:
            if not all(_utf8(k) for k in node):
                return False
            stack.extend(node.values())
        elif type(node) is list:
            stack.extend(node)
        elif type(node) is str and not _utf8(node):
            return False
    return True


def _utf8(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse_error_message(problem: str) -> str:
    """The 400 message for a body that is not JSON (axum's wording for a JSON syntax error)."""
    return f"Failed to parse the request body as JSON: {problem}"
