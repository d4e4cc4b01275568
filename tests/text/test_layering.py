"""The comment-analysis layer stays pure: no Django, DuckDB, Spark or other pure layer (architecture.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


def _loaded_after(statement: str) -> list[str]:
    code = (
        f"import sys\n{statement}\n"
        "bad = {'django', 'duckdb', 'pyspark'}\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in bad"
        " or m.startswith(('kundpuls.stats', 'kundpuls.instruments', 'kundpuls.analytics')))))\n"
        "heavy = {'pandas', 'sklearn', 'scipy'}\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={"PYTHONPATH": str(SRC)}
    )
    return out.stdout.splitlines()


def test_using_every_part_of_the_text_package_loads_no_forbidden_module() -> None:
    forbidden, _ = _loaded_after(
        "import kundpuls.text as t\n"
        "c = t.build_corpus(['Personalen var otrevlig', 'Bra'] * 10)\n"
        "t.assign_themes_to_corpus(c); t.distinguishing_terms(c, [1, 9] * 10, min_count=1)\n"
        "t.redact_many(['Ring 070-123 45 67'])\n"
        "t.discover_themes(c, n_themes=1, min_df=1, only_unassigned=False)"
    )
    assert forbidden == ""


def test_the_redaction_hook_does_not_load_pandas_scipy_or_scikit_learn() -> None:
    forbidden, heavy = _loaded_after(
        "from kundpuls.text.redaction import redact\nredact('Ring 070-123 45 67')"
    )
    assert forbidden == "" and heavy == ""
