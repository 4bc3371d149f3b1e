"""Exports: the full case export (coordinators, fresh second factor) and the redacted one."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from casework.audit.recorder import record_access
from casework.clock import network_today
from casework.models import Role
from casework.permissions import acting_user, roles_required
from casework.privacy.export import count_cases, csv_lines, export_rows
from casework.privacy.second_factor import fresh_second_factor, verify_url

bp = Blueprint("privacy", __name__, url_prefix="/export")

EXPORT_ROLES = (Role.ORGANIZER, Role.COORDINATOR)


@bp.route("/")
@roles_required(*EXPORT_ROLES)
def export_page() -> str:
    """What each export holds, and the links to download them."""
    return render_template("privacy/export.html", user=acting_user())


@bp.route("/cases.csv")
@roles_required(*EXPORT_ROLES)
def cases_csv() -> Response:
    """Every case of the network as CSV; personal data only for a coordinator just verified."""
    user = acting_user()
    wants_full = user.role == Role.COORDINATOR and request.args.get("redacted") != "1"
    if wants_full and not fresh_second_factor():
        return ask_for_second_factor()
    network = user.network
    total = count_cases(network.id)
    kind = "full" if wants_full else "redacted"
    detail = (f"full: names, phones and emails of {total} cases" if wants_full
              else f"redacted: {total} cases, people pseudonymised")
    record_access("export.csv", network_id=network.id, object_type="case", detail=detail)
    rows = export_rows(network, user, wants_full, current_app.config["SECRET_KEY"])
    response = Response(stream_with_context(csv_lines(rows)), mimetype="text/csv")
    name = f"{network.code}-cases-{kind}-{network_today(network).isoformat()}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"  # personal data: no copies in caches
    return response


def ask_for_second_factor() -> Response:
    """Send the coordinator to confirm their two-factor code, then back to the download."""
    target = verify_url(request.path)
    if target is None:
        flash(_("Two-factor confirmation is not available on this server yet, so only the "
                "redacted export can be downloaded."), "error")
        return redirect(url_for("privacy.export_page"))
    flash(_("Confirm your two-factor code to export personal data."), "info")
    return redirect(target)
