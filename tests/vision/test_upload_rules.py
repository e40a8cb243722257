"""The client's upload rules (POST /files) at, below and above each limit, and what a refusal says.

Facts from deepseek-api.md section 13: ``file`` and ``purpose`` (``user_data``, required); optional
``expires_after`` with ``anchor`` ``created_at`` and ``seconds`` from 3,600 to 2,592,000; only JPEG,
PNG, GIF and WebP told from the bytes; at most 64 MiB a file; file names of at most 512 characters.
Each refusal names the parameter (``param``) and the fact it broke; an upload the client cannot read
(a stream that cannot be read twice) is sent for the server to judge.
"""

from __future__ import annotations

import io
from typing import IO, Any, cast

import pytest

import deepseek_openai as ds
from deepseek_openai import DeepSeek, DeepSeekRequestError, UnsupportedFeatureError
from deepseek_openai._images import Upload
from deepseek_openai._pipeline import prepare_request
from deepseek_openai._rules import Policy
from deepseek_openai.testing import DeepSeekEmulator
from tests.images import PDF, png

MIB = 1024 * 1024


def _upload(*, name: str = "cat.png", size: int | None = None, head: bytes | None = b"") -> Upload:
    data = png() if head == b"" else head
    return Upload(name, len(png()) if size is None else size, data)


def _prepare(**fields: Any) -> dict[str, Any]:
    """The fields sent for an upload the client takes (``file`` is read by the client, never sent as is)."""
    return prepare_request("files", fields, Policy()).body


def _refused(**fields: Any) -> DeepSeekRequestError | UnsupportedFeatureError:
    with pytest.raises((DeepSeekRequestError, UnsupportedFeatureError)) as info:
        prepare_request("files", fields, Policy())
    error = info.value
    assert isinstance(error, DeepSeekRequestError | UnsupportedFeatureError)
    return error


# --------------------------------------------------------------------------------------------
# file: an upload carries a file


@pytest.mark.parametrize("file", [None, b"\x89PNG", "cat.png"], ids=["missing", "raw-bytes", "a-name"])
def test_a_form_without_a_readable_file_is_refused_as_file(file: object) -> None:
    fields: dict[str, Any] = {"purpose": "user_data"}
    if file is not None:
        fields["file"] = file  # what the client's seam would never put there: not an Upload
    error = _refused(**fields)
    assert type(error) is DeepSeekRequestError
    assert (error.rule, error.param) == ("files.file", "file")


# --------------------------------------------------------------------------------------------
# purpose: user_data only; OpenAI's vision is translated


def test_user_data_is_the_purpose_that_is_taken() -> None:
    assert _prepare(file=_upload(), purpose="user_data")["purpose"] == "user_data"


def test_vision_is_sent_as_user_data() -> None:
    assert _prepare(file=_upload(), purpose="vision")["purpose"] == "user_data"


@pytest.mark.parametrize(
    ("purpose", "use", "alternative"),
    [
        ("assistants", "the Assistants API", "send images in user messages"),
        ("batch", "a Batch API", "get_async_client()"),
        ("fine-tune", "fine-tuning", "put examples in the prompt"),
        ("evals", "evals", "client.chat.completions.create"),
    ],
)
def test_an_openai_purpose_is_refused_with_what_to_do_instead(
    purpose: str, use: str, alternative: str
) -> None:
    error = _refused(file=_upload(), purpose=purpose)
    assert type(error) is UnsupportedFeatureError
    assert (error.rule, error.param) == ("files.purpose", "purpose")
    assert f"purpose={purpose!r}" in error.what
    assert f"it has no files for {use}" in error.why
    assert error.fix.startswith("pass purpose='user_data' for images")
    assert f"; for {use}: " in error.fix
    assert alternative in error.fix


@pytest.mark.parametrize(
    "purpose", ["user-data", "USER_DATA", "", 5, None, ["user_data"], {"user_data": 1}], ids=repr
)
def test_any_other_purpose_is_refused_without_an_alternative(purpose: object) -> None:
    fields: dict[str, Any] = {"file": _upload()}
    if purpose is not None:
        fields["purpose"] = purpose
    error = _refused(**fields)
    assert type(error) is UnsupportedFeatureError
    assert (error.rule, error.param) == ("files.purpose", "purpose")
    assert "it has no files for other uses" in error.why
    assert error.fix == "pass purpose='user_data' for images"


# --------------------------------------------------------------------------------------------
# The file's type, size and name


def test_a_pdf_named_png_is_refused_as_file() -> None:
    error = _refused(file=_upload(name="scan.png", head=PDF), purpose="user_data")
    assert type(error) is UnsupportedFeatureError
    assert (error.rule, error.param) == ("files.type", "file")
    assert "'scan.png'" in error.what
    assert "PDF document" in error.what


@pytest.mark.parametrize("size", [64 * MIB - 1, 64 * MIB])
def test_64_mib_is_taken(size: int) -> None:
    assert _prepare(file=_upload(size=size), purpose="user_data")["purpose"] == "user_data"


