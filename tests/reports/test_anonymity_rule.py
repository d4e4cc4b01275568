"""The one rule for a survey's anonymity thresholds: the larger of the setting and the codebook's."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kundpuls.errors import InvalidArgument
from kundpuls.instruments import load_template
from kundpuls.reports.anonymity import survey_thresholds


@pytest.mark.parametrize(
    ("setting", "own", "comments", "expected"),
    [(10, 7, None, (10, 10)), (3, 7, None, (7, 7)), (7, 7, 12, (7, 12)), (15, 7, 12, (15, 15))],
)
def test_the_stricter_of_setting_and_codebook_wins_for_groups_and_comments(
    setting: int, own: int, comments: int | None, expected: tuple[int, int]
) -> None:
    definition = load_template("nki")
    codebook = replace(definition.codebook, anonymity_threshold=own, comment_anonymity_threshold=comments)
    found = survey_thresholds(replace(definition, codebook=codebook), setting=setting)
    assert (found.groups, found.comments, found.setting) == (*expected, setting)


def test_without_a_survey_the_setting_holds_and_a_bad_setting_is_named() -> None:
    assert survey_thresholds(None, setting=9).groups == 9
    for bad in (0, True, 2.5):
        with pytest.raises(InvalidArgument, match="KUNDPULS_ANONYMITY_THRESHOLD"):
            survey_thresholds(None, setting=bad)  # type: ignore[arg-type]
