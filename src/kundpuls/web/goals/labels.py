"""Goal metrics and states as people read them: an index by its own name, "Uppfyllt", "Inga data"."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kundpuls.errors import KundpulsError
from kundpuls.web.goals.metrics import survey_definition
from kundpuls.web.language import page_language
from kundpuls.web.surveys.models import Survey

STATE_LABELS = {
    "met": _("Met"),
    "not_met": _("Not met"),
    "uncertain": _("Uncertain"),
    "suppressed": _("Too few answers"),
    "no_data": _("No data"),
}

METRIC_LABELS = {
    "nps": "NPS",
    "response_rate": _("Response rate"),
    "cases_in_time": _("Cases closed in time"),
}


def state_label(state: str, metric: str = "") -> str:
    """The status of a goal in words (unknown states read as "no data"); a goal on follow-up cases is
    hidden for too few cases, not answers."""
    if state == "suppressed" and metric == "cases_in_time":
        return str(_("Too few cases"))
    return str(STATE_LABELS.get(state, STATE_LABELS["no_data"]))


def metric_label(metric: str, survey: Survey | None) -> str:
    """``index:NKI`` → the codebook's name of the index ("Nöjd-Kund-Index"); the others by their kind.

    A metric that no longer fits the survey's newest codebook is shown as stored.
    """
    if metric in METRIC_LABELS:
        return str(METRIC_LABELS[metric])
    if metric.startswith("index:") and survey is not None:
        try:
            index = survey_definition(survey).codebook.indices.get(metric[6:])
        except KundpulsError:
            index = None
        if index is not None and index.label is not None:
            return index.label.in_language(page_language())
    return metric
