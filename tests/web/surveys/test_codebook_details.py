"""The codebook's detail pages: an index's kind, weights and positive answers, and the driver model.

Every template's codebook posted back as its pages show it (the forms read from the rendered HTML, as a
browser sends them) leaves the definition unchanged; each edit reaches the exported definition file; bad
input is refused in Swedish on its field, naming the value, never with a server error.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from shown_form import shown_form

from kundpuls.web.org.actors import CLI
from kundpuls.web.org.models import Unit
from kundpuls.web.org.tenancy import organisation_id
from kundpuls.web.surveys.actions import create_from_template
from kundpuls.web.surveys.models import Survey
from kundpuls.yaml_input import load_yaml

BACKEND = "kundpuls.web.accounts.backends.EmailBackend"


def _client(personas: dict[str, Any]) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(personas["analyst"], backend=BACKEND)
    return client


def _draft(key: str) -> dict[str, Any]:
    survey = Survey.objects.get(key=key, organisation_id=organisation_id(Unit.objects.get(code="EXK")))
    return survey.versions.order_by("-number").first().definition  # type: ignore[union-attr]


def _errors(html: str) -> list[str]:
    import re

    return re.findall(r'class="field-error"[^>]*>([^<]*)', html)


@pytest.mark.parametrize("template", ["nki", "patient", "staff", "insikt", "tjanstebehov", "nps"])
def test_every_templates_codebook_posted_back_as_shown_is_unchanged(
    personas: dict[str, Any], template: str
) -> None:
    version = create_from_template(template, owner=Unit.objects.get(code="EXK"), actor=CLI)
    key = version.survey.key
    before = _draft(key)
    client = _client(personas)
    indices = before["codebook"].get("indices", {})
    pages = [f"/portal/enkater/{key}/redigera/kodbok/index/{name}/" for name in indices]
    pages.append(f"/portal/enkater/{key}/redigera/kodbok/drivarmodell/")
    pages.append(f"/portal/enkater/{key}/redigera/kodbok/speglingar/")
    for url in pages:
        data = shown_form(client, url)
        response = client.post(url, data)
        assert response.status_code == 302, (url, _errors(response.content.decode()))
        assert _draft(key) == before, url
    assert Survey.objects.get(pk=version.survey.pk).versions.count() == 1


def _exported(client: Client, key: str) -> dict[str, Any]:
    response = client.get(f"/portal/enkater/{key}/definition.yaml")
    assert response.status_code == 200
    return load_yaml(response.content.decode(), field="definition")  # type: ignore[no-any-return]


def test_positive_answers_and_weights_edited_reach_the_definition_file(personas: dict[str, Any]) -> None:
    create_from_template("patient", owner=Unit.objects.get(code="EXK"), actor=CLI)
    client = _client(personas)
    url = "/portal/enkater/patient/redigera/kodbok/index/HELHETSINTRYCK/"
    page = client.get(url).content.decode()
    assert "Andel positiva svar" in page and "Positiva svar" in page
    data = shown_form(client, url)
    assert data["positive_0"] == ["4", "5"] and data["positive_1"] == "ja_absolut"
    data |= {"positive_0": ["3", "4", "5"], "weight_0": "2", "weight_1": "1,5"}
    saved = client.post(url, data)
    assert saved.status_code == 302, _errors(saved.content.decode())
    index = _exported(client, "patient")["codebook"]["indices"]["HELHETSINTRYCK"]
    assert index["positive"]["helhet_betyg"] == [3, 4, 5]
    assert index["positive"]["helhet_rekommendera"] == ["ja_absolut"]
    assert index["weights"] == {"helhet_betyg": 2.0, "helhet_rekommendera": 1.5}
    # back to equal weights: every weight emptied
    data = shown_form(client, url) | {"weight_0": "", "weight_1": ""}
    assert client.post(url, data).status_code == 302
    assert _exported(client, "patient")["codebook"]["indices"]["HELHETSINTRYCK"]["weights"] == "equal"


def test_the_kind_of_an_index_changes_and_a_wrong_kind_is_refused_on_its_field(
    personas: dict[str, Any],
) -> None:
    create_from_template("nki", owner=Unit.objects.get(code="EXK"), actor=CLI)
    client = _client(personas)
    url = "/portal/enkater/nki/redigera/kodbok/index/BEMOTANDE/"
    data = shown_form(client, url)
    assert data["kind"] == "scale_mean"
    # a positive share without positive answers: refused on each question's answers
    refused = client.post(url, data | {"kind": "positive_share"})
    assert refused.status_code == 400
    assert any(
        "Kryssa i minst ett positivt svar för bem_vanlighet" in e for e in _errors(refused.content.decode())
    )
    as_share = data | {
        "kind": "positive_share",
        "positive_0": ["9", "10"],
        "positive_1": "10",
        "positive_2": "10",
    }
    saved = client.post(url, as_share)
    assert saved.status_code == 302, _errors(saved.content.decode())
    index = _exported(client, "nki")["codebook"]["indices"]["BEMOTANDE"]
    assert index["kind"] == "positive_share"
    assert index["positive"] == {"bem_vanlighet": [9, 10], "bem_respekt": [10], "bem_forstaelse": [10]}
    # positive answers ticked on a mean index: refused, naming the question and the values
    mixed = client.post(url, as_share | {"kind": "scale_mean"})
    assert mixed.status_code == 400
    assert any("bem_vanlighet" in e and "9, 10" in e for e in _errors(mixed.content.decode()))


@pytest.mark.parametrize(
    ("weight", "shown"),
    [("abc", "”abc” är inte ett tal"), ("-1", "-1 måste vara över 0"), ("1e9", "1e9 måste vara över 0")],
)
def test_a_bad_weight_is_refused_on_its_field_naming_the_value(
    personas: dict[str, Any], weight: str, shown: str
) -> None:
    create_from_template("nki", owner=Unit.objects.get(code="EXK"), actor=CLI)
    client = _client(personas)
    url = "/portal/enkater/nki/redigera/kodbok/index/NKI/"
    data = shown_form(client, url) | {"weight_0": weight, "weight_1": "1", "weight_2": "1"}
    refused = client.post(url, data)
    assert refused.status_code == 400
    html = refused.content.decode()
    assert any(shown in e for e in _errors(html)), _errors(html)
    assert 'href="#id_weight_0"' in html  # the summary links to the field
    partial = client.post(url, shown_form(client, url) | {"weight_0": "2"})
    assert partial.status_code == 400
    assert any("Ge nki_forvantan en vikt också" in e for e in _errors(partial.content.decode()))
    assert _draft("nki")["codebook"]["indices"]["NKI"]["weights"] == "equal"


def test_the_driver_model_edited_reaches_the_definition_file(personas: dict[str, Any]) -> None:
    create_from_template("nki", owner=Unit.objects.get(code="EXK"), actor=CLI)
    client = _client(personas)
    url = "/portal/enkater/nki/redigera/kodbok/drivarmodell/"
    data = shown_form(client, url)
    assert data["outcome"] == "NKI"
    assert data["path_from_0"] == "BEMOTANDE" and data["path_to_0"] == "NKI"
    # KOMPETENS out of the model; INFORMATION drives NKI through BEMOTANDE; BEMOTANDE measured in mode B
    names = ["NKI", "BEMOTANDE", "INFORMATION", "TILLGANGLIGHET", "KOMPETENS"]  # indices in order
    rows = {
        "path_from_0": "BEMOTANDE", "path_to_0": "NKI",
        "path_from_1": "INFORMATION", "path_to_1": "BEMOTANDE",
        "path_from_2": "TILLGANGLIGHET", "path_to_2": "NKI",
        "path_from_3": "", "path_to_3": "",
    }  # fmt: skip
    changed = data | rows | {"drivers": ["BEMOTANDE", "INFORMATION", "TILLGANGLIGHET"]}
    changed[f"mode_{names.index('BEMOTANDE')}"] = "B"
    saved = client.post(url, changed)
    assert saved.status_code == 302, _errors(saved.content.decode())
    model = _exported(client, "nki")["codebook"]["driver_model"]
    assert model["drivers"] == ["BEMOTANDE", "INFORMATION", "TILLGANGLIGHET"]
    assert model["paths"] == [["BEMOTANDE", "NKI"], ["INFORMATION", "BEMOTANDE"], ["TILLGANGLIGHET", "NKI"]]
    assert set(model["constructs"]) == {"BEMOTANDE", "INFORMATION", "TILLGANGLIGHET", "NKI"}
    assert model["constructs"]["BEMOTANDE"]["mode"] == "B"
    # no outcome: the survey has no driver model at all
    assert client.post(url, shown_form(client, url) | {"outcome": "", "drivers": []}).status_code == 302
    assert "driver_model" not in _exported(client, "nki")["codebook"]
    # a new model on a survey without one: each driver points at the outcome when no path is given
    fresh = shown_form(client, url) | {"outcome": "NKI", "drivers": ["KOMPETENS"]}
    assert client.post(url, fresh).status_code == 302
    model = _exported(client, "nki")["codebook"]["driver_model"]
    assert model["paths"] == [["KOMPETENS", "NKI"]]
    assert model["constructs"]["KOMPETENS"]["indicators"] == ["komp_kunskap", "komp_losning"]


def test_a_bad_driver_model_is_refused_in_swedish_on_its_field(personas: dict[str, Any]) -> None:
    create_from_template("nki", owner=Unit.objects.get(code="EXK"), actor=CLI)
    client = _client(personas)
    url = "/portal/enkater/nki/redigera/kodbok/drivarmodell/"
    data = shown_form(client, url)
    cycle = data | {"path_from_4": "NKI", "path_to_4": "BEMOTANDE"}
    refused = client.post(url, cycle)
    assert refused.status_code == 400
    assert "cirkel" in refused.content.decode()
    no_path = data | {"drivers": [*data["drivers"], "NKI"]}
    refused = client.post(url, no_path)
    assert refused.status_code == 400
    assert any("Utfallet NKI kan inte också vara en drivare" in e for e in _errors(refused.content.decode()))
    half = client.post(url, data | {"path_from_4": "KOMPETENS", "path_to_4": ""})
    assert half.status_code == 400
    assert any("har bara KOMPETENS" in e for e in _errors(half.content.decode()))
    # a value that is not offered, and rows beyond the bound: refused or ignored, never a server error
    assert client.post(url, data | {"outcome": "FINNS_INTE"}).status_code == 400
    assert client.post(url, data | {"path_from_999": "NKI"}).status_code in (302, 400)
    assert client.get("/portal/enkater/nki/redigera/kodbok/index/FINNS_INTE/").status_code == 404
    assert _draft("nki")["codebook"]["driver_model"]["paths"][0] == ["BEMOTANDE", "NKI"]
