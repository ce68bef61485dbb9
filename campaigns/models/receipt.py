"""Receipts: one numbered record per confirmed gift, renewal or refund, and the counters
that number them per organization and year without gaps."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaigns.extensions import Model
from campaigns.models.base import Int64, utcnow

if TYPE_CHECKING:
    from campaigns.models.donation import Donation
    from campaigns.models.organization import Organization


class ReceiptCounter(Model):
    """The last number an organization gave out in a year; updated under its row lock."""

    __tablename__ = "receipt_counters"

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Receipt(Model):
    """What a donor was sent for one gift (``kind`` gift) or one refund (``kind`` refund)."""

    __tablename__ = "receipts"
    __table_args__ = (
        UniqueConstraint("organization_id", "year", "number", name="uq_receipts_number"),
        UniqueConstraint("donation_id", "kind", "refunded_total_minor", name="uq_receipts_event"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    donation_id: Mapped[int] = mapped_column(ForeignKey("donations.id"), index=True)
    #: ``gift`` or ``refund``.
    kind: Mapped[str] = mapped_column(String(10))
    #: The gift's amount, or the amount this refund gave back.
    amount_minor: Mapped[int] = mapped_column(Int64)
    currency: Mapped[str] = mapped_column(String(3))
    #: For a refund, the donation's refunded total after it (it tells refunds apart); else 0.
    refunded_total_minor: Mapped[int] = mapped_column(Int64, default=0, server_default="0")
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    donation: Mapped[Donation] = relationship()
    organization: Mapped[Organization] = relationship()

    @property
    def label(self) -> str:
        """``2026-000017``: the number as donors and auditors read it."""
        return f"{self.year:04d}-{self.number:06d}"
