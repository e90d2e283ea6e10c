"""A throwaway PostgreSQL server for the tests: its own cluster in a temporary folder, listening on a
Unix socket only, gone at the end of the session; each test gets a database of its own in it.

Why not the machine's server: a test must never touch shared state, and a user's machine may have a
server with other people's data or none at all. The server binaries come from the system's
PostgreSQL package (Debian: `apt-get install postgresql`); `WIREBRIEF_TEST_POSTGRES_URL` points the
tests at another server instead (an admin URL: they create and drop their own databases there).
As root (CI), the cluster runs as the `postgres` user, since PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.support import free_port


class PostgresUnavailable(Exception):
    """Why the PostgreSQL half of the suite cannot run here."""


def _binaries() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]), reverse=True)
    initdb = found[0] if found else shutil.which("initdb")
    if initdb is None:
        raise PostgresUnavailable("no PostgreSQL server is installed (Debian: apt-get install postgresql)")
    return Path(initdb).parent


class PostgresServer:
    def __init__(self, admin_url: str, stop: list[str] | None = None, folder: Path | None = None) -> None:
        self.admin_url = admin_url
        self._stop = stop
        self._folder = folder
        self._admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", pool_size=1)

    @classmethod
    def start(cls) -> PostgresServer:
        """The server `WIREBRIEF_TEST_POSTGRES_URL` names, else a new cluster of our own."""
        if url := os.environ.get("WIREBRIEF_TEST_POSTGRES_URL"):
            return cls(url)
        bindir = _binaries()
        folder = Path(tempfile.mkdtemp(prefix="wirebrief-pg-"))  # in /tmp: the postgres user can reach it
        as_owner: list[str] = []
        if os.geteuid() == 0:
            if shutil.which("runuser") is None:
                raise PostgresUnavailable("running as root without runuser: cannot start PostgreSQL as postgres")
            shutil.chown(folder, "postgres")
            as_owner = ["runuser", "-u", "postgres", "--"]
        data, port = folder / "data", free_port()
        setup = subprocess.run(
            [*as_owner, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
            capture_output=True,
            text=True,
            check=False,
        )
        if setup.returncode != 0:
            shutil.rmtree(folder, ignore_errors=True)
            raise PostgresUnavailable(f"initdb failed: {setup.stderr.strip()[-300:]}")
        options = f"-k {folder} -p {port} -c listen_addresses='' -c fsync=off -c max_connections=200"
        started = subprocess.run(
            [
                *as_owner,
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(folder / "log"),
                "-w",
                "start",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if started.returncode != 0:
            log = (folder / "log").read_text(errors="replace")[-300:] if (folder / "log").exists() else ""
            shutil.rmtree(folder, ignore_errors=True)
            raise PostgresUnavailable(f"PostgreSQL did not start: {started.stderr.strip()[-300:]} {log}")
        stop = [*as_owner, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
        return cls(f"postgresql+psycopg://postgres@/postgres?host={folder}&port={port}", stop, folder)

    def create_database(self) -> str:
        """A new empty database; its URL."""
        name = f"wb_{uuid.uuid4().hex[:16]}"
        with self._admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def drop_database(self, url: str) -> None:
        name = make_url(url).database
        with self._admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def stop(self) -> None:
        self._admin.dispose()
        if self._stop is not None:
            subprocess.run(self._stop, capture_output=True, check=False, timeout=60)
        if self._folder is not None:
            for _ in range(50):  # the server's last files go as it exits
                shutil.rmtree(self._folder, ignore_errors=True)
                if not self._folder.exists():
                    break
                time.sleep(0.1)
