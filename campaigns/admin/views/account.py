"""Signing in and out, and changing one's own password."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from campaigns.admin import auth, bp, members
from campaigns.admin.forms import ButtonForm, LoginForm, PasswordForm
from campaigns.admin.views.support import attempt, safe_next


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in; repeated failures for an account or from an address are refused a while."""
    if current_user.is_authenticated:
        return redirect(safe_next())
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        address = request.remote_addr or "unknown"
        try:
            user = auth.authenticate(form.email.data, form.password.data, address)
        except auth.Throttled as exc:
            form.form_errors.append(
                ngettext(
                    "Too many failed attempts to sign in. For your safety, wait "
                    "%(num)s minute and try again.",
                    "Too many failed attempts to sign in. For your safety, wait "
                    "%(num)s minutes and try again.",
                    exc.minutes,
                )
            )
            status = 429
        else:
            if user is not None:
                target = safe_next()
                # A new session: nothing from before signing in is carried over.
                session.clear()
                login_user(user)
                return redirect(target)
            form.form_errors.append(_("The email or password is not right."))
    elif request.method == "POST":
        status = 400
    return render_template("admin/login.html", form=form), status


@bp.post("/logout")
def logout():
    """Sign out (a POST with a CSRF token, so no other site can sign a user out)."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    if current_user.is_authenticated:
        auth.sign_out(current_user)
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("admin.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password, for example the temporary one given on joining."""
    form = PasswordForm()
    errors: list[str] = []
    if form.validate_on_submit():
        changed = attempt(
            form,
            members.change_password,
            current_user,
            form.current_password.data,
            form.new_password.data,
        )
        if not changed.refused:
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("admin.dashboard"))
        errors = changed.errors
    status = 422 if form.errors or errors else 200
    return render_template("admin/password.html", form=form, errors=errors), status
