"""News by email: a donor's consent to a campaign's news, and updates mailed in batches.

The donate form asks (unticked); :func:`subscribe` stores the answer with the donation.
Publishing an update (:func:`announce`, from the update writes) starts a mailing that queues
its emails a batch at a time on the job queue, so that no request waits for thousands of
subscribers; each email carries one-click unsubscribe (RFC 8058).
"""

from campaigns.news.sending import announce, announce_due
from campaigns.news.subscriptions import subscribe, unsubscribe

__all__ = ["announce", "announce_due", "subscribe", "unsubscribe"]
