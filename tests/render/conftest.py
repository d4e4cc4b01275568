"""Reuse the session lake of tests/reports (synthetic responses with a known truth)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "_reports_lake", Path(__file__).parents[1] / "reports" / "conftest.py"
)
assert _spec is not None and _spec.loader is not None
_module = importlib.util.module_from_spec(_spec)
sys.modules["_reports_lake"] = _module
_spec.loader.exec_module(_module)

small_lake = _module.small_lake
needs_lake = _module.needs_lake
