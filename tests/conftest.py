"""Test-wide set-up: a throw-away data dir and secret, the demo organisation loaded once per database.

The database is whatever ``KUNDPULS_DATABASE_URL`` names (SQLite in a temporary folder by default;
``make test`` runs the database tests a second time on PostgreSQL). Tests that touch the database are
marked ``database`` automatically, so ``pytest -m database`` selects exactly them.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_DATA_DIR = Path(tempfile.mkdtemp(prefix="kundpuls-test-"))
(_DATA_DIR / "static").mkdir()
os.environ.setdefault("KUNDPULS_DATA_DIR", str(_DATA_DIR))
os.environ.setdefault("KUNDPULS_SECRET_KEY", "test-secret-key-not-for-production-" + "x" * 20)
os.environ.setdefault("KUNDPULS_LAKE_SETTLE_SECONDS", "0")  # tests sync right after their own commits
os.environ.pop("KUNDPULS_DEMO", None)
os.environ.pop("KUNDPULS_DEBUG", None)
os.environ["DJANGO_SETTINGS_MODULE"] = "kundpuls.web.settings"

# pytest-django sets Django up in its pytest_configure once the settings are configured; the environment
# above must be in place first, which is why the settings module is named here and not in pyproject.toml.
import django.conf  # noqa: E402

django.conf.settings.DATABASES  # noqa: B018  (evaluates the settings module now)

DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_setup",
    "live_server",
    "client",
    "admin_client",
    "django_user_model",
    "personas",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & DATABASE_FIXTURES or item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.database)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "database: touches the database (selected for the PostgreSQL pass)")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[None]:
    """The demo organisation (units, users, roles) exists in every test database."""
    from kundpuls.web.org.demo import load_demo_organisation
    from kundpuls.web.surveys.demo import load_demo_surveys

    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        load_demo_organisation()
        load_demo_surveys()
    yield


@pytest.fixture(autouse=True)
def _demo_organisation(request: pytest.FixtureRequest) -> None:
    """Transactional tests empty the database afterwards; the next database test gets the demo back."""
    if not request.node.get_closest_marker("database"):
        return
    if not (
        {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    ) and not request.node.get_closest_marker("django_db"):
        return
    request.getfixturevalue("transactional_db" if _is_transactional(request) else "db")
    from kundpuls.web.org.demo import load_demo_organisation
    from kundpuls.web.org.models import Unit
    from kundpuls.web.surveys.demo import load_demo_surveys

    if not Unit.objects.filter(code="EXK").exists():
        load_demo_organisation()
        load_demo_surveys()


def _is_transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _plain_static_storage(request: pytest.FixtureRequest) -> None:
    """Tests render templates without running collectstatic first."""
    if "settings" not in request.fixturenames and not request.node.get_closest_marker("database"):
        return
    settings = request.getfixturevalue("settings")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def personas(db: None) -> dict[str, object]:
    """The people of the permission matrix, from the demo organisation (anonymous is None)."""
    from kundpuls.web.accounts.models import User

    emails = {
        "admin": "admin@kundpuls.example",
        "analyst": "analytiker@kundpuls.example",
        "manager_a": "chef.hemtjanst@kundpuls.example",
        "manager_b": "chef.bibliotek@kundpuls.example",
        "viewer": "betraktare@kundpuls.example",
    }
    User.objects.filter(email__in=emails.values()).update(is_demo=False)  # real accounts, not demo ones
    people: dict[str, object] = {key: User.objects.get(email=email) for key, email in emails.items()}
    people["anonymous"] = None
    return people
