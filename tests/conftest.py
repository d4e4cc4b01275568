"""Test-wide set-up: a throw-away data dir and secret, the demo organisation loaded once per database.

The database is whatever ``KUNDPULS_DATABASE_URL`` names (SQLite in a temporary folder by default;
``make test`` runs the database tests a second time on PostgreSQL). Tests are marked by the fixtures they
use, so the selections are declared and not lists of paths: ``database`` (touches the database; ``pytest
-m database`` is the PostgreSQL pass), ``server`` (starts a server: Django's live server, an SMTP server)
and ``browser`` (drives Chromium). ``make test-fast`` deselects those and ``spark`` and ``slow``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from system_tools import require_module, unavailable

_DATA_DIR = Path(tempfile.mkdtemp(prefix="kundpuls-test-"))
(_DATA_DIR / "static").mkdir()
os.environ.setdefault("KUNDPULS_DATA_DIR", str(_DATA_DIR))
# The comment reader's vectors outlive one run (a cache keyed by the text): the PostgreSQL run after the
# SQLite one, and the next run in this checkout, read them instead of encoding every comment again.
os.environ.setdefault(
    "KUNDPULS_COMMENT_VECTORS",
    str(Path(__file__).resolve().parents[1] / "var" / "test-comment-vectors.sqlite3"),
)
os.environ.setdefault("KUNDPULS_SECRET_KEY", "test-secret-key-not-for-production-" + "x" * 20)
os.environ.setdefault("KUNDPULS_LAKE_SETTLE_SECONDS", "0")  # tests sync right after their own commits
os.environ.setdefault("KUNDPULS_LAKE_REFRESH_SECONDS", "0")  # ... and see them on the next results page
# Every test client comes from one address: the rate limits are off except in their own tests
# (tests/web/collect/test_rate_limits.py), which set them.
os.environ.setdefault("KUNDPULS_RATE_LIMIT_POSTS", "0")
os.environ.setdefault("KUNDPULS_RATE_LIMIT_GETS", "0")
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
# A test that starts a process or a listening server without one of these fixtures (gunicorn, the task
# worker, a pool of report workers) carries ``@pytest.mark.server`` itself.
SERVER_FIXTURES = {"live_server", "smtp_sink", "smtp_server"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & DATABASE_FIXTURES or item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.database)
        if names & SERVER_FIXTURES:
            item.add_marker(pytest.mark.server)
        if "browser" in names:
            item.add_marker(pytest.mark.browser)


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
def _plain_static_storage_and_own_lake(request: pytest.FixtureRequest) -> None:
    """Tests render templates without running collectstatic first, and each gets an empty lake of its own.

    The lake is a folder, not part of the database transaction a test rolls back, so without this a lake
    written by one test (the demo, a sync) would be read by the next.
    """
    if "settings" not in request.fixturenames and not request.node.get_closest_marker("database"):
        return
    settings = request.getfixturevalue("settings")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.KUNDPULS_LAKE_DIR = request.getfixturevalue("tmp_path") / "lake"


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


# ---------------------------------------------------------------- browser (shared by every browser test)
# Playwright for Python drives Debian's Chromium; nothing is downloaded by Playwright, nor by the tests:
# axe-core is shipped in tests/browser/axe-core (see its README.md). One Playwright instance per session: a
# second sync_playwright() in the same process fails, so every browser test uses these fixtures.

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_SCRIPT = Path(__file__).resolve().parent / "browser" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole session."""
    if not CHROMIUM.exists():
        unavailable(f"the browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
    require_module("playwright", "make install")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """The axe-core script shipped with the tests (read, never fetched)."""
    if not AXE_SCRIPT.exists():
        unavailable(
            f"axe-core is missing at {AXE_SCRIPT}: restore it with `git checkout -- {AXE_SCRIPT.parent}` "
            "or vendor the pinned version again with `make vendor-axe` (needs npm)"
        )
    return AXE_SCRIPT.read_text(encoding="utf-8")
