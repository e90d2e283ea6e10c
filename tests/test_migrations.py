"""The store's schema under Alembic (issue 15): an empty database is created at the newest schema,
one made by an earlier wirebrief keeps its rows through the upgrade, the migrations build exactly
the tables the code uses, and processes starting together do not trip over each other."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from service.store import tables
from service.store.migrate import BASELINE, _config, current_revision, head_revision, upgrade
from tests.support import ROOT, wirebrief

pytestmark = pytest.mark.both_databases


def test_an_empty_database_gets_exactly_the_tables_the_code_uses(database_url: str) -> None:
    engine = create_engine(database_url)
    upgrade(engine)
    with engine.connect() as connection:
        assert current_revision(connection) == head_revision()
        context = MigrationContext.configure(connection, opts={"include_name": tables.is_ours})
        assert compare_metadata(context, tables.metadata) == []


def test_a_database_from_before_migrations_keeps_its_rows_and_is_upgraded(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.begin() as connection:  # what an earlier wirebrief left: the baseline tables, no version
        command.upgrade(_config(connection), BASELINE)
        connection.execute(text("DROP TABLE alembic_version"))
        connection.execute(
            text("INSERT INTO tenant_analyses (tenant, analysis_id, url, created_at) VALUES ('k', 'wb_1', 'u', 1.0)")
        )
    upgrade(engine)
    upgrade(engine)  # a second start changes nothing
    with engine.connect() as connection:
        assert current_revision(connection) == head_revision()
        row = connection.execute(text("SELECT tenant, url, fetched FROM tenant_analyses")).one()
    assert tuple(row) == ("k", "u", False)


def test_the_work_queue_migration_goes_down_and_up_again(database_url: str) -> None:
    """0004 creates procrastinate's schema on PostgreSQL (none on SQLite) and drops the leases; its
    downgrade leaves no procrastinate table, type or function behind, so an upgrade can run again."""
    engine = create_engine(database_url)
    upgrade(engine)

    def procrastinate_objects() -> int:
        with engine.connect() as connection:
            if connection.dialect.name != "postgresql":
                return 0
            found = "SELECT count(*) FROM pg_proc WHERE proname LIKE 'procrastinate%'"
            found += " UNION ALL SELECT count(*) FROM pg_type WHERE typname LIKE 'procrastinate%'"
            return sum(connection.execute(text(found)).scalars())

    postgres = engine.dialect.name == "postgresql"
    assert (procrastinate_objects() > 0) == postgres
    assert ("procrastinate_jobs" in inspect(engine).get_table_names()) == postgres
    with engine.begin() as connection:
        command.downgrade(_config(connection), "0003")
    assert procrastinate_objects() == 0 and "leases" in inspect(engine).get_table_names()
    upgrade(engine)
    assert ("procrastinate_jobs" in inspect(engine).get_table_names()) == postgres
    assert "leases" not in inspect(engine).get_table_names()


@pytest.mark.slow  # four processes
def test_processes_starting_together_each_find_the_schema_ready(tmp_path: Path, database_url: str) -> None:
    url, go = database_url, tmp_path / "go"
    code = (  # each imports, says so, then waits for the others: the four migrations start at one moment
        "import pathlib, sys, time; from sqlalchemy import create_engine; from service.store.migrate import upgrade\n"
        f"pathlib.Path(sys.argv[1]).touch()\nwhile not pathlib.Path({str(go)!r}).exists(): time.sleep(0.001)\n"
        f"upgrade(create_engine({url!r}))"
    )
    ready = [tmp_path / f"ready-{n}" for n in range(4)]
    starters = [
        subprocess.Popen([sys.executable, "-c", code, str(r)], cwd=ROOT, stderr=subprocess.PIPE, text=True)
        for r in ready
    ]
    deadline = time.monotonic() + 60
    while not all(r.exists() for r in ready) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()
    failures = [
        stderr for starter in starters if (stderr := starter.communicate(timeout=120)[1]) and starter.returncode
    ]
    assert failures == []
    with create_engine(url).connect() as connection:
        assert current_revision(connection) == head_revision()


def test_wirebrief_db_upgrade_and_current(tmp_path: Path) -> None:
    database = {"WIREBRIEF_DATABASE_URL": f"sqlite:///{tmp_path / 'not-yet' / 'cli.db'}"}  # its folder made too
    assert wirebrief("db", "current", cwd=tmp_path, **database).stdout.startswith("none")
    upgraded = wirebrief("db", "upgrade", cwd=tmp_path, **database)
    assert upgraded.returncode == 0 and f"schema {head_revision()}" in upgraded.stderr
    assert wirebrief("db", "current", cwd=tmp_path, **database).stdout.startswith(str(head_revision()))
    unreachable = wirebrief(
        "db", "upgrade", cwd=tmp_path, WIREBRIEF_DATABASE_URL="postgresql+psycopg://wb:hunter2@127.0.0.1:9/wb"
    )
    assert unreachable.returncode == 1 and "Traceback" not in unreachable.stderr
    assert "127.0.0.1:9" in unreachable.stderr and "hunter2" not in unreachable.stderr
