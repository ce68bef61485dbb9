"""Sharing a campaign outside the site: a progress card other sites may frame, and an
Open Graph image so that a shared link shows how far the campaign has come."""

from flask import Blueprint

bp = Blueprint("embed", __name__)

from campaigns.embed import views  # noqa: E402, F401 - routes register on import
