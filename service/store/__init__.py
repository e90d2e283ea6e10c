"""Persistence of analyses, jobs and deliveries (SQLite by default, any SQLAlchemy URL later)."""

from service.store.sql import DeliveryRecord, JobRecord, SqlStore, open_store

__all__ = ["DeliveryRecord", "JobRecord", "SqlStore", "open_store"]
