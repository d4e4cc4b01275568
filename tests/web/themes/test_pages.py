"""The taxonomy pages: editors only, validation in the user's language naming field and value, upload with
node paths, download, add/remove, history and restore."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape

from kundpuls.web.org.models import Unit
from kundpuls.web.surveys.models import Survey
from kundpuls.web.themes import queries

pytestmark = pytest.mark.database

EDIT = "/portal/teman/tema/bemotande/"


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "label_sv": "Bemötande",
        "label_en": "Staff attitude",
        "sv_words": "otrevlig\nvänlig",
        "sv_phrases": "bra bemötande",
        "en_words": "rude",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_an_analyst_edits_a_theme_and_the_list_shows_it(client_for: Callable[[str], Client]) -> None:
    client = client_for("analyst")
    page = client.get(EDIT).content.decode()
    assert "<legend>Ord på svenska</legend>" in page and "otrevlig" in page
    response = client.post(EDIT, _form(sv_words="otrevlig\nvänlig\nsur", note="sur personal"))
    assert response.status_code == 302
    theme = queries.taxonomy_in_force(_exk()).theme("bemotande")
    assert (
        theme.terms["sv"].words == ("otrevlig", "vänlig", "sur") and theme.label_in("en") == "Staff attitude"
    )
    listing = client.get("/portal/teman/").content.decode()
    assert "Version 1 gäller" in listing and "sur" in listing


@pytest.mark.django_db
def test_a_bad_term_is_shown_on_its_field_with_path_and_value_in_the_users_language(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("admin")
    response = client.post(EDIT, _form(sv_words="otrevlig\nlång kö", sv_parts="kö"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "themes.bemotande.sv.words[1]: ett ord måste vara exakt ett ord" in html
    assert "(värde &#x27;lång kö&#x27;)" in html
    assert "themes.bemotande.sv.parts[0]" in html and 'href="#id_sv_words"' in html
    client.post("/i18n/setlang/", {"language": "en", "next": EDIT})
    english = client.post(EDIT, _form(sv_words="lång kö")).content.decode()
    assert "themes.bemotande.sv.words[0]: a word must be exactly one word" in english
    assert "(value &#x27;lång kö&#x27;)" in english
    assert queries.revision_number(_exk()) == 0


@pytest.mark.django_db
def test_a_theme_is_added_and_removed_and_history_restores_it(client_for: Callable[[str], Client]) -> None:
    client = client_for("analyst")
    bad = client.post("/portal/teman/nytt/", {**_form(), "key": "Kaffe!"})
    assert bad.status_code == 400
    taken = client.post("/portal/teman/nytt/", {**_form(), "key": "pris"})
    assert taken.status_code == 400 and "themes.pris" in taken.content.decode()
    added = client.post("/portal/teman/nytt/", {**_form(label_sv="Kaffe", sv_words="kaffe"), "key": "kaffe"})
    assert added.status_code == 302 and "kaffe" in queries.taxonomy_in_force(_exk()).keys
    assert client.post("/portal/teman/tema/kaffe/ta-bort/").status_code == 302
    assert "kaffe" not in queries.taxonomy_in_force(_exk()).keys
    history = client.get("/portal/teman/historik/").content.decode()
    assert "Återställ version 1" in history and "analytiker@kundpuls.example" in history
    assert client.post("/portal/teman/historik/1/aterstall/").status_code == 302
    assert "kaffe" in queries.taxonomy_in_force(_exk()).keys and queries.revision_number(_exk()) == 3
    old = client.get("/portal/teman/historik/2/teman.yaml")
    assert old.status_code == 200 and "kaffe" not in yaml.safe_load(old.content)["themes"]


@pytest.mark.django_db
def test_others_may_not_change_the_taxonomy(client_for: Callable[[str], Client]) -> None:
    for who in ("manager_a", "manager_b", "viewer"):
        client = client_for(who)
        assert client.post(EDIT, _form()).status_code == 403
        assert client.post("/portal/teman/tema/pris/ta-bort/").status_code == 403
        assert client.post("/portal/teman/historik/1/aterstall/").status_code == 403
        assert client.post("/portal/teman/upptack/1/forslag/1/").status_code == 403
    anonymous = client_for("anonymous").post("/portal/teman/tema/pris/ta-bort/")
    assert anonymous.status_code == 302 and "/konto/logga-in/" in anonymous["Location"]
    assert queries.revision_number(_exk()) == 0


@pytest.mark.django_db
def test_download_and_upload_round_trip_and_bad_files_name_the_nodes(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("admin")
    downloaded = client.get("/portal/teman/teman.yaml")
    assert downloaded["Content-Disposition"] == 'attachment; filename="teman.yaml"'
    data: dict[str, Any] = yaml.safe_load(downloaded.content)
    data["themes"]["kaffe"] = {"label": {"sv": "Kaffe"}, "sv": {"words": ["kaffe", "två ord"]}}
    data["themes"]["pris"]["en"]["phrases"] = ["expensive"]
    upload = SimpleUploadedFile("teman.yaml", yaml.safe_dump(data, allow_unicode=True).encode())
    response = client.post("/portal/teman/ladda-upp/", {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert "themes.kaffe.sv.words[1]" in html and "themes.pris.en.phrases[0]" in html
    assert queries.revision_number(_exk()) == 0
    broken = SimpleUploadedFile("teman.yaml", b"themes: [\n")
    assert (
        "(root): inte giltig YAML"
        in client.post("/portal/teman/ladda-upp/", {"file": broken}).content.decode()
    )
    data["themes"]["kaffe"]["sv"]["words"] = ["kaffe"]
    data["themes"]["pris"]["en"]["phrases"] = ["too expensive"]
    good = SimpleUploadedFile("teman.yaml", yaml.safe_dump(data, allow_unicode=True).encode())
    assert client.post("/portal/teman/ladda-upp/", {"file": good, "note": "kaffe"}).status_code == 302
    assert queries.taxonomy_in_force(_exk()).theme("kaffe").terms["sv"].words == ("kaffe",)
    assert queries.current_revision(_exk()).note == "kaffe"  # type: ignore[union-attr]


@pytest.mark.django_db
def test_the_list_counts_the_comments_each_theme_catches(
    client_for: Callable[[str], Client], submit: Callable[..., int]
) -> None:
    from kundpuls.web.responses.actions import sync_to_lake

    assert "Kommentarer (12 månader)" not in client_for("analyst").get("/portal/teman/").content.decode()
    comments = ["Otrevlig personal", "Lång väntetid och otrevlig personal"] + ["Bra!", "Tack"] * 3
    for comment in comments:  # 8 respondents: above the threshold (7) that comments are used from
        submit(3, comment)
    sync_to_lake(settle_seconds=0)
    page = client_for("analyst").get("/portal/teman/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "8 kommentarer under varje enkäts senaste tolv månader med svar" in page
    assert "6 (75 %) fick inget tema." in page
    row = {
        key: page[page.index(f">{key}</a>") :].split("</tr>")[0] for key in ("bemotande", "vantetid", "pris")
    }
    # shares in percent, and how many of the theme's comments are complaints and praise
    cell = '<td data-label="Kommentarer (12 månader)">'
    assert f'{cell}2 (25,0 %)<br><span class="muted">2 klagomål, 0 beröm</span></td>' in row["bemotande"]
    assert f'{cell}1 (12,5 %)<br><span class="muted">1 klagomål, 0 beröm</span></td>' in row["vantetid"]
    assert f"{cell}0 (0,0 %)</td>" in row["pris"]
    assert "Inte räknade" not in page


@pytest.mark.django_db
def test_the_list_leaves_out_a_survey_whose_comments_the_results_pages_hide(
    client_for: Callable[[str], Client], submit: Callable[..., int]
) -> None:
    from kundpuls.web.responses.actions import sync_to_lake

    for comment in ["Otrevlig personal", "Lång väntetid", "Bra!", "Tack", "Otrevligt bemötande"]:
        submit(3, comment)  # 5 respondents: under the threshold (7), so no theme count may show them
    sync_to_lake(settle_seconds=0)
    page = client_for("analyst").get("/portal/teman/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "0 kommentarer under varje enkäts senaste tolv månader med svar" in page
    title = Survey.objects.get(organisation=_exk(), key="nki").title
    assert f"Inte räknade: {escape(title)}." in page
    row = page[page.index(">bemotande</a>") :].split("</tr>")[0]
    assert '<td data-label="Kommentarer (12 månader)">0</td>' in row


def _exk() -> Unit:
    """The municipality: the organisation whose taxonomy these tests change."""
    return Unit.objects.get(code="EXK")
