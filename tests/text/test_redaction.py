"""Redaction of personal data: kinds, placeholders, offsets, and what must survive."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kundpuls.errors import InvalidArgument
from kundpuls.text.identity_numbers import IDENTITY_NUMBER, _valid, luhn_check_digit
from kundpuls.text.redaction import Finding, Redacted, apply_placeholders, redact, redact_many


def test_it_replaces_each_kind_with_its_typed_placeholder() -> None:
    text = (
        "Jag heter Anna Svensson, pnr 811218-9876, ring 070-123 45 67 eller mejla anna.s@exempel.se. "
        "Jag bor på Storgatan 12 B."
    )
    result = redact(text)
    assert result.text == (
        "Jag heter [NAMN], pnr [PERSONNUMMER], ring [TELEFON] eller mejla [E-POST]. Jag bor på [ADRESS]."
    )
    assert [f.kind for f in result.found] == ["NAMN", "PERSONNUMMER", "TELEFON", "E-POST", "ADRESS"]


def test_its_offsets_refer_to_the_original_text() -> None:
    text = "Ring 08-123 456 78 eller skriv till kim.berg@kommun.se"
    result = redact(text)
    assert [text[f.start : f.end] for f in result.found] == ["08-123 456 78", "kim.berg@kommun.se"]
    assert apply_placeholders(text, result.found) == result.text


@pytest.mark.parametrize(
    "text",
    [
        "Vi ringde 2024-03-15 och fick vänta till 2024-04-02.",
        "Ärende 2024-1234 och dnr KS 2023/145 är fortfarande öppna.",
        "Det kostade 1 250 kr, alltså 1250 kronor, för 3 besök.",
        "Öppet 08.00–16.30 på vardagar och 10–14 på lördagar.",
        "Telefonkön tog 45 minuter, 12 personer före mig.",
        "Referensnummer 8112189875 har fel kontrollsiffra.",
        "Per telefon gick det bra, 99 kr per månad.",
        "Hans bemötande var dåligt men hans kollega var bra.",
        "Inga problem. Tom väntan. Klara besked saknades.",
        "Det tar 10 minuter på hemvägen 5 dagar i veckan.",
    ],
)
def test_it_keeps_dates_times_prices_case_numbers_and_words_that_are_names(text: str) -> None:
    assert redact(text) == Redacted(text=text, found=())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pnr 19850315–1238 (tankstreck)", "Pnr [PERSONNUMMER] (tankstreck)"),
        ("Min mobil 070.123.45.67 fungerar", "Min mobil [TELEFON] fungerar"),
        ("Vi bor på Gamla vägen 12 utanför stan", "Vi bor på [ADRESS] utanför stan"),
        ("Remiss från Lars-Erik på vårdcentralen", "Remiss från [NAMN] på vårdcentralen"),
        ("Rektor Holm svarar inte", "Rektor [NAMN] svarar inte"),
    ],
)
def test_it_handles_the_formats_the_held_out_set_showed(text: str, expected: str) -> None:
    assert redact(text).text == expected


def test_it_finds_ambiguous_names_with_support_from_the_context() -> None:
    assert redact("Tack till Bo i kassan").text == "Tack till [NAMN] i kassan"
    assert redact("Sköterskan Rut var underbar").text == "Sköterskan [NAMN] var underbar"
    assert redact("Per var jättetrevlig").text == "[NAMN] var jättetrevlig"


def test_it_finds_lower_case_names_in_swedish_but_not_in_english() -> None:
    assert redact("pratade med anna i kassan").text == "pratade med [NAMN] i kassan"
    assert redact("tack till per olsson!").text == "tack till [NAMN]!"  # an ambiguous name with a surname
    assert redact("per person och dag").found == ()
    assert redact("talked to anna at the desk", language="en").found == ()


def test_it_lets_a_bare_number_starting_with_zero_be_a_phone_unless_named_a_personnummer() -> None:
    number = "050315" + "123" + str(luhn_check_digit("050315123"))
    assert redact(f"Ring {number}").found[0].kind == "TELEFON"
    assert redact(f"Mitt personnummer: {number}").found[0].kind == "PERSONNUMMER"


def test_it_rejects_an_unknown_language() -> None:
    with pytest.raises(InvalidArgument, match="language"):
        redact("hej", language="de")


def test_it_redacts_many_comments_like_one() -> None:
    texts = ["Ring 070-123 45 67", "Inget att anmärka", "Mvh Kerstin", "SKÖTERSKAN ÅSA", "mejla a(at)b.se"]
    assert redact_many(texts) == [redact(t) for t in texts]
    cases = [json.loads(line) for line in (Path(__file__).parent / "data" / "redaction_cases.jsonl").open()]
    sv = [c["text"] for c in cases]
    assert redact_many(sv, language="auto") == [redact(t, language="auto") for t in sv]


pieces = st.sampled_from(
    [
        *"abcdeijklmnoprstuvåäöABEKLMPSÅÄÖ0123456789 .,-+@:()\n\u00a0",
        "Anna",
        "anna",
        "Per ",
        "heter ",
        "Sköterskan ",
        "gatan ",
        "070-",
        "(at)",
    ]
)


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(st.lists(pieces, max_size=12).map("".join), max_size=6))
@example(texts=["AnnaS", "PERS gata"])  # a genitive s in capitals: the prefilter once matched only "s"
def test_the_vectorised_prefilter_never_skips_a_comment_with_personal_data(texts: list[str]) -> None:
    assert redact_many(texts) == [redact(t) for t in texts]


def is_valid_identity_number(text: str) -> bool:
    """The redactor's own test of a whole string: the pattern, a possible date and the check digit."""
    match = IDENTITY_NUMBER.fullmatch(text.strip())
    return match is not None and _valid(match)


