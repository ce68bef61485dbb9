"""Small factories for the models, with sensible defaults a test can override."""

from __future__ import annotations

import functools
import itertools
import secrets
from datetime import UTC, date, datetime, timedelta

from campaigns.models import (
    Campaign,
    CampaignState,
    Chapter,
    Donation,
    DonationSource,
    DonationStatus,
    DonationTier,
    ImpactFigure,
    Membership,
    Organization,
    Role,
    Sector,
    Update,
    UpdateCategory,
    User,
)
from campaigns.security import hash_password

#: The password factory-made users sign in with unless a test gives another.
PASSWORD = "correct horse battery"

_counter = itertools.count(1)


@functools.cache
def password_hash(password: str) -> str:
    """Each test password is hashed once per run: argon2id is slow on purpose."""
    return hash_password(password)


class Factories:
    def __init__(self, session):
        self.session = session

    def _add(self, obj):
        self.session.add(obj)
        self.session.flush()
        return obj

    def organization(self, **kw) -> Organization:
        n = next(_counter)
        kw.setdefault("slug", f"org-{n}")
        kw.setdefault("name_en", f"Organization {n}")
        kw.setdefault("name_ar", f"منظمة {n}")
        kw.setdefault("founded_on", date(2018, 6, 1))
        return self._add(Organization(**kw))

    def campaign(self, tiers=(1000, 2000, 3000, 5000, 10000), **kw) -> Campaign:
        n = next(_counter)
        if "organization" not in kw and "organization_id" not in kw:
            kw["organization"] = self.organization()
        today = date.today()
        kw.setdefault("slug", f"campaign-{n}")
        kw.setdefault("title_en", f"Campaign {n}")
        kw.setdefault("title_ar", f"حملة {n}")
        kw.setdefault("summary_en", "A test campaign.")
        kw.setdefault("state", CampaignState.PUBLISHED)
        kw.setdefault("sector", Sector.HEALTH)
        kw.setdefault("currency", "USD")
        kw.setdefault("goal_minor", 100_000_00)
        kw.setdefault("starts_on", today - timedelta(days=10))
        kw.setdefault("ends_on", today + timedelta(days=20))
        # A total given here is what the campaign had counted before (its base columns);
        # the ledger adds to it from then on.
        if "raised_minor" in kw:
            kw["raised_base_minor"] = kw.pop("raised_minor")
        if "donor_count" in kw:
            kw["donor_base_count"] = kw.pop("donor_count")
        campaign = Campaign(**kw)
        for position, amount in enumerate(tiers):
            campaign.tiers.append(
                DonationTier(amount_minor=amount, position=position, description_en="Helps.")
            )
        return self._add(campaign)

    def chapter(self, campaign, **kw) -> Chapter:
        kw.setdefault("happened_on", date(2013, 1, 1))
        kw.setdefault("title_en", "A year of work")
        return self._add(Chapter(campaign=campaign, **kw))

    def impact(self, campaign, **kw) -> ImpactFigure:
        kw.setdefault("value", 44)
        kw.setdefault("label_en", "health facilities")
        return self._add(ImpactFigure(campaign=campaign, **kw))

    def update(self, campaign=None, organization=None, **kw) -> Update:
        n = next(_counter)
        organization = organization or (campaign.organization if campaign else None)
        organization = organization or self.organization()
        kw.setdefault("slug", f"update-{n}")
        kw.setdefault("category", UpdateCategory.AID_DEVELOPMENT)
        kw.setdefault("title_en", f"Update {n}")
        kw.setdefault("body_en", "Work goes on.")
        kw.setdefault("published_at", datetime.now(UTC))
        return self._add(Update(campaign=campaign, organization=organization, **kw))

    def donation(self, campaign, **kw) -> Donation:
        """A donation row as the gateway would create it (pending unless told otherwise).

        It does not touch the campaign's totals: use the ledger for that.
        """
        kw.setdefault("amount_minor", 5000)
        kw.setdefault("currency", campaign.currency)
        kw.setdefault("status", DonationStatus.PENDING)
        kw.setdefault("source", DonationSource.TEST)
        kw.setdefault("reference", secrets.token_urlsafe(16))
        kw.setdefault("donor_name", "Test Donor")
        kw.setdefault("donor_email", "donor@example.org")
        return self._add(Donation(campaign=campaign, **kw))

    def user(self, email=None, password=PASSWORD, *, memberships=(), **kw) -> User:
        """A user who signs in with ``password``, holding ``(organization, role)`` memberships."""
        n = next(_counter)
        user = User(email=email or f"user{n}@example.org", **kw)
        user.password_hash = password_hash(password)
        self.session.add(user)
        for organization, role in memberships:
            self.session.add(Membership(user=user, organization=organization, role=role))
        self.session.flush()
        return user

    def member(self, organization, role=Role.MANAGER, **kw) -> User:
        return self.user(memberships=[(organization, role)], **kw)
