"""Van Westendorp Price Sensitivity Meter with the Newton–Miller–Smith extension (docs/methods.md §5).

Price points are found by comparing **counts** of respondents, not floating shares, so that true ties are
kept (docs/methods.md §5.2: with shares, 1/12 vs 1 − 11/12 is lost to rounding and OPP moves).

References
----------
Van Westendorp, P. (1976). NSS Price Sensitivity Meter. ESOMAR Congress. Newton, D., Miller, J. & Smith, P.
(1993). A market acceptance extension to traditional price sensitivity measurement. AMA ART Forum.
Conventions follow the R package pricesensitivitymeter (M. Alletsee), ``psm_analysis()``.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from kundpuls.errors import InsufficientData, InvalidArgument, SmallSampleWarning
from kundpuls.stats.validation import FloatArray, as_float_array, check_threshold

if TYPE_CHECKING:
    import pandas as pd

#: Default calibration of the 5-point purchase-intent answers (NMS; pricesensitivitymeter default).
DEFAULT_CALIBRATION: Mapping[int, float] = {5: 0.7, 4: 0.5, 3: 0.3, 2: 0.1, 1: 0.0}


@dataclass(frozen=True)
class PriceSensitivity:
    """Van Westendorp price points (and NMS optima when intent was asked).

    Attributes
    ----------
    n : int
        Valid respondents (``too cheap < cheap < expensive < too expensive``).
    n_invalid : int
        Respondents dropped by the consistency check or for a missing answer.
    grid : ndarray
        All distinct prices answered by valid respondents.
    pmc, opp, idp, pme : float or None
        Point of marginal cheapness, optimal price point, indifference price point, point of marginal
        expensiveness (None when no crossing exists, when too-cheap was not asked for PMC/OPP, or suppressed).
    trial_price, revenue_price : float or None
        NMS prices maximising the trial rate and the revenue ``P·trial(P)``.
    trial_max, revenue_max : float or None
    suppressed : bool
    method : str
    """

    n: int
    n_invalid: int
    grid: FloatArray
    counts: dict[str, np.ndarray]
    pmc: float | None
    opp: float | None
    idp: float | None
    pme: float | None
    trial: FloatArray | None
    trial_price: float | None
    trial_max: float | None
    revenue_price: float | None
    revenue_max: float | None
    suppressed: bool
    method: str

    def curves(self) -> pd.DataFrame:
        """The six cumulative curves (shares 0–1) and, with NMS, trial and revenue per grid price."""
        import pandas as pd

        frame = pd.DataFrame({"price": self.grid})
        for name, counts in self.counts.items():
            frame[name] = counts / self.n if self.n else np.nan
        if self.trial is not None:
            frame["trial"] = self.trial
            frame["revenue"] = self.grid * self.trial
        return frame


def _first_crossing(grid: FloatArray, left: np.ndarray, right: np.ndarray) -> float | None:
    """Lowest grid price where ``left ≥ right`` (counts, so ties are exact)."""
    hits = np.flatnonzero(left >= right)
    return float(grid[hits[0]]) if hits.size else None


def price_sensitivity(
    too_cheap: ArrayLike | None,
    cheap: ArrayLike,
    expensive: ArrayLike,
    too_expensive: ArrayLike,
    *,
    intent_cheap: ArrayLike | None = None,
    intent_expensive: ArrayLike | None = None,
    calibration: Mapping[int, float] = DEFAULT_CALIBRATION,
    threshold: int = 7,
) -> PriceSensitivity:
    """Van Westendorp price points from the four price questions, optionally with NMS trial and revenue.

    Parameters
    ----------
    too_cheap, cheap, expensive, too_expensive : array_like
        Each respondent's prices; NaN = missing (the respondent is invalid). ``too_cheap`` may be None (or
        all missing) when not asked: it is then ignored and PMC and OPP are None.
    intent_cheap, intent_expensive : array_like, optional
        5-point purchase intent at the respondent's own cheap and expensive prices (NMS).
    calibration : mapping, default {5: 0.7, 4: 0.5, 3: 0.3, 2: 0.1, 1: 0}
        Purchase probability of each intent answer.
    threshold : int, default 7
        Suppress (all points None) below this many valid respondents.

    Returns
    -------
    PriceSensitivity

    Notes
    -----
    With the empirical CDFs F at grid price P: too cheap ``#(tc > P)``, cheap ``#(ch > P)``, expensive
    ``#(ex ≤ P)``, too expensive ``#(te ≤ P)``, not cheap ``#(ch ≤ P)``, not expensive ``#(ex > P)``.
    PMC: first P with not cheap ≥ too cheap; PME: too expensive ≥ not expensive; IDP: expensive ≥ cheap;
    OPP: too expensive ≥ too cheap. NMS: each respondent's purchase probability is 0 at too cheap and too
    expensive, the calibrated intent at cheap and expensive, linear along grid positions in between and 0
    outside; trial(P) is its mean and revenue ``P·trial(P)``.

    References
    ----------
    Van Westendorp (1976); Newton, Miller & Smith (1993); pricesensitivitymeter ``psm_analysis()``;
    docs/methods.md §5, E5.1.
    """
    threshold = check_threshold(threshold)
    ch = as_float_array(cheap, name="cheap", ndim=1)
    ex = as_float_array(expensive, name="expensive", ndim=1)
    te = as_float_array(too_expensive, name="too_expensive", ndim=1)
    n_all = ch.shape[0]
    tc = np.full(n_all, np.nan) if too_cheap is None else as_float_array(too_cheap, name="too_cheap", ndim=1)
    lengths = {
        "too_cheap": tc.shape[0],
        "cheap": n_all,
        "expensive": ex.shape[0],
        "too_expensive": te.shape[0],
    }
    nms = intent_cheap is not None or intent_expensive is not None
    if nms:
        if intent_cheap is None or intent_expensive is None:
            missing = "intent_cheap" if intent_cheap is None else "intent_expensive"
            raise InvalidArgument(f"{missing}: give both intent questions, or neither", field=missing)
        i_ch = as_float_array(intent_cheap, name="intent_cheap", ndim=1)
        i_ex = as_float_array(intent_expensive, name="intent_expensive", ndim=1)
        lengths.update(intent_cheap=i_ch.shape[0], intent_expensive=i_ex.shape[0])
    if len(set(lengths.values())) > 1:
        described = ", ".join(f"{k} {v}" for k, v in lengths.items())
        raise InvalidArgument(f"mismatched lengths: {described}", field="cheap", value=lengths)
    for name, values in (("too_cheap", tc), ("cheap", ch), ("expensive", ex), ("too_expensive", te)):
        if (values < 0).any():
            raise InvalidArgument(f"{name}: negative price {values[values < 0][0]:g}", field=name)
    use_tc = not np.isnan(tc).all()
    valid = ~np.isnan(ch) & ~np.isnan(ex) & ~np.isnan(te) & (ch < ex) & (ex < te)
    if use_tc:
        valid &= ~np.isnan(tc) & (tc < ch)
    if nms:
        cal = {int(k): float(v) for k, v in calibration.items()}
        for name, values in (("intent_cheap", i_ch), ("intent_expensive", i_ex)):
            known = values[~np.isnan(values)]
            unknown = [v for v in known if int(v) != v or int(v) not in cal]
            if unknown:
                raise InvalidArgument(
                    f"{name}: answer {unknown[0]:g} has no calibration (known: {sorted(cal)})",
                    field=name,
                    value=float(unknown[0]),
                )
        valid &= ~np.isnan(i_ch) & ~np.isnan(i_ex)
    n = int(valid.sum())
    if n == 0:
        raise InsufficientData(
            "cheap: no respondent gives consistent prices (too cheap < cheap < expensive < too expensive)"
        )
    tc_v, ch_v, ex_v, te_v = tc[valid], ch[valid], ex[valid], te[valid]
    answered = [ch_v, ex_v, te_v] + ([tc_v] if use_tc else [])
    grid = np.unique(np.concatenate(answered))
    col = grid[:, None]
    counts = {
        "too_cheap": (tc_v[None, :] > col).sum(axis=1) if use_tc else np.full(grid.shape, np.nan),
        "cheap": (ch_v[None, :] > col).sum(axis=1),
        "expensive": (ex_v[None, :] <= col).sum(axis=1),
        "too_expensive": (te_v[None, :] <= col).sum(axis=1),
        "not_cheap": (ch_v[None, :] <= col).sum(axis=1),
        "not_expensive": (ex_v[None, :] > col).sum(axis=1),
    }
    suppressed = n < threshold
    if not suppressed and n < 30:
        warnings.warn(f"price_sensitivity: n = {n} < 30 (low base)", SmallSampleWarning, stacklevel=2)
    pmc = opp = None
    if use_tc:
        pmc = _first_crossing(grid, counts["not_cheap"], counts["too_cheap"])
        opp = _first_crossing(grid, counts["too_expensive"], counts["too_cheap"])
    idp = _first_crossing(grid, counts["expensive"], counts["cheap"])
    pme = _first_crossing(grid, counts["too_expensive"], counts["not_expensive"])
    trial = None
    trial_price = trial_max = revenue_price = revenue_max = None
    if nms:
        trial = _nms_trial(grid, tc_v if use_tc else None, ch_v, ex_v, te_v, i_ch[valid], i_ex[valid], cal)
        revenue = grid * trial
        trial_price, trial_max = float(grid[np.argmax(trial)]), float(trial.max())
        revenue_price, revenue_max = float(grid[np.argmax(revenue)]), float(revenue.max())
    if suppressed:
        pmc = opp = idp = pme = trial_price = trial_max = revenue_price = revenue_max = None
        trial = None
    return PriceSensitivity(
        n=n,
        n_invalid=n_all - n,
        grid=grid,
        counts={k: np.asarray(v) for k, v in counts.items()},
        pmc=pmc,
        opp=opp,
        idp=idp,
        pme=pme,
        trial=trial,
        trial_price=trial_price,
        trial_max=trial_max,
        revenue_price=revenue_price,
        revenue_max=revenue_max,
        suppressed=suppressed,
        method="Van Westendorp, count-based first crossings (pricesensitivitymeter conventions: "
        "PMC = not cheap "
        "x too cheap, PME = too expensive x not expensive)" + ("; NMS trial/revenue" if nms else ""),
    )


def _nms_trial(
    grid: FloatArray,
    tc: FloatArray | None,
    ch: FloatArray,
    ex: FloatArray,
    te: FloatArray,
    intent_ch: FloatArray,
    intent_ex: FloatArray,
    calibration: Mapping[int, float],
) -> FloatArray:
    """Mean NMS purchase probability per grid price, interpolated along grid positions."""
    positions = np.arange(grid.shape[0], dtype=np.float64)
    p_ch = np.array([calibration[int(v)] for v in intent_ch])
    p_ex = np.array([calibration[int(v)] for v in intent_ex])
    pos = {name: np.searchsorted(grid, values) for name, values in (("ch", ch), ("ex", ex), ("te", te))}
    total = np.zeros(grid.shape[0])
    for j in range(ch.shape[0]):
        if tc is not None:
            xp = [float(np.searchsorted(grid, tc[j])), pos["ch"][j], pos["ex"][j], pos["te"][j]]
            fp = [0.0, p_ch[j], p_ex[j], 0.0]
        else:
            xp = [pos["ch"][j], pos["ex"][j], pos["te"][j]]
            fp = [p_ch[j], p_ex[j], 0.0]
        total += np.interp(positions, np.asarray(xp, dtype=np.float64), fp, left=0.0, right=0.0)
    return total / ch.shape[0]
