"""``flask casework purge``: remove personal data from fights that ended long ago."""

from __future__ import annotations

from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from casework.audit.recorder import acting_as
from casework.database import clear_sqlite_log, write_intent
from casework.documents.storage import DocumentStore
from casework.extensions import db
from casework.models.base import utcnow
from casework.privacy.purge import PurgePlan, apply_purge, plan_purge, purge_cutoffs


@click.command("purge")
@click.option("--closed-before", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Purge fights that ended before this date (YYYY-MM-DD). Without it, each "
                   "network's retention period decides.")
@click.option("--network", "network_code", help="Only this network (its code, e.g. SEA).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (for cron).")
@with_appcontext
def purge_command(closed_before: datetime | None, network_code: str | None, yes: bool) -> None:
    """Remove members' personal data from ended fights; keep the anonymous facts."""
    today = utcnow().date()
    cutoff = closed_before.date() if closed_before else None
    if cutoff is not None and cutoff > today:
        raise click.BadParameter("the date is in the future", param_hint="--closed-before")
    with write_intent(), acting_as("cli"):
        cutoffs = purge_cutoffs(cutoff, network_code, today)
        if not cutoffs:
            raise click.UsageError("Give --closed-before, or set a network's retention period: "
                                   "no network to purge.")
        plan = plan_purge(cutoffs)
        show_plan(plan)
        if plan.is_empty:
            click.echo("Nothing to purge.")
            clear_database_log()  # what an earlier run could not clear
            return
        if not yes:
            click.confirm("Remove this personal data for good? It cannot be restored.",
                          abort=True)
        changed = apply_purge(plan)
        files = plan.purged_files
        db.session.commit()
    click.echo(f"Purged: {changed} record(s) no longer hold personal data.")
    clear_database_log()
    delete_files(files)


def clear_database_log() -> None:
    """Empty SQLite's -wal file, which still holds the pages as they were before the purge."""
    db.session.close()  # no transaction of ours may keep the old pages in use
    if not clear_sqlite_log(db.engine):
        click.echo("The database's log file still holds old copies of purged data: the app "
                   "was reading it. Run `flask casework purge` again when it is quiet.")


def delete_files(files: list[str]) -> None:
    """Delete the purged documents' files (after the commit, so no row still names them)."""
    if files:  # after the commit: a failed commit keeps the files its rows still name
        store = DocumentStore.from_config(current_app.config)
        left = [name for name in files if not store.discard(name)]
        click.echo(f"Deleted {len(files) - len(left)} document file(s).")
        if left:
            click.echo(f"{len(left)} file(s) are left while a backup runs; `flask casework "
                       "documents check` deletes them afterwards.")


def show_plan(plan: PurgePlan) -> None:
    """Print what the purge will remove, network by network."""
    for network in plan.networks:
        click.echo(f"{network.code}: fights that ended before {network.cutoff.isoformat()}")
        if not network.items:
            click.echo("  nothing left to remove")
            continue
        click.echo(f"  cases ({len(network.references)}): {', '.join(network.references)}")
        for kind, count in network.counts.items():
            click.echo(f"  {count:>6} {kind}")
        if network.people_kept:
            click.echo(f"  {network.people_kept:>6} people kept: still in a fight that is open "
                       "or not due")
    if not plan.is_empty:
        click.echo("Delivered letters lose their frozen PDF and HTML; their sha256 stays as "
                   "proof of what was delivered. Documents' files are deleted.")
