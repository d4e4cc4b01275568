"""The examples in the docstrings are worked examples too: run them."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import warnings

import pytest

import kundpuls.stats

MODULES = sorted(
    name
    for _finder, name, _is_pkg in pkgutil.walk_packages(kundpuls.stats.__path__, "kundpuls.stats.")
    if ".pls" not in name
)


@pytest.mark.parametrize("name", MODULES)
def test_the_docstring_examples_of_each_module_hold(name: str) -> None:
    module = importlib.import_module(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_the_examples_in_docs_statistics_md_hold() -> None:
    from pathlib import Path

    page = Path(__file__).resolve().parents[2] / "docs" / "statistics.md"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = doctest.testfile(str(page), module_relative=False, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
