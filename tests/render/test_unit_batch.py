"""A batch of unit reports gives the same PDFs in one process, pipelined, and on worker processes."""

from __future__ import annotations

import multiprocessing
import subprocess
import time
from collections import deque
from pathlib import Path
from typing import Any

import pytest

from kundpuls.errors import InvalidArgument
from kundpuls.render.unit_batch import (
    UNITS_PER_TASK,
    BatchSettings,
    Workers,
    write_some_reports,
    write_unit_reports,
)
from system_tools import require_tool

UNITS = ["A", "B", "C", "D", "NOSUCHUNIT"]  # tests/reports/conftest.py


def _text(path: str) -> str:
    return subprocess.run(
        [require_tool("pdftotext"), path, "-"], capture_output=True, check=True, text=True
    ).stdout


@pytest.mark.server
def test_two_workers_write_what_one_process_writes(small_lake: Any, tmp_path: Path) -> None:
    require_tool("pdftotext")
    units = UNITS
    seen: list[str] = []
    common = {"names": small_lake.names, "period": "2025-Q3", "threshold_setting": 7}
    serial = write_unit_reports(
        small_lake.path, small_lake.definition, units, tmp_path / "one", jobs=1, **common
    )
    parallel = write_unit_reports(
        small_lake.path,
        small_lake.definition,
        units,
        tmp_path / "two",
        jobs=2,
        advance=seen.append,
        **common,
    )
    assert [w["unit"] for w in parallel] == units and sorted(seen) == sorted(units)
    assert parallel[-1] == {"unit": "NOSUCHUNIT", "file": None, "skipped": "no responses"}
    for one, two in zip(serial, parallel, strict=True):
        if one["file"] is None:
            assert two["file"] is None
            continue
        assert Path(one["file"]).name == Path(two["file"]).name
        assert _text(one["file"]) == _text(two["file"])
        assert small_lake.names.get(one["unit"], one["unit"]) in _text(two["file"])


def _settings(small_lake: Any, out: Path) -> BatchSettings:
    return BatchSettings(
        lake=str(small_lake.path),
        definition=small_lake.definition,
        out=str(out),
        names=small_lake.names,
        period="2025-Q3",
        period_kind="quarter",
        language="sv",
        single_file=None,
        threshold_setting=7,
    )


@pytest.mark.server
def test_a_spawned_worker_writes_what_this_process_writes(small_lake: Any, tmp_path: Path) -> None:
    """The worker's share of a batch, in a fresh ``spawn`` process as the pool starts it."""
    require_tool("pdftotext")
    here = write_unit_reports(
        small_lake.path, small_lake.definition, UNITS, tmp_path / "here", jobs=1,
        names=small_lake.names, period="2025-Q3", threshold_setting=7,
    )  # fmt: skip
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        there = pool.apply(write_some_reports, (_settings(small_lake, tmp_path / "worker"), UNITS))
    assert sorted(w["unit"] for w in there) == sorted(UNITS)
    by_unit = {w["unit"]: w for w in there}
    for one in here:
        two = by_unit[one["unit"]]
        if one["file"] is None:
            assert two == one
            continue
        assert Path(two["file"]).parent == tmp_path / "worker"
        assert Path(one["file"]).name == Path(two["file"]).name and _text(one["file"]) == _text(two["file"])


@pytest.mark.server
def test_workers_get_units_only_once_started_and_hand_back_every_report(
    small_lake: Any, tmp_path: Path
) -> None:
    pending = deque(UNITS * 3)
    finished: list[str] = []
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        none = Workers(pool, _settings(small_lake, tmp_path), 0)
        none.feed(pending)
        assert len(pending) == 15, "no started worker, no units handed out"
        workers = Workers(pool, _settings(small_lake, tmp_path), 1)
        deadline = time.monotonic() + 120
        while not workers.started() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert workers.started() == 1
        workers.feed(pending)
        assert len(pending) == 15 - 2 * UNITS_PER_TASK  # two shares ahead per started worker
        workers.collect(
            lambda code, result: finished.append(f"{code}:{result['file'] is not None}"), wait=True
        )
    assert sorted(finished) == sorted(f"{u}:{u != 'NOSUCHUNIT'}" for u in (UNITS * 3)[: 2 * UNITS_PER_TASK])
    assert len(list(tmp_path.glob("*.pdf"))) == 4  # A–D, each written (twice: the same file)


def test_jobs_must_be_positive(small_lake: Any, tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument, match="jobs"):
        write_unit_reports(
            small_lake.path, small_lake.definition, ["A"], tmp_path, jobs=0, threshold_setting=7
        )
