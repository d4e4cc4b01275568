"""An installation of the previous release, upgraded with ``kundpuls migrate``, gives this release's results.

The old database is built by Django's migration executor with the previous release's migrations only
(``upgrade_steps.PREVIOUS_RELEASE``) and its responses are written through the models as they were then;
the reference installation stores the same responses with this release's code. After ``kundpuls migrate``
the old one must hold the same responses and give the same index table from its lake. Both run in
processes of their own on SQLite files of their own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent


def _run(data_dir: Path, *arguments: str, ok: bool = True) -> str:
    env = {
        **os.environ,
        "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{HERE}",
        "KUNDPULS_DATA_DIR": str(data_dir),
    }
    env.pop("KUNDPULS_DATABASE_URL", None)
    env.pop("KUNDPULS_LAKE_DIR", None)
    env["DJANGO_SETTINGS_MODULE"] = "kundpuls.web.settings"
    done = subprocess.run(
        [sys.executable, *arguments],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0 or not ok, f"{arguments}: {done.stderr[-3000:]}"
    return done.stdout


@pytest.mark.slow
@pytest.mark.server
def test_a_database_of_the_previous_release_upgrades_to_the_same_results(tmp_path: Path) -> None:
    old, new = tmp_path / "previous", tmp_path / "current"
    _run(old, "-m", "upgrade_steps", "previous")
    before = json.loads(_run(old, "-m", "kundpuls.cli", "check", "--json", ok=False))
    assert before["pending_migrations"] >= 4, "the previous release lacks this release's migrations"
    _run(old, "-m", "kundpuls.cli", "migrate")  # the upgrade, as an operator runs it
    assert json.loads(_run(old, "-m", "kundpuls.cli", "check", "--json"))["pending_migrations"] == 0
    upgraded = json.loads(_run(old, "-m", "upgrade_steps", "results"))
    _run(new, "-m", "upgrade_steps", "current")
    reference = json.loads(_run(new, "-m", "upgrade_steps", "results"))

    assert len(upgraded["responses"]) == 30
    assert upgraded["responses"] == reference["responses"]
    assert upgraded["stored_at_missing"] == 0 and upgraded["followups_pending"] == 0
    assert upgraded["index"] == reference["index"] and len(upgraded["index"]) > 0
    status = json.loads(_run(old, "-m", "kundpuls.cli", "jobs", "status", "--json"))
    assert {row["name"] for row in status} >= {"sync", "overdue"}, "the new tables are there"
