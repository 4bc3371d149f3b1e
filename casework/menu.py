"""The site menu's links, rendered once per role, language and URL root in each process.

They are the same on every page a role sees in a language (about 20 links and their names);
rendered on each request they cost about a third of a light page.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, get_template_attribute, request
from flask_babel import get_locale
from markupsafe import Markup

TEMPLATE = "_menu_links.html"


@dataclass(frozen=True)
class MenuLinks:
    staff: Markup
    coordinator: Markup
    account: Markup


def menu_links(role: str) -> MenuLinks:
    """The menu's ``<li>`` links for ``role`` in this request's language."""
    rendered = current_app.extensions["casework_menu"]
    key = (role, str(get_locale()), request.script_root)
    links = rendered.get(key)
    if links is None:
        links = MenuLinks(
            staff=get_template_attribute(TEMPLATE, "staff_links")(role),
            coordinator=get_template_attribute(TEMPLATE, "coordinator_links")(),
            account=get_template_attribute(TEMPLATE, "account_links")())
        if not current_app.jinja_env.auto_reload:  # a template edited in development shows
            rendered[key] = links
    return links


def install_menu(app: Flask) -> None:
    app.extensions["casework_menu"] = {}
    app.add_template_global(menu_links)
