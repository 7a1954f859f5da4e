"""A throw-away PostgreSQL server for the test suite, on loopback only.

The suite uses ``SALESFLOW_TEST_PG_URL`` when it is set (a URL of a role that may create
databases). Otherwise it starts its own server from Debian's ``postgresql`` package
(``initdb`` and ``pg_ctl``) in a temporary folder, listening on 127.0.0.1 at a free port,
and stops it at the end. Running as root, the server runs as the ``postgres`` user that the
package creates. ``scripts/test`` installs the package when it is missing.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    pass


@dataclass
class PgServer:
    admin_url: str  # psycopg URL of the maintenance database

    def url_for(self, database: str) -> str:
        base, _sep, _db = self.admin_url.rpartition("/")
        return f"{base}/{database}"

    @contextmanager
    def database(self) -> Iterator[str]:
        """A new empty database for one test; dropped afterwards."""
        import psycopg

        name = "sf_" + uuid.uuid4().hex[:16]
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            yield "postgresql+psycopg://" + self.url_for(name).split("://", 1)[1]
        finally:
            with psycopg.connect(self.admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _bin_dir() -> Path:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if candidates:
        return Path(candidates[-1]).parent
    raise PostgresUnavailable(
        "PostgreSQL server programs (initdb, pg_ctl) not found; "
        "install Debian's postgresql package or set SALESFLOW_TEST_PG_URL"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def running_server() -> Iterator[PgServer]:
    external = os.environ.get("SALESFLOW_TEST_PG_URL")
    if external:
        yield PgServer(admin_url=external.replace("postgresql+psycopg://", "postgresql://"))
        return
    bin_dir = _bin_dir()
    prefix: list[str] = []
    data = Path(tempfile.mkdtemp(prefix="salesflow-pg-"))
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError as exc:
            raise PostgresUnavailable("running as root and there is no 'postgres' user") from exc
        os.chown(data, owner.pw_uid, owner.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    port = _free_port()

    def run(*args: str) -> None:
        done = subprocess.run([*prefix, *args], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise PostgresUnavailable(f"{args[0]} failed: {done.stderr.strip() or done.stdout}")

    try:
        run(
            str(bin_dir / "initdb"),
            "-D",
            str(data / "db"),
            "-U",
            "salesflow",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {data} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
        )
        run(
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data / "db"),
            "-l",
            str(data / "server.log"),
            "-w",
            "-t",
            "60",
            "-o",
            options,
            "start",
        )
        try:
            yield PgServer(admin_url=f"postgresql://salesflow@127.0.0.1:{port}/postgres")
        finally:
            subprocess.run(
                [
                    *prefix,
                    str(bin_dir / "pg_ctl"),
                    "-D",
                    str(data / "db"),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ],
                capture_output=True,
                check=False,
            )
    finally:
        shutil.rmtree(data, ignore_errors=True)
