"""The request pipeline: every rule applied to a chat or FIM body before it is sent.

One place, pure functions over plain dicts, run once per call by the client's ``request`` seam
(so ``create``, ``parse``, the ``.stream()`` helper and raw responses all pass through it)::

    translate  retired model names, max_completion_tokens -> max_tokens, user -> user_id,
               the client's default thinking mode and effort
    history    reasoning_content round trip when tools are sent while thinking
    guards     refuse what DeepSeek rejects or silently ignores, with the fix

Every decision about a model reads :mod:`deepseek_openai.catalogue`; unknown models get only
the API-wide rules. The functions return a new body and a list of notices (warnings to emit);
they never mutate the caller's data and never touch the network.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from ._catalogue import (
    BETA_PAGE,
    CHAT_API_PAGE,
    REASONING_PAGE,
    Feature,
    Limits,
    ModelInfo,
    ResolvedModel,
    Source,
    resolve_model,
)
from ._errors import DeepSeekCompatibilityWarning, DeepSeekRequestError, UnsupportedFeatureError
from ._settings import DeepSeekSettings, GuardMode, HistoryPolicy, RetiredModelPolicy

__all__ = [
    "EFFORTS",
    "Endpoint",
    "Notice",
    "Policy",
    "Prepared",
    "Violation",
    "endpoint_for",
    "normalize_effort",
    "prepare_request",
]

Endpoint = Literal["chat", "fim"]

EFFORTS: Final[dict[str, str]] = {
    "none": "none",
    "low": "low",
    "high": "high",
    "max": "max",
    # Accepted by the API and mapped (chat API page, 2026-09-11).
    "minimal": "low",
    "medium": "high",
    "xhigh": "high",
    "ultra": "max",
}

_NAME_RE: Final = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
_USER_ID_RE: Final = re.compile(r"^[A-Za-z0-9_-]{1,512}$")
_FOREIGN_REASONING_FIELDS: Final = ("thinking_blocks", "signature", "reasoning", "reasoning_details")
_FOREIGN_SET: Final = frozenset(_FOREIGN_REASONING_FIELDS)
_ROLES: Final = frozenset({"system", "user", "assistant", "tool"})
_USER_PARTS: Final = frozenset({"text", "image_url", "file"})


@dataclass(frozen=True, slots=True)
class Policy:
    """The per-client choices the pipeline applies (built from :class:`DeepSeekSettings`)."""

    beta: bool = False
    thinking: bool | None = None
    effort: str | None = None
    history: HistoryPolicy = "backfill"
    guard_mode: GuardMode = "strict"
    retired: RetiredModelPolicy = "translate"
    allow_tools: bool = True

    @classmethod
    def from_settings(cls, settings: DeepSeekSettings, *, beta: bool) -> Policy:
        return cls(
            beta=beta,
            thinking=settings.thinking,
            effort=normalize_effort(settings.reasoning_effort) if settings.reasoning_effort else None,
            history=settings.history_policy,
            guard_mode=settings.guard_mode,
            retired=settings.retired_model_policy,
            allow_tools=settings.allow_tools,
        )


@dataclass(frozen=True, slots=True)
class Notice:
    """A warning the adapter should emit (kept as data so the pipeline stays pure)."""

    category: type[Warning]
    message: str


@dataclass(slots=True)
class Prepared:
    """The body to send, the warnings to emit, and what the pipeline decided."""

    body: dict[str, Any]
    notices: list[Notice] = field(default_factory=list)
    thinking: bool | None = None
    """True/False when known; None for an unknown model with no explicit setting."""
    model: ResolvedModel | None = None


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: what, why (with its dated source) and the fix."""

    rule: str
    param: str | None
    what: str
    why: str
    fix: str
    source: Source = CHAT_API_PAGE
    unsupported: bool = False
    """A feature DeepSeek lacks (UnsupportedFeatureError) rather than a bad request."""
    droppable: bool = False
    """Dropping ``param`` gives the behaviour DeepSeek would have had anyway (warn mode drops it)."""

    def error(self) -> DeepSeekRequestError | UnsupportedFeatureError:
        cls = UnsupportedFeatureError if self.unsupported else DeepSeekRequestError
        return cls(self.what, why=self.why, fix=self.fix, source=self.source, param=self.param)


def endpoint_for(path: str) -> Endpoint | None:
    """Which pipeline applies to a request path (``/chat/completions``, ``/beta/completions``, ...)."""
    path = path.rstrip("/")
    if path.endswith("chat/completions"):
        return "chat"
    if path.endswith("completions"):
        return "fim"
    return None


def normalize_effort(value: object) -> str:
    """Map an effort to the one the API uses, or raise a clear error."""
    if isinstance(value, str) and value in EFFORTS:
        return EFFORTS[value]
    raise DeepSeekRequestError(
        f"reasoning_effort={value!r} is not a DeepSeek effort",
        why="the API accepts none, low, high (default) and max (minimal, medium, xhigh and ultra are mapped)",
        fix="use effort='low', 'high' or 'max', or thinking=False to turn thinking off",
        source=REASONING_PAGE,
        param="reasoning_effort",
    )


