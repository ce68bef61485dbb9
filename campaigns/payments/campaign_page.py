"""The campaign page, where a gift starts.

The public page, the donate flow (a form with errors, a cancelled payment) and the admin
preview all render it here. It lives with the donate form so that imports run one way only:
public pages and the admin import payments, payments never imports them.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from flask import render_template, url_for
from flask_babel import gettext as _

from campaigns import caching
from campaigns.catalog import acceptance, progress, visibility
from campaigns.embed import share
from campaigns.i18n import localized
from campaigns.models import Campaign
from campaigns.payments.forms import DonateForm
from campaigns.urls import absolute


def share_links(title: str, url: str) -> list[tuple[str, str]]:
    """Plain links that open each service's own share page: no script, no tracking pixel."""
    text = f"{title} {url}"
    return [
        (
            _("Email"),
            "mailto:?" + urlencode({"subject": title, "body": url}, quote_via=quote),
        ),
        ("WhatsApp", "https://wa.me/?" + urlencode({"text": text}, quote_via=quote)),
        (
            "Facebook",
            "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}),
        ),
        ("X", "https://x.com/intent/post?" + urlencode({"text": title, "url": url})),
    ]


def render_campaign_page(campaign: Campaign, donate_form: DonateForm | None = None, status=200):
    """The page with this form in it (its errors, or a prefilled gift), or an empty one.

    Whether the campaign takes a gift is decided once, when the form is built, and the page
    shows that answer (``donate_form.refusal``) in place of the form, never beside it.
    """
    if donate_form is None:
        donate_form = DonateForm.for_campaign(campaign)
    title = str(localized(campaign, "title"))
    page_url = absolute(url_for("public.campaign_page", slug=campaign.slug))
    og_image = absolute(share.image_path(campaign.slug))
    today = caching.today()
    body = render_template(
        "public/campaign.html",
        campaign=campaign,
        donate_form=donate_form,
        progress=progress.progress(campaign),
        timing=acceptance.timing(campaign, today),
        timing_text=acceptance.timing_text(campaign, today),
        donors=visibility.recent_donors(campaign),
        updates=visibility.campaign_updates(campaign),
        share_links=share_links(title, page_url),
        page_url=page_url,
        og_image=og_image,
        embed_code=share.iframe_code(absolute(share.card_path(campaign.slug)), title),
    )
    return body, status
