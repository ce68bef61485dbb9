"""A small world for the admin tests: two organizations, each with a campaign, an update
and a donation, and one person in every role. The admin test modules build it.

Passwords are hashed once per run (argon2id is slow on purpose), and most tests sign in
by writing the session the way Flask-Login does after a real sign-in, which
test_auth.py exercises end to end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import g

from campaigns.models import (
    Campaign,
    CampaignState,
    DonationStatus,
    Membership,
    Role,
    User,
)
from tests.factories import Factories


def add_user(db, email: str, *, platform_admin: bool = False, memberships=()) -> User:
    """The factories' user, with :data:`tests.factories.PASSWORD`, as the admin tests spell it."""
    return Factories(db.session).user(
        email, is_platform_admin=platform_admin, memberships=memberships
    )


def sign_in(client, user_id: int | None) -> None:
    """Sign the client in as ``user_id`` (None: stay anonymous).

    The test's app context outlives each request, so the user Flask-Login remembered for
    an earlier request is forgotten first.
    """
    g.pop("_login_user", None)
    if user_id is None:
        return
    from campaigns.admin.auth import SESSION_VERSION_KEY
    from campaigns.extensions import db

    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
        session[SESSION_VERSION_KEY] = db.session.get(User, user_id).session_version


def request(client, method, url, **kwargs):
    """One request as a browser makes it: nothing remembered from another client's."""
    g.pop("_login_user", None)
    return client.open(url, method=method, **kwargs)


def console(client) -> int:
    return request(client, "GET", "/admin/").status_code


def fresh(db, model, id_):
    """The row as the database holds it now, not as the test's session remembers it."""
    db.session.expire_all()
    return db.session.get(model, id_)


@dataclass
class World:
    org: int
    other_org: int
    campaign: int
    draft: int
    other_campaign: int
    chapter: int
    other_chapter: int
    update: int
    other_update: int
    donation: int
    other_donation: int
    tier: int
    editor_membership: int
    users: dict[str, int | None]


def build_world(make, db) -> World:
    """Create the world and commit it (requests close the session; commits survive until
    the test's outer transaction is rolled back)."""
    org = make.organization(slug="sunrise", name_en="Sunrise Relief")
    other = make.organization(slug="other-ngo", name_en="Other NGO")
    campaign = make.campaign(organization=org, slug="clinic", title_en="Clinic")
    draft = make.campaign(
        organization=org, slug="draft-one", title_en="Draft one", state=CampaignState.DRAFT
    )
    other_campaign = make.campaign(organization=other, slug="theirs", title_en="Theirs")
    chapter = make.chapter(campaign, title_en="Founding")
    other_chapter = make.chapter(other_campaign, title_en="Their founding")
    update = make.update(campaign, title_en="Our news")
    other_update = make.update(other_campaign, title_en="Their news")
    now = datetime.now(UTC)
    donation = make.donation(
        campaign, status=DonationStatus.SUCCEEDED, succeeded_at=now, donor_name="Ours"
    )
    other_donation = make.donation(
        other_campaign, status=DonationStatus.SUCCEEDED, succeeded_at=now, donor_name="Theirs"
    )
    admin = add_user(db, "admin@example.org", platform_admin=True)
    manager = add_user(db, "manager@example.org", memberships=[(org, Role.MANAGER)])
    editor = add_user(db, "editor@example.org", memberships=[(org, Role.EDITOR)])
    outsider = add_user(db, "outsider@example.org", memberships=[(other, Role.MANAGER)])
    nobody = add_user(db, "nobody@example.org")
    editor_membership = db.session.query(Membership).filter_by(user_id=editor.id).one()
    world = World(
        org=org.id,
        other_org=other.id,
        campaign=campaign.id,
        draft=draft.id,
        other_campaign=other_campaign.id,
        chapter=chapter.id,
        other_chapter=other_chapter.id,
        update=update.id,
        other_update=other_update.id,
        donation=donation.id,
        other_donation=other_donation.id,
        tier=campaign.tiers[0].id,
        editor_membership=editor_membership.id,
        users={
            "admin": admin.id,
            "manager": manager.id,
            "editor": editor.id,
            "outsider": outsider.id,
            "nobody": nobody.id,
            "anonymous": None,
        },
    )
    db.session.commit()
    return world


def campaign_form(campaign: Campaign | None = None, **overrides) -> dict:
    """A valid campaign form, as a browser would post it."""
    data = {
        "slug": campaign.slug if campaign else "",
        "title_en": campaign.title_en if campaign else "Water for Hajin",
        "title_ar": "مياه لهجين",
        "summary_en": "Clean water for four villages.",
        "story_en": "We dig wells.",
        "sector": "relief",
        "currency": campaign.currency if campaign else "USD",
        "goal": "25000",
        "starts_on": "2024-03-01",
        "ends_on": "2030-12-31",
        "action": "save",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
