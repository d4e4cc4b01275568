"""Staff–customer gap per mirrored item: both sides from the lake, hidden when a side is too small."""

from __future__ import annotations

from typing import Any

import pytest

from kundpuls.instruments import load_template
from kundpuls.reports.staff_gap import staff_customer_gaps
from kundpuls.reports.unit_report import unit_report


def test_the_gap_is_staff_minus_customers_for_every_mirrored_item(staff_lake: Any) -> None:
    staff = load_template("staff")
    rows = staff_customer_gaps(staff_lake.path, staff_lake.definition, staff, "A", threshold_setting=7)
    mirrored = {m.customer_item for m in staff.codebook.mirrors if m.customer_survey == "nki"}
    assert rows and {r.key for r in rows} <= mirrored
    for row in rows:
        if row.gap is not None:
            assert row.staff.estimate is not None and row.customer.estimate is not None
            # the same two estimates as shown: difference to rounding error
            assert row.gap == pytest.approx(row.staff.estimate - row.customer.estimate, abs=1e-9)
    frame = staff_lake.frame
    helhet = next(r for r in rows if r.key == "nki_helhet")
    customers = frame[(frame["unit"] == "A")]["nki_helhet"].dropna()
    assert helhet.customer.n == len(customers)
    assert helhet.customer.estimate == pytest.approx(float((100 * (customers - 1) / 9).mean()), abs=1e-9)


def test_a_staff_side_under_the_threshold_is_hidden(staff_lake: Any) -> None:
    rows = staff_customer_gaps(
        staff_lake.path, staff_lake.definition, load_template("staff"), "B", threshold_setting=7
    )
    # B's staff answered a handful of times in the year: no year has both sides shown, so no rows at all
    assert rows == ()
    for row in rows:
        assert row.gap is None or not row.staff.suppressed
        if row.staff.suppressed:
            assert row.staff.estimate is None and row.staff.n is None


def test_the_unit_report_carries_the_gap_rows(staff_lake: Any) -> None:
    report = unit_report(
        staff_lake.path,
        staff_lake.definition,
        "A",
        staff_definition=load_template("staff"),
        threshold_setting=7,
    )
    assert report.gaps
    # the year is said once, in the section's title, not after every question ("… för dig (2025)")
    assert {g.year for g in report.gaps} == {"2025"}
    assert not any(g.label.endswith(")") for g in report.gaps)
    from kundpuls.render.tables import gap_table, gaps_title

    assert gaps_title(report) == "Personalens bild och kundernas svar 2025"
    table = gap_table(report)
    assert table is not None and table.caption == gaps_title(report)
