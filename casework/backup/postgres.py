"""PostgreSQL snapshots with ``pg_dump``/``pg_restore``, never showing the password.

The dump reads a snapshot that we export from our own transaction, so the list of document
files we copy beside it comes from exactly the same moment as the dumped rows.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from casework.backup.archive import BackupError
from casework.backup.facts import SnapshotFacts, database_facts

TIMEOUT_S = 6 * 3600


def pg_binary(name: str) -> str:
    """The newest installed client tool: Debian keeps them in /usr/lib/postgresql/<v>/bin."""

    def version(path: str) -> int:
        match = re.search(r"/postgresql/(\d+)", path)
        return int(match.group(1)) if match else 0

    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=version, reverse=True)
    found = candidates[0] if candidates else shutil.which(name)
    if not found:
        raise BackupError(f"{name} was not found: install the PostgreSQL client tools "
                          "(Debian: apt-get install postgresql-client).")
    return found


def libpq_target(url: sa.URL) -> tuple[str, dict[str, str]]:
    """The connection URL for the client tools without its password, which goes into the
    child's environment instead: command lines are visible to every user of the machine."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = sa.URL.create("postgresql", username=url.username, host=url.host, port=url.port,
                          database=url.database, query=url.query)
    return plain.render_as_string(hide_password=False), env


@contextmanager
def exported_snapshot(engine: sa.Engine) -> Iterator[tuple[str, SnapshotFacts]]:
    """Hold a repeatable-read transaction open; yield its exported snapshot id and the
    counts and documents as that snapshot sees them."""
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            snapshot_id = str(connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar())
            tables = sorted(sa.inspect(connection).get_table_names())
            facts = database_facts(lambda sql: connection.exec_driver_sql(sql).all(), tables)
            yield snapshot_id, facts


def dump(url: sa.URL, snapshot_id: str, destination: Path) -> None:
    """``pg_dump --format=custom`` of the exported snapshot into ``destination``."""
    target, env = libpq_target(url)
    run([pg_binary("pg_dump"), "--format=custom", f"--snapshot={snapshot_id}", "--no-password",
         f"--file={destination}", f"--dbname={target}"], env)


def restore(dump_file: Path, url: sa.URL) -> None:
    """Replace the database's objects with the dump's, in one transaction."""
    target, env = libpq_target(url)
    run([pg_binary("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
         "--single-transaction", "--exit-on-error", "--no-password", f"--dbname={target}",
         str(dump_file)], env)


def run(command: list[str], env: dict[str, str]) -> None:
    """Run a client tool; its error output (which never holds the password) on failure."""
    tool = Path(command[0]).name
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True,  # noqa: S603
                                timeout=TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BackupError(f"{tool} could not run: {error}") from error
    if result.returncode != 0:
        raise BackupError(f"{tool} failed: {result.stderr.strip()[-2000:]}")
