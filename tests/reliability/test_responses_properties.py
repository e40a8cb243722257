"""Property-based tests of the Responses pipeline (deepseek-api.md section 12), on generated bodies.

The property: ``prepare_request("responses", ...)`` refuses a body with a clear DeepSeek error, or,
in strict guard mode for a known model, returns a body the emulator's validator (the API as the
spec states it) accepts; never an internal exception, in any mode; the caller's body is never
changed. Derandomized under ``CI=true`` by the project's hypothesis profile.

What the generator leaves out, and why: a function call left without its output (the emulator
rejects it where the documents are silent; the client claims nothing about it), images outside user
messages and empty inputs (the same), and unknown models (only the server can say).
"""

from __future__ import annotations

import copy
import warnings
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deepseek_openai._catalogue import ALIASES, MODELS, RETIRED
from deepseek_openai._errors import ConfigurationError, DeepSeekRequestError, UnsupportedFeatureError
from deepseek_openai._pipeline import prepare_request
from deepseek_openai._rules import Policy
from deepseek_openai.testing._errors import ApiError
from deepseek_openai.testing._responses import parse_responses

pytestmark = pytest.mark.timeout(120)

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CLEAR = (DeepSeekRequestError, UnsupportedFeatureError, ConfigurationError)

text = st.text(max_size=12)
rarely = st.sampled_from([False] * 9 + [True])
names = st.one_of(st.from_regex(r"[A-Za-z0-9_-]{1,12}", fullmatch=True), st.sampled_from(["bad name", ""]))
call_ids = st.from_regex(r"call_[0-9a-z]{1,6}", fullmatch=True)


@st.composite
def user_item(draw: st.DrawFn) -> dict[str, Any]:
    role = draw(st.sampled_from(["user", "user", "developer"]))
    if draw(st.booleans()):
        return {"role": role, "content": draw(text)}
    parts: list[dict[str, Any]] = [{"type": "input_text", "text": draw(text)}]
    if draw(rarely):
        parts.append({"type": "input_image", "image_url": "https://example.com/a.png"})
    return {"type": "message", "role": role, "content": parts}


@st.composite
def assistant_turn(draw: st.DrawFn) -> list[dict[str, Any]]:
    turn: list[dict[str, Any]] = []
    if draw(st.booleans()):
        turn.append(
            {
                "type": "reasoning",
                "id": "rs_1",
                "summary": [],
                "content": [{"type": "reasoning_text", "text": draw(text)}],
            }
        )
    if draw(st.booleans()):
        turn.append({"role": "assistant", "content": draw(text)})
    ids = draw(st.lists(call_ids, max_size=2, unique=True))
    for call_id in ids:
        turn.append({"type": "function_call", "call_id": call_id, "name": draw(names), "arguments": "{}"})
    for call_id in ids:
        turn.append({"type": "function_call_output", "call_id": call_id, "output": draw(text)})
    return turn


@st.composite
def inputs(draw: st.DrawFn) -> Any:
    if draw(st.booleans()):
        return draw(text)
    items: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(0, 2))):
        items.append(draw(user_item()))
        items.extend(draw(assistant_turn()))
    items.append(draw(user_item()))
    if draw(rarely):
        items.insert(0, {"type": "item_reference", "id": "msg_1"})
    return items


tools = st.lists(
    st.one_of(
        st.builds(lambda n: {"type": "function", "name": n, "parameters": {"type": "object"}}, names),
        st.builds(
            lambda n: {"type": "function", "name": n, "strict": True, "parameters": {"type": "object"}}, names
        ),
        st.sampled_from(
            [
                {"type": "custom", "name": "apply_patch"},
                {"type": "custom", "name": "run_sql"},
                {"type": "web_search"},
                {"type": "file_search", "vector_store_ids": ["vs_1"]},
            ]
        ),
    ),
    max_size=3,
)
OPTIONAL: dict[str, st.SearchStrategy[Any]] = {
    "instructions": text,
    "tools": tools,
    "reasoning": st.one_of(
        st.fixed_dictionaries(
            {"effort": st.sampled_from(["none", "low", "high", "max", "medium", "xhigh", "turbo"])}
        ),
        st.just({"summary": "auto"}),
        st.just({"effort": "low", "summary": "concise"}),
    ),
    "max_output_tokens": st.sampled_from([1, 100, 393_216, 0, 393_217]),
    "temperature": st.sampled_from([0, 0.7, 2, 3]),
    "text": st.sampled_from(
        [
            {"format": {"type": "text"}},
            {"format": {"type": "json_object"}},
            {"format": {"type": "json_schema", "name": "x", "schema": {"type": "object"}}},
            {"format": {"type": "xml"}},
        ]
    ),
    "store": st.sampled_from([False, False, True]),
    "background": st.sampled_from([False, True]),
    "previous_response_id": st.just("resp_1"),
    "include": st.sampled_from([[], ["reasoning.encrypted_content"], ["message.output_text.logprobs"]]),
    "truncation": st.sampled_from(["disabled", "auto"]),
    "parallel_tool_calls": st.booleans(),
    "metadata": st.just({"k": "v"}),
    "thinking": st.sampled_from([{"type": "enabled"}, {"type": "disabled"}, True, "yes"]),
    "reasoning_effort": st.sampled_from(["low", "max", "medium", "turbo"]),
}


@st.composite
def responses_bodies(draw: st.DrawFn) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": draw(st.sampled_from([*MODELS, *ALIASES, *RETIRED])),
        "input": draw(inputs()),
    }
    for key in draw(st.lists(st.sampled_from(sorted(OPTIONAL)), max_size=4, unique=True)):
        body[key] = draw(OPTIONAL[key])
    return body


policies = st.builds(
    Policy,
    thinking=st.sampled_from([None, True, False]),
    effort=st.sampled_from([None, "none", "low", "max"]),
    guard_mode=st.sampled_from(["strict", "strict", "warn", "off"]),
    retired=st.sampled_from(["translate", "error"]),
    allow_tools=st.sampled_from([True, True, False]),
)


@PROPERTY
@given(body=responses_bodies(), policy=policies)
def test_the_responses_pipeline_refuses_clearly_or_sends_what_deepseek_accepts(
    body: dict[str, Any], policy: Policy
) -> None:
    before = copy.deepcopy(body)
    refusal: Exception | None = None
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the pipeline returns notices; it must not warn itself
        try:
            prepared = prepare_request("responses", body, policy)
        except CLEAR as error:
            refusal, prepared = error, None
    assert body == before, "the pipeline changed the caller's body"
    if isinstance(refusal, DeepSeekRequestError | UnsupportedFeatureError):
        assert refusal.what
        assert refusal.why
        assert refusal.fix
        assert refusal.source is not None
    if prepared is None or policy.guard_mode != "strict":
        return
    verdict = parse_responses(prepared.body)
    assert not isinstance(verdict, ApiError), (
        f"the pipeline let through a body DeepSeek rejects: {verdict.status} {verdict.message}\n"
        f"sent: {prepared.body!r}\npolicy: {policy!r}"
    )
    sent = prepared.body
    for stateful in ("previous_response_id", "conversation"):
        assert stateful not in sent
    assert sent.get("store") in (None, False)
    assert "thinking" not in sent
    assert "reasoning_effort" not in sent
    said = any(k in before for k in ("reasoning", "thinking", "reasoning_effort"))
    if policy.thinking is False and not said and before["model"] != "deepseek-reasoner":
        assert sent["reasoning"]["effort"] == "none"  # the client's default, as the Responses API says it
