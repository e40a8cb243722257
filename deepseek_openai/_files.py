"""Pictures for DeepSeek: a path, bytes or URL turned into an image part, and one call to ask about it.

DeepSeek takes images on vision models (``deepseek-flash``) in user messages, inline as a ``data:``
URL of at most 32 MiB, as an https URL it fetches itself, or as the id of a file uploaded to
``/files`` (up to 64 MiB); JPEG, PNG, GIF and WebP only, told from the bytes (files and vision
guide, 2026-09-11). :func:`image_part` picks the form: local bytes go inline with the type their
bytes show, or are uploaded when asked (``upload=True``) or when they are too large to inline (a
client is needed then). :func:`ask_image` asks one question about one picture and deletes the
file it had to upload once the answer is in.

Sync and async are separate functions (``image_part`` / ``aimage_part``, ``ask_image`` /
``aask_image``), as for the other helpers.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from openai.types.chat import ChatCompletion, ChatCompletionContentPartParam

from ._catalogue import FILES, FILES_PAGE, MIB, VISION
from ._client import AsyncDeepSeek, DeepSeek, require_async, require_sync
from ._errors import (
    DeepSeekAPIError,
    DeepSeekCompatibilityWarning,
    DeepSeekRequestError,
    UnsupportedFeatureError,
)
from ._images import ImageInfo, extension, inspect_bytes
from ._warnings import warn

ImageSource = str | os.PathLike[str] | bytes | bytearray | memoryview
"""A picture: a local path, its bytes, or an https / ``data:`` URL."""
Detail = Literal["low", "high", "original", "auto"]

_WHY_UPLOAD = "it uploads the image to DeepSeek's Files API with that client"
_HELPER_EXPIRY: dict[str, Any] = {"anchor": "created_at", "seconds": FILES.min_expires_seconds}
"""What :func:`ask_image` gives the files it uploads: it deletes them itself, and this is the net."""


@dataclass(frozen=True, slots=True)
class _Local:
    """Image bytes read from a path or given, checked, with the name to upload them under."""

    data: bytes | bytearray | memoryview
    info: ImageInfo
    filename: str


def inspect_image(source: str | os.PathLike[str] | bytes | bytearray | memoryview) -> ImageInfo:
    """The type (from the bytes), size and pixel size of a local image, as DeepSeek will see it.

    ``ImageInfo.max_tokens`` is the most input tokens it can cost (1,024 an image).
    """
    return inspect_bytes(_read(source)[0])


def _read(source: ImageSource) -> tuple[bytes | bytearray | memoryview, str | None]:
    if isinstance(source, bytes | bytearray | memoryview):
        return source, None
    path = Path(source)
    return path.read_bytes(), path.name


def _url(source: ImageSource) -> str | None:
    """``source`` itself when it is a URL DeepSeek takes; refuses other URLs; ``None`` for a path."""
    if not isinstance(source, str):
        return None
    scheme, sep, _ = source[:16].partition(":")
    scheme = scheme.lower()
    if scheme in VISION.url_schemes:
        return source
    if sep and scheme in ("http", "ftp", "file", "s3", "gs"):
        raise DeepSeekRequestError(
            f"the image URL {source[:80]!r} is a {scheme}: URL",
            why=f"DeepSeek fetches only https image URLs (within {VISION.url_fetch_seconds} s) and reads "
            "data: URLs",
            fix="use an https URL, or pass the image's local path or bytes (they are sent inline)",
            source=FILES_PAGE,
            param="image",
        )
    return None


def _local(source: ImageSource, filename: str | None) -> _Local:
    data, name = _read(source)
    info = inspect_bytes(data)
    shown = filename or name
    label = f"the image {shown!r}" if shown else "the image"
    if not info.supported:
        raise UnsupportedFeatureError(
            f"{label} is {info.description}",
            why="DeepSeek reads JPEG, PNG, GIF and WebP images only, told from the bytes",
            fix="convert it to PNG or JPEG first (e.g. Pillow: Image.open(path).save('image.png'))",
            source=FILES_PAGE,
            param="image",
        )
    if info.bytes > FILES.max_file_bytes:
        raise DeepSeekRequestError(
            f"{label} is {info.bytes / MIB:.1f} MiB",
            why=f"DeepSeek takes images of at most {FILES.max_file_bytes // MIB} MiB (uploaded) or "
            f"{VISION.max_inline_bytes // MIB} MiB (inline)",
            fix="scale it down or save it compressed (JPEG or WebP)",
            source=FILES_PAGE,
            param="image",
        )
    side = max(info.width or 0, info.height or 0)
    if side > VISION.max_side:
        raise DeepSeekRequestError(
            f"{label} is {info.width} x {info.height} pixels",
            why=f"DeepSeek takes images of at most {VISION.max_side} pixels a side",
            fix="scale it down first (each image is resized to about "
            f"{VISION.resized_side}x{VISION.resized_side} anyway)",
            source=FILES_PAGE,
            param="image",
        )
    assert info.mime is not None
    return _Local(data, info, shown or f"image.{extension(info.mime)}")


def _must_upload(local: _Local, upload: bool | None, has_client: bool) -> bool:
    fits = local.info.bytes <= VISION.max_inline_bytes
    if upload is None:
        upload = not fits
    if upload and not has_client:
        raise DeepSeekRequestError(
            f"the image {local.filename!r} ({local.info.bytes / MIB:.1f} MiB) must be uploaded"
            + ("" if fits else f": inline images may be at most {VISION.max_inline_bytes // MIB} MiB"),
            why="an image sent by file id is uploaded to DeepSeek's Files API first, which needs a client",
            fix="pass client=get_client() (the file is uploaded with purpose 'user_data')",
            source=FILES_PAGE,
            param="client",
        )
    if not upload and not fits:
        raise DeepSeekRequestError(
            f"the image {local.filename!r} is {local.info.bytes / MIB:.1f} MiB",
            why=f"DeepSeek takes inline images of at most {VISION.max_inline_bytes // MIB} MiB; uploaded "
            f"ones up to {FILES.max_file_bytes // MIB} MiB",
            fix="pass upload=True (or leave upload out) with client=...",
            source=FILES_PAGE,
            param="upload",
        )
    return upload


def _url_part(url: str, detail: Detail | None) -> ChatCompletionContentPartParam:
    image: dict[str, Any] = {"url": url}
    if detail is not None:
        image["detail"] = detail
    return {"type": "image_url", "image_url": image}  # type: ignore[typeddict-item]  # DeepSeek's details


def _inline_part(local: _Local, detail: Detail | None) -> ChatCompletionContentPartParam:
    encoded = base64.b64encode(local.data).decode("ascii")
    return _url_part(f"data:{local.info.mime};base64,{encoded}", detail)


def _file_part(file_id: str, detail: Detail | None) -> ChatCompletionContentPartParam:
    if detail is not None:
        warn(
            f"detail={detail!r} was dropped: the image is sent as an uploaded file, and file parts carry "
            "no detail (pass upload=False to keep it inline)",
            DeepSeekCompatibilityWarning,
        )
    return {"type": "file", "file": {"file_id": file_id}}


def _upload_kwargs(local: _Local, expires_after: Mapping[str, Any] | None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "file": (local.filename, bytes(local.data), local.info.mime),
        "purpose": FILES.purposes[0],
    }
    if expires_after is not None:
        kwargs["expires_after"] = dict(expires_after)
    return kwargs


def image_part(
    source: ImageSource,
    *,
    detail: Detail | None = None,
    client: DeepSeek | None = None,
    upload: bool | None = None,
    filename: str | None = None,
    expires_after: Mapping[str, Any] | None = None,
) -> ChatCompletionContentPartParam:
    """A content part for a user message showing ``source``: a path, bytes, or an https/``data:`` URL.

    Local images are checked (type from the bytes, size, pixels) and sent inline as a ``data:`` URL
    of the type their bytes show; with ``upload=True``, or when they are over the 32 MiB inline limit
    (``upload=None``), they are uploaded with ``client`` and sent by file id (``expires_after`` as
    for ``client.files.create``; delete the file with ``client.files.delete`` when done). URLs are
    passed through (the request rules check them).
    """
    url = _url(source)
    if url is not None:
        return _url_part(url, detail)
    local = _local(source, filename)
    if not _must_upload(local, upload, client is not None):
        return _inline_part(local, detail)
    sync = require_sync(client, "image_part", _WHY_UPLOAD)
    uploaded = sync.files.create(**_upload_kwargs(local, expires_after))
    return _file_part(uploaded.id, detail)


async def aimage_part(
    source: ImageSource,
    *,
    detail: Detail | None = None,
    client: AsyncDeepSeek | None = None,
    upload: bool | None = None,
    filename: str | None = None,
    expires_after: Mapping[str, Any] | None = None,
) -> ChatCompletionContentPartParam:
    """The async twin of :func:`image_part` (uploads go through an :class:`AsyncDeepSeek`)."""
    url = _url(source)
    if url is not None:
        return _url_part(url, detail)
    local = _local(source, filename)
    if not _must_upload(local, upload, client is not None):
        return _inline_part(local, detail)
    async_client = require_async(client, "aimage_part", _WHY_UPLOAD)
    uploaded = await async_client.files.create(**_upload_kwargs(local, expires_after))
    return _file_part(uploaded.id, detail)


def _check_question(question: object) -> None:
    if not isinstance(question, str):
        raise DeepSeekRequestError(
            f"question={question!r} is not a string",
            why="the question is the text sent beside the image",
            fix='pass a string, e.g. "What is in this picture?"',
            param="question",
        )


def _messages(question: str, part: ChatCompletionContentPartParam) -> list[Any]:
    return [{"role": "user", "content": [{"type": "text", "text": question}, part]}]


def _uploaded_id(part: ChatCompletionContentPartParam) -> str | None:
    file = part.get("file") if part.get("type") == "file" else None
    file_id = file.get("file_id") if isinstance(file, Mapping) else None
    return file_id if isinstance(file_id, str) else None


def _cleanup_failed(file_id: str, exc: DeepSeekAPIError) -> None:
    warn(
        f"the image uploaded as {file_id} could not be deleted ({type(exc).__name__}); it expires on its "
        f"own within {FILES.min_expires_seconds // 3600} hour",
        DeepSeekCompatibilityWarning,
    )


def ask_image(
    client: DeepSeek,
    image: ImageSource,
    question: str = "What is in this picture?",
    *,
    model: str | None = None,
    detail: Detail | None = None,
    upload: bool | None = None,
    **create: Any,
) -> ChatCompletion:
    """Ask ``question`` about one picture (a path, bytes or URL) and return the completion.

    The image goes inline, or is uploaded when it is too large (or ``upload=True``) and deleted
    again once the answer is in. ``model`` defaults to the client's model (``deepseek-flash``);
    other keywords go to ``chat.completions.create``.
    """
    sync = require_sync(client, "ask_image", _WHY_UPLOAD)
    _check_question(question)
    uploads = upload if _url(image) is None else False
    part = image_part(image, detail=detail, client=sync, upload=uploads, expires_after=_HELPER_EXPIRY)
    uploaded = _uploaded_id(part)
    try:
        response: ChatCompletion = sync.chat.completions.create(
            model=model or sync.settings.model, messages=_messages(question, part), stream=False, **create
        )
        return response
    finally:
        if uploaded is not None:
            try:
                sync.files.delete(uploaded)
            except DeepSeekAPIError as exc:
                _cleanup_failed(uploaded, exc)


async def aask_image(
    client: AsyncDeepSeek,
    image: ImageSource,
    question: str = "What is in this picture?",
    *,
    model: str | None = None,
    detail: Detail | None = None,
    upload: bool | None = None,
    **create: Any,
) -> ChatCompletion:
    """The async twin of :func:`ask_image`."""
    async_client = require_async(client, "aask_image", _WHY_UPLOAD)
    _check_question(question)
    uploads = upload if _url(image) is None else False
    part = await aimage_part(
        image, detail=detail, client=async_client, upload=uploads, expires_after=_HELPER_EXPIRY
    )
    uploaded = _uploaded_id(part)
    try:
        answer: ChatCompletion = await async_client.chat.completions.create(
            model=model or async_client.settings.model,
            messages=_messages(question, part),
            stream=False,
            **create,
        )
        return answer
    finally:
        if uploaded is not None:
            try:
                await async_client.files.delete(uploaded)
            except DeepSeekAPIError as exc:
                _cleanup_failed(uploaded, exc)
