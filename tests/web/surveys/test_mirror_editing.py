"""The staff–customer pairs (codebook mirrors) on the codebook tab: paired, changed and removed with pickers
that show the questions' texts, checked by the instruments model's rules (ratings, the same scale, each
staff question once) with messages in Swedish on their rows; the edit reaches the exported file and the
versions page. Another organisation's survey is not found; a viewer is refused."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from django.test import Client

from kundpuls.web.org.models import Unit
from kundpuls.web.org.tenancy import organisation_id
from kundpuls.web.surveys.models import Survey
from kundpuls.yaml_input import load_yaml

BACKEND = "kundpuls.web.accounts.backends.EmailBackend"
URL = "/portal/enkater/staff/redigera/kodbok/speglingar/"


def _client(personas: dict[str, Any], who: str = "analyst") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(personas[who], backend=BACKEND)
    return client


def _survey(key: str) -> Survey:
    return Survey.objects.get(key=key, organisation_id=organisation_id(Unit.objects.get(code="EXK")))


def _draft(key: str) -> dict[str, Any]:
    return _survey(key).versions.order_by("-number").first().definition  # type: ignore[union-attr]


def _errors(html: str) -> list[str]:
    return [unescape(e) for e in re.findall(r'class="field-error"[^>]*>([^<]*)', html)]


def _as_shown(html: str) -> dict[str, str]:
    """The rows' selected values as a browser sends them (every select has an option selected or '')."""
    fields: dict[str, str] = {}
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        fields[name] = chosen.group(1) if chosen else ""
    return fields


def test_the_pairs_are_shown_by_their_texts_and_edited(personas: dict[str, Any]) -> None:
    client = _client(personas)
    stored = _draft("staff")["codebook"]["mirrors"]
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    shown = _as_shown(html)
    assert shown["item_0"] == stored[0]["item"] and shown["customer_0"] == f"nki:{stored[0]['customer_item']}"
    labels = re.findall(r"<option value=\"[^\"]+\"[^>]*>([^<]*)</option>", html)
    assert labels and not any(re.fullmatch(r"[a-z_]+", label) for label in labels)  # texts, never keys
    assert any("(1–10)" in label for label in labels)
    assert f'<optgroup label="{_survey("nki").title}">' in html
    spare = len(stored)
    data = shown | {
        "remove_0": "on",
        "customer_1": "nki:nki_helhet",
        f"item_{spare}": "ko_behov",  # a 1–5 staff question …
        f"customer_{spare}": "nki:nki_forvantan",  # … on a 1–10 customer question: refused
    }
    refused = client.post(URL, data)
    assert refused.status_code == 400
    (message,) = _errors(refused.content.decode())
    assert "har skalan 1–5" in message and "har skalan 1–10" in message and "samma skala" in message
    assert _draft("staff")["codebook"]["mirrors"] == stored
    data[f"item_{spare}"] = "sp_nki_helhet"  # already in the last stored pair: paired twice
    twice = client.post(URL, data)
    assert twice.status_code == 400 and any("parad två gånger" in e for e in _errors(twice.content.decode()))
    data[f"item_{spare}"] = stored[-1]["item"]
    data[f"item_{len(stored) - 1}"] = ""
    data[f"customer_{len(stored) - 1}"] = ""  # an emptied row removes its pair too
    saved = client.post(URL, data)
    assert saved.status_code == 302 and saved["Location"].endswith("/redigera/kodbok/")
    mirrors = _draft("staff")["codebook"]["mirrors"]
    assert [m["item"] for m in mirrors] == [m["item"] for m in stored[1:-1]] + [stored[-1]["item"]]
    assert mirrors[0] == {"item": stored[1]["item"], "customer_item": "nki_helhet", "customer_survey": "nki"}
    assert mirrors[-1] == {
        "item": stored[-1]["item"],
        "customer_item": "nki_forvantan",
        "customer_survey": "nki",
    }
    exported = client.get("/portal/enkater/staff/definition.yaml")
    assert load_yaml(exported.content.decode(), field="definition")["codebook"]["mirrors"] == mirrors
    versions = unescape(client.get("/portal/enkater/staff/versioner/").content.decode())
    assert "speglar inte längre kundfrågan bem_vanlighet (nki)" in versions
    assert "speglar nu kundfrågan nki_helhet (nki) (förut: bem_respekt (nki))" in versions
    codebook = client.get("/portal/enkater/staff/redigera/kodbok/").content.decode()
    assert f"{len(mirrors)} medarbetarfrågor speglar kundfrågor." in codebook


