"""``kundpuls pls`` through Typer's test runner on an app built here with ``register(app)``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
import yaml
from typer.testing import CliRunner

from kundpuls.cli import pls
from kundpuls.demo.structural import example_nki_model, simulate_survey
from kundpuls.stats.pls import CLI_STATISTICS, PLSPathModel

TRUTH = example_nki_model()


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    """A simulated NKI survey (CSV) and its model file (YAML), the shapes the command reads."""
    data, model = tmp_path / "svar.csv", tmp_path / "nki.yaml"
    simulate_survey(TRUTH, 300, seed=21).to_frame().to_csv(data, index=False)
    model.write_text(yaml.safe_dump(TRUTH.to_model_mapping(), sort_keys=False), encoding="utf-8")
    return data, model


@pytest.fixture
def app() -> typer.Typer:
    application = typer.Typer()
    pls.register(application)

    @application.command("noop")  # a second command keeps Typer in multi-command mode, as in kundpuls
    def noop() -> None:
        """Nothing."""

    return application


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_it_writes_the_long_format_with_the_fixed_columns(app, runner, files, tmp_path):
    data, model_file = files
    out = tmp_path / "estimates.csv"
    result = runner.invoke(app, ["pls", str(data), "--model", str(model_file), "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, keep_default_na=False)
    assert list(table.columns) == ["statistic", "from", "to", "value"]
    assert set(table["statistic"]) == {"path", "total_effect", "weight", "loading", "r_squared"}
    r2 = table[table["statistic"] == "r_squared"]
    assert (r2["from"] == "").all() and list(r2["to"]) == ["NKI"]
    weights = table[table["statistic"] == "weight"]
    assert list(weights["from"]) == list(TRUTH.indicators) and weights["to"].iloc[0] == "Bemotande"
    expected = PLSPathModel(TRUTH.to_model_mapping()).fit(pd.read_csv(data)).summary()
    np.testing.assert_allclose(table["value"], expected["value"], atol=1e-12)
    assert "NKI" in result.output


def test_bootstrap_adds_se_and_interval_columns_and_json_reports_the_draws(app, runner, files, tmp_path):
    data, model_file = files
    out = tmp_path / "boot.csv"
    args = [
        "pls",
        str(data),
        "--model",
        str(model_file),
        "--out",
        str(out),
        "--bootstrap",
        "200",
        "--seed",
        "3",
        "--scheme",
        "centroid",
        "--interval",
        "bca",
        "--json",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["bootstrap"] == {
        "n_resamples": 200,
        "seed": 3,
        "interval": "bca",
        "confidence": 0.95,
        "sign_handling": "construct",
        "failed": 0,
        "failures": {},
    }
    table = pd.read_csv(out, keep_default_na=False)
    assert list(table.columns) == ["statistic", "from", "to", "value", "se", "ci_low", "ci_high"]
    model = PLSPathModel(TRUTH.to_model_mapping(), scheme="centroid").fit(pd.read_csv(data))
    expected = model.bootstrap(200, seed=3).summary("bca", statistics=CLI_STATISTICS)
    np.testing.assert_allclose(table["ci_low"], expected["ci_low"], atol=1e-12)
    np.testing.assert_allclose(table["se"], expected["se"], atol=1e-12)
    assert len(document["estimates"]) == len(table)


def test_missing_codes_strategy_and_unscaled_are_passed_on(app, runner, tmp_path):
    truth = example_nki_model()
    frame = simulate_survey(truth, 300, seed=1, missing_rate=0.05, missing_code=-99).to_frame()
    data, model_file, out = tmp_path / "svar.csv", tmp_path / "modell.yaml", tmp_path / "est.csv"
    frame.to_csv(data, index=False)
    model_file.write_text(yaml.safe_dump(truth.to_model_mapping(), sort_keys=False), encoding="utf-8")
    args = [
        "pls",
        str(data),
        "--model",
        str(model_file),
        "--out",
        str(out),
        "--missing",
        "-99",
        "--missing-strategy",
        "listwise",
        "--unscaled",
        "--json",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["missing"]["strategy"] == "listwise"
    assert document["missing"]["codes"] == [-99.0]
    assert document["scaled"] is False
    expected = PLSPathModel(
        truth.to_model_mapping(), scaled=False, missing_codes=(-99,), missing_strategy="listwise"
    ).fit(frame)
    assert document["n"] == expected.n_ < 300
    written = pd.read_csv(out, keep_default_na=False)
    np.testing.assert_allclose(written["value"], expected.summary()["value"], atol=1e-12)


def test_an_invalid_model_file_names_the_node(app, runner, files, tmp_path):
    data, _ = files
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "constructs:\n  A: {indicators: [bem1], mode: X}\n  B: {indicators: [nki1]}\npaths:\n  - [A, B]\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["pls", str(data), "--model", str(bad), "--out", str(tmp_path / "o.csv"), "--json"]
    )
    assert result.exit_code == 2
    assert "constructs.A.mode" in json.loads(result.stdout)["error"]
    result = runner.invoke(app, ["pls", str(data), "--model", str(bad), "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 2 and "constructs.A.mode" in result.stderr


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--scheme", "bogus"], "scheme"),
        (["--interval", "studentized", "--bootstrap", "10"], "--interval"),
        (["--missing-strategy", "pairwise"], "missing_strategy"),
        (["--bootstrap", "1"], "--bootstrap"),
    ],
)
def test_bad_options_fail_with_a_message(extra, message, app, runner, files, tmp_path):
    data, model_file = files
    result = runner.invoke(
        app,
        ["pls", str(data), "--model", str(model_file), "--out", str(tmp_path / "o.csv"), *extra, "--json"],
    )
    assert result.exit_code == 2
    assert message in json.loads(result.stdout)["error"]


def test_a_missing_data_file_is_reported(app, runner, files, tmp_path):
    _, model_file = files
    result = runner.invoke(
        app, ["pls", str(tmp_path / "nope.csv"), "--model", str(model_file), "--out", str(tmp_path / "o.csv")]
    )
    assert result.exit_code == 2 and "nope.csv" in result.stderr


def test_small_samples_are_warned_about_in_the_json(app, runner, tmp_path):
    data, model_file = tmp_path / "small.csv", tmp_path / "m.yaml"
    simulate_survey(TRUTH, 40, seed=2).to_frame().to_csv(data, index=False)
    model_file.write_text(yaml.safe_dump(TRUTH.to_model_mapping()), encoding="utf-8")
    result = runner.invoke(
        app, ["pls", str(data), "--model", str(model_file), "--out", str(tmp_path / "o.csv"), "--json"]
    )
    assert result.exit_code == 0
    assert any("n = 40" in w for w in json.loads(result.stdout)["warnings"])
