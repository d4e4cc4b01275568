"""Discovery: proposals from the comments in the lake that the person may read, accepted into the
taxonomy as a new theme or merged into one; afterwards the comments get the theme."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from kundpuls.reports import cache
from kundpuls.text import assign_themes
from kundpuls.web.org.models import AuditEvent, Unit
from kundpuls.web.themes import queries
from kundpuls.web.themes.models import DiscoveryRun

pytestmark = pytest.mark.database

# Subjects the shipped taxonomy has no theme for, written in varied ways.
COFFEE = [
    f"{a} {b}"
    for a, b in itertools.product(
        [
            "Kaffeautomaten var trasig.",
            "Kaffet smakade illa.",
            "Ingen kaffeautomat fungerade.",
            "Kaffe saknades.",
        ],
        [
            "Automaten tog inte kort.",
            "Koppen läckte.",
            "Kaffet var kallt.",
            "Automaten var tom.",
            "Inget socker.",
        ],
    )
]
DOGS = [
    f"{a} {b}"
    for a, b in itertools.product(
        ["Hunden fick inte följa med.", "Hundar borde få komma in.", "Min hund fick vänta ute."],
        ["Koppel räckte inte.", "Hundskålen saknades.", "Ledarhunden släpptes in."],
    )
]


@pytest.fixture
def comments_in_lake(submit: Callable[..., int], settings: Any) -> int:
    from kundpuls.web.responses.actions import sync_to_lake

    texts = COFFEE + DOGS + ["Mycket bra bemötande av personalen.", "Lång väntetid i telefon."] * 4
    for i, text in enumerate(texts):
        submit(2 + i % 8, text)
    sync_to_lake()
    cache.clear()
    return len(texts)


@pytest.mark.django_db
def test_a_proposal_is_accepted_as_a_new_theme_and_comments_get_it_afterwards(
    client_for: Callable[[str], Client], comments_in_lake: int, settings: Any
) -> None:
    client = client_for("analyst")
    form = client.get("/portal/teman/upptack/").content.decode()
    assert 'value="VOF-HT-N"' in form and 'value="RGX"' not in form  # only units whose comments she reads
    response = client.post("/portal/teman/upptack/", {"survey": "nki", "unit": "VOF", "period": ""})
    assert response.status_code == 302
    run = DiscoveryRun.objects.get()
    assert run.comments == comments_in_lake and run.analysed == comments_in_lake and run.status == "done"
    assert run.seconds < 30
    page = client.get(response["Location"]).content.decode()
    coffee = next(i for i, p in enumerate(run.proposals) if any("kaff" in t for t in p["top_terms"]))
    proposal = run.proposals[coffee]
    assert any(e in COFFEE for e in proposal["examples"]) and proposal["examples"][0] in page
    prefix = f"p{coffee + 1}"
    words = [t for t in proposal["top_terms"] if "kaff" in t or "autom" in t]
    missing_label = client.post(
        f"/portal/teman/upptack/{run.pk}/forslag/{coffee + 1}/",
        {f"{prefix}-target": "__new__", f"{prefix}-key": "kaffe", f"{prefix}-words": words},
    )
    assert missing_label.status_code == 400 and "Ett nytt tema behöver en svensk benämning" in (
        missing_label.content.decode()
    )
    accepted = client.post(
        f"/portal/teman/upptack/{run.pk}/forslag/{coffee + 1}/",
        {
            f"{prefix}-target": "__new__",
            f"{prefix}-key": "kaffe",
            f"{prefix}-label_sv": "Kaffe och automater",
            f"{prefix}-label_en": "Coffee machines",
            f"{prefix}-words": words,
        },
    )
    assert accepted.status_code == 302
    taxonomy = queries.taxonomy_in_force(_exk())
    assert taxonomy.theme("kaffe").label_in("en") == "Coffee machines"
    assert set(taxonomy.theme("kaffe").terms["sv"].words) == set(words)
    event = AuditEvent.objects.get(action="themes.discovery.accept")
    assert event.details["discovery"] == run.pk and event.details["added"] == ["kaffe"]
    run.refresh_from_db()
    assert run.proposals[coffee]["outcome"] == {"action": "new", "theme": "kaffe", "revision": 1}
    # the comments now get the theme: on the unit's results page as in the report behind it
    from kundpuls.reports.unit_report import unit_report
    from kundpuls.web.surveys.models import Survey
    from kundpuls.web.surveys.queries import current_version, definition_of

    version = current_version(Survey.objects.get(key="nki"))
    assert version is not None
    report = unit_report(
        str(settings.KUNDPULS_LAKE_DIR),
        definition_of(version),
        "VOF-HT-N",
        taxonomy=taxonomy,
        threshold_setting=7,
    )
    assert report.comments is not None
    themes = {t.key: t.count for t in report.comments.themes}
    raised = assign_themes(COFFEE, taxonomy).to_lists()
    expected = sum("kaffe" in found for found in raised)
    assert themes["kaffe"] == expected and expected >= len(COFFEE) // 2
    assert not any("kaffe" in found for found in assign_themes(DOGS, taxonomy).to_lists())
    dashboard = client.get("/portal/resultat/enheter/VOF-HT-N/?survey=nki").content.decode()
    assert "Kaffe och automater" in dashboard
    again = client.post(
        f"/portal/teman/upptack/{run.pk}/forslag/{coffee + 1}/",
        {f"{prefix}-target": "pris", f"{prefix}-words": words},
    )
    assert again.status_code == 400  # a proposal is accepted once


@pytest.mark.django_db
def test_a_proposal_can_be_merged_into_an_existing_theme(
    client_for: Callable[[str], Client], comments_in_lake: int
) -> None:
    client = client_for("admin")
    client.post("/portal/teman/upptack/", {"survey": "nki", "unit": "VOF-HT-N"})
    run = DiscoveryRun.objects.get()
    dogs = next(i for i, p in enumerate(run.proposals) if any("hund" in t for t in p["top_terms"]))
    words = [t for t in run.proposals[dogs]["top_terms"] if "hund" in t]
    response = client.post(
        f"/portal/teman/upptack/{run.pk}/forslag/{dogs + 1}/",
        {f"p{dogs + 1}-target": "tillganglighet", f"p{dogs + 1}-words": words},
    )
    assert response.status_code == 302
    theme = queries.taxonomy_in_force(_exk()).theme("tillganglighet")
    assert set(words) <= set(theme.terms["sv"].words)
    assert AuditEvent.objects.filter(action="themes.discovery.merge").count() == 1


@pytest.mark.django_db
def test_comments_under_the_threshold_are_never_used(
    client_for: Callable[[str], Client], submit: Callable[..., int]
) -> None:
    from kundpuls.web.responses.actions import sync_to_lake

    for text in COFFEE[:3]:  # three respondents: under the comment threshold
        submit(2, text, unit="VOF-HT-S")
    sync_to_lake()
    cache.clear()
    client = client_for("analyst")
    response = client.post("/portal/teman/upptack/", {"survey": "nki", "unit": "VOF-HT-S"})
    run = DiscoveryRun.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert run.comments == 0 and run.hidden_periods == 1 and run.proposals == []
    assert not any(text in page for text in COFFEE)
    assert re.search(r"1 kvartal utelämnades", page)


@pytest.mark.django_db
def test_a_run_on_a_unit_outside_her_comments_is_refused(
    client_for: Callable[[str], Client], comments_in_lake: int
) -> None:
    client_for("admin").post("/portal/teman/upptack/", {"survey": "nki", "unit": "VOF-HT-N"})
    run = DiscoveryRun.objects.get()
    run.unit_id = run.unit.__class__.objects.get(code="RGX").pk
    run.save()
    analyst = client_for("analyst")
    # another organisation's run is answered as if it did not exist (a 403 would tell her it does)
    assert analyst.get(f"/portal/teman/upptack/{run.pk}/").status_code == 404
    refused = analyst.post("/portal/teman/upptack/", {"survey": "nki", "unit": "RGX"})
    assert refused.status_code == 400 and DiscoveryRun.objects.count() == 1


def _exk() -> Unit:
    """The municipality: the organisation whose taxonomy these tests change."""
    return Unit.objects.get(code="EXK")
