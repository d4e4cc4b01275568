"""A batch of unit reports on worker processes gives the same PDFs as one by one, in the units' order."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from kundpuls.errors import InvalidArgument
from kundpuls.render.unit_batch import write_unit_reports

UNITS = ["A", "B", "C", "D", "NOSUCHUNIT"]  # tests/reports/conftest.py


def _text(path: str) -> str:
    return subprocess.run(["pdftotext", path, "-"], capture_output=True, check=True, text=True).stdout


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_two_workers_write_what_one_process_writes(small_lake: Any, tmp_path: Path) -> None:
    units = UNITS
    seen: list[str] = []
    common = {"names": small_lake.names, "period": "2025-Q3"}
    serial = write_unit_reports(
        small_lake.path, small_lake.definition, units, tmp_path / "one", jobs=1, **common
    )
    parallel = write_unit_reports(
        small_lake.path, small_lake.definition, units, tmp_path / "two", jobs=2, advance=seen.append, **common
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


def test_jobs_must_be_positive(small_lake: Any, tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument, match="jobs"):
        write_unit_reports(small_lake.path, small_lake.definition, ["A"], tmp_path, jobs=0)
