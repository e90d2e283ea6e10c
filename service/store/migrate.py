"""The store's schema under Alembic: upgraded once at start-up, or by `wirebrief db upgrade`.

Why in code and not in an alembic.ini: the service migrates its own database with the URL it was
given, so a user never runs a separate tool, and several processes starting at once take turns
(an advisory lock on PostgreSQL, BEGIN IMMEDIATE on SQLite): the later ones find it done.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001"  # the tables as they were before migrations: a database made then is stamped with it
_LOCK_KEY = 0x77697265  # "wire": one migrator at a time on a PostgreSQL server


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest schema (creating it when empty); a no-op when it is there."""
    with engine.connect() as connection, _one_migrator(connection):
        config = _config(connection)
        if current_revision(connection) is None and inspect(connection).has_table("analyses"):
            command.stamp(config, BASELINE)  # made by an earlier wirebrief with create_all
        command.upgrade(config, "head")


@contextmanager
def _one_migrator(connection: Connection) -> Iterator[None]:
    """One transaction that other migrators wait for: they then find the schema up to date."""
    if connection.dialect.name != "sqlite":
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        yield
        connection.commit()
        return
    # pysqlite opens no transaction for DDL and a deferred one at the first write: take the write lock
    # first (BEGIN IMMEDIATE waits out the busy timeout), with the driver's own transaction handling off.
    raw = connection.connection.driver_connection
    saved = raw.isolation_level  # type: ignore[union-attr]
    raw.isolation_level = None  # type: ignore[union-attr]
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            connection.exec_driver_sql("ROLLBACK")
            raise
        connection.exec_driver_sql("COMMIT")
        connection.commit()  # SQLAlchemy's own bookkeeping: nothing is left for the driver to do
    finally:
        raw.isolation_level = saved  # type: ignore[union-attr]


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()
