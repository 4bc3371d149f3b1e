"""``flask casework backup`` and ``flask casework restore``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from casework.backup.archive import read_manifest
from casework.backup.services import BackupError, make_backup, restore_backup
from casework.documents.storage import DocumentStore
from casework.extensions import db


@click.command("backup")
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The backup file to write, e.g. casework-2026-05-01.tar.gz.")
@with_appcontext
def backup_command(output: Path) -> None:
    """Back up the database and the documents into one .tar.gz while the app keeps running."""
    store = DocumentStore.from_config(current_app.config)
    try:
        manifest = make_backup(db.engine, store, output)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    rows = sum(manifest.table_counts.values())
    click.echo(f"Backed up the {manifest.database} database ({rows:,} rows in "
               f"{len(manifest.table_counts)} tables) and {len(manifest.documents)} document(s) "
               f"into {output} ({output.stat().st_size / 1024:,.0f} KiB).")
    if manifest.unreadable_files:
        click.echo(f"Warning: {len(manifest.unreadable_files)} document file(s) were missing "
                   "or damaged and are not in the backup; run `flask casework documents "
                   "check`.", err=True)


@click.command("restore")
@click.option("--input", "archive", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A backup file written by `flask casework backup`.")
@click.option("--yes", is_flag=True, help="Replace the data without asking.")
@with_appcontext
def restore_command(archive: Path, yes: bool) -> None:
    """Replace ALL data (database and documents) with a backup's, then check it."""
    store = DocumentStore.from_config(current_app.config)
    try:
        manifest = read_manifest(archive)
        database = db.engine.url.render_as_string(hide_password=True)
        if not yes:
            click.confirm(f"This replaces ALL data in {database} and the documents in "
                          f"{store.root} with the backup taken {manifest.created_at}. "
                          "Stop the app first. Continue?", abort=True)
        report = restore_backup(db.engine, store, archive)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {sum(manifest.table_counts.values()):,} rows and "
               f"{report.documents_restored} document file(s) from {archive}.")
    if manifest.schema_revision:
        click.echo(f"Schema revision of the backup: {manifest.schema_revision} (run "
                   "`flask db upgrade` if this app is newer).")
    for problem in report.problems:
        click.echo(f"Integrity problem: {problem}", err=True)
    missing = len(report.storage.missing) + len(report.storage.damaged)
    if missing:
        click.echo(f"{missing} document(s) have a missing or damaged file.", err=True)
    if not report.is_healthy:
        raise click.ClickException("The restored data failed its checks (see above).")
    click.echo("Integrity check: ok.")
