"""Each role against each admin route.

Roles: platform admin; manager and editor of the organization that owns the objects in the
URLs; "outsider", a manager of another organization; "nobody", signed in without any
role; and an anonymous visitor. An outsider asking for another organization's campaign,
update, donation or members gets 404 and changes nothing; a role without the ability gets
403; an anonymous visitor is sent to the sign-in page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from campaigns.models import (
    AuditEntry,
    Campaign,
    Chapter,
    Donation,
    DonationTier,
    ImpactFigure,
    Membership,
    Organization,
    Update,
    User,
)
from tests.admin.world import build_world, campaign_form, sign_in

ROLES = ("admin", "manager", "editor", "outsider", "nobody", "anonymous")

#: Who may use a route, by kind of route. "list": the route has no object of one
#: organization in its URL, so the outsider may use it (and sees only their own objects).
ALLOWED = {
    "signed-in": {"admin", "manager", "editor", "outsider", "nobody"},
    "content-list": {"admin", "manager", "editor", "outsider"},
    "content": {"admin", "manager", "editor"},
    "money-list": {"admin", "manager", "outsider"},
    "money": {"admin", "manager"},
    "platform": {"admin"},
}
#: Roles holding the ability somewhere (so refusals of objects elsewhere are 404, not 403).
HOLDS = {
    "content": {"admin", "manager", "editor", "outsider"},
    "money": {"admin", "manager", "outsider"},
}


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    kind: str
    data: object = None
    #: Answer for the outsider when the organization comes in the form, not the URL.
    outsider_status: int = 404

    def __str__(self):
        return f"{self.method} {self.path}"


def tier_rows(world):
    return {
        "rows-0-tier_id": str(world.tier),
        "rows-0-position": "1",
        "rows-0-amount": "12",
        "rows-0-description_en": "A box of medicines",
        "rows-1-position": "2",
        "rows-1-amount": "77",
    }


ROUTES = [
    Route("GET", "/admin/", "signed-in"),
    Route("GET", "/admin/account/password", "signed-in"),
    Route("GET", "/admin/campaigns/", "content-list"),
    Route("GET", "/admin/campaigns/new", "content-list"),
    Route(
        "POST",
        "/admin/campaigns/new",
        "content",
        lambda w: campaign_form(organization=str(w.org), slug="brand-new"),
        outsider_status=422,
    ),
    Route("GET", "/admin/campaigns/{campaign}/edit", "content"),
    Route(
        "POST",
        "/admin/campaigns/{campaign}/edit",
        "content",
        lambda w: campaign_form(title_en="Renamed", slug="clinic"),
    ),
    Route("GET", "/admin/campaigns/{campaign}/preview", "content"),
    Route("POST", "/admin/campaigns/{campaign}/close", "content"),
    Route("POST", "/admin/campaigns/{campaign}/archive", "content"),
    Route("POST", "/admin/campaigns/{draft}/publish", "content"),
    Route("POST", "/admin/campaigns/{draft}/delete", "content"),
    Route("GET", "/admin/campaigns/{campaign}/cover", "content"),
    Route("POST", "/admin/campaigns/{campaign}/cover/remove", "content"),
    Route("GET", "/admin/campaigns/{campaign}/tiers", "content"),
    Route("POST", "/admin/campaigns/{campaign}/tiers", "content", tier_rows),
    Route("GET", "/admin/campaigns/{campaign}/impact", "content"),
    Route(
        "POST",
        "/admin/campaigns/{campaign}/impact",
        "content",
        {"rows-0-value": "44", "rows-0-label_en": "health facilities"},
    ),
    Route("GET", "/admin/campaigns/{campaign}/chapters/", "content"),
    Route("GET", "/admin/campaigns/{campaign}/chapters/new", "content"),
    Route(
        "POST",
        "/admin/campaigns/{campaign}/chapters/new",
        "content",
        {"happened_on": "2013", "title_en": "Beginnings"},
    ),
    Route("GET", "/admin/campaigns/{campaign}/chapters/{chapter}/edit", "content"),
    Route(
        "POST",
        "/admin/campaigns/{campaign}/chapters/{chapter}/edit",
        "content",
        {"happened_on": "2014-05", "title_en": "Changed"},
    ),
    Route("POST", "/admin/campaigns/{campaign}/chapters/{chapter}/delete", "content"),
    Route("GET", "/admin/updates/", "content-list"),
    Route("GET", "/admin/updates/?campaign={campaign}", "content"),
    Route("GET", "/admin/updates/new", "content-list"),
    Route(
        "POST",
        "/admin/updates/new",
        "content",
        lambda w: {
            "organization": str(w.org),
            "campaign": "0",
            "category": "news",
            "title_en": "Fresh news",
            "body_en": "Text.",
        },
        outsider_status=422,
    ),
    Route("GET", "/admin/updates/{update}/edit", "content"),
    Route(
        "POST",
        "/admin/updates/{update}/edit",
        "content",
        lambda w: {
            "campaign": str(w.campaign),
            "category": "news",
            "title_en": "Edited news",
            "body_en": "Text.",
        },
    ),
    Route("POST", "/admin/updates/{update}/unpublish", "content"),
    Route("POST", "/admin/updates/{update}/delete", "content"),
    Route("GET", "/admin/donations/", "money-list"),
    Route("GET", "/admin/donations/?campaign={campaign}", "money"),
    Route("GET", "/admin/donations/export.csv", "money-list"),
    Route("GET", "/admin/donations/export.csv?campaign={campaign}", "money"),
    Route("GET", "/admin/donations/{donation}", "money"),
    Route("GET", "/admin/donations/{donation}/refund", "money"),
    Route("POST", "/admin/donations/{donation}/refund", "money", {"amount": "10"}),
    Route("GET", "/admin/campaigns/{campaign}/offline-gift", "money"),
    Route(
        "POST",
        "/admin/campaigns/{campaign}/offline-gift",
        "money",
        {
            "amount": "100",
            "method": "cash",
            "received_on": "2024-01-05",
            "reference": "R-1",
            "donor_name": "Walk-in donor",
        },
    ),
    Route("GET", "/admin/organizations/", "content-list"),
    Route("GET", "/admin/organizations/new", "platform"),
    Route(
        "POST",
        "/admin/organizations/new",
        "platform",
        {"name_en": "Brand New NGO", "founded_on": "2019-04"},
    ),
    Route("GET", "/admin/organizations/{org}/edit", "content"),
    Route(
        "POST",
        "/admin/organizations/{org}/edit",
        "content",
        {"name_en": "Sunrise Relief Renamed", "slug": "sunrise"},
    ),
    Route("POST", "/admin/organizations/{org}/logo", "content"),
    Route("GET", "/admin/organizations/{org}/members", "money"),
    Route(
        "POST",
        "/admin/organizations/{org}/members",
        "money",
        {"email": "outsider@example.org", "role": "editor"},
    ),
    Route(
        "POST",
        "/admin/organizations/{org}/members/{editor_membership}/role",
        "money",
        {"role": "manager"},
    ),
    Route("POST", "/admin/organizations/{org}/members/{editor_membership}/remove", "money"),
    Route("GET", "/admin/audit/", "money-list"),
]


def snapshot(db) -> dict:
    """Everything a refused request must leave as it was."""
    s = db.session
    return {
        "campaigns": sorted(
            (c.id, c.slug, c.title_en, c.state.value, c.raised_minor, c.cover_image)
            for c in s.scalars(select(Campaign))
        ),
        "tiers": sorted(
            (t.id, t.amount_minor, t.position) for t in s.scalars(select(DonationTier))
        ),
        "impact": sorted((f.id, f.value) for f in s.scalars(select(ImpactFigure))),
        "chapters": sorted((c.id, c.title_en, c.happened_on) for c in s.scalars(select(Chapter))),
        "updates": sorted(
            (u.id, u.title_en, u.campaign_id, str(u.published_at))
            for u in s.scalars(select(Update))
        ),
        "donations": sorted(
            (d.id, d.status.value, d.refunded_minor) for d in s.scalars(select(Donation))
        ),
        "members": sorted((m.id, m.user_id, m.role.value) for m in s.scalars(select(Membership))),
        "organizations": sorted(
            (o.id, o.slug, o.name_en, o.logo) for o in s.scalars(select(Organization))
        ),
        "users": s.query(User).count(),
        "audit": s.query(AuditEntry).count(),
    }


def expected(route: Route, role: str) -> str | int:
    if role == "anonymous":
        return "login"
    if role in ALLOWED[route.kind]:
        return "ok"
    if route.kind == "platform":
        return 403
    if role == "outsider":
        return route.outsider_status
    base = route.kind.removesuffix("-list")
    if base in HOLDS and role in HOLDS[base] and not route.kind.endswith("-list"):
        return 404
    return 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_role_against_route(client, db, make, route, role):
    world = build_world(make, db)
    ids = {
        "campaign": world.campaign,
        "draft": world.draft,
        "chapter": world.chapter,
        "update": world.update,
        "donation": world.donation,
        "org": world.org,
        "editor_membership": world.editor_membership,
    }
    path = route.path.format(**ids)
    data = route.data(world) if callable(route.data) else route.data
    sign_in(client, world.users[role])
    before = snapshot(db)
    response = client.open(path, method=route.method, data=data)
    outcome = expected(route, role)
    if outcome == "login":
        assert response.status_code == 302
        assert "/admin/login" in response.headers["Location"]
    elif outcome == "ok":
        assert response.status_code in (200, 302), response.get_data(as_text=True)[:2000]
        if response.status_code == 302:
            assert "/admin/login" not in response.headers["Location"]
    else:
        assert response.status_code == outcome
    if outcome != "ok":
        db.session.expire_all()
        after = snapshot(db)
        assert after == before


@pytest.mark.parametrize(
    "path",
    [
        "/admin/campaigns/{other_campaign}/edit",
        "/admin/campaigns/{campaign}/chapters/{other_chapter}/edit",
        "/admin/updates/{other_update}/edit",
        "/admin/donations/{other_donation}/refund",
        "/admin/campaigns/{other_campaign}/offline-gift",
        "/admin/organizations/{other_org}/members",
    ],
)
def test_manager_meets_404_for_other_organizations_objects(client, db, make, path):
    world = build_world(make, db)
    sign_in(client, world.users["manager"])
    url = path.format(**vars(world))
    before = snapshot(db)
    assert client.get(url).status_code == 404
    posted = {"title_en": "Hijacked", "happened_on": "2020", "amount": "1", "confirmed": "yes"}
    assert client.post(url, data=posted).status_code == 404
    db.session.expire_all()
    assert snapshot(db) == before


def test_lists_show_only_the_users_organizations(client, db, make):
    world = build_world(make, db)
    sign_in(client, world.users["manager"])
    campaigns = client.get("/admin/campaigns/").get_data(as_text=True)
    assert "Clinic" in campaigns
    assert "Theirs" not in campaigns
    donations = client.get("/admin/donations/").get_data(as_text=True)
    assert "Ours" in donations
    assert "Theirs" not in donations
    updates = client.get("/admin/updates/").get_data(as_text=True)
    assert "Our news" in updates
    assert "Their news" not in updates
    export = client.get("/admin/donations/export.csv").get_data(as_text=True)
    assert "Ours" in export
    assert "Theirs" not in export


def test_platform_admin_sees_every_organization(client, db, make):
    world = build_world(make, db)
    sign_in(client, world.users["admin"])
    campaigns = client.get("/admin/campaigns/").get_data(as_text=True)
    assert "Clinic" in campaigns
    assert "Theirs" in campaigns
    assert client.get(f"/admin/donations/{world.other_donation}").status_code == 200


def test_editor_sees_no_donations_on_the_dashboard(client, db, make):
    world = build_world(make, db)
    sign_in(client, world.users["editor"])
    page = client.get("/admin/").get_data(as_text=True)
    assert "Clinic" in page
    assert "Latest donations" not in page
    assert "Ours" not in page


def test_audit_log_of_a_manager_holds_only_their_organization(client, db, make):
    world = build_world(make, db)
    sign_in(client, world.users["admin"])
    client.post(f"/admin/campaigns/{world.other_campaign}/close")
    client.post(f"/admin/campaigns/{world.campaign}/archive")
    client.post("/admin/logout")
    sign_in(client, world.users["manager"])
    page = client.get("/admin/audit/").get_data(as_text=True)
    assert "campaign.archive" in page
    assert "campaign.close" not in page


def test_audit_log_pages_keep_the_action_filter(client, db, make):
    from campaigns.admin.views.audit_log import PER_PAGE
    from campaigns.models import AuditEntry

    world = build_world(make, db)
    admin = db.session.get(User, world.users["admin"])
    for n in range(PER_PAGE + 5):
        db.session.add(
            AuditEntry(user=admin, action="campaign.edit", object_type="campaign", object_id=n)
        )
    db.session.commit()
    sign_in(client, world.users["admin"])
    first = client.get("/admin/audit/", query_string={"action": "campaign.edit"})
    html = first.get_data(as_text=True)
    older = re.search(r'rel="next" href="(/admin/audit/\?[^"]+)"', html)
    assert older, html
    link = older.group(1).replace("&amp;", "&")
    assert "action=campaign.edit" in link
    assert "older=" in link
    second = client.get(link).get_data(as_text=True)
    assert 'rel="prev"' in second
    assert second.count("<tr>") - 1 == 5
    # The first page's rows and the second's are the entries, each once.
    shown = re.findall(r"campaign #(\d+)", html) + re.findall(r"campaign #(\d+)", second)
    assert sorted(map(int, shown)) == list(range(1, PER_PAGE + 5))
