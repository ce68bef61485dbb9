"""What staff take off the public page: a donor's message or name, hidden on the donor's
request or because it is unsuitable. The gift itself still counts; only the public list
of donors changes, at once."""

from __future__ import annotations

from campaigns.audit import record
from campaigns.extensions import db
from campaigns.models import Donation
from campaigns.timeutil import utcnow

#: The parts of a gift a donor's page may hide, and the column that hides each.
HIDEABLE = {"message": "message_hidden", "name": "name_hidden"}


def set_hidden(donation: Donation, part: str, hidden: bool) -> bool:
    """Hide or show ``part`` of the gift on the public page; True when something changed."""
    column = HIDEABLE[part]
    if getattr(donation, column) == hidden:
        return False
    setattr(donation, column, hidden)
    # The campaign page shows its donors: moving the campaign's stamp makes every cached
    # copy of the page stale at once.
    donation.campaign.updated_at = utcnow()
    db.session.flush()
    record(f"donation.{'hide' if hidden else 'show'}_{part}", donation)
    return True
