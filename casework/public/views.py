"""The public "get in touch" form at /n/<code>/get-in-touch: no login, English or Spanish.

Nothing the person typed goes into a URL or comes back after sending: the thank-you page is
the same for everyone (and for a robot that filled the honeypot), and says what happens next.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.wrappers import Response

from casework.extensions import db
from casework.models import Network
from casework.permissions import public
from casework.public.forms import InquiryForm, inquiry_from_form
from casework.public.services import (
    client_digest,
    create_web_inquiry,
    open_network,
    over_limit,
    record_sending,
)
from casework.public.texts import TEXTS, page_language
from casework.security.ratelimit import client_ip

bp = Blueprint("public", __name__)


@bp.route("/n/<code>/get-in-touch", methods=["GET", "POST"])
@public
def inquiry_form(code: str) -> Response | tuple[str, int]:
    language = page_language()
    network = open_network(code)
    if network is None:
        return closed_page(language)
    form = InquiryForm(TEXTS[language], language)
    if request.method == "GET":
        return form_page(network, language, form, 200)
    if not (form.honeypot_filled or form.validate()):
        return form_page(network, language, form, 400, problem="fix_fields")
    client = client_digest(client_ip())
    if over_limit(client):
        return form_page(network, language, form, 429, problem="too_many")
    record_sending(client)
    if not form.honeypot_filled:  # a robot is thanked like anyone, and nothing is created
        create_web_inquiry(network, inquiry_from_form(form))
    db.session.commit()
    return redirect(url_for("public.inquiry_thanks", code=code), 303)


@bp.route("/n/<code>/get-in-touch/thanks")
@public
def inquiry_thanks(code: str) -> tuple[str, int]:
    language = page_language()
    network = open_network(code)
    if network is None:
        return closed_page(language)
    return render_template("public/thanks.html", t=TEXTS[language], network=network,
                           language=language), 200


@bp.errorhandler(CSRFError)
def form_expired(_error: CSRFError) -> Response | tuple[str, int]:
    """An expired token: the form again, answers kept, with a fresh token to send it again."""
    code = str((request.view_args or {}).get("code", ""))
    language = page_language()
    network = open_network(code)
    if network is None:
        return closed_page(language)
    return form_page(network, language, InquiryForm(TEXTS[language], language), 400,
                     problem="expired")


def form_page(network: Network, language: str, form: InquiryForm, status: int,
              problem: str = "") -> tuple[str, int]:
    code = network.code.lower()
    return render_template("public/inquiry_form.html", t=TEXTS[language], form=form,
                           network=network, language=language,
                           action=url_for("public.inquiry_form", code=code),
                           problem=problem), status


def closed_page(language: str) -> tuple[str, int]:
    """The same page for a closed form and an unknown network: it tells nothing of either."""
    return render_template("public/closed.html", t=TEXTS[language], language=language), 404
