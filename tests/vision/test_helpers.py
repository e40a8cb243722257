"""image_part / aimage_part, ask_image / aask_image, inspect_image, and what an image costs.

From deepseek-api.md section 13: local bytes go inline as a data: URL of the type the bytes show (JPEG,
PNG, GIF, WebP only), or by file id (uploaded with purpose user_data) when asked or when over the 32 MiB
inline limit; URLs must be https (or data:); each image costs at most 1,024 input tokens.
"""

from __future__ import annotations

import base64
import warnings
from decimal import Decimal
from pathlib import Path

import pytest

import deepseek_openai as ds
from deepseek_openai import (
    AsyncDeepSeek,
    DeepSeek,
    aask_image,
    aimage_part,
    ask_image,
    estimate_cost,
    image_part,
    inspect_image,
)
from deepseek_openai.testing import DeepSeekEmulator
from tests.images import PDF, ask, gif, jpeg, png, webp

MIB = 1024 * 1024


def _url_of(part: object) -> str:
    assert isinstance(part, dict)
    assert part["type"] == "image_url"
    url = part["image_url"]["url"]
    assert isinstance(url, str)
    return url


@pytest.mark.parametrize(
    ("data", "mime"),
    [(png(3, 2), "image/png"), (jpeg(), "image/jpeg"), (gif(), "image/gif"), (webp(), "image/webp")],
    ids=["png", "jpeg", "gif", "webp"],
)
def test_local_bytes_go_inline_with_the_type_their_bytes_show(data: bytes, mime: str, tmp_path: Path) -> None:
    path = tmp_path / "picture.bin"  # the name says nothing; the bytes do
    path.write_bytes(data)
    for source in (data, bytearray(data), memoryview(data), path, str(path)):
        url = _url_of(image_part(source))
        header, _, payload = url.partition(",")
        assert header == f"data:{mime};base64"
        assert base64.b64decode(payload) == data


def test_urls_pass_through_with_detail() -> None:
    assert image_part("https://example.com/cat.png", detail="low") == {
        "type": "image_url",
        "image_url": {"url": "https://example.com/cat.png", "detail": "low"},
    }
    data = "data:image/png;base64," + base64.b64encode(png()).decode()
    assert _url_of(image_part(data)) == data


def test_other_urls_and_types_are_refused_with_the_fix(tmp_path: Path) -> None:
    with pytest.raises(ds.DeepSeekRequestError, match="http: URL") as info:
        image_part("http://example.com/cat.png")
    assert "https" in info.value.fix
    with pytest.raises(ds.UnsupportedFeatureError, match="is a PDF document") as refused:
        image_part(PDF)
    assert "PNG or JPEG" in refused.value.fix
    big = tmp_path / "wide.png"
    big.write_bytes(png(8193, 1))
    with pytest.raises(ds.DeepSeekRequestError, match="8193 x 1 pixels"):
        image_part(big)
    with pytest.raises(FileNotFoundError):
        image_part(tmp_path / "missing.png")


def test_too_large_to_inline_needs_a_client_or_upload() -> None:
    large = png(pad=32 * MIB)  # over 32 MiB by the PNG's own bytes
    with pytest.raises(ds.DeepSeekRequestError, match="must be uploaded") as info:
        image_part(large)
    assert "client=" in info.value.fix
    with pytest.raises(ds.DeepSeekRequestError, match="inline images of at most 32 MiB"):
        image_part(large, upload=False)
    with pytest.raises(ds.DeepSeekRequestError, match="must be uploaded"):
        image_part(png(), upload=True)


