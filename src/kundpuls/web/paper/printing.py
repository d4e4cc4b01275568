"""Printing paper questionnaires: the form ids recorded
(:func:`~kundpuls.web.paper.actions.record_paper_forms`), then the PDF drawn
(:mod:`kundpuls.render.paper_form`), one copy per id. The staff page and ``kundpuls surveys paper`` both
come here."""

from __future__ import annotations

from dataclasses import dataclass

from kundpuls.render.paper_form import paper_questionnaire
from kundpuls.web.org.actors import Actor
from kundpuls.web.org.models import Unit
from kundpuls.web.paper.actions import record_paper_forms
from kundpuls.web.surveys.models import Survey
from kundpuls.web.surveys.queries import definition_of


@dataclass(frozen=True)
class PrintRun:
    pdf: bytes
    form_ids: list[str]
    version: int


def print_questionnaires(survey: Survey, unit: Unit, *, copies: int, language: str, actor: Actor) -> PrintRun:
    """``copies`` new copies of ``survey``'s questionnaire for ``unit`` in ``language``, each with its own
    recorded form id; needs ``manage_surveys`` on the unit (checked by the recording action)."""
    version, _, form_ids = record_paper_forms(survey, unit, copies=copies, language=language, actor=actor)
    pdf = paper_questionnaire(
        definition_of(version), language=language, unit_name=unit.name, form_ids=form_ids
    )
    return PrintRun(pdf=pdf, form_ids=form_ids, version=version.number)
