"""``attempt``: a service's refusal undoes only the service's own work and becomes form
errors or flashed messages; what the request did before it stays."""

from __future__ import annotations

import sqlalchemy as sa
from flask import get_flashed_messages
from flask_wtf import FlaskForm
from wtforms import StringField

from campaigns.admin.views.support import attempt
from campaigns.catalog import ContentError
from campaigns.models import Organization


class _SlugForm(FlaskForm):
    slug = StringField()


def _add_then_refuse(db, slug: str):
    db.session.add(Organization(slug=slug, name_en=slug))
    db.session.flush()
    raise ContentError({"slug": "This address is taken.", "other": "Something else."})


def _slugs(db) -> set[str]:
    return set(db.session.scalars(sa.select(Organization.slug)))


def test_a_refusal_undoes_the_service_and_keeps_what_came_before(app, db):
    with app.test_request_context("/admin/", method="POST", data={"slug": "refused"}):
        db.session.add(Organization(slug="before", name_en="Before"))
        db.session.flush()
        form = _SlugForm(meta={"csrf": False})
        outcome = attempt(form, _add_then_refuse, db, "refused")
        assert outcome.refused
        assert outcome.errors == ["Something else."]
        assert form.slug.errors == ["This address is taken."]
        assert _slugs(db) == {"before"}


def test_without_a_form_the_refusal_is_flashed(app, db):
    with app.test_request_context("/admin/", method="POST"):
        outcome = attempt(None, _add_then_refuse, db, "flashed")
        assert outcome.refused
        assert get_flashed_messages(with_categories=True) == [
            ("error", "This address is taken."),
            ("error", "Something else."),
        ]
        assert "flashed" not in _slugs(db)


def test_an_accepted_call_returns_its_value_and_keeps_its_work(app, db):
    def add(slug):
        organization = Organization(slug=slug, name_en=slug)
        db.session.add(organization)
        db.session.flush()
        return organization

    with app.test_request_context("/admin/", method="POST"):
        outcome = attempt(None, add, "accepted")
        assert not outcome.refused
        assert outcome.value.slug == "accepted"
        assert "accepted" in _slugs(db)
