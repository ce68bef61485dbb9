"""Settings, read from the environment once when the app is created."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


class ConfigError(RuntimeError):
    """The environment asks for something the app refuses to run with."""


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def from_environment(instance_path: str) -> dict:
    """Build the settings mapping; documented in the README's settings table."""
    env = os.environ.get("CAMPAIGNS_ENV", "development").strip().lower() or "development"
    production = env == "production"
    secret_key = os.environ.get("SECRET_KEY")
    if production and not secret_key:
        raise ConfigError("SECRET_KEY must be set when CAMPAIGNS_ENV=production.")
    database_url = os.environ.get("DATABASE_URL") or (
        "sqlite:///" + str(Path(instance_path) / "campaigns.sqlite3")
    )
    if database_url.startswith("postgres://"):
        # Some hosts still hand out the scheme SQLAlchemy dropped.
        database_url = "postgresql://" + database_url.removeprefix("postgres://")
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")

    arabic_digits = os.environ.get("ARABIC_DIGITS", "latn").strip().lower() or "latn"
    if arabic_digits not in ("latn", "arab"):
        raise ConfigError("ARABIC_DIGITS must be 'latn' (0-9) or 'arab' (Arabic-Indic digits).")

    return {
        "CAMPAIGNS_ENV": env,
        "SECRET_KEY": secret_key or secrets.token_hex(32),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "STRIPE_SECRET_KEY": os.environ.get("STRIPE_SECRET_KEY") or None,
        "STRIPE_WEBHOOK_SECRET": os.environ.get("STRIPE_WEBHOOK_SECRET") or None,
        "STRIPE_API_BASE": os.environ.get("STRIPE_API_BASE") or None,
        # Prefix of idempotency keys; unset: the random id the database was created with.
        "INSTALLATION_ID": (os.environ.get("INSTALLATION_ID") or "").strip() or None,
        "RATELIMIT_ENABLED": _flag("RATELIMIT_ENABLED", True),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # How many reverse proxies in front of the app set X-Forwarded-For/-Proto/-Host.
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT", "0") or 0),
        # Public address used to build links that leave the site (Stripe return URLs,
        # Open Graph). Unset in development: the request's own address is used.
        "PUBLIC_URL": (os.environ.get("PUBLIC_URL") or "").rstrip("/") or None,
        # Digits for Arabic pages: "latn" (0-9, the default, as most Syrian sites print
        # amounts) or "arab" (Arabic-Indic digits).
        "ARABIC_DIGITS": arabic_digits,
        # Rendered public pages (campaigns.caching): shared in Redis when CACHE_REDIS_URL is
        # set, else in each process's memory. An entry lives CACHE_DEFAULT_TIMEOUT seconds at
        # most (the key holds what pages show; this bounds what it does not); a CDN may keep
        # pages without a donate form CACHE_SHARED_MAX_AGE seconds (0: it revalidates).
        "CACHE_TYPE": os.environ.get("CACHE_TYPE")
        or ("RedisCache" if os.environ.get("CACHE_REDIS_URL") else "SimpleCache"),
        "CACHE_REDIS_URL": os.environ.get("CACHE_REDIS_URL") or None,
        "CACHE_DEFAULT_TIMEOUT": int(os.environ.get("CACHE_DEFAULT_TIMEOUT", "5") or 5),
        "CACHE_SHARED_MAX_AGE": int(os.environ.get("CACHE_SHARED_MAX_AGE", "0") or 0),
        "CACHE_KEY_PREFIX": "campaigns:",
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR") or str(Path(instance_path) / "uploads"),
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": production,
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "LANGUAGES": ("en", "ar"),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
    }
