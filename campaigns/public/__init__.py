from flask import Blueprint

bp = Blueprint("public", __name__)

from campaigns.catalog.acceptance import timing, timing_text  # noqa: E402
from campaigns.catalog.labels import template_helpers  # noqa: E402
from campaigns.catalog.progress import progress  # noqa: E402
from campaigns.organization_profile import template_helpers as profile_helpers  # noqa: E402
from campaigns.public import (  # noqa: E402, F401 - routes register on import
    account_page,
    health,
    site_pages,
    views,
)

for _name, _helper in {
    **template_helpers(),
    **profile_helpers(),
    "campaign_progress": progress,
    "campaign_timing": timing,
    "campaign_timing_text": timing_text,
}.items():
    bp.add_app_template_global(_helper, _name)
