"""The rule table: every DeepSeek rule a request body meets before it is sent, one declared row each.

A :class:`Rule` row says

- which request kinds it applies to (``kinds``: chat, fim, responses) and which body keys wake it
  (``keys``; a row none of whose keys is in the body is skipped without running its check);
- what it checks (``check``, a small pure function) and at which depth (``scope``: the body, each
  message, each content part), in which ``phase`` (translations, then the history policy, then
  the checks);
- what the user is told (``what``, ``why``, ``fix``: ``$name`` templates filled from the finding)
  and the dated document it rests on (``source``);
- what it does in each guard mode (``action``): translate, drop with a warning, warn, send, or
  refuse before the network.

Every fact a rule needs (limits, efforts, features) comes from :mod:`._catalogue`; the table itself
carries none. The pipeline (:mod:`._pipeline`) walks the rows; ``tests/guards/test_walk.py`` walks
them too, with one case per row written from the documents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from string import Template
from typing import Any, Final, Literal, TypeGuard

from ._catalogue import (
    API_LIMITS,
    BETA_PAGE,
    CHAT_API_PAGE,
    EFFORTS,
    NEWS_RETIREMENT,
    REASONING_PAGE,
    Feature,
    Limits,
    ModelInfo,
    ResolvedModel,
    Source,
)
from ._errors import DeepSeekRequestError, UnsupportedFeatureError
from ._history import backfill, missing_reasoning
from ._settings import DeepSeekSettings, GuardMode, HistoryPolicy, RetiredModelPolicy
from ._thinking import THINKING_TYPES, effort_value, normalize_effort, thinking_value
from ._translate import (
    OPENAI_USER_FIELDS,
    apply_user_id,
    identifier,
    rename,
    user_id_candidates,
    valid_user_id,
)
from ._translate import normalize_effort as normalize_body_effort
from ._translate import normalize_thinking as normalize_body_thinking

BodyKind = Literal["chat", "fim", "responses"]

CHAT: Final[frozenset[BodyKind]] = frozenset({"chat"})
FIM: Final[frozenset[BodyKind]] = frozenset({"fim"})
CHAT_FIM: Final[frozenset[BodyKind]] = frozenset({"chat", "fim"})


# --------------------------------------------------------------------------------------------
# The shape of a row


class Action(StrEnum):
    """What a rule does with a finding."""

    TRANSLATE = "translate"
    """Apply the row's faithful repair (quietly, or with the row's own notice)."""
    DROP = "drop"
    """Apply the repair (by default: remove the parameter) and warn."""
    WARN = "warn"
    """Send the body unchanged, with a warning."""
    SEND = "send"
    """Send the body unchanged, silently (the check is not even run)."""
    REFUSE = "refuse"
    """Raise before the network: what, why (dated) and the fix."""


class Phase(IntEnum):
    """When a row runs: translations first (they settle names and thinking), the checks last."""

    TRANSLATE = 0
    HISTORY = 1
    CHECK = 2


class Scope(StrEnum):
    """What a row's ``check`` is called with."""

    BODY = "body"
    """``check(body, prepared) -> Finding | Iterable[Finding] | None`` (most rows find one place at most)."""
    MESSAGE = "message"
    """``check(message, index, prepared) -> Finding | None``, for each message that is a mapping."""
    PART = "part"
    """``check(part, index, role, prepared) -> Finding | None``, for each part of list content."""


@dataclass(frozen=True, slots=True)
class Policy:
    """The per-client choices the rules read (built from :class:`DeepSeekSettings`)."""

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
class Modes:
    """What a row does in each guard mode."""

    strict: Action
    warn: Action
    off: Action

    def __call__(self, policy: Policy) -> Action:
        mode = policy.guard_mode
        return self.strict if mode == "strict" else self.warn if mode == "warn" else self.off


@dataclass(frozen=True, slots=True)
class ByPolicy:
    """What a row does, decided by another policy than the guard mode (history, retired names)."""

    policy_field: str
    actions: Mapping[str, Action]

    def __call__(self, policy: Policy) -> Action:
        return self.actions[getattr(policy, self.policy_field)]


REJECTED: Final = Modes(Action.REFUSE, Action.WARN, Action.SEND)
"""DeepSeek answers 400/422: refused in strict mode; warn sends it with a warning."""
IGNORED: Final = Modes(Action.REFUSE, Action.DROP, Action.SEND)
"""DeepSeek ignores it, so dropping it gives what DeepSeek would do anyway."""
ALWAYS_REFUSED: Final = Modes(Action.REFUSE, Action.REFUSE, Action.REFUSE)
"""Refused in every mode (a team setting, or a value with no meaning at all)."""
TRANSLATED: Final = Modes(Action.TRANSLATE, Action.TRANSLATE, Action.TRANSLATE)
"""A faithful translation, made in every mode."""
UNTRANSLATABLE: Final = Modes(Action.REFUSE, Action.DROP, Action.TRANSLATE)
"""An OpenAI value with no DeepSeek meaning: strict refuses; warn drops it and says so; off drops it."""


class Finding:
    """One place where a rule applies: template fields, the parameter, and what the repair needs."""

    __slots__ = ("at", "fields", "param", "source")

    def __init__(
        self, param: str | None = None, *, at: Any = None, source: Source | None = None, **fields: object
    ) -> None:
        self.param = param
        self.at = at
        self.source = source
        self.fields = fields


