"""Linear rescaling to 0–100, docs/methods.md E1.1."""

from __future__ import annotations

import numpy as np
import pytest

from kundpuls.errors import InvalidArgument
from kundpuls.stats.scales import from_index, to_index


def test_it_maps_the_nki_scale_ends_and_midpoint_as_in_e1_1() -> None:
    # docs/methods.md E1.1, tolerance 1e-9 (exact arithmetic).
    np.testing.assert_allclose(to_index([1, 5.5, 8.65, 10]), [0.0, 50.0, 85.0, 100.0], atol=1e-9)


def test_it_inverts_published_scb_indices_as_in_e1_1() -> None:
    # docs/methods.md E1.1: 85 -> 8.65, 72 -> 7.48 (SCB RMV 2010, Göteborg 2007), tolerance 1e-9.
    np.testing.assert_allclose(from_index([85, 72]), [8.65, 7.48], atol=1e-9)


def test_it_maps_the_insikt_one_to_six_scale_linearly() -> None:
    np.testing.assert_allclose(to_index([1, 2, 6], scale=(1, 6)), [0.0, 20.0, 100.0])


def test_it_keeps_missing_values_missing() -> None:
    assert np.isnan(to_index([np.nan, 3])[0])


def test_it_rejects_values_outside_the_scale_naming_the_value() -> None:
    with pytest.raises(InvalidArgument, match=r"values: value 11 is outside the scale 1–10"):
        to_index([5, 11])


def test_it_rejects_a_reversed_scale() -> None:
    with pytest.raises(InvalidArgument, match="scale: min 5 must be below max 1"):
        to_index([3], scale=(5, 1))
