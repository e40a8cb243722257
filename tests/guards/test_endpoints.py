"""The endpoint table at the request seam: whatever made a request, nothing DeepSeek does not serve
reaches the network, and a served body endpoint meets the same rules however it was called.

Expected paths and advice come from deepseek-api.md sections 2, 3, 12 and 13.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from typing import Any

import httpx2
import openai
import pytest
from openai.types.chat import ChatCompletionMessageParam

from deepseek_openai import (
    AsyncDeepSeek,
    DeepSeek,
    DeepSeekRequestError,
    UnsupportedFeatureError,
)
from deepseek_openai._endpoints import ENDPOINTS, find, locate
from tests.conftest import Recorder

from ._support import async_client, drive_async, drive_sync, sync_client

USER: list[ChatCompletionMessageParam] = [{"role": "user", "content": "hi"}]
STANDARD = "https://api.deepseek.com"
BETA = "https://api.deepseek.com/beta"

# Requests the openai SDK can make that DeepSeek does not serve (each a 404 after the round trip).
UNSERVED: dict[str, Callable[[DeepSeek], Any]] = {
    "chat.completions.list": lambda c: c.chat.completions.list(),
    "chat.completions.retrieve": lambda c: c.chat.completions.retrieve("chatcmpl-1"),
    "chat.completions.update": lambda c: c.chat.completions.update("chatcmpl-1", metadata={"a": "b"}),
    "chat.completions.delete": lambda c: c.chat.completions.delete("chatcmpl-1"),
    "chat.completions.messages.list": lambda c: c.chat.completions.messages.list("chatcmpl-1"),
    "models.retrieve": lambda c: c.models.retrieve("deepseek-flash"),
    "models.delete": lambda c: c.models.delete("deepseek-flash"),
    "files.content": lambda c: c.files.content("file-api-1"),
    "responses.retrieve": lambda c: c.responses.retrieve("resp_1"),
    "responses.delete": lambda c: c.responses.delete("resp_1"),
    "responses.cancel": lambda c: c.responses.cancel("resp_1"),
    "responses.input_items.list": lambda c: c.responses.input_items.list("resp_1"),
    "responses.compact": lambda c: c.responses.compact(model="deepseek-flash", input="hi"),
    "responses.input_tokens.count": lambda c: c.responses.input_tokens.count(model="deepseek-flash"),
    "responses.stream(response_id=...)": lambda c: c.responses.stream(response_id="resp_1"),
    "responses.connect": lambda c: c.responses.connect(),
    "beta.responses.retrieve": lambda c: c.beta.responses.retrieve("resp_1"),
    "beta.responses.delete": lambda c: c.beta.responses.delete("resp_1"),
    "beta.responses.cancel": lambda c: c.beta.responses.cancel("resp_1"),
    "beta.responses.compact": lambda c: c.beta.responses.compact(model="deepseek-flash", input="hi"),
    "beta.responses.input_items.list": lambda c: c.beta.responses.input_items.list("resp_1"),
    "beta.responses.input_tokens.count": lambda c: c.beta.responses.input_tokens.count(model="x"),
    "beta.responses.connect": lambda c: c.beta.responses.connect(),
    "streaming responses.delete": lambda c: c.responses.with_streaming_response.delete("resp_1"),
    "post /embeddings": lambda c: c.post("/embeddings", body={"input": "x"}, cast_to=object),
    "get /fine_tuning/jobs": lambda c: c.get("/fine_tuning/jobs", cast_to=object),
    "get /v1/batches": lambda c: c.get("/v1/batches", cast_to=object),
    "raw chat.completions.list": lambda c: c.chat.completions.with_raw_response.list(),
    "streaming models.delete": lambda c: c.with_streaming_response.models.delete("deepseek-flash"),
    "raw responses.retrieve": lambda c: c.responses.with_raw_response.retrieve("resp_1"),
    "absolute URL elsewhere": lambda c: c.get("https://example.com/v1/models", cast_to=object),
}


@pytest.mark.parametrize("name", UNSERVED)
def test_unserved_requests_never_reach_the_network(name: str, recorder: Recorder) -> None:
    client = sync_client(recorder)
    with pytest.raises(UnsupportedFeatureError) as info:
        drive_sync(UNSERVED[name](client))
    assert recorder.requests == []
    assert "Fix: " in str(info.value)


ASYNC_UNSERVED: dict[str, Callable[[AsyncDeepSeek], Any]] = {
    "chat.completions.list": lambda c: c.chat.completions.list(),
    "chat.completions.delete": lambda c: c.chat.completions.delete("chatcmpl-1"),
    "models.delete": lambda c: c.models.delete("deepseek-flash"),
    "responses.retrieve": lambda c: c.responses.retrieve("resp_1"),
    "responses.cancel": lambda c: c.responses.cancel("resp_1"),
    "responses.compact": lambda c: c.responses.compact(model="deepseek-flash", input="hi"),
    "responses.input_items.list": lambda c: c.responses.input_items.list("resp_1"),
    "responses.connect": lambda c: c.responses.connect(),
    "beta.responses.delete": lambda c: c.beta.responses.delete("resp_1"),
    "beta.responses.connect": lambda c: c.beta.responses.connect(),
    "post /embeddings": lambda c: c.post("/embeddings", body={"input": "x"}, cast_to=object),
    "streaming models.delete": lambda c: c.with_streaming_response.models.delete("deepseek-flash"),
}


@pytest.mark.parametrize("name", ASYNC_UNSERVED)
async def test_unserved_async_requests_never_reach_the_network(name: str, recorder: Recorder) -> None:
    client = async_client(recorder)
    with pytest.raises(UnsupportedFeatureError):
        await _finish(ASYNC_UNSERVED[name](client))
    assert recorder.requests == []


async def _finish(call: Any) -> None:
    """Await a call, enter its context manager, or iterate its paginator, as the call needs."""
    if hasattr(call, "__aiter__"):
        _ = [x async for x in call]
    else:
        await drive_async(call)


def test_the_advice_names_what_to_do_instead(recorder: Recorder) -> None:
    client = sync_client(recorder)
    cases = {
        "chat.completions.list": "DeepSeek does not store completions",
        "models.delete": "client.models.list()",
        "files.content": "keep your own copy",
        "responses.retrieve": "resend the whole input",
        "responses.cancel": "stream.close()",
        "responses.compact": "shorten the input yourself",
        "responses.input_items.list": "keep the input you sent yourself",
        "responses.input_tokens.count": "usage.input_tokens",
        "responses.connect": "stream=True",
        "beta.responses.connect": "stream=True",
        "post /embeddings": "embedding provider",
        "get /fine_tuning/jobs": "few-shot",
    }
    for name, advice in cases.items():
        with pytest.raises(UnsupportedFeatureError) as info:
            UNSERVED[name](client)
        assert advice in info.value.fix, name


def test_a_body_sent_through_client_post_meets_the_same_rules(recorder: Recorder) -> None:
    client = sync_client(recorder)
    body = {"model": "deepseek-flash", "messages": USER, "n": 2}
    with pytest.raises(UnsupportedFeatureError) as info:
        client.post("/chat/completions?x=1", body=body, cast_to=object)
    assert info.value.rule == "n"
    assert recorder.requests == []
    # and a translation is made there too, with the query string kept
    client.post("/chat/completions?x=1", body={**body, "n": 1, "max_completion_tokens": 7}, cast_to=object)
    sent = json.loads(recorder.last.content)
    assert sent["max_tokens"] == 7
    assert "max_completion_tokens" not in sent
    assert recorder.last.url.params["x"] == "1"


def test_a_version_prefix_and_an_absolute_url_are_the_same_endpoint(recorder: Recorder) -> None:
    client = sync_client(recorder)
    for path in ("/v1/chat/completions", f"{STANDARD}/chat/completions", "chat/completions/"):
        with pytest.raises(UnsupportedFeatureError) as info:
            client.post(path, body={"model": "deepseek-flash", "messages": USER, "n": 3}, cast_to=object)
        assert info.value.rule == "n", path
    assert recorder.requests == []


def test_beta_only_fim_on_the_standard_url_is_refused(recorder: Recorder) -> None:
    client = sync_client(recorder)
    with pytest.raises(DeepSeekRequestError, match="beta"):
        client.completions.create(model="deepseek-flash", prompt="def f(")
    assert recorder.requests == []
    fim = {"id": "c", "object": "text_completion", "created": 1, "model": "deepseek-flash"}
    recorder.reply(200, json={**fim, "choices": [{"index": 0, "text": "x", "finish_reason": "stop"}]})
    client.beta_client.completions.create(model="deepseek-flash", prompt="def f(", max_tokens=8)
    assert str(recorder.last.url) == f"{BETA}/completions"


def test_standard_only_endpoints_called_on_a_beta_client_go_to_the_standard_url(recorder: Recorder) -> None:
    recorder.default = lambda req: httpx2.Response(200, json={"object": "list", "data": []})
    client = sync_client(recorder, beta=True)
    client.models.list()
    assert str(recorder.last.url) == f"{STANDARD}/models"
    client.files.list()
    assert str(recorder.last.url).startswith(f"{STANDARD}/files")
    client.get("/user/balance", cast_to=object)
    assert str(recorder.last.url) == f"{STANDARD}/user/balance"
    # chat is served by both
    recorder.default = Recorder().default
    client.chat.completions.create(model="deepseek-flash", messages=USER)
    assert str(recorder.last.url) == f"{BETA}/chat/completions"


def test_served_endpoints_pass(recorder: Recorder) -> None:
    recorder.default = lambda req: httpx2.Response(200, json={"object": "list", "data": []})
    client = sync_client(recorder)
    client.models.list()
    client.files.list()
    client.get("/files/file-api-1", cast_to=object)
    client.delete("/files/file-api-1", cast_to=object)
    assert [(r.method, r.url.path) for r in recorder.requests] == [
        ("GET", "/models"),
        ("GET", "/files"),
        ("GET", "/files/file-api-1"),
        ("DELETE", "/files/file-api-1"),
    ]


def test_warn_mode_refuses_an_unserved_request_and_off_sends_it_quietly(
    recorder: Recorder,
) -> None:
    """DeepSeek would answer 404: the default mode refuses before the network, as strict does."""
    recorder.default = lambda req: httpx2.Response(404, json={"error": {"message": "Not Found"}})
    warn = sync_client(recorder, guard_mode="warn")
    with pytest.raises(UnsupportedFeatureError, match="not available on DeepSeek") as info:
        warn.models.delete("deepseek-flash")
    assert isinstance(info.value, openai.BadRequestError)
    assert info.value.request.url.path.endswith("/models/deepseek-flash")  # the request not sent
    assert recorder.requests == []
    off = sync_client(recorder, guard_mode="off")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(openai.NotFoundError):
            off.models.delete("deepseek-flash")
    assert len(recorder.requests) == 1


def test_every_row_is_found_by_its_own_method_and_path() -> None:
    for endpoint in ENDPOINTS:
        path = endpoint.path.replace("{file_id}", "file-api-1")
        assert find(endpoint.method, path) is endpoint
        other = "PATCH" if endpoint.method != "PATCH" else "PUT"
        assert find(other, path) is None


@pytest.mark.parametrize(
    ("url", "is_beta", "base", "path", "query"),
    [
        ("/chat/completions", False, "standard", "/chat/completions", ""),
        ("chat/completions?x=1&y=2", False, "standard", "/chat/completions", "x=1&y=2"),
        ("/responses?beta=true", False, "standard", "/responses", "beta=true"),
        ("/beta/completions", False, "beta", "/completions", ""),
        ("/completions", True, "beta", "/completions", ""),
        (f"{BETA}/completions", False, "beta", "/completions", ""),
        (f"{STANDARD}/v1/models", True, "standard", "/models", ""),
        ("https://evil.example/chat/completions", False, None, "https://evil.example/chat/completions", ""),
    ],
)
def test_locate(url: str, is_beta: bool, base: str | None, path: str, query: str) -> None:
    located = locate("post", url, standard=STANDARD, beta=BETA, is_beta=is_beta)
    assert (located.base, located.path, located.query) == (base, path, query)


def test_every_method_of_the_responses_namespaces_is_served_or_refused(recorder: Recorder) -> None:
    """Each public member of client.responses and client.beta.responses (as installed) either reaches
    POST /responses or is refused before the network: nothing from section 12 slips by. A method a
    new openai adds fails here until it is decided."""
    client = sync_client(recorder)
    refused: dict[str, Callable[[Any], Any]] = {
        "retrieve": lambda ns: ns.retrieve("resp_1"),
        "delete": lambda ns: ns.delete("resp_1"),
        "cancel": lambda ns: ns.cancel("resp_1"),
        "compact": lambda ns: ns.compact(model="deepseek-flash", input="hi"),
        "connect": lambda ns: ns.connect(),
        "input_items": lambda ns: ns.input_items.list("resp_1"),
        "input_tokens": lambda ns: ns.input_tokens.count(model="deepseek-flash"),
    }
    served = {"create", "parse", "stream", "with_raw_response", "with_streaming_response"}
    for path in (("responses",), ("beta", "responses")):
        namespace: Any = client
        for part in path:
            namespace = getattr(namespace, part)
        members = {n for n in dir(namespace) if not n.startswith("_")}
        assert members - served == set(refused) & members, (path, members - served - set(refused))
        for name in members - served:
            with pytest.raises(UnsupportedFeatureError):
                drive_sync(refused[name](namespace))
            assert recorder.requests == [], (path, name)


def test_a_stateful_responses_call_is_refused_in_warn_mode_and_off_mode_gets_the_404_advice(
    recorder: Recorder,
) -> None:
    """DeepSeek keeps no responses (deepseek-api.md section 12): it would answer 404, so the default
    mode refuses before sending; off sends it, and the 404 says what to do instead."""
    recorder.default = lambda req: httpx2.Response(404, json={"error": {"message": "Not Found"}})
    with pytest.raises(UnsupportedFeatureError, match="stateless") as refused:
        sync_client(recorder, guard_mode="warn").responses.retrieve("resp_1")
    assert isinstance(refused.value, openai.BadRequestError)
    assert recorder.requests == []
    with pytest.raises(openai.NotFoundError) as info:
        sync_client(recorder, guard_mode="off").responses.retrieve("resp_1")
    assert len(recorder.requests) == 1
    assert "resend the whole input each turn" in str(info.value)
    assert "Check base_url" not in str(info.value)


def test_beta_responses_create_goes_to_the_standard_url_and_meets_the_rules(recorder: Recorder) -> None:
    recorder.default = lambda req: httpx2.Response(200, json={"id": "resp_1", "object": "response"})
    client = sync_client(recorder, beta=True, thinking=False)
    client.beta.responses.create(model="deepseek-flash", input="hi")
    assert str(recorder.last.url) == f"{STANDARD}/responses?beta=true"
    assert json.loads(recorder.last.content)["reasoning"] == {"effort": "none"}
    with pytest.raises(UnsupportedFeatureError):
        client.beta.responses.create(model="deepseek-flash", input="hi", store=True)
