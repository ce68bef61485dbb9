"""Settings come from the environment; production refuses unsafe defaults."""

import pytest

from campaigns import create_app
from campaigns.config import (
    DEVELOPMENT_PUBLIC_URL,
    ConfigError,
    allows_test_gateway,
    check_public_url,
    from_environment,
    is_production,
    is_test_mode,
)
from campaigns.i18n import LANGUAGES


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


def test_rate_limits_count_in_the_cache_redis_unless_told_otherwise(monkeypatch, tmp_path):
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    monkeypatch.delenv("CACHE_REDIS_URL", raising=False)
    assert from_environment(str(tmp_path))["RATELIMIT_STORAGE_URI"] == "memory://"
    monkeypatch.setenv("CACHE_REDIS_URL", "redis://cache.internal:6379/2")
    assert from_environment(str(tmp_path))["RATELIMIT_STORAGE_URI"] == (
        "redis://cache.internal:6379/2"
    )
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://limits.internal:6379/0")
    assert from_environment(str(tmp_path))["RATELIMIT_STORAGE_URI"] == (
        "redis://limits.internal:6379/0"
    )


def test_arabic_digits_setting_is_checked(monkeypatch, tmp_path):
    monkeypatch.setenv("ARABIC_DIGITS", "ARAB")
    assert from_environment(str(tmp_path))["ARABIC_DIGITS"] == "arab"
    monkeypatch.setenv("ARABIC_DIGITS", "hindi")
    with pytest.raises(ConfigError, match="ARABIC_DIGITS"):
        from_environment(str(tmp_path))


# The public address ----------------------------------------------------------------------


def production_env(monkeypatch):
    monkeypatch.setenv("CAMPAIGNS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")


def test_production_refuses_to_start_without_public_url(monkeypatch, tmp_path):
    production_env(monkeypatch)
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    with pytest.raises(ConfigError, match="PUBLIC_URL must be set"):
        create_app({"UPLOAD_DIR": str(tmp_path)})


def test_production_starts_on_its_public_url(monkeypatch, tmp_path):
    production_env(monkeypatch)
    monkeypatch.setenv("PUBLIC_URL", "https://give.example.org/")
    app = create_app({"UPLOAD_DIR": str(tmp_path)})
    assert app.config["PUBLIC_URL"] == "https://give.example.org"


def test_development_pins_a_fixed_address_at_start(monkeypatch, tmp_path):
    monkeypatch.delenv("CAMPAIGNS_ENV", raising=False)
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    app = create_app({"UPLOAD_DIR": str(tmp_path)})
    assert app.config["PUBLIC_URL"] == DEVELOPMENT_PUBLIC_URL == "http://127.0.0.1:5000"
    named = create_app({"UPLOAD_DIR": str(tmp_path), "SERVER_NAME": "campaigns.test:8000"})
    assert named.config["PUBLIC_URL"] == "http://campaigns.test:8000"


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("https://give.example.org", "https://give.example.org"),
        ("https://give.example.org/", "https://give.example.org"),
        (" http://127.0.0.1:8000 ", "http://127.0.0.1:8000"),
    ],
)
def test_public_url_is_kept_as_scheme_and_host(given, kept):
    assert check_public_url(given) == kept


@pytest.mark.parametrize(
    "given",
    [
        "give.example.org",
        "ftp://give.example.org",
        "https://",
        "https://give.example.org/campaigns",
        "https://give.example.org/?x=1",
        "https://give.example.org/#top",
        "https://user:secret@give.example.org",
        "javascript:alert(1)",
    ],
)
def test_public_url_that_is_not_an_address_alone_is_refused(given):
    with pytest.raises(ConfigError, match="must be the site's address alone"):
        check_public_url(given)


# Test mode -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "key", "allowed", "test_mode"),
    [
        ("development", None, True, True),
        ("development", "sk_test_x", True, False),
        ("production", None, False, False),
        ("production", "sk_live_x", False, False),
    ],
)
def test_one_rule_for_the_test_gateway(env, key, allowed, test_mode):
    config = {"CAMPAIGNS_ENV": env, "STRIPE_SECRET_KEY": key}
    assert allows_test_gateway(config) is allowed
    assert bool(is_test_mode(config)) is test_mode
    assert is_production(config) is (env == "production")


def test_languages_have_one_home(monkeypatch, tmp_path):
    assert from_environment(str(tmp_path))["LANGUAGES"] is LANGUAGES == ("en", "ar")
