"""Organizations' profiles: created by platform admins, written by their own people."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from campaigns.models import AuditEntry, Organization
from tests.admin.world import sign_in


def fresh(db, id_):
    db.session.expire_all()
    return db.session.get(Organization, id_)


def test_platform_admin_creates_an_organization(client, db, world):
    sign_in(client, world.users["admin"])
    data = {"name_en": "Olive Branch", "name_ar": "غصن الزيتون", "founded_on": "2016-03"}
    assert client.post("/admin/organizations/new", data=data).status_code == 302
    org = db.session.query(Organization).filter_by(slug="olive-branch").one()
    assert org.name_ar == "غصن الزيتون"
    assert org.founded_on.isoformat() == "2016-03-01"
    assert db.session.query(AuditEntry).filter_by(action="organization.create").count() == 1


def test_only_platform_admins_create_organizations(client, db, world):
    sign_in(client, world.users["manager"])
    response = client.post("/admin/organizations/new", data={"name_en": "Sneaky"})
    assert response.status_code == 403
    assert db.session.query(Organization).filter_by(name_en="Sneaky").count() == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"founded_on": "2016"}, "founded_on"),
        ({"founded_on": "2016-13"}, "founded_on"),
        ({"slug": "other-ngo"}, "slug"),
        ({"name_en": ""}, "name_en"),
    ],
)
def test_invalid_profile_is_refused_beside_the_field(client, db, world, changes, field):
    sign_in(client, world.users["editor"])
    data = {"name_en": "Sunrise Relief", "slug": "sunrise", **changes}
    response = client.post(f"/admin/organizations/{world.org}/edit", data=data)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert fresh(db, world.org).slug == "sunrise"


def test_editor_writes_the_profile_with_a_preview(client, db, world):
    sign_in(client, world.users["editor"])
    url = f"/admin/organizations/{world.org}/edit"
    data = {
        "name_en": "Sunrise Relief",
        "slug": "sunrise",
        "about_en": "We **build** <script>alert(1)</script>",
        "values_en": "- Honesty\n- Care",
        "action": "preview",
    }
    preview = client.post(url, data=data).get_data(as_text=True)
    assert "<strong>build</strong>" in preview
    assert "<li>Honesty</li>" in preview
    assert "<script>" not in preview
    assert fresh(db, world.org).about_en is None
    data["action"] = "save"
    assert client.post(url, data=data).status_code == 302
    assert fresh(db, world.org).values_en == "- Honesty\n- Care"


def test_logo_is_checked_like_every_image(client, db, world):
    sign_in(client, world.users["manager"])
    url = f"/admin/organizations/{world.org}/logo"
    fake = {"image": (io.BytesIO(b"GIF89a not really"), "logo.png")}
    response = client.post(url, data=fake, content_type="multipart/form-data")
    assert response.status_code == 302
    assert fresh(db, world.org).logo is None
    buffer = io.BytesIO()
    Image.new("RGBA", (300, 300), (200, 30, 30, 255)).save(buffer, "PNG")
    real = {"image": (io.BytesIO(buffer.getvalue()), "logo.png")}
    client.post(url, data=real, content_type="multipart/form-data")
    assert fresh(db, world.org).logo