def prepare_request(endpoint: Endpoint, body: Mapping[str, Any], policy: Policy) -> Prepared:
    """Apply translations, the history policy and the guards to one request body."""
    out = dict(body)
    prepared = Prepared(out)
    if endpoint == "chat":
        _translate_chat(out, policy, prepared)
        _apply_history(out, policy, prepared)
        _run_guards(_CHAT_RULES, out, policy, prepared)
    else:
        _translate_fim(out, policy, prepared)
        _run_guards(_FIM_RULES, out, policy, prepared)
    return prepared


# --------------------------------------------------------------------------------------------
# Translate


def _resolve_model(body: dict[str, Any], policy: Policy, prepared: Prepared, *, chat: bool) -> bool | None:
    """Resolve the model name; a retired one is renamed (with a DeprecationWarning) or refused.

    Returns the thinking mode a retired chat name implied (``deepseek-reasoner`` thought).
    """
    model = body.get("model")
    resolved = resolve_model(model) if isinstance(model, str) else None
    prepared.model = resolved
    if resolved is None or resolved.status != "retired":
        return None
    implied = resolved.thinking if chat else None
    if policy.retired == "error":
        raise DeepSeekRequestError(
            f"model={resolved.requested!r} is retired",
            why=resolved.message or "the name was switched off",
            fix=f"use model={resolved.id!r}" + (", thinking=False" if implied is False else ""),
            source=_retired_source(resolved),
            param="model",
        )
    body["model"] = resolved.id
    prepared.notices.append(
        Notice(DeprecationWarning, f"{resolved.message} Sent as model={resolved.id!r} for now.")
    )
    return implied


def _translate_chat(body: dict[str, Any], policy: Policy, prepared: Prepared) -> None:
    implied_thinking = _resolve_model(body, policy, prepared, chat=True)
    resolved = prepared.model

    _rename(body, "max_completion_tokens", "max_tokens", policy, prepared)
    for openai_name in ("safety_identifier", "user"):
        _translate_user_id(body, openai_name, policy, prepared)

    prepared.thinking = _settle_thinking(body, policy, prepared, implied_thinking, resolved)


def _translate_fim(body: dict[str, Any], policy: Policy, prepared: Prepared) -> None:
    _resolve_model(body, policy, prepared, chat=False)
    # FIM never thinks; the client's default thinking mode is deliberately not applied here, but the
    # body's own setting gets the chat path's normalisation (thinking=False -> {"type": "disabled"}).
    _normalize_thinking(body)
    prepared.thinking = _explicit_thinking(body)


def _retired_source(resolved: ResolvedModel) -> Source:
    from ._catalogue import RETIRED

    return RETIRED[resolved.requested].source


def _refuse(policy: Policy, prepared: Prepared, error: DeepSeekRequestError, fallback: str) -> None:
    """A translation that cannot be made: raise in strict mode, else apply ``fallback`` (warned in warn mode).

    The fallback is what DeepSeek itself would do with the untranslated request, so warn and off
    never block a request the API accepts.
    """
    if policy.guard_mode == "strict":
        raise error
    if policy.guard_mode == "warn":
        prepared.notices.append(Notice(DeepSeekCompatibilityWarning, f"{error} (warn mode: {fallback})"))


def _rename(body: dict[str, Any], old: str, new: str, policy: Policy, prepared: Prepared) -> None:
    if old not in body:
        return
    value = body.pop(old)
    if value is None:
        return
    if body.get(new) is not None and body[new] != value:
        _refuse(
            policy,
            prepared,
            DeepSeekRequestError(
                f"both {old}={value!r} and {new}={body[new]!r} were given",
                why=f"DeepSeek's name for this parameter is {new}; {old} (OpenAI's name) is translated to it",
                fix=f"pass only {new}",
                source=CHAT_API_PAGE,
                param=old,
            ),
            f"{old} was dropped, {new} kept",
        )
        return
    body[new] = value


def _translate_user_id(body: dict[str, Any], openai_name: str, policy: Policy, prepared: Prepared) -> None:
    if openai_name not in body:
        return
    value = body.pop(openai_name)
    if value is None:
        return
    # DeepSeek ignores OpenAI's names, so when a value cannot be translated, dropping it (warn/off)
    # sends what the API would have acted on anyway.
    if not isinstance(value, str) or not _USER_ID_RE.match(value):
        _refuse(
            policy,
            prepared,
            DeepSeekRequestError(
                f"{openai_name}={value!r} cannot be used as DeepSeek's user_id",
                why="DeepSeek's end-user id (user_id) must match [a-zA-Z0-9_-] and be at most "
                "512 characters; "
                f"OpenAI's {openai_name} is translated to it",
                fix="pass an id of letters, digits, '_' or '-' (hash e-mail addresses, for instance)",
                source=CHAT_API_PAGE,
                param=openai_name,
            ),
            f"{openai_name} was dropped",
        )
        return
    existing = body.get("user_id")
    if existing is not None and existing != value:
        _refuse(
            policy,
            prepared,
            DeepSeekRequestError(
                f"both {openai_name}={value!r} and user_id={existing!r} were given",
                why=f"{openai_name} is translated to DeepSeek's user_id, so they would conflict",
                fix="pass only user_id (in extra_body)",
                source=CHAT_API_PAGE,
                param=openai_name,
            ),
            f"{openai_name} was dropped, user_id kept",
        )
        return
    body["user_id"] = value


