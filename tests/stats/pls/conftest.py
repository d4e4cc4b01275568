"""Fixtures for the PLS tests: the public reference data in ``tests/data/pls`` (provenance in its README)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kundpuls.stats.pls import ModelSpec, model_from_yaml

REFERENCE_DATA = Path(__file__).resolve().parents[2] / "data" / "pls"


@pytest.fixture(scope="session")
def reference_data() -> Path:
    """``tests/data/pls``: the reference data sets, their published estimates and the model files."""
    return REFERENCE_DATA


@pytest.fixture(scope="session")
def load_model(reference_data: Path):
    """Read a model file from ``tests/data/pls/models`` by stem, e.g. ``load_model("mobi_ecsi")``."""

    def load(stem: str) -> ModelSpec:
        return model_from_yaml((reference_data / "models" / f"{stem}.yaml").read_text(encoding="utf-8"))

    return load


@pytest.fixture(scope="session")
def mobi(reference_data: Path) -> pd.DataFrame:
    return pd.read_csv(reference_data / "mobi.csv")


@pytest.fixture(scope="session")
def satisfaction(reference_data: Path) -> pd.DataFrame:
    return pd.read_csv(reference_data / "satisfaction.csv")


@pytest.fixture(scope="session")
def corp_rep(reference_data: Path) -> pd.DataFrame:
    return pd.read_csv(reference_data / "corp_rep_data.csv")


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
