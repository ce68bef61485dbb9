"""Read-only JSON API: the public campaigns, as the public pages show them."""

from __future__ import annotations

from datetime import date

from flask import abort, jsonify, request

from campaigns import timeutil
from campaigns.api import bp
from campaigns.catalog import acceptance, labels, visibility
from campaigns.catalog.progress import progress
from campaigns.i18n import money_text
from campaigns.models import Campaign
from campaigns.paging import page_number
from campaigns.public import services
from campaigns.urls import external_url

#: Largest page a client may ask for.
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20


def campaign_json(campaign: Campaign, today: date, detail: bool = False) -> dict:
    """One campaign; the list and the detail share this shape, the detail adds its tiers."""
    reached = progress(campaign)
    data: dict[str, object] = {
        "slug": campaign.slug,
        "url": external_url("public.campaign_page", slug=campaign.slug),
        "title": {"en": campaign.title_en, "ar": campaign.title_ar},
        "summary": {"en": campaign.summary_en, "ar": campaign.summary_ar},
        "organization": {
            "slug": campaign.organization.slug,
            "name": {"en": campaign.organization.name_en, "ar": campaign.organization.name_ar},
        },
        "sector": campaign.sector.value,
        "sector_name": labels.in_each_language(labels.SECTOR_LABELS[campaign.sector]),
        "state": campaign.state.value,
        "status": acceptance.timing(campaign, today).value,
        #: Made up to show the platform, not a real appeal.
        "is_example": campaign.is_example,
        "currency": campaign.currency,
        "goal_minor": campaign.goal_minor,
        "goal_formatted": (
            money_text(campaign.goal_minor, campaign.currency)
            if campaign.goal_minor is not None
            else None
        ),
        "raised_minor": campaign.raised_minor,
        "raised_formatted": money_text(campaign.raised_minor, campaign.currency),
        "percent": reached.percent,
        "donor_count": campaign.donor_count,
        "start": campaign.starts_on.isoformat(),
        "end": campaign.ends_on.isoformat() if campaign.ends_on else None,
        "tiers": [
            {
                "amount_minor": tier.amount_minor,
                "formatted": money_text(tier.amount_minor, campaign.currency),
                "description": {"en": tier.description_en, "ar": tier.description_ar},
            }
            for tier in campaign.tiers
        ],
    }
    if detail:
        data["completed_project"] = (
            {
                "implemented_from": _iso(campaign.implemented_from),
                "implemented_to": _iso(campaign.implemented_to),
                #: "unclear": only the years of the two dates are meaningful.
                "precision": campaign.implemented_precision.value,
                "beneficiaries_reached": campaign.beneficiaries_reached,
                "places": {"en": campaign.places_en, "ar": campaign.places_ar},
            }
            if campaign.is_completed_project
            else None
        )
    return data


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


@bp.get("/campaigns")
def campaigns():
    """Public campaigns, paginated (``page``, ``per_page`` up to 100), with the list filters."""
    page = page_number(request.args)
    per_page = min(max(request.args.get("per_page", DEFAULT_PER_PAGE, type=int), 1), MAX_PER_PAGE)
    filters = services.CampaignFilters.from_args(request.args)
    pagination = services.campaign_list(filters, page, per_page=per_page)
    today = timeutil.today()
    args = {**filters.query_args(), "per_page": per_page}
    return jsonify(
        campaigns=[campaign_json(c, today) for c in pagination.items],
        page=pagination.page,
        per_page=per_page,
        total=pagination.total,
        pages=pagination.pages,
        next=(
            external_url("api.campaigns", page=pagination.next_num, **args)
            if pagination.has_next
            else None
        ),
        prev=(
            external_url("api.campaigns", page=pagination.prev_num, **args)
            if pagination.has_prev and pagination.prev_num <= max(pagination.pages, 1)
            else None
        ),
    )


@bp.get("/campaigns/<slug>")
def campaign(slug: str):
    """One public campaign; unknown, draft and archived slugs are a JSON 404."""
    found = visibility.public_campaign(slug)
    if found is None:
        abort(404, description="No public campaign has this slug.")
    return jsonify(campaign_json(found, timeutil.today(), detail=True))
