"""The data model. Importing this package registers every table with the metadata."""

from campaigns.models.base import Bilingual, LocalText
from campaigns.models.campaign import (
    Campaign,
    CampaignState,
    Chapter,
    DatePrecision,
    DonationTier,
    ImpactFigure,
    Sector,
)
from campaigns.models.donation import (
    Donation,
    DonationSource,
    DonationStatus,
    Frequency,
    Installation,
    OfflineMethod,
    PaymentEvent,
    RefundRecord,
)
from campaigns.models.news import NewsMailing, NewsSubscription
from campaigns.models.organization import Organization
from campaigns.models.outbox import OutboxMessage, OutboxStatus
from campaigns.models.receipt import Receipt, ReceiptCounter
from campaigns.models.site_page import SitePage
from campaigns.models.totals import CampaignDailyTotal, CampaignTotalSlot
from campaigns.models.update import Update, UpdateCategory
from campaigns.models.user import AuditEntry, LoginAttempt, Membership, Role, User

__all__ = [
    "AuditEntry",
    "Bilingual",
    "Campaign",
    "CampaignDailyTotal",
    "CampaignState",
    "CampaignTotalSlot",
    "Chapter",
    "DatePrecision",
    "Donation",
    "DonationSource",
    "DonationStatus",
    "DonationTier",
    "Frequency",
    "ImpactFigure",
    "Installation",
    "LocalText",
    "LoginAttempt",
    "Membership",
    "NewsMailing",
    "NewsSubscription",
    "OfflineMethod",
    "Organization",
    "OutboxMessage",
    "OutboxStatus",
    "PaymentEvent",
    "Receipt",
    "ReceiptCounter",
    "RefundRecord",
    "Role",
    "Sector",
    "SitePage",
    "Update",
    "UpdateCategory",
    "User",
]
