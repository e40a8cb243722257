"""The one way this package hides a secret: ``****abcd``, as DeepSeek's own messages do.

Used by the client (repr, errors, bodies the server echoes, pickled exceptions), the CLI and the
emulator's recordings, so a key is masked the same way wherever it could surface.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final
from urllib.parse import urlsplit, urlunsplit

_SHOWN = 4
"""Trailing characters kept: enough to tell two keys apart, never enough to use one."""
_MIN_SHOWN_LENGTH = 12
"""Shorter secrets are masked whole (four characters of an eight-character key are half of it)."""

SECRET_HEADERS: Final = frozenset(
    {"authorization", "proxy-authorization", "api-key", "x-api-key", "cookie", "set-cookie"}
)
"""Header names whose values are credentials (masked wherever headers are shown or kept)."""


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


def header_secret(value: str) -> str:
    """The credential in an ``Authorization``-style header value (``Bearer sk-...`` -> ``sk-...``)."""
    scheme, _, token = value.partition(" ")
    return token.strip() or scheme.strip()


def url_credentials(url: object) -> tuple[str, ...]:
    """The user name and password embedded in a URL (``https://user:secret@host``), if any."""
    try:
        parts = urlsplit(str(url))
    except ValueError:
        return ()
    return tuple(s for s in (parts.username, parts.password) if s)


def mask_url(url: object) -> str:
    """``url`` with any ``user:password@`` part replaced by ``****@`` (both halves can be secrets)."""
    text = str(url)
    try:
        parts = urlsplit(text)
    except ValueError:
        return text
    if "@" not in parts.netloc:
        return text
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"****@{host}"))


def redact(value: Any, secret: str | None) -> Any:
    """``value`` with every occurrence of ``secret`` masked, in strings at any depth of dicts and lists."""
    if not secret or len(secret) < _SHOWN:
        return value
    return _redact(value, secret, mask(secret))


def redact_all(value: Any, secrets: Iterable[str | None]) -> Any:
    """:func:`redact` for several secrets (a key and URL credentials, say)."""
    for secret in secrets:
        value = redact(value, secret)
    return value


def _redact(value: Any, secret: str, masked: str) -> Any:
    if isinstance(value, str):
        return value.replace(secret, masked) if secret in value else value
    if isinstance(value, bytes | bytearray):
        raw = secret.encode()
        return bytes(value).replace(raw, masked.encode()) if raw in value else value
    if isinstance(value, Mapping):
        return {_redact(k, secret, masked): _redact(v, secret, masked) for k, v in value.items()}
    if isinstance(value, list | tuple):
        items = [_redact(v, secret, masked) for v in value]
        return items if type(value) is list else tuple(items)
    return value
