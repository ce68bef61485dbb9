"""Where a campaign stands in time, and whether it may take a gift today.

:func:`gift_refusal` is the one answer to "why can't this campaign take a gift?": the
campaign page, the donate form and the donate POST all use it, so the page never offers a
form that the POST would refuse.
"""

from __future__ import annotations

import enum
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import and_, or_

from campaigns import timeutil
from campaigns.i18n import date_text, days_left_text
from campaigns.models import Campaign, CampaignState
from campaigns.money import stripe_can_charge


class Timing(enum.StrEnum):
    """Where a public campaign stands in time."""

    UPCOMING = "upcoming"
    ACTIVE = "active"
    ENDED = "ended"


class Phase(enum.StrEnum):
    """Where a campaign stands for its staff: its state and its dates read together.

    Nothing moves a campaign between these on its dates: a published campaign whose start
    date has not come is *scheduled*, on its start date it is *open*, and after its end
    date it is *closed*, all computed when asked, from the same day as the public pages.
    """

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"
    ARCHIVED = "archived"


def phase(campaign: Campaign, today: date | None = None) -> Phase:
    """The campaign's phase today (see :class:`Phase`)."""
    if campaign.state == CampaignState.DRAFT:
        return Phase.DRAFT
    if campaign.state == CampaignState.ARCHIVED:
        return Phase.ARCHIVED
    return {
        Timing.UPCOMING: Phase.SCHEDULED,
        Timing.ACTIVE: Phase.OPEN,
        Timing.ENDED: Phase.CLOSED,
    }[timing(campaign, today)]


def has_ended(campaign: Campaign, today: date | None = None) -> bool:
    """A closed campaign has ended, whatever its dates say."""
    today = today or timeutil.today()
    return campaign.state == CampaignState.CLOSED or (
        campaign.ends_on is not None and today > campaign.ends_on
    )


def ended_clause(today: date):
    """:func:`has_ended` as SQL, for lists and filters."""
    return or_(
        Campaign.state == CampaignState.CLOSED,
        and_(Campaign.ends_on.is_not(None), Campaign.ends_on < today),
    )


def open_clause(today: date):
    """Published and not past its end date: open now or about to open."""
    return and_(
        Campaign.state == CampaignState.PUBLISHED,
        or_(Campaign.ends_on.is_(None), Campaign.ends_on >= today),
    )


def timing(campaign: Campaign, today: date | None = None) -> Timing:
    today = today or timeutil.today()
    if has_ended(campaign, today):
        return Timing.ENDED
    if today < campaign.starts_on:
        return Timing.UPCOMING
    return Timing.ACTIVE


def timing_text(campaign: Campaign, today: date | None = None) -> str:
    """ "12 days left", "Starts in 3 days" or "Ended"."""
    today = today or timeutil.today()
    if campaign.state == CampaignState.CLOSED:
        return _("Ended")
    return days_left_text(campaign.starts_on, campaign.ends_on, today)


def ended_text() -> str:
    """The one sentence for a campaign that has ended, closed by its staff or by its date."""
    return _("This campaign has ended and no longer receives gifts. Thank you for your care.")


def gift_refusal(campaign: Campaign, today: date | None = None) -> str | None:
    """Why this campaign cannot take a gift today, in words for the donor; None if it can."""
    today = today or timeutil.today()
    if campaign.state in (CampaignState.DRAFT, CampaignState.ARCHIVED):
        return _("This campaign is not published, so it cannot receive gifts.")
    if has_ended(campaign, today):
        return ended_text()
    if today < campaign.starts_on:
        return _(
            "This campaign has not started yet; gifts open on %(day)s.",
            day=date_text(campaign.starts_on),
        )
    if not stripe_can_charge(campaign.currency):
        return _(
            "Gifts in %(currency)s cannot be paid online. Please contact the organization to "
            "give in cash or by bank transfer.",
            currency=campaign.currency,
        )
    return None
