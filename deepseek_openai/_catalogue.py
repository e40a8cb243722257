"""The DeepSeek model catalogue: one dated table that answers every capability question.

Every rule this package applies (guards, translations, cost) reads this module instead of
matching model-name prefixes: peers broke when ``deepseek-flash`` replaced ``deepseek-v4-flash``.
Each fact carries the :class:`Source` it was copied from, so a reader can tell how fresh it is.

Unknown model names are passed through unchanged and nothing is assumed about them
(:func:`capability` answers ``None``): DeepSeek adds models, and blocking a new one would be worse
than letting the server decide.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Final, Literal


@dataclass(frozen=True, slots=True)
class Source:
    """A copy of an official DeepSeek document a fact was taken from."""

    title: str
    url: str
    date: dt.date

    def __str__(self) -> str:
        return f"{self.title} ({self.url}, copy of {self.date.isoformat()})"


# The documentation copies this catalogue was built from (api-docs.deepseek.com).
MODELS_PAGE: Final = Source(
    "DeepSeek API docs: Models & Pricing",
    "https://api-docs.deepseek.com/quick_start/pricing",
    dt.date(2026, 9, 11),
)
PRICING_PAGE: Final = Source(
    "DeepSeek API docs: Models & Pricing (prices)",
    "https://api-docs.deepseek.com/quick_start/pricing",
    dt.date(2026, 11, 15),
)
CHAT_API_PAGE: Final = Source(
    "DeepSeek API docs: Create Chat Completion",
    "https://api-docs.deepseek.com/api/create-chat-completion",
    dt.date(2026, 9, 11),
)
REASONING_PAGE: Final = Source(
    "DeepSeek API docs: Thinking Mode",
    "https://api-docs.deepseek.com/guides/thinking_mode",
    dt.date(2026, 9, 11),
)
BETA_PAGE: Final = Source(
    "DeepSeek API docs: Chat Prefix Completion / FIM / strict tools (beta)",
    "https://api-docs.deepseek.com/guides/chat_prefix_completion",
    dt.date(2026, 9, 11),
)
NEWS_RETIREMENT: Final = Source(
    "DeepSeek API news: deepseek-chat and deepseek-reasoner retired",
    "https://api-docs.deepseek.com/news",
    dt.date(2026, 7, 24),
)
ERROR_CODES_PAGE: Final = Source(
    "DeepSeek API docs: Error Codes",
    "https://api-docs.deepseek.com/quick_start/error_codes",
    dt.date(2025, 2, 1),
)
ENDPOINTS_PAGE: Final = Source(
    "DeepSeek API docs: API reference (endpoints)",
    "https://api-docs.deepseek.com/api/deepseek-api",
    dt.date(2026, 9, 11),
)
STRICT_TOOLS_OBSERVED: Final = Source(
    "Observed: strict tools on the standard URL are ignored (langchain #40029-#40031, PR #40249)",
    "https://github.com/langchain-ai/langchain/pull/40249",
    dt.date(2026, 9, 6),
)
TOOL_ORDER_OBSERVED: Final = Source(
    "Observed: DeepSeek's 400s 'Messages with role 'tool' must be a response to a preceding message with "
    "'tool_calls'' and 'An assistant message with 'tool_calls' must be followed by tool messages' "
    "(reported against deepseek-v4-flash, Newelle #425)",
    "https://github.com/qwersyk/Newelle/issues/425",
    dt.date(2026, 8, 28),
)
RESPONSES_PAGE: Final = Source(
    "DeepSeek API docs: Responses API",
    "https://api-docs.deepseek.com/guides/responses",
    dt.date(2026, 9, 11),
)
FILES_PAGE: Final = Source(
    "DeepSeek API docs: Files and vision",
    "https://api-docs.deepseek.com/guides/vision",
    dt.date(2026, 9, 11),
)

CATALOGUE_DATE: Final = max(s.date for s in (MODELS_PAGE, PRICING_PAGE, CHAT_API_PAGE, BETA_PAGE))
"""The newest document this catalogue reflects; messages say "as of" this date."""


class Feature(StrEnum):
    """A capability question the catalogue can answer for a model."""

    THINKING = "thinking"
    """Thinking (reasoning) mode; on by default on every current model."""
    NON_THINKING = "non_thinking"
    """Thinking can be switched off."""
    JSON_OUTPUT = "json_output"
    """``response_format={"type": "json_object"}``."""
    TOOLS = "tools"
    """Function calling."""
    TOOLS_WHILE_THINKING = "tools_while_thinking"
    """Function calling while thinking (since V3.2, 2025-12)."""
    STRICT_TOOLS = "strict_tools"
    """``strict: true`` functions (beta base URL only)."""
    PREFIX_COMPLETION = "prefix_completion"
    """Chat prefix completion (beta base URL only)."""
    FIM = "fim"
    """Fill-in-the-middle ``/completions`` (beta base URL only, non-thinking only)."""
    VISION = "vision"
    """Image parts in user messages."""


Effort = Literal["none", "low", "high", "max", "minimal", "medium", "xhigh", "ultra"]
"""Every ``reasoning_effort`` the API accepts (chat API page, 2026-09-11)."""

EFFORTS: Final[dict[str, str]] = {
    "none": "none",  # thinking off
    "low": "low",
    "high": "high",  # the server default
    "max": "max",
    # Accepted by the API and run at the effort they map to (chat API page, 2026-09-11).
    "minimal": "low",
    "medium": "high",
    "xhigh": "high",
    "ultra": "max",
}
"""Each accepted effort and the effort it runs at (keys are exactly :data:`Effort`)."""

DEFAULT_EFFORT: Final = "high"
"""The effort the server runs at when thinking is on and no effort is given (chat API page, 2026-09-11)."""

CANONICAL_EFFORTS: Final = tuple(dict.fromkeys(EFFORTS.values()))
"""The efforts the API runs at: none, low, high, max."""

IDENTIFIER_CHARS: Final = "A-Za-z0-9_-"
"""The characters allowed in function names and ``user_id`` (chat API page, 2026-09-11)."""


@dataclass(frozen=True, slots=True)
class ResponsesFacts:
    """What DeepSeek's Responses API (``POST /responses``) is and is not (Responses page, 2026-09-11)."""

    stateful_fields: tuple[str, ...] = ("previous_response_id", "conversation", "background", "store")
    """Fields of OpenAI's stateful Responses API that DeepSeek does not support (``store`` is always
    false): nothing is kept, the caller resends the whole input each turn."""
    tool_types: frozenset[str] = frozenset({"function"})
    """Tool types the model can call. Every other type (OpenAI's built-in tools: web_search,
    file_search, code_interpreter, computer use, image generation, mcp, ...) is ignored by the
    server: accepted, never run."""
    custom_tools: frozenset[str] = frozenset({"apply_patch"})
    """The custom tools (``{"type": "custom", "name": ...}``) it accepts; any other name is a 400."""
    text_formats: frozenset[str] = frozenset({"text", "json_object", "json_schema"})
    """``text.format`` types; json_schema works here, unlike Chat Completions."""
    unsupported_includes: frozenset[str] = frozenset({"reasoning.encrypted_content"})
    """``include`` values that ask for what is not produced (no encrypted reasoning, no summary)."""
    vision_part: str = "input_image"
    """The input content part that carries an image (``image_url`` or ``file_id``), Flash only."""
    parallel_tool_calls: bool = True
    """Parallel tool calls are always on; there is no switch."""
    source: Source = RESPONSES_PAGE


