"""Error pages look like the rest of the site, in the visitor's language."""

from __future__ import annotations

import re

import pytest
from flask import abort

from campaigns import create_app


@pytest.fixture
def broken_app(tmp_path):
    """An app with routes that fail, rendering its error pages as in production."""
    app = create_app(
        {
            "TESTING": True,
            "PROPAGATE_EXCEPTIONS": False,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "errors.sqlite3"),
            "UPLOAD_DIR": str(tmp_path),
        }
    )

    @app.get("/boom")
    def boom():
        raise RuntimeError("a bug")

    @app.get("/bad")
    def bad():
        abort(400)

    yield app
    with app.app_context():
        from campaigns.extensions import db

        db.engine.dispose()


def assert_site_page(html: str) -> None:
    assert re.search(r'<link rel="stylesheet" href="(/ar)?/static/css/site\.css', html)
    assert 'class="site-header"' in html and 'class="error-page"' in html


def test_not_found_page_in_english_and_arabic(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert_site_page(html)
    assert "Page not found" in html
    assert 'href="/campaigns/"' in html

    arabic = client.get("/ar/no/such/page")
    assert arabic.status_code == 404
    html = arabic.get_data(as_text=True)
    assert_site_page(html)
    assert '<html lang="ar" dir="rtl">' in html
    assert 'href="/ar/campaigns/"' in html


def test_server_error_page_hides_the_error(broken_app):
    response = broken_app.test_client().get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert_site_page(html)
    assert "Something went wrong" in html
    assert "a bug" not in html and "Traceback" not in html


def test_bad_request_page(broken_app):
    response = broken_app.test_client().get("/bad")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert_site_page(html)
    assert "Bad request" in html


def test_api_errors_stay_json(client):
    response = client.get("/api/v1/nothing")
    assert response.status_code == 404
    assert response.mimetype == "application/json"
