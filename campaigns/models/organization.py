"""Organizations: the NGOs that run campaigns."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaigns.extensions import Model
from campaigns.models.base import Bilingual, TimestampMixin

if TYPE_CHECKING:
    from campaigns.models.campaign import Campaign
    from campaigns.models.update import Update


class Organization(Bilingual, TimestampMixin, Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Unique, lower case, used in URLs.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_ar: Mapped[str | None] = mapped_column(String(200))
    #: Founding date; only the month and year are shown.
    founded_on: Mapped[date | None] = mapped_column(Date)
    place_en: Mapped[str | None] = mapped_column(String(200))
    place_ar: Mapped[str | None] = mapped_column(String(200))
    vision_en: Mapped[str | None] = mapped_column(Text)
    vision_ar: Mapped[str | None] = mapped_column(Text)
    mission_en: Mapped[str | None] = mapped_column(Text)
    mission_ar: Mapped[str | None] = mapped_column(Text)
    #: Markdown list of values.
    values_en: Mapped[str | None] = mapped_column(Text)
    values_ar: Mapped[str | None] = mapped_column(Text)
    #: Markdown.
    about_en: Mapped[str | None] = mapped_column(Text)
    about_ar: Mapped[str | None] = mapped_column(Text)
    #: File name of the logo under the upload folder.
    logo: Mapped[str | None] = mapped_column(String(200))
    #: Where donors' answers to the organization's emails go (Reply-To); none: no Reply-To.
    reply_to_email: Mapped[str | None] = mapped_column(String(254))

    campaigns: Mapped[list[Campaign]] = relationship(back_populates="organization")
    updates: Mapped[list[Update]] = relationship(back_populates="organization")

    def __repr__(self) -> str:
        return f"<Organization {self.slug}>"
