"""Unit reports as PDF files for many units at once, on every core.

Each report is independent, and most of its time is spent drawing charts (Vega in vl-convert's single
JavaScript worker) and typesetting (Typst), neither of which runs two jobs at once in one process. So a
batch of ``jobs`` runs here and in ``jobs − 1`` worker processes (``spawn``: nothing half-initialised is
inherited). This process starts at once, with its imports done; a worker joins when it has started
(≈ 2 s) and takes units from the same queue. Each process builds the survey's index frame, lookups,
driver cross products and the period's comments once and keeps them (:mod:`kundpuls.reports.cache`) for
every unit it gets. A batch of one or two units, or ``jobs=1``, runs in this process alone.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kundpuls.errors import InvalidArgument, NotFound
from kundpuls.instruments import SurveyDefinition
from kundpuls.render.unit_pdf import unit_report_pdf
from kundpuls.reports.unit_report import unit_report
from kundpuls.text.taxonomy import Taxonomy

SERIAL_BELOW = 3
"""Batches smaller than this run in the calling process (starting workers would cost more)."""

QUEUED_PER_WORKER = 2
"""Units handed to each worker ahead, so that none waits while this process finishes a report."""


@dataclass(frozen=True)
class BatchSettings:
    """What every report of one batch shares."""

    lake: str
    definition: SurveyDefinition
    out: str
    names: Mapping[str, str]
    period: str | None
    period_kind: str
    language: str
    single_file: str | None
    taxonomy: Taxonomy | None = None


def default_jobs() -> int:
    """Worker processes for a batch: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def write_one_report(settings: BatchSettings, code: str) -> dict[str, Any]:
    """Write the PDF of unit ``code``; returns what was written (or why it was skipped)."""
    try:
        result = unit_report(
            settings.lake,
            settings.definition,
            code,
            names=settings.names,
            period=settings.period,
            period_kind=settings.period_kind,
            language=settings.language,
            taxonomy=settings.taxonomy,
        )
    except NotFound:
        return {"unit": code, "file": None, "skipped": "no responses"}
    target = (
        Path(settings.single_file)
        if settings.single_file
        else Path(settings.out) / f"{settings.definition.key}-{code}-{result.period}.pdf"
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(unit_report_pdf(result, language=settings.language))
    return {"unit": code, "file": str(target), "period": result.period}


def write_unit_reports(
    lake: str | os.PathLike[str],
    definition: SurveyDefinition,
    units: Sequence[str],
    out: Path,
    *,
    names: Mapping[str, str] | None = None,
    period: str | None = None,
    period_kind: str = "quarter",
    language: str = "sv",
    single_file: Path | None = None,
    advance: Callable[[str], None] | None = None,
    jobs: int | None = None,
    taxonomy: Taxonomy | None = None,
) -> list[dict[str, Any]]:
    """Write one PDF per unit to ``out`` (or ``single_file`` for one unit); returns what was written.

    ``jobs`` processes share the units (this one and ``jobs − 1`` workers; default: one per core);
    ``advance(code)`` is called as each report is done, in the order they finish. The result is in the
    order of ``units``. ``taxonomy`` names the comment themes (default: the shipped taxonomy).
    """
    jobs = default_jobs() if jobs is None else jobs
    if jobs < 1:
        raise InvalidArgument(f"jobs: {jobs!r} must be at least 1", field="jobs", value=jobs)
    settings = BatchSettings(
        lake=os.fspath(lake),
        definition=definition,
        out=os.fspath(out),
        names=dict(names or {}),
        period=period,
        period_kind=period_kind,
        language=language,
        single_file=None if single_file is None else os.fspath(single_file),
        taxonomy=taxonomy,
    )
    done: dict[str, dict[str, Any]] = {}
    pending = deque(units)

    def finish(code: str, result: dict[str, Any]) -> None:
        done[code] = result
        if advance:
            advance(code)

    workers = min(jobs, len(units))
    if workers <= 1 or len(units) < SERIAL_BELOW:
        for code in units:
            finish(code, write_one_report(settings, code))
        return [done[code] for code in units]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers - 1, mp_context=context) as pool:
        in_flight: dict[Future[dict[str, Any]], str] = {}

        def collect_and_feed() -> None:
            for future in [f for f in in_flight if f.done()]:
                finish(in_flight.pop(future), future.result())
            while pending and len(in_flight) < QUEUED_PER_WORKER * (workers - 1):
                code = pending.popleft()
                in_flight[pool.submit(write_one_report, settings, code)] = code

        collect_and_feed()
        while pending:  # this process works too: it is warm while the workers start
            code = pending.popleft()
            finish(code, write_one_report(settings, code))
            collect_and_feed()
        for future in as_completed(list(in_flight)):
            finish(in_flight[future], future.result())
    return [done[code] for code in units]
