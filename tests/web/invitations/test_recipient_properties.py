"""Invariants of reading a recipient list, for any list (hypothesis)."""

from __future__ import annotations

from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kundpuls.errors import ImportRowsError
from kundpuls.web.invitations.recipients import read_recipients

UNITS = {"IN-1": True, "IN-2": True, "OUT": False}
local_parts = st.from_regex(r"[a-z][a-z0-9.]{0,8}[a-z0-9]", fullmatch=True)
rows = st.lists(
    st.tuples(local_parts, st.sampled_from(["example.se", "kommun.se"]), st.sampled_from(sorted(UNITS))),
    min_size=1,
    max_size=30,
)


@settings(max_examples=80, deadline=None)
@given(rows)
def test_a_list_is_accepted_exactly_when_no_address_repeats_and_every_unit_is_inside(
    generated: list[tuple[str, str, str]],
) -> None:
    table = [["email", "unit"]] + [[f"{local}@{domain}", unit] for local, domain, unit in generated]
    addresses = [f"{local}@{domain}" for local, domain, _ in generated]
    duplicates = len(addresses) - len(set(addresses))
    outside = sum(1 for *_, unit in generated if unit == "OUT")
    if duplicates == 0 and outside == 0:
        read = read_recipients(table, units=UNITS)
        assert [r.email for r in read] == addresses
        assert [r.row for r in read] == list(range(2, len(addresses) + 2))
    else:
        with pytest.raises(ImportRowsError) as caught:
            read_recipients(table, units=UNITS)
        # the messages speak the active language: Swedish unless set
        kinds = [(e.column, e.message.startswith("samma som rad")) for e in caught.value.errors]
        assert kinds.count(("email", True)) == duplicates  # every repeat named once, pointing to the first
        assert kinds.count(("unit", False)) == outside


@settings(max_examples=50, deadline=None)
@given(rows, st.randoms(use_true_random=False))
def test_row_order_does_not_change_which_recipients_are_read(
    generated: list[tuple[str, str, str]], random: Random
) -> None:
    unique = list({(local, domain): unit for local, domain, unit in generated if unit != "OUT"}.items())
    if not unique:
        return
    table = [["email", "unit"]] + [[f"{local}@{domain}", unit] for (local, domain), unit in unique]
    shuffled = [table[0], *sorted(table[1:], key=lambda _: random.random())]
    first = {(r.email, r.unit_code) for r in read_recipients(table, units=UNITS)}
    assert first == {(r.email, r.unit_code) for r in read_recipients(shuffled, units=UNITS)}
