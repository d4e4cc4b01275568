"""Respondent-level answers (Kano pairs, prices) of a unit subtree and period, behind the threshold."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from kundpuls.analytics.lake.sync import sync_lake
from kundpuls.analytics.respondent_answers import respondent_answers
from kundpuls.errors import InvalidArgument, NotFound

from .conftest import ListSource
from .test_engines import spark_engine  # noqa: F401 - the shared Spark session fixture

TREE = {"10": "/1/2/10/", "11": "/1/2/11/", "12": "/1/3/12/", "2": "/1/2/"}
KANO = ("like", "expect", "neutral", "live_with", "dislike")
START = datetime(2024, 1, 1, tzinfo=UTC)
STOCKHOLM = ZoneInfo("Europe/Stockholm")
ITEMS = {
    "q1": {"min": 1, "max": 10, "kind": "rating"},
    **{f"pris_{p}": {"min": 0, "max": 1e6, "kind": "rating"} for p in ("too_cheap", "cheap")},
}


def _records(count: int, *, seed: int = 5) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    records = []
    for i in range(1, count + 1):
        code = rng.choice(sorted(TREE))
        if code == "11" and rng.random() < 0.9:  # unit 11 stays small
            code = "10"
        answers: dict[str, Any] = {"q1": rng.randint(1, 10)}
        background: dict[str, Any] = {"kon": rng.choice(["man", "kvinna"])}
        if rng.random() < 0.8:  # some respondents skip the modules
            background["chatt_functional"] = rng.choice(KANO)
            background["chatt_dysfunctional"] = None if rng.random() < 0.1 else rng.choice(KANO)
            answers["pris_too_cheap"] = float(rng.randint(1, 30) * 10)
            answers["pris_cheap"] = None if rng.random() < 0.05 else float(rng.randint(20, 60) * 10)
        records.append(
            {
                "response_id": i,
                "submission_id": f"s-{i}",
                "survey": "tjanst",
                "unit_code": code,
                "unit_path": TREE[code],
                "submitted_at": START + timedelta(days=rng.uniform(0, 180)),
                "answers": answers,
                "background": background,
            }
        )
    return records


@pytest.fixture(scope="module")
def lake(tmp_path_factory):
    path = tmp_path_factory.mktemp("answers") / "lake"
    records = _records(500)
    sync_lake(path, ListSource(records), batch_size=200, survey_items={"tjanst": ITEMS})
    return path, records


def _expected(records, units, quarter, *, segment=None) -> pd.DataFrame:
    rows = []
    for r in records:
        month = r["submitted_at"].astimezone(STOCKHOLM).strftime("%Y-%m")
        q = f"{month[:4]}-Q{(int(month[5:]) - 1) // 3 + 1}"
        if r["unit_code"] not in units or q != quarter:
            continue
        if segment is not None and r["background"].get("kon") != segment:
            continue
        row = {
            "response_id": r["response_id"],
            "pris_too_cheap": r["answers"].get("pris_too_cheap"),
            "pris_cheap": r["answers"].get("pris_cheap"),
            "chatt_functional": r["background"].get("chatt_functional"),
            "chatt_dysfunctional": r["background"].get("chatt_dysfunctional"),
        }
        if any(v is not None for k, v in row.items() if k != "response_id"):
            rows.append(row)
    frame = pd.DataFrame(rows)
    for column in ("pris_too_cheap", "pris_cheap"):
        frame[column] = frame[column].astype("float64")
    for column in ("chatt_functional", "chatt_dysfunctional"):
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def _query(path, unit, period, **options):
    return respondent_answers(
        path,
        "tjanst",
        unit,
        period,
        numeric=["pris_too_cheap", "pris_cheap"],
        categorical=["chatt_functional", "chatt_dysfunctional"],
        **options,
    )


def test_it_returns_every_respondent_of_the_subtree_and_period_who_answered_a_module(lake) -> None:
    path, records = lake
    found = _query(path, "2", "2024-Q1")
    expected = _expected(records, {"2", "10", "11"}, "2024-Q1")
    assert not found.suppressed and found.respondents == len(expected) > 50
    pd.testing.assert_frame_equal(found.answers, expected, check_dtype=False)
    assert found.answers["chatt_functional"].map(lambda v: v is None or v in KANO).all()


def test_a_segment_keeps_only_its_respondents(lake) -> None:
    path, records = lake
    found = _query(path, "2", "2024-Q2", segment="kon", segment_value="kvinna")
    expected = _expected(records, {"2", "10", "11"}, "2024-Q2", segment="kvinna")
    pd.testing.assert_frame_equal(found.answers, expected, check_dtype=False)


def test_no_answer_leaves_the_engine_for_a_group_under_the_threshold(lake) -> None:
    path, records = lake
    small = _expected(records, {"11"}, "2024-Q1")
    assert 0 < len(small) < 7
    found = _query(path, "11", "2024-Q1")
    assert found.suppressed and found.respondents is None and found.answers.empty
    shown = _query(path, "11", "2024-Q1", threshold=len(small))
    assert not shown.suppressed and shown.respondents == len(small)


def test_an_item_the_lake_has_never_seen_comes_back_empty(lake) -> None:
    path, _ = lake
    found = respondent_answers(path, "tjanst", "2", "2024-Q1", numeric=["q1"], categorical=["saknas"])
    assert found.answers["saknas"].isna().all() and found.answers["q1"].notna().all()


def test_bad_arguments_are_named(lake) -> None:
    path, _ = lake
    with pytest.raises(InvalidArgument, match="threshold"):
        _query(path, "2", "2024-Q1", threshold=0)
    with pytest.raises(InvalidArgument, match="segment"):
        _query(path, "2", "2024-Q1", segment="kon")
    with pytest.raises(InvalidArgument, match="items"):
        respondent_answers(path, "tjanst", "2", "2024-Q1")
    with pytest.raises(NotFound, match="2030-Q1"):
        _query(path, "2", "2030-Q1")


@pytest.mark.spark
def test_duckdb_and_spark_return_the_same_answers(lake, spark_engine) -> None:  # noqa: F811
    path, _ = lake
    duck = _query(path, "1", "2024-Q2", segment="kon", segment_value="man")
    spark = _query(path, "1", "2024-Q2", segment="kon", segment_value="man", engine=spark_engine)
    pd.testing.assert_frame_equal(duck.answers, spark.answers)
    assert duck.respondents == spark.respondents
    assert _query(path, "11", "2024-Q1", engine=spark_engine).answers.empty
