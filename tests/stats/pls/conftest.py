"""Shared fixtures for the PLS tests: the public reference data in ``shared/data`` beside the repository.

The repository's parent folder holds ``shared/`` (locally and in CI, which clones the repository into a
folder with a copy of ``shared/`` beside it).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kundpuls.stats.pls import ModelSpec, model_from_yaml

REPO_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``<repo>/../shared/data``; fails (not skips) when it is missing, so a broken checkout is visible."""
    path = (REPO_ROOT / ".." / "shared" / "data").resolve()
    if not (path / "README.md").is_file():
        pytest.fail(f"shared reference data not found at {path}; place shared/ beside the repository")
    return path


@pytest.fixture(scope="session")
def load_model(shared_data: Path):
    """Read a model file from ``shared/data/models`` by stem, e.g. ``load_model("mobi_ecsi")``."""

    def load(stem: str) -> ModelSpec:
        return model_from_yaml((shared_data / "models" / f"{stem}.yaml").read_text(encoding="utf-8"))

    return load


@pytest.fixture(scope="session")
def mobi(shared_data: Path) -> pd.DataFrame:
    return pd.read_csv(shared_data / "mobi.csv")


@pytest.fixture(scope="session")
def satisfaction(shared_data: Path) -> pd.DataFrame:
    return pd.read_csv(shared_data / "satisfaction.csv")


@pytest.fixture(scope="session")
def corp_rep(shared_data: Path) -> pd.DataFrame:
    return pd.read_csv(shared_data / "corp_rep_data.csv")


@pytest.fixture(scope="session")
def compare():
    """``compare(summary, reference)``: reference rows joined with ours (``ours``, ``abs_diff`` columns)."""
    return _compare_with_reference


def _compare_with_reference(summary: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    ours = summary.assign(**{"from": summary["from"].fillna("")})
    ref = reference.assign(**{"from": reference["from"].fillna("")})
    merged = ref.merge(ours, on=["statistic", "from", "to"], how="left", suffixes=("", "_ours"))
    merged = merged.rename(columns={"value_ours": "ours"})
    merged["abs_diff"] = (merged["ours"] - merged["value"]).abs()
    return merged