def test_the_luhn_digit_matches_skatteverkets_example() -> None:
    # Skatteverket's example personnummer 811218-9876: the check digit of 811218987 is 6.
    assert luhn_check_digit("811218987") == 6
    assert is_valid_identity_number("811218-9876")
    assert is_valid_identity_number("19811218-9876")
    assert not is_valid_identity_number("811218-9875")
    coordination = "811278-987" + str(luhn_check_digit("811278987"))  # samordningsnummer: day 18 + 60
    assert is_valid_identity_number(coordination)
    assert not is_valid_identity_number("811298-987" + str(luhn_check_digit("811298987")))  # day 98


dates = st.dates(
    min_value=__import__("datetime").date(1920, 1, 1), max_value=__import__("datetime").date(2024, 12, 31)
)


@settings(max_examples=80, deadline=None)
@given(day=dates, serial=st.integers(0, 999), separator=st.sampled_from(["-", "", "+"]), long=st.booleans())
def test_every_identity_number_is_found_also_with_a_wrong_check_digit_where_a_personnummer_stands(
    day: object, serial: int, separator: str, long: bool
) -> None:
    yymmdd = day.strftime("%y%m%d")  # type: ignore[attr-defined]
    body = f"{yymmdd}{serial:03d}"
    check = luhn_check_digit(body)
    prefix = day.strftime("%Y")[:2] if long else ""  # type: ignore[attr-defined]
    number = f"{prefix}{yymmdd}{separator}{serial:03d}{check}"
    result = redact(f"Mitt personnummer är {number}, tack.")
    assert [(f.kind, f.start, f.end) for f in result.found] == [("PERSONNUMMER", 21, 21 + len(number))]
    wrong = f"{prefix}{yymmdd}{separator}{serial:03d}{(check + 1) % 10}"
    # a mistyped personnummer after "personnummer" identifies the person too (issue 18)
    found = redact(f"Mitt personnummer är {wrong}, tack.").found
    assert [(f.kind, f.start, f.end) for f in found] == [("PERSONNUMMER", 21, 21 + len(wrong))]
    # after a word naming another kind of number it is that number
    assert all(f.kind != "PERSONNUMMER" for f in redact(f"Fakturanummer {wrong} stämmer inte.").found)


comment_text = st.text(
    alphabet=st.sampled_from(
        list("abcdefghijklmnopqrstuvwxyzåäöABCDEFGHIJKLMNOPRSTUVÅÄÖ0123456789 .,-+@:()")
    ),
    max_size=80,
)


@settings(max_examples=100, deadline=None)
@given(text=comment_text)
def test_spans_are_ordered_disjoint_and_the_placeholders_rebuild_the_redacted_text(text: str) -> None:
    result = redact(text)
    previous_end = 0
    for f in result.found:
        assert isinstance(f, Finding)
        assert previous_end <= f.start < f.end <= len(text)
        previous_end = f.end
    assert apply_placeholders(text, result.found) == result.text


