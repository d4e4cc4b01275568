"""``kundpuls demo``, ``check`` and ``serve`` as a person runs them."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import kundpuls
from kundpuls.cli import server
from kundpuls.text import meaning
from kundpuls.web.accounts.models import User
from kundpuls.web.org.models import Role, Unit


@pytest.fixture
def app() -> typer.Typer:
    application = typer.Typer()
    server.register(application)
    return application


@pytest.mark.django_db
def test_demo_can_run_twice_without_duplicating_anything(app: typer.Typer) -> None:
    first = CliRunner().invoke(app, ["demo", "--no-serve", "--json"])
    assert first.exit_code == 0, first.output
    counts = (Unit.objects.count(), User.objects.count(), Role.objects.count())
    second = CliRunner().invoke(app, ["demo", "--no-serve", "--json"])
    assert second.exit_code == 0, second.output
    assert (Unit.objects.count(), User.objects.count(), Role.objects.count()) == counts
    document = json.loads(second.stdout)
    assert document["loaded"]["organisation"]["units"] == Unit.objects.count()
    # every comment of the lake has its vector before the first page asks (kundpuls.web.themes.vectors)
    assert document["loaded"]["comments"]["comments"] > 1000 or not meaning.available()
    assert {login["role"] for login in document["logins"]} == {"admin", "analyst", "manager", "viewer"}


@pytest.mark.django_db
def test_check_reports_a_healthy_installation(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["check", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["database"] == "ok"
    assert report["pending_migrations"] == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.server
def test_serve_answers_healthz_from_the_production_server(tmp_path: Path) -> None:
    """A real gunicorn process on a fresh SQLite database: migrate, serve, ask /healthz."""
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(kundpuls.__file__).parents[1]),
        "KUNDPULS_DATA_DIR": str(tmp_path),
        "KUNDPULS_SECRET_KEY": "serve-test-secret-" + "y" * 30,
    }
    env.pop("KUNDPULS_DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, "-m", "kundpuls.cli"]
    subprocess.run([*command, "migrate", "--json"], env=env, check=True, capture_output=True, timeout=120)
    port = _free_port()
    process = subprocess.Popen(
        [*command, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        body = None
        # Starting collects the static files and boots gunicorn: seconds, more on a busy machine.
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    body = json.loads(response.read())
                    server_header = response.headers["Server"]
                break
            except OSError:
                time.sleep(0.2)
        if body is None:
            process.terminate()
            output = process.communicate(timeout=20)[0].decode(errors="replace")
            pytest.fail(
                f"the server did not answer /healthz (exit code {process.returncode}):\n{output[-3000:]}"
            )
        assert body == {"status": "ok", "database": "ok"}
        assert "gunicorn" in server_header
        # a page with static files works right after `migrate` + `serve` (serve collects them)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/konto/logga-in/", timeout=10) as response:
            page = response.read().decode()
        stylesheet = re.search(r'href="(/static/kundpuls/staff\.[0-9a-f]+\.css)"', page)
        assert stylesheet, "the login page links the hashed stylesheet"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{stylesheet.group(1)}", timeout=10) as response:
            assert response.status == 200
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.slow
def test_production_settings_pass_djangos_deployment_checks(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(kundpuls.__file__).parents[1]),
        "KUNDPULS_DATA_DIR": str(tmp_path),
        "KUNDPULS_SECRET_KEY": "a-long-random-production-secret-" + "z" * 40,
        "KUNDPULS_BASE_URL": "https://kundpuls.example.se",
        "KUNDPULS_ALLOWED_HOSTS": "kundpuls.example.se",
    }
    for name in (
        "KUNDPULS_DATABASE_URL",
        "DJANGO_SETTINGS_MODULE",
        "KUNDPULS_DEBUG",
        "KUNDPULS_DEMO",
        "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests in this process
    ):
        env.pop(name, None)
    command = [sys.executable, "-m", "kundpuls.cli"]
    subprocess.run([*command, "migrate", "--json"], env=env, check=True, capture_output=True, timeout=120)
    result = subprocess.run(
        [*command, "check", "--deploy", "--json"], env=env, capture_output=True, timeout=120
    )
    report = json.loads(result.stdout)
    # only the note that SQLite suits one machine (kundpuls.W001) — no error, no Django warning
    assert [p["id"] for p in report["problems"]] == ["kundpuls.W001"], report["problems"]
    assert result.returncode == 0 and report["status"] == "ok"


PRODUCTION = {
    "DEBUG": False,
    "KUNDPULS_DEMO": False,
    "SECRET_KEY": "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz",
    "KUNDPULS_BASE_URL": "https://kundpuls.example.se",
}


def _deploy_check(app: typer.Typer, settings: object, **changes: object) -> tuple[int, dict]:
    for name, value in {**PRODUCTION, **changes}.items():
        setattr(settings, name, value)
    result = CliRunner().invoke(app, ["check", "--deploy", "--json"])
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.django_db
def test_check_deploy_passes_a_production_configuration_and_warns_about_sqlite(
    app: typer.Typer, settings: object
) -> None:
    _code, report = _deploy_check(app, settings)
    assert set(report) >= {"database", "pending_migrations", "debug", "demo", "problems", "status"}
    ids = {p["id"] for p in report["problems"]}
    assert not [i for i in ids if i.startswith("kundpuls.E")], report["problems"]
    # the whole command passing: test_production_settings_pass_djangos_deployment_checks
    assert ("kundpuls.W001" in ids) == (report["database_vendor"] == "sqlite")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "problem_id", "named"),
    [
        ({"DEBUG": True}, "kundpuls.E001", "KUNDPULS_DEBUG"),
        ({"KUNDPULS_DEMO": True}, "kundpuls.E002", "KUNDPULS_DEMO"),
        ({"SECRET_KEY": "kort-hemlighet-2026"}, "kundpuls.E003", "KUNDPULS_SECRET_KEY"),
        ({"KUNDPULS_BASE_URL": "http://kundpuls.example.se"}, "kundpuls.E004", "http://kundpuls.example.se"),
    ],
)
def test_check_deploy_fails_on_debug_demo_a_short_secret_and_plain_http(
    app: typer.Typer, settings: object, change: dict, problem_id: str, named: str
) -> None:
    code, report = _deploy_check(app, settings, **change)
    assert (code, report["status"]) == (1, "error")
    problem = next(p for p in report["problems"] if p["id"] == problem_id)
    assert named in problem["message"]