def _explicit_thinking(body: Mapping[str, Any]) -> bool | None:
    """The thinking mode the body itself asks for, or None when it does not say."""
    thinking = body.get("thinking")
    effort = body.get("reasoning_effort")
    if isinstance(thinking, Mapping):
        kind = thinking.get("type")
        if kind == "enabled":
            return True
        if kind == "disabled":
            return False
    if effort is not None:
        return EFFORTS.get(effort) != "none" if isinstance(effort, str) else None
    return None


def _normalize_thinking(body: dict[str, Any]) -> Any:
    """``thinking=True/False`` becomes the API's object; anything else but that object is refused."""
    thinking = body.get("thinking")
    if isinstance(thinking, bool):  # convenience: thinking=True/False in extra_body
        thinking = body["thinking"] = {"type": "enabled" if thinking else "disabled"}
    if thinking is not None and not (
        isinstance(thinking, Mapping) and thinking.get("type") in ("enabled", "disabled")
    ):
        raise DeepSeekRequestError(
            f"thinking={thinking!r} is not a DeepSeek thinking setting",
            why='the API takes thinking={"type": "enabled"} or {"type": "disabled"}',
            fix="use thinking=True/False on the client (get_client(thinking=False) or "
            'client.with_options(thinking=False)), or extra_body={"thinking": {"type": "disabled"}}',
            source=REASONING_PAGE,
            param="thinking",
        )
    return thinking


def _settle_thinking(
    body: dict[str, Any],
    policy: Policy,
    prepared: Prepared,
    implied: bool | None,
    resolved: ResolvedModel | None,
) -> bool | None:
    """Normalise ``thinking`` / ``reasoning_effort`` and apply the client's defaults."""
    thinking = _normalize_thinking(body)
    effort = body.get("reasoning_effort")
    if effort is not None:
        body["reasoning_effort"] = effort = normalize_effort(effort)

    explicit = _explicit_thinking(body)
    if thinking is not None and effort is not None:
        on = thinking["type"] == "enabled"
        if on != (effort != "none"):
            _refuse(
                policy,
                prepared,
                DeepSeekRequestError(
                    f"thinking={thinking!r} contradicts reasoning_effort={effort!r}",
                    why="reasoning_effort 'none' turns thinking off and any other effort needs thinking on",
                    fix="set only one of them, e.g. thinking=False, or effort='high' with thinking on",
                    source=REASONING_PAGE,
                    param="reasoning_effort",
                ),
                "sent unchanged; the server settles it",
            )
    if explicit is None:
        default = implied if implied is not None else policy.thinking
        if default is False or (policy.effort == "none" and implied is None):
            body["thinking"] = {"type": "disabled"}
            explicit = False
        else:
            if default is True:
                body["thinking"] = {"type": "enabled"}
                explicit = True
            if policy.effort is not None and policy.effort != "none":
                body["reasoning_effort"] = policy.effort
                explicit = True
    elif explicit and effort is None and policy.effort not in (None, "none"):
        body["reasoning_effort"] = policy.effort
    if explicit is not None:
        return explicit
    # Not said anywhere: the server default, which the catalogue knows for known models only.
    return resolved.info.thinking_default if resolved is not None and resolved.info is not None else None


# --------------------------------------------------------------------------------------------
# History


def _apply_history(body: dict[str, Any], policy: Policy, prepared: Prepared) -> None:
    """Keep every earlier ``reasoning_content`` when tools are sent while thinking (2026-09-11 rule)."""
    if policy.history == "off" or not body.get("tools") or prepared.thinking is False:
        return
    messages = body.get("messages")
    if not isinstance(messages, list):
        return
    if policy.history == "error":
        missing = [
            i
            for i, m in enumerate(messages)
            if isinstance(m, Mapping)
            and m.get("role") == "assistant"
            and m.get("reasoning_content") is None
            and not m.get("prefix")
        ]
        if missing:
            raise DeepSeekRequestError(
                f"assistant messages at {_indices(missing)} have no reasoning_content",
                why="with tools in thinking mode, every earlier assistant turn's reasoning_content must be "
                "sent back, or the API answers 400",
                fix="append assistant turns with deepseek_openai.to_message(response), or use "
                "history_policy='backfill' to send '' where it was lost",
                source=REASONING_PAGE,
                param="messages",
            )
        return
    new_messages: list[Any] | None = None
    foreign = _FOREIGN_SET
    for i, message in enumerate(messages):
        # Hot loop (runs over the whole history on every tool call): `type is dict` skips the slow
        # ABC isinstance for the common case, and well-formed turns skip _backfill altogether.
        if type(message) is not dict and not isinstance(message, Mapping):
            continue
        if message.get("role") != "assistant" or (
            type(message.get("reasoning_content")) is str and foreign.isdisjoint(message)
        ):
            continue
        fixed = _backfill(message)
        if fixed is not message:
            if new_messages is None:
                new_messages = list(messages)
            new_messages[i] = fixed
    if new_messages is not None:
        body["messages"] = new_messages


