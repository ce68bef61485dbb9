"""A local Stripe-compatible API server for the tests.

The real ``stripe`` library talks to it over HTTP (``STRIPE_API_BASE``). It behaves like
Stripe where the project depends on it:

* every request must carry a secret key, the pinned ``Stripe-Version`` and, for creations,
  an ``Idempotency-Key``; a key reused with the same parameters replays the first answer,
  with different parameters it is an ``idempotency_error``;
* parameters are decoded from Stripe's bracket form encoding and checked against the request
  schema of Stripe's OpenAPI description (``spec.json``, trimmed from Stripe's ``spec3.json``):
  unknown parameters, missing required ones, wrong types and values outside an enum are
  refused as Stripe refuses them, plus the rules Stripe checks beyond the schema that matter
  here (mode and recurring prices, ``submit_type`` only for payments, three-decimal amounts);
* answers are Stripe's own example objects (``fixtures.json``) filled in from the request;
* like Stripe, it produces the webhook events that follow from what happens to a session
  (paid, refunded) or a subscription (cancelled), which the tests then sign and deliver to
  the app; a paid subscription-mode session starts a subscription that can be retrieved,
  given a new price and cancelled.

Failures can be injected: ``fail_next("card_declined" | "api_error" | "bad_key")``.
"""

from __future__ import annotations

import copy
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

HERE = Path(__file__).parent
SPEC = json.loads((HERE / "spec.json").read_text())
FIXTURES = json.loads((HERE / "fixtures.json").read_text())
THREE_DECIMAL = {"bhd", "jod", "kwd", "omr", "tnd"}


class StripeRequestError(Exception):
    """An error Stripe would answer with (``status`` and the ``error`` object's fields)."""

    def __init__(self, status: int, message: str, *, type_="invalid_request_error", **extra):
        super().__init__(message)
        self.status = status
        self.body = {"error": {"message": message, "type": type_, **extra}}


# --- Stripe's form encoding -----------------------------------------------------------------

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


def decode_form(body: str) -> dict:
    """``a[b][0][c]=1`` into ``{"a": {"b": [{"c": "1"}]}}``, as Stripe reads it."""
    root: dict = {}
    for raw_key, value in parse_qsl(body, keep_blank_values=True):
        match = _KEY.match(raw_key)
        if not match:
            raise StripeRequestError(400, f"Invalid parameter name: {raw_key}")
        parts = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
        node: Any = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            nxt_is_index = not last and parts[i + 1].isdigit()
            if isinstance(node, list):
                index = int(part)
                while len(node) <= index:
                    node.append(None)
                if last:
                    node[index] = value
                else:
                    if node[index] is None:
                        node[index] = [] if nxt_is_index else {}
                    node = node[index]
            else:
                if last:
                    node[part] = value
                else:
                    node = node.setdefault(part, [] if nxt_is_index else {})
    return root


# --- the schema check -----------------------------------------------------------------------


def check(schema: dict, value: Any, path: str) -> Any:
    """Validate one decoded parameter against its schema; returns it typed (ints, bools)."""
    if "anyOf" in schema:
        errors = []
        for option in schema["anyOf"]:
            try:
                return check(option, value, path)
            except StripeRequestError as exc:
                errors.append(exc)
        raise errors[0]
    kind = schema.get("type")
    if kind == "object":
        if value == "" and not schema.get("required"):
            return {}
        if not isinstance(value, dict):
            raise StripeRequestError(400, f"Invalid object: {path}", param=path)
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", False)
        typed = {}
        for key, sub in value.items():
            sub_path = f"{path}[{key}]" if path else key
            if key in properties:
                typed[key] = check(properties[key], sub, sub_path)
            elif isinstance(extra, dict):
                typed[key] = check(extra, sub, sub_path)
            else:
                raise StripeRequestError(
                    400, f"Received unknown parameter: {sub_path}", param=sub_path
                )
        for key in schema.get("required", []):
            if key not in value:
                sub_path = f"{path}[{key}]" if path else key
                raise StripeRequestError(
                    400, f"Missing required param: {sub_path}.", param=sub_path
                )
        return typed
    if kind == "array":
        if isinstance(value, dict) and all(k.isdigit() for k in value):
            value = [value[k] for k in sorted(value, key=int)]
        if value == "":
            return []
        if not isinstance(value, list) or any(v is None for v in value):
            raise StripeRequestError(400, f"Invalid array: {path}", param=path)
        return [check(schema.get("items", {}), v, f"{path}[{i}]") for i, v in enumerate(value)]
    if not isinstance(value, str):
        raise StripeRequestError(400, f"Invalid value for {path}", param=path)
    if kind == "integer":
        if not re.fullmatch(r"-?\d+", value):
            raise StripeRequestError(400, f"Invalid integer: {value}", param=path)
        return int(value)
    if kind == "boolean":
        if value not in ("true", "false"):
            raise StripeRequestError(400, f"Invalid boolean: {value}", param=path)
        return value == "true"
    if kind == "number":
        try:
            return float(value)
        except ValueError:
            raise StripeRequestError(400, f"Invalid number: {value}", param=path) from None
    bypass = schema.get("x-stripeBypassValidation")
    if "enum" in schema and value not in schema["enum"] and not bypass:
        raise StripeRequestError(
            400,
            f"Invalid {path}: must be one of {', '.join(map(str, schema['enum']))}",
            param=path,
        )
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        raise StripeRequestError(400, f"{path} is too long", param=path)
    return value


