"""The emulator's Files API and its reading of images: uploads, the per-key file store, image bytes.

Facts from ../shared/deepseek-api.md section 13 (files and vision guide, 2026-09-11), kept here on
purpose instead of imported from the client's catalogue (see ``_models``). Where the documents
are silent, the emulator's choices are:

* 400 for a malformed form, a missing or wrong ``purpose``, a file that is not JPEG/PNG/GIF/WebP (told
  from the bytes), over 64 MiB, a file name over 512 characters, a full store (10,000 files or 25 GiB
  per key); 422 for values out of range (``expires_after[seconds]``, list ``limit`` and ``order``).
* 404 ``No such file`` for an id that does not exist, has expired, was deleted, or belongs to another
  key (a key never learns about another key's files).
* Lists are newest first unless ``order=asc``; ``limit`` defaults to 1,000 (the maximum); an ``after``
  id the key does not have is a 400.
* Ids are ``file-api-`` plus 24 characters, a stable sequence per emulator state.

Image tokens: an image is scaled to fit about 1300x1300 pixels of area (512x512 with
``detail: low``) and costs that area over 1300x1300 times 1,024 tokens, rounded up, at least one;
an image whose size the emulator cannot see (an https URL, never fetched) costs the documented
ceiling of 1,024.
"""

from __future__ import annotations

import binascii
import hashlib
import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._errors import MIB, ApiError, bad_request, invalid_parameter, status_error

__all__ = [
    "FileStore",
    "ImageBytes",
    "StoredFile",
    "decode_inline",
    "image_tokens",
    "parse_multipart",
    "read_image",
]

IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
PURPOSE = "user_data"
MAX_FILE_BYTES = 64 * MIB
MAX_FILENAME = 512
EXPIRES_ANCHOR = "created_at"
EXPIRES_SECONDS = (3_600, 2_592_000)
MAX_FILES = 10_000
MAX_STORAGE_BYTES = 25 * 1024 * MIB
LIST_LIMIT = (1, 1_000)
ID_PREFIX = "file-api-"

MAX_IMAGE_TOKENS = 1_024
RESIZED_SIDE = 1_300
LOW_DETAIL_SIDE = 512

_ID_CHARS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


# --------------------------------------------------------------------------------------------
# Image bytes


@dataclass(frozen=True, slots=True)
class ImageBytes:
    """What the server reads from image bytes: the type from the magic bytes, the size, the pixels."""

    mime: str | None
    size: int
    width: int | None
    height: int | None

    @property
    def side(self) -> int:
        """The longer side in pixels (0 when unreadable)."""
        return max(self.width or 0, self.height or 0)

    def describe(self) -> str:
        """``image/png 640x480, 1234 bytes``: what a reply says it received."""
        pixels = f" {self.width}x{self.height}" if self.width is not None else ""
        return f"{self.mime}{pixels}, {self.size} bytes"


