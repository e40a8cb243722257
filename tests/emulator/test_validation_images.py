"""The emulator's image validation: what it reads from each image part and the limits it enforces.

Limits and shapes are section 13 of ../shared/deepseek-api.md: image parts only in user messages on
Flash, ``image_url`` (an https URL of at most 8,192 characters or a ``data:`` URL, ``detail``
low|high|original|auto) and ``file`` (``file_id`` | ``file_data``); at most 600 images a request, 32 MiB
an inline image, 64 MiB of images a request without file ids (200 MiB with), 8,192 px a side (4,096 px
from 15 images on); an expired or deleted file id -> 400. The sentences of the 400s are the emulator's
own (its errors module: DeepSeek documents the status, not the wording). Every verdict is checked at,
just below and just above its limit, on the validator and, for the user's view, through the plain
openai client over 127.0.0.1.
"""

from __future__ import annotations

import base64
from typing import Any

import openai
import pytest

from deepseek_openai.testing import sample_png
from deepseek_openai.testing._errors import ApiError
from deepseek_openai.testing._files import ImageBytes, StoredFile
from deepseek_openai.testing._validation import ChatRequest, SeenImage, parse_chat

MIB = 1024 * 1024
PNG = sample_png(8, 8)
PNG_URL = "data:image/png;base64," + base64.b64encode(PNG).decode()


def _user(*parts: dict[str, Any]) -> dict[str, Any]:
    return {"role": "user", "content": list(parts)}


def _url(url: str, detail: str | None = None) -> dict[str, Any]:
    image: dict[str, Any] = {"url": url}
    if detail is not None:
        image["detail"] = detail
    return {"type": "image_url", "image_url": image}


def _file(**file: str) -> dict[str, Any]:
    return {"type": "file", "file": file}


def _body(*messages: dict[str, Any]) -> dict[str, Any]:
    return {"model": "deepseek-flash", "messages": list(messages)}


def _stored(file_id: str, size: int, side: int = 8) -> StoredFile:
    return StoredFile(file_id, "key", f"{file_id}.png", ImageBytes("image/png", size, side, side), 0, None, 1)


def _lookup(*stored: StoredFile) -> Any:
    table = {s.id: s for s in stored}
    return table.get


def _ok(body: dict[str, Any], files: Any = None) -> ChatRequest:
    verdict = parse_chat(body, beta=False, files=files)
    assert isinstance(verdict, ChatRequest), verdict
    return verdict


def _rejected(body: dict[str, Any], files: Any = None) -> str:
    """The 400's message; checks the body's shape (type/code invalid_request_error, param null)."""
    verdict = parse_chat(body, beta=False, files=files)
    assert isinstance(verdict, ApiError), f"accepted: {verdict}"
    assert verdict.status == 400
    assert verdict.body()["error"]["type"] == "invalid_request_error"
    assert verdict.body()["error"]["param"] is None
    return verdict.message


def _png_of_size(size: int, side: int = 8) -> bytes:
    """A PNG header of ``side`` x ``side`` pixels, padded to exactly ``size`` bytes."""
    head = sample_png(side, side)
    assert len(head) <= size
    return head + b"\x00" * (size - len(head))


# ------------------------------------------------------------------------------------------------
# What is read from each part


def test_each_image_is_read_with_its_place_reference_and_detail() -> None:
    https = "https://example.com/" + "a" * 100 + ".png"
    r = _ok(
        _body(
            {"role": "user", "content": "first"},
            _user({"type": "text", "text": "look"}, _url(https, "low"), _url(PNG_URL, "high")),
            _user(_file(file_data=PNG_URL), _file(file_id="file-api-1")),
        ),
        files=_lookup(_stored("file-api-1", 1234, side=30)),
    )
    got = [(s.message, s.part, s.ref, s.image, s.detail, s.file_id) for s in r.images]
    png = ImageBytes("image/png", len(PNG), 8, 8)
    assert got == [
        (1, 1, https, None, "low", None),
        (1, 2, PNG_URL, png, "high", None),
        (2, 0, PNG_URL, png, None, None),
        (2, 1, "file-api-1", ImageBytes("image/png", 1234, 30, 30), None, "file-api-1"),
    ]
    # detail low counts 512x512 at most (section 13): fewer tokens than the same image at high.
    assert [s.describe() for s in r.images] == [
        f"[image at {https[:80]}]",
        f"[image image/png 8x8, {len(PNG)} bytes]",
        f"[image image/png 8x8, {len(PNG)} bytes]",
        "[image image/png 30x30, 1234 bytes]",
    ]


