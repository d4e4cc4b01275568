"""The survey editor: a template copied for another owner, a question and a scale label edited, a page added
and moved, published, and the respondent page shows the change; refusals; problems shown on their field."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kundpuls.instruments import parse_definition
from kundpuls.web.org.actors import CLI
from kundpuls.web.org.models import Unit
from kundpuls.web.surveys import drafts
from kundpuls.web.surveys.actions import create_from_template, open_distribution, publish
from kundpuls.web.surveys.models import Survey
from kundpuls.web.surveys.question_form import QuestionForm

BACKEND = "kundpuls.web.accounts.backends.EmailBackend"


def _client(personas: dict[str, Any], who: str = "analyst") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(personas[who], backend=BACKEND)
    return client


def _form_data(question: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """What the question form posts for ``question`` as stored, with ``changes``."""
    data = {k: v for k, v in QuestionForm.initial_from(question).items() if v is not None and v is not False}
    data = {k: ("on" if v is True else v) for k, v in data.items()}
    return data | changes


def _problems(html: str) -> list[str]:
    import re

    return re.findall(r"field-error[^>]*>([^<]*)", html) + re.findall(r"<li>([^<]*)</li>", html)


def _draft(key: str) -> dict[str, Any]:
    return Survey.objects.get(key=key).versions.order_by("-number").first().definition  # type: ignore[union-attr]


def test_template_edited_published_and_answered(personas: dict[str, Any]) -> None:
    client = _client(personas)
    owner = Unit.objects.get(code="VOF-HT-S")
    created = client.post(
        "/portal/enkater/skapa/",
        {"start": "template", "template": "nps", "key": "nps_soder", "owner": owner.pk, "title_sv": ""},
    )
    assert created.status_code == 302, created.content.decode()[:3000]
    assert created["Location"] == "/portal/enkater/nps_soder/redigera/"
    assert Survey.objects.get(key="nps_soder").owner == owner
    outline = client.get("/portal/enkater/nps_soder/redigera/").content.decode()
    assert "Hur troligt är det att du skulle rekommendera oss" in outline

    question = drafts.question_of(_draft("nps_soder"), "rekommendera")
    url = "/portal/enkater/nps_soder/redigera/fraga/rekommendera/"
    page = client.get(url)
    assert page.status_code == 200
    heading = page.content.decode().split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert heading.startswith("Frågan ”Hur troligt är det att du skulle rekommendera oss")  # its text, then
    assert "nyckel rekommendera" in heading  # the key, for the people who write conditions
    saved = client.post(
        url,
        _form_data(
            question, text_sv="Hur troligt är det att du rekommenderar hemtjänsten?", min_label_sv="Inte alls"
        ),
    )
    assert saved.status_code == 302, saved.content.decode()[:3000]
    edited = drafts.question_of(_draft("nps_soder"), "rekommendera")
    assert edited["text"]["sv"] == "Hur troligt är det att du rekommenderar hemtjänsten?"
    assert edited["scale"]["min_label"]["sv"] == "Inte alls"
    assert edited["scale"]["min"] == 0 and edited["scale"]["max"] == 10

    added = client.post(
        "/portal/enkater/nps_soder/redigera/andra/",
        {"op": "add_page", "type": "yes_no", "title_sv": "Extra", "title_en": "Extra"},
    )
    assert added.status_code == 302
    new_key = added["Location"].rstrip("/").rsplit("/", 1)[-1]
    page_keys = [page["key"] for page in _draft("nps_soder")["pages"]]
    assert len(page_keys) == 3
    new_question = drafts.question_of(_draft("nps_soder"), new_key)
    client.post(
        f"/portal/enkater/nps_soder/redigera/fraga/{new_key}/",
        _form_data(new_question, text_sv="Fick du hjälp i tid?", text_en="Did you get help in time?"),
    )
    moved = client.post(
        "/portal/enkater/nps_soder/redigera/andra/", {"op": "page_up", "target": page_keys[2]}
    )
    assert moved.status_code == 302
    assert [page["key"] for page in _draft("nps_soder")["pages"]] == [
        page_keys[0],
        page_keys[2],
        page_keys[1],
    ]

    assert client.post("/portal/enkater/nps_soder/publicera/").status_code == 302
    survey = Survey.objects.get(key="nps_soder")
    version = survey.versions.get()
    assert version.published_at is not None
    parse_definition(version.definition)  # validates as an uploaded definition, new-definition rules included
    link = open_distribution(survey, owner, actor=CLI)
    page = Client(HTTP_ACCEPT_LANGUAGE="sv").get(link.public_path).content.decode()
    assert "Hur troligt är det att du rekommenderar hemtjänsten?" in page
    assert "Inte alls" in page


def test_a_copy_for_another_owner_and_an_existing_key_is_refused(personas: dict[str, Any]) -> None:
    client = _client(personas)
    owner = Unit.objects.get(code="VOF-HT-S")
    refused = client.post(
        "/portal/enkater/skapa/", {"start": "copy", "source": "nki", "key": "nki", "owner": owner.pk}
    )
    assert refused.status_code == 400
    assert "finns redan" in refused.content.decode()
    copied = client.post(
        "/portal/enkater/skapa/", {"start": "copy", "source": "nki", "key": "nki_soder", "owner": owner.pk}
    )
    assert copied.status_code == 302
    copy = Survey.objects.get(key="nki_soder")
    assert copy.owner == owner
    assert _question_keys(_draft("nki_soder")) == _question_keys(_draft("nki"))


def test_viewers_and_another_organisations_analyst_are_refused(personas: dict[str, Any]) -> None:
    before = _draft("patient")
    analyst = _client(personas)
    # another organisation's survey is not found (tenancy, docs/architecture.md), like a key nobody uses
    assert analyst.get("/portal/enkater/patient/redigera/").status_code == 404
    first = _question_keys(before)[0]
    assert (
        analyst.post("/portal/enkater/patient/redigera/andra/", {"op": "remove", "target": first}).status_code
        == 404
    )
    assert _draft("patient") == before
    viewer = _client(personas, "viewer")
    for url in (
        "/portal/enkater/nki/redigera/",
        "/portal/enkater/nki/redigera/kodbok/",
        "/portal/enkater/skapa/",
    ):
        assert viewer.get(url).status_code == 403
    assert (
        viewer.post("/portal/enkater/nki/redigera/andra/", {"op": "add_page", "type": "text"}).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"show_if": "rekommendera <= 6"}, "show_if", "samma sida"),
        ({"scale_min": "5", "scale_max": "3"}, "scale_max", "högsta värdet"),
    ],
)
def test_problems_are_shown_next_to_their_field_in_swedish(
    personas: dict[str, Any], changes: dict[str, str], field: str, message: str
) -> None:
    create_from_template("nps", owner=Unit.objects.get(code="EXK"), actor=CLI)
    client = _client(personas)
    data = _draft("nps")
    key = "rekommendera" if field != "show_if" else "skal_lagt"
    if field == "show_if":  # a follow-up moved onto the score's page: its condition cannot work there
        data = drafts.remove_question(data, "skal_lagt")
        data = drafts.add_question(data, "nps", drafts.question_of(_draft("nps"), "skal_lagt"))
        from kundpuls.web.surveys.models import SurveyVersion

        version = SurveyVersion.objects.get(survey__key="nps")
        version.definition = data
        version.save()
        changes = {"show_if": "rekommendera <= 6"}
    before = _draft("nps")
    response = client.post(
        f"/portal/enkater/nps/redigera/fraga/{key}/", _form_data(drafts.question_of(before, key), **changes)
    )
    assert response.status_code == 400
    html = response.content.decode()
    error_at = html.index(f'id="id_{field}_error"')
    assert message in html[error_at : error_at + 300]
    assert _draft("nps") == before  # nothing saved


def _first_rating(data: dict[str, Any]) -> str:
    return next(
        q["key"]
        for page in data["pages"]
        for block in page["blocks"]
        for q in block["questions"]
        if q["type"] == "rating"
    )


def test_a_changed_scale_of_a_published_question_is_refused_on_the_key(personas: dict[str, Any]) -> None:
    client = _client(personas)
    versions = Survey.objects.get(key="nki").versions.count()
    key = _first_rating(_draft("nki"))
    question = drafts.question_of(_draft("nki"), key)
    response = client.post(
        f"/portal/enkater/nki/redigera/fraga/{key}/", _form_data(question, scale_min="1", scale_max="3")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_key_error"' in html, _problems(html)
    error_at = html.index('id="id_key_error"')
    assert "ny nyckel" in html[error_at : error_at + 300]
    assert f"En ledig nyckel: {key}_1." in html[error_at : error_at + 400]  # one is offered
    assert Survey.objects.get(key="nki").versions.count() == versions


def test_a_key_with_responses_cannot_change(personas: dict[str, Any]) -> None:
    import uuid

    from django.utils import timezone

    from kundpuls.web.responses.models import Response

    client = _client(personas)
    key = _first_rating(_draft("nki"))
    survey = Survey.objects.get(key="nki")
    Response.objects.create(
        submission_id=uuid.uuid4(),
        survey=survey,
        version=survey.versions.filter(published_at__isnull=False).order_by("-number").first(),
        unit=Unit.objects.get(code="VOF-HT-N"),
        channel="link",
        submitted_at=timezone.now(),
        answers={key: 5},
    )
    question = drafts.question_of(_draft("nki"), key)
    response = client.post(
        f"/portal/enkater/nki/redigera/fraga/{key}/", _form_data(question, key="nytt_namn")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "det finns redan svar" in html, _problems(html)
    assert "Definitionen godtas inte" not in html
    assert key in _question_keys(_draft("nki"))


def test_the_versions_page_says_what_changed(personas: dict[str, Any]) -> None:
    publish(create_from_template("nps", owner=Unit.objects.get(code="EXK"), actor=CLI), actor=CLI)
    client = _client(personas)
    question = drafts.question_of(_draft("nps"), "skal_hogt")
    client.post(
        "/portal/enkater/nps/redigera/fraga/skal_hogt/", _form_data(question, text_sv="Vad gjorde vi bra?")
    )
    client.post("/portal/enkater/nps/redigera/andra/", {"op": "remove", "target": "skal_lagt"})
    client.post(
        "/portal/enkater/nps/redigera/andra/", {"op": "add_question", "type": "yes_no", "page": "nps"}
    )
    assert Survey.objects.get(key="nps").versions.count() == 2
    html = client.get("/portal/enkater/nps/versioner/").content.decode()
    assert "Från version 1 till version 2" in html
    assert (
        "Frågetexten ändrades från ”Vad är den viktigaste anledningen till ditt betyg?” "
        "till ”Vad gjorde vi bra?”." in html
    )
    assert "Frågan togs bort." in html
    assert "En ny fråga." in html
    same = client.get("/portal/enkater/nps/versioner/?fran=1&till=1").content.decode()
    assert "Inget ändrades." in same
    assert client.get("/portal/enkater/nps/versioner/?fran=9").status_code == 404
    old = client.get("/portal/enkater/nps/forhandsgranska/?version=1&sida=foljdfragor").content.decode()
    new = client.get("/portal/enkater/nps/forhandsgranska/?version=2&sida=foljdfragor").content.decode()
    assert "Vad skulle vi behöva göra bättre?" in old and "Vad skulle vi behöva göra bättre?" not in new
    assert client.get("/portal/enkater/nps/forhandsgranska/?version=x").status_code == 404


def test_closing_one_units_link_asks_first_and_can_be_undone(personas: dict[str, Any]) -> None:
    client = _client(personas)
    survey = Survey.objects.get(key="nki")
    links = list(survey.distributions.filter(closed_at__isnull=True).select_related("unit"))
    assert len(links) >= 2
    one = links[0]
    asked = client.get(f"/portal/enkater/nki/stang/?utskick={one.pk}")
    assert asked.status_code == 200
    html = asked.content.decode()
    assert one.unit.name in html and "bekrafta" in html
    one.refresh_from_db()
    assert one.closed_at is None
    client.post("/portal/enkater/nki/stang/", {"utskick": one.pk})  # no confirmation: nothing closes
    one.refresh_from_db()
    assert one.closed_at is None
    done = client.post("/portal/enkater/nki/stang/", {"utskick": one.pk, "bekrafta": "1"})
    assert done.status_code == 302
    one.refresh_from_db()
    assert one.closed_at is not None
    assert survey.distributions.filter(closed_at__isnull=True).count() == len(links) - 1
    survey.refresh_from_db()
    assert survey.closed_at is None
    detail = client.get("/portal/enkater/nki/").content.decode()
    assert f"Öppna länken för {one.unit.name} igen" in detail
    client.post("/portal/enkater/nki/oppna-igen/", {"utskick": one.pk})
    one.refresh_from_db()
    assert one.closed_at is None  # the same link, the same token
    assert client.get("/portal/enkater/nki/stang/?utskick=abc").status_code == 404
    viewer = _client(personas, "viewer")
    assert viewer.post("/portal/enkater/nki/stang/", {"utskick": one.pk, "bekrafta": "1"}).status_code == 403


def test_the_whole_survey_closes_after_confirmation(personas: dict[str, Any]) -> None:
    client = _client(personas)
    asked = client.get("/portal/enkater/nki/stang/?alla=1").content.decode()
    assert "Stäng" in asked
    assert Survey.objects.get(key="nki").closed_at is None
    client.post("/portal/enkater/nki/stang/", {"alla": "1", "bekrafta": "1"})
    assert Survey.objects.get(key="nki").closed_at is not None


def test_the_codebook_tab_round_trip(personas: dict[str, Any]) -> None:
    create_from_template("nps", owner=Unit.objects.get(code="EXK"), actor=CLI)
    client = _client(personas)
    assert client.get("/portal/enkater/nps/redigera/kodbok/").status_code == 200
    data = {
        "anonymity_threshold": "5",
        "nps": "rekommendera",
        "index_name_0": "REK",
        "index_label_sv_0": "Rekommendation",
        "index_label_en_0": "Recommendation",
        "index_items_0": ["rekommendera"],
    }
    saved = client.post("/portal/enkater/nps/redigera/kodbok/", data)
    assert saved.status_code == 302, _problems(saved.content.decode())
    codebook = _draft("nps")["codebook"]
    assert codebook["anonymity_threshold"] == 5
    assert codebook["indices"]["REK"]["items"] == ["rekommendera"]
    refused = client.post("/portal/enkater/nps/redigera/kodbok/", data | {"anonymity_threshold": "2"})
    assert refused.status_code == 400


@pytest.mark.parametrize("template", ["nki", "nps", "ces", "csat", "kano", "price", "insikt", "staff"])
def test_every_question_of_every_template_saves_unchanged(personas: dict[str, Any], template: str) -> None:
    """Each question type's form reads and writes everything the definition says (nothing lost)."""
    from kundpuls.instruments import list_templates

    if template not in {t.key for t in list_templates()}:
        pytest.skip(f"no template {template}")
    version = create_from_template(template, owner=Unit.objects.get(code="EXK"), actor=CLI)
    key = version.survey.key
    before = _draft(key)
    client = _client(personas)
    for question in _question_keys(before):
        stored = drafts.question_of(before, question)
        response = client.post(f"/portal/enkater/{key}/redigera/fraga/{question}/", _form_data(stored))
        assert response.status_code == 302, (question, _problems(response.content.decode()))
        after = drafts.question_of(_draft(key), question)
        assert after == stored, (
            question,
            {
                k: (stored.get(k), after.get(k))
                for k in stored.keys() | after.keys()
                if stored.get(k) != after.get(k)
            },
        )
    assert _draft(key) == before


