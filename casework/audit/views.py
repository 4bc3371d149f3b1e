"""The coordinator's view of the audit log. There is no route that changes or removes entries."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from casework.audit.forms import AuditFilterForm
from casework.audit.queries import (
    AuditFilters,
    AuditRow,
    find_case,
    list_entries,
    names_for,
    network_user_choices,
)
from casework.audit.recorder import install_change_recorder
from casework.audit.sentences import Names, describe
from casework.forms import options
from casework.ids import parse_id
from casework.models import Role
from casework.permissions import acting_user, roles_required

bp = Blueprint("audit", __name__, url_prefix="/audit")
# Registering the blueprint turns the recording of changes on.
bp.record_once(lambda _state: install_change_recorder())


@bp.route("/")
@roles_required(Role.COORDINATOR)
def index() -> str:
    network_id = acting_user().network_id
    form = AuditFilterForm(request.args)
    form.user.choices = options([("", _("Anyone")), *network_user_choices(network_id)])
    is_valid = form.validate()
    filters = filters_from(form, network_id) if is_valid else AuditFilters()
    after = parse_id(request.args.get("after"))  # a damaged cursor: the first page
    page = list_entries(network_id, filters, after, current_app.config.get("AUDIT_PER_PAGE", 50))
    # The filters in use, by name: never the query string as it came (``_anchor=`` and the
    # like are instructions to url_for, not filters).
    args = {name: form[name].data for name in ("case", "user") if is_valid and form[name].data}
    names = names_for(network_id, page.rows)
    return render_template(
        "audit/index.html", form=form, page=page,
        sentences={row.entry.id: sentence_of(row, names) for row in page.rows},
        first_url=url_for("audit.index", **args) if after else None,
        next_url=url_for("audit.index", **args, after=page.next_after) if page.next_after else None,
    )


def filters_from(form: AuditFilterForm, network_id: int) -> AuditFilters:
    """The filters from a valid form; an unknown reference is reported next to its field."""
    user_id = parse_id(form.user.data)
    if not form.case.data:
        return AuditFilters(user_id=user_id)
    case = find_case(network_id, form.case.data)
    if case is None:
        form.case.errors = [*form.case.errors, _("No case with this reference in your network.")]
        return AuditFilters(matches_nothing=True)
    return AuditFilters(case=case, user_id=user_id)


def sentence_of(row: AuditRow, names: Names) -> Markup:
    """The entry in words, its case reference a link to the case."""
    link = Markup('<a href="{url}">{reference}</a>').format(
        url=url_for("cases.show", case_id=row.entry.case_id), reference=row.case_reference) \
        if row.case_reference and row.entry.case_id else None
    return describe(row.entry, row.user_name, link, names)