def test_an_https_url_is_described_by_its_first_80_characters() -> None:
    url = "https://example.com/" + "b" * 61 + "c" * 20
    seen = SeenImage(0, 0, url, None, None, None)
    assert seen.describe() == f"[image at {'https://example.com/' + 'b' * 60}]"


def test_an_image_given_as_a_plain_string_has_no_detail() -> None:
    r = _ok(_body(_user({"type": "image_url", "image_url": PNG_URL})))
    assert [(s.ref, s.detail, s.image) for s in r.images] == [
        (PNG_URL, None, ImageBytes("image/png", len(PNG), 8, 8))
    ]


@pytest.mark.parametrize("url", ["http://example.com/a.png", "ftp://example.com/a.png", "file:///a.png"])
def test_only_https_and_data_urls(url: str) -> None:
    assert _rejected(_body(_user(_url(url)))) == "Invalid image URL: only https and data: URLs are supported"


def test_an_https_url_of_8192_characters_at_most() -> None:
    base = "https://example.com/"
    at_limit = base + "a" * (8_192 - len(base))
    assert [s.ref for s in _ok(_body(_user(_url(at_limit)))).images] == [at_limit]
    assert _ok(_body(_user(_url(at_limit[:-1])))).images[0].ref == at_limit[:-1]
    assert _rejected(_body(_user(_url(at_limit + "a")))) == "Image URL too long: at most 8192 characters"


# ------------------------------------------------------------------------------------------------
# Inline images (data: URLs and file_data)


@pytest.mark.parametrize(
    "part",
    [
        _url("data:image/png,not-base64"),
        _url("data:image/png;base64,abcde"),
        _file(file_data="data:image/png;base64,abcde"),
    ],
)
def test_inline_images_must_be_base64(part: dict[str, Any]) -> None:
    assert _rejected(_body(_user(part))) == (
        "Invalid image data: inline images must be base64 (data:image/...;base64,...)"
    )


@pytest.mark.parametrize(
    "part",
    [
        _url("data:image/png;base64," + base64.b64encode(b"just some text").decode()),
        _file(file_data=base64.b64encode(b"%PDF-1.4 not an image").decode()),
    ],
)
def test_inline_images_must_be_jpeg_png_gif_or_webp(part: dict[str, Any]) -> None:
    assert _rejected(_body(_user(part))) == (
        "Unsupported image type: only JPEG, PNG, GIF and WebP images are supported"
    )


def test_an_inline_image_of_32_mib_at_most() -> None:
    at_limit = base64.b64encode(_png_of_size(32 * MIB)).decode()
    r = _ok(_body(_user(_file(file_data=at_limit))))
    assert [s.image.size for s in r.images if s.image] == [32 * MIB]
    below = base64.b64encode(_png_of_size(32 * MIB - 1)).decode()
    assert _ok(_body(_user(_url("data:image/png;base64," + below)))).images[0].image == ImageBytes(
        "image/png", 32 * MIB - 1, 8, 8
    )
    over = base64.b64encode(_png_of_size(32 * MIB + 1)).decode()
    message = "Image too large: inline and URL images may be at most 32 MiB"
    assert _rejected(_body(_user(_file(file_data=over)))) == message
    assert _rejected(_body(_user(_url("data:image/png;base64," + over)))) == message


def test_64_mib_of_inline_images_a_request_at_most() -> None:
    half = base64.b64encode(_png_of_size(32 * MIB)).decode()
    r = _ok(_body(_user(_file(file_data=half), _file(file_data=half))))
    assert sum(s.image.size for s in r.images if s.image) == 64 * MIB
    message = _rejected(_body(_user(_file(file_data=half), _file(file_data=half), _url(PNG_URL))))
    assert message == "Images too large: at most 64 MiB of images per request"


# ------------------------------------------------------------------------------------------------
# Uploaded files (file_id)


def test_a_file_id_is_looked_up_among_the_callers_files() -> None:
    r = _ok(_body(_user(_file(file_id="file-api-7"))), files=_lookup(_stored("file-api-7", 99, side=20)))
    assert [(s.ref, s.file_id, s.image) for s in r.images] == [
        ("file-api-7", "file-api-7", ImageBytes("image/png", 99, 20, 20))
    ]


@pytest.mark.parametrize("files", [None, _lookup(), _lookup(_stored("file-api-other", 10))])
def test_an_unknown_file_id_is_400(files: Any) -> None:
    assert _rejected(_body(_user(_file(file_id="file-api-gone"))), files=files) == (
        "File file-api-gone not found: it does not exist, has expired or was deleted. Upload it again."
    )


