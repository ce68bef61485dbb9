"""People who sign in to the admin console, their roles, and what they did."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaigns.extensions import Model
from campaigns.models.base import TimestampMixin, enum_type, utcnow

if TYPE_CHECKING:
    from campaigns.models.organization import Organization


class Role(enum.StrEnum):
    #: Everything an organization needs: content, donations, refunds, exports, members.
    MANAGER = "manager"
    #: Content only.
    EDITOR = "editor"


class User(UserMixin, TimestampMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    #: argon2id hash.
    password_hash: Mapped[str] = mapped_column(String(255))
    #: Platform admins see and do everything.
    is_platform_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Carried in every session and compared on each request: raising it ends every
    #: session signed in before (sign-out, a new password, "sign out everywhere").
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: Set for an account opened by an invitation, whose password nobody knows: its owner
    #: chooses one through the invitation's link (or a password reset).
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active


class Membership(Model):
    """A user's role in one organization."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "organization_id", name="uq_memberships_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[Role] = mapped_column(enum_type(Role, 20))

    user: Mapped[User] = relationship(back_populates="memberships")
    organization: Mapped[Organization] = relationship()


class Invitation(TimestampMixin, Model):
    """A role in an organization offered to an account, which accepts or declines it.

    Nobody is attached to an organization without saying yes, and the manager who invites
    sees the same answer whether or not the account existed before.
    """

    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("user_id", "organization_id", name="uq_invitations_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[Role] = mapped_column(enum_type(Role, 20))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    organization: Mapped[Organization] = relationship()


class LoginAttempt(Model):
    """One sign-in attempt, kept to slow down password guessing per account and address."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean)
    #: The nonce of the valid device cookie the browser presented for this account, or
    #: None for a browser not known to it: failures count against one or the other.
    device: Mapped[str | None] = mapped_column(String(32), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class AuditEntry(Model):
    """Who did what to which object, and when."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_at_id", "at", "id"),
        Index("ix_audit_log_organization_at_id", "organization_id", "at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The log is read newest first, a page at a time, through ``ix_audit_log_at_id`` (all
    #: entries) and ``ix_audit_log_organization_at_id`` (an organization's).
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: Lets organization managers be shown their own organization's entries.
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    #: "campaign.publish", "donation.refund", ...
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column(Integer)
    #: JSON with what changed.
    detail: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User | None] = relationship()
