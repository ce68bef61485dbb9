"""Routes of the admin console, one module per area."""

from campaigns.admin.views import (  # noqa: F401 - routes register on import
    account,
    audit_log,
    campaigns,
    dashboard,
    donations,
    donor_data,
    join,
    members,
    moderation,
    monthly,
    payment_events,
    reports,
    site_pages,
    updates,
)
from campaigns.receipts import admin_views  # noqa: F401 - the yearly statement button
