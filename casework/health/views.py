"""``/healthz``: for a load balancer or monitor, no login needed, nothing sensitive said."""

from __future__ import annotations

import logging

from flask import Blueprint, Response

from casework.health.checks import database_problem
from casework.permissions import public

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
@public
def healthz() -> Response:
    """200 "ok" when the database answers and is migrated; 503 and a short reason when not."""
    problem = database_problem()
    if problem is not None:
        log.warning("health check failed: %s", problem)
    response = Response(problem or "ok", status=503 if problem else 200, mimetype="text/plain")
    response.cache_control.no_store = True
    return response
