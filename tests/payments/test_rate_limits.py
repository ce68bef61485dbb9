"""Request limits on the donate form, and the switch that turns them off."""

import pytest

from campaigns import create_app
from campaigns.extensions import db as _db
from campaigns.models import Donation


@pytest.fixture
def limited_app(app):
    """The same database as ``app``, with rate limits on (the test app turns them off)."""
    limited = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "STRIPE_SECRET_KEY": None,
        }
    )
    yield limited
    with limited.app_context():
        _db.engine.dispose()


def _bad_gift(client, slug):
    return client.post(f"/campaigns/{slug}/donate", data={"amount": "abc", "name": "x"})


def test_donate_form_is_limited_per_address(limited_app, app):
    with app.app_context():
        from tests.factories import Factories

        campaign = Factories(_db.session).campaign()
        _db.session.commit()
        slug, campaign_id = campaign.slug, campaign.id
    try:
        client = limited_app.test_client()
        statuses = [_bad_gift(client, slug).status_code for _ in range(11)]
        assert statuses[:10] == [422] * 10
        refused = _bad_gift(client, slug)
        assert refused.status_code == 429
        page = refused.get_data(as_text=True)
        assert "Too many attempts" in page
        assert "Nothing was charged" in page
        other = limited_app.test_client()
        other_address = other.post(
            f"/campaigns/{slug}/donate",
            data={"amount": "abc", "name": "x"},
            environ_base={"REMOTE_ADDR": "198.51.100.7"},
        )
        assert other_address.status_code == 422
    finally:
        with app.app_context():
            _db.session.query(Donation).filter_by(campaign_id=campaign_id).delete()
            from campaigns.models import Campaign, Organization

            organization_id = _db.session.get(Campaign, campaign_id).organization_id
            _db.session.delete(_db.session.get(Campaign, campaign_id))
            _db.session.delete(_db.session.get(Organization, organization_id))
            _db.session.commit()


def test_limits_off_when_disabled(client, make):
    campaign = make.campaign()
    statuses = {_bad_gift(client, campaign.slug).status_code for _ in range(15)}
    assert statuses == {422}
