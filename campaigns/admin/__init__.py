"""The admin console: organizations sign in here to run their campaigns and donations."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

# Imported for their side effects: the user loader and the routes register themselves.
from campaigns.admin import auth, views  # noqa: E402, F401
