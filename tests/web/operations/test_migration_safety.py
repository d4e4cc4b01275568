"""Migrations stay safe on a large PostgreSQL table: no long lock on a table that already holds rows.

A migration that is not a table's first (``CreateModel``) may only do what PostgreSQL does without
rewriting or scanning the table under a lock that stops writes: add a nullable column, or one with a
constant default and no index (PostgreSQL 11+ stores the default in the catalogue), or drop one.
Everything else — an index built without ``CONCURRENTLY``, a changed column, a constraint that validates
every row, SQL or Python that touches rows — must be listed in ``REVIEWED`` with why it is safe (a small
table, a catalogue-only change), or the test fails: whoever adds such a migration reviews it here.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.migrations.loader import MigrationLoader
from django.db.models.fields import NOT_PROVIDED

KUNDPULS_APPS = {
    "accounts", "org", "surveys", "responses", "themes", "cases", "goals", "dashboards", "invitations",
    "api", "operations",
}  # fmt: skip

REVIEWED: dict[tuple[str, str, int], str] = {
    # responses.0003: a column with a default and an index on the largest table. Reviewed when it was
    # made, before any installation held many responses; on a large table build the index first with
    # CREATE INDEX CONCURRENTLY (docs/operations.md, upgrades), and Django's step then finds it in place.
    ("responses", "0003_response_stored_at", 0): "added before installations held many responses",
    ("cases", "0002_case_tombstone", 1): "AlterNullOnly: on PostgreSQL only DROP NOT NULL (catalogue)",
    ("goals", "0002_unit_cost_in_range", 0): "unit costs: one row per unit and period (small)",
    ("goals", "0002_unit_cost_in_range", 1): "unit costs: one row per unit and period (small)",
    # the channel fields gain choices (paper, phone, kiosk): choices live in Python, PostgreSQL gets no SQL
    ("responses", "0005_channels_paper_phone_kiosk", 0): "choices only: no SQL on PostgreSQL",
    ("surveys", "0002_channels_paper_phone_kiosk", 0): "choices only: no SQL on PostgreSQL",
    # the personal reference (one respondent across channels): invitations are one row per invited person,
    # tens of thousands rather than millions; the column is added empty, filled row by row once, then given
    # its default (and the unique index, which the first step builds)
    ("invitations", "0002_invitation_reference", 0): "invitations: one row per invited person (moderate)",
    ("invitations", "0002_invitation_reference", 1): "invitations: filled once, row by row (moderate)",
    ("invitations", "0002_invitation_reference", 2): "invitations: a Python default and NOT NULL (moderate)",
    # survey keys unique per organisation (issue 17): surveys are a small table (tens of rows)
    ("surveys", "0003_survey_key_per_organisation", 0): "surveys: a small table (tens of rows)",
    ("surveys", "0003_survey_key_per_organisation", 1): "surveys: a small table (tens of rows)",
    ("surveys", "0003_survey_key_per_organisation", 2): "surveys: a small table (tens of rows)",
    ("surveys", "0003_survey_key_per_organisation", 3): "surveys: a small table (tens of rows)",
    ("surveys", "0003_survey_key_per_organisation", 5): "surveys: a small table (tens of rows)",
    # each survey's key in the lake (issue 17): surveys are a small table (tens of rows)
    ("surveys", "0004_survey_lake_key", 1): "surveys: a small table (tens of rows)",
    ("surveys", "0004_survey_lake_key", 2): "surveys: a small table (tens of rows)",
    # one taxonomy per organisation (issue 17): a revision per save, a small table
    ("themes", "0002_taxonomy_per_organisation", 0): "taxonomy revisions: a small table",
    ("themes", "0002_taxonomy_per_organisation", 1): "taxonomy revisions: a small table",
    ("themes", "0002_taxonomy_per_organisation", 2): "taxonomy revisions: a small table",
    ("themes", "0002_taxonomy_per_organisation", 3): "taxonomy revisions: a small table",
    ("themes", "0002_taxonomy_per_organisation", 5): "taxonomy revisions: a small table",
}


def _problem(operation: Any) -> str | None:
    if isinstance(operation, (migrations.CreateModel, migrations.DeleteModel, migrations.RemoveField)):
        return None
    if isinstance(operation, (migrations.AlterModelOptions, migrations.AlterModelManagers)):
        return None  # Python-side only
    if isinstance(operation, migrations.AddField):
        field = operation.field
        if field.db_index or field.unique or (field.is_relation and field.db_constraint):
            return "adds an index or a validated constraint"
        if not field.null and not field.has_default() and field.db_default is NOT_PROVIDED:
            return "adds a NOT NULL column without a default"
        return None
    return f"{type(operation).__name__} may rewrite or scan the table under lock"


def test_every_migration_after_a_tables_first_is_safe_on_a_large_table_or_reviewed() -> None:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    problems, used = [], set()
    for (app, name), migration in sorted(loader.disk_migrations.items()):
        if app not in KUNDPULS_APPS or migration.initial:
            continue
        created = {
            (app, op.name.lower()) for op in migration.operations if isinstance(op, migrations.CreateModel)
        }
        for index, operation in enumerate(migration.operations):
            model = getattr(operation, "model_name", None)
            if model is not None and (app, model.lower()) in created:
                continue
            problem = _problem(operation)
            if problem is None:
                continue
            if (app, name, index) in REVIEWED:
                used.add((app, name, index))
                continue
            problems.append(f"{app}.{name} operation {index}: {problem}")
    assert not problems, "unsafe on a large PostgreSQL table (review and list in REVIEWED): " + "; ".join(
        problems
    )
    assert used == set(REVIEWED), f"REVIEWED lists operations that are not there: {set(REVIEWED) - used}"


def test_the_check_refuses_an_index_built_under_lock() -> None:
    from django.db import models

    assert _problem(migrations.AddIndex("response", models.Index(fields=["language"], name="x"))) is not None
    assert _problem(migrations.AddField("response", "note", models.TextField(null=True))) is None
    assert _problem(migrations.AddField("response", "flag", models.BooleanField(default=False))) is None
    assert _problem(migrations.AddField("response", "at", models.DateTimeField(db_index=True, null=True)))
    assert _problem(migrations.AlterField("response", "language", models.CharField(max_length=9)))
