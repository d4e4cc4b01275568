"""A refusal from inside an action answers 403 with the 403 page, even where a view forgot its own check."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path

from kundpuls.web import urls as site_urls
from kundpuls.web.org.actors import actor_of
from kundpuls.web.org.permissions import Capability, require


def view_without_its_own_check(request: HttpRequest) -> HttpResponse:
    require(actor_of(request), Capability.ADMINISTER, None)  # what an action does first
    return HttpResponse("done")


urlpatterns = [path("test-refusal/", view_without_its_own_check), *site_urls.urlpatterns]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_an_action_that_refuses_gives_a_403_not_a_server_error(personas: dict[str, object]) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(personas["viewer"])  # type: ignore[arg-type]
    response = client.get("/test-refusal/")
    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]  # the project's 403 page


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_an_action_that_allows_answers_normally(personas: dict[str, object]) -> None:
    client = Client()
    client.force_login(personas["admin"])  # type: ignore[arg-type]
    response = client.get("/test-refusal/")
    assert response.status_code == 200 and response.content == b"done"
