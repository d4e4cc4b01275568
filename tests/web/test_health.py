import pytest
from django.db import connection
from django.test import Client


@pytest.mark.django_db
def test_healthz_reports_ok_with_the_database_up() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_503_naming_the_database_when_it_is_down(tmp_path: object) -> None:
    connection.close()
    saved = dict(connection.settings_dict)
    try:
        if connection.vendor == "sqlite":
            connection.settings_dict["NAME"] = "/nonexistent-dir/kundpuls.sqlite3"
        else:
            connection.settings_dict["PORT"] = "1"  # nothing listens there: the server is unreachable
        response = Client().get("/healthz")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"].startswith("error:")