@settings(max_examples=60, deadline=None)
@given(text=comment_text)
def test_redacting_twice_changes_nothing_more(text: str) -> None:
    once = redact(text).text
    assert redact(once).text == once


def test_it_rejects_text_that_is_not_a_string() -> None:
    with pytest.raises(InvalidArgument, match="text: expected a string"):
        redact(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match=r"texts\[1\]"):
        redact_many(["ok", 3])  # type: ignore[list-item]


@settings(max_examples=80, deadline=None)
@given(
    digits=st.lists(st.integers(0, 9), min_size=9, max_size=9),
    layout=st.sampled_from(
        [
            "07{0}-{1}{2}{3} {4}{5} {6}{7}",
            "07{0}{1}{2}{3}{4}{5}{6}{7}",
            "+46 7{0} {1}{2}{3} {4}{5} {6}{7}",
            "08-{1}{2}{3} {4}{5}{6} {7}{8}",
            "031-{1}{2} {3}{4} {5}{6}",
            "0046 7{0}-{1}{2}{3} {4}{5} {6}{7}",
            "07{0} {1}{2}{3} {4}{5}{6}{7}",
            "(08) {1}{2}{3} {4}{5} {6}{7}",
        ]
    ),
)
def test_every_swedish_phone_layout_is_found(digits: list[int], layout: str) -> None:
    number = layout.format(*digits)
    text = f"Ring mig på {number} efter lunch."
    found = [f for f in redact(text).found if f.kind in ("TELEFON", "PERSONNUMMER")]
    assert [(f.start, f.end) for f in found] == [(12, 12 + len(number))]


@settings(max_examples=60, deadline=None)
@given(
    local=st.from_regex(r"[a-z][a-z0-9._+-]{0,15}[a-z0-9]", fullmatch=True),
    domain=st.from_regex(r"[a-z][a-z0-9-]{0,10}[a-z0-9](\.[a-z]{2,6}){1,2}", fullmatch=True),
)
def test_every_ordinary_email_address_is_found_whole(local: str, domain: str) -> None:
    address = f"{local}@{domain}"
    result = redact(f"Skriv till {address} tack")
    assert [(f.kind, f.start, f.end) for f in result.found] == [("E-POST", 11, 11 + len(address))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the example: a wrong check digit, written as a personnummer
        (
            "Mitt personnummer 19650312-1234 står fel i brevet.",
            "Mitt personnummer [PERSONNUMMER] står fel i brevet.",
        ),
        ("Ni skrev 19650312-1234 på kallelsen.", "Ni skrev [PERSONNUMMER] på kallelsen."),
        ("Ni skrev 650312-1234 på kallelsen.", "Ni skrev [PERSONNUMMER] på kallelsen."),
        ("Born 196503121234, please check.", "Born [PERSONNUMMER], please check."),
        ("pnr 6503121234 fel", "pnr [PERSONNUMMER] fel"),
        # a valid personnummer, of course
        ("Pnr 811218-9876 tack", "Pnr [PERSONNUMMER] tack"),
    ],
)
def test_a_date_shaped_number_with_a_wrong_check_digit_where_a_personnummer_stands_is_redacted(
    text: str, expected: str
) -> None:
    assert redact(text).text == expected
    assert not is_valid_identity_number("19650312-1234")


@pytest.mark.parametrize(
    "text",
    [
        "Fakturanummer 670712-0012 stämmer inte.",  # another kind of number named before it
        "OCR 19650312-1234 gick inte att betala.",
        "Ordernummer 1234567890 har inte levererats.",  # bare ten digits, no date, no support
        "Referensnummer 6503121234 hittades inte.",  # bare ten digits, date-shaped but no support
        "Vi ringde 2024-03-15 och fick ärende 2024-1234.",
        "Ärendet 651312-1234 gäller månad 13, ingen dag finns.",  # not date-shaped: month 13
        "Det kostade 1 250 kr för 12 besök.",
    ],
)
def test_ordinary_numbers_stay(text: str) -> None:
    assert all(f.kind != "PERSONNUMMER" for f in redact(text).found)