def test_a_question_of_every_type_is_added_and_saved(personas: dict[str, Any]) -> None:
    create_from_template("nps", owner=Unit.objects.get(code="EXK"), actor=CLI)
    client = _client(personas)
    for kind in drafts.EDITOR_TYPES:
        if kind == "consent":
            continue  # the NPS template has its consent question (one per survey)
        added = client.post(
            "/portal/enkater/nps/redigera/andra/", {"op": "add_question", "type": kind, "page": "foljdfragor"}
        )
        assert added.status_code == 302, kind
        key = added["Location"].rstrip("/").rsplit("/", 1)[-1]
        stored = drafts.question_of(_draft("nps"), key)
        assert stored["type"] == kind
        assert client.get(added["Location"]).status_code == 200
        saved = client.post(added["Location"], _form_data(stored, text_sv=f"Fråga av typen {kind}"))
        assert saved.status_code == 302, (kind, _problems(saved.content.decode()))
        assert drafts.question_of(_draft("nps"), key)["text"]["sv"] == f"Fråga av typen {kind}"
    parse_definition(_draft("nps"))


def test_conditions_are_read_in_words(personas: dict[str, Any]) -> None:
    from django.utils import translation

    from kundpuls.web.surveys.condition_reading import reading

    create_from_template("nps", owner=Unit.objects.get(code="EXK"), actor=CLI)
    data = _draft("nps")
    with translation.override("sv"):
        assert reading("rekommendera <= 6", data) == (
            "”Hur troligt är det att du skulle rekommendera oss till en vän eller k…” är 0–6"
        )
        assert reading("rekommendera > 8 and kontakt_ok", data) == (
            "”Hur troligt är det att du skulle rekommendera oss till en vän eller k…” är 9–10 "
            "och ”Får vi kontakta dig om ditt svar?” är ja"
        )
        assert reading("rekommendera <= 6 or kontakt_ok", data) is None  # said as written
    outline = _client(personas).get("/portal/enkater/nps/redigera/").content.decode()
    assert "visas om ”Hur troligt" in outline


