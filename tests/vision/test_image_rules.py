"""Every vision rule at, below and above its limit, on both sides: the client's rule table (a unit test of
the pipeline) and the emulator (over loopback, through the plain openai SDK). The two keep their facts
apart on purpose, so each case checks them against each other and against deepseek-api.md section 13:
at most 600 images, https URLs of at most 8,192 characters, detail low/high/original/auto, inline
images of at most 32 MiB, at most 8,192 pixels a side (4,096 from 15 images on), images only in user
messages and only on deepseek-flash, JPEG/PNG/GIF/WebP told from the bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import openai
import pytest
from openai.types.chat import ChatCompletionContentPartParam, ChatCompletionMessageParam

from deepseek_openai import DeepSeekRequestError, InvalidFormatError, UnsupportedFeatureError, get_client
from deepseek_openai._pipeline import prepare_request
from deepseek_openai._rules import Policy
from deepseek_openai.testing import DeepSeekEmulator
from deepseek_openai.testing._errors import ApiError
from deepseek_openai.testing._files import ImageBytes, StoredFile
from deepseek_openai.testing._validation import ChatRequest, parse_chat
from tests.images import PDF, ask, data_url, gif, image_url, jpeg, png, webp

MIB = 1024 * 1024
FLASH = "deepseek-flash"
SMALL = image_url(data_url(png()))


@dataclass(frozen=True)
class Case:
    """A request, and the rule that refuses it (``None``: DeepSeek takes it)."""

    name: str
    messages: Callable[[], list[ChatCompletionMessageParam]]
    rule: str | None
    model: str = FLASH


def _images(*parts: ChatCompletionContentPartParam) -> Callable[[], list[ChatCompletionMessageParam]]:
    return lambda: ask(*parts)


def _inline_of(size: int) -> Callable[[], list[ChatCompletionMessageParam]]:
    """One inline PNG of exactly ``size`` bytes (built when the case runs)."""
    head = png()
    return lambda: ask(image_url(data_url(head + b"\0" * (size - len(head)))))


def _with_role(role: str) -> Callable[[], list[ChatCompletionMessageParam]]:
    def messages() -> list[ChatCompletionMessageParam]:
        content: Any = [{"type": "text", "text": "look"}, SMALL]
        turns: list[Any] = [{"role": "user", "content": "hi"}]
        if role == "tool":
            call = {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
            turns += [{"role": "assistant", "content": "", "tool_calls": [call]}]
            turns += [{"role": "tool", "tool_call_id": "call_1", "content": content}]
        else:
            turns += [{"role": role, "content": content}, {"role": "user", "content": "and?"}]
        return turns

    return messages


URL = "https://example.com/"
CASES = [
    Case("600-images", _images(*[SMALL] * 600), None),
    Case("601-images", _images(*[SMALL] * 601), "images.count"),
    Case("url-8192", _images(image_url(URL + "a" * (8192 - len(URL)))), None),
    Case("url-8193", _images(image_url(URL + "a" * (8193 - len(URL)))), "messages.image_url_length"),
    *(
        Case(f"detail-{d}", _images(image_url(URL + "a.png", detail=d)), None)
        for d in ("low", "high", "original", "auto")
    ),
    Case("detail-medium", _images(image_url(URL + "a.png", detail="medium")), "messages.image_detail"),
    Case("inline-32MiB", _inline_of(32 * MIB), None),
    Case("inline-32MiB+1", _inline_of(32 * MIB + 1), "messages.image_size"),
    Case("side-8192", _images(image_url(data_url(png(8192, 1)))), None),
    Case("side-8193", _images(image_url(data_url(png(1, 8193)))), "messages.image_pixels"),
    Case("15-images-4096", _images(image_url(data_url(png(4096, 1))), *[SMALL] * 14), None),
    Case(
        "15-images-4097",
        _images(image_url(data_url(png(4097, 1))), *[SMALL] * 14),
        "images.pixels_many",
    ),
    Case("14-images-4097", _images(image_url(data_url(png(4097, 1))), *[SMALL] * 13), None),
    Case("in-system", _with_role("system"), "messages.part_role"),
    Case("in-assistant", _with_role("assistant"), "messages.part_role"),
    Case("in-tool", _with_role("tool"), "messages.part_role"),
    Case("on-pro", _images(SMALL), "messages.vision", model="deepseek-v4-pro"),
    Case("on-vision-alias", _images(SMALL), None, model="deepseek-v4-flash-vision-exp"),
    Case("jpeg", _images(image_url(data_url(jpeg(), "image/jpeg"))), None),
    Case("gif", _images(image_url(data_url(gif(), "image/gif"))), None),
    Case("webp", _images(image_url(data_url(webp(), "image/webp"))), None),
    Case("jpeg-labelled-png", _images(image_url(data_url(jpeg(), "image/png"))), None),
    Case("pdf", _images(image_url(data_url(PDF, "application/pdf"))), "messages.image_type"),
    Case("bmp", _images(image_url(data_url(b"BM" + b"\0" * 60, "image/bmp"))), "messages.image_type"),
    Case("http-url", _images(image_url("http://example.com/a.png")), "messages.image_scheme"),
    Case("local-path", _images(image_url("/home/me/cat.png")), "messages.image_scheme"),
    Case("not-base64", _images(image_url("data:image/png,%89PNG")), "messages.image_data"),
    Case("no-url", _images({"type": "image_url", "image_url": {}}), "messages.image_part"),  # type: ignore[typeddict-item]
    Case("file-data", _images({"type": "file", "file": {"file_data": data_url(png())}}), None),
    Case(
        "file-data-pdf",
        _images({"type": "file", "file": {"file_data": data_url(PDF)}}),
        "messages.image_type",
    ),
]


def _body(case: Case) -> dict[str, Any]:
    return {"model": case.model, "messages": case.messages(), "thinking": {"type": "disabled"}}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_the_client_refuses_exactly_what_the_documents_refuse(case: Case) -> None:
    body = _body(case)
    if case.rule is None:
        prepared = prepare_request("chat", body, Policy())
        assert prepared.body["messages"] == body["messages"]  # sent as given
        return
    with pytest.raises((DeepSeekRequestError, UnsupportedFeatureError)) as info:
        prepare_request("chat", body, Policy())
    assert info.value.rule == case.rule
    assert info.value.source is not None


@pytest.fixture
def raw(deepseek_emulator: DeepSeekEmulator) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(
        api_key=deepseek_emulator.api_key, base_url=deepseek_emulator.base_url, max_retries=0, timeout=60
    ) as client:
        yield client


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_the_emulator_answers_400_exactly_there(case: Case, raw: openai.OpenAI) -> None:
    body = _body(case)

    def call() -> Any:
        return raw.chat.completions.create(
            model=body["model"], messages=body["messages"], extra_body={"thinking": body["thinking"]}
        )

    if case.rule is None:
        reply = call()
        assert (reply.choices[0].message.content or "").startswith("Echo:")
        return
    with pytest.raises(openai.BadRequestError):
        call()


def test_the_server_reads_the_bytes_not_the_label() -> None:
    body = {"model": FLASH, "messages": ask(image_url(data_url(jpeg(), "image/png")))}
    request = parse_chat(body, beta=False)
    assert isinstance(request, ChatRequest)
    assert [i.describe() for i in request.images] == [f"[image image/jpeg 4x3, {len(jpeg())} bytes]"]


# --------------------------------------------------------------------------------------------
# The per-request byte limits only the server can see (URL images are fetched there, file ids are
# stored there): 64 MiB of images a request without file ids, 200 MiB with. Checked on the emulator's
# validation directly, with stored files that are only sizes.


def _stored(file_id: str, size: int) -> StoredFile:
    return StoredFile(file_id, "key", "x.png", ImageBytes("image/png", size, 2, 2), 0, None, 1)


@pytest.mark.parametrize(("sizes", "accepted"), [((64, 64, 64, 8), True), ((64, 64, 64, 8.5), False)])
def test_200_mib_of_images_with_file_ids(sizes: tuple[float, ...], accepted: bool) -> None:
    files = {f"file-api-{i}": _stored(f"file-api-{i}", int(size * MIB)) for i, size in enumerate(sizes)}
    parts = [{"type": "file", "file": {"file_id": file_id}} for file_id in files]
    body = {"model": FLASH, "messages": [{"role": "user", "content": parts}]}
    result = parse_chat(body, beta=False, files=files.get)
    if accepted:
        assert isinstance(result, ChatRequest), result
    else:
        assert isinstance(result, ApiError)
        assert result.status == 400
        assert "200 MiB" in result.message


def test_a_missing_file_id_is_a_400_that_says_upload_again() -> None:
    body = {
        "model": FLASH,
        "messages": [{"role": "user", "content": [{"type": "file", "file": {"file_id": "file-api-x"}}]}],
    }
    result = parse_chat(body, beta=False, files=lambda file_id: None)
    assert isinstance(result, ApiError)
    assert result.status == 400
    assert "Upload it again" in result.message


def test_64_mib_of_images_without_file_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inline images cannot reach 64 MiB inside a 48 MiB body, so the limit is checked at a small
    figure: the same code, with two small PNGs exactly at it and one byte over."""
    from deepseek_openai.testing import _validation

    two = 2 * len(png())
    body = {"model": FLASH, "messages": ask(SMALL, SMALL)}
    monkeypatch.setattr(_validation, "MAX_REQUEST_IMAGE_BYTES", two)
    assert isinstance(parse_chat(body, beta=False), ChatRequest)
    monkeypatch.setattr(_validation, "MAX_REQUEST_IMAGE_BYTES", two - 1)
    refused = parse_chat(body, beta=False)
    assert isinstance(refused, ApiError)
    assert refused.status == 400


