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

The guard modes (the default is ``warn``): ``warn`` keeps working OpenAI code working: it translates
where a faithful translation exists, drops with one warning per client and parameter what DeepSeek
ignores anyway, and refuses only what DeepSeek would reject or what would silently give a wrong
result. ``strict`` refuses everything that is not DeepSeek-native. ``off`` sends what it is given.
The presets below (:data:`REJECTED`, :data:`IGNORED`, ...) are those meanings, one per kind of rule.

Every fact a rule needs (limits, efforts, features) comes from :mod:`._catalogue`; the table itself
carries none. The pipeline (:mod:`._pipeline`) walks the rows; ``tests/guards/test_walk.py`` walks
them too, with one case per row written from the documents.
"""

from __future__ import annotations

import dataclasses
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
    FILES,
    FILES_PAGE,
    MIB,
    NEWS_RETIREMENT,
    REASONING_PAGE,
    RESPONSES,
    RESPONSES_PAGE,
    STRICT_TOOLS_OBSERVED,
    TOOL_ORDER_OBSERVED,
    VISION,
    Feature,
    Limits,
    ModelInfo,
    ResolvedModel,
    Source,
)
from ._errors import (
    DeepSeekCompatibilityWarning,
    DeepSeekRequestError,
    RetiredModelWarning,
    UnsupportedFeatureError,
)
from ._history import backfill, missing_reasoning
from ._images import ImageRef, Upload, describe, image_ref, supported
from ._settings import DeepSeekSettings, GuardMode, HistoryPolicy, RetiredModelPolicy
from ._structured import output_tool, strict_problem
from ._thinking import THINKING_TYPES, effort_value, normalize_effort, responses_effort, thinking_value
from ._translate import (
    OPENAI_USER_FIELDS,
    apply_user_id,
    identifier,
    move_chat_switches,
    normalize_responses_effort,
    rename,
    user_id_candidates,
    valid_user_id,
)
from ._translate import normalize_effort as normalize_body_effort
from ._translate import normalize_thinking as normalize_body_thinking

BodyKind = Literal["chat", "fim", "responses", "files"]

CHAT: Final[frozenset[BodyKind]] = frozenset({"chat"})
FIM: Final[frozenset[BodyKind]] = frozenset({"fim"})
CHAT_FIM: Final[frozenset[BodyKind]] = frozenset({"chat", "fim"})
RESPONSES_KIND: Final[frozenset[BodyKind]] = frozenset({"responses"})
CHAT_RESPONSES: Final[frozenset[BodyKind]] = frozenset({"chat", "responses"})
EVERY_KIND: Final[frozenset[BodyKind]] = frozenset({"chat", "fim", "responses"})
UPLOAD: Final[frozenset[BodyKind]] = frozenset({"files"})
"""``POST /files``: the multipart form's fields, with the file itself under ``file`` (an :class:`Upload`)."""


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
    """Rows that run once the thinking mode is settled (they may still change it), then the history."""
    CHECK = 2


class Scope(StrEnum):
    """What a row's ``check`` is called with."""

    BODY = "body"
    """``check(body, prepared) -> Finding | Iterable[Finding] | None`` (most rows find one place at most)."""
    MESSAGE = "message"
    """``check(message, index, prepared) -> Finding | None``, for each message that is a mapping."""
    PART = "part"
    """``check(part, index, role, prepared) -> Finding | None``, for each part of list content
    (``prepared.part`` is the part's index in it)."""


@dataclass(frozen=True, slots=True)
class Policy:
    """The per-client choices the rules read (built from :class:`DeepSeekSettings`)."""

    beta: bool = False
    thinking: bool | None = None
    effort: str | None = None
    history: HistoryPolicy = "backfill"
    guard_mode: GuardMode = "warn"
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


REJECTED: Final = Modes(Action.REFUSE, Action.REFUSE, Action.SEND)
"""DeepSeek answers 400/422 and nothing faithful can be sent instead: refused before the network in
strict and warn mode (a clear error instead of the server's); off sends it."""
WRONG_RESULT: Final = Modes(Action.REFUSE, Action.REFUSE, Action.SEND)
"""DeepSeek accepts it but the answer would silently not be what was asked (``n > 1`` gives one
choice): refused in strict and warn mode; off sends it."""
IGNORED: Final = Modes(Action.REFUSE, Action.DROP, Action.SEND)
"""DeepSeek ignores it, so dropping it (with one warning per client and parameter) gives what
DeepSeek would do anyway; strict refuses it; off sends it."""
ADAPTED: Final = Modes(Action.REFUSE, Action.TRANSLATE, Action.SEND)
"""A faithful translation that changes more than a name (thinking off for one call, json_schema as a
forced tool): warn makes it, with one warning per client and a note on the response; strict refuses
(it is not DeepSeek-native); off sends what it is given."""
ROUTED: Final = Modes(Action.TRANSLATE, Action.TRANSLATE, Action.SEND)
"""Sent where DeepSeek honours it (the beta URL) in strict and warn mode; off sends it as given."""
ALWAYS_REFUSED: Final = Modes(Action.REFUSE, Action.REFUSE, Action.REFUSE)
"""Refused in every mode (a team setting, or a value with no meaning at all)."""
TRANSLATED: Final = Modes(Action.TRANSLATE, Action.TRANSLATE, Action.TRANSLATE)
"""A faithful translation, made in every mode."""
UNTRANSLATABLE: Final = Modes(Action.REFUSE, Action.DROP, Action.TRANSLATE)
"""An OpenAI value with no DeepSeek meaning: strict refuses; warn drops it and says so; off drops it."""
SETTLED_BY_SERVER: Final = Modes(Action.WARN, Action.WARN, Action.SEND)
"""Native DeepSeek parameters that pull against each other: the server accepts the request and settles
it its own way, so nothing is refused, but strict and warn say which wish may go unmet."""
SILENTLY_WRONG: Final = Modes(Action.REFUSE, Action.REFUSE, Action.SEND)
"""DeepSeek accepts it, but the result would silently not be what the caller expects (state that
will not exist, a built-in tool that will never run): refused in strict and warn; off sends it."""


class Finding:
    """One place where a rule applies: template fields, the parameter, and what the repair needs."""

    __slots__ = ("at", "fields", "key", "param", "source")

    def __init__(
        self,
        param: str | None = None,
        *,
        at: Any = None,
        source: Source | None = None,
        key: str | None = None,
        **fields: object,
    ) -> None:
        self.param = param
        self.at = at
        self.source = source
        self.key = key
        """What a notice is given once for (default: the parameter)."""
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
    parts: frozenset[str] | None = None
    """PART rows: the part types they read (``None``: every part; empty: the parts whose type is none
    of those the other rows read)."""
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
    """A warning the client emits after the pipeline (kept as data so the pipeline stays pure).

    ``key`` (rule id, parameter) lets the client give each notice once per client; ``None`` means
    every time.
    """

    category: type[Warning]
    message: str
    key: tuple[str, str | None] | None = None


Recall = Callable[[Mapping[str, Any]], "str | None"]
"""Looks up the reasoning text of an assistant turn the client received (see :mod:`._memory`)."""


@dataclass(slots=True)
class ImageTally:
    """The images of one request: each image part's :class:`ImageRef`, read once however many rows ask,
    and the running totals the per-request rows check (count, inline bytes, largest)."""

    count: int = 0
    inline_chars: int = 0
    """Base64 characters of the inline images: a lower bound of the body's bytes."""
    largest: tuple[int, str, int, int] | None = None
    """(longest side, where, width, height) of the largest inline image."""
    refs: dict[tuple[int, int], ImageRef | None] = field(default_factory=dict)
    """By (message or input item index, part index)."""

    def read(self, part: Mapping[str, Any], where: tuple[int, int], field_name: str) -> ImageRef | None:
        """The image of ``part`` at ``where`` in ``field_name`` (``messages``, ``input``), read and counted
        once (``None``: not an image part)."""
        if where in self.refs:
            return self.refs[where]
        ref = self.refs[where] = image_ref(part)
        if ref is not None:
            self.count += 1
            if ref.inline is not None:
                self.inline_chars += ref.inline.chars
                info = ref.info
                if info is not None and info.width is not None and info.height is not None:
                    side = max(info.width, info.height)
                    if self.largest is None or side > self.largest[0]:
                        label = f"{field_name}[{where[0]}].content[{where[1]}]"
                        self.largest = (side, label, info.width, info.height)
        return ref


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
    applied: list[tuple[str, Action]] = field(default_factory=list)
    """(rule id, action) of every row that acted on the body, in order (for the DEBUG log line)."""
    last: int = -1
    """The index of the last message (read by the prefix rules)."""
    recall: Recall | None = None
    """The client's reasoning memory (the history row puts back text the client received)."""
    route: Literal["beta"] | None = None
    """Where the request must go instead of this client's base URL (strict tools: the beta URL)."""
    output_tool: str | None = None
    """The function that stands for a json_schema response format: its call is the answer."""
    adjustments: list[dict[str, str]] = field(default_factory=list)
    """What was changed for this call that the caller should see on the response."""

    part: int = -1
    """The index of the content part the walk is at (read by the PART rows)."""
    images: ImageTally | None = None
    """The request's images so far (``None``: none met yet); see :meth:`image`."""
    messages_copied: bool = False
    """Whether ``body["messages"]`` is already this pipeline's own list (repairs copy it once)."""
    odd_messages: bool = True
    tool_turns: bool = True
    """What the walk over the messages saw: a message that is not a mapping, a tool call or result.
    True until the walk has looked, so the BODY rows that read them never skip unseen messages."""

    def adjust(self, rule: str, message: str) -> None:
        self.adjustments.append({"rule": rule, "message": message})

    def image(self, part: Mapping[str, Any], i: int) -> ImageRef | None:
        """The image of the part the walk is at (message ``i``, part :attr:`part`), read once and counted."""
        tally = self.images
        if tally is None:
            tally = self.images = ImageTally()
        return tally.read(part, (i, self.part), "messages")

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


