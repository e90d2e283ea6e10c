"""Persistence of analyses, jobs and deliveries: SQLite by default, PostgreSQL (psycopg 3), under Alembic."""

from service.store.sql import (
    DeliveryRecord,
    JobRecord,
    SqlStore,
    is_postgres,
    make_sqlite_folder,
    open_store,
    store_location,
)

__all__ = [
    "DeliveryRecord",
    "JobRecord",
    "SqlStore",
    "is_postgres",
    "make_sqlite_folder",
    "open_store",
    "store_location",
]
