"""The UI's languages (Flask-Babel): which one a request is served in, and the compiled catalogs.

Strings are marked with `gettext` / `lazy_gettext` (imported as `_` / `_l`) in Python and with
`_()` in templates. `make catalogs` extracts them into `casework/translations/messages.pot` and
updates the Spanish catalog; the `.mo` files are compiled from the `.po` files by
`compile_catalogs()` (`make run`, `make test` and the test session do it).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, g, has_request_context, request
from flask_babel import Babel
from flask_login import current_user
from markupsafe import Markup

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
LANGUAGES = {"en": "English", "es": "Español"}
DEFAULT_LANGUAGE = "en"
# The visible switch on pages without a login remembers the choice in this cookie.
LANGUAGE_COOKIE = "lang"

_LOADING_USER = "casework_loading_user"

babel = Babel()


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
