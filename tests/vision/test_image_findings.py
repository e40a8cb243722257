"""What each image refusal tells the caller: the rule, the error class, the parameter (``messages`` for
Chat Completions, ``input`` for Responses), the part it is about, and the fact it broke.

The facts are deepseek-api.md section 13's: https or data: URLs of at most 8,192 characters; detail
low/high/original/auto; JPEG/PNG/GIF/WebP told from the bytes; at most 32 MiB an inline image; at
most 8,192 pixels a side, 4,096 from 15 images on; at most 600 images a request; images only in user
messages (Responses: developer is read as user) and only on deepseek-flash; section 5's 48 MiB body.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import pytest

from deepseek_openai import DeepSeekRequestError, UnsupportedFeatureError
from deepseek_openai._pipeline import prepare_request
from deepseek_openai._rules import Policy
from tests.images import PDF, ask, data_url, file_part, image_url, png

MIB = 1024 * 1024
FLASH = "deepseek-flash"
PRO = "deepseek-v4-pro"
SMALL = image_url(data_url(png()))
URL = "https://example.com/"


def _refused(kind: str, body: dict[str, Any]) -> DeepSeekRequestError | UnsupportedFeatureError:
    with pytest.raises((DeepSeekRequestError, UnsupportedFeatureError)) as info:
        prepare_request(kind, body, Policy())  # type: ignore[arg-type]
    error = info.value
    assert isinstance(error, DeepSeekRequestError | UnsupportedFeatureError)
    return error


def _taken(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    return prepare_request(kind, body, Policy()).body  # type: ignore[arg-type]


def _chat(*parts: Any, model: str = FLASH) -> dict[str, Any]:
    return {"model": model, "messages": ask(*parts), "thinking": {"type": "disabled"}}


def _responses(*parts: Any, role: str = "user", model: str = FLASH) -> dict[str, Any]:
    content = [{"type": "input_text", "text": "What is this?"}, *parts]
    return {"model": model, "input": [{"role": role, "content": content}]}


def _input_image(url: str, **extra: Any) -> dict[str, Any]:
    return {"type": "input_image", "image_url": url, **extra}


@dataclass(frozen=True)
class Refusal:
    name: str
    body: Callable[[], dict[str, Any]]
    rule: str
    unsupported: bool
    what: tuple[str, ...]
    """Words of the error's ``what`` (the part and the fact)."""
    why: tuple[str, ...] = ()
    """Words of its ``why`` (the documented limit)."""
    kind: str = "chat"


