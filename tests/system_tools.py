"""What a test needs from the machine: skipped locally when missing, a failure under CI.

CI (``.ci/run``, which exports ``CI=true``) installs every tool named here, so a test that would skip there
hides a broken set-up; on a laptop without, say, poppler-utils the same test is skipped with the command
that installs what is missing. Every check of a program, a font or an optional Python package goes
through this module (``tests/conftest.py`` puts ``tests/`` on the import path, so tests import it as
``system_tools``).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from typing import NoReturn

import pytest

# The Debian package that provides each program the tests run (the names .ci/run installs).
PACKAGES = {
    "pdftotext": "poppler-utils",
    "pdftoppm": "poppler-utils",
    "pdfinfo": "poppler-utils",
    "fc-list": "fontconfig",
    "java": "openjdk-17-jre-headless",
}
FONT_PACKAGES = {"Liberation Sans": "fonts-liberation"}
_NOT_CI = {"", "0", "false", "no"}


def under_ci() -> bool:
    """``CI`` is set to anything but empty, 0, false or no (CI services set ``CI=true``)."""
    return os.environ.get("CI", "").strip().lower() not in _NOT_CI


def unavailable(reason: str) -> NoReturn:
    """Skip locally; fail under CI, which must not pass by skipping a test whose tool it installs."""
    if under_ci():
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def require_tool(name: str) -> str:
    """The path of the program ``name``; without it, skip (or fail under CI) naming its package."""
    package = PACKAGES[name]  # a program not listed here is a mistake in the test, not a missing tool
    path = shutil.which(name)
    if path is None:
        unavailable(f"{name} is not installed (apt-get install {package})")
    return path


def require_module(name: str, install: str) -> None:
    """An optional Python package; ``install`` says how to get it (a make target or a package)."""
    if importlib.util.find_spec(name) is None:
        unavailable(f"the Python package {name} is not installed ({install})")


def require_font(family: str) -> None:
    """A font family fontconfig knows of (fonts the tests compare against are listed in FONT_PACKAGES)."""
    package = FONT_PACKAGES[family]
    fc_list = require_tool("fc-list")
    listed = subprocess.run([fc_list, family, "family"], capture_output=True, text=True, check=False).stdout
    if family not in listed:
        unavailable(f"the font {family} is not installed (apt-get install {package})")
