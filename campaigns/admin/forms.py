"""Forms of the admin console.

Forms only check shape (required, length, choice); the rules about content live in
``campaigns.catalog`` and the admin services, which parse dates and amounts and report
problems by field. A form lists exactly the fields a person may set: anything else posted
is ignored, so no form can reach the totals, a donation's state or another organization.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # not in the stubs yet
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from campaigns.admin.auth import MIN_PASSWORD_LENGTH
from campaigns.catalog.labels import CATEGORY_LABELS, PRECISION_LABELS, SECTOR_LABELS
from campaigns.models import DonationSource, DonationStatus, OfflineMethod, Role
from campaigns.money import MAX_MINOR, is_currency, stripe_can_charge
from campaigns.organization_profile import SOCIAL_NETWORKS, country_choices

STATUS_NAMES = {
    DonationStatus.PENDING: _l("Pending"),
    DonationStatus.SUCCEEDED: _l("Succeeded"),
    DonationStatus.FAILED: _l("Failed"),
    DonationStatus.EXPIRED: _l("Expired"),
    DonationStatus.REFUNDED: _l("Refunded"),
    DonationStatus.PARTIALLY_REFUNDED: _l("Partially refunded"),
    DonationStatus.DISPUTED: _l("Disputed"),
}

ROLE_NAMES = {Role.MANAGER: _l("Manager"), Role.EDITOR: _l("Editor")}

METHOD_NAMES = {OfflineMethod.CASH: _l("Cash"), OfflineMethod.BANK_TRANSFER: _l("Bank transfer")}

SOURCE_NAMES = {
    DonationSource.STRIPE: _l("Card (Stripe)"),
    DonationSource.TEST: _l("Test gateway"),
    DonationSource.OFFLINE: _l("Offline"),
    DonationSource.OPENING_BALANCE: _l("Opening balance"),
}


#: Largest count an admin may type (people reached, an impact figure): the money ceiling,
#: far inside the 64-bit columns.
COUNT_MAX = MAX_MINOR
#: Positions are small integers in 32-bit columns; anything beyond this is a typing slip.
POSITION_MAX = 1_000_000


def count_range() -> NumberRange:
    return NumberRange(min=0, max=COUNT_MAX, message=_l("Write a whole number from 0 to %(max)s."))


def position_range() -> NumberRange:
    return NumberRange(
        min=-POSITION_MAX,
        max=POSITION_MAX,
        message=_l("Write a position from %(min)s to %(max)s."),
    )


def offline_only_note(currency: str | None) -> str | None:
    """What an admin must know about a currency Stripe cannot charge, or None."""
    code = (currency or "").strip().upper()
    if not is_currency(code) or stripe_can_charge(code):
        return None
    return _(
        "Stripe cannot take payments in %(currency)s: this campaign will take offline gifts "
        "only (cash or bank transfers that you record here), and its page will say so.",
        currency=code,
    )


def choices(names: dict) -> list[SelectChoice]:
    """Options of a select from an enum's members and their (translated) names."""
    return [SelectChoice(member.value, label) for member, label in names.items()]


