"""A missing tool skips a test on a laptop and fails it under CI (tests/system_tools.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from system_tools import PACKAGES, require_font, require_module, require_tool, unavailable


@pytest.fixture
def empty_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PATH with one empty folder: no program is found."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    return folder


@pytest.mark.parametrize("value", ["true", "1", "yes", "TRUE"])
def test_under_ci_a_missing_tool_fails_the_test_and_names_its_package(
    value: str, empty_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", value)
    with pytest.raises(
        pytest.fail.Exception, match=r"pdftotext is not installed \(apt-get install poppler-utils\)"
    ):
        require_tool("pdftotext")
    with pytest.raises(pytest.fail.Exception, match="CI is set, so this is a failure, not a skip"):
        unavailable("something is missing")


@pytest.mark.parametrize("value", [None, "", "0", "false", "no"])
def test_outside_ci_a_missing_tool_skips_the_test(
    value: str | None, empty_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.skip.Exception, match=r"java is not installed \(apt-get install openjdk"):
        require_tool("java")


def test_a_tool_on_the_path_is_returned_whether_or_not_ci_is_set(
    empty_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    program = empty_path / "pdftotext"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    for value in ("true", ""):
        monkeypatch.setenv("CI", value)
        assert require_tool("pdftotext") == str(program)


def test_a_program_without_a_known_package_is_a_mistake_in_the_test() -> None:
    assert "not-a-program" not in PACKAGES
    with pytest.raises(KeyError, match="not-a-program"):
        require_tool("not-a-program")


def test_a_missing_python_package_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(
        pytest.fail.Exception, match=r"no_such_module_kundpuls is not installed \(make install\)"
    ):
        require_module("no_such_module_kundpuls", "make install")
    require_module("duckdb", "make install")  # present: nothing happens


def test_a_missing_font_fails_under_ci_when_fontconfig_itself_is_missing(
    empty_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(
        pytest.fail.Exception, match=r"fc-list is not installed \(apt-get install fontconfig\)"
    ):
        require_font("Liberation Sans")
