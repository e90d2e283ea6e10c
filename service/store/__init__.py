"""Persistence of analyses, jobs and deliveries (SQLite by default, any SQLAlchemy URL later)."""

from service.store.sql import DeliveryRecord, JobRecord, SqlStore, open_store, store_location

__all__ = ["DeliveryRecord", "JobRecord", "SqlStore", "open_store", "store_location"]
