"""The statistics layer stays pure: no Django, DuckDB or Spark, and no other pure layer (architecture.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


def test_importing_the_statistics_package_loads_no_forbidden_module() -> None:
    code = (
        "import sys, kundpuls.stats\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'django', 'duckdb', 'pyspark'}"
        " or m.startswith(('kundpuls.text', 'kundpuls.instruments', 'kundpuls.analytics')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={"PYTHONPATH": str(SRC)}
    )
    assert out.stdout.strip() == ""
