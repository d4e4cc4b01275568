"""The commands of README.md and docs/*.md as a person runs them after ``make demo``: no environment at all.

The data folder is ``var/`` in the working directory, made the way ``kundpuls demo`` makes it (its secret
key file, the demo organisation and surveys) with a few hundred NKI responses instead of two years, so the
test takes seconds. Every command runs in its own process with every ``KUNDPULS_*`` variable removed.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import kundpuls

# Each test runs real `kundpuls` processes (one starts `kundpuls serve`): not part of `make test-fast`.
pytestmark = [pytest.mark.slow, pytest.mark.server]

_BUILD = """
import os
from datetime import UTC, datetime, timedelta

os.environ["DJANGO_SETTINGS_MODULE"] = "kundpuls.web.settings"
from kundpuls.config import ensure_demo_secret_key

ensure_demo_secret_key()  # what `kundpuls demo` does before anything else
import django

django.setup()
from django.core.management import call_command

from kundpuls.demo.responses import UnitProfile, generate_responses
from kundpuls.web.org.actors import DEMO
from kundpuls.web.org.demo import load_demo_organisation
from kundpuls.web.responses.actions import IncomingResponse, import_responses
from kundpuls.web.responses.actions import sync_to_lake
from kundpuls.web.surveys.demo import load_demo_surveys
from kundpuls.web.surveys.models import Distribution, Survey
from kundpuls.web.surveys.queries import current_version, definition_of

