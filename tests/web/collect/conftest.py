from __future__ import annotations

from typing import Any

import pytest

from kundpuls.web.org.actors import CLI
from respondent_forms import form_answers


@pytest.fixture
def nki_link(db: None) -> Any:
    """The NKI template published and opened for Hemtjänst Norr on an open link."""
    from kundpuls.web.org.models import Unit
    from kundpuls.web.surveys.actions import create_from_template, open_distribution, publish

    version = publish(create_from_template("nki", owner=Unit.objects.get(code="EXK"), actor=CLI), actor=CLI)
    return open_distribution(version.survey, Unit.objects.get(code="VOF-HT-N"), actor=CLI)


@pytest.fixture
def fill() -> Any:
    return form_answers
