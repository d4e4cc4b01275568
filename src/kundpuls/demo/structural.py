"""Seeded survey data from a known structural model (pure numpy).

Used by the demo response generator, tests and benchmarks: because the true drivers are known, a test can
check that the analysis finds them.

A :class:`StructuralModel` holds standardised constructs, the true (standardised) path coefficients of a
recursive inner model, optional correlations between exogenous constructs, and per construct its
indicators with their true loadings. Two measurement models:

* ``"reflective"`` (common factor): ``x_i = λ_i η_j + sqrt(1 - λ_i²) ε_i``. Realistic for rating items;
  PLS is only "consistent at large" here, so its paths are somewhat attenuated.
* ``"composite"``: each construct is an exact weighted sum ``η_j = w_j' x_j`` of its (standardised)
  indicators; the block's indicator correlations are ``λλ' + diag(1 - λ²)`` and cross-block covariances
  ``Σ_jj w_j ρ_jk w_k' Σ_kk`` (Dijkstra's composite model). PLS mode B estimates this model consistently.

:func:`simulate_survey` draws ``n`` respondents and, optionally, discretises to a rating scale
(``round(location + spread · x)`` clipped to ``[low, high]``) and blanks cells completely at random.

Example
-------
>>> model = StructuralModel(
...     constructs=(Construct("Bemotande", ("bem1", "bem2", "bem3"), (0.85, 0.8, 0.75)),
...                 Construct("NKI", ("nki1", "nki2", "nki3"), (0.9, 0.85, 0.85))),
...     paths={("Bemotande", "NKI"): 0.6},
... )
>>> survey = simulate_survey(model, 500, seed=1)
>>> survey.values.shape
(500, 6)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from kundpuls.errors import InvalidArgument

if TYPE_CHECKING:
    import pandas as pd

MEASUREMENTS: tuple[str, ...] = ("reflective", "composite")


@dataclass(frozen=True)
class Construct:
    """A construct, its indicator names and their true loadings (and composite weights, optional).

    ``weights`` are used only by the composite measurement model (default: equal weights); they are
    rescaled so that the composite has unit variance.
    """

    name: str
    indicators: tuple[str, ...]
    loadings: tuple[float, ...]
    weights: tuple[float, ...] | None = None


@dataclass(frozen=True)
class RatingScale:
    """A discrete answer scale: ``round(location + spread · x)`` clipped to ``[low, high]``.

    The defaults give the left-skewed distribution typical of satisfaction ratings on 1-10 (mean about
    7.5). ``location``/``spread`` default to ``low + 0.72 (high - low)`` and ``(high - low) / 5.5``.
    """

    low: int = 1
    high: int = 10
    location: float | None = None
    spread: float | None = None

    def discretise(self, values: np.ndarray) -> np.ndarray:
        if self.high <= self.low:
            raise InvalidArgument(
                f"scale: low {self.low} must be below high {self.high}",
                field="scale",
                value=(self.low, self.high),
            )
        location = self.low + 0.72 * (self.high - self.low) if self.location is None else self.location
        spread = (self.high - self.low) / 5.5 if self.spread is None else self.spread
        return np.clip(np.rint(location + spread * values), self.low, self.high)


@dataclass(frozen=True)
class StructuralModel:
    """True structural model: constructs, standardised paths ``{(from, to): β}``, exogenous correlations."""

    constructs: tuple[Construct, ...]
    paths: Mapping[tuple[str, str], float]
    exogenous_correlations: Mapping[tuple[str, str], float] = field(default_factory=dict)
    measurement: str = "reflective"

    def __post_init__(self) -> None:
        names = [c.name for c in self.constructs]
        if len(set(names)) != len(names):
            raise InvalidArgument("constructs: names must be unique", field="constructs", value=names)
        if self.measurement not in MEASUREMENTS:
            raise InvalidArgument(
                f"measurement: must be 'reflective' or 'composite', not {self.measurement!r}",
                field="measurement",
                value=self.measurement,
            )
        for c in self.constructs:
            if len(c.indicators) != len(c.loadings) or not c.indicators:
                raise InvalidArgument(
                    f"constructs.{c.name}: one loading per indicator is needed",
                    field=f"constructs.{c.name}.loadings",
                    value=c.loadings,
                )
            if any(not 0 < abs(x) <= 1 for x in c.loadings):
                raise InvalidArgument(
                    f"constructs.{c.name}.loadings: must lie in (0, 1] in absolute value",
                    field=f"constructs.{c.name}.loadings",
                    value=c.loadings,
                )
            if c.weights is not None and len(c.weights) != len(c.indicators):
                raise InvalidArgument(
                    f"constructs.{c.name}.weights: one weight per indicator is needed",
                    field=f"constructs.{c.name}.weights",
                    value=c.weights,
                )
        for pair in list(self.paths) + list(self.exogenous_correlations):
            for name in pair:
                if name not in names:
                    raise InvalidArgument(f"paths: unknown construct {name!r}", field="paths", value=name)
        self._order()  # raises on a cycle
        targets = {t for _, t in self.paths}
        for pair in self.exogenous_correlations:
            if pair[0] in targets or pair[1] in targets:
                raise InvalidArgument(
                    f"exogenous_correlations: {pair} involves an endogenous construct",
                    field="exogenous_correlations",
                    value=pair,
                )
        self.construct_correlations()  # raises on an impossible model

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.constructs)

    @property
    def indicators(self) -> tuple[str, ...]:
        return tuple(i for c in self.constructs for i in c.indicators)

    def path_matrix(self) -> np.ndarray:
        """``B[k, j]`` = true path ``k -> j``."""
        index = {n: k for k, n in enumerate(self.names)}
        matrix = np.zeros((len(self.names), len(self.names)))
        for (source, target), beta in self.paths.items():
            matrix[index[source], index[target]] = beta
        return matrix

    def total_effects(self) -> np.ndarray:
        """True total effects ``(I - B)^{-1} - I``."""
        b = self.path_matrix()
        return np.linalg.inv(np.eye(len(b)) - b) - np.eye(len(b))

    def construct_correlations(self) -> np.ndarray:
        """Model-implied correlations of the standardised constructs.

        Raises
        ------
        InvalidArgument
            The paths explain a variance of 1 or more for some construct.
        """
        b = self.path_matrix()
        index = {n: k for k, n in enumerate(self.names)}
        corr = np.eye(len(self.names))
        for (a, c), r in self.exogenous_correlations.items():
            corr[index[a], index[c]] = corr[index[c], index[a]] = r
        exogenous = [j for j in range(len(self.names)) if not np.any(b[:, j])]
        if np.linalg.eigvalsh(corr[np.ix_(exogenous, exogenous)]).min() <= 0:
            raise InvalidArgument(
                "exogenous_correlations: not a positive definite correlation matrix",
                field="exogenous_correlations",
                value=dict(self.exogenous_correlations),
            )
        done: list[int] = []
        for j in self._order():
            preds = np.flatnonzero(b[:, j])
            if preds.size:
                beta = b[preds, j]
                explained = float(beta @ corr[np.ix_(preds, preds)] @ beta)
                if explained >= 1:
                    raise InvalidArgument(
                        f"paths: into {self.names[j]!r} explain variance {explained:.3f} >= 1",
                        field="paths",
                        value=self.names[j],
                    )
                for m in done:
                    corr[j, m] = corr[m, j] = float(beta @ corr[preds, m])
            done.append(j)
        return corr

    def indicator_covariance(self) -> np.ndarray:
        """Model-implied correlation matrix of all indicators (``indicators`` order)."""
        rho = self.construct_correlations()
        blocks = [np.asarray(c.loadings, dtype=float) for c in self.constructs]
        sizes = [len(x) for x in blocks]
        starts = np.cumsum([0, *sizes])
        sigma = np.zeros((starts[-1], starts[-1]))
        if self.measurement == "reflective":
            for j, lj in enumerate(blocks):
                for k, lk in enumerate(blocks):
                    sigma[starts[j] : starts[j + 1], starts[k] : starts[k + 1]] = rho[j, k] * np.outer(lj, lk)
            np.fill_diagonal(sigma, 1.0)
            return sigma
        within = [np.outer(lam, lam) + np.diag(1 - lam**2) for lam in blocks]
        weights = self.composite_weights()
        anchors = [s @ w for s, w in zip(within, weights, strict=True)]
        for j in range(len(blocks)):
            for k in range(len(blocks)):
                block = within[j] if j == k else rho[j, k] * np.outer(anchors[j], anchors[k])
                sigma[starts[j] : starts[j + 1], starts[k] : starts[k + 1]] = block
        return sigma

    def composite_weights(self) -> list[np.ndarray]:
        """True composite weights per construct, scaled to unit composite variance."""
        out = []
        for c in self.constructs:
            lam = np.asarray(c.loadings, dtype=float)
            within = np.outer(lam, lam) + np.diag(1 - lam**2)
            w = np.ones(lam.size) if c.weights is None else np.asarray(c.weights, dtype=float)
            out.append(w / np.sqrt(w @ within @ w))
        return out

    def to_model_mapping(self, *, mode: str = "A") -> dict[str, Any]:
        """The PLS model file mapping (``constructs``/``paths``) of this model, every block in ``mode``."""
        return {
            "constructs": {c.name: {"indicators": list(c.indicators), "mode": mode} for c in self.constructs},
            "paths": [[s, t] for (s, t) in self.paths],
        }

    def _order(self) -> list[int]:
        b = self.path_matrix() != 0
        order: list[int] = []
        while len(order) < len(self.names):
            ready = [
                j
                for j in range(len(self.names))
                if j not in order and all(k in order for k in np.flatnonzero(b[:, j]))
            ]
            if not ready:
                raise InvalidArgument(
                    "paths: the structural model has a cycle", field="paths", value=dict(self.paths)
                )
            order.extend(ready)
        return order


@dataclass(frozen=True)
class SimulatedSurvey:
    """Simulated answers and the true construct scores behind them."""

    values: np.ndarray  # (n, p): ratings (or continuous values); NaN or the missing code where blank
    indicators: tuple[str, ...]
    construct_scores: np.ndarray  # (n, J) true standardised construct scores
    constructs: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        """The answers as a pandas DataFrame (columns = indicators)."""
        import pandas as pd

        return pd.DataFrame(self.values, columns=list(self.indicators))


def simulate_survey(
    model: StructuralModel,
    n: int,
    *,
    seed: int | np.random.Generator | None = None,
    scale: RatingScale | None = RatingScale(),
    missing_rate: float = 0.0,
    missing_code: float | None = None,
) -> SimulatedSurvey:
    """Draw ``n`` respondents from ``model``.

    Parameters
    ----------
    model : StructuralModel
    n : int
        Respondents.
    seed : int or Generator, optional
        Equal seeds give equal data.
    scale : RatingScale or None
        Discretise to this answer scale; ``None`` keeps the continuous standardised values.
    missing_rate : float
        Probability that a cell is blank (completely at random).
    missing_code : float, optional
        Value written into blank cells (e.g. ``-99``); default NaN.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise InvalidArgument(f"n: must be a positive integer, not {n!r}", field="n", value=n)
    if not 0 <= missing_rate < 1:
        raise InvalidArgument(
            f"missing_rate: must lie in [0, 1), not {missing_rate!r}",
            field="missing_rate",
            value=missing_rate,
        )
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    if model.measurement == "reflective":
        scores = _latent_scores(model, int(n), rng)
        columns = []
        for j, c in enumerate(model.constructs):
            lam = np.asarray(c.loadings, dtype=float)
            noise = rng.standard_normal((int(n), lam.size))
            columns.append(scores[:, [j]] * lam + noise * np.sqrt(1 - lam**2))
        values = np.concatenate(columns, axis=1)
    else:
        sigma = model.indicator_covariance()
        eigval, eigvec = np.linalg.eigh(sigma)
        root = eigvec * np.sqrt(np.clip(eigval, 0, None))
        values = rng.standard_normal((int(n), sigma.shape[0])) @ root.T
        starts = np.cumsum([0, *[len(c.indicators) for c in model.constructs]])
        scores = np.column_stack(
            [values[:, starts[j] : starts[j + 1]] @ w for j, w in enumerate(model.composite_weights())]
        )
    if scale is not None:
        values = scale.discretise(values)
    if missing_rate > 0:
        blank = rng.random(values.shape) < missing_rate
        values = np.where(blank, np.nan if missing_code is None else float(missing_code), values)
    return SimulatedSurvey(
        values=values, indicators=model.indicators, construct_scores=scores, constructs=model.names
    )


