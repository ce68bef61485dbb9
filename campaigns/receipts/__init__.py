"""Receipts for gifts, renewals and refunds: numbered, emailed, and printable at a signed link.

The ledger calls :func:`issue_for_transition` from its one guarded transition, so a receipt
is written (and its email queued) in the same transaction as the state it confirms.
"""

from campaigns.receipts.issue import issue_for_transition, statement_text
from campaigns.receipts.links import LinkExpired, receipt_for_token, receipt_url
from campaigns.receipts.numbers import allocate_number

__all__ = [
    "LinkExpired",
    "allocate_number",
    "issue_for_transition",
    "receipt_for_token",
    "receipt_url",
    "statement_text",
]