def _mime(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _pixels(data: bytes, mime: str | None) -> tuple[int, int] | None:
    if mime == "image/png" and data[12:16] == b"IHDR" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if mime == "image/gif" and len(data) >= 10:
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    if mime == "image/webp":
        return _webp_pixels(data)
    if mime == "image/jpeg":
        return _jpeg_pixels(data)
    return None


def _webp_pixels(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a" and len(data) >= 30:
        return int.from_bytes(data[26:28], "little") & 0x3FFF, int.from_bytes(data[28:30], "little") & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X" and len(data) >= 30:
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    return None


def _jpeg_pixels(data: bytes) -> tuple[int, int] | None:
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:
            at += 1
        elif 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if at + 9 > len(data):
                return None
            return int.from_bytes(data[at + 7 : at + 9], "big"), int.from_bytes(data[at + 5 : at + 7], "big")
        elif marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            at += 2
        else:
            at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
    return None


def read_image(data: bytes) -> ImageBytes:
    mime = _mime(data)
    pixels = _pixels(data, mime)
    return ImageBytes(mime, len(data), *(pixels or (None, None)))


def decode_inline(text: str) -> bytes | None:
    """The bytes of a base64 ``data:`` URL or of bare base64 ``file_data`` (``None``: not base64)."""
    if text[:5].lower() == "data:":
        header, comma, payload = text.partition(",")
        if not comma or not header.lower().endswith(";base64"):
            return None
        text = payload
    try:
        return binascii.a2b_base64("".join(text.split()) if "\n" in text[:1024] else text)
    except (binascii.Error, ValueError):
        return None


def image_tokens(image: ImageBytes | None, detail: str | None) -> int:
    """Prompt tokens of one image (see the module docstring)."""
    if image is None or image.width is None or image.height is None:
        return MAX_IMAGE_TOKENS
    side = LOW_DETAIL_SIDE if detail == "low" else RESIZED_SIDE
    area = min(image.width * image.height, side * side)
    return max(1, min(MAX_IMAGE_TOKENS, math.ceil(area * MAX_IMAGE_TOKENS / (RESIZED_SIDE * RESIZED_SIDE))))


# --------------------------------------------------------------------------------------------
# multipart/form-data


@dataclass(frozen=True, slots=True)
class FormFile:
    filename: str
    content: bytes


def _disposition(header: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for piece in header.split(";")[1:]:
        key, eq, value = piece.strip().partition("=")
        if eq:
            params[key.lower()] = value.strip().strip('"')
    return params


def parse_multipart(content_type: str, raw: bytes) -> tuple[dict[str, str], dict[str, FormFile]] | None:
    """The text fields and the files of a multipart/form-data body (``None``: not such a body)."""
    kind, _, params = content_type.partition(";")
    if kind.strip().lower() != "multipart/form-data":
        return None
    boundary = _disposition(";" + params).get("boundary")
    if not boundary:
        return None
    delimiter = b"--" + boundary.encode("latin-1")
    fields: dict[str, str] = {}
    files: dict[str, FormFile] = {}
    start = raw.find(delimiter)
    if start < 0:
        return None
    while True:
        start += len(delimiter)
        if raw[start : start + 2] == b"--":
            return fields, files
        end = raw.find(b"\r\n" + delimiter, start)
        if end < 0:
            return None
        head_end = raw.find(b"\r\n\r\n", start, end)
        if head_end < 0:
            return None
        headers = raw[start:head_end].decode("utf-8", "replace").split("\r\n")
        content = raw[head_end + 4 : end]
        disposition = next((h for h in headers if h.lower().startswith("content-disposition:")), "")
        params_of = _disposition(disposition)
        name = params_of.get("name")
        if name is not None:
            if "filename" in params_of:
                files[name] = FormFile(params_of["filename"], content)
            else:
                fields[name] = content.decode("utf-8", "replace")
        start = end + 2


# --------------------------------------------------------------------------------------------
# The store


@dataclass(frozen=True, slots=True)
class StoredFile:
    id: str
    owner: str
    filename: str
    image: ImageBytes
    created_at: int
    expires_at: int | None
    sequence: int

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "object": "file",
            "bytes": self.image.size,
            "created_at": self.created_at,
            "filename": self.filename,
            "purpose": PURPOSE,
        }
        if self.expires_at is not None:
            out["expires_at"] = self.expires_at
        return out


def no_such_file(file_id: str) -> ApiError:
    return status_error(404, f"No such file: {file_id}")


@dataclass
class FileStore:
    """Every key's files, thread-safe. Time is ``time.time()`` plus :attr:`offset` (tests move it)."""

    max_files: int = MAX_FILES
    max_storage_bytes: int = MAX_STORAGE_BYTES
    offset: float = 0.0
    _files: dict[str, StoredFile] = field(default_factory=dict)
    _sequence: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def now(self) -> int:
        return int(time.time() + self.offset)

    def clear(self) -> None:
        with self._lock:
            self._files.clear()
            self._sequence = 0
            self.offset = 0.0

    def _live(self, owner: str) -> list[StoredFile]:
        now = self.now()
        return [
            f
            for f in self._files.values()
            if f.owner == owner and (f.expires_at is None or f.expires_at > now)
        ]

    def get(self, owner: str, file_id: str) -> StoredFile | None:
        """The key's file, unless it expired, was deleted or is another key's."""
        with self._lock:
            found = self._files.get(file_id)
        if found is None or found.owner != owner:
            return None
        if found.expires_at is not None and found.expires_at <= self.now():
            return None
        return found

    def ids(self, owner: str) -> list[str]:
        with self._lock:
            return [f.id for f in sorted(self._live(owner), key=lambda f: f.sequence)]

    def lookup(self, owner: str) -> Callable[[str], StoredFile | None]:
        return lambda file_id: self.get(owner, file_id)

    def add(
        self, owner: str, filename: str, image: ImageBytes, expires_in: int | None
    ) -> StoredFile | ApiError:
        with self._lock:
            live = self._live(owner)
            if len(live) >= self.max_files:
                return bad_request(f"File limit reached: at most {self.max_files} files per user")
            if sum(f.image.size for f in live) + image.size > self.max_storage_bytes:
                gib = self.max_storage_bytes // (1024 * MIB)
                return bad_request(f"Storage limit reached: at most {gib} GiB of files per user")
            self._sequence += 1
            digest = hashlib.sha256(f"{owner}:{self._sequence}".encode()).digest()
            number = int.from_bytes(digest[:18], "big")
            chars = []
            for _ in range(24):
                number, rest = divmod(number, len(_ID_CHARS))
                chars.append(_ID_CHARS[rest])
            created = self.now()
            stored = StoredFile(
                ID_PREFIX + "".join(chars),
                owner,
                filename,
                image,
                created,
                created + expires_in if expires_in is not None else None,
                self._sequence,
            )
            self._files[stored.id] = stored
            return stored

    def delete(self, owner: str, file_id: str) -> bool:
        if self.get(owner, file_id) is None:
            return False
        with self._lock:
            return self._files.pop(file_id, None) is not None

    def page(self, owner: str, query: Mapping[str, str]) -> dict[str, Any] | ApiError:
        """``GET /files``: one page, with ``after``, ``limit``, ``order`` and ``purpose``."""
        raw_limit = query.get("limit")
        limit = LIST_LIMIT[1]
        if raw_limit is not None:
            if not raw_limit.isdigit() or not LIST_LIMIT[0] <= int(raw_limit) <= LIST_LIMIT[1]:
                return invalid_parameter(
                    f"Invalid limit value, the valid range of limit is [{LIST_LIMIT[0]}, {LIST_LIMIT[1]}]"
                )
            limit = int(raw_limit)
        order = query.get("order", "desc")
        if order not in ("asc", "desc"):
            return invalid_parameter("Invalid order value, the valid values of order are asc and desc")
        with self._lock:
            files = sorted(
                self._live(owner), key=lambda f: (f.created_at, f.sequence), reverse=order == "desc"
            )
        purpose = query.get("purpose")
        if purpose is not None and purpose != PURPOSE:
            files = []
        after = query.get("after")
        if after is not None:
            index = next((k for k, f in enumerate(files) if f.id == after), None)
            if index is None:
                return bad_request(f"Invalid after value: no such file {after}")
            files = files[index + 1 :]
        data = [f.body() for f in files[:limit]]
        return {
            "object": "list",
            "data": data,
            "first_id": data[0]["id"] if data else None,
            "last_id": data[-1]["id"] if data else None,
            "has_more": len(files) > limit,
        }


def parse_upload(content_type: str, raw: bytes) -> tuple[str, ImageBytes, int | None] | ApiError:
    """Validate a ``POST /files`` form: (filename, image, expires_in seconds or None) or the error."""
    form = parse_multipart(content_type, raw)
    if form is None:
        return bad_request("Failed to parse the request body as multipart/form-data")
    fields, files = form
    purpose = fields.get("purpose")
    if purpose is None:
        return bad_request("Missing required field: purpose")
    if purpose != PURPOSE:
        return bad_request(f"Invalid purpose: {purpose}. The only supported purpose is {PURPOSE}")
    upload = files.get("file")
    if upload is None:
        return bad_request("Missing required field: file")
    if len(upload.filename) > MAX_FILENAME:
        return bad_request(f"The file name is too long: at most {MAX_FILENAME} characters")
    if len(upload.content) > MAX_FILE_BYTES:
        return bad_request(f"The file is too large: at most {MAX_FILE_BYTES // MIB} MiB")
    image = read_image(upload.content)
    if image.mime not in IMAGE_TYPES:
        return bad_request("Unsupported file type: only JPEG, PNG, GIF and WebP images are supported")
    anchor = fields.get("expires_after[anchor]")
    seconds = fields.get("expires_after[seconds]")
    if anchor is None and seconds is None:
        return upload.filename, image, None
    if anchor != EXPIRES_ANCHOR or seconds is None:
        return bad_request(
            "Invalid expires_after: expires_after[anchor] must be created_at, with expires_after[seconds]"
        )
    low, high = EXPIRES_SECONDS
    if not seconds.isdigit() or not low <= int(seconds) <= high:
        return invalid_parameter(
            "Invalid expires_after[seconds] value, the valid range of expires_after[seconds] is "
            f"[{low}, {high}]"
        )
    return upload.filename, image, int(seconds)
