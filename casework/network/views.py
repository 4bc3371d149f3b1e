"""The coordinator's network pages: settings, and the posters and flyers of the front door."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from casework.audit.sentences import field_words
from casework.errors import PermissionDenied
from casework.extensions import db
from casework.forms import options
from casework.models import Network, PageSize, Role
from casework.network.forms import PosterForm, SettingsForm, suggested_time_zones
from casework.network.posters import PosterOptions, poster_html, poster_pdf
from casework.network.services import NetworkSettings, delegate_candidates, update_settings
from casework.permissions import acting_user, roles_required

bp = Blueprint("network", __name__, url_prefix="/network")


def public_form_url(network: Network, *, external: bool = True) -> str:
    """The absolute address of the network's public "get in touch" form (what the QR holds);
    the path alone for links within the app."""
    return url_for("public.inquiry_form", code=network.code.lower(), _external=external)


@bp.route("/settings", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def settings() -> BaseResponse | tuple[str, int]:
    """The network's name, public contact, time zone, paper, defaults and intake settings."""
    coordinator = acting_user()
    network = coordinator.network
    now = NetworkSettings.of(network)
    form = SettingsForm(data={**vars(now), "page_size": now.page_size.value,
                              "appeals_delegate_id": str(now.appeals_delegate_id or "")})
    form.appeals_delegate_id.choices = options([("", _("None: the coordinators")), *(
        (str(user.id), f"{user.name} ({user.role.label.lower()})")
        for user in delegate_candidates(network.id, now.appeals_delegate_id))])
    if form.validate_on_submit():
        try:
            changed = update_settings(network, coordinator, settings_from(form))
        except PermissionDenied as error:
            db.session.rollback()
            form.appeals_delegate_id.errors = [str(error)]
        else:
            db.session.commit()
            flash(_("Settings saved: the %(fields)s changed.",
                    fields=field_words(", ".join(changed)))
                  if changed else _("Nothing changed."), "success")
            return redirect(url_for("network.settings"))
    return render_template("network/settings.html", form=form, network=network,
                           time_zones=suggested_time_zones(),
                           form_url=public_form_url(network),
                           form_path=public_form_url(network, external=False)
                           ), 400 if form.errors else 200


def settings_from(form: SettingsForm) -> NetworkSettings:
    """The settings a valid form holds."""
    delegate = form.appeals_delegate_id.data
    return NetworkSettings(
        name=form.name.data or "", hotline_phone=form.hotline_phone.data or "",
        contact_email=form.contact_email.data or "", address=form.address.data or "",
        timezone=form.timezone.data or "UTC", page_size=PageSize(form.page_size.data),
        default_deadline_days=int(form.default_deadline_days.data or 0),
        signature_line=form.signature_line.data or "",
        intake_email=form.intake_email.data or "",
        appeals_delegate_id=int(delegate) if delegate else None,
        public_form_open=bool(form.public_form_open.data))


def poster_form(network: Network) -> tuple[PosterForm, PosterOptions | None]:
    """The options in the query string (the defaults when there is none), if they are valid."""
    form = PosterForm(formdata=request.args or None, paper=network.page_size.value)
    if not form.validate():
        return form, None
    return form, PosterOptions(kind="flyer" if form.kind.data == "flyer" else "poster",
                               paper="A4" if form.paper.data == "A4" else "Letter",
                               language=form.language.data or "both",
                               tabs=bool(form.tabs.data))


def options_args(chosen: PosterOptions) -> dict[str, Any]:
    """The query string that asks for ``chosen`` again (never the request's own arguments)."""
    return {"kind": chosen.kind, "paper": chosen.paper, "language": chosen.language,
            **({"tabs": "y"} if chosen.tabs else {})}


@bp.route("/posters")
@roles_required(Role.COORDINATOR)
def posters() -> tuple[str, int]:
    """Choose the poster or flyer, paper and languages; then preview it or download it."""
    network = acting_user().network
    form, chosen = poster_form(network)
    return render_template("network/posters.html", form=form, network=network,
                           form_url=public_form_url(network),
                           form_path=public_form_url(network, external=False)
                           ), 200 if chosen else 400


@bp.route("/posters/preview")
@roles_required(Role.COORDINATOR)
def poster_preview() -> Response | tuple[str, int]:
    """The poster or flyer as HTML, from the same template and data as its PDF."""
    network = acting_user().network
    form, chosen = poster_form(network)
    if chosen is None:
        return posters()
    html = poster_html(network, public_form_url(network), chosen, stylesheet_hrefs=(
        url_for("letters.asset", name="letter.css"), url_for("letters.asset", name="poster.css")),
        toolbar={"back": url_for("network.posters", **options_args(chosen)),
                 "pdf": url_for("network.poster_download", **options_args(chosen))})
    return Response(html, mimetype="text/html")


@bp.route("/posters/pdf")
@roles_required(Role.COORDINATOR)
def poster_download() -> BaseResponse | tuple[str, int]:
    """The poster or flyer as a PDF to print."""
    from casework.letters.rendering import LetterRenderError

    network = acting_user().network
    form, chosen = poster_form(network)
    if chosen is None:
        return posters()
    try:
        body = poster_pdf(network, public_form_url(network), chosen)
    except LetterRenderError as error:
        flash(_("The PDF could not be made: %(error)s", error=error), "error")
        return redirect(url_for("network.posters", **options_args(chosen)))
    response = Response(body, mimetype="application/pdf")
    name = f"{network.code.lower()}-{chosen.file_name}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
