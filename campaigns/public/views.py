"""Public pages: home, campaign list and page, organization pages and updates.

The home page, the list, campaign pages and organization pages are served through
:mod:`campaigns.caching`: each view names what its page shows (its generation) and how to
render it; the cache decides whether the stored copy still holds.
"""

from __future__ import annotations

from flask import abort, render_template, request

from campaigns import caching
from campaigns.catalog import visibility
from campaigns.models import Sector
from campaigns.paging import page_number
from campaigns.payments.campaign_page import render_campaign_page
from campaigns.public import bp, services


@bp.get("/")
def home():
    """Featured and open campaigns, with their progress."""

    def render() -> str:
        today = caching.today()
        featured = services.featured_campaigns(today)
        active = services.active_campaigns(today, exclude=[c.id for c in featured])
        return render_template(
            "public/home.html",
            featured=featured,
            active=active,
            organizations=services.filter_organizations(),
            today=today,
        )

    return caching.cached_page("home", caching.site_generation, render)


@bp.get("/campaigns/")
def campaign_list():
    """Published and ended campaigns, filtered with a plain GET form."""
    filters = services.CampaignFilters.from_args(request.args)
    page = page_number(request.args)

    def render() -> str:
        today = caching.today()
        return render_template(
            "public/campaign_list.html",
            filters=filters,
            pagination=services.campaign_list(filters, page, today=today),
            organizations=services.filter_organizations(),
            sectors=list(Sector),
            statuses=services.STATUS_FILTERS,
            today=today,
        )

    return caching.cached_page("campaign-list", caching.site_generation, render)


@bp.get("/campaigns/<slug>")
def campaign_page(slug: str):
    """A campaign: progress, story, history, impact, donors and the donate form."""

    def render() -> str:
        body, _status = render_campaign_page(visibility.public_campaign_or_404(slug))
        return body

    return caching.cached_page("campaign", lambda: caching.campaign_generation(slug), render)


@bp.get("/organizations/<slug>")
def organization_page(slug: str):
    """An organization: who they are, what they raise money for, and what they have done."""
    organization = services.organization_by_slug(slug)
    if organization is None:
        abort(404)

    def render() -> str:
        today = caching.today()
        return render_template(
            "public/organization.html",
            overview=services.organization_overview(organization, today),
            organization=organization,
            today=today,
        )

    return caching.cached_page("organization", caching.site_generation, render)


@bp.get("/updates/<slug>")
def update_page(slug: str):
    """One published news update, with its category."""
    update = visibility.public_update(slug)
    if update is None:
        abort(404)
    return render_template("public/update.html", update=update)
