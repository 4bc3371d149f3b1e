"""The reports page and its CSV downloads (organizers and coordinators of the network)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import format_date

from casework.clock import network_today, zone_of
from casework.kept_pages import keep_page
from casework.models import Role
from casework.permissions import acting_user, roles_required
from casework.reports.charts import charts_for
from casework.reports.figures import Report, network_report
from casework.reports.forms import PeriodForm
from casework.reports.period import Period
from casework.reports.tables import display, report_tables, table_csv

bp = Blueprint("reports", __name__, url_prefix="/reports")
bp.add_app_template_filter(display, "report_cell")

# Tables naming people: only coordinators may see or download them.
PEOPLE_TABLES = frozenset({"reliable-members", "load-per-organizer"})


@bp.app_template_global()
def period_label(period: Period) -> str:
    """'2026' for a calendar year, else '3 Jan 2026 – 2 Jan 2027', in the page's language."""
    if period.first_day.month == 1 and period.first_day.day == 1 and \
            period.last_day == period.first_day.replace(month=12, day=31):
        return str(period.first_day.year)
    return f"{format_date(period.first_day, 'd MMM y')} – {format_date(period.last_day, 'd MMM y')}"


def requested_report() -> tuple[PeriodForm, Period | None, Report]:
    """The period the URL asks for (this year when it asks for none or for a bad one)."""
    user = acting_user()
    network = user.network
    today = network_today(network)
    zone = zone_of(network).key
    form = PeriodForm(formdata=request.args)
    period = form.chosen_period(zone, today)
    report = network_report(network, period or Period.this_year(zone, today),
                            include_people=user.role == Role.COORDINATOR, today=today)
    return form, period, report


@bp.get("/")
@roles_required(Role.ORGANIZER, Role.COORDINATOR)
@keep_page
def index() -> str:
    form, period, report = requested_report()
    tables = report_tables(report)
    return render_template(
        "reports/index.html", form=form, report=report, tables={t.key: t for t in tables},
        charts={t.key: charts_for(t) for t in tables},
        csv_args=form.query_args() if period is not None else {},
    )


@bp.get("/<table>.csv")
@roles_required(Role.ORGANIZER, Role.COORDINATOR)
def download(table: str) -> Response:
    if table in PEOPLE_TABLES and acting_user().role != Role.COORDINATOR:
        abort(403)
    form, period, report = requested_report()
    if period is None:
        abort(400)
    found = next((t for t in report_tables(report) if t.key == table), None)
    if found is None:
        abort(404)
    name = f"{acting_user().network.code}-{table}-{period.first_day}-{period.last_day}.csv"
    response = Response(table_csv(found), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response
