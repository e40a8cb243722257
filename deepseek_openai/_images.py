"""Images as DeepSeek sees them: the type told from the bytes, the size, the pixels.

DeepSeek decides an image's type from its bytes, not from its file name or a ``data:`` URL's label
(files and vision guide, 2026-09-11), so the client does the same before anything is sent. Every
reader here looks at a few header bytes only: a ``data:`` URL is never decoded as a whole (its
size follows from its length, and a header read decodes only the base64 quartets it covers), so
checking a 30 MiB inline image costs microseconds and no copy.

:class:`ImageRef` reads one content part (chat ``image_url`` / ``file``, Responses
``input_image``) into the few facts the rules check; the rule table and the helpers share it.
"""

from __future__ import annotations

import binascii
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from ._catalogue import IMAGE_TYPES, VISION

_SIGNATURES: Final = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
    (b"BM", "image/bmp"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"\x00\x00\x01\x00", "image/x-icon"),
    (b"PK\x03\x04", "application/zip"),
)
_FTYP_BRANDS: Final = {
    b"heic": "image/heic",
    b"heix": "image/heic",
    b"mif1": "image/heif",
    b"avif": "image/avif",
}
_NAMES: Final = {
    "image/jpeg": "a JPEG image",
    "image/png": "a PNG image",
    "image/gif": "a GIF image",
    "image/webp": "a WebP image",
    "application/pdf": "a PDF document",
    "image/bmp": "a BMP image",
    "image/tiff": "a TIFF image",
    "image/x-icon": "an ICO icon",
    "application/zip": "a ZIP archive",
    "image/heic": "a HEIC image",
    "image/heif": "a HEIF image",
    "image/avif": "an AVIF image",
    "image/svg+xml": "an SVG drawing",
}
HEAD_BYTES: Final = 32
"""Bytes :func:`sniff` needs."""
_EXTENSIONS: Final = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}


def sniff(head: bytes) -> str | None:
    """The MIME type the first bytes of a file show (``None``: not a type this module knows).

    Knows DeepSeek's four image types and, to say what a wrong file is, a few common others.
    """
    for signature, mime in _SIGNATURES:
        if head.startswith(signature):
            return mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        return _FTYP_BRANDS.get(head[8:12])
    text = head.lstrip()[:5].lower()
    if text.startswith((b"<svg", b"<?xml")):
        return "image/svg+xml"
    return None


def describe(mime: str | None, size: int | None = None) -> str:
    """``"a PNG image"``, ``"a PDF document"``, ``"empty"``: what a file is, for messages."""
    if size == 0:
        return "empty"
    if mime is None:
        return "of a type that is not an image DeepSeek reads"
    return _NAMES.get(mime, mime)


def supported(mime: str | None) -> bool:
    return mime in IMAGE_TYPES


def extension(mime: str) -> str:
    """The usual file extension of one of DeepSeek's image types."""
    return _EXTENSIONS.get(mime, "bin")


# --------------------------------------------------------------------------------------------
# Pixel size from the header

Reader = Callable[[int, int], bytes]
"""``read(offset, length)``: up to ``length`` bytes of the image from ``offset`` (fewer at the end)."""

_JPEG_SOF: Final = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
_JPEG_MAX_SEGMENTS: Final = 512


def dimensions(read: Reader, mime: str | None) -> tuple[int, int] | None:
    """(width, height) in pixels from the header of a JPEG, PNG, GIF or WebP (``None``: unreadable)."""
    if mime == "image/png":
        head = read(12, 12)
        if head[:4] == b"IHDR" and len(head) == 12:
            return int.from_bytes(head[4:8], "big"), int.from_bytes(head[8:12], "big")
    elif mime == "image/gif":
        head = read(6, 4)
        if len(head) == 4:
            return int.from_bytes(head[:2], "little"), int.from_bytes(head[2:], "little")
    elif mime == "image/webp":
        return _webp_dimensions(read(12, 18))
    elif mime == "image/jpeg":
        return _jpeg_dimensions(read)
    return None


