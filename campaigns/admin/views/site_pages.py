"""The site's own pages (privacy notice, terms of use), written by platform admins."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from campaigns import site_pages
from campaigns.admin import access, bp
from campaigns.admin.forms import ButtonForm, SitePageForm
from campaigns.admin.views.support import attempt, wants_preview


def _slug_or_404(slug: str) -> str:
    if slug not in site_pages.SLUGS:
        abort(404)
    return slug


@bp.get("/site-pages/")
@access.platform_admin_required
def site_page_list():
    """The site's pages, and whether each shows its default text."""
    pages = [site_pages.page(slug) for slug in site_pages.SLUGS]
    return render_template("admin/site_pages.html", pages=pages)


@bp.route("/site-pages/<slug>/edit", methods=["GET", "POST"])
@access.platform_admin_required
def site_page_edit(slug: str):
    """Write a page in English and Arabic, with a preview before saving."""
    page = site_pages.page(_slug_or_404(slug))
    data = None
    if request.method == "GET":
        data = {name: getattr(page, name) for name in site_pages.TEXT_FIELDS}
    form = SitePageForm(data=data)
    errors: list[str] = []
    preview = request.method == "POST" and wants_preview()
    if preview:
        form.validate()
    elif form.validate_on_submit():
        saved = attempt(form, site_pages.save_page, slug, form.data)
        if not saved.refused:
            flash(_("The page was saved."), "success")
            return redirect(url_for("admin.site_page_edit", slug=slug))
        errors = saved.errors
    status = 422 if request.method == "POST" and not preview else 200
    page_html = render_template(
        "admin/site_page_form.html",
        page=page,
        form=form,
        errors=errors,
        preview=preview,
        reset_form=ButtonForm(formdata=None),
    )
    return page_html, status


@bp.post("/site-pages/<slug>/reset")
@access.platform_admin_required
def site_page_reset(slug: str):
    """Go back to the default text."""
    _slug_or_404(slug)
    if not ButtonForm().validate_on_submit():
        abort(400)
    site_pages.reset_page(slug)
    flash(_("The page shows its default text again."), "success")
    return redirect(url_for("admin.site_page_edit", slug=slug))