class LoginForm(FlaskForm):
    email = StringField(
        _l("Email"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "username", "type": "email", "dir": "ltr"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )


class ButtonForm(FlaskForm):
    """A form with nothing but its CSRF token, for buttons that change something."""


class CampaignForm(FlaskForm):
    organization = SelectField(_l("Organization"), coerce=int, validators=[InputRequired()])
    slug = StringField(
        _l("Address (slug)"),
        validators=[Optional(), Length(max=80)],
        description=_l(
            "Lower-case letters, digits and hyphens. Left empty, it is made from the English title."
        ),
    )
    title_en = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    title_ar = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    summary_en = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=500)])
    summary_ar = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=500)])
    story_en = TextAreaField(
        _l("Story"),
        validators=[Optional(), Length(max=50_000)],
        description=_l("Markdown: **bold**, *italic*, lists, links. HTML is not allowed."),
    )
    story_ar = TextAreaField(_l("Story"), validators=[Optional(), Length(max=50_000)])
    places_en = StringField(_l("Places"), validators=[Optional(), Length(max=500)])
    places_ar = StringField(_l("Places"), validators=[Optional(), Length(max=500)])
    beneficiaries_en = StringField(_l("Who benefits"), validators=[Optional(), Length(max=500)])
    beneficiaries_ar = StringField(_l("Who benefits"), validators=[Optional(), Length(max=500)])
    sector = SelectField(_l("Sector"), choices=choices(SECTOR_LABELS))
    currency = StringField(
        _l("Currency"),
        default="USD",
        validators=[DataRequired(), Length(max=3)],
        description=_l("ISO 4217 code, such as USD or EUR. Fixed once the campaign has donations."),
    )  # fmt: skip
    goal = StringField(_l("Goal"), validators=[Optional(), Length(max=30)])
    min_amount = StringField(_l("Smallest gift"), validators=[Optional(), Length(max=30)])
    max_amount = StringField(_l("Largest gift"), validators=[Optional(), Length(max=30)])
    starts_on = StringField(
        _l("Start date"),
        validators=[DataRequired(), Length(max=20)],
        description=_l("YYYY-MM-DD, or DD/MM/YYYY."),
    )
    ends_on = StringField(
        _l("End date"),
        validators=[Optional(), Length(max=20)],
        description=_l("Last day gifts are accepted. Leave empty for an open-ended campaign."),
    )
    implemented_from = StringField(
        _l("Work carried out from"),
        validators=[Optional(), Length(max=20)],
        description=_l("For a completed project."),
    )
    implemented_to = StringField(
        _l("Work carried out until"), validators=[Optional(), Length(max=20)]
    )
    implemented_precision = SelectField(
        _l("How precise these dates are"),
        choices=choices(PRECISION_LABELS),
        default="day",
        description=_l(
            "Type whole dates in any case. For a report whose dates cannot be right as "
            "written, choose “dates unclear”: the page then shows only the years."
        ),
    )
    beneficiaries_reached = IntegerField(
        _l("People reached"), validators=[Optional(), count_range()]
    )
    completed_project = BooleanField(
        _l("This is a completed project"),
        description=_l(
            "Work already done, recorded from a report: it needs no goal, and its page "
            "describes the project even without a period or a number of people reached."
        ),
    )
    featured = BooleanField(_l("Feature on the home page"))
    is_example = BooleanField(
        _l("Example campaign, not a real appeal"),
        description=_l(
            "Made up to show how the site works. Its page and its card say so to everyone."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Said beside the field, as soon as the form shows such a currency.
        note = offline_only_note(self.currency.data)
        if note:
            self.currency.description = note


#: Fields shown in English and Arabic side by side, in this order.
CAMPAIGN_BILINGUAL = ("title", "summary", "story", "places", "beneficiaries")
#: Markdown fields, previewed on request.
CAMPAIGN_MARKDOWN = ("story_en", "story_ar")


class TierRow(Form):
    tier_id = HiddenField()
    position = IntegerField(_l("Position"), validators=[Optional(), position_range()])
    amount = StringField(_l("Amount"), validators=[Optional(), Length(max=30)])
    description_en = StringField(
        _l("What it does (English)"), validators=[Optional(), Length(max=300)]
    )
    description_ar = StringField(
        _l("What it does (Arabic)"), validators=[Optional(), Length(max=300)]
    )
    remove = BooleanField(_l("Remove"))


class TiersForm(FlaskForm):
    rows = FieldList(FormField(TierRow), max_entries=60)


class ImpactRow(Form):
    figure_id = HiddenField()
    position = IntegerField(_l("Position"), validators=[Optional(), position_range()])
    value = IntegerField(_l("Number"), validators=[Optional(), count_range()])
    label_en = StringField(
        _l("What was counted (English)"), validators=[Optional(), Length(max=200)]
    )
    label_ar = StringField(
        _l("What was counted (Arabic)"), validators=[Optional(), Length(max=200)]
    )
    detail_en = StringField(_l("Breakdown (English)"), validators=[Optional(), Length(max=500)])
    detail_ar = StringField(_l("Breakdown (Arabic)"), validators=[Optional(), Length(max=500)])
    note_en = StringField(
        _l("Note shown beside it (English)"), validators=[Optional(), Length(max=500)]
    )
    note_ar = StringField(
        _l("Note shown beside it (Arabic)"), validators=[Optional(), Length(max=500)]
    )
    remove = BooleanField(_l("Remove"))


class ImpactForm(FlaskForm):
    rows = FieldList(FormField(ImpactRow), max_entries=60)


class ChapterForm(FlaskForm):
    happened_on = StringField(
        _l("Date"),
        validators=[DataRequired(), Length(max=20)],
        description=_l("A year (2013), a month (2013-06) or a day (2013-06-15)."),
    )
    title_en = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    title_ar = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    body_en = TextAreaField(
        _l("Text"),
        validators=[Optional(), Length(max=50_000)],
        description=_l("Markdown: **bold**, *italic*, lists, links. HTML is not allowed."),
    )
    body_ar = TextAreaField(_l("Text"), validators=[Optional(), Length(max=50_000)])
    position = IntegerField(_l("Position"), validators=[Optional(), position_range()])


class UpdateForm(FlaskForm):
    organization = SelectField(_l("Organization"), coerce=int, validators=[InputRequired()])
    campaign = SelectField(
        _l("Campaign"),
        coerce=int,
        description=_l("Leave on the organization for news about its work as a whole."),
    )
    category = SelectField(_l("Category"), choices=choices(CATEGORY_LABELS))
    slug = StringField(_l("Address (slug)"), validators=[Optional(), Length(max=120)])
    title_en = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    title_ar = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    body_en = TextAreaField(
        _l("Text"),
        validators=[DataRequired(), Length(max=50_000)],
        description=_l("Markdown: **bold**, *italic*, lists, links. HTML is not allowed."),
    )
    body_ar = TextAreaField(_l("Text"), validators=[Optional(), Length(max=50_000)])
    published_at = StringField(
        _l("Publish at (UTC)"),
        validators=[Optional(), Length(max=30)],
        description=_l("YYYY-MM-DD HH:MM. Leave empty to keep it as a draft."),
    )
    external_report = BooleanField(
        _l("Written outside the organization"),
        description=_l(
            "An article or report by others, shared here. Its page says that the "
            "organization did not write it, and names the source."
        ),
    )
    source_name = StringField(
        _l("Source"),
        validators=[Optional(), Length(max=200)],
        description=_l("Who published it, such as a newspaper or a news site."),
    )
    source_url = StringField(
        _l("Address of the original"),
        validators=[Optional(), Length(max=500)],
        description=_l("Starting with https:// or http://. Shown as a link on the source."),
        render_kw={"type": "url"},
    )


class CoverForm(FlaskForm):
    image = FileField(_l("Cover image"), validators=[FileRequired()])


class OfflineGiftForm(FlaskForm):
    amount = StringField(_l("Amount"), validators=[DataRequired(), Length(max=30)])
    method = SelectField(_l("How it was received"), choices=choices(METHOD_NAMES))
    received_on = StringField(
        _l("Date received"),
        validators=[DataRequired(), Length(max=20)],
        description=_l("YYYY-MM-DD, or DD/MM/YYYY."),
    )
    reference = StringField(
        _l("Reference"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("Receipt number or bank transfer reference."),
    )
    donor_name = StringField(_l("Donor's name"), validators=[DataRequired(), Length(max=200)])
    donor_email = StringField(
        _l("Donor's email"), validators=[Optional(), Email(), Length(max=254)]
    )
    anonymous = BooleanField(_l("The donor asked not to be named in public"))
    message = TextAreaField(_l("Message"), validators=[Optional(), Length(max=500)])
    #: Ticked when the gift repeats an earlier one and the person says it is another gift.
    confirm_duplicate = BooleanField(_l("This is another gift: record it"))


class RefundForm(FlaskForm):
    amount = StringField(_l("Amount to refund"), validators=[DataRequired(), Length(max=30)])
    confirmed = HiddenField()
    #: What had been refunded when the admin confirmed: a second click refunds nothing more.
    refunded_before = HiddenField()


class DonationFilterForm(FlaskForm):
    """The donations list's filters, read from the query string."""

    class Meta:
        csrf = False

    campaign = SelectField(_l("Campaign"), coerce=int, validate_choice=False, default=0)
    status = SelectField(
        _l("State"),
        choices=[SelectChoice("", _l("Any")), *choices(STATUS_NAMES)],
        validate_choice=False,
        default="",
    )
    date_from = StringField(_l("From"), validators=[Optional(), Length(max=20)])
    date_to = StringField(_l("Until"), validators=[Optional(), Length(max=20)])
    q = StringField(_l("Name or email"), validators=[Optional(), Length(max=200)])


class MemberAddForm(FlaskForm):
    email = StringField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(
        _l("Name"),
        validators=[Optional(), Length(max=200)],
        description=_l("Used only when a new account is created."),
    )
    role = SelectField(_l("Role"), choices=choices(ROLE_NAMES))


class MemberRoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=choices(ROLE_NAMES))


class ForgotPasswordForm(FlaskForm):
    email = StringField(
        _l("Email"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "username", "type": "email", "dir": "ltr"},
    )


class NewPasswordForm(FlaskForm):
    """A new password typed twice: a reset, and the base of a change."""

    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=1000)],
        description=_l("At least 10 characters."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("New password, again"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


#: The form of the page a reset link opens.
ResetPasswordForm = NewPasswordForm


class PasswordForm(NewPasswordForm):
    """A change from the console: the current password proves it is the account's owner."""

    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )


class OrganizationForm(FlaskForm):
    slug = StringField(
        _l("Address (slug)"),
        validators=[Optional(), Length(max=80)],
        description=_l(
            "Lower-case letters, digits and hyphens. Left empty, it is made from the English name."
        ),
    )
    name_en = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    name_ar = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    founded_on = StringField(
        _l("Founded"),
        validators=[Optional(), Length(max=20)],
        description=_l("A year (2013), a month (2013-06) or a day (2013-06-15)."),
    )
    place_en = StringField(_l("Based in"), validators=[Optional(), Length(max=200)])
    place_ar = StringField(_l("Based in"), validators=[Optional(), Length(max=200)])
    vision_en = TextAreaField(_l("Vision"), validators=[Optional(), Length(max=5000)])
    vision_ar = TextAreaField(_l("Vision"), validators=[Optional(), Length(max=5000)])
    mission_en = TextAreaField(_l("Mission"), validators=[Optional(), Length(max=5000)])
    mission_ar = TextAreaField(_l("Mission"), validators=[Optional(), Length(max=5000)])
    values_en = TextAreaField(
        _l("Values"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Markdown: one value per line, starting with a hyphen."),
    )
    values_ar = TextAreaField(_l("Values"), validators=[Optional(), Length(max=5000)])
    about_en = TextAreaField(
        _l("About"),
        validators=[Optional(), Length(max=50_000)],
        description=_l("Markdown: **bold**, *italic*, lists, links. HTML is not allowed."),
    )
    about_ar = TextAreaField(_l("About"), validators=[Optional(), Length(max=50_000)])
    legal_name_en = StringField(
        _l("Legal name"),
        validators=[Optional(), Length(max=200)],
        description=_l("As registered, if it differs from the name above."),
    )
    legal_name_ar = StringField(_l("Legal name"), validators=[Optional(), Length(max=200)])
    registration_country = SelectField(_l("Country of registration"), validate_choice=False)
    registration_authority_en = StringField(
        _l("Registering authority"),
        validators=[Optional(), Length(max=200)],
        description=_l("The ministry, court or registry that keeps the registration."),
    )
    registration_authority_ar = StringField(
        _l("Registering authority"), validators=[Optional(), Length(max=200)]
    )
    registration_number = StringField(
        _l("Registration number"), validators=[Optional(), Length(max=100)]
    )
    address_en = TextAreaField(_l("Address"), validators=[Optional(), Length(max=1000)])
    address_ar = TextAreaField(_l("Address"), validators=[Optional(), Length(max=1000)])
    contact_email = StringField(
        _l("Contact email"),
        validators=[Optional(), Email(), Length(max=254)],
        description=_l("Shown to donors, who write here with questions about their gifts."),
        render_kw={"type": "email", "autocomplete": "off"},
    )
    reply_to_email = StringField(
        _l("Reply-To for emails"),
        validators=[Optional(), Email(), Length(max=254)],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        description=_l(
            "Receipts and other emails to donors say that replies go here. Left empty, "
            "they say replies are not read."
        ),
        render_kw={"type": "email", "autocomplete": "off"},
    )
    phone = StringField(
        _l("Phone"),
        validators=[Optional(), Length(max=40)],
        description=_l("With the country code, such as +963 11 123 4567."),
        render_kw={"type": "tel"},
    )
    website = StringField(
        _l("Website"),
        validators=[Optional(), Length(max=500)],
        description=_l("Web addresses must start with https://."),
        render_kw={"type": "url"},
    )
    facebook_url = StringField(SOCIAL_NETWORKS[0][1], validators=[Optional(), Length(max=500)])
    instagram_url = StringField(SOCIAL_NETWORKS[1][1], validators=[Optional(), Length(max=500)])
    x_url = StringField(SOCIAL_NETWORKS[2][1], validators=[Optional(), Length(max=500)])
    youtube_url = StringField(SOCIAL_NETWORKS[3][1], validators=[Optional(), Length(max=500)])
    telegram_url = StringField(SOCIAL_NETWORKS[4][1], validators=[Optional(), Length(max=500)])
    receipt_statement_en = TextAreaField(
        _l("Statement on receipts"),
        validators=[Optional(), Length(max=2000)],
        description=_l(
            "Printed on every receipt, for example what the gift means for the donor's taxes. "
            "Left empty, receipts say that this depends on the donor's country."
        ),
    )
    receipt_statement_ar = TextAreaField(
        _l("Statement on receipts"), validators=[Optional(), Length(max=2000)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.registration_country.choices = [("", _l("Not given")), *country_choices()]


#: Organization texts shown in English and Arabic side by side, in this order.
ORGANIZATION_BILINGUAL = ("name", "place", "vision", "mission", "values", "about")


class LogoForm(FlaskForm):
    image = FileField(_l("Logo"), validators=[FileRequired()])


class SitePageForm(FlaskForm):
    title_en = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    title_ar = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    body_en = TextAreaField(
        _l("Text"),
        validators=[DataRequired(), Length(max=50_000)],
        description=_l("Markdown: **bold**, *italic*, lists, links. HTML is not allowed."),
        render_kw={"rows": 20},
    )
    body_ar = TextAreaField(
        _l("Text"), validators=[Optional(), Length(max=50_000)], render_kw={"rows": 20}
    )
