"""Sample images for tests and demos, made on the spot (no binary files, no imaging library)."""

from __future__ import annotations

import struct
import zlib

__all__ = ["sample_png"]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def sample_png(width: int = 64, height: int = 48, rgb: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    """A valid PNG of one colour, ``width`` x ``height`` pixels: something to upload or ask about."""
    if not (0 < width <= 16_384 and 0 < height <= 16_384):
        raise ValueError("width and height must be 1..16384 pixels")
    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(row * height)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", pixels) + _chunk(b"IEND", b"")
