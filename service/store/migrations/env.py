"""Alembic's entry point for wirebrief's store: run on the connection `service.store.migrate` hands it.

There is no alembic.ini: the store migrates itself at start-up (and `wirebrief db upgrade` does the
same on demand), so the connection always comes from the caller, never from a URL in a file.
"""

from __future__ import annotations

from alembic import context

from service.store.tables import is_ours, metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters a table by copying it
    compare_type=True,
    include_name=is_ours,  # procrastinate's tables (migration 0004) are created from its own schema
)
with context.begin_transaction():
    context.run_migrations()
