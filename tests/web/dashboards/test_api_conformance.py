"""The API answers exactly as its OpenAPI document says: schemathesis runs every check on every route.

Generated requests (paths, query strings, bodies, headers) go to the Django application in-process, with a
token of an analyst over the results fixture; every response must match the documented status codes,
content types, headers and schemas, and none may be a server error (every check runs but the one that
wants every schema-valid request accepted: see the test).
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from kundpuls.web.org.actors import CLI
from kundpuls.web.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(autouse=True)
def _keep_the_test_connection_open() -> Any:
    """Requests go to the WSGI application itself, which closes the database connection at the end of each
    request (Django's test client prevents that; the test database lives in that one connection)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(personas: dict[str, Any], results: dict[str, int]) -> str:
    from kundpuls.web.api.actions import create_token

    return create_token(personas["analyst"], "schemathesis", actor=CLI)[1]


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_route_keeps_its_documented_contract(case: Any, token: str) -> None:
    # Every check but "a schema-valid request is accepted": a batch for a survey or unit that does not exist,
    # or with text a database cannot hold (a NUL), is rightly refused, and the schema cannot list which exist.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
