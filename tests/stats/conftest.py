"""Shared fixtures of the statistics tests.

Small-sample warnings are expected in worked examples with n < 30; tests that are about the warning use
``pytest.warns``, which records it regardless of this filter.
"""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/stats/" in str(item.path).replace("\\", "/") and "/pls/" not in str(item.path):
            item.add_marker(pytest.mark.filterwarnings("ignore::kundpuls.errors.SmallSampleWarning"))
