from flask import Blueprint

bp = Blueprint("api", __name__)

from campaigns.api import views  # noqa: E402, F401 - routes register on import
