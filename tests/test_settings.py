"""DeepSeekSettings: precedence, aliases, no stray .env, errors that name the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from deepseek_openai import ConfigurationError, DeepSeekSettings
from deepseek_openai._settings import derive_beta_url

from .conftest import KEY


def test_defaults_are_deepseek_and_thinking_is_left_to_the_server() -> None:
    s = DeepSeekSettings()
    assert s.api_key is None
    assert s.base_url == "https://api.deepseek.com"
    assert s.resolved_beta_base_url == "https://api.deepseek.com/beta"
    assert s.model == "deepseek-flash"
    assert s.max_retries == 2
    assert s.timeout is None
    # warn is the default guard mode: working OpenAI code keeps working (README "Guard modes").
    assert (s.guard_mode, s.history_policy, s.retired_model_policy) == ("warn", "backfill", "translate")
    assert s.allow_tools is True
    assert s.thinking is None


def test_environment_overrides_defaults_and_arguments_override_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEEPSEEK_API_KEY", KEY)
    monkeypatch.setenv("DEEPSEEK_MAX_RETRIES", "5")
    monkeypatch.setenv("DEEPSEEK_TIMEOUT", "12.5")
    monkeypatch.setenv("DEEPSEEK_MODEL", "deepseek-v4-pro")
    monkeypatch.setenv("DEEPSEEK_GUARD_MODE", "warn")
    s = DeepSeekSettings()
    assert s.api_key is not None
    assert s.api_key.get_secret_value() == KEY
    assert (s.max_retries, s.timeout, s.model, s.guard_mode) == (5, 12.5, "deepseek-v4-pro", "warn")
    s2 = DeepSeekSettings(max_retries=0, model="deepseek-flash")
    assert (s2.max_retries, s2.model, s2.timeout) == (0, "deepseek-flash", 12.5)


def test_api_base_is_accepted_as_an_alias_and_base_url_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEEPSEEK_API_BASE", "https://proxy.example/v1")
    assert DeepSeekSettings().base_url == "https://proxy.example/v1"
    assert DeepSeekSettings().resolved_beta_base_url == "https://proxy.example/beta"
    monkeypatch.setenv("DEEPSEEK_BASE_URL", "https://main.example")
    assert DeepSeekSettings().base_url == "https://main.example"
    assert DeepSeekSettings(base_url="https://arg.example/").base_url == "https://arg.example"


def test_unprefixed_base_url_variable_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BASE_URL", "https://wrong.example")
    assert DeepSeekSettings().base_url == "https://api.deepseek.com"


def test_no_dotenv_file_is_read_unless_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text(f"DEEPSEEK_API_KEY={KEY}\nDEEPSEEK_MODEL=from-dotenv\n")
    monkeypatch.chdir(tmp_path)
    assert DeepSeekSettings().api_key is None
    asked = DeepSeekSettings(_env_file=tmp_path / ".env")
    assert asked.model == "from-dotenv"


def test_bad_environment_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEEPSEEK_MAX_RETRIES", "lots")
    with pytest.raises(ConfigurationError) as info:
        DeepSeekSettings()
    assert "DEEPSEEK_MAX_RETRIES='lots'" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_bad_argument_names_the_argument() -> None:
    with pytest.raises(ConfigurationError, match="argument guard_mode='loud'"):
        DeepSeekSettings(guard_mode="loud")


def test_bad_alias_value_names_the_alias_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEEPSEEK_API_BASE", "api.deepseek.com")
    with pytest.raises(ConfigurationError, match=r"DEEPSEEK_API_BASE='api\.deepseek\.com'.*https://"):
        DeepSeekSettings()


def test_unknown_setting_lists_the_known_ones() -> None:
    with pytest.raises(ConfigurationError, match=r"unknown setting 'modle'.*model"):
        DeepSeekSettings(modle="deepseek-flash")


def test_key_is_hidden_in_repr_and_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEEPSEEK_API_KEY", KEY)
    s = DeepSeekSettings()
    assert KEY not in repr(s)
    assert KEY not in str(s)
    assert KEY not in str(s.model_dump())
    with pytest.raises(ConfigurationError) as info:
        DeepSeekSettings(api_key=12345, max_retries=-1)
    assert "12345" not in str(info.value)
    assert "max_retries" in str(info.value)


def test_updated_validates_without_rereading_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    s = DeepSeekSettings(model="deepseek-v4-pro")
    monkeypatch.setenv("DEEPSEEK_MODEL", "changed-in-env")
    assert s.updated(thinking=False).model == "deepseek-v4-pro"
    with pytest.raises(ConfigurationError, match="reasoning_effort"):
        s.updated(reasoning_effort="extreme")


@pytest.mark.parametrize(
    ("base", "beta"),
    [
        ("https://api.deepseek.com", "https://api.deepseek.com/beta"),
        ("https://api.deepseek.com/v1", "https://api.deepseek.com/beta"),
        ("http://127.0.0.1:8000/", "http://127.0.0.1:8000/beta"),
        ("https://x.example/beta", "https://x.example/beta"),
    ],
)
def test_beta_url_is_derived_from_base_url(base: str, beta: str) -> None:
    assert derive_beta_url(base) == beta