_WHERE = "messages[0].content[1]"
_IN = "input[0].content[1]"
CHAT_REFUSALS = [
    Refusal(
        "no-url",
        lambda: _chat({"type": "image_url", "image_url": {}}),
        "messages.image_part",
        False,
        (f"{_WHERE} is an image_url part without a url",),
    ),
    Refusal(
        "url-not-a-string",
        lambda: _chat({"type": "image_url", "image_url": {"url": 5}}),
        "messages.image_part",
        False,
        (f"{_WHERE} is an image_url part without a url",),
    ),
    Refusal(
        "file-without-file",
        lambda: _chat({"type": "file"}),
        "messages.image_part",
        False,
        (f"{_WHERE} is a file part without a file object",),
    ),
    Refusal(
        "file-without-id-or-data",
        lambda: _chat({"type": "file", "file": {"filename": "a.png"}}),
        "messages.image_part",
        False,
        (f"{_WHERE} is a file part with neither file_id nor file_data",),
    ),
    Refusal(
        "http",
        lambda: _chat(image_url("http://example.com/a.png")),
        "messages.image_scheme",
        False,
        (f"{_WHERE} has the image URL 'http://example.com/a.png'", "scheme http:"),
    ),
    Refusal(
        "file-url",
        lambda: _chat(image_url("file:///home/me/cat.png")),
        "messages.image_scheme",
        False,
        ("'file:///home/me/cat.png'", "scheme file:"),
    ),
    Refusal(
        "local-path",
        lambda: _chat(image_url("cat.png")),
        "messages.image_scheme",
        False,
        (f"{_WHERE} has the image URL 'cat.png'", "not a URL"),
    ),
    Refusal(
        "url-8193",
        lambda: _chat(image_url(URL + "a" * (8193 - len(URL)))),
        "messages.image_url_length",
        False,
        (f"{_WHERE} has an image URL of 8,193 characters",),
        ("at most 8,192 characters",),
    ),
    Refusal(
        "detail-medium",
        lambda: _chat(image_url(URL + "a.png", detail="medium")),
        "messages.image_detail",
        False,
        (f"{_WHERE} has detail='medium'",),
        ("low, high, original, auto",),
    ),
    Refusal(
        "detail-not-a-string",
        lambda: _chat(image_url(URL + "a.png", detail=5)),
        "messages.image_detail",
        False,
        (f"{_WHERE} has detail=5",),
    ),
    Refusal(
        "data-url-not-base64",
        lambda: _chat(image_url("data:image/png,%89PNG")),
        "messages.image_data",
        False,
        (f"{_WHERE} has inline image data that is not base64",),
    ),
    Refusal(
        "file-data-not-base64",
        lambda: _chat({"type": "file", "file": {"file_data": "not base64 !!"}}),
        "messages.image_data",
        False,
        (f"{_WHERE} has inline image data that is not base64",),
    ),
    Refusal(
        "pdf-labelled-png",
        lambda: _chat(image_url(data_url(PDF, "image/png"))),
        "messages.image_type",
        True,
        (f"{_WHERE} is a PDF document (labelled image/png)",),
        ("JPEG, PNG, GIF, WebP",),
    ),
    Refusal(
        "pdf-labelled-pdf",
        lambda: _chat(image_url(data_url(PDF, "application/pdf"))),
        "messages.image_type",
        True,
        (f"{_WHERE} is a PDF document",),
    ),
    Refusal(
        "bare-base64-pdf",
        lambda: _chat({"type": "file", "file": {"file_data": base64.b64encode(PDF).decode()}}),
        "messages.image_type",
        True,
        (f"{_WHERE} is a PDF document",),
    ),
    Refusal(
        "inline-32MiB+1",
        lambda: _chat(image_url(data_url(png(pad=32 * MIB + 1 - len(png(pad=1)) + 1)))),
        "messages.image_size",
        False,
        (f"{_WHERE} is an inline image of 32.0 MiB (33,554,433 bytes)",),
        ("at most 32 MiB each",),
    ),
    Refusal(
        "side-8193",
        lambda: _chat(image_url(data_url(png(8193, 1)))),
        "messages.image_pixels",
        False,
        (f"{_WHERE} is 8193 x 1 pixels",),
        ("at most 8192 pixels a side",),
    ),
    Refusal(
        "601-images",
        lambda: _chat(*[SMALL] * 601),
        "images.count",
        False,
        ("the request carries 601 images",),
        ("at most 600 images a request",),
    ),
    Refusal(
        "15-images-one-4097",
        lambda: _chat(*[SMALL] * 3, image_url(data_url(png(1, 4097))), *[SMALL] * 11),
        "images.pixels_many",
        False,
        ("the request carries 15 images and messages[0].content[4] is 1 x 4097 pixels",),
        ("from 15 images a request on", "at most 4096 pixels a side"),
    ),
]


def _responses_refusals() -> list[Refusal]:
    small = _input_image(data_url(png()))
    return [
        Refusal(
            "no-image",
            lambda: _responses({"type": "input_image", "detail": "auto"}),
            "responses.image_part",
            False,
            (f"{_IN} is an input_image part with neither image_url nor file_id",),
            kind="responses",
        ),
        Refusal(
            "http",
            lambda: _responses(_input_image("http://example.com/a.png")),
            "responses.image_scheme",
            False,
            (f"{_IN} has the image URL 'http://example.com/a.png'", "scheme http:"),
            kind="responses",
        ),
        Refusal(
            "url-8193",
            lambda: _responses(_input_image(URL + "a" * (8193 - len(URL)))),
            "responses.image_url_length",
            False,
            (f"{_IN} has an image URL of 8,193 characters",),
            ("at most 8,192 characters",),
            kind="responses",
        ),
        Refusal(
            "detail-medium",
            lambda: _responses(_input_image(URL + "a.png", detail="medium")),
            "responses.image_detail",
            False,
            (f"{_IN} has detail='medium'",),
            kind="responses",
        ),
        Refusal(
            "not-base64",
            lambda: _responses(_input_image("data:image/png,%89PNG")),
            "responses.image_data",
            False,
            (f"{_IN} has inline image data that is not base64",),
            kind="responses",
        ),
        Refusal(
            "pdf",
            lambda: _responses(_input_image(data_url(PDF, "image/png"))),
            "responses.image_type",
            True,
            (f"{_IN} is a PDF document (labelled image/png)",),
            kind="responses",
        ),
        Refusal(
            "side-8193",
            lambda: _responses(_input_image(data_url(png(1, 8193)))),
            "responses.image_pixels",
            False,
            (f"{_IN} is 1 x 8193 pixels",),
            ("at most 8192 pixels a side",),
            kind="responses",
        ),
        Refusal(
            "in-assistant",
            lambda: _responses(small, role="assistant"),
            "responses.image_role",
            False,
            (f"{_IN} ('assistant') is an input_image",),
            kind="responses",
        ),
        Refusal(
            "in-system",
            lambda: _responses(small, role="system"),
            "responses.image_role",
            False,
            (f"{_IN} ('system') is an input_image",),
            kind="responses",
        ),
        Refusal(
            "on-pro",
            lambda: _responses(small, model=PRO),
            "responses.vision",
            True,
            (f"{_IN} is an input_image for model 'deepseek-v4-pro'",),
            kind="responses",
        ),
        Refusal(
            "601-images",
            lambda: _responses(*[small] * 601),
            "images.count",
            False,
            ("the request carries 601 images",),
            ("at most 600 images a request",),
            kind="responses",
        ),
        Refusal(
            "15-images-one-4097",
            lambda: _responses(*[small] * 2, _input_image(data_url(png(4097, 2))), *[small] * 12),
            "images.pixels_many",
            False,
            ("the request carries 15 images and input[0].content[3] is 4097 x 2 pixels",),
            ("from 15 images a request on", "at most 4096 pixels a side"),
            kind="responses",
        ),
    ]


