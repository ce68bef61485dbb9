"""The names of the campaign enums, in the reader's language: one map per enum.

Public pages, the admin console and the API all read these, so a sector is called the same
everywhere (the fuller wording of the organizations' own documents).
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from campaigns.i18n import LANGUAGES
from campaigns.models import CampaignState, Sector, UpdateCategory

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


def sector_label(sector: Sector | str) -> str:
    return str(SECTOR_LABELS[Sector(sector)])


def category_label(category: UpdateCategory | str) -> str:
    return str(CATEGORY_LABELS[UpdateCategory(category)])


def in_each_language(label, languages=LANGUAGES) -> dict[str, str]:
    """A lazy label written out in every language, for the API's ``{"en": ..., "ar": ...}``."""
    written = {}
    for language in languages:
        with force_locale(language):
            written[language] = str(label)
    return written


def template_helpers() -> dict:
    return {"sector_label": sector_label, "category_label": category_label}
