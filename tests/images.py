"""Small images made in the test, so no binary fixture is needed: a real PNG, and header-true JPEG, GIF
and WebP files (DeepSeek tells the type from the bytes; nothing here decodes pixels)."""

from __future__ import annotations

import base64
import struct
import zlib
from typing import Any

from openai.types.chat import ChatCompletionContentPartParam, ChatCompletionMessageParam


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int = 2, height: int = 2, *, pad: int = 0) -> bytes:
    """A valid RGB PNG of black pixels (``pad`` extra bytes in an ancillary chunk, to reach a size)."""
    rows = b"".join(b"\x00" + b"\x00\x00\x00" * width for _ in range(height))
    header = _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    padding = _chunk(b"teXt", b"pad\x00" + b"x" * pad) if pad else b""
    return (
        b"\x89PNG\r\n\x1a\n" + header + padding + _chunk(b"IDAT", zlib.compress(rows)) + _chunk(b"IEND", b"")
    )


def jpeg(width: int = 4, height: int = 3) -> bytes:
    """SOI, a JFIF APP0 segment, a baseline SOF0 frame header with the size, EOI."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


def gif(width: int = 5, height: int = 4) -> bytes:
    return b"GIF89a" + struct.pack("<HH", width, height) + b"\x00\x00\x00;"


def webp(width: int = 6, height: int = 7) -> bytes:
    """A RIFF WEBP container with a VP8X header (canvas size minus one, 24 bits each)."""
    vp8x = b"VP8X" + struct.pack("<I", 10) + b"\x00\x00\x00\x00"
    vp8x += (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    return b"RIFF" + struct.pack("<I", 4 + len(vp8x)) + b"WEBP" + vp8x


PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def data_url(data: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")


def image_url(url: str, **extra: Any) -> ChatCompletionContentPartParam:
    return {"type": "image_url", "image_url": {"url": url, **extra}}  # type: ignore[typeddict-item]


def file_part(file_id: str) -> ChatCompletionContentPartParam:
    return {"type": "file", "file": {"file_id": file_id}}


def ask(
    *parts: ChatCompletionContentPartParam, text: str = "What is this?"
) -> list[ChatCompletionMessageParam]:
    """One user message with a question and the given parts."""
    return [{"role": "user", "content": [{"type": "text", "text": text}, *parts]}]
