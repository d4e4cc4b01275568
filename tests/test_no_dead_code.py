"""No public top-level function or class in src/kundpuls that only tests reach (issue 15).

An AST walk lists every public top-level ``def``/``class``; each must be reached by real code of src/kundpuls,
benchmarks/ or scripts/ (imported and used, named by a framework's dotted string, or used by reached code of
its own module: tests/dead_code_resolver.py says exactly what counts), or be on an allow-list below with its
reason. A word in a comment, a docstring or an unrelated attribute is no use.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

from dead_code_resolver import public_unreached

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "kundpuls"

# Reached by the framework, not by name: Typer commands registered by decorator, Django app configs, admin
# classes and system checks registered by decorator.
FRAMEWORK_SUFFIXES = ("_command", "Config", "Admin")
# ``register`` is each CLI topic module's hook: kundpuls.cli.main imports the modules by name (TOPICS)
# and calls it.
FRAMEWORK_NAMES = {"kundpuls_deploy_checks", "secret_key_outside_the_data_folder", "register"}

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
    "background_items",
    "definition_from_json",
    "definition_to_json",
    "is_page_shown",
    # kundpuls.stats, further documented calls (docs/statistics.md, docs/methods.md, docs/driver-analysis.md):
    # the funnel, the staff–customer gap, the patient survey's dimension, scale conversions and the PLS index
    # layer an analyst calls on her own data (the pages reach the same arithmetic through the lake's sums)
    "funnel",
    "gap",
    "npe_dimension",
    "from_index",
    "to_index",
    "driver_analysis",
    "respondent_indices",
    "priority_matrix",
    "PriorityMatrix",
    "resample_counts",
    # kundpuls.text (docs/comments.md: compound splitting, per-comment polarity and accepting a discovered
    # theme into a taxonomy in Python; the pages read comments through read_comments and the web's own
    # accept action, which records who accepted what)
    "split_compound",
    "comment_polarity",
    "accept_proposal",
    # kundpuls.demo (docs/driver-analysis.md: the example NKI model)
    "example_nki_model",
    # kundpuls.web.invitations.queries (docs/invitations.md)
    "contact_rows",
    # kundpuls.instruments.pages (docs/survey-definitions.md lists both in the Python API's page helpers)
    "visible_questions",
    "page_item_keys",
    # kundpuls.instruments.schema: its docstring tells a maintainer to call it to write
    # docs/survey-definition.schema.json (json_schema_text, which it calls, is reached through it)
    "write_json_schema",
    # kundpuls.web.webhooks.signing (docs/webhooks.md: what a receiver calls to check a delivery)
    "verify",
}


def _files(base: Path, folder: Path, migrations: bool) -> list[tuple[Path, Path]]:
    return [
        (path, base)
        for path in sorted(folder.rglob("*.py"))
        if ("migrations" in path.relative_to(folder).parts) == migrations
    ]


def unreferenced(
    package: Path = SOURCE, root: Path = ROOT, allow: Callable[[str], bool] | None = None
) -> list[str]:
    """``path:name`` of every public definition under ``package`` that nothing outside the tests reaches."""
    users = _files(package.parent, package, migrations=True)  # migrations use, but are not listed
    for folder in ("benchmarks", "scripts"):
        if (root / folder).is_dir():
            users += _files(root, root / folder, migrations=False)
    return [
        f"{path.relative_to(root)}:{name}"
        for path, name in public_unreached(
            _files(package.parent, package, migrations=False), users, allow or allowed, entry_points(root)
        )
    ]


def entry_points(root: Path) -> list[str]:
    """The ``module:function`` targets of pyproject.toml's scripts and entry points."""
    if not (root / "pyproject.toml").is_file():
        return []
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8")).get("project", {})
    groups = [
        project.get("scripts", {}),
        project.get("gui-scripts", {}),
        *project.get("entry-points", {}).values(),
    ]
    return [target for group in groups for target in group.values()]


def allowed(name: str) -> bool:
    """Reached by the framework or kept on purpose: a root of the search, and what it uses is reached too."""
    return name.endswith(FRAMEWORK_SUFFIXES) or name in FRAMEWORK_NAMES | DOCUMENTED_API