_THINKING_OFF_FIX: Final[dict[BodyKind, str]] = {
    "chat": ", thinking=False",
    "responses": ", reasoning={'effort': 'none'}",
}
"""How to say "thinking off" where a retired name meant it (FIM never thinks)."""


def _check_retired(body: dict[str, Any], p: Prepared) -> Finding | None:
    model = p.model
    if model is None or model.status != "retired":
        return None
    off = _THINKING_OFF_FIX.get(p.kind, "") if model.thinking is False else ""
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
    if p.kind != "fim":
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


def _check_response_format_schema(body: dict[str, Any], p: Prepared) -> Finding | None:
    rf = body.get("response_format")
    if _is_mapping(rf) and rf.get("type") == "json_schema":
        return Finding("response_format")
    return None


def _repair_response_format_schema(body: dict[str, Any], finding: Finding, p: Prepared) -> None:
    rf = body.pop("response_format")
    tools = list(_tools(body))
    taken = {str(fn.get("name")) for _, fn in _functions(body)}
    tool = output_tool(rf, taken, p.limits.max_tool_name_length)
    name = tool["function"]["name"]
    body["tools"] = [*tools, tool]
    p.output_tool = name
    note = f"response_format json_schema was sent as the function tool {name!r}; its call is the content"
    if not tools:
        # The only tool: force it, as json_schema forces the shape. DeepSeek refuses a forced tool
        # choice while thinking, so thinking goes off for this call.
        body["tool_choice"] = {"type": "function", "function": {"name": name}}
        body["thinking"] = {"type": "disabled"}
        body.pop("reasoning_effort", None)
        note += " (thinking off for this call)"
    finding.fields["note"] = note
    p.adjust("response_format.json_schema", note)


_EFFORT_LIST: Final = ", ".join(dict.fromkeys(EFFORTS.values()))
_THINKING_LIST: Final = " or ".join(f'{{"type": "{t}"}}' for t in THINKING_TYPES)

