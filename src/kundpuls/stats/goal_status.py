"""Goal fulfilment with uncertainty: compare a confidence interval with a target, never a bare point.

A unit *meets* its goal only when the whole interval lies on the good side of the target, *does not meet*
it when the whole interval lies on the bad side, and is *uncertain* when the interval contains the target.
An interval that **touches** the target (``ci_low == target`` for a higher-is-better goal) contains it,
so it is *uncertain*: the data cannot rule out that the true value equals the target, and a goal is a
promise to reach at least the target with evidence. A suppressed result (n under the anonymity
threshold) is its own state, as is a result without an interval (``no_data``).

For a goal where lower is better (cost, waiting time, share of detractors) the sides swap.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from kundpuls.errors import InvalidArgument


class GoalState(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNCERTAIN = "uncertain"
    SUPPRESSED = "suppressed"
    NO_DATA = "no_data"


@dataclass(frozen=True)
class GoalStatus:
    """The state of one goal and the numbers it rests on."""

    state: GoalState
    target: float
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    higher_is_better: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "state": str(self.state),
            "target": self.target,
            "estimate": self.estimate,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "n": self.n,
            "higher_is_better": self.higher_is_better,
        }


def goal_status(result: Any, target: float, *, higher_is_better: bool = True) -> GoalStatus:
    """Classify ``result`` (anything with ``estimate, ci_low, ci_high, n, suppressed``) against ``target``.

    With ``[L, U]`` the confidence interval and ``T`` the target (higher is better)::

        met        if L > T
        not met    if U < T
        uncertain  if L <= T <= U   (touching the target is uncertain)

    Parameters
    ----------
    result : IndexResult-like
        A result of :mod:`kundpuls.stats` (fields ``estimate``, ``ci_low``, ``ci_high``, ``n``,
        ``suppressed``).
    target : float
        The goal on the result's reporting scale.
    higher_is_better : bool, keyword-only
        ``False`` for goals where a lower value is better.

    Raises
    ------
    kundpuls.errors.InvalidArgument
        When ``target`` is not a finite number or the interval is reversed.
    """
    try:
        goal = float(target)
    except (TypeError, ValueError):
        raise InvalidArgument(f"target: {target!r} is not a number", field="target", value=target) from None
    if goal != goal or goal in (float("inf"), float("-inf")):
        raise InvalidArgument(f"target: {target!r} is not finite", field="target", value=target)
    n = int(getattr(result, "n", 0) or 0)
    estimate = getattr(result, "estimate", None)
    low, high = getattr(result, "ci_low", None), getattr(result, "ci_high", None)

    def status(state: GoalState) -> GoalStatus:
        return GoalStatus(state, goal, estimate, low, high, n, higher_is_better)

    if bool(getattr(result, "suppressed", False)):
        return GoalStatus(GoalState.SUPPRESSED, goal, None, None, None, n, higher_is_better)
    if low is None or high is None:
        return status(GoalState.NO_DATA)
    low, high = float(low), float(high)
    if low > high:
        raise InvalidArgument(
            f"result: ci_low {low:g} is above ci_high {high:g}", field="result", value=(low, high)
        )
    above, below = low > goal, high < goal
    if above:
        return status(GoalState.MET if higher_is_better else GoalState.NOT_MET)
    if below:
        return status(GoalState.NOT_MET if higher_is_better else GoalState.MET)
    return status(GoalState.UNCERTAIN)


def count_states(statuses: Iterable[GoalStatus]) -> dict[str, int]:
    """How many goals are in each state (every state present, zero when none): for roll-ups."""
    counts = {str(state): 0 for state in GoalState}
    for status in statuses:
        counts[str(status.state)] += 1
    return counts
