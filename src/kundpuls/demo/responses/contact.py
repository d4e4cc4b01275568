"""The consent question and fake contact data for the synthetic responses.

Most respondents answer "no" to "Får vi kontakta dig?"; a dissatisfied respondent says yes more often:
``P(yes) = rate · 2 / (1 + exp(1.2 z))`` for the outcome score ``z`` (the factor averages 1 over a
standard normal ``z``, so ``rate`` is the overall share). A yes comes with contact data that is fake by
construction: common Swedish first names and surnames, mobile numbers from the series the Swedish Post
and Telecom Authority (PTS) reserves for fiction (070-174 06 05 … 070-174 06 99) and e-mail addresses at
the reserved domains ``example.com``/``example.org``/``example.net`` (RFC 2606).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from kundpuls.instruments.model import ContactField

FIRST_NAMES: tuple[str, ...] = (
    "Anna", "Eva", "Maria", "Karin", "Sara", "Lena", "Kerstin", "Emma", "Ingrid", "Malin", "Elin", "Sofia",
    "Lars", "Mikael", "Anders", "Johan", "Erik", "Per", "Karl", "Peter", "Jan", "Thomas", "Daniel", "Ali",
    "Fatima", "Ahmed", "Noor", "Mohammed",
)  # fmt: skip
SURNAMES: tuple[str, ...] = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
    "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Lindberg", "Lindström", "Berg", "Holm",
    "Sandberg", "Hassan", "Ali", "Lindqvist",
)  # fmt: skip
EMAIL_DOMAINS: tuple[str, ...] = ("example.com", "example.org", "example.net")
_ASCII = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e"})


def consent_answers(
    rng: np.random.Generator, outcome: np.ndarray, *, rate: float, skip_rate: float
) -> list[Any]:
    """Consent answers: ``True``/``False``, or ``None`` for a question left unanswered."""
    n = outcome.size
    p_yes = np.clip(rate * 2.0 / (1.0 + np.exp(1.2 * outcome)), 0.0, 0.6)
    yes = rng.random(n) < p_yes
    answered = rng.random(n) >= skip_rate
    return [bool(y) if a else None for y, a in zip(yes.tolist(), answered.tolist(), strict=True)]


def fake_contacts(
    rng: np.random.Generator, fields: Sequence[ContactField], count: int
) -> list[dict[str, str]]:
    """``count`` fake contact records for the consent's contact fields (see the module docstring).

    Required fields are always filled; optional ones nine times in ten, and every record has a phone number
    or an e-mail address when the question asks for either.
    """
    first = rng.integers(0, len(FIRST_NAMES), size=count)
    last = rng.integers(0, len(SURNAMES), size=count)
    phone = rng.integers(5, 100, size=count)
    domain = rng.integers(0, len(EMAIL_DOMAINS), size=count)
    filled = rng.random((count, len(fields))) < 0.9
    reachable = [k for k, f in enumerate(fields) if f.kind in ("phone", "email")]
    records: list[dict[str, str]] = []
    for i in range(count):
        name = f"{FIRST_NAMES[first[i]]} {SURNAMES[last[i]]}"
        record: dict[str, str] = {}
        if reachable and not any(filled[i, k] for k in reachable):
            filled[i, reachable[0]] = True
        for k, contact in enumerate(fields):
            if not (contact.required or filled[i, k]):
                continue
            if contact.kind == "name":
                record[contact.key] = name
            elif contact.kind == "phone":
                record[contact.key] = f"070-174 06 {phone[i]:02d}"
            elif contact.kind == "email":
                local = name.lower().translate(_ASCII).replace(" ", ".")
                record[contact.key] = f"{local}@{EMAIL_DOMAINS[domain[i]]}"
            else:
                record[contact.key] = "Helst på förmiddagen"
        records.append(record)
    return records
