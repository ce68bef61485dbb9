"""Writing campaigns and what hangs off them: tiers, history chapters, impact figures, updates.

Each function takes what a form parsed, applies it, checks the result against the rules in
:mod:`campaigns.catalog.rules`, and either flushes it (with an audit entry) or raises
:class:`~campaigns.catalog.rules.ContentError` naming each field that is wrong. An error
rolls the request back, so nothing half-applied is ever saved.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from flask_babel import gettext as _
from sqlalchemy import func, inspect, select

from campaigns import news
from campaigns.audit import record
from campaigns.catalog import rules
from campaigns.catalog.rules import ContentError, parse_optional_amount
from campaigns.extensions import db
from campaigns.models import (
    Campaign,
    CampaignState,
    Chapter,
    DatePrecision,
    Donation,
    DonationTier,
    ImpactFigure,
    Organization,
    Sector,
    Update,
    UpdateCategory,
)
from campaigns.money import AmountError, is_currency, parse_amount

#: Campaign columns a form may write, as they are named on the form.
TEXT_FIELDS = (
    "title_en", "title_ar", "summary_en", "summary_ar", "story_en", "story_ar",
    "places_en", "places_ar", "beneficiaries_en", "beneficiaries_ar",
)  # fmt: skip
AMOUNT_FIELDS = {
    "goal": "goal_minor",
    "min_amount": "min_amount_minor",
    "max_amount": "max_amount_minor",
}
DATE_FIELDS = ("starts_on", "ends_on", "implemented_from", "implemented_to")
#: An impact figure's texts.
IMPACT_TEXTS = ("label_en", "label_ar", "detail_en", "detail_ar", "note_en", "note_ar")
#: Error keys of :func:`~campaigns.catalog.rules.campaign_errors` named differently on forms.
FORM_NAMES = {column: field for field, column in AMOUNT_FIELDS.items()}


def _text(value) -> str | None:
    value = (value or "").strip()
    return value or None


def _changed_columns(obj) -> list[str]:
    state = inspect(obj)
    changed = []
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if history.added and history.added != history.deleted:
            changed.append(attr.key)
    return sorted(changed)


# Campaigns ----------------------------------------------------------------------------


def save_campaign(
    campaign: Campaign | None,
    data: dict,
    *,
    organization: Organization | None = None,
    may_feature: bool = False,
) -> Campaign:
    """Create (``campaign`` None, in ``organization``) or edit a campaign from form data.

    Only the fields named here are read from ``data``: the state, the totals and, for an
    existing campaign, the organization never come from a form.
    """
    creating = campaign is None
    errors: dict[str, str] = {}
    with db.session.no_autoflush:
        if campaign is None:
            if organization is None:
                raise ContentError({"organization": _("Choose an organization.")})
            campaign = Campaign(organization_id=organization.id, state=CampaignState.DRAFT)
        for name in TEXT_FIELDS:
            setattr(campaign, name, _text(data.get(name)))
        campaign.title_en = campaign.title_en or ""
        try:
            campaign.sector = Sector(data.get("sector") or "")
        except ValueError:
            errors["sector"] = _("Choose a sector.")
        currency = (data.get("currency") or "").strip().upper()
        campaign.currency = currency
        if is_currency(currency):
            for field, column in AMOUNT_FIELDS.items():
                try:
                    setattr(campaign, column, parse_optional_amount(data.get(field), currency))
                except AmountError as exc:
                    errors[field] = exc.message
        for name in DATE_FIELDS:
            text = (data.get(name) or "").strip()
            try:
                setattr(campaign, name, rules.parse_date(text) if text else None)
            except ValueError as exc:
                errors[name] = str(exc)
        reached = data.get("beneficiaries_reached")
        campaign.beneficiaries_reached = reached if isinstance(reached, int) else None
        if may_feature and "featured" in data:
            campaign.featured = bool(data.get("featured"))
        for flag in ("is_example", "completed_project"):
            if flag in data:
                setattr(campaign, flag, bool(data[flag]))
        if "implemented_precision" in data:
            try:
                campaign.implemented_precision = DatePrecision(data["implemented_precision"])
            except ValueError:
                errors["implemented_precision"] = _("Choose how precise the dates are.")

        slug = (data.get("slug") or "").strip().lower()
        if not slug:
            base = rules.slugify(campaign.title_en)
            slug = rules.unique_slug(Campaign, base, campaign.id) if base else ""
        campaign.slug = rules.claim_slug(Campaign, slug, campaign.organization_id, campaign.id)

        for key, message in rules.campaign_errors(campaign).items():
            errors.setdefault(FORM_NAMES.get(key, key), message)
        if errors:
            raise ContentError(errors)
        changed = _changed_columns(campaign)
    if creating:
        db.session.add(campaign)
        db.session.flush()
        record("campaign.create", campaign, {"slug": campaign.slug})
    else:
        db.session.flush()
        record("campaign.edit", campaign, {"fields": changed})
    return campaign


#: Allowed moves between campaign states, by action.
TRANSITIONS = {
    "publish": ({CampaignState.DRAFT, CampaignState.CLOSED}, CampaignState.PUBLISHED),
    "close": ({CampaignState.PUBLISHED}, CampaignState.CLOSED),
    "archive": (
        {CampaignState.DRAFT, CampaignState.PUBLISHED, CampaignState.CLOSED},
        CampaignState.ARCHIVED,
    ),
    "restore": ({CampaignState.ARCHIVED}, CampaignState.DRAFT),
}


def change_state(campaign: Campaign, action: str) -> Campaign:
    """Publish, close, archive or restore a campaign; refuses moves that make no sense."""
    allowed_from, target = TRANSITIONS[action]
    if campaign.state not in allowed_from:
        raise ContentError({"state": _("This campaign cannot be changed that way now.")})
    if target is CampaignState.PUBLISHED:
        rules.validate_campaign(campaign)
    before = campaign.state
    campaign.state = target
    db.session.flush()
    record(f"campaign.{action}", campaign, {"from": before.value, "to": target.value})
    return campaign


def has_donations(campaign: Campaign) -> bool:
    query = select(func.count()).select_from(Donation).where(Donation.campaign_id == campaign.id)
    return bool(db.session.scalar(query))


def delete_campaign(campaign: Campaign) -> None:
    """Delete a draft that never received a gift; anything else is archived instead."""
    if campaign.state is not CampaignState.DRAFT or has_donations(campaign):
        raise ContentError(
            {"state": _("Only a draft without donations can be deleted; archive it instead.")}
        )
    record("campaign.delete", campaign, {"slug": campaign.slug})
    for update in list(campaign.updates):
        update.campaign = None
    db.session.delete(campaign)
    db.session.flush()


def set_cover(campaign: Campaign, stream) -> Campaign:
    """Store an uploaded cover image (checked and re-encoded by :mod:`campaigns.media`)."""
    from campaigns import media

    try:
        name = media.save_image(stream)
    except media.ImageError as exc:
        raise ContentError({"image": str(exc)}) from None
    campaign.cover_image = name
    db.session.flush()
    record("campaign.cover", campaign, {"image": name})
    return campaign


def remove_cover(campaign: Campaign) -> None:
    campaign.cover_image = None
    db.session.flush()
    record("campaign.cover_remove", campaign)


# Tiers and impact figures: edited as one table each ------------------------------------


#: A tier or an impact figure.
_Item = TypeVar("_Item", DonationTier, ImpactFigure)


@dataclass
class _Row(Generic[_Item]):
    index: int
    existing: _Item | None
    position: int
    values: dict[str, Any]


def _sorted_positions(rows: list[_Row[_Item]]) -> None:
    """Renumber 0, 1, 2 ... in the order asked for (ties keep their order on the page)."""
    rows.sort(key=lambda r: (r.position, r.index))
    for n, row in enumerate(rows):
        row.position = n


def _own_by_id(items: Iterable[_Item], raw_id: Any) -> _Item | None:
    try:
        wanted = int(raw_id)
    except (TypeError, ValueError):
        return None
    return next((item for item in items if item.id == wanted), None)


def save_tiers(campaign: Campaign, rows: list[dict]) -> None:
    """Replace the campaign's tiers with the rows of the editor.

    A row with an id edits that tier (ids of other campaigns' tiers are ignored), a row
    marked ``remove`` deletes it, a row without an id or amount is left out, and
    positions are renumbered in the order asked for.
    """
    errors: dict[str, str] = {}
    keep: list[_Row[DonationTier]] = []
    remove: list[DonationTier] = []
    for index, row in enumerate(rows):
        tier = _own_by_id(campaign.tiers, row.get("tier_id"))
        if row.get("remove"):
            if tier is not None:
                remove.append(tier)
            continue
        text = (row.get("amount") or "").strip()
        description_en = _text(row.get("description_en"))
        description_ar = _text(row.get("description_ar"))
        if not text and tier is None and not (description_en or description_ar):
            continue  # a blank row
        try:
            amount = parse_amount(text, campaign.currency)
        except AmountError as exc:
            errors[f"rows-{index}-amount"] = exc.message
            continue
        if amount <= 0:
            errors[f"rows-{index}-amount"] = _("A tier must be more than zero.")
            continue
        position = row.get("position")
        keep.append(
            _Row(
                index,
                tier,
                position if isinstance(position, int) else 10_000 + index,
                {
                    "amount_minor": amount,
                    "description_en": description_en,
                    "description_ar": description_ar,
                },
            )
        )
    seen: dict[int, int] = {}
    for kept in keep:
        amount = kept.values["amount_minor"]
        if amount in seen:
            errors[f"rows-{kept.index}-amount"] = _("Two tiers have the same amount.")
        seen[amount] = kept.index
    if errors:
        raise ContentError(errors)

    _sorted_positions(keep)
    before = [(t.amount_minor, t.position) for t in campaign.tiers]
    for tier in remove:
        campaign.tiers.remove(tier)
    db.session.flush()
    # Two tiers may swap amounts: move the changed ones out of the way first, so that the
    # unique (campaign, amount) constraint never sees two equal amounts mid-way.
    moving = [
        r.existing
        for r in keep
        if r.existing and r.existing.amount_minor != r.values["amount_minor"]
    ]
    for n, moved in enumerate(moving):
        moved.amount_minor = 2_000_000_000 - n
    if moving:
        db.session.flush()
    for kept in keep:
        tier = kept.existing or DonationTier()
        for key, value in kept.values.items():
            setattr(tier, key, value)
        tier.position = kept.position
        if kept.existing is None:
            campaign.tiers.append(tier)
    db.session.flush()
    db.session.refresh(campaign, ["tiers"])
    after = [(t.amount_minor, t.position) for t in campaign.tiers]
    record("campaign.tiers", campaign, {"before": before, "after": after})


def save_impact(campaign: Campaign, rows: list[dict]) -> None:
    """Replace the campaign's impact figures with the rows of the editor."""
    errors: dict[str, str] = {}
    keep: list[_Row[ImpactFigure]] = []
    remove: list[ImpactFigure] = []
    for index, row in enumerate(rows):
        figure = _own_by_id(campaign.impact_figures, row.get("figure_id"))
        if row.get("remove"):
            if figure is not None:
                remove.append(figure)
            continue
        values = {key: _text(row.get(key)) for key in IMPACT_TEXTS}
        value = row.get("value")
        if figure is None and value is None and not any(values.values()):
            continue
        if not isinstance(value, int) or value < 0:
            errors[f"rows-{index}-value"] = _("Write a whole number, zero or more.")
        if not values["label_en"]:
            errors[f"rows-{index}-label_en"] = _("Say what was counted, in English.")
        if values["note_ar"] and not values["note_en"]:
            errors[f"rows-{index}-note_en"] = _(
                "Write the note in English too; without it, the note is not shown."
            )
        values["value"] = value
        position = row.get("position")
        keep.append(
            _Row(index, figure, position if isinstance(position, int) else 10_000 + index, values)
        )
    if errors:
        raise ContentError(errors)
    _sorted_positions(keep)
    for figure in remove:
        campaign.impact_figures.remove(figure)
    for kept in keep:
        figure = kept.existing or ImpactFigure()
        for key, value in kept.values.items():
            setattr(figure, key, value)
        figure.position = kept.position
        if kept.existing is None:
            campaign.impact_figures.append(figure)
    db.session.flush()
    record("campaign.impact", campaign, {"count": len(keep)})


# Chapters -----------------------------------------------------------------------------


def chapter_date_text(chapter: Chapter) -> str:
    """The chapter's date as it is typed in the form, at its own precision."""
    if chapter.precision is DatePrecision.YEAR:
        return f"{chapter.happened_on.year:04d}"
    if chapter.precision is DatePrecision.MONTH:
        return f"{chapter.happened_on.year:04d}-{chapter.happened_on.month:02d}"
    return chapter.happened_on.isoformat()


def save_chapter(campaign: Campaign, chapter: Chapter | None, data: dict) -> Chapter:
    creating = chapter is None
    errors: dict[str, str] = {}
    try:
        happened_on, precision = rules.parse_chapter_date(data.get("happened_on"))
    except ValueError as exc:
        errors["happened_on"] = str(exc)
    title_en = _text(data.get("title_en")) or ""
    if not title_en:
        errors["title_en"] = _("An English title is required.")
    if errors:
        raise ContentError(errors)
    chapter = chapter or Chapter(campaign_id=campaign.id)
    chapter.happened_on, chapter.precision = happened_on, precision
    chapter.title_en = title_en
    for name in ("title_ar", "body_en", "body_ar"):
        setattr(chapter, name, _text(data.get(name)))
    position = data.get("position")
    if isinstance(position, int):
        chapter.position = position
    elif creating:
        last = db.session.scalar(
            select(func.max(Chapter.position)).where(Chapter.campaign_id == campaign.id)
        )
        chapter.position = (last or 0) + 1 if last is not None else 0
    if creating:
        db.session.add(chapter)
    db.session.flush()
    record("chapter.create" if creating else "chapter.edit", chapter, {"title": title_en})
    return chapter


def delete_chapter(chapter: Chapter) -> None:
    record("chapter.delete", chapter, {"title": chapter.title_en})
    db.session.delete(chapter)
    db.session.flush()


# Updates ------------------------------------------------------------------------------


def save_update(
    update: Update | None,
    data: dict,
    *,
    organization: Organization,
    campaign: Campaign | None,
) -> Update:
    """Create or edit an update, about ``campaign`` or about the organization as a whole.

    The caller has already checked that the user may write for ``organization`` and that
    ``campaign`` (if any) belongs to it.
    """
    creating = update is None
    errors: dict[str, str] = {}
    if campaign is not None and campaign.organization_id != organization.id:
        errors["campaign"] = _("Choose one of this organization's campaigns.")
    try:
        category = UpdateCategory(data.get("category") or "")
    except ValueError:
        errors["category"] = _("Choose a category.")
    title_en = _text(data.get("title_en")) or ""
    body_en = _text(data.get("body_en")) or ""
    if not title_en:
        errors["title_en"] = _("An English title is required.")
    if not body_en:
        errors["body_en"] = _("The English text is required.")
    published_text = (data.get("published_at") or "").strip()
    published_at = None
    if published_text:
        try:
            published_at = rules.parse_moment(published_text)
        except ValueError as exc:
            errors["published_at"] = str(exc)
    slug = (data.get("slug") or "").strip().lower()
    exclude = None if update is None else update.id
    if not slug and title_en:
        base = rules.slugify(title_en)
        slug = rules.unique_slug(Update, base, exclude) if base else ""
    slug = rules.claim_slug(Update, slug, organization.id, exclude)
    external = bool(data.get("external_report"))
    source = _text(data.get("source_name")), _text(data.get("source_url"))
    errors.update(rules.update_source_errors(external, *source))
    if message := rules.slug_errors(Update, slug, exclude):
        errors["slug"] = message
    if errors:
        raise ContentError(errors)

    update = update or Update(organization_id=organization.id)
    update.campaign_id = campaign.id if campaign is not None else None
    update.category = category
    update.slug = slug
    update.title_en, update.body_en = title_en, body_en
    update.title_ar, update.body_ar = _text(data.get("title_ar")), _text(data.get("body_ar"))
    update.published_at = published_at
    update.external_report = external
    update.source_name, update.source_url = source
    if creating:
        db.session.add(update)
    db.session.flush()
    record("update.create" if creating else "update.edit", update, {"slug": slug})
    news.announce(update)
    return update


def publish_update(update: Update, now: datetime | None = None) -> None:
    update.published_at = now or datetime.now(UTC)
    db.session.flush()
    record("update.publish", update)
    news.announce(update)


def unpublish_update(update: Update) -> None:
    update.published_at = None
    db.session.flush()
    record("update.unpublish", update)


def delete_update(update: Update) -> None:
    record("update.delete", update, {"slug": update.slug})
    db.session.delete(update)
    db.session.flush()
