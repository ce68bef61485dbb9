"""Public pages: home, campaign list and page, organization pages and updates."""

from __future__ import annotations

from datetime import date

from flask import abort, render_template, request, url_for

from campaigns.i18n import localized
from campaigns.media import image_url
from campaigns.models import Campaign, Sector
from campaigns.payments.forms import DonateForm
from campaigns.payments.services import gift_refusal
from campaigns.public import bp, services
from campaigns.urls import absolute


@bp.get("/")
def home():
    """Featured and open campaigns, with their progress."""
    today = date.today()
    featured = services.featured_campaigns(today)
    active = services.active_campaigns(today, exclude=[c.id for c in featured])
    return render_template(
        "public/home.html",
        featured=featured,
        active=active,
        organizations=services.filter_organizations(),
        today=today,
    )


@bp.get("/campaigns/")
def campaign_list():
    """Published and ended campaigns, filtered with a plain GET form."""
    filters = services.CampaignFilters.from_args(request.args)
    page = max(request.args.get("page", 1, type=int), 1)
    return render_template(
        "public/campaign_list.html",
        filters=filters,
        pagination=services.campaign_list(filters, page),
        organizations=services.filter_organizations(),
        sectors=list(Sector),
        statuses=services.STATUS_FILTERS,
        today=date.today(),
    )


def render_campaign_page(campaign: Campaign, donate_form=None, status: int = 200):
    """Render a campaign page; the donate view calls this to show its form's errors."""
    if donate_form is None:
        donate_form = DonateForm.for_campaign(campaign)
    title = str(localized(campaign, "title"))
    page_url = absolute(url_for("public.campaign_page", slug=campaign.slug))
    og_image = absolute(image_url(campaign.cover_image, 960)) if campaign.cover_image else None
    body = render_template(
        "public/campaign.html",
        campaign=campaign,
        donate_form=donate_form,
        gift_refusal=gift_refusal(campaign),
        progress=services.progress(campaign),
        timing=services.timing(campaign),
        timing_text=services.timing_text(campaign),
        donors=services.recent_donors(campaign),
        updates=services.campaign_updates(campaign),
        share_links=services.share_links(title, page_url),
        page_url=page_url,
        og_image=og_image,
    )
    return body, status


@bp.get("/campaigns/<slug>")
def campaign_page(slug: str):
    """A campaign: progress, story, history, impact, donors and the donate form."""
    campaign = services.public_campaign(slug)
    if campaign is None:
        abort(404)
    return render_campaign_page(campaign)


@bp.get("/organizations/<slug>")
def organization_page(slug: str):
    """An organization: who they are, what they raise money for, and what they have done."""
    organization = services.organization_by_slug(slug)
    if organization is None:
        abort(404)
    return render_template(
        "public/organization.html",
        overview=services.organization_overview(organization),
        organization=organization,
        today=date.today(),
    )


@bp.get("/updates/<slug>")
def update_page(slug: str):
    """One published news update, with its category."""
    update = services.public_update(slug)
    if update is None:
        abort(404)
    return render_template("public/update.html", update=update)
