"""Money beyond 32 bits: goals and totals above 2^31 minor units are kept exactly on both
databases, and numbers too large even for the 64-bit columns are form errors, never a 500."""

from __future__ import annotations

import os
import uuid
from datetime import date

import pytest
import sqlalchemy as sa
from flask import g
from flask_migrate import upgrade

from campaigns import create_app
from campaigns.extensions import db as _db
from campaigns.models import Campaign, CampaignState, Donation, OfflineMethod, Role
from campaigns.money import MAX_MINOR
from campaigns.payments import ledger
from tests.live import PG_ADMIN_URL

PASSWORD = "a long enough password"
TWENTY_FIVE_DIGITS = "1234567890123456789012345"
BEYOND_32_BITS = 2**31  # $21,474,836.48, one cent more than INTEGER holds


def sign_in_manager(client, make, campaign):
    user = make.member(campaign.organization, role=Role.MANAGER, password=PASSWORD)
    g.pop("_login_user", None)
    response = client.post("/admin/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return user


def campaign_form(campaign, **overrides) -> dict:
    data = {
        "slug": campaign.slug,
        "title_en": campaign.title_en,
        "sector": campaign.sector.value,
        "currency": campaign.currency,
        "goal": "25000",
        "starts_on": campaign.starts_on.isoformat(),
        "ends_on": campaign.ends_on.isoformat(),
        "action": "save",
    }
    data.update(overrides)
    return data


def fresh(db, model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def offline_gift(campaign, amount_minor, reference):
    return ledger.record_offline_gift(
        campaign,
        amount_minor,
        donor_name="A large donor",
        method=OfflineMethod.BANK_TRANSFER,
        reference=reference,
        received_on=date(2024, 1, 5),
    )


# Above 2^31 ------------------------------------------------------------------------------


def test_a_goal_above_32_bits_saves_and_shows(client, db, make):
    campaign = make.campaign(state=CampaignState.DRAFT)
    sign_in_manager(client, make, campaign)
    response = client.post(
        f"/admin/campaigns/{campaign.id}/edit", data=campaign_form(campaign, goal="21474836.48")
    )
    assert response.status_code == 302
    assert fresh(db, Campaign, campaign.id).goal_minor == BEYOND_32_BITS
    page = client.get(f"/admin/campaigns/{campaign.id}/edit").get_data(as_text=True)
    assert 'value="21474836.48"' in page


def test_totals_above_32_bits_add_up_exactly(db, make):
    campaign = make.campaign(goal_minor=10**12, max_amount_minor=None)
    offline_gift(campaign, 1_500_000_000, "BIG-1")  # $15,000,000.00
    offline_gift(campaign, 1_500_000_000, "BIG-2")
    offline_gift(campaign, BEYOND_32_BITS, "BIG-3")
    campaign = fresh(db, Campaign, campaign.id)
    assert campaign.raised_minor == 3_000_000_000 + BEYOND_32_BITS
    assert campaign.donor_count == 3
    assert ledger.reconcile() == []


def test_a_single_gift_above_32_bits_is_stored_and_refunded_exactly(db, make):
    campaign = make.campaign(goal_minor=10**12)
    donation = offline_gift(campaign, 5 * BEYOND_32_BITS, "HUGE-1")
    ledger.refund_directly(donation, BEYOND_32_BITS + 1)
    donation = fresh(db, Donation, donation.id)
    assert donation.refunded_minor == BEYOND_32_BITS + 1
    assert fresh(db, Campaign, campaign.id).raised_minor == 4 * BEYOND_32_BITS - 1


# Too large for anything: a form error ----------------------------------------------------


def test_a_25_digit_donation_is_a_form_error(client, db, make):
    campaign = make.campaign()
    response = client.post(
        f"/campaigns/{campaign.slug}/donate",
        data={"amount": TWENTY_FIVE_DIGITS, "name": "Sami", "email": "s@example.org"},
    )
    assert response.status_code == 422
    assert "The largest gift online is" in response.get_data(as_text=True)
    assert db.session.query(Donation).filter_by(campaign_id=campaign.id).count() == 0


@pytest.mark.parametrize("field", ["goal", "min_amount", "max_amount"])
def test_a_25_digit_campaign_amount_is_a_form_error(client, db, make, field):
    campaign = make.campaign(state=CampaignState.DRAFT)
    sign_in_manager(client, make, campaign)
    response = client.post(
        f"/admin/campaigns/{campaign.id}/edit",
        data=campaign_form(campaign, **{field: TWENTY_FIVE_DIGITS}),
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'<p class="field-error" id="{field}-error">This amount is too large.' in page
    assert fresh(db, Campaign, campaign.id).goal_minor == 100_000_00


def test_the_ceiling_itself_is_accepted_and_one_more_is_not(client, db, make):
    campaign = make.campaign(state=CampaignState.DRAFT)
    sign_in_manager(client, make, campaign)
    url = f"/admin/campaigns/{campaign.id}/edit"
    ceiling = f"{MAX_MINOR // 100}.00"
    assert client.post(url, data=campaign_form(campaign, goal=ceiling)).status_code == 302
    assert fresh(db, Campaign, campaign.id).goal_minor == MAX_MINOR
    beyond = f"{MAX_MINOR // 100}.01"
    assert client.post(url, data=campaign_form(campaign, goal=beyond)).status_code == 422


def test_a_25_digit_tier_is_a_form_error(client, db, make):
    campaign = make.campaign(state=CampaignState.DRAFT, tiers=())
    sign_in_manager(client, make, campaign)
    response = client.post(
        f"/admin/campaigns/{campaign.id}/tiers",
        data={"rows-0-amount": TWENTY_FIVE_DIGITS, "rows-0-description_en": "Everything"},
    )
    assert response.status_code == 422
    assert "This amount is too large." in response.get_data(as_text=True)
    assert fresh(db, Campaign, campaign.id).tiers == []


@pytest.mark.parametrize("field", ["value", "position"])
def test_a_25_digit_impact_figure_is_a_form_error(client, db, make, field):
    campaign = make.campaign(state=CampaignState.DRAFT)
    sign_in_manager(client, make, campaign)
    row = {"rows-0-value": "44", "rows-0-label_en": "wells", f"rows-0-{field}": TWENTY_FIVE_DIGITS}
    response = client.post(f"/admin/campaigns/{campaign.id}/impact", data=row)
    assert response.status_code == 422
    assert fresh(db, Campaign, campaign.id).impact_figures == []


def test_a_25_digit_offline_gift_is_a_form_error(client, db, make):
    campaign = make.campaign()
    sign_in_manager(client, make, campaign)
    response = client.post(
        f"/admin/campaigns/{campaign.id}/offline-gift",
        data={
            "amount": TWENTY_FIVE_DIGITS,
            "method": "cash",
            "received_on": "2024-01-05",
            "reference": "R-1",
            "donor_name": "Someone",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert '<p class="field-error" id="amount-error">This amount is too large.' in page
    assert fresh(db, Campaign, campaign.id).raised_minor == 0


def test_a_25_digit_refund_is_a_form_error(client, db, make):
    campaign = make.campaign()
    donation = offline_gift(campaign, 5000, "R-2")
    sign_in_manager(client, make, campaign)
    response = client.post(
        f"/admin/donations/{donation.id}/refund",
        data={"amount": TWENTY_FIVE_DIGITS, "confirmed": "yes"},
    )
    assert response.status_code == 422
    assert "This amount is too large." in response.get_data(as_text=True)
    assert fresh(db, Donation, donation.id).refunded_minor == 0


# The migration keeps the data ------------------------------------------------------------


ORGANIZATION_ROW = (
    "INSERT INTO organizations (id, slug, name_en, created_at, updated_at)"
    " VALUES (1, 'org', 'Org', now(), now())"
)
#: A campaign as the 32-bit schema holds it: its goal at INTEGER's largest value.
CAMPAIGN_ROW = (
    "INSERT INTO campaigns (id, organization_id, slug, title_en, state, sector, currency,"
    " goal_minor, raised_minor, donor_count, starts_on, featured, created_at, updated_at)"
    " VALUES (1, 1, 'c', 'C', 'PUBLISHED', 'HEALTH', 'USD', 2147483647, 2147483000, 7,"
    " '2024-01-01', false, now(), now())"
)
COLUMN_TYPES = (
    "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'campaigns'"
)


def test_the_migration_keeps_the_data_and_widens_the_columns_on_postgresql(tmp_path):
    name = f"campaigns_money_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"PostgreSQL is not reachable: {exc.orig}")
        pytest.skip(f"PostgreSQL is not reachable: {exc.orig}")
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    config = {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url}
    app = create_app({**config, "UPLOAD_DIR": str(tmp_path)})
    try:
        with app.app_context():
            upgrade(revision="92fbb2aa5ec0")
            with _db.engine.begin() as conn:
                conn.execute(sa.text(ORGANIZATION_ROW))
                conn.execute(sa.text(CAMPAIGN_ROW))
            upgrade()
            types = dict(_db.session.execute(sa.text(COLUMN_TYPES)).all())
            assert types["goal_minor"] == types["raised_minor"] == "bigint"
            row = _db.session.execute(
                sa.text("SELECT goal_minor, raised_minor, donor_count FROM campaigns")
            ).one()
            assert tuple(row) == (2147483647, 2147483000, 7)
            _db.session.execute(sa.text("UPDATE campaigns SET raised_minor = raised_minor * 4"))
            raised = _db.session.scalar(sa.text("SELECT raised_minor FROM campaigns"))
            assert raised == 4 * 2147483000
            _db.session.rollback()
            _db.session.remove()
            _db.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
