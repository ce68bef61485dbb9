"""Where the page cache lives: this process by default, Redis shared by every worker when set."""

from __future__ import annotations

import uuid

import pytest
import redis

from campaigns import create_app
from campaigns.config import from_environment
from tests.public.cache_helpers import counted_statements

REDIS_URL = "redis://127.0.0.1:6379/0"


def test_the_cache_is_local_unless_redis_is_named(monkeypatch, tmp_path):
    for name in ("CACHE_TYPE", "CACHE_REDIS_URL", "CACHE_DEFAULT_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    settings = from_environment(str(tmp_path))
    assert settings["CACHE_TYPE"] == "SimpleCache"
    assert settings["CACHE_DEFAULT_TIMEOUT"] == 5
    assert settings["CACHE_SHARED_MAX_AGE"] == 0

    monkeypatch.setenv("CACHE_REDIS_URL", REDIS_URL)
    monkeypatch.setenv("CACHE_DEFAULT_TIMEOUT", "3")
    settings = from_environment(str(tmp_path))
    assert settings["CACHE_TYPE"] == "RedisCache"
    assert settings["CACHE_REDIS_URL"] == REDIS_URL
    assert settings["CACHE_DEFAULT_TIMEOUT"] == 3


@pytest.fixture
def redis_prefix():
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")
    return f"campaigns-test-{uuid.uuid4().hex[:8]}:"


def test_two_hosts_share_one_copy_in_redis(app, db, make, redis_prefix):
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "WTF_CSRF_ENABLED": False,
        "CACHE_TYPE": "RedisCache",
        "CACHE_REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": redis_prefix,
    }
    first_host, second_host = create_app(settings), create_app(settings)
    campaign = make.campaign(title_en="Shared bread")
    db.session.commit()  # each request below closes its session, as in production
    url = f"/campaigns/{campaign.slug}"
    try:
        assert "Shared bread" in first_host.test_client().get(url).get_data(as_text=True)
        with counted_statements() as statements:
            page = second_host.test_client().get(url).get_data(as_text=True)
        assert "Shared bread" in page
        assert len(statements) == 1  # the key's query; the page came from Redis
    finally:
        with first_host.app_context():
            from campaigns.extensions import cache

            cache.clear()


def test_a_cache_that_is_down_costs_a_render_not_an_error(client, make, monkeypatch):
    from campaigns.extensions import cache

    def down(*_args, **_kwargs):
        raise redis.exceptions.ConnectionError("Connection refused")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)
    campaign = make.campaign(title_en="Still served")
    response = client.get(f"/campaigns/{campaign.slug}")
    assert response.status_code == 200 and "Still served" in response.get_data(as_text=True)


def test_kept_copies_revalidate_only_while_an_expiring_token_is_young(app, monkeypatch):
    from campaigns import caching

    with app.test_request_context():
        assert caching._token_period() == 0  # tokens here never expire
        monkeypatch.setitem(app.config, "WTF_CSRF_TIME_LIMIT", 3600)
        monkeypatch.setattr(caching.time, "time", lambda: 1800 * 7 + 5)
        assert caching._token_period() == 7
        monkeypatch.setattr(caching.time, "time", lambda: 1800 * 8)
        assert caching._token_period() == 8
