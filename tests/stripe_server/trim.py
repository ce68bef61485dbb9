"""Regenerate ``spec.json`` and ``fixtures.json`` from Stripe's published OpenAPI files.

Stripe publishes ``spec3.json`` (the API description) and ``fixtures3.json`` (example
objects) in its public openapi repository (MIT licence). The test server needs only the
request schemas of the endpoints this project calls and a handful of example objects, so
this keeps those, without descriptions, to stay small.

    python -m tests.stripe_server.trim path/to/spec3.json path/to/fixtures3.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).parent

#: (method, path) of every Stripe endpoint the project calls, and the object it answers with.
ENDPOINTS = {
    ("post", "/v1/checkout/sessions"): "checkout.session",
    ("get", "/v1/checkout/sessions/{session}"): "checkout.session",
    ("post", "/v1/checkout/sessions/{session}/expire"): "checkout.session",
    ("post", "/v1/refunds"): "refund",
    ("get", "/v1/subscriptions/{subscription_exposed_id}"): "subscription",
    ("post", "/v1/subscriptions/{subscription_exposed_id}"): "subscription",
    ("delete", "/v1/subscriptions/{subscription_exposed_id}"): "subscription",
}
#: Example objects the server answers with and the tests build events from.
RESOURCES = ("checkout.session", "charge", "refund", "dispute", "invoice", "subscription", "event")
#: Schema keywords the server's validator understands; everything else (prose) is dropped.
KEEP = {
    "type",
    "properties",
    "required",
    "enum",
    "items",
    "anyOf",
    "maxLength",
    "additionalProperties",
    "format",
    "x-stripeBypassValidation",
}


def strip(schema):
    """The schema without descriptions, titles and other documentation."""
    if isinstance(schema, list):
        return [strip(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    kept = {}
    for key, value in schema.items():
        if key not in KEEP:
            continue
        if key == "properties":
            kept[key] = {name: strip(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties", "anyOf"):
            kept[key] = strip(value)
        else:
            kept[key] = value
    return kept


def trim(spec_path: Path, fixtures_path: Path) -> None:
    spec = json.loads(spec_path.read_text())
    fixtures = json.loads(fixtures_path.read_text())
    endpoints = {}
    for (method, path), resource in ENDPOINTS.items():
        operation = spec["paths"][path][method]
        body = operation.get("requestBody", {}).get("content", {})
        form = body.get("application/x-www-form-urlencoded", {}).get("schema", {})
        endpoints[f"{method.upper()} {path}"] = {"params": strip(form), "returns": resource}
    trimmed = {"api_version": spec["info"]["version"], "endpoints": endpoints}
    (HERE / "spec.json").write_text(json.dumps(trimmed, indent=1, sort_keys=True) + "\n")
    resources = {name: fixtures["resources"][name] for name in RESOURCES}
    (HERE / "fixtures.json").write_text(json.dumps(resources, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    trim(Path(sys.argv[1]), Path(sys.argv[2]))
