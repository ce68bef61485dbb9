from flask import Blueprint

bp = Blueprint("admin", __name__)

from campaigns.admin import views  # noqa: E402, F401 - routes register on import
