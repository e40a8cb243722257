"""Settings from arguments and ``DEEPSEEK_*`` environment variables (pydantic-settings).

Precedence: constructor arguments, then the environment, then the defaults. No ``.env`` file is
read unless the caller passes ``_env_file=...``: a library must not pick up whatever file sits in
the current directory. Nothing is ever read from OpenAI's own variables (``OPENAI_API_KEY``, ...).
"""

from __future__ import annotations

import functools
import os
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ._catalogue import Effort
from ._errors import ConfigurationError
from ._redact import mask_url

DEFAULT_BASE_URL = "https://api.deepseek.com"
DEFAULT_BETA_BASE_URL = "https://api.deepseek.com/beta"

GuardMode = Literal["strict", "warn", "off"]
HistoryPolicy = Literal["backfill", "error", "off"]
RetiredModelPolicy = Literal["translate", "error"]
LogLevel = Literal["debug", "info", "warning"]

_ENV_PREFIX = "DEEPSEEK_"

MAX_TIMEOUT = 86_400.0
"""A day: a longer timeout is a hang, not a timeout (``inf`` and ``nan`` are refused too)."""
MAX_RETRIES = 100
"""Past this a retry loop never ends in practice (openai backs off up to 8 s a try; at about a
thousand tries its backoff arithmetic overflows)."""


