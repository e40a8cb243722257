"""The one way this package hides a secret: ``****abcd``, as DeepSeek's own messages do.

Used by the client (repr, errors, bodies the server echoes), the CLI and the emulator's
recordings, so a key is masked the same way wherever it could surface.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_SHOWN = 4
"""Trailing characters kept: enough to tell two keys apart, never enough to use one."""
_MIN_SHOWN_LENGTH = 12
"""Shorter secrets are masked whole (four characters of an eight-character key are half of it)."""


def mask(secret: str | None) -> str:
    """``****abcd`` for a key longer than 12 characters, ``****`` for a shorter one, ``<none>`` for none."""
    if not secret:
        return "<none>"
    return "****" + secret[-_SHOWN:] if len(secret) > _MIN_SHOWN_LENGTH else "****"


def mask_header(value: str) -> str:
    """An ``Authorization``-style header value with its credential masked: ``Bearer ****abcd``."""
    scheme, _, token = value.partition(" ")
    if not token:
        return mask(scheme)
    return f"{scheme} {mask(token)}"


def redact(value: Any, secret: str | None) -> Any:
    """``value`` with every occurrence of ``secret`` masked, in strings at any depth of dicts and lists."""
    if not secret or len(secret) < _SHOWN:
        return value
    return _redact(value, secret, mask(secret))


def _redact(value: Any, secret: str, masked: str) -> Any:
    if isinstance(value, str):
        return value.replace(secret, masked) if secret in value else value
    if isinstance(value, bytes | bytearray):
        raw = secret.encode()
        return bytes(value).replace(raw, masked.encode()) if raw in value else value
    if isinstance(value, Mapping):
        return {_redact(k, secret, masked): _redact(v, secret, masked) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_redact(v, secret, masked) for v in value)
    return value
