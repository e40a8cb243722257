"""The endpoint table's parts one by one: row patterns, the refusals (their class, source, and the path,
namespace and date they name), path location, and the namespace guards built on a fresh class.

The table's rows and the client classes are built at import time; these tests build rows and guarded
classes at run time, so what they check runs under test too. Expected paths, advice and dates come
from deepseek-api.md (sections 2, 3, 4, 8, 12 and 13); the source URLs are the official pages
(api-docs.deepseek.com) the errors cite.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cached_property
from typing import Any

import httpx2
import openai
import pytest
from openai.resources.embeddings import Embeddings
from openai.resources.responses import AsyncResponses, Responses

from deepseek_openai import DeepSeekRequestError, UnsupportedFeatureError, get_client
from deepseek_openai._catalogue import Source
from deepseek_openai._endpoints import (
    UNSERVED_METHODS,
    Endpoint,
    NamespaceGuard,
    Unserved,
    UnservedMethod,
    find,
    guard_methods,
    guard_namespaces,
    locate,
    resource_namespaces,
    unsupported_error,
)
from tests.conftest import KEY, Recorder

from ._support import async_client, sync_client

STANDARD = "https://api.deepseek.com"
BETA = "https://api.deepseek.com/beta"
NEWEST_DOCUMENT = "2026-11-15"  # deepseek-api.md section 4: the pricing page copy, the newest one
ENDPOINTS_URL = "https://api-docs.deepseek.com/api/deepseek-api"
RESPONSES_URL = "https://api-docs.deepseek.com/guides/responses"
BETA_URL = "https://api-docs.deepseek.com/guides/chat_prefix_completion"
SOURCE = Source("a page", "https://example.test/page", dt.date(2026, 9, 11))


def _not_found(request: httpx2.Request) -> httpx2.Response:
    return httpx2.Response(404, json={"error": {"message": "Not Found", "type": "invalid_request_error"}})


def _refusal(call: Any) -> UnsupportedFeatureError:
    with pytest.raises(UnsupportedFeatureError) as info:
        call()
    return info.value


# --------------------------------------------------------------------------------------------
# Row patterns, built at run time


def test_a_served_row_matches_one_segment_per_placeholder_and_a_trailing_slash() -> None:
    row = Endpoint("GET", "/files/{file_id}", frozenset({"standard"}), "files", None, "a file", SOURCE)
    assert row.pattern.fullmatch("/files/file-api-1")
    assert row.pattern.fullmatch("/files/file-api-1/")
    for other in ("/files", "/files/", "/files/file-api-1/content", "/files/a/b/", "/filesX/file-api-1"):
        assert not row.pattern.fullmatch(other), other
    two = Endpoint("DELETE", "/a.b/{x}/{item_id}", frozenset({"beta"}), None, None, "two", SOURCE)
    assert two.pattern.fullmatch("/a.b/1/item-2")
    assert not two.pattern.fullmatch("/aXb/1/item-2")  # the rest of the path is literal
    assert not two.pattern.fullmatch("/a.b/1")
    plain = Endpoint("GET", "/user/balance", frozenset({"standard"}), None, None, "the balance", SOURCE)
    assert plain.pattern.fullmatch("/user/balance")
    assert plain.pattern.fullmatch("/user/balance/")
    assert not plain.pattern.fullmatch("/user/balance/x")


def test_an_unserved_row_matches_its_path_and_everything_under_it() -> None:
    row = Unserved(None, "/models/{model}", "a single model's record", "list the models")
    assert row.pattern.fullmatch("/models/deepseek-flash")
    assert row.pattern.fullmatch("/models/deepseek-flash/")
    assert row.pattern.fullmatch("/models/deepseek-flash/versions/1")
    for other in ("/models", "/models/", "/modelsX/deepseek-flash", "/other/models/deepseek-flash"):
        assert not row.pattern.fullmatch(other), other
    fixed = Unserved("GET", "/responses/compact", "compaction", "shorten the input")
    assert fixed.pattern.fullmatch("/responses/compact")
    assert fixed.pattern.fullmatch("/responses/compact/more")
    assert not fixed.pattern.fullmatch("/responses/compactX")


# --------------------------------------------------------------------------------------------
# A path no row serves: what the refusal names


def test_an_unserved_path_names_its_first_segment_the_date_the_advice_and_the_source(
    recorder: Recorder,
) -> None:
    client = sync_client(recorder)
    error = _refusal(lambda: client.get("/fine_tuning/jobs/ftjob-1/events", cast_to=object))
    assert error.what.startswith("GET /fine_tuning/jobs/ftjob-1/events ")
    assert "no /fine_tuning endpoint" in error.why
    assert f"as of {NEWEST_DOCUMENT}" in error.why
    assert "few-shot" in error.fix  # deepseek-api.md section 1.9: no fine-tuning
    assert error.source is not None
    assert (error.source.url, error.source.date) == (ENDPOINTS_URL, dt.date(2026, 9, 11))
    assert error.param is None
    assert "(DeepSeek API docs: API reference (endpoints), 2026-09-11)" in str(error)
    assert recorder.requests == []


@pytest.mark.parametrize(
    ("path", "named", "advice"),
    [
        ("/embeddings", "/embeddings", "embedding provider"),
        ("/batches/batch_1", "/batches", "run_batch"),
        ("/threads/thread_1/messages", "/threads", "keep the message list yourself"),
        ("/assistants", "/assistants", "keep the conversation yourself"),
        ("/Xylophones/X", "/Xylophones", "another provider"),
    ],
)
def test_an_unserved_path_gets_the_advice_of_its_namespace(
    path: str, named: str, advice: str, recorder: Recorder
) -> None:
    error = _refusal(lambda: sync_client(recorder).post(path, body={}, cast_to=object))
    assert f"no {named} endpoint" in error.why
    assert advice in error.fix
    assert recorder.requests == []


def test_the_root_path_is_no_such_endpoint(recorder: Recorder) -> None:
    error = _refusal(lambda: sync_client(recorder).get("/", cast_to=object))
    assert "DeepSeek has no such endpoint" in error.why
    assert "no / endpoint" not in error.why


def test_off_mode_404s_get_the_advice_of_the_unserved_row_for_that_method_only(recorder: Recorder) -> None:
    """GET /chat/completions (stored completions) has specific advice; the row is for GET only."""
    recorder.default = _not_found
    client = sync_client(recorder, guard_mode="off")
    with pytest.raises(openai.NotFoundError) as listed:
        client.chat.completions.list()
    assert "DeepSeek does not store completions" in str(listed.value)
    with pytest.raises(openai.NotFoundError) as content:
        client.files.content("file-api-1")
    assert "keep your own copy" in str(content.value)
    with pytest.raises(openai.NotFoundError) as posted:
        client.post("/files/file-api-1/content", body={}, cast_to=object)
    assert "keep your own copy" not in str(posted.value)
    assert len(recorder.requests) == 3


# --------------------------------------------------------------------------------------------
# The other refusals


@pytest.mark.parametrize("path", [("responses",), ("beta", "responses")])
def test_connect_is_refused_naming_the_method_websockets_and_the_responses_page(
    path: tuple[str, ...], recorder: Recorder
) -> None:
    namespace: Any = sync_client(recorder)
    for part in path:
        namespace = getattr(namespace, part)
    error = _refusal(namespace.connect)
    assert error.what.startswith(f"client.{'.'.join(path)}.connect() ")
    assert "WebSocket" in error.why  # deepseek-api.md section 12: POST /responses over HTTP only
    assert "stream=True" in error.fix
    assert error.source is not None
    assert error.source.url == RESPONSES_URL
    assert error.param is None


def test_fim_on_the_standard_url_names_the_endpoint_and_the_beta_page(recorder: Recorder) -> None:
    client = sync_client(recorder)
    with pytest.raises(DeepSeekRequestError) as info:
        client.completions.create(model="deepseek-flash", prompt="def f(")
    error = info.value
    assert not isinstance(error, UnsupportedFeatureError)  # the endpoint exists, on the beta URL
    assert error.what.startswith("POST /completions ")
    assert BETA in error.why
    assert error.source is not None
    assert error.source.url == BETA_URL
    assert error.param is None
    assert recorder.requests == []


def test_a_foreign_url_is_named_with_its_host_and_path(recorder: Recorder) -> None:
    client = sync_client(recorder)
    error = _refusal(lambda: client.get("https://example.com/v1/models?x=1", cast_to=object))
    assert error.what.startswith("a request to https://example.com/v1/models ")
    assert error.source is not None
    assert error.source.url == ENDPOINTS_URL
    assert error.param is None
    assert recorder.requests == []


# --------------------------------------------------------------------------------------------
# Finding and locating rows


def test_a_trailing_slash_is_the_same_row_and_a_longer_name_is_none(recorder: Recorder) -> None:
    models = find("GET", "/models")
    assert models is not None
    assert find("GET", "/models/") is models
    assert find("GET", "/modelsX") is None
    assert find("GET", "/files/X") is find("GET", "/files/file-api-1")
    recorder.default = lambda req: httpx2.Response(200, json={"object": "list", "data": []})
    client = sync_client(recorder)
    client.get("/models/", cast_to=object)
    assert len(recorder.requests) == 1
    _refusal(lambda: client.get("/modelsX", cast_to=object))
    _refusal(lambda: client.get("/user/balanceX", cast_to=object))
    assert len(recorder.requests) == 1


def test_the_beta_base_url_itself_is_the_beta_root() -> None:
    located = locate("GET", BETA, standard=STANDARD, beta=BETA, is_beta=False)
    assert (located.base, located.path, located.endpoint) == ("beta", "/", None)


def test_a_beta_url_on_another_host_is_the_beta_base() -> None:
    """beta_base_url can be set apart from base_url (a proxy): its URLs are the beta base's."""
    standard, beta = "https://proxy.example.test/deepseek", "https://beta.example.test"
    for url, path in ((f"{beta}/completions", "/completions"), (beta, "/"), (f"{beta}/", "/")):
        located = locate("POST", url, standard=standard, beta=beta, is_beta=False)
        assert (located.base, located.path) == ("beta", path), url
    fim = locate("post", f"{beta}/completions?a=1", standard=standard, beta=beta, is_beta=False)
    assert fim.endpoint is not None
    assert (fim.method, fim.endpoint.path, fim.query) == ("POST", "/completions", "a=1")
    assert locate("POST", f"{beta}x/completions", standard=standard, beta=beta, is_beta=False).base is None


