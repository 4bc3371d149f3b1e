"""The UI's languages (Flask-Babel): which one a request is served in, and the compiled catalogs.

Strings are marked with `gettext` / `lazy_gettext` (imported as `_` / `_l`) in Python and with
`_()` in templates. `make catalogs` extracts them into `casework/translations/messages.pot` and
updates the Spanish catalog; the `.mo` files are compiled from the `.po` files by
`compile_catalogs()` (`make run`, `make test` and the test session do it).
"""

from __future__ import annotations

import os
import tempfile
from functools import cached_property
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, g, has_app_context, has_request_context, request
from flask_babel import Babel, Domain, get_locale
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
LANGUAGES = {"en": "English", "es": "Español"}
DEFAULT_LANGUAGE = "en"
# The visible switch on pages without a login remembers the choice in this cookie.
LANGUAGE_COOKIE = "lang"

_LOADING_USER = "casework_loading_user"


class LocaleCachedDomain(Domain):
    """Flask-Babel's domain, with the request's catalog kept next to the request's locale.

    Flask-Babel finds the catalog for every string anew (formatting the locale's name, about
    10 µs): a board of 100 cards spent a fifth of its time on it. The catalog is kept in
    Flask-Babel's request context with the locale object it was found for, so a new locale
    (``refresh()``, ``force_locale``) finds its own.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.by_locale: dict[tuple[str | None, ...], Any] = {}

    def get_translations(self) -> Any:
        context: Any = g.get("_flask_babel") if g else None
        locale = getattr(context, "babel_locale", None)
        if locale is None:  # the request's first string chooses its locale
            locale = get_locale()
            if locale is None:  # outside a request: Flask-Babel's null catalog
                return super().get_translations()
            context = g._flask_babel
        kept = getattr(context, "casework_catalog", None)
        if kept is not None and kept[0] is locale:
            return kept[1]
        key = (locale.language, locale.territory, locale.script, locale.variant, locale.modifier)
        translations = self.by_locale.get(key)
        if translations is None:
            translations = self.by_locale[key] = super().get_translations()
        context.casework_catalog = (locale, translations)
        return translations


class CaseworkBabel(Babel):
    @cached_property
    def domain_instance(self) -> Domain:
        return LocaleCachedDomain(domain=self.domain)


babel = CaseworkBabel()


def self_named_languages() -> list[tuple[str, Markup]]:
    """Each UI language named in its own words, marked as written in it, as pickers name them:
    ``<span lang="en">English</span>`` is read in English on a Spanish page too."""
    return [(code, Markup('<span lang="{0}">{1}</span>').format(code, name))
            for code, name in LANGUAGES.items()]


def N_(msgid: str) -> str:
    """Mark an English text for the catalog without translating it: it is stored and
    translated when shown (see ``casework.system_text``)."""
    return msgid


def select_language() -> str:
    """The user's own choice; else the switch's cookie; else the browser's Accept-Language.

    Outside a request (a CLI command, `flask casework tick`) there is no one to ask: the default.
    """
    if not has_request_context():
        return DEFAULT_LANGUAGE
    # Loading the user may itself say something (a session that ended): asked then, the
    # answer is the visitor's, as the user is being logged out.
    if not g.get(_LOADING_USER):
        g.setdefault(_LOADING_USER, True)
        try:
            user = current_user._get_current_object()
        finally:
            g.pop(_LOADING_USER, None)
        chosen = getattr(user, "ui_language", None) if user.is_authenticated else None
        if chosen in LANGUAGES:
            return str(chosen)
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in LANGUAGES:
        return str(cookie)
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def init_i18n(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_language,
                   default_translation_directories=str(TRANSLATIONS_DIR))
    # Flask-Babel's template callables, without its search for the domain on every string.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]  # jinja2.ext.i18n
        gettext=lambda s: catalog().ugettext(s),
        ngettext=lambda s, p, n: catalog().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: catalog().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalog().unpgettext(c, s, p, n),
    )
    app.context_processor(render_translations)


def render_translations() -> dict[str, Any]:
    """``_`` and ``ngettext`` for one render, bound to its catalog.

    The callables above find the request's catalog anew for every string, through three of
    Jinja's ``context.call`` layers: a case page says about 100 strings. These do what Jinja's
    new-style gettext does (autoescape, then ``%`` with the values) with the catalog found once
    per render (``render_template`` runs inside any ``force_locale`` that chooses it).
    Macros imported without the context still use the callables above.
    """
    translations = catalog()

    @pass_eval_context
    def gettext(eval_context: EvalContext, string: str, **values: Any) -> str:
        text = translations.ugettext(string)
        return (Markup(text) if eval_context.autoescape else text) % values  # noqa: S704 - as Jinja does

    @pass_eval_context
    def ngettext(eval_context: EvalContext, singular: str, plural: str, num: int,
                 **values: Any) -> str:
        values.setdefault("num", num)
        text = translations.ungettext(singular, plural, num)
        return (Markup(text) if eval_context.autoescape else text) % values  # noqa: S704 - as Jinja does

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext}


def catalog() -> Any:
    """The request's catalog (Flask-Babel's default domain: the app uses no other)."""
    return babel.domain_instance.get_translations()


def lazy_pgettext(context: str, msgid: str) -> LazyString:
    """Flask-Babel's ``lazy_pgettext`` (the same lazy string), translated through ``catalog()``
    when shown: enum labels are shown once or twice per row of every list (a target page
    shows 200), and Flask-Babel's way to the catalog looks the request up six times more."""
    return LazyString(_pgettext, context, msgid)


def _pgettext(context: str, msgid: str) -> str:
    if not has_app_context():  # as Flask-Babel does: the text as written (English)
        return msgid
    return str(catalog().upgettext(context, msgid))


def compile_catalogs(directory: Path = TRANSLATIONS_DIR) -> None:
    """Compile every `.po` whose `.mo` is missing or older (atomically: workers may race)."""
    for po_path in directory.glob("*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        handle, temporary = tempfile.mkstemp(dir=po_path.parent, suffix=".mo.tmp")
        with os.fdopen(handle, "wb") as mo_file:
            write_mo(mo_file, catalog)
        os.chmod(temporary, 0o644)
        os.replace(temporary, mo_path)
