"""An offline gift that repeats an earlier one (same reference, amount and donor) asks for
confirmation instead of counting twice."""

from __future__ import annotations

import pytest

from campaigns.models import Campaign, Donation, DonationSource, DonationStatus
from tests.admin.world import fresh

GIFT = {
    "amount": "250",
    "method": "cash",
    "received_on": "2024-01-05",
    "reference": "R-77",
    "donor_name": "Bakery of Hajin",
}


def url(world) -> str:
    return f"/admin/campaigns/{world.campaign}/offline-gift"


def offline_count(db) -> int:
    return db.session.query(Donation).filter_by(source=DonationSource.OFFLINE).count()


def test_a_repeated_gift_asks_before_counting_again(client, db, manager):
    assert client.post(url(manager), data=GIFT).status_code == 302
    raised = fresh(db, Campaign, manager.campaign).raised_minor

    again = {**GIFT, "reference": "r-77", "donor_name": "BAKERY OF HAJIN"}
    response = client.post(url(manager), data=again)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="confirm_duplicate-error"' in page
    assert "was recorded on Jan 5, 2024" in page
    assert 'name="confirm_duplicate"' in page
    assert offline_count(db) == 1
    assert fresh(db, Campaign, manager.campaign).raised_minor == raised

    confirmed = client.post(url(manager), data={**again, "confirm_duplicate": "y"})
    assert confirmed.status_code == 302
    assert offline_count(db) == 2
    assert fresh(db, Campaign, manager.campaign).raised_minor == raised + 25000


@pytest.mark.parametrize(
    "changes",
    [{"reference": "R-78"}, {"amount": "251"}, {"donor_name": "Another donor"}],
)
def test_a_gift_that_differs_counts_without_asking(client, db, manager, changes):
    client.post(url(manager), data=GIFT)
    assert client.post(url(manager), data={**GIFT, **changes}).status_code == 302
    assert offline_count(db) == 2


def test_the_same_receipt_on_another_campaign_is_not_a_repeat(client, db, manager, make):
    client.post(url(manager), data=GIFT)
    other = make.campaign(organization_id=fresh(db, Campaign, manager.campaign).organization_id)
    db.session.commit()
    response = client.post(f"/admin/campaigns/{other.id}/offline-gift", data=GIFT)
    assert response.status_code == 302
    assert offline_count(db) == 2


def test_the_form_shows_no_confirmation_box_at_first(client, db, manager):
    page = client.get(url(manager)).get_data(as_text=True)
    assert 'name="confirm_duplicate"' not in page


def test_a_failed_earlier_gift_does_not_count_as_a_repeat(client, db, manager):
    client.post(url(manager), data=GIFT)
    earlier = db.session.query(Donation).filter_by(offline_reference="R-77").one()
    earlier.status = DonationStatus.FAILED
    db.session.commit()
    assert client.post(url(manager), data=GIFT).status_code == 302