def test_fim_through_an_absolute_url_on_a_separate_beta_host_is_sent(
    recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEEPSEEK_BASE_URL", "https://proxy.example.test")
    monkeypatch.setenv("DEEPSEEK_BETA_BASE_URL", "https://beta.example.test")
    fim = {"id": "c", "object": "text_completion", "created": 1, "model": "deepseek-flash"}
    recorder.reply(200, json={**fim, "choices": [{"index": 0, "text": "x", "finish_reason": "stop"}]})
    client = get_client(KEY, http_client=httpx2.Client(transport=recorder.transport()), max_retries=0)
    body = {"model": "deepseek-flash", "prompt": "def f(", "max_tokens": 8}
    client.post("https://beta.example.test/completions", body=body, cast_to=object)
    assert str(recorder.last.url) == "https://beta.example.test/completions"


# --------------------------------------------------------------------------------------------
# Guarded namespaces: what the refusal names


@pytest.mark.parametrize(
    ("call", "named", "advice"),
    [
        (lambda c: c.embeddings.create(input="x", model="m"), "embeddings", "embedding provider"),
        (lambda c: c.beta.threads.create(), "beta.threads", "keep the message list yourself"),
        (lambda c: c.beta.assistants.list(), "beta.assistants", "keep the conversation yourself"),
        (lambda c: c.audio.speech.create(input="x", model="m", voice="alloy"), "audio.speech", "Whisper"),
    ],
)
def test_a_guarded_method_names_its_namespace_the_date_and_the_advice(
    call: Any, named: str, advice: str, recorder: Recorder
) -> None:
    error = _refusal(lambda: call(sync_client(recorder)))
    assert f"no {named} endpoint as of {NEWEST_DOCUMENT}" in error.why
    assert advice in error.fix
    assert error.source is not None
    assert error.source.url == ENDPOINTS_URL
    assert error.param is None


def test_the_refusal_of_a_one_part_path_names_that_namespace() -> None:
    error = unsupported_error(("embeddings",))
    assert error.what.startswith("client.embeddings() ")
    assert f"no embeddings endpoint as of {NEWEST_DOCUMENT}" in error.why
    assert "embedding provider" in error.fix


def test_repr_names_the_whole_namespace_path(recorder: Recorder) -> None:
    client = sync_client(recorder)
    assert "client.audio.transcriptions " in repr(client.audio.transcriptions)
    assert "client.beta.threads.messages " in repr(client.beta.threads.messages)


def test_private_attributes_of_a_guarded_namespace_are_openais_own(recorder: Recorder) -> None:
    recorder.default = lambda req: httpx2.Response(200, json={"object": "list", "data": []})
    client = sync_client(recorder)
    client.embeddings._get("/models", cast_to=object)
    assert [r.url.path for r in recorder.requests] == ["/models"]


# --------------------------------------------------------------------------------------------
# guard_mode="off" sends, with the arguments given


def test_off_mode_sends_guarded_calls_with_their_arguments(recorder: Recorder) -> None:
    recorder.default = _not_found
    client = sync_client(recorder, guard_mode="off")
    with pytest.raises(openai.NotFoundError):
        client.batches.retrieve("batch_1")
    with pytest.raises(openai.NotFoundError):
        client.embeddings.with_raw_response.create(input="x", model="m")
    with pytest.raises(openai.NotFoundError):
        client.fine_tuning.jobs.retrieve("ftjob-1")
    with pytest.raises(openai.NotFoundError):
        client.vector_stores.files.list("vs_1")
    sent = [(r.method, r.url.path) for r in recorder.requests]
    assert sent == [
        ("GET", "/batches/batch_1"),
        ("POST", "/embeddings"),
        ("GET", "/fine_tuning/jobs/ftjob-1"),
        ("GET", "/vector_stores/vs_1/files"),
    ]
    assert json.loads(recorder.requests[1].content).items() >= {"input": "x", "model": "m"}.items()


async def test_off_mode_sends_guarded_async_calls_with_their_arguments(recorder: Recorder) -> None:
    recorder.default = _not_found
    client = async_client(recorder, guard_mode="off")
    with pytest.raises(openai.NotFoundError):
        await client.batches.retrieve("batch_1")
    with pytest.raises(openai.NotFoundError):
        await client.embeddings.create(input="x", model="m")
    sent = [(r.method, r.url.path) for r in recorder.requests]
    assert sent == [("GET", "/batches/batch_1"), ("POST", "/embeddings")]
    assert json.loads(recorder.requests[1].content).items() >= {"input": "x", "model": "m"}.items()


def test_off_mode_lets_connect_through(recorder: Recorder) -> None:
    """connect() only builds openai's connection manager; nothing is sent until it is entered."""
    client = sync_client(recorder, guard_mode="off")
    assert type(client.responses.connect()).__name__ == "ResponsesConnectionManager"
    assert type(client.beta.responses.connect()).__name__ == "ResponsesConnectionManager"
    assert recorder.requests == []


# --------------------------------------------------------------------------------------------
# The guards on a client class built at run time


class _FutureOpenAI(openai.OpenAI):
    """As if a deeper openai module shipped a client with a new namespace and a private one."""

    @cached_property
    def holograms(self) -> Embeddings:
        return Embeddings(self)

    @cached_property
    def _internal(self) -> Embeddings:
        return Embeddings(self)


_FutureOpenAI.__module__ = "openai.lib.future_client"


def test_resource_namespaces_are_the_public_cached_properties_of_openais_classes() -> None:
    names = resource_namespaces(_FutureOpenAI)
    assert "holograms" in names
    assert {"chat", "embeddings", "responses", "beta"} <= set(names)
    assert "_internal" not in names

    class Ours(_FutureOpenAI):
        @cached_property
        def helpers(self) -> Embeddings:
            return Embeddings(self)

    assert "helpers" not in resource_namespaces(Ours)  # not openai's


def test_a_class_guarded_at_run_time(recorder: Recorder) -> None:
    @guard_namespaces
    class Guarded(_FutureOpenAI):
        pass

    guarded = Guarded.__deepseek_guarded_namespaces__  # type: ignore[attr-defined]
    assert {"holograms", "embeddings", "beta"} <= set(guarded)
    assert not {"chat", "responses", "files", "_internal"} & set(guarded)
    recorder.default = lambda req: httpx2.Response(200, json={"id": "resp_1", "object": "response"})
    client = Guarded(
        api_key="x", base_url=STANDARD, http_client=httpx2.Client(transport=recorder.transport())
    )
    with pytest.raises(UnsupportedFeatureError, match=r"client\.holograms\.create"):
        client.holograms.create(input="x", model="m")
    assert not isinstance(client._internal, NamespaceGuard)
    # responses is served: openai's own resource, its create sent; its WebSocket connect refused
    assert isinstance(client.responses, Responses)
    assert not isinstance(client.responses, NamespaceGuard)
    assert client.responses is client.responses
    client.responses.create(model="deepseek-flash", input="hi")
    assert [(r.method, r.url.path) for r in recorder.requests] == [("POST", "/responses")]
    connect = _refusal(client.responses.connect)
    assert connect.what.startswith("client.responses.connect() ")


def test_an_async_class_guarded_at_run_time_refuses_connect() -> None:
    @guard_namespaces
    class Guarded(openai.AsyncOpenAI):
        pass

    client = Guarded(api_key="x", base_url=STANDARD)
    assert isinstance(client.responses, AsyncResponses)
    _refusal(client.responses.connect)


def test_a_client_class_without_responses_is_guarded_too() -> None:
    """An openai version without the Responses API: the per-method guard has nothing to do."""

    class Old:
        @cached_property
        def embeddings(self) -> str:
            return "embeddings"

        @cached_property
        def chat(self) -> str:
            return "chat"

    Old.__module__ = "openai._client"
    assert guard_namespaces(Old) is Old
    assert Old.__deepseek_guarded_namespaces__ == ("embeddings",)  # type: ignore[attr-defined]
    assert Old().chat == "chat"


def test_a_listed_method_this_openai_lacks_does_not_stop_the_guard_of_the_next(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (connect,) = UNSERVED_METHODS["responses"]
    missing = UnservedMethod("teleport", why="no such thing", fix="do not", source=SOURCE)
    monkeypatch.setitem(UNSERVED_METHODS, "responses", (missing, connect))
    client = openai.OpenAI(api_key="x", base_url=STANDARD)
    resource = guard_methods(Responses(client), client, ("responses",))
    assert "teleport" not in vars(resource)
    _refusal(resource.connect)
    guard_methods(resource, client, ("responses",))  # guarding twice keeps the first guard
    _refusal(resource.connect)
