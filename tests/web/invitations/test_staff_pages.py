"""The staff page: upload with an error summary, sending, per-unit rates, the chart and its data table."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tasks_db.models import DBTaskResult

from kundpuls.errors import PermissionDenied
from kundpuls.web.invitations.models import Delivery, Invitation
from kundpuls.web.invitations.queries import contact_rows
from kundpuls.web.org.actors import CLI

BACKEND = "kundpuls.web.accounts.backends.EmailBackend"
URL = "/portal/inbjudningar/nki/"


def _client(personas: dict[str, Any], who: str) -> Client:
    client = Client()
    client.force_login(personas[who], backend=BACKEND)
    return client


def test_an_analyst_uploads_a_list_and_sees_the_invited_per_unit(personas: Any, recipient_list: str) -> None:
    client = _client(personas, "analyst")
    upload = SimpleUploadedFile("lista.csv", recipient_list.encode(), content_type="text/csv")
    response = client.post(URL, {"recipients": upload})
    assert response.status_code == 302
    page = client.get(URL).content.decode()
    assert "3 mottagare inbjudna." in page
    assert "<caption>Inbjudna, nådda och svarande per enhet" in page
    assert '<th scope="row">Hemtjänst Norr (VOF-HT-N)</th><td>2</td>' in page
    assert Invitation.objects.count() == 3


def test_a_bad_list_shows_every_error_in_a_summary_linked_to_the_field_and_imports_nothing(
    personas: Any,
) -> None:
    bad = "email,unit\nnot-an-address,VOF-HT-N\nok@example.se,FINNS-INTE\n"
    upload = SimpleUploadedFile("lista.csv", bad.encode(), content_type="text/csv")
    response = _client(personas, "analyst").post(URL, {"recipients": upload})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'role="alert"' in html and 'href="#f-recipients"' in html
    assert "Rad 2, kolumn email (not-an-address)" in html
    assert "Rad 3, kolumn unit (FINNS-INTE)" in html
    assert 'id="f-recipients"' in html and 'aria-invalid="true"' in html
    assert Invitation.objects.count() == 0


def test_a_list_pasted_from_excel_is_invited_and_a_bad_paste_is_named_and_kept(
    personas: Any, recipient_list: str
) -> None:
    client = _client(personas, "analyst")
    bad = "email\tunit\nnot-an-address\tVOF-HT-N\n"
    refused = client.post(URL, {"pasted": bad}, HTTP_ACCEPT_LANGUAGE="sv")
    html = refused.content.decode()
    assert refused.status_code == 400 and "Rad 2, kolumn email (not-an-address)" in html
    assert "not-an-address\tVOF-HT-N" in html  # the pasted text is kept to be corrected
    assert Invitation.objects.count() == 0
    empty = client.post(URL, {"pasted": "  "}, HTTP_ACCEPT_LANGUAGE="sv")
    assert (
        empty.status_code == 400
        and "Välj en fil att ladda upp eller klistra in listan." in empty.content.decode()
    )
    pasted = recipient_list.replace(",", "\t")  # what a copy of Excel cells gives
    assert client.post(URL, {"pasted": pasted}).status_code == 302
    assert Invitation.objects.count() == 3


def test_sending_from_the_page_plans_and_queues_one_task_per_mail(personas: Any, invited: Any) -> None:
    before = DBTaskResult.objects.count()
    response = _client(personas, "analyst").post(f"{URL}skicka/", {"what": "invite"})
    assert response.status_code == 302
    assert Delivery.objects.filter(step=0).count() == 3
    assert DBTaskResult.objects.count() - before == 3


@pytest.mark.parametrize("who", ["manager_a", "manager_b", "viewer"])
def test_only_those_who_manage_the_survey_may_send(personas: Any, invited: Any, who: str) -> None:
    response = _client(personas, who).post(f"{URL}skicka/", {"what": "invite"})
    assert response.status_code == 403
    assert not Delivery.objects.exists()


def test_the_rate_chart_has_a_text_alternative_and_its_data_as_a_table(
    personas: Any, invited: Any, settings: Any
) -> None:
    from tests.invitation_steps import due_deliveries

    from kundpuls.web.invitations.actions import deliver, plan_invitations

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.KUNDPULS_MAIL_RATE = 1000.0
    plan_invitations(invited, actor=CLI)
    for pk in due_deliveries(invited):
        deliver(pk)
    html = _client(personas, "admin").get(URL).content.decode()
    figure = html[html.index('<figure class="chart" aria-labelledby="rate-cap">') :]
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in figure and 'role="img" focusable="false">' in figure
    assert "<title>Ackumulerad svarsfrekvens per dag</title>" in figure
    assert "steg svarsfrekvensen till 0,0 %. Tabellen nedan har varje värde.</desc>" in figure
    assert '<figcaption id="rate-cap">Ackumulerad svarsfrekvens (svarat / inbjudna). Från ' in figure
    assert "<caption>Svarsfrekvens per dag (diagrammets data)</caption>" in html
    assert "<script" not in html.split("<main", 1)[-1] or "nonce" in html


def test_contact_data_are_readable_only_by_those_who_manage_the_survey(personas: Any, invited: Any) -> None:
    rows = contact_rows(personas["analyst"], invited)
    assert {r["contact__email"] for r in rows} == {"anna@example.se", "bo@example.se", "cecilia@example.se"}
    for who in ("manager_a", "manager_b", "viewer", "anonymous"):
        with pytest.raises(PermissionDenied):
            contact_rows(personas[who], invited)


def test_the_rate_over_time_is_cumulative_per_day_overall_and_per_unit(
    personas: Any, invited: Any, settings: Any
) -> None:
    from datetime import timedelta
    from unittest import mock

    from django.utils import timezone
    from tests.invitation_steps import due_deliveries

    from kundpuls.web.invitations.actions import deliver, plan_invitations, record_answer
    from kundpuls.web.invitations.queries import rate_over_time
    from kundpuls.web.responses.models import Response
    from kundpuls.web.surveys.queries import current_version

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.KUNDPULS_MAIL_RATE = 1000.0
    start = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    with mock.patch("django.utils.timezone.now", return_value=start):
        plan_invitations(invited, actor=CLI)
        for pk in due_deliveries(invited):
            deliver(pk)
    for address, days in (("anna@example.se", 1), ("cecilia@example.se", 3)):
        invitation = Invitation.objects.get(contact__email=address)
        response = Response.objects.create(
            submission_id=invitation.submission_id,
            survey=invited,
            version=current_version(invited),
            distribution=invitation.distribution,
            unit=invitation.unit,
            channel="invitation",
            submitted_at=start + timedelta(days=days),
            answers={"nki_helhet": 8},
        )
        record_answer(invitation, response.pk)
    rows = rate_over_time(invited)
    assert [r["answered"] for r in rows] == [0, 1, 1, 2]
    assert [r["rate"] for r in rows] == [0.0, 33.3, 33.3, 66.7]  # of 3 invited, rounded to 0.1
    assert rows[-1]["units"] == {"KFF-BIB-HUV": 100.0, "VOF-HT-N": 50.0}
    assert rows[1]["units"] == {"KFF-BIB-HUV": 0.0, "VOF-HT-N": 50.0}
    html = _client(personas, "admin").get(URL).content.decode()
    assert '<th scope="col">VOF-HT-N (%)</th>' in html
    assert "<td>66,7</td><td>100,0</td><td>50,0</td>" in html  # Swedish decimal comma
    figure = html[html.index('<figure class="chart"') : html.index("</figure>")]
    first = rows[0]["day"]
    assert f">{first.day}/{first.month}</text>" in figure  # the first day on the time axis, Swedish style
    assert "steg svarsfrekvensen till 66,7 %" in figure  # the description's numbers in Swedish