def _latent_scores(model: StructuralModel, n: int, rng: np.random.Generator) -> np.ndarray:
    corr = model.construct_correlations()
    b = model.path_matrix()
    scores = np.zeros((n, len(model.names)))
    exogenous = [j for j in range(len(model.names)) if not np.any(b[:, j])]
    chol = np.linalg.cholesky(corr[np.ix_(exogenous, exogenous)])
    scores[:, exogenous] = rng.standard_normal((n, len(exogenous))) @ chol.T
    for j in model._order():
        preds = np.flatnonzero(b[:, j])
        if preds.size:
            beta = b[preds, j]
            residual = 1.0 - float(beta @ corr[np.ix_(preds, preds)] @ beta)
            scores[:, j] = scores[:, preds] @ beta + np.sqrt(residual) * rng.standard_normal(n)
    return scores


def example_nki_model(measurement: str = "reflective") -> StructuralModel:
    """A small NKI driver model (three service areas -> NKI), handy for demos and tests.

    True paths: Bemötande 0.35, Information 0.25, Tillgänglighet 0.20 -> NKI; the areas correlate 0.4.
    """
    areas = ("Bemotande", "Information", "Tillganglighet")
    constructs = (
        *(
            Construct(name, tuple(f"{name[:3].lower()}{k}" for k in (1, 2, 3)), (0.85, 0.80, 0.75))
            for name in areas
        ),
        Construct("NKI", ("nki1", "nki2", "nki3"), (0.90, 0.88, 0.85)),
    )
    correlations = {(a, b): 0.4 for i, a in enumerate(areas) for b in areas[i + 1 :]}
    paths = {("Bemotande", "NKI"): 0.35, ("Information", "NKI"): 0.25, ("Tillganglighet", "NKI"): 0.20}
    return StructuralModel(
        constructs=constructs, paths=paths, exogenous_correlations=correlations, measurement=measurement
    )
