"""Unit reports as PDF files for many units at once.

Each report is independent. Its time goes to drawing charts (Vega in vl-convert's JavaScript thread),
typesetting (Typst) and gathering its data, and the first two release the GIL. So one process
(:func:`write_reports_here`) gathers a unit's data and draws its charts on this thread while a second
thread typesets the previous unit, which keeps about 1.5 cores busy; the second thread also starts
vl-convert and the Typst compiler while the first unit's data loads. ``jobs`` processes share a batch:
this one and ``jobs − 1`` workers (``spawn``: nothing half-initialised is inherited), default one process
per two cores. A worker gets units (four at a time, from the same queue) only once it has started, which
takes seconds, and one still starting when the batch is done is stopped. Each process builds the
survey's index frame, lookups, driver cross products and the period's comments once and keeps them
(:mod:`kundpuls.reports.cache`) for every unit it gets. A batch of one or two units runs here alone.
"""

from __future__ import annotations

import math
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.pool import AsyncResult, Pool
from pathlib import Path
from typing import Any

from kundpuls.errors import InvalidArgument, NotFound
from kundpuls.instruments import SurveyDefinition
from kundpuls.render.chart_fonts import use_in_memory_fonts
from kundpuls.render.charts import RenderedChart, report_charts
from kundpuls.render.typst_pdf import prepare_compiler
from kundpuls.render.unit_pdf import unit_report_pdf
from kundpuls.reports.contracts import UnitReport
from kundpuls.reports.unit_report import unit_report
from kundpuls.text.taxonomy import Taxonomy

SERIAL_BELOW = 3
"""Batches smaller than this run in the calling process (starting workers would cost more)."""

UNITS_PER_TASK = 4
"""Units a worker process gets at a time (it typesets one while it draws the next)."""

TASKS_AHEAD_PER_WORKER = 2
"""Tasks handed to each worker ahead, so that none waits while this process finishes a report."""

TYPESET_AHEAD = 2
"""Reports drawn but not yet typeset, at most, in one process (bounds the memory they hold)."""

CORES_PER_PROCESS = 2
"""A process draws on one thread, typesets on another and vl-convert runs Vega on a third."""

REPORT_TEMPLATE = "unit_report"


@dataclass(frozen=True)
class BatchSettings:
    """What every report of one batch shares."""

    lake: str
    definition: SurveyDefinition
    threshold_setting: int
    out: str
    names: Mapping[str, str]
    period: str | None
    period_kind: str
    language: str
    single_file: str | None
    taxonomy: Taxonomy | None = None


def default_jobs() -> int:
    """Processes for a batch: one per two cores this process may use (each keeps about 1.5 cores busy)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores // CORES_PER_PROCESS)


def _prepared(settings: BatchSettings, code: str) -> tuple[UnitReport, list[RenderedChart]] | dict[str, Any]:
    """Unit ``code``'s report data and charts, or why it has no report."""
    try:
        result = unit_report(
            settings.lake,
            settings.definition,
            code,
            threshold_setting=settings.threshold_setting,
            names=settings.names,
            period=settings.period,
            period_kind=settings.period_kind,
            language=settings.language,
            taxonomy=settings.taxonomy,
        )
    except NotFound:
        return {"unit": code, "file": None, "skipped": "no responses"}
    return result, report_charts(result, settings.language)


