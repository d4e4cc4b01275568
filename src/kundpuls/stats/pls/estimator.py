"""``PLSPathModel``: the scikit-learn-style PLS path model estimator.

Example
-------
>>> model = PLSPathModel({"constructs": {...}, "paths": [...]}).fit(frame)   # doctest: +SKIP
>>> model.path_coefficients_.loc["Quality", "Satisfaction"]                # doctest: +SKIP
>>> model.summary()                                                         # doctest: +SKIP
>>> boot = model.bootstrap(5000, seed=1)                                    # doctest: +SKIP
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kundpuls.errors import (
    ConvergenceError,
    ConvergenceWarning,
    InsufficientData,
    InvalidArgument,
    SmallSampleWarning,
)
from kundpuls.stats.pls import quality
from kundpuls.stats.pls.algorithm import (
    BatchEstimates,
    estimates_from_weights,
    iterate_weights,
    orientation_signs,
)
from kundpuls.stats.pls.inner_schemes import SCHEMES
from kundpuls.stats.pls.long_format import CLI_STATISTICS, Layout
from kundpuls.stats.pls.missing import MissingReport, handle_missing
from kundpuls.stats.pls.spec import ModelSpec, model_from_mapping
from kundpuls.stats.pls.structure import CompiledModel

if TYPE_CHECKING:
    from kundpuls.stats.pls.bootstrap import BootstrapResult

#: Below this many respondents a PLS model is fitted with a :class:`SmallSampleWarning` (docs/methods.md).
SMALL_SAMPLE = 50


class PLSPathModel:
    """PLS path model (PLS-SEM) estimated by Wold's/Lohmöller's iterative algorithm.

    Parameters
    ----------
    model : ModelSpec or mapping
        The blocks and paths (see :mod:`kundpuls.stats.pls.spec`).
    scheme : {"path", "centroid", "factorial"}
        Inner weighting scheme; path weighting is the default of SmartPLS, seminr and cSEM.
    scaled : bool
        Standardise the indicators (z-scores, the default of SmartPLS, seminr, cSEM and R plspm). With
        ``scaled=False`` the indicators are only centred, as R plspm ``scaled = FALSE``: weights are on the
        raw metric and construct scores have (population) variance 1.
    missing_codes : sequence of float
        Values that mean "missing" (e.g. ``(-99,)``); NaN is always missing.
    missing_strategy : {"mean", "listwise"}
        Mean replacement (the published convention) or listwise deletion.
    tol : float
        Stop when no outer weight changes by more than ``tol`` between iterations.
    max_iter : int
        Iteration cap; reaching it gives a :class:`~kundpuls.errors.ConvergenceWarning`.

    Attributes
    ----------
    outer_weights_ : Series
        Weight of each indicator (index: indicator), each construct score with unit variance.
    outer_loadings_ : Series
        Correlation of each indicator with its construct.
    cross_loadings_ : DataFrame
        Correlation of every indicator with every construct.
    path_coefficients_ : DataFrame
        ``[from, to]`` standardised OLS path coefficients (0 where there is no path).
    total_effects_, indirect_effects_ : DataFrame
        ``[from, to]`` total effects ``Σ_{m>=1} B^m`` and total minus direct effects.
    r_squared_, r_squared_adjusted_ : Series
        Per endogenous construct.
    construct_scores_ : DataFrame
        Respondent × construct scores (standardised indicators times weights).
    construct_correlations_ : DataFrame
    reliability_ : DataFrame
        Per construct: ``cronbach_alpha``, ``rho_a``, ``rho_c``, ``ave``.
    htmt_ : DataFrame
    gof_ : float
    n_ : int
        Respondents used.
    n_iter_ : int
    converged_ : bool
    missing_report_ : MissingReport
    indicator_means_, indicator_sd_ : Series
        Raw means and sample SDs of the (complete) indicators, needed for the 0-100 index layer.
    """

    def __init__(
        self,
        model: ModelSpec | Mapping[str, Any],
        *,
        scheme: str = "path",
        scaled: bool = True,
        missing_codes: Sequence[float] = (),
        missing_strategy: str = "mean",
        tol: float = 1e-7,
        max_iter: int = 300,
    ) -> None:
        self.model = model
        self.scheme = scheme
        self.scaled = scaled
        self.missing_codes = missing_codes
        self.missing_strategy = missing_strategy
        self.tol = tol
        self.max_iter = max_iter

    # ------------------------------------------------------------------ fitting
    def fit(self, data: pd.DataFrame | Mapping[str, Sequence[float]]) -> PLSPathModel:
        """Estimate the model on ``data`` (a DataFrame, or a mapping of column name to values)."""
        spec = self.model if isinstance(self.model, ModelSpec) else model_from_mapping(self.model)
        self._check_parameters()
        compiled = CompiledModel.from_spec(spec)
        frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
        raw = _indicator_matrix(frame, spec)
        complete, kept, report = handle_missing(
            raw, spec.indicators, codes=self.missing_codes, strategy=self.missing_strategy
        )
        n = complete.shape[0]
        if n < 3:
            raise InsufficientData(f"data: {n} complete respondents, at least 3 are needed")
        if n < SMALL_SAMPLE:
            warnings.warn(
                f"PLS model fitted on n = {n} < {SMALL_SAMPLE} respondents", SmallSampleWarning, stacklevel=2
            )
        means = complete.mean(axis=0)
        sd = complete.std(axis=0, ddof=1)
        flat = np.flatnonzero(~(sd > 0))
        if flat.size:
            name = spec.indicators[flat[0]]
            raise InvalidArgument(
                f"data: indicator {name!r} has no variance", field=name, value=float(means[flat[0]])
            )
        centred = complete - means
        if self.scaled:
            working = centred / sd
            cov = working.T @ working / (n - 1)
        else:
            working = centred
            cov = working.T @ working / n
        cov = (cov + cov.T) / 2

        solution = iterate_weights(
            cov[None], compiled, scheme=self.scheme, tol=self.tol, max_iter=self.max_iter
        )
        failure = solution.failure[0]
        if failure in ("singular", "non_finite"):
            raise ConvergenceError(
                f"PLS estimation failed: {failure} matrix (a mode B block or regression is not invertible)"
            )
        if failure == "not_converged":
            warnings.warn(
                f"PLS weights did not converge within max_iter = {self.max_iter} iterations "
                f"(tol = {self.tol})",
                ConvergenceWarning,
                stacklevel=2,
            )
        signs = orientation_signs(cov[None], solution.weights, compiled)
        weights = solution.weights * signs[:, compiled.block]
        estimates = estimates_from_weights(cov[None], weights, compiled)

        self.spec_ = spec
        self.compiled_ = compiled
        self.layout_ = Layout.from_model(compiled)
        self.covariance_ = cov
        self.estimates_ = estimates
        self.n_ = n
        self.n_iter_ = int(solution.iterations[0])
        self.converged_ = bool(solution.converged[0])
        self.missing_report_: MissingReport = report
        self.indicator_data_ = pd.DataFrame(complete, columns=list(spec.indicators), index=frame.index[kept])
        self.indicator_means_ = pd.Series(means, index=list(spec.indicators), name="mean")
        self.indicator_sd_ = pd.Series(sd, index=list(spec.indicators), name="sd")
        self._set_attributes(estimates, working, frame.index[kept])
        return self

    def _check_parameters(self) -> None:
        if self.scheme not in SCHEMES:
            raise InvalidArgument(
                f"scheme: must be one of {', '.join(SCHEMES)}, not {self.scheme!r}",
                field="scheme",
                value=self.scheme,
            )
        if not (isinstance(self.tol, (int, float)) and self.tol > 0):
            raise InvalidArgument(
                f"tol: must be a positive number, not {self.tol!r}", field="tol", value=self.tol
            )
        if not (isinstance(self.max_iter, int) and self.max_iter >= 1):
            raise InvalidArgument(
                f"max_iter: must be a positive integer, not {self.max_iter!r}",
                field="max_iter",
                value=self.max_iter,
            )

    def _set_attributes(self, est: BatchEstimates, working: np.ndarray, index: pd.Index) -> None:
        compiled = self.compiled_
        constructs = list(self.spec_.constructs)
        indicators = list(self.spec_.indicators)
        endogenous = [constructs[j] for j in compiled.endogenous]
        weights, loadings = est.weights[0], est.loadings[0]
        self.outer_weights_ = pd.Series(weights, index=indicators, name="weight")
        self.outer_loadings_ = pd.Series(loadings, index=indicators, name="loading")
        self.cross_loadings_ = pd.DataFrame(est.cross_loadings[0], index=indicators, columns=constructs)
        self.path_coefficients_ = pd.DataFrame(est.paths[0], index=constructs, columns=constructs)
        self.total_effects_ = pd.DataFrame(est.total_effects[0], index=constructs, columns=constructs)
        self.indirect_effects_ = self.total_effects_ - self.path_coefficients_
        self.construct_correlations_ = pd.DataFrame(
            est.construct_corr[0], index=constructs, columns=constructs
        )
        r2 = est.r_squared[0]
        self.r_squared_ = pd.Series(r2[compiled.endogenous], index=endogenous, name="r_squared")
        adjusted = quality.adjusted_r_squared(r2, self.n_, compiled)
        self.r_squared_adjusted_ = pd.Series(
            adjusted[compiled.endogenous], index=endogenous, name="r_squared_adjusted"
        )
        scores = working @ (weights[:, None] * compiled.membership)
        self.construct_scores_ = pd.DataFrame(scores, index=index, columns=constructs)
        cov = self.covariance_
        self.reliability_ = pd.DataFrame(
            {
                "cronbach_alpha": quality.cronbach_alpha(cov, compiled),
                "rho_a": quality.rho_a(cov, weights, compiled),
                "rho_c": quality.composite_reliability(loadings, compiled),
                "ave": quality.average_variance_extracted(loadings, compiled),
            },
            index=constructs,
        )
        self.htmt_ = pd.DataFrame(quality.htmt(cov, compiled), index=constructs, columns=constructs)
        self.gof_ = quality.goodness_of_fit(loadings, r2, compiled)

    # ------------------------------------------------------------------ results
    @property
    def estimate_vector_(self) -> np.ndarray:
        """All statistics in long-format row order (see :mod:`kundpuls.stats.pls.long_format`)."""
        return self.layout_.flatten(self.estimates_)[0]

    def summary(self, statistics: Sequence[str] = CLI_STATISTICS) -> pd.DataFrame:
        """Long-format estimates with the columns ``statistic, from, to, value``.

        ``statistics`` picks rows (default: ``path, total_effect, weight, loading, r_squared``; add
        ``indirect_effect`` for indirect effects).
        """
        layout = self.layout_
        frame = pd.DataFrame(
            {
                "statistic": layout.statistic,
                "from": layout.source,
                "to": layout.target,
                "value": self.estimate_vector_,
            }
        )
        return frame[frame["statistic"].isin(list(statistics))].reset_index(drop=True)

    def quality_table(self) -> pd.DataFrame:
        """Per construct: mode, number of indicators, α, ρ_A, ρ_c, AVE, R² and adjusted R²."""
        table = self.reliability_.copy()
        table.insert(0, "indicators", [len(b.indicators) for b in self.spec_.blocks])
        table.insert(0, "mode", [b.mode for b in self.spec_.blocks])
        table["r_squared"] = self.r_squared_.reindex(table.index)
        table["r_squared_adjusted"] = self.r_squared_adjusted_.reindex(table.index)
        return table

    def bootstrap(
        self,
        n_resamples: int = 5000,
        *,
        seed: int | None = None,
        confidence: float = 0.95,
        sign_handling: str = "construct",
        progress: Callable[[int, int], None] | None = None,
    ) -> BootstrapResult:
        """Bootstrap the fitted model; see :func:`kundpuls.stats.pls.bootstrap.bootstrap_model`."""
        from kundpuls.stats.pls.bootstrap import bootstrap_model

        return bootstrap_model(
            self,
            n_resamples,
            seed=seed,
            confidence=confidence,
            sign_handling=sign_handling,
            progress=progress,
        )


def _indicator_matrix(frame: pd.DataFrame, spec: ModelSpec) -> np.ndarray:
    for block in spec.blocks:
        for pos, name in enumerate(block.indicators):
            if name not in frame.columns:
                raise InvalidArgument(
                    f"data: column {name!r} (constructs.{block.name}.indicators[{pos}]) is missing",
                    field=name,
                    value=None,
                )
    selected = frame[list(spec.indicators)]
    if all(
        pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
        for dtype in selected.dtypes
    ):
        return selected.to_numpy(dtype=float, na_value=np.nan)
    columns = []
    for name in spec.indicators:
        column = pd.to_numeric(selected[name], errors="coerce")
        bad = column.isna() & selected[name].notna()
        if bad.any():
            value = selected[name][bad].iloc[0]
            raise InvalidArgument(
                f"data: column {name!r} holds a non-numeric value {value!r}", field=name, value=value
            )
        columns.append(column.to_numpy(dtype=float, na_value=np.nan))
    return np.column_stack(columns)
