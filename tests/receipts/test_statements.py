"""Yearly statements: what they list, once per donor and organization, by beat or by staff."""

from __future__ import annotations

from datetime import UTC, datetime

from celery.schedules import crontab

from campaigns.models import Donation, DonationStatus, Frequency
from campaigns.receipts.statements import send_yearly_statements
from campaigns.receipts.tasks import YEARLY_STATEMENTS
from tests.admin.world import build_world, sign_in


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


def confirmed(make, campaign, amount, day, **kw):
    kw.setdefault("status", DonationStatus.SUCCEEDED)
    return make.donation(campaign, amount_minor=amount, succeeded_at=day, **kw)


def test_one_statement_per_donor_and_organization_lists_the_year(db, make, campaign, inbox):
    other_campaign = make.campaign(title_en="Bread")
    confirmed(make, campaign, 2500, datetime(2025, 3, 4, tzinfo=UTC), frequency=Frequency.MONTHLY)
    confirmed(make, campaign, 4000, datetime(2025, 11, 2, tzinfo=UTC),
              status=DonationStatus.PARTIALLY_REFUNDED, refunded_minor=1000)  # fmt: skip
    confirmed(make, campaign, 9000, datetime(2025, 6, 1, tzinfo=UTC),
              status=DonationStatus.REFUNDED, refunded_minor=9000)  # fmt: skip
    confirmed(make, campaign, 7000, datetime(2024, 12, 31, 23, tzinfo=UTC))
    confirmed(make, campaign, 7000, datetime(2026, 1, 1, 1, tzinfo=UTC))
    confirmed(make, other_campaign, 1100, datetime(2025, 5, 5, tzinfo=UTC))
    confirmed(make, campaign, 300, datetime(2025, 5, 5, tzinfo=UTC), donor_email="b@example.org")

    assert send_yearly_statements(2025) == 3
    db.session.commit()

    recipients = sorted(m["To"] for m in inbox)
    assert recipients == ["b@example.org", "donor@example.org", "donor@example.org"]
    ours = next(
        m for m in inbox if m["To"] == "donor@example.org" and "Deir Relief" in m["Subject"]
    )
    assert ours["Subject"] == "Your gifts to Deir Relief in 2025"
    text = text_of(ours)
    assert "Mar 4, 2025: $25.00, Clean water (Monthly gift)" in text
    assert "Nov 2, 2025: $30.00, Clean water" in text
    assert "$90.00" not in text and "$70.00" not in text and "Bread" not in text
    assert "Total: $55.00" in text
    assert "Deir Relief Association" in text and "Registration number: DZ-2019-0042" in text

    assert send_yearly_statements(2025) == 3  # a retried job queues again, and sends nothing
    db.session.commit()
    assert len(inbox) == 3


def test_a_statement_is_written_in_the_language_of_the_latest_gift(db, make, campaign, inbox):
    confirmed(make, campaign, 2500, datetime(2025, 3, 4, tzinfo=UTC))
    confirmed(make, campaign, 2500, datetime(2025, 9, 4, tzinfo=UTC), locale="ar")
    send_yearly_statements(2025)
    db.session.commit()
    (message,) = inbox
    assert message["Subject"].startswith("تبرعاتك")
    assert "مياه نظيفة" in text_of(message)


def test_beat_starts_the_statements_on_the_first_of_january(app):
    entry = app.extensions["celery"].conf.beat_schedule["yearly-statements"]
    assert entry["task"] == YEARLY_STATEMENTS
    schedule = entry["schedule"]
    assert isinstance(schedule, crontab)
    assert schedule.month_of_year == {1} and schedule.day_of_month == {1}


def test_the_job_sends_last_years_statements(app, db, make, campaign, inbox):
    last_year = datetime.now(UTC).year - 1
    confirmed(make, campaign, 2500, datetime(last_year, 6, 1, tzinfo=UTC))
    task = app.extensions["celery"].tasks[YEARLY_STATEMENTS]
    assert task.apply().result == 1
    assert [m["Subject"] for m in inbox] == [f"Your gifts to Deir Relief in {last_year}"]


def test_staff_send_a_donor_statement_from_the_donation_page(client, make, db, smtp_server):
    world = build_world(make, db)
    sign_in(client, world.users["manager"])
    donation = db.session.get(Donation, world.donation)
    year = donation.succeeded_at.year
    page = client.get(f"/admin/donations/{donation.id}").get_data(as_text=True)
    assert f"statement for {year}</button>" in page

    response = client.post(f"/admin/donations/{donation.id}/statement", data={"year": year})
    assert response.status_code == 302
    assert [m["Subject"] for m in smtp_server.messages] == [
        f"Your gifts to Sunrise Relief in {year}"
    ]
    assert client.post(f"/admin/donations/{donation.id}/statement",
                       data={"year": "next"}).status_code == 400  # fmt: skip
    assert client.post(f"/admin/donations/{donation.id}/statement",
                       data={"year": year - 3}).status_code == 302  # fmt: skip
    assert len(smtp_server.messages) == 1


def test_staff_of_another_organization_cannot_send_it(client, make, db, smtp_server):
    world = build_world(make, db)
    sign_in(client, world.users["outsider"])
    response = client.post(f"/admin/donations/{world.donation}/statement", data={"year": 2025})
    assert response.status_code == 404
    assert smtp_server.messages == []