def test_upload_sends_a_file_part_and_keeps_the_file(
    deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    part = image_part(png(5, 5), client=deepseek_client, upload=True, filename="dot.png")
    assert part["type"] == "file"
    file_id = part["file"]["file_id"]
    assert deepseek_emulator.file_ids() == [file_id]
    assert deepseek_client.files.retrieve(file_id).filename == "dot.png"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        image_part(png(), client=deepseek_client, upload=True, detail="high")
    assert any("detail='high' was dropped" in str(w.message) for w in caught)


def test_a_large_image_is_uploaded_by_itself(
    deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    part = image_part(png(pad=32 * MIB), client=deepseek_client)
    assert part["type"] == "file"
    assert deepseek_emulator.file_ids() == [part["file"]["file_id"]]


def test_ask_image_inline(deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator) -> None:
    reply = ask_image(deepseek_client.with_options(thinking=False), png(30, 20), "What colour is it?")
    assert (
        reply.choices[0].message.content
        == f"Echo: What colour is it? [image image/png 30x20, {len(png(30, 20))} bytes]"
    )
    sent = deepseek_emulator.requests[-1].json
    assert sent["model"] == "deepseek-flash"  # the client's default model
    assert deepseek_emulator.file_ids() == []


def test_ask_image_uploads_then_deletes(
    deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    reply = ask_image(deepseek_client, jpeg(8, 8), upload=True)
    assert "[image image/jpeg 8x8" in (reply.choices[0].message.content or "")
    paths = [(r.method, r.path) for r in deepseek_emulator.requests]
    assert paths[0] == ("POST", "/files")
    assert paths[1] == ("POST", "/chat/completions")
    assert paths[2][0] == "DELETE"
    assert deepseek_emulator.file_ids() == []


def test_ask_image_deletes_even_when_the_question_fails(
    deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    with pytest.raises(ds.UnsupportedFeatureError, match="image part for model 'deepseek-v4-pro'"):
        ask_image(deepseek_client, png(), model="deepseek-v4-pro", upload=True)
    assert deepseek_emulator.file_ids() == []


async def test_async_forms(async_deepseek_client: AsyncDeepSeek, deepseek_emulator: DeepSeekEmulator) -> None:
    inline = await aimage_part(gif(3, 3))
    assert _url_of(inline).startswith("data:image/gif;base64,")
    uploaded = await aimage_part(gif(3, 3), client=async_deepseek_client, upload=True)
    assert uploaded["type"] == "file"
    reply = await aask_image(async_deepseek_client, webp(9, 9), "Shape?", upload=True)
    assert "[image image/webp 9x9" in (reply.choices[0].message.content or "")
    assert deepseek_emulator.file_ids() == [uploaded["file"]["file_id"]]
    with pytest.raises(TypeError, match="ask_image"):
        await aask_image(object(), png())  # type: ignore[arg-type]


def test_wrong_client_kinds_name_the_right_helper(
    deepseek_client: DeepSeek, async_deepseek_client: AsyncDeepSeek
) -> None:
    with pytest.raises(TypeError, match="aask_image"):
        ask_image(async_deepseek_client, png())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="aimage_part"):
        image_part(png(), client=async_deepseek_client, upload=True)  # type: ignore[arg-type]
    with pytest.raises(ds.DeepSeekRequestError, match="question"):
        ask_image(deepseek_client, png(), 42)  # type: ignore[arg-type]


def test_inspect_image() -> None:
    info = inspect_image(jpeg(640, 480))
    assert (info.mime, info.width, info.height, info.bytes, info.supported) == (
        "image/jpeg",
        640,
        480,
        len(jpeg(640, 480)),
        True,
    )
    assert info.max_tokens == 1024
    assert inspect_image(PDF).description == "a PDF document"
    assert inspect_image(b"").description == "empty"


# --------------------------------------------------------------------------------------------
# What an image costs: at most 1,024 input tokens each, priced like any input token


@pytest.mark.parametrize(("width", "height"), [(1, 1), (640, 480), (1300, 1300), (2000, 1500)])
def test_an_image_costs_at_most_1024_tokens_and_the_cost_matches_the_charge(
    deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator, width: int, height: int
) -> None:
    client = deepseek_client.with_options(thinking=False)
    text_only = client.chat.completions.create(model="deepseek-flash", messages=ask(text="What is this?"))
    before = deepseek_emulator.balance()
    image = image_part(png(width, height))
    reply = client.chat.completions.create(model="deepseek-flash", messages=ask(image, text="What is this?"))
    charged = before - deepseek_emulator.balance()
    assert reply.usage is not None
    assert text_only.usage is not None
    image_tokens = reply.usage.prompt_tokens - text_only.usage.prompt_tokens
    assert 1 <= image_tokens <= inspect_image(png(width, height)).max_tokens
    # estimate_cost prices the usage exactly as the server charged it (same peak / off-peak window)
    assert estimate_cost(reply, "deepseek-flash") == charged  # priced at reply.created
    assert charged > Decimal(0)


def test_detail_low_costs_no_more_than_the_full_image(deepseek_client: DeepSeek) -> None:
    client = deepseek_client.with_options(thinking=False)
    data = png(2000, 2000)
    full = client.chat.completions.create(model="deepseek-flash", messages=ask(image_part(data)))
    low = client.chat.completions.create(model="deepseek-flash", messages=ask(image_part(data, detail="low")))
    assert full.usage is not None
    assert low.usage is not None
    assert low.usage.prompt_tokens < full.usage.prompt_tokens
