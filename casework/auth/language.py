"""The UI's language: each user's choice on their account page, and the switch of the pages
without a login ("English · Español"), which remembers a visitor's choice in a cookie."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, refresh
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from casework.auth.blueprint import bp
from casework.auth.forms import LanguageForm
from casework.auth.services import is_local_path, set_ui_language
from casework.extensions import db
from casework.i18n import DEFAULT_LANGUAGE, LANGUAGE_COOKIE, LANGUAGES, select_language
from casework.models import STAFF_ROLES, Role
from casework.permissions import acting_user, public, roles_required

COOKIE_LIFETIME = timedelta(days=365)


@bp.route("/account/language", methods=["GET", "POST"], endpoint="language")
@roles_required(*STAFF_ROLES, Role.MEMBER)
def language_page() -> Response | str:
    """Choose the language of one's pages; it applies from the next page on."""
    user = acting_user()
    form = LanguageForm()
    if form.validate_on_submit():
        set_ui_language(user, form.ui_language.data or "")
        db.session.commit()
        refresh()  # the confirmation is already in the new language, which it names:
        flash(_("Your pages are now in English."), "success")  # "... en español." in Spanish
        return redirect(url_for("auth.language"))
    if not form.is_submitted():
        form.ui_language.data = user.ui_language or select_language()
    return render_template("auth/language.html", form=form)


@bp.route(f"/language/<any({', '.join(LANGUAGES)}):language>")
@public
def choose_language(language: str) -> Response:
    """The switch: remember the visitor's language in a cookie and show the same page again.

    Changes no data (a cookie of the visitor's own), so a plain link works without a script.
    """
    back = request.args.get("next")
    if not is_local_path(back):
        back = url_for("auth.login")
    response = redirect(back)
    response.set_cookie(LANGUAGE_COOKIE, language, max_age=int(COOKIE_LIFETIME.total_seconds()),
                        samesite="Lax", httponly=True,
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
    return response


def language_switch(stay: bool = True) -> list[tuple[str, str, str, bool]]:
    """The switch's links from this page: (code, the language's own name, link, is current).

    The link leads back to this page's path (and the login page's ``next``), never with the
    rest of its query string; without ``stay`` (error pages, which never repeat the address
    asked for) or on a page whose address holds a secret (``token``), to the login page."""
    back = None
    if stay and "token" not in (request.view_args or {}):
        back = request.path
        wanted = request.args.get("next")
        if is_local_path(wanted):
            back = f"{back}?{urlencode({'next': wanted})}"
    current = page_language()
    return [(code, name, url_for("auth.choose_language", language=code, next=back), code == current)
            for code, name in LANGUAGES.items()]


def page_language() -> str:
    """The language this page is served in (for ``<html lang>``)."""
    return str(get_locale() or DEFAULT_LANGUAGE)


bp.add_app_template_global(language_switch)
bp.add_app_template_global(page_language)