TRANSLATIONS: Final[tuple[Rule, ...]] = (
    Rule(
        "model.retired",
        EVERY_KIND,
        _check_retired,
        what="model=$requested is retired",
        why="$message",
        fix="use model=$replacement$thinking_fix",
        source=NEWS_RETIREMENT,
        action=ByPolicy("retired", {"translate": Action.TRANSLATE, "error": Action.REFUSE}),
        keys=_keys("model"),
        phase=Phase.TRANSLATE,
        repair=_repair_retired,
        notice=RetiredModelWarning,
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
        EVERY_KIND,
        _check_thinking_invalid,
        what="thinking=$value is not a DeepSeek thinking setting",
        why=f"the API takes thinking={_THINKING_LIST} and answers 400 to anything else",
        fix="use thinking=True/False on the client (get_client(thinking=False) or "
        'client.with_options(thinking=False)), or extra_body={"thinking": {"type": "disabled"}}',
        # deepseek-api.md section 5 (thinking). guard_mode="off" promises to send it unchanged.
        source=CHAT_API_PAGE,
        action=REJECTED,
        keys=_keys("thinking"),
        phase=Phase.TRANSLATE,
    ),
    Rule(
        "thinking.bool",
        EVERY_KIND,
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
        EVERY_KIND,
        _check_effort_invalid,
        what="reasoning_effort=$value is not a DeepSeek effort",
        why="the API accepts none, low, high (default) and max (minimal, medium, xhigh and ultra are mapped) "
        "and rejects anything else",
        fix="use effort='low', 'high' or 'max', or thinking=False to turn thinking off",
        # deepseek-api.md section 5 (reasoning_effort). guard_mode="off" promises to send it unchanged.
        source=CHAT_API_PAGE,
        action=REJECTED,
        keys=_keys("reasoning_effort"),
        phase=Phase.TRANSLATE,
    ),
    Rule(
        "reasoning_effort.alias",
        EVERY_KIND,
        _check_effort_alias,
        what="reasoning_effort is an alias",
        why=f"the API runs every effort at one of {_EFFORT_LIST}",
        fix="pass the effort it maps to",
        # deepseek-api.md section 5: the aliases are accepted and mapped; sending the target is the same.
        source=CHAT_API_PAGE,
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
        why="reasoning_effort 'none' turns thinking off and any other effort needs thinking on; the API "
        "accepts both and settles it (the documents do not say which wins), so one of them goes unmet",
        fix="set only one of them, e.g. thinking=False, or effort='high' with thinking on",
        # deepseek-api.md section 5 lists both parameters and no error for the pair: not a refusal.
        source=CHAT_API_PAGE,
        action=SETTLED_BY_SERVER,
        keys=_keys("reasoning_effort"),
        phase=Phase.TRANSLATE,
    ),
    Rule(
        "response_format.json_schema",
        CHAT,
        _check_response_format_schema,
        what="response_format json_schema (also what .parse(response_format=Model) sends)",
        why="DeepSeek answers 400 'This response_format type is unavailable now': Chat Completions has "
        "no json_schema output; the default guard mode 'warn' sends it as one strict function tool on "
        "the beta URL (thinking off for that call) and turns the call back into the message content",
        fix="use the default guard mode 'warn' for that translation, or response_format={'type': "
        "'json_object'} with the JSON shape shown in the prompt (deepseek_openai.json_complete validates "
        "and parses it), or strict function tools on the beta URL (get_client(beta=True))",
        source=CHAT_API_PAGE,
        action=ADAPTED,
        keys=_keys("response_format"),
        phase=Phase.TRANSLATE,
        unsupported=True,
        repair=_repair_response_format_schema,
        notice=DeepSeekCompatibilityWarning,
        translated="$note; see deepseek_adjustments on the response",
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
    fixed = backfill(messages, p.recall)
    if fixed is not None:
        return Finding("messages", at=fixed, where="")
    return None


def _repair_history(body: dict[str, Any], finding: Finding, p: Prepared) -> None:
    body["messages"] = finding.at
    p.messages_copied = True  # backfill made a new list


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
"""The chat content parts that carry an image (Responses calls its own ``input_image``)."""
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


_MODEL_DUMP_HINT: Final = (
    "; a pydantic model passed as a message is sent with only the fields set explicitly (openai dumps "
    "it with exclude_unset=True), so defaults such as role and content are lost: pass model.model_dump()"
)


def _check_role(message: Mapping[str, Any], i: int, p: Prepared) -> Finding | None:
    role = message.get("role")
    if _str_in(role, ROLES):
        return None
    if role is None:
        hint = "give every message a role" + _MODEL_DUMP_HINT
        return Finding("messages", i=i, problem="has no role", hint=hint)
    hint = "use role 'system' for instructions" if role == "developer" else "use one of those roles"
    return Finding("messages", i=i, problem=f"has role {_short(role)}", hint=hint)


def _check_content_missing(message: Mapping[str, Any], i: int, p: Prepared) -> Finding | None:
    if message.get("content") is None:
        return Finding("messages", i=i, role=_short(message.get("role")))
    return None


def _text_parts(content: object) -> list[str] | None:
    """The texts of a list of text parts, or ``None`` if it is not exactly that."""
    if not _is_list(content):
        return None
    texts: list[str] = []
    for part in content:
        if not _is_mapping(part) or part.get("type") != "text":
            return None
        text = part.get("text")
        if type(text) is not str:
            return None
        texts.append(text)
    return texts


def _check_content_list(message: Mapping[str, Any], i: int, p: Prepared) -> Finding | None:
    content = message.get("content")
    if type(content) is str or content is None:
        return None
    texts = _text_parts(content)
    if texts is None:
        return None  # other parts: the part rows say what is wrong with them
    return Finding("messages", at=(i, "".join(texts)), i=i, role=_short(message.get("role")))


def _repair_content_list(body: dict[str, Any], finding: Finding, p: Prepared) -> None:
    i, text = finding.at
    messages = body["messages"]
    if not p.messages_copied:
        messages = body["messages"] = list(messages)
        p.messages_copied = True
    messages[i] = {**messages[i], "content": text}


def _check_tool_call_id(message: Mapping[str, Any], i: int, p: Prepared) -> Finding | None:
    if message.get("role") != "tool":
        return None
    call_id = message.get("tool_call_id")
    if not call_id:
        return Finding("messages", i=i, problem="without tool_call_id")
    if type(call_id) is not str:
        return Finding(
            "messages", i=i, problem=f"whose tool_call_id is a {type(call_id).__name__}, not a string"
        )
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


def _part_kind(part: Any) -> object:
    return part.get("type") if _is_mapping(part) else None


def _check_part_role(part: Any, i: int, role: object, p: Prepared) -> Finding | None:
    kind = _part_kind(part)
    if role != "user" and _str_in(kind, _IMAGE_PARTS):
        return Finding("messages", i=i, role=_short(role), kind=_short(kind))
    return None


def _check_part_shape(part: Any, i: int, role: object, p: Prepared) -> Finding | None:
    if not _is_mapping(part):
        problem = f"a {type(part).__name__} in its content list"
        return Finding("messages", i=i, role=_short(role), problem=problem)
    if part.get("type") == "text" and type(part.get("text")) is not str:
        return Finding("messages", i=i, role=_short(role), problem="a text part whose text is not a string")
    return None


def _check_part_type(part: Any, i: int, role: object, p: Prepared) -> Finding | None:
    if not _is_mapping(part):
        return None  # messages.part_shape
    kind = part.get("type")
    if _str_in(kind, _PARTS):
        return None
    shown = "a content part without a type" if kind is None else f"a {_short(kind)} content part"
    return Finding("messages", i=i, role=_short(role), part=shown)


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
        what="messages[$i] $problem",
        why="DeepSeek accepts the roles system, user, assistant and tool ('developer' is OpenAI's)",
        fix="$hint",
        source=CHAT_API_PAGE,
        action=REJECTED,
        roles=frozenset(),
        scope=Scope.MESSAGE,
    ),
    Rule(
        "messages.content_missing",
        CHAT,
        _check_content_missing,
        what="messages[$i] ($role) has no content",
        why="system, user and tool messages must carry content (deepseek-api.md section 5: system "
        "(content), user (content), tool (tool_call_id, content))",
        fix="give the message its content" + _MODEL_DUMP_HINT,
        source=CHAT_API_PAGE,
        action=REJECTED,
        roles=_keys("system", "user", "tool"),
        scope=Scope.MESSAGE,
    ),
    Rule(
        "messages.content_list",
        CHAT,
        _check_content_list,
        what="messages[$i] ($role) has its content as a list of text parts",
        why="DeepSeek takes content parts in user messages only; system, assistant and tool content is a "
        "string, so the texts are joined (as LiteLLM does for DeepSeek)",
        fix="pass the content as one string",
        # deepseek-api.md section 5: user content "string or parts"; system, assistant (str or null) and
        # tool content are strings. Joining the texts with nothing between them says the same thing.
        source=CHAT_API_PAGE,
        action=TRANSLATED,
        roles=_keys("system", "assistant", "tool"),
        scope=Scope.MESSAGE,
        repair=_repair_content_list,
    ),
    Rule(
        "messages.tool_call_id",
        CHAT,
        _check_tool_call_id,
        what="messages[$i] is a tool result $problem",
        why="a tool message must name the tool call it answers by its id, a string",
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
        "messages.part_role",
        CHAT,
        _check_part_role,
        what="messages[$i] ($role) has a $kind content part",
        why="DeepSeek accepts image_url and file parts only in user messages (an image in a system, "
        "assistant or tool message is answered with 400)",
        fix="move the image into a user message",
        source=FILES_PAGE,
        action=REJECTED,
        scope=Scope.PART,
        parts=_IMAGE_PARTS,
    ),
    Rule(
        "messages.part_shape",
        CHAT,
        _check_part_shape,
        what="messages[$i] ($role) has $problem",
        why="list content is a list of parts, each an object such as {'type': 'text', 'text': '...'} "
        "(openai turns bytes content into a list of numbers)",
        fix="pass text as one string, or wrap each piece: {'type': 'text', 'text': ...} (decode bytes "
        "first; send images as image_url parts)",
        source=CHAT_API_PAGE,
        action=REJECTED,
        scope=Scope.PART,
    ),
    Rule(
        "messages.part_type",
        CHAT,
        _check_part_type,
        what="messages[$i] ($role) has $part",
        why="DeepSeek accepts text, image_url and file content parts; it has no audio input",
        fix="send text (transcribe audio first), or images as image_url parts",
        source=CHAT_API_PAGE,
        action=REJECTED,
        scope=Scope.PART,
        parts=frozenset(),
        unsupported=True,
    ),
    Rule(
        "messages.vision",
        CHAT,
        _check_part_vision,
        what="messages[$i] has an image part for model $model",
        why="$model has no vision input (the API answers 400); deepseek-flash does",
        fix="use model='deepseek-flash' for image input, or describe the image in text",
        source=FILES_PAGE,
        action=REJECTED,
        scope=Scope.PART,
        parts=_IMAGE_PARTS,
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
        # Not in the documents; the API's own 400 wordings, reported against the current models.
        source=TOOL_ORDER_OBSERVED,
        action=REJECTED,
        keys=_keys("messages"),
    ),
)


# --------------------------------------------------------------------------------------------
# Images (files and vision guide, 2026-09-11)
#
# Each check reads the part's ImageRef (read once per part and tallied by Prepared.image), so the
# same checks serve chat parts here and any other body whose parts carry images. The per-request
# rows after the walk read the tally; they share the part rows' preset, so whenever they run, the
# part rows ran too and the tally is complete.

ImageCheck = Callable[[ImageRef, "Prepared"], "Finding | None"]


def _on_image(check: ImageCheck) -> Callable[[Any, int, object, Prepared], Finding | None]:
    """A PART-scope check from an image check: ``$where`` is ``messages[i].content[j]``."""

    def part_check(part: Any, i: int, role: object, p: Prepared) -> Finding | None:
        if not _is_mapping(part):
            return None
        ref = p.image(part, i)
        if ref is None:
            return None
        found = check(ref, p)
        if found is not None:
            found.param = found.param or "messages"
            found.fields.setdefault("where", f"messages[{i}].content[{p.part}]")
        return found

    part_check.__name__ = part_check.__qualname__ = check.__name__
    part_check.__doc__ = check.__doc__
    return part_check


def _mib(size: int) -> str:
    return f"{size / MIB:.1f} MiB ({size:,} bytes)"


def image_problem(ref: ImageRef, p: Prepared) -> Finding | None:
    """A part of an image type that names no image."""
    return Finding(problem=ref.problem) if ref.problem is not None else None


def image_scheme(ref: ImageRef, p: Prepared) -> Finding | None:
    """An image URL that is neither https nor data: (a local path, http, file://...)."""
    scheme = ref.scheme
    if ref.kind == "file" or scheme is None or scheme in VISION.url_schemes:
        return None
    assert ref.url is not None
    kind = f"a URL of scheme {scheme}:" if scheme else "not a URL (a local path?)"
    return Finding(url=_short(ref.url), kind=kind)


def image_url_length(ref: ImageRef, p: Prepared) -> Finding | None:
    """An https image URL longer than the server takes."""
    if ref.url is None or ref.scheme != "https" or len(ref.url) <= VISION.max_url_length:
        return None
    return Finding(length=f"{len(ref.url):,}", limit=f"{VISION.max_url_length:,}")


def image_detail(ref: ImageRef, p: Prepared) -> Finding | None:
    """A ``detail`` the server does not know."""
    if ref.detail is None or _str_in(ref.detail, VISION.details):
        return None
    return Finding(value=_short(ref.detail))


def image_data(ref: ImageRef, p: Prepared) -> Finding | None:
    """Inline image data that is not base64 (a data: URL without ;base64, or broken file_data)."""
    if ref.inline is not None or ref.problem is not None or ref.file_id is not None:
        return None
    if ref.kind == "file" or ref.scheme == "data":
        return Finding()
    return None


def image_type(ref: ImageRef, p: Prepared) -> Finding | None:
    """Inline bytes that are not JPEG, PNG, GIF or WebP."""
    info = ref.info
    if info is None or info.supported:
        return None
    assert ref.inline is not None
    label = ref.inline.label
    labelled = f" (labelled {label})" if label and label != info.mime else ""
    return Finding(found=f"{info.description}{labelled}")


