"""Every documented limit, at it, just below and just above, on the client AND on the emulator.

The expected verdicts are literals copied from ../shared/deepseek-api.md (sections 5, 8 and 10;
2026-09-11 copies): an accepted body, or the status DeepSeek answers (422 "Invalid Parameters" for
values out of range, 400 for a malformed request). They are never read from the catalogue, the rule
table or the emulator's model table, so a wrong fact in any of them makes a case fail.

Each case is checked twice: ``prepare_request`` (strict guard mode) refuses exactly the bodies the
documents reject, naming the parameter; the emulator's validator answers exactly the documented
status. So the client and the emulator also agree with each other at every boundary.
"""

from __future__ import annotations

from typing import Any

import pytest

from deepseek_openai._errors import DeepSeekRequestError, UnsupportedFeatureError
from deepseek_openai._pipeline import prepare_request
from deepseek_openai._rules import Policy
from deepseek_openai.testing._errors import ApiError
from deepseek_openai.testing._validation import parse_chat, parse_fim

HI = [{"role": "user", "content": "hi"}]
OK = None  # the documents accept the body
OFF = {"thinking": {"type": "disabled"}}  # temperature acts only without thinking (section 5)


def _fn(name: str) -> dict[str, Any]:
    return {"type": "function", "function": {"name": name, "parameters": {"type": "object"}}}


def _tools(n: int) -> list[dict[str, Any]]:
    return [_fn(f"t{i}") for i in range(n)]