def test_a_half_filled_row_and_a_forged_value_are_refused_on_their_fields(personas: dict[str, Any]) -> None:
    client = _client(personas)
    before = _draft("staff")
    shown = _as_shown(client.get(URL).content.decode())
    spare = len(before["codebook"]["mirrors"])
    half = client.post(URL, shown | {f"item_{spare}": "ko_mal"})
    assert half.status_code == 400
    assert "Välj kundfrågan som medarbetarfrågan speglar." in _errors(half.content.decode())
    forged = client.post(
        URL, shown | {f"item_{spare}": "ko_mal", f"customer_{spare}": "patient:helhet_betyg"}
    )
    assert forged.status_code == 400
    assert any("patient:helhet_betyg" in e for e in _errors(forged.content.decode()))
    text = client.post(
        URL, shown | {f"item_{spare}": "kommentar_fritext", f"customer_{spare}": "nki:nki_ideal"}
    )
    assert text.status_code == 400 and any("kommentar_fritext" in e for e in _errors(text.content.decode()))
    assert _draft("staff") == before


def test_another_organisations_survey_is_not_found_and_a_viewer_is_refused(personas: dict[str, Any]) -> None:
    before = _draft("staff")
    analyst, viewer = _client(personas), _client(personas, "viewer")
    other = "/portal/enkater/patient/redigera/kodbok/speglingar/"  # the region's survey
    assert analyst.get(other).status_code == 404 and analyst.post(other, {}).status_code == 404
    assert viewer.get(URL).status_code == 403
    assert viewer.post(URL, {"remove_0": "on"}).status_code == 403
    assert _draft("staff") == before


def test_a_pair_naming_a_survey_the_organisation_lacks_is_shown_as_such_and_kept(
    personas: dict[str, Any],
) -> None:
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.surveys.actions import save_draft

    data = _draft("staff")
    data["codebook"]["mirrors"][0]["customer_survey"] = "finns_inte"
    data["codebook"]["mirrors"][1].pop("customer_survey")
    save_draft(_survey("staff"), data, actor=CLI)
    client = _client(personas)
    html = unescape(client.get(URL).content.decode())
    assert '<optgroup label="Finns inte i organisationen">' in html
    first, second = (data["codebook"]["mirrors"][i]["customer_item"] for i in (0, 1))
    assert f"{first} i enkäten finns_inte, som inte finns" in html and f"{second} i valfri kundenkät" in html
    saved = client.post(URL, _as_shown(html))
    assert saved.status_code == 302
    assert _draft("staff") == data


def test_a_staff_survey_is_never_offered_as_the_customer_side(personas: dict[str, Any]) -> None:
    """A second staff survey (a copy of ``staff``) pairs with customer questions only: the first staff
    survey's questions are neither offered nor accepted."""
    import dataclasses

    from kundpuls.instruments.library import load_template
    from kundpuls.web.org.actors import CLI
    from kundpuls.web.surveys.actions import save_definition

    copy = dataclasses.replace(load_template("staff"), key="staff_kopia")
    save_definition(copy, owner=Unit.objects.get(code="EXK"), actor=CLI)
    url = URL.replace("/staff/", "/staff_kopia/")
    client = _client(personas)
    html = client.get(url).content.decode()
    offered = re.findall(r'<option value="([^"]+)"', html)
    assert any(value.startswith("nki:") for value in offered)
    assert not any(value.startswith("staff:") for value in offered), "a staff survey offered as customer"
    forged = _as_shown(html) | {"customer_0": "staff:" + _draft("staff")["codebook"]["mirrors"][0]["item"]}
    answer = client.post(url, forged)
    assert answer.status_code == 400
    assert _errors(answer.content.decode())
