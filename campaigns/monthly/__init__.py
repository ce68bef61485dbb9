"""A monthly gift the donor controls: a signed link to a page that shows it, stops it or
changes its amount, with no account."""

from flask import Blueprint

bp = Blueprint("monthly", __name__)

from campaigns.monthly import views  # noqa: E402, F401 - routes register on import
