"""``/healthz`` answers for the database: 200 when it responds, 503 when it does not."""

from __future__ import annotations

import pytest

from campaigns import create_app


def test_health_is_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "url",
    [
        # Nothing listens on port 1.
        "postgresql+psycopg://postgres@127.0.0.1:1/campaigns?connect_timeout=2",
        "sqlite:////nonexistent-directory/for/the/health/check.sqlite3",
    ],
)
def test_health_is_503_when_the_database_is_unreachable(url, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": url,
            "UPLOAD_DIR": str(tmp_path),
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.mimetype == "application/json"
    assert response.get_json()["status"] == "unavailable"
    assert response.get_json()["database"] == "unreachable"
    with app.app_context():
        from campaigns.extensions import db

        db.engine.dispose()
