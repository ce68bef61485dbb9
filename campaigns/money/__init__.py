"""Money: integers of minor units, parsed and written in one place, and Stripe's units.

``from campaigns.money import ...`` is the only import the rest of the code needs.
"""

from campaigns.money.amounts import (
    MAX_MINOR,
    AmountError,
    check_size,
    format_plain,
    is_currency,
    minor_digits,
    parse_amount,
    to_major,
)
from campaigns.money.stripe_units import (
    THREE_DECIMAL,
    StripeAmountError,
    from_stripe_amount,
    gift_step,
    read_stripe_amount,
    stripe_can_charge,
    to_stripe_amount,
)

#: Kept under its earlier name for the code that imports it.
STRIPE_THREE_DECIMAL = THREE_DECIMAL

__all__ = [
    "MAX_MINOR",
    "STRIPE_THREE_DECIMAL",
    "AmountError",
    "StripeAmountError",
    "check_size",
    "format_plain",
    "from_stripe_amount",
    "gift_step",
    "is_currency",
    "minor_digits",
    "parse_amount",
    "read_stripe_amount",
    "stripe_can_charge",
    "to_major",
    "to_stripe_amount",
]
