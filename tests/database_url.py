"""The test database as a ``KUNDPULS_DATABASE_URL``, for tests that start a real ``kundpuls`` process."""

from __future__ import annotations

from django.db import connection


def url_of_test_database() -> str:
    """The URL of the database this test runs on (SQLite file or PostgreSQL)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user, host, port = db.get("USER") or "postgres", db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgresql://{user}@{host}:{port}/{db['NAME']}"
