"""Member portal pages: 'My fight', the demand letter's preview and approval; member logins.

Members reach only these pages (every staff route refuses ``Role.MEMBER``). The pages that take
an id look the object up *through the member's ownership*: a version of someone else's fight,
of another network, or asked for by a staff user simply does not exist here (404), the same
answer as any id of another network.
"""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response as BaseResponse

from casework.errors import PermissionDenied
from casework.extensions import db
from casework.letters.fetcher import ASSET_TYPES, ASSETS_DIR
from casework.letters.services import LetterRefused, context_of
from casework.models import STAFF_ROLES, Role
from casework.permissions import acting_user, load_case, roles_required
from casework.portal import services
from casework.portal.calls import member_call_actions
from casework.portal.forms import ApproveLetterForm, MemberLoginForm, invite_from
from casework.portal.home import home_url_for
from casework.privacy.gone import purged_page
from casework.users.invitations import INVITATION_DAYS, expires_on, member_invitation_of

bp = Blueprint("portal", __name__)

# Routes that take an id answer 404 to anyone who does not own it, staff included, so that
# staff are let through the role check and stopped by the ownership lookup.
ANY_LOGGED_IN = (Role.MEMBER, *STAFF_ROLES)

# What each state means, in the member's words rather than the organizers'.
STATE_EXPLAINED = {
    "inquiry": _l("We have your story and will be in touch."),
    "screening": _l("Organizers are gathering the facts with you."),
    "proposed": _l("Your fight goes to the network's meeting for a decision."),
    "drafting": _l("We are writing the demand letter with you."),
    "ready": _l("The demand letter is ready to be delivered."),
    "delivered": _l("The demand letter was delivered; the deadline is running."),
    "escalating": _l("The deadline passed: the network is taking action."),
    "negotiating": _l("Talks are going on with the other side."),
    "paused": _l("The fight is paused for now."),
    "declined": _l("The network could not take this fight on."),
    "won": _l("The fight is won."),
    "closed": _l("The fight is over."),
}


# Templates link to the user's start page with home_url_for(current_user).
bp.add_app_template_global(home_url_for)


@bp.route("/my-fight")
@roles_required(Role.MEMBER)
def my_fight() -> BaseResponse | str:
    """The member's own fights, each with its demand letter (a caller with no fight of their
    own is sent to their calls)."""
    fights = services.member_fights(acting_user())
    calls_to_make = member_call_actions(acting_user())
    if not fights and calls_to_make:
        return redirect(url_for("portal.my_calls"))
    forms = {fight.case.id: ApproveLetterForm(formdata=None,
                                              data={"fingerprint": fight.fingerprint})
             for fight in fights if fight.can_approve}
    return render_template("portal/my_fight.html", fights=fights, forms=forms,
                           explained=STATE_EXPLAINED, member=acting_user(),
                           calls_to_make=calls_to_make)


@bp.route("/my-fight/letters/<int:version_id>/preview")
@roles_required(*ANY_LOGGED_IN)
def preview(version_id: int) -> Response | tuple[str, int]:
    """The member's demand letter as HTML, from the same template and data as its PDF."""
    from casework.letters.rendering import render_html

    version = services.member_version(acting_user(), version_id)
    if version is None:
        abort(404)
    if version.purged_at is not None:
        return purged_page(_("Version %(number)s of your demand letter", number=version.number),
                           version.purged_at,
                           url_for("portal.my_fight"))
    html = render_html(context_of(version),
                       stylesheet_href=url_for("portal.asset", name="letter.css"))
    return Response(html, mimetype="text/html")


@bp.route("/my-fight/letters/<int:version_id>/approve", methods=["POST"])
@roles_required(*ANY_LOGGED_IN)
def approve(version_id: int) -> BaseResponse:
    """'I approve this version': the member's own approval of their demand letter."""
    member = acting_user()
    version = services.member_version(member, version_id)
    if version is None:
        abort(404)
    form = ApproveLetterForm()
    if not form.validate_on_submit():
        flash(_("This page is out of date: read the letter again, then approve it."), "error")
    else:
        try:
            services.approve_as_member(version, member, seen_fingerprint=form.fingerprint.data)
            db.session.commit()
        except LetterRefused as error:
            db.session.rollback()
            flash(str(error), "error")
        except StaleDataError:
            db.session.rollback()
            flash(_("Your fight changed a moment ago. Read the letter again, then approve it."),
                  "error")
        except PermissionDenied:
            abort(404)
        else:
            flash(_("Thank you: you approved version %(number)s of the demand letter.",
                    number=version.number), "success")
    return redirect(url_for("portal.my_fight"))


@bp.route("/my-fight/assets/<path:name>")
@roles_required(Role.MEMBER)
def asset(name: str) -> Response:
    """The letter stylesheet and fonts for the member's preview (letter file types only)."""
    if Path(name).suffix.lower() not in ASSET_TYPES:
        abort(404)
    return send_from_directory(ASSETS_DIR, name, max_age=3600)


@bp.route("/cases/<int:case_id>/member-login", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def member_login(case_id: int) -> BaseResponse | tuple[str, int]:
    """A coordinator gives the person of a case a login to the portal (an invitation)."""
    case = load_case(case_id, full_record=True)
    existing = services.member_login_of(case)
    waiting = member_invitation_of(case) if existing is None else None
    form = MemberLoginForm(data={"email": case.person.email})
    invitation = None if existing or waiting else invite_from(form, lambda email, password: (
        services.invite_member(case, acting_user(), email, password)))
    if invitation is not None:
        db.session.commit()
        # The same words whether or not the email has an account in another network.
        flash(_("An invitation was recorded for %(email)s. %(name)s's login is made when they "
                "first log in with this email and the first password you give them, within "
                "%(days)s days.", email=invitation.email, name=case.person.name,
                days=INVITATION_DAYS), "success")
        return redirect(url_for("cases.show", case_id=case.id))
    refused = (existing is not None or waiting is not None) and form.is_submitted()
    status = 400 if form.errors or refused else 200
    return render_template("portal/member_login.html", case=case, form=form,
                           existing=existing, waiting=waiting,
                           expires=expires_on(waiting) if waiting else None,
                           invitation_days=INVITATION_DAYS), status


from casework.portal import call_views  # noqa: E402,F401  (registers the calling pages)
