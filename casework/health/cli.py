"""``flask casework doctor``: is this configuration ready to go live, and if not, what to fix."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from casework.health.checks import Status, run_checks


@click.command("doctor")
@with_appcontext
def doctor_command() -> None:
    """Check the secret key, database, SMTP, HTTPS and letter fonts; say what to fix."""
    checks = run_checks(current_app.config, current_app.instance_path)
    for check in checks:
        click.echo(check.line())
    problems = sum(check.status is Status.PROBLEM for check in checks)
    warnings = sum(check.status is Status.WARNING for check in checks)
    if problems:
        click.echo(f"{problems} problem(s) to fix before going live, {warnings} warning(s).")
        click.get_current_context().exit(1)
    click.echo(f"Ready: no problems, {warnings} warning(s).")
