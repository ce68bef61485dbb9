"""Stripe Checkout through the official library, with the API version pinned.

Stripe tells the ledger what happened through its webhooks (read by ``stripe_events``).
"""

from __future__ import annotations

import stripe

from campaigns.models import Donation, DonationSource, Frequency
from campaigns.payments.gateways.base import (
    Checkout,
    GatewayError,
    ReturnUrls,
    donation_metadata,
    idempotency_key,
)

#: The Stripe API version this code is written against, sent with every request.
STRIPE_API_VERSION = "2023-08-16"
#: Seconds to connect to Stripe, and to wait for its answer.
STRIPE_TIMEOUT = (5, 25)


def stripe_amount(amount_minor: int, currency: str) -> int:
    """The amount as Stripe takes it, in Stripe's units for the currency (the donate form
    refuses amounts Stripe cannot charge, so this only converts and checks)."""
    from campaigns.money import StripeAmountError, to_stripe_amount

    try:
        return to_stripe_amount(amount_minor, currency)
    except StripeAmountError as exc:
        raise GatewayError("invalid_amount", str(exc)) from None


class StripeGateway:
    """Stripe Checkout through the official library, with the API version pinned."""

    source = DonationSource.STRIPE

    def __init__(self, client: stripe.StripeClient) -> None:
        self.client = client

    @classmethod
    def from_config(cls, config) -> StripeGateway:
        base = config.get("STRIPE_API_BASE")
        client = stripe.StripeClient(
            config["STRIPE_SECRET_KEY"],
            stripe_version=STRIPE_API_VERSION,
            base_addresses={"api": base.rstrip("/")} if base else None,
            max_network_retries=config.get("STRIPE_MAX_NETWORK_RETRIES", 2),
            # A donor is waiting on the other end: give up well before a proxy's timeout
            # (the library's own default is 80 seconds).
            http_client=stripe.RequestsClient(timeout=STRIPE_TIMEOUT),
        )
        return cls(client)

    def checkout_params(self, donation: Donation, urls: ReturnUrls, title: str) -> dict:
        """The Checkout Session for one gift (one-time, or monthly as a subscription)."""
        metadata = donation_metadata(donation)
        price_data: dict = {
            "currency": donation.currency.lower(),
            "unit_amount": stripe_amount(donation.amount_minor, donation.currency),
            "product_data": {"name": title[:250]},
        }
        params: dict = {
            "client_reference_id": str(donation.id),
            "metadata": metadata,
            "line_items": [{"price_data": price_data, "quantity": 1}],
            "success_url": urls.success,
            "cancel_url": urls.cancel,
            "locale": "auto",
        }
        if donation.donor_email:
            params["customer_email"] = donation.donor_email
        if donation.frequency == Frequency.MONTHLY:
            price_data["recurring"] = {"interval": "month"}
            params["mode"] = "subscription"
            params["subscription_data"] = {"metadata": metadata}
        else:
            params["mode"] = "payment"
            params["submit_type"] = "donate"
            params["payment_intent_data"] = {"metadata": metadata, "description": title[:250]}
        return params

    def start_checkout(self, donation: Donation, urls: ReturnUrls, title: str) -> Checkout:
        params = self.checkout_params(donation, urls, title)
        try:
            session = self.client.v1.checkout.sessions.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": idempotency_key(donation)},
            )
        except stripe.StripeError as exc:
            raise _gateway_error(exc) from exc
        if not session.url:
            raise GatewayError("no_url", session.id)
        return Checkout(session_id=session.id, url=session.url)

    def refund(self, donation: Donation, amount_minor: int, requested_total: int) -> str:
        """Ask Stripe to give back ``amount_minor`` more of the gift.

        The idempotency key names the cumulative amount asked back with this request, which
        the ledger raises with every request: two quick refunds never share a key (Stripe
        would answer the second with the first), while a request retried after its answer
        was lost (and the transaction rolled back) sends the same key and refunds once.
        """
        params: dict = {
            "amount": stripe_amount(amount_minor, donation.currency),
            "metadata": donation_metadata(donation),
            "reason": "requested_by_customer",
        }
        if donation.payment_intent_id:
            params["payment_intent"] = donation.payment_intent_id
        elif donation.charge_id:
            params["charge"] = donation.charge_id
        else:
            raise GatewayError("no_payment", "the gift has no Stripe payment to refund")
        try:
            refund = self.client.v1.refunds.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": idempotency_key(donation, "refund", requested_total)},
            )
        except stripe.StripeError as exc:
            raise _gateway_error(exc) from exc
        return refund.id

    def cancel_subscription(self, donation: Donation) -> None:
        """Stop the monthly gift now; the ledger learns it from ``customer.subscription.deleted``.

        A DELETE takes no idempotency key (Stripe ignores it): cancelling twice is refused
        by Stripe, which the caller reads as already stopped.
        """
        subscription_id = _subscription_id(donation)
        try:
            self.client.v1.subscriptions.cancel(subscription_id)
        except stripe.InvalidRequestError as exc:
            if "already been canceled" in str(exc):
                return
            raise _gateway_error(exc) from exc
        except stripe.StripeError as exc:
            raise _gateway_error(exc) from exc

    def change_subscription_amount(self, donation: Donation, amount_minor: int) -> None:
        """Charge ``amount_minor`` from the next renewal on, through a new price on the item.

        The key names the price being replaced: a retry after a lost answer repeats the same
        change, while a later change (even back to an earlier amount) gets its own key.
        """
        subscription_id = _subscription_id(donation)
        unit_amount = stripe_amount(amount_minor, donation.currency)
        try:
            subscription = self.client.v1.subscriptions.retrieve(subscription_id)
            item = subscription["items"]["data"][0]
            price = item["price"]
            if price["unit_amount"] == unit_amount:
                return
            product = price["product"]
            product_id = product if isinstance(product, str) else product["id"]
            self.client.v1.subscriptions.update(
                subscription_id,
                params={
                    "items": [
                        {
                            "id": item["id"],
                            "price_data": {
                                "currency": donation.currency.lower(),
                                "product": product_id,
                                "unit_amount": unit_amount,
                                "recurring": {"interval": "month"},
                            },
                        }
                    ],
                    "proration_behavior": "none",
                    "metadata": donation_metadata(donation),
                },
                options={
                    "idempotency_key": idempotency_key(donation, "price", price["id"], unit_amount)
                },
            )
        except stripe.StripeError as exc:
            raise _gateway_error(exc) from exc
        except (KeyError, IndexError, TypeError) as exc:
            raise GatewayError("unexpected_subscription", str(exc)) from exc


def _subscription_id(donation: Donation) -> str:
    if not donation.subscription_id:
        raise GatewayError("no_subscription", "the gift has no Stripe subscription")
    return donation.subscription_id


def _gateway_error(exc: stripe.StripeError) -> GatewayError:
    if isinstance(exc, stripe.APIConnectionError):
        kind = "network"
    elif isinstance(exc, stripe.AuthenticationError | stripe.PermissionError):
        kind = "bad_key"
    elif isinstance(exc, stripe.CardError):
        kind = "declined"
    elif isinstance(exc, stripe.RateLimitError):
        kind = "rate_limited"
    elif isinstance(exc, stripe.InvalidRequestError | stripe.IdempotencyError):
        kind = "invalid_request"
    else:
        kind = "stripe_error"
    return GatewayError(kind, f"{type(exc).__name__}: {exc.user_message or exc}")
