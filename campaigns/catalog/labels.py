"""The names of the campaign enums, in the reader's language: one map per enum.

Public pages, the admin console and the API all read these, so a sector is called the same
everywhere (the fuller wording of the organizations' own documents).
"""

from __future__ import annotations

from datetime import date

from flask_babel import force_locale, pgettext
from flask_babel import lazy_gettext as _l

from campaigns.catalog.acceptance import Phase, phase
from campaigns.catalog.visibility import UpdateStatus, update_status
from campaigns.i18n import LANGUAGES
from campaigns.models import (
    Campaign,
    CampaignState,
    DatePrecision,
    Sector,
    Update,
    UpdateCategory,
)

SECTOR_LABELS = {
    Sector.HEALTH: _l("Health"),
    Sector.EDUCATION: _l("Education, protection and psychosocial support"),
    Sector.AGRICULTURE: _l("Agriculture"),
    Sector.INFRASTRUCTURE: _l("Infrastructure and rubble removal"),
    Sector.LIVELIHOODS: _l("Livelihoods and stability"),
    Sector.PEACE: _l("Community security and peace"),
    Sector.RELIEF: _l("Relief"),
}

CATEGORY_LABELS = {
    UpdateCategory.AID_DEVELOPMENT: _l("Aid & Development"),
    UpdateCategory.HEALTH: _l("Health"),
    UpdateCategory.EDUCATION: _l("Education"),
    UpdateCategory.FIELD_REPORT: _l("Field report"),
    UpdateCategory.NEWS: _l("News"),
    UpdateCategory.SPENDING_REPORT: _l("Spending report"),
}

STATE_LABELS = {
    CampaignState.DRAFT: _l("Draft"),
    CampaignState.PUBLISHED: _l("Published"),
    CampaignState.CLOSED: _l("Closed"),
    CampaignState.ARCHIVED: _l("Archived"),
}

#: How much of a completed project's period is known, as the console offers it.
PRECISION_LABELS = {
    DatePrecision.DAY: _l("The days are known"),
    DatePrecision.MONTH: _l("Only the months are known"),
    DatePrecision.YEAR: _l("Only the years are known"),
    DatePrecision.UNCLEAR: _l("Dates unclear: show the years, marked as unclear"),
}

#: What the console calls a campaign: its state read with its dates (``acceptance.Phase``).
PHASE_LABELS = {
    Phase.DRAFT: _l("Draft"),
    Phase.SCHEDULED: _l("Scheduled"),
    Phase.OPEN: _l("Open"),
    Phase.CLOSED: _l("Closed"),
    Phase.ARCHIVED: _l("Archived"),
}


def phase_label(campaign: Campaign, today: date | None = None) -> str:
    """ "Scheduled", "Open", "Closed"...: the campaign's phase today, in the reader's words."""
    return str(PHASE_LABELS[phase(campaign, today)])


def sector_label(sector: Sector | str) -> str:
    return str(SECTOR_LABELS[Sector(sector)])


def category_label(category: UpdateCategory | str) -> str:
    return str(CATEGORY_LABELS[UpdateCategory(category)])


def update_status_label(update: Update) -> str:
    """ "Draft", "Scheduled" or "Published" (an update: the Arabic words agree with it)."""
    status = update_status(update)
    if status is UpdateStatus.DRAFT:
        return pgettext("update", "Draft")
    if status is UpdateStatus.SCHEDULED:
        return pgettext("update", "Scheduled")
    return pgettext("update", "Published")


def in_each_language(label, languages=LANGUAGES) -> dict[str, str]:
    """A lazy label written out in every language, for the API's ``{"en": ..., "ar": ...}``."""
    written = {}
    for language in languages:
        with force_locale(language):
            written[language] = str(label)
    return written


def template_helpers() -> dict:
    return {
        "sector_label": sector_label,
        "category_label": category_label,
        "phase_label": phase_label,
        "campaign_phase": phase,
        "update_status": update_status,
        "update_status_label": update_status_label,
    }
