"""The privacy notice and the terms of use are written by platform admins only."""

from __future__ import annotations

import pytest

from campaigns import site_pages
from campaigns.catalog import ContentError
from campaigns.models import AuditEntry, SitePage
from tests.admin.world import sign_in

PAGE = {
    "title_en": "Privacy at Sunrise",
    "title_ar": "الخصوصية",
    "body_en": "We keep **names** and emails.",
    "body_ar": "نحفظ **الأسماء**.",
}


def saved(db, slug="privacy"):
    db.session.expire_all()
    return db.session.query(SitePage).filter_by(slug=slug).one_or_none()


def test_a_platform_admin_sees_the_pages_and_their_defaults(client, db, world):
    sign_in(client, world.users["admin"])
    listing = client.get("/admin/site-pages/").get_data(as_text=True)
    assert "Privacy notice" in listing and "Terms of use" in listing
    assert listing.count("Default text") == 2
    assert 'href="/admin/site-pages/privacy/edit"' in listing
    form = client.get("/admin/site-pages/privacy/edit").get_data(as_text=True)
    assert 'value="Privacy notice"' in form
    assert "Your card details never reach this site." in form
    assert "Restore the default text" not in form
    assert 'href="/admin/site-pages/"' in client.get("/admin/").get_data(as_text=True)


def test_a_platform_admin_previews_then_saves_a_page(client, db, world):
    sign_in(client, world.users["admin"])
    url = "/admin/site-pages/privacy/edit"
    preview = client.post(url, data={**PAGE, "action": "preview"}).get_data(as_text=True)
    assert "<strong>names</strong>" in preview
    assert saved(db) is None
    assert client.post(url, data={**PAGE, "action": "save"}).status_code == 302
    page = saved(db)
    assert page.title_ar == "الخصوصية" and page.body_en == PAGE["body_en"]
    entry = db.session.query(AuditEntry).filter_by(action="site_page.edit").one()
    assert entry.user_id == world.users["admin"]
    public = client.get("/en/privacy").get_data(as_text=True)
    assert "<h1>Privacy at Sunrise</h1>" in public
    assert "<strong>names</strong>" in public
    # Saving again changes the same row.
    client.post(url, data={**PAGE, "title_en": "Privacy"})
    assert db.session.query(SitePage).count() == 1
    assert saved(db).title_en == "Privacy"


def test_an_english_title_and_text_are_required(client, db, world):
    sign_in(client, world.users["admin"])
    response = client.post("/admin/site-pages/terms/edit", data={**PAGE, "body_en": " "})
    assert response.status_code == 422
    assert 'id="body_en-error"' in response.get_data(as_text=True)
    assert saved(db, "terms") is None


def test_restoring_the_default_forgets_the_saved_text(client, db, world):
    sign_in(client, world.users["admin"])
    client.post("/admin/site-pages/terms/edit", data=PAGE)
    assert "Restore the default text" in client.get("/admin/site-pages/terms/edit").get_data(
        as_text=True
    )
    assert client.post("/admin/site-pages/terms/reset").status_code == 302
    assert saved(db, "terms") is None
    assert db.session.query(AuditEntry).filter_by(action="site_page.reset").count() == 1
    assert "<h1>Terms of use</h1>" in client.get("/en/terms").get_data(as_text=True)


@pytest.mark.parametrize("role", ["manager", "editor", "outsider", "nobody"])
def test_no_one_else_writes_the_site_pages(client, db, world, role):
    sign_in(client, world.users[role])
    assert client.get("/admin/site-pages/").status_code == 403
    assert client.get("/admin/site-pages/privacy/edit").status_code == 403
    assert client.post("/admin/site-pages/privacy/edit", data=PAGE).status_code == 403
    assert client.post("/admin/site-pages/privacy/reset").status_code == 403
    assert saved(db) is None
    assert 'href="/admin/site-pages/"' not in client.get("/admin/").get_data(as_text=True)


def test_signed_out_visitors_are_sent_to_sign_in(client, db, world):
    response = client.post("/admin/site-pages/privacy/edit", data=PAGE)
    assert response.status_code == 302
    assert "/admin/login" in response.headers["Location"]
    assert saved(db) is None


def test_an_unknown_page_is_not_found(client, db, world):
    sign_in(client, world.users["admin"])
    assert client.get("/admin/site-pages/cookies/edit").status_code == 404
    assert client.post("/admin/site-pages/cookies/reset").status_code == 404


def test_the_service_refuses_unknown_pages_and_empty_titles(db):
    with pytest.raises(KeyError):
        site_pages.save_page("cookies", PAGE)
    with pytest.raises(ContentError) as refused:
        site_pages.save_page("privacy", {**PAGE, "title_en": "", "body_en": ""})
    assert set(refused.value.errors) == {"title_en", "body_en"}
    assert saved(db) is None
    site_pages.reset_page("privacy")  # nothing saved: nothing to forget
    assert db.session.query(AuditEntry).filter_by(action="site_page.reset").count() == 0