def _backfill(message: Mapping[str, Any]) -> Mapping[str, Any]:
    """The message with ``reasoning_content`` present and foreign reasoning fields removed."""
    reasoning = message.get("reasoning_content")
    foreign = [k for k in _FOREIGN_REASONING_FIELDS if k in message]
    if isinstance(reasoning, str) and not foreign:
        return message
    fixed = {k: v for k, v in message.items() if k not in _FOREIGN_REASONING_FIELDS}
    if not isinstance(reasoning, str):
        # A framework that renamed the field (e.g. "reasoning") still holds the text: keep it.
        renamed = message.get("reasoning")
        fixed["reasoning_content"] = renamed if isinstance(renamed, str) else ""
    return fixed


def _indices(idx: Sequence[int]) -> str:
    shown = ", ".join(str(i) for i in idx[:10])
    return f"index {shown}" + (f" (and {len(idx) - 10} more)" if len(idx) > 10 else "")


# --------------------------------------------------------------------------------------------
# Guards

Rule = Callable[[dict[str, Any], Policy, Prepared], list[Violation]]


def _run_guards(rules: Sequence[Rule], body: dict[str, Any], policy: Policy, prepared: Prepared) -> None:
    # allow_tools=False is an explicit team setting, enforced whatever the guard mode.
    if not policy.allow_tools and body.get("tools"):
        raise _tools_disallowed().error()
    if policy.guard_mode == "off":
        return
    for rule in rules:
        keys = _TRIGGERS.get(rule)
        if keys is not None and keys.isdisjoint(body):
            continue  # none of the parameters this rule reads is in the body (most rules, most calls)
        for violation in rule(body, policy, prepared):
            if policy.guard_mode == "strict":
                raise violation.error()
            message = str(violation.error())
            if violation.droppable and violation.param in body:
                del body[violation.param]
                message += f" (warn mode: {violation.param} was dropped)"
            else:
                message += " (warn mode: sent unchanged)"
            prepared.notices.append(Notice(DeepSeekCompatibilityWarning, message))


def _tools_disallowed() -> Violation:
    return Violation(
        "allow_tools",
        "tools",
        "tools were sent but this client has allow_tools=False",
        "the client was configured to refuse function calling (the 2025 behaviour); DeepSeek itself "
        "supports tools on every model, also while thinking, since 2025-12",
        "remove tools from the request, or build the client with allow_tools=True "
        "(or unset DEEPSEEK_ALLOW_TOOLS)",
        unsupported=True,
    )


def _given(body: Mapping[str, Any], key: str) -> bool:
    return body.get(key) is not None


# Parameters DeepSeek does not have. Value: (why, fix, droppable, harmless value or None).
_OPENAI_ONLY: Final[dict[str, tuple[str, str, bool, Callable[[Any], bool] | None]]] = {
    "logit_bias": ("DeepSeek has no logit_bias; it would be ignored", "remove logit_bias", True, None),
    "seed": (
        "DeepSeek has no seed; answers would not be reproducible as you expect",
        "remove seed (use temperature=0 with thinking off for the most stable output)",
        True,
        None,
    ),
    "audio": ("DeepSeek has no audio output", "remove audio and modalities", False, None),
    "modalities": (
        "DeepSeek outputs text only",
        "remove modalities",
        True,
        lambda v: list(v) == ["text"],
    ),
    "prediction": ("DeepSeek has no predicted outputs", "remove prediction", True, None),
    "web_search_options": (
        "DeepSeek's chat API has no built-in web search parameter",
        "remove web_search_options and offer your own search function as a tool",
        False,
        None,
    ),
    "service_tier": (
        "DeepSeek has no service tiers",
        "remove service_tier",
        True,
        lambda v: v in ("auto", "default"),
    ),
    "parallel_tool_calls": (
        "DeepSeek has no parallel_tool_calls switch; the model may still call several tools at once",
        "remove parallel_tool_calls and handle every tool call in the reply",
        True,
        lambda v: v is True,
    ),
    "prompt_cache_key": (
        "DeepSeek caches prompt prefixes automatically; it has no prompt_cache_key",
        "remove prompt_cache_key (pass user_id to isolate caches per end user)",
        True,
        None,
    ),
    "prompt_cache_retention": (
        "DeepSeek has no prompt cache retention setting (its prefix cache is automatic)",
        "remove prompt_cache_retention",
        True,
        None,
    ),
    "prompt_cache_options": (
        "DeepSeek has no prompt cache options (its prefix cache is automatic)",
        "remove prompt_cache_options",
        True,
        None,
    ),
    "store": ("DeepSeek does not store completions", "remove store", True, lambda v: v is False),
    "metadata": ("DeepSeek has no request metadata", "remove metadata", True, None),
    "best_of": (
        "DeepSeek returns exactly one completion and has no best_of",
        "remove best_of (send the request several times if you need candidates)",
        True,
        lambda v: v == 1,
    ),
    "verbosity": ("DeepSeek has no verbosity setting", "remove verbosity", True, None),
    "moderation": ("DeepSeek has no moderation parameter", "remove moderation", True, None),
    "functions": (
        "DeepSeek has no legacy functions/function_call API",
        "pass tools=[{'type': 'function', 'function': ...}] and tool_choice instead",
        False,
        None,
    ),
    "function_call": (
        "DeepSeek has no legacy functions/function_call API",
        "use tool_choice instead",
        False,
        None,
    ),
}
_UNSUPPORTED_PARAMS: Final = frozenset(
    {"audio", "modalities", "web_search_options", "functions", "function_call"}
)