REFUSALS = CHAT_REFUSALS + _responses_refusals()


@pytest.mark.parametrize("case", REFUSALS, ids=lambda c: f"{c.kind}-{c.name}")
def test_each_refusal_names_the_rule_the_parameter_the_part_and_the_fact(case: Refusal) -> None:
    error = _refused(case.kind, case.body())
    assert error.rule == case.rule
    assert type(error) is (UnsupportedFeatureError if case.unsupported else DeepSeekRequestError)
    assert error.param == ("input" if case.kind == "responses" else "messages")
    for words in case.what:
        assert words in error.what
    for words in case.why:
        assert words in error.why
    assert error.source is not None


@pytest.mark.parametrize("label", ["application/pdf", "APPLICATION/PDF"])
def test_a_label_that_matches_the_bytes_is_not_repeated(label: str) -> None:
    error = _refused("chat", _chat(image_url(data_url(PDF, label))))
    assert error.rule == "messages.image_type"
    assert error.what == f"{_WHERE} is a PDF document"


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("cat.png", "not a URL (a local path?)"),
        ("C:\\images\\cat.png", "a URL of scheme c:"),
        ("ftp://example.com/cat.png", "a URL of scheme ftp:"),
    ],
    ids=["local-path", "windows-path", "ftp"],  # no backslash in an id: mutmut hands ids back to pytest
)
def test_an_image_url_that_is_not_https_or_data_says_what_it_is(url: str, kind: str) -> None:
    error = _refused("chat", _chat(image_url(url)))
    assert error.rule == "messages.image_scheme"
    assert error.what == f"{_WHERE} has the image URL {url!r}, {kind}"


def test_an_image_part_given_as_a_read_only_mapping_meets_the_image_rows_as_a_dict_does() -> None:
    # The SDK's part types are TypedDicts, but any Mapping is a part: it must not skip the image rows.
    part = MappingProxyType({"type": "image_url", "image_url": MappingProxyType({"url": "cat.png"})})
    error = _refused("chat", _chat(part))
    assert error.rule == "messages.image_scheme"
    assert error.what == f"{_WHERE} has the image URL 'cat.png', not a URL (a local path?)"


def test_the_vision_refusal_on_responses_cites_the_model_catalogue() -> None:
    """Which model takes images is a fact of the models page (deepseek-api.md section 4), on either API."""
    error = _refused("responses", _responses(_input_image(data_url(png())), model=PRO))
    chat = _refused("chat", _chat(SMALL, model=PRO))
    assert chat.rule == "messages.vision"
    assert error.source is not None
    assert error.source == chat.source
    assert "pricing" in error.source.url
    assert "Models" in error.source.title
    assert "'deepseek-v4-pro'" in error.why
    assert "deepseek-flash" in error.why


# --------------------------------------------------------------------------------------------
# What is taken, at and just inside each limit


