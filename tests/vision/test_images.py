"""The client's image reading: types from the magic bytes, pixel sizes from the headers, and inline
base64 read in place (size from the length, header bytes from the quartets that hold them)."""

from __future__ import annotations

import base64
import io
import struct
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deepseek_openai._images import Inline, image_ref, inline, inspect_bytes, read_upload, sniff
from deepseek_openai._pipeline import plan
from deepseek_openai._rules import IMAGE_TOTALS, IMAGES, Action, Policy
from deepseek_openai._settings import GuardMode
from tests.images import PDF, gif, jpeg, png, webp

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize(
    ("data", "mime", "size"),
    [
        (png(640, 480), "image/png", (640, 480)),
        (jpeg(1920, 1080), "image/jpeg", (1920, 1080)),
        (gif(320, 200), "image/gif", (320, 200)),
        (webp(800, 600), "image/webp", (800, 600)),
    ],
    ids=["png", "jpeg", "gif", "webp-vp8x"],
)
def test_the_four_types_and_their_pixels(data: bytes, mime: str, size: tuple[int, int]) -> None:
    info = inspect_bytes(data)
    assert (info.mime, (info.width, info.height), info.supported) == (mime, size, True)


def test_jpeg_size_is_found_past_exif_blocks() -> None:
    exif = b"\xff\xe1" + struct.pack(">H", 2 + 30_000) + b"Exif\x00\x00" + b"\x00" * (30_000 - 6)
    data = jpeg(4000, 3000)
    data = data[:2] + exif + data[2:]
    assert (inspect_bytes(data).width, inspect_bytes(data).height) == (4000, 3000)
    assert inline(base64.b64encode(data).decode(), data_url=False) is not None


def test_lossy_and_lossless_webp() -> None:
    lossy = (
        b"RIFF\x00\x00\x00\x00WEBPVP8 \x00\x00\x00\x00"
        + b"\x00\x00\x00\x9d\x01\x2a"
        + struct.pack("<HH", 1024, 768)
    )
    bits = (1023) | (767 << 14)
    lossless = b"RIFF\x00\x00\x00\x00WEBPVP8L\x00\x00\x00\x00\x2f" + struct.pack("<I", bits)
    assert (inspect_bytes(lossy).width, inspect_bytes(lossy).height) == (1024, 768)
    assert (inspect_bytes(lossless).width, inspect_bytes(lossless).height) == (1024, 768)


@pytest.mark.parametrize(
    ("head", "described"),
    [
        (PDF, "a PDF document"),
        (b"BM" + b"\0" * 40, "a BMP image"),
        (b"II*\x00" + b"\0" * 20, "a TIFF image"),
        (b"\0\0\0\x18ftypheic" + b"\0" * 20, "a HEIC image"),
        (b"\0\0\0\x18ftypavif" + b"\0" * 20, "an AVIF image"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "an SVG drawing"),
        (b"plain text", "of a type that is not an image DeepSeek reads"),
        (b"", "empty"),
    ],
)
def test_other_files_are_named_for_the_message(head: bytes, described: str) -> None:
    info = inspect_bytes(head)
    assert not info.supported
    assert info.description == described


@PROPERTY
@given(st.binary(max_size=600), st.integers(0, 700), st.integers(0, 64), st.booleans())
def test_inline_reads_what_base64_encodes(data: bytes, offset: int, length: int, padded: bool) -> None:
    text = base64.b64encode(data).decode()
    if not padded:
        text = text.rstrip("=")
    found = inline("data:image/png;base64," + text, data_url=True)
    assert found is not None
    assert found.size == len(data)
    assert found.read(offset, length) == data[offset : offset + length]
    assert found.label == "image/png"


@PROPERTY
@given(st.binary(min_size=1, max_size=400))
def test_line_broken_base64_is_read_too(data: bytes) -> None:
    text = base64.encodebytes(data).decode()  # MIME style: a line break every 76 characters
    found = inline(text, data_url=False)
    assert found is not None
    assert found.size == len(data)
    assert found.head == data[:32]


def test_data_urls_that_are_not_base64() -> None:
    assert inline("data:image/png,%89PNG", data_url=True) is None
    assert inline("data:image/png;base64", data_url=True) is None
    ref = image_ref({"type": "image_url", "image_url": {"url": "data:image/png,%89PNG"}})
    assert ref is not None
    assert ref.inline is None
    assert ref.scheme == "data"


def _summary(part: dict[str, Any]) -> tuple[object, ...]:
    ref = image_ref(part)
    assert ref is not None
    info = ref.info
    return ref.kind, ref.file_id, ref.detail, info.mime if info else None, ref.problem


def test_parts_of_every_shape() -> None:
    url = "data:image/gif;base64," + base64.b64encode(gif()).decode()
    parts: list[dict[str, Any]] = [
        {"type": "image_url", "image_url": {"url": url, "detail": "low"}},
        {"type": "image_url", "image_url": url},
        {"type": "file", "file": {"file_id": "file-api-1"}},
        {"type": "file", "file": {"file_data": base64.b64encode(png()).decode()}},
        {"type": "input_image", "image_url": url, "detail": "high"},
        {"type": "input_image", "file_id": "file-api-2"},
        {"type": "file", "file": {}},
        {"type": "image_url", "image_url": {}},
    ]
    assert [_summary(p) for p in parts] == [
        ("image_url", None, "low", "image/gif", None),
        ("image_url", None, None, "image/gif", None),
        ("file", "file-api-1", None, None, None),
        ("file", None, None, "image/png", None),
        ("input_image", None, "high", "image/gif", None),
        ("input_image", "file-api-2", None, None, None),
        ("file", None, None, None, "a file part with neither file_id nor file_data"),
        ("image_url", None, None, None, "an image_url part without a url"),
    ]
    assert image_ref({"type": "text", "text": "x"}) is None


def test_uploads_are_read_without_being_consumed() -> None:
    stream = io.BytesIO(b"xx" + png())
    stream.seek(2)
    upload = read_upload(stream)
    assert (upload.filename, upload.size, upload.mime) == ("upload", len(png()), "image/png")
    assert stream.tell() == 2  # put back where the SDK will read from
    named = read_upload(("cat.png", png(), "image/png"))
    assert (named.filename, named.size) == ("cat.png", len(png()))

    class OneWay(io.RawIOBase):
        def readable(self) -> bool:
            return True

    assert read_upload(OneWay()).size is None  # a stream that cannot be read twice is left alone


def test_the_totals_rows_run_only_with_the_part_rows_that_fill_the_tally() -> None:
    """The per-request rows read the tally the image part rows fill, so under every policy in which a
    totals row acts, every part row does too."""
    modes: tuple[GuardMode, ...] = ("strict", "warn", "off")
    for mode in modes:
        policy = Policy(guard_mode=mode)
        acting = {rule.id for rule in (*IMAGES, *IMAGE_TOTALS) if rule.action(policy) is not Action.SEND}
        if acting & {r.id for r in IMAGE_TOTALS}:
            assert {r.id for r in IMAGES} <= acting, mode
        plan("chat", policy)  # and the plan builds


def test_sniff_needs_only_the_head() -> None:
    assert sniff(png()[:8]) == "image/png"
    assert sniff(b"RIFF\x00\x00\x00\x00WEBP") == "image/webp"
    assert isinstance(inline("AAAA", data_url=False), Inline)
