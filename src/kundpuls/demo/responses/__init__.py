"""Synthetic survey responses from a known model: :func:`generate_responses` and what it returns.

The package's modules: ``generate`` (the generator), ``model`` (the true latent model from a codebook),
``answers`` (latent scores to answers), ``comments`` and ``contact`` (open answers and consent), ``needs``
(Kano and price answers), ``time`` (arrival times), ``results`` (the records returned, with the truth).
"""

from kundpuls.demo.responses.generate import (
    STOCKHOLM,
    SUBMISSION_NAMESPACE,
    generate_responses,
    submission_id,
)
from kundpuls.demo.responses.results import (
    DatedChange,
    GeneratedResponse,
    GeneratedResponses,
    GenerationTruth,
    UnitProfile,
)

__all__ = [
    "STOCKHOLM",
    "SUBMISSION_NAMESPACE",
    "DatedChange",
    "GeneratedResponse",
    "GeneratedResponses",
    "GenerationTruth",
    "UnitProfile",
    "generate_responses",
    "submission_id",
]
