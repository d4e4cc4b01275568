"""Test-wide set-up: a throw-away data dir and secret, the demo organisation loaded once per database.

The database is whatever ``KUNDPULS_DATABASE_URL`` names (SQLite in a temporary folder by default;
``make test`` runs the database tests a second time on PostgreSQL). Tests that touch the database are
marked ``database`` automatically, so ``pytest -m database`` selects exactly them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

_DATA_DIR = Path(tempfile.mkdtemp(prefix="kundpuls-test-"))
(_DATA_DIR / "static").mkdir()
os.environ.setdefault("KUNDPULS_DATA_DIR", str(_DATA_DIR))
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
# Playwright for Python drives Debian's Chromium; nothing is downloaded by Playwright. axe-core comes from
# the npm registry into <repo>/var/npm (git-ignored). One Playwright instance per session: a second
# sync_playwright() in the same process fails, so every browser test uses these fixtures.

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
AXE_VERSION = "4.10.3"
REPO = Path(__file__).resolve().parents[1]
NPM_PREFIX = REPO / "var" / "npm"
AXE_SCRIPT = NPM_PREFIX / "node_modules" / "axe-core" / "axe.min.js"


def _unavailable(reason: str) -> None:
    """Skip locally; fail under CI, which must not pass by skipping the browser tests."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole session."""
    if not CHROMIUM.exists():
        _unavailable(f"the browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the browser tests need Playwright for Python (the playwright package)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """The axe-core script, installed with npm into ``var/npm`` when it is not there yet."""
    if not AXE_SCRIPT.exists():
        npm = shutil.which("npm")
        if npm is None:
            _unavailable("the accessibility tests need npm to install axe-core (apt-get install npm)")
        NPM_PREFIX.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                str(npm),
                "install",
                "--no-save",
                "--no-package-lock",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(NPM_PREFIX),
                f"axe-core@{AXE_VERSION}",
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return AXE_SCRIPT.read_text(encoding="utf-8")
