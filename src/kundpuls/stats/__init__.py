"""Pure statistics (numpy/scipy): indices with intervals, comparisons, shrinkage, PLS-SEM, Kano, price.

The formulas of docs/methods.md live here and only here; dashboards, PDFs, the API and the CLI call these
functions. Every index comes with n, the Kish effective n and (where defined) a confidence interval, and is
suppressed below the anonymity threshold (default 7). See ``docs/statistics.md``.
"""

from kundpuls.stats.comparison import change_in_mean, change_in_nps, change_in_share, compare
from kundpuls.stats.funnel import FunnelResult, funnel, funnel_means
from kundpuls.stats.gaps import ServqualResult, StaffCustomerGap, gap, servqual
from kundpuls.stats.indices import (
    EffortScore,
    bottom_box,
    effort_score,
    nps,
    respondent_index,
    satisfaction_index,
    scale_mean,
    top_box,
)
from kundpuls.stats.kano import KanoFeature, KanoResult, kano
from kundpuls.stats.multiplicity import FALSE_DISCOVERY_RATE, bh_adjust, bh_reject
from kundpuls.stats.patient_survey import npe_dimension, respondent_dimension_scores
from kundpuls.stats.price import PriceSensitivity, price_sensitivity
from kundpuls.stats.priority import ImpactResult, Quadrants, impact, importance_performance, priority_matrix
from kundpuls.stats.results import Comparison, IndexResult
from kundpuls.stats.scales import from_index, to_index
from kundpuls.stats.shrinkage import ShrinkageResult, shrink, shrink_means, shrink_shares
from kundpuls.stats.sufficient import (
    IndexArrays,
    mean_index_from_moments,
    nps_from_counts,
    proportion_from_counts,
)

__all__ = [
    "FALSE_DISCOVERY_RATE",
    "Comparison",
    "EffortScore",
    "FunnelResult",
    "ImpactResult",
    "IndexArrays",
    "IndexResult",
    "KanoFeature",
    "KanoResult",
    "PriceSensitivity",
    "Quadrants",
    "ServqualResult",
    "ShrinkageResult",
    "StaffCustomerGap",
    "bh_adjust",
    "bh_reject",
    "bottom_box",
    "change_in_mean",
    "change_in_nps",
    "change_in_share",
    "compare",
    "effort_score",
    "from_index",
    "funnel",
    "funnel_means",
    "gap",
    "impact",
    "importance_performance",
    "kano",
    "mean_index_from_moments",
    "npe_dimension",
    "nps",
    "nps_from_counts",
    "price_sensitivity",
    "priority_matrix",
    "proportion_from_counts",
    "respondent_dimension_scores",
    "respondent_index",
    "satisfaction_index",
    "scale_mean",
    "servqual",
    "shrink",
    "shrink_means",
    "shrink_shares",
    "to_index",
    "top_box",
]