Repair = Callable[[dict[str, Any], Finding, "Prepared"], None]


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of the table (see the module docstring for each column)."""

    id: str
    kinds: frozenset[BodyKind]
    check: Callable[..., Any]
    what: str
    why: str
    fix: str
    source: Source
    action: Callable[[Policy], Action]
    keys: frozenset[str] | None = None
    roles: frozenset[str] | None = None
    """MESSAGE rows: the roles of the messages they read (``None``: every message; empty: the messages
    whose role is none of DeepSeek's). With ``keys``, a MESSAGE row also needs one of those keys in
    the message."""
    scope: Scope = Scope.BODY
    phase: Phase = Phase.CHECK
    param: str | None = None
    unsupported: bool = False
    """A feature DeepSeek lacks (:class:`UnsupportedFeatureError`) rather than a bad request."""
    repair: Repair | None = None
    """The fix TRANSLATE and DROP apply; by default the finding's parameter is removed."""
    notice: type[Warning] | None = None
    """The category of the notice a TRANSLATE emits (``None``: a quiet translation)."""
    translated: str = ""
    """The notice's text (a template), when ``notice`` is set."""

    def error(self, finding: Finding) -> DeepSeekRequestError | UnsupportedFeatureError:
        """The refusal for ``finding``: what, why (with the dated source) and the fix."""
        cls = UnsupportedFeatureError if self.unsupported else DeepSeekRequestError
        fields = finding.fields
        return cls(
            fill(self.what, fields),
            why=fill(self.why, fields),
            fix=fill(self.fix, fields),
            source=finding.source or self.source,
            param=finding.param or self.param,
            rule=self.id,
        )

    def apply_repair(self, body: dict[str, Any], finding: Finding, prepared: Prepared) -> None:
        if self.repair is not None:
            self.repair(body, finding, prepared)
        elif finding.param is not None:
            body.pop(finding.param, None)


def fill(template: str, fields: Mapping[str, object]) -> str:
    return Template(template).safe_substitute(fields) if "$" in template else template


@dataclass(frozen=True, slots=True)
class Notice:
    """A warning the client emits after the pipeline (kept as data so the pipeline stays pure)."""

    category: type[Warning]
    message: str


@dataclass(slots=True)
class Prepared:
    """The body being prepared and what the pipeline has decided about it so far."""

    body: dict[str, Any]
    policy: Policy
    kind: BodyKind
    model: ResolvedModel | None = None
    limits: Limits = API_LIMITS
    thinking: bool | None = None
    """True/False when known; None for an unknown model with no explicit setting."""
    implied_thinking: bool | None = None
    """The thinking mode a retired model name meant (``deepseek-reasoner`` thought)."""
    notices: list[Notice] = field(default_factory=list)
    last: int = -1
    """The index of the last message (read by the prefix rules)."""
    odd_messages: bool = True
    tool_turns: bool = True
    """What the walk over the messages saw: a message that is not a mapping, a tool call or result.
    True until the walk has looked, so the BODY rows that read them never skip unseen messages."""

    @property
    def info(self) -> ModelInfo | None:
        return self.model.info if self.model is not None else None

    def lacks(self, feature: Feature) -> bool:
        """True when the catalogue knows the model and it does not have ``feature`` (unknown: False)."""
        info = self.info
        return info is not None and feature not in info.features


# --------------------------------------------------------------------------------------------
# Small helpers the checks share


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _is_mapping(value: object) -> TypeGuard[Mapping[str, Any]]:
    return type(value) is dict or isinstance(value, Mapping)


def _is_list(value: object) -> TypeGuard[list[Any] | tuple[Any, ...]]:
    return type(value) is list or isinstance(value, list | tuple)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _given(body: Mapping[str, Any], key: str) -> bool:
    return body.get(key) is not None


def _str_in(value: object, options: Iterable[str] | Mapping[str, Any]) -> bool:
    """``value in options`` for strings only (a list or dict from a malformed body is never a member)."""
    return type(value) is str and value in options


def _keys(*names: str) -> frozenset[str]:
    return frozenset(names)


# --------------------------------------------------------------------------------------------
# Translations (phase TRANSLATE)


def _check_retired(body: dict[str, Any], p: Prepared) -> Finding | None:
    model = p.model
    if model is None or model.status != "retired":
        return None
    off = ", thinking=False" if p.kind == "chat" and model.thinking is False else ""
    return Finding(
        "model",
        requested=repr(model.requested),
        replacement=repr(model.id),
        message=model.message or "",
        thinking_fix=off,
    )
    return None


def _repair_retired(body: dict[str, Any], finding: Finding, p: Prepared) -> None:
    assert p.model is not None
    body["model"] = p.model.id
    if p.kind == "chat":
        p.implied_thinking = p.model.thinking


def _check_max_completion_conflict(body: dict[str, Any], p: Prepared) -> Finding | None:
    value, existing = body.get("max_completion_tokens"), body.get("max_tokens")
    if value is not None and existing is not None and existing != value:
        return Finding("max_completion_tokens", value=_short(value), existing=_short(existing))
    return None


def _check_max_completion(body: dict[str, Any], p: Prepared) -> Finding | None:
    if "max_completion_tokens" in body:
        return Finding("max_completion_tokens")
    return None


def _repair_rename_max_tokens(body: dict[str, Any], finding: Finding, p: Prepared) -> None:
    rename(body, "max_completion_tokens", "max_tokens")


def _check_user_invalid(body: dict[str, Any], p: Prepared) -> Iterator[Finding]:
    for name in OPENAI_USER_FIELDS:
        value = body.get(name)
        if value is not None and not valid_user_id(value, p.limits):
            yield Finding(name, name=name, value=_short(value), limit=p.limits.max_user_id_length)


def _check_user_conflict(body: dict[str, Any], p: Prepared) -> Iterator[Finding]:
    candidates = user_id_candidates(body, p.limits)
    if not candidates:
        return None
    winner, value = candidates[0]
    for name, other in candidates[1:]:
        if other != value:
            yield Finding(name, name=name, value=_short(other), winner=winner, winning=_short(value))


def _check_user_rename(body: dict[str, Any], p: Prepared) -> Finding | None:
    if any(name in body for name in OPENAI_USER_FIELDS):
        return Finding("user")
    return None


def _repair_user_id(body: dict[str, Any], finding: Finding, p: Prepared) -> None:
    apply_user_id(body, p.limits)


def _check_thinking_invalid(body: dict[str, Any], p: Prepared) -> Finding | None:
    value = body.get("thinking")
    if value is not None and thinking_value(value) is None:
        return Finding("thinking", value=_short(value))
    return None


def _check_thinking_bool(body: dict[str, Any], p: Prepared) -> Finding | None:
    if isinstance(body.get("thinking"), bool):
        return Finding("thinking")
    return None


def _check_effort_invalid(body: dict[str, Any], p: Prepared) -> Finding | None:
    value = body.get("reasoning_effort")
    if value is not None and effort_value(value) is None:
        return Finding("reasoning_effort", value=_short(value))
    return None


def _check_effort_alias(body: dict[str, Any], p: Prepared) -> Finding | None:
    value = body.get("reasoning_effort")
    effort = effort_value(value)
    if effort is not None and effort != value:
        return Finding("reasoning_effort")
    return None


def _check_thinking_contradiction(body: dict[str, Any], p: Prepared) -> Finding | None:
    thinking = thinking_value(body.get("thinking"))
    effort = effort_value(body.get("reasoning_effort"))
    if thinking is not None and effort is not None and thinking != (effort != "none"):
        return Finding(
            "reasoning_effort", thinking=_short(body["thinking"]), effort=_short(body["reasoning_effort"])
        )
    return None


_EFFORT_LIST: Final = ", ".join(dict.fromkeys(EFFORTS.values()))
_THINKING_LIST: Final = " or ".join(f'{{"type": "{t}"}}' for t in THINKING_TYPES)

TRANSLATIONS: Final[tuple[Rule, ...]] = (
    Rule(
        "model.retired",
        CHAT_FIM,
        _check_retired,
        what="model=$requested is retired",
        why="$message",
        fix="use model=$replacement$thinking_fix",
        source=NEWS_RETIREMENT,
        action=ByPolicy("retired", {"translate": Action.TRANSLATE, "error": Action.REFUSE}),
        keys=_keys("model"),
        phase=Phase.TRANSLATE,
        repair=_repair_retired,
        notice=DeprecationWarning,
        translated="$message Sent as model=$replacement for now.",
    ),
    Rule(
        "max_completion_tokens.conflict",
        CHAT,
        _check_max_completion_conflict,
        what="both max_completion_tokens=$value and max_tokens=$existing were given",
        why="DeepSeek's name for this parameter is max_tokens; max_completion_tokens (OpenAI's name) is "
        "translated to it",
        fix="pass only max_tokens",
        source=CHAT_API_PAGE,
        action=UNTRANSLATABLE,
        keys=_keys("max_completion_tokens"),
        phase=Phase.TRANSLATE,
    ),
    Rule(
        "max_completion_tokens",
        CHAT,
        _check_max_completion,
        what="max_completion_tokens is OpenAI's name",
        why="DeepSeek calls it max_tokens (it covers reasoning and answer together)",
        fix="pass max_tokens",
        source=CHAT_API_PAGE,
        action=TRANSLATED,
        keys=_keys("max_completion_tokens"),
        phase=Phase.TRANSLATE,
        repair=_repair_rename_max_tokens,
    ),
    Rule(
        "user_id.untranslatable",
        CHAT,
        _check_user_invalid,
        what="$name=$value cannot be used as DeepSeek's user_id",
        why="DeepSeek's end-user id (user_id) must match [a-zA-Z0-9_-] and be at most $limit characters; "
        "OpenAI's $name is translated to it",
        fix="pass an id of letters, digits, '_' or '-' (hash e-mail addresses, for instance)",
        source=CHAT_API_PAGE,
        action=UNTRANSLATABLE,
        keys=_keys(*OPENAI_USER_FIELDS),
        phase=Phase.TRANSLATE,
    ),
    Rule(
        "user_id.conflict",
        CHAT,
        _check_user_conflict,
        what="both $name=$value and $winner=$winning were given",
        why="$name is translated to DeepSeek's user_id, so they would conflict",
        fix="pass only user_id (in extra_body)",
        source=CHAT_API_PAGE,
        action=UNTRANSLATABLE,
        keys=_keys(*OPENAI_USER_FIELDS),
        phase=Phase.TRANSLATE,
    ),
    Rule(
        "user_id.from_openai",
        CHAT,
        _check_user_rename,
        what="user / safety_identifier are OpenAI's names",
        why="DeepSeek's end-user id is user_id; it isolates the prefix cache and concurrency per end user",
        fix="pass user_id in extra_body",
        source=CHAT_API_PAGE,
        action=TRANSLATED,
        keys=_keys(*OPENAI_USER_FIELDS),
        phase=Phase.TRANSLATE,
        repair=_repair_user_id,
    ),
    Rule(
        "thinking.invalid",
        CHAT_FIM,
        _check_thinking_invalid,
        what="thinking=$value is not a DeepSeek thinking setting",
        why=f"the API takes thinking={_THINKING_LIST}",
        fix="use thinking=True/False on the client (get_client(thinking=False) or "
        'client.with_options(thinking=False)), or extra_body={"thinking": {"type": "disabled"}}',
        source=REASONING_PAGE,
        action=ALWAYS_REFUSED,
        keys=_keys("thinking"),
        phase=Phase.TRANSLATE,
    ),
    Rule(
        "thinking.bool",
        CHAT_FIM,
        _check_thinking_bool,
        what="thinking=True/False",
        why='the API takes {"type": "enabled"} or {"type": "disabled"}',
        fix='pass extra_body={"thinking": {"type": "disabled"}}',
        source=REASONING_PAGE,
        action=TRANSLATED,
        keys=_keys("thinking"),
        phase=Phase.TRANSLATE,
        repair=lambda body, finding, p: normalize_body_thinking(body),
    ),
    Rule(
        "reasoning_effort.invalid",
        CHAT_FIM,
        _check_effort_invalid,
        what="reasoning_effort=$value is not a DeepSeek effort",
        why="the API accepts none, low, high (default) and max (minimal, medium, xhigh and ultra are mapped)",
        fix="use effort='low', 'high' or 'max', or thinking=False to turn thinking off",
        source=REASONING_PAGE,
        action=ALWAYS_REFUSED,
        keys=_keys("reasoning_effort"),
        phase=Phase.TRANSLATE,
    ),
    Rule(
        "reasoning_effort.alias",
        CHAT_FIM,
        _check_effort_alias,
        what="reasoning_effort is an alias",
        why=f"the API runs every effort at one of {_EFFORT_LIST}",
        fix="pass the effort it maps to",
        source=REASONING_PAGE,
        action=TRANSLATED,
        keys=_keys("reasoning_effort"),
        phase=Phase.TRANSLATE,
        repair=lambda body, finding, p: normalize_body_effort(body),
    ),
    Rule(
        "thinking.contradiction",
        CHAT,
        _check_thinking_contradiction,
        what="thinking=$thinking contradicts reasoning_effort=$effort",
        why="reasoning_effort 'none' turns thinking off and any other effort needs thinking on",
        fix="set only one of them, e.g. thinking=False, or effort='high' with thinking on",
        source=REASONING_PAGE,
        action=REJECTED,
        keys=_keys("reasoning_effort"),
        phase=Phase.TRANSLATE,
    ),
)


# --------------------------------------------------------------------------------------------
# The history policy (phase HISTORY)


def _check_history(body: dict[str, Any], p: Prepared) -> Finding | None:
    messages = body.get("messages")
    if not body.get("tools") or p.thinking is False or type(messages) is not list:
        return None
    if p.policy.history == "error":
        missing = missing_reasoning(messages)
        if missing:
            shown = ", ".join(str(i) for i in missing[:10])
            more = f" (and {len(missing) - 10} more)" if len(missing) > 10 else ""
            return Finding("messages", where=f"index {shown}{more}")
        return None
    fixed = backfill(messages)
    if fixed is not None:
        return Finding("messages", at=fixed, where="")
    return None


def _repair_history(body: dict[str, Any], finding: Finding, p: Prepared) -> None:
    body["messages"] = finding.at


HISTORY: Final[tuple[Rule, ...]] = (
    Rule(
        "history.reasoning_content",
        CHAT,
        _check_history,
        what="assistant messages at $where have no reasoning_content",
        why="with tools in thinking mode, every earlier assistant turn's reasoning_content must be sent "
        "back, or the API answers 400",
        fix="append assistant turns with deepseek_openai.to_message(response), or use "
        "history_policy='backfill' to send '' where it was lost",
        source=REASONING_PAGE,
        action=ByPolicy(
            "history", {"backfill": Action.TRANSLATE, "error": Action.REFUSE, "off": Action.SEND}
        ),
        keys=_keys("tools"),
        phase=Phase.HISTORY,
        repair=_repair_history,
    ),
)


# --------------------------------------------------------------------------------------------
# Messages


ROLES: Final = frozenset({"system", "user", "assistant", "tool"})
"""The message roles DeepSeek accepts (chat API page, 2026-09-11)."""
_IMAGE_PARTS: Final = frozenset({"image_url", "file"})
_PARTS: Final = frozenset({"text"}) | _IMAGE_PARTS


def _check_messages_empty(body: dict[str, Any], p: Prepared) -> Finding | None:
    messages = body.get("messages")
    if not _is_list(messages) or not messages:
        return Finding("messages")
    return None


def _check_message_types(body: dict[str, Any], p: Prepared) -> Iterator[Finding]:
    messages = body.get("messages")
    if not p.odd_messages or not _is_list(messages):
        return None
    for i, message in enumerate(messages):
        if not _is_mapping(message):
            yield Finding("messages", i=i, type=type(message).__name__)


def _check_role(message: Mapping[str, Any], i: int, p: Prepared) -> Finding | None:
    role = message.get("role")
    if _str_in(role, ROLES):
        return None
    hint = "use role 'system' for instructions" if role == "developer" else "use one of those roles"
    return Finding("messages", i=i, role=_short(role), hint=hint)


def _check_tool_call_id(message: Mapping[str, Any], i: int, p: Prepared) -> Finding | None:
    if message.get("role") == "tool" and not message.get("tool_call_id"):
        return Finding("messages", i=i)
    return None


def _check_prefix_position(message: Mapping[str, Any], i: int, p: Prepared) -> Finding | None:
    if message.get("prefix") and (message.get("role") != "assistant" or i != p.last):
        return Finding("messages", i=i)
    return None


def _is_last_prefix(message: Mapping[str, Any], i: int, p: Prepared) -> bool:
    return bool(message.get("prefix")) and message.get("role") == "assistant" and i == p.last


def _check_prefix_beta(message: Mapping[str, Any], i: int, p: Prepared) -> Finding | None:
    if not p.policy.beta and _is_last_prefix(message, i, p):
        return Finding("messages", i=i)
    return None


def _check_prefix_model(message: Mapping[str, Any], i: int, p: Prepared) -> Finding | None:
    if _is_last_prefix(message, i, p) and p.lacks(Feature.PREFIX_COMPLETION):
        info = p.info
        assert info is not None
        return Finding("messages", i=i, model=repr(info.id), source=info.source_of(Feature.PREFIX_COMPLETION))
    return None


def _check_assistant_empty(message: Mapping[str, Any], i: int, p: Prepared) -> Finding | None:
    if (
        message.get("role") == "assistant"
        and message.get("content") is None
        and not message.get("tool_calls")
    ):
        return Finding("messages", i=i)
    return None


def _part_kind(part: Any) -> object:
    return part.get("type") if _is_mapping(part) else None


def _check_part_role(part: Any, i: int, role: object, p: Prepared) -> Finding | None:
    kind = _part_kind(part)
    if role != "user" and _str_in(kind, _IMAGE_PARTS):
        return Finding("messages", i=i, role=_short(role), kind=_short(kind))
    return None


def _check_part_type(part: Any, i: int, role: object, p: Prepared) -> Finding | None:
    kind = _part_kind(part)
    if _str_in(kind, _PARTS):
        return None
    return Finding("messages", i=i, role=_short(role), kind=_short(kind))


def _check_part_vision(part: Any, i: int, role: object, p: Prepared) -> Finding | None:
    if role == "user" and _str_in(_part_kind(part), _IMAGE_PARTS) and p.lacks(Feature.VISION):
        info = p.info
        assert info is not None
        return Finding("messages", i=i, model=repr(info.id), source=info.source_of(Feature.VISION))
    return None


def _check_tool_order(body: dict[str, Any], p: Prepared) -> Iterator[Finding]:
    """Every tool message answers a call of the assistant turn just before it; every call is answered."""
    messages = body.get("messages")
    if not p.tool_turns or not _is_list(messages):
        return None
    pending: set[Any] | None = None
    for i, message in enumerate(messages):
        if not _is_mapping(message) or message.get("prefix"):
            continue
        role = message.get("role")
        if role == "tool":
            call_id = message.get("tool_call_id")
            if type(call_id) is not str:
                continue  # messages.tool_call_id says what is wrong with it
            if pending is None or call_id not in pending:
                yield Finding(
                    "messages",
                    where=f"messages[{i}] answers tool call {call_id!r}, which the assistant turn before it "
                    "did not make",
                )
                return None
            pending.discard(call_id)
            continue
        if pending:
            yield Finding(
                "messages",
                where=f"the tool calls {sorted(pending)} have no tool message before messages[{i}]",
            )
            return None
        calls = message.get("tool_calls") if role == "assistant" else None
        pending = None
        if _is_list(calls) and calls:
            pending = {c.get("id") for c in calls if _is_mapping(c) and type(c.get("id")) is str}
    if pending:
        yield Finding(
            "messages",
            where=f"the tool calls {sorted(pending)} of the last assistant turn have no tool message",
        )


_BETA_WHY: Final = (
    "$feature works only on the beta base URL (https://api.deepseek.com/beta); elsewhere the API answers 400"
)
_BETA_FIX: Final = (
    "use get_client(beta=True) or client.beta_client, or the helpers prefix_complete() / "
    "fim_complete(), which always use the beta URL"
)

MESSAGES: Final[tuple[Rule, ...]] = (
    Rule(
        "messages.empty",
        CHAT,
        _check_messages_empty,
        what="messages is empty or not a list",
        why="DeepSeek needs at least one message",
        fix="pass messages=[{'role': 'user', 'content': '...'}]",
        source=CHAT_API_PAGE,
        action=REJECTED,
    ),
    Rule(
        "messages.role",
        CHAT,
        _check_role,
        what="messages[$i] has role $role",
        why="DeepSeek accepts the roles system, user, assistant and tool ('developer' is OpenAI's)",
        fix="$hint",
        source=CHAT_API_PAGE,
        action=REJECTED,
        roles=frozenset(),
        scope=Scope.MESSAGE,
    ),
    Rule(
        "messages.tool_call_id",
        CHAT,
        _check_tool_call_id,
        what="messages[$i] is a tool result without tool_call_id",
        why="a tool message must name the tool call it answers",
        fix="set tool_call_id to the id of the assistant's tool call",
        source=CHAT_API_PAGE,
        action=REJECTED,
        roles=_keys("tool"),
        scope=Scope.MESSAGE,
    ),
    Rule(
        "messages.prefix_position",
        CHAT,
        _check_prefix_position,
        what="messages[$i] has prefix=True",
        why="only the last message, an assistant message, can be a prefix",
        fix="move the prefix message to the end (deepseek_openai.prefix_complete does this)",
        source=BETA_PAGE,
        action=REJECTED,
        keys=_keys("prefix"),
        scope=Scope.MESSAGE,
    ),
    Rule(
        "beta_only.prefix",
        CHAT,
        _check_prefix_beta,
        what="messages[$i] has prefix=True, but this client uses the standard base URL",
        why=Template(_BETA_WHY).substitute(feature="chat prefix completion"),
        fix=_BETA_FIX,
        source=BETA_PAGE,
        action=REJECTED,
        keys=_keys("prefix"),
        roles=_keys("assistant"),
        scope=Scope.MESSAGE,
    ),
    Rule(
        "messages.prefix_model",
        CHAT,
        _check_prefix_model,
        what="messages[$i] is a prefix message for model $model",
        why="the catalogue lists no chat prefix completion for $model",
        fix="use model='deepseek-flash' for prefix completion",
        source=BETA_PAGE,
        action=REJECTED,
        keys=_keys("prefix"),
        roles=_keys("assistant"),
        scope=Scope.MESSAGE,
        unsupported=True,
    ),
    Rule(
        "messages.assistant_empty",
        CHAT,
        _check_assistant_empty,
        what="messages[$i] is an assistant message with neither content nor tool_calls",
        why="DeepSeek answers 400 for an assistant turn that carries nothing",
        fix='drop the empty turn, or give it content ("" is fine) or its tool_calls '
        "(deepseek_openai.to_message builds the turn from a response)",
        source=CHAT_API_PAGE,
        action=REJECTED,
        roles=_keys("assistant"),
        scope=Scope.MESSAGE,
    ),
    Rule(
        "messages.part_role",
        CHAT,
        _check_part_role,
        what="messages[$i] ($role) has a $kind content part",
        why="DeepSeek accepts image_url and file parts only in user messages",
        fix="move the image into a user message",
        source=CHAT_API_PAGE,
        action=REJECTED,
        scope=Scope.PART,
    ),
    Rule(
        "messages.part_type",
        CHAT,
        _check_part_type,
        what="messages[$i] ($role) has a $kind content part",
        why="DeepSeek accepts text, image_url and file content parts; it has no audio input",
        fix="send text (transcribe audio first), or images as image_url parts",
        source=CHAT_API_PAGE,
        action=REJECTED,
        scope=Scope.PART,
        unsupported=True,
    ),
    Rule(
        "messages.vision",
        CHAT,
        _check_part_vision,
        what="messages[$i] has an image part for model $model",
        why="$model has no vision input (the API answers 400); deepseek-flash does",
        fix="use model='deepseek-flash' for image input, or describe the image in text",
        source=CHAT_API_PAGE,
        action=REJECTED,
        scope=Scope.PART,
        unsupported=True,
    ),
    Rule(
        "messages.type",
        CHAT,
        _check_message_types,
        what="messages[$i] is a $type",
        why="every message must be a mapping with a role",
        fix="pass dicts (deepseek_openai.to_message turns a response message into one)",
        source=CHAT_API_PAGE,
        action=REJECTED,
        keys=_keys("messages"),
    ),
    Rule(
        "messages.tool_order",
        CHAT,
        _check_tool_order,
        what="$where",
        why="DeepSeek answers 400 unless every tool call is followed by one tool message with its "
        "tool_call_id, right after the assistant turn that made it",
        fix="append one {'role': 'tool', 'tool_call_id': <id>, 'content': <result>} per tool call, "
        "directly after that assistant message",
        source=CHAT_API_PAGE,
        action=REJECTED,
        keys=_keys("messages"),
    ),
)


# --------------------------------------------------------------------------------------------
# OpenAI-only parameters


def _openai_only(  # noqa: PLR0913 (one keyword per column of the row it builds)
    key: str,
    why: str,
    fix: str,
    *,
    harmless: Callable[[Any], bool] | None = None,
    droppable: bool = True,
    unsupported: bool = False,
) -> Rule:
    """A parameter DeepSeek does not have. ``harmless`` values mean what DeepSeek does anyway."""

    def check(body: dict[str, Any], p: Prepared) -> Finding | None:
        value = body.get(key)
        if value is None or (harmless is not None and _harmless(harmless, value)):
            return None
        return Finding(key, value=_short(value))
        return None

    return Rule(
        f"openai_only.{key}",
        CHAT_FIM,
        check,
        what=f"{key}=$value is an OpenAI-only parameter",
        why=why,
        fix=fix,
        source=CHAT_API_PAGE,
        action=IGNORED if droppable else REJECTED,
        keys=_keys(key),
        param=key,
        unsupported=unsupported,
    )


def _harmless(predicate: Callable[[Any], bool], value: Any) -> bool:
    try:
        return predicate(value)
    except TypeError:  # a malformed value (a dict where a list belongs, ...) is not harmless
        return False


OPENAI_ONLY: Final[tuple[Rule, ...]] = (
    _openai_only("logit_bias", "DeepSeek has no logit_bias; it would be ignored", "remove logit_bias"),
    _openai_only(
        "seed",
        "DeepSeek has no seed; answers would not be reproducible as you expect",
        "remove seed (use temperature=0 with thinking off for the most stable output)",
    ),
    _openai_only(
        "audio",
        "DeepSeek has no audio output",
        "remove audio and modalities",
        droppable=False,
        unsupported=True,
    ),
    _openai_only(
        "modalities",
        "DeepSeek outputs text only",
        "remove modalities",
        harmless=lambda v: _is_list(v) and list(v) == ["text"],
        unsupported=True,
    ),
    _openai_only("prediction", "DeepSeek has no predicted outputs", "remove prediction"),
    _openai_only(
        "web_search_options",
        "DeepSeek's chat API has no built-in web search parameter",
        "remove web_search_options and offer your own search function as a tool",
        droppable=False,
        unsupported=True,
    ),
    _openai_only(
        "service_tier",
        "DeepSeek has no service tiers",
        "remove service_tier",
        harmless=lambda v: v in ("auto", "default"),
    ),
    _openai_only(
        "parallel_tool_calls",
        "DeepSeek has no parallel_tool_calls switch; the model may still call several tools at once",
        "remove parallel_tool_calls and handle every tool call in the reply",
        harmless=lambda v: v is True,
    ),
    _openai_only(
        "prompt_cache_key",
        "DeepSeek caches prompt prefixes automatically; it has no prompt_cache_key",
        "remove prompt_cache_key (pass user_id to isolate caches per end user)",
    ),
    _openai_only(
        "prompt_cache_retention",
        "DeepSeek has no prompt cache retention setting (its prefix cache is automatic)",
        "remove prompt_cache_retention",
    ),
    _openai_only(
        "prompt_cache_options",
        "DeepSeek has no prompt cache options (its prefix cache is automatic)",
        "remove prompt_cache_options",
    ),
    _openai_only(
        "store", "DeepSeek does not store completions", "remove store", harmless=lambda v: v is False
    ),
    _openai_only("metadata", "DeepSeek has no request metadata", "remove metadata"),
    _openai_only(
        "best_of",
        "DeepSeek returns exactly one completion and has no best_of",
        "remove best_of (send the request several times if you need candidates)",
        harmless=lambda v: v == 1,
    ),
    _openai_only("verbosity", "DeepSeek has no verbosity setting", "remove verbosity"),
    _openai_only("moderation", "DeepSeek has no moderation parameter", "remove moderation"),
    _openai_only(
        "functions",
        "DeepSeek has no legacy functions/function_call API",
        "pass tools=[{'type': 'function', 'function': ...}] and tool_choice instead",
        droppable=False,
        unsupported=True,
    ),
    _openai_only(
        "function_call",
        "DeepSeek has no legacy functions/function_call API",
        "use tool_choice instead",
        droppable=False,
        unsupported=True,
    ),
)


# --------------------------------------------------------------------------------------------
# Parameters


def _check_n(body: dict[str, Any], p: Prepared) -> Finding | None:
    n = body.get("n")
    if n is not None and n != 1:
        return Finding("n", value=_short(n))
    return None


def _check_response_format_schema(body: dict[str, Any], p: Prepared) -> Finding | None:
    rf = body.get("response_format")
    if _is_mapping(rf) and rf.get("type") == "json_schema":
        return Finding("response_format")
    return None


def _check_response_format_type(body: dict[str, Any], p: Prepared) -> Finding | None:
    rf = body.get("response_format")
    kind = rf.get("type") if _is_mapping(rf) else None
    if rf is not None and not _str_in(kind, ("text", "json_object", "json_schema")):
        return Finding("response_format", value=_short(rf))
    return None


def _check_json_output_model(body: dict[str, Any], p: Prepared) -> Finding | None:
    rf = body.get("response_format")
    if _is_mapping(rf) and rf.get("type") == "json_object" and p.lacks(Feature.JSON_OUTPUT):
        info = p.info
        assert info is not None
        return Finding("response_format", model=repr(info.id), source=info.source_of(Feature.JSON_OUTPUT))
    return None


def _check_stream_options(body: dict[str, Any], p: Prepared) -> Finding | None:
    if _given(body, "stream_options") and not body.get("stream"):
        return Finding("stream_options")
    return None


def _check_stop(body: dict[str, Any], p: Prepared) -> Finding | None:
    stop = body.get("stop")
    limit = p.limits.max_stop_sequences
    if _is_list(stop) and len(stop) > limit:
        return Finding("stop", count=len(stop), limit=limit)
    return None


def _check_top_logprobs_alone(body: dict[str, Any], p: Prepared) -> Finding | None:
    top = body.get("top_logprobs")
    if top is not None and not body.get("logprobs"):
        return Finding("top_logprobs", value=_short(top))
    return None


def _check_top_logprobs_range(body: dict[str, Any], p: Prepared) -> Finding | None:
    top = body.get("top_logprobs")
    limit = p.limits.max_top_logprobs
    if top is not None and body.get("logprobs") and not (_is_int(top) and 0 <= top <= limit):
        return Finding("top_logprobs", value=_short(top), limit=limit)
    return None


def _check_temperature(body: dict[str, Any], p: Prepared) -> Finding | None:
    value = body.get("temperature")
    limit = p.limits.max_temperature
    if value is not None and not (_is_number(value) and 0 <= value <= limit):
        return Finding("temperature", value=_short(value), limit=f"{limit:g}")
    return None


def _check_top_p(body: dict[str, Any], p: Prepared) -> Finding | None:
    value = body.get("top_p")
    if value is not None and not (_is_number(value) and 0 < value <= 1):
        return Finding("top_p", value=_short(value))
    return None


def _check_max_tokens(body: dict[str, Any], p: Prepared) -> Finding | None:
    value = body.get("max_tokens")
    if value is None:
        return None
    ceiling = p.limits.max_output_tokens
    if not _is_int(value) or value < 1 or (ceiling is not None and value > ceiling):
        shown = str(ceiling) if ceiling is not None else "the model maximum"
        return Finding("max_tokens", value=_short(value), ceiling=shown, source=p.limits.source)
    return None


CHOICES: Final[tuple[Rule, ...]] = (
    Rule(
        "n",
        CHAT_FIM,
        _check_n,
        what="n=$value asks for several choices",
        why="DeepSeek returns exactly one choice; n > 1 is silently ignored",
        fix="remove n and send the request n times (concurrently with the async client) if you need variety",
        source=CHAT_API_PAGE,
        action=IGNORED,
        keys=_keys("n"),
        unsupported=True,
    ),
)

RESPONSE_FORMAT: Final[tuple[Rule, ...]] = (
    Rule(
        "response_format.json_schema",
        CHAT,
        _check_response_format_schema,
        what="response_format json_schema (also what .parse(response_format=Model) sends)",
        why="DeepSeek answers 400 'This response_format type is unavailable now': it has no "
        "schema-constrained output",
        fix="use response_format={'type': 'json_object'} with the JSON shape shown in the prompt "
        "(deepseek_openai.json_complete validates and parses it), or strict function tools on "
        "the beta URL (get_client(beta=True))",
        source=CHAT_API_PAGE,
        action=REJECTED,
        keys=_keys("response_format"),
        unsupported=True,
    ),
    Rule(
        "response_format.type",
        CHAT,
        _check_response_format_type,
        what="response_format=$value",
        why="DeepSeek accepts only {'type': 'text'} and {'type': 'json_object'}",
        fix="use response_format={'type': 'json_object'}",
        source=CHAT_API_PAGE,
        action=REJECTED,
        keys=_keys("response_format"),
    ),
    Rule(
        "response_format.model",
        CHAT,
        _check_json_output_model,
        what="response_format json_object for model $model",
        why="the catalogue lists no JSON output for $model",
        fix="use model='deepseek-flash' for JSON output",
        source=CHAT_API_PAGE,
        action=REJECTED,
        keys=_keys("response_format"),
        unsupported=True,
    ),
)

PARAMETERS: Final[tuple[Rule, ...]] = (
    Rule(
        "stream_options",
        CHAT_FIM,
        _check_stream_options,
        what="stream_options without stream=True",
        why="DeepSeek answers 400 when stream_options is set on a non-streaming request",
        fix="pass stream=True, or remove stream_options",
        source=CHAT_API_PAGE,
        action=IGNORED,
        keys=_keys("stream_options"),
    ),
    Rule(
        "stop",
        CHAT_FIM,
        _check_stop,
        what="stop has $count sequences",
        why="DeepSeek accepts at most $limit stop sequences",
        fix="keep the $limit most important stop sequences",
        source=CHAT_API_PAGE,
        action=REJECTED,
        keys=_keys("stop"),
    ),
    Rule(
        "top_logprobs.without_logprobs",
        CHAT,
        _check_top_logprobs_alone,
        what="top_logprobs=$value without logprobs=True",
        why="DeepSeek accepts top_logprobs only together with logprobs=True",
        fix="add logprobs=True, or remove top_logprobs",
        source=CHAT_API_PAGE,
        action=REJECTED,
        keys=_keys("top_logprobs"),
    ),
    Rule(
        "top_logprobs.range",
        CHAT,
        _check_top_logprobs_range,
        what="top_logprobs=$value",
        why="DeepSeek accepts top_logprobs from 0 to $limit",
        fix="use a value from 0 to $limit",
        source=CHAT_API_PAGE,
        action=REJECTED,
        keys=_keys("top_logprobs"),
    ),
    Rule(
        "temperature",
        CHAT,
        _check_temperature,
        what="temperature=$value",
        why="DeepSeek accepts temperature from 0 to $limit (and ignores it while thinking)",
        fix="use a value from 0 to $limit",
        source=CHAT_API_PAGE,
        action=REJECTED,
        keys=_keys("temperature"),
    ),
    Rule(
        "top_p",
        CHAT,
        _check_top_p,
        what="top_p=$value",
        why="DeepSeek accepts top_p in (0, 1]",
        fix="use 0 < top_p <= 1",
        source=CHAT_API_PAGE,
        action=REJECTED,
        keys=_keys("top_p"),
    ),
    Rule(
        "max_tokens",
        CHAT,
        _check_max_tokens,
        what="max_tokens=$value",
        why="DeepSeek accepts max_tokens from 1 to $ceiling (it covers reasoning and answer together)",
        fix="use 1 <= max_tokens <= $ceiling",
        source=CHAT_API_PAGE,
        action=REJECTED,
        keys=_keys("max_tokens"),
    ),
)


# --------------------------------------------------------------------------------------------
# Tools


def _tools(body: Mapping[str, Any]) -> Sequence[Any]:
    tools = body.get("tools")
    return tools if _is_list(tools) else ()


def _functions(body: Mapping[str, Any]) -> Iterator[tuple[int, Mapping[str, Any]]]:
    for i, tool in enumerate(_tools(body)):
        if _is_mapping(tool) and tool.get("type") == "function":
            fn = tool.get("function")
            yield i, (fn if _is_mapping(fn) else {})


def _safe_name(name: object) -> str:
    import re

    cleaned = re.sub(r"[^A-Za-z0-9_-]", "_", str(name or "tool"))[: API_LIMITS.max_tool_name_length]
    return cleaned or "tool"


def _check_allow_tools(body: dict[str, Any], p: Prepared) -> Finding | None:
    if not p.policy.allow_tools and body.get("tools"):
        return Finding("tools")
    return None


def _check_tools_type(body: dict[str, Any], p: Prepared) -> Finding | None:
    tools = body.get("tools")
    if tools and not _is_list(tools):
        return Finding("tools", type=type(tools).__name__)
    return None


def _check_tools_count(body: dict[str, Any], p: Prepared) -> Finding | None:
    tools, limit = _tools(body), p.limits.max_tools
    if len(tools) > limit:
        return Finding("tools", count=len(tools), limit=limit)
    return None


def _check_tools_builtin(body: dict[str, Any], p: Prepared) -> Iterator[Finding]:
    for i, tool in enumerate(_tools(body)):
        kind = tool.get("type") if _is_mapping(tool) else None
        if kind != "function":
            yield Finding("tools", i=i, kind=_short(kind))


_NAMES: dict[int, Any] = {}


def _check_tool_names(body: dict[str, Any], p: Prepared) -> Iterator[Finding]:
    limit = p.limits.max_tool_name_length
    pattern = _NAMES.get(limit) or _NAMES.setdefault(limit, identifier(limit))
    for i, fn in _functions(body):
        name = fn.get("name")
        if type(name) is not str or pattern.fullmatch(name) is None:
            yield Finding("tools", i=i, name=_short(name), limit=limit, suggestion=repr(_safe_name(name)))


def _check_tool_unique(body: dict[str, Any], p: Prepared) -> Iterator[Finding]:
    seen: set[str] = set()
    for _, fn in _functions(body):
        name = fn.get("name")
        if type(name) is not str:
            continue
        if name in seen:
            yield Finding("tools", name=repr(name))
        seen.add(name)


def _check_strict_beta(body: dict[str, Any], p: Prepared) -> Iterator[Finding]:
    if p.policy.beta:
        return None
    for i, fn in _functions(body):
        if fn.get("strict"):
            yield Finding("tools", i=i, name=_short(fn.get("name")))


def _feature_finding(p: Prepared, feature: Feature, param: str) -> Finding:
    info = p.info
    assert info is not None
    return Finding(param, model=repr(info.id), source=info.source_of(feature))


def _check_tools_model(body: dict[str, Any], p: Prepared) -> Finding | None:
    if body.get("tools"):
        if p.lacks(Feature.TOOLS):
            return _feature_finding(p, Feature.TOOLS, "tools")
        if p.thinking and p.lacks(Feature.TOOLS_WHILE_THINKING):
            return _feature_finding(p, Feature.TOOLS_WHILE_THINKING, "tools")
    return None


def _check_strict_model(body: dict[str, Any], p: Prepared) -> Finding | None:
    if p.lacks(Feature.STRICT_TOOLS) and any(fn.get("strict") for _, fn in _functions(body)):
        return _feature_finding(p, Feature.STRICT_TOOLS, "tools")
    return None


def _check_tool_choice_thinking(body: dict[str, Any], p: Prepared) -> Finding | None:
    choice = body.get("tool_choice")
    if choice is None or _str_in(choice, ("auto", "none")) or p.thinking is not True:
        return None
    return Finding("tool_choice", value=_short(choice))
    return None


TOOLS: Final[tuple[Rule, ...]] = (
    Rule(
        "tools.type",
        CHAT,
        _check_tools_type,
        what="tools is a $type, not a list",
        why="DeepSeek takes tools as a list of {'type': 'function', 'function': {...}} objects",
        fix="pass tools=[{'type': 'function', 'function': {'name': ..., 'parameters': {...}}}]",
        source=CHAT_API_PAGE,
        action=REJECTED,
        keys=_keys("tools"),
    ),
    Rule(
        "tools.count",
        CHAT,
        _check_tools_count,
        what="$count tools were sent",
        why="DeepSeek supports at most $limit tools per request",
        fix="send at most $limit tools (choose the relevant ones per request)",
        source=CHAT_API_PAGE,
        action=REJECTED,
        keys=_keys("tools"),
    ),
    Rule(
        "tools.builtin",
        CHAT,
        _check_tools_builtin,
        what="tools[$i] has type $kind",
        why="DeepSeek supports only type 'function' tools; OpenAI's built-in tools (web search, "
        "file search, code interpreter, custom tools) do not exist there",
        fix="implement the tool yourself and offer it as {'type': 'function', 'function': {...}}",
        source=CHAT_API_PAGE,
        action=REJECTED,
        keys=_keys("tools"),
        unsupported=True,
    ),
    Rule(
        "tools.name",
        CHAT,
        _check_tool_names,
        what="tools[$i] has the function name $name",
        why="DeepSeek function names use only a-z, A-Z, 0-9, '_' and '-', at most $limit characters",
        fix="rename the function, e.g. $suggestion",
        source=CHAT_API_PAGE,
        action=REJECTED,
        keys=_keys("tools"),
    ),
    Rule(
        "tools.unique",
        CHAT,
        _check_tool_unique,
        what="the function name $name appears twice",
        why="DeepSeek needs unique function names",
        fix="give each function its own name",
        source=CHAT_API_PAGE,
        action=REJECTED,
        keys=_keys("tools"),
    ),
    Rule(
        "tools.model",
        CHAT,
        _check_tools_model,
        what="tools were sent for model $model",
        why="the catalogue lists no function calling for $model in this thinking mode",
        fix="use model='deepseek-flash', or turn thinking off for this call",
        source=CHAT_API_PAGE,
        action=REJECTED,
        keys=_keys("tools"),
        unsupported=True,
    ),
    Rule(
        "beta_only.strict",
        CHAT,
        _check_strict_beta,
        what="tools[$i] ($name) has strict=True, but this client uses the standard base URL",
        why=Template(_BETA_WHY).substitute(feature="strict function tools"),
        fix=_BETA_FIX,
        source=BETA_PAGE,
        action=REJECTED,
        keys=_keys("tools"),
    ),
    Rule(
        "tools.strict_model",
        CHAT,
        _check_strict_model,
        what="strict tools were sent for model $model",
        why="the catalogue lists no strict function calling for $model",
        fix="use model='deepseek-flash', or drop strict",
        source=BETA_PAGE,
        action=REJECTED,
        keys=_keys("tools"),
        unsupported=True,
    ),
    Rule(
        "tool_choice.thinking",
        CHAT,
        _check_tool_choice_thinking,
        what="tool_choice=$value while thinking",
        why="DeepSeek answers 400 'Thinking mode does not support this tool_choice': only 'auto' and "
        "'none' work while thinking",
        fix="turn thinking off for this call (client.with_options(thinking=False)) or use tool_choice='auto'",
        source=REASONING_PAGE,
        action=REJECTED,
        keys=_keys("tool_choice"),
    ),
)

ALLOW_TOOLS: Final = Rule(
    "allow_tools",
    CHAT,
    _check_allow_tools,
    what="tools were sent but this client has allow_tools=False",
    why="the client was configured to refuse function calling (the 2025 behaviour); DeepSeek itself "
    "supports tools on every model, also while thinking, since 2025-12",
    fix="remove tools from the request, or build the client with allow_tools=True "
    "(or unset DEEPSEEK_ALLOW_TOOLS)",
    source=CHAT_API_PAGE,
    action=ALWAYS_REFUSED,
    keys=_keys("tools"),
    unsupported=True,
)


# --------------------------------------------------------------------------------------------
# Thinking and the model


def _check_thinking_model(body: dict[str, Any], p: Prepared) -> Finding | None:
    if p.thinking is True and p.lacks(Feature.THINKING):
        return _feature_finding(p, Feature.THINKING, "thinking")
    if p.thinking is False and p.lacks(Feature.NON_THINKING):
        return _feature_finding(p, Feature.NON_THINKING, "thinking")
    return None


THINKING: Final[tuple[Rule, ...]] = (
    Rule(
        "thinking.model",
        CHAT,
        _check_thinking_model,
        what="this thinking mode was asked of model $model",
        why="the catalogue lists $model without that mode",
        fix="set thinking the other way for this call, or use model='deepseek-flash'",
        source=REASONING_PAGE,
        action=REJECTED,
        unsupported=True,
    ),
)


# --------------------------------------------------------------------------------------------
# FIM


def _check_fim_thinking(body: dict[str, Any], p: Prepared) -> Finding | None:
    # An effort is a thinking parameter too: FIM takes none, even beside thinking disabled.
    if p.thinking or effort_value(body.get("reasoning_effort")) not in (None, "none"):
        return Finding("thinking")
    return None


def _check_fim_model(body: dict[str, Any], p: Prepared) -> Finding | None:
    if p.lacks(Feature.FIM):
        return _feature_finding(p, Feature.FIM, "model")
    return None


def _check_fim_max_tokens(body: dict[str, Any], p: Prepared) -> Finding | None:
    value, limit = body.get("max_tokens"), p.limits.fim_max_tokens
    if value is not None and not (_is_int(value) and 1 <= value <= limit):
        return Finding("max_tokens", value=_short(value), limit=limit)
    return None


def _check_fim_echo(body: dict[str, Any], p: Prepared) -> Finding | None:
    if body.get("echo") and (_given(body, "suffix") or _given(body, "logprobs")):
        return Finding("echo", other="suffix" if _given(body, "suffix") else "logprobs")
    return None


def _check_fim_logprobs(body: dict[str, Any], p: Prepared) -> Finding | None:
    value, limit = body.get("logprobs"), p.limits.fim_max_logprobs
    if value is not None and not (_is_int(value) and 0 <= value <= limit):
        return Finding("logprobs", value=_short(value), limit=limit)
    return None


FIM_RULES: Final[tuple[Rule, ...]] = (
    Rule(
        "fim.model",
        FIM,
        _check_fim_model,
        what="model $model has no FIM",
        why="the catalogue lists FIM only for models that support it",
        fix="use model='deepseek-flash'",
        source=BETA_PAGE,
        action=REJECTED,
        keys=_keys("model"),
        unsupported=True,
    ),
    Rule(
        "fim.thinking",
        FIM,
        _check_fim_thinking,
        what="FIM with thinking enabled",
        why="FIM runs without thinking only",
        fix="remove thinking / reasoning_effort from the FIM request (deepseek_openai.fim_complete does)",
        source=BETA_PAGE,
        action=REJECTED,
        keys=_keys("thinking", "reasoning_effort"),
    ),
    Rule(
        "fim.max_tokens",
        FIM,
        _check_fim_max_tokens,
        what="max_tokens=$value for FIM",
        why="FIM accepts max_tokens from 1 to $limit",
        fix="use max_tokens <= $limit (complete long gaps in several calls)",
        source=BETA_PAGE,
        action=REJECTED,
        keys=_keys("max_tokens"),
    ),
    Rule(
        "fim.echo",
        FIM,
        _check_fim_echo,
        what="echo=True together with $other",
        why="FIM's echo cannot be combined with suffix or logprobs",
        fix="remove echo (prepend the prompt yourself), or drop suffix / logprobs",
        source=BETA_PAGE,
        action=REJECTED,
        keys=_keys("echo"),
    ),
    Rule(
        "fim.logprobs",
        FIM,
        _check_fim_logprobs,
        what="logprobs=$value for FIM",
        why="FIM accepts logprobs from 0 to $limit",
        fix="use a value from 0 to $limit",
        source=BETA_PAGE,
        action=REJECTED,
        keys=_keys("logprobs"),
    ),
)


# --------------------------------------------------------------------------------------------
# The table, in the order the rows run


def _check_user_id(body: dict[str, Any], p: Prepared) -> Finding | None:
    value = body.get("user_id")
    if value is not None and not valid_user_id(value, p.limits):
        return Finding("user_id", value=_short(value), limit=p.limits.max_user_id_length)
    return None


USER_ID: Final = Rule(
    "user_id",
    CHAT_FIM,
    _check_user_id,
    what="user_id=$value",
    why="DeepSeek's user_id must match [a-zA-Z0-9_-] and be at most $limit characters (the API answers 422)",
    fix="pass an id of letters, digits, '_' or '-' (hash e-mail addresses, for instance)",
    source=CHAT_API_PAGE,
    action=REJECTED,
    keys=_keys("user_id"),
)

RULES: Final[tuple[Rule, ...]] = (
    *TRANSLATIONS,
    *HISTORY,
    ALLOW_TOOLS,
    *MESSAGES,
    *OPENAI_ONLY,
    *CHOICES,
    *FIM_RULES,
    *RESPONSE_FORMAT,
    *TOOLS,
    *PARAMETERS,
    *THINKING,
    USER_ID,
)
"""Every rule, each once, in the order the pipeline runs them (translations, history, checks)."""