TAKEN_CHAT: dict[str, Callable[[], dict[str, Any]]] = {
    "https": lambda: _chat(image_url(URL + "a.png")),
    "https-upper-case": lambda: _chat(image_url("HTTPS://example.com/a.png")),
    "data-upper-case": lambda: _chat(image_url("DATA:image/png;base64," + base64.b64encode(png()).decode())),
    "url-8192": lambda: _chat(image_url(URL + "a" * (8192 - len(URL)))),
    "data-url-over-8192-chars": lambda: _chat(image_url(data_url(png(pad=9000)))),
    "file-data-data-url-over-8192-chars": lambda: _chat(
        {"type": "file", "file": {"file_data": data_url(png(pad=9000))}}
    ),
    "file-data-bare-base64": lambda: _chat(
        {"type": "file", "file": {"file_data": base64.b64encode(png()).decode()}}
    ),
    "file-id": lambda: _chat(file_part("file-api-1")),
    "file-id-and-detail-low": lambda: _chat(image_url(URL + "a.png", detail="low"), file_part("file-api-1")),
    "inline-32MiB": lambda: _chat(image_url(data_url(png(pad=32 * MIB - len(png(pad=1)) + 1)))),
    "side-8192": lambda: _chat(image_url(data_url(png(1, 8192)))),
    "600-images": lambda: _chat(*[SMALL] * 600),
    "15-images-4096": lambda: _chat(image_url(data_url(png(4096, 4096))), *[SMALL] * 14),
    "14-images-one-8192": lambda: _chat(image_url(data_url(png(8192, 1))), *[SMALL] * 13),
    "15-url-images": lambda: _chat(*[image_url(URL + f"{i}.png") for i in range(15)]),
    "15-file-ids": lambda: _chat(*[file_part(f"file-api-{i}") for i in range(15)]),
    "unknown-model": lambda: _chat(SMALL, model="my-own-model"),
}


@pytest.mark.parametrize("name", list(TAKEN_CHAT))
def test_chat_images_the_documents_allow_are_sent_as_given(name: str) -> None:
    body = TAKEN_CHAT[name]()
    assert _taken("chat", body)["messages"] == body["messages"]


TAKEN_RESPONSES: dict[str, Callable[[], dict[str, Any]]] = {
    "user": lambda: _responses(_input_image(data_url(png()))),
    "developer": lambda: _responses(_input_image(data_url(png())), role="developer"),
    "file-id": lambda: _responses({"type": "input_image", "file_id": "file-api-1", "detail": "high"}),
    "url-8192": lambda: _responses(_input_image(URL + "a" * (8192 - len(URL)))),
    "side-8192": lambda: _responses(_input_image(data_url(png(8192, 3)))),
    "600-images": lambda: _responses(*[_input_image(data_url(png()))] * 600),
    "15-images-4096": lambda: _responses(*[_input_image(data_url(png(3, 4096)))] * 15),
    "unknown-model": lambda: _responses(_input_image(data_url(png())), model="my-own-model"),
    "text-input": lambda: {"model": FLASH, "input": "What is in a picture?"},
}


@pytest.mark.parametrize("name", list(TAKEN_RESPONSES))
def test_responses_images_the_documents_allow_are_sent_as_given(name: str) -> None:
    body = TAKEN_RESPONSES[name]()
    assert _taken("responses", body)["input"] == body["input"]


def test_only_message_items_are_read_for_images() -> None:
    """A Responses input item of another type is not a message: its content is not image input."""
    tool_output = {
        "type": "function_call_output",
        "call_id": "call_1",
        "content": [_input_image("http://example.com/a.png")],
    }
    message = {"type": "message", "role": "user", "content": [_input_image(data_url(png()))]}
    body = {"model": FLASH, "input": ["not an item", tool_output, message]}
    assert _taken("responses", body)["input"] == body["input"]
    # An explicit type "message" is read like a message without a type, after any other item.
    body["input"] = ["not an item", tool_output, {**message, "role": "assistant"}]
    error = _refused("responses", body)
    assert (error.rule, error.param) == ("responses.image_role", "input")
    assert "input[2].content[0] ('assistant')" in error.what


def test_a_part_that_is_not_an_object_is_not_an_image() -> None:
    body = _responses("a bare string part", _input_image(data_url(png())))
    assert _taken("responses", body)["input"] == body["input"]
    error = _refused("responses", _responses("a bare string part", _input_image("http://example.com/a.png")))
    assert (error.rule, error.param) == ("responses.image_scheme", "input")
    assert "input[0].content[2] has the image URL 'http://example.com/a.png'" in error.what


def test_the_images_of_every_input_item_count_together() -> None:
    items = [{"role": "user", "content": [_input_image(data_url(png()))] * 300} for _ in range(2)]
    assert _taken("responses", {"model": FLASH, "input": items})["input"] == items
    items.append({"role": "user", "content": [_input_image(data_url(png()))]})
    error = _refused("responses", {"model": FLASH, "input": items})
    assert (error.rule, error.param) == ("images.count", "input")
    assert "601 images" in error.what


