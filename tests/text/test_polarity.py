"""Polarity of comments and clauses: lexicon words, phrases, negation, turning words, durations, questions."""

from __future__ import annotations

import pytest

from kundpuls.errors import InvalidArgument
from kundpuls.text.polarity import clause_score, comment_polarity, read_clauses


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Personalen var trevlig", "praise"),
        ("Personalen var otrevlig", "complaint"),
        ("Jättebra bemötande", "praise"),  # a polarity word inside a compound
        ("Det var skitdåligt", "complaint"),
        ("Jag har inga synpunkter.", "neutral"),
        ("Jag besökte biblioteket i tisdags.", "neutral"),
    ],
)
def test_swedish_words_give_the_polarity(text: str, expected: str) -> None:
    assert comment_polarity(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("inte bra", "complaint"),  # the example
        ("Det var inte särskilt trevligt", "complaint"),  # across a degree word
        ("Det var inte dåligt alls", "praise"),
        ("Jag behövde inte vänta", "praise"),
        ("aldrig svar", "complaint"),  # the example
        ("Jag fick aldrig något svar", "complaint"),
        ("De svarade inte i telefon", "complaint"),  # a negation that turns no word: an unmet expectation
        ("Inga problem alls, tack!", "praise"),  # a listed negated phrase
        ("Fastighetsskötaren kom men kunde inte laga felet", "complaint"),  # the negation is about mending
        ("Jag har aldrig känt mig stressad där", "praise"),  # a negation passes a verb of feeling
        ("Inte en enda gång har de glömt oss", "praise"),  # and a count of one
        ("Jag kände mig inte trygg", "complaint"),
    ],
)
def test_negation_in_swedish(text: str, expected: str) -> None:
    assert comment_polarity(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("not helpful", "complaint"),  # the example
        ("The staff were not helpful at all", "complaint"),
        ("The doctor didn't listen", "complaint"),
        ("No problems at all", "praise"),
        ("I did not have to wait", "praise"),
        ("It was not bad", "praise"),
        ("Great service, thanks", "praise"),
        ("No comments.", "neutral"),
        ("I wasn't disappointed", "praise"),  # "n't" is one negation
        ("It wasn't great", "complaint"),
        ("Not a single problem", "praise"),
        ("I never felt safe there", "complaint"),
    ],
)
def test_english_words_and_negation(text: str, expected: str) -> None:
    assert comment_polarity(text, language="en") == expected


def test_what_follows_a_turning_word_weighs_more() -> None:
    assert comment_polarity("Bra personal men lång väntetid") == "complaint"
    assert comment_polarity("Lång väntetid men mycket trevlig personal") == "praise"
    assert comment_polarity("The staff were nice but the wait was terrible", language="en") == "complaint"


def test_clauses_split_at_punctuation_and_turning_words() -> None:
    assert [clause.text for clause in read_clauses("Trevlig personal, men lång kö. Tack!")] == [
        "Trevlig personal",
        "men lång kö",
        "Tack",
    ]


def test_a_counted_duration_is_a_mild_complaint_and_a_short_one_a_mild_praise() -> None:
    assert comment_polarity("Handläggningstiden för bygglovet var över fem månader.") == "complaint"
    assert clause_score("Svaret kom inom två dagar") == 0.5
    assert clause_score("Svaret kom redan efter två dagar") == 0
    assert (
        comment_polarity("Vi har haft samma kontaktperson i tre år, det har gjort stor skillnad.") == "praise"
    )


def test_a_question_says_nothing_unless_it_asks_why() -> None:
    assert comment_polarity("Hur lång är handläggningstiden för färdtjänst?") == "neutral"
    assert comment_polarity("Varför är det så dålig service?") == "complaint"


def test_a_wish_or_suggestion_says_nothing_and_no_opinion_is_no_complaint() -> None:
    assert comment_polarity("Det vore bra med fler bänkar i parken.") == "neutral"
    assert comment_polarity("It would be nice if the library opened earlier.", language="en") == "neutral"
    assert comment_polarity("Trevlig personal, men det vore bra med fler bänkar.") == "praise"
    assert comment_polarity("Vet inte riktigt vad jag ska skriva.") == "neutral"
    assert comment_polarity("Not sure.", language="en") == "neutral"
    assert comment_polarity("Personalen var inte trevlig") == "complaint"


def test_a_short_time_said_as_such_is_praise() -> None:
    assert comment_polarity("Svaret på min ansökan kom på bara två dagar.") == "praise"
    assert comment_polarity("The answer came in just two days.", language="en") == "praise"
    assert comment_polarity("Har redan väntat tre veckor.") == "complaint"
    assert comment_polarity("Dåligt, helt enkelt.") == "complaint"


def test_a_resolved_problem_is_no_complaint() -> None:
    assert comment_polarity("Teknikern löste problemet på en gång, tack") == "praise"
    assert comment_polarity("They fixed the problem quickly", language="en") == "praise"


def test_bad_arguments_name_the_field() -> None:
    with pytest.raises(InvalidArgument, match="language"):
        comment_polarity("bra", language="de")
