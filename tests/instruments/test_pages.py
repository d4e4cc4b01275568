"""Page helpers: the order of shown pages, the questions shown on a page, progress."""

from __future__ import annotations

import pytest

from kundpuls.errors import NotFound
from kundpuls.instruments import (
    SurveyDefinition,
    first_page_key,
    is_page_shown,
    load_template,
    next_page_key,
    page_item_keys,
    parse_definition,
    previous_page_key,
    progress,
    visible_blocks,
    visible_questions,
)

from .builders import paged, rating, single, yes_no


def _branching() -> SurveyDefinition:
    data = paged(
        [yes_no("besokt"), single("tjanst")], [rating("betyg")], [rating("varfor_inte")], [rating("sist")]
    )
    data["pages"][1]["show_if"] = "besokt"
    data["pages"][2]["show_if"] = "besokt == false"
    data["pages"][3]["blocks"][0]["questions"].insert(0, rating("om_a", show_if="tjanst == 'a'"))
    return parse_definition(data)


def test_the_next_page_skips_pages_whose_condition_is_false() -> None:
    definition = _branching()
    assert first_page_key(definition) == "p1"
    assert next_page_key(definition, "p1", {"besokt": True}) == "p2"
    assert next_page_key(definition, "p2", {"besokt": True}) == "p4"
    assert next_page_key(definition, "p1", {"besokt": False}) == "p3"
    assert next_page_key(definition, "p4", {"besokt": False}) is None


def test_without_an_answer_both_branches_are_hidden() -> None:
    definition = _branching()
    assert next_page_key(definition, "p1", {}) == "p4"
    assert not is_page_shown(definition, "p2", {})
    assert not is_page_shown(definition, "p3", {})


def test_the_previous_page_skips_hidden_pages_too() -> None:
    definition = _branching()
    assert previous_page_key(definition, "p4", {"besokt": False}) == "p3"
    assert previous_page_key(definition, "p4", {"besokt": True}) == "p2"
    assert previous_page_key(definition, "p1", {}) is None


def test_visible_questions_follow_the_answers_so_far() -> None:
    definition = _branching()
    assert [q.key for q in visible_questions(definition, "p4", {"tjanst": "a"})] == ["om_a", "sist"]
    assert [q.key for q in visible_questions(definition, "p4", {"tjanst": "b"})] == ["sist"]
    assert visible_questions(definition, "p2", {"besokt": False}) == []


def test_visible_blocks_keep_the_block_for_titles_and_leave_out_empty_blocks() -> None:
    definition = load_template("nps")
    shown = visible_blocks(definition, "foljdfragor", {"rekommendera": 9})
    assert [b.block.key for b in shown] == ["anledning"]
    assert [q.key for q in shown[0].questions] == ["skal_hogt"]
    low = visible_blocks(definition, "foljdfragor", {"rekommendera": 3})
    assert [b.block.key for b in low] == ["anledning", "kontakt"]
    assert [q.key for q in low[0].questions] == ["skal_lagt"]


def test_progress_counts_only_the_pages_shown() -> None:
    definition = _branching()
    assert progress(definition, "p1", {"besokt": True}) == (1, 3)
    assert progress(definition, "p4", {"besokt": True}) == (3, 3)
    assert progress(definition, "p3", {"besokt": False}) == (2, 3)


def test_an_unknown_page_key_is_not_found() -> None:
    definition = _branching()
    with pytest.raises(NotFound, match="no page 'p9'; pages: p1, p2, p3, p4"):
        next_page_key(definition, "p9", {})
    with pytest.raises(NotFound):
        visible_questions(definition, "p9", {})
    with pytest.raises(NotFound):
        progress(definition, "p9", {})


def test_the_field_names_of_a_page_are_its_item_keys_then_its_contact_keys() -> None:
    definition = load_template("nki")
    assert page_item_keys(definition, "kontakten")[:3] == ["bem_vanlighet", "bem_respekt", "bem_forstaelse"]
    assert page_item_keys(definition, "om_dig") == [
        "kommentar",
        "alder",
        "kon",
        "kontakt_ok",
        "kontakt_namn",
        "kontakt_telefon",
        "kontakt_epost",
    ]
