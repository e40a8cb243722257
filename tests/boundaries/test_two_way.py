"""The client and the emulator, checked against each other in both directions on generated bodies.

``tests/reliability/test_properties.py`` checks one way: what the client's pipeline sends, the
emulator accepts. This file checks the other: the client (strict guard mode) refuses only what the
emulator rejects, or what the rule table refuses on purpose (a row whose action is not
``REJECTED``: OpenAI-only parameters DeepSeek would ignore, values with no DeepSeek meaning, the
team's own settings). A check that is stricter than DeepSeek fails here.
"""

from __future__ import annotations

import warnings
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from deepseek_openai._errors import ConfigurationError, DeepSeekRequestError, UnsupportedFeatureError
from deepseek_openai._pipeline import prepare_request
from deepseek_openai._rules import REJECTED, RULES, Policy
from deepseek_openai.testing._errors import ApiError
from deepseek_openai.testing._validation import parse_chat, parse_fim
from tests.reliability.test_properties import UNKNOWN_MODELS, chat_bodies, fim_bodies, policies

TWO_WAY = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
BY_ID = {rule.id: rule for rule in RULES}
HI = [{"role": "user", "content": "hi"}]
strict = policies.map(lambda p: Policy(**{**{f: getattr(p, f) for f in p.__slots__}, "guard_mode": "strict"}))


def _as_the_server_sees_it(body: dict[str, Any], policy: Policy, kind: str) -> dict[str, Any]:
    """The body with the client's own thinking defaults, which the client adds before sending."""
    out = dict(body)
    if kind == "chat" and "thinking" not in out and "reasoning_effort" not in out:
        if policy.thinking is not None:
            out["thinking"] = {"type": "enabled" if policy.thinking else "disabled"}
        if policy.effort is not None and policy.thinking is not False:
            out["reasoning_effort"] = policy.effort
    for key in ("thinking",):
        if type(out.get(key)) is bool:  # the client's convenience form of the switch
            out[key] = {"type": "enabled" if out[key] else "disabled"}
    return out


def _refusal(kind: str, body: dict[str, Any], policy: Policy) -> BaseException | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            prepare_request(kind, body, policy)  # type: ignore[arg-type]
        except (DeepSeekRequestError, UnsupportedFeatureError, ConfigurationError) as error:
            return error
    return None


def _check(kind: str, body: dict[str, Any], policy: Policy) -> None:
    error = _refusal(kind, body, policy)
    if error is None or body.get("model") in UNKNOWN_MODELS:
        return
    rule = BY_ID.get(getattr(error, "rule", None) or "")
    if rule is None or rule.action is not REJECTED:
        return  # a deliberate refusal (or a team setting), not a claim about what DeepSeek rejects
    seen = _as_the_server_sees_it(body, policy, kind)
    verdict = parse_chat(seen, beta=policy.beta) if kind == "chat" else parse_fim(seen)
    assert isinstance(verdict, ApiError), (
        f"the client refused (row {rule.id!r}) a body DeepSeek accepts: {error}\nbody: {seen!r}"
    )


@TWO_WAY
@given(body=chat_bodies(), policy=strict)
@example(body={"model": "deepseek-flash", "messages": HI, "temperature": 2}, policy=Policy())
@example(body={"model": "deepseek-flash", "messages": HI, "stop": ["s"] * 16}, policy=Policy())
@example(body={"model": "deepseek-flash", "messages": HI, "user_id": "u" * 512}, policy=Policy())
def test_the_client_refuses_only_what_deepseek_rejects(body: dict[str, Any], policy: Policy) -> None:
    _check("chat", body, policy)


@TWO_WAY
@given(body=fim_bodies(), policy=strict)
@example(body={"model": "deepseek-flash", "prompt": "x", "max_tokens": 4096}, policy=Policy(beta=True))
@example(body={"model": "deepseek-flash", "prompt": "x", "logprobs": 20}, policy=Policy(beta=True))
@example(  # an empty suffix is no suffix: echo with suffix="" is accepted (found by this property)
    body={"model": "deepseek-flash", "prompt": "", "echo": True, "suffix": ""},
    policy=Policy(guard_mode="strict"),
)
def test_the_client_refuses_only_what_deepseek_rejects_in_fim(body: dict[str, Any], policy: Policy) -> None:
    _check("fim", body, policy)


@given(value=st.integers(-3, 400_000))
@settings(max_examples=60, deadline=None)
@example(value=0)
@example(value=1)
@example(value=393_216)
@example(value=393_217)
def test_max_tokens_verdicts_agree(value: int) -> None:
    body = {"model": "deepseek-flash", "messages": HI, "max_tokens": value}
    client_refuses = _refusal("chat", body, Policy()) is not None
    assert client_refuses == isinstance(parse_chat(body, beta=False), ApiError)
    assert client_refuses == (not 1 <= value <= 393_216)  # section 5
