"""Open follow-up cases for responses the responses app has just stored (its ``responses_stored`` signal)."""

from __future__ import annotations

from typing import Any

from kundpuls.web.cases.actions import open_cases_for_many


def open_cases_after_commit(sender: Any, *, response_ids: list[int], **kwargs: Any) -> None:
    open_cases_for_many(response_ids)
