"""Small helpers shared by the admin views."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any
from urllib.parse import urlsplit

from flask import flash, request, url_for
from wtforms import Field
from wtforms.fields import FieldList, FormField

from campaigns.admin import access, bp
from campaigns.admin.access import Ability
from campaigns.admin.forms import METHOD_NAMES, SOURCE_NAMES, STATUS_NAMES
from campaigns.catalog import ContentError
from campaigns.catalog.labels import STATE_LABELS
from campaigns.extensions import db
from campaigns.models import Organization


def _fields(container):
    for field in container:
        if isinstance(field, FieldList | FormField):
            yield from _fields(field)
        else:
            yield field


def attach_errors(form, errors: dict[str, str]) -> list[str]:
    """Put each service error beside the form field of the same name.

    Returns the messages that belong to no field, to be shown above the form.
    """
    by_name: dict[str, Field] = {field.name: field for field in _fields(form)}
    leftover = []
    for name, message in errors.items():
        field = by_name.get(name)
        if field is None:
            leftover.append(message)
        else:
            field.errors = [*field.errors, message]
    return leftover


@dataclass
class Attempt:
    """What became of one service call: its result, or the errors that refused it."""

    value: Any = None
    refused: bool = False
    #: Messages that belong to no field of the form, to be shown above it.
    errors: list[str] = dataclass_field(default_factory=list)


def attempt(form, service: Callable[..., Any], *args, **kwargs) -> Attempt:
    """Call ``service``; if it refuses with a :class:`ContentError`, undo what it did and
    turn its errors into form errors (beside each field of ``form``), or into flashed
    messages when there is no form.

    The call runs in a savepoint, so a refusal leaves the session as it was before the
    call and the page re-shown shows what is stored. Committing is the request's business.
    """
    try:
        with db.session.begin_nested():
            value = service(*args, **kwargs)
    except ContentError as exc:
        if form is None:
            for message in exc.errors.values():
                flash(message, "error")
            return Attempt(refused=True)
        return Attempt(refused=True, errors=attach_errors(form, exc.errors))
    return Attempt(value=value)


def safe_next(default: str | None = None) -> str:
    """Where to go after signing in: a path on this site, never another host.

    Control characters are refused outright: browsers and ``urlsplit`` drop some of them
    (``/%0D%0A//host`` is then read as ``///host``), and a line break cannot go into a
    header.
    """
    target = request.values.get("next") or ""
    parts = urlsplit(target)
    if (
        target.startswith("/")
        and not any(unicodedata.category(char) == "Cc" for char in target)
        and not target.startswith("//")
        and not parts.scheme
        and not parts.netloc
        and "\\" not in target
    ):
        return target
    return default or url_for("admin.dashboard")


def wants_preview() -> bool:
    """The form was sent with its "Preview" button rather than "Save"."""
    return request.form.get("action") == "preview"


@bp.after_request
def no_store(response):
    """Admin pages show donors' details: keep them out of shared and browser caches."""
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def _organization_id(obj) -> int:
    return obj.id if isinstance(obj, Organization) else obj.organization_id


@bp.context_processor
def admin_context():
    return {
        "admin_can_content": access.can(Ability.CONTENT),
        "admin_can_money": access.can(Ability.MONEY),
        "admin_can_money_for": lambda obj: access.can(Ability.MONEY, _organization_id(obj)),
        "state_names": STATE_LABELS,
        "status_names": STATUS_NAMES,
        "source_names": SOURCE_NAMES,
        "method_names": METHOD_NAMES,
    }
