"""Theme assignment and the theme × score table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kundpuls.errors import InvalidArgument
from kundpuls.text.taxonomy import parse_taxonomy
from kundpuls.text.themes import assign_themes, theme_score_table

TAXONOMY = parse_taxonomy(
    {
        "themes": {
            "vantan": {
                "label": "Väntan",
                "sv": {"words": ["väntetid", "kö"], "parts": ["väntetid"]},
                "en": {"words": ["waiting"]},
            },
            "bemotande": {"label": "Bemötande", "sv": {"words": ["otrevlig"], "phrases": ["tog sig tid"]}},
        }
    }
)


def test_it_matches_inflections_phrases_compound_parts_and_english() -> None:
    texts = [
        "Otrevliga människor",  # word, another inflection
        "Hon tog sig tid med oss",  # phrase
        "tid sig tog",  # the phrase's words out of order
        "Telefonväntetiden var lång",  # compound part
        "The waiting was awful",  # English word
        "Inget särskilt",
    ]
    assert assign_themes(texts, TAXONOMY).to_lists() == [
        ["bemotande"],
        ["bemotande"],
        [],
        ["vantan"],
        ["vantan"],
        [],
    ]


def test_a_word_does_not_match_a_stop_word_with_the_same_stem() -> None:
    # Snowball stems "föraren" to "för"; the stop word "för" must not raise the theme
    taxonomy = parse_taxonomy({"themes": {"resor": {"label": "Resor", "sv": {"words": ["föraren"]}}}})
    assert assign_themes(["för lite", "föraren var bra"], taxonomy).to_lists() == [[], ["resor"]]


def test_the_default_taxonomy_reads_typical_comments() -> None:
    lists = assign_themes(
        [
            "Personalen var otrevlig och väntetiden lång",
            "Parkeringen kostar för mycket",
            "Appen kraschar när jag loggar in",
        ]
    ).to_lists()
    assert lists[0] == ["bemotande", "vantetid"]
    assert {"parkering", "pris"} <= set(lists[1])
    assert "digitala_tjanster" in lists[2]


@settings(max_examples=40, deadline=None)
@given(order=st.permutations(list(range(6))))
def test_row_order_does_not_change_a_comments_themes(order: list[int]) -> None:
    texts = ["Otrevlig kö", "tog sig tid", "inget", "telefonväntetiden", "waiting", "kö kö"]
    base = assign_themes(texts, TAXONOMY).to_lists()
    shuffled = assign_themes([texts[i] for i in order], TAXONOMY).to_lists()
    assert shuffled == [base[i] for i in order]


def test_the_theme_score_table_matches_a_direct_computation() -> None:
    rng = np.random.default_rng(3)
    texts = list(rng.choice(["otrevlig", "lång kö", "otrevlig och kö", "bra"], size=200))
    scores = rng.integers(1, 11, size=200).astype(float)
    scores[:5] = np.nan
    groups = rng.choice(["A", "B"], size=200)
    assignment = assign_themes(texts, TAXONOMY)
    table = theme_score_table(assignment, scores, groups=groups)
    frame = pd.DataFrame({"text": texts, "score": scores, "group": groups})
    frame["kö"] = frame["text"].str.contains("kö")
    for group in ("A", "B"):
        part = frame[frame["group"] == group]
        raised = part[part["kö"]]
        row = table[(table["group"] == group) & (table["theme"] == "vantan")].iloc[0]
        assert row["n"] == len(raised)
        assert row["share"] == pytest.approx(len(raised) / len(part))
        assert row["estimate"] == pytest.approx(raised["score"].mean())  # pandas skips NaN like the table
        half = row["ci_high"] - row["estimate"]
        k = raised["score"].notna().sum()
        from scipy import stats

        expected_half = stats.t.ppf(0.975, k - 1) * raised["score"].std(ddof=1) / np.sqrt(k)
        assert half == pytest.approx(expected_half, rel=1e-9)
        assert row["mean_others"] == pytest.approx(part[~part["kö"]]["score"].mean())


def test_cells_under_the_anonymity_threshold_show_no_mean() -> None:
    assignment = assign_themes(["kö"] * 6 + ["otrevlig"] * 8, TAXONOMY)
    table = theme_score_table(assignment, [5.0] * 14).set_index("theme")
    assert table.loc["vantan", "suppressed"] and np.isnan(table.loc["vantan", "estimate"])
    assert table.loc["vantan", "n"] == 6
    assert not table.loc["bemotande", "suppressed"] and table.loc["bemotande", "estimate"] == 5.0


def test_it_rejects_scores_of_the_wrong_length() -> None:
    with pytest.raises(InvalidArgument, match="scores: length 2"):
        theme_score_table(assign_themes(["kö"], TAXONOMY), [1.0, 2.0])


def test_a_short_stem_needs_the_words_prefix_so_over_stemming_does_not_leak() -> None:
    # Snowball stems "billig" to "bil" (car); a comment about a car is not about price
    lists = assign_themes(["jag kom med bil", "billigt!", "kosten var dålig", "kostar för mycket"]).to_lists()
    assert lists == [[], ["pris"], [], ["pris"]]


def test_a_missing_group_is_a_group_of_its_own() -> None:
    assignment = assign_themes(["kö"] * 10, TAXONOMY)
    table = theme_score_table(assignment, [5.0] * 10, groups=["A"] * 8 + [None, float("nan")])
    vantan = table[table["theme"] == "vantan"]
    assert vantan["group"].iloc[0] == "A" and pd.isna(vantan["group"].iloc[1])
    assert list(vantan["n"]) == [8, 2]
