"""Settings come from the environment; production refuses unsafe defaults."""

import pytest

from campaigns import create_app
from campaigns.config import ConfigError, from_environment


def test_production_refuses_to_start_without_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("CAMPAIGNS_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    monkeypatch.setenv("CAMPAIGNS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    settings = from_environment(str(tmp_path))
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_development_defaults(monkeypatch, tmp_path):
    for name in ("CAMPAIGNS_ENV", "SECRET_KEY", "DATABASE_URL", "STRIPE_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    settings = from_environment(str(tmp_path))
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/campaigns.sqlite3"
    assert settings["SESSION_COOKIE_SECURE"] is False
    assert settings["STRIPE_SECRET_KEY"] is None
    assert len(settings["SECRET_KEY"]) >= 32
    assert from_environment(str(tmp_path))["SECRET_KEY"] != settings["SECRET_KEY"]


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ],
)
def test_database_url_uses_the_installed_driver(monkeypatch, tmp_path, given, used):
    monkeypatch.setenv("DATABASE_URL", given)
    assert from_environment(str(tmp_path))["SQLALCHEMY_DATABASE_URI"] == used


@pytest.mark.parametrize(("value", "enabled"), [("false", False), ("0", False), ("true", True)])
def test_rate_limit_switch(monkeypatch, tmp_path, value, enabled):
    monkeypatch.setenv("RATELIMIT_ENABLED", value)
    assert from_environment(str(tmp_path))["RATELIMIT_ENABLED"] is enabled


def test_arabic_digits_setting_is_checked(monkeypatch, tmp_path):
    monkeypatch.setenv("ARABIC_DIGITS", "ARAB")
    assert from_environment(str(tmp_path))["ARABIC_DIGITS"] == "arab"
    monkeypatch.setenv("ARABIC_DIGITS", "hindi")
    with pytest.raises(ConfigError, match="ARABIC_DIGITS"):
        from_environment(str(tmp_path))
