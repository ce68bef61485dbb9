"""Managers stop a monthly gift from the donation's page; the stop is audited."""

from __future__ import annotations

import sqlalchemy as sa

from campaigns.models import AuditEntry, Campaign
from tests.admin.world import build_world, request, sign_in
from tests.monthly.conftest import give_monthly
from tests.monthly.mails import stop_emails


def _world_gift(client, db, make):
    world = build_world(make, db)
    campaign = db.session.get(Campaign, world.campaign)
    return world, give_monthly(client, db, campaign)


def test_a_manager_stops_the_gift_and_the_audit_says_who(client, db, make, smtp_server):
    world, gift = _world_gift(client, db, make)
    sign_in(client, world.users["manager"])
    page = request(client, "GET", f"/admin/donations/{gift.id}").get_data(as_text=True)
    assert "Stop this monthly gift" in page
    response = request(client, "POST", f"/admin/donations/{gift.id}/stop-monthly")
    assert response.status_code == 303
    db.session.refresh(gift)
    assert gift.subscription_ended_at is not None
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "donation.monthly_stop")
    )
    assert entry.user_id == world.users["manager"]
    assert entry.object_id == gift.id
    assert '"staff"' in entry.detail
    page = request(client, "GET", f"/admin/donations/{gift.id}").get_data(as_text=True)
    assert "The monthly gift is stopped; the donor was told by email." in page
    assert "Stop this monthly gift" not in page
    [message] = stop_emails(smtp_server.messages)
    assert message["To"] == "sami@example.org"
    again = request(client, "POST", f"/admin/donations/{gift.id}/stop-monthly")
    assert again.status_code == 303
    assert "This monthly gift was already stopped." in request(
        client, "GET", f"/admin/donations/{gift.id}"
    ).get_data(as_text=True)


def test_editors_and_other_organizations_cannot_stop_it(client, db, make):
    world, gift = _world_gift(client, db, make)
    for who in ("editor", "outsider", "anonymous"):
        sign_in(client, world.users[who])
        response = request(client, "POST", f"/admin/donations/{gift.id}/stop-monthly")
        assert response.status_code in (302, 403, 404), who
        db.session.refresh(gift)
        assert gift.subscription_ended_at is None, who
        assert gift.stop_requested_at is None, who


def test_a_one_time_gift_has_nothing_to_stop(client, db, make):
    world = build_world(make, db)
    sign_in(client, world.users["manager"])
    page = request(client, "GET", f"/admin/donations/{world.donation}").get_data(as_text=True)
    assert "Stop this monthly gift" not in page
    response = request(client, "POST", f"/admin/donations/{world.donation}/stop-monthly")
    assert response.status_code == 303
    follow = request(client, "GET", f"/admin/donations/{world.donation}").get_data(as_text=True)
    assert "This monthly gift is not running" in follow
