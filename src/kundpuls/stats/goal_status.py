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
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from kundpuls.errors import InvalidArgument
from kundpuls.stats.results import IndexResult


class GoalState(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNCERTAIN = "uncertain"
    SUPPRESSED = "suppressed"
    NO_DATA = "no_data"


@dataclass(frozen=True)
class GoalStatus:
    """The state of one goal and the result it rests on (the one type of an index with its interval).

    ``estimate``, ``ci_low``, ``ci_high`` and ``n`` are read from ``result``; a suppressed goal's result
    has no numbers, only its base (``n``, 0 when the value shown is hidden without one).
    """

    state: GoalState
    target: float
    result: IndexResult
    higher_is_better: bool = True

    @property
    def estimate(self) -> float | None:
        return self.result.estimate

    @property
    def ci_low(self) -> float | None:
        return self.result.ci_low

    @property
    def ci_high(self) -> float | None:
        return self.result.ci_high

    @property
    def n(self) -> int:
        return int(self.result.n or 0)

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


def goal_status(
    result: IndexResult, target: float, *, higher_is_better: bool = True, digits: int | None = None
) -> GoalStatus:
    """Classify ``result`` against ``target``.

    With ``[L, U]`` the confidence interval and ``T`` the target (higher is better)::

        met        if L > T
        not met    if U < T
        uncertain  if L <= T <= U   (touching the target is uncertain)

    Parameters
    ----------
    result : IndexResult
        The index with its interval (:mod:`kundpuls.stats.results`).
    target : float
        The goal on the result's reporting scale.
    higher_is_better : bool, keyword-only
        ``False`` for goals where a lower value is better.
    digits : int, keyword-only, optional
        Compare the interval as it is shown, its bounds rounded to ``digits`` decimals: a bound shown
        equal to the target touches it (70,0–73,9 against 70,0 is uncertain, as the page says), even when
        the unrounded bound lies just above.

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
    low, high = result.ci_low, result.ci_high

    def status(state: GoalState) -> GoalStatus:
        return GoalStatus(state, goal, result, higher_is_better)

    if result.suppressed:
        hidden = replace(result, estimate=None, ci_low=None, ci_high=None, se=None)
        return GoalStatus(GoalState.SUPPRESSED, goal, hidden, higher_is_better)
    if low is None or high is None:
        return status(GoalState.NO_DATA)
    low, high = float(low), float(high)
    if digits is not None:
        low, high = round(low, digits), round(high, digits)
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