RESPONSES: Final = ResponsesFacts()
"""The Responses API facts the rule table reads."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Request limits of one model.

    The API-wide figures (chat API page and beta page, 2026-09-11) have defaults; a model row adds
    its token figures, which stay ``None`` for a model the catalogue does not know.
    """

    context_window: int | None = None
    max_output_tokens: int | None = None
    """``max_tokens`` ceiling; it covers reasoning and answer together."""
    default_max_tokens: int | None = None
    """Default ``max_tokens`` when thinking is off."""
    default_max_tokens_thinking: int | None = None
    default_max_tokens_max_effort: int | None = None
    concurrency: int | None = None
    """Concurrent requests per account before 429 (lowered by the server when the balance is low)."""
    max_stop_sequences: int = 16
    max_top_logprobs: int = 20
    max_tools: int = 128
    """The safe cap on tools per request."""
    max_tool_name_length: int = 128
    max_user_id_length: int = 512
    max_temperature: float = 2.0
    fim_max_tokens: int = 4096
    fim_max_logprobs: int = 20
    max_request_bytes: int = 48 * 1024 * 1024
    source: Source = MODELS_PAGE

    def default_max_tokens_for(self, *, thinking: bool, effort: str | None = None) -> int | None:
        """The ``max_tokens`` the server uses when a request does not set it."""
        if not thinking:
            return self.default_max_tokens
        if effort is not None and EFFORTS.get(effort) == "max":
            return self.default_max_tokens_max_effort
        return self.default_max_tokens_thinking


