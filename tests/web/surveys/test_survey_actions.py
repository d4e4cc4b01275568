"""Survey versions stay comparable; distributions stay inside the owner's organisation."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest
from django.test import Client

from kundpuls.errors import ValidationError
from kundpuls.instruments import definition_to_dict, load_template, parse_definition
from kundpuls.web.org.actors import CLI
from kundpuls.web.org.models import AuditEvent, Unit
from kundpuls.web.surveys.actions import open_distribution, publish, save_definition
from kundpuls.web.surveys.models import Distribution, Survey
from kundpuls.web.surveys.posters import distribution_file
from system_tools import require_tool

BACKEND = "kundpuls.web.accounts.backends.EmailBackend"


def _changed_nki(change: Any) -> Any:
    data = definition_to_dict(load_template("nki"))
    change(data)
    return parse_definition(data)


@pytest.mark.django_db
def test_a_published_version_cannot_be_edited_in_place() -> None:
    version = Survey.objects.get(key="nki").versions.get(number=1)
    version.definition = {**version.definition, "key": "nki"} | {"title": {"sv": "Ny titel"}}
    with pytest.raises(ValueError, match="published"):
        version.save()


@pytest.mark.django_db
def test_editing_a_published_survey_makes_a_new_version() -> None:
    def retitle(data: dict[str, Any]) -> None:
        data["title"]["sv"] = "Vad tycker du om oss?"

    version = save_definition(_changed_nki(retitle), owner=Unit.objects.get(code="EXK"), actor=CLI)
    assert version.number == 2
    assert version.published_at is None
    assert Survey.objects.get(key="nki").title == "Vad tycker du om oss?"


@pytest.mark.django_db
def test_changing_the_scale_of_an_existing_item_is_refused_with_a_reason() -> None:
    def rescale(data: dict[str, Any]) -> None:
        for page in data["pages"]:
            for block in page["blocks"]:
                for question in block["questions"]:
                    if question.get("key") == "nki_helhet":
                        question["scale"]["max"] = 5

    with pytest.raises(ValidationError) as info:
        save_definition(_changed_nki(rescale), owner=Unit.objects.get(code="EXK"), actor=CLI)
    assert "nki_helhet" in str(info.value)


@pytest.mark.django_db
def test_a_survey_cannot_be_opened_outside_its_owner() -> None:
    with pytest.raises(ValidationError, match="RGX-VC-CEN"):
        open_distribution(Survey.objects.get(key="nki"), Unit.objects.get(code="RGX-VC-CEN"), actor=CLI)


@pytest.mark.django_db
def test_publishing_and_opening_leave_audit_events() -> None:
    survey = Survey.objects.get(key="nki")
    assert AuditEvent.objects.filter(action="surveys.publish", target="nki").exists()
    assert (
        AuditEvent.objects.filter(action="surveys.open", target="nki").count() == survey.distributions.count()
    )
    assert publish(survey.versions.get(number=1), actor=CLI).number == 1  # publishing again is harmless


@pytest.mark.parametrize("who", ["manager_a", "viewer"])
def test_people_without_survey_rights_cannot_change_a_survey(personas: dict[str, Any], who: str) -> None:
    client = Client()
    client.force_login(personas[who], backend=BACKEND)
    for action in ("publicera", "oppna", "stang"):
        assert client.post(f"/portal/enkater/nki/{action}/").status_code == 403
    assert Survey.objects.get(key="nki").closed_at is None


def test_an_analyst_creates_publishes_and_opens_a_survey_through_the_pages(personas: dict[str, Any]) -> None:
    client = Client()
    client.force_login(personas["analyst"], backend=BACKEND)
    exk = Unit.objects.get(code="EXK")
    created = client.post("/portal/enkater/ny/", {"template": "csat", "owner": exk.pk})
    assert created.status_code == 302
    key = created["Location"].rstrip("/").split("/")[-1]
    assert client.post(f"/portal/enkater/{key}/publicera/").status_code == 302
    unit = Unit.objects.get(code="SBF-BYGG")
    assert (
        client.post(f"/portal/enkater/{key}/oppna/", {"units": [unit.pk], "channel": "qr"}).status_code == 302
    )
    assert Distribution.objects.filter(survey__key=key, unit=unit, channel="qr").exists()
    detail = client.get(f"/portal/enkater/{key}/").content.decode()
    assert "Bygglov" in detail


def test_a_bad_definition_file_is_named_on_the_page(personas: dict[str, Any]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client()
    client.force_login(personas["analyst"], backend=BACKEND)
    bad = SimpleUploadedFile("bad.yaml", b"key: trasig\ntitle: {sv: Trasig}\npages: []\n")
    response = client.post(
        "/portal/enkater/ny/", {"definition": bad, "owner": Unit.objects.get(code="EXK").pk}
    )
    assert response.status_code == 400
    assert "pages" in response.content.decode()


@pytest.mark.django_db
def test_the_poster_is_an_a5_pdf_with_the_unit_and_the_link() -> None:
    distribution = Distribution.objects.get(survey__key="nki", unit__code="VOF-HT-N")
    pdf = distribution_file(distribution, "pdf")
    assert pdf.startswith(b"%PDF")
    text = subprocess.run(
        [require_tool("pdftotext"), "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout
    content = text.decode()
    assert "Hemtjänst Norr" in content
    assert distribution.token in content
    info = subprocess.run(
        [require_tool("pdfinfo"), "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "419.528 x 595.276 pts" in info  # A5: 148 x 210 mm


@pytest.mark.django_db
def test_qr_codes_come_as_svg_and_png() -> None:
    distribution = Distribution.objects.get(survey__key="nki", unit__code="VOF-HT-N")
    assert b"<svg" in distribution_file(distribution, "svg")[:200]
    assert distribution_file(distribution, "png").startswith(b"\x89PNG")


@pytest.mark.django_db
def test_an_uploaded_alias_bomb_is_a_form_error_in_well_under_a_second(personas: dict[str, Any]) -> None:
    import time

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    )
    client = Client()
    client.force_login(personas["analyst"], backend="kundpuls.web.accounts.backends.EmailBackend")
    owner = Unit.objects.get(code="EXK")
    started = time.perf_counter()
    response = client.post(
        "/portal/enkater/ny/",
        {"owner": owner.pk, "definition": SimpleUploadedFile("bomb.yaml", bomb.encode())},
    )
    assert time.perf_counter() - started < 1
    assert response.status_code == 400
    assert "aliases" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["upload", "template"])
def test_another_organisation_saving_the_key_nki_gets_its_own_survey_and_never_touches_the_other(
    personas: dict[str, Any], how: str
) -> None:
    """Finding 1 of issue 17: keys are unique within an organisation, so the region's ``nki`` is the
    region's own survey; the municipality's ``nki`` keeps its versions, title and owner."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kundpuls.instruments import template_text
    from kundpuls.web.accounts.models import User

    nki = Survey.objects.get(key="nki")
    versions = list(nki.versions.values_list("pk", "definition"))
    title = nki.title
    region = Unit.objects.get(code="RGX")
    assert not region.path.startswith(nki.owner.path) and not nki.owner.path.startswith(region.path)
    client = Client()
    region_analyst = User.objects.get(email="analytiker.region@kundpuls.example")
    User.objects.filter(pk=region_analyst.pk).update(is_demo=False)  # a real account, as in the personas
    client.force_login(region_analyst, backend=BACKEND)
    changed = template_text("nki").replace("Vad tycker du om vår service?", "Regionens enkät", 1)
    data: dict[str, Any] = (
        {"owner": region.pk, "definition": SimpleUploadedFile("nki.yaml", changed.encode())}
        if how == "upload"
        else {"owner": region.pk, "template": "nki"}
    )
    response = client.post("/portal/enkater/ny/", data, HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 302
    own = Survey.objects.get(key="nki", organisation=region)
    assert own.pk != nki.pk and own.owner == region and own.versions.count() == 1
    nki.refresh_from_db()
    assert list(nki.versions.values_list("pk", "definition")) == versions
    assert nki.title == title and nki.owner.code != "RGX"
    # the region's analyst reaches the region's nki by its key; the municipality's is not theirs to name
    assert client.get("/portal/enkater/nki/").context["survey"].pk == own.pk
    assert client.get(f"/portal/enkater/{nki.organisation.code}:nki/").status_code == 404


@pytest.mark.django_db
def test_the_owners_analyst_still_saves_new_versions_under_the_same_key(personas: dict[str, Any]) -> None:
    nki = Survey.objects.get(key="nki")
    version = save_definition(
        _changed_nki(lambda d: d["title"].update(sv="NKI 2027")), owner=nki.owner, actor=personas["analyst"]
    )
    assert version.survey == nki


@pytest.mark.django_db
def test_a_lake_key_taken_between_look_up_and_insert_falls_back_to_the_organisations_form() -> None:
    """Two organisations creating ``nki`` at the same moment: both looked the lake key up before either
    inserted, so the second insert meets the unique lake key; it takes ``KEY.ORGANISATION_ID`` instead of
    failing."""
    from django.db import IntegrityError

    region = Unit.objects.get(code="RGX")
    assert Survey.objects.filter(lake_key="nki").exists()  # the municipality's, inserted first
    late = Survey(key="nki", title="NKI", owner=region)
    late.lake_key = "nki"  # what the look-up said before the municipality's insert was committed
    late.save()
    late.refresh_from_db()
    assert late.lake_key == f"nki.{late.organisation_id}"

    twin = Survey(key="nki", title="NKI igen", owner=region)  # the same organisation's key twice: refused
    twin.lake_key = "nki"
    with pytest.raises(IntegrityError):
        twin.save()
