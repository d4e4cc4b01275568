"""Reads and derivations for paper questionnaires."""

from __future__ import annotations

import uuid

PAPER_NAMESPACE = uuid.UUID("0b6f3f2e-8c53-4a37-9d0e-5a1f9a2c7e44")


def paper_submission_id(survey_key: str, form_id: str) -> uuid.UUID:
    """The submission id of paper form ``form_id`` of ``survey_key`` (the same at every entry, whatever
    the case of the letters typed)."""
    return uuid.uuid5(PAPER_NAMESPACE, f"{survey_key}\n{form_id.upper()}")
