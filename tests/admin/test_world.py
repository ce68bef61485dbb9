"""The admin tests' world holds what its description promises."""

from __future__ import annotations

from campaigns.models import Role, User
from tests.admin.world import build_world


def test_world_has_one_person_per_role(make, db):
    world = build_world(make, db)
    users = {name: db.session.get(User, uid) for name, uid in world.users.items() if uid}
    assert users["admin"].is_platform_admin
    assert [m.role for m in users["manager"].memberships] == [Role.MANAGER]
    assert [m.role for m in users["editor"].memberships] == [Role.EDITOR]
    assert users["outsider"].memberships[0].organization_id == world.other_org
    assert users["nobody"].memberships == []
