"""PLS path modelling (PLS-SEM) for driver analysis: estimator, bootstrap, quality measures, index layer.

Public API::

    from kundpuls.stats.pls import PLSPathModel, model_from_mapping, model_from_yaml

    model = PLSPathModel(model_from_yaml(text), scheme="path").fit(frame)
    model.summary()                     # statistic, from, to, value
    boot = model.bootstrap(5000, seed=1)
    boot.summary("bca")                 # ... estimate, se, ci_low, ci_high, method, n
    driver_analysis(model, frame, target="NKI", scales=(1, 10)).table

Modules: :mod:`.spec` (model files), :mod:`.algorithm` (batched PLS on covariance matrices),
:mod:`.inner_schemes`, :mod:`.estimator`, :mod:`.quality`, :mod:`.missing`, :mod:`.resampling`,
:mod:`.bootstrap`, :mod:`.intervals`, :mod:`.long_format`, :mod:`.index_layer`,
:mod:`.driver_uncertainty`, :mod:`.consistent` (PLSc). See
``docs/driver-analysis.md``.
"""

from kundpuls.stats.pls.bootstrap import BootstrapResult, bootstrap_model
from kundpuls.stats.pls.driver_uncertainty import DriverDraws, driver_draws
from kundpuls.stats.pls.estimator import PLSPathModel
from kundpuls.stats.pls.index_layer import (
    QUADRANTS,
    PriorityMatrix,
    construct_index,
    driver_analysis,
    effect_per_points,
    normalised_weights,
    priority_matrix,
    respondent_indices,
)
from kundpuls.stats.pls.long_format import CLI_STATISTICS, STATISTICS
from kundpuls.stats.pls.missing import MissingReport
from kundpuls.stats.pls.resampling import resample_counts
from kundpuls.stats.pls.spec import Block, ModelSpec, model_from_mapping, model_from_yaml

__all__ = [
    "CLI_STATISTICS",
    "QUADRANTS",
    "STATISTICS",
    "Block",
    "BootstrapResult",
    "DriverDraws",
    "MissingReport",
    "ModelSpec",
    "PLSPathModel",
    "PriorityMatrix",
    "bootstrap_model",
    "construct_index",
    "driver_analysis",
    "driver_draws",
    "effect_per_points",
    "model_from_mapping",
    "model_from_yaml",
    "normalised_weights",
    "priority_matrix",
    "resample_counts",
    "respondent_indices",
]