# (id, extra body fields, documented verdict, the parameter the refusal names)
CHAT_CASES: list[tuple[str, dict[str, Any], int | None, str | None]] = [
    # temperature 0..2 (section 5); thinking off so temperature means something
    ("temperature below 0", {**OFF, "temperature": -0.01}, 422, "temperature"),
    ("temperature 0", {**OFF, "temperature": 0}, OK, None),
    ("temperature 2", {**OFF, "temperature": 2}, OK, None),
    ("temperature 2.0", {**OFF, "temperature": 2.0}, OK, None),
    ("temperature above 2", {**OFF, "temperature": 2.01}, 422, "temperature"),
    ("temperature a string", {**OFF, "temperature": "1"}, 400, "temperature"),
    # top_p (0, 1]
    ("top_p 0", {"top_p": 0}, 422, "top_p"),
    ("top_p just above 0", {"top_p": 0.001}, OK, None),
    ("top_p 1", {"top_p": 1}, OK, None),
    ("top_p above 1", {"top_p": 1.01}, 422, "top_p"),
    # max_tokens 1..393,216 (sections 4 and 5)
    ("max_tokens 0", {"max_tokens": 0}, 422, "max_tokens"),
    ("max_tokens 1", {"max_tokens": 1}, OK, None),
    ("max_tokens 2", {"max_tokens": 2}, OK, None),
    ("max_tokens 393215", {"max_tokens": 393_215}, OK, None),
    ("max_tokens 393216", {"max_tokens": 393_216}, OK, None),
    ("max_tokens 393217", {"max_tokens": 393_217}, 422, "max_tokens"),
    ("max_tokens a float", {"max_tokens": 10.5}, 400, "max_tokens"),
    # stop: a string or a list of at most 16
    ("stop a string", {"stop": "END"}, OK, None),
    ("stop 15 sequences", {"stop": [f"s{i}" for i in range(15)]}, OK, None),
    ("stop 16 sequences", {"stop": [f"s{i}" for i in range(16)]}, OK, None),
    ("stop 17 sequences", {"stop": [f"s{i}" for i in range(17)]}, 422, "stop"),
    # top_logprobs 0..20, and only with logprobs
    ("top_logprobs -1", {"logprobs": True, "top_logprobs": -1}, 422, "top_logprobs"),
    ("top_logprobs 0", {"logprobs": True, "top_logprobs": 0}, OK, None),
    ("top_logprobs 20", {"logprobs": True, "top_logprobs": 20}, OK, None),
    ("top_logprobs 21", {"logprobs": True, "top_logprobs": 21}, 422, "top_logprobs"),
    ("top_logprobs without logprobs", {"top_logprobs": 3}, 422, "top_logprobs"),
    ("top_logprobs with logprobs false", {"logprobs": False, "top_logprobs": 3}, 422, "top_logprobs"),
    ("logprobs alone", {"logprobs": True}, OK, None),
    # tools: at most 128, names [a-zA-Z0-9_-] of at most 128 characters, unique
    ("127 tools", {"tools": _tools(127)}, OK, None),
    ("128 tools", {"tools": _tools(128)}, OK, None),
    ("129 tools", {"tools": _tools(129)}, 422, "tools"),
    ("tool name of 127 characters", {"tools": [_fn("a" * 127)]}, OK, None),
    ("tool name of 128 characters", {"tools": [_fn("a" * 128)]}, OK, None),
    ("tool name of 129 characters", {"tools": [_fn("a" * 129)]}, 422, "tools"),
    ("tool name of 1 character", {"tools": [_fn("a")]}, OK, None),
    ("tool name with every allowed kind", {"tools": [_fn("Get_weather-2")]}, OK, None),
    ("tool name empty", {"tools": [_fn("")]}, 422, "tools"),
    ("tool name with a dot", {"tools": [_fn("get.weather")]}, 422, "tools"),
    ("tool name with a space", {"tools": [_fn("get weather")]}, 422, "tools"),
    ("tool names repeated", {"tools": [_fn("f"), _fn("g"), _fn("f")]}, 422, "tools"),
    ("tool names differing in case", {"tools": [_fn("f"), _fn("F")]}, OK, None),
    # user_id: [a-zA-Z0-9_-], at most 512 (extra_body)
    ("user_id of 1 character", {"user_id": "u"}, OK, None),
    ("user_id of 511 characters", {"user_id": "u" * 511}, OK, None),
    ("user_id of 512 characters", {"user_id": "u" * 512}, OK, None),
    ("user_id of 513 characters", {"user_id": "u" * 513}, 422, "user_id"),
    ("user_id with every allowed kind", {"user_id": "Team_7-a"}, OK, None),
    ("user_id an e-mail address", {"user_id": "a@b.c"}, 422, "user_id"),
    ("user_id empty", {"user_id": ""}, 422, "user_id"),
    ("user_id with a space", {"user_id": "a b"}, 422, "user_id"),
    # reasoning_effort: none, low, high, max, and the accepted aliases
    *(
        (f"reasoning_effort {e}", {"reasoning_effort": e}, OK, None)
        for e in ("none", "low", "high", "max", "minimal", "medium", "xhigh", "ultra")
    ),
    ("reasoning_effort unknown", {"reasoning_effort": "extreme"}, 422, "reasoning_effort"),
    # response_format text / json_object; json_schema 400
    ("response_format text", {"response_format": {"type": "text"}}, OK, None),
    ("response_format json_object", {"response_format": {"type": "json_object"}}, OK, None),
    (
        "response_format json_schema",
        {"response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": {}}}},
        400,
        "response_format",
    ),
    # stream_options only with stream: true
    ("stream_options with stream", {"stream": True, "stream_options": {"include_usage": True}}, OK, None),
    ("stream_options without stream", {"stream_options": {"include_usage": True}}, 400, "stream_options"),
    (
        "stream_options with stream false",
        {"stream": False, "stream_options": {"include_usage": True}},
        400,
        "stream_options",
    ),
]


def _client_verdict(kind: str, body: dict[str, Any], *, beta: bool = False) -> BaseException | None:
    try:
        prepare_request(kind, body, Policy(beta=beta, guard_mode="strict"))  # type: ignore[arg-type]
    except (DeepSeekRequestError, UnsupportedFeatureError) as error:
        return error
    return None


