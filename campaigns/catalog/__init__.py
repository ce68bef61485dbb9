"""Campaigns as a domain: who may see them, whether they take gifts, what may be stored.

* :mod:`~campaigns.catalog.visibility`: which campaigns, updates and donors the public sees.
* :mod:`~campaigns.catalog.acceptance`: where a campaign stands in time and the one answer to
  "why can't it take a gift today".
* :mod:`~campaigns.catalog.progress`: how far it is towards its goal.
* :mod:`~campaigns.catalog.rules`: the content rules, :class:`ContentError` and the parsers.
* :mod:`~campaigns.catalog.writes`: the writes of campaigns, tiers, chapters, impact figures
  and updates (services that only flush).
* :mod:`~campaigns.catalog.labels`: the names of the campaign enums.

The content rules are re-exported here, so ``from campaigns.catalog import ContentError``
keeps working for the services of other areas that raise it.
"""

from campaigns.catalog.rules import (
    ContentError,
    campaign_errors,
    parse_date,
    slug_errors,
    slug_taken,
    slugify,
    tier_errors,
    unique_slug,
    validate_campaign,
)

__all__ = [
    "ContentError",
    "campaign_errors",
    "parse_date",
    "slug_errors",
    "slug_taken",
    "slugify",
    "tier_errors",
    "unique_slug",
    "validate_campaign",
]