def test_a_template_used_again_on_the_upload_page_is_refused_with_a_way_on(personas: dict[str, Any]) -> None:
    create_from_template("nps", owner=Unit.objects.get(code="EXK"), actor=CLI)
    client = _client(personas)
    again = client.post(
        "/portal/enkater/ny/", {"template": "nps", "owner": Unit.objects.get(code="VOF-HT-S").pk}
    )
    assert again.status_code == 400
    html = again.content.decode()
    assert "finns redan" in html and "/portal/enkater/skapa/" in html
    assert Survey.objects.get(key="nps").owner.code == "EXK"


def test_a_key_already_used_in_the_survey_is_refused_on_the_key(personas: dict[str, Any]) -> None:
    create_from_template("nps", owner=Unit.objects.get(code="EXK"), actor=CLI)
    before = _draft("nps")
    response = _client(personas).post(
        "/portal/enkater/nps/redigera/fraga/skal_hogt/",
        _form_data(drafts.question_of(before, "skal_hogt"), key="skal_lagt"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    error_at = html.index('id="id_key_error"')
    assert "Nyckeln skal_lagt används redan i enkäten." in html[error_at : error_at + 200]
    assert _draft("nps") == before


def test_a_unit_and_its_subtree_close_together_after_confirmation(personas: dict[str, Any]) -> None:
    client = _client(personas)
    survey = Survey.objects.get(key="nki")
    parent = Unit.objects.get(code="VOF-HT")
    open_distribution(survey, parent, actor=CLI)
    below = survey.distributions.filter(closed_at__isnull=True, unit__path__startswith=parent.path)
    count = below.count()
    assert count >= 2
    first = below.get(unit=parent)
    asked = client.get(f"/portal/enkater/nki/stang/?utskick={first.pk}").content.decode()
    assert f"och alla enheter under den i stället ({count} länkar)" in asked
    assert (
        f"{count} öppna länkar stängs"
        in client.get("/portal/enkater/nki/stang/?enhet=VOF-HT").content.decode()
    )
    client.post("/portal/enkater/nki/stang/", {"enhet": "VOF-HT", "bekrafta": "1"})
    assert not below.exists()
    assert survey.distributions.filter(closed_at__isnull=True).exists()  # other units keep their links
    assert client.get("/portal/enkater/nki/stang/?enhet=FINNS-INTE").status_code == 404


def _question_keys(data: dict[str, Any]) -> list[str]:
    """Every question key of a draft definition, in order."""
    return [q["key"] for page in data["pages"] for block in page["blocks"] for q in block["questions"]]


def test_every_version_downloads_as_a_definition_file_that_reads_back(personas: dict[str, Any]) -> None:
    """The editor's survey leaves as the YAML file an upload reads: the same definition, per version."""
    from kundpuls.web.surveys.actions import save_draft
    from kundpuls.yaml_input import load_yaml

    version = publish(create_from_template("nps", owner=Unit.objects.get(code="EXK"), actor=CLI), actor=CLI)
    save_draft(version.survey, drafts.remove_question(version.definition, "kontakt_ok"), actor=CLI)
    client = _client(personas)
    files = {n: client.get(f"/portal/enkater/nps/definition.yaml?version={n}") for n in (1, 2)}
    for number, response in files.items():
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="nps-v{number}.yaml"'
        text = response.content.decode()
        stored = version.survey.versions.get(number=number).definition
        assert parse_definition(load_yaml(text, field="definition")) == parse_definition(stored)
    assert "kontakt_ok" in files[1].content.decode() and "kontakt_ok" not in files[2].content.decode()
    assert "Får vi kontakta dig" in files[1].content.decode()  # Swedish as written, not escaped
    assert client.get("/portal/enkater/nps/definition.yaml").content == files[2].content  # the newest
    assert client.get("/portal/enkater/nps/definition.yaml?version=9").status_code == 404
    assert client.get("/portal/enkater/nps/definition.yaml?version=x").status_code == 404