def test_200_mib_of_images_a_request_with_file_ids() -> None:
    files = _lookup(*(_stored(f"file-api-{k}", 50 * MIB) for k in range(4)), _stored("file-api-x", 1))
    four = [_file(file_id=f"file-api-{k}") for k in range(4)]
    # Above the 64 MiB of a request without file ids, but with them the limit is 200 MiB.
    assert len(_ok(_body(_user(*four[:2])), files=files).images) == 2
    assert len(_ok(_body(_user(*four)), files=files).images) == 4
    mixed = _ok(_body(_user(*four[:3], _url(PNG_URL))), files=files)
    assert [s.file_id for s in mixed.images] == ["file-api-0", "file-api-1", "file-api-2", None]
    message = _rejected(_body(_user(*four, _file(file_id="file-api-x"))), files=files)
    assert message == "Images too large: at most 200 MiB of images per request"


# ------------------------------------------------------------------------------------------------
# How many images, how large


def test_600_images_a_request_at_most() -> None:
    part = _url("https://example.com/a.png")
    assert len(_ok(_body(_user(*[part] * 600))).images) == 600
    assert len(_ok(_body(_user(*[part] * 599))).images) == 599
    assert _rejected(_body(_user(*[part] * 601))) == "Too many images: at most 600 images per request"


def _side(side: int) -> dict[str, Any]:
    return _url("data:image/png;base64," + base64.b64encode(sample_png(side, 1)).decode())


def test_8192_pixels_a_side_at_most() -> None:
    assert _ok(_body(_user(_side(8_192)))).images[0].image.side == 8_192  # type: ignore[union-attr]
    assert len(_ok(_body(_user(_side(8_191)))).images) == 1
    assert _rejected(_body(_user(_side(8_193)))) == "Image too large: at most 8192 pixels a side"


def test_from_15_images_on_4096_pixels_a_side_at_most() -> None:
    small = _url(PNG_URL)
    message = (
        "Image too large: with 15 or more images a request, each image may have at most 4096 pixels a side"
    )
    assert len(_ok(_body(_user(_side(4_097), *[small] * 13))).images) == 14
    assert len(_ok(_body(_user(_side(8_192)))).images) == 1
    assert len(_ok(_body(_user(_side(4_096), *[small] * 14))).images) == 15
    assert _rejected(_body(_user(_side(4_097), *[small] * 14))) == message
    assert _rejected(_body(_user(*[small] * 15, _side(4_097)))) == message


# ------------------------------------------------------------------------------------------------
# Through the plain openai client


def _ask(raw: openai.OpenAI, *parts: dict[str, Any]) -> str:
    content: Any = [{"type": "text", "text": "what is this?"}, *parts]
    reply = raw.chat.completions.create(
        model="deepseek-flash", messages=[{"role": "user", "content": content}]
    )
    return reply.choices[0].message.content or ""


def test_an_uploaded_image_is_answered_and_a_deleted_one_is_400(raw: openai.OpenAI) -> None:
    png = sample_png(16, 12)
    uploaded = raw.files.create(file=("cat.png", png), purpose="user_data")
    answer = _ask(raw, _file(file_id=uploaded.id))
    assert f"[image image/png 16x12, {len(png)} bytes]" in answer
    raw.files.delete(uploaded.id)
    with pytest.raises(openai.BadRequestError) as caught:
        _ask(raw, _file(file_id=uploaded.id))
    assert caught.value.status_code == 400
    assert isinstance(caught.value.body, dict)
    assert caught.value.body["message"] == (
        f"File {uploaded.id} not found: it does not exist, has expired or was deleted. Upload it again."
    )
    assert caught.value.body["type"] == "invalid_request_error"
    assert caught.value.body.get("param") is None


def test_inline_and_url_images_are_answered(raw: openai.OpenAI) -> None:
    url = "https://example.com/" + "p" * 90
    answer = _ask(raw, _url(PNG_URL, "low"), _url(url))
    assert f"[image image/png 8x8, {len(PNG)} bytes]" in answer
    assert f"[image at {url[:80]}]" in answer
    assert f"[image at {url[:81]}]" not in answer


def test_a_plain_http_image_url_is_400(raw: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        _ask(raw, _url("http://example.com/a.png"))
    assert isinstance(caught.value.body, dict)
    assert caught.value.body["message"] == "Invalid image URL: only https and data: URLs are supported"
    assert caught.value.body["type"] == "invalid_request_error"