def _rule_openai_only(body: dict[str, Any], policy: Policy, prepared: Prepared) -> list[Violation]:
    out = []
    for key in body.keys() & _OPENAI_ONLY.keys():
        value = body[key]
        why, fix, droppable, harmless = _OPENAI_ONLY[key]
        if value is None or (harmless is not None and harmless(value)):
            continue
        out.append(
            Violation(
                f"openai_only.{key}",
                key,
                f"{key}={_short(value)} is an OpenAI-only parameter",
                why,
                fix,
                unsupported=key in _UNSUPPORTED_PARAMS,
                droppable=droppable,
            )
        )
    return out


def _rule_n(body: dict[str, Any], policy: Policy, prepared: Prepared) -> list[Violation]:
    n = body.get("n")
    if n is None or n == 1:
        return []
    return [
        Violation(
            "n",
            "n",
            f"n={n!r} asks for several choices",
            "DeepSeek returns exactly one choice; n > 1 is silently ignored",
            "remove n and send the request n times (concurrently with the async client) if you need variety",
            unsupported=True,
            droppable=True,
        )
    ]


def _rule_response_format(body: dict[str, Any], policy: Policy, prepared: Prepared) -> list[Violation]:
    rf = body.get("response_format")
    if rf is None:
        return []
    kind = rf.get("type") if isinstance(rf, Mapping) else None
    if kind in ("text", "json_object"):
        return []
    if kind == "json_schema":
        return [
            Violation(
                "response_format.json_schema",
                "response_format",
                "response_format json_schema (also what .parse(response_format=Model) sends)",
                "DeepSeek answers 400 'This response_format type is unavailable now': it has no "
                "schema-constrained output",
                "use response_format={'type': 'json_object'} with the JSON shape shown in the prompt "
                "(deepseek_openai.json_complete validates and parses it), or strict function tools on "
                "the beta URL (get_client(beta=True))",
                unsupported=True,
            )
        ]
    return [
        Violation(
            "response_format.type",
            "response_format",
            f"response_format={_short(rf)}",
            "DeepSeek accepts only {'type': 'text'} and {'type': 'json_object'}",
            "use response_format={'type': 'json_object'}",
        )
    ]


def _rule_stream_options(body: dict[str, Any], policy: Policy, prepared: Prepared) -> list[Violation]:
    if _given(body, "stream_options") and not body.get("stream"):
        return [
            Violation(
                "stream_options",
                "stream_options",
                "stream_options without stream=True",
                "DeepSeek answers 400 when stream_options is set on a non-streaming request",
                "pass stream=True, or remove stream_options",
                droppable=True,
            )
        ]
    return []


def _rule_stop(body: dict[str, Any], policy: Policy, prepared: Prepared) -> list[Violation]:
    stop = body.get("stop")
    limits = _limits(prepared)
    limit = limits.max_stop_sequences if limits else 16
    if isinstance(stop, list | tuple) and len(stop) > limit:
        return [
            Violation(
                "stop",
                "stop",
                f"stop has {len(stop)} sequences",
                f"DeepSeek accepts at most {limit} stop sequences",
                f"keep the {limit} most important stop sequences",
            )
        ]
    return []


def _rule_logprobs(body: dict[str, Any], policy: Policy, prepared: Prepared) -> list[Violation]:
    top = body.get("top_logprobs")
    if top is None:
        return []
    if not body.get("logprobs"):
        return [
            Violation(
                "top_logprobs.without_logprobs",
                "top_logprobs",
                f"top_logprobs={top!r} without logprobs=True",
                "DeepSeek accepts top_logprobs only together with logprobs=True",
                "add logprobs=True, or remove top_logprobs",
            )
        ]
    if not isinstance(top, int) or isinstance(top, bool) or not 0 <= top <= 20:
        return [
            Violation(
                "top_logprobs.range",
                "top_logprobs",
                f"top_logprobs={top!r}",
                "DeepSeek accepts top_logprobs from 0 to 20",
                "use a value from 0 to 20",
            )
        ]
    return []


