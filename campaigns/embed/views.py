"""The embeddable progress card and the campaign's Open Graph image."""

from __future__ import annotations

from flask import Response, render_template, request

from campaigns.catalog import acceptance, progress, visibility
from campaigns.embed import bp, og_image
from campaigns.i18n import current_language

#: Seconds a card or an image may be served from a cache: a counted gift shows within a
#: minute, and a popular page that frames the card costs the site one render a minute.
CACHE_SECONDS = 60


@bp.get("/embed/campaigns/<slug>")
def campaign_card(slug: str):
    """A small progress card, without script, for other sites' pages (framing allowed)."""
    campaign = visibility.public_campaign_or_404(slug)
    body = render_template(
        "embed/card.html",
        campaign=campaign,
        progress=progress.progress(campaign),
        timing=acceptance.timing(campaign),
        timing_text=acceptance.timing_text(campaign),
    )
    response = Response(body, mimetype="text/html")
    response.cache_control.public = True
    response.cache_control.max_age = CACHE_SECONDS
    return response


@bp.get("/campaigns/<slug>/og.png")
def campaign_image(slug: str):
    """The picture a shared link shows: title, organization, raised of goal, progress bar.

    Its ETag is derived from the figures drawn, so a cache revalidates cheaply and a new
    gift gives a new image.
    """
    campaign = visibility.public_campaign_or_404(slug)
    card = og_image.OgCard.for_campaign(campaign, current_language())
    response = Response(mimetype="image/png")
    response.set_etag(card.etag())
    response.cache_control.public = True
    response.cache_control.max_age = CACHE_SECONDS
    if request.if_none_match.contains(card.etag()):
        response.status_code = 304
        return response
    response.set_data(og_image.draw(card))
    return response
