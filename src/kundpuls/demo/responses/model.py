"""The true latent model behind a survey's synthetic responses, derived from its codebook.

A survey's items are grouped into *constructs* (latent variables):

1. with a driver model in the codebook, its constructs and indicators (NKI: BEMOTANDE, INFORMATION,
   TILLGANGLIGHET, KOMPETENS → NKI);
2. otherwise every index that is not a composite of other indices (the patient survey's seven
   dimensions; the staff survey's five parts, not KUNDKULTUR, which only averages them); the main index,
   when it is such a construct, is the outcome and the other indices are its drivers;
3. rating items in no index are grouped by question (a matrix is one construct, a lone rating its own),
   named after the question key in capitals (the staff survey's mirrored questions: ``SPEGEL_BEMOTANDE``,
   ``SP_NKI_HELHET``). They have no path, only the common correlation.

The constructs are standardised normal variables. Exogenous constructs correlate ``driver_correlation``
with each other; the outcome is ``η_out = Σ_k β_k η_k + ζ`` with ``Var(η_out) = 1`` (the true standardised
paths ``β_k``). Every item is reflective: ``x = λ η + sqrt(1 − λ²) ε``. The model is a
:class:`kundpuls.demo.structural.StructuralModel`, whose implied construct correlations give the draws.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from kundpuls.demo.structural import Construct, StructuralModel
from kundpuls.errors import InvalidArgument
from kundpuls.instruments import StoredItem, SurveyDefinition, stored_items

#: True standardised paths (driver → outcome) per template; other surveys get :data:`FALLBACK_PATHS`.
DEFAULT_PATHS: dict[str, dict[str, float]] = {
    "nki": {"BEMOTANDE": 0.35, "TILLGANGLIGHET": 0.25, "INFORMATION": 0.15, "KOMPETENS": 0.08},
    "patient": {
        "RESPEKT": 0.35,
        "INFORMATION": 0.18,
        "TILLGANGLIGHET": 0.15,
        "KONTINUITET": 0.10,
        "EMOTIONELLT_STOD": 0.08,
        "DELAKTIGHET": 0.05,
    },
}
#: Paths given to the drivers in order when a survey has no entry in :data:`DEFAULT_PATHS`.
FALLBACK_PATHS: tuple[float, ...] = (0.30, 0.20, 0.15, 0.10, 0.08, 0.05)

#: Where each construct sits on its scale: a shift of the latent mean in standard deviations (not
#: passed on to the outcome). Realistic: treatment is rated higher than accessibility.
DEFAULT_LEVELS: dict[str, dict[str, float]] = {
    "nki": {"BEMOTANDE": 0.35, "KOMPETENS": 0.20, "INFORMATION": -0.10, "TILLGANGLIGHET": -0.45},
    "patient": {
        "RESPEKT": 0.30,
        "INFORMATION": 0.15,
        "EMOTIONELLT_STOD": 0.0,
        "DELAKTIGHET": -0.15,
        "KONTINUITET": -0.25,
        "TILLGANGLIGHET": -0.30,
        "HELHETSINTRYCK": 0.10,
    },
    # staff believe customers rate them higher than customers do (the mirror gap, docs/methods.md §9.3)
    "staff": {
        "SPEGEL_BEMOTANDE": 0.60,
        "SPEGEL_INFORMATION": 0.30,
        "SPEGEL_TILLGANGLIGHET": -0.15,
        "SPEGEL_KOMPETENS": 0.50,
        "SP_NKI_HELHET": 0.35,
        "KUNDORIENTERING": 0.30,
        "SAMORDNING": -0.30,
    },
}

OUTCOME_LOADINGS: tuple[float, ...] = (0.90, 0.87, 0.84, 0.82)
DRIVER_LOADINGS: tuple[float, ...] = (0.85, 0.80, 0.76, 0.72, 0.70)


@dataclass(frozen=True, kw_only=True)
class LatentModel:
    """The true latent model of one survey (see the module docstring).

    ``constructs`` maps construct → its items; ``paths`` driver → outcome (standardised); ``levels``
    construct → latent mean shift; ``loadings`` item → true loading. ``structural`` is the same model as a
    :class:`~kundpuls.demo.structural.StructuralModel` (for the PLS tests and the implied correlations).
    """

    survey_key: str
    constructs: dict[str, tuple[str, ...]]
    outcome: str | None
    drivers: tuple[str, ...]
    paths: dict[str, float]
    driver_correlation: float
    levels: dict[str, float]
    loadings: dict[str, float]
    structural: StructuralModel | None = field(repr=False)

    @property
    def names(self) -> tuple[str, ...]:
        """Construct names, in the column order of the latent scores."""
        return tuple(self.constructs)

    @property
    def strongest_driver(self) -> str | None:
        """The driver with the largest true path (``None`` without an outcome)."""
        return max(self.paths, key=lambda name: self.paths[name]) if self.paths else None

    def item_construct(self) -> dict[str, str]:
        """Item key → its construct."""
        return {item: name for name, items in self.constructs.items() for item in items}

    def propagation(self) -> np.ndarray:
        """``(I − B)⁻¹``: a row vector of construct shifts times it gives the total shifts."""
        if self.structural is None:
            return np.eye(0)
        b = self.structural.path_matrix()
        return np.linalg.inv(np.eye(len(b)) - b)

    def correlations(self) -> np.ndarray:
        """Model-implied correlations of the constructs (``names`` order)."""
        if self.structural is None:
            return np.eye(0)
        return self.structural.construct_correlations()


def _is_rating(item: StoredItem) -> bool:
    return item.kind == "numeric" and item.integer and item.part is None


def _is_ordinal_choice(item: StoredItem) -> bool:
    return item.kind == "choice" and item.question_type == "single_choice" and bool(item.options)


def latent_model(
    definition: SurveyDefinition,
    *,
    paths: Mapping[str, float] | None = None,
    levels: Mapping[str, float] | None = None,
    driver_correlation: float = 0.45,
) -> LatentModel:
    """Derive the true latent model of ``definition`` from its codebook.

    Parameters
    ----------
    definition
        The survey version.
    paths
        Driver → true standardised path into the outcome; default :data:`DEFAULT_PATHS` for the survey's
        key, else :data:`FALLBACK_PATHS` in driver order.
    levels
        Construct → latent mean shift (standard deviations); default :data:`DEFAULT_LEVELS`.
    driver_correlation
        Correlation of every pair of exogenous constructs.

    Raises
    ------
    InvalidArgument
        An unknown construct in ``paths``/``levels``, or paths explaining ≥ 100 % of the outcome.
    """
    if not 0 <= driver_correlation < 1:
        raise InvalidArgument(
            f"driver_correlation: must lie in [0, 1), not {driver_correlation!r}",
            field="driver_correlation",
            value=driver_correlation,
        )
    items = {item.key: item for item in stored_items(definition)}
    codebook = definition.codebook
    constructs: dict[str, tuple[str, ...]] = {}
    outcome: str | None = None
    drivers: tuple[str, ...] = ()
    if codebook.driver_model is not None:
        model = codebook.driver_model
        outcome = model.outcome
        drivers = tuple(model.drivers)
        for name, construct in model.constructs.items():
            constructs[name] = tuple(construct.indicators)
    else:
        candidates = {
            name: index.items
            for name, index in codebook.indices.items()
            if all(_is_rating(items[key]) or _is_ordinal_choice(items[key]) for key in index.items)
        }
        composites = set()
        for name, keys in candidates.items():
            parts = [set(v) for n, v in candidates.items() if n != name and set(v) < set(keys)]
            if len(parts) >= 2 and set().union(*parts) == set(keys):
                composites.add(name)  # the union of other indices (KUNDKULTUR)
        for name, keys in candidates.items():
            free = tuple(key for key in keys if all(key not in v for v in constructs.values()))
            if name not in composites and free:
                constructs[name] = free
        if codebook.main_index in constructs:
            outcome = codebook.main_index
            drivers = tuple(name for name in constructs if name != outcome)
    assigned = {key for keys in constructs.values() for key in keys}
    by_question: dict[str, list[str]] = {}
    for item in items.values():
        if _is_rating(item) and item.key not in assigned:
            by_question.setdefault(item.question_key.upper(), []).append(item.key)
    for name, grouped in by_question.items():
        if name not in constructs:
            constructs[name] = tuple(grouped)
    # order: drivers first (as declared), then the other constructs, the outcome last
    order = [*drivers, *(n for n in constructs if n not in drivers and n != outcome)]
    if outcome is not None:
        order.append(outcome)
    constructs = {name: constructs[name] for name in order}

    true_paths = _paths(definition.key, drivers, outcome, paths)
    true_levels = dict(DEFAULT_LEVELS.get(definition.key, {}))
    true_levels.update(levels or {})
    for name in true_levels:
        if name not in constructs:
            raise InvalidArgument(f"levels: unknown construct {name!r}", field="levels", value=name)
    true_levels = {name: float(true_levels.get(name, 0.0)) for name in constructs}
    loadings: dict[str, float] = {}
    for name, keys in constructs.items():
        pattern = OUTCOME_LOADINGS if name == outcome else DRIVER_LOADINGS
        for k, key in enumerate(keys):
            loadings[key] = pattern[min(k, len(pattern) - 1)]
    exogenous = [name for name in constructs if name != outcome]
    structural = (
        None
        if not constructs
        else StructuralModel(
            constructs=tuple(
                Construct(name, keys, tuple(loadings[key] for key in keys))
                for name, keys in constructs.items()
            ),
            paths={(driver, outcome): beta for driver, beta in true_paths.items() if outcome is not None},
            exogenous_correlations={
                (a, b): driver_correlation for i, a in enumerate(exogenous) for b in exogenous[i + 1 :]
            },
        )
    )
    return LatentModel(
        survey_key=definition.key,
        constructs=constructs,
        outcome=outcome,
        drivers=drivers,
        paths=true_paths,
        driver_correlation=driver_correlation,
        levels=true_levels,
        loadings=loadings,
        structural=structural,
    )


def _paths(
    key: str, drivers: tuple[str, ...], outcome: str | None, given: Mapping[str, float] | None
) -> dict[str, float]:
    if outcome is None:
        if given:
            raise InvalidArgument(
                "paths: the survey has no outcome construct (no driver model, no main index)",
                field="paths",
                value=dict(given),
            )
        return {}
    defaults = DEFAULT_PATHS.get(key)
    if defaults is None or set(defaults) != set(drivers):
        defaults = {d: FALLBACK_PATHS[min(k, len(FALLBACK_PATHS) - 1)] for k, d in enumerate(drivers)}
    result = dict(defaults)
    for name, beta in (given or {}).items():
        if name not in drivers:
            raise InvalidArgument(
                f"paths: {name!r} is not a driver of {outcome} (drivers: {', '.join(drivers)})",
                field="paths",
                value=name,
            )
        result[name] = float(beta)
    return {d: result[d] for d in drivers}
