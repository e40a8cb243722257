"""Endpoints DeepSeek does not have fail fast, on every path, and never reach the network."""

from __future__ import annotations

import inspect
import warnings
from typing import Any

import openai
import pytest

from deepseek_openai import AsyncDeepSeek, DeepSeek, UnsupportedFeatureError
from deepseek_openai._endpoints import (
    SERVED_NAMESPACES as SUPPORTED_NAMESPACES,
)
from deepseek_openai._endpoints import (
    NamespaceGuard,
    resource_namespaces,
    unsupported_namespaces,
)
from deepseek_openai._errors import DeepSeekError
from tests.conftest import Recorder

from ._support import async_client, drive_async, drive_sync, public_members, sync_client

GUARDED = unsupported_namespaces(openai.OpenAI)
PREFIXES = {"with_raw_response", "with_streaming_response"}


def test_the_guarded_list_comes_from_the_installed_client() -> None:
    # Everything the issue names, read from the client class rather than typed in.
    for name in (
        "embeddings",
        "images",
        "audio",
        "moderations",
        "fine_tuning",
        "batches",
        "vector_stores",
        "uploads",
        "realtime",
        "containers",
        "evals",
        "conversations",
        "videos",
        "beta",
    ):
        assert name in GUARDED
    assert set(resource_namespaces(openai.OpenAI)) == set(GUARDED) | SUPPORTED_NAMESPACES | PREFIXES
    assert DeepSeek.__deepseek_guarded_namespaces__ == GUARDED  # type: ignore[attr-defined]
    assert AsyncDeepSeek.__deepseek_guarded_namespaces__ == unsupported_namespaces(  # type: ignore[attr-defined]
        openai.AsyncOpenAI
    )


def test_a_namespace_added_by_a_new_openai_release_is_guarded_automatically() -> None:
    from functools import cached_property

    from openai.resources.embeddings import Embeddings

    from deepseek_openai._endpoints import guard_namespaces

    class FutureOpenAI(openai.OpenAI):
        @cached_property
        def holograms(self) -> Embeddings:
            return Embeddings(self)

    FutureOpenAI.__module__ = "openai._client"  # as if openai itself shipped it

    @guard_namespaces
    class FutureDeepSeek(FutureOpenAI):
        pass

    client = FutureDeepSeek(api_key="x", base_url="http://127.0.0.1:9")
    with pytest.raises(UnsupportedFeatureError, match=r"client\.holograms\.create"):
        client.holograms.create(input="x", model="m")


def test_attribute_access_probing_and_isinstance_do_not_raise(recorder: Recorder) -> None:
    client = sync_client(recorder)
    assert isinstance(client.embeddings, openai.resources.Embeddings)
    assert isinstance(client.audio.transcriptions, openai.resources.audio.Transcriptions)
    assert hasattr(client.images, "generate")
    assert "create" in dir(client.embeddings)
    assert "unsupported on DeepSeek" in repr(client.embeddings)
    assert client.embeddings is client.embeddings  # cached once per client, like openai's


def test_supported_namespaces_are_not_proxied(recorder: Recorder) -> None:
    client = sync_client(recorder)
    for name in ("chat", "completions", "models", "files", "responses"):
        assert not isinstance(getattr(client, name), NamespaceGuard), name
    assert not isinstance(client.beta.chat, NamespaceGuard)
    assert not isinstance(client.beta.responses, NamespaceGuard)
    assert callable(client.beta.chat.completions.parse)


def test_every_method_of_every_guarded_namespace_refuses_sync(recorder: Recorder) -> None:
    client = sync_client(recorder)
    seen = 0
    for name in GUARDED:
        for path, method in public_members(getattr(client, name), (name,)):
            with pytest.raises(UnsupportedFeatureError) as info:
                drive_sync(method())
            assert isinstance(info.value, NotImplementedError | DeepSeekError)
            assert "client." + path[0] in info.value.what
            seen += 1
    assert seen > 300  # the walk really covered the SDK surface
    assert recorder.requests == []


async def test_every_method_of_every_guarded_namespace_refuses_async(recorder: Recorder) -> None:
    client = async_client(recorder)
    seen = 0
    for name in GUARDED:
        for _path, method in public_members(getattr(client, name), (name,)):
            with pytest.raises(UnsupportedFeatureError):
                await drive_async(method())  # async def methods refuse when awaited
            seen += 1
    assert seen > 300
    assert recorder.requests == []


