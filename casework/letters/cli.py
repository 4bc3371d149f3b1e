"""``flask casework letters print --due-this-week``: the week's letters, on every core."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from casework.clock import network_today
from casework.extensions import db
from casework.letters.batch import available_cores, render_many, zip_pdfs
from casework.letters.due import letters_due
from casework.letters.rendering import LetterTooLong
from casework.models import Network
from casework.private_files import write_private_bytes

letters_cli = AppGroup("letters", help="Print letters and leaflets.")


@letters_cli.command("print")
@click.option("--due-this-week", is_flag=True, required=True,
              help="Letters of fights to deliver in the next 7 days, and leaflets of "
                   "escalating fights.")
@click.option("--network", "network_code", help="Only this network (code, e.g. SEA).")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("letters-due.zip"), show_default=True)
@click.option("--processes", type=int, default=None, help="Cores to use (default: all).")
def print_due(due_this_week: bool, network_code: str | None, output: Path,
              processes: int | None) -> None:
    """Render every letter due this week into one zip of PDFs, with a progress bar."""
    query = select(Network).order_by(Network.code)
    if network_code:
        query = query.where(Network.code == network_code.upper())
    letters, skipped = [], []
    for network in db.session.scalars(query):
        due = letters_due(network, network_today(network))
        letters += due.all_letters
        skipped += due.skipped
    for line in skipped:
        click.echo(f"Skipped {line}")
    if not letters:
        click.echo("Nothing to print: no approved letter is due this week.")
        return
    cores = min(processes or available_cores(), len(letters))
    with click.progressbar(length=len(letters), label=f"Rendering on {cores} core(s)") as bar:
        try:
            pdfs = render_many([d.context for d in letters], processes=cores,
                               progress=lambda done, _total: bar.update(done - bar.pos))
        except LetterTooLong as error:
            raise click.ClickException(f"Nothing printed: {error}") from error
    # Letters name members: readable by this user only, like everything the app writes.
    write_private_bytes(output, zip_pdfs([(d.file_name, pdf) for d, pdf in zip(letters, pdfs,
                                                                               strict=True)]))
    size = sum(len(pdf) for pdf in pdfs) / 1024
    click.echo(f"Printed {len(letters)} letter(s) ({size:,.0f} KiB) into {output}; "
               f"skipped {len(skipped)}.")
