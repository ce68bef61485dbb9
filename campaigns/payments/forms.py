"""The donate form (contract: ``tier`` or ``amount``, ``frequency``, ``name``, ``email``,
``anonymous``, ``message``, with CSRF)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from campaigns.catalog.acceptance import gift_refusal
from campaigns.i18n import money_text
from campaigns.models import Campaign, DonationTier, Frequency
from campaigns.money import AmountError, gift_step, minor_digits, parse_amount

#: Smallest and largest gift in major units when a campaign sets no bounds of its own.
DEFAULT_MIN_MAJOR = 1
DEFAULT_MAX_MAJOR = 100_000
#: Longest message a donor can leave (the column holds 500 characters).
MESSAGE_MAX = 500


def amount_bounds(campaign: Campaign) -> tuple[int, int]:
    """The campaign's smallest and largest gift in minor units, with the defaults applied."""
    scale = 10 ** minor_digits(campaign.currency)
    low = campaign.min_amount_minor or DEFAULT_MIN_MAJOR * scale
    high = campaign.max_amount_minor or DEFAULT_MAX_MAJOR * scale
    return low, max(low, high)


def amount_step(currency: str) -> int:
    """The step Stripe charges in, in minor units (10 fils for KWD; 1 for most currencies)."""
    return gift_step(currency)


class DonateForm(FlaskForm):
    """A gift to one campaign; build it with :meth:`for_campaign`."""

    # Radio buttons in the template; checked here against the campaign's tiers and the two
    # frequencies (plain string fields keep WTForms' choice handling out of the way).
    tier = StringField(_l("Choose a gift"), validators=[Optional(), Length(max=20)])
    amount = StringField(
        _l("Other amount"),
        validators=[Optional(), Length(max=30)],
        render_kw={"inputmode": "decimal", "autocomplete": "off", "dir": "ltr"},
    )
    frequency = StringField(_l("How often"), default=Frequency.ONCE.value)
    name = StringField(
        _l("Your name"),
        validators=[DataRequired(message=_l("Please tell us your name.")), Length(max=200)],
        render_kw={"autocomplete": "name"},
    )
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(message=_l("Please give an email address for your receipt.")),
            Length(max=254),
            Email(message=_l("This does not look like an email address."), granular_message=False),
        ],
        render_kw={"autocomplete": "email", "dir": "ltr"},
    )
    anonymous = BooleanField(_l("Do not show my name on the campaign page"))
    #: Optional and unticked: a post without it asks for no news.
    news = BooleanField(_l("Send me this campaign's news by email"))
    message = TextAreaField(
        _l("A message of support (optional)"),
        validators=[
            Optional(),
            Length(
                max=MESSAGE_MAX,
                message=_l("Please keep your message under %(max)d characters."),
            ),
        ],
        render_kw={"rows": 3, "maxlength": MESSAGE_MAX},
    )

    campaign: Campaign
    #: Set by a successful validation: the gift in minor units of the campaign's currency.
    amount_minor: int | None = None
    #: Why the campaign takes no gift today (shown instead of the form), or None; decided
    #: once, when the form is built, by :func:`campaigns.catalog.acceptance.gift_refusal`.
    refusal: str | None = None

    @classmethod
    def for_campaign(cls, campaign: Campaign, formdata=None, **data) -> DonateForm:
        """The form for one campaign: its tiers as choices, its bounds for the amount.

        ``formdata=None`` builds an empty form even during a POST (Flask-WTF would otherwise
        read ``request.form``); pass ``request.form`` to read a submission.
        """
        form = cls(formdata=formdata, **data)
        form.campaign = campaign
        form.refusal = gift_refusal(campaign)
        return form

    #: For the template's ``maxlength``.
    message_max = MESSAGE_MAX

    @property
    def tiers(self) -> list[DonationTier]:
        return list(self.campaign.tiers)

    @property
    def bounds(self) -> tuple[int, int]:
        return amount_bounds(self.campaign)

    def selected_tier(self) -> DonationTier | None:
        chosen = (self.tier.data or "").strip()
        for tier in self.campaign.tiers:
            if str(tier.id) == chosen:
                return tier
        return None

    def validate(self, extra_validators=None) -> bool:
        """The field checks, then the amount against the campaign's currency and bounds; a
        campaign that takes no gift today refuses every submission."""
        valid = super().validate(extra_validators)
        if self.refusal:
            self.form_errors.append(self.refusal)
            valid = False
        if not self.frequency.data:
            self.frequency.data = Frequency.ONCE.value
        if self.frequency.data not in (Frequency.ONCE.value, Frequency.MONTHLY.value):
            self.frequency.errors = [*self.frequency.errors, _("Choose once or monthly.")]
            valid = False
        amount = self._amount()
        if amount is None:
            return False
        self.amount_minor = amount
        return valid

    def _amount(self) -> int | None:
        """The gift in minor units, or None with the error placed beside the right field."""
        currency = self.campaign.currency
        typed = (self.amount.data or "").strip()
        chosen = (self.tier.data or "").strip()
        if typed:
            field = self.amount
            try:
                amount = parse_amount(typed, currency)
            except AmountError as exc:
                digits = minor_digits(currency)
                if exc.reason == "too_large":
                    message = self._too_large_message()
                elif exc.reason == "digits":
                    message = exc.message
                elif digits:
                    message = _(
                        "Please type an amount like %(example)s, with at most %(digits)d "
                        "decimal places.",
                        example=_example(currency),
                        digits=digits,
                    )
                else:
                    message = _(
                        "Please type a whole amount, like %(example)s.", example=_example(currency)
                    )
                field.errors = [*field.errors, message]
                return None
        elif chosen:
            tier = self.selected_tier()
            if tier is None:
                self.tier.errors = [*self.tier.errors, _("Please choose one of the gifts shown.")]
                return None
            field, amount = self.tier, tier.amount_minor
        else:
            self.amount.errors = [
                *self.amount.errors,
                _("Please choose a gift or type the amount you would like to give."),
            ]
            return None
        low, high = self.bounds
        if amount <= 0:
            field.errors = [*field.errors, _("Please type an amount greater than zero.")]
            return None
        if amount < low:
            field.errors = [
                *field.errors,
                _("The smallest gift is %(amount)s.", amount=money_text(low, currency)),
            ]
            return None
        if amount > high:
            field.errors = [*field.errors, self._too_large_message()]
            return None
        step = amount_step(currency)
        if amount % step:
            field.errors = [
                *field.errors,
                _(
                    "Amounts in %(currency)s must be a multiple of %(step)s.",
                    currency=currency,
                    step=money_text(step, currency),
                ),
            ]
            return None
        return amount

    def _too_large_message(self) -> str:
        return _(
            "The largest gift online is %(amount)s; please contact the organization "
            "for larger gifts.",
            amount=money_text(self.bounds[1], self.campaign.currency),
        )

    def gift(self) -> dict:
        """What the ledger needs to open the donation (after :meth:`validate`)."""
        return {
            "amount_minor": self.amount_minor,
            "frequency": Frequency(self.frequency.data or ""),
            "donor_name": (self.name.data or "").strip() or None,
            "donor_email": (self.email.data or "").strip() or None,
            "anonymous": bool(self.anonymous.data),
            "message": (self.message.data or "").strip() or None,
        }

    def all_errors(self) -> list[str]:
        """Every problem, for the summary at the top of the form."""
        found = list(self.form_errors)
        for field in self:
            found.extend(str(e) for e in field.errors)
        return found


def _example(currency: str) -> str:
    digits = minor_digits(currency)
    return "25" if digits == 0 else "25." + "5".ljust(digits, "0")
