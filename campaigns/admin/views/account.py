"""Signing in and out, one's own password, and ending one's other sessions."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, logout_user

from campaigns.admin import auth, bp, members, password_reset
from campaigns.admin.forms import (
    ButtonForm,
    ForgotPasswordForm,
    LoginForm,
    PasswordForm,
    ResetPasswordForm,
)
from campaigns.admin.views.support import attempt, safe_next
from campaigns.i18n import current_language


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in; repeated failures for an account or from an address are refused a while,
    except in a browser that signed in to the account before (its device cookie)."""
    if current_user.is_authenticated:
        return redirect(safe_next())
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        address = request.remote_addr or "unknown"
        try:
            user = auth.authenticate(
                form.email.data,
                form.password.data,
                address,
                request.cookies.get(auth.DEVICE_COOKIE),
            )
        except auth.Throttled as exc:
            form.form_errors.append(_throttled(exc.minutes))
            status = 429
        else:
            if user is not None:
                return _signed_in(user)
            form.form_errors.append(_("The email or password is not right."))
    elif request.method == "POST":
        status = 400
    return render_template("admin/login.html", form=form), status


def _throttled(minutes: int) -> str:
    return ngettext(
        "Too many failed attempts to sign in. For your safety, wait %(num)s minute and try again.",
        "Too many failed attempts to sign in. For your safety, wait %(num)s minutes and try again.",
        minutes,
    )


def _signed_in(user):
    """The answer to a successful sign-in: a new session, and a device cookie."""
    target = safe_next()
    auth.start_session(user)
    response = redirect(target)
    auth.remember_device(response, user)
    return response


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


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    """Ask for a reset link; the answer is the same whether the address is known or not."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        password_reset.request_reset(form.email.data or "", current_language())
        return render_template("admin/password_forgot.html", form=None)
    status = 400 if request.method == "POST" else 200
    return render_template("admin/password_forgot.html", form=form), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password through the emailed link (expiring, single use)."""
    user = password_reset.user_for(token)
    if user is None:
        page = render_template("admin/password_reset.html", form=None)
        return page, 404, {"Referrer-Policy": "no-referrer"}
    form = ResetPasswordForm()
    if form.validate_on_submit():
        password_reset.reset_password(user, form.new_password.data or "")
        flash(_("Your password has been changed. Sign in with it."), "success")
        return redirect(url_for("admin.login"))
    status = 422 if request.method == "POST" else 200
    page = render_template("admin/password_reset.html", form=form)
    return page, status, {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password."""
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
            return _password_changed()
        errors = changed.errors
    status = 422 if form.errors or errors else 200
    page = render_template(
        "admin/password.html", form=form, errors=errors, button=ButtonForm(formdata=None)
    )
    return page, status


def _password_changed():
    """Every other session ended with the old password; this one goes on."""
    auth.keep_this_session(current_user)
    flash(_("Your password has been changed."), "success")
    if members.invitations_for(current_user):
        return redirect(url_for("admin.invitation_list"))
    return redirect(url_for("admin.dashboard"))


@bp.post("/account/sessions/end")
@login_required
def end_other_sessions():
    """Sign out everywhere else: every other browser holding a session of this account."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    auth.end_other_sessions(current_user)
    flash(_("Every other session of your account has been signed out."), "success")
    return redirect(url_for("admin.change_password"))
