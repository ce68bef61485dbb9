"""Pages of the site itself (the privacy notice, the terms of use), written by platform
admins; a page nobody has saved yet is shown with its default text."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from campaigns.extensions import Model
from campaigns.models.base import Bilingual, TimestampMixin


class SitePage(Bilingual, TimestampMixin, Model):
    __tablename__ = "site_pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Which page: ``privacy`` or ``terms``; also its address.
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    title_en: Mapped[str] = mapped_column(String(200))
    title_ar: Mapped[str | None] = mapped_column(String(200))
    #: Markdown.
    body_en: Mapped[str] = mapped_column(Text)
    body_ar: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<SitePage {self.slug}>"
