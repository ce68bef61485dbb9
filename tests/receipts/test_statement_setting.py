"""The statement printed on receipts, written by the organization in the console."""

from __future__ import annotations

from campaigns.models import Organization
from tests.admin.world import build_world, fresh, sign_in


def test_the_organization_writes_its_receipt_statement_in_both_languages(client, db, make):
    world = build_world(make, db)
    sign_in(client, world.users["editor"])
    url = f"/admin/organizations/{world.org}/edit"
    assert "Statement on receipts" in client.get(url).get_data(as_text=True)
    data = {
        "name_en": "Sunrise Relief",
        "slug": "sunrise",
        "receipt_statement_en": "Registered charity in Turkey; no tax receipt abroad.",
        "receipt_statement_ar": "جمعية مسجلة في تركيا.",
    }
    assert client.post(url, data=data).status_code == 302
    organization = fresh(db, Organization, world.org)
    assert organization.receipt_statement_en == data["receipt_statement_en"]
    assert organization.receipt_statement_ar == data["receipt_statement_ar"]
    assert "جمعية مسجلة في تركيا." in client.get(url).get_data(as_text=True)
    data["receipt_statement_ar"] = ""
    client.post(url, data=data)
    assert fresh(db, Organization, world.org).receipt_statement_ar is None
