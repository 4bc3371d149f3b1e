"""A throwaway PostgreSQL server for the test session, from Debian's binaries."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    """The PostgreSQL server binaries are not installed."""


@dataclass
class PostgresServer:
    data_dir: Path
    port: int
    run_as: list[str]

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        subprocess.run([*self.run_as, pg_binary("pg_ctl"), "-D", str(self.data_dir), "-m", "fast",
                        "-w", "stop"], check=False, capture_output=True)
        shutil.rmtree(self.data_dir.parent, ignore_errors=True)


def pg_binary(name: str) -> str:
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    if candidates:
        return candidates[0]
    found = shutil.which(name)
    if found:
        return found
    raise PostgresUnavailable(f"{name} not found: install Debian's 'postgresql' package")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_postgres() -> PostgresServer:
    """initdb and start a server on a free loopback port (as 'postgres' when we are root)."""
    initdb, pg_ctl = pg_binary("initdb"), pg_binary("pg_ctl")
    # Not under pytest's tmp dir: that is private to root, and the server runs as postgres.
    base_dir = Path(tempfile.mkdtemp(prefix="casework-postgres-"))
    run_as: list[str] = []
    if os.geteuid() == 0:  # initdb and pg_ctl refuse to run as root
        run_as = ["runuser", "-u", "postgres", "--"]
        shutil.chown(base_dir, user="postgres")
    data_dir = base_dir / "data"
    socket_dir = base_dir / "socket"
    subprocess.run([*run_as, "mkdir", "-p", str(socket_dir)], check=True)
    subprocess.run([*run_as, initdb, "-D", str(data_dir), "-U", "postgres", "--auth=trust",
                    "--encoding=UTF8", "--locale=C.UTF-8"], check=True, capture_output=True)
    port = free_port()
    # No autovacuum: its ANALYZE, coming by at random moments, would change the query plans
    # tests/test_query_plans.py reads (they are made without statistics, always the same way).
    options = (f"-p {port} -k {socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 "
               "-c autovacuum=off")
    subprocess.run([*run_as, pg_ctl, "-D", str(data_dir), "-o", options, "-l",
                    str(base_dir / "server.log"), "-w", "-t", "60", "start"],
                   check=True, capture_output=True)
    return PostgresServer(data_dir=data_dir, port=port, run_as=run_as)
