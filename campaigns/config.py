"""Settings, read from the environment once when the app is created."""

from __future__ import annotations

import os
import secrets
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit


class ConfigError(RuntimeError):
    """The environment asks for something the app refuses to run with."""


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _mail_and_jobs() -> dict:
    """Mail (SMTP) and background jobs (Celery); see the README's settings table."""
    use_ssl = _flag("MAIL_USE_SSL", False)
    use_tls = _flag("MAIL_USE_TLS", False)
    if use_ssl and use_tls:
        raise ConfigError("MAIL_USE_SSL (port 465) and MAIL_USE_TLS (STARTTLS) exclude each other.")
    try:
        port = int(os.environ.get("MAIL_PORT") or (465 if use_ssl else 587 if use_tls else 25))
        timeout = float(os.environ.get("MAIL_TIMEOUT") or 30)
    except ValueError:
        raise ConfigError("MAIL_PORT and MAIL_TIMEOUT must be numbers.") from None
    host = urlsplit(os.environ.get("PUBLIC_URL") or "").hostname or "localhost"
    sender = (os.environ.get("MAIL_DEFAULT_SENDER") or "").strip() or f"no-reply@{host}"
    if "@" not in parseaddr(sender)[1]:
        raise ConfigError("MAIL_DEFAULT_SENDER must be an address: no-reply@example.org.")
    return {
        # Unset: emails are written to the log instead of being sent.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or None,
        "MAIL_PORT": port,
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": use_tls,
        "MAIL_USE_SSL": use_ssl,
        "MAIL_TIMEOUT": timeout,
        "MAIL_DEFAULT_SENDER": sender,
        # Unset: jobs run in the web process right after the commit that queued them.
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL") or None,
    }


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
        **_mail_and_jobs(),
    }
