"""The package stays light to import, and the pure layers stay pure."""

import os
import subprocess
import sys
from pathlib import Path

import kundpuls


def test_importing_kundpuls_loads_no_heavy_library() -> None:
    code = (
        "import sys, kundpuls, kundpuls.errors, kundpuls.config;"
        "heavy = [m for m in ('django', 'numpy', 'duckdb', 'pyspark', 'pandas') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(kundpuls.__file__).parents[1])}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert result.stdout.strip() == ""
