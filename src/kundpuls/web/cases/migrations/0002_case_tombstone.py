"""A case may outlive its response as a tombstone (issue 17): ``Case.response`` becomes nullable.

Safe on a large PostgreSQL table: the new column is nullable without a default (a catalogue change), and
the foreign key only loses its NOT NULL (``ALTER COLUMN … DROP NOT NULL``: no table rewrite, no scan).
Django's own AlterField would drop and re-create the foreign-key constraint, which validates every row
while both tables are locked; PostgreSQL therefore gets the one statement, other databases (SQLite, which
rebuilds the table anyway) Django's alteration.
"""

import django.db.models.deletion
from django.db import migrations, models


class AlterNullOnly(migrations.AlterField):
    """AlterField that, on PostgreSQL, changes only the column's NOT NULL."""

    def _null_only(self, schema_editor, from_state, to_state, app_label) -> bool:
        if schema_editor.connection.vendor != "postgresql":
            return False
        model = to_state.apps.get_model(app_label, self.model_name)
        column = model._meta.get_field(self.name).column
        null = model._meta.get_field(self.name).null
        change = "DROP NOT NULL" if null else "SET NOT NULL"
        schema_editor.execute(
            f"ALTER TABLE {schema_editor.quote_name(model._meta.db_table)} "
            f"ALTER COLUMN {schema_editor.quote_name(column)} {change}"
        )
        return True

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if not self._null_only(schema_editor, from_state, to_state, app_label):
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if not self._null_only(schema_editor, from_state, to_state, app_label):
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("responses", "0004_response_followup_pending"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="erased_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        AlterNullOnly(
            model_name="case",
            name="response",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="case",
                to="responses.response",
            ),
        ),
    ]
