"""client.files end to end over loopback: upload a PNG made in the test, list it, ask about it, delete it,
and the 400 when it is used again; paging, expiry and per-key ownership; the emulator's own refusals
(through the plain openai SDK, which checks nothing); sync and async.

Expected values come from deepseek-api.md section 13: ids ``file-api-...``, ``object: "file"``,
purpose ``user_data``, list pages with ``first_id`` / ``last_id`` / ``has_more``, 400 for a deleted or
expired id in a chat.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx2
import openai
import pytest

import deepseek_openai as ds
from deepseek_openai import AsyncDeepSeek, DeepSeek, get_client, image_part
from deepseek_openai.testing import DeepSeekEmulator
from tests.images import PDF, ask, data_url, file_part, gif, jpeg, png, webp

FLASH = "deepseek-flash"


def _ask_file(client: DeepSeek, file_id: str) -> str:
    reply = client.with_options(thinking=False).chat.completions.create(
        model=FLASH, messages=ask(file_part(file_id))
    )
    content = reply.choices[0].message.content
    assert content is not None
    return content


def test_upload_list_ask_delete_and_ask_again(
    deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    image = png(64, 48)
    uploaded = deepseek_client.files.create(file=("cat.png", image), purpose="user_data")
    assert uploaded.id.startswith("file-api-")
    assert (uploaded.object, uploaded.bytes, uploaded.filename, uploaded.purpose) == (
        "file",
        len(image),
        "cat.png",
        "user_data",
    )
    assert uploaded.created_at > 0
    assert getattr(uploaded, "expires_at", None) is None  # kept until deleted

    listed = deepseek_client.files.list()
    assert [f.id for f in listed.data] == [uploaded.id]
    assert deepseek_client.files.retrieve(uploaded.id).filename == "cat.png"

    # The reply says what the server read: the type from the bytes, the pixels, the size.
    assert (
        _ask_file(deepseek_client, uploaded.id)
        == f"Echo: What is this? [image image/png 64x48, {len(image)} bytes]"
    )

    deleted = deepseek_client.files.delete(uploaded.id)
    assert (deleted.id, deleted.deleted, deleted.object) == (uploaded.id, True, "file")
    assert deepseek_client.files.list().data == []
    with pytest.raises(ds.InvalidFormatError) as info:  # a deleted id in a chat is a 400
        _ask_file(deepseek_client, uploaded.id)
    assert isinstance(info.value, openai.BadRequestError)
    assert uploaded.id in str(info.value)
    with pytest.raises(ds.NotFoundError):
        deepseek_client.files.retrieve(uploaded.id)


async def test_the_same_round_trip_async(
    async_deepseek_client: AsyncDeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    client = async_deepseek_client
    uploaded = await client.files.create(file=("cat.gif", gif(10, 20)), purpose="user_data")
    page = await client.files.list(limit=1)
    assert [f.id for f in page.data] == [uploaded.id]
    assert (await client.files.retrieve(uploaded.id)).bytes == len(gif(10, 20))
    reply = await client.with_options(thinking=False).chat.completions.create(
        model=FLASH, messages=ask(file_part(uploaded.id))
    )
    assert (
        reply.choices[0].message.content
        == f"Echo: What is this? [image image/gif 10x20, {len(gif(10, 20))} bytes]"
    )
    assert (await client.files.delete(uploaded.id)).deleted is True
    with pytest.raises(ds.InvalidFormatError):
        await client.with_options(thinking=False).chat.completions.create(
            model=FLASH, messages=ask(file_part(uploaded.id))
        )


@pytest.mark.parametrize(
    ("data", "read"),
    [(jpeg(4, 3), "image/jpeg 4x3"), (gif(5, 4), "image/gif 5x4"), (webp(6, 7), "image/webp 6x7")],
    ids=["jpeg", "gif", "webp"],
)
def test_every_image_type_uploads_and_is_read(deepseek_client: DeepSeek, data: bytes, read: str) -> None:
    uploaded = deepseek_client.files.create(file=data, purpose="user_data")
    assert uploaded.filename == "upload"  # httpx's name for bare bytes
    assert _ask_file(deepseek_client, uploaded.id) == f"Echo: What is this? [image {read}, {len(data)} bytes]"


def test_paging_after_limit_order_and_purpose_with_auto_pagination(deepseek_client: DeepSeek) -> None:
    ids = [deepseek_client.files.create(file=(f"{i}.png", png()), purpose="user_data").id for i in range(5)]
    first = deepseek_client.files.list(limit=2)
    assert [f.id for f in first.data] == ids[::-1][:2]  # newest first
    assert first.has_more is True
    raw = first.model_extra or {}
    assert (raw["first_id"], raw["last_id"]) == (ids[4], ids[3])
    # The SDK's auto-pagination follows has_more with after=<last id>, page by page.
    assert [f.id for f in deepseek_client.files.list(limit=2)] == ids[::-1]
    assert [f.id for f in deepseek_client.files.list(limit=2, order="asc")] == ids
    after = deepseek_client.files.list(after=ids[1], order="asc", limit=1000)
    assert [f.id for f in after.data] == ids[2:]
    assert after.has_more is False
    assert [f.id for f in deepseek_client.files.list(purpose="user_data")] == ids[::-1]
    empty = deepseek_client.files.list(purpose="assistants")
    assert empty.data == []
    assert (empty.model_extra or {})["first_id"] is None


async def test_auto_pagination_async(async_deepseek_client: AsyncDeepSeek) -> None:
    ids = [(await async_deepseek_client.files.create(file=png(), purpose="user_data")).id for _ in range(3)]
    seen = [f.id async for f in async_deepseek_client.files.list(limit=1, order="asc")]
    assert seen == ids


def test_expiry(deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator) -> None:
    kept = deepseek_client.files.create(file=png(), purpose="user_data")
    hour = deepseek_client.files.create(
        file=png(), purpose="user_data", expires_after={"anchor": "created_at", "seconds": 3600}
    )
    assert getattr(hour, "expires_at", None) == hour.created_at + 3600
    deepseek_emulator.advance_clock(3599)
    assert {f.id for f in deepseek_client.files.list()} == {kept.id, hour.id}
    deepseek_emulator.advance_clock(1)
    assert [f.id for f in deepseek_client.files.list()] == [kept.id]
    with pytest.raises(ds.NotFoundError):
        deepseek_client.files.retrieve(hour.id)
    with pytest.raises(ds.InvalidFormatError):  # an expired id in a chat is a 400
        _ask_file(deepseek_client, hour.id)
    assert _ask_file(deepseek_client, kept.id).startswith("Echo: What is this? [image image/png")


def test_openai_purpose_vision_is_stored_as_user_data(deepseek_client: DeepSeek) -> None:
    uploaded = deepseek_client.files.create(file=png(), purpose="vision")
    assert uploaded.purpose == "user_data"


@pytest.fixture(scope="module")
def two_keys() -> Iterator[DeepSeekEmulator]:
    with DeepSeekEmulator(["sk-owner-000000000001", "sk-other-000000000002"]) as emulator:
        yield emulator


def test_files_belong_to_the_key_that_uploaded_them(two_keys: DeepSeekEmulator) -> None:
    owner = get_client(api_key=two_keys.api_keys[0], base_url=two_keys.base_url, max_retries=0)
    other = get_client(api_key=two_keys.api_keys[1], base_url=two_keys.base_url, max_retries=0)
    mine = owner.files.create(file=png(), purpose="user_data")
    assert other.files.list().data == []
    with pytest.raises(ds.NotFoundError):
        other.files.retrieve(mine.id)
    with pytest.raises(ds.NotFoundError):
        other.files.delete(mine.id)
    with pytest.raises(ds.InvalidFormatError):  # another key's file in a chat is a 400
        _ask_file(other, mine.id)
    assert two_keys.file_ids(two_keys.api_keys[0]) == [mine.id]
    assert _ask_file(owner, mine.id).startswith("Echo:")


def test_file_content_is_refused_before_the_network(
    deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    uploaded = deepseek_client.files.create(file=png(), purpose="user_data")
    before = deepseek_emulator.request_count()
    with pytest.raises(ds.UnsupportedFeatureError, match="file content download") as info:
        deepseek_client.files.content(uploaded.id)
    assert "keep your own copy" in info.value.fix
    assert deepseek_emulator.request_count() == before


def test_uploads_the_client_refuses_never_reach_the_server(
    deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    with pytest.raises(ds.UnsupportedFeatureError, match="is a PDF document"):
        deepseek_client.files.create(file=("scan.png", PDF), purpose="user_data")
    with pytest.raises(ds.UnsupportedFeatureError, match="purpose='assistants'"):
        deepseek_client.files.create(file=png(), purpose="assistants")
    assert deepseek_emulator.request_count() == 0


def test_an_open_file_is_read_and_put_back_for_the_upload(deepseek_client: DeepSeek, tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(jpeg(40, 30))
    with path.open("rb") as handle:
        uploaded = deepseek_client.files.create(file=handle, purpose="user_data")
    assert (uploaded.filename, uploaded.bytes) == ("photo.jpg", len(jpeg(40, 30)))  # all of it was sent


# --------------------------------------------------------------------------------------------
# The server's own refusals, through the plain openai SDK (no client rules in the way)


@pytest.fixture
def raw(deepseek_emulator: DeepSeekEmulator) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(
        api_key=deepseek_emulator.api_key, base_url=deepseek_emulator.base_url, max_retries=0
    ) as client:
        yield client


@pytest.mark.parametrize(
    ("kwargs", "status", "words"),
    [
        ({"file": ("scan.png", PDF), "purpose": "user_data"}, 400, "only JPEG, PNG, GIF and WebP"),
        ({"file": b"", "purpose": "user_data"}, 400, "only JPEG, PNG, GIF and WebP"),
        ({"file": png(), "purpose": "assistants"}, 400, "The only supported purpose is user_data"),
        ({"file": ("x" * 509 + ".png", png()), "purpose": "user_data"}, 400, "at most 512 characters"),
        (
            {
                "file": png(),
                "purpose": "user_data",
                "expires_after": {"anchor": "created_at", "seconds": 3599},
            },
            422,
            "[3600, 2592000]",
        ),
        (
            {
                "file": png(),
                "purpose": "user_data",
                "expires_after": {"anchor": "created_at", "seconds": 2_592_001},
            },
            422,
            "[3600, 2592000]",
        ),
    ],
    ids=["pdf", "empty", "purpose", "filename-513", "expires-3599", "expires-2592001"],
)
def test_the_emulator_refuses_bad_uploads(
    raw: openai.OpenAI, kwargs: dict[str, object], status: int, words: str
) -> None:
    with pytest.raises(openai.APIStatusError) as info:
        raw.files.create(**kwargs)  # type: ignore[arg-type]
    assert info.value.status_code == status
    assert words in str(info.value)


@pytest.mark.parametrize("seconds", [3600, 2_592_000])
def test_the_emulator_takes_the_expiry_range_ends(raw: openai.OpenAI, seconds: int) -> None:
    uploaded = raw.files.create(
        file=png(), purpose="user_data", expires_after={"anchor": "created_at", "seconds": seconds}
    )
    assert getattr(uploaded, "expires_at", None) == uploaded.created_at + seconds


def test_the_emulator_takes_a_512_character_name(raw: openai.OpenAI) -> None:
    assert raw.files.create(file=("x" * 508 + ".png", png()), purpose="user_data").filename.endswith(".png")


@pytest.mark.parametrize(
    ("query", "status", "words"),
    [
        ({"limit": 0}, 422, "[1, 1000]"),
        ({"limit": 1001}, 422, "[1, 1000]"),
        ({"order": "sideways"}, 422, "asc and desc"),
        ({"after": "file-api-nosuchfile"}, 400, "no such file"),
    ],
)
def test_the_emulator_refuses_bad_list_queries(
    raw: openai.OpenAI, query: dict[str, object], status: int, words: str
) -> None:
    with pytest.raises(openai.APIStatusError) as info:
        raw.files.list(**query)  # type: ignore[arg-type]
    assert info.value.status_code == status
    assert words in str(info.value)


def test_the_emulator_list_limit_range_ends(raw: openai.OpenAI) -> None:
    raw.files.create(file=png(), purpose="user_data")
    assert len(raw.files.list(limit=1).data) == 1
    assert len(raw.files.list(limit=1000).data) == 1


def test_the_emulator_serves_no_file_content(raw: openai.OpenAI) -> None:
    uploaded = raw.files.create(file=png(), purpose="user_data")
    with pytest.raises(openai.NotFoundError):
        raw.files.content(uploaded.id)
    raw.files.delete(uploaded.id)
    with pytest.raises(openai.NotFoundError):  # twice
        raw.files.delete(uploaded.id)


def test_the_emulator_refuses_a_form_without_file_or_purpose(deepseek_emulator: DeepSeekEmulator) -> None:
    headers = {"Authorization": f"Bearer {deepseek_emulator.api_key}"}
    with httpx2.Client(base_url=deepseek_emulator.base_url, headers=headers) as http:
        no_file = http.post("/files", data={"purpose": "user_data"}, files={"other": ("a.png", png())})
        no_purpose = http.post("/files", files={"file": ("a.png", png())})
        not_a_form = http.post("/files", content=json.dumps({"purpose": "user_data"}))
    assert (no_file.status_code, no_purpose.status_code, not_a_form.status_code) == (400, 400, 400)
    assert "file" in no_file.json()["error"]["message"]
    assert "purpose" in no_purpose.json()["error"]["message"]
    assert "multipart/form-data" in not_a_form.json()["error"]["message"]


def test_the_emulator_takes_64_mib_and_refuses_one_byte_more(raw: openai.OpenAI) -> None:
    limit = 64 * 1024 * 1024
    head = png()
    at = raw.files.create(file=("big.png", head + b"\0" * (limit - len(head))), purpose="user_data")
    assert at.bytes == limit
    with pytest.raises(openai.BadRequestError, match="at most 64 MiB"):
        raw.files.create(file=("big.png", head + b"\0" * (limit + 1 - len(head))), purpose="user_data")


def test_pro_system_messages_and_wrong_types_are_refused_before_the_network(
    deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    picture = image_part(png())
    with pytest.raises(ds.UnsupportedFeatureError, match="image part for model 'deepseek-v4-pro'") as pro:
        deepseek_client.chat.completions.create(model="deepseek-v4-pro", messages=ask(picture))
    assert "model='deepseek-flash'" in pro.value.fix
    with pytest.raises(ds.DeepSeekRequestError, match=r"messages\[0\] \('system'\)") as system:
        deepseek_client.chat.completions.create(
            model=FLASH,
            messages=[{"role": "system", "content": [picture]}, {"role": "user", "content": "?"}],  # type: ignore[list-item,misc]
        )
    assert "user message" in system.value.fix
    with pytest.raises(ds.UnsupportedFeatureError, match="is a PDF document") as pdf:
        deepseek_client.chat.completions.create(
            model=FLASH, messages=ask({"type": "file", "file": {"file_data": data_url(PDF)}})
        )
    assert "PNG or JPEG" in pdf.value.fix
    assert deepseek_emulator.request_count() == 0