def test_async_methods_refuse_on_await_not_on_call(recorder: Recorder) -> None:
    client = async_client(recorder)
    coro = client.embeddings.create(input="x", model="m")
    assert inspect.iscoroutine(coro)
    with pytest.raises(UnsupportedFeatureError, match=r"client\.embeddings\.create"):
        coro.send(None)
    assert recorder.requests == []


@pytest.mark.parametrize(
    "reach",
    [
        pytest.param(lambda c: c.embeddings.create, id="direct"),
        pytest.param(lambda c: c.with_raw_response.embeddings.create, id="client.with_raw_response"),
        pytest.param(lambda c: c.embeddings.with_raw_response.create, id="ns.with_raw_response"),
        pytest.param(
            lambda c: c.with_streaming_response.embeddings.create, id="client.with_streaming_response"
        ),
        pytest.param(lambda c: c.embeddings.with_streaming_response.create, id="ns.with_streaming_response"),
        pytest.param(lambda c: c.with_options(timeout=5).embeddings.create, id="with_options"),
        pytest.param(lambda c: c.copy(max_retries=1).embeddings.create, id="copy"),
        pytest.param(lambda c: c.beta_client.embeddings.create, id="beta_client"),
        pytest.param(
            lambda c: c.with_options(thinking=False).with_raw_response.embeddings.create, id="chained"
        ),
    ],
)
async def test_every_route_to_a_guarded_method_refuses(recorder: Recorder, reach: Any) -> None:
    with pytest.raises(UnsupportedFeatureError, match=r"client\.embeddings\.create\(\) is not available"):
        drive_sync(reach(sync_client(recorder))(input="x", model="m"))
    with pytest.raises(UnsupportedFeatureError, match=r"client\.embeddings\.create\(\) is not available"):
        await drive_async(reach(async_client(recorder))(input="x", model="m"))
    assert recorder.requests == []


def test_beta_keeps_what_deepseek_has_and_guards_the_rest(recorder: Recorder) -> None:
    client = sync_client(recorder)
    with pytest.raises(UnsupportedFeatureError, match=r"beta\.assistants"):
        client.beta.assistants.create(model="deepseek-flash")
    with pytest.raises(UnsupportedFeatureError, match=r"beta\.threads"):
        client.beta.with_raw_response.threads.create()
    reply = client.beta.chat.completions.create(
        model="deepseek-flash", messages=[{"role": "user", "content": "hi"}]
    )
    assert reply.choices[0].message.content == "Hello"
    assert len(recorder.requests) == 1


def test_warn_mode_refuses_like_strict(recorder: Recorder) -> None:
    """DeepSeek has no embeddings: the default mode refuses before the network (a 404 would follow)."""
    client = sync_client(recorder, guard_mode="warn")
    with pytest.raises(UnsupportedFeatureError, match=r"client\.embeddings\.create") as info:
        client.with_raw_response.embeddings.create(input="x", model="m")
    assert isinstance(info.value, openai.BadRequestError)
    assert recorder.requests == []


def test_off_mode_lets_the_call_through_silently(recorder: Recorder) -> None:
    recorder.reply(404, json={"error": {"message": "Not Found", "type": "invalid_request_error"}})
    client = sync_client(recorder, guard_mode="off")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(openai.NotFoundError):
            client.embeddings.create(input="x", model="m")
    assert len(recorder.requests) == 1


def test_guard_mode_from_environment(recorder: Recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEEPSEEK_GUARD_MODE", "off")
    recorder.reply(404, json={"error": {"message": "Not Found", "type": "invalid_request_error"}})
    with pytest.raises(openai.NotFoundError):
        sync_client(recorder).moderations.create(input="x")
    assert len(recorder.requests) == 1


def test_supported_namespaces_still_work(recorder: Recorder) -> None:
    client = sync_client(recorder)
    recorder.reply(
        200,
        json={
            "object": "list",
            "data": [{"id": "deepseek-flash", "object": "model", "owned_by": "deepseek"}],
        },
    )
    assert [m.id for m in client.models.list()] == ["deepseek-flash"]
    recorder.reply(200, json={"object": "list", "data": [], "has_more": False})
    assert list(client.files.list()) == []
    recorder.reply(
        200,
        json={
            "id": "cmpl-1",
            "object": "text_completion",
            "created": 1,
            "model": "deepseek-flash",
            "choices": [{"index": 0, "text": "pass", "finish_reason": "stop", "logprobs": None}],
        },
    )
    fim = client.beta_client.completions.create(model="deepseek-flash", prompt="def f():", suffix="\n")
    assert fim.choices[0].text == "pass"
    assert recorder.last.url.path.endswith("/beta/completions")
    assert len(recorder.requests) == 3
