"""``flask casework ...`` commands; they call the same services as the views."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from casework.backup.cli import backup_command, restore_command
from casework.database import write_intent
from casework.documents.cli import documents_cli
from casework.errors import DuplicateEmail
from casework.extensions import db
from casework.health.cli import doctor_command
from casework.letters.cli import letters_cli
from casework.models import Network, Role, User
from casework.people.cli import people_cli
from casework.privacy.cli import purge_command
from casework.security.passwords import WeakPassword
from casework.users.services import create_user

casework_cli = AppGroup("casework", help="Casework administration commands.")
casework_cli.add_command(letters_cli)
casework_cli.add_command(backup_command)
casework_cli.add_command(restore_command)
casework_cli.add_command(documents_cli)
casework_cli.add_command(purge_command)
casework_cli.add_command(people_cli)
casework_cli.add_command(doctor_command)


@casework_cli.command("create-user")
@click.option("--network", "network_code", required=True, help="Network code, e.g. SEA.")
@click.option("--network-name", help="Creates the network with this name if it does not exist.")
@click.option("--timezone", default="UTC", show_default=True, help="Time zone of a new network.")
@click.option("--name", required=True)
@click.option("--email", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.COORDINATOR.value,
              show_default=True)
@click.password_option(help="Prompted for when not given.")
def create_user_command(network_code: str, network_name: str | None, timezone: str, name: str,
                        email: str, role: str, password: str) -> None:
    """Create a user (and, with --network-name, their network)."""
    if len(password) < 12:
        raise click.BadParameter("use at least 12 characters", param_hint="password")
    with write_intent():
        network = db.session.scalars(
            select(Network).where(func.upper(Network.code) == network_code.upper())
        ).one_or_none()
        if network is None:
            if not network_name:
                raise click.UsageError(
                    f"No network with code {network_code}; pass --network-name to create it."
                )
            network = Network(name=network_name, code=network_code.upper(), timezone=timezone)
            db.session.add(network)
            db.session.flush()
        try:
            user = create_user(network, name, email, Role(role), password)
        except (DuplicateEmail, WeakPassword) as error:
            raise click.UsageError(str(error)) from error
        db.session.commit()
    click.echo(f"Created {user.role.label.lower()} account {user.email} in {network.code}.")


@casework_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
def demo_command(if_empty: bool) -> None:
    """Load a demo network with users of each role and a dozen realistic cases."""
    from casework.demo import DEMO_PASSWORD, load_demo
    from casework.demo_solidarity import add_demo_solidarity

    with write_intent():
        has_users = db.session.scalar(select(func.count()).select_from(User)) or 0
        if if_empty and has_users:
            click.echo("The database already has data; demo data not loaded.")
            return
        users = load_demo()
        users.append(add_demo_solidarity(users[0].network, DEMO_PASSWORD))
        db.session.commit()
    click.echo("Demo data loaded. Log in at http://127.0.0.1:5000 with:")
    for user in users:
        click.echo(f"  {user.role.label!s:<17} {user.email:<28} password: {DEMO_PASSWORD}")


@casework_cli.command("tick")
def tick_command() -> None:
    """Mark fights whose deadline passed, give each an escalation task, send reminders and
    the queued mobilization emails and the messages to other networks."""
    from casework.mobilize.sending import send_mobilization_emails
    from casework.reminders.services import send_due_reminders
    from casework.solidarity.outbox import deliver_due
    from casework.workflow.deadlines import tick_deadlines

    with write_intent():
        report = tick_deadlines()
        db.session.commit()
        reminders = send_due_reminders()
        mobilization = send_mobilization_emails()
        messages = deliver_due()
    if report.marked_passed:
        click.echo(f"Deadline passed: {', '.join(report.marked_passed)}.")
    click.echo(f"Tick done: {len(report.marked_passed)} fight(s) newly past their deadline.")
    click.echo(reminders.summary())
    click.echo(mobilization.summary())
    click.echo(messages.summary())


@casework_cli.command("intake-email")
@click.argument("network_code")
@click.argument("address", required=False)
@click.option("--off", is_flag=True, help="Stop announcing new inquiries.")
def intake_email_command(network_code: str, address: str | None, off: bool) -> None:
    """Show or set the address `tick` tells of each new inquiry (reference and link only)."""
    from casework.reminders.services import set_intake_email

    network = db.session.scalars(
        select(Network).where(func.upper(Network.code) == network_code.upper())).one_or_none()
    if network is None:
        raise click.ClickException(f"No network with code {network_code}.")
    if address is None and not off:
        click.echo(network.intake_email or f"{network.code} has no intake address.")
        return
    if address and (len(address) > 254 or "@" not in address or any(c.isspace() for c in address)):
        raise click.ClickException(f"Not an email address: {address!r}.")
    with write_intent():
        set_intake_email(network, "" if off else address or "")
        db.session.commit()
    click.echo(f"New inquiries in {network.code} are announced to {network.intake_email}."
               if network.intake_email else f"New inquiries in {network.code} are not announced.")
