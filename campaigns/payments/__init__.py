from flask import Blueprint

bp = Blueprint("payments", __name__)

from campaigns.payments import views  # noqa: E402, F401 - routes register on import
