"""The year in review: a coordinator picks the year and the language, and downloads the PDF."""

from __future__ import annotations

from flask import Blueprint, make_response, render_template, request
from werkzeug.wrappers import Response

from casework.clock import network_today
from casework.letters.rendering import RendererBusy
from casework.letters.texts import lang
from casework.models import Role
from casework.permissions import acting_user, roles_required
from casework.year_review.document import year_review_pdf
from casework.year_review.forms import YearReviewForm

bp = Blueprint("year_review", __name__, url_prefix="/reports")

Page = Response | str | tuple[str, int]


@bp.get("/year-in-review")
@roles_required(Role.COORDINATOR)
def index() -> Page:
    form = YearReviewForm(formdata=None)
    form.offer_years(network_today(acting_user().network))
    return render_template("year_review/index.html", form=form)


@bp.get("/year-in-review.pdf")
@roles_required(Role.COORDINATOR)
def pdf() -> Page:
    """The PDF of the chosen year, in the chosen language, as a download."""
    network = acting_user().network
    today = network_today(network)
    form = YearReviewForm(formdata=request.args)
    form.offer_years(today)
    if not form.validate():
        return render_template("year_review/index.html", form=form), 400
    year, language = int(form.year.data or today.year), lang(form.language.data or "en")
    try:
        body = year_review_pdf(network, year, language, today)
    except RendererBusy as busy:
        form.form_errors.append(str(busy))
        return render_template("year_review/index.html", form=form), 503
    response = make_response(body)
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{network.code}-year-in-review-{year}-{language}.pdf"')
    return response