def public_names() -> set[str]:
    import ast

    return {
        node.name
        for path in SOURCE.rglob("*.py")
        if "migrations" not in path.parts
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    }


def test_every_public_definition_has_a_user_outside_the_tests() -> None:
    dead = unreferenced()
    assert not dead, (
        f"only tests (or nothing) use these; remove them or allow-list them with a reason: {dead}"
    )


def test_the_allow_lists_hold_only_existing_names() -> None:
    assert public_names() >= FRAMEWORK_NAMES


def test_the_allow_lists_hold_only_unreached_code() -> None:
    """An entry goes when its function goes or when shipped code starts to use it."""
    framework = {
        entry.rsplit(":", 1)[1]
        for entry in unreferenced(
            allow=lambda name: name.endswith(FRAMEWORK_SUFFIXES) or name in FRAMEWORK_NAMES
        )
    }
    assert (DOCUMENTED_API) - framework == set()


# The resolver itself, on a small package in tmp_path: what counts as a use and what does not.
PACKAGE = {
    "__init__.py": "from pkg.lib import exported\n",
    "lib.py": (
        '"""Mentions orphan and docstring_only in a docstring."""\n'
        "def orphan():\n    return 1\n\n"
        "def imported():\n    return helper_of_imported()\n\n"
        "def helper_of_imported():\n    return 2\n\n"
        "def via_attribute():\n    return 3\n\n"
        "def lazy():\n    return 4\n\n"
        "def exported():\n    return 5\n\n"
        "def exported_unused():\n    return 6\n\n"
        "def only_from_dead():\n    return 7\n\n"
        "def dead_user():\n    return only_from_dead()\n\n"
        "def by_string():\n    return 8\n\n"
        "def used_at_import():\n    return 9\n\n"
        "def entry():\n    return 10\n\n"
        "VALUE = used_at_import()\n"
    ),
    "user.py": (
        "# orphan() is only named in this comment\n"
        "from pkg.lib import imported\n"
        "from . import lib as library\n"
        "from pkg import exported\n"
        "HANDLERS = ['pkg.lib.by_string']\n"
        "TEXT = 'orphan'\n"
        "def run(thing):\n"
        "    from pkg import lib\n"
        "    thing.orphan()\n"
        "    return imported() + library.via_attribute() + lib.lazy() + exported()\n"
    ),
}


def test_the_resolver_tells_real_uses_from_words(tmp_path: Path) -> None:
    package = tmp_path / "src" / "pkg"
    package.mkdir(parents=True)
    for name, text in PACKAGE.items():
        (package / name).write_text(text, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[project.scripts]\npkg = "pkg.lib:entry"\n', encoding="utf-8")
    dead = unreferenced(package, tmp_path)
    # named only in a comment, a docstring, a string or as another object's attribute; re-exported by
    # the package but never imported from it; used only by a dead function of its own module
    assert dead == [
        "src/pkg/lib.py:dead_user",
        "src/pkg/lib.py:exported_unused",
        "src/pkg/lib.py:only_from_dead",
        "src/pkg/lib.py:orphan",
        "src/pkg/user.py:run",
    ]


def test_the_guard_finds_an_unused_function_in_the_real_tree(tmp_path: Path) -> None:
    import shutil

    def only_python(folder: str, names: list[str]) -> set[str]:
        return {n for n in names if not n.endswith(".py") and not (Path(folder) / n).is_dir()}

    package = tmp_path / "src" / "kundpuls"
    shutil.copytree(SOURCE, package, ignore=only_python)
    for users in ("benchmarks", "scripts"):
        shutil.copytree(ROOT / users, tmp_path / users, ignore=only_python)
    module = package / "stats" / "indices.py"
    planted = "\n\ndef orphan_for_the_guard() -> int:\n    return 1\n"
    module.write_text(module.read_text(encoding="utf-8") + planted, encoding="utf-8")
    (package / "web" / "forms_note.py").write_text("# orphan_for_the_guard is named here\n", encoding="utf-8")
    assert unreferenced(package, tmp_path) == ["src/kundpuls/stats/indices.py:orphan_for_the_guard"]
