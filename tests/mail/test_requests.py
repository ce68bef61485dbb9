"""Mail queued by a real request goes out only once that request's work is committed.

A small app of its own, on the test database, has a view that queues an email and then
succeeds, refuses the input or fails. Today's views commit themselves, so the succeeding
view does too; the request's own commit (the unit of work) makes that commit redundant.
"""

from __future__ import annotations

import pytest
from flask import Blueprint, request

from campaigns import create_app, mail
from campaigns.models import OutboxMessage


@pytest.fixture(scope="module")
def mailing_app(app):
    other = create_app({**app.config, "SERVER_NAME": None})
    probe = Blueprint("mail_probe", __name__)

    @probe.post("/mail-probe/<outcome>")
    def queue_then(outcome: str):
        mail.queue("mail_check", to="donor@example.org", locale=request.args.get("lang", "en"))
        if outcome == "fails":
            raise RuntimeError("the view failed after queueing")
        if outcome == "refuses":
            return "refused", 422
        return "queued", 200

    other.register_blueprint(probe)
    return other


@pytest.fixture
def mailing_client(mailing_app, db, smtp_server, monkeypatch):
    for name in ("MAIL_SERVER", "MAIL_PORT", "MAIL_TIMEOUT"):
        monkeypatch.setitem(mailing_app.config, name, smtp_server.app_settings[name])
    return mailing_app.test_client()


def _outbox_size(db) -> int:
    db.session.expire_all()
    return db.session.query(OutboxMessage).count()


def test_a_request_that_succeeds_sends_its_email(mailing_client, db, smtp_server):
    response = mailing_client.post("/mail-probe/succeeds?lang=ar")
    assert response.status_code == 200
    [message] = smtp_server.messages
    assert message["Subject"] == "رسالة تجريبية من تبرّع لسوريا"
    assert _outbox_size(db) == 1


def test_a_request_that_refuses_its_input_sends_nothing(mailing_client, db, smtp_server):
    assert mailing_client.post("/mail-probe/refuses").status_code == 422
    assert smtp_server.messages == []
    assert _outbox_size(db) == 0


def test_a_request_that_fails_sends_nothing(mailing_client, db, smtp_server):
    with pytest.raises(RuntimeError, match="after queueing"):
        mailing_client.post("/mail-probe/fails")
    assert smtp_server.messages == []
    assert _outbox_size(db) == 0
    db.session.commit()  # a later commit in the same thread does not bring it back
    assert smtp_server.messages == []