def image_size(ref: ImageRef, p: Prepared) -> Finding | None:
    """An inline image over the per-image limit."""
    info = ref.info
    if info is None or info.bytes <= VISION.max_inline_bytes:
        return None
    return Finding(size=_mib(info.bytes), limit=f"{VISION.max_inline_bytes // MIB} MiB")


def image_pixels(ref: ImageRef, p: Prepared) -> Finding | None:
    """An inline image with a side over the pixel limit."""
    info = ref.info
    if info is None or info.width is None or info.height is None:
        return None
    if max(info.width, info.height) <= VISION.max_side:
        return None
    return Finding(width=info.width, height=info.height, limit=VISION.max_side)


RESPONSES_IMAGE_ROLES: Final = frozenset({"user", "developer"})
"""Responses roles an ``input_image`` may sit in: ``developer`` is treated as ``user`` (Responses guide)."""


def _responses_images(body: Mapping[str, Any], p: Prepared) -> Iterator[tuple[str, ImageRef, object]]:
    """(where, image, role) of every ``input_image`` part of a Responses ``input``, read and tallied once."""
    items = body.get("input")
    if not _is_list(items):
        return
    tally = p.images
    if tally is None:
        tally = p.images = ImageTally()
    for i, item in enumerate(items):
        content = item.get("content") if _is_mapping(item) else None
        if not _is_list(content) or item.get("type", "message") != "message":
            continue
        for j, part in enumerate(content):
            if _is_mapping(part) and part.get("type") == RESPONSES.vision_part:
                ref = tally.read(part, (i, j), "input")
                if ref is not None:
                    yield f"input[{i}].content[{j}]", ref, item.get("role")


def _over_input(check: ImageCheck) -> Callable[[dict[str, Any], Prepared], Iterator[Finding]]:
    """A BODY-scope check over a Responses input's images from an image check."""

    def body_check(body: dict[str, Any], p: Prepared) -> Iterator[Finding]:
        for where, ref, _role in _responses_images(body, p):
            found = check(ref, p)
            if found is not None:
                found.param = found.param or "input"
                found.fields.setdefault("where", where)
                yield found

    body_check.__name__ = body_check.__qualname__ = f"responses_{check.__name__}"
    return body_check


def _check_responses_image_role(body: dict[str, Any], p: Prepared) -> Iterator[Finding]:
    for where, _ref, role in _responses_images(body, p):
        if not _str_in(role, RESPONSES_IMAGE_ROLES):
            yield Finding("input", where=where, role=_short(role))


def _check_responses_vision(body: dict[str, Any], p: Prepared) -> Finding | None:
    if not p.lacks(Feature.VISION):
        return None
    for where, _ref, _role in _responses_images(body, p):
        info = p.info
        assert info is not None
        return Finding("input", where=where, model=repr(info.id), source=info.source_of(Feature.VISION))
    return None


def _tally(body: Mapping[str, Any], p: Prepared) -> ImageTally | None:
    """The request's image tally: the walk filled it for chat; a Responses input is read here."""
    if p.kind == "responses":
        for _ in _responses_images(body, p):
            pass
    return p.images


def _images_param(p: Prepared) -> str:
    return "input" if p.kind == "responses" else "messages"


def _check_image_count(body: dict[str, Any], p: Prepared) -> Finding | None:
    tally = _tally(body, p)
    if tally is None or tally.count <= VISION.max_images:
        return None
    return Finding(_images_param(p), count=tally.count, limit=VISION.max_images)


def _check_image_pixels_many(body: dict[str, Any], p: Prepared) -> Finding | None:
    tally = _tally(body, p)
    if tally is None or tally.count < VISION.many_images or tally.largest is None:
        return None
    side, where, width, height = tally.largest
    if side <= VISION.max_side_many:
        return None
    return Finding(
        _images_param(p),
        count=tally.count,
        where=where,
        width=width,
        height=height,
        limit=VISION.max_side_many,
        many=VISION.many_images,
    )


def _check_request_size(body: dict[str, Any], p: Prepared) -> Finding | None:
    tally = _tally(body, p)
    limit = p.limits.max_request_bytes
    if tally is None or tally.inline_chars <= limit:
        return None
    return Finding(_images_param(p), size=_mib(tally.inline_chars), limit=f"{limit // MIB} MiB")


_UPLOAD_FIX: Final = (
    "upload it with client.files.create(file=open(path, 'rb'), purpose='user_data') and send "
    "{'type': 'file', 'file': {'file_id': ...}} (deepseek_openai.image_part(path, client=client, "
    "upload=True) does both)"
)
_TYPES: Final = ", ".join(describe(t).split()[1] for t in VISION.image_types)


def _image_row(  # noqa: PLR0913 (one keyword per column of the row it builds)
    rule_id: str,
    check: ImageCheck,
    *,
    what: str,
    why: str,
    fix: str,
    unsupported: bool = False,
) -> Rule:
    """A chat PART row (``messages.<id>``) for an image check."""
    return Rule(
        f"messages.{rule_id}",
        CHAT,
        _on_image(check),
        what=what,
        why=why,
        fix=fix,
        source=FILES_PAGE,
        action=REJECTED,
        scope=Scope.PART,
        parts=_IMAGE_PARTS,
        unsupported=unsupported,
    )


def _for_responses(row: Rule, check: ImageCheck, why: str | None = None, fix: str | None = None) -> Rule:
    """The same image check over a Responses input (``responses.<id>``), with its own texts if given."""
    return dataclasses.replace(
        row,
        id="responses." + row.id.split(".", 1)[1],
        kinds=RESPONSES_KIND,
        check=_over_input(check),
        scope=Scope.BODY,
        parts=None,
        keys=_keys("input"),
        why=why or row.why,
        fix=fix or row.fix,
    )


IMAGES: Final[tuple[Rule, ...]] = (
    _image_row(
        "image_part",
        image_problem,
        what="$where is $problem",
        why="DeepSeek takes images as {'type': 'image_url', 'image_url': {'url': ...}} or {'type': "
        "'file', 'file': {'file_id': ...}} parts; anything less is a 400",
        fix="give the part its image (deepseek_openai.image_part(path_or_url) builds one)",
    ),
    _image_row(
        "image_scheme",
        image_scheme,
        what="$where has the image URL $url, $kind",
        why="DeepSeek fetches https image URLs (within "
        f"{VISION.url_fetch_seconds} s) and reads data: URLs; any other URL is a 400",
        fix="use an https URL, or send the image's bytes inline (deepseek_openai.image_part(path) makes "
        "a data: URL) or upload them (client.files.create)",
    ),
    _image_row(
        "image_url_length",
        image_url_length,
        what="$where has an image URL of $length characters",
        why="DeepSeek takes image URLs of at most $limit characters",
        fix="use a shorter URL, or download the image and send it inline with "
        "deepseek_openai.image_part(data)",
    ),
    _image_row(
        "image_detail",
        image_detail,
        what="$where has detail=$value",
        why=f"DeepSeek takes detail {', '.join(VISION.details)} ('low' looks at "
        f"{VISION.low_detail_side}x{VISION.low_detail_side} pixels)",
        fix="use one of those, or leave detail out",
    ),
    _image_row(
        "image_data",
        image_data,
        what="$where has inline image data that is not base64",
        why="DeepSeek reads inline images as base64 (data:image/png;base64,...)",
        fix="encode the bytes with deepseek_openai.image_part(data)",
    ),
    _image_row(
        "image_type",
        image_type,
        what="$where is $found",
        why=f"DeepSeek reads {_TYPES} images only, told from the bytes (not the file name or the "
        "data: URL's label)",
        fix="convert the image to PNG or JPEG first (e.g. Pillow: Image.open(path).save('x.png'))",
        unsupported=True,
    ),
    _image_row(
        "image_size",
        image_size,
        what="$where is an inline image of $size",
        why="DeepSeek takes inline and URL images of at most $limit each (images sent by file id: "
        f"up to {VISION.max_file_image_bytes // MIB} MiB)",
        fix=_UPLOAD_FIX,
    ),
    _image_row(
        "image_pixels",
        image_pixels,
        what="$where is $width x $height pixels",
        why="DeepSeek takes images of at most $limit pixels a side (and resizes each to about "
        f"{VISION.resized_side}x{VISION.resized_side} anyway)",
        fix="scale the image down before sending it",
    ),
)
"""The image part rows (chat ``image_url`` and ``file`` parts)."""