class DeepSeekSettings(BaseSettings):
    """Everything the client needs; each field can come from ``DEEPSEEK_<NAME>``."""

    model_config = SettingsConfigDict(
        env_prefix=_ENV_PREFIX,
        env_file=None,
        extra="forbid",
        populate_by_name=True,
        validate_default=True,
        frozen=True,
    )

    api_key: SecretStr | None = Field(
        default=None, description="DeepSeek API key (DEEPSEEK_API_KEY). Never logged or printed."
    )
    base_url: str = Field(
        default=DEFAULT_BASE_URL,
        # Peers use both names; DEEPSEEK_BASE_URL wins when both are set.
        validation_alias=AliasChoices("DEEPSEEK_BASE_URL", "DEEPSEEK_API_BASE"),
        description="API base URL (DEEPSEEK_BASE_URL or DEEPSEEK_API_BASE).",
    )
    beta_base_url: str | None = Field(
        default=None,
        description="Beta base URL for prefix completion, FIM and strict tools. Defaults to "
        "<base_url>/beta, so a proxy or the emulator gets its own beta path.",
    )
    timeout: float | None = Field(
        default=None,
        gt=0,
        le=MAX_TIMEOUT,
        allow_inf_nan=False,
        description=f"Request timeout in seconds, at most {MAX_TIMEOUT:g} (None: openai's default, 600 s).",
    )
    max_retries: int = Field(
        default=2,
        ge=0,
        le=MAX_RETRIES,
        description=f"Retries for 429, 5xx and connection errors (0 to {MAX_RETRIES}).",
    )
    model: str = Field(default="deepseek-flash", min_length=1, description="Default model for helpers.")
    allow_insecure_http: bool = Field(
        default=False,
        description="Allow a plain http:// base_url to a non-loopback host (the key would travel in clear).",
    )
    # Policies of the request pipeline.
    thinking: bool | None = Field(
        default=None,
        description="Default thinking mode for requests that do not set it (None: server default, on).",
    )
    reasoning_effort: Effort | None = Field(
        default=None, description="Default reasoning effort: none, low, high (server default) or max."
    )
    history_policy: HistoryPolicy = Field(
        default="backfill",
        description="reasoning_content round trip for tools while thinking: backfill, error or off.",
    )
    guard_mode: GuardMode = Field(
        default="warn",
        description="warn (default): translate, drop what DeepSeek ignores with one warning, refuse what it "
        "would reject; strict: refuse everything not DeepSeek-native; off: send what is given.",
    )
    retired_model_policy: RetiredModelPolicy = Field(
        default="translate",
        description="deepseek-chat / deepseek-reasoner: translate to deepseek-flash (warning) or error.",
    )
    allow_tools: bool = Field(
        default=True,
        description="Set false to refuse every tool (the 2025 behaviour, when DeepSeek had none).",
    )
    log: LogLevel | None = Field(
        default=None,
        description="Log the package's decisions to stderr at this level: debug, info or warning "
        "(logger 'deepseek_openai'; unset: logging is left to the application).",
    )

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as exc:
            raise ConfigurationError(_describe(exc, values)) from None

    @field_validator("base_url", "beta_base_url")
    @classmethod
    def _url_has_scheme(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with https:// (or http:// for a local server)")
        return value.rstrip("/")

    @field_validator("log", mode="before")
    @classmethod
    def _log_level_any_case(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip().lower()
            return value or None
        return value

    def updated(self, **changes: Any) -> DeepSeekSettings:
        """A validated copy with ``changes`` applied; every field is passed, so the environment cannot win.

        Validation goes through pydantic-settings' ``__init__`` (about 1 ms: it walks every source), and
        ``client.with_options(thinking=False)`` is meant to be used per call, so equal requests share
        one frozen result.
        """
        try:
            return _updated(self, tuple(sorted(changes.items())))
        except TypeError:  # an unhashable value: validate without the cache
            return self._validated(changes)

    def _validated(self, changes: dict[str, Any]) -> DeepSeekSettings:
        values = {name: getattr(self, name) for name in type(self).model_fields}
        values.update(changes)
        # __init__ turns a ValidationError into a ConfigurationError naming the argument.
        return type(self)(**values)

    @property
    def resolved_beta_base_url(self) -> str:
        """The beta URL: explicit, or derived from ``base_url``."""
        return self.beta_base_url or derive_beta_url(self.base_url)

    def env_name(self, field: str) -> str:
        """The environment variable a field is read from."""
        return env_name(field)

    def __repr_args__(self) -> Any:
        for name, value in super().__repr_args__():
            # SecretStr already hides the key; this keeps it out of repr even if the type changes.
            yield name, ("**********" if name == "api_key" and value is not None else value)


@functools.lru_cache(maxsize=64)
def _updated(settings: DeepSeekSettings, changes: tuple[tuple[str, Any], ...]) -> DeepSeekSettings:
    return settings._validated(dict(changes))


_CACHE: dict[tuple[Any, ...], DeepSeekSettings] = {}
_CACHE_SIZE = 32


def settings_from_env(**values: Any) -> DeepSeekSettings:
    """``DeepSeekSettings(**values)``, reusing an identical earlier result while ``DEEPSEEK_*`` is unchanged.

    Building settings re-reads and re-validates every source (about 0.7 ms, twenty times the cost of
    an ``openai.OpenAI``); the settings are frozen, so the factories share one instance per
    (environment, arguments). An ``api_key`` argument or unhashable values are never cached.
    """
    if "api_key" in values or any(name.startswith("_") for name in values):
        return DeepSeekSettings(**values)
    env = tuple(sorted((k, v) for k, v in os.environ.items() if k[:9].upper() == _ENV_PREFIX))
    key = (env, tuple(sorted(values.items())))
    try:
        hit = _CACHE.get(key)
    except TypeError:  # an unhashable argument value
        return DeepSeekSettings(**values)
    if hit is None:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        hit = _CACHE[key] = DeepSeekSettings(**values)
    return hit


def check_timeout(timeout: object) -> None:
    """Refuse a timeout argument that is not a finite number of seconds in (0, MAX_TIMEOUT] (or None,
    or an ``httpx2.Timeout`` whose parts are)."""
    parts = (
        [getattr(timeout, name) for name in ("connect", "read", "write", "pool")]
        if hasattr(timeout, "connect") and hasattr(timeout, "read")
        else [timeout]
    )
    for part in parts:
        if part is None:
            continue
        if isinstance(part, bool) or not isinstance(part, int | float) or not 0 < part <= MAX_TIMEOUT:
            raise ConfigurationError(
                f"timeout={timeout!r} is not a timeout. Why: it must be a number of seconds above 0 and at "
                f"most {MAX_TIMEOUT:g} (a day), or None for openai's default. Fix: pass e.g. timeout=600."
            )


def check_max_retries(max_retries: object) -> None:
    """Refuse a ``max_retries`` argument that is not an int from 0 to MAX_RETRIES."""
    if type(max_retries) is not int or not 0 <= max_retries <= MAX_RETRIES:
        raise ConfigurationError(
            f"max_retries={max_retries!r} is not a retry count. Why: it must be an int from 0 to "
            f"{MAX_RETRIES} (openai's default is 2). Fix: pass e.g. max_retries=5."
        )


def derive_beta_url(base_url: str) -> str:
    """``https://host[/v1]`` -> ``https://host/beta`` (``/v1`` is an alias of the root)."""
    base = base_url.rstrip("/")
    if base.endswith("/beta"):
        return base
    if base.endswith("/v1"):
        base = base[: -len("/v1")]
    return base + "/beta"


def env_name(field: str) -> str:
    if field == "base_url":
        return "DEEPSEEK_BASE_URL"
    return _ENV_PREFIX + field.upper()


def _describe(exc: ValidationError, values: dict[str, Any]) -> str:
    """Say which argument or environment variable is wrong, why, and how to fix it (never the key)."""
    lines = []
    for error in exc.errors(include_url=False, include_input=False):
        field = str(error["loc"][0]) if error["loc"] else "?"
        if error["type"] == "extra_forbidden":
            known = ", ".join(sorted(DeepSeekSettings.model_fields))
            lines.append(f"unknown setting {field!r}; known settings: {known}")
            continue
        if field in values or field.lower() in values:
            raw = values.get(field, values.get(field.lower()))
            origin = f"argument {field}" + ("" if field == "api_key" else f"={_shown(raw)!r}")
        else:
            name = _env_source(field)
            raw = os.environ.get(name)
            origin = f"environment variable {name}" + ("" if field == "api_key" else f"={_shown(raw)!r}")
        description = (
            DeepSeekSettings.model_fields[field].description if field in DeepSeekSettings.model_fields else ""
        )
        message = error["msg"]
        if error["type"] == "bool_parsing":
            message += " (use true or false, 1 or 0, yes or no, on or off; unset for the default)"
        lines.append(f"{origin}: {message}. Expected: {description}")
    return "Invalid DeepSeek settings: " + "; ".join(lines)


def _shown(raw: object) -> object:
    """A setting's value as an error message may show it: URL credentials masked."""
    return mask_url(raw) if isinstance(raw, str) else raw


def _env_source(field: str) -> str:
    if field in ("base_url", "DEEPSEEK_BASE_URL", "DEEPSEEK_API_BASE"):
        if "DEEPSEEK_BASE_URL" in os.environ or "DEEPSEEK_API_BASE" not in os.environ:
            return "DEEPSEEK_BASE_URL"
        return "DEEPSEEK_API_BASE"
    return env_name(field)
