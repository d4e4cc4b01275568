"""One result type for an index with its interval (issue 16): a frame cell leaves the index frame as an
``IndexResult``, and the API writes each such value with exactly the fields a report shows."""

from __future__ import annotations

import math
from typing import Any

from kundpuls.reports.contracts import contract_dict
from kundpuls.reports.index_frames import frame_result
from kundpuls.reports.unit_report import survey_frame, survey_plan, unit_report
from kundpuls.stats.results import IndexResult

SmallLake = Any  # tests/reports/conftest.py


def test_a_frame_cell_becomes_an_index_result_with_the_frames_numbers(small_lake: SmallLake) -> None:
    plan = survey_plan(small_lake.path, small_lake.definition, threshold_setting=7)
    frame = survey_frame(small_lake.path, plan, period_kind="quarter")
    shown = frame[~frame["suppressed"] & (frame["kind"] == "index")]
    hidden = frame[frame["suppressed"]]
    assert len(shown) and len(hidden)
    for _, row in shown.head(20).iterrows():
        result = frame_result(row, str(row["index"]), "etikett", str(row["kind"]))
        assert (result.estimate, result.ci_low, result.ci_high) == (
            row["estimate"],
            row["ci_low"],
            row["ci_high"],
        )
        assert result.n == row["n"] and result.n_eff == row["n"] and not result.suppressed
        assert result.se is not None and math.isclose(
            result.se * math.sqrt(row["n"]), row["sd"], rel_tol=1e-12
        )
        assert (result.key, result.label, result.kind) == (row["index"], "etikett", "index")
    for _, row in hidden.head(20).iterrows():
        result = frame_result(row, str(row["index"]), "etikett", str(row["kind"]))
        assert result == IndexResult.hidden(str(row["index"]), "etikett", kind=str(row["kind"]))
    assert frame_result(None, "NKI", "NKI", "index").n is None


def test_the_api_writes_an_index_value_with_exactly_the_reported_fields(small_lake: SmallLake) -> None:
    report = unit_report(small_lake.path, small_lake.definition, "A", period="2025-Q3", threshold_setting=7)
    document = contract_dict(report)
    values = [h["value"] for h in document["headlines"]] + [t["value"] for t in document["trend"]]
    assert values
    for value in values:
        assert list(value) == [
            "key",
            "label",
            "estimate",
            "ci_low",
            "ci_high",
            "n",
            "suppressed",
            "method",
            "kind",
        ]
    headline = report.headlines[0].value
    assert document["headlines"][0]["value"]["estimate"] == headline.estimate and headline.n_eff > 0