def _webp_dimensions(head: bytes) -> tuple[int, int] | None:
    chunk = head[:4]
    if chunk == b"VP8L" and len(head) >= 13 and head[8] == 0x2F:
        bits = int.from_bytes(head[9:13], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if len(head) < 18:
        return None
    if chunk == b"VP8 " and head[11:14] == b"\x9d\x01\x2a":
        width = int.from_bytes(head[14:16], "little") & 0x3FFF
        height = int.from_bytes(head[16:18], "little") & 0x3FFF
        return width, height
    if chunk == b"VP8X":
        return int.from_bytes(head[12:15], "little") + 1, int.from_bytes(head[15:18], "little") + 1
    return None


def _jpeg_dimensions(read: Reader) -> tuple[int, int] | None:
    """Walk the segments after SOI to the first start-of-frame marker (EXIF blocks are skipped)."""
    offset = 2
    for _ in range(_JPEG_MAX_SEGMENTS):
        head = read(offset, 9)
        if len(head) < 4 or head[0] != 0xFF:
            return None
        marker = head[1]
        if marker == 0xFF:  # fill byte
            offset += 1
            continue
        if marker in _JPEG_SOF:
            if len(head) < 9:
                return None
            return int.from_bytes(head[7:9], "big"), int.from_bytes(head[5:7], "big")
        if marker == 0xD8 or 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            offset += 2
            continue
        if marker == 0xD9:  # end of image before any frame
            return None
        offset += 2 + int.from_bytes(head[2:4], "big")
    return None


# --------------------------------------------------------------------------------------------
# Inline data (data: URLs and base64 file_data), read without decoding the whole payload

_WHITESPACE: Final = frozenset(" \t\r\n")
_SCAN: Final = 1024
"""Leading characters checked for line breaks (MIME-style base64 has them every 76 characters)."""


@dataclass(slots=True)
class Inline:
    """Base64 image bytes inside a string: a ``data:`` URL's payload, or a bare base64 ``file_data``."""

    text: str
    start: int
    """Where the base64 payload starts in :attr:`text`."""
    label: str | None
    """The MIME type a ``data:`` URL declares (DeepSeek reads the bytes instead)."""
    _flat: bytes | None = field(default=None, repr=False)
    """The decoded bytes, only for the rare payload with line breaks (random access does not work there)."""

    @property
    def chars(self) -> int:
        """Characters of the payload: what it adds to the request body (base64 is ASCII)."""
        return len(self.text) - self.start

    @property
    def size(self) -> int:
        """Decoded bytes, from the length alone."""
        if self._flat is not None:
            return len(self._flat)
        text, n = self.text, len(self.text)
        padding = 0
        while n - padding > self.start and text[n - padding - 1] == "=" and padding < 2:
            padding += 1
        return (n - self.start) * 3 // 4 - padding

    def read(self, offset: int, length: int) -> bytes:
        """Bytes ``offset .. offset + length`` of the image, decoding only the quartets they sit in."""
        if self._flat is not None:
            return self._flat[offset : offset + length]
        first = self.start + offset // 3 * 4
        last = min(self.start + -(-(offset + length) // 3) * 4, len(self.text))
        chunk = self.text[first:last]
        chunk += "=" * (-len(chunk) % 4)
        try:
            data = binascii.a2b_base64(chunk)
        except (binascii.Error, ValueError):
            return b""
        skip = offset % 3
        return data[skip : skip + length]

    @property
    def head(self) -> bytes:
        return self.read(0, HEAD_BYTES)


def inline(text: str, *, data_url: bool) -> Inline | None:
    """The base64 payload of a ``data:`` URL (``data_url=True``) or of bare base64 text.

    ``None`` when it is not base64 image data at all (a ``data:`` URL without ``;base64,``).
    """
    start, label = 0, None
    if data_url:
        comma = text.find(",", 5, 512)
        if comma < 0:
            return None
        header = text[5:comma]
        if not header.lower().endswith(";base64"):
            return None
        label = header[: -len(";base64")].split(";", 1)[0].strip().lower() or None
        start = comma + 1
    found = Inline(text, start, label)
    if not _WHITESPACE.isdisjoint(text[start : start + _SCAN]):
        try:
            found._flat = binascii.a2b_base64("".join(text[start:].split()))
        except (binascii.Error, ValueError):
            return None
    return found


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """What DeepSeek will see of an image: its type (from the bytes), size and pixel size."""

    mime: str | None
    """``image/png``, ... as the bytes say (``None``: no type this package knows)."""
    bytes: int
    width: int | None
    height: int | None

    @property
    def supported(self) -> bool:
        """One of the types DeepSeek reads (JPEG, PNG, GIF, WebP)."""
        return supported(self.mime)

    @property
    def description(self) -> str:
        """``"a PNG image"``, ``"a PDF document"``, ``"empty"``."""
        return describe(self.mime, self.bytes)

    @property
    def max_tokens(self) -> int:
        """The input tokens this image costs at most (the documents give a ceiling per image)."""
        return VISION.max_image_tokens


def inspect_bytes(data: bytes | bytearray | memoryview) -> ImageInfo:
    """The type, size and pixel size of image bytes."""
    view = memoryview(data)
    mime = sniff(bytes(view[:HEAD_BYTES]))
    dims = dimensions(lambda offset, length: bytes(view[offset : offset + length]), mime)
    return ImageInfo(mime, len(view), *(dims or (None, None)))


def inspect_inline(found: Inline) -> ImageInfo:
    mime = sniff(found.head)
    dims = dimensions(found.read, mime)
    return ImageInfo(mime, found.size, *(dims or (None, None)))


# --------------------------------------------------------------------------------------------
# One content part


IMAGE_PARTS: Final = frozenset({"image_url", "file", "input_image"})
"""The content-part types that carry an image: chat ``image_url`` and ``file``, Responses ``input_image``."""


@dataclass(slots=True)
class ImageRef:
    """The image a content part carries, as the rules check it.

    Exactly one of :attr:`url` (an https or other non-data URL), :attr:`inline` (a ``data:`` URL or
    ``file_data``) and :attr:`file_id` is set, unless :attr:`problem` says what is missing.
    """

    kind: str
    url: str | None = None
    """The URL as given (a ``data:`` URL too)."""
    file_id: str | None = None
    inline: Inline | None = None
    detail: Any = None
    """``detail`` as given (``None``: not given)."""
    problem: str | None = None
    """Why the part names no image (``"an image_url part without a url"``), else ``None``."""
    _info: ImageInfo | None = field(default=None, repr=False)

    @property
    def scheme(self) -> str | None:
        """``https``, ``data``, ``http``... of :attr:`url` (``None`` for a file part)."""
        if self.url is None:
            return None
        scheme, sep, _ = self.url[:16].partition(":")
        return scheme.lower() if sep else ""

    @property
    def info(self) -> ImageInfo | None:
        """Type, size and pixels of inline bytes (``None`` for a URL or a file id)."""
        if self._info is None and self.inline is not None:
            self._info = inspect_inline(self.inline)
        return self._info


def image_ref(part: Mapping[str, Any]) -> ImageRef | None:
    """The image of a content part (``None`` for a part that is not an image part)."""
    kind = part.get("type")
    if kind == "image_url":
        return _url_ref(kind, part.get("image_url"))
    if kind == "input_image":  # Responses: image_url is a string, file_id beside it
        file_id = part.get("file_id")
        if type(file_id) is str and part.get("image_url") is None:
            return ImageRef(kind, file_id=file_id, detail=part.get("detail"))
        ref = _url_ref(kind, part.get("image_url"))
        ref.detail = part.get("detail")
        if ref.problem is not None:
            ref.problem = "an input_image part with neither image_url nor file_id"
        return ref
    if kind == "file":
        return _file_ref(part.get("file"))
    return None


def _url_ref(kind: str, image: Any) -> ImageRef:
    detail = None
    if isinstance(image, Mapping):
        detail = image.get("detail")
        image = image.get("url")
    if type(image) is not str or not image:
        return ImageRef(kind, detail=detail, problem=f"an {kind} part without a url")
    ref = ImageRef(kind, url=image, detail=detail)
    if image[:5].lower() == "data:":
        ref.inline = inline(image, data_url=True)
    return ref


def _file_ref(file: Any) -> ImageRef:
    if not isinstance(file, Mapping):
        return ImageRef("file", problem="a file part without a file object ({'file_id': ...})")
    file_id, data = file.get("file_id"), file.get("file_data")
    if type(file_id) is str and file_id:
        return ImageRef("file", file_id=file_id)
    if type(data) is str and data:
        is_url = data[:5].lower() == "data:"
        return ImageRef("file", url=data if is_url else None, inline=inline(data, data_url=is_url))
    return ImageRef("file", problem="a file part with neither file_id nor file_data")


# --------------------------------------------------------------------------------------------
# The file of an upload (POST /files)


@dataclass(frozen=True, slots=True)
class Upload:
    """The file of a ``POST /files`` request as the rules see it, read without consuming it."""

    filename: str
    """The name the form will carry (httpx sends ``upload`` for bare bytes)."""
    size: int | None
    """Bytes to upload (``None``: a stream that cannot tell without being read)."""
    head: bytes | None
    """Its first bytes (``None``: a stream that cannot be read twice)."""

    @property
    def mime(self) -> str | None:
        return sniff(self.head) if self.head is not None else None

    @property
    def description(self) -> str:
        return describe(self.mime, self.size)


def read_upload(value: object) -> Upload:
    """An :class:`Upload` from a multipart file value: bytes, a file object, or a
    ``(filename, content, ...)`` tuple. File objects are read at their position and put back."""
    filename: object = None
    content = value
    if isinstance(value, tuple) and value:
        filename, content = value[0], value[1] if len(value) > 1 else b""
    if isinstance(content, str):
        content = content.encode()
    if isinstance(content, bytes | bytearray | memoryview):
        data = memoryview(content)
        name = filename if isinstance(filename, str) else "upload"
        return Upload(name, len(data), bytes(data[:HEAD_BYTES]))
    if not isinstance(filename, str):
        filename = _base_name(getattr(content, "name", None))
    return Upload(str(filename), *_peek(content))


def _base_name(name: object) -> str:
    if not isinstance(name, str) or not name:
        return "upload"
    return name.replace("\\", "/").rsplit("/", 1)[-1]


def _peek(stream: Any) -> tuple[int | None, bytes | None]:
    """(size, head) of a seekable file object, leaving it where it was; (None, None) otherwise."""
    try:
        if not stream.seekable():
            return None, None
        position = stream.tell()
        head = stream.read(HEAD_BYTES)
        end = stream.seek(0, 2)
        stream.seek(position)
    except (AttributeError, OSError, ValueError):
        return None, None
    if not isinstance(head, bytes) or not isinstance(end, int) or not isinstance(position, int):
        return None, None
    return end - position, head
