"""No public top-level function or class in src/kundpuls that only tests reach (issue 15).

An AST walk lists every public top-level ``def``/``class``; each must be named (as a whole word) in some other
file of src/kundpuls (re-exports in ``__init__.py`` do not count), in benchmarks/, or be on the allow-list
below with the reason it is deliberate public API.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "kundpuls"

# Reached by the framework, not by name: Typer commands registered by decorator, Django app configs, admin
# classes and system checks registered by decorator.
FRAMEWORK_SUFFIXES = ("_command", "Config", "Admin")
FRAMEWORK_NAMES = {"kundpuls_deploy_checks", "secret_key_outside_the_data_folder"}

# Deliberate public Python API: named in docs/methods.md, docs/statistics.md or a docstring example a user is
# told to call, though no shipped code calls it yet. Remove an entry when the function goes.
DOCUMENTED_API = {
    # kundpuls.stats, the statistics library (docs/statistics.md documents each with its signature and a
    # worked example from docs/methods.md, checked by its doctest or tests/stats). The pages use their
    # siblings on the lake's sums (proportion_from_counts for CSAT/CES shares, change_in_mean and
    # change_in_nps for change, shrink_means in the funnel, PLS effects in the priority matrix); these are
    # the documented calls an analyst makes on her own data in Python.
    "servqual",
    "shrink",
    "shrink_shares",
    "bottom_box",
    "effort_score",
    "change_in_share",
    "importance_performance",
    "impact",
    # kundpuls.instruments (docs/survey-definitions.md: the Python API for survey definitions)
    "mirror_errors",
    "background_items",
    "definition_from_json",
    "definition_to_json",
    "is_page_shown",
    # kundpuls.demo (docs/driver-analysis.md: the example NKI model)
    "example_nki_model",
    # kundpuls.web.invitations.queries (docs/invitations.md)
    "contact_rows",
}


def public_definitions() -> list[tuple[Path, str]]:
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            if not node.name.startswith("_"):
                found.append((path, node.name))
    return found


def user_texts() -> dict[Path, Counter[str]]:
    """The words of every file that counts as a user, counted (one read, one split: the test stays fast)."""
    files = [p for p in SOURCE.rglob("*") if p.suffix in {".py", ".html", ".typ"} and p.name != "__init__.py"]
    files += list((ROOT / "benchmarks").rglob("*.py"))
    return {p: Counter(WORD.findall(p.read_text(encoding="utf-8", errors="ignore"))) for p in files}


WORD = re.compile(r"\w+")


def unreferenced(definitions: list[tuple[Path, str]], texts: dict[Path, Counter[str]]) -> list[str]:
    dead = []
    for path, name in definitions:
        if name.endswith(FRAMEWORK_SUFFIXES) or name in FRAMEWORK_NAMES | DOCUMENTED_API:
            continue
        if not any(words[name] > (1 if other == path else 0) for other, words in texts.items()):
            dead.append(f"{path.relative_to(ROOT)}:{name}")
    return dead


def test_every_public_definition_has_a_user_outside_the_tests() -> None:
    dead = unreferenced(public_definitions(), user_texts())
    assert not dead, (
        f"only tests (or nothing) use these; remove them or allow-list them with a reason: {dead}"
    )


def test_the_guard_finds_an_unused_function() -> None:
    module = SOURCE / "stats" / "indices.py"
    texts = user_texts()
    texts[module] = texts[module] + Counter(["orphan_for_the_guard"])  # its own def line, no other use
    definitions = [*public_definitions(), (module, "orphan_for_the_guard")]
    assert unreferenced(definitions, texts) == ["src/kundpuls/stats/indices.py:orphan_for_the_guard"]


def test_the_allow_lists_hold_only_existing_names() -> None:
    names = {name for _, name in public_definitions()}
    assert names >= (DOCUMENTED_API | FRAMEWORK_NAMES)
