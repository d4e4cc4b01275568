"""Two organisations each have a survey ``nki`` and see only their own results (issue 17).

The municipality's ``nki`` is the demo's; the region creates its own from the same template, opens it for
one health centre and gets responses. Through the API (tokens of people of each organisation) each sees its
own ``nki``: its units, its respondents, never the other's; a person of both organisations must name one
as ``ORG:KEY``. The lake and the results cache know each by its own lake key, so a codebook of one
(its anonymity threshold, say) never reaches the other's numbers.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.web.dashboards.conftest import NOW, START, load_results, store_generated

from kundpuls.analytics.lake.manifest import lake_location, read_manifest
from kundpuls.demo.responses import UnitProfile, generate_responses
from kundpuls.instruments.library import load_template
from kundpuls.reports import cache
from kundpuls.web.api.actions import create_token
from kundpuls.web.org.actors import CLI
from kundpuls.web.org.models import Unit
from kundpuls.web.responses.actions import sync_to_lake
from kundpuls.web.surveys.actions import create_from_template, open_distribution, publish, save_definition
from kundpuls.web.surveys.models import Survey
from kundpuls.web.surveys.queries import _published_definition, definition_of

REGION_UNIT = "RGX-VC-CEN"


def _region_nki(threshold: int | None = None) -> tuple[Survey, int]:
    """The region's own ``nki`` (with its own anonymity threshold if given), published, open for one health
    centre, with responses; returns the survey and how many responses it got."""
    region = Unit.objects.get(code="RGX")
    if threshold is None:
        draft = create_from_template("nki", owner=region, actor=CLI)
    else:
        template = load_template("nki")
        codebook = dataclasses.replace(
            template.codebook, anonymity_threshold=threshold, comment_anonymity_threshold=threshold
        )
        draft = save_definition(dataclasses.replace(template, codebook=codebook), owner=region, actor=CLI)
    version = publish(draft, actor=CLI, at=START)
    unit = Unit.objects.get(code=REGION_UNIT)
    link = open_distribution(version.survey, unit, actor=CLI)
    generated = generate_responses(
        definition_of(version),
        [UnitProfile(code=REGION_UNIT, volume=25, shifts={"BEMOTANDE": -0.6})],
        start=NOW - timedelta(days=182),
        end=NOW,
        seed=11,
    )
    kept = [r for r in generated.responses if r.submitted_at >= START]
    store_generated(version, kept, {REGION_UNIT: link})
    return version.survey, len(kept)


def _get(path: str, token: str) -> Any:
    from django.test import Client

    return Client().get(path, HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.mark.django_db
def test_two_organisations_each_with_nki_see_only_their_own_results(
    settings: Any, tmp_path: Path, personas: dict[str, Any]
) -> None:
    from kundpuls.web.accounts.models import User

    settings.KUNDPULS_LAKE_DIR = tmp_path / "lake"
    cache.clear()
    municipal = load_results(tmp_path / "lake")  # the municipality's nki: responses in its units
    region_nki, region_n = _region_nki()
    sync_to_lake()
    municipal_nki = Survey.objects.get(key="nki", organisation__code="EXK")
    assert region_nki.pk != municipal_nki.pk and region_nki.key == municipal_nki.key == "nki"

    region_person = User.objects.get(email="analytiker.region@kundpuls.example")
    User.objects.filter(pk=region_person.pk).update(is_demo=False)
    region_person.refresh_from_db()
    region_token = create_token(region_person, "test", actor=CLI)[1]
    listed = _get("/api/v1/surveys/", region_token).json()["surveys"]
    keys = [s["key"] for s in listed]  # its own nki; nothing tells that another organisation has one
    assert "nki" in keys and not any(key.endswith("nki") and key != "nki" for key in keys)
    assert "RGX:nki" in [s["reference"] for s in listed]  # the name an integration stores
    overview = _get("/api/v1/results/nki/?period_kind=year&period=2026", region_token)
    assert overview.status_code == 200, overview.content
    codes = {row["unit_code"] for row in overview.json()["rows"]}
    assert REGION_UNIT in codes
    region_paths = set(Unit.objects.filter(code__startswith="RGX").values_list("code", flat=True))
    assert codes <= region_paths  # only the region's units
    own = _get(f"/api/v1/results/nki/units/{REGION_UNIT}/?period_kind=year&period=2026", region_token)
    assert own.status_code == 200, own.content
    assert 0 < own.json()["headlines"][0]["value"]["n"] <= region_n  # its own respondents only
    other = _get("/api/v1/results/nki/units/VOF-HT-N/?period_kind=year&period=2026", region_token)
    assert other.status_code == 404
    assert _get("/api/v1/results/EXK:nki/", region_token).status_code == 404

    municipal_token = create_token(personas["analyst"], "test", actor=CLI)[1]
    rows = _get("/api/v1/results/nki/?period_kind=year&period=2026", municipal_token).json()["rows"]
    codes = {row["unit_code"] for row in rows}
    assert "VOF-HT-N" in codes and not any(code.startswith("RGX") for code in codes)
    mine = _get("/api/v1/results/nki/units/VOF-HT-N/?period_kind=year&period=2026", municipal_token).json()
    assert 0 < mine["headlines"][0]["value"]["n"] <= municipal["VOF-HT-N"]
    assert _get(f"/api/v1/results/nki/units/{REGION_UNIT}/", municipal_token).status_code == 404

    both = User.objects.get(email="admin@kundpuls.example")  # roles in both organisations
    both_token = create_token(both, "test", actor=CLI)[1]
    both_keys = {s["key"] for s in _get("/api/v1/surveys/", both_token).json()["surveys"]}
    assert {"EXK:nki", "RGX:nki"} <= both_keys and "nki" not in both_keys  # ORG:KEY where she sees both
    ambiguous = _get("/api/v1/results/nki/", both_token)
    assert ambiguous.status_code == 400
    assert "EXK:nki" in ambiguous.content.decode() and "RGX:nki" in ambiguous.content.decode()
    named = _get("/api/v1/results/RGX:nki/?period_kind=year&period=2026", both_token)
    assert named.status_code == 200, named.content
    assert {row["unit_code"] for row in named.json()["rows"]} <= region_paths


@pytest.mark.django_db
def test_each_organisations_nki_has_its_own_lake_partitions_codebook_and_cached_results(
    settings: Any, tmp_path: Path, personas: dict[str, Any]
) -> None:
    """The region's ``nki`` asks for groups of 12, the municipality's for 7: each organisation's numbers
    follow its own codebook, although both surveys are ``nki`` and both were computed in one process
    (before the lake was keyed per survey, both went to one partition and one cached plan)."""
    import duckdb

    from kundpuls.web.accounts.models import User

    settings.KUNDPULS_LAKE_DIR = tmp_path / "lake"
    cache.clear()
    # parsed published definitions are cached per (version id, publication time); SQLite hands the rolled-
    # back previous test's version id out again, with the same publication time
    _published_definition.cache_clear()
    load_results(tmp_path / "lake")
    region_nki, _ = _region_nki(threshold=12)
    sync_to_lake()
    municipal_nki = Survey.objects.get(key="nki", organisation__code="EXK")
    assert municipal_nki.lake_key == "nki"  # the older survey keeps its key: existing lakes stay valid
    assert region_nki.lake_key == f"nki.{region_nki.organisation_id}"

    manifest = read_manifest(lake_location(tmp_path / "lake"))
    assert {"nki", region_nki.lake_key} <= set(manifest.survey_keys())
    for key, organisation in (("nki", "EXK"), (region_nki.lake_key, "RGX")):
        files = manifest.table_files("responses", survey=key)
        assert files and all(f"survey={key}/" in f.path for f in files)
        codes = duckdb.sql(
            "select distinct unit_path from read_parquet($paths)",
            params={"paths": [str(tmp_path / "lake" / f.path) for f in files]},
        ).fetchall()
        assert codes and all(path.startswith(f"/{organisation}/") for (path,) in codes)

    municipal_token = create_token(personas["analyst"], "test", actor=CLI)[1]
    municipal = _get("/api/v1/results/nki/?period_kind=year&period=2026", municipal_token).json()
    region_person = User.objects.get(email="analytiker.region@kundpuls.example")
    User.objects.filter(pk=region_person.pk).update(is_demo=False)
    region_token = create_token(region_person, "test", actor=CLI)[1]
    region = _get("/api/v1/results/nki/?period_kind=year&period=2026", region_token).json()
    assert municipal["threshold"] == max(7, settings.KUNDPULS_ANONYMITY_THRESHOLD)
    assert region["threshold"] == max(12, settings.KUNDPULS_ANONYMITY_THRESHOLD)
    assert municipal["survey_key"] == region["survey_key"] == "nki"  # the document names the survey's key
    unit = _get(f"/api/v1/results/nki/units/{REGION_UNIT}/?period_kind=year&period=2026", region_token)
    assert unit.json()["threshold"] == region["threshold"] and unit.json()["survey_key"] == "nki"
    # `kundpuls analyze` on the web's lake: ORG:KEY reads that organisation's survey, with its own threshold
    import json

    from test_threshold_setting import _cli

    for reference, organisation, threshold in (("RGX:nki", "RGX", 12), ("EXK:nki", "EXK", 7)):
        args = ["--lake", str(tmp_path / "lake"), "--survey", reference, "--by", "unit,year", "--json"]
        result = _cli("analyze", [*args, "--rollup"])
        assert result.exit_code == 0, result.output
        document = json.loads(result.output)
        assert document["threshold"] == max(threshold, settings.KUNDPULS_ANONYMITY_THRESHOLD)
        paths = set(
            Unit.objects.filter(path__startswith=Unit.objects.get(code=organisation).path).values_list(
                "code", flat=True
            )
        )
        assert document["table"] and {row["unit"] for row in document["table"]} <= paths
    assert _cli("analyze", ["--lake", str(tmp_path / "lake"), "--survey", "nki", "--json"]).exit_code != 0
