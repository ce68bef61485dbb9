"""Pieces shared by the models: timestamps and text kept in English and Arabic."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup, escape
from sqlalchemy import BigInteger, DateTime, Enum, Integer, func
from sqlalchemy.orm import Mapped, mapped_column

from campaigns.timeutil import utcnow

#: Money and counts that could pass 2^31 ($21,474,836.47): 64-bit. SQLite's INTEGER is
#: already 64-bit, so the declared type changes only on PostgreSQL; renaming it on SQLite
#: would mean rebuilding each table, whose DROP cascades through the foreign keys.
Int64 = BigInteger().with_variant(Integer(), "sqlite")


class TimestampMixin:
    #: When the row was created, in UTC.
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now()
    )
    #: When the row last changed, in UTC.
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, server_default=func.now()
    )


@dataclass(frozen=True)
class LocalText:
    """A text in the reader's language, or the English one when no translation exists.

    Rendering it in a template marks a fallback with ``lang="en" dir="ltr"`` so that the
    browser lays English out left to right inside an Arabic page.
    """

    text: str
    lang: str
    fallback: bool

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)

    def __html__(self) -> Markup:
        if self.fallback:
            return Markup('<span lang="en" dir="ltr">%s</span>') % self.text
        return escape(self.text)


class Bilingual:
    """Mixin for models whose visitor-facing texts live in ``<field>_en`` and ``<field>_ar``.

    English is required wherever a text is required; Arabic may be missing, and then the
    English text is shown in its place, marked as such.
    """

    def localized(self, field: str, locale: str) -> LocalText:
        lang = "ar" if str(locale).startswith("ar") else "en"
        value = getattr(self, f"{field}_{lang}", None)
        if value:
            return LocalText(value, lang, False)
        english = getattr(self, f"{field}_en", None) or ""
        return LocalText(english, "en", lang != "en" and bool(english))


def enum_type(cls: type[enum.Enum], length: int = 20) -> Enum:
    """Store an enum as its value in a VARCHAR: portable, and readable in a SQL shell."""
    return Enum(
        cls,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