API_LIMITS: Final = Limits(source=CHAT_API_PAGE)
"""The limits every request obeys; the rules use them for a model the catalogue does not know."""

MIB: Final = 1024 * 1024
IMAGE_TYPES: Final = ("image/jpeg", "image/png", "image/gif", "image/webp")
"""The only image types DeepSeek takes, told from the bytes, not the name (files and vision guide,
2026-09-11)."""


@dataclass(frozen=True, slots=True)
class VisionLimits:
    """Image input on the models with :attr:`Feature.VISION` (files and vision guide, 2026-09-11).

    Images go only in ``user`` messages, as ``image_url`` parts (an https URL the server fetches,
    or a ``data:`` URL) or ``file`` parts (an uploaded file id, or inline ``file_data``).
    """

    image_types: tuple[str, ...] = IMAGE_TYPES
    max_images: int = 600
    """Images per request."""
    url_schemes: tuple[str, ...] = ("https", "data")
    max_url_length: int = 8_192
    """Characters of an https image URL (a ``data:`` URL is limited by its bytes instead)."""
    url_fetch_seconds: int = 60
    """The server gives up fetching an image URL after this long."""
    details: tuple[str, ...] = ("low", "high", "original", "auto")
    max_inline_bytes: int = 32 * MIB
    """Bytes of one inline (``data:`` / ``file_data``) or URL image."""
    max_file_image_bytes: int = 64 * MIB
    """Bytes of one image sent by ``file_id``."""
    max_request_bytes: int = 64 * MIB
    """Bytes of all the images of a request without file ids."""
    max_request_bytes_with_files: int = 200 * MIB
    """Bytes of all the images of a request that uses file ids."""
    max_side: int = 8_192
    """Pixels a side."""
    many_images: int = 15
    """From this many images in a request on, each may have at most :attr:`max_side_many` pixels a side."""
    max_side_many: int = 4_096
    low_detail_side: int = 512
    """``detail: low`` looks at the image at 512x512."""
    resized_side: int = 1_300
    """Each image is resized to about this many pixels squared of area."""
    max_image_tokens: int = 1_024
    """Input tokens one image costs at most."""
    source: Source = FILES_PAGE


VISION: Final = VisionLimits()


@dataclass(frozen=True, slots=True)
class FileLimits:
    """The Files API (``/files``; files and vision guide, 2026-09-11): images only, for chat input."""

    purposes: tuple[str, ...] = ("user_data",)
    """The one purpose DeepSeek stores files for (required on upload)."""
    image_types: tuple[str, ...] = IMAGE_TYPES
    max_file_bytes: int = 64 * MIB
    max_filename_length: int = 512
    expires_anchors: tuple[str, ...] = ("created_at",)
    min_expires_seconds: int = 3_600
    max_expires_seconds: int = 2_592_000
    """``expires_after[seconds]`` range; omit ``expires_after`` to keep the file."""
    upload_seconds: int = 600
    """An upload must complete within this long."""
    max_storage_bytes: int = 25 * 1024 * MIB
    max_files: int = 10_000
    """Per user (the storage figure too)."""
    max_list_limit: int = 1_000
    """``GET /files`` takes ``limit`` from 1 to this, ``order`` asc or desc, ``after`` and ``purpose``."""
    id_prefix: str = "file-api-"
    source: Source = FILES_PAGE


FILES: Final = FileLimits()


@dataclass(frozen=True, slots=True)
class StrictSubset:
    """The JSON Schema subset the beta URL enforces for ``strict: true`` functions (beta page).

    Every object lists all its properties in ``required`` and sets ``additionalProperties: false``;
    outside the listed keywords and formats the beta URL answers 400. The standard URL accepts
    ``strict`` and ignores it (observed 2026-08-30 to 2026-09-06), so a strict request means
    something only on the beta URL.
    """

    keywords: frozenset[str]
    """Keywords the subset supports (annotations such as ``title`` and ``description`` included)."""
    unsupported: frozenset[str]
    """Keywords the beta page names as not supported."""
    formats: frozenset[str]
    """String formats the subset supports."""
    source: Source = BETA_PAGE
    observed: Source = STRICT_TOOLS_OBSERVED


STRICT_SCHEMA: Final = StrictSubset(
    keywords=frozenset(
        {
            # structure: object, string, number/integer, boolean, array, enum, anyOf, $ref/$def
            "type",
            "properties",
            "required",
            "additionalProperties",
            "items",
            "enum",
            "anyOf",
            "$ref",
            "$defs",
            "definitions",
            # string and number keywords
            "pattern",
            "format",
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
            "const",
            "default",
            # annotations
            "title",
            "description",
            "examples",
        }
    ),
    unsupported=frozenset({"minLength", "maxLength", "minItems", "maxItems"}),
    formats=frozenset({"email", "hostname", "ipv4", "ipv6", "uuid"}),
)
"""Beta page, 2026-09-11 (section 8 of the API notes)."""


