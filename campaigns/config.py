"""Settings, read from the environment once when the app is created."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

from campaigns.i18n import LANGUAGES

#: Where links point in development when neither ``PUBLIC_URL`` nor ``SERVER_NAME`` is set:
#: the address ``flask run`` serves on by default.
DEVELOPMENT_PUBLIC_URL = "http://127.0.0.1:5000"


class ConfigError(RuntimeError):
    """The environment asks for something the app refuses to run with."""


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def is_production(config: Mapping) -> bool:
    """``CAMPAIGNS_ENV=production``: secure cookies, HSTS, no test gateway, no defaults."""
    return config.get("CAMPAIGNS_ENV") == "production"


def allows_test_gateway(config: Mapping) -> bool:
    """The keyless test gateway never runs in production, even by mistake."""
    return not is_production(config)


def is_test_mode(config: Mapping) -> bool:
    """Gifts go through the test gateway: no Stripe key is set, and this is not production."""
    return not config.get("STRIPE_SECRET_KEY") and allows_test_gateway(config)


def settle_public_url(config: dict) -> None:
    """Fix the site's public address once, at start-up, from the final settings.

    Production refuses to start without ``PUBLIC_URL``, as it does without ``SECRET_KEY``.
    Development falls back to ``SERVER_NAME`` or :data:`DEVELOPMENT_PUBLIC_URL`, a fixed
    address rather than the first request's ``Host``, which any client could forge.
    """
    address = config.get("PUBLIC_URL")
    if not address and is_production(config):
        raise ConfigError(
            "PUBLIC_URL must be set when CAMPAIGNS_ENV=production (for example "
            "https://give.example.org): every link that leaves the site is built on it."
        )
    if not address and config.get("SERVER_NAME"):
        address = f"{config.get('PREFERRED_URL_SCHEME') or 'http'}://{config['SERVER_NAME']}"
    config["PUBLIC_URL"] = check_public_url(address or DEVELOPMENT_PUBLIC_URL)


def check_public_url(address: str) -> str:
    """``https://give.example.org/`` -> ``https://give.example.org``; anything that is not
    a scheme and a host alone (a path, a query, credentials) is refused."""
    parts = urlsplit(address.strip())
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or "@" in parts.netloc
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
    ):
        raise ConfigError(
            f"PUBLIC_URL {address!r} must be the site's address alone, such as "
            "https://give.example.org: http or https, a host, an optional port, no path."
        )
    return f"{parts.scheme}://{parts.netloc}"


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
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        # A pooled connection unused this long is checked before use (campaigns.database).
        "DATABASE_PING_AFTER_IDLE_SECONDS": float(
            os.environ.get("DATABASE_PING_AFTER_IDLE_SECONDS", "10") or 10
        ),
        "STRIPE_SECRET_KEY": os.environ.get("STRIPE_SECRET_KEY") or None,
        "STRIPE_WEBHOOK_SECRET": os.environ.get("STRIPE_WEBHOOK_SECRET") or None,
        "STRIPE_API_BASE": os.environ.get("STRIPE_API_BASE") or None,
        # Prefix of idempotency keys; unset: the random id the database was created with.
        "INSTALLATION_ID": (os.environ.get("INSTALLATION_ID") or "").strip() or None,
        "RATELIMIT_ENABLED": _flag("RATELIMIT_ENABLED", True),
        # Where request limits count: by default the Redis of CACHE_REDIS_URL, so that every
        # worker shares them; memory (one process) without it.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI")
        or os.environ.get("CACHE_REDIS_URL")
        or "memory://",
        # The donate form's limits (campaigns.payments.limits), in the limits library's words.
        "DONATE_FAILURES_PER_ADDRESS": os.environ.get("DONATE_FAILURES_PER_ADDRESS")
        or "20 per hour",
        "DONATE_GIFTS_PER_EMAIL": os.environ.get("DONATE_GIFTS_PER_EMAIL") or "10 per hour",
        # How many reverse proxies in front of the app set X-Forwarded-For/-Proto/-Host.
        "PROXY_COUNT": int(os.environ.get("PROXY_COUNT", "0") or 0),
        # Public address every link that leaves the site is built on (Stripe return URLs,
        # the API, canonical and Open Graph addresses); settled by settle_public_url.
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
        # How long a worker sends a page it has just checked without asking the database
        # again (its own writes make it ask at once); below 5 s, the freshness promised.
        "PAGE_CACHE_RECHECK_SECONDS": float(os.environ.get("PAGE_CACHE_RECHECK_SECONDS", "2") or 2),
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
        "LANGUAGES": LANGUAGES,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        **_mail_and_jobs(),
    }
