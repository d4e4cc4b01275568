"""Goal fulfilment states at and around the boundaries (touching the target is uncertain)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kundpuls.errors import InvalidArgument
from kundpuls.stats import IndexResult, proportion_from_counts
from kundpuls.stats.goal_status import GoalState, count_states, goal_status


def result(low: float | None, high: float | None, *, n: int = 50, suppressed: bool = False) -> IndexResult:
    estimate = None if low is None or high is None else (low + high) / 2
    return IndexResult(estimate, low, high, n, float(n), "test", suppressed)


def test_an_interval_wholly_above_the_target_is_met() -> None:
    assert goal_status(result(71.0, 79.0), 70).state is GoalState.MET


def test_an_interval_wholly_below_the_target_is_not_met() -> None:
    assert goal_status(result(61.0, 69.9), 70).state is GoalState.NOT_MET


def test_an_interval_spanning_the_target_is_uncertain() -> None:
    assert goal_status(result(65.0, 75.0), 70).state is GoalState.UNCERTAIN


def test_an_interval_touching_the_target_from_above_is_uncertain() -> None:
    assert goal_status(result(70.0, 80.0), 70).state is GoalState.UNCERTAIN


def test_an_interval_touching_the_target_from_below_is_uncertain() -> None:
    assert goal_status(result(60.0, 70.0), 70).state is GoalState.UNCERTAIN


def test_an_interval_shown_touching_the_target_is_uncertain_as_it_is_shown() -> None:
    """70,04–73,9 is shown as 70,0–73,9 against a target of 70,0: touching, as the page reads it."""
    assert goal_status(result(70.04, 73.9), 70).state is GoalState.MET
    assert goal_status(result(70.04, 73.9), 70, digits=1).state is GoalState.UNCERTAIN
    assert goal_status(result(70.06, 73.9), 70, digits=1).state is GoalState.MET  # shown as 70,1
    assert goal_status(result(60.0, 69.96), 70, digits=1).state is GoalState.UNCERTAIN  # shown as 70,0
    assert goal_status(result(60.0, 69.94), 70, digits=1).state is GoalState.NOT_MET


def test_a_point_above_the_target_with_a_wide_interval_is_not_met() -> None:
    status = goal_status(result(60.0, 90.0), 70)
    assert status.estimate == 75.0
    assert status.state is GoalState.UNCERTAIN


def test_lower_is_better_swaps_the_sides() -> None:
    assert goal_status(result(10.0, 20.0), 25, higher_is_better=False).state is GoalState.MET
    assert goal_status(result(30.0, 40.0), 25, higher_is_better=False).state is GoalState.NOT_MET
    assert goal_status(result(20.0, 25.0), 25, higher_is_better=False).state is GoalState.UNCERTAIN


def test_a_suppressed_result_is_its_own_state_and_shows_no_numbers() -> None:
    status = goal_status(IndexResult(None, None, None, 4, 4.0, "test", True), 70)
    assert status.state is GoalState.SUPPRESSED
    assert (status.estimate, status.ci_low, status.ci_high, status.n) == (None, None, None, 4)


def test_a_result_without_interval_has_no_data() -> None:
    assert goal_status(result(None, None), 70).state is GoalState.NO_DATA


def test_it_works_on_results_of_the_statistics_layer() -> None:
    # 45 of 50 in time: Wilson 95 % interval ≈ 78.6–95.7 % (Newcombe 1998 formula; checked by hand).
    share = proportion_from_counts([45], [50]).result(0)
    assert share.ci_low == pytest.approx(78.6, abs=0.1)
    assert goal_status(share, 75).state is GoalState.MET
    assert goal_status(share, 99).state is GoalState.NOT_MET
    assert goal_status(share, 90).state is GoalState.UNCERTAIN


def test_it_rejects_a_target_that_is_not_a_finite_number() -> None:
    with pytest.raises(InvalidArgument, match="target"):
        goal_status(result(1.0, 2.0), float("nan"))
    with pytest.raises(InvalidArgument, match="target"):
        goal_status(result(1.0, 2.0), "hög")  # type: ignore[arg-type]


def test_it_rejects_a_reversed_interval() -> None:
    with pytest.raises(InvalidArgument, match="ci_low"):
        goal_status(result(80.0, 70.0), 75)


def test_roll_up_counts_every_state() -> None:
    statuses = [
        goal_status(result(71, 79), 70),
        goal_status(result(65, 75), 70),
        goal_status(result(71, 72), 70),
    ]
    counts = count_states(statuses)
    assert counts == {"met": 2, "not_met": 0, "uncertain": 1, "suppressed": 0, "no_data": 0}


@settings(max_examples=80, deadline=None)
@given(
    low=st.floats(-100, 100),
    width=st.floats(0, 50),
    target=st.floats(-100, 100),
)
def test_met_and_not_met_are_exclusive_and_swap_with_direction(
    low: float, width: float, target: float
) -> None:
    high = low + width
    up = goal_status(result(low, high), target).state
    down = goal_status(result(low, high), target, higher_is_better=False).state
    swap = {GoalState.MET: GoalState.NOT_MET, GoalState.NOT_MET: GoalState.MET}
    assert down is swap.get(up, up)
    assert (up is GoalState.UNCERTAIN) == (low <= target <= high)


def test_a_status_holds_the_result_it_rests_on() -> None:
    shown = result(71.0, 79.0)
    assert goal_status(shown, 70).result is shown
    hidden = goal_status(IndexResult(72.0, 65.0, 79.0, 4, 4.0, "test", True, kind="share"), 70).result
    assert (hidden.estimate, hidden.ci_low, hidden.ci_high, hidden.n, hidden.kind) == (
        None,
        None,
        None,
        4,
        "share",
    )