def _rule_sampling(body: dict[str, Any], policy: Policy, prepared: Prepared) -> list[Violation]:
    out = []
    temperature = body.get("temperature")
    if temperature is not None and not (_is_number(temperature) and 0 <= temperature <= 2):
        out.append(
            Violation(
                "temperature",
                "temperature",
                f"temperature={temperature!r}",
                "DeepSeek accepts temperature from 0 to 2 (and ignores it while thinking)",
                "use a value from 0 to 2",
            )
        )
    top_p = body.get("top_p")
    if top_p is not None and not (_is_number(top_p) and 0 < top_p <= 1):
        out.append(
            Violation(
                "top_p", "top_p", f"top_p={top_p!r}", "DeepSeek accepts top_p in (0, 1]", "use 0 < top_p <= 1"
            )
        )
    max_tokens = body.get("max_tokens")
    limits = _limits(prepared)
    if max_tokens is not None:
        ceiling = limits.max_output_tokens if limits else None
        if (
            not isinstance(max_tokens, int)
            or isinstance(max_tokens, bool)
            or max_tokens < 1
            or (ceiling is not None and max_tokens > ceiling)
        ):
            out.append(
                Violation(
                    "max_tokens",
                    "max_tokens",
                    f"max_tokens={max_tokens!r}",
                    f"DeepSeek accepts max_tokens from 1 to {ceiling or 'the model maximum'} "
                    "(it covers reasoning and answer together)",
                    f"use 1 <= max_tokens <= {ceiling or 'the model maximum'}",
                    source=limits.source if limits else CHAT_API_PAGE,
                )
            )
    return out


def _rule_tools(body: dict[str, Any], policy: Policy, prepared: Prepared) -> list[Violation]:
    tools = body.get("tools")
    if not tools:
        return _rule_tool_choice(body, prepared)
    if not isinstance(tools, list | tuple):
        return [
            Violation(
                "tools.type",
                "tools",
                f"tools is a {type(tools).__name__}, not a list",
                "DeepSeek takes tools as a list of {'type': 'function', 'function': {...}} objects",
                "pass tools=[{'type': 'function', 'function': {'name': ..., 'parameters': {...}}}]",
            )
        ]
    out: list[Violation] = []
    limits = _limits(prepared)
    limit = limits.max_tools if limits else 128
    if len(tools) > limit:
        out.append(
            Violation(
                "tools.count",
                "tools",
                f"{len(tools)} tools were sent",
                f"DeepSeek supports at most {limit} tools per request",
                f"send at most {limit} tools (choose the relevant ones per request)",
            )
        )
    seen: set[str] = set()
    for i, tool in enumerate(tools):
        kind = tool.get("type") if isinstance(tool, Mapping) else None
        if kind != "function":
            out.append(
                Violation(
                    "tools.builtin",
                    "tools",
                    f"tools[{i}] has type {kind!r}",
                    "DeepSeek supports only type 'function' tools; OpenAI's built-in tools (web search, "
                    "file search, code interpreter, custom tools) do not exist there",
                    "implement the tool yourself and offer it as {'type': 'function', 'function': {...}}",
                    unsupported=True,
                )
            )
            continue
        fn = tool.get("function")
        name = fn.get("name") if isinstance(fn, Mapping) else None
        if not isinstance(name, str) or not _NAME_RE.match(name):
            out.append(
                Violation(
                    "tools.name",
                    "tools",
                    f"tools[{i}] has the function name {name!r}",
                    "DeepSeek function names use only a-z, A-Z, 0-9, '_' and '-', at most 128 characters",
                    "rename the function, e.g. " + repr(_safe_name(name)),
                )
            )
        elif name in seen:
            out.append(
                Violation(
                    "tools.unique",
                    "tools",
                    f"the function name {name!r} appears twice",
                    "DeepSeek needs unique function names",
                    "give each function its own name",
                )
            )
        else:
            seen.add(name)
        if isinstance(fn, Mapping) and fn.get("strict") and not policy.beta:
            out.append(_beta_only("strict function tools", "tools", f"tools[{i}] ({name}) has strict=True"))
    out.extend(_rule_tool_choice(body, prepared))
    return out


def _rule_tool_choice(body: dict[str, Any], prepared: Prepared) -> list[Violation]:
    choice = body.get("tool_choice")
    if choice is None or choice in ("auto", "none") or prepared.thinking is not True:
        return []
    return [
        Violation(
            "tool_choice.thinking",
            "tool_choice",
            f"tool_choice={_short(choice)} while thinking",
            "DeepSeek answers 400 'Thinking mode does not support this tool_choice': only 'auto' and "
            "'none' work while thinking",
            "turn thinking off for this call (client.with_options(thinking=False)) or use tool_choice='auto'",
            source=REASONING_PAGE,
        )
    ]


