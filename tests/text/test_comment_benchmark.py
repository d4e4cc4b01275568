"""The labelled comment set: the benchmark's figures stay at or above the documented floor.

``benchmarks/comments.py`` reads the labelled set (``tests/text/data/comments_*.jsonl``) and reports
precision and recall per theme and polarity; this test runs its evaluation on every part and fails when a
figure falls below ``FLOORS`` (docs/comments.md, "Measured on the labelled set").
"""

from __future__ import annotations

import pytest
from tests.benchmark_scripts import load_benchmark

from kundpuls.text.taxonomy import default_taxonomy

BENCHMARK = load_benchmark("comments")


def test_the_labelled_set_is_large_varied_and_well_formed() -> None:
    taxonomy = default_taxonomy()
    records = BENCHMARK.load("tuning") + BENCHMARK.load("heldout")
    assert len(records) >= 400
    assert {r["language"] for r in records} == {"sv", "en"}
    assert sum(r["language"] == "sv" for r in records) > len(records) / 2  # Swedish first
    texts = [r["text"] for r in records]
    assert len(set(texts)) == len(texts)
    assert len({r["id"] for r in records}) == len(records)
    for r in records:
        assert r["polarity"] in ("praise", "complaint", "neutral")
        assert set(r["themes"]) <= set(taxonomy.keys)
        assert set(r["themes"].values()) <= {"praise", "complaint", "neutral"}
    for key in taxonomy.keys:  # every theme in every part
        for part in ("tuning", "heldout"):
            assert any(key in r["themes"] for r in BENCHMARK.load(part)), (key, part)


@pytest.mark.parametrize("part", ["tuning", "heldout"])
def test_every_comment_is_in_the_part_the_fixed_split_rule_gives(part: str) -> None:
    records = BENCHMARK.load(part)
    assert records
    assert all(BENCHMARK.part_of(r["id"]) == part for r in records)


def test_the_split_rule_keeps_the_lexicon_tuning_comments_out_of_the_held_out_part() -> None:
    assert {BENCHMARK.part_of(i) for i in range(1, 1000)} == {"tuning"}
    later = [BENCHMARK.part_of(i) for i in range(1001, 3001)]
    assert 0.4 < later.count("heldout") / len(later) < 0.6  # about half of every later comment


@pytest.mark.parametrize("part", ["heldout", "tuning"])
def test_precision_and_recall_stay_at_or_above_the_documented_floor(part: str) -> None:
    taxonomy = default_taxonomy()
    records = BENCHMARK.load(part)
    result = BENCHMARK.evaluate(records, *BENCHMARK.read(records, taxonomy), taxonomy.keys)
    figures = {**result["themes"], **result["polarity"]}
    below = {
        key: (round(figures[key]["precision"], 3), round(figures[key]["recall"], 3), floor)
        for key, floor in BENCHMARK.FLOORS[part].items()
        if figures[key]["precision"] < floor[0] or figures[key]["recall"] < floor[1]
    }
    assert not below, f"below the documented floor on the {part} part: {below}"


def test_the_evaluation_counts_precision_and_recall_right() -> None:
    assert BENCHMARK.precision_recall([(True, True), (True, False), (False, True), (False, False)]) == {
        "precision": 0.5,
        "recall": 0.5,
        "f1": 0.5,
        "support": 2,
        "predicted": 2,
    }
