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

    # Who stands behind the campaigns: shown on the organization's page and beside the
    # donate form, so a donor can check the organization before giving.
    #: Name under which the organization is registered, when it differs from ``name``.
    legal_name_en: Mapped[str | None] = mapped_column(String(200))
    legal_name_ar: Mapped[str | None] = mapped_column(String(200))
    #: ISO 3166 code of the country of registration; its name comes from Babel.
    registration_country: Mapped[str | None] = mapped_column(String(2))
    registration_authority_en: Mapped[str | None] = mapped_column(String(200))
    registration_authority_ar: Mapped[str | None] = mapped_column(String(200))
    registration_number: Mapped[str | None] = mapped_column(String(100))
    #: Postal address, one line per line.
    address_en: Mapped[str | None] = mapped_column(Text)
    address_ar: Mapped[str | None] = mapped_column(Text)
    contact_email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    #: Web addresses, https only (checked by the admin service).
    website: Mapped[str | None] = mapped_column(String(500))
    facebook_url: Mapped[str | None] = mapped_column(String(500))
    instagram_url: Mapped[str | None] = mapped_column(String(500))
    x_url: Mapped[str | None] = mapped_column(String(500))
    youtube_url: Mapped[str | None] = mapped_column(String(500))
    telegram_url: Mapped[str | None] = mapped_column(String(500))
    #: Printed on every receipt (tax deductibility depends on the donor's country); none:
    #: a neutral default sentence.
    receipt_statement_en: Mapped[str | None] = mapped_column(Text)
    receipt_statement_ar: Mapped[str | None] = mapped_column(Text)

    campaigns: Mapped[list[Campaign]] = relationship(back_populates="organization")
    updates: Mapped[list[Update]] = relationship(back_populates="organization")

    def __repr__(self) -> str:
        return f"<Organization {self.slug}>"