_CHECKS: Final = {
    "image_part": image_problem,
    "image_scheme": image_scheme,
    "image_url_length": image_url_length,
    "image_detail": image_detail,
    "image_data": image_data,
    "image_type": image_type,
    "image_size": image_size,
    "image_pixels": image_pixels,
}
_RESPONSES_TEXTS: Final[dict[str, tuple[str, str]]] = {
    "image_part": (
        "DeepSeek's Responses API takes images as {'type': 'input_image', 'image_url': ...} or "
        "{'type': 'input_image', 'file_id': ...} parts; anything less is a 400",
        "give the part its image_url (an https or data: URL) or file_id",
    ),
}

RESPONSES_IMAGES: Final[tuple[Rule, ...]] = (
    Rule(
        "responses.image_role",
        RESPONSES_KIND,
        _check_responses_image_role,
        what="$where ($role) is an input_image",
        why="DeepSeek takes images only in user (or developer, read as user) messages; an image in an "
        "assistant or system message is a 400",
        fix="move the image into a user message",
        source=FILES_PAGE,
        action=REJECTED,
        keys=_keys("input"),
    ),
    Rule(
        "responses.vision",
        RESPONSES_KIND,
        _check_responses_vision,
        what="$where is an input_image for model $model",
        why="$model has no vision input (the API answers 400); deepseek-flash does",
        fix="use model='deepseek-flash' for image input, or describe the image in text",
        source=RESPONSES_PAGE,
        action=REJECTED,
        keys=_keys("input"),
        unsupported=True,
    ),
    *(
        _for_responses(row, _CHECKS[name], *_RESPONSES_TEXTS.get(name, (None, None)))
        for row in IMAGES
        for name in (row.id.split(".", 1)[1],)
    ),
)
"""The same image rows over a Responses ``input`` (``input_image`` parts)."""

IMAGE_TOTALS: Final[tuple[Rule, ...]] = (
    Rule(
        "images.count",
        CHAT_RESPONSES,
        _check_image_count,
        what="the request carries $count images",
        why="DeepSeek takes at most $limit images a request",
        fix="send the images over several requests",
        source=FILES_PAGE,
        action=REJECTED,
        keys=_keys("messages", "input"),
    ),
    Rule(
        "images.pixels_many",
        CHAT_RESPONSES,
        _check_image_pixels_many,
        what="the request carries $count images and $where is $width x $height pixels",
        why="from $many images a request on, DeepSeek takes images of at most $limit pixels a side",
        fix="scale the larger images down to $limit pixels a side, or send fewer than $many images",
        source=FILES_PAGE,
        action=REJECTED,
        keys=_keys("messages", "input"),
    ),
    Rule(
        "request.size",
        CHAT_RESPONSES,
        _check_request_size,
        what="the request carries $size of inline image data",
        why="DeepSeek takes request bodies of at most $limit (and base64 makes an image a third larger)",
        fix="upload the images (client.files.create, or deepseek_openai.image_part(path, client=client, "
        "upload=True)) and send their file ids, or send https URLs",
        source=CHAT_API_PAGE,
        action=REJECTED,
        keys=_keys("messages", "input"),
    ),
)
"""The per-request image limits, checked after the walk from the tally the part rows filled."""


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
    kinds: frozenset[BodyKind] = CHAT_FIM,
) -> Rule:
    """A parameter DeepSeek does not have. ``harmless`` values mean what DeepSeek does anyway.

    In a Responses body the finding cites the Responses page (it ignores unknown parameters).
    """

    def check(body: dict[str, Any], p: Prepared) -> Finding | None:
        value = body.get(key)
        if value is None or (harmless is not None and _harmless(harmless, value)):
            return None
        return Finding(key, value=_short(value), source=RESPONSES_PAGE if p.kind == "responses" else None)

    return Rule(
        f"openai_only.{key}",
        kinds,
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
        kinds=EVERY_KIND,
    ),
    _openai_only(
        "parallel_tool_calls",
        "DeepSeek has no parallel_tool_calls switch; the model may still call several tools at once",
        "remove parallel_tool_calls and handle every tool call in the reply",
        harmless=lambda v: v is True,
        kinds=EVERY_KIND,
    ),
    _openai_only(
        "prompt_cache_key",
        "DeepSeek caches prompt prefixes automatically; it has no prompt_cache_key",
        "remove prompt_cache_key (pass user_id to isolate caches per end user)",
        kinds=EVERY_KIND,
    ),
    _openai_only(
        "prompt_cache_retention",
        "DeepSeek has no prompt cache retention setting (its prefix cache is automatic)",
        "remove prompt_cache_retention",
        kinds=EVERY_KIND,
    ),
    _openai_only(
        "prompt_cache_options",
        "DeepSeek has no prompt cache options (its prefix cache is automatic)",
        "remove prompt_cache_options",
        kinds=EVERY_KIND,
    ),
    _openai_only(
        "store", "DeepSeek does not store completions", "remove store", harmless=lambda v: v is False
    ),
    _openai_only("metadata", "DeepSeek has no request metadata", "remove metadata", kinds=EVERY_KIND),
    _openai_only(
        "best_of",
        "DeepSeek returns exactly one completion and has no best_of",
        "remove best_of (send the request several times if you need candidates)",
        harmless=lambda v: v == 1,
    ),
    _openai_only("verbosity", "DeepSeek has no verbosity setting", "remove verbosity"),
    _openai_only("moderation", "DeepSeek has no moderation parameter", "remove moderation", kinds=EVERY_KIND),
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
        action=WRONG_RESULT,
        keys=_keys("n"),
        unsupported=True,
    ),
)

RESPONSE_FORMAT: Final[tuple[Rule, ...]] = (
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
        EVERY_KIND,
        _check_temperature,
        what="temperature=$value",
        why="DeepSeek accepts temperature from 0 to $limit (and ignores it while thinking)",
        fix="use a value from 0 to $limit",
        # deepseek-api.md section 5; FIM (section 8) takes the same parameter, with no other range given.
        source=CHAT_API_PAGE,
        action=REJECTED,
        keys=_keys("temperature"),
    ),
    Rule(
        "top_p",
        EVERY_KIND,
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


def _functions(body: Mapping[str, Any], kind: BodyKind = "chat") -> Iterator[tuple[int, Mapping[str, Any]]]:
    """The function objects of the tools: ``tool["function"]`` in chat, the tool itself in Responses."""
    for i, tool in enumerate(_tools(body)):
        if _is_mapping(tool) and tool.get("type") == "function":
            fn = tool if kind == "responses" else tool.get("function")
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
    for i, fn in _functions(body, p.kind):
        name = fn.get("name")
        if type(name) is not str or pattern.fullmatch(name) is None:
            yield Finding("tools", i=i, name=_short(name), limit=limit, suggestion=repr(_safe_name(name)))


def _check_tool_unique(body: dict[str, Any], p: Prepared) -> Iterator[Finding]:
    seen: set[str] = set()
    for _, fn in _functions(body, p.kind):
        name = fn.get("name")
        if type(name) is not str:
            continue
        if name in seen:
            yield Finding("tools", name=repr(name))
        seen.add(name)


def _check_strict_schema(body: dict[str, Any], p: Prepared) -> Iterator[Finding]:
    for i, fn in _functions(body):
        if fn.get("strict") is True:
            problem = strict_problem(fn.get("parameters", {}))
            if problem is not None:
                name = _short(fn.get("name"))
                yield Finding("tools", i=i, name=name, problem=problem, key=f"tools[{name}].strict")


def _repair_strict_schema(body: dict[str, Any], finding: Finding, p: Prepared) -> None:
    tools = list(_tools(body))
    i = finding.fields["i"]
    assert isinstance(i, int)
    tool = dict(tools[i])
    tool["function"] = {k: v for k, v in tool["function"].items() if k != "strict"}
    tools[i] = tool
    body["tools"] = tools


def _check_strict_route(body: dict[str, Any], p: Prepared) -> Finding | None:
    if p.policy.beta:
        return None
    names = [_short(fn.get("name")) for _, fn in _functions(body) if fn.get("strict") is True]
    if names:
        return Finding("tools", names=", ".join(names))
    return None


def _repair_strict_route(body: dict[str, Any], finding: Finding, p: Prepared) -> None:
    p.route = "beta"
    p.adjust("tools.strict_route", f"strict tools ({finding.fields['names']}) were sent to the beta URL")


def _repair_thinking_off(body: dict[str, Any], finding: Finding, p: Prepared) -> None:
    body["thinking"] = {"type": "disabled"}
    body.pop("reasoning_effort", None)
    p.thinking = False
    p.adjust("tool_choice.thinking", fill(_THINKING_OFF, finding.fields))


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


_THINKING_OFF: Final = (
    "thinking was turned off for this call: DeepSeek refuses tool_choice=$value while thinking"
)


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
        CHAT_RESPONSES,
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
        CHAT_RESPONSES,
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
        CHAT_RESPONSES,
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
        "tools.strict_schema",
        CHAT,
        _check_strict_schema,
        what="tools[$i] ($name) has strict=True but its schema is outside DeepSeek's strict subset: $problem",
        why="the beta URL enforces strict schemas only within its subset (every object lists all its "
        "properties in required and sets additionalProperties: false; no minLength, maxLength, "
        "minItems or maxItems; formats email, hostname, ipv4, ipv6, uuid) and answers 400 outside it",
        fix="bring the schema into the subset, or drop strict from that tool (the default guard mode "
        "'warn' does, and sends the tool unenforced, as the standard URL would)",
        source=BETA_PAGE,
        action=IGNORED,
        keys=_keys("tools"),
        repair=_repair_strict_schema,
    ),
    Rule(
        "tools.strict_route",
        CHAT,
        _check_strict_route,
        what="strict tools ($names) on the standard base URL",
        why="the standard URL accepts strict=True and silently ignores it; only the beta URL enforces "
        "strict schemas",
        fix="nothing: the request goes to the beta URL (or use get_client(beta=True))",
        source=STRICT_TOOLS_OBSERVED,
        action=ROUTED,
        keys=_keys("tools"),
        repair=_repair_strict_route,
    ),
)