def test_the_images_of_every_message_count_together() -> None:
    turn: Any = {"role": "user", "content": [SMALL] * 200}
    reply: Any = {"role": "assistant", "content": "I see."}
    messages = [turn, reply, turn, reply, turn]
    assert _taken("chat", {"model": FLASH, "messages": messages})["messages"] == messages
    error = _refused(
        "chat", {"model": FLASH, "messages": [*messages, reply, {"role": "user", "content": [SMALL]}]}
    )
    assert (error.rule, error.param) == ("images.count", "messages")
    assert "601 images" in error.what


def test_a_chat_request_counts_the_images_of_its_messages_only() -> None:
    """``input`` is a Responses field: in a chat body it is sent as given, and its parts are not images
    of the request."""
    extra = [{"role": "user", "content": [_input_image(data_url(png()))] * 601}]
    body = {**_chat(SMALL), "input": extra}
    sent = _taken("chat", body)
    assert (sent["messages"], sent["input"]) == (body["messages"], extra)


def test_the_largest_image_of_many_is_the_one_named() -> None:
    """Of several images over 4,096 pixels a side, the refusal names the largest (the first of equals)."""
    parts = [
        image_url(data_url(png(4100, 1))),
        image_url(data_url(png(1, 5000))),
        image_url(data_url(png(5000, 2))),
        *[SMALL] * 12,
    ]
    error = _refused("chat", _chat(*parts))
    assert error.rule == "images.pixels_many"
    assert "messages[0].content[2] is 1 x 5000 pixels" in error.what


def test_the_largest_image_is_looked_for_across_messages() -> None:
    first: Any = {"role": "user", "content": [SMALL] * 10}
    second: Any = {
        "role": "user",
        "content": [SMALL, SMALL, SMALL, image_url(data_url(png(4097, 4097))), SMALL],
    }
    error = _refused("chat", {"model": FLASH, "messages": [first, second]})
    assert error.rule == "images.pixels_many"
    assert "the request carries 15 images and messages[1].content[3] is 4097 x 4097 pixels" in error.what


# --------------------------------------------------------------------------------------------
# The 48 MiB request body: inline images are counted by their base64 characters


def _inline_chars(total: int) -> list[str]:
    """Two PNG data: URLs whose base64 payloads add up to ``total`` characters (a multiple of 8)."""
    each = total // 2
    raw = each // 4 * 3
    head = len(png(pad=1)) - 1
    return [data_url(png(pad=raw - head)) for _ in range(2)]


def _payload(url: str) -> int:
    return len(url) - url.index(",") - 1


def test_48_mib_of_inline_images_are_taken_and_4_characters_more_refused() -> None:
    urls = _inline_chars(48 * MIB)
    assert sum(map(_payload, urls)) == 48 * MIB
    body = _chat(*map(image_url, urls))
    assert _taken("chat", body)["messages"] == body["messages"]
    over = data_url(png(pad=_payload(urls[1]) // 4 * 3 - len(png(pad=1)) + 1 + 3))
    assert _payload(urls[0]) + _payload(over) == 48 * MIB + 4
    error = _refused("chat", _chat(image_url(urls[0]), image_url(over)))
    assert (error.rule, error.param) == ("request.size", "messages")
    assert "48.0 MiB (50,331,652 bytes)" in error.what
    assert "at most 48 MiB" in error.why


def test_the_48_mib_limit_holds_for_a_responses_input_too() -> None:
    urls = _inline_chars(48 * MIB + 8)
    error = _refused("responses", _responses(*map(_input_image, urls)))
    assert (error.rule, error.param) == ("request.size", "input")
    assert "(50,331,656 bytes)" in error.what
    taken = _responses(*map(_input_image, _inline_chars(48 * MIB)))
    assert _taken("responses", taken)["input"] == taken["input"]


def test_a_responses_image_part_without_an_image_explains_the_responses_shape() -> None:
    """The Responses API takes ``input_image`` parts with image_url or file_id (deepseek-api.md 12),
    not chat's image_url objects: the refusal's why and fix say the Responses shape."""
    error = _refused("responses", _responses({"type": "input_image", "detail": "auto"}))
    chat = _refused("chat", _chat({"type": "image_url"}))
    assert error.rule == "responses.image_part"
    assert "'input_image'" in error.why
    assert "file_id" in error.why
    assert "image_url" in error.fix
    assert "file_id" in error.fix
    assert "'input_image'" not in chat.why
