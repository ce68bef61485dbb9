"""Organizations' own pages: their name, story and logo, written in the console."""

from __future__ import annotations

from flask_babel import gettext as _

from campaigns import catalog, organization_profile
from campaigns.audit import record
from campaigns.catalog import ContentError
from campaigns.catalog.rules import parse_chapter_date
from campaigns.extensions import db
from campaigns.mail.compose import is_address
from campaigns.models import DatePrecision, Organization

TEXT_FIELDS = (
    "name_en", "name_ar", "place_en", "place_ar", "vision_en", "vision_ar",
    "mission_en", "mission_ar", "values_en", "values_ar", "about_en", "about_ar",
    *organization_profile.PROFILE_FIELDS, "receipt_statement_en", "receipt_statement_ar",
    "reply_to_email",
)  # fmt: skip


def founded_text(organization: Organization) -> str:
    """The founding date as the form shows it: only the month is shown to visitors."""
    day = organization.founded_on
    return f"{day.year:04d}-{day.month:02d}" if day else ""


def save_organization(organization: Organization | None, data: dict) -> Organization:
    """Create (platform admins) or edit an organization's profile from form data."""
    creating = organization is None
    errors: dict[str, str] = {}
    values = {name: (data.get(name) or "").strip() or None for name in TEXT_FIELDS}
    if not values["name_en"]:
        errors["name_en"] = _("An English name is required.")
    errors.update(organization_profile.profile_errors(values))
    if (reply_to := values["reply_to_email"]) and not _plain_address(reply_to):
        errors["reply_to_email"] = _("Enter an email address, such as care@example.org.")
    founded_on = None
    if (data.get("founded_on") or "").strip():
        try:
            founded_on, precision = parse_chapter_date(data["founded_on"])
        except ValueError as exc:
            errors["founded_on"] = str(exc)
        else:
            if precision is DatePrecision.YEAR:
                errors["founded_on"] = _("Give at least the month, for example 2013-06.")
    exclude = None if organization is None else organization.id
    slug = (data.get("slug") or "").strip().lower()
    if not slug and values["name_en"]:
        base = catalog.slugify(values["name_en"])
        slug = catalog.unique_slug(Organization, base, exclude) if base else ""
    if message := catalog.slug_errors(Organization, slug, exclude):
        errors["slug"] = message
    if errors:
        raise ContentError(errors)
    organization = organization or Organization()
    for name, value in values.items():
        setattr(organization, name, value)
    organization.slug = slug
    organization.founded_on = founded_on
    if creating:
        db.session.add(organization)
    db.session.flush()
    record("organization.create" if creating else "organization.edit", organization, {"slug": slug})
    return organization


def _plain_address(text: str) -> bool:
    """Whether ``text`` is one email address alone (no display name), as a Reply-To takes it."""
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return False
    return is_address(text) and "<" not in text


def set_logo(organization: Organization, stream) -> None:
    """Store an uploaded logo, checked and re-encoded like every image."""
    from campaigns import media

    try:
        name = media.save_image(stream)
    except media.ImageError as exc:
        raise ContentError({"image": str(exc)}) from None
    organization.logo = name
    db.session.flush()
    record("organization.logo", organization, {"image": name})