# --- the server -----------------------------------------------------------------------------


@dataclass
class Payment:
    """What the server remembers about a paid session's charge."""

    payment_intent: str
    charge: str
    amount: int
    currency: str
    metadata: dict
    amount_refunded: int = 0


@dataclass
class StripeServer:
    """A running local server; ``url`` is what ``STRIPE_API_BASE`` should be set to."""

    api_version: str = SPEC["api_version"]
    requests: list[dict] = field(default_factory=list)
    sessions: dict[str, dict] = field(default_factory=dict)
    payments: dict[str, Payment] = field(default_factory=dict)
    subscriptions: dict[str, dict] = field(default_factory=dict)
    #: Events Stripe would now send to the webhook endpoint, oldest first.
    outbox: list[dict] = field(default_factory=list)
    _idempotency: dict[str, tuple[str, int, str]] = field(default_factory=dict)
    _failures: list[str] = field(default_factory=list)
    _lock: threading.RLock = field(default_factory=threading.RLock)
    url: str = ""

    # -- controls for tests

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.sessions.clear()
            self.payments.clear()
            self.subscriptions.clear()
            self.outbox.clear()
            self._idempotency.clear()
            self._failures.clear()

    def fail_next(self, kind: str) -> None:
        """Answer the next API call with a failure: card_declined, api_error or bad_key."""
        self._failures.append(kind)

    def pay(self, session_id: str) -> list[dict]:
        """The donor pays on Checkout: returns (and queues) the events Stripe sends."""
        with self._lock:
            session = self.sessions[session_id]
            amount = session["amount_total"]
            token = secrets.token_hex(8)
            payment = Payment(
                payment_intent=f"pi_{token}",
                charge=f"ch_{token}",
                amount=amount,
                currency=session["currency"],
                metadata=dict(session.get("_charge_metadata") or {}),
            )
            events = []
            session.update(status="complete", payment_status="paid")
            if session["mode"] == "payment":
                session["payment_intent"] = payment.payment_intent
            else:
                session["subscription"] = f"sub_{token}"
                session["invoice"] = f"in_{token}"
            session["customer"] = f"cus_{token}"
            if session["mode"] == "subscription":
                self._start_subscription(session, payment)
            self.payments[payment.payment_intent] = payment
            events.append(self._event("checkout.session.completed", self._public(session)))
            if session["mode"] == "subscription":
                events.append(self._event("invoice.paid", self._invoice(session, payment)))
            self.outbox.extend(events)
            return events

    def expire(self, session_id: str) -> list[dict]:
        with self._lock:
            session = self.sessions[session_id]
            session.update(status="expired")
            events = [self._event("checkout.session.expired", self._public(session))]
            self.outbox.extend(events)
            return events

    def take_outbox(self) -> list[dict]:
        with self._lock:
            events, self.outbox[:] = list(self.outbox), []
            return events

    def calls(self, path: str) -> list[dict]:
        return [r for r in self.requests if r["path"] == path]

    # -- objects

    def _event(self, event_type: str, obj: dict) -> dict:
        body = copy.deepcopy(FIXTURES["event"])
        body.update(
            id=f"evt_{secrets.token_hex(12)}",
            api_version=self.api_version,
            created=int(time.time()),
            type=event_type,
            data={"object": copy.deepcopy(obj)},
            pending_webhooks=1,
        )
        return body

    @staticmethod
    def _public(session: dict) -> dict:
        return {k: v for k, v in session.items() if not k.startswith("_")}

    def _invoice(self, session: dict, payment: Payment) -> dict:
        invoice = copy.deepcopy(FIXTURES["invoice"])
        metadata = session.get("_subscription_metadata") or {}
        invoice.update(
            id=session["invoice"],
            amount_due=payment.amount,
            amount_paid=payment.amount,
            amount_remaining=0,
            billing_reason="subscription_create",
            charge=payment.charge,
            payment_intent=payment.payment_intent,
            currency=payment.currency,
            customer=session["customer"],
            paid=True,
            status="paid",
            subscription=session["subscription"],
            subscription_details={"metadata": metadata or None},
        )
        invoice["lines"]["data"][0].update(metadata=metadata, subscription=session["subscription"])
        return invoice

    def _start_subscription(self, session: dict, payment: Payment) -> None:
        """The subscription a paid subscription-mode session starts, with one monthly item."""
        subscription = copy.deepcopy(FIXTURES["subscription"])
        now = int(time.time())
        item = subscription["items"]["data"][0]
        item.update(id=f"si_{secrets.token_hex(7)}", subscription=session["subscription"])
        item["price"].update(
            id=f"price_{secrets.token_hex(12)}",
            currency=payment.currency,
            product=f"prod_{secrets.token_hex(7)}",
            unit_amount=payment.amount,
            unit_amount_decimal=str(payment.amount),
        )
        subscription.update(
            id=session["subscription"],
            status="active",
            customer=session["customer"],
            currency=payment.currency,
            metadata=session.get("_subscription_metadata") or {},
            created=now,
            current_period_start=now,
            current_period_end=now + 30 * 86400,
            cancel_at=None,
            canceled_at=None,
            ended_at=None,
        )
        self.subscriptions[subscription["id"]] = subscription

    def _subscription(self, subscription_id: str) -> dict:
        subscription = self.subscriptions.get(subscription_id)
        if subscription is None:
            raise StripeRequestError(
                404,
                f"No such subscription: '{subscription_id}'",
                code="resource_missing",
                param="id",
            )
        return subscription

    def _update_subscription(self, subscription_id: str, params: dict) -> dict:
        """Prices given as ``price_data`` on an existing item replace that item's price."""
        subscription = self._subscription(subscription_id)
        if subscription["status"] == "canceled":
            raise StripeRequestError(
                400, "A canceled subscription can only update its cancellation_details."
            )
        items = {item["id"]: item for item in subscription["items"]["data"]}
        for i, change in enumerate(params.get("items") or []):
            item = items.get(change.get("id"))
            if item is None:
                raise StripeRequestError(400, "No such subscription item.", param=f"items[{i}][id]")
            price_data = change.get("price_data")
            if price_data:
                if price_data["product"] != item["price"]["product"]:
                    raise StripeRequestError(400, "No such product.", param=f"items[{i}]")
                if price_data.get("unit_amount", 0) < 1:
                    raise StripeRequestError(400, "Amount must be positive.")
                item["price"] = {
                    **item["price"],
                    "id": f"price_{secrets.token_hex(12)}",
                    "currency": price_data["currency"],
                    "unit_amount": price_data["unit_amount"],
                    "unit_amount_decimal": str(price_data["unit_amount"]),
                    "recurring": {**item["price"]["recurring"], **price_data["recurring"]},
                }
        if "metadata" in params:
            subscription["metadata"] = params["metadata"] or {}
        return copy.deepcopy(subscription)

    def _cancel_subscription(self, subscription_id: str) -> dict:
        """Cancel at once; like Stripe, ``customer.subscription.deleted`` follows."""
        subscription = self._subscription(subscription_id)
        if subscription["status"] == "canceled":
            raise StripeRequestError(
                400,
                f"This subscription has already been canceled: {subscription_id}",
                code="resource_missing",
            )
        now = int(time.time())
        subscription.update(status="canceled", canceled_at=now, ended_at=now)
        self.outbox.append(self._event("customer.subscription.deleted", subscription))
        return copy.deepcopy(subscription)

    def _create_session(self, params: dict) -> dict:
        mode = params.get("mode")
        if mode not in ("payment", "subscription"):
            raise StripeRequestError(400, "Missing required param: mode.", param="mode")
        items = params.get("line_items") or []
        if not items:
            raise StripeRequestError(400, "Missing required param: line_items.", param="line_items")
        amount = 0
        currency = None
        recurring = False
        for i, item in enumerate(items):
            price = item.get("price_data")
            if not price:
                raise StripeRequestError(400, "This server only knows price_data line items.")
            if "unit_amount" not in price:
                raise StripeRequestError(
                    400, "Missing required param: unit_amount.", param=f"line_items[{i}]"
                )
            currency = price["currency"].lower()
            if currency in THREE_DECIMAL and price["unit_amount"] % 10:
                raise StripeRequestError(
                    400,
                    f"Invalid amount: {currency.upper()} amounts must be a multiple of 10.",
                    param=f"line_items[{i}][price_data][unit_amount]",
                )
            if price["unit_amount"] < 1:
                raise StripeRequestError(400, "Amount must be positive.")
            recurring = recurring or "recurring" in price
            amount += price["unit_amount"] * item.get("quantity", 1)
        if mode == "payment" and recurring:
            raise StripeRequestError(
                400, "You specified `payment` mode but passed a recurring price.", param="mode"
            )
        if mode == "subscription" and not recurring:
            raise StripeRequestError(
                400, "You must provide at least one recurring price in `subscription` mode."
            )
        if mode != "payment":
            for name in ("submit_type", "payment_intent_data"):
                if name in params:
                    raise StripeRequestError(
                        400, f"`{name}` can only be used in `payment` mode.", param=name
                    )
        if mode != "subscription" and "subscription_data" in params:
            raise StripeRequestError(
                400, "`subscription_data` can only be used in `subscription` mode."
            )
        for name in ("success_url", "cancel_url"):
            if name in params and not re.match(r"^https?://[^/\s]+", params[name]):
                raise StripeRequestError(400, f"Not a valid URL: {name}", param=name)
        session = copy.deepcopy(FIXTURES["checkout.session"])
        session_id = f"cs_test_{secrets.token_hex(16)}"
        now = int(time.time())
        session.update(
            id=session_id,
            amount_subtotal=amount,
            amount_total=amount,
            cancel_url=params.get("cancel_url"),
            client_reference_id=params.get("client_reference_id"),
            created=now,
            currency=currency,
            customer=None,
            customer_email=params.get("customer_email"),
            expires_at=now + 24 * 3600,
            locale=params.get("locale"),
            metadata=params.get("metadata", {}),
            mode=mode,
            payment_intent=None,
            payment_status="unpaid",
            status="open",
            submit_type=params.get("submit_type"),
            subscription=None,
            success_url=params["success_url"],
            url=f"{self.url}/pay/{session_id}",
        )
        session["_charge_metadata"] = (params.get("payment_intent_data") or {}).get("metadata")
        session["_subscription_metadata"] = (params.get("subscription_data") or {}).get("metadata")
        self.sessions[session_id] = session
        return self._public(session)

    def _create_refund(self, params: dict) -> dict:
        payment = None
        if "payment_intent" in params:
            payment = self.payments.get(params["payment_intent"])
        elif "charge" in params:
            payment = next(
                (p for p in self.payments.values() if p.charge == params["charge"]), None
            )
        else:
            raise StripeRequestError(400, "One of `charge` or `payment_intent` is required.")
        if payment is None:
            raise StripeRequestError(
                404, "No such payment_intent", code="resource_missing", param="payment_intent"
            )
        amount = params.get("amount", payment.amount - payment.amount_refunded)
        if amount <= 0 or payment.amount_refunded + amount > payment.amount:
            raise StripeRequestError(
                400,
                f"Refund amount ({amount}) is greater than unrefunded amount on charge.",
                code="amount_too_large",
                param="amount",
            )
        payment.amount_refunded += amount
        refund = copy.deepcopy(FIXTURES["refund"])
        refund.update(
            id=f"re_{secrets.token_hex(12)}",
            amount=amount,
            charge=payment.charge,
            payment_intent=payment.payment_intent,
            currency=payment.currency,
            metadata=params.get("metadata", {}),
            reason=params.get("reason"),
            status="succeeded",
            created=int(time.time()),
        )
        charge = copy.deepcopy(FIXTURES["charge"])
        charge.update(
            id=payment.charge,
            amount=payment.amount,
            amount_captured=payment.amount,
            amount_refunded=payment.amount_refunded,
            refunded=payment.amount_refunded >= payment.amount,
            currency=payment.currency,
            payment_intent=payment.payment_intent,
            metadata=payment.metadata,
            paid=True,
            status="succeeded",
        )
        self.outbox.append(self._event("charge.refunded", charge))
        return refund

    # -- HTTP

    def _route(self, method: str, path: str) -> tuple[str, dict]:
        for key in SPEC["endpoints"]:
            spec_method, spec_path = key.split(" ", 1)
            pattern = "^" + re.sub(r"\{[^}]+\}", r"([^/]+)", spec_path) + "$"
            match = re.match(pattern, path)
            if spec_method == method and match:
                return key, {"id": match.group(1)} if match.groups() else {}
        raise StripeRequestError(404, f"Unrecognized request URL ({method}: {path}).")

    def _handle(self, request: Request) -> tuple[int, dict, dict]:
        auth = request.headers.get("Authorization", "")
        if self._failures and self._failures[0] == "bad_key":
            self._failures.pop(0)
            auth = "Bearer sk_test_revoked"
        if not auth.startswith("Bearer sk_test_") or auth.endswith("revoked"):
            raise StripeRequestError(401, "Invalid API Key provided: sk_test_****")
        version = request.headers.get("Stripe-Version")
        if version != self.api_version:
            raise StripeRequestError(400, f"Invalid Stripe API version: {version}")
        key, args = self._route(request.method, request.path)
        body = request.get_data(as_text=True)
        raw = decode_form(body if request.method == "POST" else request.query_string.decode())
        if request.method == "DELETE" and not raw:
            raw = decode_form(body)
        schema = SPEC["endpoints"][key]["params"]
        params = check(schema, raw, "") if schema else raw
        self.requests.append(
            {
                "method": request.method,
                "path": request.path,
                "params": params,
                "headers": dict(request.headers),
            }
        )
        idempotency_key = request.headers.get("Idempotency-Key")
        if request.method == "POST":
            if not idempotency_key:
                raise StripeRequestError(400, "This test server wants an Idempotency-Key.")
            seen = self._idempotency.get(idempotency_key)
            if seen is not None:
                if seen[0] != body:
                    raise StripeRequestError(
                        400,
                        "Keys for idempotent requests can only be used with the same parameters "
                        "they were first used with.",
                        type_="idempotency_error",
                    )
                return seen[1], json.loads(seen[2]), {"Idempotent-Replayed": "true"}
        if self._failures:
            failure = self._failures.pop(0)
            if failure == "card_declined":
                raise StripeRequestError(
                    402, "Your card was declined.", type_="card_error", code="card_declined"
                )
            raise StripeRequestError(500, "An unknown error occurred", type_="api_error")
        if key == "POST /v1/checkout/sessions":
            result = self._create_session(params)
        elif key == "POST /v1/refunds":
            result = self._create_refund(params)
        elif key == "GET /v1/checkout/sessions/{session}":
            session = self.sessions.get(args["id"])
            if session is None:
                raise StripeRequestError(404, "No such checkout.session", code="resource_missing")
            result = self._public(session)
        elif key == "GET /v1/subscriptions/{subscription_exposed_id}":
            result = copy.deepcopy(self._subscription(args["id"]))
        elif key == "POST /v1/subscriptions/{subscription_exposed_id}":
            result = self._update_subscription(args["id"], params)
        elif key == "DELETE /v1/subscriptions/{subscription_exposed_id}":
            result = self._cancel_subscription(args["id"])
        else:
            result = self.expire(args["id"])[0]["data"]["object"]
        if idempotency_key and request.method == "POST":
            self._idempotency[idempotency_key] = (body, 200, json.dumps(result))
        return 200, result, {}

    def wsgi(self, environ, start_response):
        request = Request(environ)
        with self._lock:
            try:
                status, body, headers = self._handle(request)
            except StripeRequestError as exc:
                status, body, headers = exc.status, exc.body, {}
        headers = {"Request-Id": f"req_{secrets.token_hex(7)}", **headers}
        response = Response(json.dumps(body), status=status, headers=headers)
        response.content_type = "application/json"
        return response(environ, start_response)


def start_server() -> tuple[StripeServer, Any]:
    """Start a server on a free local port in a thread; returns it and the thread's server."""
    server = StripeServer()
    http = make_server("127.0.0.1", 0, server.wsgi, threaded=True)
    server.url = f"http://127.0.0.1:{http.server_port}"
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    return server, http