def test_one_byte_over_64_mib_is_refused_as_file() -> None:
    error = _refused(file=_upload(name="big.png", size=64 * MIB + 1), purpose="user_data")
    assert type(error) is DeepSeekRequestError
    assert (error.rule, error.param) == ("files.size", "file")
    assert "'big.png'" in error.what
    assert "67,108,865 bytes" in error.what
    assert "at most 64 MiB" in error.why


@pytest.mark.parametrize("length", [511, 512])
def test_a_512_character_name_is_taken(length: int) -> None:
    name = "x" * (length - 4) + ".png"
    assert _prepare(file=_upload(name=name), purpose="user_data")["purpose"] == "user_data"


def test_a_513_character_name_is_refused_as_file() -> None:
    error = _refused(file=_upload(name="x" * 509 + ".png"), purpose="user_data")
    assert type(error) is DeepSeekRequestError
    assert (error.rule, error.param) == ("files.filename", "file")
    assert "513 characters" in error.what
    assert "at most 512 characters" in error.why


def test_an_upload_the_client_cannot_read_is_left_to_the_server() -> None:
    """A stream that cannot be read twice: no size, no first bytes; nothing to refuse it for."""
    unread = Upload("pipe.png", None, None)
    assert _prepare(file=unread, purpose="user_data")["purpose"] == "user_data"


# --------------------------------------------------------------------------------------------
# expires_after: {'anchor': 'created_at', 'seconds': 3,600 .. 2,592,000}, or left out


@pytest.mark.parametrize("seconds", [3600, 3601, 86400, 2_591_999, 2_592_000])
def test_an_expiry_in_the_range_is_taken(seconds: int) -> None:
    expiry = {"anchor": "created_at", "seconds": seconds}
    assert _prepare(file=_upload(), purpose="user_data", expires_after=expiry)["expires_after"] == expiry


@pytest.mark.parametrize(
    "expiry",
    [
        {"anchor": "created_at", "seconds": 3599},
        {"anchor": "created_at", "seconds": 2_592_001},
        {"anchor": "created_at", "seconds": 0},
        {"anchor": "created_at", "seconds": 86400.0},
        {"anchor": "created_at", "seconds": "86400"},
        {"anchor": "created_at", "seconds": True},
        {"anchor": "last_active_at", "seconds": 86400},
        {"anchor": "created_at"},
        {"seconds": 86400},
        {"anchor": "created_at", "seconds": 86400, "days": 1},
        {},
        ["anchor", "seconds"],
        86400,
        "created_at",
    ],
    ids=repr,
)
def test_any_other_expiry_is_refused_as_expires_after(expiry: object) -> None:
    error = _refused(file=_upload(), purpose="user_data", expires_after=expiry)
    assert type(error) is DeepSeekRequestError
    assert (error.rule, error.param) == ("files.expires_after", "expires_after")
    assert error.what == f"expires_after={expiry!r}"


# --------------------------------------------------------------------------------------------
# The same through client.files.create: refused before the network, or sent


class _Pipe(io.RawIOBase):
    """A file object that cannot seek (a pipe, a socket): the client cannot look at it first."""

    name = "pipe.png"

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer: Any) -> int:
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_a_stream_that_cannot_seek_is_sent_and_the_server_judges_it(
    deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    uploaded = deepseek_client.files.create(file=cast("IO[bytes]", _Pipe(png())), purpose="user_data")
    assert (uploaded.filename, uploaded.bytes) == ("pipe.png", len(png()))
    with pytest.raises(ds.InvalidFormatError, match="only JPEG, PNG, GIF and WebP"):
        deepseek_client.files.create(file=cast("IO[bytes]", _Pipe(PDF)), purpose="user_data")
    assert deepseek_emulator.request_count() == 2


def test_the_client_refuses_before_the_network_and_names_the_parameter(
    deepseek_client: DeepSeek, deepseek_emulator: DeepSeekEmulator
) -> None:
    with pytest.raises(DeepSeekRequestError) as name:
        deepseek_client.files.create(file=("x" * 509 + ".png", png()), purpose="user_data")
    assert (name.value.rule, name.value.param) == ("files.filename", "file")
    with pytest.raises(DeepSeekRequestError) as expiry:
        deepseek_client.files.create(
            file=png(), purpose="user_data", expires_after={"anchor": "created_at", "seconds": 3599}
        )
    assert (expiry.value.rule, expiry.value.param) == ("files.expires_after", "expires_after")
    with pytest.raises(UnsupportedFeatureError) as purpose:
        deepseek_client.files.create(file=png(), purpose="batch")
    assert (purpose.value.rule, purpose.value.param) == ("files.purpose", "purpose")
    assert deepseek_emulator.request_count() == 0
    kept = deepseek_client.files.create(
        file=("x" * 508 + ".png", png()),
        purpose="user_data",
        expires_after={"anchor": "created_at", "seconds": 3600},
    )
    assert getattr(kept, "expires_at", None) == kept.created_at + 3600
