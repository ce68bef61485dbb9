"""News updates, posted on a campaign or on an organization."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaigns.extensions import Model
from campaigns.models.base import Bilingual, TimestampMixin, enum_type

if TYPE_CHECKING:
    from campaigns.models.campaign import Campaign
    from campaigns.models.organization import Organization


class UpdateCategory(enum.StrEnum):
    AID_DEVELOPMENT = "aid_development"
    HEALTH = "health"
    EDUCATION = "education"
    FIELD_REPORT = "field_report"
    NEWS = "news"
    #: What the organization spent the campaign's money on; listed on its public account.
    SPENDING_REPORT = "spending_report"


class Update(Bilingual, TimestampMixin, Model):
    __tablename__ = "updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Unique, lower case, used in URLs.
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    #: Empty for an update about the organization as a whole.
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    category: Mapped[UpdateCategory] = mapped_column(enum_type(UpdateCategory, 30))
    title_en: Mapped[str] = mapped_column(String(200))
    title_ar: Mapped[str | None] = mapped_column(String(200))
    #: Markdown.
    body_en: Mapped[str] = mapped_column(Text)
    body_ar: Mapped[str | None] = mapped_column(Text)
    #: Reporting from outside the organization (a news article it shares), shown as such.
    external_report: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    #: Who published an external report, and where; empty when the source is not named.
    source_name: Mapped[str | None] = mapped_column(String(200))
    source_url: Mapped[str | None] = mapped_column(String(500))
    #: Empty while it is a draft; public from this moment on.
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)

    organization: Mapped[Organization] = relationship(back_populates="updates")
    campaign: Mapped[Campaign | None] = relationship(back_populates="updates")
