"""Campaigns and what hangs off them: tiers, history chapters and impact figures."""

from __future__ import annotations

import enum
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    cast,
    func,
    select,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from campaigns.extensions import Model
from campaigns.models.base import Bilingual, Int64, TimestampMixin, enum_type
from campaigns.models.totals import CampaignTotalSlot

if TYPE_CHECKING:
    from campaigns.models.donation import Donation
    from campaigns.models.organization import Organization
    from campaigns.models.update import Update


class CampaignState(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"
    ARCHIVED = "archived"


class Sector(enum.StrEnum):
    """The sectors the first organizations report their work under."""

    HEALTH = "health"
    EDUCATION = "education"
    AGRICULTURE = "agriculture"
    INFRASTRUCTURE = "infrastructure"
    LIVELIHOODS = "livelihoods"
    PEACE = "peace"
    RELIEF = "relief"


class DatePrecision(enum.StrEnum):
    """How much of a date is known: a year, a month or a day.

    ``UNCLEAR``: the source's dates cannot be right as written (a month 00, an end before
    the start); only the year or years they fall in are shown, marked as unclear.
    """

    YEAR = "year"
    MONTH = "month"
    DAY = "day"
    UNCLEAR = "unclear"


class Campaign(Bilingual, TimestampMixin, Model):
    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint("goal_minor IS NULL OR goal_minor > 0", name="goal_positive"),
        CheckConstraint("raised_minor >= 0", name="raised_not_negative"),
        CheckConstraint("donor_count >= 0", name="donor_count_not_negative"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint(
            "implemented_to IS NULL OR implemented_from IS NULL"
            " OR implemented_to >= implemented_from",
            name="implemented_in_order",
        ),
        CheckConstraint("min_amount_minor IS NULL OR min_amount_minor > 0", name="min_positive"),
        CheckConstraint(
            "max_amount_minor IS NULL OR min_amount_minor IS NULL"
            " OR max_amount_minor >= min_amount_minor",
            name="max_above_min",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Unique, lower case, used in URLs.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    state: Mapped[CampaignState] = mapped_column(
        enum_type(CampaignState), default=CampaignState.DRAFT, server_default="draft", index=True
    )
    #: Shown first on the home page.
    featured: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    #: Made up to show what the platform does, not a real appeal; labelled as such publicly.
    is_example: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    sector: Mapped[Sector] = mapped_column(enum_type(Sector), index=True)
    #: ISO 4217 code; fixed once the campaign has donations.
    currency: Mapped[str] = mapped_column(String(3), default="USD", server_default="USD")
    #: Goal in minor units of ``currency``; empty only for a completed project recorded
    #: without a fundraising target.
    goal_minor: Mapped[int | None] = mapped_column(Int64)
    #: What the ledger had counted before its figures were kept in slots (the columns
    #: ``raised_minor`` and ``donor_count``); read through ``raised_minor`` below.
    raised_base_minor: Mapped[int] = mapped_column(
        "raised_minor", Int64, default=0, server_default="0"
    )
    donor_base_count: Mapped[int] = mapped_column(
        "donor_count", Int64, default=0, server_default="0"
    )
    #: Cache of the ledger (see :mod:`campaigns.models.totals`): the base plus the slots,
    #: read in the same statement that loads the campaign (or in any query that names it).
    raised_minor: Mapped[int] = column_property(
        raised_base_minor
        + select(cast(func.coalesce(func.sum(CampaignTotalSlot.raised_minor), 0), BigInteger))
        .where(CampaignTotalSlot.campaign_id == id)
        .correlate_except(CampaignTotalSlot)
        .scalar_subquery()
    )
    #: Cache of the ledger, like ``raised_minor``.
    donor_count: Mapped[int] = column_property(
        donor_base_count
        + select(cast(func.coalesce(func.sum(CampaignTotalSlot.donor_count), 0), BigInteger))
        .where(CampaignTotalSlot.campaign_id == id)
        .correlate_except(CampaignTotalSlot)
        .scalar_subquery()
    )
    #: Smallest and largest gift accepted, in minor units; empty means the defaults.
    min_amount_minor: Mapped[int | None] = mapped_column(Int64)
    max_amount_minor: Mapped[int | None] = mapped_column(Int64)
    starts_on: Mapped[date] = mapped_column(Date)
    #: Last day on which gifts are accepted; empty means open-ended.
    ends_on: Mapped[date | None] = mapped_column(Date)
    #: File name of the cover image under the upload folder (several widths derive from it).
    cover_image: Mapped[str | None] = mapped_column(String(200))

    title_en: Mapped[str] = mapped_column(String(200))
    title_ar: Mapped[str | None] = mapped_column(String(200))
    summary_en: Mapped[str | None] = mapped_column(String(500))
    summary_ar: Mapped[str | None] = mapped_column(String(500))
    #: Markdown, sanitised when rendered.
    story_en: Mapped[str | None] = mapped_column(Text)
    story_ar: Mapped[str | None] = mapped_column(Text)
    #: Where the work happens, as written by the organization ("Hajin, Al-Shafah").
    places_en: Mapped[str | None] = mapped_column(String(500))
    places_ar: Mapped[str | None] = mapped_column(String(500))
    #: Who benefits, in words ("students of ten schools").
    beneficiaries_en: Mapped[str | None] = mapped_column(String(500))
    beneficiaries_ar: Mapped[str | None] = mapped_column(String(500))

    #: For a completed project: when the work was carried out and how many people it reached.
    implemented_from: Mapped[date | None] = mapped_column(Date)
    implemented_to: Mapped[date | None] = mapped_column(Date)
    #: How much of ``implemented_from`` / ``implemented_to`` is meaningful.
    implemented_precision: Mapped[DatePrecision] = mapped_column(
        enum_type(DatePrecision, 10), default=DatePrecision.DAY, server_default="day"
    )
    beneficiaries_reached: Mapped[int | None] = mapped_column(Int64)
    #: Recorded as a completed project even when its report gives neither a period nor a
    #: count of people reached.
    completed_project: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    organization: Mapped[Organization] = relationship(back_populates="campaigns")
    tiers: Mapped[list[DonationTier]] = relationship(
        back_populates="campaign",
        order_by="DonationTier.position",
        cascade="all, delete-orphan",
    )
    chapters: Mapped[list[Chapter]] = relationship(
        back_populates="campaign",
        order_by="(Chapter.position, Chapter.happened_on)",
        cascade="all, delete-orphan",
    )
    impact_figures: Mapped[list[ImpactFigure]] = relationship(
        back_populates="campaign",
        order_by="ImpactFigure.position",
        cascade="all, delete-orphan",
    )
    updates: Mapped[list[Update]] = relationship(back_populates="campaign")
    donations: Mapped[list[Donation]] = relationship(back_populates="campaign")

    @property
    def is_completed_project(self) -> bool:
        return (
            self.completed_project
            or self.implemented_from is not None
            or self.beneficiaries_reached is not None
        )

    def __repr__(self) -> str:
        return f"<Campaign {self.slug}>"


class DonationTier(Bilingual, Model):
    """A preset gift: an amount and what it pays for."""

    __tablename__ = "donation_tiers"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        UniqueConstraint("campaign_id", "amount_minor", name="uq_donation_tiers_amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    #: In minor units of the campaign's currency.
    amount_minor: Mapped[int] = mapped_column(Int64)
    #: What the gift does ("a month of medicines for a field clinic").
    description_en: Mapped[str | None] = mapped_column(String(300))
    description_ar: Mapped[str | None] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    campaign: Mapped[Campaign] = relationship(back_populates="tiers")


class Chapter(Bilingual, Model):
    """One dated part of a campaign's history."""

    __tablename__ = "chapters"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    #: The date the chapter refers to; ``precision`` says how much of it is meaningful.
    happened_on: Mapped[date] = mapped_column(Date)
    precision: Mapped[DatePrecision] = mapped_column(
        enum_type(DatePrecision, 10), default=DatePrecision.YEAR, server_default="year"
    )
    title_en: Mapped[str] = mapped_column(String(200))
    title_ar: Mapped[str | None] = mapped_column(String(200))
    #: Markdown.
    body_en: Mapped[str | None] = mapped_column(Text)
    body_ar: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    campaign: Mapped[Campaign] = relationship(back_populates="chapters")


class ImpactFigure(Bilingual, Model):
    """A counted result: "44 health facilities", with an optional breakdown."""

    __tablename__ = "impact_figures"
    __table_args__ = (CheckConstraint("value >= 0", name="value_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[int] = mapped_column(Int64)
    label_en: Mapped[str] = mapped_column(String(200))
    label_ar: Mapped[str | None] = mapped_column(String(200))
    #: "13 hospitals, 9 primary care centres ..."
    detail_en: Mapped[str | None] = mapped_column(String(500))
    detail_ar: Mapped[str | None] = mapped_column(String(500))
    #: A caveat shown with the figure ("the breakdown adds up to 45"), when the source's
    #: figures do not agree with each other.
    note_en: Mapped[str | None] = mapped_column(String(500))
    note_ar: Mapped[str | None] = mapped_column(String(500))
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    campaign: Mapped[Campaign] = relationship(back_populates="impact_figures")
