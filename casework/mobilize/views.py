"""Mobilization email pages: the organizer's review and Send, and the pages the email's links
open for the person who got it (no login: the signed token in the link is the credential).

Mail scanners fetch every link of an email before its reader does. So a link's GET changes
nothing: it shows the answer with one button that POSTs it (recording on GET would let a
scanner answer both yes and no). The unsubscribe POST is RFC 8058's one-click: a mail
provider sends it without cookies or a form, so it is exempt from CSRF; the token is the
credential, and a forged request could only do what the token's holder may do anyway.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from casework.actions.services import ActionRefused
from casework.actions.views import action_url, attempt, load_action, render_show
from casework.audit.recorder import acting_as
from casework.clock import zone_of
from casework.extensions import csrf, db
from casework.forms import ActionForm
from casework.i18n import LANGUAGE_COOKIE, LANGUAGES
from casework.mobilize import services, texts
from casework.mobilize.forms import MobilizationEmailForm
from casework.models import CASE_TEAM_ROLES, CallAnswer, MobilizationRecipient
from casework.people.languages import language_name
from casework.permissions import acting_user, public, roles_required

bp = Blueprint("mobilize", __name__)

Page = Response | str | tuple[str, int]
ACTION = "/cases/<int:case_id>/actions/<int:action_id>/email"
LINK = "/mail/<token>"


@bp.route(ACTION, methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def save(case_id: int, action_id: int) -> Page:
    """Keep the text written on the action page, then show it for review."""
    case, action = load_action(case_id, action_id)
    form = MobilizationEmailForm()
    if form.validate_on_submit() and attempt(form, lambda: services.save_draft(
            action, acting_user(), form.texts())):
        return redirect(url_for("mobilize.review", case_id=case.id, action_id=action.id))
    return render_show(case, action, email_form=form), 400


@bp.route(f"{ACTION}/review")
@roles_required(*CASE_TEAM_ROLES)
def review(case_id: int, action_id: int) -> Page:
    """The email as people will read it, in each language, and how many will get it."""
    case, action = load_action(case_id, action_id)
    email = services.draft_of(action)
    if email is None:
        flash(_("Write the email first."), "error")
        return redirect(action_url(action, "email"))
    written = services.texts_of(action, email)
    link = _("‹a link of their own›")
    # Rendered apart, as text: a .txt template included in a page would not be escaped.
    previews = {language: render_template(
        "mobilize/email.txt", body=text["body"], words=texts.WORDS[language],  # type: ignore[index]
        network=case.network, yes=link, no=link, unsubscribe=link)
        for language, text in written.items()}
    return render_template(
        "mobilize/review.html", case=case, action=action, email=email, texts=written,
        previews=previews, names={code: language_name(code) for code in texts.LANGUAGES},
        audience=services.audience_of(action),
        is_open=services.answers_open(action), form=ActionForm())


@bp.route(f"{ACTION}/send", methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def send(case_id: int, action_id: int) -> Response:
    """Queue the email for everyone it has not gone to; `tick` sends it."""
    _case, action = load_action(case_id, action_id)
    form = ActionForm()
    queued: list[int] = []
    if form.validate_on_submit() and attempt(form, lambda: queued.append(
            services.send_email(action, acting_user()))):
        flash(ngettext("Email queued for %(num)d person: it goes out within minutes.",
                       "Email queued for %(num)d people: it goes out within minutes.", queued[0]),
              "success")
    else:
        flash(" ".join(form.form_errors) or _("The email was not sent: try again."), "error")
    return redirect(action_url(action, "email"))


def link_page(template: str, recipient: MobilizationRecipient, status: int = 200,
              **values: object) -> tuple[str, int]:
    """A page for the person who got the email, in their language: the page around it too,
    unless they chose another with the language switch."""
    action, network = recipient.action, recipient.action.case.network
    language = texts.language_of(recipient.language)
    when = texts.moment(action.starts_at, zone_of(network), language) \
        if action.starts_at else ""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    with force_locale(chosen if chosen in LANGUAGES else language):
        return render_template(
            template, words=texts.WORDS[language], language=language, network=network,
            kind=texts.KIND_NAMES[language][action.kind], when=when, place=action.place,
            **values), status


def broken_link() -> tuple[str, int]:
    return render_template("mobilize/broken_link.html", texts=texts.BROKEN_LINK), 404


def expired(recipient: MobilizationRecipient) -> tuple[str, int]:
    return link_page("mobilize/expired.html", recipient, 410)


@bp.route(f"{LINK}/<any(yes, no):answer>")
@public
def rsvp_page(token: str, answer: str) -> Page:
    """The answer the link stands for, with one button to send it (GET changes nothing)."""
    recipient = services.recipient_of(token)
    if recipient is None:
        return broken_link()
    if not services.answers_open(recipient.action):
        return expired(recipient)
    other = "no" if answer == "yes" else "yes"
    return link_page("mobilize/rsvp.html", recipient, answer=answer, form=ActionForm(),
                     other_url=url_for("mobilize.rsvp", token=token, answer=other))


@bp.route(f"{LINK}/<any(yes, no):answer>", methods=["POST"])
@public
def rsvp(token: str, answer: str) -> Page:
    """Record the answer on the call list, as a caller would."""
    recipient = services.recipient_of(token)
    if recipient is None:
        return broken_link()
    try:
        with acting_as(origin(), network_id=recipient.action.case.network_id):
            services.answer_by_link(recipient, CallAnswer(answer))
            db.session.commit()
    except (services.LinkExpired, ActionRefused):
        db.session.rollback()
        return expired(recipient)
    return link_page("mobilize/saved.html", recipient, answer=answer)


@bp.route(f"{LINK}/unsubscribe")
@public
def unsubscribe_page(token: str) -> Page:
    """What stopping the emails means, with one button (GET changes nothing)."""
    recipient = services.recipient_of(token)
    if recipient is None:
        return broken_link()
    return link_page("mobilize/unsubscribe.html", recipient, form=ActionForm(), done=False)


@bp.route(f"{LINK}/unsubscribe", methods=["POST"])
@csrf.exempt
@public
def unsubscribe(token: str) -> Page:
    """Withdraw the consent to email: the button of the page above, or the mail provider's
    RFC 8058 one-click POST (body ``List-Unsubscribe=One-Click``, which needs no reading)."""
    recipient = services.recipient_of(token)
    if recipient is None:
        return broken_link()
    with acting_as(origin(), network_id=recipient.person.network_id):
        services.unsubscribe_by_link(recipient)
        db.session.commit()
    return link_page("mobilize/unsubscribe.html", recipient, done=True)


def origin() -> str:
    """Where the request came from, as the audit log records it for anonymous visitors."""
    return (request.remote_addr or "unknown")[:64]
