"""Composing email: two parts from templates, the recipient's language and direction, the
organization as the sender; the mail settings; the test-email command."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from campaigns import mail
from campaigns.config import ConfigError, from_environment
from campaigns.models import OutboxMessage, OutboxStatus
from tests.mail_server import SMTPServer

#: What would stay put when an Arabic email flips to right to left.
LEFT_OR_RIGHT = re.compile(r"(?:-|\b)(?:left|right)\b")


def _parts(message):
    return {part.get_content_type(): part.get_content() for part in message.iter_parts()}


def test_an_email_has_a_text_and_an_html_part_and_the_organization_signs_it(db, make, smtp_server):
    organization = make.organization(name_en="Hope Relief", reply_to_email="care@hope.example")
    mail.queue("mail_check", to="donor@example.org", locale="en", organization=organization)
    db.session.commit()

    [message] = smtp_server.messages
    assert message.get_content_type() == "multipart/alternative"
    parts = _parts(message)
    assert set(parts) == {"text/plain", "text/html"}
    assert "the site's email settings work" in parts["text/plain"]
    assert "<" not in parts["text/plain"], "the text part is text, not markup"
    assert '<p style="margin: 0 0 16px;">This is a test email.' in parts["text/html"]
    assert message["Subject"] == "A test email from Hope Relief"
    [sender] = message["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Hope Relief", "no-reply@localhost")
    assert message["Reply-To"] == "care@hope.example"
    assert message["To"] == "donor@example.org"
    assert message["Auto-Submitted"] == "auto-generated"
    assert re.fullmatch(r"<[^<>@\s]+@localhost>", message["Message-ID"])
    assert message["Date"]
    assert smtp_server.inbox.envelopes == [("no-reply@localhost", ["donor@example.org"])]


def test_an_arabic_email_is_right_to_left_with_the_arabic_name_encoded(db, make, smtp_server):
    organization = make.organization(name_en="Hope Relief", name_ar="منظمة الأمل للإغاثة")
    mail.queue("mail_check", to="donor@example.org", locale="ar", organization=organization)
    db.session.commit()

    [message] = smtp_server.messages
    [raw] = smtp_server.inbox.raw
    from_line = re.search(rb"^From: (.*)$", raw, re.M)[1]
    assert from_line.isascii() and b"=?utf-8?" in from_line, "RFC 2047 encoded display name"
    assert message["From"].addresses[0].display_name == "منظمة الأمل للإغاثة"
    assert message["Subject"] == "رسالة تجريبية من منظمة الأمل للإغاثة"
    assert "Reply-To" not in message, "no Reply-To until the organization chooses one"
    parts = _parts(message)
    assert "إعدادات البريد في الموقع تعمل" in parts["text/plain"]
    html = parts["text/html"]
    assert '<html lang="ar" dir="rtl">' in html
    assert html.count('dir="rtl"') >= 4, "clients drop <html dir>: the tables repeat it"
    assert 'dir="ltr"' not in html


def test_an_email_is_in_english_when_the_locale_is_unknown(db, smtp_server):
    row = mail.queue("mail_check", to="donor@example.org", locale="fr_FR")
    assert row.locale == "en"
    assert row.subject == "A test email from Give to Syria"
    assert row.sender_name is None
    db.session.commit()
    assert smtp_server.messages[0]["From"] == "no-reply@localhost"


def test_the_email_is_rendered_when_queued(db, make):
    """The job sends what the outbox holds; it needs no template and no request."""
    organization = make.organization(name_en="Hope Relief")
    row = mail.queue("mail_check", to="donor@example.org", locale="en", organization=organization)
    assert row.status == OutboxStatus.QUEUED
    assert row.template == "mail_check"
    assert row.organization_id == organization.id
    assert row.subject == "A test email from Hope Relief"
    assert "the site's email settings work" in row.text_body
    assert row.html_body.startswith("<!DOCTYPE html>")


def test_the_html_part_is_light_and_safe_for_email_clients(db, make):
    row = mail.queue(
        "mail_check", to="donor@example.org", locale="ar", organization=make.organization()
    )
    html = row.html_body
    assert len(html.encode()) < 10_000
    for absent in ("<script", "<img", "<link", "<style", "javascript:", "class="):
        assert absent not in html, absent
    assert 'width="600"' in html and "max-width: 600px" in html
    assert '<meta name="viewport"' in html
    assert f"<title>{row.subject}</title>" in html


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_emails_lay_out_with_no_left_or_right(db, make, locale):
    """Direction comes from dir attributes alone, so an Arabic email mirrors the English one."""
    row = mail.queue(
        "mail_check", to="d@example.org", locale=locale, organization=make.organization()
    )
    styles = re.findall(r'\b(?:style|align)="([^"]*)"', row.html_body)
    assert styles
    assert not [style for style in styles if LEFT_OR_RIGHT.search(style)]


def test_extra_headers_are_kept_and_a_line_break_in_one_is_refused(db, smtp_server):
    mail.queue(
        "mail_check",
        to="donor@example.org",
        locale="en",
        headers={"List-Unsubscribe": "<https://example.org/u/1>"},
    )
    with pytest.raises(ValueError):
        mail.queue(
            "mail_check", to="donor@example.org", locale="en", headers={"X-Note": "a\r\nBcc: x@y"}
        )
    db.session.commit()
    [message] = smtp_server.messages
    assert message["List-Unsubscribe"] == "<https://example.org/u/1>"
    assert "Bcc" not in message


@pytest.mark.parametrize("address", ["not-an-address", "a@b.org\r\nBcc: c@d.org", ""])
def test_a_bad_address_is_refused_and_queues_nothing(db, address):
    with pytest.raises(ValueError):
        mail.queue("mail_check", to=address, locale="en")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_without_a_mail_server_the_email_is_written_to_the_log(app, db, caplog, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    row = mail.queue("mail_check", to="donor@example.org", locale="en")
    db.session.commit()
    assert "MAIL_SERVER is not set" in caplog.text
    assert "To: donor@example.org" in caplog.text
    assert "the site's email settings work" in caplog.text
    db.session.refresh(row)
    assert row.status == OutboxStatus.SENT


def test_the_test_email_command_sends_through_the_outbox(runner, make, smtp_server):
    organization = make.organization(slug="hope", name_ar="منظمة الأمل")
    result = runner.invoke(
        args=["send-test-email", "admin@example.org", "--locale", "ar", "--organization", "hope"]
    )
    assert result.exit_code == 0, result.output
    assert "Sent to admin@example.org" in result.output
    [message] = smtp_server.messages
    assert message["From"].addresses[0].display_name == "منظمة الأمل"
    assert organization.id


def test_the_test_email_command_reports_a_server_that_is_down(runner, smtp_server):
    smtp_server.stop()
    result = runner.invoke(args=["send-test-email", "admin@example.org"])
    assert result.exit_code == 0, result.output
    assert "Not sent yet, retried later" in result.output
    assert "ConnectionRefusedError" in result.output


@pytest.mark.parametrize(
    "args", [["send-test-email", "nope"], ["send-test-email", "a@b.org", "--organization", "x"]]
)
def test_the_test_email_command_refuses_bad_input(runner, args):
    result = runner.invoke(args=args)
    assert result.exit_code == 2
    assert "Error" in result.output


def test_the_send_due_mail_command_runs_the_sweep(runner, db, smtp_server):
    result = runner.invoke(args=["send-due-mail"])
    assert result.exit_code == 0
    assert "Attempted 0 email(s)." in result.output


def test_mail_settings_default_to_the_log_and_the_site_host(monkeypatch, tmp_path):
    for name in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USE_SSL",
                 "MAIL_DEFAULT_SENDER", "CELERY_BROKER_URL"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PUBLIC_URL", "https://give.example.org/")
    settings = from_environment(str(tmp_path))
    assert settings["MAIL_SERVER"] is None
    assert settings["MAIL_PORT"] == 25
    assert settings["MAIL_USE_TLS"] is False
    assert settings["MAIL_DEFAULT_SENDER"] == "no-reply@give.example.org"
    assert settings["CELERY_BROKER_URL"] is None
    monkeypatch.delenv("PUBLIC_URL")
    assert from_environment(str(tmp_path))["MAIL_DEFAULT_SENDER"] == "no-reply@localhost"


def test_mail_settings_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.org")
    monkeypatch.setenv("MAIL_USE_TLS", "true")
    monkeypatch.setenv("MAIL_USERNAME", "give")
    monkeypatch.setenv("MAIL_PASSWORD", "secret")
    monkeypatch.setenv("MAIL_DEFAULT_SENDER", "Give to Syria <hello@give.example.org>")
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
    settings = from_environment(str(tmp_path))
    assert settings["MAIL_PORT"] == 587
    assert settings["MAIL_USE_TLS"] is True
    assert (settings["MAIL_USERNAME"], settings["MAIL_PASSWORD"]) == ("give", "secret")
    assert settings["MAIL_DEFAULT_SENDER"] == "Give to Syria <hello@give.example.org>"
    assert settings["CELERY_BROKER_URL"] == "redis://127.0.0.1:6379/0"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("MAIL_PORT", "smtp", "MAIL_PORT"),
        ("MAIL_DEFAULT_SENDER", "nobody", "MAIL_DEFAULT_SENDER"),
        ("MAIL_USE_SSL", "true", "exclude each other"),
    ],
)
def test_bad_mail_settings_are_refused(monkeypatch, tmp_path, name, value, message):
    monkeypatch.setenv("MAIL_USE_TLS", "true")
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        from_environment(str(tmp_path))


def test_the_named_sender_of_the_settings_signs_mail_without_an_organization(
    app, db, smtp_server, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_DEFAULT_SENDER", "Give to Syria <hello@give.example.org>")
    mail.queue("mail_check", to="donor@example.org", locale="en")
    db.session.commit()
    [sender] = smtp_server.messages[0]["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Give to Syria", "hello@give.example.org")


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_the_mail_server_login_comes_from_the_settings(app, db, monkeypatch):
    server = SMTPServer(login=("give", "s3cret"))
    server.start()
    try:
        monkeypatch.setitem(app.config, "MAIL_SERVER", server.host)
        monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
        monkeypatch.setitem(app.config, "MAIL_USERNAME", "give")
        monkeypatch.setitem(app.config, "MAIL_PASSWORD", "wrong")
        row = mail.queue("mail_check", to="donor@example.org", locale="en")
        db.session.commit()
        db.session.refresh(row)
        assert row.status == OutboxStatus.QUEUED, "a refused login is retried, not given up"
        assert "SMTPAuthenticationError" in row.last_error
        monkeypatch.setitem(app.config, "MAIL_PASSWORD", "s3cret")
        row = mail.queue("mail_check", to="donor@example.org", locale="en")
        db.session.commit()
        assert len(server.messages) == 1
    finally:
        server.stop()


def test_an_unusable_reply_to_is_left_out_rather_than_stopping_the_email(db, make, smtp_server):
    organization = make.organization(reply_to_email="care at hope")
    mail.queue("mail_check", to="donor@example.org", locale="en", organization=organization)
    db.session.commit()
    [message] = smtp_server.messages
    assert "Reply-To" not in message


def test_a_duplicate_is_recognised_before_anything_is_rendered(db, monkeypatch):
    mail.queue("mail_check", to="donor@example.org", locale="en", dedupe_key="once")

    def render(*args):
        raise AssertionError("rendered again")

    monkeypatch.setattr("campaigns.mail.outbox.render", render)
    assert mail.queue("mail_check", to="donor@example.org", locale="en", dedupe_key="once") is None