def _assert_client(kind: str, body: dict[str, Any], status: int | None, param: str | None, **kw: Any) -> None:
    error = _client_verdict(kind, body, **kw)
    if status is None:
        assert error is None, f"the client refused a body the documents accept: {error}"
    else:
        assert isinstance(error, DeepSeekRequestError | UnsupportedFeatureError), (
            f"the client let through a body DeepSeek answers {status} to: {body}"
        )
        assert error.param == param


def _assert_emulator(verdict: object, status: int | None) -> None:
    if status is None:
        assert not isinstance(verdict, ApiError), f"the emulator rejected an accepted body: {verdict}"
    else:
        assert isinstance(verdict, ApiError), "the emulator accepted a body DeepSeek rejects"
        assert verdict.status == status, verdict.message


def _ids(cases: list[tuple[str, Any, Any, Any]]) -> list[str]:
    return [c[0] for c in cases]


@pytest.mark.parametrize(("name", "extra", "status", "param"), CHAT_CASES, ids=_ids(CHAT_CASES))
def test_chat_limit_on_the_client(name: str, extra: dict[str, Any], status: int | None, param: str) -> None:
    body = {"model": "deepseek-flash", "messages": HI, **extra}
    _assert_client("chat", body, status, param)


@pytest.mark.parametrize(("name", "extra", "status", "param"), CHAT_CASES, ids=_ids(CHAT_CASES))
def test_chat_limit_on_the_emulator(name: str, extra: dict[str, Any], status: int | None, param: str) -> None:
    body = {"model": "deepseek-flash", "messages": HI, **extra}
    _assert_emulator(parse_chat(body, beta=False), status)


@pytest.mark.parametrize("model", ["deepseek-flash", "deepseek-v4-pro", "deepseek-v4-flash"])
@pytest.mark.parametrize(
    ("max_tokens", "status"), [(0, 422), (1, OK), (393_216, OK), (393_217, 422)], ids=str
)
def test_max_tokens_limit_is_the_same_on_every_model(model: str, max_tokens: int, status: int | None) -> None:
    body = {"model": model, "messages": HI, "max_tokens": max_tokens}
    _assert_client("chat", body, status, "max_tokens")
    _assert_emulator(parse_chat(body, beta=False), status)


# A model the catalogue does not know is sent as it is (only the server knows it), but the limits
# that section 5 states for the whole API still hold for it.
UNKNOWN_MODEL_CASES: list[tuple[str, dict[str, Any], int | None, str | None]] = [
    ("stop 16", {"stop": ["s"] * 16}, OK, None),
    ("stop 17", {"stop": ["s"] * 17}, 422, "stop"),
    ("128 tools", {"tools": _tools(128)}, OK, None),
    ("129 tools", {"tools": _tools(129)}, 422, "tools"),
    ("tool name of 128", {"tools": [_fn("a" * 128)]}, OK, None),
    ("tool name of 129", {"tools": [_fn("a" * 129)]}, 422, "tools"),
    ("top_logprobs 20", {"logprobs": True, "top_logprobs": 20}, OK, None),
    ("top_logprobs 21", {"logprobs": True, "top_logprobs": 21}, 422, "top_logprobs"),
    ("temperature 2", {**OFF, "temperature": 2}, OK, None),
    ("temperature 2.5", {**OFF, "temperature": 2.5}, 422, "temperature"),
    ("user_id of 512", {"user_id": "u" * 512}, OK, None),
    ("user_id of 513", {"user_id": "u" * 513}, 422, "user_id"),
    ("max_tokens 0", {"max_tokens": 0}, 422, "max_tokens"),
    ("max_tokens 1", {"max_tokens": 1}, OK, None),
]


@pytest.mark.parametrize(
    ("name", "extra", "status", "param"), UNKNOWN_MODEL_CASES, ids=_ids(UNKNOWN_MODEL_CASES)
)
def test_api_wide_limits_hold_for_an_unknown_model(
    name: str, extra: dict[str, Any], status: int | None, param: str
) -> None:
    body = {"model": "deepseek-v5-preview", "messages": HI, **extra}
    _assert_client("chat", body, status, param)