@dataclass(frozen=True, slots=True)
class Prices:
    """USD per one million tokens, at peak hours. Off-peak is ``off_peak_factor`` of these."""

    cache_hit_input: Decimal
    cache_miss_input: Decimal
    output: Decimal
    off_peak_factor: Decimal = Decimal("0.5")
    currency: Literal["USD"] = "USD"
    source: Source = PRICING_PAGE

    def at(self, *, peak: bool) -> Prices:
        """These prices in the given window (peak prices are the table's own)."""
        if peak:
            return self
        f = self.off_peak_factor
        return Prices(
            self.cache_hit_input * f,
            self.cache_miss_input * f,
            self.output * f,
            off_peak_factor=Decimal(1),
            source=self.source,
        )


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """One model's row: what it is, what it can do, its limits and prices, each dated."""

    id: str
    display_name: str
    features: frozenset[Feature]
    limits: Limits
    prices: Prices
    thinking_default: bool = True
    notes: str = ""
    source: Source = MODELS_PAGE
    feature_sources: dict[Feature, Source] = field(default_factory=dict)
    """Per-feature source where it differs from ``source`` (e.g. beta-only features)."""

    def supports(self, feature: Feature) -> bool:
        return feature in self.features

    def source_of(self, feature: Feature) -> Source:
        return self.feature_sources.get(feature, self.source)


_BETA_FEATURES: Final = {
    Feature.STRICT_TOOLS: BETA_PAGE,
    Feature.PREFIX_COMPLETION: BETA_PAGE,
    Feature.FIM: BETA_PAGE,
}
_COMMON_FEATURES: Final = frozenset(
    {
        Feature.THINKING,
        Feature.NON_THINKING,
        Feature.JSON_OUTPUT,
        Feature.TOOLS,
        Feature.TOOLS_WHILE_THINKING,
        Feature.STRICT_TOOLS,
        Feature.PREFIX_COMPLETION,
        Feature.FIM,
    }
)

MODELS: Final[dict[str, ModelInfo]] = {
    "deepseek-flash": ModelInfo(
        id="deepseek-flash",
        display_name="DeepSeek-V4.1-Flash",
        features=_COMMON_FEATURES | {Feature.VISION},
        limits=Limits(
            context_window=1_048_576,
            max_output_tokens=393_216,
            default_max_tokens=8_192,
            default_max_tokens_thinking=65_536,
            default_max_tokens_max_effort=131_072,
            concurrency=2_500,
        ),
        prices=Prices(Decimal("0.006"), Decimal("0.30"), Decimal("1.20")),
        notes="Canonical id since 2026-09-10. Vision input. FIM only without thinking.",
        feature_sources=dict(_BETA_FEATURES),
    ),
    "deepseek-v4-pro": ModelInfo(
        id="deepseek-v4-pro",
        display_name="DeepSeek-V4-Pro-0813",
        # No vision: image parts get a 400 from the server.
        features=_COMMON_FEATURES,
        limits=Limits(
            context_window=1_048_576,
            max_output_tokens=393_216,
            default_max_tokens=8_192,
            default_max_tokens_thinking=65_536,
            default_max_tokens_max_effort=131_072,
            concurrency=500,
        ),
        prices=Prices(Decimal("0.044"), Decimal("1.32"), Decimal("3.96")),
        notes="No vision input. FIM only without thinking.",
        feature_sources=dict(_BETA_FEATURES),
    ),
}


@dataclass(frozen=True, slots=True)
class Alias:
    """A still-accepted name served by another model at that model's prices."""

    name: str
    target: str
    source: Source = MODELS_PAGE
    note: str = "still accepted; no end date announced"


@dataclass(frozen=True, slots=True)
class Retired:
    """A name the API no longer accepts (400), and what it used to mean."""

    name: str
    replacement: str
    thinking: bool
    retired_on: dt.datetime
    source: Source = NEWS_RETIREMENT


ALIASES: Final[dict[str, Alias]] = {
    "deepseek-v4-flash": Alias("deepseek-v4-flash", "deepseek-flash"),
    "deepseek-v4-flash-vision-exp": Alias("deepseek-v4-flash-vision-exp", "deepseek-flash"),
}

