"""Discovering themes the taxonomy misses, and accepting them."""

from __future__ import annotations

import numpy as np
import pytest

from kundpuls.errors import InsufficientData
from kundpuls.text.discovery import accept_proposal, discover_themes
from kundpuls.text.taxonomy import default_taxonomy
from kundpuls.text.themes import assign_themes


def _comments(seed: int = 0) -> list[str]:
    rng = np.random.default_rng(seed)
    topics = {
        "snö": ["snöröjningen", "plogar", "halkan", "sandning", "trottoaren"],
        "sopor": ["sophämtningen", "kärlet", "soptunnan", "återvinningen", "tömning"],
        "bad": ["simhallen", "bassängen", "omklädningsrummet", "vattnet", "badet"],
    }
    filler = ["verkligen", "tyvärr", "igen", "hela", "vintern", "veckan"]
    texts = []
    for words in topics.values():
        for _ in range(40):
            chosen = rng.choice(words, size=3, replace=False)
            texts.append(" ".join([*chosen, rng.choice(filler)]))
    texts += ["Personalen var otrevlig"] * 20  # caught by the taxonomy: not used for discovery
    return texts


def test_it_proposes_the_themes_the_taxonomy_misses_with_terms_and_examples() -> None:
    proposals = discover_themes(_comments(), n_themes=3, min_df=3, seed=1)
    assert len(proposals) == 3
    found = [set(p.top_terms[:4]) for p in proposals]
    topics = [
        {"snöröjningen", "plogar", "halkan", "sandning", "trottoaren"},
        {"sophämtningen", "kärlet", "soptunnan", "återvinningen", "tömning"},
        {"simhallen", "bassängen", "omklädningsrummet", "vattnet", "badet"},
    ]
    # each proposal's four strongest terms come from one planted topic, and every topic is found once
    assert sorted(next(i for i, t in enumerate(topics) if terms <= t) for terms in found) == [0, 1, 2]
    for p in proposals:
        assert p.n > 0 and len(p.examples) == 3 and p.language == "sv"
        assert all("otrevlig" not in e for e in p.examples)
        assert list(p.weights) == sorted(p.weights, reverse=True)


def test_it_is_reproducible_with_a_seed() -> None:
    assert discover_themes(_comments(), n_themes=3, min_df=3, seed=4) == discover_themes(
        _comments(), n_themes=3, min_df=3, seed=4
    )


def test_an_accepted_proposal_makes_the_taxonomy_catch_those_comments() -> None:
    texts = _comments()
    proposal = next(p for p in discover_themes(texts, n_themes=3, min_df=3) if "snöröjningen" in p.top_terms)
    taxonomy = accept_proposal(default_taxonomy(), proposal, key="snorojning", label={"sv": "Snöröjning"})
    caught = assign_themes(texts[:40], taxonomy).to_lists()
    assert all("snorojning" in themes for themes in caught)


def test_too_few_comments_is_insufficient_data() -> None:
    with pytest.raises(InsufficientData, match="n_themes=5"):
        discover_themes(["snö och is", "sopor"], n_themes=5, min_df=1)
