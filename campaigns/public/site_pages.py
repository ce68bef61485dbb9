"""The privacy notice and the terms of use, in the reader's language."""

from __future__ import annotations

from flask import render_template

from campaigns import site_pages
from campaigns.public import bp


@bp.get("/<any(privacy, terms):slug>")
def site_page(slug: str):
    """A page of the site itself: the text a platform admin saved, or the default one."""
    return render_template("public/site_page.html", page=site_pages.page(slug))