_RETIRED_AT: Final = dt.datetime(2026, 7, 24, 15, 59, tzinfo=dt.UTC)
RETIRED: Final[dict[str, Retired]] = {
    # Aliases of V4-Flash non-thinking / thinking from 2026-04-24, switched off 2026-07-24 15:59 UTC.
    "deepseek-chat": Retired("deepseek-chat", "deepseek-flash", thinking=False, retired_on=_RETIRED_AT),
    "deepseek-reasoner": Retired(
        "deepseek-reasoner", "deepseek-flash", thinking=True, retired_on=_RETIRED_AT
    ),
}

PEAK_HOURS: Final = ((1, 4), (6, 10))
"""Peak-price windows in UTC hours [start, end), Monday to Friday (pricing page, 2026-11-15).

DeepSeek also excludes Chinese public holidays; that calendar is published yearly and is not
shipped here, so pass ``holidays=`` to :func:`is_peak` for exact figures (without it, a holiday
weekday is priced as peak: an overestimate, never an underestimate).
"""


@dataclass(frozen=True, slots=True)
class ResolvedModel:
    """What a model name means today."""

    requested: str
    id: str
    """The canonical id to reason about (the requested name when unknown)."""
    status: Literal["current", "alias", "retired", "unknown"]
    thinking: bool | None
    """The thinking mode the name implies (retired names only), else ``None``."""
    warn: bool
    """True when the caller should be told the name is retired."""
    info: ModelInfo | None
    message: str | None = None

    @property
    def known(self) -> bool:
        return self.info is not None


_CURRENT: dict[str, ResolvedModel] = {}


def resolve_model(name: str) -> ResolvedModel:
    """Resolve a requested model name to its canonical id and the thinking mode it implies."""
    info = MODELS.get(name)
    if info is not None:
        # Runs on every request: reuse the (immutable) answer while the catalogue row is the same.
        cached = _CURRENT.get(name)
        if cached is None or cached.info is not info:
            cached = _CURRENT[name] = ResolvedModel(name, name, "current", None, False, info)
        return cached
    alias = ALIASES.get(name)
    if alias is not None:
        return ResolvedModel(name, alias.target, "alias", None, False, MODELS[alias.target])
    retired = RETIRED.get(name)
    if retired is not None:
        mode = "on" if retired.thinking else "off"
        message = (
            f"The model name {name!r} was retired on {retired.retired_on:%Y-%m-%d %H:%M} UTC and the API now "
            f"answers 400 ({retired.source}). It meant {retired.replacement!r} with thinking {mode}: use "
            f"model={retired.replacement!r}"
            + (", thinking=False" if not retired.thinking else "")
            + " instead."
        )
        return ResolvedModel(
            name, retired.replacement, "retired", retired.thinking, True, MODELS[retired.replacement], message
        )
    return ResolvedModel(name, name, "unknown", None, False, None)


def get_model(name: str) -> ModelInfo | None:
    """The catalogue row for a name (current id or alias), or ``None``."""
    return resolve_model(name).info if name not in RETIRED else None


def known_model_ids() -> tuple[str, ...]:
    """The canonical ids ``GET /models`` lists today."""
    return tuple(MODELS)


@dataclass(frozen=True, slots=True)
class Answer:
    """A capability answer with its source; ``value`` is ``None`` when the model is unknown."""

    model: str
    feature: Feature
    value: bool | None
    source: Source | None

    def __bool__(self) -> bool:
        return bool(self.value)


def capability(model: str, feature: Feature | str) -> Answer:
    """Does ``model`` support ``feature``? Unknown models answer ``None`` (no assumption)."""
    feat = Feature(feature)
    resolved = resolve_model(model)
    if resolved.info is None:
        return Answer(model, feat, None, None)
    return Answer(model, feat, resolved.info.supports(feat), resolved.info.source_of(feat))


def is_peak(at: dt.datetime, *, holidays: frozenset[dt.date] | set[dt.date] = frozenset()) -> bool:
    """Whether DeepSeek's peak prices apply at ``at`` (naive datetimes are taken as UTC)."""
    utc = at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)
    if utc.weekday() >= 5 or utc.date() in holidays:
        return False
    return any(start <= utc.hour < end for start, end in PEAK_HOURS)


def prices_at(
    model: str, at: dt.datetime, *, holidays: frozenset[dt.date] | set[dt.date] = frozenset()
) -> Prices | None:
    """The prices for ``model`` at ``at``, or ``None`` for an unknown model."""
    info = resolve_model(model).info
    if info is None:
        return None
    return info.prices.at(peak=is_peak(at, holidays=holidays))
