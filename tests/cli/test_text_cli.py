"""``kundpuls text redact|themes|terms`` on CSV files, run through Typer's test runner."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from kundpuls.cli.text import register
from kundpuls.demo.comments import generate_comment_frame

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.callback()
    def main() -> None:
        """Test app."""

    return app


@pytest.fixture(scope="module")
def comments_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    frame = generate_comment_frame(1500, seed=2, n_units=3, personal_data_rate=0.1)
    frame = frame.rename(columns={"text": "kommentar", "score": "nki", "unit": "enhet"})
    path = tmp_path_factory.mktemp("cli") / "kommentarer.csv"
    frame[["kommentar", "nki", "enhet"]].to_csv(path, index=False)
    return path


def _json(output: str) -> dict:
    return json.loads(output)


def test_redact_writes_a_redacted_csv_and_a_json_summary(comments_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "maskad.csv"
    result = runner.invoke(
        _app(),
        ["text", "redact", str(comments_csv), "--text-column", "kommentar", "--out", str(out), "--json"],
    )
    assert result.exit_code == 0, result.output
    summary = _json(result.stdout)
    assert summary["rows"] == 1500 and summary["redacted_rows"] > 100
    redacted = pd.read_csv(out)
    assert list(redacted.columns) == ["kommentar", "nki", "enhet"]
    assert not redacted["kommentar"].str.contains(r"\d{6}-\d{4}").any()
    assert redacted["kommentar"].str.contains(r"\[PERSONNUMMER\]").sum() == summary["found"]["PERSONNUMMER"]


def test_redact_without_out_prints_the_csv(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    pd.DataFrame({"text": ["Ring 070-123 45 67", "Bra"]}).to_csv(path, index=False)
    result = runner.invoke(_app(), ["text", "redact", str(path)])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["text", "Ring [TELEFON]", "Bra"]


def test_themes_reports_shares_and_the_theme_score_table(comments_csv: Path) -> None:
    result = runner.invoke(
        _app(),
        [
            "text",
            "themes",
            str(comments_csv),
            "--text-column",
            "kommentar",
            "--score-column",
            "nki",
            "--group-column",
            "enhet",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    document = _json(result.stdout)
    themes = {t["theme"]: t for t in document["themes"]}
    assert themes["bemotande"]["n"] > 100
    groups = {r["group"] for r in document["theme_scores"]}
    assert groups == {"E0001", "E0002", "E0003"}
    assert all(r["estimate"] is None for r in document["theme_scores"] if r["suppressed"])


def test_themes_accepts_an_edited_taxonomy_and_names_the_bad_node(comments_csv: Path, tmp_path: Path) -> None:
    bad = tmp_path / "teman.yaml"
    bad.write_text(
        "themes:\n  vantan:\n    label: Väntan\n    sv:\n      words: [lång kö]\n", encoding="utf-8"
    )
    result = runner.invoke(
        _app(),
        ["text", "themes", str(comments_csv), "--text-column", "kommentar", "--taxonomy", str(bad), "--json"],
    )
    assert result.exit_code == 2
    assert _json(result.stdout)["error"].startswith("themes.vantan.sv.words[0]")


def test_terms_lists_what_separates_low_from_high_scorers_per_group(comments_csv: Path) -> None:
    result = runner.invoke(
        _app(),
        [
            "text",
            "terms",
            str(comments_csv),
            "--text-column",
            "kommentar",
            "--score-column",
            "nki",
            "--group-column",
            "enhet",
            "--low-max",
            "5",
            "--high-min",
            "8",
            "--top",
            "5",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    document = _json(result.stdout)
    terms = pd.DataFrame(document["terms"])
    assert set(terms["group"]) == {"E0001", "E0002", "E0003"}
    assert (terms.loc[terms["side"] == "low", "z"] > 0).all()
    assert {"theme", "z", "side"} <= set(document["themes"][0])


def test_a_missing_column_is_an_error_naming_it(comments_csv: Path) -> None:
    result = runner.invoke(
        _app(),
        [
            "text",
            "terms",
            str(comments_csv),
            "--text-column",
            "kommentar",
            "--score-column",
            "betyg",
            "--json",
        ],
    )
    assert result.exit_code == 2
    assert _json(result.stdout)["error"].startswith("betyg: no such column")


def test_a_non_numeric_score_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    pd.DataFrame({"text": ["bra", "dåligt"], "score": ["5", "fem"]}).to_csv(path, index=False)
    result = runner.invoke(_app(), ["text", "terms", str(path), "--json"])
    assert result.exit_code == 2
    assert "row 3" in _json(result.stdout)["error"]


def test_human_output_for_themes(comments_csv: Path) -> None:
    result = runner.invoke(_app(), ["text", "themes", str(comments_csv), "--text-column", "kommentar"])
    assert result.exit_code == 0
    assert "Bemötande" in result.stdout


def test_themes_discover_proposes_new_themes_with_comments_as_written(tmp_path: Path) -> None:
    snow = ["Snöröjningen på gatan är usel, plogbilen kommer aldrig!", "Ingen sandning, halkan är farlig."]
    waste = ["Sophämtningen missade kärlet igen.", "Soptunnan töms för sällan, kärlet svämmar över."]
    path = tmp_path / "c.csv"
    pd.DataFrame({"text": (snow + waste) * 30}).to_csv(path, index=False)
    result = runner.invoke(_app(), ["text", "themes", str(path), "--discover", "2", "--json"])
    assert result.exit_code == 0, result.output
    proposals = _json(result.stdout)["proposals"]
    assert len(proposals) == 2
    examples = {e for p in proposals for e in p["examples"]}
    assert examples <= set(snow + waste)  # shown as written, not as tokens


def test_an_unknown_language_or_missing_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    pd.DataFrame({"text": ["bra"]}).to_csv(path, index=False)
    result = runner.invoke(_app(), ["text", "redact", str(path), "--language", "de", "--json"])
    assert result.exit_code == 2 and _json(result.stdout)["error"].startswith("language: 'de'")
    result = runner.invoke(_app(), ["text", "themes", str(tmp_path / "saknas.csv"), "--json"])
    assert result.exit_code == 2 and _json(result.stdout)["error"].startswith("file:")


def test_redact_neutralises_comments_a_spreadsheet_would_run_as_formulas(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    pd.DataFrame({"text": ['=HYPERLINK("http://x.example","Klicka")', "-5"]}).to_csv(path, index=False)
    result = runner.invoke(_app(), ["text", "redact", str(path)])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["text", '"\'=HYPERLINK(""http://x.example"",""Klicka"")"', "-5"]


def test_themes_with_polarity_counts_praise_and_complaints_per_comment_and_theme(tmp_path: Path) -> None:
    path = tmp_path / "kommentarer.csv"
    pd.DataFrame(
        {
            "kommentar": [
                "Telefonkön var helt orimlig",
                "Trevlig personal men telefonkön var orimlig",
                "Jättebra bemötande, tack!",
                "Ingen kommentar",
            ]
        }
    ).to_csv(path, index=False)
    result = runner.invoke(
        _app(), ["text", "themes", str(path), "--text-column", "kommentar", "--polarity", "--json"]
    )
    assert result.exit_code == 0, result.output
    document = _json(result.stdout)
    assert document["polarity"] == {"praise": 1, "complaint": 2, "neutral": 1}
    themes = {t["theme"]: t for t in document["themes"]}
    assert (themes["vantetid"]["complaints"], themes["vantetid"]["praise"]) == (2, 0)
    assert (themes["bemotande"]["complaints"], themes["bemotande"]["praise"]) == (0, 2)
    assert themes["pris"]["n"] == 0  # "orimlig" is a weak word: the queue is named
    human = runner.invoke(_app(), ["text", "themes", str(path), "--text-column", "kommentar", "--polarity"])
    assert human.exit_code == 0 and "klagomål" in human.stdout
