"""Public pages."""

from flask import render_template

from campaigns.public import bp


@bp.get("/")
def home():
    """The home page."""
    return render_template("public/home.html")


@bp.get("/campaigns/")
def campaign_list():
    """Published campaigns."""
    return render_template("public/home.html")
