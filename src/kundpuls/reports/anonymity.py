"""The anonymity thresholds a survey's results are shown with: the one home of that rule.

Two sources name a threshold: the operator's setting ``KUNDPULS_ANONYMITY_THRESHOLD`` (a floor for the
whole installation) and the survey's own codebook (``anonymity_threshold``, and optionally a stricter
``comment_anonymity_threshold``). The stricter wins: a group is shown only when it has at least
``max(setting, codebook)`` respondents, and comments only when it has at least that and the codebook's
comment threshold. Every surface — the unit page, the overview, the PDF, the Excel and CSV files, the API,
the goals and ``kundpuls analyze`` — asks :func:`survey_thresholds`.

This package imports no Django, so the setting is passed in by the caller: the web passes
``settings.KUNDPULS_ANONYMITY_THRESHOLD``, the command line ``kundpuls.config.get_config()``'s
``anonymity_threshold`` (the same variable; Django's setting is read from it).
"""

from __future__ import annotations

from dataclasses import dataclass

from kundpuls.errors import InvalidArgument
from kundpuls.instruments import SurveyDefinition


@dataclass(frozen=True)
class SurveyThresholds:
    """The thresholds in force for one survey.

    Attributes
    ----------
    groups : int
        The smallest group (respondents) whose numbers are shown.
    comments : int
        The smallest group whose comments are shown (never below ``groups``).
    setting : int
        The operator's setting the thresholds were resolved with.
    """

    groups: int
    comments: int
    setting: int


def survey_thresholds(definition: SurveyDefinition | None, *, setting: int) -> SurveyThresholds:
    """The larger of ``setting`` (``KUNDPULS_ANONYMITY_THRESHOLD``) and ``definition``'s codebook.

    ``definition`` may be ``None`` for numbers that belong to no survey (the goals' case metrics): the
    setting alone then holds.

    >>> survey_thresholds(None, setting=10)
    SurveyThresholds(groups=10, comments=10, setting=10)
    """
    if isinstance(setting, bool) or not isinstance(setting, int) or setting < 1:
        raise InvalidArgument(
            f"KUNDPULS_ANONYMITY_THRESHOLD: {setting!r} must be a whole number ≥ 1",
            field="KUNDPULS_ANONYMITY_THRESHOLD",
            value=setting,
        )
    if definition is None:
        return SurveyThresholds(setting, setting, setting)
    codebook = definition.codebook
    groups = max(setting, int(codebook.anonymity_threshold))
    comments = max(groups, int(codebook.comment_anonymity_threshold or groups))
    return SurveyThresholds(groups, comments, setting)