def _rule_messages(body: dict[str, Any], policy: Policy, prepared: Prepared) -> list[Violation]:
    messages = body.get("messages")
    if not isinstance(messages, list | tuple) or not messages:
        return [
            Violation(
                "messages.empty",
                "messages",
                "messages is empty or not a list",
                "DeepSeek needs at least one message",
                "pass messages=[{'role': 'user', 'content': '...'}]",
            )
        ]
    out: list[Violation] = []
    info = prepared.model.info if prepared.model else None
    last = len(messages) - 1
    for i, message in enumerate(messages):
        if type(message) is not dict and not isinstance(message, Mapping):  # fast path for dicts
            out.append(
                Violation(
                    "messages.type",
                    "messages",
                    f"messages[{i}] is a {type(message).__name__}",
                    "every message must be a mapping with a role",
                    "pass dicts (deepseek_openai.to_message turns a response message into one)",
                )
            )
            continue
        role = message.get("role")
        if role not in _ROLES:
            out.append(
                Violation(
                    "messages.role",
                    "messages",
                    f"messages[{i}] has role {role!r}",
                    "DeepSeek accepts the roles system, user, assistant and tool ('developer' is OpenAI's)",
                    "use role 'system' for instructions" if role == "developer" else "use one of those roles",
                )
            )
        if role == "tool" and not message.get("tool_call_id"):
            out.append(
                Violation(
                    "messages.tool_call_id",
                    "messages",
                    f"messages[{i}] is a tool result without tool_call_id",
                    "a tool message must name the tool call it answers",
                    "set tool_call_id to the id of the assistant's tool call",
                )
            )
        if message.get("prefix"):
            if role != "assistant" or i != last:
                out.append(
                    Violation(
                        "messages.prefix_position",
                        "messages",
                        f"messages[{i}] has prefix=True",
                        "only the last message, an assistant message, can be a prefix",
                        "move the prefix message to the end (deepseek_openai.prefix_complete does this)",
                        source=BETA_PAGE,
                    )
                )
            elif not policy.beta:
                out.append(_beta_only("chat prefix completion", "messages", f"messages[{i}] has prefix=True"))
        content = message.get("content")
        if role == "assistant" and content is None and not message.get("tool_calls"):
            out.append(
                Violation(
                    "messages.assistant_empty",
                    "messages",
                    f"messages[{i}] is an assistant message with neither content nor tool_calls",
                    "DeepSeek answers 400 for an assistant turn that carries nothing",
                    'drop the empty turn, or give it content ("" is fine) or its tool_calls '
                    "(deepseek_openai.to_message builds the turn from a response)",
                )
            )
        if type(content) is not str and isinstance(content, list | tuple):
            out.extend(_check_parts(i, role, content, info, prepared))
    out.extend(_check_tool_order(messages))
    return out


def _check_tool_order(messages: Sequence[Any]) -> list[Violation]:
    """Every tool message answers a call of the assistant turn just before it; every call is answered."""
    pending: set[Any] | None = None
    for i, message in enumerate(messages):
        # Hot loop over the whole history: `type is dict` skips the slow ABC isinstance for dicts.
        if (type(message) is not dict and not isinstance(message, Mapping)) or message.get("prefix"):
            continue
        role = message.get("role")
        if role == "tool":
            call_id = message.get("tool_call_id")
            if call_id and (pending is None or call_id not in pending):
                return [
                    _tool_order(
                        f"messages[{i}] answers tool call {call_id!r}, which the assistant "
                        "turn before it did not make"
                    )
                ]
            if pending is not None:
                pending.discard(call_id)
            continue
        if pending:
            return [
                _tool_order(
                    f"the tool calls {sorted(map(str, pending))} have no tool message before messages[{i}]"
                )
            ]
        calls = message.get("tool_calls") if role == "assistant" else None
        pending = None
        if (type(calls) is list or isinstance(calls, list | tuple)) and calls:
            pending = {c.get("id") for c in calls if type(c) is dict or isinstance(c, Mapping)}
    if pending:
        return [
            _tool_order(
                f"the tool calls {sorted(map(str, pending))} of the last assistant turn have no tool message"
            )
        ]
    return []


def _tool_order(what: str) -> Violation:
    return Violation(
        "messages.tool_order",
        "messages",
        what,
        "DeepSeek answers 400 unless every tool call is followed by one tool message with its "
        "tool_call_id, right after the assistant turn that made it",
        "append one {'role': 'tool', 'tool_call_id': <id>, 'content': <result>} per tool call, "
        "directly after that assistant message",
    )