call_command("migrate", interactive=False, verbosity=0)
load_demo_organisation()
load_demo_surveys()
survey = Survey.objects.get(key="nki")
version = current_version(survey)
units = [UnitProfile(code=code, volume=20) for code in ("VOF-HT-N", "VOF-HT-S", "VOF-HT-C")]
now = datetime.now(UTC)
start = now - timedelta(days=150)
generated = generate_responses(definition_of(version), units, start=start, end=now, seed=3)
links = {d.unit.code: d for d in Distribution.objects.filter(survey=survey).select_related("unit")}
import_responses(version, [
    IncomingResponse(distribution=links[r.unit], submission_id=r.submission_id, answers=r.as_input(),
                     language=r.language, submitted_at=r.submitted_at)
    for r in generated.responses
], actor=DEMO)
sync_to_lake(settle_seconds=0)
print(len(generated.responses))
"""


def _environment() -> dict[str, str]:
    """The process environment without any Kundpuls or Django setting (as in a fresh shell)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KUNDPULS_", "DJANGO_"))}
    env["PYTHONPATH"] = str(Path(kundpuls.__file__).parents[1])
    return env


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working directory whose ``var/`` holds a demo-like data folder."""
    folder = tmp_path_factory.mktemp("after-make-demo")
    built = subprocess.run(
        [sys.executable, "-c", _BUILD],
        cwd=folder,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    assert int(built.stdout.strip()) > 100
    assert (folder / "var" / "secret_key").is_file() and (folder / "var" / "lake").is_dir()
    return folder


def kundpuls_(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "kundpuls.cli", *args],
        cwd=workdir,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check:
        assert result.returncode == 0, (
            f"kundpuls {' '.join(args)}:\n{result.stdout[-2000:]}{result.stderr[-2000:]}"
        )
    return result


def as_json(workdir: Path, *args: str) -> Any:
    return json.loads(kundpuls_(workdir, *args).stdout)


def test_the_documented_commands_work_on_the_demo_folder_with_no_environment(workdir: Path) -> None:
    data = (workdir / "var").resolve()
    check = as_json(workdir, "check", "--json")
    assert (check["status"], check["data_dir"]) == ("ok", str(data))

    assert as_json(workdir, "sync", "--json")["responses"] == 0  # the lake is up to date
    info = as_json(workdir, "lake", "info", "--json")  # --lake defaults to DATA_DIR/lake
    assert info["lake"] == str(data / "lake") and info["surveys"]["nki"]["responses"] > 100
    table = as_json(
        workdir,
        "analyze",
        "--survey",
        "nki",
        "--by",
        "unit,quarter",
        "--rollup",
        "--out",
        "index.xlsx",
        "--json",
    )
    assert table["rows"] > 0 and (workdir / "index.xlsx").stat().st_size > 0
    assert as_json(workdir, "lake", "migrate", "--json")["to_version"] >= 1

    kundpuls_(workdir, "units", "export", "--out", "units.csv")
    assert "unchanged: 50" in kundpuls_(workdir, "units", "import", "units.csv").stdout

    links = as_json(workdir, "surveys", "links", "--json")
    assert links and all(row["url"].startswith("http://127.0.0.1:8000/s/") for row in links)
    assert {r["key"] for r in as_json(workdir, "surveys", "list", "--json")} >= {"nki", "patient"}

    token = as_json(
        workdir, "api", "token", "create", "--email", "admin@kundpuls.example", "--name", "Power BI", "--json"
    )
    assert token["token"].startswith("kp_")
    assert as_json(workdir, "api", "token", "revoke", str(token["id"]), "--json")["revoked_at"]

    assert (
        as_json(
            workdir, "goals", "set", "VOF", "index:NKI", "65", "--survey", "nki", "--period", "2026", "--json"
        )["target"]
        == 65
    )
    assert as_json(workdir, "goals", "status", "--unit", "VOF", "--period", "2026", "--json")["goals"]
    assert isinstance(as_json(workdir, "cases", "list", "--json"), list)
    assert "mailed" in as_json(
        workdir, "cases", "overdue", "--json"
    )  # stdout is JSON even when mail is printed
    assert "purged" in as_json(workdir, "cases", "purge-contacts", "--json")
    assert "contacts_deleted" in as_json(workdir, "invitations", "retention", "--json")

    report = as_json(workdir, "report", "--survey", "nki", "--unit", "VOF-HT-N", "--out", "reports", "--json")
    assert report["written"] == 1 and Path(workdir, report["reports"][0]["file"]).stat().st_size > 0

    # the demo is no production: check --deploy fails (http base URL) and notes the data folder's key
    result = kundpuls_(workdir, "check", "--deploy", "--json", check=False)
    deploy = json.loads(result.stdout)
    assert result.returncode == 1 and deploy["status"] == "error"
    assert {"kundpuls.E004", "kundpuls.W002"} <= {p["id"] for p in deploy["problems"]}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(workdir: Path) -> Iterator[int]:
    """``kundpuls serve --port P`` on the demo folder, answering /healthz."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "kundpuls.cli", "serve", "--port", str(port), "--workers", "1"],
        cwd=workdir,
        env=_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    assert response.status == 200
                break
            except OSError:
                time.sleep(0.2)
        else:
            process.terminate()
            output = process.communicate(timeout=20)[0].decode(errors="replace")
            pytest.fail(f"the server did not answer /healthz (exit {process.returncode}):\n{output[-3000:]}")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_links_and_qr_codes_point_at_the_port_the_server_was_started_on(workdir: Path, server: int) -> None:
    assert (workdir / "var" / "server_address").read_text(
        encoding="utf-8"
    ).strip() == f"http://127.0.0.1:{server}"
    links = as_json(workdir, "surveys", "links", "--json", "--survey", "nki")
    assert links and all(row["url"].startswith(f"http://127.0.0.1:{server}/s/") for row in links)
    # the link works on that server
    with urllib.request.urlopen(links[0]["url"], timeout=10) as response:
        assert response.status == 200
    kundpuls_(workdir, "surveys", "qr", "nki", "--unit", links[0]["unit"], "--out", "qr.svg")
    assert (workdir / "qr.svg").read_text(encoding="utf-8").startswith("<")
    # KUNDPULS_BASE_URL, when set, wins over the recorded address
    env = {**_environment(), "KUNDPULS_BASE_URL": "https://kundpuls.example.se"}
    result = subprocess.run(
        [sys.executable, "-m", "kundpuls.cli", "surveys", "links", "--json"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert all(row["url"].startswith("https://kundpuls.example.se/s/") for row in json.loads(result.stdout))
