"""A campaign duplicated as a new draft, through the same writes as the console's forms.

The copy takes the campaign's texts, settings, tiers, history chapters and impact figures.
It takes nothing that belongs to the campaign's life: no donations, totals, updates or news
subscribers; it is a draft, not featured, at a new address, and its titles say it is a copy
in both languages until its staff rename it.
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from campaigns.audit import record
from campaigns.catalog import rules, writes
from campaigns.extensions import db
from campaigns.models import Campaign, Organization
from campaigns.money import format_plain

#: Longest title a campaign may have (the length of its title columns).
TITLE_MAX = 200
#: Longest slug (see :func:`campaigns.catalog.rules.slug_errors`).
SLUG_MAX = 80


def copy_title(title: str | None, language: str) -> str | None:
    """``title`` marked as a copy, in ``language`` ("Water for Hajin (copy)")."""
    if not title:
        return None
    with force_locale(language):
        marked = _("%(title)s (copy)", title=title)
        if len(marked) <= TITLE_MAX:
            return marked
        room = TITLE_MAX - (len(marked) - len(title)) - 1
        return _("%(title)s (copy)", title=title[:room].rstrip() + "…")


def copy_slug(campaign: Campaign) -> str:
    """A free address made from the campaign's own: ``clinic-copy``, ``clinic-copy-2``..."""
    suffix = "-copy"
    base = campaign.slug[: SLUG_MAX - len(suffix)].rstrip("-") + suffix
    return rules.unique_slug(Campaign, base)


def _form_data(campaign: Campaign) -> dict:
    """The campaign as its form would post it: amounts and dates as text."""
    data: dict[str, object] = {name: getattr(campaign, name) for name in writes.TEXT_FIELDS}
    for field, column in writes.AMOUNT_FIELDS.items():
        value = getattr(campaign, column)
        data[field] = format_plain(value, campaign.currency) if value is not None else ""
    for name in writes.DATE_FIELDS:
        value = getattr(campaign, name)
        data[name] = value.isoformat() if value else ""
    data.update(
        slug=copy_slug(campaign),
        title_en=copy_title(campaign.title_en, "en"),
        title_ar=copy_title(campaign.title_ar, "ar"),
        sector=campaign.sector.value,
        currency=campaign.currency,
        beneficiaries_reached=campaign.beneficiaries_reached,
        is_example=campaign.is_example,
        completed_project=campaign.completed_project,
        implemented_precision=campaign.implemented_precision.value,
    )
    return data


def duplicate_campaign(campaign: Campaign) -> Campaign:
    """A new draft copy of ``campaign`` in the same organization; only flushes.

    Each part goes through its own write (:mod:`campaigns.catalog.writes`), so the copy is
    checked by the same rules as anything typed into the console and audited the same way;
    one more entry, ``campaign.duplicate``, says where it came from. A rule the original
    breaks (content stored before the rule existed) refuses the copy with a
    :class:`~campaigns.catalog.rules.ContentError`.
    """
    organization: Organization = campaign.organization
    copy = writes.save_campaign(None, _form_data(campaign), organization=organization)
    copy.cover_image = campaign.cover_image  # the same stored file: removing a cover keeps it
    db.session.flush()
    tiers = [
        {
            "amount": format_plain(tier.amount_minor, campaign.currency),
            "description_en": tier.description_en,
            "description_ar": tier.description_ar,
            "position": position,
        }
        for position, tier in enumerate(campaign.tiers)
    ]
    if tiers:
        writes.save_tiers(copy, tiers)
    figures = [
        {
            "value": figure.value,
            "label_en": figure.label_en,
            "label_ar": figure.label_ar,
            "detail_en": figure.detail_en,
            "detail_ar": figure.detail_ar,
            "note_en": figure.note_en,
            "note_ar": figure.note_ar,
            "position": position,
        }
        for position, figure in enumerate(campaign.impact_figures)
    ]
    if figures:
        writes.save_impact(copy, figures)
    for chapter in campaign.chapters:
        writes.save_chapter(
            copy,
            None,
            {
                "happened_on": writes.chapter_date_text(chapter),
                "title_en": chapter.title_en,
                "title_ar": chapter.title_ar,
                "body_en": chapter.body_en,
                "body_ar": chapter.body_ar,
                "position": chapter.position,
            },
        )
    record(
        "campaign.duplicate",
        copy,
        {"from_id": campaign.id, "from_slug": campaign.slug, "slug": copy.slug},
    )
    return copy
