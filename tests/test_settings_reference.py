"""Every KUNDPULS_* variable the code reads is declared once; docs/configuration.md is generated from it."""

from __future__ import annotations

import re
from pathlib import Path

from kundpuls.settings_reference import SETTINGS, configuration_markdown

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src" / "kundpuls"
VARIABLE = re.compile(r"KUNDPULS_[A-Z0-9_]*[A-Z0-9]")


def variables_read_by_the_code() -> set[str]:
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        if path.name == "settings_reference.py":
            continue
        for name in VARIABLE.findall(path.read_text(encoding="utf-8")):
            found.add(name.removesuffix("_FILE"))
    return found


def test_every_variable_the_code_reads_is_declared() -> None:
    declared = {s.name for s in SETTINGS}
    assert variables_read_by_the_code() - declared == set()


def test_every_declared_variable_is_read_somewhere() -> None:
    declared = {s.name for s in SETTINGS}
    assert declared - variables_read_by_the_code() == set()


def test_each_variable_is_declared_once() -> None:
    names = [s.name for s in SETTINGS]
    assert len(names) == len(set(names))


def test_docs_configuration_md_is_current() -> None:
    current = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert current == configuration_markdown(), (
        "docs/configuration.md is out of date: "
        "run `kundpuls reference --configuration --out docs/configuration.md`"
    )
