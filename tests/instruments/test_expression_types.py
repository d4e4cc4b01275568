"""Type checking of conditions: unknown and later keys, type mismatches, options, with positions."""

from __future__ import annotations

import pytest

from kundpuls.instruments.expression_types import ReferenceType, check_expression
from kundpuls.instruments.expressions import parse_expression

KNOWN = {
    "nki1": ReferenceType("number"),
    "nki2": ReferenceType("number"),
    "besok": ReferenceType("string", ("bygglov", "miljo")),
    "kanaler": ReferenceType("list_string", ("tel", "webb")),
    "ja": ReferenceType("boolean"),
    "kommentar": ReferenceType("text"),
    "senare": ReferenceType("later"),
}


def _problems(source: str) -> list[str]:
    return [problem.reason for problem in check_expression(parse_expression(source), source, KNOWN)]


def test_a_well_typed_condition_has_no_problems() -> None:
    assert _problems("nki1 <= 4 and besok in ['bygglov'] or 'tel' in kanaler or not ja") == []


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("okand == 1", "unknown question key 'okand'"),
        ("senare == 1", "comes later"),
        ("nki1 == 'tio'", "cannot compare a number with a string"),
        ("besok < 'x'", "< needs numbers"),
        ("besok == 'bygglv'", "'bygglv' is not an option of 'besok'"),
        ("'fax' in kanaler", "'fax' is not an option of 'kanaler'"),
        ("besok in ['bygglov', 'fel']", "'fel' is not an option of 'besok'"),
        ("nki1 in 5", "in needs a list"),
        ("1 in kanaler", "cannot look for a number"),
        ("nki1", "a number cannot stand alone"),
        ("kommentar == 'x'", "open-text answer 'kommentar'"),
        ("nki1 in [1, 'a']", "a list mixes types"),
        ("kanaler == ['tel']", "lists can only be used with in"),
    ],
)
def test_type_errors_are_found_when_checking(source: str, reason: str) -> None:
    problems = _problems(source)
    assert problems, source
    assert any(reason in problem for problem in problems), problems


def test_type_errors_carry_the_position_of_the_offending_part() -> None:
    source = "nki1 < 5 and okand == 1"
    (problem,) = check_expression(parse_expression(source), source, KNOWN)
    assert problem.position == source.index("okand")
