"""``flask casework people import FILE --network CODE``: the spreadsheet import, unattended.

It runs as whoever administers the server, so it sees and may merge into everyone."""

from __future__ import annotations

from typing import BinaryIO

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from casework.audit.recorder import acting_as
from casework.database import write_intent
from casework.extensions import db
from casework.models import Network
from casework.people.csv_import import ImportRefused, import_rows, parse_csv, read_limited

people_cli = AppGroup("people", help="The network's people.")


@people_cli.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--network", "network_code", required=True, help="Network code, e.g. SEA.")
@click.option("--dry-run", is_flag=True, help="Check and count, then import nothing.")
@click.option("--duplicates", type=click.Choice(["merge", "skip", "new"]), default="merge",
              show_default=True,
              help="What to do with a row whose phone or email is already known: merge it into "
                   "the first match (fills only what is missing), skip it, or add it anyway.")
def import_command(file: BinaryIO, network_code: str, dry_run: bool, duplicates: str) -> None:
    """Import a CSV of people (the same checks as the web import: all rows or none)."""
    with write_intent():
        network = db.session.scalars(
            select(Network).where(func.upper(Network.code) == network_code.upper())
        ).one_or_none()
        if network is None:
            raise click.UsageError(f"No network with code {network_code}.")
        with acting_as("cli", network_id=network.id):
            try:
                parsed = parse_csv(read_limited(file), network.id, importer=None)
                for row in parsed.rows_with_errors:
                    click.echo(f"Line {row.line}: {'; '.join(row.errors)}", err=True)
                for row in parsed.duplicates:
                    known = ", ".join(f"#{person_id}" for person_id in row.existing)
                    earlier = f"line {row.earlier}" if row.earlier else ""
                    click.echo(f"Line {row.line}: same phone or email as "
                               f"{' and '.join(part for part in (known, earlier) if part)}.")
                result = import_rows(parsed, network.id, {}, None, duplicates=duplicates)
            except ImportRefused as error:
                db.session.rollback()
                raise click.ClickException(str(error)) from error
            if dry_run:
                db.session.rollback()
            else:
                db.session.commit()
    verb = "Would import" if dry_run else "Imported"
    click.echo(f"{verb}: {result.created} new, {result.merged} merged, {result.skipped} skipped"
               f"{' (dry run: nothing was saved)' if dry_run else ''}.")