def test_off_mode_sends_and_the_server_answers_400(deepseek_emulator: DeepSeekEmulator) -> None:
    client = get_client(
        api_key=deepseek_emulator.api_key,
        base_url=deepseek_emulator.base_url,
        guard_mode="off",
        max_retries=0,
    )
    with pytest.raises(InvalidFormatError, match="does not support image input"):
        client.chat.completions.create(model="deepseek-v4-pro", messages=ask(SMALL))
    with pytest.raises(InvalidFormatError, match="only JPEG, PNG, GIF and WebP"):
        client.files.create(file=("scan.png", PDF), purpose="user_data")
    assert deepseek_emulator.request_count() == 2


# --------------------------------------------------------------------------------------------
# The same rules over a Responses input (input_image parts; deepseek-api.md sections 12 and 13)


def _input_image(data: bytes) -> dict[str, Any]:
    return {"type": "input_image", "image_url": data_url(data), "detail": "auto"}


RESPONSES_CASES = [
    ("600-images", [_input_image(png())] * 600, "user", None),
    ("601-images", [_input_image(png())] * 601, "user", "images.count"),
    (
        "15-images-4097",
        [_input_image(png(4097, 1)), *[_input_image(png())] * 14],
        "user",
        "images.pixels_many",
    ),
    ("developer-role", [_input_image(png())], "developer", None),
    ("system-role", [_input_image(png())], "system", "responses.image_role"),
    ("file-id", [{"type": "input_image", "file_id": "file-api-1", "detail": "low"}], "user", None),
    ("original-detail", [{**_input_image(png()), "detail": "original"}], "user", None),
]


@pytest.mark.parametrize(
    ("name", "parts", "role", "rule"), RESPONSES_CASES, ids=[c[0] for c in RESPONSES_CASES]
)
def test_responses_images_meet_the_same_limits(
    name: str, parts: list[Any], role: str, rule: str | None
) -> None:
    body = {
        "model": FLASH,
        "input": [{"role": role, "content": [{"type": "input_text", "text": "?"}, *parts]}],
    }
    if rule is None:
        prepare_request("responses", body, Policy())
        return
    with pytest.raises((DeepSeekRequestError, UnsupportedFeatureError)) as info:
        prepare_request("responses", body, Policy())
    assert info.value.rule == rule
    assert info.value.param == "input"
