"""The repository stands alone: nothing refers to a folder beside it, and every methods citation resolves.

A clone in an empty folder must pass its tests and let a reader follow every citation, so no file may name
the design brief or the methods reference that live outside the repository, or read a path above the
repository's root; and every ``docs/methods.md §N`` cited in code or docs must be a heading of that file.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SKIPPED_DIRS = {".git", ".venv", "var", "node_modules", ".mypy_cache", ".ruff_cache", ".pytest_cache"}
TEXT_SUFFIXES = {".py", ".md", ".toml", ".cfg", ".ini", ".txt", ".yaml", ".yml", ".json", ".html", ".typ", ""}

# Written in pieces so that this file does not match itself.
OUTSIDE = [
    re.compile(r"\.\./" + "shared"),
    re.compile(r"\b" + "METHODS" + r"\.md\b"),
    re.compile(r"\b" + "DESIGN" + r"\.md\b"),
    re.compile(r"""["']\.\.["']\s*/\s*["']""" + "shared"),
    re.compile(r"(?<![\w.])/" + "work/"),  # an absolute path of a development machine
]
CITATION = re.compile(r"methods\.md,?\s+§\s*([0-9]+(?:\.[0-9]+)?)")


def repository_files() -> list[Path]:
    """The files a clone holds (git's list when there is one, else a walk without build folders)."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True, timeout=30
        ).stdout.decode()
        files = [REPO / name for name in listed.split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        files = [p for p in REPO.rglob("*") if not SKIPPED_DIRS.intersection(p.relative_to(REPO).parts)]
    return [p for p in files if p.is_file() and p.suffix in TEXT_SUFFIXES | {".lock", ".csv"}]


def read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return ""


def test_no_file_refers_to_a_folder_beside_the_repository() -> None:
    offenders = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()[:100]}"
        for path in repository_files()
        for number, line in enumerate(read(path).splitlines(), start=1)
        if any(pattern.search(line) for pattern in OUTSIDE)
    ]
    assert offenders == [], "files that refer to something outside the repository:\n" + "\n".join(offenders)


def method_sections() -> set[str]:
    text = (REPO / "docs" / "methods.md").read_text(encoding="utf-8")
    return set(re.findall(r"^#{2,3} +([0-9]+(?:\.[0-9]+)?)\b", text, flags=re.MULTILINE))


def test_the_methods_document_has_numbered_sections() -> None:
    sections = method_sections()
    assert {"1", "1.8", "3.1", "8.1", "11"} <= sections


@pytest.mark.parametrize("suffix", [".py", ".md"])
def test_every_methods_citation_names_a_section_that_exists(suffix: str) -> None:
    sections = method_sections()
    dangling = [
        f"{path.relative_to(REPO)}: §{section}"
        for path in repository_files()
        if path.suffix == suffix
        for section in CITATION.findall(read(path))
        if section not in sections
    ]
    assert dangling == [], "citations of docs/methods.md sections that do not exist:\n" + "\n".join(dangling)