def _typeset(
    settings: BatchSettings, code: str, report: UnitReport, charts: list[RenderedChart]
) -> dict[str, Any]:
    target = (
        Path(settings.single_file)
        if settings.single_file
        else Path(settings.out) / f"{settings.definition.key}-{code}-{report.period}.pdf"
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(unit_report_pdf(report, language=settings.language, charts=charts))
    return {"unit": code, "file": str(target), "period": report.period}


def _warm_up() -> None:
    """What the first report would wait for: vl-convert's JavaScript and fonts, Typst's compiler."""
    use_in_memory_fonts()
    prepare_compiler(REPORT_TEMPLATE)


def write_reports_here(
    settings: BatchSettings, codes: Iterable[str], finish: Callable[[str, dict[str, Any]], None]
) -> None:
    """Write the reports of ``codes`` in this process; ``finish(code, result)`` as each is written.

    This thread gathers a unit's data and draws its charts (vl-convert draws on its own thread) while a
    second thread typesets the previous unit's PDF (Typst releases the GIL), at most
    :data:`TYPESET_AHEAD` reports behind. ``finish`` is called on this thread.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kundpuls-typeset") as typesetter:
        warming = typesetter.submit(_warm_up)
        waiting: deque[tuple[str, Future[dict[str, Any]]]] = deque()

        def settle(keep: int) -> None:
            while waiting and (len(waiting) > keep or waiting[0][1].done()):
                code, future = waiting.popleft()
                finish(code, future.result())

        for code in codes:
            prepared = _prepared(settings, code)
            if isinstance(prepared, dict):
                finish(code, prepared)
                continue
            waiting.append((code, typesetter.submit(_typeset, settings, code, *prepared)))
            settle(TYPESET_AHEAD)
        warming.result()
        settle(0)


def write_some_reports(settings: BatchSettings, codes: Sequence[str]) -> list[dict[str, Any]]:
    """A worker process's share of a batch: the reports of ``codes``, in the order they were written."""
    written: list[dict[str, Any]] = []
    write_reports_here(settings, codes, lambda _code, result: written.append(result))
    return written


def write_unit_reports(
    lake: str | os.PathLike[str],
    definition: SurveyDefinition,
    units: Sequence[str],
    out: Path,
    *,
    threshold_setting: int,
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

    ``jobs`` processes share the units (this one and ``jobs − 1`` workers; default: one per two cores);
    ``advance(code)`` is called as each report is done, in the order they finish. The result is in the
    order of ``units``. ``taxonomy`` names the comment themes (default: the shipped taxonomy).
    ``threshold_setting`` is ``KUNDPULS_ANONYMITY_THRESHOLD`` (:mod:`kundpuls.reports.anonymity`).
    """
    jobs = default_jobs() if jobs is None else jobs
    if jobs < 1:
        raise InvalidArgument(f"jobs: {jobs!r} must be at least 1", field="jobs", value=jobs)
    settings = BatchSettings(
        lake=os.fspath(lake),
        definition=definition,
        threshold_setting=threshold_setting,
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

    workers = min(jobs, math.ceil(len(units) / UNITS_PER_TASK))
    if workers <= 1 or len(units) < SERIAL_BELOW:
        write_reports_here(settings, units, finish)
        return [done[code] for code in units]
    context = multiprocessing.get_context("spawn")
    # Leaving the block terminates the pool: a worker still starting when the batch is done is stopped.
    with context.Pool(workers - 1) as pool:
        helpers = Workers(pool, settings, workers - 1)

        def mine() -> Iterator[str]:
            """Units for this process, one at a time, feeding the workers that have started in between."""
            while pending:
                helpers.collect(finish)
                helpers.feed(pending)
                if pending:
                    yield pending.popleft()

        write_reports_here(settings, mine(), finish)
        helpers.collect(finish, wait=True)
    return [done[code] for code in units]


class Workers:
    """Spawned processes that take shares of a batch, only once they have started (which takes seconds)."""

    def __init__(self, pool: Pool, settings: BatchSettings, count: int) -> None:
        self._pool = pool
        self._settings = settings
        self._starting = [pool.apply_async(_warm_up) for _ in range(count)]
        self._in_flight: list[AsyncResult[list[dict[str, Any]]]] = []

    def started(self) -> int:
        """How many workers have started (imports done, vl-convert and Typst ready)."""
        return sum(1 for probe in self._starting if probe.ready())

    def feed(self, pending: deque[str]) -> None:
        """Hand units from ``pending`` to the started workers, :data:`UNITS_PER_TASK` at a time."""
        while pending and len(self._in_flight) < TASKS_AHEAD_PER_WORKER * self.started():
            share = [pending.popleft() for _ in range(min(UNITS_PER_TASK, len(pending)))]
            self._in_flight.append(self._pool.apply_async(write_some_reports, (self._settings, share)))

    def collect(self, finish: Callable[[str, dict[str, Any]], None], *, wait: bool = False) -> None:
        """``finish`` every report the workers have written (``wait``: and those still being written)."""
        for task in [t for t in self._in_flight if wait or t.ready()]:
            self._in_flight.remove(task)
            for result in task.get():
                finish(result["unit"], result)
