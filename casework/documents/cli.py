"""``flask casework documents check``: clean up after interrupted uploads and find lost files."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from casework.documents.services import check_documents
from casework.documents.storage import DocumentStore

documents_cli = AppGroup("documents", help="Uploaded documents.")


@documents_cli.command("check")
@click.option("--hashes", is_flag=True, help="Also read every file and compare its SHA-256.")
def check_command(hashes: bool) -> None:
    """Remove unfinished uploads and files no document names; report missing or damaged files.

    Safe while the app runs: files of uploads in progress are locked and left alone."""
    store = DocumentStore.from_config(current_app.config)
    report = check_documents(store, verify_hashes=hashes)
    click.echo(f"Removed {len(report.partial_removed)} unfinished upload(s) and "
               f"{len(report.orphans_removed)} file(s) no document refers to.")
    for document in report.missing:
        click.echo(f"Missing file: document {document.id} of case {document.case_id}.", err=True)
    for document in report.damaged:
        click.echo(f"Damaged file: document {document.id} of case {document.case_id}.", err=True)
    if not report.is_healthy:
        raise click.ClickException(
            f"{len(report.missing) + len(report.damaged)} of {report.checked} document(s) "
            "have a missing or damaged file; restore them from a backup.")
    click.echo(f"Checked {report.checked} document(s): every file is present"
               f"{' and intact' if hashes else ''}.")
