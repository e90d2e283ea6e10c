"""procrastinate's queue on PostgreSQL; the lease of the home-made runner goes

Revision ID: 0004
Revises: 0003
Created: 2026-12-01 22:30:00

On PostgreSQL the background duties run on procrastinate (service.background.queue): its tables and
functions are created here, in the same database, so that one `wirebrief db upgrade` readies both.
This applies the schema of the procrastinate release pinned in pyproject.toml (3.10); raising that
pin needs a migration of its own that runs procrastinate's migration files for the releases between.
On SQLite (one machine) nothing of procrastinate's is created. On both, the `leases` table goes:
no process chooses itself by a lease any more.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_DROP_PROCRASTINATE = """
DO $$
DECLARE name text;
BEGIN
    DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs,
        procrastinate_workers CASCADE;
    FOR name IN SELECT oid::regprocedure::text FROM pg_proc WHERE proname LIKE 'procrastinate%' LOOP
        EXECUTE 'DROP FUNCTION IF EXISTS ' || name || ' CASCADE';
    END LOOP;
    DROP TYPE IF EXISTS procrastinate_job_to_defer_v1, procrastinate_job_event_type, procrastinate_job_status CASCADE;
END $$;
"""


def _run_as_written(script: str) -> None:
    """On the driver's own cursor, with no parameters: the script's `::` casts and `%` reach
    PostgreSQL untouched (SQLAlchemy and psycopg would read them as placeholders), in the
    migration's transaction."""
    cursor = op.get_bind().connection.cursor()
    try:
        cursor.execute(script)
    finally:
        cursor.close()


def upgrade() -> None:
    op.drop_table("leases")
    if op.get_bind().dialect.name == "postgresql":
        from procrastinate.schema import SchemaManager

        _run_as_written(SchemaManager.get_schema())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _run_as_written(_DROP_PROCRASTINATE)
    op.create_table(
        "leases",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=256), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