def _check_parts(
    i: int, role: object, parts: Sequence[Any], info: ModelInfo | None, prepared: Prepared
) -> list[Violation]:
    out = []
    for part in parts:
        kind = part.get("type") if isinstance(part, Mapping) else None
        if kind == "text":
            continue
        if role != "user" or kind not in _USER_PARTS:
            out.append(
                Violation(
                    "messages.part",
                    "messages",
                    f"messages[{i}] ({role}) has a {kind!r} content part",
                    "DeepSeek accepts text parts anywhere and image_url / file parts only in user messages; "
                    "it has no audio input",
                    "send text, or move images into a user message",
                    unsupported=kind not in _USER_PARTS,
                )
            )
        elif kind in ("image_url", "file") and info is not None and not info.supports(Feature.VISION):
            out.append(
                Violation(
                    "messages.vision",
                    "messages",
                    f"messages[{i}] has an image part for model {info.id!r}",
                    f"{info.id} has no vision input (the API answers 400); deepseek-flash does",
                    "use model='deepseek-flash' for image input, or describe the image in text",
                    source=info.source_of(Feature.VISION),
                    unsupported=True,
                )
            )
    return out


def _rule_fim(body: dict[str, Any], policy: Policy, prepared: Prepared) -> list[Violation]:
    out = []
    if not policy.beta:
        out.append(_beta_only("FIM completion (/completions)", None, "a FIM request was sent"))
    if prepared.thinking:
        out.append(
            Violation(
                "fim.thinking",
                "thinking",
                "FIM with thinking enabled",
                "FIM runs without thinking only",
                "remove thinking / reasoning_effort from the FIM request (deepseek_openai.fim_complete does)",
                source=BETA_PAGE,
            )
        )
    max_tokens = body.get("max_tokens")
    limits = _limits(prepared)
    limit = limits.fim_max_tokens if limits else 4096
    if max_tokens is not None and (
        not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or not 1 <= max_tokens <= limit
    ):
        out.append(
            Violation(
                "fim.max_tokens",
                "max_tokens",
                f"max_tokens={max_tokens!r} for FIM",
                f"FIM accepts max_tokens from 1 to {limit}",
                f"use max_tokens <= {limit}",
                source=BETA_PAGE,
            )
        )
    if body.get("echo") and (_given(body, "suffix") or _given(body, "logprobs")):
        out.append(
            Violation(
                "fim.echo",
                "echo",
                "echo=True together with " + ("suffix" if _given(body, "suffix") else "logprobs"),
                "FIM's echo cannot be combined with suffix or logprobs",
                "remove echo (prepend the prompt yourself), or drop suffix / logprobs",
                source=BETA_PAGE,
            )
        )
    logprobs = body.get("logprobs")
    if logprobs is not None and not (isinstance(logprobs, int) and 0 <= logprobs <= 20):
        out.append(
            Violation(
                "fim.logprobs",
                "logprobs",
                f"logprobs={logprobs!r} for FIM",
                "FIM accepts logprobs from 0 to 20",
                "use a value from 0 to 20",
                source=BETA_PAGE,
            )
        )
    n = body.get("n")
    if n is not None and n != 1:
        out.append(
            Violation(
                "n",
                "n",
                f"n={n!r}",
                "DeepSeek returns exactly one choice",
                "remove n",
                unsupported=True,
                droppable=True,
            )
        )
    return out


def _beta_only(feature: str, param: str | None, what: str) -> Violation:
    return Violation(
        "beta_only",
        param,
        f"{what}, but this client uses the standard base URL",
        f"{feature} works only on the beta base URL (https://api.deepseek.com/beta); elsewhere the API "
        "answers 400",
        "use get_client(beta=True) or client.beta_client, or the helpers prefix_complete() / "
        "fim_complete(), which always use the beta URL",
        source=BETA_PAGE,
    )


def _limits(prepared: Prepared) -> Limits | None:
    return prepared.model.info.limits if prepared.model and prepared.model.info else None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _safe_name(name: object) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_-]", "_", str(name or "tool"))[:128]
    return cleaned or "tool"


_CHAT_RULES: Final[tuple[Rule, ...]] = (
    _rule_messages,
    _rule_openai_only,
    _rule_n,
    _rule_response_format,
    _rule_tools,
    _rule_stream_options,
    _rule_stop,
    _rule_logprobs,
    _rule_sampling,
)
_FIM_RULES: Final[tuple[Rule, ...]] = (_rule_fim, _rule_openai_only, _rule_stream_options, _rule_stop)

# The body parameters each rule reads: a rule none of whose parameters is present finds nothing, so
# the guard loop skips the call. A rule missing here always runs.
_TRIGGERS: Final[dict[Rule, frozenset[str]]] = {
    _rule_openai_only: frozenset(_OPENAI_ONLY),
    _rule_n: frozenset({"n"}),
    _rule_response_format: frozenset({"response_format"}),
    _rule_tools: frozenset({"tools", "tool_choice"}),
    _rule_stream_options: frozenset({"stream_options"}),
    _rule_stop: frozenset({"stop"}),
    _rule_logprobs: frozenset({"top_logprobs"}),
    _rule_sampling: frozenset({"temperature", "top_p", "max_tokens"}),
}
