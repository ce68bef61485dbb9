"""The monthly gift's forms: its new amount follows the donate form's rules exactly."""

from __future__ import annotations

from flask_wtf import FlaskForm

from campaigns.models import Campaign
from campaigns.payments.forms import DonateForm


class ChangeAmountForm(DonateForm):
    """Only the amount (typed, as on the donate form), checked against the campaign's bounds
    and currency by the donate form's own code."""

    # WTForms removes a parent's field that a subclass sets to None.
    frequency = None  # type: ignore[assignment]
    name = None  # type: ignore[assignment]
    email = None  # type: ignore[assignment]
    anonymous = None  # type: ignore[assignment]
    message = None  # type: ignore[assignment]

    @classmethod
    def for_gift(cls, campaign: Campaign, formdata=None) -> ChangeAmountForm:
        return cls.for_campaign(campaign, formdata=formdata)

    def validate(self, extra_validators=None) -> bool:
        valid = FlaskForm.validate(self, extra_validators)
        if self.refusal:
            self.form_errors.append(self.refusal)
            valid = False
        amount = self._amount()
        if amount is None:
            return False
        self.amount_minor = amount
        return valid


class StopForm(FlaskForm):
    """Stopping takes only a confirmation (and the CSRF token)."""