# FIM (section 8): max_tokens <= 4096, logprobs <= 20, stop <= 16, echo not with suffix or logprobs,
# non-thinking only.
FIM_CASES: list[tuple[str, dict[str, Any], int | None, str | None]] = [
    ("max_tokens 0", {"max_tokens": 0}, 422, "max_tokens"),
    ("max_tokens 1", {"max_tokens": 1}, OK, None),
    ("max_tokens 4095", {"max_tokens": 4095}, OK, None),
    ("max_tokens 4096", {"max_tokens": 4096}, OK, None),
    ("max_tokens 4097", {"max_tokens": 4097}, 422, "max_tokens"),
    ("logprobs -1", {"logprobs": -1}, 422, "logprobs"),
    ("logprobs 0", {"logprobs": 0}, OK, None),
    ("logprobs 20", {"logprobs": 20}, OK, None),
    ("logprobs 21", {"logprobs": 21}, 422, "logprobs"),
    ("stop 16", {"stop": ["s"] * 16}, OK, None),
    ("stop 17", {"stop": ["s"] * 17}, 422, "stop"),
    ("echo alone", {"echo": True}, OK, None),
    ("echo false with suffix", {"echo": False, "suffix": "}"}, OK, None),
    ("echo with suffix", {"echo": True, "suffix": "}"}, 422, "echo"),
    ("echo with an empty suffix", {"echo": True, "suffix": ""}, OK, None),
    ("echo with logprobs", {"echo": True, "logprobs": 2}, 422, "echo"),
    ("echo with logprobs 0", {"echo": True, "logprobs": 0}, 422, "echo"),
    ("temperature 2", {**OFF, "temperature": 2}, OK, None),
    ("temperature above 2", {**OFF, "temperature": 2.5}, 422, "temperature"),
    ("thinking disabled", {"thinking": {"type": "disabled"}}, OK, None),
    ("thinking enabled", {"thinking": {"type": "enabled"}}, 400, "thinking"),
    ("reasoning_effort none", {"reasoning_effort": "none"}, OK, None),
    ("reasoning_effort high", {"reasoning_effort": "high"}, 400, "thinking"),
    (
        "effort beside thinking disabled",
        {"thinking": {"type": "disabled"}, "reasoning_effort": "low"},
        400,
        "thinking",
    ),
    ("user_id of 512", {"user_id": "u" * 512}, OK, None),
    ("user_id an e-mail address", {"user_id": "a@b.c"}, 422, "user_id"),
    ("user_id empty", {"user_id": ""}, 422, "user_id"),
]


@pytest.mark.parametrize(("name", "extra", "status", "param"), FIM_CASES, ids=_ids(FIM_CASES))
def test_fim_limit_on_the_client(name: str, extra: dict[str, Any], status: int | None, param: str) -> None:
    body = {"model": "deepseek-flash", "prompt": "def f(", **extra}
    _assert_client("fim", body, status, param, beta=True)


@pytest.mark.parametrize(("name", "extra", "status", "param"), FIM_CASES, ids=_ids(FIM_CASES))
def test_fim_limit_on_the_emulator(name: str, extra: dict[str, Any], status: int | None, param: str) -> None:
    body = {"model": "deepseek-flash", "prompt": "def f(", **extra}
    _assert_emulator(parse_fim(body), status)


@pytest.mark.parametrize(
    ("extra", "status"),
    [
        ({"max_tokens": 4096}, OK),
        ({"max_tokens": 4097}, 422),
        ({"logprobs": 21}, 422),
        ({"stop": ["s"] * 17}, 422),
    ],
    ids=["max_tokens 4096", "max_tokens 4097", "logprobs 21", "stop 17"],
)
def test_fim_limits_hold_for_an_unknown_model(extra: dict[str, Any], status: int | None) -> None:
    body = {"model": "deepseek-v5-preview", "prompt": "def f(", **extra}
    error = _client_verdict("fim", body, beta=True)
    assert (error is None) == (status is None), error