TOOL_CHOICE_THINKING: Final = Rule(
    "tool_choice.thinking",
    CHAT,
    _check_tool_choice_thinking,
    what="tool_choice=$value while thinking",
    why="DeepSeek answers 400 'Thinking mode does not support this tool_choice': only 'auto' and "
    "'none' work while thinking, and a forced tool choice works with thinking off",
    fix="turn thinking off for this call (client.with_options(thinking=False)) or use tool_choice='auto' "
    "(the default guard mode 'warn' turns thinking off for such a call and says so)",
    source=REASONING_PAGE,
    action=ADAPTED,
    keys=_keys("tool_choice"),
    phase=Phase.HISTORY,
    repair=_repair_thinking_off,
    notice=DeepSeekCompatibilityWarning,
    translated=_THINKING_OFF + "; see deepseek_adjustments on the response",
)
"""Runs once thinking is settled and before the history row (a call that no longer thinks needs no
reasoning round trip)."""

ALLOW_TOOLS: Final = Rule(
    "allow_tools",
    CHAT_RESPONSES,
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
    # An empty suffix is no suffix: DeepSeek (and the emulator) take echo with suffix="".
    suffix = _given(body, "suffix") and body["suffix"] != ""
    if body.get("echo") and (suffix or _given(body, "logprobs")):
        return Finding("echo", other="suffix" if suffix else "logprobs")
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
# Uploads (POST /files; files and vision guide, 2026-09-11)
#
# The body is the multipart form's fields with the file itself under "file" (an Upload the client's
# seam reads from openai's request without consuming it), as the documents write the request.

_PURPOSE_USES: Final = {
    "assistants": ("the Assistants API", "keep the conversation yourself and send images in user messages"),
    "batch": ("a Batch API", "send the requests concurrently with get_async_client()"),
    "fine-tune": ("fine-tuning", "put examples in the prompt, or fine-tune open DeepSeek weights yourself"),
    "evals": ("evals", "run evaluations locally over client.chat.completions.create"),
}


def _upload(body: Mapping[str, Any]) -> Upload | None:
    found = body.get("file")
    return found if isinstance(found, Upload) else None


def _check_upload_file(body: dict[str, Any], p: Prepared) -> Finding | None:
    return Finding("file") if _upload(body) is None else None


def _check_purpose_vision(body: dict[str, Any], p: Prepared) -> Finding | None:
    return Finding("purpose") if body.get("purpose") == "vision" else None


def _repair_purpose(body: dict[str, Any], finding: Finding, p: Prepared) -> None:
    body["purpose"] = FILES.purposes[0]


def _check_purpose(body: dict[str, Any], p: Prepared) -> Finding | None:
    purpose = body.get("purpose")
    if _str_in(purpose, FILES.purposes):
        return None
    use, alternative = (
        _PURPOSE_USES.get(purpose, ("other uses", "")) if type(purpose) is str else ("other uses", "")
    )
    instead = f"; for {use}: {alternative}" if alternative else ""
    return Finding("purpose", value=_short(purpose), use=use, instead=instead)


def _check_upload_type(body: dict[str, Any], p: Prepared) -> Finding | None:
    upload = _upload(body)
    if upload is None or upload.head is None or supported(upload.mime):
        return None
    return Finding("file", filename=_short(upload.filename), found=upload.description)


def _check_upload_size(body: dict[str, Any], p: Prepared) -> Finding | None:
    upload = _upload(body)
    if upload is None or upload.size is None or upload.size <= FILES.max_file_bytes:
        return None
    return Finding(
        "file", filename=_short(upload.filename), size=_mib(upload.size), limit=FILES.max_file_bytes // MIB
    )


def _check_upload_filename(body: dict[str, Any], p: Prepared) -> Finding | None:
    upload = _upload(body)
    if upload is None or len(upload.filename) <= FILES.max_filename_length:
        return None
    return Finding("file", length=f"{len(upload.filename):,}", limit=FILES.max_filename_length)


def _valid_expiry(value: object) -> bool:
    if not _is_mapping(value) or set(value) != {"anchor", "seconds"}:
        return False
    seconds = value["seconds"]
    return (
        _str_in(value["anchor"], FILES.expires_anchors)
        and _is_int(seconds)
        and FILES.min_expires_seconds <= seconds <= FILES.max_expires_seconds
    )


def _check_expires_after(body: dict[str, Any], p: Prepared) -> Finding | None:
    value = body.get("expires_after")
    if value is None or _valid_expiry(value):
        return None
    return Finding("expires_after", value=_short(value))


UPLOADS: Final[tuple[Rule, ...]] = (
    Rule(
        "files.purpose.vision",
        UPLOAD,
        _check_purpose_vision,
        what="purpose='vision' is OpenAI's purpose for images",
        why="DeepSeek stores images for chat input under purpose 'user_data', its only purpose",
        fix="pass purpose='user_data'",
        source=FILES_PAGE,
        action=TRANSLATED,
        keys=_keys("purpose"),
        phase=Phase.TRANSLATE,
        repair=_repair_purpose,
    ),
    Rule(
        "files.file",
        UPLOAD,
        _check_upload_file,
        what="the upload carries no file",
        why="POST /files takes the image as the multipart field 'file'",
        fix="pass file=open(path, 'rb') (or file=(name, data)) to client.files.create",
        source=FILES_PAGE,
        action=REJECTED,
    ),
    Rule(
        "files.purpose",
        UPLOAD,
        _check_purpose,
        what="purpose=$value",
        why=f"DeepSeek stores files only for purpose {FILES.purposes[0]!r} (images for chat input); it "
        "has no files for $use",
        fix=f"pass purpose={FILES.purposes[0]!r} for images$instead",
        source=FILES_PAGE,
        action=REJECTED,
        unsupported=True,
    ),
    Rule(
        "files.type",
        UPLOAD,
        _check_upload_type,
        what="the file $filename is $found",
        why=f"DeepSeek's Files API stores {_TYPES} images only, told from the bytes (not the name)",
        fix="convert images to PNG or JPEG first; send a document's text in the message instead",
        source=FILES_PAGE,
        action=REJECTED,
        keys=_keys("file"),
        unsupported=True,
    ),
    Rule(
        "files.size",
        UPLOAD,
        _check_upload_size,
        what="the file $filename is $size",
        why="DeepSeek stores files of at most $limit MiB",
        fix="scale the image down or save it compressed (JPEG or WebP)",
        source=FILES_PAGE,
        action=REJECTED,
        keys=_keys("file"),
    ),
    Rule(
        "files.filename",
        UPLOAD,
        _check_upload_filename,
        what="the file name has $length characters",
        why="DeepSeek takes file names of at most $limit characters",
        fix="pass a shorter name: file=('image.png', data)",
        source=FILES_PAGE,
        action=REJECTED,
        keys=_keys("file"),
    ),
    Rule(
        "files.expires_after",
        UPLOAD,
        _check_expires_after,
        what="expires_after=$value",
        why=f"DeepSeek takes expires_after={{'anchor': 'created_at', 'seconds': N}} with N from "
        f"{FILES.min_expires_seconds:,} (an hour) to {FILES.max_expires_seconds:,} (30 days); without it "
        "the file is kept until deleted",
        fix="pass expires_after={'anchor': 'created_at', 'seconds': 86400}, or leave it out",
        source=FILES_PAGE,
        action=REJECTED,
        keys=_keys("expires_after"),
    ),
)
"""What an upload must be before it is sent (the client reads the file's size and first bytes)."""


# --------------------------------------------------------------------------------------------
# The Responses API (POST /responses; Responses page, 2026-09-11)
#
# DeepSeek serves it statelessly: the fields that ask the server to keep or find state are
# refused (the caller expects state that will not exist), built-in tools are refused (the server
# ignores them, so they would never run), and thinking travels as reasoning.effort.

_RESEND: Final = (
    "resend the whole conversation as input each turn: input=[*earlier_items, "
    "*deepseek_openai.to_input_items(response), {'role': 'user', 'content': ...}]"
)
_KEEP_IT: Final = (
    "keep the Response yourself (deepseek_openai.to_input_items(response) gives the next turn's input)"
)


def _input_items(body: Mapping[str, Any]) -> Iterator[tuple[int, Mapping[str, Any]]]:
    items = body.get("input")
    if _is_list(items):
        for i, item in enumerate(items):
            if _is_mapping(item):
                yield i, item


def _given_field(key: str, harmless: Callable[[Any], bool] | None = None) -> Callable[..., Finding | None]:
    """A check that finds ``key`` set to anything but ``None`` (or a ``harmless`` value)."""

    def check(body: dict[str, Any], p: Prepared) -> Finding | None:
        value = body.get(key)
        if value is None or (harmless is not None and _harmless(harmless, value)):
            return None
        return Finding(key, value=_short(value))

    return check


def _check_item_reference(body: dict[str, Any], p: Prepared) -> Finding | None:
    for i, item in _input_items(body):
        if item.get("type") == "item_reference":
            return Finding("input", i=i, ref=_short(item.get("id")))
    return None


def _include(body: Mapping[str, Any]) -> list[Any]:
    include = body.get("include")
    return list(include) if _is_list(include) else []


def _check_include_encrypted(body: dict[str, Any], p: Prepared) -> Finding | None:
    asked = [v for v in _include(body) if _str_in(v, RESPONSES.unsupported_includes)]
    if asked:
        return Finding("include", values=_short(asked))
    return None


def _check_include_other(body: dict[str, Any], p: Prepared) -> Finding | None:
    other = [v for v in _include(body) if not _str_in(v, RESPONSES.unsupported_includes)]
    if other:
        return Finding("include", values=_short(other))
    return None


def _repair_include(body: dict[str, Any], finding: Finding, p: Prepared) -> None:
    kept = [v for v in _include(body) if _str_in(v, RESPONSES.unsupported_includes)]
    if kept:
        body["include"] = kept
    else:
        body.pop("include", None)


def _tool_kind(tool: Any) -> object:
    return tool.get("type") if _is_mapping(tool) else None


def _check_builtin_tools(body: dict[str, Any], p: Prepared) -> Iterator[Finding]:
    for i, tool in enumerate(_tools(body)):
        kind = _tool_kind(tool)
        if not _str_in(kind, RESPONSES.tool_types) and kind != "custom":
            yield Finding("tools", i=i, kind=_short(kind))


def _check_custom_tools(body: dict[str, Any], p: Prepared) -> Iterator[Finding]:
    for i, tool in enumerate(_tools(body)):
        if _tool_kind(tool) == "custom" and not _str_in(tool.get("name"), RESPONSES.custom_tools):
            yield Finding("tools", i=i, name=_short(tool.get("name")))


def _reasoning(body: Mapping[str, Any]) -> Mapping[str, Any]:
    reasoning = body.get("reasoning")
    return reasoning if _is_mapping(reasoning) else {}


_SUMMARY_FIELDS: Final = ("summary", "generate_summary")


def _check_reasoning_summary(body: dict[str, Any], p: Prepared) -> Finding | None:
    reasoning = _reasoning(body)
    for name in _SUMMARY_FIELDS:
        if reasoning.get(name) is not None:
            return Finding(f"reasoning.{name}", value=_short(reasoning[name]))
    return None


def _repair_reasoning_summary(body: dict[str, Any], finding: Finding, p: Prepared) -> None:
    body["reasoning"] = {k: v for k, v in _reasoning(body).items() if k not in _SUMMARY_FIELDS}


def _check_responses_effort_invalid(body: dict[str, Any], p: Prepared) -> Finding | None:
    value = responses_effort(body)
    if value is not None and effort_value(value) is None:
        return Finding("reasoning.effort", value=_short(value))
    return None


def _check_responses_effort_alias(body: dict[str, Any], p: Prepared) -> Finding | None:
    value = responses_effort(body)
    effort = effort_value(value)
    if effort is not None and effort != value:
        return Finding("reasoning.effort")
    return None


def _check_switches_conflict(body: dict[str, Any], p: Prepared) -> Finding | None:
    """Chat's ``thinking`` / ``reasoning_effort`` disagree with each other or with ``reasoning.effort``."""
    said = thinking_value(body.get("thinking"))
    effort = effort_value(body.get("reasoning_effort"))
    explicit = effort_value(responses_effort(body))
    off = {e == "none" for e in (effort, explicit) if e is not None}
    if said is not None:
        off.add(not said)
    exact = effort is not None and explicit is not None and effort != explicit
    if len(off) > 1 or exact:
        given = {k: body[k] for k in ("thinking", "reasoning_effort") if body.get(k) is not None}
        if explicit is not None:
            given["reasoning"] = {"effort": explicit}
        return Finding("thinking", given=_short(given))
    return None


def _repair_drop_switches(body: dict[str, Any], finding: Finding, p: Prepared) -> None:
    body.pop("thinking", None)
    body.pop("reasoning_effort", None)


def _check_chat_switches(body: dict[str, Any], p: Prepared) -> Finding | None:
    if body.get("thinking") is not None or body.get("reasoning_effort") is not None:
        return Finding("thinking")
    return None


def _check_max_output_tokens(body: dict[str, Any], p: Prepared) -> Finding | None:
    value = body.get("max_output_tokens")
    if value is None:
        return None
    ceiling = p.limits.max_output_tokens
    if not _is_int(value) or value < 1 or (ceiling is not None and value > ceiling):
        shown = str(ceiling) if ceiling is not None else "the model maximum"
        return Finding("max_output_tokens", value=_short(value), ceiling=shown)
    return None


def _check_text_format(body: dict[str, Any], p: Prepared) -> Finding | None:
    text = body.get("text")
    fmt = text.get("format") if _is_mapping(text) else None
    if fmt is not None and not (_is_mapping(fmt) and _str_in(fmt.get("type"), RESPONSES.text_formats)):
        return Finding("text", value=_short(fmt))
    return None


_FORMATS: Final = ", ".join(sorted(RESPONSES.text_formats))

RESPONSES_TRANSLATIONS: Final[tuple[Rule, ...]] = (
    Rule(
        "responses.reasoning_effort.invalid",
        RESPONSES_KIND,
        _check_responses_effort_invalid,
        what="reasoning.effort=$value is not a DeepSeek effort",
        why="the Responses API accepts reasoning.effort none (thinking off), low, high (default) and max",
        fix="use reasoning={'effort': 'low'}, 'high' or 'max', or {'effort': 'none'} to turn thinking off",
        source=RESPONSES_PAGE,
        action=ALWAYS_REFUSED,
        keys=_keys("reasoning"),
        phase=Phase.TRANSLATE,
    ),
    Rule(
        "responses.reasoning_effort.alias",
        RESPONSES_KIND,
        _check_responses_effort_alias,
        what="reasoning.effort is an alias",
        why=f"DeepSeek runs every effort at one of {_EFFORT_LIST}",
        fix="pass the effort it maps to",
        source=RESPONSES_PAGE,
        action=TRANSLATED,
        keys=_keys("reasoning"),
        phase=Phase.TRANSLATE,
        repair=lambda body, finding, p: normalize_responses_effort(body),
    ),
    Rule(
        "responses.thinking.contradiction",
        RESPONSES_KIND,
        _check_switches_conflict,
        what="the thinking settings $given contradict each other",
        why="the Responses API takes thinking only as reasoning.effort ('none' is off) and ignores "
        "Chat Completions' thinking / reasoning_effort, so one of them would silently lose",
        fix="set only reasoning={'effort': ...}",
        source=RESPONSES_PAGE,
        action=UNTRANSLATABLE,
        keys=_keys("thinking", "reasoning_effort"),
        phase=Phase.TRANSLATE,
        repair=_repair_drop_switches,
    ),
    Rule(
        "responses.thinking.chat_switches",
        RESPONSES_KIND,
        _check_chat_switches,
        what="thinking / reasoning_effort are Chat Completions' switches",
        why="the Responses API takes thinking as reasoning.effort ('none' turns it off) and ignores them",
        fix="pass reasoning={'effort': 'none'} (or 'low', 'high', 'max')",
        source=RESPONSES_PAGE,
        action=TRANSLATED,
        keys=_keys("thinking", "reasoning_effort"),
        phase=Phase.TRANSLATE,
        repair=lambda body, finding, p: move_chat_switches(body),
    ),
)

RESPONSES_RULES: Final[tuple[Rule, ...]] = (
    Rule(
        "responses.previous_response_id",
        RESPONSES_KIND,
        _given_field("previous_response_id"),
        what="previous_response_id=$value asks the server to continue a stored response",
        why="DeepSeek's Responses API is stateless: nothing is stored, so there is no earlier response "
        "to continue and its turns would be missing from the context",
        fix=f"{_RESEND}, and drop previous_response_id",
        source=RESPONSES_PAGE,
        action=SILENTLY_WRONG,
        keys=_keys("previous_response_id"),
        unsupported=True,
    ),
    Rule(
        "responses.conversation",
        RESPONSES_KIND,
        _given_field("conversation"),
        what="conversation=$value asks for a stored conversation",
        why="DeepSeek's Responses API is stateless: it keeps no conversations, so the earlier turns "
        "would be missing from the context",
        fix=f"keep the items yourself and {_RESEND}",
        source=RESPONSES_PAGE,
        action=SILENTLY_WRONG,
        keys=_keys("conversation"),
        unsupported=True,
    ),
    Rule(
        "responses.background",
        RESPONSES_KIND,
        _given_field("background", harmless=lambda v: v is False),
        what="background=$value asks for a response to poll later",
        why="DeepSeek's Responses API is stateless: there is no background mode and no stored response "
        "to poll, retrieve or cancel",
        fix="drop background and wait for the call (run several at once with get_async_client(), or "
        "stream=True to see progress)",
        source=RESPONSES_PAGE,
        action=SILENTLY_WRONG,
        keys=_keys("background"),
        unsupported=True,
    ),
    Rule(
        "responses.store",
        RESPONSES_KIND,
        _given_field("store", harmless=lambda v: v is False),
        what="store=$value asks the server to keep the response",
        why="DeepSeek never stores responses (store is always false), so nothing could be retrieved, "
        "listed or continued later",
        fix=f"drop store (or pass store=False) and {_KEEP_IT}",
        source=RESPONSES_PAGE,
        action=SILENTLY_WRONG,
        keys=_keys("store"),
        unsupported=True,
    ),
    Rule(
        "responses.prompt",
        RESPONSES_KIND,
        _given_field("prompt"),
        what="prompt=$value refers to a stored prompt template",
        why="DeepSeek stores no prompts and ignores the field, so the template's instructions would "
        "silently be missing",
        fix="put the prompt's text in instructions=... and its variables in the input",
        source=RESPONSES_PAGE,
        action=SILENTLY_WRONG,
        keys=_keys("prompt"),
        unsupported=True,
    ),
    Rule(
        "responses.item_reference",
        RESPONSES_KIND,
        _check_item_reference,
        what="input[$i] is an item_reference to $ref",
        why="DeepSeek's Responses API is stateless: nothing is stored, so there is no item to refer to",
        fix="send the item itself (deepseek_openai.to_input_items(response) gives the items of a response)",
        source=RESPONSES_PAGE,
        action=SILENTLY_WRONG,
        keys=_keys("input"),
        unsupported=True,
    ),
    Rule(
        "responses.include.encrypted_content",
        RESPONSES_KIND,
        _check_include_encrypted,
        what="include=$values asks for encrypted reasoning",
        why="DeepSeek returns no encrypted reasoning (and no summaries): the chain of thought comes back "
        "as plain text in a reasoning output item",
        fix="remove it from include and replay the reasoning items themselves "
        "(deepseek_openai.to_input_items(response) keeps them)",
        source=RESPONSES_PAGE,
        action=SILENTLY_WRONG,
        keys=_keys("include"),
        unsupported=True,
    ),
    Rule(
        "responses.include",
        RESPONSES_KIND,
        _check_include_other,
        what="include=$values",
        why="DeepSeek's Responses API documents no include values (its built-in tools and logprobs "
        "outputs do not exist there), so they would add nothing",
        fix="remove include",
        source=RESPONSES_PAGE,
        action=IGNORED,
        keys=_keys("include"),
        repair=_repair_include,
    ),
    Rule(
        "responses.tools.builtin",
        RESPONSES_KIND,
        _check_builtin_tools,
        what="tools[$i] has type $kind",
        why="DeepSeek's Responses API runs only function tools (and the custom tool apply_patch): it "
        "accepts OpenAI's built-in tools (web search, file search, code interpreter, computer use, "
        "image generation, MCP, ...) and ignores them, so the model would never use this one",
        fix="implement the tool yourself and offer it as {'type': 'function', 'name': ..., "
        "'parameters': {...}}",
        source=RESPONSES_PAGE,
        action=SILENTLY_WRONG,
        keys=_keys("tools"),
        unsupported=True,
    ),
    Rule(
        "responses.tools.custom",
        RESPONSES_KIND,
        _check_custom_tools,
        what="tools[$i] is the custom tool $name",
        why=f"of the custom tools DeepSeek accepts only {', '.join(sorted(RESPONSES.custom_tools))}; "
        "any other custom tool is a 400",
        fix="offer it as a function tool {'type': 'function', 'name': ..., 'parameters': {...}}",
        source=RESPONSES_PAGE,
        action=REJECTED,
        keys=_keys("tools"),
        unsupported=True,
    ),
    Rule(
        "responses.truncation",
        RESPONSES_KIND,
        _given_field("truncation", harmless=lambda v: v == "disabled"),
        what="truncation=$value",
        why="DeepSeek does not truncate the input: an input longer than the context window is a 400 instead",
        fix="remove truncation and shorten the input yourself when it grows too long",
        source=RESPONSES_PAGE,
        action=IGNORED,
        keys=_keys("truncation"),
        unsupported=True,
    ),
    Rule(
        "responses.reasoning.summary",
        RESPONSES_KIND,
        _check_reasoning_summary,
        what="reasoning.summary=$value",
        why="DeepSeek accepts it but produces no reasoning summary; the reasoning itself comes back in "
        "full, as a reasoning output item",
        fix="remove summary and read the reasoning with deepseek_openai.get_reasoning(response)",
        source=RESPONSES_PAGE,
        action=IGNORED,
        keys=_keys("reasoning"),
        repair=_repair_reasoning_summary,
    ),
    Rule(
        "responses.max_output_tokens",
        RESPONSES_KIND,
        _check_max_output_tokens,
        what="max_output_tokens=$value",
        why="DeepSeek accepts max_output_tokens from 1 to $ceiling (it covers reasoning and answer "
        "together; the API answers 400)",
        fix="use 1 <= max_output_tokens <= $ceiling",
        source=RESPONSES_PAGE,
        action=REJECTED,
        keys=_keys("max_output_tokens"),
    ),
    Rule(
        "responses.text.format",
        RESPONSES_KIND,
        _check_text_format,
        what="text.format=$value",
        why=f"DeepSeek's Responses API accepts the text.format types {_FORMATS}",
        fix="use text={'format': {'type': 'json_schema', 'name': ..., 'schema': {...}}} "
        "(client.responses.parse(text_format=Model) builds it), or {'type': 'json_object'}",
        source=RESPONSES_PAGE,
        action=REJECTED,
        keys=_keys("text"),
    ),
    *(
        _openai_only(key, why, fix, kinds=RESPONSES_KIND)
        for key, why, fix in (
            ("user", "DeepSeek's Responses API documents no end-user field", "remove user"),
            (
                "safety_identifier",
                "DeepSeek's Responses API documents no end-user field",
                "remove safety_identifier",
            ),
            (
                "max_tool_calls",
                "DeepSeek has no cap on tool calls: the model may make more than you allow",
                "remove max_tool_calls and stop your tool loop yourself after that many calls",
            ),
            ("top_logprobs", "DeepSeek's Responses API documents no logprobs", "remove top_logprobs"),
            (
                "stream_options",
                "DeepSeek's Responses API documents no stream options",
                "remove stream_options",
            ),
            ("access_programs", "DeepSeek has no access programs", "remove access_programs"),
            ("image", "DeepSeek generates no images", "remove image"),
            ("background_options", "DeepSeek has no background mode", "remove background_options"),
            (
                "context_management",
                "DeepSeek manages no context on the server (it stores nothing)",
                "remove context_management and shorten the input yourself",
            ),
        )
    ),
)
"""The Responses API's own rows (besides the shared ones whose kinds include ``responses``)."""


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
    *RESPONSES_TRANSLATIONS,
    TOOL_CHOICE_THINKING,
    *HISTORY,
    ALLOW_TOOLS,
    *MESSAGES,
    *IMAGES,
    *RESPONSES_IMAGES,
    *IMAGE_TOTALS,
    *OPENAI_ONLY,
    *CHOICES,
    *FIM_RULES,
    *RESPONSE_FORMAT,
    *TOOLS,
    *PARAMETERS,
    *THINKING,
    USER_ID,
    *RESPONSES_RULES,
    *UPLOADS,
)
"""Every rule, each once, in the order the pipeline runs them (translations, history, checks)."""
