"""Everything ``kundpuls demo`` loads, in order. Each step is idempotent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kundpuls.web.cases.demo import load_demo_cases
from kundpuls.web.goals.demo import load_demo_goals
from kundpuls.web.org.demo import load_demo_organisation
from kundpuls.web.responses.actions import sync_to_lake
from kundpuls.web.responses.demo import load_demo_responses
from kundpuls.web.surveys.demo import load_demo_surveys
from kundpuls.web.themes.vectors import encode_lake_comments


def _sync_lake() -> dict[str, Any]:
    report = sync_to_lake(settle_seconds=0)  # the demo loader has returned: every row is committed
    return {"new_responses": report.responses, "watermark": report.watermark}


STEPS: tuple[tuple[str, Callable[[], dict[str, Any]]], ...] = (
    ("organisation", load_demo_organisation),
    ("surveys", load_demo_surveys),
    ("responses", load_demo_responses),
    ("lake", _sync_lake),
    ("comments", encode_lake_comments),  # the comment reader's vectors, so no page waits for them
    ("follow-up", load_demo_cases),
    ("goals", load_demo_goals),
)


def load_demo(*, progress: bool = False) -> dict[str, Any]:
    """Run every demo step; returns what each step reports."""
    results: dict[str, Any] = {}
    if progress:
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("Demo", total=len(STEPS))
            for name, step in STEPS:
                bar.update(task, description=f"Demo: {name}")
                results[name] = step()
                bar.advance(task)
    else:
        for name, step in STEPS:
            results[name] = step()
    return results
